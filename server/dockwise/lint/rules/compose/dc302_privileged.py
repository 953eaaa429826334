"""
## What it does
Reports `privileged: true` on a service.

## Why is this bad?
A privileged container gets every capability, all host devices, and no seccomp,
AppArmor or SELinux confinement: root in the container is root on the host. Most
services that "need" it need one device (`devices:`) or one capability (`cap_add:`).

## Example
```yaml
services:
  app:
    image: my/app:1.0
    privileged: true
```
Use instead: `devices: ["/dev/fuse"]`, `cap_add: [SYS_ADMIN]` — whatever the app really
uses — or GPUs through `deploy.resources.reservations.devices`.

## Fix safety
No automatic fix: what the service really needs cannot be known from the file.
"""

from __future__ import annotations

from dockwise.compose.yaml_model import ScalarNode, compose_bool, get_key
from dockwise.lint.engine import ComposeContext
from dockwise.lint.registry import rule
from dockwise.lint.types import Severity
from dockwise.text import Span

#: findings for a service depend on that service alone (see dockwise.compose.incremental)
SERVICE_LOCAL = True


@rule(code="DC302", name="privileged", severity=Severity.WARNING)
def check(ctx: ComposeContext) -> None:
    for svc in ctx.services:
        v = svc.get("privileged")
        k = get_key(svc.node, "privileged")
        if not isinstance(v, ScalarNode) or k is None or compose_bool(v, ctx.text) is not True:
            continue
        span = (Span(k.start_mark.index, v.end_mark.index)
                if k.start_mark.index <= v.start_mark.index else ctx.span(v))
        ctx.report(span, f"service `{svc.name}` runs privileged: all capabilities and host "
                   "devices, no seccomp/AppArmor confinement (root in the container is root on "
                   "the host); grant only the devices or capabilities it needs")
