"""Docker's .dockerignore semantics and build-context helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockwise.dockerfile.context import (
    DockerIgnore,
    context_dir,
    ignore_file,
    is_archive_file,
    uses_scm_version,
    walk_files,
)


@pytest.mark.parametrize(("patterns", "path", "excluded"), [
    ("*.pyc", "a.pyc", True),
    ("*.pyc", "sub/a.pyc", False),  # anchored at the root, unlike gitignore
    ("**/*.pyc", "sub/deep/a.pyc", True),
    ("**/*.pyc", "a.pyc", True),
    ("/.git", ".git", True),
    ("./.git", ".git/HEAD", True),  # a parent match excludes what is below
    ("docs", "docs/x/y.md", True),
    ("docs", "sub/docs", False),
    ("**/docs", "sub/docs/a.md", True),
    ("a/**", "a/b", True),
    ("a/**", "a", False),
    ("a?c", "abc", True),
    ("a?c", "a/c", False),
    ("*", "x/y", True),
    ("[a-c].txt", "b.txt", True),
    ("[^a-c].txt", "b.txt", False),
    ("docs\n!docs/README.md", "docs/README.md", False),
    ("docs\n!docs/README.md", "docs/other.md", True),
    ("!x\n*.md", "x.md", True),  # last match wins
    ("*.md\n!README.md\nREADME*", "README.md", True),
    ("# comment\n\n  .env  ", ".env", True),
    ("#.env", ".env", False),
    ("\\#file", "#file", True),
])
def test_docker_patterns(patterns: str, path: str, excluded: bool) -> None:
    assert DockerIgnore.parse(patterns).excluded(path) is excluded


def test_matching_names_the_pattern() -> None:
    ign = DockerIgnore.parse("# x\nconfig\n*.env\n")
    pat = ign.matching("config/a.yaml")
    assert pat is not None and pat.line == 2 and pat.text == "config"
    assert ign.matching(".") is None
    assert not ign.has_negation
    assert DockerIgnore.parse("a\n!b").has_negation


def test_dockerfile_specific_ignore_replaces(tmp_path: Path) -> None:
    df = tmp_path / "api.Dockerfile"
    assert ignore_file(tmp_path, df) is None
    (tmp_path / ".dockerignore").write_text(".git\n")
    assert ignore_file(tmp_path, df) == tmp_path / ".dockerignore"
    (tmp_path / "api.Dockerfile.dockerignore").write_text(".env\n")
    assert ignore_file(tmp_path, df) == tmp_path / "api.Dockerfile.dockerignore"


def test_context_dir_default_and_override(tmp_path: Path) -> None:
    class Ctx:
        path: Path | None = tmp_path / "Dockerfile"

    assert context_dir(Ctx()) == tmp_path.resolve()
    assert context_dir(Ctx(), override=tmp_path / "ctx") == tmp_path / "ctx"
    c = Ctx()
    c.path = None
    assert context_dir(c) is None
    c.build_context = tmp_path / "other"  # type: ignore[attr-defined]
    assert context_dir(c) == tmp_path / "other"


def test_magic_bytes(tmp_path: Path) -> None:
    gz = tmp_path / "a.bin"
    gz.write_bytes(b"\x1f\x8b\x08\x00" + b"\x00" * 20)
    txt = tmp_path / "a.txt"
    txt.write_text("hello")
    tar = tmp_path / "t"
    tar.write_bytes(b"\x00" * 257 + b"ustar" + b"\x00" * 250)
    assert is_archive_file(gz) is True
    assert is_archive_file(tar) is True
    assert is_archive_file(txt) is False
    assert is_archive_file(tmp_path / "missing") is None


def test_scm_detection(tmp_path: Path) -> None:
    assert uses_scm_version(tmp_path) is None
    (tmp_path / "setup.py").write_text("setup(use_scm_version=True)\n")
    assert uses_scm_version(tmp_path) == "setup.py"


def test_walk_prunes_ignored(tmp_path: Path) -> None:
    (tmp_path / "keep").mkdir()
    (tmp_path / "keep" / "a.py").write_text("")
    (tmp_path / "skip").mkdir()
    (tmp_path / "skip" / "b.npy").write_text("")
    ign = DockerIgnore.parse("skip\n")
    assert walk_files(tmp_path, tmp_path, ign) == ["keep/a.py"]
