r"""
## What it does
Reports `apt-get install` (and `apt install`) without `--no-install-recommends`. Also
accepted: `-o APT::Install-Recommends=false` (or `0`/`no`/`off`) on the command, and an
earlier `RUN` in the stage chain that writes `APT::Install-Recommends` into an apt
configuration file (`echo 'APT::Install-Recommends "0";' > /etc/apt/apt.conf.d/…`).

## Why is this bad?
By default apt also installs every *recommended* package, which routinely doubles the
size of an install (documentation tools, X11 libraries, …) and widens the attack surface.

## Example
```dockerfile
RUN apt-get update && apt-get install -y python3 && rm -rf /var/lib/apt/lists/*
```
Use instead:
```dockerfile
RUN apt-get update && apt-get install -y --no-install-recommends python3 \
    && rm -rf /var/lib/apt/lists/*
```

## Fix safety
Unsafe: inserts `--no-install-recommends` after `install`. It can drop packages the image
silently relied on — `ca-certificates` (HTTPS downloads fail), locales, `openssh-client`
(git over SSH), `gnupg` — so review what the program needs and name those explicitly.

Decisions where the catalogue is silent: `apt install` is treated like `apt-get install`
(its finding carries no hadolint id: DL3015 only covers `apt-get`).

≈ hadolint DL3015 is the exact equivalent for `apt-get`.
"""

from __future__ import annotations

from dockwise.dockerfile.packages import (
    add_option_edit,
    config_written,
    package_commands,
    run_instructions,
)
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity

_OFF = ("false", "0", "no", "off")


@rule(code="DF104", name="apt-recommends", severity=Severity.INFORMATION,
      fix=FixAvailability.ALWAYS, equivalents=("DL3015",))
@stage_local
def check(ctx: DockerfileContext) -> None:
    an = ctx.analysis
    for ins in run_instructions(ctx.df, "apt", analysis=an):
        for pc in package_commands(ins):
            if pc.manager not in ("apt-get", "apt") or pc.action != "install":
                continue
            if pc.has_option("--no-install-recommends"):
                continue
            if any(v.lower().startswith("apt::install-recommends=")
                   and v.split("=", 1)[1].strip("\"' ").lower() in _OFF
                   for v in pc.option_values("-o", "--option")):
                continue
            if config_written(an, ins, "APT::Install-Recommends"):
                continue
            at = add_option_edit(pc, "--no-install-recommends")
            fix = None
            if at is not None:
                fix = Fix("Add `--no-install-recommends` (check that nothing needed was a "
                          "recommendation)", (Edit(at[0], at[1]),), Applicability.UNSAFE)
            ctx.report(pc.span,
                       f"`{pc.text}` without `--no-install-recommends` also installs "
                       "recommended packages", fix=fix,
                       equivalents=("DL3015",) if pc.manager == "apt-get" else ())
