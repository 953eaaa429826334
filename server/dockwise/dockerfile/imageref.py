"""Image references: `[registry/]repository[:tag][@digest]`, with `${ARG}` parts."""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from dockwise.text import Span

DOCKER_HUB = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io"})


class RefParts(NamedTuple):
    """A parsed reference; offsets are into the parsed text."""

    registry: str | None
    repository: str
    tag: str | None
    digest: str | None
    name_range: tuple[int, int]
    tag_range: tuple[int, int] | None  # the tag text, without ':'
    digest_range: tuple[int, int] | None  # the digest text, without '@'

    @property
    def canonical(self) -> str:
        """Repository as the catalogue names it (`python`, `nvidia/cuda`, `gcr.io/x/y`)."""
        repo = self.repository.lower()
        if self.registry is None or self.registry.lower() in DOCKER_HUB:
            return repo[8:] if repo.startswith("library/") else repo
        return f"{self.registry.lower()}/{repo}"


def _skip_var(text: str, i: int) -> int:
    """If ``text[i:]`` starts a `${…}` block, return the index after it."""
    if text.startswith("${", i):
        depth = 0
        j = i + 1
        while j < len(text):
            if text[j] == "{":
                depth += 1
            elif text[j] == "}":
                depth -= 1
                if depth == 0:
                    return j + 1
            j += 1
        return len(text)
    return i


def parse_reference(text: str) -> RefParts:
    """Split a reference; `${…}` blocks are opaque (their ':' is not a tag separator)."""
    at = -1
    colon = -1
    slash = -1
    first_slash = -1
    i = 0
    n = len(text)
    while i < n:
        j = _skip_var(text, i)
        if j != i:
            i = j
            continue
        c = text[i]
        if c == "@" and at < 0:
            at = i
        elif at < 0 and c == "/":
            slash = i
            colon = -1
            if first_slash < 0:
                first_slash = i
        elif at < 0 and c == ":":
            colon = i
        i += 1
    name_end = at if at >= 0 else n
    digest = text[at + 1 :] if at >= 0 else None
    digest_range = (at + 1, n) if at >= 0 else None
    tag: str | None = None
    tag_range: tuple[int, int] | None = None
    if colon > slash and colon >= 0:
        tag = text[colon + 1 : name_end]
        tag_range = (colon + 1, name_end)
        name_end = colon
    name = text[:name_end]
    registry: str | None = None
    repo = name
    if first_slash >= 0 and first_slash < name_end:
        first = name[:first_slash]
        if "." in first or ":" in first or first == "localhost" or first != first.lower():
            registry = first
            repo = name[first_slash + 1 :]
    return RefParts(registry, repo, tag, digest, (0, name_end), tag_range, digest_range)


class ImageRef(NamedTuple):
    """An image reference in a Dockerfile, as written and as expanded."""

    raw: str
    span: Span  # the whole reference in the source
    parts: RefParts  # parsed from the raw text (ranges map into the source)
    expanded: str  # after ARG expansion (== raw when it has no variables)
    resolved: RefParts  # parsed from the expanded text
    unresolved_vars: tuple[str, ...] = ()  # ARGs with no value that the reference uses

    @property
    def has_vars(self) -> bool:
        return "$" in self.raw

    def _sub(self, r: tuple[int, int] | None) -> Span | None:
        if r is None:
            return None
        return Span(self.span.start + r[0], self.span.start + r[1])

    @property
    def tag_span(self) -> Span | None:
        return self._sub(self.parts.tag_range)

    @property
    def digest_span(self) -> Span | None:
        return self._sub(self.parts.digest_range)

    @property
    def name_span(self) -> Span:
        s = self._sub(self.parts.name_range)
        assert s is not None
        return s

    @property
    def is_scratch(self) -> bool:
        return self.expanded.lower() == "scratch"


# the distribution reference grammar (docker/distribution `reference` package)
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_DOMAIN_PART = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_PART}(?:\.{_DOMAIN_PART})*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?"
_REFERENCE = (
    rf"^(?:{_DOMAIN}/)?{_COMPONENT}(?:/{_COMPONENT})*"
    r"(?::[\w][\w.-]{0,127})?"
    r"(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$"
)


def valid_reference(text: str) -> bool:
    """Whether ``text`` is a well-formed image reference (`[host[:port]/]name[:tag][@digest]`)."""
    return bool(_reference_re().match(text))


@functools.cache
def _reference_re() -> re.Pattern[str]:
    """Compiled on first use: most runs never need it (~1 ms of start-up)."""
    return re.compile(_REFERENCE)
