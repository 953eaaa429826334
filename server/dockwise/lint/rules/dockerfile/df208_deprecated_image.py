"""
## What it does
Reports images the image catalogue lists as deprecated or no longer updated, with the
successor it names: `jupyter/*` on Docker Hub (pushed only to `quay.io/jupyter/…` since
October 2023), `openjdk` and `java` (→ `eclipse-temurin`), `centos` (end of life),
`circleci/*` (→ `cimg/*`). Checks `FROM`, `COPY --from=image` and
`RUN --mount=from=image`, in every stage.

## Why is this bad?
A deprecated image gets no security updates and no new versions; builds on it quietly
age, and some are removed from the registry altogether.

## Example
```dockerfile
FROM jupyter/scipy-notebook:2023-10-20
FROM openjdk:17
```
Use instead:
```dockerfile
FROM quay.io/jupyter/scipy-notebook:2023-10-20
FROM eclipse-temurin:17
```

## Fix safety
Unsafe: rewrite the reference to the successor, keeping the tag — tags differ between
registries and projects, so check that the tag exists there (the message says so). For
`openjdk`/`java` the tag is kept only when it is a plain major version with an optional
`-jdk`/`-jre` (`17`, `17-jre`), which `eclipse-temurin` publishes; other tags
(`17-jdk-slim`, `8u212-jre-alpine`) get no fix and the message names tags to choose
from. No fix where the catalogue names no single successor (`centos`) or where the
reference is built from ARGs.
≈ hadolint has no equivalent.
"""

from __future__ import annotations

import re

from dockwise.dockerfile.imageref import parse_reference
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.rules.dockerfile.df201_untagged_image import FamilyMemo, image_uses
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity

_JAVA = ("openjdk", "java")
_JAVA_TAG = re.compile(r"^\d+(-jdk|-jre)?$")


@rule(code="DF208", name="deprecated-image", severity=Severity.INFORMATION,
      fix=FixAvailability.SOMETIMES)
@stage_local
def check(ctx: DockerfileContext) -> None:
    fams = FamilyMemo(ctx.images)
    for use in image_uses(ctx):
        parts = use.parts
        fam = fams.family(parts.canonical)
        if fam is None or fam.deprecated is None:
            continue
        dep = fam.deprecated
        successor = dep.successor_for(parts.canonical)
        reason = dep.reason.rstrip(".")
        span = use.span
        if not use.has_vars:
            wp = parse_reference(use.written)
            span = use.sub_span(wp.name_range) or use.span
        msg = f"`{parts.canonical}` is deprecated: {reason}"
        if successor is None:
            ctx.report(span, msg + " (no fix: no single successor)")
            continue
        tag = parts.tag
        if use.has_vars:
            ctx.report(span, msg + f" (no fix: the reference is built from ARGs; use "
                       f"`{successor}`)")
            continue
        if fam.name in _JAVA and tag and tag.lower() != "latest" and not _JAVA_TAG.match(tag):
            ctx.report(span, msg + f" (no fix: `{successor}` has no `{tag}` tag; choose one "
                       "such as `17-jdk`, `17-jre`, `21-jdk-alpine`)")
            continue
        new_ref = successor + (f":{tag}" if tag else "")
        fix = Fix(f"Replace `{use.written}` with `{new_ref}`",
                  (Edit(span, successor),), Applicability.UNSAFE)
        ctx.report(span, msg + f"; check that the tag exists in `{successor}` (tags differ "
                   "between registries)" if tag else msg, fix=fix)
