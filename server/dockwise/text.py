"""Offsets <-> positions.

All models keep character offsets into the document text (a Python ``str``). A
``LineIndex`` converts them to 0-based (line, column) pairs. Line breaks are the ones
LSP recognises: ``\\n``, ``\\r\\n`` and ``\\r``. Columns count Unicode code points for the
CLI; :meth:`LineIndex.utf16_col` / :meth:`LineIndex.offset_from_utf16` convert for
clients that negotiated UTF-16 (the LSP default) — the only place that conversion lives.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import FrozenInstanceError

_BREAK = re.compile(r"\r\n|\r|\n")


class Span:
    """A half-open range of character offsets ``[start, end)``; immutable, hashable,
    equal by value.

    What ``@dataclass(frozen=True, slots=True)`` would generate, written out: every run
    imports this class, and generating those methods costs ~0.5 ms of start-up.
    """

    __slots__ = ("end", "start")
    __match_args__ = ("start", "end")

    start: int
    end: int

    def __init__(self, start: int, end: int) -> None:
        if start > end:
            raise ValueError(f"span start {start} after end {end}")
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __reduce__(self) -> tuple[type[Span], tuple[int, int]]:
        return Span, (self.start, self.end)

    def __eq__(self, other: object) -> bool:
        if type(other) is Span:
            return self.start == other.start and self.end == other.end
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.start, self.end))

    def __repr__(self) -> str:
        return f"Span(start={self.start!r}, end={self.end!r})"

    def contains(self, offset: int) -> bool:
        return self.start <= offset < self.end or self.start == offset == self.end


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


class LineIndex:
    """Line starts of a text, for offset/position conversion."""

    __slots__ = ("_astral", "_starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._astral: list[int] | None = None  # offsets of characters outside the BMP
        starts = [0]
        if "\r" in text:
            starts.extend(m.end() for m in _BREAK.finditer(text))
        else:
            find = text.find
            i = find("\n")
            while i >= 0:
                starts.append(i + 1)
                i = find("\n", i + 1)
        self._starts = starts

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def line_start(self, line: int) -> int:
        return self._starts[min(max(line, 0), len(self._starts) - 1)]

    def line_end(self, line: int) -> int:
        """Offset of the end of ``line``, excluding its line break."""
        if line + 1 < len(self._starts):
            end = self._starts[line + 1]
            if end > 0 and self.text[end - 1] == "\n":
                end -= 1
                if end > 0 and self.text[end - 1] == "\r":
                    end -= 1
            elif end > 0 and self.text[end - 1] == "\r":
                end -= 1
            return end
        return len(self.text)

    def line_text(self, line: int) -> str:
        return self.text[self.line_start(line) : self.line_end(line)]

    def position(self, offset: int) -> tuple[int, int]:
        """0-based (line, code-point column) of an offset."""
        offset = min(max(offset, 0), len(self.text))
        line = bisect.bisect_right(self._starts, offset) - 1
        return line, offset - self._starts[line]

    def offset(self, line: int, col: int) -> int:
        """Offset of a 0-based (line, code-point column); clamped to the line."""
        if line >= len(self._starts):
            return len(self.text)
        if line < 0:
            return 0
        start = self._starts[line]
        return min(start + max(col, 0), self.line_end(line))

    def _astral_offsets(self) -> list[int]:
        """Offsets of the characters that take two UTF-16 units (computed once)."""
        if self._astral is None:
            self._astral = [m.start() for m in _ASTRAL.finditer(self.text)]
        return self._astral

    def utf16_col(self, offset: int) -> tuple[int, int]:
        """0-based (line, UTF-16 column) of an offset (a bisection, not a walk of the line:
        a long line with thousands of findings stays linear)."""
        line, col = self.position(offset)
        astral = self._astral_offsets()
        if astral:
            col += bisect.bisect_left(astral, offset) - bisect.bisect_left(astral, offset - col)
        return line, col

    def offset_from_utf16(self, line: int, col16: int) -> int:
        """Offset of a 0-based (line, UTF-16 column); clamped to the line."""
        if line >= len(self._starts):
            return len(self.text)
        start = self._starts[max(line, 0)]
        end = self.line_end(max(line, 0))
        astral = self._astral_offsets()
        lo = bisect.bisect_left(astral, start)
        if lo == len(astral) or astral[lo] >= end:
            return min(start + max(col16, 0), end)  # no astral character on the line
        units = 0
        i = start
        while i < end and units < col16:
            units += 2 if ord(self.text[i]) > 0xFFFF else 1
            i += 1
        return i
