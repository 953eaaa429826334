"""
## What it does
Reports a cycle in the service dependency graph of the resolved project: `depends_on`
plus the edges Compose adds on its own — `links`, `network_mode` / `ipc` / `pid` / `uts`
`service:x`, and `volumes_from` (not `container:x`). Also reports a circular `extends`
chain.

## Why is this bad?
Compose must start a service's dependencies first; with a cycle there is no order, and
`docker compose` refuses the project (`dependency cycle detected: a -> b -> a`). A circular
`extends` is refused likewise.

## Example
```yaml
services:
  web:
    image: nginx:1.27
    depends_on: [api]
  api:
    image: example/api:1.4
    links: [web]          # dependency cycle: api -> web -> api
```

## Fix safety
No automatic fix: which edge to drop is a design decision.

Decisions: one finding per cycle (per strongly connected component), at the edge of the
cycle that this file holds (the first one in the cycle's order, which starts at the
alphabetically first service); the message spells the whole cycle. `depends_on` with
`required: false` still counts (Compose still orders by it). Cycles are reported even when
the project cannot be fully resolved: files that are missing can only add edges.
`build.additional_contexts: service:x` is not an edge for Compose's cycle check. Each
`extends` of a circular `extends` chain is reported.
"""

from __future__ import annotations

from dockwise.compose.graph import find_cycles, project_model
from dockwise.lint.engine import ComposeContext
from dockwise.lint.registry import rule
from dockwise.lint.types import Severity

_VIA = {"depends_on": "depends_on", "links": "links", "volumes_from": "volumes_from",
        "network_mode": "network_mode: service:", "ipc": "ipc: service:",
        "pid": "pid: service:", "uts": "uts: service:"}


@rule(code="DC003", name="dependency-cycle", severity=Severity.ERROR)
def check(ctx: ComposeContext) -> None:
    if ctx.root is None:
        return
    model = project_model(ctx.project, ctx.read_text)
    me = ctx.file
    for pr in model.extends_problems:
        if pr.file is me and pr.kind == "cycle":
            ctx.report(pr.node, pr.message + ": Compose refuses the project")
    for cycle in find_cycles(model.plain_edges()):  # (nodes read for the cycles found)
        edges = [model.full(e) for e in cycle.edges]
        mine = [(i, e) for i, e in enumerate(edges) if e.file is me]
        if not mine:
            continue
        i, edge = mine[0]
        frm = cycle.services[i]
        implicit = "" if edge.kind == "depends_on" else (
            f" (`{_VIA.get(edge.kind, edge.kind)}` makes `{frm}` depend on `{edge.name}`)")
        ctx.report(edge.node, f"dependency cycle: {cycle.describe()}{implicit}; Compose cannot "
                   "order these services and refuses the project")
