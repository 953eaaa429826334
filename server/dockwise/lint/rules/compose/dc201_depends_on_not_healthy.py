"""
## What it does
Reports a `depends_on` entry in short syntax (`- db`), or in long syntax with
`condition: service_started` (also when `condition` is left out), on a service that has
an enabled healthcheck — in Compose (`healthcheck.test`, not `disable: true`, not
`["NONE"]`) or, when Compose says nothing, in its image (a `HEALTHCHECK` in the target
stage chain of a local build, or a catalogue image known to ship one).

## Why is this bad?
`service_started` only waits for the container to be created and started: the dependent
starts while the database is still initialising and fails its first connections. The
healthcheck is already there; `condition: service_healthy` makes `up` wait for it.

## Example
```yaml
services:
  web:
    depends_on:
      - db
  db:
    image: postgres:17
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U postgres"]
```
Use instead:
```yaml
services:
  web:
    depends_on:
      db:
        condition: service_healthy
```

## Fix safety
Unsafe: rewrites the entry in long syntax with `condition: service_healthy`. A short-syntax
list becomes the long mapping form (every entry of the list, the others keeping
`condition: service_started`), written in the file's indentation style with comments
kept. `up` then waits for the check, and **fails** if it never passes (a broken or slow
healthcheck blocks the stack). No fix for flow mappings or entries whose name is not a
plain scalar.

An edit changes only `depends_on` entries for the same dependency. A `condition` read
from a shared anchor (`<<: *dep`, `*dep`) that other entries use too is not edited: an
own `condition: service_healthy` is added to the entry instead (it overrides the merged
one), and when the entry itself is shared with other dependencies there is no fix (the
message names the anchor and what else uses it).

Decisions where the catalogue is silent:

- A Compose `healthcheck:` without `test` keeps the image's check, so the image decides.
- The finding is on the dependency's name in the file that writes the `depends_on`
  entry.
"""

from __future__ import annotations

import re
from functools import partial

from dockwise.compose.builds import health_summary, scalar_text, services_index
from dockwise.compose.edits import (
    ModelPath,
    indent_unit,
    line_end,
    model_paths,
    scalar,
    set_value,
    shared_reason,
)
from dockwise.compose.incremental import kept
from dockwise.compose.service import Dependency, Service, depends_on
from dockwise.compose.yaml_model import MappingNode, Node, ScalarNode, SequenceNode, get, get_key
from dockwise.lint.engine import ComposeContext
from dockwise.lint.registry import rule
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity
from dockwise.text import Span

_DASH = re.compile(r"^[ \t]*-[ \t]+$")


@rule(code="DC201", name="depends-on-not-healthy", severity=Severity.INFORMATION,
      fix=FixAvailability.SOMETIMES)
def check(ctx: ComposeContext) -> None:
    known = services_index(ctx.project)
    cache: dict[str, bool | None] = {}

    def enabled(name: str) -> bool | None:
        if name not in cache:
            cache[name] = health_summary(ctx.project, name, ctx.read_text).enabled
        return cache[name]

    for svc in ctx.services:
        # (the services it only waits to start, kept between lints: read again to report)
        starts = kept(ctx.project.memo, svc.name, "DC201.started", partial(_starts, svc))
        if not any(n in known and enabled(n) is True for n in starts):
            continue
        for dep in depends_on(svc, ctx.text):
            if dep.condition != "service_started" or dep.name not in known:
                continue
            if enabled(dep.name) is not True:
                continue
            how = "`depends_on` short syntax" if dep.short else "`condition: service_started`"
            msg = (f"{how} waits only for `{dep.name}` to start, not for its healthcheck to "
                   "pass: use `condition: service_healthy`")
            fix, why = _fix(ctx, svc, dep)
            if fix is None:
                msg += f" (no fix: {why or 'not for this syntax'})"
            ctx.report(dep.node, msg, fix=fix)


def _starts(svc: Service) -> tuple[str, ...]:
    """The services `svc` waits on only to start (short syntax, `service_started`)."""
    return tuple(d.name for d in depends_on(svc) if d.condition == "service_started")


def _fix(ctx: ComposeContext, svc: Service, dep: Dependency) -> tuple[Fix | None, str]:
    """The fix, or (None, why). An edit may change only `depends_on.<dep>` entries (of any
    service: the same finding holds for each), never what else shares an anchor."""
    title = f"Wait for `{dep.name}` to be healthy (`condition: service_healthy`)"
    seq = svc.get("depends_on")
    if dep.short:
        if not isinstance(seq, SequenceNode):
            return None, ""
        key = get_key(svc.node, "depends_on")
        if key is None or not key.end_mark.index <= seq.start_mark.index <= svc.node.end_mark.index:
            return None, ""  # an alias of a list written elsewhere
        paths = model_paths(ctx.doc, seq)
        if not paths or any(len(p) != 3 or p[0] != "services" or p[2] != "depends_on"
                            for p in paths):
            return None, shared_reason(ctx.doc, seq, None if paths is None else [
                p for p in paths if len(p) != 3 or p[0] != "services" or p[2] != "depends_on"])
        edits = _long_form(ctx, key, seq, dep.name)
        return (Fix(title, tuple(edits), Applicability.UNSAFE), "") if edits else (None, "")
    if not isinstance(seq, MappingNode):
        return None, ""
    value = get(seq, dep.name)
    if not isinstance(value, MappingNode) or not value.value:
        return None, ""

    def wanted(p: ModelPath) -> bool:
        return (len(p) == 5 and p[0] == "services" and p[2] == "depends_on"
                and p[3] == dep.name and p[4] == "condition")

    edit, why = set_value(ctx.doc, value, "condition", "service_healthy", wanted)
    if edit is None:
        return None, why
    return Fix(title, (edit,), Applicability.UNSAFE), ""


def _long_form(ctx: ComposeContext, key: Node | None, seq: SequenceNode, healthy: str) -> list[Edit]:
    """Rewrite a short-syntax `depends_on` list as the long mapping, item by item (so
    comments between items stay where they are)."""
    if key is None or not seq.value:
        return []
    text = ctx.text
    unit = indent_unit(ctx.doc)
    key_col = key.start_mark.column
    names: list[tuple[ScalarNode, str]] = []
    for item in seq.value:
        name = scalar_text(item)
        if not isinstance(item, ScalarNode) or not name or item.start_mark.line != item.end_mark.line:
            return []
        names.append((item, name))

    def entry(name: str, col: int) -> str:
        cond = "service_healthy" if name == healthy else "service_started"
        return f"{' ' * col}{scalar(name)}:\n{' ' * (col + unit)}condition: {cond}"

    if seq.flow_style:
        between = text[key.end_mark.index : seq.start_mark.index]
        if not re.fullmatch(r"[ \t]*:[ \t]*", between):
            return []
        after = text[seq.end_mark.index : line_end(text, seq.end_mark.index)]
        if after.strip() and not after.strip().startswith("#"):
            return []
        col = key_col + unit
        body = "\n".join(entry(n, col) for _, n in names)
        return [Edit(Span(key.end_mark.index, seq.end_mark.index), ":\n" + body)]
    edits: list[Edit] = []
    for item, name in names:
        line_start = text.rfind("\n", 0, item.start_mark.index) + 1
        if not _DASH.match(text[line_start : item.start_mark.index]):
            return []
        dash_col = item.start_mark.index - line_start - len(
            text[line_start : item.start_mark.index].lstrip(" \t"))
        col = dash_col if dash_col > key_col else key_col + unit
        edits.append(Edit(Span(line_start, item.end_mark.index), entry(name, col)))
    return edits


