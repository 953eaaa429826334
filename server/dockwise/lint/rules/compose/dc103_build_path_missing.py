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
- A file outside the project's file list (e.g. `extensions/x/x-compose.yml`, meant to be
  added with `-f` from the repository root) is checked on its own, but its real project
  directory is unknown: a path that exists when resolved from a directory above it that
  holds a base Compose file is not reported.
"""

from __future__ import annotations

from pathlib import Path

from dockwise.compose.builds import BuildRef, build_of
from dockwise.compose.project import BASE_NAMES
from dockwise.documents import COMPOSE_SEARCH_LEVELS
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
        full = p.resolve()
    except (OSError, RuntimeError):
        return str(p)
    try:
        return str(full.relative_to(ctx.project.directory.resolve()))
    except (ValueError, OSError):
        return str(full)


@rule(code="DC103", name="build-path-missing", severity=Severity.ERROR)
def check(ctx: ComposeContext) -> None:
    if ctx.path is None:
        return
    for svc in ctx.services:
        if "build" not in svc.keys and "extends" not in svc.keys:
            continue  # (a `build` written elsewhere is reported where it is written)
        b = build_of(svc, ctx.file, ctx.project, ctx.read_text)
        if b is None or b.remote or b.context_dir is None:
            continue
        _check(ctx, b)


def _other_project_dirs(ctx: ComposeContext) -> list[Path]:
    """For a file outside the project's file list (an override used with `-f` from
    elsewhere, a fragment), the directories above it that hold a base Compose file: the
    project directory it is probably used from."""
    if ctx.project.in_file_list or ctx.path is None:
        return []
    out: list[Path] = []
    d = ctx.path.absolute().parent.parent
    for _ in range(COMPOSE_SEARCH_LEVELS):
        if any((d / n).is_file() for n in BASE_NAMES):
            out.append(d)
        if d.parent == d or (d / ".git").exists():
            break
        d = d.parent
    return out


def _resolves_elsewhere(ctx: ComposeContext, b: BuildRef) -> bool:
    """Whether the build's paths exist when resolved from another probable project
    directory (then the missing path is not provable)."""
    cv = b.context
    for base in _other_project_dirs(ctx):
        cdir = base / cv.text if cv is not None else base
        if not cdir.is_dir():
            continue
        if b.inline_text is not None:
            return True
        df = b.dockerfile.text if b.dockerfile is not None else "Dockerfile"
        if (cdir / df).is_file():
            return True
    return False


def _check(ctx: ComposeContext, b: BuildRef) -> None:
    cdir = b.context_dir
    assert cdir is not None
    cv = b.context
    missing_context = not cdir.is_dir()
    if not missing_context and (b.inline_text is not None or b.dockerfile_path is None
                                or _exists_file(ctx, b.dockerfile_path)):
        return
    if _resolves_elsewhere(ctx, b):
        return
    if missing_context:
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
