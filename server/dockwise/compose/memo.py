"""Memoised pure look-ups that Compose checks repeat for every service: image
references split into parts, catalogue families, moving tags. A file of 500 services
names a handful of images; each is worked out once (per catalogue object), and an edit
re-does only what its own text changed."""

from __future__ import annotations

import functools
import threading
from typing import TYPE_CHECKING

from dockwise.dockerfile.imageref import RefParts, parse_reference

if TYPE_CHECKING:
    from dockwise.images.catalogue import Catalogue, ImageFamily

_LIMIT = 4096


@functools.lru_cache(maxsize=_LIMIT)
def parsed_reference(ref: str) -> RefParts:
    """:func:`dockwise.dockerfile.imageref.parse_reference` (its result is frozen)."""
    return parse_reference(ref)


class _PerCatalogue:
    """Answers that depend on one catalogue object (a new catalogue starts afresh)."""

    __slots__ = ("catalogue", "families", "moving")

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.families: dict[str, ImageFamily | None] = {}
        self.moving: dict[str, bool] = {}


_state: _PerCatalogue | None = None
_lock = threading.Lock()


def _for(catalogue: Catalogue) -> _PerCatalogue:
    global _state
    st = _state
    if st is None or st.catalogue is not catalogue:
        with _lock:
            st = _state = _PerCatalogue(catalogue)
    return st


def family(catalogue: Catalogue, repository: str) -> ImageFamily | None:
    """``catalogue.family(repository)``, memoised."""
    cache = _for(catalogue).families
    try:
        return cache[repository]
    except KeyError:
        pass
    fam = catalogue.family(repository)
    if len(cache) > _LIMIT:
        cache.clear()
    cache[repository] = fam
    return fam


def is_moving_tag(ref: str, catalogue: Catalogue) -> bool:
    """:func:`dockwise.images.pinning.is_moving_tag`, memoised."""
    from dockwise.images import pinning

    cache = _for(catalogue).moving
    hit = cache.get(ref)
    if hit is None:
        hit = pinning.is_moving_tag(ref, catalogue)
        if len(cache) > _LIMIT:
            cache.clear()
        cache[ref] = hit
    return hit
