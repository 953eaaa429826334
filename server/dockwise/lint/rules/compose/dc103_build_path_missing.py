"""
## What it does
Reports a local `build.context` directory that does not exist (relative paths resolve
against the project directory; files brought in by `include` resolve against their own
directory) and a `build.dockerfile` that does not exist relative to the context (also
the default `Dockerfile` when `dockerfile` is not given and the context exists).
An unsaved Dockerfile open in the editor counts as existing.

## Why is this bad?
`docker compose build` (and `up` for a service that is not built yet) fails with
`unable to prepare context: path "./api" not found` or `failed to read dockerfile` — often
after a directory was renamed or when the path was written relative to the Compose file
while the project directory is elsewhere.

## Example
```yaml
services:
  api:
    build:
      context: ./backend           # there is no ./backend directory
      dockerfile: docker/Dockerfile.prod
```

## Fix safety
No automatic fix: the message shows the path that was looked up.

Decisions where the catalogue is silent:

- Remote contexts (git URLs, `https://…`, `git@…`) and paths that use unset variables
  without default are not checked; `dockerfile_inline` needs no file.
- `~` at the start of a path is the user's home directory, as Compose expands it.
"""

from __future__ import annotations

from pathlib import Path

from dockwise.compose.builds import BuildRef, build_of
from dockwise.lint.engine import ComposeContext
from dockwise.lint.registry import rule
from dockwise.lint.types import Severity


def _exists_file(ctx: ComposeContext, p: Path) -> bool:
    if p.is_file():
        return True
    docs = ctx.open_documents
    return docs is not None and p.resolve() in docs


def _shown(ctx: ComposeContext, p: Path) -> str:
    try:
        return str(p.resolve().relative_to(ctx.project.directory.resolve()))
    except (ValueError, OSError):
        return str(p)


@rule(code="DC103", name="build-path-missing", severity=Severity.ERROR)
def check(ctx: ComposeContext) -> None:
    if ctx.path is None:
        return
    for svc in ctx.services:
        b = build_of(svc, ctx.file, ctx.project, ctx.read_text)
        if b is None or b.remote or b.context_dir is None:
            continue
        _check(ctx, b)


def _check(ctx: ComposeContext, b: BuildRef) -> None:
    cdir = b.context_dir
    assert cdir is not None
    cv = b.context
    if not cdir.is_dir():
        if cv is not None and cv.file is ctx.file:
            what = "is not a directory" if cdir.exists() else "does not exist"
            ctx.report(cv.node, f"build context `{cv.text}` {what} (looked up: "
                       f"`{_shown(ctx, cdir)}`)")
        return
    if b.inline_text is not None or b.dockerfile_path is None:
        return
    if _exists_file(ctx, b.dockerfile_path):
        return
    dv = b.dockerfile
    if dv is not None:
        if dv.file is ctx.file:
            what = "is a directory" if b.dockerfile_path.is_dir() else "does not exist"
            ctx.report(dv.node, f"Dockerfile `{dv.text}` {what} in the build context "
                       f"(looked up: `{_shown(ctx, b.dockerfile_path)}`)")
        return
    # the default `Dockerfile` of the context
    where = cv.node if cv is not None and cv.file is ctx.file else (
        b.key if b.file is ctx.file else None)
    if where is None:
        return
    ctx.report(where, f"the build context has no `Dockerfile` (looked up: "
               f"`{_shown(ctx, b.dockerfile_path)}`); set `build.dockerfile` if it has "
               "another name")
