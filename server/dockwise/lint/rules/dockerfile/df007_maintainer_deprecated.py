"""
## What it does
Reports the `MAINTAINER` instruction.

## Why is this bad?
`MAINTAINER` has been deprecated since Docker 1.13. It sets the image's legacy `Author`
field, which tools no longer read; the OCI annotation label
`org.opencontainers.image.authors` is the standard place for this information.

## Example
```dockerfile
MAINTAINER Jane Doe <jane@example.com>
```
Use instead:
```dockerfile
LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
```

## Fix safety
Safe: the instruction is replaced by the `LABEL`. The image's `Author` field is then no
longer set (the message says so); nothing the container does changes. The text is taken
literally (`MAINTAINER` is not variable-expanded) and escaped for `LABEL`, which is
(`"`, `$` and the escape character are escaped). Decision: one pair of quotes around the
whole value (`MAINTAINER "Jane"`) is dropped rather than copied into the label.
"""

from __future__ import annotations

from dockwise.dockerfile.shellwords import df_double_quote
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity

LABEL_KEY = "org.opencontainers.image.authors"


@rule(code="DF007", name="maintainer-deprecated", severity=Severity.INFORMATION,
      fix=FixAvailability.ALWAYS, equivalents=("DL4000", "MaintainerDeprecated"))
@stage_local
def check(ctx: DockerfileContext) -> None:
    for ins in ctx.df.instructions:
        if ins.keyword != "MAINTAINER":
            continue
        value = ins.args.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        if not value:
            ctx.report(ins.keyword_span, "MAINTAINER is deprecated: use "
                       f"`LABEL {LABEL_KEY}=\"…\"`")
            continue
        kw = "LABEL" if ins.raw_keyword.isupper() or not ins.raw_keyword.islower() else "label"
        new = f"{kw} {LABEL_KEY}={df_double_quote(value, ctx.df.escape)}"
        span = ins.span_of(ins.lo, ins.args_hi)
        ctx.report(
            ins.keyword_span,
            f"MAINTAINER is deprecated: use `LABEL {LABEL_KEY}=…` (the fix no longer sets "
            "the image's Author field)",
            fix=Fix(f"Replace with `LABEL {LABEL_KEY}`", (Edit(span, new),), Applicability.SAFE),
        )
