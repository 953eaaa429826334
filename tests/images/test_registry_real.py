"""The registry client against a real distribution registry (Debian `docker-registry`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from registry_helpers import RealRegistry

from dockwise.config import Settings
from dockwise.images.catalogue import catalogue
from dockwise.images.pinning import pin_reference
from dockwise.images.registry import (
    NotFound,
    RegistryClient,
    RegistryConfig,
    split_reference,
)
from dockwise.lint.engine import lint_compose_text, lint_dockerfile_text
from dockwise.lint.fixes import apply_edits


def _client(tmp_path: Path, **kw: object) -> RegistryClient:
    return RegistryClient(RegistryConfig(cache_dir=tmp_path / "c", **kw))  # type: ignore[arg-type]


def test_index_digest_and_platform_size(real_registry: RealRegistry, tmp_path: Path) -> None:
    img = real_registry.push_image("dw/multi", ["1.0.0"], seed="a")
    ref = f"{real_registry.host}/dw/multi:1.0.0"
    client = _client(tmp_path)
    res = client.resolve(ref)
    assert res.is_index and res.digest == img.digest
    assert res.platform == "linux/amd64"
    assert res.manifest_digest == img.manifests["linux/amd64"]
    assert res.compressed_size == img.sizes["linux/amd64"]
    assert {p.platform for p in res.platforms} == {"linux/amd64", "linux/arm64/v8"}
    arm = client.resolve(ref, platform="linux/arm64")
    assert arm.manifest_digest == img.manifests["linux/arm64/v8"]
    assert arm.compressed_size == img.sizes["linux/arm64/v8"]
    assert client.digest(ref) == img.digest  # by HEAD
    assert client.index_digest(ref) == img.digest
    # by digest: the same answer
    assert client.resolve(f"{real_registry.host}/dw/multi@{img.digest}").digest == img.digest


def test_single_platform_docker_manifest(real_registry: RealRegistry, tmp_path: Path) -> None:
    img = real_registry.push_image("dw/single", ["2.0", "latest"], seed="s", index=False,
                                   docker_types=True, layers=3)
    client = _client(tmp_path)
    res = client.resolve(f"{real_registry.host}/dw/single:2.0")
    assert not res.is_index
    assert res.digest == img.digest == res.manifest_digest
    assert res.compressed_size == img.sizes["linux/amd64"]
    assert res.layers == 3


def test_tag_listing_with_pagination(real_registry: RealRegistry, tmp_path: Path) -> None:
    tags = [f"1.{i}" for i in range(7)] + ["latest"]
    real_registry.push_image("dw/paged", tags, seed="p")
    client = _client(tmp_path)
    assert sorted(client.list_tags(f"{real_registry.host}/dw/paged")) == sorted(tags)
    # `n=` pages: registries that honour it answer with `Link: <…>; rel="next"` (followed
    # until the end); Debian's distribution 2.8 ignores `n` for tag lists and answers
    # everything at once. Either way the client returns every tag (Link-following
    # itself is checked against the fake registry in test_registry_fake.py).
    paged = client.list_tags(f"{real_registry.host}/dw/paged", page_size=3)
    assert sorted(paged) == sorted(tags)
    status, headers, body = real_registry.request("GET", "/v2/dw/paged/tags/list?n=3")
    assert status == 200
    if 'rel="next"' in headers.get("link", ""):
        assert len(json.loads(body)["tags"]) == 3


def test_missing_repository_and_tag(real_registry: RealRegistry, tmp_path: Path) -> None:
    client = _client(tmp_path)
    with pytest.raises(NotFound):
        client.resolve(f"{real_registry.host}/dw/nothing:1")
    assert client.index_digest(f"{real_registry.host}/dw/nothing:1") is None
    assert client.version_tag(f"{real_registry.host}/dw/nothing:latest") is None


def test_disk_cache_answers_without_network(real_registry: RealRegistry, tmp_path: Path) -> None:
    real_registry.push_image("dw/cached", ["3.1", "latest"], seed="c")
    ref = f"{real_registry.host}/dw/cached:3.1"
    first = _client(tmp_path)
    res = first.resolve(ref)
    tags = first.list_tags(ref)
    second = _client(tmp_path)  # a new process, the same cache directory
    assert second.resolve(ref) == res
    assert second.list_tags(ref) == tags
    assert second.requests == 0
    # entries carry their expiry: written already expired, they are not used
    writer = _client(tmp_path / "x", cache_ttl=-1.0, digest_ttl=-1.0)
    writer.resolve(ref)
    reader = _client(tmp_path / "x")
    assert reader.resolve(ref).digest == res.digest
    assert reader.requests > 0


def test_version_tag_and_pin(real_registry: RealRegistry, tmp_path: Path) -> None:
    host = real_registry.host
    real_registry.push_image("dw/app", ["1.1.0", "1.1"], seed="old")
    new = real_registry.push_image("dw/app", ["1.2.3", "1.2", "1", "latest"], seed="new")
    real_registry.push_image("dw/app", ["1.2.3-alpine", "1.2-alpine", "alpine"], seed="alp")
    client = _client(tmp_path)
    assert client.version_tag(f"{host}/dw/app:latest") == "1.2.3"
    assert client.version_tag(f"{host}/dw/app") == "1.2.3"
    assert client.version_tag(f"{host}/dw/app:alpine") == "1.2.3-alpine"
    pin = pin_reference(f"{host}/dw/app:latest", catalogue(), lookup=client)
    assert pin is not None and pin.source == "registry"
    assert pin.reference == f"{host}/dw/app:1.2.3"
    pin = pin_reference(f"{host}/dw/app:latest", catalogue(), lookup=client, digest=True)
    assert pin is not None
    assert pin.reference == f"{host}/dw/app:1.2.3@{new.digest}"
    assert pin.title == f"Pin `{host}/dw/app:latest` to `{host}/dw/app:1.2.3@{new.digest}`"


def _settings(**kw: object) -> Settings:
    return Settings(registry_lookup=True, **kw)  # type: ignore[arg-type]


def test_df202_fix_end_to_end(real_registry: RealRegistry) -> None:
    host = real_registry.host
    new = real_registry.push_image("dw/svc", ["4.5.6", "4.5", "latest"], seed="svc")
    text = f"FROM {host}/dw/svc:latest\nCMD [\"run\"]\n"
    res = lint_dockerfile_text(text, settings=_settings())
    found = [v for v in res.violations if v.code == "DF202"]
    assert len(found) == 1 and found[0].fix is not None
    assert found[0].fix.title == f"Pin `{host}/dw/svc:latest` to `{host}/dw/svc:4.5.6`"
    fixed = apply_edits(text, found[0].fix.edits)
    assert fixed.startswith(f"FROM {host}/dw/svc:4.5.6\n")
    again = lint_dockerfile_text(fixed, settings=_settings())
    assert not [v for v in again.violations if v.code == "DF202"]
    assert not res.internal_errors and not again.internal_errors
    # with digest pinning asked for (DF202 option `pin-digest`), the index digest
    opts = {"DF202": {"pin-digest": True}}
    res = lint_dockerfile_text(text, settings=_settings(rule_options=opts))
    fix = next(v.fix for v in res.violations if v.code == "DF202")
    assert fix is not None
    fixed = apply_edits(text, fix.edits)
    assert fixed.startswith(f"FROM {host}/dw/svc:4.5.6@{new.digest}\n")
    assert new.digest == split_reference(fixed.split()[1]).digest
    again = lint_dockerfile_text(fixed, settings=_settings(rule_options=opts))
    assert not [v for v in again.violations if v.code in ("DF201", "DF202")]


def test_df201_and_df203_end_to_end(real_registry: RealRegistry) -> None:
    host = real_registry.host
    img = real_registry.push_image("dw/base", ["7.0.1", "7.0", "latest"], seed="b")
    text = f"FROM {host}/dw/base\n"
    res = lint_dockerfile_text(text, settings=_settings())
    fix = next(v.fix for v in res.violations if v.code == "DF201")
    assert fix is not None
    fixed = apply_edits(text, fix.edits)
    assert fixed == f"FROM {host}/dw/base:7.0.1\n"
    # DF203 (off by default): the index digest from the registry
    s = _settings(extend_select=["DF203"])
    res = lint_dockerfile_text(fixed, settings=s)
    df203 = [v for v in res.violations if v.code == "DF203"]
    assert len(df203) == 1 and df203[0].fix is not None
    pinned = apply_edits(fixed, df203[0].fix.edits)
    assert pinned == f"FROM {host}/dw/base:7.0.1@{img.digest}\n"
    again = lint_dockerfile_text(pinned, settings=s)
    assert not [v for v in again.violations if v.code.startswith("DF20")]


def test_dc101_end_to_end(real_registry: RealRegistry, tmp_path: Path) -> None:
    host = real_registry.host
    real_registry.push_image("dw/db", ["16.4", "16", "latest"], seed="db")
    text = f"services:\n  db:\n    image: {host}/dw/db:latest\n"
    path = tmp_path / "compose.yaml"
    path.write_text(text)
    res = lint_compose_text(text, path, _settings())
    dc = [v for v in res.violations if v.code == "DC101"]
    assert len(dc) == 1 and dc[0].fix is not None, res.violations
    fixed = apply_edits(text, dc[0].fix.edits)
    assert f"image: {host}/dw/db:16.4\n" in fixed
    path.write_text(fixed)
    again = lint_compose_text(fixed, path, _settings())
    assert not [v for v in again.violations if v.code == "DC101"]


def test_lookup_off_by_default(real_registry: RealRegistry) -> None:
    host = real_registry.host
    real_registry.push_image("dw/off", ["1.0", "latest"], seed="off")
    res = lint_dockerfile_text(f"FROM {host}/dw/off:latest\n")
    v = next(v for v in res.violations if v.code == "DF202")
    assert v.fix is None  # offline: not in the catalogue, nothing asked
