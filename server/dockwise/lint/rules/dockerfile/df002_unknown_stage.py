"""
## What it does
Checks references to build stages:

- *Error*: `COPY --from=…`, `ADD --from=…` or `RUN --mount=…,from=…` naming a stage that
  is defined **later** in the file, the **current** stage, or a stage index that does
  not exist yet (`--from=3` in a file with two stages, or in stage 1); and a `--from`
  value containing `$`, which BuildKit does not expand.
- *Warning*: `FROM name` where `name` is a stage defined later in the file: a stage can
  only be used after its definition, so an image called `name` is pulled instead.
- *Information*: a `--from` name that is neither a stage nor a named build context but
  is within edit distance 2 of a stage name ("did you mean `builder`?").

Stage names are compared case-insensitively (BuildKit lowercases them) and may contain
`.` (`build.v2`). Any other bare name is an image reference and is not reported.

## Why is this bad?
A stage reference to a later or the current stage fails the build (`circular
dependency` / `stage not found`), or is resolved as an image of the same name from a
registry, which is almost never what was meant. A misspelt stage name in `--from` is
silently pulled as an image (and usually fails with a confusing "pull access denied").

## Example
```dockerfile
FROM python:3.13-slim AS app
COPY --from=builder /venv /venv   # `builder` is defined below

FROM python:3.13 AS builder
RUN python -m venv /venv
```

## Fix safety
No automatic fix: whether to move the stage, rename the reference or really use an image
cannot be decided for the user. Decisions where the catalogue is silent:

- `FROM name AS name` (an image and a stage of the same name) is not reported: the
  stage does not exist yet, the image is clearly meant.
- References that are clearly image references (they contain `/`, `:` or `@`) never get
  a "did you mean"; names of one or two characters only match at distance 1.
- Named contexts come from Compose `build.additional_contexts` when the Dockerfile is
  linted as part of a Compose project; the rule option `named-contexts` (a list) adds
  more (e.g. for Bake).
- `ONBUILD COPY --from=…` is not checked: it refers to stages of the downstream build.
- ≈ hadolint DL3022 (`COPY --from` should reference a previously defined `FROM` alias)
  is a relative, not an exact equivalent: it also reports images.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from dockwise.dockerfile.analysis import Stage, mount_options
from dockwise.dockerfile.model import Flag, Instruction
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.registry import rule
from dockwise.lint.types import Severity
from dockwise.text import Span

_SELF = ("DL3023",)
_MOUNT_FROM = re.compile(r"(?:^|,)\s*from\s*=\s*([^,]*)", re.I)


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Levenshtein distance, capped at ``limit`` (returns ``limit`` when it is larger)."""
    if a == b:
        return 0
    if abs(len(a) - len(b)) >= limit:
        return limit
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        best = i
        for j, cb in enumerate(b, 1):
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            cur.append(v)
            best = min(best, v)
        if best >= limit:
            return limit
        prev = cur
    return min(prev[-1], limit)


def closest(name: str, candidates: Iterable[str], max_distance: int = 2) -> str | None:
    """The candidate nearest to ``name`` within ``max_distance`` (ties: first seen)."""
    best: tuple[int, str] | None = None
    for c in candidates:
        if c == name:
            continue
        d = edit_distance(name, c, max_distance + 1)
        if d <= max_distance and (best is None or d < best[0]):
            best = (d, c)
    return best[1] if best else None


def _named_contexts(ctx: DockerfileContext) -> set[str]:
    names: set[str] = set()
    for n in ctx.named_contexts:
        names.add(str(n).lower())
    opt = ctx.option("named-contexts", [])
    if isinstance(opt, list):
        names.update(str(n).lower() for n in opt)
    return names


def _refs(ctx: DockerfileContext, ins: Instruction) -> list[tuple[str, Span]]:
    """(value, source span of the value) of every stage reference of an instruction."""
    out: list[tuple[str, Span]] = []
    if ins.keyword in ("COPY", "ADD"):
        for f in ins.flags_named("from"):
            if f.value:
                out.append((f.value, f.value_span or f.span))
    elif ins.keyword == "RUN":
        for f in ins.flags_named("mount"):
            v = mount_options(f.value or "").get("from")
            if v:
                out.append((v, _mount_from_span(ctx, f, v)))
    return out


def _mount_from_span(ctx: DockerfileContext, f: Flag, value: str) -> Span:
    sp = f.value_span or f.span
    raw = ctx.text[sp.start : sp.end]
    m = _MOUNT_FROM.search(raw)
    if m and m.group(1).strip().strip("'\"") == value:
        return Span(sp.start + m.start(1), sp.start + m.end(1))
    return f.span


@rule(code="DF002", name="unknown-stage", severity=Severity.ERROR, equivalents=_SELF)
def check(ctx: DockerfileContext) -> None:
    stages: list[Stage] = ctx.analysis.stages
    names = [st.name for st in stages if st.name]
    contexts = _named_contexts(ctx)
    for st in stages:
        _check_from(ctx, st, stages)
        for ins in st.instructions:
            for value, span in _refs(ctx, ins):
                _check_ref(ctx, st, stages, names, contexts, value, span)


def _check_from(ctx: DockerfileContext, st: Stage, stages: list[Stage]) -> None:
    base = st.base
    if base is None or st.parent is not None:
        return
    if base.has_vars and base.unresolved_vars:
        return
    key = base.expanded.lower()
    if st.name == key:
        return  # `FROM node AS node`: the image is meant
    later = next((s for s in ctx.analysis.stages_named(key) if s.index > st.index), None)
    if later is None:
        return
    line = ctx.df.index.position(later.from_.span.start)[0] + 1
    ctx.report(
        base.span,
        f"`{base.expanded}` is a stage defined later (line {line}): a stage can only be used "
        f"after its definition, so an image named `{base.expanded}` is pulled instead",
        severity=Severity.WARNING,
        equivalents=(),
    )


def _check_ref(
    ctx: DockerfileContext,
    st: Stage,
    stages: list[Stage],
    names: list[str],
    contexts: set[str],
    value: str,
    span: Span,
) -> None:
    if "$" in value:
        ctx.report(span, f"`{value}`: BuildKit does not expand variables in `--from`; "
                   "name the stage or image literally", equivalents=())
        return
    if value.isdigit():
        i = int(value)
        if i >= len(stages):
            ctx.report(span, f"stage index {i} does not exist (the file has {len(stages)} "
                       f"stage{'s' if len(stages) != 1 else ''}, numbered from 0)",
                       equivalents=())
        elif i == st.index:
            ctx.report(span, f"stage {i} is the current stage: a stage cannot copy from itself",
                       equivalents=_SELF)
        elif i > st.index:
            ctx.report(span, f"stage {i} is defined later: stages can only use earlier stages",
                       equivalents=())
        return
    key = value.lower()
    if key in contexts:
        return
    earlier = any(s.name == key for s in stages[: st.index])
    if earlier:
        return
    if st.name == key:
        ctx.report(span, f"`{value}` is the current stage: a stage cannot copy from itself",
                   equivalents=_SELF)
        return
    later = next((s for s in ctx.analysis.stages_named(key) if s.index > st.index), None)
    if later is not None:
        line = ctx.df.index.position(later.from_.span.start)[0] + 1
        ctx.report(span, f"stage `{value}` is defined later (line {line}): stages can only "
                   "use earlier stages; move it above this one", equivalents=())
        return
    if any(c in value for c in "/:@"):
        return  # an explicit image reference
    max_d = 2 if len(key) > 2 else 1
    guess = closest(key, [n for n in names if n], max_d)
    if guess is not None:
        ctx.report(span, f"`{value}` is not a stage, so it is pulled as an image "
                   f"(did you mean `{guess}`?)", severity=Severity.INFORMATION, equivalents=())
