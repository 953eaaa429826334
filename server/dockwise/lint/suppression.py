"""Suppression pragmas, applied as a filter after the rules (hadolint's design).

- ``# dockwise: ignore=DF202,latest-tag`` in the comment block right before an
  instruction: that instruction (continuation lines and heredoc bodies included).
- ``# dockwise: ignore-file=DF301`` anywhere: the whole file.
- ``# hadolint ignore=DL3006`` (next instruction), ``# hadolint global ignore=…``
  (file), ``# hadolint stage ignore=…`` (the rest of the stage it appears in), and
  `.hadolint.yaml` ``ignored:`` suppress the findings whose *sub-case* has that exact
  hadolint equivalent.
- BuildKit's ``# check=skip=Name,…|all`` directive suppresses findings whose sub-case
  has that exact BuildKit check as equivalent.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from dockwise.dockerfile.model import Comment, Dockerfile
from dockwise.text import LineIndex, Span

_DW = re.compile(r"^dockwise\s*:\s*(ignore|ignore-file)\s*=\s*(.*)$", re.I)
# hadolint's rule codes (2.12-2.14; DL3005, DL3017, DL3031 and DL3039 were retired but may
# still stand in old pragmas), and ShellCheck's, which hadolint pragmas may name too
HADOLINT_CODES = frozenset(
    ["DL1000", "DL1001", "DL4000", "DL4001", "DL4003", "DL4004", "DL4005", "DL4006"]
    + [f"DL{n}" for n in range(3000, 3068)])
SHELLCHECK_CODE = re.compile(r"SC\d{4}")
_HL = re.compile(r"^hadolint\s+(?:(global|stage)\s+)?ignore\s*=\s*(.*)$", re.I)


class Pragma(NamedTuple):
    """One ignore comment and the rule ids it names."""

    kind: str  # "dockwise" | "hadolint"
    scope: str  # "next" | "file" | "stage"
    ids: list[tuple[str, Span]]  # each id with its range in the comment
    comment: Comment


@dataclass(slots=True, eq=False)
class Suppressions:
    """A Dockerfile's ignore pragmas, `# check=skip=` names and configured ignores."""

    pragmas: list[Pragma] = field(default_factory=list)
    buildkit_skip: set[str] = field(default_factory=set)  # lower-cased names, or "all"
    hadolint_config: set[str] = field(default_factory=set)


def _ids(text: str, base: int) -> list[tuple[str, Span]]:
    out: list[tuple[str, Span]] = []
    for m in re.finditer(r"[^,\s]+", text):
        out.append((m.group(0), Span(base + m.start(), base + m.end())))
    return out


def parse_pragmas(df: Dockerfile, hadolint_ignored: Iterable[str] = ()) -> Suppressions:
    sup = Suppressions(hadolint_config={x.upper() for x in hadolint_ignored})
    for c in df.comments:
        raw = df.text[c.span.start : c.span.end]
        body_off = c.span.start + 1 + (len(raw) - 1 - len(raw[1:].lstrip()))
        body = raw[1:].strip()
        m = _DW.match(body)
        if m:
            vstart = body_off + m.start(2)
            scope = "file" if m.group(1).lower() == "ignore-file" else "next"
            sup.pragmas.append(Pragma("dockwise", scope, _ids(m.group(2), vstart), c))
            continue
        m = _HL.match(body)
        if m:
            vstart = body_off + m.start(2)
            scope = {"global": "file", "stage": "stage"}.get((m.group(1) or "").lower(), "next")
            sup.pragmas.append(Pragma("hadolint", scope, _ids(m.group(2), vstart), c))
    d = df.directive("check")
    if d is not None:
        for part in d.value.split(";"):
            k, _, v = part.partition("=")
            if k.strip().lower() == "skip":
                sup.buildkit_skip |= {x.strip().lower() for x in v.split(",") if x.strip()}
    return sup


class Filter:
    """Decides, per finding, whether a pragma suppresses it."""

    def __init__(self, df: Dockerfile, sup: Suppressions, stage_starts: list[int]) -> None:
        self.df = df
        self.sup = sup
        instrs = df.instructions
        self._starts = [i.span.start for i in instrs]
        comment_lines = {c.line: c for c in df.comments if not c.in_continuation}
        # pragmas that apply to the next instruction: map instruction index -> pragmas
        by_line: dict[int, list[Pragma]] = {}
        for p in sup.pragmas:
            if p.scope == "next":
                by_line.setdefault(p.comment.line, []).append(p)
        self._next: dict[int, list[Pragma]] = {}
        for idx, ins in enumerate(instrs):
            line = ins.start_line - 1
            while line in comment_lines:
                for p in by_line.get(line, []):
                    self._next.setdefault(idx, []).append(p)
                line -= 1
        self._stage_starts = stage_starts  # source offsets where stages start
        self._stage_pragmas: list[tuple[int, int, Pragma]] = []
        for p in sup.pragmas:
            if p.scope == "stage":
                k = bisect.bisect_right(stage_starts, p.comment.span.start) - 1
                end = stage_starts[k + 1] if k + 1 < len(stage_starts) else len(df.text) + 1
                # a pragma right before a FROM belongs to that stage
                nxt = bisect.bisect_right(self._starts, p.comment.span.start)
                if nxt < len(instrs) and instrs[nxt].keyword == "FROM":
                    k2 = stage_starts.index(instrs[nxt].span.start) if instrs[nxt].span.start in stage_starts else k
                    start = stage_starts[k2]
                    end = stage_starts[k2 + 1] if k2 + 1 < len(stage_starts) else len(df.text) + 1
                else:
                    start = stage_starts[k] if k >= 0 else 0
                self._stage_pragmas.append((start, end, p))
        self.used: set[int] = set()

    @staticmethod
    def _matches(p: Pragma, code: str, name: str, equivalents: tuple[str, ...]) -> bool:
        for ident, _ in p.ids:
            if p.kind == "dockwise":
                if ident.upper() == code or ident.lower() == name or ident.lower() == "all":
                    return True
            elif ident.upper() in {e.upper() for e in equivalents}:
                return True
        return False

    def suppressed(self, code: str, name: str, equivalents: tuple[str, ...], span: Span) -> bool:
        eq_upper = {e.upper() for e in equivalents}
        if eq_upper & self.sup.hadolint_config:
            return True
        bk = {e.lower() for e in equivalents if not e.upper().startswith("DL")}
        if bk and ("all" in self.sup.buildkit_skip or bk & self.sup.buildkit_skip):
            return True
        for p in self.sup.pragmas:
            if p.scope == "file" and self._matches(p, code, name, equivalents):
                return True
        for start, end, p in self._stage_pragmas:
            if start <= span.start < end and self._matches(p, code, name, equivalents):
                return True
        idx = bisect.bisect_right(self._starts, span.start) - 1
        if idx >= 0:
            ins = self.df.instructions[idx]
            if span.start <= ins.span.end:
                for p in self._next.get(idx, []):
                    if self._matches(p, code, name, equivalents):
                        return True
        return False


# ---------------------------------------------------------------------------------------
# Compose (YAML) files: `# dockwise: ignore=…` on the line before a key, `ignore-file=`.

_YAML_COMMENT = re.compile(r"^[ \t]*#[ \t]*(.*?)[ \t]*$")


class YamlPragma(NamedTuple):
    """One ignore comment of a Compose file."""

    scope: str  # "next" | "file"
    ids: list[tuple[str, Span]]
    line: int
    kind: str = "dockwise"


def parse_yaml_pragmas(text: str, index: LineIndex) -> list[YamlPragma]:
    out: list[YamlPragma] = []
    if "dockwise" not in text:
        return out
    for line in range(index.line_count):
        s = index.line_text(line)
        if "dockwise" not in s:
            continue
        m = _YAML_COMMENT.match(s)
        if not m:
            continue
        body = m.group(1)
        dm = _DW.match(body)
        if not dm:
            continue
        base = index.line_start(line) + m.start(1) + dm.start(2)
        scope = "file" if dm.group(1).lower() == "ignore-file" else "next"
        out.append(YamlPragma(scope, _ids(dm.group(2), base), line))
    return out


class YamlFilter:
    """Suppress findings by YAML pragmas. ``ranges_for_line(line)`` gives the source ranges
    a `next` pragma covers: the key on the following line with its value (and, when the
    value is an alias, the anchored node it stands for)."""

    def __init__(
        self,
        pragmas: list[YamlPragma],
        index: LineIndex,
        ranges_for_line: Callable[[int], list[Span]],
    ) -> None:
        self.pragmas = pragmas
        self._ranges: list[tuple[Span, YamlPragma]] = []
        text = index.text
        for p in pragmas:
            if p.scope != "next":
                continue
            line = p.line + 1
            while line < index.line_count:
                s = index.line_text(line).strip()
                if s and not s.startswith("#"):
                    break
                line += 1
            for sp in ranges_for_line(line):
                self._ranges.append((sp, p))
            if not ranges_for_line(line) and line < index.line_count:
                self._ranges.append((Span(index.line_start(line), index.line_end(line)), p))
        del text

    @staticmethod
    def _matches(p: YamlPragma, code: str, name: str) -> bool:
        return any(i.upper() == code or i.lower() == name or i.lower() == "all" for i, _ in p.ids)

    def suppressed(self, code: str, name: str, span: Span) -> bool:
        for p in self.pragmas:
            if p.scope == "file" and self._matches(p, code, name):
                return True
        for sp, p in self._ranges:
            if sp.start <= span.start <= sp.end and self._matches(p, code, name):
                return True
        return False
