"""
## What it does
Reports a target stage (the stage that is built and run, see the rule conventions) whose
container runs as root:

- **Warning**: the last `USER` in effect — in the stage or inherited through local
  `FROM <stage>` chains — is `root` or `0` (also `root:…`, `0:0`, and `USER ${ARG}` whose
  value is `root`).
- **Information**: no `USER` at all, so the base image's default user (root for nearly
  every image) is used.

Not reported:
- base images that already run as non-root: the catalogue's `runs_as_non_root` flag for the
  tag's variant (distroless `:nonroot`, the Jupyter images …); a variant whose user the
  catalogue does not know is given the benefit of the doubt. Without catalogue data,
  `bitnami/*`, `docker.elastic.co/*` and `cgr.dev/chainguard/*` (non-`-dev`) images, which
  document a non-root default user, are exempt too;
- images whose entrypoint drops privileges (postgres, mysql, mariadb, redis, mongo,
  rabbitmq, nginx, httpd, php's `-apache` variant: the catalogue's
  `entrypoint_drops_privileges`, per family or variant), stages that drop privileges
  themselves with `gosu`, `su-exec`, `setpriv`, `chpst`, `s6-setuidgid` or `runuser` in
  `ENTRYPOINT`/`CMD` or installed by a `RUN`, and s6-overlay stages (`ENTRYPOINT
  ["/init"]`, or s6-overlay installed or configured by a `COPY`/`ADD`/`RUN`: `/init` must
  start as root and its services choose their users);
- a `USER ${ARG}` whose value is not known, an `ARG`-built base image (`FROM ${BASE}`) with
  no `USER` (its default user is not known), Windows images (also recognised by `C:\\`
  paths, a `SHELL` running `powershell` or `cmd`, or a `# hadolint shell=powershell`
  comment), builder stages;
- target stages that are never run as containers: a `scratch` stage without
  `CMD`/`ENTRYPOINT` (an `--output` artifact) and a leaf stage other than the last one that
  sets no `CMD`/`ENTRYPOINT` in its chain (a lint/validate/export build step);
- dev containers (a base under `…/devcontainers/` or a Dockerfile in a `.devcontainer`
  folder): their user is `remoteUser` in `devcontainer.json`;
- a `FROM` line that is not an image reference (DF001 reports it).

## Why is this bad?
A process running as root in a container is root on the host's kernel: a container
escape or a writable host mount is far more dangerous, and the application can modify
its own image contents.

## Example
```dockerfile
FROM python:3.13-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
CMD ["python", "app.py"]
```
Use instead:
```dockerfile
FROM python:3.13-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
RUN groupadd --system --gid 1001 app \\
 && useradd --system --uid 1001 --gid app --no-log-init --create-home app \\
 && mkdir -p /app && chown app:app /app
USER app
COPY --chown=app:app . .
CMD ["python", "app.py"]
```

## Fix safety
Unsafe (the user the container runs as changes; files the application writes must be
writable by it). The fix, in order of preference:

1. when the stage switched to `USER root` after a non-root `USER`, switch back to that
   user; when a `RUN` already creates a user (`useradd`/`adduser`) that is never used,
   switch to it; when the base image defines a non-root user it does not run as (the
   catalogue's `non_root_user`: `app` in Microsoft's .NET 8+ images, where creating
   another `app` would fail), switch to it;
2. otherwise create group and user `app` with the fixed ids 1001 (not 1000, which belongs
   to `node` in the Node images and to `ubuntu` in Ubuntu ≥ 23.04) with the base family's
   tools: Debian/Ubuntu `groupadd --system --gid 1001 app && useradd --system --uid 1001
   --gid app --no-log-init --create-home app`; Alpine `addgroup -S -g 1001 app && adduser -S
   -u 1001 -G app app`; RHEL/UBI/Fedora/Amazon Linux `groupadd -r -g 1001 app && useradd -r
   -l -u 1001 -g app -m app` (first installing `shadow-utils` on `*-minimal` and Amazon
   Linux images, which lack it); distroless `USER nonroot`; scratch `USER 65534`.

The new `RUN` and the `USER` go right after the last `RUN` (or `USER`) of the target stage —
every `RUN` is treated as one that may need root, so the build itself does not change.
The directories the application writes — the final `WORKDIR`, `VOLUME` paths and
cache directories named in `ENV` (`*CACHE*`, `HF_HOME`, `TORCH_HOME`, `XDG_*_HOME`,
`MPLCONFIGDIR`, `NLTK_DATA`) — are created and `chown`ed (not recursively: a recursive
`chown` copies every file into a new layer); `COPY`/`ADD` after the new `USER` into those
directories get `--chown=app:app` (numeric ids on distroless and scratch). System
directories (`/`, `/usr`, `/root`, `/tmp`, …) are never `chown`ed.

No fix is offered, and the message says why, when the stage `EXPOSE`s a port below 1024
(a non-root process cannot bind it with host networking or on engines older than
Docker 20.10: move the application to a port ≥ 1024 first), when the base image's OS
family is unknown (the user-creation command cannot be chosen), when the stage's
shell is not a POSIX shell, or when the application's directory (final `WORKDIR`, a
`VOLUME` or cache path) is inside `/root` (mode 0700: no other user can enter it).

≈ DL3002 is the exact equivalent of the warning case only (hadolint does not report a
missing `USER`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dockwise.dockerfile.analysis import Analysis, Stage, env_pairs, program_name
from dockwise.dockerfile.model import Instruction
from dockwise.dockerfile.shell import commands, unwrap
from dockwise.dockerfile.variables import expand, find_refs
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity
from dockwise.text import Span

if TYPE_CHECKING:
    from dockwise.images.catalogue import ImageFamily

INFO = Severity.INFORMATION
UID = 1001
NAME = "app"
_ROOT = frozenset({"root", "0"})
_DROPPERS = ("gosu", "su-exec", "setpriv", "chpst", "s6-setuidgid", "runuser", "setuser")
_DROPPER_RE = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(d) for d in _DROPPERS) + r")(?![\w-])")
# catalogue gaps: registries whose images document a non-root default user
_NONROOT_PREFIXES = ("bitnami/", "cgr.dev/chainguard/", "docker.elastic.co/")
_SYSTEM_DIRS = frozenset(
    {"/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib64", "/opt", "/proc", "/root",
     "/run", "/sbin", "/sys", "/tmp", "/usr", "/usr/bin", "/usr/lib", "/usr/local",
     "/usr/local/bin", "/usr/local/lib", "/usr/sbin", "/usr/share", "/usr/src", "/var",
     "/var/lib", "/var/log", "/var/run", "/var/tmp", "/mnt", "/media"}
)
_CACHE_ENV = re.compile(r"CACHE|^HF_HOME$|^TORCH_HOME$|^XDG_[A-Z]+_HOME$|^MPLCONFIGDIR$|^NLTK_DATA$")
# useradd / adduser options that take a value
_VALUE_OPTS = frozenset(
    {"-u", "--uid", "-g", "--gid", "-G", "--groups", "-d", "--home-dir", "--home", "-h", "-s",
     "--shell", "-c", "--comment", "--gecos", "-k", "--skel", "-K", "--key", "-e", "--expiredate",
     "-f", "--inactive", "-p", "--password", "-R", "--root", "-P", "--prefix", "-Z",
     "--selinux-user", "-b", "--base-dir", "--ingroup", "--firstuid", "--lastuid", "--conf",
     "--firstgid", "--lastgid", "--extrausers"}
)


@rule(code="DF301", name="root-user", severity=Severity.WARNING, fix=FixAvailability.SOMETIMES,
      equivalents=("DL3002",))
@stage_local
def check(ctx: DockerfileContext) -> None:
    an = ctx.analysis
    targets = ctx.target_stages
    if not targets:
        return
    powershell = any("shell=powershell" in c.text.replace(" ", "").lower()
                     for c in ctx.df.comments)
    families: dict[str, ImageFamily | None] = {}
    for st in targets:
        _check_stage(ctx, an, st, powershell, families)


def user_value(an: Analysis, ins: Instruction) -> str | None:
    """The `user[:group]` a USER instruction sets, expanded; None when not known."""
    raw = ins.args.strip()
    if not raw:
        return None
    scope = an.scope(ins)
    refs = find_refs(raw, ins.escape)
    # `${U}` declared without a value (a build argument) is not known
    if any(scope.get(r.name) is None and not r.has_default for r in refs):
        return None
    value, missing = expand(raw, scope, ins.escape)
    if missing or "$" in value:
        return None
    value = value.strip().strip("\"'").strip()
    return value or None


def user_of(an: Analysis, ins: Instruction) -> str | None:
    """The user name/uid a USER instruction sets (group dropped); None when unknown."""
    value = user_value(an, ins)
    if value is None:
        return None
    return value.split(":", 1)[0].strip() or None


def _check_stage(ctx: DockerfileContext, an: Analysis, st: Stage, powershell: bool,
                 families: dict[str, ImageFamily | None]) -> None:
    """``powershell``: the file has a `shell=powershell` comment; ``families``: a memo."""
    chain = an.chain(st)
    if an.is_windows(st) or powershell or _windows_like(chain):
        return
    base = an.root_base(st)
    if base is None or st.base is None:
        return
    if _devcontainer(ctx, base.resolved.canonical) or _malformed(st) or _malformed(chain[-1]):
        return
    runs = False
    for s in chain:
        for ins in s.instructions:
            if ins.keyword == "CMD" or ins.keyword == "ENTRYPOINT":
                runs = True
                break
        if runs:
            break
    if not runs and (base.is_scratch or st.index != len(an.stages) - 1):
        # an artifact (`--output`) or build-step stage (lint, validate, …), not a
        # container that is run
        return
    user_ins = an.last_in_chain(st, "USER")
    fam = None
    if not base.is_scratch:
        canon = base.resolved.canonical
        if canon in families:
            fam = families[canon]
        else:
            fam = families[canon] = ctx.images.family(canon)
    drops = (fam is not None and fam.drops_privileges(base.resolved.tag)) or _drops_locally(chain)
    if user_ins is not None:
        user = user_of(an, user_ins)
        if user is None or user.lower() not in _ROOT or drops:
            return
        span = user_ins.args_span
        fix, why = _fix(ctx, an, st, user_ins)
        msg = f"the last USER is `{user}`: the container runs as root"
        ctx.report(span, msg + (f"; {why}" if why else ""), fix=fix, equivalents=("DL3002",))
        return
    if drops:
        return
    if not base.is_scratch:
        if base.unresolved_vars or any(
            an.global_args.get(r.name) is None and not r.has_default for r in find_refs(base.raw)
        ):
            return  # `FROM ${BASE}`: the base image (and its user) is not known
        if fam is not None:
            if fam.variant(base.resolved.tag).runs_as_non_root is not False:
                return
        else:
            canon = base.resolved.canonical
            tag = (base.resolved.tag or "").lower()
            if canon.startswith(_NONROOT_PREFIXES) and not tag.endswith("-dev"):
                return
            if "distroless" in canon and "nonroot" in tag:
                return
    fix, why = _fix(ctx, an, st, None)
    msg = "no USER: the container runs as the base image's default user, root"
    ctx.report(st.base.span, msg + (f"; {why}" if why else ""), fix=fix, severity=INFO,
               equivalents=())


_WIN_PATH = re.compile(r"(?<![\w$])[A-Za-z]:[\\/]")


def _windows_like(chain: list[Stage]) -> bool:
    """Windows paths (`C:\\…`) or a PowerShell/cmd `SHELL`: a Windows image whose name does
    not say so (a local or unknown base). (A `# hadolint shell=powershell` comment is
    checked by the caller.)"""
    for s in chain:
        for ins in s.instructions:
            if ins.keyword == "SHELL" and ins.exec_form:
                if program_name(ins.exec_form[0].value).removesuffix(".exe") in _WINDOWS_SHELLS:
                    return True
            elif ins.keyword in _PATH_KINDS:
                rest = ins.rest
                if (":/" in rest or ":\\" in rest) and _WIN_PATH.search(rest):
                    return True
    return False


_PATH_KINDS = frozenset({"WORKDIR", "COPY", "ADD", "CMD", "ENTRYPOINT"})
_WINDOWS_SHELLS = frozenset({"powershell", "cmd"})  # not `pwsh`: PowerShell runs on Linux too


def _program(ins: Instruction) -> str | None:
    """The program an ENTRYPOINT/CMD runs (exec or shell form)."""
    ef = ins.exec_form
    if ef is not None:
        return ef[0].value if ef else None
    return ins.words[0].value if ins.words else None


def _malformed(st: Stage) -> bool:
    """`FROM Apache Spark 3.4.1`: not an image reference (DF001's business)."""
    words = st.from_.words
    if len(words) not in (1, 3) or (len(words) == 3 and words[1].value.lower() != "as"):
        return True
    repo = st.base.resolved.repository if st.base is not None else ""
    return repo != repo.lower()


def _devcontainer(ctx: DockerfileContext, canonical: str) -> bool:
    """A dev container: its user is `remoteUser` in devcontainer.json, not the image's."""
    if "devcontainers/" in canonical:
        return True
    return ctx.path is not None and ".devcontainer" in ctx.path.parts


def _drops_locally(chain: list[Stage]) -> bool:
    """A privilege-dropping tool in ENTRYPOINT/CMD/RUN, or s6-overlay: `/init` as the
    entrypoint, or s6-overlay installed or configured (it must start as root; its
    services pick their own users)."""
    for st in chain:
        for ins in st.instructions:
            if ins.keyword == "ENTRYPOINT" and _program(ins) == "/init":
                return True
            if ins.keyword in ("COPY", "ADD", "RUN") and "s6-overlay" in ins.rest:
                return True
            if ins.keyword in ("ENTRYPOINT", "CMD", "RUN"):
                rest = ins.rest
                for d in _DROPPERS:  # each match holds one
                    if d in rest:
                        if _DROPPER_RE.search(rest):
                            return True
                        break
    return False


# -- the fix ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Plan:
    user: str  # what USER gets
    chown: str | None  # `--chown=` value for COPY/ADD, None: no --chown
    run: str | None  # the RUN text creating the user (None: none)


def _fix(ctx: DockerfileContext, an: Analysis, st: Stage,
         root_user: Instruction | None) -> tuple[Fix | None, str]:
    chain = an.chain(st)
    low = _low_port(an, chain)
    if low is not None:
        return None, (f"no fix offered: the stage exposes port {low} (below 1024), which a "
                      "non-root process cannot bind with host networking or on Docker engines "
                      "older than 20.10 — move the application to a port ≥ 1024 first")
    if any(ins.keyword in ("ENTRYPOINT", "CMD") and "dockerd" in ins.rest
           for s_ in chain for ins in s_.instructions):
        return None, ("no fix offered: the container runs the Docker daemon (`dockerd`), "
                      "which needs root")
    anchor: Instruction = st.from_
    for ins in st.instructions:
        if ins.keyword in ("RUN", "USER"):
            anchor = ins
    if ctx.text[anchor.span.start:anchor.span.end].rstrip().endswith(anchor.escape):
        # the file ends inside a line continuation: a new line would join that instruction
        return None, ("no fix offered: the file ends with a line continuation (`"
                      f"{anchor.escape}`), which the added lines would join")
    if not an.posix_shell(anchor if anchor.keyword == "RUN" else st.from_):
        return None, "no fix offered: the stage's SHELL is not a POSIX shell"
    family = an.os_family(st)
    existing = _existing_user(an, chain, root_user)
    written, home = _written_paths(an, chain)
    if home is not None:
        return None, (f"no fix offered: the application uses `{home}`, inside root's home "
                      "(mode 0700), which no other user can enter — move it out of `/root` first")
    base = an.root_base(st)
    fam = None if base is None else ctx.images.family(base.resolved.canonical)
    variant = None if fam is None or base is None else fam.variant(base.resolved.tag)
    known = None if variant is None else variant.non_root_user
    plan: _Plan | None
    if existing is not None:
        plan = _Plan(existing, None, None)
    elif known is not None:  # the image defines a non-root user already (.NET's `app`)
        shell = variant is not None and variant.shell is not False
        plan = _Plan(known, f"{known}:{known}",
                     "RUN " + _own_dirs(known, written) if written and shell else None)
    elif family == "distroless":
        plan = _Plan("nonroot", "65532:65532", None)
    elif family == "scratch":
        plan = _Plan("65534", "65534:65534", None)
    else:
        run = _create_user(an, st, family, written)
        if run is None:
            return None, ("no fix offered: the base image's OS family is not known, so the "
                          "command that creates a user cannot be chosen")
        plan = _Plan(NAME, f"{NAME}:{NAME}", run)
    nl = "\n"
    text = ""
    if plan.run is not None:
        text += nl + plan.run
    text += nl + f"USER {plan.user}"
    edits = [Edit(Span(anchor.span.end, anchor.span.end), text)]
    if plan.chown is not None and written:
        edits.extend(_chown_copies(an, st, anchor, written, plan.chown))
    created = plan.user == NAME and plan.run is not None and known is None
    what = f"`{plan.user}`" + (f" (uid {UID})" if created else "")
    return Fix(f"Add a non-root USER: run as {what}", tuple(edits), Applicability.UNSAFE), ""


def _low_port(an: Analysis, chain: list[Stage]) -> int | None:
    for s in chain:
        for ins in s.instructions:
            if ins.keyword != "EXPOSE":
                continue
            for w in ins.words:
                val, _ = expand(w.value, an.scope(ins), ins.escape)
                port = val.split("/", 1)[0].split(":")[-1].split("-", 1)[0]
                if port.isdigit() and 0 < int(port) < 1024:
                    return int(port)
    return None


def _ordered(chain: list[Stage]) -> list[Instruction]:
    out: list[Instruction] = []
    for s in reversed(chain):
        out.extend(s.instructions)
    return out


def _existing_user(an: Analysis, chain: list[Stage], root_user: Instruction | None) -> str | None:
    """A non-root user the stage already has: a USER before the final `USER root`, or a
    user created by useradd/adduser in a RUN."""
    seq = _ordered(chain)
    if root_user is not None:
        prev: str | None = None
        for ins in seq:
            if ins is root_user:
                break
            if ins.keyword == "USER":
                u = user_of(an, ins)
                ok = u is not None and u.lower() not in _ROOT
                raw = ins.args.strip()
                prev = (raw if "$" not in raw else user_value(an, ins)) if ok else None
        if prev is not None:
            return prev
    created: str | None = None
    for ins in seq:
        if ins.keyword != "RUN" or "user" not in ins.rest:
            continue
        for _, cmd in commands(ins):
            c = unwrap(cmd)
            if c.name not in ("useradd", "adduser"):
                continue
            name = _positional(c.args)
            # `dockremap` and other accounts made for /etc/subuid are id ranges for user
            # namespaces, not users to run as
            if name and ("subuid" in ins.rest or name == "dockremap"):
                continue
            if name and "$" not in name and name not in _ROOT:
                created = name
    return created


def _positional(args: list[str]) -> str | None:
    skip = False
    for a in args:
        if skip:
            skip = False
            continue
        if a.startswith("-"):
            if a in _VALUE_OPTS:
                skip = True
            continue
        return a
    return None


def _written_paths(an: Analysis, chain: list[Stage]) -> tuple[list[str], str | None]:
    """Directories the application writes: final WORKDIR, VOLUMEs, cache ENV values; and
    the first of them inside root's home (`/root`, mode 0700: no other user gets in)."""
    out: list[str] = []
    home: list[str] = []
    workdir: str | None = None
    for ins in _ordered(chain):
        kw = ins.keyword
        if kw == "WORKDIR" and ins.words:
            val, missing = expand(ins.args.strip().strip("\"'"), an.scope(ins), ins.escape)
            if missing or "$" in val:
                workdir = None
            elif val.startswith("/"):
                workdir = val
            elif workdir is not None:
                workdir = workdir.rstrip("/") + "/" + val
        elif kw == "VOLUME":
            vals = [e.value for e in ins.exec_form] if ins.exec_form else [w.value for w in ins.words]
            for v in vals:
                val, missing = expand(v, an.scope(ins), ins.escape)
                if not missing:
                    _add_path(out, val, home=home)
        elif kw == "ENV":
            for k, v in env_pairs(ins):
                if _CACHE_ENV.search(k):
                    val, missing = expand(v.strip("\"'"), an.scope(ins), ins.escape)
                    if not missing:
                        _add_path(out, val, home=home)
    if workdir is not None:
        _add_path(out, workdir, first=True, home=home)
    return out, (home[0] if home else None)


def _add_path(out: list[str], path: str, first: bool = False,
              home: list[str] | None = None) -> None:
    """Add a directory (normalised; not a system directory); ``home`` collects those
    inside `/root`."""
    p = path.strip()
    if not p.startswith("/") or "$" in p or any(c in p for c in " \t'\"*?;&|`"):
        return
    p = re.sub(r"/+", "/", p)
    p = p.rstrip("/") or "/"
    if home is not None and (p == "/root" or p.startswith("/root/")):
        if first:
            home.insert(0, p)
        else:
            home.append(p)
    if p in _SYSTEM_DIRS or p in out:
        return
    if first:
        out.insert(0, p)
    else:
        out.append(p)


def _create_user(an: Analysis, st: Stage, family: str, written: list[str]) -> str | None:
    base = an.root_base(st)
    esc = an.dockerfile.escape
    cont = f" {esc}\n && "
    if family == "debian":
        parts = [f"groupadd --system --gid {UID} {NAME}",
                 f"useradd --system --uid {UID} --gid {NAME} --no-log-init --create-home {NAME}"]
    elif family == "alpine":
        parts = [f"addgroup -S -g {UID} {NAME}", f"adduser -S -u {UID} -G {NAME} {NAME}"]
    elif family == "rhel":
        parts = [f"groupadd -r -g {UID} {NAME}", f"useradd -r -l -u {UID} -g {NAME} -m {NAME}"]
        ref = (base.expanded.lower() if base is not None else "")
        if "minimal" in ref:
            parts.insert(0, "microdnf install -y shadow-utils && microdnf clean all")
        elif "amazonlinux" in ref:
            tag = base.resolved.tag if base is not None else None
            pm = "yum" if tag is not None and tag.startswith("2") and not tag.startswith("202") else "dnf"
            parts.insert(0, f"{pm} install -y shadow-utils && {pm} clean all")
    else:
        return None
    if written:
        parts.append(_own_dirs(NAME, written))
    return "RUN " + cont.join(parts)


def _own_dirs(user: str, written: list[str]) -> str:
    """Create the written directories and give them to ``user`` (not recursively)."""
    paths = " ".join(written)
    return f"mkdir -p {paths} && chown {user}:{user} {paths}"


def _copy_dest(an: Analysis, ins: Instruction) -> str | None:
    if ins.exec_form is not None:
        vals = [e.value for e in ins.exec_form]
    else:
        vals = [w.value for w in ins.words]
    if len(vals) < 2:
        return None
    val, missing = expand(vals[-1], an.scope(ins), ins.escape)
    return None if missing or "$" in val else val


def _chown_copies(an: Analysis, st: Stage, anchor: Instruction, written: list[str],
                  owner: str) -> list[Edit]:
    """`--chown` for COPY/ADD after the insertion point whose destination is a written
    directory (or inside one)."""
    edits: list[Edit] = []
    workdir = "/"
    for ins in _ordered(an.chain(st)):
        if ins.keyword == "WORKDIR" and ins.words:
            val, missing = expand(ins.args.strip().strip("\"'"), an.scope(ins), ins.escape)
            if missing or "$" in val:
                workdir = "?"
            elif val.startswith("/"):
                workdir = val
            elif workdir != "?":
                workdir = workdir.rstrip("/") + "/" + val
            continue
        if ins.keyword not in ("COPY", "ADD") or ins.stage != st.index:
            continue
        if ins.span.start < anchor.span.end or ins.flag("chown") is not None:
            continue
        dest = _copy_dest(an, ins)
        if dest is None:
            continue
        if not dest.startswith("/"):
            if workdir == "?":
                continue
            dest = workdir.rstrip("/") + "/" + dest
        dest = re.sub(r"/(\./)+", "/", re.sub(r"/+", "/", dest))
        dest = dest[:-2] if dest.endswith("/.") else dest
        dest = dest.rstrip("/") or "/"
        if any(dest == p or dest.startswith(p + "/") for p in written):
            at = ins.keyword_span.end
            edits.append(Edit(Span(at, at), f" --chown={owner}"))
    return edits
