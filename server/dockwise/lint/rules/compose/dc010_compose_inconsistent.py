"""
## What it does
Reports what `docker compose config` rejects although a schema cannot express it:
- a service with neither `image` nor `build` (not for fragments);
- `build.dockerfile` together with `build.dockerfile_inline`;
- `network_mode` together with `networks`;
- `scale` different from `deploy.replicas`;
- `mem_limit`, `cpus`, `mem_reservation` or `pids_limit` different from its
  `deploy.resources` twin (`limits.memory`, `limits.cpus`, `reservations.memory`,
  `limits.pids`), an absent twin counting as 0 when its `limits:`/`reservations:` is
  there (`pids_limit: 256` beside `limits: {memory: 1G}` is refused);
- two different mounts on the same container target in one `volumes:` list, and one
  target written two ways in the long syntax (`/data` and `/data/`);
- a short-syntax port Docker cannot parse (`127.0.0.1:3001` reads the address as the host
  port, `::1:80`, a port above 65535, a reversed range, ranges of different lengths);
- a `healthcheck.test` list that does not start with `CMD`, `CMD-SHELL` or `NONE`;
- a top-level secret with neither `file` nor `environment` (unless `external`);
- `build.platforms` not including the service's `platform`.

## Why is this bad?
`docker compose` refuses the project (`service "web" has neither an image nor a build
context specified`, `can't set distinct values on 'scale' and 'deploy.replicas'`,
`invalid hostPort: 127.0.0.1`, `target /data already mounted`, …); of two different mounts
on one target, Compose silently keeps only the last.

## Example
```yaml
services:
  web:
    image: nginx:1.27
    network_mode: host
    networks: [front]      # `network_mode` and `networks` are mutually exclusive
    scale: 2
    deploy:
      replicas: 3          # `scale` (2) differs from `deploy.replicas` (3)
```

## Fix safety
No automatic fix: which of the two settings is meant is the author's call.

Decisions: the checks run on the merged service (overrides and `extends` applied, `!reset`
honoured) and report at the setting this file holds. The `image`/`build` check is skipped
for fragments (overrides, files without `services:`, files next to a base Compose file
checked on their own), when the project cannot be resolved and when an `extends` base
cannot be read; a `provider:` service needs neither. Sizes are compared as byte counts
(`1g` = `1024m`), CPUs as numbers; values that need interpolation are resolved with the
project `.env`, and skipped when that is not enough. Duplicate mount targets are checked
per `volumes:` list (an override's mount replaces the base's mount on the same target;
within one list Compose v2 also keeps only the last mount, so the finding says the first
is dropped). Compose keys mounts by target, cleaned in the short syntax (`/x/` is `/x`) and
as written in the long one, so `/x` and `/x/` in the long syntax are two mounts it then
refuses; one mount written twice (`./a` and `./a/` name one directory; the same `ro`,
`z`, `nocopy` options) is redundant, not reported. A service without `image`/`build` is not reported when another Compose file
in the same directory defines it with one (`-f compose.yaml -f compose.prod.yaml`).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Collection

from dockwise.compose import interpolation
from dockwise.compose.graph import (
    Attr,
    Layer,
    attr_in_layers,
    fully_known,
    project_model,
    sibling_completes,
)
from dockwise.compose.service import Mount, Service, split_volume, text_of, volumes
from dockwise.compose.yaml_model import (
    MappingNode,
    ScalarNode,
    SequenceNode,
    get,
    to_python,
    values,
)
from dockwise.lint.engine import ComposeContext
from dockwise.lint.registry import rule
from dockwise.lint.types import Severity

#: the checks after the first read only the service itself (see
#: dockwise.compose.incremental): they run on `ctx.dirty_services`
SERVICE_LOCAL = "part"

_TWINS = (
    ("mem_limit", "deploy.resources.limits.memory", "bytes"),
    ("cpus", "deploy.resources.limits.cpus", "float"),
    ("mem_reservation", "deploy.resources.reservations.memory", "bytes"),
    ("pids_limit", "deploy.resources.limits.pids", "int"),
)
_HEAD: dict[str, str] = {}  # dotted attribute -> its first key
_BYTES = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([kmgt]?)b?\s*$", re.I)
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}


def _value(a: Attr | None, env: dict[str, str]) -> str | None:
    if a is None:
        return None
    s = text_of(a.value, a.file.text)
    return s if s is None or "$" not in s else _interpolated(s, env)


def _number(s: str | None, kind: str) -> float | None:
    if s is None:
        return None
    try:
        if kind == "bytes":
            m = _BYTES.match(s)
            return float(m.group(1)) * _UNITS[m.group(2).lower()] if m else None
        return float(s)
    except ValueError:
        return None


def _is_set(a: Attr | None) -> bool:
    return a is not None and not (isinstance(a.value, ScalarNode) and text_of(a.value, a.file.text) is None)


@rule(code="DC010", name="compose-inconsistent", severity=Severity.ERROR)
def check(ctx: ComposeContext) -> None:
    if ctx.root is None:
        return
    model = project_model(ctx.project, ctx.read_text)
    me = ctx.file
    env = ctx.project.env
    known = fully_known(ctx.project, me)

    def report_pair(a: Attr, b: Attr, msg: str) -> None:
        for x in (a, b):
            if x.file is me:
                ctx.report(x.key, msg)
                return

    dirty = {id(s.key) for s in ctx.dirty_services}
    for name, defs in model.services.items():
        mine = [d for d in defs if d.file is me]
        if not mine:
            continue
        layers: list[Layer] = [ly for d in defs for ly in d.layers]

        present: Collection[str]
        if len(layers) == 1:
            present = values(layers[0].node)
        else:
            present = {k for ly in layers for k in values(ly.node)}

        def at(path: str, layers: list[Layer] = layers,
               present: Collection[str] = present) -> Attr | None:
            head = _HEAD.get(path)
            if head is None:
                head = _HEAD[path] = path.split(".", 1)[0]
            if head not in present:
                return None
            return attr_in_layers(layers, path)

        if (known and all(d.complete for d in defs)
                and not any(_is_set(at(k)) for k in ("image", "build", "provider"))
                and not sibling_completes(me, name, ("image", "build"), ctx.read_text)):
            ctx.report(mine[0].key, f"service `{name}` has neither `image` nor `build`: Compose "
                       "cannot create its container")
        if not any(id(d.key) in dirty for d in mine):
            continue  # what follows reads this service alone, and found nothing last time
        # each check below needs two settings: skipped at once when a service lacks one
        df, inline = ((at("build.dockerfile"), at("build.dockerfile_inline"))
                      if "build" in present else (None, None))
        if df is not None and inline is not None:
            report_pair(inline, df, f"service `{name}` sets both `build.dockerfile` and "
                        "`build.dockerfile_inline`: they are mutually exclusive")
        nm, nets = ((at("network_mode"), at("networks"))
                    if "network_mode" in present and "networks" in present else (None, None))
        if _is_set(nm) and _is_set(nets) and nm is not None and nets is not None:
            report_pair(nets, nm, f"service `{name}` sets both `network_mode` and `networks`: "
                        "they are mutually exclusive (drop `networks`, or `network_mode`)")
        scale, replicas = ((at("scale"), at("deploy.replicas"))
                           if "scale" in present and "deploy" in present else (None, None))
        sv, rv = _number(_value(scale, env), "int"), _number(_value(replicas, env), "int")
        if scale is not None and replicas is not None and sv is not None and rv is not None \
                and sv != rv:
            report_pair(scale, replicas, f"service `{name}`: `scale` ({_value(scale, env)}) "
                        f"differs from `deploy.replicas` ({_value(replicas, env)}); Compose "
                        "refuses distinct values")
        for short, long, kind in _TWINS if "deploy" in present else ():
            if short not in present:
                continue
            a, b = at(short), at(long)
            av, bv = _value(a, env), _value(b, env)
            na, nb = _number(av, kind), _number(bv, kind)
            if b is None:  # an absent twin in a present `limits:`/`reservations:` is 0
                parent = at(long.rsplit(".", 1)[0])
                if parent is not None and isinstance(parent.value, MappingNode):
                    b, bv, nb = parent, "unset", 0.0
            if a is not None and b is not None and na is not None and nb is not None \
                    and abs(na - nb) > 1e-9 * max(abs(na), abs(nb), 1):
                report_pair(a, b, f"service `{name}`: `{short}` ({av}) differs from `{long}` "
                            f"({bv}); Compose refuses distinct values")
        hc = at("healthcheck.test") if "healthcheck" in present else None
        if hc is not None and hc.file is me and isinstance(hc.value, SequenceNode) and hc.value.value:
            first = hc.value.value[0]
            word = text_of(first, me.text)
            if word is not None and "$" not in word and word not in ("CMD", "CMD-SHELL", "NONE"):
                ctx.report(first, f"`healthcheck.test` list starts with `{word}`: it must start "
                           "with `CMD`, `CMD-SHELL` or `NONE` (e.g. `[\"CMD\", …]`)")
        plat, plats = ((at("platform"), at("build.platforms"))
                       if "platform" in present and "build" in present else (None, None))
        pv = _value(plat, env)
        if plat is not None and plats is not None and pv and isinstance(plats.value, SequenceNode):
            listed = [text_of(x, plats.file.text) for x in plats.value.value]
            if all(x is not None and "$" not in x for x in listed) and pv not in listed:
                report_pair(plat, plats, f"service `{name}`: `build.platforms` does not include "
                            f"its `platform` `{pv}`")
        for d in mine:
            svc = Service(name, d.key, d.node)
            _mount_targets(ctx, svc)
            _port_specs(ctx, svc, env)
    _secrets(ctx, known)


def _mount_targets(ctx: ComposeContext, svc: Service) -> None:
    """Compose keys a service's mounts by target — cleaned in the short syntax, as written
    in the long one — and keeps the last mount of each key; two keys that name the same
    directory (`/x` and `/x/` in the long syntax) make it refuse the file."""
    by_key: dict[str, tuple[int, object]] = {}
    by_dir: dict[str, tuple[str, int]] = {}
    for m in volumes(svc, ctx.text):
        if not m.target or "$" in m.target:
            continue
        tgt = posixpath.normpath(m.target)
        key = tgt if m.short else m.target
        line = m.node.start_mark.line + 1
        where = m.node
        if isinstance(m.node, MappingNode):
            where = get(m.node, "target") or m.node
        ident = _mount_identity(m, ctx.text)
        if key in by_key:
            if by_key[key][1] != ident:
                ctx.report(where, f"service `{svc.name}` mounts two volumes on `{tgt}` (first "
                           f"on line {by_key[key][0]}): Compose keeps only the last one and "
                           "silently drops the other")
            by_key[key] = (by_key[key][0], ident)
            continue
        by_key[key] = (line, ident)
        if tgt in by_dir and by_dir[tgt][0] != key:
            ctx.report(where, f"service `{svc.name}` mounts `{tgt}` twice (first on line "
                       f"{by_dir[tgt][1]}, written differently): Compose refuses the file "
                       f"(`target {tgt} already mounted`)")
        by_dir.setdefault(tgt, (key, line))


def _mount_identity(m: Mount, text: str) -> object:
    """What Compose mounts: two entries with the same identity are one mount written twice
    (`./a` and `./a/` are one directory; `ro`, `:z` or `nocopy` make a different mount)."""
    src = m.source
    if src and m.type == "bind":
        src = src.rstrip("/") or "/"
    if m.short:
        parts = split_volume(text_of(m.node) or "")
        options = frozenset(parts[2].split(",")) - {"rw", ""} if len(parts) > 2 else frozenset()
        return (m.type, src, options)
    settings = to_python(m.node, text)
    if isinstance(settings, dict):
        for key in ("type", "source", "target", "read_only"):
            settings.pop(key, None)
    return (m.type, src, m.read_only, repr(settings))


def _port_specs(ctx: ComposeContext, svc: Service, env: dict[str, str]) -> None:
    seq = svc.get("ports")
    for item in seq.value if isinstance(seq, SequenceNode) else ():
        raw = text_of(item, ctx.text) if isinstance(item, ScalarNode) else None
        if raw is None or ("$" in raw and (raw := _interpolated(raw, env)) is None):
            continue
        why = port_spec_error(raw)
        if why is not None:
            ctx.report(item, f"port `{raw}` of service `{svc.name}`: {why} (Docker reads "
                       "`[ip:][host_port:]container_port[/protocol]`)")


def _interpolated(s: str, env: dict[str, str]) -> str | None:
    parsed = interpolation.parse(s)
    if parsed.problems:
        return None
    sub = interpolation.substitute(s, env, parsed)
    return None if sub.missing or sub.required_errors else sub.value


def _port_range(s: str) -> tuple[int, int] | None:
    lo, dash, hi = s.partition("-")
    if not all(x.isascii() and x.isdigit() for x in ((lo, hi) if dash else (lo,))):
        return None
    a, b = int(lo), int(hi if dash else lo)
    return (a, b) if a <= b <= 65535 else None


def port_spec_error(raw: str) -> str | None:
    """Why Docker (go-connections' `nat.ParsePortSpec`, which Compose calls) refuses a
    short-syntax port, else None."""
    import ipaddress

    parts = raw.split(":")
    container = parts[-1]
    host = parts[-2] if len(parts) > 1 else ""
    ip = ":".join(parts[:-2])
    container, _, proto = container.partition("/")
    proto = proto or "tcp"  # `80/` is tcp; `80/tcp/udp` is refused
    if ip.startswith("["):
        if "]" not in ip or not ip.endswith("]"):
            return f"invalid IP address `{ip}`"
        ip = ip[1:-1]
    if ip:
        try:
            ipaddress.ip_address(ip)
        except ValueError:
            return f"invalid IP address `{ip}`"
        if "%" in ip:
            return f"invalid IP address `{ip}`"
    if not container:
        return "no container port"
    c = _port_range(container)
    if c is None:
        return f"invalid container port `{container}`"
    if c[0] == 0:
        return "container port 0"
    if host:
        h = _port_range(host)
        if h is None:
            return f"invalid host port `{host}`"
        if c[1] - c[0] != h[1] - h[0] and c[0] != c[1]:
            return f"the port ranges `{host}` and `{container}` differ in length"
    if proto.lower() not in ("tcp", "udp", "sctp"):
        return f"invalid protocol `{proto}`"
    return None


def _secrets(ctx: ComposeContext, known: bool) -> None:
    if not known:
        return
    for name, entries in ctx.project.sections("secrets").items():
        ok = False
        for f, _k, v in entries:
            for attr in ("file", "environment", "external"):
                n = get(v, attr)
                if n is None:
                    continue
                if attr == "external" and isinstance(n, ScalarNode) and text_of(n, f.text) == "false":
                    continue
                ok = True
        if ok:
            continue
        for f, k, _v in entries:
            if f is ctx.file:
                ctx.report(k, f"secret `{name}` has neither `file` nor `environment` (and is "
                           "not `external`): Compose does not know where to read it")
                break
