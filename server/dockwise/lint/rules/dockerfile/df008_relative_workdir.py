r"""
## What it does
Reports a `WORKDIR` with a relative path when no absolute `WORKDIR` comes earlier in the
stage or in its parent stages (`FROM <stage>` chain).

## Why is this bad?
A relative `WORKDIR` is resolved against the working directory inherited from the base
image, which the Dockerfile does not show and which changes when the base image changes
(`WORKDIR app` is `/app` on one image and `/usr/src/app` on another). BuildKit warns
about it (WorkdirRelativePath).

## Example
```dockerfile
FROM python:3.13-slim
WORKDIR app
```
Use instead:
```dockerfile
FROM python:3.13-slim
WORKDIR /app
```

## Fix safety
No automatic fix: the directory the base image starts in is not known, so the absolute
path the author expects cannot be derived.

Decisions: paths starting with a variable (`$HOME/x`, `${APP}`) are not reported (the
variable usually holds an absolute path); Windows paths with a drive letter (`C:\app`,
`c:/app`, and `C:app`, which is what `C:\app` becomes when `\` is the escape
character) or a leading `\` are absolute. On Windows images the suggestion is
`C:\…`. `WORKDIR .` and `WORKDIR ~/x` (no `~` expansion) are
relative. `ONBUILD WORKDIR` is not checked (it runs in a downstream build).
"""

from __future__ import annotations

import re

from dockwise.dockerfile.model import Instruction
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.types import Severity
from dockwise.text import Span

_WINDOWS_ABS = re.compile(r"^(?:[A-Za-z]:|[\\/])")


def workdir_path(ins: Instruction) -> tuple[str, Span]:
    """The path of a WORKDIR (quotes removed) and its source span."""
    words = ins.words
    if len(words) == 1:
        return words[0].value, words[0].span
    return ins.args.strip(), ins.args_span


def is_absolute(path: str) -> bool:
    return bool(_WINDOWS_ABS.match(path))


def is_relative(path: str) -> bool:
    """True for a path that is certainly relative (variables are given the benefit)."""
    if not path or path.startswith("$"):
        return False
    return not is_absolute(path)


def _suggestion(path: str, windows: bool) -> str:
    rest = path
    while rest.startswith("./") or rest.startswith(".\\"):
        rest = rest[2:]
    if rest in ("", "."):
        return " (write the absolute directory that is meant)"
    if windows:
        return f" (use `C:\\{rest}` or whatever absolute path is meant)"
    return f" (use `/{rest}` or whatever absolute path is meant)"


@rule(code="DF008", name="relative-workdir", severity=Severity.WARNING,
      equivalents=("WorkdirRelativePath",))
@stage_local
def check(ctx: DockerfileContext) -> None:
    an = ctx.analysis
    absolute_in: dict[int, bool] = {}
    for st in ctx.stages:
        inherited = any(absolute_in.get(p.index, False) for p in an.chain(st)[1:])
        seen_abs = inherited
        for ins in st.instructions:
            if ins.keyword != "WORKDIR" or not ins.words:
                continue
            path, span = workdir_path(ins)
            if not is_relative(path):
                seen_abs = True
                continue
            if not seen_abs:
                ctx.report(span, f"relative WORKDIR `{path}` with no absolute WORKDIR before it: "
                           "it depends on the base image's working directory"
                           + _suggestion(path, an.is_windows(st)))
        absolute_in[st.index] = seen_abs
