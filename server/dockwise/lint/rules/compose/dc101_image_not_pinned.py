"""
## What it does
Reports a service `image:` that floats: no tag (Compose pulls `latest`) or `:latest` —
judged **after** interpolation with the project `.env` and `${VAR:-default}` defaults,
so `image: postgres:${PG_TAG:-latest}` is reported. As *information*: other moving tags
(`stable`, `lts`, `edge`, `rolling`, `nightly`, …; for catalogue images also the bare
variant tags that follow `latest`, such as `python:slim` or `node:lts-alpine`).

Services with `build:` are exempt — there `image:` names the image Compose builds — unless
`pull_policy` is `always` or `missing`, which makes Compose pull that reference first.
A digest (`redis@sha256:…`) pins the image and is not reported.

## Why is this bad?
A moving tag is re-pointed to new releases: `docker compose pull` or a fresh machine
silently gets a new major version (a database whose data directory format changed, an
API that was removed), and two developers run different stacks from the same file.

## Example
```yaml
services:
  db:
    image: postgres          # no tag: latest
  cache:
    image: redis:${REDIS_TAG:-latest}
```
Use instead:
```yaml
services:
  db:
    image: postgres:17
  cache:
    image: redis:${REDIS_TAG:-8}
```

## Fix safety
Unsafe — **pin a tag**, with the same pinning function as DF201/DF202: the catalogue's
current version keeping the variant (`python:slim` → `python:3.14-slim`), or, with
registry lookup on, the version whose digest equals the moving tag's. The pinned version
may differ from what the moving tag pulls today: review it. The tag is written where it
comes from when that is in the file (the scalar, or the `${VAR:-default}` default); no
fix when the tag comes from `.env` or another variable (the message says so), or when
the image is not in the catalogue.

Decisions where the catalogue is silent:

- Variables without a default that are not set in the project `.env` make the
  reference unknown: nothing is reported (the host environment is not consulted, so
  checks do not depend on the shell they run in).
- A value that resolves to nothing or to something that is not an image reference —
  `${CUSTOMIZER_IMAGE:-""}` gives the two characters `""`, a placeholder — names no
  image, so nothing named `latest` is pulled: not reported (an invalid reference is
  Compose's and the registry's error, not a floating tag).
- In a merged project the finding is on the `image:` that takes effect (an override
  file's `image:` hides the base file's).
- ≈ DF201/DF202 (the same for Dockerfiles).
"""

from __future__ import annotations

from dockwise.compose import memo
from dockwise.compose.builds import (
    interpolate,
    map_range,
    merged_get,
    render_map,
    scalar_base,
    scalar_text,
    service_layers,
)
from dockwise.compose.yaml_model import ScalarNode
from dockwise.dockerfile.imageref import valid_reference
from dockwise.images.pinning import pin_reference
from dockwise.lint.engine import ComposeContext
from dockwise.lint.registry import rule
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity
from dockwise.text import Span

#: findings for a service depend on that service alone (see dockwise.compose.incremental)
SERVICE_LOCAL = True


@rule(code="DC101", name="image-not-pinned", severity=Severity.WARNING,
      fix=FixAvailability.SOMETIMES)
def check(ctx: ComposeContext) -> None:
    cat = ctx.images
    env = ctx.project.env
    for svc in ctx.services:
        node = svc.get("image")
        if not isinstance(node, ScalarNode):
            continue
        layers = service_layers(ctx.project, svc.name, ctx.read_text)
        effective = merged_get(layers, "image")
        if effective is not None and effective[1] is not node:
            continue
        build = merged_get(layers, "build")
        pull = ""
        if build is not None:
            pp = merged_get(layers, "pull_policy")
            pull = (scalar_text(pp[1]) or "").lower() if pp is not None else ""
            if pull not in ("always", "missing"):
                continue
        raw = scalar_text(node)
        if not raw:
            continue
        value, resolved = interpolate(raw, env)
        if not resolved or not value or "$" in value or value.lower() == "scratch":
            continue
        if not valid_reference(value.strip()):
            continue  # a placeholder (`""`), not a reference: nothing named latest is pulled
        if not memo.is_moving_tag(value, cat):
            continue
        parts = memo.parsed_reference(value)
        if not parts.repository:
            continue
        tag = parts.tag
        fam = memo.family(cat, parts.canonical)
        latest = not tag or tag.lower() == "latest"
        shown = f"`{raw}`" + (f" (`{value}`)" if value != raw else "")
        if not tag:
            msg = f"image {shown} has no tag, so Compose pulls `latest`, which moves to new versions"
        elif latest:
            msg = f"image {shown} uses the `latest` tag, which moves to new versions"
        else:
            msg = f"image {shown} uses the moving tag `{tag}`, which is re-pointed to new releases"
        if latest and fam is not None and fam.has_latest_tag is False:
            msg += f"; `{fam.name}` publishes no `latest` tag, so the pull fails"
        if pull:
            msg += f" (with `pull_policy: {pull}` Compose pulls it before building)"
        # where the tag is written in the file
        rendered, segs = render_map(raw, env)
        base = scalar_base(node, ctx.text, raw)
        site: Span | None = None
        insert = False
        if base is not None and rendered == value:
            if parts.tag_range is not None:
                m = map_range(segs, *parts.tag_range)
            else:
                end = parts.name_range[1]
                m = map_range(segs, end, end)
                insert = True
            if m is not None:
                site = Span(base + m[0], base + m[1])
        fix: Fix | None = None
        lookup = getattr(ctx, "registry", None)
        pin = pin_reference(value, cat, lookup=lookup,
                            digest=lookup is not None and bool(ctx.option("pin-digest", False)))
        if pin is None or pin.tag is None:
            why = ("the image is not in the catalogue" if fam is None
                   else f"no current version of `{fam.name}` is known")
            msg += f" (no fix: {why})"
        elif site is None:
            msg += (f" (no fix: the tag comes from `.env` or a variable; pin it there, e.g. "
                    f"`{pin.reference}`)")
        else:
            at = f"@{pin.digest}" if pin.digest else ""
            new = (f":{pin.tag}" if insert else pin.tag) + at
            fix = Fix(pin.title, (Edit(site, new),), Applicability.UNSAFE)
        where = site if site is not None and not insert else node
        ctx.report(where, msg, fix=fix,
                   severity=Severity.WARNING if latest else Severity.INFORMATION)
