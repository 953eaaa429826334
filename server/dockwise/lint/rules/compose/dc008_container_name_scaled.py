"""
## What it does
Reports a service that sets `container_name` and runs more than one container:
`deploy.replicas` > 1 or `scale` > 1 (after interpolation with the project `.env` and
defaults), across the project's files and `extends`.

## Why is this bad?
Container names are unique per Docker host. Compose refuses the project
(`can't set container_name … as container name must be unique`), and
`docker compose up --scale` fails the same way.

## Example
```yaml
services:
  worker:
    image: my/worker:2.1
    container_name: worker
    deploy:
      replicas: 3
```
Use instead: drop `container_name` (Compose names the replicas `<project>-worker-1`, …).

## Fix safety
No automatic fix: removing the name can break scripts that use it
(`docker exec worker …`).
"""

from __future__ import annotations

from dockwise.compose import interpolation
from dockwise.compose.builds import Layer, merged_get, service_layers
from dockwise.compose.service import text_of
from dockwise.compose.yaml_model import Node, get
from dockwise.lint.engine import ComposeContext
from dockwise.lint.registry import rule
from dockwise.lint.types import Severity

#: findings for a service depend on that service alone (see dockwise.compose.incremental)
SERVICE_LOCAL = True


def _int(node: Node | None, text: str, env: dict[str, str]) -> int | None:
    raw = text_of(node, text)
    if raw is None:
        return None
    if "$" in raw:
        sub = interpolation.substitute(raw, env)
        if sub.missing or sub.required_errors:
            return None
        raw = sub.value
    try:
        return int(raw.strip(), 10)
    except ValueError:
        return None


def _replicas(layers: list[Layer], env: dict[str, str]) -> tuple[str, int] | None:
    found: tuple[str, int] | None = None
    for layer in layers:
        n = get(get(layer.node, "deploy"), "replicas")
        v = _int(n, layer.file.text, env)
        if v is not None:
            found = ("deploy.replicas", v)
    sc = merged_get(layers, "scale")
    if sc is not None:
        v = _int(sc[1], sc[0].file.text, env)
        if v is not None and (found is None or v > found[1]):
            found = ("scale", v)
    return found


@rule(code="DC008", name="container-name-scaled", severity=Severity.ERROR)
def check(ctx: ComposeContext) -> None:
    for svc in ctx.services:
        layers = service_layers(ctx.project, svc.name, ctx.read_text)
        cn = merged_get(layers, "container_name")
        if cn is None or cn[0].file is not ctx.file:
            continue
        rep = _replicas(layers, ctx.project.env)
        if rep is None or rep[1] <= 1:
            continue
        name = text_of(cn[1], ctx.text) or ""
        ctx.report(cn[1], f"`container_name: {name}` with `{rep[0]}: {rep[1]}`: container names "
                   "must be unique, so Compose cannot create the other replicas; remove "
                   "`container_name`")
