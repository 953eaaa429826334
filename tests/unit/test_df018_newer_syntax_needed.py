from __future__ import annotations

from pathlib import Path

from dockwise.config import settings_from_mapping
from dockwise.lint.engine import lint_dockerfile_text
from dockwise.lint.fixes import apply_edits


def _df018(text: str, **cfg: object) -> list[object]:
    settings = settings_from_mapping({"select": ["DF018"], **cfg}, "x.toml")
    res = lint_dockerfile_text(text, Path("Dockerfile"), settings)
    return [v for v in res.violations if v.code == "DF018"]


def test_every_finding_gets_the_same_highest_version() -> None:
    found = _df018("FROM a\nCOPY --link a /a\nCOPY --parents a /b\n", **{"min-dockerfile-syntax": "1.2"})
    assert len(found) == 2
    fixes = {v.fix for v in found}  # type: ignore[attr-defined]
    assert len(fixes) == 1
    fix = fixes.pop()
    assert fix is not None and fix.edits[0].new_text == "# syntax=docker/dockerfile:1.20\n"


def test_directive_raised_keeps_prefix_and_suffix() -> None:
    text = "# syntax=docker.io/docker/dockerfile:1.4-labs\nFROM a\nADD --unpack=true x /y\n"
    (v,) = _df018(text)
    assert v.fix is not None  # type: ignore[attr-defined]
    fixed = apply_edits(text, v.fix.edits)  # type: ignore[attr-defined]
    assert fixed.startswith("# syntax=docker.io/docker/dockerfile:1.17-labs\n")
    assert _df018(fixed) == []


def test_declared_version_higher_than_config_wins() -> None:
    text = "# syntax=docker/dockerfile:1.19\nFROM a\nCOPY --exclude=x . /y\n"
    assert _df018(text, **{"min-dockerfile-syntax": "1.4"}) == []
    assert _df018(text.replace("1.19", "1")) == []
    assert len(_df018(text.replace("1.19", "1.18"))) == 1
