"""Normalised, range-keeping views of service attributes that have a short and a long
syntax (ports, volumes, depends_on, environment, healthcheck test). Rules read these
instead of re-parsing the YAML.

Each view is computed once per service node and kept on it (nodes are never modified
and every parse builds new ones), so the rules of one lint share it: the lists returned
are shared and must not be modified."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from dockwise.compose.yaml_model import (
    IMPLICIT,
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    compose_bool,
    get,
    mapping_items,
    resolve_plain,
    scalar_value,
    values,
)


@dataclass(slots=True)
class Service:
    name: str
    key: ScalarNode
    node: Node  # usually a MappingNode
    _values: dict[str, Node] | None = field(default=None, init=False, repr=False, compare=False)

    def get(self, key: str) -> Node | None:
        v = self._values
        if v is None:
            v = self._values = values(self.node)
        return v.get(key)

    @property
    def keys(self) -> dict[str, Node]:
        """The service's attributes (merges applied): name -> value node (read-only)."""
        v = self._values
        if v is None:
            v = self._values = values(self.node)
        return v


def services(root: Node | None) -> list[Service]:
    sec = get(root, "services")
    if not isinstance(sec, MappingNode):
        return []
    return [Service(k.value, k, v) for k, v in mapping_items(sec) if isinstance(k, ScalarNode)]


def text_of(node: Node | None, text: str = "") -> str | None:
    """A scalar's value as a string (None for non-scalars and null)."""
    if node.__class__ is not ScalarNode:
        return None
    raw: str = node.value
    if node.tag == IMPLICIT:
        if node.style:
            return raw
        v = resolve_plain(raw)
    else:
        v = scalar_value(node)
    if v is None:
        return None
    if v is True or v is False:
        return "true" if v else "false"
    return raw if isinstance(v, (int, float)) else str(v)


# -- ports ---------------------------------------------------------------------------------
_PORT = re.compile(
    r"^(?:(?P<ip>\[[^\]]*\]|[0-9.]+|[^:\[\]]*?):)??(?:(?P<host>[0-9${}A-Za-z_:-]*?):)?"
    r"(?P<container>[0-9${}A-Za-z_-]+)(?:/(?P<proto>[a-zA-Z]+))?$"
)


V = TypeVar("V")


def _view(svc: Service, attr: str, build: Callable[[Node], list[V]]) -> list[V]:
    """A normalised view of a service (ports, volumes, …), built once and kept on its node:
    every rule reading it shares one parse."""
    node: Any = svc.node
    try:
        out: list[V] = getattr(node, attr)
    except AttributeError:
        out = build(node)
        setattr(node, attr, out)
    return out


@dataclass(slots=True)
class Port:
    node: Node  # the list item
    host_ip: str | None
    published: str | None  # "8080", "8080-8081", None (ephemeral)
    target: str
    protocol: str  # tcp / udp / sctp


def ports(svc: Service, text: str = "") -> list[Port]:
    return _view(svc, "_dw_ports", _ports)


def _ports(node: Node) -> list[Port]:
    seq = get(node, "ports")
    out: list[Port] = []
    if not isinstance(seq, SequenceNode):
        return out
    for item in seq.value:
        if isinstance(item, ScalarNode):
            s = text_of(item) or ""
            p = parse_port(s)
            if p is not None:
                ip, pub, tgt, proto = p
                out.append(Port(item, ip, pub, tgt, proto))
        elif isinstance(item, MappingNode):
            tgt = text_of(get(item, "target")) or ""
            pub = text_of(get(item, "published"))
            ip = text_of(get(item, "host_ip"))
            proto = (text_of(get(item, "protocol")) or "tcp").lower()
            out.append(Port(item, ip, pub or None, tgt, proto))
    return out


@functools.lru_cache(maxsize=4096)
def parse_port(s: str) -> tuple[str | None, str | None, str, str] | None:
    """`[ip:][host:]container[/proto]` -> (ip, published, target, protocol)."""
    s = s.strip()
    proto = "tcp"
    if "/" in s:
        s, proto = s.rsplit("/", 1)
        proto = proto.lower()
    ip: str | None = None
    if s.startswith("["):
        end = s.find("]")
        if end < 0:
            return None
        ip = s[1:end]
        s = s[end + 2 :] if s[end + 1 : end + 2] == ":" else s[end + 1 :]
        parts = s.split(":")
    else:
        parts = s.split(":")
        if len(parts) == 3:
            ip = parts[0]
            parts = parts[1:]
    if len(parts) == 1:
        return ip, None, parts[0], proto
    if len(parts) == 2:
        return ip, parts[0] or None, parts[1], proto
    return None


# -- volumes -------------------------------------------------------------------------------
@dataclass(slots=True)
class Mount:
    node: Node  # the list item
    type: str  # bind / volume / tmpfs / npipe / image / cluster
    source: str | None  # host path or volume name
    target: str | None
    read_only: bool
    short: bool


def is_path_like(src: str) -> bool:
    return src.startswith((".", "/", "~", "$")) or src[1:3] == ":\\" or src[1:3] == ":/"


def volumes(svc: Service, text: str = "") -> list[Mount]:
    return _view(svc, "_dw_volumes", _volumes)


def _volumes(node: Node) -> list[Mount]:
    seq = get(node, "volumes")
    out: list[Mount] = []
    if not isinstance(seq, SequenceNode):
        return out
    for item in seq.value:
        if isinstance(item, ScalarNode):
            s = text_of(item) or ""
            parts = split_volume(s)
            if len(parts) == 1:
                out.append(Mount(item, "volume", None, parts[0], False, True))
                continue
            src, tgt = parts[0], parts[1]
            mode = parts[2] if len(parts) > 2 else ""
            ro = "ro" in mode.split(",")
            kind = "bind" if is_path_like(src) else "volume"
            out.append(Mount(item, kind, src, tgt, ro, True))
        elif isinstance(item, MappingNode):
            kind = (text_of(get(item, "type")) or "volume").lower()
            lsrc = text_of(get(item, "source"))
            ltgt = text_of(get(item, "target"))
            ro_node = get(item, "read_only")
            ro = compose_bool(ro_node) is True
            out.append(Mount(item, kind, lsrc, ltgt, ro, False))
    return out


# -- depends_on ----------------------------------------------------------------------------
@dataclass(slots=True)
class Dependency:
    name: str
    node: Node  # the list item or the mapping key
    condition: str  # service_started (default) / service_healthy / service_completed_successfully
    required: bool
    short: bool


def depends_on(svc: Service, text: str = "") -> list[Dependency]:
    return _view(svc, "_dw_depends_on", _depends_on)


def _depends_on(node: Node) -> list[Dependency]:
    dep = get(node, "depends_on")
    out: list[Dependency] = []
    if isinstance(dep, SequenceNode):
        for item in dep.value:
            name = text_of(item)
            if name:
                out.append(Dependency(name, item, "service_started", True, True))
    elif isinstance(dep, MappingNode):
        for k, v in mapping_items(dep):
            if not isinstance(k, ScalarNode):
                continue
            cond = text_of(get(v, "condition")) or "service_started"
            req_node = get(v, "required")
            required = compose_bool(req_node) is not False
            out.append(Dependency(k.value, k, cond, required, False))
    return out


# -- environment ---------------------------------------------------------------------------
@dataclass(slots=True)
class EnvVar:
    name: str
    value: str | None  # None: passed through from the host (`- NAME` / `NAME:`)
    node: Node  # the list item or the key
    value_node: Node | None


def environment(svc: Service, text: str = "") -> list[EnvVar]:
    return _view(svc, "_dw_environment", _environment)


def _environment(node: Node) -> list[EnvVar]:
    env = get(node, "environment")
    out: list[EnvVar] = []
    if isinstance(env, SequenceNode):
        for item in env.value:
            s = text_of(item)
            if s is None:
                continue
            name, sep, val = s.partition("=")
            out.append(EnvVar(name.strip(), val if sep else None, item, item))
    elif isinstance(env, MappingNode):
        for k, v in mapping_items(env):
            if isinstance(k, ScalarNode):
                out.append(EnvVar(k.value, text_of(v), k, v))
    return out


def env_file_paths(node: Node | None, text: str = "") -> list[str]:
    """The paths the `env_file` of ``node`` (a service, or an `include` item) names, as
    written: a string, a list of strings, or long-syntax items (`path:`)."""
    ef = get(node, "env_file")
    items = [ef] if isinstance(ef, ScalarNode | MappingNode) else (
        ef.value if isinstance(ef, SequenceNode) else [])
    out: list[str] = []
    for it in items:
        p = text_of(get(it, "path") if isinstance(it, MappingNode) else it, text)
        if p:
            out.append(p)
    return out


# -- healthcheck ---------------------------------------------------------------------------
@dataclass(slots=True)
class Healthcheck:
    node: Node
    test: list[str] | str | None
    disabled: bool


def healthcheck(svc: Service, text: str) -> Healthcheck | None:
    hc = svc.get("healthcheck")
    if not isinstance(hc, MappingNode):
        return None
    dis = get(hc, "disable")
    disabled = compose_bool(dis, text) is True
    t = get(hc, "test")
    test: list[str] | str | None = None
    if isinstance(t, SequenceNode):
        test = [text_of(x, text) or "" for x in t.value]
        if test and test[0].upper() == "NONE":
            disabled = True
    elif isinstance(t, ScalarNode):
        test = text_of(t, text)
    return Healthcheck(hc, test, disabled)


# -- volume specs with interpolation -------------------------------------------------------
def split_volume(s: str) -> list[str]:
    """Split a short-syntax volume `src:dst[:mode]`, keeping Windows drive letters
    (`C:\\x:/y`) together and never splitting inside a `${…}` interpolation
    (`${DATA:-./data}:/data:ro` has three parts) — Compose interpolates before it splits."""
    parts: list[str] = []
    cur = ""
    depth = 0
    i = 0
    while i < len(s):
        c = s[i]
        if c == "$" and s[i + 1 : i + 2] == "$":
            cur += "$$"
            i += 2
            continue
        if c == "$" and s[i + 1 : i + 2] == "{":
            depth += 1
            cur += "${"
            i += 2
            continue
        if c == "}" and depth:
            depth -= 1
        elif (c == ":" and not depth
              and not (len(cur) == 1 and cur.isalpha() and s[i + 1 : i + 2] in ("\\", "/"))):
            parts.append(cur)
            cur = ""
            i += 1
            continue
        cur += c
        i += 1
    parts.append(cur)
    return parts
