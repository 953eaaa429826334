r"""
## What it does
Reports `apt-get update` (or `apt update`) in a `RUN` that installs nothing afterwards:
no `install`, `upgrade`, `dist-upgrade`, `build-dep`, `source` or `download` in the same
`RUN`.

## Why is this bad?
The layer caches the package index at the time of the first build. A later
`RUN apt-get install …` is rebuilt when its own line changes but reuses the cached,
stale index: installs then fail with 404s for superseded versions, or silently get old
packages. The index also stays in the image.

## Example
```dockerfile
RUN apt-get update
RUN apt-get install -y --no-install-recommends curl
```
Use instead:
```dockerfile
RUN apt-get update && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
```

## Fix safety
No automatic fix: merging RUNs changes the layer structure and may cross instructions
that must stay in between (COPY of a repository key, ARG, …).

Decisions where the catalogue is silent: a `RUN` that also runs something that may
install (a script such as `./setup.sh` or `bash install.sh`, `sh -c …`, `eval`, a piped
shell, a program whose name is a variable, `install_packages`, `aptitude`, `nala`,
`apt-fast`, `rosdep`, `mk-build-deps`) is not reported — the install cannot be ruled out.

≈ hadolint DL3009 (lists kept) and DL3015 are related; there is no exact equivalent.
"""

from __future__ import annotations

from dockwise.dockerfile.model import Instruction
from dockwise.dockerfile.packages import package_commands, raw_commands, run_instructions
from dockwise.dockerfile.shell import SHELLS
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.types import Severity

USES_INDEX = frozenset({"install", "upgrade", "build-dep", "source", "download"})
_INDIRECT = frozenset({"eval", "source", ".", "install_packages", "aptitude", "nala",
                       "apt-fast", "rosdep", "mk-build-deps", "make", "debconf-apt-progress",
                       "gdebi", "apt-install", "tasksel"})


@rule(code="DF105", name="apt-update-alone", severity=Severity.WARNING)
@stage_local
def check(ctx: DockerfileContext) -> None:
    for ins in run_instructions(ctx.df, "update", analysis=ctx.analysis):
        pcs = [pc for pc in package_commands(ins) if pc.manager in ("apt-get", "apt")]
        updates = [pc for pc in pcs if pc.action == "update"]
        if not updates:
            continue
        last_update = updates[-1]
        used = any(pc.action in USES_INDEX for pc in pcs)
        if used or _may_install(ins):
            continue
        ctx.report(last_update.span,
                   f"`{last_update.text}` without an install in the same RUN: the package "
                   "index is cached in its own layer and goes stale; update and install in "
                   "one RUN")


def _may_install(ins: Instruction) -> bool:
    for _, c in raw_commands(ins):
        if not c.words:
            continue
        name = c.name
        first = c.words[0].value
        if name in _INDIRECT or "$" in first or name.endswith(".sh") or first.startswith("./"):
            return True
        if name in SHELLS:
            # `bash script.sh`, `sh -c "…"`, `curl … | bash`
            if len(c.words) > 1 or c.op_before == "|":
                return True
        # `xargs -n 1 bash -c '…'`, `su -c '…'`
        if any(w.value.rsplit("/", 1)[-1] in SHELLS for w in c.words[1:]) or name == "su":
            return True
    return False
