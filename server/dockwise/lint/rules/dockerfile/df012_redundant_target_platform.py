"""
## What it does
Reports `FROM --platform=$TARGETPLATFORM` (also `${TARGETPLATFORM}`).

## Why is this bad?
The target platform is already the default platform of every `FROM`; the flag adds
nothing but noise (BuildKit: RedundantTargetPlatform).

## Example
```dockerfile
FROM --platform=$TARGETPLATFORM python:3.13-slim
```
Use instead:
```dockerfile
FROM python:3.13-slim
```

## Fix safety
Safe: the flag is removed. Not reported (and so not fixed) when a global
`ARG TARGETPLATFORM=…` gives the variable a default of its own, because then the flag is
not the default any more.
"""

from __future__ import annotations

import re

from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity
from dockwise.text import Span

_TARGET_RE = re.compile(r"""(["']?)\$(?:TARGETPLATFORM|\{TARGETPLATFORM\})\1""")


@rule(code="DF012", name="redundant-target-platform", severity=Severity.INFORMATION,
      fix=FixAvailability.ALWAYS, equivalents=("RedundantTargetPlatform", "DL3065"))
@stage_local
def check(ctx: DockerfileContext) -> None:
    if ctx.analysis.global_args.get("TARGETPLATFORM") is not None:
        return
    for ins in ctx.df.instructions:
        if ins.keyword != "FROM":
            continue
        for f in ins.flags_named("platform"):
            raw = ctx.text[f.value_span.start : f.value_span.end] if f.value_span else ""
            if not _TARGET_RE.fullmatch(raw):
                continue
            # remove the flag and the whitespace after it
            end = f.span.end
            while end < len(ctx.text) and ctx.text[end] in " \t":
                end += 1
            ctx.report(
                f.span,
                "`--platform=$TARGETPLATFORM` is the default: the flag is redundant",
                fix=Fix("Remove `--platform`", (Edit(Span(f.span.start, end), ""),),
                        Applicability.SAFE),
            )
