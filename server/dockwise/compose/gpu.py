"""GPU requests of Compose services: one normalised reader for every way of asking for a
GPU, and the one builder of the GPU blocks that fixes insert and completion offers.

Ways a service gets GPUs (all read by :func:`gpu_requests`):

- ``deploy.resources.reservations.devices`` items (Compose's documented form);
- the service-level ``gpus:`` shorthand (``gpus: all`` or a list; Compose ≥ 2.30);
- CDI device names in ``devices:`` (``nvidia.com/gpu=all``) and ``driver: cdi`` items;
- the legacy ``runtime: nvidia`` and/or ``NVIDIA_VISIBLE_DEVICES`` environment variable.

The builders (:func:`device_item_lines`, :func:`gpu_reservation_lines`, :func:`gpus_lines`)
produce the exact text the quick fixes (DC401) insert and the language server offers as a
completion, at the file's indentation unit and sequence indentation;
:func:`reservation_edit` merges a device item into whatever part of
``deploy.resources.reservations.devices`` a service already has.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from dockwise.compose.edits import indent_unit, line_end, sequence_indent, written_end
from dockwise.compose.service import Service, environment, text_of
from dockwise.compose.yaml_model import (
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    YamlDocument,
    get,
    get_key,
    scalar_value,
    values,
)
from dockwise.lint.types import Edit
from dockwise.text import Span

#: capabilities the NVIDIA driver of the Engine accepts
NVIDIA_CAPABILITIES = frozenset(
    {"gpu", "nvidia", "compute", "compat32", "graphics", "utility", "video", "display"})
#: the capabilities a fix or completion writes by default
DEFAULT_CAPABILITIES: tuple[str, ...] = ("gpu",)
RESERVATION_PATH: tuple[str, ...] = ("deploy", "resources", "reservations", "devices")

_CDI_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]*/[A-Za-z0-9][A-Za-z0-9._-]*=\S+$")
_GPU_CDI = re.compile(r"^(?:nvidia\.com|amd\.com|intel\.com)/(?:gpu|mig|dri)[^=]*=", re.I)
_DEVICE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9:_./-]*$")


# ---------------------------------------------------------------------------------------
# reading


@dataclass(slots=True)
class GpuRequest:
    """One request for GPUs, normalised.

    ``source``: ``"deploy"`` (a reservations device item), ``"gpus"`` (the shorthand: the
    scalar ``all`` or one list item), ``"cdi"`` (a ``devices:`` CDI name), ``"runtime"``
    (``runtime: nvidia``, with ``NVIDIA_VISIBLE_DEVICES`` if set) or ``"env"``
    (``NVIDIA_VISIBLE_DEVICES`` without ``runtime: nvidia``).
    ``count``: an int, ``"all"``, the raw text of an interpolation, or None when unset.
    """

    source: str
    node: Node  # where the request is written (item, `gpus` value, runtime value, env node)
    driver: str | None = None
    count: int | str | None = None
    count_node: Node | None = None
    device_ids: list[str] | None = None
    capabilities: list[str] = field(default_factory=list)
    visible_devices: str | None = None  # legacy: NVIDIA_VISIBLE_DEVICES (None: not set)
    env_node: Node | None = None  # legacy: the NVIDIA_VISIBLE_DEVICES entry

    @property
    def legacy(self) -> bool:
        return self.source in ("runtime", "env")

    @property
    def takes_all(self) -> bool:
        """Provably every GPU of the host (`count: all`/-1, no count and no ids, `gpus:
        all`, a CDI `=all` name, `runtime: nvidia` + `NVIDIA_VISIBLE_DEVICES=all`)."""
        if self.source == "cdi":
            return any(i.endswith("=all") for i in self.device_ids or ())
        if self.source == "runtime":
            return (self.visible_devices or "").strip().lower() == "all"
        if self.source == "env":
            return False
        if (self.driver or "").lower() == "cdi":
            return any(i.endswith("=all") for i in self.device_ids or ())
        if self.device_ids is not None:
            return False
        return self.count is None or self.count == "all" or self.count == -1


def _strings(node: Node | None, text: str) -> list[str] | None:
    if isinstance(node, SequenceNode):
        out: list[str] = []
        for x in node.value:
            if isinstance(x, SequenceNode):  # capabilities: [[gpu, utility]] (old schema)
                out.extend(s for y in x.value if (s := text_of(y, text)) is not None)
            elif (s := text_of(x, text)) is not None:
                out.append(s)
        return out
    s = text_of(node, text)
    return [s] if s is not None else None


def _count(node: Node | None, text: str) -> int | str | None:
    if not isinstance(node, ScalarNode):
        return None
    raw: str = node.value
    v = scalar_value(node, text)
    if isinstance(v, bool) or v is None:
        return raw
    if isinstance(v, int):
        return int(v)
    s = str(v).strip()
    if s.lower() == "all":
        return "all"
    if re.fullmatch(r"-?[0-9]+", s):
        return int(s)
    return raw


def _device_request(source: str, item: MappingNode, text: str) -> GpuRequest:
    cnode = get(item, "count")
    return GpuRequest(
        source, item,
        driver=text_of(get(item, "driver"), text),
        count=_count(cnode, text), count_node=cnode,
        device_ids=_strings(get(item, "device_ids"), text),
        capabilities=_strings(get(item, "capabilities"), text) or [],
    )


def reservation_devices(node: Node | None) -> SequenceNode | None:
    """A service's `deploy.resources.reservations.devices` sequence, if written."""
    cur = node
    for key in RESERVATION_PATH:
        cur = get(cur, key)
    return cur if isinstance(cur, SequenceNode) else None


def is_gpu_device(req: GpuRequest) -> bool:
    """A reservations device item that asks for a GPU (not e.g. a TPU or FPGA request)."""
    driver = (req.driver or "").lower()
    if driver == "cdi":
        return any(_GPU_CDI.match(i) for i in req.device_ids or ())
    caps = {c.lower() for c in req.capabilities}
    return driver in ("nvidia", "amd") or "gpu" in caps or bool(caps & (NVIDIA_CAPABILITIES - {"gpu"}))


def nvidia_visible_devices(svc_node: Node, text: str) -> tuple[str | None, Node | None, bool]:
    """(value, node, present) of `NVIDIA_VISIBLE_DEVICES` in the service's environment
    (the first entry of that name, as :func:`~dockwise.compose.service.environment`
    lists them)."""
    env = get(svc_node, "environment")
    if isinstance(env, MappingNode):
        key = get_key(env, _NVD)  # (the first key of that name, merges applied)
        if key is None:
            return None, None, False
        return text_of(get(env, _NVD), text), key, True
    if isinstance(env, SequenceNode):
        for e in environment(Service("", _NO_KEY, svc_node), text):
            if e.name == _NVD:
                return e.value, e.node, True
    return None, None, False


_NVD = "NVIDIA_VISIBLE_DEVICES"
_NO_KEY = ScalarNode("tag:yaml.org,2002:str", "")  # the key of a service read by its node


def gpu_requests(svc_node: Node | None, text: str = "") -> list[GpuRequest]:
    """Every GPU request one service definition writes (see the module docs). Legacy
    requests (`runtime: nvidia`, `NVIDIA_VISIBLE_DEVICES`) are listed too; callers decide
    whether a modern request makes them moot. Computed once per service node (shared:
    neither the list nor the requests may be modified)."""
    if not isinstance(svc_node, MappingNode):
        return []
    try:
        return svc_node._dw_gpu_requests  # type: ignore[attr-defined, no-any-return]
    except AttributeError:
        out = svc_node._dw_gpu_requests = _gpu_requests(svc_node, text)  # type: ignore[attr-defined]
    return out


def _gpu_requests(svc_node: MappingNode, text: str) -> list[GpuRequest]:
    out: list[GpuRequest] = []
    attrs = values(svc_node)
    devices = reservation_devices(svc_node) if "deploy" in attrs else None
    if devices is not None:
        for item in devices.value:
            if isinstance(item, MappingNode):
                req = _device_request("deploy", item, text)
                if is_gpu_device(req):
                    out.append(req)
    gpus = attrs.get("gpus")
    if isinstance(gpus, ScalarNode) and (text_of(gpus, text) or "").lower() == "all":
        out.append(GpuRequest("gpus", gpus, count="all", capabilities=["gpu"]))
    elif isinstance(gpus, SequenceNode):
        for item in gpus.value:
            if isinstance(item, MappingNode):
                req = _device_request("gpus", item, text)
                req.capabilities = [*req.capabilities, "gpu"]
                out.append(req)
    devs = attrs.get("devices")
    if isinstance(devs, SequenceNode):
        for item in devs.value:
            s = text_of(item, text) if isinstance(item, ScalarNode) else text_of(get(item, "source"), text)
            if s and _CDI_NAME.match(s) and _GPU_CDI.match(s):
                out.append(GpuRequest("cdi", item, driver="cdi", device_ids=[s]))
    runtime = attrs.get("runtime")
    visible, env_node, present = (nvidia_visible_devices(svc_node, text) if "environment" in attrs
                                  else (None, None, False))
    if (text_of(runtime, text) or "").lower() == "nvidia" and runtime is not None:
        out.append(GpuRequest("runtime", runtime, visible_devices=visible, env_node=env_node))
    elif present and env_node is not None:
        out.append(GpuRequest("env", env_node, visible_devices=visible, env_node=env_node))
    return out


def service_gpu_requests(svc: Service, text: str) -> list[GpuRequest]:
    return gpu_requests(svc.node, text)


def effective(requests: Sequence[GpuRequest]) -> list[GpuRequest]:
    """The requests that decide which GPUs a service gets: the modern ones when there are
    any (a device reservation governs `NVIDIA_VISIBLE_DEVICES`), else the legacy one."""
    modern = [r for r in requests if not r.legacy]
    return modern or list(requests)


def uses_gpu(requests: Sequence[GpuRequest]) -> bool:
    """The service gets GPUs (legacy `NVIDIA_VISIBLE_DEVICES=none/void` alone does not)."""
    for r in requests:
        if r.source == "env":
            continue
        if r.source == "runtime" and (r.visible_devices or "").strip().lower() in ("none", "void"):
            continue
        if r.count == 0 and not r.device_ids:
            continue
        return True
    return False


# ---------------------------------------------------------------------------------------
# building


def _caps(capabilities: Sequence[str]) -> str:
    return "[" + ", ".join(capabilities) + "]"


def _ids(device_ids: Sequence[str]) -> str:
    return "[" + ", ".join(json.dumps(str(i)) for i in device_ids) + "]"


def device_item_lines(count: int | str | None = "all", device_ids: Sequence[str] | None = None,
                      capabilities: Sequence[str] | None = DEFAULT_CAPABILITIES,
                      driver: str | None = "nvidia", *, after_dash: int = 1) -> list[str]:
    """One device request as a block sequence item, relative to its dash:
    ``- driver: nvidia`` / ``  count: all`` / ``  capabilities: [gpu]``. ``device_ids``
    wins over ``count`` (Compose rejects both); ``capabilities=None`` leaves it out (the
    ``gpus:`` shorthand adds `gpu` itself). ``after_dash``: spaces between the dash and
    the item's first key."""
    fields: list[str] = []
    if driver:
        fields.append(f"driver: {driver}")
    if device_ids is not None:
        fields.append(f"device_ids: {_ids(device_ids)}")
    elif count is not None:
        fields.append(f"count: {count}")
    if capabilities:
        fields.append(f"capabilities: {_caps(capabilities)}")
    if not fields:
        fields.append("count: all")
    spaces = max(after_dash, 1)
    return ["-" + " " * spaces + fields[0], *(" " * (spaces + 1) + f for f in fields[1:])]


def gpu_reservation_lines(count: int | str | None = "all", device_ids: Sequence[str] | None = None,
                          capabilities: Sequence[str] | None = DEFAULT_CAPABILITIES,
                          driver: str | None = "nvidia", *, unit: int = 2, seq_indent: int = 2,
                          start: str = "deploy") -> list[str]:
    """The ``deploy.resources.reservations.devices`` block from level ``start`` down
    (``"deploy"``, ``"resources"``, ``"reservations"`` or ``"devices"``), relative to the
    column of ``start``'s key, indented by ``unit`` with items ``seq_indent`` under
    ``devices:``::

        deploy:
          resources:
            reservations:
              devices:
                - driver: nvidia
                  count: all
                  capabilities: [gpu]
    """
    keys = RESERVATION_PATH[RESERVATION_PATH.index(start):]
    lines: list[str] = []
    col = 0
    for i, k in enumerate(keys):
        lines.append(" " * col + k + ":")
        if i < len(keys) - 1:
            col += unit
    item_col = col + seq_indent
    lines += [" " * item_col + ln
              for ln in device_item_lines(count, device_ids, capabilities, driver)]
    return lines


def gpus_lines(count: int | str | None = "all", device_ids: Sequence[str] | None = None,
               driver: str | None = "nvidia", *, seq_indent: int = 2) -> list[str]:
    """The service-level ``gpus:`` shorthand (Compose ≥ 2.30): ``gpus: all``, or a list
    item with ``count``/``device_ids`` (no ``capabilities``: Compose adds `gpu`)."""
    if device_ids is None and (count is None or count == "all"):
        return ["gpus: all"]
    return ["gpus:", *(" " * seq_indent + ln
                       for ln in device_item_lines(count, device_ids, None, driver))]


# ---------------------------------------------------------------------------------------
# editing


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def render(lines: Sequence[str], col: int, text: str) -> str:
    """Lines joined for insertion at the end of a line, each indented by ``col``."""
    nl = _newline(text)
    return "".join(nl + (" " * col + ln if ln else "") for ln in lines)


def own_entry(mapping: Node, key: str) -> tuple[ScalarNode, Node] | None:
    """The entry ``key`` written in this mapping itself (not supplied by a `<<` merge)."""
    if not isinstance(mapping, MappingNode):
        return None
    for k, v in mapping.value:
        if isinstance(k, ScalarNode) and k.value == key and not (k.value == "<<" and not k.style):
            return k, v
    return None


def is_local_block_mapping(key: Node, value: Node) -> bool:
    """A non-empty block mapping written right under its key (not an alias of an anchor
    elsewhere, not flow style)."""
    return (isinstance(value, MappingNode) and not value.flow_style and bool(value.value)
            and value.start_mark.index > key.end_mark.index)


def local_unit(key: Node, mapping: Node) -> int | None:
    """How far a block mapping's keys are indented under its own key (None if not)."""
    if isinstance(mapping, MappingNode) and not mapping.flow_style and mapping.value:
        d: int = mapping.value[0][0].start_mark.column - key.start_mark.column
        return d if d > 0 else None
    return None


def append_to_mapping(doc: YamlDocument, mapping: MappingNode, lines: Sequence[str]) -> Edit:
    """Insert ``lines`` (already indented relative to the mapping's keys) after its last
    entry as written (after `key: *x`, not inside the anchor's text)."""
    col = mapping.value[0][0].start_mark.column
    at = line_end(doc.text, written_end(doc, mapping))
    return Edit(Span(at, at), render(lines, col, doc.text))


def reservation_edit(doc: YamlDocument, service: Node, count: int | str | None = "all",
                     device_ids: Sequence[str] | None = None,
                     capabilities: Sequence[str] | None = DEFAULT_CAPABILITIES,
                     driver: str | None = "nvidia", *, unit: int | None = None) -> Edit | None:
    """Add a GPU device request to ``service``, merged into the parts of
    ``deploy.resources.reservations.devices`` it already has (appended to an existing
    `devices` list). New levels are indented like the deepest existing one (else by
    ``unit``, else the file's unit). None when that cannot be done in place: a
    flow-style, empty, aliased or merged (`<<`) mapping on the way, or a `deploy` the
    service does not write itself (the caller then offers no fix)."""
    if not isinstance(service, MappingNode) or service.flow_style or not service.value:
        return None
    unit = unit or indent_unit(doc)
    seq = sequence_indent(doc)
    cur: MappingNode = service
    for key in RESERVATION_PATH:
        entry = own_entry(cur, key)
        if entry is None:
            if get(cur, key) is not None:  # supplied by a merge: overriding it would drop it
                return None
            lines = gpu_reservation_lines(count, device_ids, capabilities, driver, unit=unit,
                                          seq_indent=seq, start=key)
            return append_to_mapping(doc, cur, lines)
        k, v = entry
        if key == "devices":
            return _append_item(doc, k, v, count, device_ids, capabilities, driver)
        if not is_local_block_mapping(k, v):
            return None
        assert isinstance(v, MappingNode)
        unit = local_unit(k, v) or unit
        cur = v
    return None


def _append_item(doc: YamlDocument, key: Node, seq: Node, count: int | str | None,
                 device_ids: Sequence[str] | None, capabilities: Sequence[str] | None,
                 driver: str | None) -> Edit | None:
    if (not isinstance(seq, SequenceNode) or seq.flow_style or not seq.value
            or seq.start_mark.index < key.end_mark.index):
        return None
    text = doc.text
    first = seq.value[0]
    line_start = text.rfind("\n", 0, first.start_mark.index) + 1
    prefix = text[line_start:first.start_mark.index]
    m = re.fullmatch(r"( *)-( +)", prefix)
    if m is None:
        return None
    dash_col = len(m.group(1))
    lines = device_item_lines(count, device_ids, capabilities, driver, after_dash=len(m.group(2)))
    at = line_end(text, written_end(doc, seq))
    return Edit(Span(at, at), render(lines, dash_col, text))


def entry_lines_edit(doc: YamlDocument, key: Node, value: Node, lines: Sequence[str]) -> Edit | None:
    """Replace a whole `key: value` entry (e.g. `runtime: nvidia`) by ``lines`` (relative
    to the key's column); comments after it on its line are kept. None for multi-line
    values."""
    if key.start_mark.line != value.end_mark.line or not lines:
        return None
    nl = _newline(doc.text)
    col = key.start_mark.column
    new = lines[0] + "".join(nl + (" " * col + ln if ln else "") for ln in lines[1:])
    return Edit(Span(key.start_mark.index, value.end_mark.index), new)


def parse_device_ids(value: str) -> list[str] | None:
    """`0,1` / `GPU-3a…` / `MIG-…` -> ids; None when it is not a plain id list."""
    ids = [x.strip() for x in value.split(",")]
    if not ids or not all(_DEVICE_ID.match(i) for i in ids):
        return None
    return ids



# ---------------------------------------------------------------------------------------
# images


def _repository(image: str) -> str:
    """`registry/ns/name:tag@digest` -> `registry/ns/name` (lower case)."""
    ref = image.strip().split("@", 1)[0].lower()
    slash = ref.rfind("/")
    colon = ref.rfind(":")
    return ref[:colon] if colon > slash else ref


def is_cuda_image(image: str) -> bool:
    """An image built on CUDA: `…cuda…`, `nvcr.io/nvidia/…`, `nvcr.io/nim/…`,
    `pytorch/pytorch`, `tensorflow/tensorflow:*-gpu`."""
    ref = image.strip().lower()
    repo = _repository(ref)
    return ("cuda" in ref or repo.startswith(("nvcr.io/nvidia/", "nvcr.io/nim/"))
            or repo in ("pytorch/pytorch", "docker.io/pytorch/pytorch")
            or (repo.endswith("tensorflow/tensorflow") and "gpu" in ref))


_PYTORCH_COMPONENT = re.compile(r"(?:^|[-_.])pytorch(?:$|[-_.])")


def is_pytorch_image(image: str) -> bool:
    """A PyTorch image: `pytorch/pytorch`, `nvcr.io/nvidia/pytorch`, or any repository
    whose name has a `pytorch` component (`rocm/pytorch`, `…/transformers-pytorch-gpu`;
    not `pytorch/torchserve`)."""
    repo = _repository(image)
    return bool(_PYTORCH_COMPONENT.search(repo.rsplit("/", 1)[-1]))
