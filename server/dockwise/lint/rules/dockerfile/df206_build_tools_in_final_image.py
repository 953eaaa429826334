"""
## What it does
Reports compilers and build-only packages left in the image that is run — a target stage
or one of its `FROM <stage>` ancestors:

- **Warning**: an `apt-get`/`apt`/`apk`/`dnf`/`yum`/`microdnf`/`zypper` install of
  `build-essential`, `build-base`, `alpine-sdk`, `gcc`, `g++`, `gcc-c++`, `clang`,
  `gfortran` (also versioned, `gcc-12`), `cmake`, `autoconf`, `automake`, `libtool`,
  `ninja-build`, `pkg-config`/`pkgconf`, `linux-headers`, `*-dev`/`*-devel` packages, or
  Rust/Go toolchains (`rustc`, `cargo`, `rust`, `golang`, `go`, a `rustup` install), that
  is **not removed in the same RUN** (`apk del` of the `--virtual` group, `apt-get
  purge/remove` of the package or the `apt-mark auto … --auto-remove` pattern, `dnf`/`yum
  remove`). A removal in a later RUN does not help: the earlier layer keeps the files.
  A same-RUN removal by the same package manager whose operands are computed (`$(…)`,
  backticks, `$VAR` — e.g. `apt-get purge $(diff before after | …)` of a `dpkg -l`
  snapshot) removes a set the rule cannot know, so that install is not reported.
- **Warning**: the target stage is itself a toolchain image (`golang`, `rust`, `gcc`,
  `maven`, … — the catalogue's `toolchain` flag) and runs a build (`go build`, `cargo
  build`, `mvn`, `gradle`, `make`, `gcc` …).
- **Information**: `git`, `make` or `curl` installed the same way (often build-only, but
  sometimes used at run time).

Not reported: builder stages; stages that use `torch.compile`, Triton or `pyximport`
(they compile at run time) or invoke a compiler in `CMD`/`ENTRYPOINT`; Windows stages and
non-POSIX shells; a package whose program a `CMD`, `ENTRYPOINT` or `HEALTHCHECK` of the
target's chain runs (`HEALTHCHECK CMD curl -f …`, also inside `sh -c` scripts): it is
needed at run time. When several targets build on the stage that installs it, one of them
running it is enough (the shared layer cannot drop it). Also not reported, where rules.md
is silent: target stages that set no `CMD`/`ENTRYPOINT` in their chain (base, CI and
toolchain images, whose build tools are their purpose), images built on `buildpack-deps` (already a full toolchain) and dev
containers (a `…/devcontainers/` base or a Dockerfile in a `.devcontainer` folder).

## Why is this bad?
Compilers and headers add hundreds of megabytes to the image that is shipped and run,
and widen its attack surface, although they are only needed while building.

## Example
```dockerfile
FROM python:3.13
RUN apt-get update && apt-get install -y build-essential libpq-dev
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
CMD ["python", "app.py"]
```
Use instead:
```dockerfile
FROM python:3.13 AS builder
RUN apt-get update && apt-get install -y build-essential libpq-dev
RUN python -m venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"
COPY requirements.txt .
RUN pip install -r requirements.txt

FROM python:3.13-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 \\
 && rm -rf /var/lib/apt/lists/*
COPY --from=builder /opt/venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"
COPY . .
CMD ["python", "app.py"]
```

## Fix safety
Unsafe — **add a builder stage**. The target stage becomes the builder (`AS builder`; the
run-time stage keeps the original stage name, so Compose `target:` still works) and a new
run-time stage follows it. Three shapes are understood:

- **Python** (`python` images, `pip install`): the builder (same image, same tag) creates
  a venv at `/opt/venv` before the first `pip install`; the run-time stage is on the
  slim variant of the same version (the catalogue's `slim_counterpart`: `3.13` →
  `3.13-slim`, `3.13-bookworm` → `3.13-slim-bookworm`; a slim or Alpine tag is kept),
  repeats the `ENV`/`ARG`/`LABEL`/`WORKDIR`/`COPY`/… instructions that came before the
  last `pip install`, installs the run-time counterparts of every `-dev` package (the
  catalogue's dev→runtime map, e.g. `libpq-dev` → `libpq5`; unknown ones are listed in a
  comment; C library, kernel and Python headers — `libc6-dev`, `musl-dev`, `python3-dev` —
  need none) plus the non-build packages of the same install commands, copies `/opt/venv`
  and sets `ENV PATH="/opt/venv/bin:$PATH"`; everything after the last `pip install`
  moves to the run-time stage unchanged.
- **Go** (`golang` images, `go build -o <path>`): the build gets `CGO_ENABLED=0`; the
  run-time stage is `gcr.io/distroless/static-debian12` (CA certificates and tzdata
  included; `scratch` plus a copied CA bundle is the smaller alternative), copies the
  binary and repeats `ENV`/`EXPOSE`/`WORKDIR`/`LABEL`/`USER`/`CMD`/`ENTRYPOINT`. Files
  the binary reads at run time from the build context are not copied: a comment says so
  when the stage copied the whole context.
- **Node** (`node` images, `npm`): the builder ends with `npm prune --omit=dev`; the
  run-time stage is the slim variant and copies the `WORKDIR` (production `node_modules`,
  `package.json` and the build output) from the builder.

No fix, with the reason in the message, when the shape is anything else: another image
family; the stage is a `FROM <stage>` child or is used by another stage; a digest-pinned
base (the slim variant's digest is not known); `pip install --user/--target/--prefix`,
`uv`, poetry, an absolute `pip` path; a `RUN` before the last install that does other
work; a compiler used after it; `go build` without `-o`, with cgo (`CGO_ENABLED=1`, or C
compilers/`-dev` packages installed), `RUN` after the build or a shell-form
`CMD`/`ENTRYPOINT` (distroless has no shell); `yarn`/`pnpm`. Images in these reasons are
quoted with their ARG defaults expanded where all are known. Information findings (`git`,
`make`, `curl`) carry no fix.

≈ hadolint has no equivalent. ≈ DF207 (CUDA `-devel` images in the final stage).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from dockwise.dockerfile.analysis import Analysis, Stage, stage_refs
from dockwise.dockerfile.imageref import ImageRef
from dockwise.dockerfile.model import Instruction
from dockwise.dockerfile.packages import PackageCommand, package_commands, raw_commands
from dockwise.dockerfile.shell import SHELLS, Command, ShellWord, tokenize, unwrap
from dockwise.dockerfile.shellwords import healthcheck_cmd
from dockwise.dockerfile.variables import expand
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity
from dockwise.text import Span

INFO = Severity.INFORMATION
SYSTEM_MANAGERS = frozenset({"apt-get", "apt", "apk", "yum", "dnf", "microdnf", "zypper"})
_BUILD_PKGS = frozenset(
    {"build-essential", "build-base", "alpine-sdk", "cmake", "autoconf", "automake", "libtool",
     "ninja-build", "ninja", "pkg-config", "pkgconf", "pkgconfig", "linux-headers", "rustc",
     "cargo", "rust", "golang", "golang-go", "gcc-c++", "@development-tools",
     "development tools", "meson"}
)
_COMPILER = re.compile(r"^(?:gcc|g\+\+|clang|gfortran|cpp|c\+\+)(?:-\d+(?:\.\d+)*)?$")
_DEV = re.compile(r".-(?:dev|devel)$")
_INFO_PKGS = frozenset({"git", "make", "curl"})
# -dev packages whose run-time part is always in the base image (C library, kernel and
# Python headers): no counterpart to install
_HEADERS_ONLY = re.compile(
    r"^(?:musl-dev|libc6?-dev|linux-libc-dev|glibc-devel|kernel-headers|python3?(?:\.\d+)?-dev(?:el)?)$"
)
_EXEMPT_TEXT = ("torch.compile", "triton", "pyximport")
_CMD_SPLIT = re.compile(r"[\s;&|]+")
_COMPILER_CMDS = frozenset(
    {"gcc", "g++", "cc", "c++", "clang", "make", "cmake", "cargo", "rustc", "javac", "mvn",
     "gradle", "nvcc", "go", "ninja", "gfortran", "./configure", "./gradlew", "./mvnw"}
)
_NEUTRAL_CMDS = frozenset({"rm", "true", "set", ":", "echo", "apt-mark", "export"})
_PRE_FILTER = ("install", "add", " in ", "rustup", "sh.rustup.rs")


@dataclass(slots=True)
class _Finding:
    ins: Instruction
    span: Span
    message: str
    severity: Severity
    build: bool  # a W finding (build tool), not git/make/curl
    toolchain: bool = False  # the toolchain-image finding (on FROM)
    words: tuple[ShellWord, ...] = ()  # the packages of an install finding


@dataclass(slots=True)
class _StageInfo:
    findings: list[_Finding] = field(default_factory=list)
    fix: Fix | None = None
    why: str = ""


@rule(code="DF206", name="build-tools-in-final-image", severity=Severity.WARNING,
      fix=FixAvailability.SOMETIMES)
@stage_local
def check(ctx: DockerfileContext) -> None:
    an = ctx.analysis
    seen: set[tuple[int, int]] = set()
    # a stage's RUNs are looked at once for every target whose chain holds it
    run_memo: dict[int, list[_Finding]] = {}
    families: dict[str, bool] = {}  # canonical base -> a toolchain image
    # programs run by the CMD/ENTRYPOINT/HEALTHCHECK of every target whose chain holds a
    # RUN (id): packages of that RUN they invoke are needed at run time
    needed: dict[int, set[str]] = {}
    plans: list[tuple[Stage, list[Instruction]]] = []
    for st in ctx.target_stages:
        if an.is_windows(st):
            continue
        chain = an.chain(st)
        runs: list[Instruction] = []
        # `posix_shell` walks the stage for each call: only needed when a SHELL is set
        has_shell = False
        for s in chain:
            for ins in s.instructions:
                kw = ins.keyword
                if kw == "RUN":
                    runs.append(ins)
                elif kw == "SHELL":
                    has_shell = True
        if has_shell:
            runs = [ins for ins in runs if an.posix_shell(ins)]
        used = _invoked(chain)
        for ins in runs:
            needed.setdefault(id(ins), set()).update(used)
        if not _exempt(an, st, ctx.path):
            plans.append((st, runs))
    for st, runs in plans:
        info = _StageInfo()
        for ins in runs:
            got = run_memo.get(id(ins))
            if got is None:
                got = run_memo[id(ins)] = _run_findings(ins)
            used = needed[id(ins)]
            for f in got:
                kept = _without(f, used) if used and f.words else f
                if kept is not None:
                    info.findings.append(kept)
        tool = _toolchain_finding(ctx, st, runs, families)
        if tool is not None:
            info.findings.insert(0, tool)
        if not info.findings:
            continue
        if any(f.build for f in info.findings):
            info.fix, info.why = _fix(ctx, an, st, info.findings)
        for f in info.findings:
            key = (f.span.start, f.span.end)
            if key in seen:
                continue
            seen.add(key)
            msg = f.message
            fix = info.fix if f.build else None
            if f.build and info.fix is None and info.why:
                msg += f"; {info.why}"
            ctx.report(f.span, msg, fix=fix, severity=f.severity)


# -- detection --------------------------------------------------------------------------


_VERSION_SEP = re.compile(r"[=<>~]")


@functools.lru_cache(maxsize=4096)
def _norm(pkg: str) -> str:
    """`libpq-dev=15.1`, `gcc~=12`, `curl:amd64` -> bare lower-case name."""
    p = pkg.strip().lower()
    p = _VERSION_SEP.split(p, maxsplit=1)[0]
    return p.split(":", 1)[0]


def is_build_package(pkg: str) -> bool:
    p = _norm(pkg)
    return p in _BUILD_PKGS or bool(_COMPILER.match(p)) or bool(_DEV.search(p))


def is_info_package(pkg: str) -> bool:
    return _norm(pkg) in _INFO_PKGS


@functools.lru_cache(maxsize=4096)
def _kind(pkg: str) -> int:
    """1 for a build package, 2 for an information one (bits)."""
    return (1 if is_build_package(pkg) else 0) | (2 if is_info_package(pkg) else 0)


def _removed(pcs: list[PackageCommand], idx: int, text: str) -> set[str]:
    """Packages of install ``pcs[idx]`` removed later in the same RUN."""
    inst = pcs[idx]
    names = {_norm(w.value) for w in inst.packages}
    removed: set[str] = set()
    virtual = set(inst.option_values("--virtual", "-t")) if inst.manager == "apk" else set()
    auto_all = inst.ecosystem == "apt" and "apt-mark auto" in text
    for pc in pcs[idx + 1 :]:
        if pc.action not in ("remove", "autoremove") or pc.ecosystem != inst.ecosystem:
            continue
        if any("$" in w.raw or "`" in w.raw for w in pc.packages):
            # `apt-get purge $(diff before after …)`, `apk del $BUILD_DEPS`: the removed
            # set is computed, so it may well be everything that was installed
            return names
        ops = {_norm(w.value) for w in pc.packages}
        if virtual & ops:
            return names
        if auto_all and (pc.action == "autoremove" or pc.has_option("--auto-remove",
                                                                     "--autoremove")):
            return names
        removed |= ops & names
    return removed


def _run_findings(ins: Instruction) -> list[_Finding]:
    text = ins.rest
    if ins.heredocs:
        text += "".join(h.body for h in ins.heredocs)
    for k in _PRE_FILTER:
        if k in text:
            break
    else:
        return []
    out: list[_Finding] = []
    pcs = package_commands(ins)
    for i, pc in enumerate(pcs):
        if pc.action != "install" or pc.manager not in SYSTEM_MANAGERS:
            continue
        build: list[ShellWord] = []
        info: list[ShellWord] = []
        for w in pc.packages:
            kind = _kind(w.value)
            if kind & 1:
                build.append(w)
            if kind & 2:
                info.append(w)
        group = pc.manager in ("dnf", "yum") and any(
            v.value.lower() in ("groupinstall", "group") for v in pc.verbs)
        if group and any("development" in w.value.lower() for w in pc.packages):
            build = [w for w in pc.packages if "development" in w.value.lower()] + build
        if not build and not info:
            continue
        gone = _removed(pcs, i, text)
        build = [w for w in build if _norm(w.value) not in gone]
        info = [w for w in info if _norm(w.value) not in gone]
        if build:
            out.append(_package_finding(ins, build, True))
        if info:
            out.append(_package_finding(ins, info, False))
    if "rustup" in text:
        for _, c in raw_commands(ins):
            if c.words and (c.name == "rustup-init" or any(
                    "sh.rustup.rs" in w.value for w in c.words)):
                w = next((w for w in c.words if "rustup" in w.value), c.words[0])
                out.append(_Finding(ins, w.span, "build tools in the final image: a Rust "
                                    "toolchain installed with rustup", Severity.WARNING, True))
                break
    return out


def _package_finding(ins: Instruction, words: list[ShellWord] | tuple[ShellWord, ...],
                     build: bool) -> _Finding:
    names = ", ".join(f"`{n}`" for n in dict.fromkeys(_norm(w.value) for w in words))
    if build:
        return _Finding(ins, words[0].span, f"build tools in the final image: {names} "
                        "installed and not removed in the same RUN", Severity.WARNING, True,
                        words=tuple(words))
    return _Finding(ins, words[0].span, f"{names} installed in the final image: usually "
                    "needed only while building", INFO, False, words=tuple(words))


def _without(f: _Finding, used: set[str]) -> _Finding | None:
    """``f`` without the packages whose program ``used`` holds (None when none is left)."""
    keep = [w for w in f.words if _norm(w.value) not in used]
    if len(keep) == len(f.words):
        return f
    return _package_finding(f.ins, keep, f.build) if keep else None


_RESERVED = frozenset({"if", "then", "else", "elif", "fi", "do", "done", "while", "until",
                       "!", "{", "}", "time"})


def _invoked(chain: list[Stage]) -> set[str]:
    """Programs the CMD, ENTRYPOINT and HEALTHCHECK instructions of a chain run (base
    names; `sh -c` scripts looked into)."""
    out: set[str] = set()
    for s in chain:
        for ins in s.instructions:
            kw = ins.keyword
            if kw in ("CMD", "ENTRYPOINT"):
                ef = ins.exec_form
                if ef is not None:
                    _argv_programs([e.value for e in ef], out)
                else:
                    _script_programs(ins.args, ins.escape, out)
            elif kw == "HEALTHCHECK":
                hc = healthcheck_cmd(ins)
                if hc is None:
                    continue
                if hc.exec_form is not None:
                    _argv_programs([e.value for e in hc.exec_form], out)
                else:
                    _script_programs(ins.line.text[hc.lo : hc.hi], ins.escape, out)
    return out


def _argv_programs(argv: list[str], out: set[str], depth: int = 0) -> None:
    if not argv:
        return
    first = argv[0].rsplit("/", 1)[-1]
    if first in SHELLS:
        for k in range(1, len(argv) - 1):
            a = argv[k]
            if a.startswith("-") and "c" in a[1:] and not a.startswith("--"):
                if depth < 3:
                    _script_programs(argv[k + 1], "\\", out, depth + 1)
                return
            if not a.startswith("-"):
                break
    out.add(first)


def _script_programs(text: str, escape: str, out: set[str], depth: int = 0) -> None:
    for c in tokenize(text, Span, escape):
        words = c.words
        k = 0
        while k < len(words) and not words[k].quoted and words[k].raw in _RESERVED:
            k += 1
        if k >= len(words):
            continue
        if k:
            c = Command(words[k:], c.assignments, c.redirects, c.op_before, c.op_after, c.span)
        c = unwrap(c)
        _argv_programs([w.value for w in c.words], out, depth)


def _build_command(cmd_words: list[str]) -> bool:
    if not cmd_words:
        return False
    name = cmd_words[0].rsplit("/", 1)[-1] if not cmd_words[0].startswith("./") else cmd_words[0]
    if name == "go":
        return len(cmd_words) > 1 and cmd_words[1] in ("build", "install", "generate")
    if name == "cargo":
        return len(cmd_words) > 1 and cmd_words[1] in ("build", "install")
    return name in ("mvn", "gradle", "./gradlew", "./mvnw", "make", "gcc", "g++", "cc",
                    "javac", "cmake", "rustc", "clang")


def _toolchain_finding(ctx: DockerfileContext, st: Stage, runs: list[Instruction],
                       families: dict[str, bool]) -> _Finding | None:
    """``runs``: the chain's RUN instructions in POSIX shell; ``families``: a memo."""
    base = ctx.analysis.root_base(st)
    if base is None or st.base is None or base.is_scratch:
        return None
    canon = base.resolved.canonical
    toolchain = families.get(canon)
    if toolchain is None:
        fam = ctx.images.family(canon)
        toolchain = families[canon] = fam is not None and fam.toolchain
    if not toolchain:
        return None
    for ins in runs:
        for _, c in raw_commands(ins):
            if _build_command([w.value for w in c.words]):
                return _Finding(ins, st.base.span,
                                f"the final image is the toolchain image `{_shown(base)}` and "
                                "runs a build: compilers and build caches ship with it",
                                Severity.WARNING, True, toolchain=True)
    return None


def _exempt(an: Analysis, st: Stage, path: Path | None) -> bool:
    chain = an.chain(st)
    cmds: list[Instruction] = []
    texts: list[str] = []  # an instruction's arguments and heredoc bodies run together
    for s in chain:
        for ins in s.instructions:
            kw = ins.keyword
            if kw == "CMD" or kw == "ENTRYPOINT":
                cmds.append(ins)
            hd = ins.heredocs
            texts.append(ins.rest + "".join(h.body for h in hd) if hd else ins.rest)
    if not cmds:
        return True  # a base, CI or toolchain image: its build tools are the point
    base = an.root_base(st)
    canon = base.resolved.canonical if base is not None else ""
    if canon.startswith("buildpack-deps") or "devcontainers/" in canon:
        return True  # a full build toolchain already / a development environment
    if path is not None and ".devcontainer" in path.parts:
        return True
    # one lower-cased text for the chain, instructions apart (no needle holds a line break)
    low = "\n".join(texts).lower()
    if any(t in low for t in _EXEMPT_TEXT):
        return True
    for ins in cmds:
        ef = ins.exec_form
        words = [e.value for e in ef] if ef is not None else [w.value for w in ins.words]
        for w in words:
            for part in _CMD_SPLIT.split(w):
                if part.rsplit("/", 1)[-1] in _COMPILER_CMDS or part in _COMPILER_CMDS:
                    return True
    return False


# -- the fix ----------------------------------------------------------------------------


class _NoFix(Exception):
    pass


def _fix(ctx: DockerfileContext, an: Analysis, st: Stage,
         findings: list[_Finding]) -> tuple[Fix | None, str]:
    base = st.base
    try:
        if base is None or st.parent is not None:
            raise _NoFix("the stage builds on another stage of this file")
        for other in an.stages:
            if other.index == st.index:
                continue
            if other.parent == st.index or any(
                an.resolve_stage_ref(r, other.index) is st
                for ins in other.instructions for r in stage_refs(ins)
            ):
                raise _NoFix("another stage uses this stage")
        if base.resolved.digest or base.parts.digest:
            raise _NoFix("the base image is pinned by digest, and the digest of its slim "
                         "variant is not known")
        fam = ctx.images.family(base.resolved.canonical)
        name = fam.name if fam is not None else ""
        if name == "python":
            text = _python(ctx, an, st, findings)
        elif name == "golang":
            text = _go(an, st, findings)
        elif name == "node":
            text = _node(ctx, an, st, findings)
        else:
            raise _NoFix(f"the fix knows how to split Python, Go and Node stages, not one on "
                         f"`{_shown(base)}`")
    except _NoFix as e:
        return None, f"no fix offered: {e}"
    span = Span(st.from_.span.start, _stage_end(st).span.end)
    return Fix("Add a builder stage", (Edit(span, text),), Applicability.UNSAFE), ""


def _shown(ref: ImageRef) -> str:
    """The reference as messages quote it: ARG defaults expanded where all are known."""
    return ref.expanded if ref.has_vars and not ref.unresolved_vars else ref.raw


def _stage_end(st: Stage) -> Instruction:
    return st.instructions[-1] if st.instructions else st.from_


def _src(ctx_text: str, ins: Instruction) -> str:
    return ctx_text[ins.span.start : ins.span.end]


def _builder_name(an: Analysis) -> str:
    names = {s.name for s in an.stages if s.name}
    cand = "builder"
    k = 2
    while cand in names:
        cand = f"builder{k}"
        k += 1
    return cand


def _from_line(an: Analysis, st: Stage, image: str, name: str | None) -> str:
    plat = st.from_.flag("platform")
    out = "FROM "
    if plat is not None:
        out += an.dockerfile.text[plat.span.start : plat.span.end] + " "
    out += image
    if name:
        out += f" AS {name}"
    return out


def _builder_from(an: Analysis, st: Stage, name: str) -> str:
    """The stage's FROM line with its stage name replaced by (or given) ``name``."""
    text = an.dockerfile.text
    assert st.base is not None
    head = text[st.from_.span.start : st.base.span.end]
    return head + f" AS {name}"


def _slim_ref(ctx: DockerfileContext, st: Stage) -> str:
    base = st.base
    assert base is not None
    fam = ctx.images.family(base.resolved.canonical)
    assert fam is not None
    tag = base.resolved.tag
    variant = fam.variant(tag)
    raw = base.raw
    raw_tag = base.parts.tag
    name_raw = raw[: base.parts.name_range[1]]
    if variant.slim_counterpart is None:
        if "slim" in variant.name or "alpine" in variant.name:
            return raw
        raise _NoFix(f"no slim variant of `{_shown(base)}` is known")
    slim = variant.slim_counterpart
    if not tag or tag.lower() == "latest":
        return f"{name_raw}:{slim.lstrip('-')}"
    assert raw_tag is not None
    if variant.pattern is None:
        return f"{name_raw}:{raw_tag}{slim}"
    probe = "-" + tag
    m = re.search(variant.pattern, probe.lower())
    suffix = probe[m.start() :] if m is not None else ""
    raw_probe = "-" + raw_tag
    if m is None or not raw_probe.lower().endswith(suffix.lower()):
        raise _NoFix(f"the slim variant of `{_shown(base)}` cannot be derived from its "
                     "tag")
    new = (raw_probe[: len(raw_probe) - len(suffix)] + slim).lstrip("-")
    return f"{name_raw}:{new}"


def _cmd_words(ins: Instruction) -> list[list[str]]:
    return [[w.value for w in c.words] for _, c in raw_commands(ins)]


def _uses_compiler(ins: Instruction) -> bool:
    return any(_build_command(ws) or (ws and ws[0] == "python" and "build_ext" in ws)
               for ws in _cmd_words(ins))


def _runtime_packages(ctx: DockerfileContext, pcs: list[PackageCommand], keep: set[str],
                      drop: frozenset[str] = frozenset()) -> tuple[str | None, list[str],
                                                                   list[str]]:
    """(manager, run-time packages, unknown -dev packages) of system installs; ``drop``:
    more build-only names for this ecosystem (python3 for node-gyp)."""
    manager: str | None = None
    pkgs: list[str] = []
    seen: set[str] = set()
    unknown: list[str] = []
    for pc in pcs:
        if pc.manager not in SYSTEM_MANAGERS or pc.action != "install":
            continue
        if manager is not None and pc.manager != manager:
            raise _NoFix("the stage uses more than one system package manager")
        manager = pc.manager
        for w in pc.packages:
            raw = w.value
            if raw.startswith("$") or raw.startswith("-"):
                raise _NoFix("a package list uses variables")
            p = _norm(raw)
            if _HEADERS_ONLY.match(p):
                continue
            if _DEV.search(p):
                rt = ctx.images.dev_runtime(pc.manager, p)
                if rt is None:
                    unknown.append(p)
                elif rt not in seen:
                    seen.add(rt)
                    pkgs.append(rt)
            elif is_build_package(p) or p in drop or (p in ("git", "make") and p not in keep):
                continue
            elif raw not in seen:
                seen.add(raw)
                pkgs.append(raw)
    return manager, pkgs, unknown


def _install_line(manager: str, pkgs: list[str], esc: str) -> str:
    joined = " ".join(pkgs)
    if manager in ("apt-get", "apt"):
        return (f"RUN apt-get update && apt-get install -y --no-install-recommends {joined} "
                f"{esc}\n && rm -rf /var/lib/apt/lists/*")
    if manager == "apk":
        return f"RUN apk add --no-cache {joined}"
    if manager == "microdnf":
        return f"RUN microdnf install -y {joined} && microdnf clean all"
    if manager == "zypper":
        return f"RUN zypper --non-interactive install {joined} && zypper clean --all"
    return f"RUN {manager} install -y {joined} && {manager} clean all"


def _classify(ins: Instruction) -> set[str]:
    """Kinds of commands in a RUN: system, pip, node, neutral, other."""
    kinds: set[str] = set()
    pcs = package_commands(ins)
    by_first = {id(pc.command.words[0]): pc for pc in pcs if pc.command.words}
    for _, c in raw_commands(ins):
        if not c.words:
            continue
        pc = by_first.get(id(c.words[0]))
        if pc is not None:
            if pc.manager in SYSTEM_MANAGERS:
                kinds.add("system")
            elif pc.manager in ("pip", "uv"):
                kinds.add("pip" if pc.manager == "pip" else "uv")
            elif pc.manager == "npm":
                kinds.add("npm")
            else:
                kinds.add("other")
            continue
        name = c.name
        if name in _NEUTRAL_CMDS:
            kinds.add("neutral")
        elif name in ("npm",):
            kinds.add("npm")
        elif name in ("yarn", "pnpm", "poetry", "pipenv", "conda", "uv"):
            kinds.add(name)
        else:
            kinds.add("other")
    return kinds


_REPLICATE = frozenset({"ENV", "ARG", "LABEL", "WORKDIR", "COPY", "ADD", "EXPOSE", "SHELL",
                        "STOPSIGNAL", "VOLUME", "HEALTHCHECK", "CMD", "ENTRYPOINT"})


def _python(ctx: DockerfileContext, an: Analysis, st: Stage, findings: list[_Finding]) -> str:
    text = an.dockerfile.text
    esc = an.dockerfile.escape
    ins_list = st.instructions
    last_pip = -1
    first_pip = -1
    for i, ins in enumerate(ins_list):
        if ins.keyword != "RUN":
            continue
        kinds = _classify(ins)
        if kinds & {"uv", "poetry", "pipenv", "conda"}:
            raise _NoFix("the fix understands `pip install`, not uv/poetry/pipenv/conda")
        if "pip" in kinds:
            for pc in package_commands(ins):
                if pc.manager != "pip":
                    continue
                if pc.has_option("--user", "--target", "-t", "--prefix", "--root"):
                    raise _NoFix("`pip install --user/--target/--prefix` does not install "
                                 "into a venv")
                if "/" in pc.command.words[0].value:
                    raise _NoFix("`pip` is run by an absolute path, which bypasses the venv")
            last_pip = i
            if first_pip < 0:
                first_pip = i
    if last_pip < 0:
        raise _NoFix("the stage has no `pip install` whose result could be copied")
    build_runs = {id(f.ins) for f in findings if f.build}
    for i, ins in enumerate(ins_list):
        if ins.keyword == "USER" and i <= last_pip:
            raise _NoFix("a USER before the last `pip install` would own the venv")
        if ins.keyword == "ONBUILD":
            raise _NoFix("the stage has ONBUILD triggers")
        if ins.keyword != "RUN":
            continue
        if i > last_pip:
            if id(ins) in build_runs:
                raise _NoFix("build tools are installed after the last `pip install`")
            if _uses_compiler(ins):
                raise _NoFix("a RUN after the last `pip install` uses a compiler")
            continue
        if _classify(ins) - {"system", "pip", "neutral"}:
            raise _NoFix("a RUN before the last `pip install` does other work than "
                         "installing packages")
    # run-time packages
    pcs = [pc for ins in ins_list[: last_pip + 1] if ins.keyword == "RUN"
           for pc in package_commands(ins)]
    later = " ".join(ins.rest for ins in ins_list[last_pip + 1 :]
                     if ins.keyword in ("RUN", "CMD", "ENTRYPOINT"))
    keep = {p for p in ("git", "make") if re.search(rf"(?<![\w-]){p}(?![\w-])", later)}
    manager, pkgs, unknown = _runtime_packages(ctx, pcs, keep)
    tag = st.base.resolved.tag if st.base is not None else None
    if tag is not None and re.match(r"2(\.|-|$)", tag):
        raise _NoFix("Python 2 has no venv module")
    slim = _slim_ref(ctx, st)
    bname = _builder_name(an)
    venv = 'RUN python -m venv /opt/venv\nENV PATH="/opt/venv/bin:$PATH"'
    # builder: the stage up to the last pip install (verbatim), a venv before the first
    at = ins_list[first_pip].span.start
    builder = (_builder_from(an, st, bname) + text[st.from_.span.end : at] + venv + "\n"
               + text[at : ins_list[last_pip].span.end])
    # run-time stage
    rt = _runtime_head(an, st, slim, ins_list[: last_pip + 1], text, esc,
                       manager, pkgs, unknown, _REPLICATE)
    rt.append(f"COPY --from={bname} /opt/venv /opt/venv")
    rt.append('ENV PATH="/opt/venv/bin:$PATH"')
    tail = text[ins_list[last_pip].span.end : _stage_end(st).span.end]
    return builder + "\n\n" + "\n".join(rt) + tail


def _runtime_head(an: Analysis, st: Stage, slim: str, ins_list: list[Instruction], text: str,
                  esc: str, manager: str | None, pkgs: list[str], unknown: list[str],
                  replicate: frozenset[str] | set[str]) -> list[str]:
    """The run-time stage up to the copy from the builder: FROM the slim image, the run-time
    counterparts of the system packages in place of the first system-package RUN, and the
    instructions of kinds ``replicate`` (ENV, WORKDIR, …) copied verbatim."""
    rt = [_from_line(an, st, slim, st.raw_name)]
    placed = False
    for ins in ins_list:
        if ins.keyword == "RUN":
            if not placed and "system" in _classify(ins):
                placed = True
                if unknown:
                    rt.append("# run-time libraries of these -dev packages are not in the "
                              "catalogue; add them: " + " ".join(unknown))
                if pkgs and manager is not None:
                    rt.append(_install_line(manager, pkgs, esc))
            continue
        if ins.keyword in replicate:
            rt.append(_src(text, ins))
    return rt


def _workdir_at(an: Analysis, st: Stage, upto: int) -> str | None:
    wd: str | None = "/"
    for ins in st.instructions[:upto]:
        if ins.keyword == "WORKDIR" and ins.words:
            val, missing = expand(ins.args.strip().strip("\"'"), an.scope(ins), ins.escape)
            if missing or "$" in val:
                wd = None
            elif val.startswith("/"):
                wd = val
            elif wd is not None:
                wd = wd.rstrip("/") + "/" + val
    return wd


def _go(an: Analysis, st: Stage, findings: list[_Finding]) -> str:
    text = an.dockerfile.text
    ins_list = st.instructions
    if any(f.build and not f.toolchain for f in findings):
        raise _NoFix("the stage installs C compilers or -dev packages, so the build needs "
                     "cgo and cannot move to distroless static")
    g = -1
    for i, ins in enumerate(ins_list):
        if ins.keyword == "RUN" and any(ws[:2] == ["go", "build"] for ws in _cmd_words(ins)):
            g = i
    if g < 0:
        raise _NoFix("no `go build` in the stage")
    build = ins_list[g]
    if build.exec_form is not None:
        raise _NoFix("the `go build` RUN is in exec form")
    out_path: str | None = None
    edits: list[tuple[int, str]] = []
    for _, c in raw_commands(build):
        ws = [w.value for w in c.words]
        if ws[:2] != ["go", "build"]:
            continue
        for k, w in enumerate(ws):
            if w == "-o" and k + 1 < len(ws):
                out_path = ws[k + 1]
            elif w.startswith("-o="):
                out_path = w[3:]
        cgo = [a.value for a in c.assignments if a.value.startswith("CGO_ENABLED=")]
        if any(v != "CGO_ENABLED=0" for v in cgo):
            raise _NoFix("the build enables cgo")
        if not cgo:
            edits.append((c.words[0].span.start, "CGO_ENABLED=0 "))
    if out_path is None or "$" in out_path:
        raise _NoFix("`go build` has no `-o <path>`, so the binary's name is not known")
    for ins in ins_list:
        if ins.keyword == "ENV" and re.search(r"CGO_ENABLED=[\"']?1", ins.rest):
            raise _NoFix("the build enables cgo")
    wd = _workdir_at(an, st, g)
    if not out_path.startswith("/"):
        if wd is None:
            raise _NoFix("the WORKDIR of the build is not known")
        out_path = wd.rstrip("/") + "/" + out_path
    out_path = re.sub(r"/(\./)+", "/", out_path)
    if out_path.endswith("/"):
        raise _NoFix("`go build -o` names a directory")
    for ins in ins_list[g + 1 :]:
        if ins.keyword in ("RUN", "ONBUILD"):
            raise _NoFix("RUN instructions follow the build, and distroless static has no "
                         "shell")
    runs = [ins for ins in ins_list if ins.keyword in ("CMD", "ENTRYPOINT")]
    if not runs:
        raise _NoFix("the stage has no CMD or ENTRYPOINT naming the binary")
    for ins in runs:
        if ins.exec_form is None:
            raise _NoFix(f"the shell-form {ins.keyword} needs /bin/sh, which distroless "
                         "static does not have")
    bname = _builder_name(an)
    # builder: the stage up to the build (verbatim), with CGO_ENABLED=0
    body = text[st.from_.span.end : build.span.end]
    off = st.from_.span.end
    for at, ins_text in sorted(edits, reverse=True):
        body = body[: at - off] + ins_text + body[at - off :]
    parts = [_builder_from(an, st, bname) + body]
    # run-time stage: distroless static with the binary
    rt = [_from_line(an, st, "gcr.io/distroless/static-debian12", st.raw_name)]
    whole_context = False
    for ins in ins_list[: g + 1]:
        kw = ins.keyword
        if kw in ("COPY", "ADD") and ins.flag("from") is None:
            vals = [w.value for w in ins.words]
            if any(v in (".", "./") for v in vals[:-1]):
                whole_context = True
        if kw in ("ENV", "ARG", "LABEL", "EXPOSE", "WORKDIR", "USER", "STOPSIGNAL",
                  "HEALTHCHECK", "VOLUME", "CMD", "ENTRYPOINT"):
            rt.append(_src(text, ins))
    if whole_context:
        rt.append("# files the binary reads at run time (templates, static assets …) must be "
                  f"copied from {bname} too")
    rt.append(f"COPY --from={bname} {out_path} {out_path}")
    tail = text[build.span.end : _stage_end(st).span.end]
    return "\n".join(parts) + "\n\n" + "\n".join(rt) + tail


def _node(ctx: DockerfileContext, an: Analysis, st: Stage, findings: list[_Finding]) -> str:
    text = an.dockerfile.text
    esc = an.dockerfile.escape
    ins_list = st.instructions
    last = -1
    for i, ins in enumerate(ins_list):
        if ins.keyword != "RUN":
            continue
        kinds = _classify(ins)
        if kinds & {"yarn", "pnpm"}:
            raise _NoFix("the fix understands npm, not yarn/pnpm")
        if "npm" in kinds:
            last = i
    if last < 0:
        raise _NoFix("the stage does not run npm")
    build_runs = {id(f.ins) for f in findings if f.build}
    for i, ins in enumerate(ins_list):
        if ins.keyword == "ONBUILD":
            raise _NoFix("the stage has ONBUILD triggers")
        if i > last and ins.keyword == "RUN" and (id(ins) in build_runs or _uses_compiler(ins)):
            raise _NoFix("build tools are used after the last npm step")
    wd = _workdir_at(an, st, last)
    if wd is None or wd == "/":
        raise _NoFix("the application directory (WORKDIR) is not known")
    pcs = [pc for ins in ins_list[: last + 1] if ins.keyword == "RUN"
           for pc in package_commands(ins)]
    manager, pkgs, unknown = _runtime_packages(
        ctx, pcs, set(), frozenset({"python3", "python", "python-is-python3"}))
    slim = _slim_ref(ctx, st)
    bname = _builder_name(an)
    parts = [_builder_from(an, st, bname) + text[st.from_.span.end : ins_list[last].span.end],
             "RUN npm prune --omit=dev"]
    rt = _runtime_head(an, st, slim, ins_list[: last + 1], text, esc,
                       manager, pkgs, unknown, _REPLICATE - {"COPY", "ADD"})
    rt.append(f"COPY --from={bname} {wd} {wd}")
    tail = text[ins_list[last].span.end : _stage_end(st).span.end]
    return "\n".join(parts) + "\n\n" + "\n".join(rt) + tail
