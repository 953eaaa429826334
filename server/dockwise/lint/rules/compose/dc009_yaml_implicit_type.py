"""
## What it does
Reports an unquoted scalar in a string-valued field — `environment`, `labels`,
`build.args`, `extra_hosts`, `sysctls` values, `image`, `command` items and `ports` items —
that Compose v2 (go-yaml v3) reads as something other than the text written, so the
container gets a different text (or Compose rejects the file):

- floats that lose digits: `3.10` → `3.1`, `1.0` → `1`;
- exponent forms: `1e5` → `100000`, `1e6` → `1e+06`, a digits-and-`e` commit SHA;
- leading-zero octals and other integer forms: `0755` → `493`, `0x1F` → `31`,
  `1_000` → `1000`, `+1` → `1`;
- booleans written in another case: `True` → `true`;
- dates (`2024-01-02`): Compose rejects the file (`invalid jsonType time.Time`).

`yes`/`no`/`on`/`off` and base-60 forms (`22:22`) are plain strings to Compose v2; they are
traps only for YAML 1.1 tools (PyYAML, older `docker-compose` v1) and are reported only
with `compose-target = "yaml-1.1"`.

Decisions: a value whose text Compose keeps unchanged (`8080`, `1.5`, `true`) is not
reported; explicitly tagged values (`!!float 3.10`) and null values (`KEY:`, which passes
the host's variable through) are left alone. Fields where Compose requires a string
(`command` items, `extra_hosts` values) get the message that Compose rejects the file.

## Why is this bad?
`PYTHON_VERSION: 3.10` gives the container `PYTHON_VERSION=3.1`; `UMASK: 0022` gives `18`;
`GIT_SHA: 123e4567` gives `1.23e+71`. Nothing warns: the value is just different.

## Example
```yaml
services:
  app:
    image: python:3.13-slim
    environment:
      PYTHON_VERSION: 3.10   # the container gets 3.1
      FILE_MODE: 0644        # the container gets 420
```
Use instead:
```yaml
    environment:
      PYTHON_VERSION: "3.10"
      FILE_MODE: "0644"
```

## Fix safety
Safe: the scalar is double-quoted keeping its original text, which is what the author
wrote and meant.

A value read through an anchor (`x-v: &v 3.10` used as `PYTHON_VERSION: *v`, or an
`environment` merged with `<<:`) is quoted where it is written (its anchor kept) only
when every place that reads it is a field this rule checks; otherwise (say `cpus: *v`
reads it too) the alias written in the service (`PYTHON_VERSION: *v`) is replaced by the
quoted text, or a merged key gets an own entry in the service's mapping (an own key
overrides a merged one); the finding is then on that alias, or on the service. When
neither can be done there is no fix and the message names the anchor and the other
places that read it.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

from dockwise.compose.edits import (
    ModelPath,
    alias_span,
    own_alias,
    set_item,
    set_value,
    value_span,
)
from dockwise.compose.service import Service
from dockwise.compose.yaml_model import (
    IMPLICIT,
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    Timestamp,
    get,
    is_plain,
    mapping_items,
    resolve_plain,
)
from dockwise.lint.engine import ComposeContext
from dockwise.lint.registry import rule
from dockwise.lint.types import Applicability, Fix, FixAvailability, Severity

_YAML11_BOOLS = frozenset(
    f(w) for w in ("y", "yes", "n", "no", "on", "off") for f in (str.lower, str.upper, str.title)
)
_SEXAGESIMAL = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
# fields whose values Compose requires to be strings (a number is rejected, not converted)
_STRICT = frozenset({"command", "extra_hosts"})

#: findings for a service depend on that service alone (see dockwise.compose.incremental)
SERVICE_LOCAL = True


def go_float(f: float) -> str:
    """A float64 as Go's fmt.Sprint prints it (strconv 'g', shortest, %e from exponent 6)."""
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    if f == 0:
        return "-0" if math.copysign(1, f) < 0 else "0"
    sign, digits, exp = Decimal(repr(f)).as_tuple()
    ds = "".join(map(str, digits)).rstrip("0") or "0"
    assert isinstance(exp, int)
    dp = len(digits) + exp  # position of the decimal point
    neg = "-" if sign else ""
    x = dp - 1
    if x < -4 or x >= 6:
        mant = ds[0] + ("." + ds[1:] if len(ds) > 1 else "")
        return f"{neg}{mant}e{'-' if x < 0 else '+'}{abs(x):02d}"
    if dp <= 0:
        return f"{neg}0.{'0' * -dp}{ds}"
    if dp >= len(ds):
        return f"{neg}{ds}{'0' * (dp - len(ds))}"
    return f"{neg}{ds[:dp]}.{ds[dp:]}"


def typed_as(node: ScalarNode, yaml11: bool) -> tuple[str, str | None] | None:
    """(what Compose reads, the text it produces — None when it rejects) for a plain scalar
    whose text does not survive, else None."""
    if not is_plain(node) or node.tag != IMPLICIT:
        return None
    raw = node.value
    if "\n" in raw:
        return None
    v = resolve_plain(raw)
    if yaml11 and isinstance(v, str):
        if raw in _YAML11_BOOLS:
            return "a boolean by YAML 1.1 tools", None
        if _SEXAGESIMAL.match(raw):
            return "a base-60 number by YAML 1.1 tools", None
    if v is None:
        return None
    if isinstance(v, Timestamp):
        return "a date", None
    if isinstance(v, bool):
        out = "true" if v else "false"
        return (None if out == raw else ("the boolean `" + out + "`", out))
    if isinstance(v, int):
        return None if str(v) == raw else (f"the integer {v}", str(v))
    if isinstance(v, float):
        if math.isinf(v) and raw.lstrip("+-").lower() != ".inf":
            return None  # out of float64 range: go-yaml keeps it a string
        out = go_float(v)
        return None if out == raw else (f"the number {out}", out)
    return None


Site = tuple[Node, str | int]  # the mapping (and key) or list (and index) holding a value

_FIELDS = frozenset({"environment", "labels", "extra_hosts", "sysctls", "ports"})


def _values(node: Node | None) -> list[tuple[ScalarNode, Site]]:
    """Values of a mapping, or items of a sequence (list forms), with where they sit."""
    out: list[tuple[ScalarNode, Site]] = []
    if isinstance(node, MappingNode):
        out.extend((v, (node, k.value)) for k, v in mapping_items(node)
                   if isinstance(v, ScalarNode) and isinstance(k, ScalarNode))
    elif isinstance(node, SequenceNode):
        out.extend((x, (node, i)) for i, x in enumerate(node.value) if isinstance(x, ScalarNode))
    return out


def checked(p: ModelPath) -> bool:
    """A model path this rule checks: a fix may change the value at any of them (the same
    finding holds there), never elsewhere (say `cpus: *v` reading the same anchor)."""
    if len(p) < 3 or p[0] != "services":
        return False
    rest = p[2:]
    if len(rest) == 1:
        return rest[0] in ("image", "command")
    if len(rest) == 2:
        return rest[0] in _FIELDS or (rest[0] == "command" and isinstance(rest[1], int))
    return len(rest) == 3 and rest[0] == "build" and rest[1] == "args"


@rule(code="DC009", name="yaml-implicit-type", severity=Severity.WARNING,
      fix=FixAvailability.SOMETIMES)
def check(ctx: ComposeContext) -> None:
    yaml11 = ctx.settings.compose_target == "yaml-1.1"
    done: set[int] = set()  # values fixed (or reported) wherever they are read
    sites: set[tuple[int, int, str | int]] = set()  # (value, holder, key) reported
    for svc in ctx.services:
        keys = svc.keys
        fields: list[tuple[str, list[tuple[ScalarNode, Site]]]] = []
        for key in ("environment", "labels", "extra_hosts", "sysctls", "ports"):
            if key in keys:
                fields.append((key, _values(keys[key])))
        build = keys.get("build")
        if build is not None:
            fields.append(("build.args", _values(get(build, "args"))))
        img = keys.get("image")
        if isinstance(img, ScalarNode):
            fields.append(("image", [(img, (svc.node, "image"))]))
        cmd = keys.get("command")
        if cmd is not None:
            fields.append(("command", _values(cmd) if isinstance(cmd, SequenceNode) else
                           [(cmd, (svc.node, "command"))] if isinstance(cmd, ScalarNode)
                           else []))
        for field, nodes in fields:
            for n, site in nodes:
                if id(n) in done or (id(n), id(site[0]), site[1]) in sites:
                    continue
                sites.add((id(n), id(site[0]), site[1]))
                if _check(ctx, svc, field, n, site, yaml11):
                    done.add(id(n))


def _check(ctx: ComposeContext, svc: Service, field: str, node: ScalarNode, site: Site,
           yaml11: bool) -> bool:
    """Report ``node`` read at ``site`` in ``svc``; True when that covers every place
    reading it (the value is not reported, or fixed in place), False when only this site
    is (the finding is then on the alias written there, else on the value when the
    service's text holds it, else on the service)."""
    t = typed_as(node, yaml11)
    if t is None:
        return True
    what, produced = t
    raw = node.value
    if what.endswith("YAML 1.1 tools"):
        why = f"`{raw}` is read as {what} (a string to Compose v2)"
    elif produced is None:
        why = f"`{raw}` is read as {what}: Compose rejects the file (a string is required)"
    elif field in _STRICT:
        why = f"`{raw}` is read as {what}: Compose rejects it (`{field}` needs a string)"
    else:
        why = f"`{raw}` is read as {what}, so the container gets `{produced}`"
    quoted = '"' + raw.replace("\\", "\\\\").replace('"', '\\"') + '"'
    holder, key = site
    if isinstance(key, int):
        edit, whynot = set_item(ctx.doc, holder, key, quoted, checked)
        alias = alias_span(ctx.doc, holder, key)
    else:
        edit, whynot = set_value(ctx.doc, holder, key, quoted, checked)
        alias = own_alias(ctx.doc, holder, key)
    in_place = edit is not None and edit.span == value_span(ctx.doc, node)
    msg = f"{why}; quote it to keep the text `{raw}`"
    if edit is None:
        msg += f" (no automatic fix: {whynot})"
    fix = Fix(f"quote `{raw}`", (edit,), Applicability.SAFE) if edit is not None else None
    where: object = value_span(ctx.doc, node)
    if not in_place:
        if alias is not None:
            where = alias
        elif not svc.node.start_mark.index <= node.start_mark.index < svc.node.end_mark.index:
            where = svc.key
    ctx.report(where, msg, fix=fix)
    return in_place


