"""DF011's fix keeps the value BuildKit computes (quote removal and escapes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockwise.config import settings_from_mapping
from dockwise.dockerfile.scanner import scan, unquote
from dockwise.lint.engine import lint_dockerfile_text
from dockwise.lint.fixes import apply_edits


def _fix(text: str) -> str:
    settings = settings_from_mapping({"select": ["DF011"]}, "x.toml")
    res = lint_dockerfile_text(text, Path("Dockerfile"), settings)
    found = [v for v in res.violations if v.code == "DF011"]
    assert len(found) == 1 and found[0].fix is not None
    return apply_edits(text, found[0].fix.edits)


@pytest.mark.parametrize(
    "value",
    ["1", "hello   world", '"quoted" rest', "'single $X' tail", "a\\ b c", "x \\\"y\\\" z",
     "C:\\\\dir with space", "$HOME/bin:$PATH", "${A:-b c} d", "tab\there"],
)
def test_value_preserved(value: str) -> None:
    text = f"FROM alpine\nENV KEY {value}\n"
    fixed = _fix(text)
    ins = scan(fixed).instructions[1]
    assert len(ins.words) == 1, fixed
    key, _, new_value = ins.words[0].value.partition("=")
    assert key == "KEY"
    assert new_value == unquote(value, "\\"), fixed


def test_backtick_escape_file() -> None:
    text = "# escape=`\nFROM nanoserver\nENV P C:\\Program Files\\x\n"
    fixed = _fix(text)
    assert fixed.endswith('ENV P="C:\\Program Files\\x"\n')


def test_double_escape_at_end_of_line_does_not_continue() -> None:
    # BuildKit: `\\` at the end of a line is an escaped backslash, not a continuation
    df = scan("FROM a\nENV C x\\\\\nENV D y\n")
    assert [i.keyword for i in df.instructions] == ["FROM", "ENV", "ENV"]
    df = scan("FROM a\nRUN echo \\\n  \\\n  done\n")
    assert len(df.instructions) == 2
