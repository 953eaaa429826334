"""
## What it does
Off by default. Reports a target stage of a *service image* that has no `HEALTHCHECK`
(its own or inherited through `FROM <stage>`; `HEALTHCHECK NONE` counts as a deliberate
choice). A service image is one that `EXPOSE`s a port (in the stage or its parent
stages) or is built on a catalogued service image (databases, caches, brokers, web
servers — those with a known health probe). Not reported when the catalogue says the
base image already ships a `HEALTHCHECK`. The finding is on the stage's `FROM` image.

## Why is this bad?
Without a health check, Docker and Compose only know that the process is running, not
that it serves: `depends_on: condition: service_healthy` cannot be used and a hung
server is never restarted by an orchestrator that relies on the image's health status.

## Example
```dockerfile
FROM python:3.13-slim
EXPOSE 8000
CMD ["gunicorn", "app:app", "--bind", "0.0.0.0:8000"]
```
Use instead:
```dockerfile
HEALTHCHECK --interval=30s --timeout=3s CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')"]
```

## Fix safety
No fix: the probe (endpoint, tool available in the image) is application specific. The
message names the catalogue's probe for known service images.

≈ DC202 (Compose services without a health check).
"""

from __future__ import annotations

from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.types import Severity


@rule(code="DF404", name="missing-healthcheck", severity=Severity.INFORMATION, enabled=False)
@stage_local
def check(ctx: DockerfileContext) -> None:
    an = ctx.analysis
    for stage in ctx.target_stages:
        chain = an.chain(stage)
        if an.last_in_chain(stage, "HEALTHCHECK") is not None:
            continue
        exposes = any(i.keyword == "EXPOSE" for st in chain for i in st.instructions)
        base = an.root_base(stage)
        probe: str | None = None
        if base is not None and not base.is_scratch:
            fam = ctx.images.family(base.resolved.canonical)
            if fam is not None:
                if fam.ships_healthcheck:
                    continue
                probe = fam.healthcheck_probe
        if not exposes and probe is None:
            continue
        where = base.span if base is not None else stage.from_.keyword_span
        msg = "this service image has no HEALTHCHECK: Docker cannot tell whether it serves"
        if probe:
            msg += f" (e.g. `HEALTHCHECK CMD {probe.replace('$$', '$')}`)"
        ctx.report(where, msg)
