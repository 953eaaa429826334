"""
## What it does
Reports `depends_on: {x: {condition: service_healthy}}` where service `x` has no
healthcheck. An **error** when that is provable: its Compose healthcheck is disabled
(`disable: true`, `test: ["NONE"]`), it is a local build whose target stage chain has no
`HEALTHCHECK` (or `HEALTHCHECK NONE`), or it runs a catalogue image known to ship none
(postgres, redis, mysql, mariadb). A **warning** otherwise (an image the catalogue does
not know may ship one).

## Why is this bad?
`docker compose up` waits for a health status that never comes and fails with
`dependency failed to start: container x has no healthcheck configured`.

## Example
```yaml
services:
  web:
    depends_on:
      db:
        condition: service_healthy
  db:
    image: postgres:17
```
Use instead:
```yaml
  db:
    image: postgres:17
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U $${POSTGRES_USER:-postgres} -d $${POSTGRES_DB:-postgres}"]
      interval: 10s
      timeout: 5s
      retries: 5
      start_period: 30s
```

## Fix safety
Unsafe: adds the catalogue's probe for that image and version to the service (postgres
`pg_isready -U $${POSTGRES_USER:-postgres} -d $${POSTGRES_DB:-postgres}`; redis
`redis-cli ping`; mariadb ≥ 11 `healthcheck.sh --connect --innodb_initialized`; mysql
`mysqladmin ping -h 127.0.0.1`), with `$$` so that the container's shell — not Compose on
the host — expands its variables, in the file's indentation style. Review the timings for
slow-starting databases. No fix when the catalogue has no probe for the image, when the
service is defined in another file, when its healthcheck is disabled on purpose, or
when the mapping to extend is an anchor that another service merges or aliases without a
healthcheck of its own (it would get the check too) — the message says which.

Decisions where the catalogue is silent:

- A local build whose base image the catalogue says ships a `HEALTHCHECK` is not
  reported; a base image it does not know still makes the case an error, as the
  catalogue specifies ("a local build whose target stage chain has no HEALTHCHECK").
- A `healthcheck:` section without `test` adds nothing to an image without one: it is
  treated as no healthcheck, and the fix adds the `test` to that section.
"""

from __future__ import annotations

from functools import partial

from dockwise.compose.builds import (
    HealthSummary,
    catalogue_probe,
    health_summary,
    healthcheck_lines,
    services_index,
)
from dockwise.compose.edits import insert_entry, others_changed
from dockwise.compose.incremental import kept
from dockwise.compose.service import Service
from dockwise.compose.yaml_model import (
    MappingNode,
    ScalarNode,
    get,
    mapping_items,
)
from dockwise.lint.engine import ComposeContext
from dockwise.lint.registry import rule
from dockwise.lint.types import Applicability, Fix, FixAvailability, Severity


@rule(code="DC202", name="healthy-without-healthcheck", severity=Severity.ERROR,
      fix=FixAvailability.SOMETIMES)
def check(ctx: ComposeContext) -> None:
    known = services_index(ctx.project)
    cache: dict[str, HealthSummary] = {}

    def health(name: str) -> HealthSummary:
        if name not in cache:
            cache[name] = health_summary(ctx.project, name, ctx.read_text)
        return cache[name]

    for svc in ctx.services:
        # (the services it waits on healthy, kept between lints: read again only to report)
        waits = kept(ctx.project.memo, svc.name, "DC202.healthy", partial(_waits, svc))
        if not any(n in known and health(n).enabled is not True for n in waits):
            continue
        deps = svc.get("depends_on")
        if not isinstance(deps, MappingNode):
            continue
        for k, v in mapping_items(deps):
            cond = get(v, "condition")
            if not isinstance(k, ScalarNode) or not isinstance(cond, ScalarNode):
                continue
            if cond.value != "service_healthy" or k.value not in known:
                continue
            name = k.value
            h = health(name)
            if h.enabled is True:
                continue
            sev = Severity.ERROR if h.enabled is False else Severity.WARNING
            msg = f"`condition: service_healthy`, but `{name}` has no healthcheck"
            if h.compose is False:
                msg = f"`condition: service_healthy`, but `{name}`'s healthcheck is disabled"
            elif h.built and h.image is False:
                msg += " (its Dockerfile's target stage has no HEALTHCHECK)"
            elif h.image is False and h.image_ref:
                msg += f" (`{h.image_ref}` ships none)"
            elif h.enabled is None:
                msg += " in Compose, and its image may not ship one"
            msg += ": `up` fails waiting for it"
            fix, why = healthcheck_fix(ctx, name, h)
            if fix is None:
                msg += f" (no fix: {why})"
            ctx.report(cond, msg, fix=fix, severity=sev)


def _waits(svc: Service) -> tuple[str, ...]:
    """The services `svc` waits on with `condition: service_healthy` (long syntax)."""
    deps = svc.get("depends_on")
    if not isinstance(deps, MappingNode):
        return ()
    out = []
    for k, v in mapping_items(deps):
        cond = get(v, "condition")
        if isinstance(k, ScalarNode) and isinstance(cond, ScalarNode) \
                and cond.value == "service_healthy":
            out.append(k.value)
    return tuple(out)


def healthcheck_fix(ctx: ComposeContext, name: str,
                    health: HealthSummary) -> tuple[Fix | None, str]:
    """Add the catalogue's probe for the service's image to its definition in this file."""
    if health.compose is False:
        return None, "its healthcheck is disabled on purpose"
    probe, why = catalogue_probe(health.image_ref)
    if probe is None:
        return None, why
    node = _own_definition(ctx, name)
    if node is None:
        return None, f"`{name}` is defined in another file"
    title = f"Add a healthcheck to `{name}`: `{probe}`"
    hc = get(node, "healthcheck")
    if hc is None:
        others = others_changed(ctx.doc, node, "healthcheck", ("services", name))
        if others is not None:
            return None, others
        e = insert_entry(ctx.doc, node, healthcheck_lines(["CMD-SHELL", probe]))
    elif isinstance(hc, MappingNode) and get(hc, "test") is None:
        others = others_changed(ctx.doc, hc, "test", ("services", name, "healthcheck"))
        if others is not None:
            return None, others
        e = insert_entry(ctx.doc, hc, [healthcheck_lines(["CMD-SHELL", probe])[1].strip()])
    else:
        return None, "its `healthcheck` section cannot be extended"
    if e is None:
        return None, "the service is written in flow style"
    return Fix(title, (e,), Applicability.UNSAFE), ""


def _own_definition(ctx: ComposeContext, name: str) -> MappingNode | None:
    for svc in ctx.services:
        if svc.name == name and isinstance(svc.node, MappingNode):
            return svc.node
    return None
