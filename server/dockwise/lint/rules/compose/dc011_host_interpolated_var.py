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
script of a shell `entrypoint` — `[sh, -c]` with the script as the command, or a bare
shell with the command `[-c, script]` or `-c "script"` — shell options before `-c`
(`bash -o pipefail -x -c`), `CMD-SHELL`, a string `healthcheck.test`): `$` → `$$`
and the shell expands the container's value. Unsafe elsewhere: an exec-form list runs no
shell, so `$$VAR` passes the literal text `$VAR`; the message says to add a shell.

Decisions: `${VAR:-default}`, `${VAR-default}`, `${VAR:+x}` and `${VAR:?message}`
are deliberate host interpolation and are not reported; nor is a variable that the
service's `environment` passes through from the host (`- VAR`, `VAR:`, or exactly
`VAR: ${VAR}`): the container gets the same host value. Nor is a variable whose only
container source is an `env_file` that *is* the project `.env` (`env_file: .env`, the
file Compose interpolates from — also when that file is absent, e.g. git-ignored): host
and container values cannot differ. The host's own environment is not consulted: `$HOME`
in a command is a trap whatever the host has.

A `$VAR` that the container's shell would not expand either — inside single quotes in
the script (`sh -c "if [ '$MODE' = on ]; …"`) or after a backslash (`\\$MODE`) — is not
reported: there only Compose's substitution on the host gives it a value, so that is
what the text relies on, and `$$` would make the shell see the literal text `$MODE`.
(Quoting is read as the container's shell reads the script, after Compose's own word
split of a string `command`/`entrypoint`: in `sh -c '… $MODE …'` the outer single quotes
are Compose's and the shell still expands it.)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from dataclasses import field as dc_field
from pathlib import Path

from dockwise.compose import interpolation
from dockwise.compose.builds import Layer, base_dir_of, merged_get, service_layers
from dockwise.compose.project import parse_dotenv
from dockwise.compose.service import Service, env_file_paths, environment, text_of
from dockwise.compose.yaml_model import (
    Node,
    ScalarNode,
    SequenceNode,
    get,
    value_offsets,
)
from dockwise.lint.engine import ComposeContext
from dockwise.lint.registry import rule
from dockwise.lint.rules.compose.dc012_command_without_shell import (
    script_index,
    split_words,
    split_words_at,
)
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


@dataclass(slots=True)
class ContainerEnv:
    """Where the service's container variables come from."""

    names: set[str] = dc_field(default_factory=set)  # every name the container gets
    same: set[str] = dc_field(default_factory=set)  # passed through from the host (`- NAME`, …)
    explicit: set[str] = dc_field(default_factory=set)  # set in `environment` with a value
    other_files: set[str] = dc_field(default_factory=set)  # from env_files other than `.env`
    project_dotenv: bool = False  # an `env_file` is the project `.env`

    def host_equal(self, name: str) -> bool:
        """The container's value of ``name`` is the host's: passed through, or only from
        the project `.env` that Compose also interpolates from."""
        if name in self.same:
            return True
        return (self.project_dotenv and name not in self.explicit
                and name not in self.other_files)


def container_env(ctx: ComposeContext, layers: list[Layer]) -> ContainerEnv:
    """The names the service's container gets, and which of them equal the host's."""
    out = ContainerEnv()
    dotenv = (ctx.project.directory / ".env").resolve()
    for layer in layers:
        svc = Service("", layer.key, layer.node)  # type: ignore[arg-type]
        for ev in environment(svc, layer.file.text):
            out.names.add(ev.name)
            if ev.value is None or ev.value.strip() in (f"${{{ev.name}}}", f"${ev.name}"):
                out.same.add(ev.name)
            else:
                out.explicit.add(ev.name)
        for p in env_file_paths(layer.node, layer.file.text):
            raw = interpolation.substitute(p, ctx.project.env).value
            path = (layer.base_dir / raw) if not Path(raw).is_absolute() else Path(raw)
            if path.resolve() == dotenv:
                out.project_dotenv = True
                continue  # its names are the interpolation environment: host == container
            t = ctx.read_text(path)
            if t is not None:
                found = parse_dotenv(t)
                out.names.update(found)
                out.other_files.update(found)
    return out


def _argv(node: Node | None, text: str) -> list[str]:
    """A command or entrypoint as the words Compose passes: a list's items, a string split
    as Compose splits it."""
    if isinstance(node, SequenceNode):
        return [text_of(x, text) or "" for x in node.value]
    if isinstance(node, ScalarNode):
        return split_words(node.value)[0]
    return []


def _shell_items(items: list[Node], text: str, prefix: list[str] | None = None) -> set[int]:
    """Ids of the items a shell runs as its script: `sh -c` in the list, or in ``prefix``
    (the entrypoint the list is the command of: `entrypoint: [bash]`, `command: [-c, …]`)."""
    pre = prefix or []
    i = script_index(pre + [text_of(x, text) or "" for x in items])
    return {id(items[i - len(pre)])} if i is not None and i >= len(pre) else set()


@rule(code="DC011", name="host-interpolated-var", severity=Severity.WARNING,
      fix=FixAvailability.SOMETIMES)
def check(ctx: ComposeContext) -> None:
    for svc in ctx.services:
        keys = svc.keys
        if "command" not in keys and "entrypoint" not in keys and "healthcheck" not in keys:
            continue
        layers: list[Layer] | None = None
        # (node, how it runs: EXEC, SCRIPT or WORDS, the shell entrypoint a WORDS string
        # command is the `-c …` of) for every scalar to check
        todo: list[tuple[ScalarNode, str, list[str]]] = []
        for field in ("command", "entrypoint"):
            node = keys.get(field)
            if not isinstance(node, (ScalarNode, SequenceNode)):
                continue
            entrypoint: list[str] = []
            if field == "command" and node.value:
                layers = layers or _layers(ctx, svc)
                ep_found = merged_get(layers, "entrypoint")
                if ep_found:
                    entrypoint = _argv(ep_found[1], ep_found[0].file.text)
            if isinstance(node, ScalarNode):
                words = _argv(node, ctx.text)
                if script_index(words) is not None:
                    todo.append((node, WORDS, []))
                else:
                    i = script_index(entrypoint + words) if entrypoint else None
                    ok = i is not None and i >= len(entrypoint)
                    todo.append((node, WORDS if ok else EXEC, entrypoint if ok else []))
                continue
            shell_ids = _shell_items(node.value, ctx.text)
            if entrypoint:
                shell_ids |= _shell_items(node.value, ctx.text, entrypoint)
            todo.extend((x, SCRIPT if id(x) in shell_ids else EXEC, [])
                        for x in node.value if isinstance(x, ScalarNode))
        test = get(keys.get("healthcheck"), "test")
        if isinstance(test, ScalarNode):
            todo.append((test, SCRIPT, []))
        elif isinstance(test, SequenceNode) and test.value:
            first = (text_of(test.value[0], ctx.text) or "").upper()
            rest = test.value[1:]
            if first == "CMD-SHELL":
                todo.extend((x, SCRIPT, []) for x in rest if isinstance(x, ScalarNode))
            elif first == "CMD":
                shell_ids = _shell_items(rest, ctx.text)
                todo.extend((x, SCRIPT if id(x) in shell_ids else EXEC, [])
                            for x in rest if isinstance(x, ScalarNode))
        todo = [t for t in todo if "$" in t[0].value]
        if not todo:
            continue  # (what the container's environment holds is read only when needed)
        cenv = container_env(ctx, layers or _layers(ctx, svc))
        for node, mode, entrypoint in todo:
            _check_scalar(ctx, node, mode, cenv, entrypoint)


def _layers(ctx: ComposeContext, svc: Service) -> list[Layer]:
    layers = service_layers(ctx.project, svc.name, ctx.read_text)
    if not layers:
        layers = [Layer(ctx.file, svc.key, svc.node, base_dir_of(ctx.project, ctx.file))]
    return layers


EXEC, SCRIPT, WORDS = "exec", "script", "words"  # no shell / a shell script / `sh -c "…"` string


def _script_quiet(script: str, offsets: list[int]) -> set[int]:
    """``offsets[i]`` for each character ``script[i]`` that a POSIX shell reading the script
    takes literally: inside single quotes, or escaped by a backslash outside them.
    (Comments are skipped; here-documents and `$'…'` are read as ordinary text.)"""
    out: set[int] = set()
    single = double = False
    i, n = 0, len(script)
    while i < n:
        c = script[i]
        if single:
            if c == "'":
                single = False
            else:
                out.add(offsets[i])
        elif c == "\\":
            if i + 1 < n:
                out.add(offsets[i + 1])
            i += 2
            continue
        elif c == "'" and not double:
            single = True
        elif c == '"':
            double = not double
        elif c == "#" and not double and (i == 0 or script[i - 1] in " \t\n;&|("):
            # a comment: its quotes are not quotes (`# don't`), and nothing in it runs
            nl = script.find("\n", i)
            i = n if nl < 0 else nl
            continue
        i += 1
    return out


def unexpanded_offsets(value: str, words: bool, entrypoint: list[str] | None = None) -> set[int]:
    """Offsets in ``value`` of characters the container's shell takes literally: ``value``
    is the script itself, or (``words``) a string command one of whose words is the script
    (`sh -c '…'`, or `-c '…'` under the shell ``entrypoint``)."""
    if not words:
        return _script_quiet(value, list(range(len(value))))
    pre = entrypoint or []
    split = split_words_at(value)[0]
    i = script_index(pre + [w for w, _ in split])
    return _script_quiet(*split[i - len(pre)]) if i is not None and i >= len(pre) else set()


def _check_scalar(ctx: ComposeContext, node: ScalarNode, mode: str, cenv: ContainerEnv,
                  entrypoint: list[str]) -> None:
    if "$" not in node.value:
        return
    parsed = interpolation.parse(node.value)
    names = cenv.names
    hits = [p for p in parsed.parts if isinstance(p, interpolation.Ref) and not p.op
            and (p.name in names or is_well_known(p.name)) and not cenv.host_equal(p.name)
            and p.name not in ctx.project.env]
    if hits and mode != EXEC:
        # `$` the container's shell would not expand either: only the host gives a value
        quiet = unexpanded_offsets(node.value, mode == WORDS, entrypoint)
        hits = [p for p in hits if p.lo not in quiet]
    if not hits:
        return
    shell = mode != EXEC
    offs = value_offsets(node, ctx.text)
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
        if offs is not None:
            at = offs[ref.lo]
            span = Span(at, offs[ref.hi - 1] + 1)
            fix = Fix("escape `$` as `$$`", (Edit(Span(at, at), "$"),), appl)
        elif node.style in ("", None, '"', "'"):
            new = node.value[: ref.lo] + "$" + node.value[ref.lo:]
            fix = Fix("escape `$` as `$$`", (Edit(Span(node.start_mark.index, node.end_mark.index),
                                                  json.dumps(new, ensure_ascii=False)),), appl)
        else:
            msg += " (no automatic fix for a block scalar: edit it by hand)"
        ctx.report(span, msg, fix=fix)
