"""The registry client against a scripted loopback fake: what a stock registry cannot
produce (the bearer-token challenge, 401s, garbage JSON, a server that never answers)."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from registry_helpers import OCI_INDEX, OCI_MANIFEST, FakeRegistry

from dockwise.config import Settings
from dockwise.images.registry import (
    AuthError,
    InsecureRegistryError,
    ProtocolError,
    RegistryClient,
    RegistryConfig,
    RegistryUnavailable,
    lookup_for,
    parse_challenge,
    parse_link_next,
    split_reference,
    variant_suffix,
    version_candidates,
)

Reply = tuple[int, dict[str, str], bytes]


def _client(tmp_path: Path, **kw: object) -> RegistryClient:
    cfg = RegistryConfig(cache_dir=tmp_path / "cache", timeout=1.0, backoff=0.01, **kw)  # type: ignore[arg-type]
    return RegistryClient(cfg, sleep=lambda s: None)


def _manifest() -> bytes:
    return json.dumps({
        "schemaVersion": 2, "mediaType": OCI_MANIFEST,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": "sha256:" + "1" * 64, "size": 10},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                    "digest": "sha256:" + "2" * 64, "size": 1000},
                   {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                    "digest": "sha256:" + "3" * 64, "size": 234}],
    }).encode()


def _digest(body: bytes) -> str:
    return "sha256:" + hashlib.sha256(body).hexdigest()


def _bearer_protected(fake: FakeRegistry, token: str, body: bytes,
                      ctype: str = OCI_MANIFEST) -> None:
    def token_endpoint(h: BaseHTTPRequestHandler) -> Reply:
        assert "scope=repository%3Aorg%2Fapp%3Apull" in h.path
        assert "service=fake" in h.path
        return 200, {"Content-Type": "application/json"}, json.dumps({"token": token}).encode()

    def manifest(h: BaseHTTPRequestHandler) -> Reply:
        if h.headers.get("Authorization") != f"Bearer {token}":
            challenge = (f'Bearer realm="http://{fake.host}/token",service="fake",'
                         'scope="repository:org/app:pull"')
            return 401, {"WWW-Authenticate": challenge}, b'{"errors":[]}'
        return 200, {"Content-Type": ctype, "Docker-Content-Digest": _digest(body)}, body

    fake.routes["/token"] = token_endpoint
    fake.routes["/v2/org/app/manifests/1.0"] = manifest


def test_bearer_token_flow(fake_registry: FakeRegistry, tmp_path: Path) -> None:
    body = _manifest()
    _bearer_protected(fake_registry, "tok-123", body)
    client = _client(tmp_path)
    res = client.resolve(f"{fake_registry.host}/org/app:1.0")
    assert res.digest == _digest(body)
    assert res.compressed_size == 1234 and res.layers == 2
    paths = [p.split("?")[0] for _, p, _ in fake_registry.seen]
    assert paths == ["/v2/org/app/manifests/1.0", "/token", "/v2/org/app/manifests/1.0"]
    # the token is reused (memory), never written to the disk cache
    assert client.digest(f"{fake_registry.host}/org/app:1.0") == _digest(body)
    assert fake_registry.seen[-1][2].get("authorization") == "Bearer tok-123"
    assert not any(b"tok-123" in p.read_bytes() for p in (tmp_path / "cache").rglob("*.json"))


def test_token_refused_is_auth_error(fake_registry: FakeRegistry, tmp_path: Path) -> None:
    fake_registry.routes["/token"] = lambda h: (401, {}, b"denied")
    fake_registry.routes["/v2/org/app/manifests/1.0"] = lambda h: (
        401, {"WWW-Authenticate": f'Bearer realm="http://{fake_registry.host}/token"'}, b"")
    client = _client(tmp_path)
    with pytest.raises(AuthError):
        client.resolve(f"{fake_registry.host}/org/app:1.0")
    assert client.index_digest(f"{fake_registry.host}/org/app:1.0") is None


def test_plain_401_without_challenge(fake_registry: FakeRegistry, tmp_path: Path) -> None:
    fake_registry.routes["/v2/org/app/manifests/1.0"] = lambda h: (401, {}, b"")
    with pytest.raises(AuthError):
        _client(tmp_path).resolve(f"{fake_registry.host}/org/app:1.0")


def test_credentials_go_to_token_service_and_are_never_logged(
    fake_registry: FakeRegistry, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "s3cr3t-pa55"
    seen_auth: list[str] = []

    def token_endpoint(h: BaseHTTPRequestHandler) -> Reply:
        seen_auth.append(h.headers.get("Authorization", ""))
        return 403, {}, b"no"

    fake_registry.routes["/token"] = token_endpoint
    fake_registry.routes["/v2/org/app/manifests/1.0"] = lambda h: (
        401, {"WWW-Authenticate": f'Bearer realm="http://{fake_registry.host}/token"'}, b"")
    cfg = RegistryConfig(cache_dir=tmp_path / "c", timeout=1.0)
    client = RegistryClient(cfg, credentials={fake_registry.host: ("me", secret)})
    caplog.set_level(logging.DEBUG, logger="dockwise")
    assert client.index_digest(f"{fake_registry.host}/org/app:1.0") is None
    assert seen_auth == ["Basic " + base64.b64encode(f"me:{secret}".encode()).decode()]
    with pytest.raises(AuthError) as info:
        client.resolve(f"{fake_registry.host}/org/app:1.0")
    assert secret not in str(info.value)
    assert secret not in repr(client)
    assert all(secret not in r.getMessage() for r in caplog.records)
    assert caplog.records  # the failure was logged (without the secret)


def test_garbage_json(fake_registry: FakeRegistry, tmp_path: Path) -> None:
    fake_registry.routes["/v2/org/app/manifests/1.0"] = lambda h: (
        200, {"Content-Type": OCI_MANIFEST}, b"<html>not json</html>")
    fake_registry.routes["/v2/org/app/tags/list"] = lambda h: (200, {}, b'{"tags": "nope"}')
    client = _client(tmp_path)
    with pytest.raises(ProtocolError):
        client.resolve(f"{fake_registry.host}/org/app:1.0")
    with pytest.raises(ProtocolError):
        client.list_tags(f"{fake_registry.host}/org/app")
    assert client.version_tag(f"{fake_registry.host}/org/app:latest") is None


def test_digest_header_must_match_body(fake_registry: FakeRegistry, tmp_path: Path) -> None:
    body = _manifest()
    fake_registry.routes["/v2/org/app/manifests/1.0"] = lambda h: (
        200, {"Content-Type": OCI_MANIFEST, "Docker-Content-Digest": "sha256:" + "f" * 64}, body)
    with pytest.raises(ProtocolError):
        _client(tmp_path).resolve(f"{fake_registry.host}/org/app:1.0")


def test_digest_without_header_is_sha256_of_body(fake_registry: FakeRegistry,
                                                  tmp_path: Path) -> None:
    body = _manifest()
    fake_registry.routes["/v2/org/app/manifests/1.0"] = lambda h: (
        200, {"Content-Type": OCI_MANIFEST}, body)
    client = _client(tmp_path)
    # HEAD gives no digest header: the client falls back to GET and hashes the body
    assert client.digest(f"{fake_registry.host}/org/app:1.0") == _digest(body)


def test_index_without_the_platform(fake_registry: FakeRegistry, tmp_path: Path) -> None:
    index = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [
        {"mediaType": OCI_MANIFEST, "digest": "sha256:" + "a" * 64, "size": 10,
         "platform": {"os": "linux", "architecture": "arm64", "variant": "v8"}},
        {"mediaType": OCI_MANIFEST, "digest": "sha256:" + "b" * 64, "size": 10,
         "platform": {"os": "unknown", "architecture": "unknown"}},
    ]}).encode()
    fake_registry.routes["/v2/org/app/manifests/1.0"] = lambda h: (
        200, {"Content-Type": OCI_INDEX}, index)
    res = _client(tmp_path).resolve(f"{fake_registry.host}/org/app:1.0")
    assert res.is_index and res.platform is None and res.compressed_size is None
    assert res.digest == _digest(index)


def test_link_pagination(fake_registry: FakeRegistry, tmp_path: Path) -> None:
    pages = {
        None: (["1.0", "1.1"], "</v2/org/app/tags/list?last=1.1&n=2>; rel=\"next\""),
        "1.1": (["1.2", "2.0"], "</v2/org/app/tags/list?last=2.0&n=2>; rel=\"next\""),
        "2.0": (["latest"], None),
    }

    def tags(h: BaseHTTPRequestHandler) -> Reply:
        last = None
        if "last=" in h.path:
            last = h.path.split("last=")[1].split("&")[0]
        names, link = pages[last]
        headers = {"Content-Type": "application/json"}
        if link:
            headers["Link"] = link
        return 200, headers, json.dumps({"name": "org/app", "tags": names}).encode()

    fake_registry.routes["/v2/org/app/tags/list"] = tags
    client = _client(tmp_path)
    assert client.list_tags(f"{fake_registry.host}/org/app", page_size=2) == [
        "1.0", "1.1", "1.2", "2.0", "latest"]
    assert [p for _, p, _ in fake_registry.seen] == [
        "/v2/org/app/tags/list?n=2",
        "/v2/org/app/tags/list?last=1.1&n=2",
        "/v2/org/app/tags/list?last=2.0&n=2",
    ]


def test_server_errors_are_retried(fake_registry: FakeRegistry, tmp_path: Path) -> None:
    body = _manifest()
    calls: list[int] = []

    def flaky(h: BaseHTTPRequestHandler) -> Reply:
        calls.append(1)
        if len(calls) < 3:
            return 503, {}, b"busy"
        return 200, {"Content-Type": OCI_MANIFEST}, body

    fake_registry.routes["/v2/org/app/manifests/1.0"] = flaky
    delays: list[float] = []
    cfg = RegistryConfig(cache_dir=tmp_path / "c", timeout=1.0, retries=2, backoff=0.5)
    client = RegistryClient(cfg, sleep=delays.append)
    assert client.resolve(f"{fake_registry.host}/org/app:1.0").digest == _digest(body)
    assert delays == [0.5, 1.0]  # exponential backoff


def test_never_answering_registry_times_out(silent_server: str, tmp_path: Path) -> None:
    cfg = RegistryConfig(cache_dir=tmp_path / "c", timeout=0.3, retries=1, backoff=0.01,
                         failure_cooldown=60)
    client = RegistryClient(cfg)
    start = time.monotonic()
    with pytest.raises(RegistryUnavailable, match="timed out"):
        client.resolve(f"{silent_server}/org/app:1.0")
    assert time.monotonic() - start < 5
    # the failing host is not asked again for a while: the next call returns at once
    before = client.requests
    start = time.monotonic()
    assert client.index_digest(f"{silent_server}/org/app:1.0") is None
    assert client.requests == before and time.monotonic() - start < 0.2


def test_https_only_except_loopback_and_configured(tmp_path: Path) -> None:
    client = _client(tmp_path, insecure_registries=frozenset({"registry.internal:5000"}))
    assert client._scheme("registry-1.docker.io") == "https"
    assert client._scheme("ghcr.io") == "https"
    assert client._scheme("127.0.0.1:5000") == "http"
    assert client._scheme("localhost:5000") == "http"
    assert client._scheme("[::1]:5000") == "http"
    assert client._scheme("registry.internal:5000") == "http"
    with pytest.raises(InsecureRegistryError):
        client._check_url("http://registry.example.com/v2/", "registry.example.com")
    client._check_url("http://registry.internal:5000/v2/", "registry.internal:5000")


def test_redirect_to_plain_http_elsewhere_is_refused(fake_registry: FakeRegistry,
                                                      tmp_path: Path) -> None:
    fake_registry.routes["/v2/org/app/manifests/1.0"] = lambda h: (
        307, {"Location": "http://evil.example.com/steal"}, b"")
    with pytest.raises(InsecureRegistryError):
        _client(tmp_path).resolve(f"{fake_registry.host}/org/app:1.0")


def test_version_tag_via_fake(fake_registry: FakeRegistry, tmp_path: Path) -> None:
    digests = {"latest": "sha256:" + "a" * 64, "2.1.0": "sha256:" + "a" * 64,
               "2.1": "sha256:" + "a" * 64, "2": "sha256:" + "a" * 64,
               "2.0.9": "sha256:" + "b" * 64, "1.9": "sha256:" + "c" * 64}
    fake_registry.routes["/v2/org/app/tags/list"] = lambda h: (
        200, {}, json.dumps({"tags": [*digests, "nightly", "2.1.0-alpine"]}).encode())
    for tag, d in digests.items():
        fake_registry.routes[f"/v2/org/app/manifests/{tag}"] = (
            lambda h, d=d: (200, {"Docker-Content-Digest": d, "Content-Type": OCI_INDEX}, b""))
    client = _client(tmp_path)
    assert client.version_tag(f"{fake_registry.host}/org/app:latest") == "2.1.0"
    heads = [p for m, p, _ in fake_registry.seen if m == "HEAD"]
    assert "/v2/org/app/manifests/1.9" not in heads  # stops after the matching major


def test_helpers() -> None:
    scheme, params = parse_challenge(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",'
        'scope="repository:library/python:pull"')
    assert scheme == "bearer"
    assert params == {"realm": "https://auth.docker.io/token", "service": "registry.docker.io",
                      "scope": "repository:library/python:pull"}
    assert parse_link_next('</v2/x/tags/list?last=b&n=2>; rel="next"') == "/v2/x/tags/list?last=b&n=2"
    assert parse_link_next(None) is None
    t = split_reference("python:3.13")
    assert (t.host, t.repository, t.tag) == ("registry-1.docker.io", "library/python", "3.13")
    t = split_reference("docker.io/nvidia/cuda:12.4.1-base-ubuntu22.04")
    assert (t.host, t.repository) == ("registry-1.docker.io", "nvidia/cuda")
    t = split_reference("ghcr.io/org/app@sha256:" + "0" * 64)
    assert (t.host, t.repository, t.digest) == ("ghcr.io", "org/app", "sha256:" + "0" * 64)
    assert variant_suffix("latest") == ""
    assert variant_suffix("lts-alpine") == "-alpine"
    assert variant_suffix("slim") == "-slim"
    assert variant_suffix("3.13") is None
    cands = version_candidates(["3", "3.13", "3.13.1", "3.12-slim", "3.13-slim", "x"], "")
    assert [t for _, t in cands] == ["3.13.1", "3.13", "3"]
    cands = version_candidates(["3.13-slim", "3.13-slim-bookworm", "3-slim"], "-slim")
    assert [t for _, t in cands] == ["3.13-slim", "3-slim"]


def test_lookup_is_off_by_default() -> None:
    assert lookup_for(Settings()) is None
    on = lookup_for(Settings(registry_lookup=True))
    assert on is not None and lookup_for(Settings(registry_lookup=True)) is on
