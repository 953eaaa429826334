"""
## What it does
Reports a service that gets its GPUs the legacy way — `runtime: nvidia` and/or the
`NVIDIA_VISIBLE_DEVICES` environment variable — with no device reservation
(`deploy.resources.reservations.devices`, `gpus:`). CDI requests (`devices:
[nvidia.com/gpu=all]`, a device item with `driver: cdi`) are device requests too and are
not reported.

## Why is this bad?
`runtime: nvidia` needs the NVIDIA runtime registered in the daemon's configuration, and
`NVIDIA_VISIBLE_DEVICES` alone only does something when that runtime is the daemon's
*default* runtime: the same file silently runs without GPUs on another host. A device
reservation is Compose's documented way to ask for GPUs; it works with the stock runtime
(the NVIDIA Container Toolkit does the rest), fails loudly when no GPU can be given, and
says how many GPUs the service takes.

## Example
```yaml
services:
  train:
    image: nvcr.io/nvidia/pytorch:24.10-py3
    runtime: nvidia
    environment:
      - NVIDIA_VISIBLE_DEVICES=0,1
```
Use instead (Compose ≥ 2.30 can also write `gpus: all` / a `gpus:` list):
```yaml
services:
  train:
    image: nvcr.io/nvidia/pytorch:24.10-py3
    deploy:
      resources:
        reservations:
          devices:
            - driver: nvidia
              device_ids: ["0", "1"]
              capabilities: [gpu]
```

## Fix safety
Unsafe: the fix changes how the container is started. With `min-compose-version` ≥ 2.30
it writes the `gpus:` shorthand (`gpus: all`, or a list item with `device_ids`),
otherwise a `deploy.resources.reservations.devices` item merged into whatever
`deploy`/`resources`/`reservations`/`devices` the service already has, in the file's
indentation style (the list indentation most of its lists use; a list with an anchor on
its key's line, `x-env: &env`, does not count). `NVIDIA_VISIBLE_DEVICES=all` becomes `count: all`, a list such as
`0,1` becomes `device_ids: ["0", "1"]` (GPU UUIDs and MIG ids are kept as ids); the
variable and `runtime: nvidia` are removed; `NVIDIA_DRIVER_CAPABILITIES` is kept
unchanged (the reservation asks only for `capabilities: [gpu]`, which leaves the driver
capabilities to that variable). Without `NVIDIA_VISIBLE_DEVICES` the fix asks for all
GPUs (what the CUDA base images set).

No fix when the rewrite would not be equivalent or cannot be made in place, and the
message says why: `NVIDIA_VISIBLE_DEVICES` set to `none`, `void` or empty (the driver
without GPUs, or no GPU at all: a reservation cannot say that), a value from an unset
variable, a `deploy` (or `runtime`) supplied by a YAML merge key or written in flow
style, a service mapping that is an anchor another service merges (it would change too).
An `environment` read through an alias of a list other services use is left as it is.

**Docker Swarm** (`docker stack deploy`) does not support device reservations: stacks
deployed to Swarm need the legacy form — ignore this rule for them.

Decisions where the catalogue is silent: the finding is on the `runtime: nvidia` value,
else on the `NVIDIA_VISIBLE_DEVICES` entry; a device reservation in another file of the
resolved project (an override) counts.
"""

from __future__ import annotations

import re

from dockwise.compose import interpolation
from dockwise.compose.builds import service_layers
from dockwise.compose.edits import (
    ModelPath,
    delete_entry,
    entry_end,
    indent_unit,
    line_end,
    model_paths,
    others_changed,
    sequence_indent,
)
from dockwise.compose.gpu import (
    GpuRequest,
    gpu_requests,
    gpu_reservation_lines,
    gpus_lines,
    local_unit,
    own_entry,
    parse_device_ids,
    render,
    reservation_edit,
)
from dockwise.compose.service import Service
from dockwise.compose.yaml_model import MappingNode, Node, ScalarNode, SequenceNode, get
from dockwise.config import parse_version
from dockwise.lint.engine import ComposeContext
from dockwise.lint.registry import rule
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity
from dockwise.text import Span

#: findings for a service depend on that service alone (see dockwise.compose.incremental)
SERVICE_LOCAL = True

_ITEM_LINE = re.compile(r"^[ \t]*-[ \t]+$")


@rule(code="DC401", name="legacy-gpu-runtime", severity=Severity.INFORMATION,
      fix=FixAvailability.SOMETIMES)
def check(ctx: ComposeContext) -> None:
    for svc in ctx.services:
        own = gpu_requests(svc.node, ctx.text)
        legacy = [r for r in own if r.legacy]
        if not legacy:
            continue
        modern = [r for r in own if not r.legacy]
        if not modern:
            for layer in service_layers(ctx.project, svc.name, ctx.read_text):
                if layer.node is svc.node:
                    continue
                if any(not r.legacy for r in gpu_requests(layer.node, layer.file.text)):
                    modern = [legacy[0]]
                    break
        if modern:
            continue
        req = legacy[0]
        if req.source == "runtime":
            msg = (f"service `{svc.name}` uses `runtime: nvidia` for GPUs, with no device "
                   "reservation: it depends on the NVIDIA runtime being registered in the "
                   "daemon")
        else:
            msg = (f"service `{svc.name}` selects GPUs with `NVIDIA_VISIBLE_DEVICES` and no "
                   "device reservation: this only works when the NVIDIA runtime is the "
                   "daemon's default")
        fix, why = _fix(ctx, svc, req)
        modern_form = "`gpus:`" if _gpus_ok(ctx) else "`deploy.resources.reservations.devices`"
        msg += f"; request the GPUs with {modern_form}"
        if why:
            msg += f" (no automatic fix: {why})"
        where = req.node
        if not (svc.node.start_mark.index <= where.start_mark.index < svc.node.end_mark.index):
            where = svc.key  # written elsewhere (an alias or merge): report on the service
        ctx.report(where, msg, fix=fix)


def _gpus_ok(ctx: ComposeContext) -> bool:
    try:
        return parse_version(ctx.settings.min_compose_version) >= (2, 30)
    except ValueError:
        return False


def _target(ctx: ComposeContext, req: GpuRequest) -> tuple[str | None, list[str] | None, str]:
    """(count, device_ids, why-not) for the reservation equivalent to the legacy request."""
    value = req.visible_devices
    if value is None:
        if req.source == "env":  # `- NVIDIA_VISIBLE_DEVICES` passed through from the host
            return None, None, "`NVIDIA_VISIBLE_DEVICES` comes from the host environment"
        return "all", None, ""
    if "$" in value:
        sub = interpolation.substitute(value, ctx.project.env)
        if sub.missing or sub.required_errors or "$" in sub.value:
            return None, None, f"`NVIDIA_VISIBLE_DEVICES={value}` depends on a variable"
        value = sub.value
    v = value.strip()
    if v.lower() in ("none", "void", ""):
        shown = v or "(empty)"
        return None, None, (f"`NVIDIA_VISIBLE_DEVICES={shown}` asks for no GPU, which a "
                            "device reservation cannot express")
    if v.lower() == "all":
        return "all", None, ""
    ids = parse_device_ids(v)
    if ids is None:
        return None, None, f"`NVIDIA_VISIBLE_DEVICES={v}` is not a list of GPU ids"
    return None, ids, ""


def _fix(ctx: ComposeContext, svc: Service, req: GpuRequest) -> tuple[Fix | None, str]:
    count, ids, why = _target(ctx, req)
    if why:
        return None, why
    node = svc.node
    if not isinstance(node, MappingNode) or node.flow_style or not node.value:
        return None, "the service is not a block mapping"
    own: ModelPath = ("services", svc.name)
    for key in ("runtime", "deploy", "gpus"):
        shared = others_changed(ctx.doc, node, key, own)
        if shared is not None:
            return None, shared
    edits: list[Edit] = []
    runtime = own_entry(node, "runtime")
    if req.source == "runtime" and runtime is None:
        return None, "`runtime` comes from a YAML merge key"
    for n in (runtime[1] if runtime else None, req.env_node):
        if n is not None and ctx.text[n.start_mark.index:n.start_mark.index + 1] in ("&", "!"):
            return None, "an anchor or tag on the value would be lost"
    env_edit = _env_removal(ctx, node, req.env_node)
    if env_edit is not None:
        edits.append(env_edit)
    deletes_env = env_edit is not None
    unit = local_unit(svc.key, node) or indent_unit(ctx.doc)
    seq = sequence_indent(ctx.doc)
    gpus = _gpus_ok(ctx)
    has_deploy = get(node, "deploy") is not None
    if gpus:
        lines = gpus_lines(count, ids, seq_indent=seq)
    else:
        lines = gpu_reservation_lines(count, ids, unit=unit, seq_indent=seq)
    if runtime is not None and runtime[0].start_mark.line == runtime[1].end_mark.line \
            and (gpus or not has_deploy):
        # the first line replaces `runtime: nvidia` (a comment after it stays on that line)
        k, v = runtime
        edits.append(Edit(Span(k.start_mark.index, v.end_mark.index), lines[0]))
        if lines[1:]:
            at = line_end(ctx.text, v.end_mark.index)
            edits.append(Edit(Span(at, at), render(lines[1:], k.start_mark.column, ctx.text)))
    else:
        if runtime is not None:
            edits.append(delete_entry(ctx.doc, *runtime))
        if not gpus and has_deploy:
            e = reservation_edit(ctx.doc, node, count, ids, unit=unit)
            if e is None:
                return None, ("the service's `deploy` cannot be extended in place (flow style, "
                              "alias or merge key)")
            edits.append(e)
        else:
            anchor = _anchor(node, deletes_env, runtime[0] if runtime else None)
            if anchor is None:
                return None, "no place to insert the reservation"
            ak, av = anchor
            at = line_end(ctx.text, entry_end(ctx.doc, ak, av))
            edits.append(Edit(Span(at, at), render(lines, ak.start_mark.column, ctx.text)))
    if gpus:
        title = "Request the GPUs with `gpus:`"
    else:
        title = "Request the GPUs with a device reservation (`deploy.resources.reservations`)"
    return Fix(title, tuple(sorted(edits, key=lambda e: e.span.start)), Applicability.UNSAFE), ""


def _anchor(node: MappingNode, skip_env: bool, runtime_key: Node | None) -> tuple[Node, Node] | None:
    """The own entry after which the new block goes: the last one that is not being edited."""
    for k, v in reversed(node.value):
        if not isinstance(k, ScalarNode) or (k.value == "<<" and not k.style):
            continue
        if k is runtime_key or (skip_env and k.value == "environment"):
            continue
        return k, v
    return None


def _env_removal(ctx: ComposeContext, node: MappingNode, env_node: Node | None) -> Edit | None:
    """Remove the `NVIDIA_VISIBLE_DEVICES` entry (its value moves into the reservation);
    the whole `environment` when it was the only entry. None (keep it) when it is not
    written in block style in this service."""
    if env_node is None:
        return None
    entry = own_entry(node, "environment")
    if entry is None:
        return None
    k, env = entry
    at = model_paths(ctx.doc, node)
    if not at or model_paths(ctx.doc, env) != [(*at[0], "environment")]:
        return None  # an alias (`environment: *env`) whose anchor other places read
    text = ctx.text
    if isinstance(env, SequenceNode) and not env.flow_style and env_node in env.value:
        if len(env.value) == 1:
            return delete_entry(ctx.doc, k, env)
        if env_node.start_mark.line != env_node.end_mark.line:
            return None
        start = text.rfind("\n", 0, env_node.start_mark.index) + 1
        if not _ITEM_LINE.match(text[start:env_node.start_mark.index]):
            return None
        end = text.find("\n", env_node.end_mark.index)
        end = len(text) if end < 0 else end + 1
        return Edit(Span(start, end), "")
    if isinstance(env, MappingNode) and not env.flow_style:
        for ek, ev in env.value:
            if ek is env_node:
                if len(env.value) == 1:
                    return delete_entry(ctx.doc, k, env)
                return delete_entry(ctx.doc, ek, ev)
    return None

