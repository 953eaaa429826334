"""
## What it does
Reports `ENV` and `LABEL` in the legacy space-separated form, `ENV key value`, where the
first argument contains no `=`.

## Why is this bad?
The legacy form sets exactly one variable and takes *everything* after the key as the
value, spaces and quotes included, which surprises readers (`ENV A 1 B 2` sets `A` to
`1 B 2`). BuildKit warns about it (LegacyKeyValueFormat) and the form may be removed.

## Example
```dockerfile
ENV PYTHONUNBUFFERED 1
LABEL description A small web app
```
Use instead:
```dockerfile
ENV PYTHONUNBUFFERED=1
LABEL description="A small web app"
```

## Fix safety
Safe: the value keeps exactly what BuildKit computed from it. When the value has no
whitespace outside quotes, only the separator becomes `=`; otherwise the value is
wrapped in double quotes — as written, continuation lines kept, when nothing in it needs
escaping; otherwise rewritten as one double-quoted word (quotes removed and re-escaped,
`$VAR` references kept so they still expand, escaped characters re-escaped with the
file's escape character, continuation lines joined). Decisions: no fix for a quoted key, or for a value with an unterminated quote
(the message says so); `ENV key` with no value at all is a syntax error, not this rule.
"""

from __future__ import annotations

from dockwise.dockerfile.model import Instruction
from dockwise.dockerfile.shellwords import has_unquoted_space, requote_word
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity
from dockwise.text import Span


@rule(code="DF011", name="legacy-env-format", severity=Severity.WARNING,
      fix=FixAvailability.SOMETIMES, equivalents=("LegacyKeyValueFormat",))
@stage_local
def check(ctx: DockerfileContext) -> None:
    for ins in ctx.df.instructions:
        _check(ctx, ins)
        if ins.sub is not None:
            _check(ctx, ins.sub)


def _check(ctx: DockerfileContext, ins: Instruction) -> None:
    if ins.keyword not in ("ENV", "LABEL") or len(ins.words) < 2:
        return
    key = ins.words[0]
    if "=" in key.value:
        return
    kw = ins.keyword
    msg = f"legacy `{kw} key value` format: use `{kw} {key.value}=…`"
    value_lo = ins.words[1].lo
    raw_value = ins.line.text[value_lo : ins.args_hi]
    esc = ctx.df.escape
    if key.quoted or esc in key.raw:
        ctx.report(key.span, msg + " (no automatic fix: the key is quoted)")
        return
    sep = ins.span_of(key.hi, value_lo)
    quoted = requote_word(raw_value, esc)
    if quoted is None:
        ctx.report(key.span, msg + " (no automatic fix: the value has an unterminated quote)")
        return
    edits: tuple[Edit, ...]
    if not has_unquoted_space(raw_value, esc):
        edits = (Edit(sep, "="),)
    else:
        value_span = ins.span_of(value_lo, ins.args_hi)
        if quoted == f'"{raw_value}"':
            # only wrapping needed: keep the value as written, continuation lines included
            edits = (Edit(sep, '="'), Edit(Span(value_span.end, value_span.end), '"'))
        else:
            edits = (Edit(Span(sep.start, value_span.end), "=" + quoted),)
    ctx.report(key.span, msg,
               fix=Fix(f"Use `{key.value}=…`", edits, Applicability.SAFE))
