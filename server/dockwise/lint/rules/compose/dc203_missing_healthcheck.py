"""
## What it does
Reports a service that other services depend on (`depends_on`), or that publishes ports
through `ports:`, and has no healthcheck — neither in Compose nor in its image (a
`HEALTHCHECK` in the target stage chain of a local build, or a catalogue image known to
ship one). Services on the host network (`network_mode: host`) do not count as
publishing. A `healthcheck:` section that is disabled on purpose is respected. The
finding is on the service's name, in the first file that defines it.

## Why is this bad?
Without a healthcheck, Docker only knows that the process runs, not that it serves:
dependents cannot wait for it (`condition: service_healthy`), `docker compose ps`
shows no health, and a hung server is never noticed.

## Example
```yaml
services:
  db:
    image: postgres:17
  web:
    build: .
    ports: ["8000:8000"]
    depends_on: [db]
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
Unsafe for catalogue images with a known probe (postgres, redis, mysql, mariadb ≥ 11):
the same healthcheck DC202 adds, in the file's indentation style. Otherwise *display*: a
snippet with placeholders (`<port>`, `<health-path>`) whose probe uses a tool the image
has — `curl` only on full Debian/Ubuntu/RHEL images; BusyBox `wget` on Alpine; the
Python or Node.js runtime on `python`/`node` images (slim and alpine included); an
exec-form command of the application itself on distroless images (no shell).
The snippet goes at the end of the service's own mapping, after a trailing merge key or
alias (`<<: *base`, `ports: *ports`), never inside the anchor they read; when the
service's mapping is itself an anchor that another service merges, the title says so.

Decisions where the catalogue is silent:

- A service that some dependent waits on with `condition: service_healthy` is left to
  DC202, which reports the same missing healthcheck (as an error) with the same fix.
- Images the catalogue does not know are assumed to ship no healthcheck (most do not).
- Dependents that wait with `condition: service_completed_successfully` do not count:
  the dependency is a one-shot job, and a healthcheck means nothing for it.
"""

from __future__ import annotations

from functools import partial

from dockwise.compose import memo
from dockwise.compose.builds import (
    HealthSummary,
    catalogue_probe,
    health_summary,
    healthcheck_lines,
    services_index,
)
from dockwise.compose.edits import insert_entry, others_changed, reindent, render_block
from dockwise.compose.incremental import kept
from dockwise.compose.service import Service, depends_on
from dockwise.compose.yaml_model import MappingNode, ScalarNode
from dockwise.lint.engine import ComposeContext
from dockwise.lint.registry import rule
from dockwise.lint.rules.compose.dc202_healthy_without_healthcheck import healthcheck_fix
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity
from dockwise.text import Span


@rule(code="DC203", name="missing-healthcheck", severity=Severity.INFORMATION,
      fix=FixAvailability.SOMETIMES)
def check(ctx: ComposeContext) -> None:
    sections = services_index(ctx.project)
    dependents: dict[str, list[tuple[str, str]]] = {}
    memo = ctx.project.memo
    for name, defs in sections.items():
        for _f, k, v in defs:
            if not isinstance(k, ScalarNode):
                continue
            svc = Service(name, k, v)
            deps = (kept(memo, name, "DC203.depends", partial(_deps, svc))
                    if len(defs) == 1 else _deps(svc))
            for dep, condition in deps:
                dependents.setdefault(dep, []).append((name, condition))
    for svc in ctx.services:
        defs = sections.get(svc.name, [])
        if not defs or defs[0][0] is not ctx.file:
            continue
        waiting = dependents.get(svc.name, [])
        if any(c == "service_healthy" for _, c in waiting):
            continue  # DC202
        # a one-shot job that dependents wait to finish needs no healthcheck
        waiting = [(n, c) for n, c in waiting if c != "service_completed_successfully"]
        health = health_summary(ctx.project, svc.name, ctx.read_text)
        published = list(health.published)
        if not waiting and not published:
            continue
        if health.compose is not None or health.image is True:
            continue
        users = sorted({n for n, _ in waiting})
        if users:
            who = ", ".join(f"`{u}`" for u in users[:3]) + (" …" if len(users) > 3 else "")
            why = f"{who} depend{'s' if len(users) == 1 else ''} on it"
        else:
            why = "it publishes ports"
        msg = (f"service `{svc.name}` has no healthcheck ({why}): Docker cannot tell whether "
               "it serves, and dependents cannot wait for it")
        fix: Fix | None = None
        probe, _ = catalogue_probe(health.image_ref)
        if probe is not None:
            fix, _ = healthcheck_fix(ctx, svc.name, health)
        if fix is None:
            fix = _display(ctx, svc, health, published)
        ctx.report(svc.key, msg, fix=fix)


def _deps(svc: Service) -> tuple[tuple[str, str], ...]:
    """(service, condition) of each `depends_on` entry."""
    return tuple((d.name, d.condition) for d in depends_on(svc))


# images built on buildpack-deps (full variants ship curl); base OS images do not
_CURL_FAMILIES = frozenset({"python", "node", "golang", "ruby", "rust", "buildpack-deps", "perl"})


def _probe_for(ref: str | None, port: str) -> tuple[list[str], str]:
    """A probe command that uses a tool the image has, and a note on that choice."""
    from dockwise.images.catalogue import catalogue

    url = f"http://127.0.0.1:{port}/<health-path>"
    generic = ["CMD", "<command that exits 0 when healthy>"]
    if not ref:
        return generic, "the image is not known"
    cat = catalogue()
    parts = memo.parsed_reference(ref)
    fam = memo.family(cat, parts.canonical)
    os_family = cat.os_family_of(parts.canonical, parts.tag)
    variant = fam.variant(parts.tag).name.lower() if fam is not None else ""
    tag = (parts.tag or "").lower()
    repo = parts.canonical.rsplit("/", 1)[-1]
    slim = "slim" in variant or "slim" in tag
    if os_family == "distroless" or "distroless" in parts.canonical:
        return ["CMD", "/<app>", "<health-subcommand>"], (
            "distroless images have no shell, curl or wget: use a health command of the "
            "application")
    if repo in ("python", "pypy"):
        return ["CMD", "python", "-c",
                f"import urllib.request; urllib.request.urlopen('{url}', timeout=3)"], (
            "the probe uses the Python runtime: slim and alpine images have no curl")
    if repo == "node":
        return ["CMD", "node", "-e",
                f"fetch('{url}').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"], (
            "the probe uses the Node.js runtime (node 18 or later): slim and alpine images "
            "have no curl")
    if os_family == "alpine":
        return ["CMD", "wget", "-q", "--spider", url], (
            "the probe uses BusyBox wget: alpine images have no curl")
    if fam is not None and fam.name in _CURL_FAMILIES and os_family == "debian" and not slim:
        return ["CMD", "curl", "-fsS", url], "the probe uses curl, which this image has"
    return generic, ("no HTTP client is known to be in this image (slim and base OS images "
                     "have neither curl nor wget)")


def _display(ctx: ComposeContext, svc: Service, health: HealthSummary,
             published: list[str]) -> Fix:
    port = published[0] if published and published[0].isdigit() else "<port>"
    test, note = _probe_for(health.image_ref, port)
    lines = healthcheck_lines(test)
    title = f"Add a healthcheck (fill in the placeholders; {note})"
    node = svc.node
    e = insert_entry(ctx.doc, node, lines) if isinstance(node, MappingNode) else None
    if e is not None and isinstance(node, MappingNode):
        shared = others_changed(ctx.doc, node, "healthcheck", ("services", svc.name))
        if shared is not None:
            title += f"; note: {shared}: the healthcheck applies there too"
    if e is None:
        at = svc.key.end_mark.index
        e = Edit(Span(at, at), render_block([reindent(ln, 2) for ln in lines], 0))
    return Fix(title, (e,), Applicability.DISPLAY)
