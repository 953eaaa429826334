"""
## What it does
Reports a key written twice in the same mapping. Keys that override values brought in by
a `<<` merge key are not duplicates.

## Why is this bad?
Compose v2 (go-yaml v3) refuses the file (`mapping key "x" already defined`), while plain
YAML loaders — and many other tools — silently keep the last value, so the mistake hides
until `docker compose` runs.

## Example
```yaml
services:
  web:
    image: nginx:1.27
    ports: ["80:80"]
    ports: ["443:443"]   # duplicate key `ports`
```

## Fix safety
No automatic fix: which of the two values is meant is the author's call.

Decisions: duplicates are found in every mapping of the file, extension fields (`x-…`) and
anchored mappings included (an anchored mapping is reported once, where it is written).
"""

from __future__ import annotations

from dockwise.lint.engine import ComposeContext
from dockwise.lint.registry import rule
from dockwise.lint.types import Severity


@rule(code="DC005", name="duplicate-key", severity=Severity.ERROR)
def check(ctx: ComposeContext) -> None:
    for dup, first in ctx.doc.duplicates:
        line = first.start_mark.line + 1
        ctx.report(dup, f"duplicate key `{dup.value}` (first defined on line {line}): Compose "
                   f"refuses the file (`mapping key \"{dup.value}\" already defined`), other "
                   "YAML tools silently keep the last value")
