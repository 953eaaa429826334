"""
## What it does
Reports `FROM --platform=<constant>` (`linux/amd64`, not a `$VARIABLE`) in a stage whose
name does not name an OS or architecture.

## Why is this bad?
A constant platform pins the stage to one architecture even in a multi-platform build
(`docker buildx build --platform linux/amd64,linux/arm64`): the arm64 image then contains
amd64 binaries, or the build runs under emulation. Use `$BUILDPLATFORM` for stages that
cross-compile, or no flag at all (BuildKit: FromPlatformFlagConstDisallowed).

## Example
```dockerfile
FROM --platform=linux/amd64 node:22 AS build
```
Use instead:
```dockerfile
FROM --platform=$BUILDPLATFORM node:22 AS build
```
A stage named for its platform is fine: `FROM --platform=linux/amd64 alpine AS build-amd64`.

## Fix safety
No automatic fix: whether the stage should follow the build or the target platform cannot
be known. Decision: the exemption matches the stage name against the flag's own OS and
architecture and their common aliases (`x86_64`/`x64` for amd64, `aarch64` for arm64, …),
like BuildKit, which exempts a name containing the OS or the architecture.
"""

from __future__ import annotations

from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.types import Severity

_ALIASES: dict[str, tuple[str, ...]] = {
    "amd64": ("amd64", "x86_64", "x86-64", "x64"),
    "arm64": ("arm64", "aarch64"),
    "arm": ("arm", "armv7", "armv6", "armhf", "armel"),
    "386": ("386", "i386", "x86"),
}


@rule(code="DF013", name="constant-platform", severity=Severity.WARNING,
      equivalents=("FromPlatformFlagConstDisallowed",))
@stage_local
def check(ctx: DockerfileContext) -> None:
    for st in ctx.stages:
        for f in st.from_.flags_named("platform"):
            value = (f.value or "").strip()
            if not value or "$" in value:
                continue
            parts = [p.lower() for p in value.split("/")]
            names = {parts[0]}
            if len(parts) > 1:
                names.update(_ALIASES.get(parts[1], (parts[1],)))
                if len(parts) > 2:
                    names.add(parts[1] + parts[2])
            stage = (st.name or "").lower()
            if stage and any(n and n in stage for n in names):
                continue
            ctx.report(
                f.value_span or f.span,
                f"`--platform={value}` pins this stage to one platform and breaks "
                "multi-platform builds: use `$BUILDPLATFORM`/`$TARGETPLATFORM`, or name the "
                "stage after its platform",
            )
