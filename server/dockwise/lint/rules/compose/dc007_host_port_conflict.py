"""
## What it does
Reports two services of the resolved project (all files of the file list, `extends`
and `include` applied) that publish the same host port: same host IP (an unset IP,
`0.0.0.0` or `::` conflicts with any IP), same port (ranges overlap), same protocol
(`tcp` ≠ `udp`). A service with `network_mode: host` binds its container ports
(`ports` targets and `expose`) directly on every interface of the host.

Profiles: two services conflict only when they can be active in the same profile set —
when either has no `profiles` (always active) or they share a profile. Services whose
profile lists are disjoint (`dev` vs `prod`) are alternatives, not a conflict.

Never a conflict: an ephemeral host port (`"8080"`, `"127.0.0.1::80"`, long syntax
without `published`, `published: 0`), a host range for a single container port
(`"8000-8010:80"`: Docker picks a free one), two different specific IPs, ports whose
value depends on a variable that is not set in the project `.env` (and has no default).

## Why is this bad?
The second container fails to start: `Bind for 0.0.0.0:8080 failed: port is already
allocated`.

## Example
```yaml
services:
  web:
    image: nginx:1.27
    ports: ["8080:80"]
  api:
    image: my/api:1.4
    ports: ["8080:8000"]   # host port 8080 is already published by `web`
```

## Fix safety
No automatic fix: which service should move is the author's choice.

Decisions: the finding is reported once, at the later service's port (merge order of
the project's files), naming the earlier service; within one service, repeated ports
are not this rule's business.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dockwise.compose import interpolation
from dockwise.compose.builds import (
    Layer,
    merged_get,
    merged_profiles,
    service_layers,
    services_index,
)
from dockwise.compose.incremental import MISSING, fact, remember
from dockwise.compose.project import ComposeFile
from dockwise.compose.service import Service, parse_port, ports, text_of
from dockwise.compose.yaml_model import (
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    explicit_tag,
    get,
)
from dockwise.lint.engine import ComposeContext
from dockwise.lint.registry import rule
from dockwise.lint.types import Severity

_ANY = frozenset({"", "0.0.0.0", "::", "[::]"})
_SMALL_RANGE = 256
_RANGE = re.compile(r"^(\d+)(?:-(\d+))?$")


@dataclass(slots=True)
class Bind:
    service: str
    profiles: frozenset[str]
    ip: str  # "" = every interface
    lo: int
    hi: int
    protocol: str
    node: Node | None  # None: read from kept facts, until it is needed for a report
    file: ComposeFile
    host_mode: bool
    index: int = 0  # among the binds of its service

    def plain(self) -> tuple[frozenset[str], str, int, int, str, bool]:
        """The bind without its node and file (what is kept between lints)."""
        return (self.profiles, self.ip, self.lo, self.hi, self.protocol, self.host_mode)

    def describe(self) -> str:
        port = f"{self.lo}" if self.lo == self.hi else f"{self.lo}-{self.hi}"
        ip = f"{self.ip}:" if self.ip else ""
        return f"{ip}{port}/{self.protocol}"


def _resolve(raw: str | None, env: dict[str, str]) -> str | None:
    if raw is None:
        return None
    if "$" not in raw:
        return raw
    sub = interpolation.substitute(raw, env)
    return None if sub.missing or sub.required_errors else sub.value


def _range(text: str | None) -> tuple[int, int] | None:
    m = _RANGE.match((text or "").strip())
    if not m:
        return None
    lo = int(m.group(1))
    hi = int(m.group(2) or lo)
    return (lo, hi) if lo <= hi else None


def _port_items(layers: list[Layer]) -> list[tuple[Layer, Node]]:
    """The effective `ports` items across the layers (appended; `!reset`/`!override`)."""
    out: list[tuple[Layer, Node]] = []
    for layer in layers:
        p = get(layer.node, "ports")
        if p is None:
            continue
        tag = explicit_tag(p)
        if tag in ("!reset", "!override"):
            out = []
        if isinstance(p, SequenceNode):
            out.extend((layer, x) for x in p.value)
    return out




def binds(name: str, layers: list[Layer], env: dict[str, str]) -> list[Bind]:
    profiles = merged_profiles(layers)
    nm = merged_get(layers, "network_mode")
    host_mode = nm is not None and text_of(nm[1], nm[0].file.text) == "host"
    out: list[Bind] = []
    for layer, item in _port_items(layers):
        text = layer.file.text
        if isinstance(item, ScalarNode):
            resolved = _resolve(text_of(item, text), env)
            parsed = parse_port(resolved) if resolved is not None else None
            if parsed is None:
                continue
            ip, pub, target, proto = parsed
        else:
            svc = Service(name, layer.key, layer.node)  # type: ignore[arg-type]
            found = next((p for p in ports(svc, text) if p.node is item), None)
            if found is None:
                continue
            target = _resolve(found.target, env) or ""
            proto = (_resolve(found.protocol, env) or "tcp").lower()
            ip = _resolve(found.host_ip, env) if found.host_ip is not None else ""
            pub = _resolve(found.published, env) if found.published is not None else None
            if ip is None or (found.published is not None and pub is None):
                continue
        tgt = _range(target)
        if host_mode:
            if tgt:
                out.append(Bind(name, profiles, "", *tgt, proto, item, layer.file, True))
            continue
        rng = _range(pub)
        if rng is None or rng == (0, 0):
            continue
        if rng[0] != rng[1] and tgt is not None and tgt[0] == tgt[1]:
            continue  # Docker picks one free port of the range
        ip = (ip or "").strip()
        ip = "" if ip in _ANY else ip.strip("[]")
        out.append(Bind(name, profiles, ip, *rng, proto, item, layer.file, False))
    if host_mode:
        for layer in layers:
            exp = get(layer.node, "expose")
            if not isinstance(exp, SequenceNode):
                continue
            for x in exp.value:
                raw = _resolve(text_of(x, layer.file.text), env)
                if raw is None:
                    continue
                parsed = parse_port(raw)
                rng = _range(parsed[2]) if parsed else None
                if parsed and rng:
                    out.append(Bind(name, profiles, "", *rng, parsed[3], x, layer.file, True))
    for i, b in enumerate(out):
        b.index = i
    return out


def conflict(a: Bind, b: Bind) -> bool:
    if a.service == b.service or a.protocol != b.protocol:
        return False
    if a.profiles and b.profiles and not (a.profiles & b.profiles):
        return False
    if a.ip and b.ip and a.ip != b.ip:
        return False
    return a.lo <= b.hi and b.lo <= a.hi


@rule(code="DC007", name="host-port-conflict", severity=Severity.ERROR)
def check(ctx: ComposeContext) -> None:
    project = ctx.project
    names = list(services_index(project))
    if not names:
        return
    memo = project.memo
    all_binds: list[Bind] = []
    for name in names:
        # the binds of a service are kept between lints, without their nodes (those are
        # read again for the few binds reported)
        plain = fact(memo, name, "DC007.binds")
        if plain is MISSING:
            full = binds(name, service_layers(project, name, ctx.read_text), project.env)
            remember(memo, name, "DC007.binds", tuple(b.plain() for b in full))
            all_binds.extend(full)
        else:
            all_binds.extend(Bind(name, p[0], p[1], p[2], p[3], p[4], None, ctx.file, p[5], i)
                             for i, p in enumerate(plain))
    nodes: dict[str, list[Bind]] = {}

    def node_of(b: Bind) -> Node:
        if b.node is None:
            if b.service not in nodes:
                nodes[b.service] = binds(b.service, service_layers(project, b.service,
                                                                   ctx.read_text), project.env)
            b.node = nodes[b.service][b.index].node
        assert b.node is not None
        return b.node

    groups: dict[tuple[int, str], tuple[Bind, list[Bind]]] = {}
    by_port: dict[tuple[str, int], list[int]] = {}  # (protocol, port) -> earlier binds
    wide: list[int] = []  # earlier binds over large ranges
    for j, b in enumerate(all_binds):
        small = b.hi - b.lo <= _SMALL_RANGE
        if b.file is ctx.file:  # reported once: in the file of the later service's port
            cands = set(wide)
            if small:
                for port in range(b.lo, b.hi + 1):
                    cands.update(by_port.get((b.protocol, port), ()))
            else:
                cands = set(range(j))
            for i in sorted(cands):
                a = all_binds[i]
                if conflict(a, b):
                    groups.setdefault((id(node_of(b)), b.service), (b, []))[1].append(a)
        if small:
            for port in range(b.lo, b.hi + 1):
                by_port.setdefault((b.protocol, port), []).append(j)
        else:
            wide.append(j)
    for at, others in groups.values():
        where: Node = node_of(at)
        if isinstance(where, MappingNode):
            where = get(where, "target" if at.host_mode else "published") or where
        ctx.report(where, _message(at, others))


def _message(at: Bind, others: list[Bind]) -> str:
    other = others[0]
    names = sorted({o.service for o in others} - {other.service})
    if other.host_mode:
        theirs = (f"service `{other.service}` already binds {other.describe()} directly on the "
                  "host (`network_mode: host`)")
    else:
        theirs = f"service `{other.service}` already publishes {other.describe()}"
    mine = (f"service `{at.service}` binds port {at.describe()} on the host (`network_mode: "
            "host`)" if at.host_mode else f"host port {at.describe()} of service `{at.service}`")
    if names:
        more = ", ".join(f"`{n}`" for n in names[:3]) + (", …" if len(names) > 3 else "")
        theirs += f" (so do {more})"
    return (f"{mine} conflicts: {theirs}; whichever container starts second fails "
            "(`port is already allocated`)")
