"""
## What it does
Checks GPU device requests — `deploy.resources.reservations.devices` items and `gpus:`
list items.

Errors (Compose or the Engine rejects the service):

- a `deploy…devices` item without `capabilities` (`gpus:` items are exempt: Compose adds
  `gpu` itself);
- `count` together with `device_ids` (they are exclusive);
- `count` that is not an integer ≥ 0, `all` or an interpolation (`-1` is how the Engine
  API spells "all": write `all`);
- `device_ids` items that are not strings (`[0, 1]` instead of `["0", "1"]`);
- `driver: nvidia` with a capability outside `gpu`, `nvidia`, `compute`, `compat32`,
  `graphics`, `utility`, `video`, `display`;
- `devices` under `deploy.resources.limits` (devices can only be reserved).

Warnings:

- `count: 0` (the service gets no GPU at all);
- `driver: nvidia` capabilities without `compute` or `gpu` for a CUDA image (CUDA
  needs the compute libraries).

## Why is this bad?
`docker compose config` and `up` reject the first group (`missing property
'capabilities'`, `"count" and "device_ids" attributes are exclusive`, `device_ids.0 must
be a string`, `additional properties 'devices' not allowed`); an unknown NVIDIA
capability makes the container fail to start. The warnings describe files that start but
run without a usable GPU.

## Example
```yaml
services:
  train:
    image: nvcr.io/nvidia/pytorch:24.10-py3
    deploy:
      resources:
        reservations:
          devices:
            - driver: nvidia
              count: 1
              device_ids: [0]
```
Use instead:
```yaml
            - driver: nvidia
              device_ids: ["0"]
              capabilities: [gpu]
```

## Fix safety
No automatic fix: which GPUs a service should get is the author's call.

Decisions where the catalogue is silent: a quoted number (`count: "2"`) and `All` in any
case are accepted (Compose accepts them); a CUDA image is one whose reference contains
`cuda`, or an `nvcr.io/nvidia/…`, `nvcr.io/nim/…`, `pytorch/pytorch` or
`tensorflow/…-gpu` image.
"""

from __future__ import annotations

from dockwise.compose.gpu import NVIDIA_CAPABILITIES, RESERVATION_PATH, is_cuda_image
from dockwise.compose.service import text_of
from dockwise.compose.yaml_model import (
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    get,
    get_key,
    scalar_value,
)
from dockwise.lint.engine import ComposeContext
from dockwise.lint.registry import rule
from dockwise.lint.types import Severity

#: findings for a service depend on that service alone (see dockwise.compose.incremental)
SERVICE_LOCAL = True


@rule(code="DC402", name="invalid-gpu-reservation", severity=Severity.ERROR)
def check(ctx: ComposeContext) -> None:
    for svc in ctx.services:
        keys = svc.keys
        if "deploy" not in keys and "gpus" not in keys:
            continue
        image = text_of(keys.get("image"), ctx.text) or ""
        resources = get(keys.get("deploy"), "resources")
        devices = get(get(resources, "reservations"), "devices")
        if isinstance(devices, SequenceNode):
            for item in devices.value:
                if isinstance(item, MappingNode):
                    _item(ctx, item, image, deploy=True)
        gpus = svc.get("gpus")
        if isinstance(gpus, SequenceNode):
            for item in gpus.value:
                if isinstance(item, MappingNode):
                    _item(ctx, item, image, deploy=False)
        limits = get(resources, "limits")
        key = get_key(limits, "devices")
        if key is not None:
            ctx.report(key, f"service `{svc.name}`: `devices` under `deploy.resources.limits` "
                            "is not allowed: devices can only be reserved — move it to "
                            "`deploy.resources.reservations`")


def _item(ctx: ComposeContext, item: MappingNode, image: str, *, deploy: bool) -> None:
    text = ctx.text
    where = "`" + ".".join(RESERVATION_PATH) + "`" if deploy else "`gpus`"
    caps_node = get(item, "capabilities")
    if deploy and caps_node is None and item.value:
        ctx.report(item.value[0][0], f"a {where} item needs `capabilities` (e.g. "
                                     "`capabilities: [gpu]`): Compose rejects it without")
    count_key = get_key(item, "count")
    count = get(item, "count")
    ids_key = get_key(item, "device_ids")
    if count_key is not None and ids_key is not None:
        ctx.report(count_key, "`count` and `device_ids` are exclusive: keep one")
    if isinstance(count, ScalarNode):
        _count(ctx, count)
    elif count is not None:
        ctx.report(count, "`count` must be an integer ≥ 0 or `all`")
    ids = get(item, "device_ids")
    if isinstance(ids, SequenceNode):
        for x in ids.value:
            v = scalar_value(x, text) if isinstance(x, ScalarNode) else None
            if not isinstance(x, ScalarNode) or not isinstance(v, str) or isinstance(v, bool):
                shown = text[x.start_mark.index:x.end_mark.index]
                ctx.report(x, f"`device_ids` items must be strings: write `\"{shown}\"`"
                           if isinstance(x, ScalarNode) and v is not None else
                           "`device_ids` items must be strings")
    driver = (text_of(get(item, "driver"), text) or "").lower()
    caps = _cap_nodes(caps_node)
    if driver == "nvidia":
        for c in caps:
            name = text_of(c, text)
            if name is not None and "$" not in name and name.lower() not in NVIDIA_CAPABILITIES:
                allowed = ", ".join(sorted(NVIDIA_CAPABILITIES))
                ctx.report(c, f"unknown NVIDIA capability `{name}` (one of: {allowed})")
        names = {(text_of(c, text) or "").lower() for c in caps}
        if caps and not names & {"gpu", "compute"} and is_cuda_image(image) \
                and not any("$" in n for n in names):
            assert caps_node is not None
            ctx.report(caps_node, "these capabilities give the CUDA image `" + image + "` no "
                       "compute libraries: add `gpu` or `compute`", severity=Severity.WARNING)


def _count(ctx: ComposeContext, node: ScalarNode) -> None:
    v = scalar_value(node, ctx.text)
    raw = node.value
    if isinstance(v, str) and ("$" in v or v.strip().lower() == "all"):
        return
    n: int | None = None
    if isinstance(v, int) and not isinstance(v, bool):
        n = v
    elif isinstance(v, str) and v.strip().lstrip("-").isdigit():
        n = int(v.strip())
    if n is None:
        ctx.report(node, f"`count: {raw}` is not valid: use an integer ≥ 0 or `all`")
    elif n < 0:
        hint = " (`-1` means all GPUs in the Engine API: write `all`)" if n == -1 else ""
        ctx.report(node, f"`count: {raw}` is not valid: use an integer ≥ 0 or `all`{hint}")
    elif n == 0:
        ctx.report(node, "`count: 0` reserves no GPU at all", severity=Severity.WARNING)


def _cap_nodes(node: Node | None) -> list[Node]:
    if not isinstance(node, SequenceNode):
        return []
    out: list[Node] = []
    for x in node.value:
        if isinstance(x, SequenceNode):
            out.extend(x.value)
        else:
            out.append(x)
    return out
