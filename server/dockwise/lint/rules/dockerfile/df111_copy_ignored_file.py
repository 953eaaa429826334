"""
## What it does
Reports a `COPY`/`ADD` source (from the build context, not `--from`, not a URL) that the
effective `.dockerignore` excludes — `<Dockerfile>.dockerignore` when it exists, else
`<context>/.dockerignore` — evaluated with Docker's rules: patterns are anchored at the
context root, `*` and `?` stay within one path segment, `**` crosses directories, and a
pattern matching a parent directory excludes everything below it. The message names the
pattern and its line. Skipped when the ignore file uses `!` re-includes (what is sent
then depends on files the linter cannot enumerate reliably), for sources with variables,
and without the Dockerfile's path. A wildcard source is reported when the directory
part before its first wildcard is excluded.

## Why is this bad?
Excluded files are not sent to the builder: the `COPY` fails with "not found", or — for
a wildcard — silently copies nothing.

## Example
```dockerfile
# .dockerignore contains: config/
COPY config/settings.yaml /app/config/
```

## Fix safety
No fix: either the ignore entry or the COPY is wrong, and only the author knows which.
"""

from __future__ import annotations

from pathlib import Path

from dockwise.dockerfile.context import (
    clean_source,
    context_dir,
    copy_sources,
    has_glob,
    is_remote,
    load_ignore,
)
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import reads_build_context, stage_local
from dockwise.lint.registry import rule
from dockwise.lint.types import Severity


@rule(code="DF111", name="copy-ignored-file", severity=Severity.WARNING,
      equivalents=("CopyIgnoredFile",))
@stage_local
@reads_build_context
def check(ctx: DockerfileContext) -> None:
    if ctx.path is None:
        return
    cdir = context_dir(ctx)
    if cdir is None:
        return
    ign = None
    loaded = False
    for ins in ctx.df.instructions:
        if ins.keyword not in ("COPY", "ADD") or ins.heredocs:
            continue
        if ins.has_flags and ins.flag("from") is not None:
            continue
        if not loaded:
            ign = load_ignore(cdir, Path(ctx.path).resolve())
            loaded = True
            if ign is None or ign.has_negation:
                return
        assert ign is not None
        name = ign.path.name if ign.path else ".dockerignore"
        for el in copy_sources(ins):
            value = el.value
            if is_remote(value):
                continue
            rel = clean_source(value)
            if rel is None or rel == ".":
                continue
            probe = rel
            if has_glob(rel):
                head = rel.split("/")
                fixed = []
                for part in head:
                    if has_glob(part):
                        break
                    fixed.append(part)
                if not fixed:
                    continue
                probe = "/".join(fixed)
            pat = ign.matching(probe)
            if pat is not None:
                ctx.report(el.span, f"`{value}` is excluded by {name} (line {pat.line}: "
                           f"`{pat.text}`): it is not sent to the builder, so the "
                           f"{ins.keyword} fails or copies nothing")


