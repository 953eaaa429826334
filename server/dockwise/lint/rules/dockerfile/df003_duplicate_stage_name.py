"""
## What it does
Reports a stage name used by two `FROM … AS name` instructions (compared
case-insensitively, as BuildKit lowercases stage names), and stage names that are
reserved: `scratch` and `context`.

## Why is this bad?
With two stages of the same name, `COPY --from=name` resolves to the **last** one while
`FROM name` resolves to the latest one defined **before** it, so the same name means
different stages in different places; BuildKit rejects the file (DuplicateStageName).
`scratch` is the empty image and `context` names the build context, so a stage cannot
take either name (ReservedStageName).

## Example
```dockerfile
FROM golang:1.23 AS build
RUN go build -o /app .

FROM node:22 AS BUILD        # `build` again
RUN npm run build

FROM alpine:3.20 AS scratch  # reserved name
```

## Fix safety
No automatic fix: which stage should be renamed, and which references should follow it,
cannot be decided for the user. The finding is on the second (and each later) use of a
name; the message gives the line of the first.
"""

from __future__ import annotations

from dockwise.lint.engine import DockerfileContext
from dockwise.lint.registry import rule
from dockwise.lint.types import Severity

_RESERVED = ("scratch", "context")


@rule(code="DF003", name="duplicate-stage-name", severity=Severity.ERROR,
      equivalents=("DL3024", "DuplicateStageName", "ReservedStageName"))
def check(ctx: DockerfileContext) -> None:
    first: dict[str, int] = {}
    for st in ctx.analysis.stages:
        if st.name is None or st.name_span is None:
            continue
        if st.name in _RESERVED:
            what = "the empty image" if st.name == "scratch" else "the build context"
            ctx.report(st.name_span,
                       f"`{st.raw_name}` is a reserved name ({what}) and cannot name a stage",
                       equivalents=("ReservedStageName",))
            continue
        if st.name in first:
            line = ctx.df.index.position(first[st.name])[0] + 1
            ctx.report(
                st.name_span,
                f"stage name `{st.raw_name}` is already used on line {line}: `--from={st.name}` "
                f"resolves to the last stage of that name, `FROM {st.name}` to the latest "
                "earlier one",
                equivalents=("DL3024", "DuplicateStageName"),
            )
        else:
            first[st.name] = st.from_.span.start
