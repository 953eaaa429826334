"""Documents: kind detection by name and content, decoding of bytes."""

from __future__ import annotations

import codecs
import fnmatch
import functools
import os
import re
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import NamedTuple

DOCKERFILE = "dockerfile"
COMPOSE = "compose"

DOCKERFILE_PATTERNS = ("Dockerfile*", "*.Dockerfile", "*.dockerfile", "Containerfile*", "*.containerfile", "*.Containerfile")
_COMPOSE_RE = re.compile(r"^(docker-)?compose.*\.ya?ml$")


def is_dockerfile_name(path: str | PurePath) -> bool:
    name = PurePath(path).name
    if name.endswith((".dockerignore", ".containerignore")):
        return False
    return any(fnmatch.fnmatchcase(name, p) for p in DOCKERFILE_PATTERNS)


def is_compose_name(path: str | PurePath) -> bool:
    return bool(_COMPOSE_RE.match(PurePath(path).name))


_COMPOSE_TOP = re.compile(r"(?m)^(?:services|include)[ \t]*:")


def looks_like_compose_text(text: str) -> bool:
    """YAML whose top level has `services:` or `include:` (a cheap test, for YAML files
    that a Compose name does not identify)."""
    return _COMPOSE_TOP.search(text) is not None


def is_yaml(path: str | PurePath, language_id: str | None = None) -> bool:
    return language_id == "yaml" or str(path).endswith((".yml", ".yaml"))


def kind_for(path: str | PurePath, language_id: str | None = None) -> str | None:
    if language_id == "dockerfile":
        return DOCKERFILE
    if language_id == "dockercompose":
        return COMPOSE
    if is_dockerfile_name(path):
        return DOCKERFILE
    if is_compose_name(path):
        return COMPOSE
    return None


class Decoded(NamedTuple):
    """Decoded text and the encoding it was read with."""

    text: str
    encoding: str  # codec used, for writing back ("utf-8", "utf-8-sig", "utf-16", ...)


class DecodeError(ValueError):
    pass


def decode(data: bytes) -> Decoded:
    """Decode file bytes as text; raise :class:`DecodeError` with a clear reason."""
    if data.startswith(codecs.BOM_UTF8):
        enc = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        enc = "utf-16"
    else:
        enc = "utf-8"
    if enc == "utf-8" and b"\x00" in data[:8192]:
        raise DecodeError("binary file (contains NUL bytes): not a text file")
    try:
        text = data.decode(enc)
    except UnicodeDecodeError as e:
        raise DecodeError(f"not valid UTF-8: byte 0x{data[e.start]:02x} at offset {e.start}") from None
    if "\x00" in text:
        raise DecodeError("binary file (contains NUL characters): not a text file")
    return Decoded(text, enc)


COMPOSE_SEARCH_LEVELS = 6  # directories above a Dockerfile searched for Compose files


class _Listing(NamedTuple):
    compose_files: list[Path]  # files whose names are Compose file names, sorted
    has_git: bool


def _listing(d: Path) -> _Listing:
    try:
        names = sorted(os.listdir(d))
    except OSError:
        names = []
    # plain names: the pattern is matched directly (no PurePath per directory entry)
    return _Listing([d / n for n in names if _COMPOSE_RE.match(n) and (d / n).is_file()],
                    ".git" in names)


# one listing per directory for a whole `--check` run (files do not appear meanwhile);
# the language server lists afresh, as files come and go while it runs
cached_listing = functools.lru_cache(maxsize=4096)(_listing)


def compose_files_near(dockerfile_path: Path,
                       listing: Callable[[Path], _Listing] = _listing) -> list[Path]:
    """Compose files (by name) in a Dockerfile's directory and up to
    :data:`COMPOSE_SEARCH_LEVELS` directories above it, stopping after a directory that
    holds `.git`. Cheap: directory listings only."""
    out: list[Path] = []
    d = dockerfile_path.absolute().parent
    for _ in range(COMPOSE_SEARCH_LEVELS + 1):
        here = listing(d)
        out.extend(here.compose_files)
        if here.has_git or d.parent == d:
            break
        d = d.parent
    return out


@functools.lru_cache(maxsize=1024)
def resolved(path: Path) -> Path:
    """``path.resolve()``, remembered (``config.clear_caches`` forgets)."""
    return path.resolve()
