"""
## What it does
Reports a GPU service (any GPU request: device reservation, `gpus:`, CDI, `runtime:
nvidia`) that runs PyTorch — a PyTorch image (`pytorch/pytorch`, `nvcr.io/nvidia/pytorch`,
any repository with a `pytorch` name component) or `torchrun` / `python -m
torch.distributed…` in its `command`/`entrypoint` — and sets neither `shm_size` nor
`ipc: host`.

## Why is this bad?
Docker gives every container a 64 MB `/dev/shm`. PyTorch's DataLoader workers pass
batches through shared memory, and NCCL uses it between processes: with the default the
job dies with `bus error` / `DataLoader worker (pid …) is killed by signal` as soon as
batches get large, often hours into a run.

## Example
```yaml
services:
  train:
    image: nvcr.io/nvidia/pytorch:24.10-py3
    gpus: all
```
Use instead:
```yaml
    shm_size: 8gb
```
`ipc: host` also works, but shares the host's IPC namespace (DC304 reports it).

## Fix safety
Safe: adds `shm_size` to the service — `8gb`, or half the service's memory limit
(`mem_limit` / `deploy.resources.limits.memory`) when that is smaller, since `/dev/shm`
pages count against the container's memory. Nothing else about the service changes.
No fix (the message says why) when the memory limit comes from an unset variable, when
half of it is under 64 MB, for a flow-style service mapping, or when the service's
mapping is an anchor that another service merges (it would get `shm_size` too).

Decisions where the catalogue is silent: `ipc: service:x` / `container:x` (the
`/dev/shm` of another container) and a tmpfs or volume mounted on `/dev/shm` count as
handled; the service's definitions in every file of the resolved project are read.
"""

from __future__ import annotations

import re

from dockwise.compose import interpolation
from dockwise.compose.builds import Layer, merged_get, service_layers
from dockwise.compose.edits import insert_entry, others_changed
from dockwise.compose.gpu import effective, gpu_requests, is_pytorch_image, uses_gpu
from dockwise.compose.service import Service, text_of, volumes
from dockwise.compose.yaml_model import MappingNode, Node, SequenceNode, get
from dockwise.lint.engine import ComposeContext
from dockwise.lint.registry import rule
from dockwise.lint.types import Applicability, Fix, FixAvailability, Severity

#: findings for a service depend on that service alone (see dockwise.compose.incremental)
SERVICE_LOCAL = True

_TORCH_CMD = re.compile(r"\btorchrun\b|-m\s+torch\.distributed\b|\btorch\.distributed\.(?:run|launch)\b")
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgtp])?i?b?\s*$", re.I)
_MULT = {None: 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40, "p": 1 << 50}
MIB = 1 << 20
GIB = 1 << 30
DEFAULT = 8 * GIB


@rule(code="DC406", name="small-shm-for-pytorch", severity=Severity.INFORMATION,
      fix=FixAvailability.SOMETIMES)
def check(ctx: ComposeContext) -> None:
    for svc in ctx.services:
        layers = service_layers(ctx.project, svc.name, ctx.read_text) or []
        if not any(layer.node is svc.node for layer in layers):
            layers = [*layers, Layer(ctx.file, svc.key, svc.node, ctx.project.directory)]
        reqs = [r for layer in layers for r in gpu_requests(layer.node, layer.file.text)]
        if not uses_gpu(effective(reqs)):
            continue
        what = _pytorch(layers)
        if what is None or _has_shm(ctx, layers):
            continue
        size, why = _size(ctx, layers)
        fix = None
        shared = (others_changed(ctx.doc, svc.node, "shm_size", ("services", svc.name))
                  if isinstance(svc.node, MappingNode) else None)
        if size is not None and shared is not None:
            why = shared
        elif size is not None:
            e = insert_entry(ctx.doc, svc.node, [f"shm_size: {size}"])
            if e is None:
                why = "the service is a flow-style mapping"
            else:
                fix = Fix(f"Set `shm_size: {size}`", (e,), Applicability.SAFE)
        msg = (f"GPU service `{svc.name}` runs PyTorch ({what}) with Docker's default 64 MB "
               "`/dev/shm`: DataLoader workers and NCCL fail with `bus error` — set "
               f"`shm_size` (e.g. `shm_size: {size or '8gb'}`); `ipc: host` also works but "
               "shares the host's IPC namespace (DC304)")
        if why:
            msg += f" (no automatic fix: {why})"
        ctx.report(svc.key, msg, fix=fix)


def _words(node: Node | None, text: str) -> str:
    if isinstance(node, SequenceNode):
        return " ".join(t for x in node.value if (t := text_of(x, text)) is not None)
    return text_of(node, text) or ""


def _pytorch(layers: list[Layer]) -> str | None:
    img = merged_get(layers, "image")
    image = text_of(img[1], img[0].file.text) if img else None
    if image and is_pytorch_image(image):
        return f"image `{image}`"
    for key in ("command", "entrypoint"):
        found = merged_get(layers, key)
        if found is None:
            continue
        m = _TORCH_CMD.search(_words(found[1], found[0].file.text))
        if m:
            return f"`{m.group(0).strip()}` in its {key}"
    return None


def _has_shm(ctx: ComposeContext, layers: list[Layer]) -> bool:
    if merged_get(layers, "shm_size") is not None:
        return True
    ipc = merged_get(layers, "ipc")
    if ipc is not None:
        v = text_of(ipc[1], ipc[0].file.text) or ""
        if v == "host" or v.startswith(("service:", "container:")):
            return True
    for layer in layers:
        svc = Service("", layer.key, layer.node)  # type: ignore[arg-type]
        if any((m.target or "").rstrip("/") == "/dev/shm"
               for m in volumes(svc, layer.file.text)):
            return True
        tmpfs = get(layer.node, "tmpfs")
        items = tmpfs.value if isinstance(tmpfs, SequenceNode) else [tmpfs] if tmpfs else []
        for x in items:
            t = text_of(x, layer.file.text) or ""
            if t.split(":", 1)[0].rstrip("/") == "/dev/shm":
                return True
    return False


def parse_bytes(text: str) -> int | None:
    """A Compose byte size (`8gb`, `512m`, `1.5g`, `1024`) in bytes (binary units)."""
    m = _SIZE.match(text)
    if not m:
        return None
    unit = m.group(2).lower() if m.group(2) else None
    return int(float(m.group(1)) * _MULT[unit])


def format_bytes(n: int) -> str:
    if n % GIB == 0:
        return f"{n // GIB}gb"
    return f"{n // MIB}mb"


def _size(ctx: ComposeContext, layers: list[Layer]) -> tuple[str | None, str]:
    """(shm_size to write, why-not)."""
    limit: tuple[Layer, Node] | None = None
    for layer in layers:
        for node in (get(layer.node, "mem_limit"),
                     get(get(get(get(layer.node, "deploy"), "resources"), "limits"), "memory")):
            if node is not None and not isinstance(node, MappingNode):
                limit = (layer, node)
    if limit is None:
        return format_bytes(DEFAULT), ""
    raw = text_of(limit[1], limit[0].file.text) or ""
    if "$" in raw:
        sub = interpolation.substitute(raw, ctx.project.env)
        if sub.missing or sub.required_errors:
            return None, f"the memory limit `{raw}` depends on an unset variable"
        raw = sub.value
    n = parse_bytes(raw)
    if n is None:
        return None, f"the memory limit `{raw}` is not a byte size"
    half = (n // 2) // MIB * MIB
    if half < 64 * MIB:
        return None, f"half the memory limit `{raw}` is below Docker's 64 MB default"
    return format_bytes(min(DEFAULT, half)), ""
