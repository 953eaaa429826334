"""
## What it does
Off by default. Reports a service without `read_only: true` (across the project's
files and `extends`), at the service's name in the first file that defines it. Not
reported for Windows containers (a Windows image such as `servercore`/`nanoserver`, or
`platform: windows/…`): Docker has no read-only root file system on Windows.

## Why is this bad?
A writable root file system lets an attacker who gets code execution in the container
drop binaries, edit configuration or persist a backdoor for the container's lifetime;
it also hides where the app writes (data written to the container layer is lost on
re-creation and slow). With `read_only: true`, writes go only to declared volumes and
`tmpfs` mounts.

## Example
```yaml
services:
  api:
    image: my/api:1.4
```
Use instead:
```yaml
services:
  api:
    image: my/api:1.4
    read_only: true
    tmpfs:
      - /tmp
```

## Fix safety
Unsafe: adds `read_only: true` (or turns `read_only: false` into `true`) and `tmpfs`
entries merged with the service's existing mounts: `/tmp`, plus known write paths of
catalogue images (nginx: `/var/cache/nginx`, `/var/run`; PostgreSQL:
`/var/run/postgresql`; MySQL: `/var/run/mysqld`; MariaDB: `/run/mysqld`), skipping paths already mounted by `volumes` or `tmpfs`. Images
that write elsewhere (`/run/x`, `/var/cache/x`, `$HOME/.cache`) need more entries: run
the service and watch for "Read-only file system" errors. Not offered for flow-style
(`{…}`) services, nor when what it would edit is an anchor another service reads (the
service's own mapping merged elsewhere, a `tmpfs` list or `read_only` from a shared
anchor; a merged `read_only: false` is overridden by an own key).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from dockwise.compose.builds import Layer, image_of, image_repo, merged_get, service_layers
from dockwise.compose.edits import (
    ModelPath,
    insert_entry,
    line_end,
    merge_insertions,
    model_paths,
    others_changed,
    sequence_indent,
    set_value,
    written_end,
)
from dockwise.compose.service import Service, text_of, volumes
from dockwise.compose.yaml_model import (
    MappingNode,
    ScalarNode,
    SequenceNode,
    compose_bool,
    get,
)
from dockwise.dockerfile.analysis import windows_image
from dockwise.lint.engine import ComposeContext
from dockwise.lint.registry import rule
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity
from dockwise.text import Span

#: findings for a service depend on that service alone (see dockwise.compose.incremental)
SERVICE_LOCAL = True

IMAGE_TMPFS = {"nginx": ["/var/cache/nginx", "/var/run"],
               "postgres": ["/var/run/postgresql"],
               "mysql": ["/var/run/mysqld"],  # the socket and pid file
               "mariadb": ["/run/mysqld"]}


def _mounted(layers: list[Layer]) -> set[str]:
    out: set[str] = set()
    for layer in layers:
        svc = Service("", layer.key, layer.node)  # type: ignore[arg-type]
        out.update(m.target.rstrip("/") for m in volumes(svc, layer.file.text) if m.target)
        tm = get(layer.node, "tmpfs")
        items = tm.value if isinstance(tm, SequenceNode) else [tm] if tm is not None else []
        for x in items:
            t = text_of(x, layer.file.text)
            if t:
                out.add(t.split(":", 1)[0].rstrip("/"))
    return out


@rule(code="DC306", name="writable-root-fs", severity=Severity.INFORMATION,
      fix=FixAvailability.SOMETIMES, enabled=False)
def check(ctx: ComposeContext) -> None:
    defs = ctx.project.sections("services")
    for svc in ctx.services:
        first = defs.get(svc.name, [])
        if first and first[0][0] is not ctx.file:
            continue
        layers = service_layers(ctx.project, svc.name, ctx.read_text)
        ro = merged_get(layers, "read_only")
        if ro is not None and isinstance(ro[1], ScalarNode) and \
                compose_bool(ro[1], ro[0].file.text) is True:
            continue
        if _windows(layers, ctx.project.env):
            continue  # Windows containers have no read-only root file system
        ctx.report(svc.key, f"service `{svc.name}` has a writable root file system: set "
                   "`read_only: true` and mount `tmpfs` where it must write", fix=_fix(ctx, svc, layers))


def _windows(layers: list[Layer], env: Mapping[str, str]) -> bool:
    """A Windows container: a Windows image (servercore, nanoserver, …) or platform."""
    image = image_of(layers, env)
    platform = merged_get(layers, "platform")
    return (image is not None and windows_image(image)) or (
        platform is not None and isinstance(platform[1], ScalarNode)
        and str(platform[1].value).lower().startswith("windows"))


def _fix(ctx: ComposeContext, svc: Service, layers: list[Layer]) -> Fix | None:
    node = svc.node
    if not isinstance(node, MappingNode) or node.flow_style or not node.value:
        return None
    want = ["/tmp", *IMAGE_TMPFS.get(image_repo(image_of(layers, ctx.project.env)), [])]
    have = _mounted(layers)
    add = [p for p in want if p not in have]
    edits: list[Edit] = []
    new_lines: list[str] = []
    own: ModelPath = ("services", svc.name)
    if others_changed(ctx.doc, node, "read_only", own) is not None:
        return None  # the service's mapping is an anchor that others merge
    ro = svc.get("read_only")
    if ro is not None:
        set_ro, _ = set_value(ctx.doc, node, "read_only", "true",
                              lambda p: p == (*own, "read_only"))
        if set_ro is None:
            return None
        edits.append(set_ro)
    else:
        new_lines.append("read_only: true")
    tm = svc.get("tmpfs")
    if add and tm is not None and model_paths(ctx.doc, tm) != [(*own, "tmpfs")]:
        return None  # a list from an anchor (`<<: *x`, `*x`) that others read too
    if add:
        if tm is None:
            pad = "  " if sequence_indent(ctx.doc) else ""
            new_lines.append("tmpfs:")
            new_lines.extend(f"{pad}- {p}" for p in add)
        elif isinstance(tm, ScalarNode):
            items = [tm.value, *add]
            edits.append(Edit(ctx.span(tm), "[" + ", ".join(json.dumps(x) for x in items) + "]"))
        elif isinstance(tm, SequenceNode) and (tm.flow_style or not tm.value):
            e = tm.end_mark.index - 1
            lead = ", " if tm.value else ""
            edits.append(Edit(Span(e, e), lead + ", ".join(add)))
        elif isinstance(tm, SequenceNode):
            here = [x for x in tm.value if x.start_mark.index >= tm.start_mark.index]
            if not here:
                return None  # (only aliases: no item to align with)
            col = here[-1].start_mark.column - 2
            at = line_end(ctx.text, written_end(ctx.doc, tm))
            edits.append(Edit(Span(at, at), "".join(f"\n{' ' * col}- {p}" for p in add)))
        else:
            return None
    if new_lines:
        ed = insert_entry(ctx.doc, node, new_lines)
        if ed is None:
            return None
        edits.append(ed)
    return Fix("add `read_only: true` and `tmpfs`", merge_insertions(edits), Applicability.UNSAFE)
