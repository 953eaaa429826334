"""
## What it does
Reports services of the resolved project that each take *all* GPUs of the host, when two
or more of them can run at the same time: `count: all` (or `-1`), a device item with
neither `count` nor `device_ids`, `gpus: all` (or a `gpus:` item without `count` and
`device_ids`), a CDI `nvidia.com/gpu=all` device, or `runtime: nvidia` with
`NVIDIA_VISIBLE_DEVICES=all` and no device reservation.

## Why is this bad?
A reservation of all GPUs is not exclusive: every such container sees every GPU and there
is no isolation of GPU memory between them. Two model servers that each size their
caches for the whole card (vLLM's `--gpu-memory-utilization`, TensorRT engines, PyTorch's
caching allocator) run out of memory at load or under load, at random.

## Example
```yaml
services:
  llm:
    image: vllm/vllm-openai:v0.6.4
    gpus: all
  embed:
    image: ghcr.io/huggingface/text-embeddings-inference:1.5
    gpus: all
```
Use instead: give each service its own GPUs (`device_ids: ["0"]` / `["1"]`), or a
`count`, and limit each server's memory share explicitly.

## Fix safety
No automatic fix: how to split the GPUs is the author's call.

Decisions where the catalogue is silent: services whose `profiles` lists are disjoint
(`gpu-a` vs `gpu-b`) are alternatives and are not reported together; a device
reservation governs over `NVIDIA_VISIBLE_DEVICES`; `runtime: nvidia` without
`NVIDIA_VISIBLE_DEVICES` is not counted (the image decides); one service with
`deploy.replicas` > 1 is not reported. The finding is on the request that takes all GPUs
in each such service of the linted file, naming the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from dockwise.compose.builds import Layer, merged_profiles, service_layers, services_index
from dockwise.compose.gpu import GpuRequest, effective, gpu_requests
from dockwise.compose.incremental import kept
from dockwise.compose.yaml_model import MappingNode, Node
from dockwise.lint.engine import ComposeContext
from dockwise.lint.registry import rule
from dockwise.lint.types import Severity


@dataclass(slots=True)
class _Taker:
    name: str
    profiles: frozenset[str]
    layer: Layer
    request: GpuRequest


@rule(code="DC405", name="gpu-oversubscribed", severity=Severity.INFORMATION)
def check(ctx: ComposeContext) -> None:
    takers: list[_Taker] = []
    memo = ctx.project.memo
    for name in services_index(ctx.project):
        # whether it takes all GPUs, kept between lints: a service that does not is skipped
        if kept(memo, name, "DC405.takes", partial(_takes_all, ctx, name)):
            taker = _taker(ctx, name)
            if taker is not None:
                takers.append(taker)
    if len(takers) < 2:
        return
    for t in takers:
        if t.layer.file is not ctx.file:
            continue
        others = [o.name for o in takers if o.name != t.name and _together(t, o)]
        if not others:
            continue
        shown = ", ".join(f"`{n}`" for n in others)
        where = _where(t.request)
        node = t.layer.node
        if not node.start_mark.index <= where.start_mark.index < node.end_mark.index \
                and t.layer.key is not None:
            where = t.layer.key  # written elsewhere (an alias or merge): report on the service
        ctx.report(where,
                   f"service `{t.name}` takes all GPUs, as does {shown}: their GPU memory "
                   "is not isolated — give each service its own `device_ids` or a `count`")


def _taker(ctx: ComposeContext, name: str) -> _Taker | None:
    layers = service_layers(ctx.project, name, ctx.read_text)
    found: list[tuple[Layer, GpuRequest]] = []
    for layer in layers:
        found.extend((layer, r) for r in gpu_requests(layer.node, layer.file.text))
    chosen = effective([r for _, r in found])
    for layer, r in found:
        if any(r is c for c in chosen) and r.takes_all:
            return _Taker(name, merged_profiles(layers), layer, r)
    return None


def _takes_all(ctx: ComposeContext, name: str) -> bool:
    return _taker(ctx, name) is not None


def _together(a: _Taker, b: _Taker) -> bool:
    return not (a.profiles and b.profiles and not (a.profiles & b.profiles))




def _where(r: GpuRequest) -> Node:
    if r.count_node is not None:
        return r.count_node
    if isinstance(r.node, MappingNode) and r.node.value:  # the item's first key
        first: Node = r.node.value[0][0]
        return first
    return r.node
