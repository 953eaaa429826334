r"""
## What it does
Reports empty (or whitespace-only) lines inside an instruction continued with `\` (or the
`# escape=` character), before the instruction's last line.

## Why is this bad?
BuildKit skips such lines today but warns that they will become an error
(NoEmptyContinuation). They also hide where an instruction really ends: a blank line
looks like the end of the `RUN`, yet the next lines still belong to it.

## Example
```dockerfile
RUN apt-get update && \

    apt-get install -y curl
```
Use instead:
```dockerfile
RUN apt-get update && \
    apt-get install -y curl
```

## Fix safety
Safe: the empty lines are deleted; the instruction BuildKit reads is unchanged. One finding
per run of consecutive empty lines. Decision: empty lines after the last continuation at
the very end of the file belong to no later line and are not reported; blank lines inside
heredoc bodies are content, not continuation lines.
"""

from __future__ import annotations

from dockwise.dockerfile.model import Instruction
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity
from dockwise.text import Span


@rule(code="DF015", name="empty-continuation", severity=Severity.WARNING,
      fix=FixAvailability.ALWAYS, equivalents=("NoEmptyContinuation",))
@stage_local
def check(ctx: DockerfileContext) -> None:
    index = ctx.df.index
    for ins in ctx.df.instructions:
        if not ins.empty_continuation_lines:
            continue
        lines = sorted({index.position(s.start)[0] for s in ins.empty_continuation_lines})
        last = _last_logical_line(ctx, ins)
        lines = [ln for ln in lines if ln < last]
        for run in _runs(lines):
            first, end = run[0], run[-1]
            span = Span(index.line_start(first), index.line_end(end))
            delete = Span(index.line_start(first), index.line_start(end + 1))
            n = len(run)
            what = "an empty line" if n == 1 else f"{n} empty lines"
            ctx.report(
                span,
                f"{what} inside a continued `{ins.raw_keyword}` instruction (BuildKit will "
                "make this an error)",
                fix=Fix("Delete the empty line" + ("s" if n > 1 else ""), (Edit(delete, ""),),
                        Applicability.SAFE),
            )


def _last_logical_line(ctx: DockerfileContext, ins: Instruction) -> int:
    """Last physical line holding text of the instruction's logical line."""
    text = ins.line.text
    if not text:
        return ins.start_line
    return ctx.df.index.position(ins.line.src(len(text) - 1))[0]


def _runs(lines: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for ln in lines:
        if runs and runs[-1][-1] == ln - 1:
            runs[-1].append(ln)
        else:
            runs.append([ln])
    return runs
