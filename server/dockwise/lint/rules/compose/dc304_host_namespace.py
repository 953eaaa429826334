"""
## What it does
Reports a service that shares a namespace with the host: `network_mode: host`,
`pid: host`, `ipc: host`, `uts: host`, `cgroup: host`, `userns_mode: host`.

## Why is this bad?
Each removes one layer of isolation: `network_mode: host` exposes every port the
service opens on all host interfaces (and `ports:` is ignored); `pid: host` lets it see
and signal host processes; `ipc: host` shares host shared memory; `uts: host` lets it
change the host name; `cgroup: host` exposes the host's cgroup tree; `userns_mode: host`
disables user-namespace remapping.

`ipc: host` is often used only to get a bigger `/dev/shm` (PyTorch DataLoader workers);
`shm_size: 8gb` does that without sharing the host's IPC namespace — the message says so.

## Example
```yaml
services:
  train:
    image: pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime
    ipc: host
```
Use instead:
```yaml
    shm_size: 8gb
```

## Fix safety
No automatic fix: whether the service really needs the host namespace is the author's
call.
"""

from __future__ import annotations

from dockwise.compose.service import text_of
from dockwise.lint.engine import ComposeContext
from dockwise.lint.registry import rule
from dockwise.lint.types import Severity

#: findings for a service depend on that service alone (see dockwise.compose.incremental)
SERVICE_LOCAL = True

_WHY = {
    "network_mode": "uses the host's network stack: every port it opens is reachable on "
                    "all host interfaces and `ports:` is ignored",
    "pid": "shares the host's process namespace: it can see and signal host processes",
    "ipc": "shares the host's IPC namespace (shared memory, semaphores)",
    "uts": "shares the host's UTS namespace: it can change the host name",
    "cgroup": "shares the host's cgroup namespace",
    "userns_mode": "disables user-namespace remapping (container root is host root)",
}


@rule(code="DC304", name="host-namespace", severity=Severity.WARNING)
def check(ctx: ComposeContext) -> None:
    for svc in ctx.services:
        keys = svc.keys
        for key, why in _WHY.items():
            if key not in keys:
                continue
            node = keys[key]
            if text_of(node, ctx.text) != "host":
                continue
            msg = f"`{key}: host`: service `{svc.name}` {why}"
            if key == "ipc":
                msg += ("; if this is for a larger `/dev/shm` (e.g. PyTorch DataLoader workers), "
                        "set `shm_size` (e.g. `shm_size: 8gb`) instead")
            ctx.report(node, msg)
