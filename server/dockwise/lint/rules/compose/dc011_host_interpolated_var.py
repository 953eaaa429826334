"""
## What it does
Reports `$VAR` / `${VAR}` (without a default) in `command`, `entrypoint` or
`healthcheck.test` when `VAR` is a variable of the *container* — set in the service's own
`environment`/`env_file`, or a well-known container variable (`HOSTNAME`, `HOME`, `PATH`,
`PWD`, `USER`, `POSTGRES_*`, `MYSQL_*`, `MARIADB_*`, `MONGO_INITDB_*`,
`RABBITMQ_DEFAULT_*`, `PGDATA`/`PGUSER`/…) — and is not in the project `.env`.

## Why is this bad?
Compose interpolates `$VAR` in the whole file **on the host** when it loads it, before
any container exists. `pg_isready -U $POSTGRES_USER` gets the host's value (usually
empty, with a "variable is not set" warning), `echo $HOSTNAME` the host's name. To let
the container's shell expand it, write `$$VAR`.

## Example
```yaml
services:
  db:
    image: postgres:17
    environment:
      POSTGRES_USER: app
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U $POSTGRES_USER"]
```
Use instead:
```yaml
      test: ["CMD-SHELL", "pg_isready -U $$POSTGRES_USER"]
```

## Fix safety
Safe where a shell runs the text in the container (`sh -c "…"` / `bash -lc "…"`, the
script of a shell `entrypoint`, `CMD-SHELL`, a string `healthcheck.test`): `$` → `$$`
and the shell expands the container's value. Unsafe elsewhere: an exec-form list runs no
shell, so `$$VAR` passes the literal text `$VAR`; the message says to add a shell.

Decisions: `${VAR:-default}`, `${VAR-default}`, `${VAR:+x}` and `${VAR:?message}`
are deliberate host interpolation and are not reported; nor is a variable that the
service's `environment` passes through from the host (`- VAR`, `VAR:`, or exactly
`VAR: ${VAR}`): the container gets the same host value. The
host's own environment is not consulted: `$HOME` in a command is a trap whatever the
host has.
"""

from __future__ import annotations

import json
from pathlib import Path

from dockwise.compose import interpolation
from dockwise.compose.builds import Layer, base_dir_of, merged_get, service_layers
from dockwise.compose.project import parse_dotenv
from dockwise.compose.service import Service, environment, text_of
from dockwise.compose.yaml_model import MappingNode, Node, ScalarNode, SequenceNode, get
from dockwise.lint.engine import ComposeContext
from dockwise.lint.registry import rule
from dockwise.lint.rules.compose.dc012_command_without_shell import is_c_flag, is_shell, split_words
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity
from dockwise.text import Span

#: findings for a service depend on that service alone (see dockwise.compose.incremental)
SERVICE_LOCAL = True

WELL_KNOWN = frozenset({"HOSTNAME", "HOME", "PATH", "PWD", "USER", "SHELL", "LANG", "TERM",
                        "JAVA_HOME", "PYTHONPATH", "VIRTUAL_ENV", "PGDATA", "PGUSER",
                        "PGPASSWORD", "PGHOST", "PGPORT", "PGDATABASE"})
WELL_KNOWN_PREFIXES = ("POSTGRES_", "MYSQL_", "MARIADB_", "MONGO_INITDB_", "RABBITMQ_DEFAULT_")


def is_well_known(name: str) -> bool:
    return name in WELL_KNOWN or name.startswith(WELL_KNOWN_PREFIXES)


def _env_files(layer: Layer, text: str) -> list[str]:
    ef = get(layer.node, "env_file")
    items = [ef] if isinstance(ef, ScalarNode | MappingNode) else (
        ef.value if isinstance(ef, SequenceNode) else [])
    out: list[str] = []
    for it in items:
        p = text_of(get(it, "path") if isinstance(it, MappingNode) else it, text)
        if p:
            out.append(p)
    return out


def container_env(ctx: ComposeContext, layers: list[Layer]) -> tuple[set[str], set[str]]:
    """(names the service's container gets, names passed through from the host: `- NAME`,
    `NAME:` or exactly `NAME: ${NAME}`)."""
    names: set[str] = set()
    same: set[str] = set()
    for layer in layers:
        svc = Service("", layer.key, layer.node)  # type: ignore[arg-type]
        for ev in environment(svc, layer.file.text):
            names.add(ev.name)
            if ev.value is None or ev.value.strip() in (f"${{{ev.name}}}", f"${ev.name}"):
                same.add(ev.name)
        for p in _env_files(layer, layer.file.text):
            raw = interpolation.substitute(p, ctx.project.env).value
            t = ctx.read_text((layer.base_dir / raw) if not Path(raw).is_absolute() else Path(raw))
            if t is not None:
                names.update(parse_dotenv(t))
    return names, same


def _base(node: ScalarNode, text: str) -> int | None:
    """File offset of the scalar's first character when offsets inside it map 1:1."""
    s, e = node.start_mark.index, node.end_mark.index
    raw = text[s:e]
    if not node.style and raw == node.value:
        return s
    if node.style in ("'", '"') and raw[1:-1] == node.value and "\n" not in raw:
        return s + 1
    return None


def _shell_items(items: list[Node], text: str) -> tuple[set[int], bool]:
    """Ids of items a shell runs (the script after `sh -c`) for an exec-form list."""
    vals = [text_of(x, text) or "" for x in items]
    if len(vals) >= 3 and is_shell(vals[0]) and is_c_flag(vals[1]):
        return {id(items[2])}, True
    return set(), False


def _is_shell_entrypoint(ep: Node | None, text: str) -> bool:
    """An entrypoint that is exactly `[sh, -c]`: the command's first item is a script."""
    if isinstance(ep, SequenceNode):
        vals = [text_of(x, text) or "" for x in ep.value]
    elif isinstance(ep, ScalarNode):
        vals, _ = split_words(ep.value)
    else:
        return False
    return len(vals) == 2 and is_shell(vals[0]) and is_c_flag(vals[1])


@rule(code="DC011", name="host-interpolated-var", severity=Severity.WARNING,
      fix=FixAvailability.SOMETIMES)
def check(ctx: ComposeContext) -> None:
    for svc in ctx.services:
        keys = svc.keys
        if "command" not in keys and "entrypoint" not in keys and "healthcheck" not in keys:
            continue
        layers: list[Layer] | None = None
        # (node, runs in a shell) for every scalar to check
        todo: list[tuple[ScalarNode, bool]] = []
        for field in ("command", "entrypoint"):
            node = keys.get(field)
            if isinstance(node, ScalarNode):
                words, _ = split_words(node.value)
                shell = len(words) > 2 and is_shell(words[0]) and is_c_flag(words[1])
                todo.append((node, shell))
            elif isinstance(node, SequenceNode):
                shell_ids, _ = _shell_items(node.value, ctx.text)
                if field == "command" and node.value:
                    layers = layers or _layers(ctx, svc)
                    ep_found = merged_get(layers, "entrypoint")
                    ep = ep_found[1] if ep_found else None
                    if _is_shell_entrypoint(ep, ep_found[0].file.text if ep_found else ""):
                        shell_ids.add(id(node.value[0]))
                todo.extend((x, id(x) in shell_ids) for x in node.value if isinstance(x, ScalarNode))
        test = get(keys.get("healthcheck"), "test")
        if isinstance(test, ScalarNode):
            todo.append((test, True))
        elif isinstance(test, SequenceNode) and test.value:
            first = (text_of(test.value[0], ctx.text) or "").upper()
            rest = test.value[1:]
            if first == "CMD-SHELL":
                todo.extend((x, True) for x in rest if isinstance(x, ScalarNode))
            elif first == "CMD":
                shell_ids, _ = _shell_items(rest, ctx.text)
                todo.extend((x, id(x) in shell_ids) for x in rest if isinstance(x, ScalarNode))
        todo = [(node, shell) for node, shell in todo if "$" in node.value]
        if not todo:
            continue  # (what the container's environment holds is read only when needed)
        names, same = container_env(ctx, layers or _layers(ctx, svc))
        for node, shell in todo:
            _check_scalar(ctx, node, shell, names, same)


def _layers(ctx: ComposeContext, svc: Service) -> list[Layer]:
    layers = service_layers(ctx.project, svc.name, ctx.read_text)
    if not layers:
        layers = [Layer(ctx.file, svc.key, svc.node, base_dir_of(ctx.project, ctx.file))]
    return layers


def _check_scalar(ctx: ComposeContext, node: ScalarNode, shell: bool, names: set[str],
                  same: set[str]) -> None:
    if "$" not in node.value:
        return
    parsed = interpolation.parse(node.value)
    hits = [p for p in parsed.parts if isinstance(p, interpolation.Ref) and not p.op
            and (p.name in names or is_well_known(p.name)) and p.name not in same
            and p.name not in ctx.project.env]
    if not hits:
        return
    base = _base(node, ctx.text)
    for ref in hits:
        where = "the environment of this service" if ref.name in names else "the container"
        if shell:
            msg = (f"`{node.value[ref.lo:ref.hi]}` is substituted from the host by Compose when "
                   f"it loads the file, not from {where}: write `$$` so the container's shell "
                   "expands it")
        else:
            msg = (f"`{node.value[ref.lo:ref.hi]}` is substituted from the host by Compose when "
                   f"it loads the file, not from {where}, and this exec-form command runs no "
                   "shell: `$$` would pass the literal text; add a shell "
                   '(`["sh", "-c", "…"]`) to use the container\'s value')
        appl = Applicability.SAFE if shell else Applicability.UNSAFE
        fix: Fix | None = None
        span: Span | Node = node
        if base is not None:
            span = Span(base + ref.lo, base + ref.hi)
            fix = Fix("escape `$` as `$$`", (Edit(Span(base + ref.lo, base + ref.lo), "$"),), appl)
        elif node.style in ("", None, '"', "'"):
            new = node.value[: ref.lo] + "$" + node.value[ref.lo:]
            fix = Fix("escape `$` as `$$`", (Edit(Span(node.start_mark.index, node.end_mark.index),
                                                  json.dumps(new, ensure_ascii=False)),), appl)
        else:
            msg += " (no automatic fix for a block scalar: edit it by hand)"
        ctx.report(span, msg, fix=fix)
