"""Renderers for `dockwise --check` findings: text, json, sarif, github, checkstyle."""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from dockwise.lint.types import Edit, Violation
from dockwise.text import LineIndex


class Finding:
    """A violation with its file's display path and line index (positions resolved)."""

    __slots__ = ("index", "path", "violation")

    def __init__(self, path: str, violation: Violation, index: LineIndex | None) -> None:
        self.path = path
        self.violation = violation
        self.index = index  # None when the file could not be decoded

    def pos(self, offset: int) -> tuple[int, int]:
        """1-based (line, code-point column)."""
        if self.index is None:
            return 1, 1
        line, col = self.index.position(offset)
        return line + 1, col + 1

    @property
    def start(self) -> tuple[int, int]:
        return self.pos(self.violation.span.start)

    @property
    def end(self) -> tuple[int, int]:
        return self.pos(self.violation.span.end)

    def edit_path(self, e: Edit) -> str:
        if e.path is None:
            return self.path
        if posixpath.isabs(e.path):
            return e.path
        base = posixpath.dirname(self.path.replace("\\", "/"))
        return posixpath.join(base, e.path) if base else e.path

    def edit_range(self, e: Edit) -> tuple[tuple[int, int], tuple[int, int]]:
        if e.path is not None:
            return (1, 1), (1, 1)
        return self.pos(e.span.start), self.pos(e.span.end)

    def sort_key(self) -> tuple[str, int, int, str]:
        line, col = self.start
        return (self.path, line, col, self.violation.code)


Renderer = Callable[[list[Finding]], str]


def renderer(fmt: str) -> Renderer:
    if fmt == "json":
        from dockwise.output.json_out import render
    elif fmt == "sarif":
        from dockwise.output.sarif import render
    elif fmt == "github":
        from dockwise.output.github import render
    elif fmt == "checkstyle":
        from dockwise.output.checkstyle import render
    else:
        from dockwise.output.text import render
    return render


FORMATS = ("text", "json", "sarif", "github", "checkstyle")
