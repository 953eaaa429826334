"""A small client for the OCI distribution API (v2): digests, sizes, tags.

Used for the optional live lookup (``registry-lookup = true``; off by default): it
implements the :class:`~dockwise.images.pinning.RegistryLookup` protocol behind the
DF201/DF202/DF203/DC101 pinning fixes, and gives the hover registry figures.

- Anonymous access with the bearer-token flow most registries use (Docker Hub, GHCR,
  Quay, GCR/Artifact Registry): a ``401`` with ``WWW-Authenticate: Bearer realm=…,
  service=…,scope=…`` is answered by fetching a token from ``realm`` and retrying.
  Optional per-host credentials (user, password/token) are sent only to that token
  endpoint or as Basic auth to that host, never logged, never written to disk, and
  never forwarded on a redirect to another host.
- Manifest lists / OCI image indexes resolve to the manifest of the configured platform
  (``linux/amd64`` by default); the compressed size of an image is the sum of its
  layers' sizes (what ``docker pull`` transfers, as docker-library/repo-info reports).
- Digests are the SHA-256 of the manifest bytes, checked against the
  ``Docker-Content-Digest`` header when the registry sends one.
- Tag listing follows ``Link: <…>; rel="next"`` pagination (``n=`` page size).
- Every request has a timeout; connection errors, ``429`` and ``5xx`` answers are
  retried with exponential backoff; a host that fails is not asked again for a while,
  so an editor does not stall on every keystroke when offline.
- Answers are cached on disk with an expiry (manifests fetched by digest never
  change and are kept longer) under the user cache directory
  (``$DOCKWISE_CACHE_DIR`` or ``$XDG_CACHE_HOME/dockwise``, overridable per client).
  Tokens are kept in memory only.
- Only HTTPS, except for loopback hosts (tests, a local registry) and registries
  explicitly configured as insecure.

Only the standard library is used (``http.client``): the needs are small, and it
keeps the language server free of an HTTP stack's dependency tree and lets the client
control redirects (no ``Authorization`` header leaves its host).
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import ipaddress
import json
import logging
import os
import re
import socket
import ssl
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dockwise.dockerfile.imageref import DOCKER_HUB, parse_reference

log = logging.getLogger(__name__)

INDEX_TYPES = frozenset({
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
})
MANIFEST_TYPES = frozenset({
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
})
ACCEPT = ", ".join(sorted(INDEX_TYPES)) + ", " + ", ".join(sorted(MANIFEST_TYPES))

DOCKER_HUB_API = "registry-1.docker.io"
_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
_VERSION = re.compile(r"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?$")
_MOVING_WORDS = frozenset({"latest", "stable", "lts", "edge", "rolling", "nightly", "current",
                           "mainline", "devel", "beta", "rc", "oldstable", "testing"})
_CHALLENGE_PARAM = re.compile(r'(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')


# -- errors -----------------------------------------------------------------------------


class RegistryError(Exception):
    """A registry request failed; the message never contains credentials."""


class RegistryUnavailable(RegistryError):
    """The registry did not answer (timeout, refused connection, DNS, TLS, 5xx)."""


class AuthError(RegistryError):
    """The registry refused access (401/403 after the token flow)."""


class NotFound(RegistryError):
    """The repository, tag or manifest does not exist (404)."""


class ProtocolError(RegistryError):
    """The registry answered something that is not the distribution API (bad JSON,
    a digest that does not match the body, an unknown media type)."""


class InsecureRegistryError(RegistryError):
    """Plain HTTP to a registry that is neither loopback nor configured as insecure."""


# -- configuration ----------------------------------------------------------------------


def default_cache_dir() -> Path:
    """``$DOCKWISE_CACHE_DIR``, else the platform's user cache directory + ``dockwise``."""
    env = os.environ.get("DOCKWISE_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "dockwise" / "cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "dockwise"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "dockwise"


def _env_list(name: str) -> frozenset[str]:
    raw = os.environ.get(name, "")
    return frozenset(p.strip().lower() for p in raw.split(",") if p.strip())


@dataclass(frozen=True)
class RegistryConfig:
    """How the client talks to registries."""

    platform: str = "linux/amd64"
    timeout: float = 5.0  # seconds, per connect / read
    retries: int = 2  # extra attempts after the first, for retryable failures
    backoff: float = 0.3  # first retry delay; doubles each time
    cache_dir: Path | None = None  # None: default_cache_dir() / "registry"
    cache_ttl: float = 6 * 3600.0  # tag -> manifest and tag lists
    digest_ttl: float = 30 * 24 * 3600.0  # manifests addressed by digest
    use_cache: bool = True
    insecure_registries: frozenset[str] = frozenset()  # hosts (host[:port]) allowed over HTTP
    failure_cooldown: float = 60.0  # seconds a failing host is not asked again
    max_tag_pages: int = 50
    max_version_checks: int = 40  # HEAD requests when looking for a version tag

    @property
    def cache_path(self) -> Path:
        return self.cache_dir if self.cache_dir is not None else default_cache_dir() / "registry"


def _is_loopback(host: str) -> bool:
    name = _hostname(host)
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _hostname(host: str) -> str:
    """``[::1]:5000`` -> ``::1``; ``127.0.0.1:5000`` -> ``127.0.0.1``."""
    h = host.lower()
    if h.startswith("["):
        return h[1:].split("]", 1)[0]
    if h.count(":") == 1:
        return h.split(":", 1)[0]
    return h


# -- references -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Target:
    """Where a reference lives: registry host, repository, and tag or digest."""

    host: str  # e.g. registry-1.docker.io, ghcr.io, 127.0.0.1:5000
    repository: str  # e.g. library/python
    tag: str | None
    digest: str | None

    @property
    def reference(self) -> str:
        return self.digest or self.tag or "latest"


def split_reference(ref: str) -> Target:
    """``python:3.13`` -> (registry-1.docker.io, library/python, 3.13, None)."""
    text = ref.strip()
    if not text or "$" in text:
        raise RegistryError(f"not a concrete image reference: {text!r}")
    parts = parse_reference(text)
    registry = parts.registry
    repo = parts.repository
    if registry is None or registry.lower() in DOCKER_HUB or registry.lower() in (
        "hub.docker.com", "registry.hub.docker.com"
    ):
        host = DOCKER_HUB_API
        if "/" not in repo:
            repo = "library/" + repo
    else:
        host = registry.lower()
    if not repo or repo != repo.lower():
        raise RegistryError(f"invalid repository name in {text!r}")
    digest = parts.digest
    if digest is not None and not _DIGEST.match(digest):
        raise RegistryError(f"unsupported digest in {text!r}")
    return Target(host, repo, parts.tag, digest)


# -- results ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlatformManifest:
    platform: str  # os/arch[/variant]
    digest: str
    media_type: str
    size: int | None  # manifest size (bytes), from the index


@dataclass(frozen=True, slots=True)
class Resolved:
    """What a reference resolves to."""

    reference: str
    digest: str  # digest of what the reference names (the index when multi-platform)
    media_type: str
    is_index: bool
    platforms: tuple[PlatformManifest, ...]  # from the index; () for a single manifest
    platform: str | None  # the platform chosen
    manifest_digest: str | None  # the chosen platform's image manifest
    compressed_size: int | None  # sum of that manifest's layer sizes
    layers: int | None


@dataclass(frozen=True, slots=True)
class _Response:
    status: int
    headers: Mapping[str, str]  # lower-case names
    body: bytes
    url: str


# -- the disk cache ---------------------------------------------------------------------


class DiskCache:
    """JSON entries with an expiry, one file per key; corrupt entries are ignored."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        h = hashlib.sha256(key.encode("utf-8")).hexdigest()
        return self.root / h[:2] / f"{h}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        p = self._path(key)
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        expires = data.get("expires")
        if not isinstance(expires, (int, float)) or expires < time.time():
            return None
        value = data.get("value")
        return value if isinstance(value, dict) else None

    def put(self, key: str, value: Mapping[str, Any], ttl: float) -> None:
        p = self._path(key)
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"key": key, "expires": time.time() + ttl, "value": value}, fh)
            os.replace(tmp, p)
        except OSError as e:  # a read-only or full disk must not break the lookup
            log.debug("registry cache not written: %s", e)

    def clear(self) -> None:
        if not self.root.is_dir():
            return
        for p in self.root.glob("*/*.json"):
            try:
                p.unlink()
            except OSError:
                pass


# -- auth challenge ---------------------------------------------------------------------


def parse_challenge(header: str) -> tuple[str, dict[str, str]]:
    """``Bearer realm="…",service="…"`` -> (``bearer``, {realm: …, service: …})."""
    scheme, _, rest = header.strip().partition(" ")
    params = {
        m.group(1).lower(): (m.group(2) if m.group(2) is not None else m.group(3)).replace('\\"', '"')
        for m in _CHALLENGE_PARAM.finditer(rest)
    }
    return scheme.lower(), params


def parse_link_next(header: str | None) -> str | None:
    """The ``rel="next"`` target of a ``Link`` header."""
    if not header:
        return None
    for part in header.split(","):
        m = re.match(r'\s*<([^>]*)>\s*;(.*)$', part)
        if m and re.search(r'rel\s*=\s*"?next"?', m.group(2)):
            return m.group(1)
    return None


# -- the client -------------------------------------------------------------------------


Credentials = Mapping[str, tuple[str, str]]


class RegistryClient:
    """OCI distribution API v2 client; also the pinning :class:`RegistryLookup`."""

    def __init__(
        self,
        config: RegistryConfig | None = None,
        *,
        credentials: Credentials | None = None,
        ssl_context: ssl.SSLContext | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config = config or RegistryConfig()
        self._credentials: dict[str, tuple[str, str]] = {
            k.lower(): v for k, v in (credentials or {}).items()
        }
        self._ssl = ssl_context or ssl.create_default_context()
        self._sleep = sleep
        self._tokens: dict[tuple[str, str], str] = {}
        self._failed: dict[str, float] = {}
        self._lock = threading.Lock()
        self.cache = DiskCache(self.config.cache_path) if self.config.use_cache else None
        self.requests = 0  # network requests made (for tests and diagnostics)

    def __repr__(self) -> str:  # never shows credentials
        hosts = sorted(self._credentials)
        return f"RegistryClient(platform={self.config.platform!r}, credentials_for={hosts!r})"

    # -- transport ----------------------------------------------------------------------

    def _scheme(self, host: str) -> str:
        if _is_loopback(host) or host.lower() in self.config.insecure_registries:
            return "http"
        return "https"

    def _check_url(self, url: str, host: str) -> urllib.parse.SplitResult:
        u = urllib.parse.urlsplit(url)
        if u.scheme == "https":
            return u
        netloc = u.netloc.lower()
        if u.scheme == "http" and (
            _is_loopback(netloc) or netloc in self.config.insecure_registries
        ):
            return u
        raise InsecureRegistryError(
            f"refusing {u.scheme or 'non-HTTPS'} request to {netloc or host}: only HTTPS, "
            "loopback, or a configured insecure registry"
        )

    def _once(self, method: str, url: str, headers: Mapping[str, str], host: str) -> _Response:
        """One HTTP exchange, following same-host redirects (auth is dropped on others)."""
        hdrs = dict(headers)
        for _ in range(5):
            u = self._check_url(url, host)
            path = u.path or "/"
            if u.query:
                path += "?" + u.query
            conn: http.client.HTTPConnection
            if u.scheme == "https":
                conn = http.client.HTTPSConnection(
                    u.netloc, timeout=self.config.timeout, context=self._ssl
                )
            else:
                conn = http.client.HTTPConnection(u.netloc, timeout=self.config.timeout)
            self.requests += 1
            try:
                conn.request(method, path, headers={"User-Agent": "dockwise", **hdrs})
                resp = conn.getresponse()
                body = resp.read() if method != "HEAD" else b""
                rh = {k.lower(): v for k, v in resp.getheaders()}
                status = resp.status
            finally:
                conn.close()
            if status in (301, 302, 303, 307, 308) and "location" in rh:
                new = urllib.parse.urljoin(url, rh["location"])
                if urllib.parse.urlsplit(new).netloc.lower() != u.netloc.lower():
                    hdrs.pop("Authorization", None)
                if u.scheme == "https" and urllib.parse.urlsplit(new).scheme != "https":
                    raise InsecureRegistryError(f"refusing redirect from HTTPS to {new.split('?')[0]}")
                url = new
                continue
            return _Response(status, rh, body, url)
        raise ProtocolError(f"too many redirects from {host}")

    def _send(self, method: str, url: str, headers: Mapping[str, str], host: str) -> _Response:
        """With retries and backoff for network errors, 429 and 5xx."""
        delay = self.config.backoff
        last: Exception | None = None
        for attempt in range(self.config.retries + 1):
            if attempt:
                self._sleep(delay)
                delay *= 2
            try:
                resp = self._once(method, url, headers, host)
            except InsecureRegistryError:
                raise
            except (OSError, http.client.HTTPException) as e:  # timeouts are OSError
                last = e
                continue
            if resp.status == 429 or resp.status >= 500:
                last = RegistryUnavailable(f"{host} answered HTTP {resp.status}")
                continue
            return resp
        if isinstance(last, RegistryError):
            raise last
        kind = "timed out" if isinstance(last, (TimeoutError, socket.timeout)) else "failed"
        raise RegistryUnavailable(f"request to {host} {kind}: {type(last).__name__}")

    def _token(self, host: str, challenge: Mapping[str, str], scope_hint: str) -> str:
        realm = challenge.get("realm")
        if not realm:
            raise AuthError(f"{host} sent a bearer challenge without a realm")
        scope = challenge.get("scope") or scope_hint
        key = (host, scope)
        with self._lock:
            cached = self._tokens.get(key)
        if cached:
            return cached
        query: dict[str, str] = {}
        if challenge.get("service"):
            query["service"] = challenge["service"]
        if scope:
            query["scope"] = scope
        url = realm + ("&" if "?" in realm else "?") + urllib.parse.urlencode(query)
        realm_host = urllib.parse.urlsplit(realm).netloc.lower()
        headers = {"Accept": "application/json"}
        cred = self._credentials.get(host)
        if cred is not None:
            headers["Authorization"] = _basic(cred)
        resp = self._send("GET", url, headers, realm_host or host)
        if resp.status in (401, 403):
            raise AuthError(f"{host}: the token service refused access to {scope or 'the registry'}")
        if resp.status != 200:
            raise AuthError(f"{host}: the token service answered HTTP {resp.status}")
        data = _json(resp.body, f"token from {realm_host or host}")
        token = data.get("token") or data.get("access_token")
        if not isinstance(token, str) or not token:
            raise ProtocolError(f"{host}: the token service sent no token")
        with self._lock:
            self._tokens[key] = token
        return token

    def _request(self, method: str, host: str, path: str, *, accept: str | None = None,
                 scope: str = "") -> _Response:
        now = time.monotonic()
        with self._lock:
            until = self._failed.get(host)
        if until is not None and until > now:
            raise RegistryUnavailable(f"{host} failed recently; not asked again yet")
        url = f"{self._scheme(host)}://{host}{path}"
        headers: dict[str, str] = {}
        if accept:
            headers["Accept"] = accept
        with self._lock:
            token = self._tokens.get((host, scope))
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            resp = self._send(method, url, headers, host)
            if resp.status == 401:
                challenge = resp.headers.get("www-authenticate", "")
                scheme, params = parse_challenge(challenge)
                if scheme == "bearer":
                    with self._lock:
                        self._tokens.pop((host, scope), None)
                    token = self._token(host, params, scope)
                    with self._lock:
                        self._tokens[(host, scope)] = token
                    headers["Authorization"] = f"Bearer {token}"
                    resp = self._send(method, url, headers, host)
                elif scheme == "basic" and host in self._credentials:
                    headers["Authorization"] = _basic(self._credentials[host])
                    resp = self._send(method, url, headers, host)
        except RegistryUnavailable:
            with self._lock:
                self._failed[host] = time.monotonic() + self.config.failure_cooldown
            raise
        if resp.status in (401, 403):
            raise AuthError(f"{host} refused access to {path.split('?')[0]} (HTTP {resp.status})")
        if resp.status == 404:
            raise NotFound(f"{host}{path.split('?')[0]} not found")
        if resp.status >= 400:
            raise RegistryError(f"{host} answered HTTP {resp.status} for {path.split('?')[0]}")
        return resp

    # -- manifests ----------------------------------------------------------------------

    def _manifest(self, target: Target, reference: str | None = None,
                  *, head: bool = False) -> tuple[str, str, bytes | None]:
        """(digest, media type, body or None for HEAD) of a tag or digest."""
        ref = reference or target.reference
        key = f"manifest|{target.host}|{target.repository}|{ref}|{'head' if head else 'get'}"
        by_digest = bool(_DIGEST.match(ref))
        if self.cache is not None:
            hit = self.cache.get(key)
            if hit is not None:
                body = hit.get("body")
                return (str(hit["digest"]), str(hit["media_type"]),
                        base64.b64decode(body) if isinstance(body, str) else None)
        scope = f"repository:{target.repository}:pull"
        path = f"/v2/{target.repository}/manifests/{urllib.parse.quote(ref, safe=':')}"
        resp = self._request("HEAD" if head else "GET", target.host, path, accept=ACCEPT,
                             scope=scope)
        media = resp.headers.get("content-type", "").split(";", 1)[0].strip()
        header_digest = resp.headers.get("docker-content-digest")
        if head:
            if not header_digest or not _DIGEST.match(header_digest):
                raise ProtocolError(f"{target.host} sent no Docker-Content-Digest")
            digest, body = header_digest, None
        else:
            body = resp.body
            digest = "sha256:" + hashlib.sha256(body).hexdigest()
            if header_digest and header_digest != digest:
                raise ProtocolError(f"{target.host}: Docker-Content-Digest does not match the body")
            if by_digest and digest != ref:
                raise ProtocolError(f"{target.host}: the manifest body does not match {ref}")
            data = _json(body, f"manifest from {target.host}")
            media = str(data.get("mediaType") or media)
        if self.cache is not None:
            value: dict[str, Any] = {"digest": digest, "media_type": media}
            if body is not None:
                value["body"] = base64.b64encode(body).decode("ascii")
            self.cache.put(key, value,
                           self.config.digest_ttl if by_digest else self.config.cache_ttl)
        return digest, media, body

    def resolve(self, reference: str, *, platform: str | None = None) -> Resolved:
        """Resolve a reference: its digest, and for its platform manifest the size."""
        target = split_reference(reference)
        digest, media, body = self._manifest(target)
        assert body is not None
        data = _json(body, f"manifest from {target.host}")
        want = platform or self.config.platform
        if media in INDEX_TYPES or "manifests" in data:
            plats = tuple(_platforms(data))
            chosen = _choose(plats, want)
            if chosen is None:
                return Resolved(reference, digest, media, True, plats, None, None, None, None)
            _, _, mbody = self._manifest(target, chosen.digest)
            assert mbody is not None
            size, layers = _layer_size(_json(mbody, f"manifest from {target.host}"))
            return Resolved(reference, digest, media, True, plats, chosen.platform,
                            chosen.digest, size, layers)
        if media and media not in MANIFEST_TYPES and "layers" not in data:
            raise ProtocolError(f"{target.host}: unsupported manifest type {media!r}")
        size, layers = _layer_size(data)
        return Resolved(reference, digest, media, False, (), None, digest, size, layers)

    def digest(self, reference: str) -> str:
        """The digest a reference names (its index when multi-platform), by HEAD when
        the registry sends ``Docker-Content-Digest`` (cheaper; not a Docker Hub pull)."""
        target = split_reference(reference)
        if target.digest:
            return target.digest
        try:
            return self._manifest(target, head=True)[0]
        except ProtocolError:
            return self._manifest(target)[0]

    def compressed_size(self, reference: str, *, platform: str | None = None) -> int | None:
        return self.resolve(reference, platform=platform).compressed_size

    def list_tags(self, repository: str, *, page_size: int | None = None) -> list[str]:
        """Every tag of a repository (``python``, ``ghcr.io/org/app``), following pages."""
        target = split_reference(repository)
        key = f"tags|{target.host}|{target.repository}|{page_size}"
        if self.cache is not None:
            hit = self.cache.get(key)
            if hit is not None and isinstance(hit.get("tags"), list):
                return [str(t) for t in hit["tags"]]
        scope = f"repository:{target.repository}:pull"
        path = f"/v2/{target.repository}/tags/list"
        if page_size:
            path += f"?n={int(page_size)}"
        tags: list[str] = []
        seen_paths: set[str] = set()
        for _ in range(self.config.max_tag_pages):
            seen_paths.add(path)
            resp = self._request("GET", target.host, path, accept="application/json",
                                 scope=scope)
            data = _json(resp.body, f"tag list from {target.host}")
            page = data.get("tags")
            if page is None:
                page = []
            if not isinstance(page, list) or not all(isinstance(t, str) for t in page):
                raise ProtocolError(f"{target.host}: the tag list is not a list of strings")
            tags.extend(page)
            nxt = parse_link_next(resp.headers.get("link"))
            if not nxt:
                break
            u = urllib.parse.urlsplit(urllib.parse.urljoin(f"http://{target.host}{path}", nxt))
            if u.netloc and u.netloc.lower() != target.host:
                raise ProtocolError(f"{target.host}: pagination points to another host")
            path = u.path + (f"?{u.query}" if u.query else "")
            if path in seen_paths:
                break
        if self.cache is not None:
            self.cache.put(key, {"tags": tags}, self.config.cache_ttl)
        return tags

    # -- RegistryLookup -----------------------------------------------------------------

    def index_digest(self, reference: str) -> str | None:
        try:
            return self.digest(reference)
        except RegistryError as e:
            log.debug("index digest of %s not resolved: %s", _safe(reference), e)
            return None

    def version_tag(self, reference: str) -> str | None:
        try:
            return self._version_tag(reference)
        except RegistryError as e:
            log.debug("version tag of %s not resolved: %s", _safe(reference), e)
            return None

    def _version_tag(self, reference: str) -> str | None:
        target = split_reference(reference)
        tag = target.tag or "latest"
        suffix = variant_suffix(tag)
        if suffix is None:
            return None
        want = self.digest(reference if target.tag else reference + ":latest")
        name = reference.strip().split("@", 1)[0]
        parts = parse_reference(name)
        repo_ref = name[: parts.name_range[1]]
        candidates = version_candidates(self.list_tags(repo_ref), suffix)
        best: tuple[int, tuple[int, ...], str] | None = None
        for checked, (version, cand) in enumerate(candidates):
            if checked >= self.config.max_version_checks:
                break
            if best is not None and version[:1] != best[1][:1]:
                break  # past the matching major version
            try:
                d = self._manifest(target, cand, head=True)[0]
            except ProtocolError:
                d = self._manifest(target, cand)[0]
            except NotFound:
                continue
            if d == want:
                score = (len(version), version, cand)
                if best is None or score[:2] > best[:2]:
                    best = score
        return best[2] if best else None


def variant_suffix(tag: str) -> str | None:
    """The variant part a version pin must keep: ``latest`` -> ``""``;
    ``lts-alpine`` -> ``-alpine``; ``slim`` -> ``-slim``; None for version tags."""
    low = tag.lower()
    if _VERSION.match(low) or low[:1].isdigit():
        return None
    head, sep, rest = low.partition("-")
    if head in _MOVING_WORDS:
        return sep + rest
    return "-" + low  # a bare variant (``slim``, ``alpine``) follows ``latest``


def version_candidates(tags: Iterable[str], suffix: str) -> list[tuple[tuple[int, ...], str]]:
    """Version tags with exactly ``suffix``, newest and most specific first."""
    out: list[tuple[tuple[int, ...], str]] = []
    for t in tags:
        if suffix and not t.lower().endswith(suffix):
            continue
        head = t[: len(t) - len(suffix)] if suffix else t
        m = _VERSION.match(head)
        if not m:
            continue
        version = tuple(int(g) for g in m.groups() if g is not None)
        out.append((version, t))
    out.sort(key=lambda vt: (vt[0], len(vt[0])), reverse=True)
    return out


def _platforms(index: Mapping[str, Any]) -> Iterable[PlatformManifest]:
    manifests = index.get("manifests")
    if not isinstance(manifests, list):
        raise ProtocolError("the index has no manifest list")
    for m in manifests:
        if not isinstance(m, dict):
            raise ProtocolError("an index entry is not an object")
        plat = m.get("platform") if isinstance(m.get("platform"), dict) else {}
        assert isinstance(plat, dict)
        os_ = str(plat.get("os", "unknown"))
        arch = str(plat.get("architecture", "unknown"))
        variant = plat.get("variant")
        name = f"{os_}/{arch}" + (f"/{variant}" if variant else "")
        digest = m.get("digest")
        if not isinstance(digest, str) or not _DIGEST.match(digest):
            raise ProtocolError("an index entry has no valid digest")
        size = m.get("size")
        yield PlatformManifest(name, digest, str(m.get("mediaType", "")),
                               size if isinstance(size, int) else None)


def _choose(plats: Iterable[PlatformManifest], want: str) -> PlatformManifest | None:
    w = want.lower().split("/")
    w_os, w_arch = w[0], w[1] if len(w) > 1 else "amd64"
    w_var = w[2] if len(w) > 2 else None
    fallback: PlatformManifest | None = None
    for p in plats:
        parts = p.platform.lower().split("/")
        if parts[0] != w_os or len(parts) < 2 or parts[1] != w_arch:
            continue
        var = parts[2] if len(parts) > 2 else None
        if w_var is None or var == w_var:
            if var is None or w_var is not None:
                return p
            fallback = fallback or p
        elif w_arch == "arm64" and w_var == "v8" and var is None:
            fallback = fallback or p
    return fallback


def _layer_size(manifest: Mapping[str, Any]) -> tuple[int | None, int | None]:
    layers = manifest.get("layers")
    if not isinstance(layers, list):
        return None, None
    total = 0
    for layer in layers:
        size = layer.get("size") if isinstance(layer, dict) else None
        if not isinstance(size, int) or size < 0:
            raise ProtocolError("a layer has no valid size")
        total += size
    return total, len(layers)


def _json(body: bytes, what: str) -> dict[str, Any]:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ProtocolError(f"{what} is not valid JSON") from None
    if not isinstance(data, dict):
        raise ProtocolError(f"{what} is not a JSON object")
    return data


def _basic(cred: tuple[str, str]) -> str:
    raw = f"{cred[0]}:{cred[1]}".encode()
    return "Basic " + base64.b64encode(raw).decode("ascii")


def _safe(reference: str) -> str:
    """A reference for a log line (references carry no secrets, but cut odd input)."""
    return reference.strip()[:200]


# -- wiring -----------------------------------------------------------------------------

_clients: dict[RegistryConfig, RegistryClient] = {}
_clients_lock = threading.Lock()


def config_from_settings(settings: Any) -> RegistryConfig:
    """The client configuration for dockwise settings. Optional attributes
    (``registry_platform``, ``registry_cache_dir``, ``insecure_registries``) are read
    when the settings carry them; else ``$DOCKWISE_REGISTRY_PLATFORM``,
    ``$DOCKWISE_CACHE_DIR`` and ``$DOCKWISE_INSECURE_REGISTRIES`` (comma-separated)."""
    platform = getattr(settings, "registry_platform", None) or os.environ.get(
        "DOCKWISE_REGISTRY_PLATFORM") or "linux/amd64"
    cache = getattr(settings, "registry_cache_dir", None)
    insecure = getattr(settings, "insecure_registries", None)
    hosts = (frozenset(str(h).lower() for h in insecure) if insecure
             else _env_list("DOCKWISE_INSECURE_REGISTRIES"))
    return RegistryConfig(
        platform=str(platform),
        cache_dir=Path(cache) if cache else None,
        insecure_registries=hosts,
    )


def lookup_for(settings: Any) -> RegistryClient | None:
    """The shared registry client when ``registry-lookup = true``, else None."""
    if not getattr(settings, "registry_lookup", False):
        return None
    cfg = config_from_settings(settings)
    with _clients_lock:
        client = _clients.get(cfg)
        if client is None:
            client = _clients[cfg] = RegistryClient(cfg)
        return client


def reset_clients() -> None:
    """Forget the shared clients (tokens, failed hosts); for tests and config reloads."""
    with _clients_lock:
        _clients.clear()


__all__ = [
    "AuthError",
    "DiskCache",
    "InsecureRegistryError",
    "NotFound",
    "PlatformManifest",
    "ProtocolError",
    "RegistryClient",
    "RegistryConfig",
    "RegistryError",
    "RegistryUnavailable",
    "Resolved",
    "Target",
    "default_cache_dir",
    "lookup_for",
    "split_reference",
]
