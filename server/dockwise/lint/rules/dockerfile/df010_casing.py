"""
## What it does
Three casing checks, each with its own BuildKit equivalent:

* **ConsistentInstructionCasing** — instructions written in different cases in one file
  (`FROM` … `run` …), or in mixed case (`Run`). The majority casing of the file wins
  (upper case on a tie); the other instructions are reported.
* **FromAsCasing** — the `AS` of `FROM image AS name` in a different case than `FROM`
  (`FROM python:3.13 as build`).
* **StageNameCasing** — a stage name with upper-case letters (`AS Builder`): BuildKit
  lowercases stage names, so the name in the file is not the name of the stage.

## Why is this bad?
Instructions are case-insensitive, but a consistent file is easier to read and grep;
BuildKit reports the same three checks. Stage names are matched case-insensitively, so an
upper-case name suggests a distinction that does not exist (`Builder` and `builder` are the
same stage).

## Example
```dockerfile
FROM golang:1.23 as Builder
run go build -o /app .
FROM scratch
COPY --from=Builder /app /app
```
Use instead:
```dockerfile
FROM golang:1.23 AS builder
RUN go build -o /app .
FROM scratch
COPY --from=builder /app /app
```

## Fix safety
Safe: only letter case changes, and BuildKit reads instructions, `AS` and stage names
case-insensitively. Renaming a stage also rewrites every reference to it in this file
(`FROM name`, `COPY/ADD --from=name`, `RUN --mount=…,from=name`) so the file stays
consistent; references inside `ONBUILD` (resolved in a downstream build) are left alone.
Decisions: instructions inside `ONBUILD` count as instructions; a `FROM` in mixed case
gets no `AS` finding until its own casing is fixed; a quoted reference (`--from="Builder"`)
is renamed inside its quotes, while one written with escape characters makes the rename
fix unavailable, and the message says so.
A Compose `build.target` naming the stage in upper case keeps working (BuildKit
lowercases the target too).
"""

from __future__ import annotations

from dockwise.dockerfile.analysis import Analysis, Stage, mount_options
from dockwise.dockerfile.model import KNOWN_INSTRUCTIONS, Instruction
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import file_fact, stage_local
from dockwise.lint.registry import rule
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity
from dockwise.text import Span

CONSISTENT = ("ConsistentInstructionCasing",)
FROM_AS = ("FromAsCasing",)
STAGE_NAME = ("StageNameCasing",)


def _all_instructions(instructions: list[Instruction]) -> list[Instruction]:
    out: list[Instruction] = []
    for ins in instructions:
        if ins.keyword in KNOWN_INSTRUCTIONS:
            out.append(ins)
        if ins.sub is not None and ins.sub.keyword in KNOWN_INSTRUCTIONS:
            out.append(ins.sub)
    return out


def majority_lower(an: Analysis) -> bool:
    """Whether most instructions of the whole file are written in lower case."""
    items = _all_instructions(an.dockerfile.instructions)
    upper = sum(1 for i in items if i.raw_keyword.isupper())
    lower = sum(1 for i in items if i.raw_keyword.islower())
    return lower > upper


@rule(code="DF010", name="casing", severity=Severity.INFORMATION, fix=FixAvailability.SOMETIMES,
      equivalents=("FromAsCasing", "ConsistentInstructionCasing", "StageNameCasing"))
@stage_local
@file_fact(majority_lower)
def check(ctx: DockerfileContext) -> None:
    _instruction_casing(ctx)
    _from_as_casing(ctx)
    for st in ctx.stages:
        _stage_name(ctx, st)


def _instruction_casing(ctx: DockerfileContext) -> None:
    items = _all_instructions(ctx.df.instructions)
    lower_case = majority_lower(ctx.analysis)
    want = "lower" if lower_case else "upper"
    for ins in items:
        raw = ins.raw_keyword
        if (raw.islower() if lower_case else raw.isupper()):
            continue
        new = raw.lower() if lower_case else raw.upper()
        ctx.report(
            ins.keyword_span,
            f"`{raw}` should be {want} case like the majority of instructions in this file",
            fix=Fix(f"Change to `{new}`", (Edit(ins.keyword_span, new),), Applicability.SAFE),
            equivalents=CONSISTENT,
        )


def _from_as_casing(ctx: DockerfileContext) -> None:
    for ins in ctx.df.instructions:
        if ins.keyword != "FROM" or len(ins.words) != 3:
            continue
        as_word = ins.words[1]
        if as_word.value.lower() != "as" or as_word.raw != as_word.value:
            continue
        kw = ins.raw_keyword
        if kw.isupper() and not as_word.raw.isupper():
            new = "AS"
        elif kw.islower() and not as_word.raw.islower():
            new = "as"
        else:
            continue
        ctx.report(
            as_word.span,
            f"`{as_word.raw}` and `{kw}` should have the same casing: write `{new}`",
            fix=Fix(f"Change to `{new}`", (Edit(as_word.span, new),), Applicability.SAFE),
            equivalents=FROM_AS,
        )


def _stage_name(ctx: DockerfileContext, st: Stage) -> None:
    raw = st.raw_name
    if raw is None or st.name_span is None or raw == raw.lower():
        return
    new = raw.lower()
    edits: list[Edit] = []
    problem = ""
    if ctx.text[st.name_span.start : st.name_span.end] == raw:
        edits.append(Edit(st.name_span, new))
    else:
        problem = "the stage name is quoted or escaped"
    for ref_span, ref_text in _references(ctx, st):
        if ref_text is None:
            problem = "a reference to it is quoted or escaped"
        elif ref_text != new:
            edits.append(Edit(ref_span, new))
    msg = f"stage name `{raw}` should be lower case (BuildKit reads it as `{new}`)"
    if problem:
        ctx.report(st.name_span, f"{msg}; no automatic fix: {problem}", equivalents=STAGE_NAME)
        return
    nref = len(edits) - 1
    title = f"Rename stage to `{new}`" + (f" and {nref} reference(s)" if nref else "")
    ctx.report(st.name_span, msg, fix=Fix(title, tuple(edits), Applicability.SAFE),
               equivalents=STAGE_NAME)


def _plain(ctx: DockerfileContext, span: Span | None, value: str) -> tuple[Span, str | None]:
    """The span of ``value`` in the source: as is, or inside one pair of quotes."""
    if span is None:
        return Span(0, 0), None
    src = ctx.text[span.start : span.end]
    if src == value:
        return span, value
    if len(src) == len(value) + 2 and src[0] == src[-1] and src[0] in "\"'" and src[1:-1] == value:
        return Span(span.start + 1, span.end - 1), value
    return span, None


def _references(ctx: DockerfileContext, st: Stage) -> list[tuple[Span, str | None]]:
    """Source spans of every reference that resolves to stage ``st`` (None text: the
    reference is not plain in the source)."""
    an = ctx.analysis
    out: list[tuple[Span, str | None]] = []
    for other in an.stages:
        if other.index <= st.index:
            continue
        if other.parent == st.index and other.base is not None and not other.base.has_vars:
            w = other.from_.words[0]
            out.append(_plain(ctx, w.span, w.value))
        for ins in other.instructions:
            if ins.keyword in ("COPY", "ADD"):
                for f in ins.flags_named("from"):
                    if f.value and _resolves(ctx, f.value, other.index, st):
                        out.append(_plain(ctx, f.value_span, f.value))
            elif ins.keyword == "RUN":
                for f in ins.flags_named("mount"):
                    ref = mount_options(f.value or "").get("from")
                    if not ref or not _resolves(ctx, ref, other.index, st):
                        continue
                    out.append(_mount_from_span(ctx, f.value_span, f.value or "", ref))
    return out


def _resolves(ctx: DockerfileContext, ref: str, current: int, st: Stage) -> bool:
    if ref.isdigit():
        return False
    found = ctx.analysis.resolve_stage_ref(ref, current)
    return found is not None and found.index == st.index


def _mount_from_span(
    ctx: DockerfileContext, vspan: Span | None, value: str, ref: str
) -> tuple[Span, str | None]:
    if vspan is None or ctx.text[vspan.start : vspan.end] != value:
        return Span(0, 0), None
    pos = 0
    for part in value.split(","):
        key, sep, v = part.partition("=")
        if sep and key.strip().lower() == "from" and v.strip() == ref:
            start = vspan.start + pos + part.index("=") + 1 + (len(v) - len(v.lstrip()))
            return Span(start, start + len(ref)), ref
        pos += len(part) + 1
    return Span(0, 0), None
