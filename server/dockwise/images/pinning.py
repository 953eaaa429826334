"""Pinning image references: the one function behind the DF201/DF202/DF203 and DC101 fixes.

:func:`pin_reference` turns a reference that floats (no tag, ``latest``, ``lts``, a bare
variant such as ``slim``) into one that names a version, keeping the variant and the
spelling of the name (registry, ``library/``, case) exactly as written:

- ``python`` / ``python:latest`` -> ``python:<pin_default>``
- ``python:slim`` -> ``python:<pin_default>-slim``; ``node:lts-alpine`` -> ``node:24-alpine``

Offline (the default) the version comes from the image catalogue's current tags. A
:class:`RegistryLookup` (registry lookup on; the registry client plugs in here) is asked
first for the version tag whose digest equals the moving tag's, and for the index
(multi-platform) digest when ``digest=True`` — which also pins references whose tag is
already a version (DF203). Every :class:`Pin` carries the exact text it writes and a
title that says so ("Pin `python:latest` to `python:3.14`").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal, NamedTuple, Protocol

from dockwise.dockerfile.imageref import parse_reference

if TYPE_CHECKING:
    from dockwise.images.catalogue import Catalogue, ImageFamily


class RegistryLookup(Protocol):
    """What pinning needs from a registry (implemented by the registry client)."""

    def version_tag(self, reference: str) -> str | None:
        """For a reference with a moving tag (``python:latest``, ``node:lts-alpine``):
        the version tag of the same repository whose digest equals the moving tag's
        (the most specific one), or None when none is found."""
        ...

    def index_digest(self, reference: str) -> str | None:
        """The digest (``sha256:…``) of the reference's index / manifest list, or of its
        manifest when the image is single-platform; None when it cannot be resolved."""
        ...


class Pin(NamedTuple):
    """A pinned reference: ``original`` as written becomes ``reference``."""

    original: str  # the reference text as given
    reference: str  # the full new reference text
    name: str  # the name part as written (registry and repository, no tag)
    tag: str | None  # the new tag (None: the digest alone pins it)
    digest: str | None  # the new digest (``sha256:…``) or None
    source: Literal["catalogue", "registry"]

    @property
    def title(self) -> str:
        """The code-action title: what is written, exactly."""
        return f"Pin `{self.original}` to `{self.reference}`"

    @property
    def tag_changed(self) -> bool:
        return self.tag is not None and self.reference != self.original


def is_moving_tag(ref: str, catalogue: Catalogue) -> bool:
    """Whether a (variable-free) reference floats: no tag and no digest, or a moving tag
    (``latest``; a catalogue family's moving words and bare variants; for images outside
    the catalogue, the catalogue's global moving words). A digest pins any tag."""
    parts = parse_reference(ref)
    if parts.digest:
        return False
    if not parts.tag:
        return True
    fam = catalogue.family(parts.canonical)
    if fam is not None:
        return family_tag_moves(fam, parts.tag)
    return parts.tag.lower() in catalogue.moving_tags


def family_tag_moves(fam: ImageFamily, tag: str | None) -> bool:
    """:meth:`ImageFamily.is_moving`, except that a variant tag with a release name in
    front of the variant (``debian:bookworm-slim``, ``debian:trixie-20260803-slim``)
    names a release line, not the moving ``latest``; ``sid-slim``, ``lts-alpine``,
    ``slim-bookworm`` and ``alpine3.20`` still move."""
    if not tag:
        return True
    if not fam.is_moving(tag):
        return False
    low = tag.lower()
    if low.split("-", 1)[0] in fam.moving_tags:
        return True
    probe = "-" + low
    for variant in fam.variants:
        if variant.pattern is None:
            continue
        m = re.search(variant.pattern, probe)
        if m is not None:
            return m.start() == 0  # nothing but the variant: follows `latest`
    return True


def _catalogue_tag(fam: ImageFamily, tag: str | None, catalogue: Catalogue) -> str | None:
    if tag and not family_tag_moves(fam, tag):
        return None
    new = fam.pin(tag)
    if not new or (tag is not None and new == tag):
        return None
    return new if _known_tag(fam, new) and _current_alpine(new, catalogue) else None


_ALPINE_RELEASE = re.compile(r"alpine(\d+\.\d+)")


def _current_alpine(tag: str, catalogue: Catalogue) -> bool:
    """A tag naming an Alpine release (`3.14-alpine3.20`) only when that release is current:
    images are published for the current releases only, so a new version on an old
    release may not exist."""
    m = _ALPINE_RELEASE.search(tag.lower())
    if m is None:
        return True
    alpine = catalogue.family("alpine")
    if alpine is None or not alpine.current_tags_known:
        return False
    return m.group(1) in alpine.current_tags


def _known_tag(fam: ImageFamily, tag: str) -> bool:
    """Whether ``tag`` is a current version, or a current version plus one variant the
    catalogue knows (`3.14-slim`; not `24-buster-slim` when buster is unknown)."""
    if tag in fam.current_tags:
        return True
    probe = "-" + tag.lower()
    for variant in fam.variants:
        if variant.pattern is None:
            continue
        m = re.search(variant.pattern, probe)
        if m is not None:
            return probe[1 : m.start()] in fam.current_tags
    return False


def pin_reference(
    ref: str,
    catalogue: Catalogue,
    *,
    lookup: RegistryLookup | None = None,
    digest: bool = False,
) -> Pin | None:
    """Pin a variable-free image reference; None when there is nothing to pin or no
    source knows what to pin it to.

    Without ``digest``: a floating reference gets a version tag (registry lookup first,
    then the catalogue, keeping the variant). With ``digest`` (needs ``lookup``): the
    reference, after any tag pinning, also gets ``@sha256:…`` of its index; references
    that already carry a digest are left alone.
    """
    text = ref.strip()
    if not text or "$" in text or text.lower() == "scratch":
        return None
    parts = parse_reference(text)
    if not parts.repository or parts.digest:
        return None
    name = text[: parts.name_range[1]]
    old_tag = parts.tag
    new_tag: str | None = None
    source: Literal["catalogue", "registry"] = "catalogue"
    if is_moving_tag(text, catalogue):
        if lookup is not None:
            found = lookup.version_tag(text if old_tag else f"{name}:latest")
            if found and found != old_tag:
                new_tag, source = found, "registry"
        if new_tag is None:
            fam = catalogue.family(parts.canonical)
            if fam is not None:
                new_tag = _catalogue_tag(fam, old_tag, catalogue)
    tag = new_tag or old_tag
    new_digest: str | None = None
    if digest and lookup is not None:
        new_digest = lookup.index_digest(f"{name}:{tag or 'latest'}")
        if new_digest:
            source = "registry"
    if new_tag is None and new_digest is None:
        return None
    reference = name + (f":{tag}" if tag else "") + (f"@{new_digest}" if new_digest else "")
    return Pin(
        original=text,
        reference=reference,
        name=name,
        tag=tag,
        digest=new_digest,
        source=source,
    )
