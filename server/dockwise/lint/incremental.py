"""Incremental Dockerfile linting for the editor: a rule marked :func:`stage_local` is
re-run only on the stages that changed since an earlier lint of the same file; its
findings in the other stages come from a cache, moved to their new offsets.

A stage's cache key holds everything a stage-local rule may read:

- the file's *frame*: the text before the first FROM (directives, global ARGs), every FROM
  line, the targets and each stage's cross-stage references, the Compose targets and named
  contexts, the file's path, the settings and the set of rules run;
- the stage's own text and first line (messages may quote line numbers);
- the texts of the other stages of its component: stages linked by FROM or `--from`, in
  either direction, transitively (a stage's findings may depend on what it builds on and
  on what builds on it).

A stage-local rule's findings inside a component depend on nothing else; a component with
a changed stage is checked whole. `tests/unit/test_incremental.py` holds every rule marked
so to that on real files: after each edit, the incremental result equals a cold lint.
"""

from __future__ import annotations

import bisect
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, TypeVar

from dockwise.text import Span

if TYPE_CHECKING:
    from dockwise.config import Settings
    from dockwise.dockerfile.analysis import Analysis
    from dockwise.lint.types import Violation

F = TypeVar("F")

MAX_ENTRIES = 20_000  # stages kept (a 50,000-line file has ~3,600)


def stage_local(check: F) -> F:
    """Mark a rule check whose findings in a stage depend only on that stage, the stages
    is linked to and the file's frame (see the module docstring)."""
    check.stage_local = True  # type: ignore[attr-defined]
    return check


def file_fact(fact: Callable[[Analysis], Hashable]) -> Callable[[F], F]:
    """For a stage-local rule that also reads one fact about the whole file (the majority
    casing, where a template line is): the fact joins the frame, so when it changes every
    stage is checked again."""

    def deco(check: F) -> F:
        check.file_fact = fact  # type: ignore[attr-defined]
        return check

    return deco


def file_facts(checks: Iterable[object], an: Analysis) -> tuple[Hashable, ...]:
    return tuple(f(an) for c in checks if (f := getattr(c, "file_fact", None)) is not None)


def reads_build_context(check: F) -> F:
    """Mark a stage-local rule whose findings also depend on files in the build context
    (manifests, `.dockerignore`, data files): its cached findings are reused for at most
    :data:`DISK_TTL` seconds (and until a watched file changes), then checked again."""
    check.reads_build_context = True  # type: ignore[attr-defined]
    return check


def is_stage_local(check: object) -> bool:
    return bool(getattr(check, "stage_local", False))


def reads_disk(check: object) -> bool:
    return bool(getattr(check, "reads_build_context", False))


DISK_TTL = 5.0


def disk_epoch() -> int:
    """Changes every :data:`DISK_TTL` seconds: part of the key of disk-reading rules."""
    return int(time.monotonic() // DISK_TTL)


class _Interned:
    """A frame value with its hash computed once; equal frames share one object, so keys
    compare by identity."""

    __slots__ = ("_hash", "value")

    def __init__(self, value: tuple[Hashable, ...]) -> None:
        self.value = value
        self._hash = hash(value)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return self is other or (isinstance(other, _Interned) and self._hash == other._hash
                                 and self.value == other.value)


_FRAMES: dict[_Interned, _Interned] = {}


def _intern(value: tuple[Hashable, ...]) -> _Interned:
    f = _Interned(value)
    with _LOCK:
        got = _FRAMES.get(f)
        if got is None:
            if len(_FRAMES) > 256:
                _FRAMES.clear()
            got = _FRAMES[f] = f
    return got


@dataclass(slots=True)
class _Entry:
    start: int  # the stage's offset when its findings were stored
    found: list[Violation]  # findings inside the stage
    prelude: list[Violation]  # findings before the first FROM, due to the stage's component
    settings: Settings  # keeps the object whose id is in the key alive


_CACHE: OrderedDict[tuple[Hashable, ...], _Entry] = OrderedDict()
_LOCK = threading.Lock()


def clear() -> None:
    with _LOCK:
        _CACHE.clear()
        _FRAMES.clear()


class StageLayout:
    """Where the stages of an analysed file are, their texts and their components: what
    every plan of a lint (and of the same text again) shares. Kept on the analysis."""

    def __init__(self, an: Analysis) -> None:
        text = an.dockerfile.text
        stages = an.stages
        self.starts = [st.from_.span.start for st in stages]
        self.ends = [*self.starts[1:], len(text)]
        self.prelude_end = self.starts[0] if stages else len(text)
        self.texts = [text[s:e] for s, e in zip(self.starts, self.ends, strict=True)]
        self.start_lines = [st.from_.start_line for st in stages]
        deps: list[tuple[int, ...]] = []
        for st in stages:
            used = an.sources_used(st)
            if st.parent is not None:
                used.add(st.parent)
            deps.append(tuple(sorted(used)))
        self.frame: tuple[Hashable, ...] = (
            text[: self.prelude_end],
            tuple(text[st.from_.span.start : st.from_.span.end] for st in stages),
            tuple(deps), tuple(sorted(an.targets)),
        )
        # stages linked by FROM or `--from` (either way) form a component
        parent = list(range(len(stages)))

        def root(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for i, linked in enumerate(deps):
            for j in linked:
                parent[root(i)] = root(j)
        groups: dict[int, list[int]] = {}
        for i in range(len(stages)):
            groups.setdefault(root(i), []).append(i)
        self.components = list(groups.values())  # stage indexes, ascending
        # each stage's component's other stages' texts (part of the stage's key)
        self.others = [tuple(self.texts[j] for j in groups[root(i)] if j != i)
                       for i in range(len(stages))]


def layout_of(an: Analysis) -> StageLayout:
    got = an._layout
    if not isinstance(got, StageLayout):
        got = an._layout = StageLayout(an)
    return got


class StagePlan:
    """The stages of one lint: their keys, their components, which components are cached
    (clean) and which must be checked (dirty)."""

    def __init__(self, an: Analysis, settings: Settings, rule_codes: Iterable[str],
                 context: Hashable) -> None:
        lay = layout_of(an)
        self.settings = settings
        self.starts = lay.starts
        self.ends = lay.ends
        self.prelude_end = lay.prelude_end
        self.components = lay.components
        frame = _intern((*lay.frame, context, id(settings), tuple(sorted(rule_codes))))
        self.keys: list[tuple[Hashable, ...]] = [
            (frame, line, t, others)
            for line, t, others in zip(lay.start_lines, lay.texts, lay.others, strict=True)]
        entries: dict[int, _Entry] = {}
        with _LOCK:
            for i, k in enumerate(self.keys):
                e = _CACHE.get(k)
                if e is not None:
                    _CACHE.move_to_end(k)
                    entries[i] = e
        # a component is checked whole (a rule looking at one stage may report in another)
        # and is clean only when every one of its stages is cached
        self.clean = [c for c in self.components if all(i in entries for i in c)]
        self.entries = {i: entries[i] for c in self.clean for i in c}
        self.dirty_components = [c for c in self.components if c[0] not in self.entries]
        self.dirty = sorted(i for c in self.dirty_components for i in c)

    def stage_at(self, offset: int) -> int:
        """Index of the stage an offset falls in (-1: before the first FROM)."""
        return bisect.bisect_right(self.starts, offset) - 1

    def merge(self, found: list[Violation], prelude: dict[int, list[Violation]],
              store: bool) -> list[Violation]:
        """Findings of the stage-local rules: the dirty components' from this run — those
        inside their stages in ``found``, those before the first FROM in ``prelude`` (by
        the first stage of the component) — stored when ``store``; the clean components'
        from the cache."""
        fresh: dict[int, list[Violation]] = {i: [] for i in self.dirty}
        out: list[Violation] = []
        for v in found:
            i = self.stage_at(v.span.start)
            if i in fresh:
                fresh[i].append(v)
                out.append(v)
        for vs in prelude.values():
            out.extend(vs)
        for i, e in self.entries.items():
            delta = self.starts[i] - e.start
            out.extend(_moved(v, delta, e.start) for v in e.found)
            out.extend(_moved(v, 0, 0) for v in e.prelude)
        if store:
            with _LOCK:
                for c in self.dirty_components:
                    pre = prelude.get(c[0], [])
                    if not all(self._movable(v, None) for v in pre) or not all(
                            self._movable(v, i) for i in c for v in fresh[i]):
                        continue  # stays dirty: checked again next time
                    for i in c:
                        _CACHE[self.keys[i]] = _Entry(
                            self.starts[i], [_moved(v, 0, 0) for v in fresh[i]],
                            [_moved(v, 0, 0) for v in pre] if i == c[0] else [],
                            self.settings)
                while len(_CACHE) > MAX_ENTRIES:
                    _CACHE.popitem(last=False)
        return out

    def _movable(self, v: Violation, i: int | None) -> bool:
        """A finding can be reused at its stage's new offset: its fix edits this file only
        inside stage ``i`` or before the first FROM (part of the key)."""
        if v.fix is None:
            return True
        for e in v.fix.edits:
            if e.path is not None or e.span.end <= self.prelude_end:
                continue
            if i is None or not (self.starts[i] <= e.span.start and e.span.end <= self.ends[i]):
                return False
        return True


def _moved(v: Violation, delta: int, start: int) -> Violation:
    """A copy of a finding stored at a stage starting at ``start``, moved by ``delta``
    (edits before ``start`` are in the unchanged prelude and stay)."""
    fix = v.fix
    if fix is not None and delta:
        fix = replace(fix, edits=tuple(
            e if e.path is not None or e.span.start < start
            else replace(e, span=_shift(e.span, delta)) for e in fix.edits))
    extra: dict[str, Any] = dict(v.extra)
    return replace(v, span=_shift(v.span, delta) if delta else v.span, fix=fix, extra=extra)


def _shift(s: Span, delta: int) -> Span:
    return Span(s.start + delta, s.end + delta)
