"""
## What it does
Reports an image pulled from a registry that is not in the `trusted-registries`
setting. The rule is off by default and switched on when `trusted-registries` is given
(unless it is explicitly ignored). It checks `FROM`, `COPY --from=image` and
`RUN --mount=from=image`; `scratch`, stages and named build contexts are not images.

## Why is this bad?
Images from arbitrary registries bypass an organisation's vetting, mirroring and
scanning; a typo-squatted registry or repository runs its code in your build.

## Example
```toml
trusted-registries = ["docker.io", "ghcr.io/my-org"]
```
```dockerfile
FROM quay.io/someone/tool:1.2   # quay.io is not trusted
```

## Fix safety
No fix: which trusted mirror carries the image cannot be known.

Decisions where the catalogue is silent:

- References without a registry are Docker Hub; `docker.io`, `index.docker.io`,
  `registry-1.docker.io` and `hub.docker.com` all name it.
- Entries may be host names (`ghcr.io`, `localhost:5000`), host/path prefixes
  (`ghcr.io/my-org` trusts `ghcr.io/my-org/…`; `docker.io/library` trusts the official
  images) or shell-style patterns (`*.gcr.io`).
- Registries that come from an ARG are checked with the ARG's default; a reference that
  cannot be resolved is not reported.
- Exact equivalent: hadolint DL3026.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from dockwise.dockerfile.imageref import DOCKER_HUB, parse_reference
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.rules.dockerfile.df201_untagged_image import image_uses
from dockwise.lint.types import Severity
from dockwise.text import Span

_HUB = DOCKER_HUB | {"hub.docker.com", "registry.hub.docker.com"}


def _norm(entry: str) -> str:
    e = entry.strip().lower()
    for scheme in ("https://", "http://"):
        if e.startswith(scheme):
            e = e[len(scheme) :]
    return e.rstrip("/")


def _hub_repo(repository: str) -> str:
    r = repository.lower()
    return r[len("library/") :] if r.startswith("library/") else r


def trusted(registry: str, repository: str, entries: list[str]) -> bool:
    """Whether ``registry``/``repository`` matches one of the trusted ``entries``."""
    reg = registry.lower()
    hub = reg in _HUB
    full = f"docker.io/{_hub_repo(repository)}" if hub else f"{reg}/{repository.lower()}"
    for raw in entries:
        e = _norm(raw)
        if not e:
            continue
        host, _, path = e.partition("/")
        if hub and host in _HUB:
            if path in ("library", "library/*"):  # the official images
                if "/" not in _hub_repo(repository):
                    return True
                continue
            host, path = "docker.io", _hub_repo(path)
        if path:
            prefix = f"{host}/{path}"
            if fnmatchcase(full, prefix) or fnmatchcase(full, prefix + "/*"):
                return True
            continue
        if fnmatchcase("docker.io" if hub else reg, host):
            return True
    return False


@rule(code="DF210", name="untrusted-registry", severity=Severity.ERROR,
      equivalents=("DL3026",), enabled=False)
@stage_local
def check(ctx: DockerfileContext) -> None:
    entries = [str(e) for e in ctx.settings.trusted_registries]
    if not entries:
        return
    for use in image_uses(ctx):
        parts = use.parts
        registry = parts.registry or "docker.io"
        if trusted(registry, parts.repository, entries):
            continue
        wp = parse_reference(use.written)
        span = use.span
        if wp.registry is not None and "$" not in wp.registry:
            span = Span(use.span.start, use.span.start + len(wp.registry))
        elif not use.has_vars:
            span = use.sub_span(wp.name_range) or use.span
        shown = registry if parts.registry else "docker.io (Docker Hub)"
        listed = ", ".join(f"`{e}`" for e in entries)
        ctx.report(span, f"`{use.expanded}` comes from {shown}, which is not in "
                   f"`trusted-registries` ({listed})")
