"""Core value types of the rule engine."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import NamedTuple

from dockwise.text import Span


class Severity(enum.IntEnum):
    """Finding severity; higher is more severe."""

    INFORMATION = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        t = text.strip().lower()
        aliases = {"info": "information", "i": "information", "w": "warning", "e": "error",
                   "warn": "warning", "hint": "information", "style": "information"}
        t = aliases.get(t, t)
        for s in cls:
            if s.label == t:
                return s
        raise ValueError(f"unknown severity {text!r} (use error, warning or information)")


class Applicability(enum.Enum):
    """How a fix may be applied (ruff's model)."""

    SAFE = "safe"  # applied by --fix
    UNSAFE = "unsafe"  # applied by --fix --unsafe-fixes; offered as a code action
    DISPLAY = "display"  # a suggestion, never applied


class FixAvailability(enum.Enum):
    NONE = "none"
    DISPLAY = "display"  # a suggested snippet only, never applied
    SOMETIMES = "sometimes"
    ALWAYS = "always"


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``span`` of a file with ``new_text``.

    ``path`` is None for the file being linted; otherwise a path (relative to the
    linted file's directory or absolute). An edit of ``Span(0, 0)`` on a path that does
    not exist creates that file.
    """

    span: Span
    new_text: str
    path: str | None = None


@dataclass(frozen=True, slots=True)
class Fix:
    """A titled set of edits and how safely they may be applied."""

    title: str
    edits: tuple[Edit, ...]
    applicability: Applicability


class RuleMeta(NamedTuple):
    """A rule's identity, default severity and documentation."""

    code: str
    name: str
    severity: Severity  # the default severity of the rule's main case
    summary: str
    doc: str  # markdown: What it does / Why is this bad? / Example / Fix safety
    fix: FixAvailability
    language: str  # "dockerfile" | "compose"
    enabled_by_default: bool = True
    equivalents: tuple[str, ...] = ()  # exact hadolint / BuildKit equivalents
    module: str = ""


@dataclass(slots=True)
class Violation:
    """One finding of a rule at a range of the file."""

    code: str
    name: str
    severity: Severity
    message: str
    span: Span
    fix: Fix | None = None
    # exact equivalents for this finding's sub-case (hadolint ids, BuildKit names)
    equivalents: tuple[str, ...] = ()
    path: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    def sort_key(self) -> tuple[int, int, str]:
        return (self.span.start, self.span.end, self.code)
