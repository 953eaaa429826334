"""
## What it does
Reports `pip install` (also `pip3`, `pip3.12`, `python -m pip`, and `uv pip install`)
without `--no-cache-dir` (pip; its abbreviation `--no-cache` is accepted) or `--no-cache`
(uv), when none of these is true:

- `PIP_NO_CACHE_DIR` (pip) or `UV_NO_CACHE` (uv) is in scope from `ENV`/`ARG`, set on the
  command itself (`PIP_NO_CACHE_DIR=1 pip install …`) or exported earlier in the script;
- an earlier `RUN` of the stage chain ran `pip config set global.no-cache-dir …`;
- the RUN has a cache mount on the current user's cache directory: `/root/.cache/pip`
  (or `/root/.cache`) for root, `<home>/.cache/pip` for another `USER`, `/root/.cache/uv`
  for uv, or the `PIP_CACHE_DIR`/`UV_CACHE_DIR`/`--cache-dir` directory.

Severity: *warning* in target stages and their `FROM` ancestors, *information* in
build-helper stages (their files only reach the image through explicit `COPY --from`).

## Why is this bad?
pip keeps every downloaded wheel in `~/.cache/pip`. In an image layer that cache is dead
weight — often hundreds of megabytes for ML stacks.

## Example
```dockerfile
RUN pip install -r requirements.txt
```
Use instead:
```dockerfile
RUN pip install --no-cache-dir -r requirements.txt
```
or, to keep the cache between builds without putting it in the image:
```dockerfile
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
```

## Fix safety
Safe: inserts `--no-cache-dir` (uv: `--no-cache`) right after `install`; only the cache
is affected. Not offered when the command sets its own `--cache-dir` (remove it first).
The cache-mount alternative is described above and not applied automatically (it needs
BuildKit and changes the build command's caching).

Decisions where the catalogue is silent: a cache mount on the wrong user's directory
(e.g. `/root/.cache/pip` after `USER app`) does not count, and the message says so.

≈ hadolint DL3042 is the exact equivalent.
"""

from __future__ import annotations

from dockwise.dockerfile.analysis import Analysis
from dockwise.dockerfile.model import Instruction
from dockwise.dockerfile.packages import (
    PackageCommand,
    add_option_edit,
    config_written,
    is_root,
    mounts,
    package_commands,
    raw_commands,
    run_instructions,
    user_at,
)
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity


@rule(code="DF103", name="pip-cache-kept", severity=Severity.WARNING,
      fix=FixAvailability.SOMETIMES, equivalents=("DL3042",))
@stage_local
def check(ctx: DockerfileContext) -> None:
    an = ctx.analysis
    ancestors: set[int] | None = None
    for ins in run_instructions(ctx.df, "pip", analysis=an):
        pcs = [pc for pc in package_commands(ins)
               if pc.manager in ("pip", "uv") and pc.action == "install"]
        for pc in pcs:
            uv = pc.manager == "uv"
            if pc.has_option("--no-cache-dir", "--no-cache") or (uv and pc.has_option("-n")):
                continue
            env = "UV_NO_CACHE" if uv else "PIP_NO_CACHE_DIR"
            if _env_set(an, ins, pc, env):
                continue
            if not uv and config_written(an, ins, "no-cache-dir"):
                continue
            mounted, wrong_user = _cache_mounted(an, ins, pc)
            if mounted:
                continue
            if ancestors is None:
                ancestors = an.target_ancestors()
            severity = Severity.WARNING if ins.stage in ancestors else Severity.INFORMATION
            flag = "--no-cache" if uv else "--no-cache-dir"
            where = "" if severity is Severity.WARNING else " (a build-helper stage)"
            msg = f"`{pc.text}` keeps its download cache in the layer{where}: add `{flag}`"
            if wrong_user:
                msg += f" (the cache mount on `{wrong_user}` is not this user's cache directory)"
            fix = None
            if pc.has_option("--cache-dir"):
                msg += " (no automatic fix: remove `--cache-dir` first)"
            else:
                at = add_option_edit(pc, flag)
                if at is not None:
                    fix = Fix(f"Add `{flag}`", (Edit(at[0], at[1]),), Applicability.SAFE)
            ctx.report(pc.span, msg, fix=fix, severity=severity)


def _env_set(an: Analysis, ins: Instruction, pc: PackageCommand, name: str) -> bool:
    if name in an.scope(ins):
        return True
    if any(a.value.split("=", 1)[0] == name for a in pc.command.assignments):
        return True
    # `export NAME=…` / `NAME=… ;` earlier in the same script, or `env NAME=… pip …`
    for script, c in raw_commands(ins):
        if c.span.start >= pc.command.span.start and script is pc.script:
            break
        if c.name == "export" and any(w.value.split("=", 1)[0] == name for w in c.words[1:]):
            return True
        if not c.words and any(a.value.split("=", 1)[0] == name for a in c.assignments):
            return True
    return False


def _cache_mounted(an: Analysis, ins: Instruction, pc: PackageCommand) -> tuple[bool, str]:
    """(handled, target of a cache mount that belongs to another user)."""
    ms = [m for m in mounts(ins) if m.type in ("cache", "tmpfs") and m.target]
    if not ms:
        return False, ""
    uv = pc.manager == "uv"
    tool = "uv" if uv else "pip"
    scope = an.scope(ins)
    dirs: list[str] = []
    for var in ("UV_CACHE_DIR",) if uv else ("PIP_CACHE_DIR",):
        v = scope.get(var)
        if v:
            dirs.append(v.rstrip("/"))
    xdg = scope.get("XDG_CACHE_HOME")
    if xdg:
        dirs.append(xdg.rstrip("/") + "/" + tool)
    dirs += [v.rstrip("/") for v in pc.option_values("--cache-dir")]
    user = user_at(an, ins)
    root = is_root(user)
    unknown_user = user is not None and "$" in user
    wrong = ""
    for m in ms:
        t = m.target
        if any(d == t or d.startswith(t + "/") for d in dirs):
            return True, ""
        if not (t.endswith("/.cache") or t.endswith("/.cache/" + tool)):
            continue
        home = t[: t.rindex("/.cache")]
        if home in ("$HOME", "${HOME}", "~") or unknown_user:
            return True, ""
        if root and home == "/root":
            return True, ""
        if not root and home != "/root":
            return True, ""
        wrong = t
    return False, wrong
