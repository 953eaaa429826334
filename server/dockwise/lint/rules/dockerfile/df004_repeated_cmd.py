"""
## What it does
Reports a `CMD`, `ENTRYPOINT` or `HEALTHCHECK` that is followed by another instruction
of the same kind in the same stage. Only the last one of each kind takes effect.

## Why is this bad?
The earlier instructions are dead code: a reader may believe the container runs (or is
checked by) something it is not. Often the leftover is a debugging line or the result of
a merge.

## Example
```dockerfile
FROM python:3.13-slim
CMD ["python", "-m", "http.server"]
COPY app.py /app/
CMD ["python", "/app/app.py"]
```

## Fix safety
Unsafe: the fix deletes the earlier instruction (its whole lines, continuation lines and
comments inside the continuation included). The built image is the same, but the
author may have meant the earlier instruction to be the effective one, so review it.

Decisions: instructions in different stages never conflict (a stage may override its
base's `CMD`); `ONBUILD CMD …` is not counted (it belongs to the downstream build);
`HEALTHCHECK NONE` counts as a `HEALTHCHECK`. Each finding carries only its own
sub-case's equivalents: `CMD` DL4003, `ENTRYPOINT` DL4004, `HEALTHCHECK` DL3012 (plus
BuildKit's MultipleInstructionsDisallowed for all three).
"""

from __future__ import annotations

from dockwise.dockerfile.model import Instruction
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity
from dockwise.text import Span

_KINDS = {
    "CMD": ("DL4003", "MultipleInstructionsDisallowed"),
    "ENTRYPOINT": ("DL4004", "MultipleInstructionsDisallowed"),
    "HEALTHCHECK": ("DL3012", "MultipleInstructionsDisallowed"),
}


def whole_lines(ctx: DockerfileContext, ins: Instruction) -> Span:
    """The physical lines of an instruction, with the line break after the last one."""
    idx = ctx.df.index
    start = idx.line_start(ins.start_line)
    if ins.end_line + 1 < idx.line_count:
        end = idx.line_start(ins.end_line + 1)
    else:
        end = len(ctx.text)
    return Span(start, max(start, end))


@rule(code="DF004", name="repeated-cmd", severity=Severity.WARNING,
      fix=FixAvailability.ALWAYS,
      equivalents=("DL4003", "DL4004", "DL3012", "MultipleInstructionsDisallowed"))
@stage_local
def check(ctx: DockerfileContext) -> None:
    for st in ctx.stages:
        by_kind: dict[str, list[Instruction]] = {}
        for ins in st.instructions:
            if ins.keyword in _KINDS:
                by_kind.setdefault(ins.keyword, []).append(ins)
        for kw, found in by_kind.items():
            if len(found) < 2:
                continue
            last = found[-1]
            last_line = last.start_line + 1
            where = f"stage `{st.label}`" if st.name else "this stage"
            for ins in found[:-1]:
                ctx.report(
                    ins.span,
                    f"more than one {kw} in {where}: only the last one (line {last_line}) "
                    "takes effect",
                    fix=Fix(f"Delete this {kw}", (Edit(whole_lines(ctx, ins), ""),),
                            Applicability.UNSAFE),
                    equivalents=_KINDS[kw],
                )
