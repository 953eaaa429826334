"""
## What it does
Reports image references with the `:latest` tag — in `FROM`, `COPY --from=…` and
`RUN --mount=from=…`, also when the tag comes from an ARG default (`ARG TAG=latest` +
`FROM python:${TAG}`, `ARG BASE=python:latest` + `FROM $BASE`: the finding and the fix
are then on the ARG default). As *information*: other moving tags — `stable`, `lts`,
`edge`, `rolling`, `nightly`, `current` and the like, and for catalogue images the bare
variant tags that follow `latest` (`python:slim`, `node:alpine`, `node:lts-alpine`).

A digest (`python:latest@sha256:…`) pins the reference and is not reported; neither are
`scratch`, stages and named build contexts.

## Why is this bad?
A moving tag is re-pointed to new releases, so the same Dockerfile builds different
images over time: rebuilds pick up major-version changes without review and the
build is not reproducible.

## Example
```dockerfile
FROM python:latest
FROM node:lts-alpine AS web
```
Use instead:
```dockerfile
FROM python:3.14
FROM node:24-alpine AS web
```

## Fix safety
Unsafe: **replace the moving tag with a pinned one**: the image catalogue's current
version keeping the variant (`python:latest` → `python:3.14`, `python:slim` →
`python:3.14-slim`, `node:lts-alpine` → `node:24-alpine`); with registry lookup, the
version tag whose digest equals the moving tag's. This is the same pinning function as
DF201 and DC101, and the code action title says exactly what it writes (for an ARG:
"Set `ARG TAG` default to `3.14` …"). The pinned version may differ from what the moving
tag pulls today, so review it. No fix for images outside the catalogue or without a
known current version (the message says so).

Decisions where the catalogue is silent:

- Only the `latest` case carries hadolint's DL3007, so `# hadolint ignore=DL3007` does
  not hide the information-level moving-tag findings.
- A release name before the variant is a release line, not a moving tag:
  `debian:bookworm-slim` is not reported, `debian:sid-slim` and `golang:bookworm`
  (the newest Go on bookworm) are.
- For images outside the catalogue only the catalogue's global moving words count, as
  the whole tag (`myorg/app:stable`); `myorg/app:stable-2` is not reported.
- `latest` of an image that publishes no `latest` tag (e.g. `nvidia/cuda:latest`) stays
  a warning; the message says the pull fails.
- ≈ DF201 (no tag at all), DF203 (digests), DC101 (Compose `image:`).
"""

from __future__ import annotations

from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.rules.dockerfile.df201_untagged_image import (
    FamilyMemo,
    describe,
    image_uses,
    pin_fix,
    tag_site,
)
from dockwise.lint.types import FixAvailability, Severity


@rule(code="DF202", name="latest-tag", severity=Severity.WARNING,
      fix=FixAvailability.SOMETIMES, equivalents=("DL3007",))
@stage_local
def check(ctx: DockerfileContext) -> None:
    cat = ctx.images
    fams = FamilyMemo(cat)
    for use in image_uses(ctx):
        parts = use.parts
        tag = parts.tag
        if not tag or parts.digest:
            continue
        fam = fams.family(parts.canonical)
        latest = tag.lower() == "latest"
        if latest:
            pass
        elif fam is not None:
            if not fams.tag_moves(parts.canonical, fam, tag):
                continue
        elif tag.lower() not in cat.moving_tags:
            continue
        site = tag_site(ctx, use)
        what = describe(use, site)
        if latest:
            msg = f"{what} uses the `latest` tag, which moves to new versions"
            if fam is not None and fam.has_latest_tag is False:
                msg = f"{what}: `{fam.name}` publishes no `latest` tag, so the pull fails"
        else:
            msg = f"{what} uses the moving tag `{tag}`, which is re-pointed to new releases"
        if fam is not None and fam.has_latest_tag is False and latest:
            fix = None
            msg += "; choose a version tag"
        else:
            fix, why = pin_fix(ctx, use, site)
            if fix is None:
                msg += f" (no fix: {why})"
        if latest:
            ctx.report(site.report, msg, fix=fix)
        else:
            ctx.report(site.report, msg, fix=fix, severity=Severity.INFORMATION, equivalents=())
