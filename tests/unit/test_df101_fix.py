"""DF101 reorder-COPY-before-RUN: explicit golden before/after cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockwise.config import settings_from_mapping
from dockwise.lint.engine import lint_dockerfile_text
from dockwise.lint.fixes import apply_edits
from dockwise.lint.types import Violation


def _df101(text: str, path: Path | None = None) -> list[Violation]:
    res = lint_dockerfile_text(text, path, settings_from_mapping({"select": ["DF101"]}, None))
    assert not res.internal_errors
    return [v for v in res.violations if v.code == "DF101"]


def fixed(text: str, path: Path | None = None) -> str:
    found = _df101(text, path)
    assert len(found) == 1, [v.message for v in found]
    assert found[0].fix is not None, found[0].message
    out = apply_edits(text, found[0].fix.edits)
    assert _df101(out, path) == [], "the fix must clear the finding"
    return out


def test_pip_requirements_under_workdir() -> None:
    before = ("FROM python:3.13-slim\nWORKDIR /app\nCOPY . .\n"
              "RUN pip install --no-cache-dir -r requirements.txt\nCMD [\"python\", \"app.py\"]\n")
    assert fixed(before) == (
        "FROM python:3.13-slim\nWORKDIR /app\nCOPY requirements.txt ./\n"
        "RUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n"
        "CMD [\"python\", \"app.py\"]\n")


def test_relative_dest_rewritten_when_workdir_changes() -> None:
    before = "FROM node:22\nWORKDIR /srv\nCOPY . app\nWORKDIR /srv/app\nRUN npm ci\n"
    assert fixed(before) == (
        "FROM node:22\nWORKDIR /srv\nWORKDIR /srv/app\n"
        "COPY package.json package-lock.json ./\nRUN npm ci\nCOPY . ./\n")


@pytest.mark.parametrize(("install", "copy"), [
    ("npm ci", "COPY package.json package-lock.json ./"),
    ("yarn install --frozen-lockfile", "COPY package.json yarn.lock ./"),
    ("pnpm install --frozen-lockfile", "COPY package.json pnpm-lock.yaml ./"),
    ("go mod download", "COPY go.mod go.sum ./"),
    ("bundle install", "COPY Gemfile Gemfile.lock ./"),
    ("pip install -r requirements/prod.txt", "COPY requirements/prod.txt requirements/"),
])
def test_manifest_only_installers(install: str, copy: str) -> None:
    before = f"FROM x\nWORKDIR /app\nCOPY . .\nRUN {install}\n"
    assert fixed(before) == f"FROM x\nWORKDIR /app\n{copy}\nRUN {install}\nCOPY . .\n"


def test_uv_split() -> None:
    before = "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN uv sync --locked\n"
    assert fixed(before) == (
        "FROM python:3.12\nWORKDIR /app\nCOPY pyproject.toml uv.lock ./\n"
        "RUN uv sync --no-install-project --locked\nCOPY . .\nRUN uv sync --locked\n")


def test_poetry_split() -> None:
    before = "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN poetry install -n\n"
    assert fixed(before) == (
        "FROM python:3.12\nWORKDIR /app\nCOPY pyproject.toml poetry.lock ./\n"
        "RUN poetry install --no-root -n\nCOPY . .\nRUN poetry install --only-root -n\n")


def test_pip_project_split_with_requirements_on_disk(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("flask\n")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    before = "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir .\n"
    assert fixed(before, tmp_path / "Dockerfile") == (
        "FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt ./\n"
        "RUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n"
        "RUN pip install --no-cache-dir --no-deps .\n")


def test_bind_mounted_manifests_only_move_the_copy() -> None:
    run = ("RUN --mount=type=bind,source=package.json,target=package.json \\\n"
           "    --mount=type=bind,source=package-lock.json,target=package-lock.json \\\n"
           "    npm ci")
    before = f"FROM node:22\nWORKDIR /app\nCOPY . .\n{run}\n"
    assert fixed(before) == f"FROM node:22\nWORKDIR /app\n{run}\nCOPY . .\n"


def test_only_existing_lockfiles_when_on_disk(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module x\n")
    before = "FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go mod download\n"
    assert "COPY go.mod ./\n" in fixed(before, tmp_path / "Dockerfile")


def test_npm_install_uses_package_glob_without_disk() -> None:
    before = "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm install\n"
    assert "COPY package*.json ./\n" in fixed(before)


@pytest.mark.parametrize(("files", "reason"), [
    ({"requirements.txt": "-c constraints.txt\nflask\n"}, "includes another file"),
    ({"requirements.txt": "-e .\n"}, "local path"),
])
def test_no_fix_when_an_input_is_unknown(tmp_path: Path, files: dict[str, str],
                                        reason: str) -> None:
    for name, content in files.items():
        (tmp_path / name).write_text(content)
    before = "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
    found = _df101(before, tmp_path / "Dockerfile")
    assert len(found) == 1 and found[0].fix is None
    assert reason in found[0].message


def test_project_step_after_deps_step_is_not_reported() -> None:
    text = ("FROM python:3.12\nWORKDIR /app\nCOPY pyproject.toml uv.lock ./\n"
            "RUN uv sync --locked --no-install-project\nCOPY . .\nRUN uv sync --locked\n")
    assert _df101(text) == []
