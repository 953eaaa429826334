"""Apply fixes: never overlapping edits in one pass; loop to a (bounded) fixpoint."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from dockwise.lint.types import Applicability, Edit, Fix, Violation

MAX_PASSES = 10


def newline_of(text: str) -> str:
    """The dominant line ending of a text (LF when there is none)."""
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    cr = text.count("\r") - crlf
    if crlf > lf and crlf >= cr:
        return "\r\n"
    if cr > lf and cr > crlf:
        return "\r"
    return "\n"


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply same-file edits (they must not overlap)."""
    nl = newline_of(text)
    out = text
    for e in sorted(edits, key=lambda e: (e.span.start, e.span.end), reverse=True):
        # a fix may carry text copied from the document, line endings included
        new = e.new_text.replace("\r\n", "\n").replace("\n", nl) if nl != "\n" else e.new_text
        out = out[: e.span.start] + new + out[e.span.end :]
    return out


def applicable(fix: Fix | None, unsafe: bool) -> bool:
    if fix is None or not fix.edits:
        return False
    if fix.applicability is Applicability.SAFE:
        return True
    return unsafe and fix.applicability is Applicability.UNSAFE


def select_non_overlapping(fixes: Iterable[Fix]) -> list[Fix]:
    """Greedy choice, in source order, of fixes whose same-file edits do not touch and
    that create no file another chosen fix creates with other content."""
    chosen: list[Fix] = []
    taken: list[tuple[int, int]] = []
    creates: dict[str, str] = {}

    def key(f: Fix) -> int:
        own = [e.span.start for e in f.edits if e.path is None]
        return min(own) if own else -1

    for f in sorted(fixes, key=key):
        spans = [(e.span.start, e.span.end) for e in f.edits if e.path is None]
        if any(not (e2 < s1 or e1 < s2) for s1, e1 in spans for s2, e2 in taken):
            continue
        new = {e.path: e.new_text for e in f.edits if e.path is not None}
        if any(creates.get(p, text) != text for p, text in new.items()):
            continue
        chosen.append(f)
        taken.extend(spans)
        creates.update(new)
    return chosen


@dataclass(eq=False)
class FixResult:
    """The text after fixing to a fixpoint, with what was applied and what remains."""

    text: str
    applied: int = 0
    created: dict[str, str] = field(default_factory=dict)  # path -> content of new files
    remaining: list[Violation] = field(default_factory=list)
    converged: bool = True


def fix_to_fixpoint(
    text: str,
    lint: Callable[[str], list[Violation]],
    *,
    unsafe: bool = False,
    can_create: Callable[[str], bool] = lambda p: True,
    max_passes: int = MAX_PASSES,
) -> FixResult:
    """Lint, apply non-overlapping fixes, re-lint, until nothing applicable is left."""
    result = FixResult(text)
    violations = lint(text)
    for _ in range(max_passes):
        fixes = []
        for v in violations:
            if not applicable(v.fix, unsafe):
                continue
            assert v.fix is not None
            others = [e for e in v.fix.edits if e.path is not None]
            # a file already created may be created again only with the same content, and
            # only by a fix that also edits this file (else it is settled: `_settled`)
            if _settled(v, result.created) or any(
                    result.created.get(e.path, e.new_text) != e.new_text or not can_create(e.path)
                    for e in others if e.path):
                continue
            fixes.append(v.fix)
        chosen = select_non_overlapping(fixes)
        if not chosen:
            break
        own = [e for f in chosen for e in f.edits if e.path is None]
        for f in chosen:
            for e in f.edits:
                if e.path is not None:
                    result.created[e.path] = e.new_text
        new_text = apply_edits(result.text, own)
        result.applied += len(chosen)
        if new_text == result.text and not any(e.path for f in chosen for e in f.edits):
            break
        result.text = new_text
        violations = lint(result.text)
    else:
        result.converged = False
    # a finding whose whole fix is creating a file that was just created with the same
    # content (DF109's `.dockerignore`) is settled by it: the in-memory re-lint cannot see it
    result.remaining = [v for v in violations if not _settled(v, result.created)]
    return result


def _settled(v: Violation, created: dict[str, str]) -> bool:
    edits = v.fix.edits if v.fix is not None else ()
    return bool(edits) and all(e.path is not None and created.get(e.path) == e.new_text
                               for e in edits)
