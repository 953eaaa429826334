"""Locate the data files shipped with the package (schemas/, docs/rules/).

A wheel carries them under ``dockwise/_data/``; a source checkout (editable install or
running from the tree) has them at the repository root.
"""

from __future__ import annotations

import functools
from pathlib import Path

_PKG = Path(__file__).resolve().parent


@functools.cache
def data_root() -> Path:
    """The directory holding ``schemas/`` and ``docs/rules/``."""
    bundled = _PKG / "_data"
    if (bundled / "schemas").is_dir():
        return bundled
    return _PKG.parent.parent


def data_path(rel: str) -> Path:
    """Path of a shipped data file, e.g. ``data_path("schemas/images.json")``."""
    return data_root() / rel
