"""
## What it does
Off by default. Reports image references — `FROM`, `COPY --from=image`,
`RUN --mount=from=image` — without an `@sha256:` digest. `scratch`, stages and named
build contexts are not images and are not reported; neither are references whose ARG
default carries a digest.

## Why is this bad?
A tag, even a version tag, can be re-pointed: official images rebuild `python:3.13`
for every patch release and base-image update. Only a digest names exactly one image,
which makes builds reproducible and protects against a tampered tag.

## Example
```dockerfile
FROM python:3.13-slim
```
Use instead (with a tool that keeps the digest up to date, such as Renovate or
Dependabot):
```dockerfile
FROM python:3.13-slim@sha256:<index digest>
```

## Fix safety
Unsafe: add the **index** (multi-platform) digest the registry resolves for the tag, so
the reference still works on every platform. Resolving it needs the registry
(`registry-lookup = true`); offline, no fix is offered and the message says so. The
digest freezes security updates until it is bumped, hence unsafe.

Decisions where the catalogue is silent: references built from ARGs are reported on the
reference; a digest in the ARG default counts.
≈ hadolint has no exact equivalent (DL3006/DL3007 only look at tags).
"""

from __future__ import annotations

from dockwise.images.pinning import pin_reference
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.rules.dockerfile.df201_untagged_image import image_uses
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity


@rule(code="DF203", name="unpinned-digest", severity=Severity.INFORMATION,
      fix=FixAvailability.SOMETIMES, enabled=False)
@stage_local
def check(ctx: DockerfileContext) -> None:
    lookup = getattr(ctx, "registry", None)
    for use in image_uses(ctx):
        if use.parts.digest:
            continue
        span = use.span
        msg = f"`{use.expanded}` is not pinned by digest: its tag can be re-pointed"
        pin = pin_reference(use.expanded, ctx.images, lookup=lookup, digest=True) \
            if lookup is not None else None
        if pin is not None and pin.digest and not use.has_vars:
            fix = Fix(pin.title, (Edit(span, pin.reference),), Applicability.UNSAFE)
            ctx.report(span, msg, fix=fix)
            continue
        if lookup is None:
            why = ("resolving the index digest needs a registry client, which is not "
                   "available in this build" if ctx.settings.registry_lookup
                   else "resolving the index digest needs `registry-lookup = true`")
        elif use.has_vars:
            why = "the reference is built from ARGs"
        else:
            why = "the registry did not resolve the digest"
        ctx.report(span, f"{msg} (no fix: {why})")
