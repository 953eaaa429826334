from __future__ import annotations

from dockwise.lint.fixes import apply_edits, fix_to_fixpoint, newline_of, select_non_overlapping
from dockwise.lint.types import Applicability, Edit, Fix, Severity, Violation
from dockwise.text import Span

SAFE, UNSAFE, DISPLAY = Applicability.SAFE, Applicability.UNSAFE, Applicability.DISPLAY


def fix(start: int, end: int, text: str, app: Applicability = SAFE, path: str | None = None) -> Fix:
    return Fix("t", (Edit(Span(start, end), text, path),), app)


def test_apply_edits_keeps_crlf() -> None:
    text = "a\r\nb\r\n"
    assert newline_of(text) == "\r\n"
    assert apply_edits(text, [Edit(Span(3, 3), "x\n")]) == "a\r\nx\r\nb\r\n"


def test_overlapping_fixes_never_in_one_pass() -> None:
    fixes = [fix(0, 5, "A"), fix(3, 8, "B"), fix(8, 9, "C"), fix(5, 5, "D")]
    chosen = select_non_overlapping(fixes)
    spans = [(f.edits[0].span.start, f.edits[0].span.end) for f in chosen]
    assert spans == [(0, 5), (8, 9)]


def test_fixpoint_loops_and_respects_applicability() -> None:
    # a toy rule: every "x" is a finding; safe fix turns it into "y"; "z" has an unsafe fix
    def lint(t: str) -> list[Violation]:
        out = []
        for i, c in enumerate(t):
            if c == "x":
                out.append(Violation("DF000", "toy", Severity.WARNING, "x", Span(i, i + 1),
                                     fix(i, min(len(t), i + 2), "y" + t[i + 1 : i + 2])))
            if c == "z":
                out.append(Violation("DF000", "toy", Severity.WARNING, "z", Span(i, i + 1),
                                     fix(i, i + 1, "y", UNSAFE)))
        return out

    res = fix_to_fixpoint("xxxxz", lint)
    assert res.text == "yyyyz" and res.converged
    assert [v.message for v in res.remaining] == ["z"]
    assert fix_to_fixpoint("xxxxz", lint, unsafe=True).text == "yyyyy"


def test_display_fixes_never_applied() -> None:
    def lint(t: str) -> list[Violation]:
        return [Violation("DF000", "toy", Severity.WARNING, "m", Span(0, 1), fix(0, 1, "Q", DISPLAY))]

    assert fix_to_fixpoint("abc", lint, unsafe=True).text == "abc"


def test_fix_creating_a_file() -> None:
    def lint(t: str) -> list[Violation]:
        return [Violation("DF000", "toy", Severity.WARNING, "m", Span(0, 0),
                          fix(0, 0, ".git\n", SAFE, path=".dockerignore"))]

    res = fix_to_fixpoint("FROM a\n", lint, can_create=lambda p: True)
    assert res.created == {".dockerignore": ".git\n"}
    assert res.text == "FROM a\n"
    res = fix_to_fixpoint("FROM a\n", lint, can_create=lambda p: False)
    assert res.created == {}


def test_non_converging_fix_is_bounded() -> None:
    def lint(t: str) -> list[Violation]:
        return [Violation("DF000", "toy", Severity.WARNING, "m", Span(0, 0), fix(0, 0, "a"))]

    res = fix_to_fixpoint("", lint, max_passes=5)
    assert not res.converged and res.text == "aaaaa"
