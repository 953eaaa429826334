"""
## What it does
Reports a dependency install — `pip install -r`, `pip install .`, `poetry install`,
`pipenv install`, `uv sync`, `npm ci`/`npm install`, `yarn`, `pnpm install`,
`go mod download`, `bundle install`, `composer install`, `cargo fetch`/`cargo build` — that
runs after a `COPY`/`ADD` of the whole source tree (`COPY . x`, `COPY ./ x`, `ADD . x`,
without `--from`) in the same stage. Applies in every stage, builder stages included.
Installs of named packages (`pip install flask`, `npm install -g pnpm`) are not this.

## Why is this bad?
Any change to any file of the build context invalidates the cache of the broad `COPY`,
so every code change re-runs the whole dependency install. Copying only the manifests
first lets the install layer stay cached until the dependencies change.

## Example
```dockerfile
FROM python:3.13-slim
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -r requirements.txt
```
becomes
```dockerfile
FROM python:3.13-slim
WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
```

## Fix safety
Unsafe — **reorder COPY before RUN**. The fix inserts `COPY <manifests> <dir>/` right
before the install and moves the broad `COPY` after it (its destination rewritten when a
`WORKDIR` between them would change what a relative destination means). Manifests by
installer: `pip install -r F` (and `-c F`) → the named files; `npm ci`/`npm install` →
`package.json` + `package-lock.json`; `yarn` → `package.json` + `yarn.lock`; `pnpm` →
`package.json` + `pnpm-lock.yaml`; `go mod download` → `go.mod` + `go.sum`;
`bundle install` → `Gemfile` + `Gemfile.lock`; `cargo fetch` → `Cargo.toml` + `Cargo.lock`
(with a placeholder `src/lib.rs` created and removed around the fetch, because cargo
refuses a manifest without targets); `pipenv` → `Pipfile` + `Pipfile.lock`; an `.npmrc`
next to the Dockerfile is copied too.

Project installers are split into a dependencies step before the broad `COPY` and a
project step after it: `uv sync --no-install-project` … `uv sync`; `poetry install
--no-root` … `poetry install --only-root`; `pip install -r requirements.txt` …
`pip install --no-deps .` (only when a `requirements.txt` is known to exist: pip cannot
install a project's dependencies without its source); `composer install --no-autoloader
--no-scripts` … `composer dump-autoload` (Composer's post-install scripts are then not
run: review). Commands of the RUN that follow the install move with the project step.
When the RUN bind-mounts its manifests (`--mount=type=bind,source=uv.lock,…`), only
the broad `COPY` moves.

Which manifest files are copied: when the Dockerfile is on disk and its build context
(the Dockerfile's directory unless Compose says otherwise) holds the main manifest, only
manifests that exist there are copied. Otherwise (stdin, editor buffers, a context
elsewhere) the conventional set is used; for `npm install` that is the Docker idiom
`COPY package*.json ./` — a wildcard that matches nothing is allowed by Docker as long as
another source matches, and `package.json` always does.

No fix, with the reason in the message, when an input cannot be determined: a
requirements file that includes others (`-r`/`-c`) or local paths (`-e .`), workspaces
(`workspaces` in package.json, `pnpm-workspace.yaml`, `go.work`, `[workspace]`,
`[tool.uv.workspace]`), local path dependencies (`path =`, `file:`, `replace … => ./…`,
`gemspec`), a project versioned by setuptools-scm/versioneer (it needs `.git` and the
source); and when moving the `COPY` could break the build: a `RUN`, `COPY`, `ADD` or
`VOLUME` between the `COPY` and the install (it may use the copied files), shell code
before the install that is not setup (`cd`, `export`, package managers), a `WORKDIR`
that cannot be resolved, or a destination relative to the base image's unknown
`WORKDIR`. `cargo build` never gets a fix (cargo has no dependencies-only build).

≈ hadolint has no equivalent; BuildKit has none.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from dockwise.dockerfile.analysis import mount_options, program_name
from dockwise.dockerfile.context import context_dir, read_text
from dockwise.dockerfile.model import Instruction
from dockwise.dockerfile.shell import Command, Script, ShellWord, run_scripts, unwrap
from dockwise.dockerfile.variables import expand
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import reads_build_context, stage_local
from dockwise.lint.registry import rule
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity
from dockwise.text import Span

BASE = "@base"  # the base image's WORKDIR (unknown)
# searched in lower-cased text (several times faster than a case-insensitive pattern)
_PRECHECK = re.compile(r"pip|poetry|pipenv|uv\b|npm|yarn|pnpm|go\s+mod|bundle|composer|cargo")


def _precheck(text: str) -> bool:
    """Whether a RUN may hold an installer this rule reads (a cheap filter)."""
    return _PRECHECK.search(text.lower()) is not None


_NEUTRAL = frozenset({
    "apt-get", "apt", "apk", "yum", "dnf", "microdnf", "zypper", "mkdir", "useradd", "adduser",
    "groupadd", "addgroup", "true", "set", "export", "update-ca-certificates", "corepack",
    "locale-gen", "ldconfig", "cd", "echo", "rm",
})
_ALLOWED_BETWEEN = frozenset({
    "ENV", "ARG", "LABEL", "EXPOSE", "WORKDIR", "USER", "SHELL", "STOPSIGNAL", "HEALTHCHECK",
    "CMD", "ENTRYPOINT", "ONBUILD", "MAINTAINER",
})


class NoFix(Exception):
    """The fix cannot be made correct; the message says why."""


@dataclass
class Install:
    """One installer command."""

    cmd: Command
    label: str  # e.g. "pip install -r"
    manifests: list[str] = field(default_factory=list)  # cwd-relative files
    optional: list[str] = field(default_factory=list)  # optional files (lockfiles)
    globs: list[str] = field(default_factory=list)  # when not on disk: COPY idiom entries
    project: bool = False
    deps_text: str = ""  # deps-step text of this command (project installers)
    project_text: str = ""  # project-step text (project installers)
    no_fix: str | None = None
    wrap_cargo: bool = False
    kind: str = ""


_PIP_NAME = re.compile(r"pip(3(\.\d+)?)?")
_PYTHON_NAME = re.compile(r"python(3(\.\d+)?)?")
_REQ_OPT = re.compile(r"(-r|--requirement|-c|--constraint)(=?)(.*)")
# programs `classify` knows (besides pip*/python*): anything else is not an installer
_INSTALLERS = frozenset({"uv", "poetry", "pipenv", "npm", "yarn", "pnpm", "go", "bundle",
                         "composer", "cargo"})


def _is_pip(cmd: Command) -> int:
    """Index of the `install` word when this is a pip install, else -1."""
    v = [w.value for w in cmd.words]
    if not v:
        return -1
    name = cmd.name
    if _PIP_NAME.fullmatch(name) and len(v) > 1 and v[1] == "install":
        return 1
    if _PYTHON_NAME.fullmatch(name) and v[1:4] == ["-m", "pip", "install"]:
        return 3
    if name == "uv" and v[1:3] == ["pip", "install"]:
        return 2
    return -1


def _words_text(words: list[ShellWord]) -> str:
    return " ".join(w.raw for w in words)


def _cmd_text(cmd: Command, words: list[ShellWord] | None = None) -> str:
    ws = cmd.words if words is None else words
    return " ".join([w.raw for w in cmd.assignments] + [w.raw for w in ws]
                    + [w.raw for w in cmd.redirects])


def _insert_after(cmd: Command, k: int, extra: str) -> str:
    ws = cmd.words
    parts = [w.raw for w in cmd.assignments] + [w.raw for w in ws[: k + 1]] + [extra]
    parts += [w.raw for w in ws[k + 1 :]] + [w.raw for w in cmd.redirects]
    return " ".join(parts)


def _positional(words: list[ShellWord], start: int, with_value: set[str]) -> list[int]:
    out = []
    i = start
    while i < len(words):
        v = words[i].value
        if v.startswith("-"):
            if v in with_value:
                i += 1
        else:
            out.append(i)
        i += 1
    return out


_PIP_VALUE_OPTS = {"-r", "--requirement", "-c", "--constraint", "-i", "--index-url",
                   "--extra-index-url", "-f", "--find-links", "-t", "--target", "--prefix",
                   "--root", "--python", "--platform", "--python-version", "--implementation",
                   "--abi", "--trusted-host", "--cache-dir", "--src", "--upgrade-strategy",
                   "--only-binary", "--no-binary", "--progress-bar", "--log", "--timeout",
                   "--retries", "--proxy", "--config-settings", "-C", "--global-option",
                   "--report", "--exists-action", "-e", "--editable"}


def classify(cmd0: Command) -> Install | None:
    """An installer this rule cares about, or None."""
    cmd = unwrap(cmd0)
    if not cmd.words:
        return None
    name = cmd.name
    if name not in _INSTALLERS and not name.startswith(("pip", "python")):
        return None
    v = [w.value for w in cmd.words]
    k = _is_pip(cmd)
    if k >= 0:
        reqs: list[str] = []
        proj: list[int] = []
        req_drop: set[int] = set()
        proj_drop: set[int] = set()
        words = cmd.words
        i = k + 1
        while i < len(words):
            val = words[i].value
            m = _REQ_OPT.fullmatch(val)
            if m and m.group(3):
                reqs.append(m.group(3))
                req_drop.add(i)
            elif m:
                if i + 1 < len(words):
                    reqs.append(words[i + 1].value)
                    req_drop.update({i, i + 1})
                i += 1
            elif val in ("-e", "--editable") and i + 1 < len(words):
                if _is_local(words[i + 1].value):
                    proj.append(i + 1)
                    proj_drop.update({i, i + 1})
                i += 1
            elif val.startswith("-"):
                if val in _PIP_VALUE_OPTS:
                    i += 1
            elif _is_local(val):
                proj.append(i)
                proj_drop.add(i)
            i += 1
        if (not reqs and not proj) or (not reqs and "--no-deps" in {w.value for w in words}):
            return None
        if not proj:
            return Install(cmd0, "pip install -r", manifests=reqs, kind="pip")
        inst = Install(cmd0, "pip install .", manifests=reqs, project=True, kind="pip")
        targets = {words[j].value.split("[")[0].rstrip("/") or "." for j in proj}
        if targets - {".", "./", ""}:
            inst.no_fix = "it installs a local path other than the project itself"
            return inst
        editable = any(j > 0 and words[j - 1].value in ("-e", "--editable") for j in proj)
        pre = [w.raw for w in cmd0.assignments]
        inst.deps_text = " ".join(pre + [w.raw for j, w in enumerate(words) if j not in proj_drop])
        if not reqs:
            inst.deps_text += " -r requirements.txt"
        proj_src = ("-e " if editable else "") + words[proj[0]].raw
        inst.project_text = " ".join(
            pre + [w.raw for j, w in enumerate(words) if j not in proj_drop | req_drop]
            + ["--no-deps", proj_src])
        return inst
    sub = v[1] if len(v) > 1 else ""
    rest = v[2:]
    if name == "poetry" and sub == "install":
        if "--no-root" in rest:
            return Install(cmd0, "poetry install --no-root", ["pyproject.toml"], ["poetry.lock"],
                           globs=["poetry.lock"], kind="poetry")
        if "--only-root" in rest:
            return None
        inst = Install(cmd0, "poetry install", ["pyproject.toml"], ["poetry.lock"], project=True,
                       globs=["poetry.lock"], kind="poetry")
        inst.deps_text = _insert_after(cmd, 1, "--no-root")
        keep = [w.raw for w in cmd.words[2:] if w.value in (
            "-n", "--no-interaction", "--no-ansi", "--ansi", "-q", "--quiet", "-v", "-vv", "-vvv",
            "--verbose", "--compile")]
        inst.project_text = " ".join([w.raw for w in cmd0.assignments]
                                     + [w.raw for w in cmd.words[:2]] + ["--only-root", *keep])
        return inst
    if name == "pipenv" and sub in ("install", "sync") and not _positional(cmd.words, 2, set()):
        return Install(cmd0, f"pipenv {sub}", ["Pipfile"], ["Pipfile.lock"],
                       globs=["Pipfile.lock"], kind="pipenv")
    if name == "uv" and sub == "sync":
        lock_req = "--frozen" in rest or "--locked" in rest
        files = ["pyproject.toml", "uv.lock"] if lock_req else ["pyproject.toml"]
        opt = [] if lock_req else ["uv.lock"]
        if "--no-install-project" in rest or "--only-deps" in rest:
            return Install(cmd0, "uv sync --no-install-project", files, opt, globs=opt, kind="uv")
        inst = Install(cmd0, "uv sync", files, opt, globs=opt, project=True, kind="uv")
        inst.deps_text = _insert_after(cmd, 1, "--no-install-project")
        inst.project_text = _cmd_text(cmd)
        return inst
    if name == "npm" and sub in ("ci", "install", "i", "clean-install"):
        if "-g" in rest or "--global" in rest or _positional(cmd.words, 2, set()):
            return None
        if sub in ("ci", "clean-install"):
            return Install(cmd0, f"npm {sub}", ["package.json", "package-lock.json"],
                           [".npmrc", "npm-shrinkwrap.json"], kind="npm")
        return Install(cmd0, f"npm {sub}", ["package.json"],
                       ["package-lock.json", "npm-shrinkwrap.json", ".npmrc"],
                       globs=["package*.json"], kind="npm")
    if name == "yarn" and (sub in ("", "install") or (sub.startswith("-") and "install" not in v)):
        if sub.startswith("-") or sub == "":
            pass
        frozen = any(o in v for o in ("--frozen-lockfile", "--immutable"))
        files = ["package.json", "yarn.lock"]
        return Install(cmd0, "yarn install", files if frozen else ["package.json"],
                       ([] if frozen else ["yarn.lock"]) + [".yarnrc.yml", ".yarnrc", ".npmrc"],
                       globs=[] if frozen else ["yarn.lock"], kind="yarn")
    if name == "pnpm" and sub in ("install", "i") and not _positional(cmd.words, 2, set()):
        frozen = "--frozen-lockfile" in rest
        return Install(cmd0, "pnpm install",
                       ["package.json", "pnpm-lock.yaml"] if frozen else ["package.json"],
                       ([] if frozen else ["pnpm-lock.yaml"]) + [".npmrc"],
                       globs=[] if frozen else ["pnpm-lock.yaml"], kind="pnpm")
    if name == "go" and v[1:3] == ["mod", "download"]:
        return Install(cmd0, "go mod download", ["go.mod"], ["go.sum"], globs=["go.sum"],
                       kind="go")
    if name == "bundle" and sub in ("install", ""):
        return Install(cmd0, "bundle install", ["Gemfile"], ["Gemfile.lock"],
                       globs=["Gemfile.lock"], kind="bundle")
    if name == "composer" and sub in ("install", "i"):
        inst = Install(cmd0, "composer install", ["composer.json"], ["composer.lock"],
                       globs=["composer.lock"], project=True, kind="composer")
        inst.deps_text = _insert_after(cmd, 1, "--no-autoloader --no-scripts")
        opts = []
        if any(o in rest for o in ("--optimize-autoloader", "-o")):
            opts.append("--optimize")
        if "--classmap-authoritative" in rest or "-a" in rest:
            opts.append("--classmap-authoritative")
        if "--no-dev" in rest:
            opts.append("--no-dev")
        inst.project_text = " ".join(
            [w.raw for w in cmd0.assignments] + [cmd.words[0].raw, "dump-autoload", *opts])
        return inst
    if name == "cargo" and sub == "fetch":
        return Install(cmd0, "cargo fetch", ["Cargo.toml"], ["Cargo.lock"], globs=["Cargo.lock"],
                       wrap_cargo=True, kind="cargo")
    if name == "cargo" and sub == "build":
        inst = Install(cmd0, "cargo build", ["Cargo.toml"], project=True, kind="cargo")
        inst.no_fix = "cargo has no dependencies-only build (use `cargo fetch` or cargo-chef)"
        return inst
    return None


def _is_local(v: str) -> bool:
    base = v.split("[")[0]
    return base in (".", "./") or base.startswith(("./", "../", "/", "file:"))


# -- paths ------------------------------------------------------------------------------

def _join(wd: str | None, p: str) -> str | None:
    if wd is None:
        return None
    if p.startswith("/"):
        return posixpath.normpath(p)
    return posixpath.normpath(posixpath.join(wd, p))


def _rel(target: str, wd: str) -> str | None:
    """`target` written relative to `wd` when inside it, else absolute (None: inexpressible)."""
    if target == wd:
        return "./"
    if target.startswith(wd.rstrip("/") + "/"):
        return target[len(wd.rstrip("/")) + 1 :] + "/"
    if target.startswith(BASE):
        return None
    return target.rstrip("/") + "/" if target != "/" else "/"


def _under(path: str, root: str) -> str | None:
    """`path` relative to `root` when inside it."""
    if path == root:
        return "."
    r = root.rstrip("/") + "/" if root != "/" else "/"
    if path.startswith(r):
        return path[len(r) :]
    return None


@dataclass
class Broad:
    ins: Instruction
    src_word_idx: int
    dest_abs: str | None
    wd: str | None


def _is_broad(ins: Instruction) -> int:
    if ins.flag("from") is not None or ins.heredocs:
        return -1
    if ins.exec_form is not None:
        vals = [e.value for e in ins.exec_form]
        return next((i for i, s in enumerate(vals[:-1]) if s in (".", "./")), -1) if len(
            vals) >= 2 else -1
    words = ins.words
    for i, w in enumerate(words[:-1]):
        if w.value in (".", "./"):
            return i
    return -1


_SEEN_KINDS = frozenset({"SHELL", "WORKDIR", "COPY", "ADD", "RUN"})


@rule(code="DF101", name="copy-before-deps", severity=Severity.WARNING,
      fix=FixAvailability.SOMETIMES)
@stage_local
@reads_build_context
def check(ctx: DockerfileContext) -> None:
    an = ctx.analysis
    wd_end: dict[int, str | None] = {}
    for st in ctx.stages:
        wd: str | None = wd_end.get(st.parent, BASE) if st.parent is not None else BASE
        broad: Broad | None = None
        between: list[Instruction] = []
        deps_done: set[str] = set()  # installer kinds whose deps step ran before any broad COPY
        posix = an.posix_shell(st.from_)  # the SHELL inherited by the stage (one lookup)
        for ins in st.instructions:
            kw = ins.keyword
            if kw not in _SEEN_KINDS:
                if broad is not None:
                    between.append(ins)
                continue
            if kw == "SHELL" and ins.exec_form:
                prog = program_name(ins.exec_form[0].value)
                posix = prog in ("sh", "bash", "ash", "dash", "zsh", "ksh", "busybox")
            elif kw == "WORKDIR":
                words = ins.words
                val = words[0].value if words else ""
                if "$" in val:
                    val, missing = expand(val, an.scope(ins), ins.escape)
                    if missing:
                        wd = None
                        val = ""
                if val and wd is not None:
                    wd = _join(wd, val.replace("\\", "/"))
            elif kw == "COPY" or kw == "ADD":
                idx = _is_broad(ins)
                if idx >= 0:
                    dest = ins.exec_form[-1].value if ins.exec_form else ins.words[-1].value
                    dest_abs = None if "$" in dest else _join(wd, dest)
                    broad = Broad(ins, idx, dest_abs, wd)
                    between = []
                    continue
            elif kw == "RUN" and (_precheck(ins.rest) or any(
                    _precheck(h.body) for h in ins.heredocs)):
                if not posix:
                    pass  # PowerShell/cmd: not read as shell code
                elif broad is None:
                    deps_done.update(_deps_kinds(ins))
                elif _check_run(ctx, ins, broad, between, wd, deps_done):
                    continue
            if broad is not None:
                between.append(ins)
        wd_end[st.index] = wd


def _deps_kinds(ins: Instruction) -> set[str]:
    out: set[str] = set()
    for s in run_scripts(ins):
        for c in s.commands:
            inst = classify(c)
            if inst is not None and not inst.project:
                out.add(inst.kind)
            u = unwrap(c)
            if u.name == "cargo" and u.args[:2] == ["chef", "cook"]:
                out.add("cargo")  # cargo-chef cooked the dependencies
    return out


def _check_run(ctx: DockerfileContext, ins: Instruction, broad: Broad,
               between: list[Instruction], wd: str | None, deps_done: set[str]) -> bool:
    scripts = run_scripts(ins)
    found: list[tuple[Script, Install]] = []
    for s in scripts:
        for c in s.commands:
            inst = classify(c)
            if inst is not None and not (inst.project and inst.kind in deps_done):
                found.append((s, inst))
    if not found:
        return False
    first = found[0][1]
    b = broad.ins
    bline = b.start_line + 1
    msg = (f"`{first.label}` runs after `{b.keyword} {_src_text(b)}` (line {bline}) copies the "
           "whole source tree: every code change re-runs the install")
    fix: Fix | None = None
    try:
        fix = _make_fix(ctx, ins, broad, between, wd, scripts, found)
    except NoFix as e:
        msg += f"; no automatic fix: {e}"
    ctx.report(first.cmd.span, msg, fix=fix)
    return True


def _src_text(b: Instruction) -> str:
    if b.exec_form is not None:
        return " ".join(e.value for e in b.exec_form)
    return " ".join(w.raw for w in b.words)


# -- the fix ------------------------------------------------------------------------------

def _make_fix(ctx: DockerfileContext, run: Instruction, broad: Broad,
              between: list[Instruction], wd: str | None, scripts: list[Script],
              found: list[tuple[Script, Install]]) -> Fix:
    for _, inst in found:
        if inst.no_fix:
            raise NoFix(inst.no_fix)
    if wd is None or broad.wd is None:
        raise NoFix("a WORKDIR cannot be resolved")
    if broad.dest_abs is None:
        raise NoFix("the COPY destination uses a variable")
    b = broad.ins
    for x in between:
        if x.keyword not in _ALLOWED_BETWEEN and not (x.keyword == "RUN" and _neutral_run(x, broad)):
            if x.keyword in ("COPY", "ADD") and x.has_flags and x.flag("from") is not None:
                raise NoFix(f"`{x.keyword} --from` on line {x.start_line + 1} comes between the "
                            "COPY and the install: moving the COPY after it could change which "
                            "files win where both write")
            raise NoFix(f"`{x.keyword}` on line {x.start_line + 1} comes between the COPY and "
                        "the install and may use the copied files")
        if x.keyword in ("ENV", "ARG") and "$" in b.line.text:
            raise NoFix("the COPY uses variables that an ENV/ARG between them redefines")
    if len(scripts) != 1 or scripts[0].from_heredoc is not None:
        raise NoFix("the install runs in a heredoc")
    cdir = context_dir(ctx)
    # which files does each installer need, where (absolute) do they land?
    mounts = _bind_targets(run, wd)
    script = found[0][0]
    cmds = script.commands
    last_inst = max(cmds.index(i.cmd) for s, i in found if s is script)
    cwd = wd
    prefix_ctx: list[Command] = []  # cd/export to repeat in the project step
    needed: list[tuple[str, str, bool]] = []  # (abs path, context rel, is_glob)
    seen_inst: dict[int, Install] = {id(i.cmd): i for s, i in found if s is script}
    for c in cmds[: last_inst + 1]:
        u = unwrap(c)
        got = seen_inst.get(id(c))
        if got is None:
            if u.name == "cd":
                if len(u.words) != 2 or "$" in u.words[1].value or u.words[1].value == "-":
                    raise NoFix("a `cd` before the install cannot be followed")
                cwd = _join(cwd, u.words[1].value) or cwd
                prefix_ctx.append(c)
                continue
            if u.name in ("export", "set"):
                prefix_ctx.append(c)
                continue
            if not _neutral_cmd(u, broad):
                raise NoFix(f"`{u.name}` runs before the install in the same RUN and may need "
                            "the source")
            continue
        needed.extend(_manifests(ctx, got, cwd, broad, cdir))
    suffix = cmds[last_inst + 1 :]
    split = any(i.project for _, i in found) or bool(suffix)
    cargo = any(i.wrap_cargo for _, i in found)
    if split or cargo:
        ops = {c.op_after for c in cmds[:-1]}
        if not ops <= {"&&", ";"} or script.from_heredoc is not None:
            raise NoFix("the RUN's shell structure (pipes, `||`, background jobs) cannot be split")
    # manifests not provided by bind mounts
    copies: dict[tuple[str, str], list[str]] = {}
    for abs_path, rel, _is_glob in needed:
        if any(abs_path == m or abs_path.startswith(m.rstrip("/") + "/") for m in mounts):
            continue
        src_dir = posixpath.dirname(rel)
        dest_dir = posixpath.dirname(abs_path)
        lst = copies.setdefault((src_dir, dest_dir), [])
        if rel not in lst:
            lst.append(rel)
    flags = [f for f in b.flags if f.name in ("chown", "chmod", "link")]
    flag_text = "".join(ctx.text[f.span.start:f.span.end] + " " for f in flags)
    text = ctx.text
    index = ctx.df.index
    run_line = index.line_start(run.start_line)
    indent = text[run_line : run.span.start]
    lines: list[str] = []
    for (_src_dir, dest_dir), srcs in copies.items():
        dest = _rel(dest_dir, wd)
        if dest is None:
            raise NoFix("the files land relative to the base image's unknown WORKDIR")
        lines.append(f"{indent}COPY {flag_text}{' '.join(srcs)} {dest}")
    # the broad COPY, moved (destination rewritten when WORKDIR changed)
    b_text = text[b.span.start : b.span.end]
    if broad.wd != wd:
        if b.exec_form is not None:
            raise NoFix("a WORKDIR between them changes the exec-form COPY's destination")
        dspan = b.words[-1].span
        raw_dest = text[dspan.start : dspan.end]
        if not raw_dest.startswith("/"):
            new_dest = _rel(broad.dest_abs, wd)
            if new_dest is None:
                raise NoFix("the COPY destination is relative to the base image's unknown "
                            "WORKDIR")
            off = dspan.start - b.span.start
            b_text = b_text[:off] + new_dest + b_text[off + len(raw_dest) :]
    b_line_start = index.line_start(b.start_line)
    b_line_end = index.line_start(b.end_line + 1) if b.end_line + 1 < index.line_count else len(text)
    edits: list[Edit] = [Edit(Span(b_line_start, b_line_end), "")]
    if not split and not cargo:
        pre = "".join(line + "\n" for line in lines)
        edits.append(Edit(Span(run_line, run_line), pre))
        edits.append(Edit(Span(run.span.end, run.span.end), f"\n{indent}{b_text.lstrip()}"))
    else:
        head = text[run.span.start : run.line.src(run.args_lo)]  # `RUN --mount=… `
        if not head.endswith((" ", "\t", "\n")):
            head += " "
        multi = "\n" in text[run.span.start : run.span.end]
        sep = " \\\n    && " if multi else " && "
        deps_parts: list[str] = []
        proj_parts: list[str] = [_cmd_text(c) for c in prefix_ctx]
        for c in cmds[: last_inst + 1]:
            got = seen_inst.get(id(c))
            if got is None:
                deps_parts.append(_cmd_text(c))
            elif got.project:
                deps_parts.append(got.deps_text)
                proj_parts.append(got.project_text)
            elif got.wrap_cargo:
                deps_parts.append("mkdir -p src && touch src/lib.rs && " + _cmd_text(c)
                                  + " && rm src/lib.rs")
            else:
                deps_parts.append(_cmd_text(c))
        has_proj = any(i.project for _, i in found)
        proj_parts += [_cmd_text(c) for c in suffix]
        out = [*lines, indent + head + sep.join(deps_parts), indent + b_text.lstrip()]
        if has_proj or suffix:
            out.append(indent + head + sep.join(proj_parts))
        edits.append(Edit(Span(run_line, run.span.end), "\n".join(out)))
    title = "Reorder COPY before RUN: copy the dependency manifests first, the rest after the install"
    return Fix(title, tuple(edits), Applicability.UNSAFE)


def _bind_targets(run: Instruction, wd: str) -> list[str]:
    out: list[str] = []
    for f in run.flags_named("mount"):
        o = mount_options(f.value or "")
        if o.get("type", "bind") != "bind":
            continue
        tgt = o.get("target") or o.get("dst") or o.get("destination")
        if tgt and "$" not in tgt:
            j = _join(wd, tgt)
            if j:
                out.append(j)
    return out


def _neutral_cmd(u: Command, broad: Broad) -> bool:
    if u.redirects:
        return False
    if _is_pip(u) >= 0:
        return classify(u) is None  # packages by name
    if u.name in ("npm", "pnpm"):
        return "-g" in u.args or "--global" in u.args
    if u.name == "yarn":
        return u.args[:2] == ["global", "add"]
    if u.name == "gem":
        return u.args[:1] == ["install"] and not any(a.endswith(".gem") for a in u.args)
    if u.name not in _NEUTRAL:
        return False
    if u.name == "rm":
        dest = broad.dest_abs or "/"
        for a in u.args:
            if a.startswith("-"):
                continue
            if not a.startswith("/") or a.startswith(dest.rstrip("/") + "/") or a == dest:
                return False
    return True


def _neutral_run(ins: Instruction, broad: Broad) -> bool:
    scripts = run_scripts(ins)
    if not scripts:
        return False
    for s in scripts:
        for c in s.commands:
            u = unwrap(c)
            if u.name == "cd" or not _neutral_cmd(u, broad):
                return False
    return True


# -- manifests ------------------------------------------------------------------------------

def _manifests(ctx: DockerfileContext, inst: Install, cwd: str, broad: Broad,
               cdir: Path | None) -> list[tuple[str, str, bool]]:
    """(absolute path in the image, context-relative source, is a glob) of each file."""
    dest = broad.dest_abs
    assert dest is not None

    def ctx_rel(p: str) -> tuple[str, str]:
        if "$" in p:
            raise NoFix(f"the manifest path `{p}` uses a variable")
        a = _join(cwd, p)
        assert a is not None
        r = _under(a, dest)
        if r is None or r == ".":
            raise NoFix(f"cannot tell where `{p}` comes from: it is not under the COPY "
                        "destination for the WORKDIR in effect")
        return a, r

    required = list(inst.manifests)
    if inst.kind == "pip" and inst.project and not required:
        required = ["requirements.txt"]
    main = required[0] if required else None
    on_disk = False
    if cdir is not None and main is not None:
        _, r0 = ctx_rel(main)
        on_disk = (cdir / r0).is_file()
    if inst.kind == "pip" and inst.project and not inst.manifests and not on_disk:
        raise NoFix("pip cannot install a project's dependencies without its source, and no "
                    "requirements.txt is known next to the Dockerfile")
    out: list[tuple[str, str, bool]] = []
    for p in required:
        a, r = ctx_rel(p)
        out.append((a, r, False))
    if on_disk and cdir is not None:
        _check_inputs(inst, cdir, [r for _, r, _ in out], ctx_rel(main)[1] if main else "")
        for p in inst.optional:
            a, r = ctx_rel(p)
            if (cdir / r).is_file():
                out.append((a, r, False))
        if inst.kind == "yarn" and (cdir / ".yarn").is_dir():
            raise NoFix("Yarn Berry's `.yarn` directory (releases, plugins) must be copied too")
    else:
        for p in inst.globs:
            if p == "package*.json":
                out = [o for o in out if o[1] != "package.json"]
                a, r = ctx_rel("package.json")
                out.insert(0, (posixpath.join(posixpath.dirname(a), p),
                               posixpath.join(posixpath.dirname(r), p) if "/" in r else p, True))
            elif p not in inst.manifests:
                a, r = ctx_rel(p)
                out.append((a, r, False))
    return out


def _check_inputs(inst: Install, cdir: Path, rels: list[str], main: str) -> None:
    """Raise NoFix when an input of the install cannot be determined from the manifests."""
    k = inst.kind
    if k == "pip":
        for r in rels:
            text = read_text(cdir / r) or ""
            for line in text.splitlines():
                s = line.split(" #", 1)[0].strip()
                if re.match(r"(-r|--requirement|-c|--constraint)\b", s):
                    raise NoFix(f"`{r}` includes another file (`{s}`): copy those too")
                if re.match(r"(-e|--editable)\s+(\.|/|file:)", s) or re.match(r"(\.{1,2}/|/|file:)", s):
                    raise NoFix(f"`{r}` installs a local path (`{s}`)")
    scm_check = inst.project and k in ("pip", "uv", "poetry")
    if scm_check:
        from dockwise.dockerfile.context import uses_scm_version

        base = cdir / posixpath.dirname(main)
        f = uses_scm_version(base)
        if f:
            raise NoFix(f"the project is versioned from git by setuptools-scm/versioneer ({f})")
    base = cdir / posixpath.dirname(main)
    if k in ("npm", "yarn", "pnpm"):
        pj = read_text(base / "package.json") or ""
        try:
            data = json.loads(pj) if pj else {}
        except ValueError:
            data = {}
        if isinstance(data, dict) and data.get("workspaces"):
            raise NoFix("package.json declares workspaces")
        if (base / "pnpm-workspace.yaml").is_file():
            raise NoFix("pnpm-workspace.yaml declares a workspace")
        if re.search(r'"(file|link|workspace):', pj):
            raise NoFix("package.json has local path dependencies (`file:`/`link:`)")
    if k == "go":
        if (base / "go.work").is_file():
            raise NoFix("go.work declares a workspace")
        gm = read_text(base / "go.mod") or ""
        if re.search(r"=>\s*\.{0,2}/", gm):
            raise NoFix("go.mod replaces a module with a local path")
    if k in ("uv", "poetry", "pipenv"):
        pp = read_text(base / ("Pipfile" if k == "pipenv" else "pyproject.toml")) or ""
        if "[tool.uv.workspace]" in pp or re.search(r"workspace\s*=\s*true", pp):
            raise NoFix("pyproject.toml declares a uv workspace")
        if re.search(r"\bpath\s*=", pp):
            raise NoFix("the project has local path dependencies (`path = …`)")
    if k == "bundle":
        gf = read_text(base / "Gemfile") or ""
        if re.search(r"^\s*gemspec\b|\bpath:|:path\s*=>", gf, re.M):
            raise NoFix("the Gemfile reads a gemspec or local path gems")
    if k == "cargo":
        ct = read_text(base / "Cargo.toml") or ""
        if "[workspace]" in ct:
            raise NoFix("Cargo.toml declares a workspace")
        if re.search(r"\bpath\s*=", ct) or re.search(r"^\[(lib|\[bin\])", ct, re.M):
            raise NoFix("Cargo.toml has local path dependencies or explicit target paths")
    if k == "composer":
        cj = read_text(base / "composer.json") or ""
        if re.search(r'"type"\s*:\s*"path"', cj):
            raise NoFix("composer.json has path repositories")
