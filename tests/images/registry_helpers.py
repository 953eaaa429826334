"""Helpers for the registry tests: push synthetic images, a scriptable fake registry."""

from __future__ import annotations

import hashlib
import http.client
import json
import shutil
import socket
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

BINARY_CANDIDATES = ("/usr/bin/docker-registry", "docker-registry", "registry")

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def find_binary() -> str | None:
    for cand in BINARY_CANDIDATES:
        found = shutil.which(cand)
        if found:
            return found
    return None


@dataclass
class PushedImage:
    digest: str  # what the tag names: the index, or the manifest when single-platform
    manifests: dict[str, str]  # platform -> image manifest digest
    sizes: dict[str, int]  # platform -> sum of layer sizes


@dataclass
class RealRegistry:
    host: str  # 127.0.0.1:<port>
    root: Path

    def _conn(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, timeout=10)

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        conn = self._conn()
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
        finally:
            conn.close()

    def push_blob(self, repo: str, data: bytes) -> str:
        digest = sha256(data)
        status, headers, _ = self.request("POST", f"/v2/{repo}/blobs/uploads/")
        assert status == 202, status
        loc = headers["location"]
        u = urllib.parse.urlsplit(loc)
        path = u.path + "?" + (u.query + "&" if u.query else "") + urllib.parse.urlencode(
            {"digest": digest})
        status, _, body = self.request(
            "PUT", path, body=data,
            headers={"Content-Type": "application/octet-stream",
                     "Content-Length": str(len(data))})
        assert status == 201, (status, body)
        return digest

    def push_manifest(self, repo: str, reference: str, manifest: dict[str, Any],
                      media_type: str) -> str:
        raw = json.dumps(manifest, indent=3).encode()
        status, headers, body = self.request(
            "PUT", f"/v2/{repo}/manifests/{reference}", body=raw,
            headers={"Content-Type": media_type})
        assert status == 201, (status, body)
        digest = sha256(raw)
        assert headers.get("docker-content-digest") == digest
        return digest

    def push_image(self, repo: str, tags: list[str], *, seed: str = "",
                   platforms: tuple[str, ...] = ("linux/amd64", "linux/arm64/v8"),
                   index: bool = True, layers: int = 2,
                   docker_types: bool = False) -> PushedImage:
        """Push a synthetic image (random-looking small layers) under every tag."""
        mtype = DOCKER_MANIFEST if docker_types else OCI_MANIFEST
        ctype = DOCKER_CONFIG if docker_types else OCI_CONFIG
        ltype = DOCKER_LAYER if docker_types else OCI_LAYER
        entries: list[dict[str, Any]] = []
        manifests: dict[str, str] = {}
        sizes: dict[str, int] = {}
        for plat in platforms if index else platforms[:1]:
            os_, arch, *variant = plat.split("/")
            layer_descs = []
            for i in range(layers):
                blob = hashlib.sha512(f"{repo}|{seed}|{plat}|{i}".encode()).digest() * (i + 3)
                d = self.push_blob(repo, blob)
                layer_descs.append({"mediaType": ltype, "digest": d, "size": len(blob)})
            config = json.dumps({"architecture": arch, "os": os_,
                                 "rootfs": {"type": "layers", "diff_ids": []},
                                 "config": {}, "seed": seed}).encode()
            cd = self.push_blob(repo, config)
            manifest = {"schemaVersion": 2, "mediaType": mtype,
                        "config": {"mediaType": ctype, "digest": cd, "size": len(config)},
                        "layers": layer_descs}
            raw = json.dumps(manifest, indent=3).encode()
            refs = [sha256(raw)] if index else tags
            md = ""
            for ref in refs:
                md = self.push_manifest(repo, ref, manifest, mtype)
            manifests[plat] = md
            sizes[plat] = sum(int(x["size"]) for x in layer_descs)
            platform: dict[str, Any] = {"architecture": arch, "os": os_}
            if variant:
                platform["variant"] = variant[0]
            entries.append({"mediaType": mtype, "digest": md, "size": len(raw),
                            "platform": platform})
        if index:
            idx = {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": entries}
            digest = ""
            for tag in tags:
                digest = self.push_manifest(repo, tag, idx, OCI_INDEX)
        else:
            digest = next(iter(manifests.values()))
        return PushedImage(digest, manifests, sizes)


# -- the fake ---------------------------------------------------------------------------


@dataclass
class FakeRegistry:
    """Scripted answers: ``routes[path] = handler(request) -> (status, headers, body)``."""

    host: str
    routes: dict[str, Callable[[BaseHTTPRequestHandler], tuple[int, dict[str, str], bytes]]] = (
        field(default_factory=dict))
    seen: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://{self.host}"


def make_handler(fake: FakeRegistry) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _serve(self) -> None:
            fake.seen.append((self.command, self.path, {k.lower(): v for k, v in self.headers.items()}))
            path = self.path.split("?", 1)[0]
            handler = fake.routes.get(path)
            if handler is None:
                status, headers, body = 404, {}, b'{"errors":[{"code":"NAME_UNKNOWN"}]}'
            else:
                status, headers, body = handler(self)
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_GET = _serve
        do_HEAD = _serve

    return Handler
