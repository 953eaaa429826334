"""
## What it does
Reports capabilities and security options that remove the container's confinement.

- **Warning**: `cap_add` of `ALL` or `SYS_ADMIN`; `security_opt` `seccomp:unconfined` /
  `seccomp=unconfined`, `apparmor:unconfined` / `apparmor=unconfined`, `label=disable`
  / `label:disable`, `systempaths=unconfined`.
- **Information**: `cap_add` of `SYS_PTRACE`, `SYS_MODULE`, `NET_ADMIN`,
  `DAC_READ_SEARCH`, `BPF`.

Capability names are compared case-insensitively, with or without the `CAP_` prefix
(`cap_sys_admin`, `CAP_SYS_ADMIN`, `sys_admin` are the same).

## Why is this bad?
`SYS_ADMIN` is "the new root": mount, namespaces, many container escapes. `ALL` is
`privileged` without the devices. Unconfined seccomp/AppArmor/SELinux profiles remove
the kernel-level filters that stop many escapes; `systempaths=unconfined` unmasks
`/proc` and `/sys` paths. `SYS_PTRACE` lets the container read other processes' memory
(with `pid: host`, the host's), `SYS_MODULE` loads kernel modules, `NET_ADMIN`
reconfigures networking, `DAC_READ_SEARCH` bypasses file read permissions (the
"shocker" escape), `BPF` loads eBPF programs.

## Example
```yaml
services:
  app:
    image: my/app:1.0
    cap_add: [SYS_ADMIN]
    security_opt:
      - seccomp:unconfined
```

## Fix safety
No automatic fix: grant the narrowest capability the app needs, or a custom seccomp
profile that allows the one syscall it needs.
"""

from __future__ import annotations

import re

from dockwise.compose.service import text_of
from dockwise.compose.yaml_model import SequenceNode
from dockwise.lint.engine import ComposeContext
from dockwise.lint.registry import rule
from dockwise.lint.types import Severity

#: findings for a service depend on that service alone (see dockwise.compose.incremental)
SERVICE_LOCAL = True

_W_CAPS = {"ALL": "every capability (`privileged` without the devices)",
           "SYS_ADMIN": "mount, namespaces and many container escapes (\"the new root\")"}
_I_CAPS = {"SYS_PTRACE": "reading and tracing other processes' memory",
           "SYS_MODULE": "loading kernel modules",
           "NET_ADMIN": "reconfiguring network interfaces, routes and firewall rules",
           "DAC_READ_SEARCH": "bypassing file read permissions (the \"shocker\" escape)",
           "BPF": "loading eBPF programs into the kernel"}
_OPT = re.compile(r"^\s*(seccomp|apparmor|label|systempaths)\s*[:=]\s*(\S+)\s*$", re.I)
_BAD_OPTS = {("seccomp", "unconfined"): "disables the seccomp syscall filter",
             ("apparmor", "unconfined"): "disables the AppArmor profile",
             ("label", "disable"): "disables SELinux labelling",
             ("systempaths", "unconfined"): "unmasks `/proc` and `/sys` paths"}


def cap_name(raw: str) -> str:
    c = raw.strip().upper()
    return c[4:] if c.startswith("CAP_") else c


@rule(code="DC305", name="dangerous-capabilities", severity=Severity.WARNING)
def check(ctx: ComposeContext) -> None:
    for svc in ctx.services:
        caps = svc.get("cap_add")
        if isinstance(caps, SequenceNode):
            for item in caps.value:
                raw = text_of(item, ctx.text)
                if raw is None:
                    continue
                c = cap_name(raw)
                if c in _W_CAPS:
                    ctx.report(item, f"`cap_add: {raw}` gives service `{svc.name}` {_W_CAPS[c]}; "
                               "add only the narrow capability it needs")
                elif c in _I_CAPS:
                    ctx.report(item, f"`cap_add: {raw}` allows {_I_CAPS[c]}; make sure "
                               f"service `{svc.name}` needs it", severity=Severity.INFORMATION)
        opts = svc.get("security_opt")
        if isinstance(opts, SequenceNode):
            for item in opts.value:
                raw = text_of(item, ctx.text) or ""
                m = _OPT.match(raw)
                if not m:
                    continue
                why = _BAD_OPTS.get((m.group(1).lower(), m.group(2).lower()))
                if why:
                    ctx.report(item, f"`security_opt: {raw.strip()}` {why} for service "
                               f"`{svc.name}`, removing a kernel-level defence against "
                               "container escapes")
