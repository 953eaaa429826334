"""Loader for ``schemas/images.json``: image families, variants, and rule-facing flags.

The data file is loaded once and cached. Lookups accept any spelling of a repository
(``python``, ``library/python``, ``docker.io/library/python``, ``index.docker.io/...``),
are case-insensitive, map distroless Debian suffixes (``static-debian12``) to their family,
and fall back to wildcard families (``jupyter/*``) by prefix.

Facts the catalogue does not know are ``"unknown"`` in the data; the API turns them into
``None`` where the type is optional, and keeps ``"unknown"`` where the brief asks for it
(``os_family``, :meth:`Catalogue.musllinux_wheel`).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from typing import Any, Literal, NamedTuple, cast

from dockwise.resources import data_path

UNKNOWN: Literal["unknown"] = "unknown"

OsFamily = Literal["debian", "alpine", "rhel", "distroless", "scratch", "unknown"]
Libc = Literal["glibc", "musl", "none", "unknown"]

_OS_FAMILIES: frozenset[str] = frozenset(
    {"debian", "alpine", "rhel", "distroless", "scratch", "unknown"}
)
_LIBCS: frozenset[str] = frozenset({"glibc", "musl", "none", "unknown"})

_REGISTRY_PREFIXES = (
    "docker.io/",
    "index.docker.io/",
    "registry-1.docker.io/",
    "registry.hub.docker.com/",
)
_DISTRO_SUFFIX = re.compile(r"-(debian|ubuntu)\d+(\.\d+)?$")
_APT_NAMES = frozenset({"apt", "apt-get", "aptitude", "dpkg", "debian"})
_APK_NAMES = frozenset({"apk", "alpine"})
_DNF_NAMES = frozenset({"dnf", "yum", "microdnf", "rpm"})


class Variant(NamedTuple):
    """What a tag's suffix says about the image."""

    name: str
    os_family: OsFamily
    libc: Libc
    shell: bool | None
    runs_as_non_root: bool | None
    slim_counterpart: str | None
    pattern: str | None = None
    shell_kind: str | None = None  # bash / ash / busybox / sh / none; None = unknown
    note: str | None = None
    entrypoint_drops_privileges: bool | None = None  # None: the family's flag
    non_root_user: str | None = None  # an existing non-root user (not the default user)

    @property
    def bash(self) -> bool | None:
        """Whether ``/bin/bash`` exists (None when the catalogue does not know)."""
        if self.shell_kind is None:
            return None
        return self.shell_kind == "bash"


class SizeFact(NamedTuple):
    """A sourced image size (bytes; None where the source gives none)."""

    tag: str
    variant: str  # "default" or a variant name of the family
    platform: str
    compressed_bytes: int | None
    uncompressed_bytes: int | None
    source: tuple[str, ...]
    as_of: str
    approximate: bool = False
    built: str | None = None
    note: str | None = None

    @property
    def compressed_mb(self) -> float | None:
        """Compressed size in MB (10^6 bytes, as Docker Hub and repo-info report)."""
        return None if self.compressed_bytes is None else self.compressed_bytes / 1e6


def format_mb(n: int | None, approx: bool = False) -> str:
    """Bytes as MB (10^6) the way sizes are shown: `413 MB`, `43.0 MB`, `~` when approximate."""
    if n is None:
        return "unknown"
    mb = n / 1e6
    text = f"{mb:,.0f} MB" if mb >= 100 else f"{mb:.1f} MB"
    return ("~" + text) if approx else text


class Deprecation(NamedTuple):
    """Why an image family is deprecated and what replaces it."""

    successor: str | None
    reason: str
    source: tuple[str, ...] = ()
    as_of: str = ""

    def successor_for(self, repository: str) -> str | None:
        """The successor of a concrete repository; ``{name}`` in a wildcard family's
        successor is replaced by the part after the prefix (``jupyter/scipy-notebook``
        -> ``quay.io/jupyter/scipy-notebook``)."""
        if self.successor is None:
            return None
        name = normalize_repository(repository)
        tail = name.rsplit("/", 1)[-1]
        return self.successor.replace("{name}", tail)


class Healthcheck(NamedTuple):
    """How an image's service can be probed, and whether the image ships a HEALTHCHECK."""

    probe: str | None
    ships_healthcheck: bool | None
    min_version: str | None
    source: tuple[str, ...]
    as_of: str


@functools.cache
def _longest_first(words: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(words, key=len, reverse=True))


class ImageFamily(NamedTuple):
    """One repository (or wildcard group of repositories) of the catalogue."""

    name: str
    aliases: tuple[str, ...]
    os_family: OsFamily
    has_latest_tag: bool | None
    current_tags: tuple[str, ...]
    pin_default: str | None
    entrypoint_drops_privileges: bool
    healthcheck_probe: str | None
    ships_healthcheck: bool | None
    deprecated: Deprecation | None
    toolchain: bool
    default_variant: Variant
    variants: tuple[Variant, ...]
    moving_tags: frozenset[str]  # global moving words plus the family's own
    moving_tag_targets: Mapping[str, str]  # moving word -> the version tag it names now
    source: tuple[str, ...]
    as_of: str
    prefix: str | None = None
    healthcheck: Healthcheck | None = None
    current_tags_known: bool = True
    sizes: tuple[SizeFact, ...] = ()
    lts_tags: tuple[str, ...] = ()
    compare_with: tuple[str, ...] = ()
    caveats: tuple[str, ...] = ()
    note: str | None = None

    # -- sizes --------------------------------------------------------------------------

    def variant_name(self, tag: str | None) -> str:
        """``default`` or the name of the variant a tag selects."""
        if not tag:
            return "default"
        found = self._match_variant(tag)
        return found.name if found is not None else "default"

    def size_of(self, tag: str | None) -> SizeFact | None:
        """The sourced size of exactly this tag (``latest``/None: of ``pin_default``);
        else of a measured tag of the same variant and major version (the figure's
        ``tag`` says which), or None."""
        want = tag or "latest"
        if want.lower() == "latest" and self.pin_default:
            want = self.pin_default
        for s in self.sizes:
            if s.tag == want:
                return s
        name = self.variant_name(want)
        same = [s for s in self.sizes if s.variant == name]
        if not same:
            return None
        head = want.split("-", 1)[0]
        for s in same:
            if s.tag.split("-", 1)[0] == head:
                return s
        major = re.match(r"\d+", want)
        if major is None:
            return same[0]
        for s in same:  # another release of the same major version
            m = re.match(r"\d+", s.tag)
            if m is not None and m.group(0) == major.group(0):
                return s
        return None

    # -- tags ---------------------------------------------------------------------------

    def _match_variant(self, tag: str) -> Variant | None:
        probe = "-" + tag.lower()
        for variant, pattern in zip(self.variants, _patterns(self.variants), strict=True):
            if pattern.search(probe):
                return variant
        return None

    def variant(self, tag: str | None) -> Variant:
        """The variant a tag selects (``3.12-slim-bookworm`` -> slim-bookworm); the
        default variant for ``latest``, ``None`` and plain version tags."""
        if not tag:
            return self.default_variant
        return self._match_variant(tag) or self.default_variant

    def drops_privileges(self, tag: str | None) -> bool:
        """Whether the entrypoint of this tag's image starts as root and drops privileges
        itself (the variant's flag, else the family's)."""
        own = self.variant(tag).entrypoint_drops_privileges
        return self.entrypoint_drops_privileges if own is None else own

    def _moving_head(self, tag: str) -> tuple[str, str] | None:
        """Split ``lts-alpine`` into (``lts``, ``-alpine``) when the head is a moving word."""
        low = tag.lower()
        for word in _longest_first(self.moving_tags):
            if low == word:
                return word, ""
            if low.startswith(word + "-"):
                return word, tag[len(word) :]
        return None

    def _variant_only(self, tag: str) -> bool:
        """``slim``, ``alpine3.20``, ``bookworm``: a variant with no version part."""
        return not tag[:1].isdigit() and self._match_variant(tag) is not None

    def is_moving(self, tag: str | None) -> bool:
        """Whether the tag is moved to new versions over time (``latest``, ``lts``,
        ``stable``, ``edge``; also bare variant tags like ``slim`` that follow ``latest``)."""
        if not tag:
            return True
        if self._moving_head(tag) is not None:
            return True
        return self._variant_only(tag) and self.pin_default is not None

    def pin(self, tag: str | None) -> str | None:
        """The version tag to pin to, keeping the variant: ``latest``/None ->
        ``pin_default``; ``slim`` -> ``3.13-slim``; ``lts-alpine`` -> ``24-alpine``.
        A tag that already names a version is returned unchanged; None when the pin
        cannot be determined."""
        if not tag or tag.lower() == "latest":
            return self.pin_default
        word, _, rest = tag.partition("-")
        alias_target = self.moving_tag_targets.get(word.lower())
        if alias_target is not None:
            return alias_target + ("-" + rest if rest else "")
        head = self._moving_head(tag)
        if head is not None:
            word, rest = head
            target = self.pin_default if word == "latest" else self.moving_tag_targets.get(word)
            return target + rest if target else None
        if tag[:1].isdigit():
            return tag
        if self._variant_only(tag):
            return f"{self.pin_default}-{tag}" if self.pin_default else None
        return tag


@functools.cache
def _patterns(variants: tuple[Variant, ...]) -> tuple[re.Pattern[str], ...]:
    """A family's variant tag patterns, compiled on first use: a lint looks up a few of
    the catalogue's families, so loading it compiles none of their ~125 patterns."""
    return tuple(re.compile(v.pattern or "") for v in variants)


class Catalogue(NamedTuple):
    """The image catalogue: families by name and alias, and package facts."""

    version: int
    families: Mapping[str, ImageFamily]
    dev_runtime_pairs: Mapping[str, Mapping[str, str]]
    musllinux_wheels: Mapping[str, str | None]
    moving_tags: frozenset[str]
    by_name: Mapping[str, ImageFamily]  # every spelling of a name or alias -> family
    by_prefix: tuple[tuple[str, ImageFamily], ...]  # wildcard families, longest first

    def family(self, repository: str) -> ImageFamily | None:
        """The family of a repository, in any spelling; None when not catalogued."""
        name = normalize_repository(repository)
        if not name:
            return None
        found = self.by_name.get(name)
        if found is not None:
            return found
        stripped = _DISTRO_SUFFIX.sub("", name)
        if stripped != name:
            found = self.by_name.get(stripped)
            if found is not None:
                return found
        for prefix, fam in self.by_prefix:
            if name.startswith(prefix) and len(name) > len(prefix):
                return fam
        return None

    def dev_runtime(self, manager: str, package: str) -> str | None:
        """Runtime package for a build-time ``-dev`` package (``apt``: libpq-dev -> libpq5)."""
        key = _manager_key(manager)
        if key is None:
            return None
        return self.dev_runtime_pairs.get(key, {}).get(package.strip().lower())

    def musllinux_wheel(self, package: str) -> str | Literal["unknown"] | None:
        """First version of a PyPI project with musllinux wheels; None if it publishes
        none; ``"unknown"`` when not established or not catalogued."""
        name = normalize_pypi_name(package)
        if name not in self.musllinux_wheels:
            return UNKNOWN
        return self.musllinux_wheels[name]

    def os_family_of(self, repository: str, tag: str | None) -> str:
        """debian / alpine / rhel / distroless / scratch / unknown for an image reference."""
        name = normalize_repository(repository)
        if name == "scratch":
            return "scratch"
        fam = self.family(repository)
        if fam is not None:
            return fam.variant(tag).os_family
        return _guess_os_family(name, (tag or "").lower())

    def size(self, reference: str) -> SizeFact | None:
        """The catalogue's size for an image reference (see :meth:`ImageFamily.size_of`)."""
        from dockwise.dockerfile.imageref import parse_reference

        parts = parse_reference(reference.strip())
        fam = self.family(parts.canonical)
        return fam.size_of(parts.tag) if fam is not None else None


# -- normalisation ----------------------------------------------------------------------


def normalize_repository(repository: str) -> str:
    """``Docker.io/Library/Python:3.12@sha256:…`` -> ``python``."""
    name = repository.strip().lower()
    name = name.split("@", 1)[0]
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        # a tag, not a registry port
        name = name[:colon]
    for prefix in _REGISTRY_PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix) :]
            break
    if name.startswith("library/"):
        name = name[len("library/") :]
    return name


def normalize_pypi_name(package: str) -> str:
    """PEP 503 normalisation, dropping extras and version specifiers."""
    base = re.split(r"[\[<>=!~;@ ]", package.strip(), maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", base).lower()


def _manager_key(manager: str) -> str | None:
    m = manager.strip().lower()
    if m in _APT_NAMES:
        return "apt"
    if m in _APK_NAMES:
        return "apk"
    if m in _DNF_NAMES:
        return "dnf"
    return None


_DEBIAN_WORDS = (
    "bookworm",
    "bullseye",
    "buster",
    "trixie",
    "forky",
    "slim",
    "debian",
    "jammy",
    "noble",
    "focal",
    "resolute",
    "ubuntu",
)
_RHEL_WORDS = (
    "ubi",
    "rhel",
    "centos",
    "fedora",
    "rocky",
    "alma",
    "oraclelinux",
    "amzn",
    "amazonlinux",
    "redhat",
)


def _guess_os_family(name: str, tag: str) -> str:
    """Heuristics for repositories the catalogue does not know."""
    if "distroless" in name:
        return "distroless"
    if "alpine" in tag or name.endswith("alpine") or "/alpine" in name:
        return "alpine"
    hay = f"{name} {tag}"
    if any(word in hay for word in _RHEL_WORDS):
        return "rhel"
    if any(word in tag for word in _DEBIAN_WORDS) or name.split("/")[-1] in ("debian", "ubuntu"):
        return "debian"
    return UNKNOWN


# -- loading ----------------------------------------------------------------------------


def _sources(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return (str(value),)


def _opt_bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _os(value: Any) -> OsFamily:
    text = str(value)
    return cast(OsFamily, text if text in _OS_FAMILIES else UNKNOWN)


def _libc(value: Any) -> Libc:
    text = str(value)
    return cast(Libc, text if text in _LIBCS else UNKNOWN)


def _variant(raw: Mapping[str, Any], name: str, pattern: str | None) -> Variant:
    slim = raw.get("slim_counterpart")
    kind = raw.get("shell_kind")
    note = raw.get("note")
    return Variant(
        name=name,
        os_family=_os(raw["os_family"]),
        libc=_libc(raw["libc"]),
        shell=_opt_bool(raw.get("shell")),
        runs_as_non_root=_opt_bool(raw.get("runs_as_non_root")),
        slim_counterpart=slim if isinstance(slim, str) else None,
        pattern=pattern,
        shell_kind=kind if isinstance(kind, str) and kind != UNKNOWN else None,
        note=note if isinstance(note, str) else None,
        entrypoint_drops_privileges=_opt_bool(raw.get("entrypoint_drops_privileges")),
        non_root_user=user if isinstance(user := raw.get("non_root_user"), str) else None,
    )


def _bytes(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _size(raw: Mapping[str, Any]) -> SizeFact:
    built = raw.get("built")
    note = raw.get("note")
    return SizeFact(
        tag=str(raw["tag"]),
        variant=str(raw["variant"]),
        platform=str(raw["platform"]),
        compressed_bytes=_bytes(raw.get("compressed_bytes")),
        uncompressed_bytes=_bytes(raw.get("uncompressed_bytes")),
        source=_sources(raw["source"]),
        as_of=str(raw["as_of"]),
        approximate=bool(raw.get("approximate", False)),
        built=built if isinstance(built, str) else None,
        note=note if isinstance(note, str) else None,
    )


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _family(name: str, raw: Mapping[str, Any], global_moving: frozenset[str]) -> ImageFamily:
    variants = tuple(_variant(v, str(v["name"]), str(v["pattern"])) for v in raw["variants"])
    current = raw["current_tags"]
    pin_default = raw["pin_default"]
    has_latest = raw["has_latest_tag"]
    hc_raw = raw.get("healthcheck")
    healthcheck: Healthcheck | None = None
    if isinstance(hc_raw, Mapping):
        probe = hc_raw.get("probe")
        min_version = hc_raw.get("min_version")
        healthcheck = Healthcheck(
            probe=probe if isinstance(probe, str) else None,
            ships_healthcheck=_opt_bool(hc_raw.get("ships_healthcheck")),
            min_version=min_version if isinstance(min_version, str) else None,
            source=_sources(hc_raw["source"]),
            as_of=str(hc_raw["as_of"]),
        )
    dep_raw = raw.get("deprecated")
    deprecated: Deprecation | None = None
    if isinstance(dep_raw, Mapping):
        successor = dep_raw.get("successor")
        deprecated = Deprecation(
            successor=successor if isinstance(successor, str) else None,
            reason=str(dep_raw["reason"]),
            source=_sources(dep_raw["source"]),
            as_of=str(dep_raw["as_of"]),
        )
    prefix = raw.get("prefix")
    return ImageFamily(
        name=name,
        aliases=tuple(str(a).lower() for a in raw["aliases"]),
        os_family=_os(raw["os_family"]),
        has_latest_tag=_opt_bool(has_latest),
        current_tags=tuple(current) if isinstance(current, list) else (),
        current_tags_known=isinstance(current, list),
        pin_default=pin_default
        if isinstance(pin_default, str) and pin_default != UNKNOWN
        else None,
        entrypoint_drops_privileges=bool(raw["entrypoint_drops_privileges"]),
        healthcheck_probe=healthcheck.probe if healthcheck else None,
        ships_healthcheck=healthcheck.ships_healthcheck if healthcheck else None,
        healthcheck=healthcheck,
        deprecated=deprecated,
        toolchain=bool(raw["toolchain"]),
        default_variant=_variant(raw["default_variant"], "default", None),
        variants=variants,
        moving_tags=global_moving | {str(t).lower() for t in raw["moving_tags"]},
        moving_tag_targets={str(k).lower(): str(v) for k, v in raw["moving_tag_targets"].items()},
        source=_sources(raw["source"]),
        as_of=str(raw["as_of"]),
        prefix=prefix.lower() if isinstance(prefix, str) else None,
        sizes=tuple(_size(s) for s in raw.get("sizes", ())),
        lts_tags=_strings(raw.get("lts_tags")),
        compare_with=_strings(raw.get("compare_with")),
        caveats=_strings(raw.get("caveats")),
        note=raw["note"] if isinstance(raw.get("note"), str) else None,
    )


def load(data: Mapping[str, Any]) -> Catalogue:
    """Build a :class:`Catalogue` from the parsed JSON document."""
    families: dict[str, ImageFamily] = {}
    index: dict[str, ImageFamily] = {}
    prefixes: list[tuple[str, ImageFamily]] = []
    global_moving = frozenset(str(t).lower() for t in data["moving_tags"]["tags"])
    for name, raw in data["families"].items():
        fam = _family(str(name), raw, global_moving)
        families[fam.name] = fam
        if fam.prefix is not None:
            prefixes.append((fam.prefix, fam))
            for alias in fam.aliases:
                prefixes.append((alias if alias.endswith("/") else alias + "/", fam))
            continue
        index.setdefault(fam.name.lower(), fam)
        for alias in fam.aliases:
            index.setdefault(normalize_repository(alias), fam)
            index.setdefault(alias, fam)
    pairs = {
        str(manager): {str(k).lower(): str(v) for k, v in group["pairs"].items()}
        for manager, group in data["dev_runtime_pairs"].items()
    }
    wheels: dict[str, str | None] = {}
    for package, entry in data["musllinux_wheels"].items():
        since = entry["since"]
        wheels[normalize_pypi_name(str(package))] = since if isinstance(since, str) else None
    return Catalogue(
        version=int(data["version"]),
        families=families,
        dev_runtime_pairs=pairs,
        musllinux_wheels=wheels,
        moving_tags=global_moving,
        by_name=index,
        by_prefix=tuple(sorted(prefixes, key=lambda p: len(p[0]), reverse=True)),
    )


@functools.cache
def catalogue() -> Catalogue:
    """The shipped catalogue, loaded once."""
    with data_path("schemas/images.json").open(encoding="utf-8") as fh:
        data = json.load(fh)
    return load(data)
