"""
## What it does
Reports a name that points to nothing in the resolved project: a service named by
`depends_on` (unless `required: false`), `links`, `extends.service`, `network_mode`,
`ipc`, `pid`, `uts` or `cgroup` `service:x`, `volumes_from` (not `container:x`) or
`build.additional_contexts` `service:x` that does not exist; and a named volume, network
(other than `default`), secret, config (including `build.secrets`) or model that a service
uses but that is not declared at the top level. A short-syntax volume `data:/x` whose
source is not declared gets "did you mean `./data`?": without `./` Compose reads it as a
named volume, not a host path.

## Why is this bad?
`docker compose` refuses the project (`service "web" depends on undefined service "db"`,
`service "web" refers to undefined volume data`), usually because of a typo or a
definition that lives in another file.

## Example
```yaml
services:
  web:
    image: nginx:1.27
    depends_on: [dbb]        # undefined service `dbb` (did you mean `db`?)
    volumes:
      - data:/usr/share/nginx/html   # undefined volume `data`; did you mean `./data`?
  db:
    image: postgres:17
```

## Fix safety
No automatic fix: the message names the closest existing name.

Decisions: names are checked against the whole project — the file list merged (base,
overrides, `COMPOSE_FILE`), `include`d files and `extends` chains (within a file and
across files). A reference that a service inherits through `extends` from a file outside
the project is reported at that `extends`. When the project cannot be resolved (a listed
or included file is missing) or the file is a fragment checked on its own (an override,
a file without `services:`), only what is provable is reported: an `extends.service`
missing from its (readable) file. A file that is not in the file list but sits near a
base Compose file (its directory or up to two above, e.g. `extensions/x/x-compose.yml`
used with `-f docker-compose.yml -f …`) is checked against the names of the base's
project and of the other Compose files in its directory. Names containing
interpolation are resolved with the project `.env`, and skipped when that is not enough.
The "did you mean `./data`?" hint is given when the undeclared short-syntax source reads
like a path: it has a `/` or a file extension, exists in the project directory, or is a
usual directory name (`data`, `config`, `logs`, `models`, …); other undeclared names get
"(or write `./name` for a host directory)". A long-syntax mount without `type` and a
Windows named pipe are not named volumes. `depends_on` with `required: false` is exempt, as rules.md says (recent `docker compose
config` still rejects it; `up` only warns).
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from dockwise.compose.graph import (
    PlainRef,
    Ref,
    fragment_names,
    fully_known,
    project_model,
)
from dockwise.lint.engine import ComposeContext
from dockwise.lint.registry import rule
from dockwise.lint.types import Severity
from dockwise.text import Span

_SECTION = {"volume": "volumes", "network": "networks", "secret": "secrets",
            "config": "configs", "build secret": "secrets", "model": "models"}
_WHAT = {
    "depends_on": "`depends_on`", "links": "`links`", "volumes_from": "`volumes_from`",
    "network_mode": "`network_mode`", "ipc": "`ipc`", "pid": "`pid`", "uts": "`uts`",
    "cgroup": "`cgroup`", "additional_contexts": "`build.additional_contexts`",
}


def _close(name: str, known: set[str]) -> str | None:
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.75)
    return close[0] if close else None


def _hint(name: str, known: set[str]) -> str:
    close = _close(name, known)
    return f" (did you mean `{close}`?)" if close else ""


@rule(code="DC002", name="undefined-reference", severity=Severity.ERROR)
def check(ctx: ComposeContext) -> None:
    if ctx.root is None:
        return
    model = project_model(ctx.project, ctx.read_text)
    me = ctx.file
    for pr in model.extends_problems:
        if pr.file is me and pr.kind == "undefined":
            ctx.report(pr.node, pr.message)
    services = set(model.services)
    declared = {k: set(v) for k, v in model.declared.items()}
    if not fully_known(ctx.project, me):
        # a fragment used with a nearby base file: what neither defines is still undefined
        extra = fragment_names(ctx.project, me, ctx.read_text) if ctx.project.resolved else None
        if extra is None:
            return
        services |= extra["services"]
        for section in declared:
            declared[section] |= extra.get(section, set())
    done: set[tuple[int, str]] = set()

    def undefined(r: Ref | PlainRef) -> bool:
        if r.kind == "depends_on" and not r.required:
            return False
        if r.target == "service":
            return r.name not in services
        return r.name not in declared.get(_SECTION[r.kind], set())

    for name, defs in model.services.items():
        for d in defs:
            if d.file is not me:
                continue
            plain = model.plain_refs(name)  # (kept between lints: nodes read only to report)
            if plain is not None and not any(undefined(r) for r in plain):
                continue
            for r in model.effective(d.layers):
                if r.kind == "depends_on" and not r.required:
                    continue
                if r.target == "service":
                    if r.name in services:
                        continue
                    known = services
                    msg = (f"{_WHAT.get(r.kind, r.kind)} of service `{name}` names undefined "
                           f"service `{r.name}`{_hint(r.name, known)}")
                else:
                    section = _SECTION[r.kind]
                    known = declared.get(section, set())
                    if r.name in known:
                        continue
                    msg = _resource_message(name, r, section, known, ctx.project.directory)
                where: object
                if r.file is me:
                    where = Span(*r.source_span) if r.source_span else r.node
                elif not model.is_project_file(r.file) and d.extends_key is not None:
                    src = r.file.path.name if r.file.path is not None else "another file"
                    where = d.extends_key
                    msg += f" (inherited through `extends` from `{src}`)"
                else:
                    continue  # reported in the file that holds it
                key = (id(where) if not isinstance(where, Span) else where.start, msg)
                if key in done:
                    continue
                done.add(key)
                ctx.report(where, msg)


def _resource_message(service: str, r: Ref, section: str, known: set[str],
                      project_dir: Path) -> str:
    what = "build secret" if r.kind == "build secret" else r.kind
    msg = (f"service `{service}` uses undefined {what} `{r.name}`: declare it under "
           f"top-level `{section}:`")
    hint = _hint(r.name, known)
    if r.short_volume and looks_like_path(r.name, project_dir):
        near = _close(r.name, known)
        close = f"volume `{near}` or " if near else ""
        msg += (f"; did you mean {close}`./{r.name}`? Without `./` Compose reads `{r.name}` as a "
                "named volume, not a host path")
    elif hint:
        msg += hint
    elif r.short_volume:
        msg += f" (or write `./{r.name}` for a host directory)"
    return msg


_DIR_WORDS = frozenset({
    "data", "config", "configs", "conf", "src", "app", "code", "logs", "log", "html", "www",
    "public", "static", "scripts", "certs", "ssl", "backup", "backups", "db", "storage",
    "uploads", "media", "models", "datasets", "dataset", "cache", "tmp", "etc", "plugins",
    "themes", "notebooks", "output", "outputs", "input", "inputs", "assets", "files", "docs",
    "secrets", "init", "build", "dist", "web", "site", "workspace",
})


def looks_like_path(name: str, project_dir: Path) -> bool:
    """A volume source that reads like a host path that lost its `./`: it has a `/` or a
    file extension, exists next to the project, or is a usual directory name."""
    if "/" in name or "\\" in name or re.search(r"\.[A-Za-z0-9]{1,5}$", name):
        return True
    if name.lower() in _DIR_WORDS:
        return True
    try:
        return (project_dir / name).exists()
    except OSError:
        return False
