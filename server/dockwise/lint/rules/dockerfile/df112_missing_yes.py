"""
## What it does
Reports `apt-get install`, `yum install`, `dnf install` and `zypper install` (also
`apt install`, `yum groupinstall`, `dnf group install`, `zypper in`) that do not answer
the confirmation prompt:

- apt: `-y`, `--yes`, `--assume-yes` (also in bundles like `-qy`), quiet level 2 (`-qq`,
  `-q=2`, which implies `-y`), `-o APT::Get::Assume-Yes=true`, an earlier `RUN` of the
  stage chain that writes `APT::Get::Assume-Yes` into an apt configuration file;
- yum/dnf: `-y`, `--assumeyes`, `--setopt=assumeyes=1`;
- zypper: the global `-n`/`--non-interactive` (before the subcommand) or `-y`/
  `--no-confirm` after it;
- any manager: `yes | …` in front of it.

## Why is this bad?
`docker build` has no terminal: the prompt reads end-of-file and the install aborts, so
the build fails (or, for apt, only fails when dependencies must be added — a build that
breaks later when a package gains a dependency).

## Example
```dockerfile
RUN apt-get update && apt-get install curl
```
Use instead:
```dockerfile
RUN apt-get update && apt-get install -y curl
```

## Fix safety
Safe: inserts `-y` after the subcommand (for zypper `-y` is `--no-confirm`).

Decisions where the catalogue is silent: `apt install` is included (the prompt is the
same; its findings carry no hadolint id), `microdnf` is not (it never prompts).
`DEBIAN_FRONTEND=noninteractive` does *not* answer apt's prompt.

≈ hadolint DL3014 (apt-get), DL3030 (yum), DL3034 (zypper), DL3038 (dnf).
"""

from __future__ import annotations

from dockwise.dockerfile.model import Instruction
from dockwise.dockerfile.packages import (
    PackageCommand,
    add_option_edit,
    config_written,
    package_commands,
    run_instructions,
)
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity

EQUIV = {"apt-get": ("DL3014",), "apt": (), "yum": ("DL3030",), "dnf": ("DL3038",),
         "zypper": ("DL3034",)}
_TRUE = ("1", "true", "yes", "on")


@rule(code="DF112", name="missing-yes", severity=Severity.WARNING,
      fix=FixAvailability.ALWAYS, equivalents=("DL3014", "DL3030", "DL3034", "DL3038"))
@stage_local
def check(ctx: DockerfileContext) -> None:
    an = ctx.analysis
    for ins in run_instructions(ctx.df, "apt", "yum", "dnf", "zypper", analysis=an):
        for pc in package_commands(ins):
            if pc.manager not in EQUIV or pc.action != "install":
                continue
            if _answered(pc) or _yes_piped(pc):
                continue
            if pc.ecosystem == "apt" and _apt_configured(ctx, ins):
                continue
            at = add_option_edit(pc, "-y")
            fix = Fix("Add `-y`", (Edit(at[0], at[1]),), Applicability.SAFE) if at else None
            ctx.report(pc.span, f"`{pc.text}` without `-y` stops at the confirmation prompt "
                       "(the build has no terminal): add `-y`", fix=fix,
                       equivalents=EQUIV[pc.manager])


def _answered(pc: PackageCommand) -> bool:
    if pc.manager in ("apt-get", "apt"):
        if pc.has_option("-y", "--yes", "--assume-yes"):
            return True
        quiet = sum(1 for o in pc.options if o.name == "-q" and o.value is None)
        words = [o.word.value for o in pc.options]
        if quiet >= 2 or any(w.startswith(("-q=", "--quiet=")) and w.split("=", 1)[1] >= "2"
                             for w in words):
            return True
        return any(v.lower().startswith("apt::get::assume-yes=")
                   and v.split("=", 1)[1].strip("\"' ").lower() in _TRUE
                   for v in pc.option_values("-o", "--option"))
    if pc.manager == "zypper":
        return (pc.has_option("-n", before_verb=True) or pc.has_option("--non-interactive")
                or pc.has_option("-y", "--no-confirm", before_verb=False))
    if pc.has_option("-y", "--assumeyes"):
        return True
    return any(v.replace(" ", "").lower() in ("assumeyes=1", "assumeyes=true", "assumeyes=yes")
               for v in pc.option_values("--setopt"))


def _yes_piped(pc: PackageCommand) -> bool:
    """`yes | apt-get install …`."""
    if pc.command.op_before != "|" or pc.script is None:
        return False
    prev = None
    for c in pc.script.commands:
        if c.span.start >= pc.command.span.start:
            break
        prev = c
    return prev is not None and prev.name == "yes"


def _apt_configured(ctx: DockerfileContext, ins: Instruction) -> bool:
    return config_written(ctx.analysis, ins, "Assume-Yes")
