"""
## What it does
Reports a `build.args` entry whose name the Dockerfile of the build never declares with
`ARG` (in the global scope or any stage): the value is silently ignored, and BuildKit
only warns in its build output. The Dockerfile is resolved as for DC102 (editor buffer
first). BuildKit's predefined args are not reported: the proxy variables (`HTTP_PROXY`,
`https_proxy`, …), `BUILDKIT_*` options (`BUILDKIT_INLINE_CACHE`, …) and
`SOURCE_DATE_EPOCH`. A close `ARG` name is suggested (`PYTHON_VERSON` → `PYTHON_VERSION`;
names are case-sensitive).

## Why is this bad?
The build runs with the Dockerfile's default instead of the value the Compose file
seems to set — a typo, or an `ARG` that was renamed or removed, goes unnoticed.

## Example
```yaml
services:
  api:
    build:
      context: .
      args:
        PYTHON_VERSON: "3.13"   # the Dockerfile declares `ARG PYTHON_VERSION`
```

## Fix safety
No automatic fix: either the name is misspelt (see the suggestion) or the Dockerfile
needs an `ARG`.

Decisions where the catalogue is silent:

- Any `ARG` in the file counts, also in stages the build target does not use (such an
  arg is still "declared"; which stages use it is DF005's business).
- Remote contexts and unreadable Dockerfiles are not checked.
"""

from __future__ import annotations

import difflib

from dockwise.compose.builds import build_of, load_dockerfile
from dockwise.dockerfile.analysis import PLATFORM_ARGS, PROXY_ARGS, arg_pairs
from dockwise.lint.engine import ComposeContext
from dockwise.lint.registry import rule
from dockwise.lint.types import Severity

PREDEFINED = PROXY_ARGS | PLATFORM_ARGS | {"SOURCE_DATE_EPOCH"}


@rule(code="DC104", name="build-arg-undeclared", severity=Severity.WARNING)
def check(ctx: ComposeContext) -> None:
    for svc in ctx.services:
        if "build" not in svc.keys and "extends" not in svc.keys:
            continue  # (a `build` written elsewhere is reported where it is written)
        b = build_of(svc, ctx.file, ctx.project, ctx.read_text)
        if b is None or b.remote:
            continue
        mine = [a for a in b.arg_entries if a.file is ctx.file]
        if not mine:
            continue
        an = load_dockerfile(b, ctx.read_text)
        if an is None:
            continue
        declared: set[str] = set()
        for ins in an.dockerfile.of("ARG"):
            declared.update(k for k, _ in arg_pairs(ins))
        for a in mine:
            if a.name in declared or a.name in PREDEFINED or a.name.startswith("BUILDKIT_"):
                continue
            msg = (f"build arg `{a.name}` is not declared with `ARG` in {b.dockerfile_label}: "
                   "the value is ignored")
            close = difflib.get_close_matches(a.name, sorted(declared), n=1, cutoff=0.75)
            if not close:
                close = [d for d in declared if d.lower() == a.name.lower()]
            if close:
                msg += f"; did you mean `{close[0]}`?"
            ctx.report(a.span, msg)
