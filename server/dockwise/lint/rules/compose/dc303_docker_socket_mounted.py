"""
## What it does
Reports a bind mount of the Docker or Podman API socket, in the short (`- /var/run/
docker.sock:/var/run/docker.sock`) or long (`type: bind`, `source: …`) syntax:
`/var/run/docker.sock`, `/run/docker.sock`, `//var/run/docker.sock` (Docker Desktop on
Windows), rootless `$XDG_RUNTIME_DIR/docker.sock` / `/run/user/<uid>/docker.sock`,
`~/.docker/run/docker.sock` (Docker Desktop), Podman's `…/podman/podman.sock`, and the
Windows named pipe `\\\\.\\pipe\\docker_engine`. Interpolation defaults are followed
(`${DOCKER_SOCK:-/var/run/docker.sock}`).

A read-only mount (`:ro`, `read_only: true`) does **not** mitigate it: it stops writes
to the socket *file*, not API calls over it.

## Why is this bad?
Whoever talks to the socket controls the Docker daemon: it can start a privileged
container that mounts the host's `/`, i.e. it is root on the host. A compromise of this
service is a compromise of the machine.

## Example
```yaml
services:
  traefik:
    image: traefik:v3.2
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
```
Use instead: a socket proxy that allows only the API calls needed (e.g.
`tecnativa/docker-socket-proxy` with `CONTAINERS=1`), and point the service at it.

## Fix safety
No automatic fix.
"""

from __future__ import annotations

import posixpath

from dockwise.compose import interpolation
from dockwise.compose.service import volumes
from dockwise.compose.yaml_model import get
from dockwise.lint.engine import ComposeContext
from dockwise.lint.registry import rule
from dockwise.lint.types import Severity

#: findings for a service depend on that service alone (see dockwise.compose.incremental)
SERVICE_LOCAL = True

_SOCKETS = frozenset({"docker.sock", "podman.sock"})
_PIPES = frozenset({r"\\.\pipe\docker_engine", "//./pipe/docker_engine"})


def socket_path(source: str, env: dict[str, str]) -> str | None:
    """The socket a mount source names, else None."""
    candidates = [source]
    if "$" in source:
        candidates.append(interpolation.substitute(source, env).value)
    for c in candidates:
        c = c.strip()
        if c.lower() in _PIPES:
            return c
        if posixpath.basename(c.replace("\\", "/")) in _SOCKETS:
            return c
    return None


@rule(code="DC303", name="docker-socket-mounted", severity=Severity.WARNING)
def check(ctx: ComposeContext) -> None:
    for svc in ctx.services:
        for m in volumes(svc, ctx.text):
            if m.source is None or m.type not in ("bind", "npipe", "volume"):
                continue
            if m.type == "volume" and not m.short:
                continue
            sock = socket_path(m.source, ctx.project.env)
            if sock is None:
                continue
            ro = (" — read-only does not help: it protects the socket file, not the API"
                  if m.read_only else "")
            where = m.node if m.short else (get(m.node, "source") or m.node)
            ctx.report(where, f"service `{svc.name}` mounts the container engine's socket "
                       f"(`{m.source}`): it can control the daemon and so is root on the host"
                       f"{ro}; use a socket proxy that allows only the calls it needs")
