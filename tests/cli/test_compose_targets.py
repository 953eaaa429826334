"""`dockwise --check` lints a Dockerfile with the target stages and named contexts of
the Compose files that build it (compose/builds.py wired into checker.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockwise.cli import main

DOCKERFILE = """\
FROM python:3.13-slim AS dev
CMD ["python"]

FROM python:3.13-slim AS prod
COPY --from=devs /lib /lib
RUN useradd -u 1001 app
USER app
CMD ["python"]
"""

COMPOSE = """\
services:
  api:
    build:
      context: ./app
      target: prod
      additional_contexts:
        devs: ../shared
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    rc = main(["--check", *args])
    out, _ = capsys.readouterr()
    return rc, out


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "shared").mkdir()
    (tmp_path / "app" / "Dockerfile").write_text(DOCKERFILE)
    return tmp_path


def test_without_compose_every_leaf_is_a_target(project: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    _, out = run(capsys, str(project), "--select", "DF301,DF002")
    assert "DF301" in out and "AS dev" in out  # `dev` is a leaf: a target stage
    assert "DF002" in out and "`devs`" in out  # not a known named context


def test_compose_target_and_named_context(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "compose.yaml").write_text(COMPOSE)
    _, out = run(capsys, str(project), "--select", "DF301,DF002")
    assert "All checks passed" in out, out  # only `prod` is built; `devs` is an additional context


def test_explicit_dockerfile_path_finds_compose_above(project: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    (project / "compose.yaml").write_text(COMPOSE)
    _, out = run(capsys, str(project / "app" / "Dockerfile"), "--select", "DF301,DF002")
    assert "All checks passed" in out, out


def test_build_without_target_builds_the_last_stage(project: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    (project / "compose.yaml").write_text("services:\n  api:\n    build: ./app\n")
    _, out = run(capsys, str(project), "--select", "DF301")
    assert "All checks passed" in out, out


def test_fix_keeps_compose_targets(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "compose.yaml").write_text(COMPOSE)
    _, out = run(capsys, str(project / "app" / "Dockerfile"), "--select", "DF301",
                 "--diff", "--unsafe-fixes")
    assert out == "", out  # nothing to fix in `dev`: it is not built


def test_broken_compose_file_is_ignored(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "compose.yaml").write_text("services: [\n")
    _, out = run(capsys, str(project / "app" / "Dockerfile"), "--select", "DF301")
    assert "DF301" in out and "AS dev" in out
