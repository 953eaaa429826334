"""
## What it does
Reports a malformed interpolation in any scalar of the file (keys included): an empty
`${}`, an invalid variable name (`${1X}`, `${ VAR}`), an operator Compose does not support
(`${VAR/a/b}`, `${VAR#x}`, `${VAR%x}`, `${VAR^^}`) or an unclosed `${`.

A lone `$` (`cost: 5 $`, `$1`) is kept as is by Compose v2 and is fine; `$$` is a literal
`$`; `${VAR:?message}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:+alt}` and nested
`${A:-${B}}` are valid.

## Why is this bad?
Compose interpolates the whole file before reading it, and refuses it on the first
malformed template (`invalid interpolation format for services.web.environment.X`).
Shell-only expansions such as `${VAR/a/b}` work in a Dockerfile `RUN` but not here.

## Example
```yaml
services:
  web:
    image: nginx:1.27
    command: sh -c 'echo ${HOSTNAME%%.*}'   # unsupported operator `%`: write `$${HOSTNAME%%.*}`
```

## Fix safety
No automatic fix: either the text was meant for a shell in the container (escape it as
`$${…}`) or the template is mistyped.

Decisions: keys are checked too (compose-go interpolates values only, so a malformed
template in a key is kept literally — almost always a mistake). The range is the template
itself, also inside multi-line, folded and literal block scalars (the offset in the value
is mapped back through the block indentation and line folding); only when the source text
is not the value verbatim (escapes in a double-quoted scalar, `''` in a single-quoted one,
an explicit block indentation indicator) is it the whole scalar.
"""

from __future__ import annotations

from dockwise.compose import interpolation
from dockwise.compose.yaml_model import span_of, value_offsets
from dockwise.lint.engine import ComposeContext
from dockwise.lint.registry import rule
from dockwise.lint.types import Severity
from dockwise.text import Span


@rule(code="DC006", name="invalid-interpolation", severity=Severity.ERROR)
def check(ctx: ComposeContext) -> None:
    text = ctx.text
    for n, is_key in ctx.doc.structure.dollar:
        problems = interpolation.parse(n.value).problems
        if not problems:
            continue
        offs = value_offsets(n, text)
        for p in problems:
            where = (Span(offs[p.lo], offs[max(p.lo, p.hi - 1)] + 1)
                     if offs is not None and p.lo < len(offs) else span_of(n))
            effect = ("Compose does not interpolate keys and keeps it literally" if is_key
                      else "Compose refuses the file (invalid interpolation format)")
            ctx.report(where, f"{p.message}; {effect}; write `$$` for a literal `$`")
