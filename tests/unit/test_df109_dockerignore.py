"""DF109's warning case: its fix creates .dockerignore, which the fixture harness cannot
materialise, so it is tested here on a temporary directory."""

from __future__ import annotations

from pathlib import Path

from dockwise.config import settings_from_mapping
from dockwise.lint.engine import lint_dockerfile_text
from dockwise.lint.types import Applicability, Violation
from dockwise.text import Span


def _df109(path: Path) -> list[Violation]:
    res = lint_dockerfile_text(path.read_text(), path,
                               settings_from_mapping({"select": ["DF109"]}, None))
    assert not res.internal_errors
    return [v for v in res.violations if v.code == "DF109"]


def test_missing_file_is_created_and_finding_goes(tmp_path: Path) -> None:
    df = tmp_path / "Dockerfile"
    df.write_text("FROM python:3.12-slim\nCOPY . /app\nCOPY data/seed.csv /app/\n")
    (found,) = _df109(df)
    assert "no .dockerignore" in found.message and "assumed" in found.message
    assert found.fix is not None and found.fix.applicability is Applicability.UNSAFE
    (edit,) = found.fix.edits
    assert edit.path == ".dockerignore" and edit.span == Span(0, 0)
    lines = edit.new_text.splitlines()
    for entry in (".git", ".env", ".env.*", "**/__pycache__", "**/*.pyc", ".pytest_cache",
                  ".mypy_cache", ".DS_Store", "# models/", "# *.ipynb"):
        assert entry in lines
    assert "# data/" not in lines  # a COPY names data/
    (tmp_path / edit.path).write_text(edit.new_text)
    assert _df109(df) == []


def test_never_git_with_setuptools_scm(tmp_path: Path) -> None:
    df = tmp_path / "Dockerfile"
    df.write_text("FROM python:3.12-slim\nCOPY . /app\n")
    (tmp_path / "pyproject.toml").write_text('[tool.setuptools_scm]\n')
    (found,) = _df109(df)
    assert found.fix is not None
    text = found.fix.edits[0].new_text
    assert ".git" not in text.splitlines()
    (tmp_path / ".dockerignore").write_text(text)
    assert _df109(df) == []


def test_no_path_no_finding() -> None:
    res = lint_dockerfile_text("FROM a\nCOPY . /app\n", None,
                               settings_from_mapping({"select": ["DF109"]}, None))
    assert [v for v in res.violations if v.code == "DF109"] == []


def test_builder_stage_only_is_not_reported(tmp_path: Path) -> None:
    df = tmp_path / "Dockerfile"
    df.write_text("FROM node:22 AS b\nCOPY . /s\nFROM nginx\nCOPY --from=b /s/dist /usr/share\n")
    assert _df109(df) == []
