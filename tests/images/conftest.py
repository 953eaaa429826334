"""Registries for the image tests.

- ``real_registry``: Debian's ``docker-registry`` (the CNCF distribution registry),
  started on loopback with filesystem storage in a temporary directory; tests push
  small synthetic images to it over the HTTP API. Skipped, with the reason, only
  when the binary is not installed (``apt-get install docker-registry``).
- ``fake_registry``: a loopback ``http.server`` for what a stock registry cannot
  produce: the bearer-token challenge, 401s, garbage JSON, a server that never answers.
"""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from registry_helpers import FakeRegistry, RealRegistry, find_binary, free_port, make_handler

from dockwise.images import registry as registry_mod


@pytest.fixture(scope="session")
def real_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealRegistry]:
    binary = find_binary()
    if binary is None:
        pytest.skip("docker-registry is not installed (Debian/Ubuntu: "
                    "`apt-get install docker-registry`); .ci/run installs it")
    root = tmp_path_factory.mktemp("registry")
    port = free_port()
    config = root / "config.yml"
    config.write_text(
        "version: 0.1\n"
        "log:\n  level: error\n  accesslog:\n    disabled: true\n"
        "storage:\n"
        f"  filesystem:\n    rootdirectory: {root / 'data'}\n"
        "  delete:\n    enabled: true\n"
        f"http:\n  addr: 127.0.0.1:{port}\n",
        encoding="utf-8",
    )
    log = (root / "registry.log").open("wb")
    proc = subprocess.Popen([binary, "serve", str(config)], stdout=log, stderr=log)
    reg = RealRegistry(f"127.0.0.1:{port}", root)
    try:
        deadline = time.monotonic() + 20
        while True:
            if proc.poll() is not None:
                log.flush()
                pytest.fail("docker-registry exited: "
                            + (root / "registry.log").read_text(errors="replace")[-2000:])
            try:
                if reg.request("GET", "/v2/")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("docker-registry did not start within 20 s")
            time.sleep(0.1)
        yield reg
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture
def fake_registry() -> Iterator[FakeRegistry]:
    fake = FakeRegistry("")
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(fake))
    fake.host = f"127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A loopback socket that accepts connections and never answers."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        sock.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
                accepted.append(conn)
            except OSError:
                continue

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    try:
        yield f"127.0.0.1:{sock.getsockname()[1]}"
    finally:
        stop.set()
        t.join(2)
        for c in accepted:
            c.close()
        sock.close()


@pytest.fixture(autouse=True)
def _isolated_registry_clients(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test gets its own cache directory and fresh shared clients."""
    monkeypatch.setenv("DOCKWISE_CACHE_DIR", str(tmp_path / "cache"))
    registry_mod.reset_clients()
    yield
    registry_mod.reset_clients()
