"""
## What it does
Reports a `build.target` that is not a stage of the Dockerfile the build points to. The
Dockerfile is found as Compose finds it: `build.context` relative to the project
directory, `build.dockerfile` relative to the context (or `dockerfile_inline`), and it is
read from the editor's unsaved buffer when the file is open, else from disk. Stage names
match case-insensitively, as BuildKit compares them. The message lists the stages and
suggests a close name.

## Why is this bad?
`docker compose build` fails with `target stage "prod" could not be found` — usually
after a stage was renamed in the Dockerfile but not in the Compose file.

## Example
```yaml
services:
  api:
    build:
      context: .
      target: prod      # the Dockerfile's stages are `builder` and `production`
```

## Fix safety
No automatic fix: the message names the stages (and the closest one).

Decisions where the catalogue is silent:

- Remote contexts (git URLs, `https://…` tarballs), unreadable Dockerfiles (DC103
  reports missing ones) and targets made of unset variables are not checked.
- In a merged project the finding is on the `target:` that takes effect, in the file
  that writes it; the Dockerfile is the one the merged `build` section names.
"""

from __future__ import annotations

import difflib

from dockwise.compose.builds import build_of, load_dockerfile
from dockwise.lint.engine import ComposeContext
from dockwise.lint.registry import rule
from dockwise.lint.types import Severity


@rule(code="DC102", name="build-target-missing", severity=Severity.ERROR)
def check(ctx: ComposeContext) -> None:
    for svc in ctx.services:
        if "build" not in svc.keys and "extends" not in svc.keys:
            continue  # (a `build` written elsewhere is reported where it is written)
        b = build_of(svc, ctx.file, ctx.project, ctx.read_text)
        if b is None or b.remote or b.target is None:
            continue
        tv = b.target_value
        if tv is None or tv.file is not ctx.file or not tv.resolved:
            continue
        an = load_dockerfile(b, ctx.read_text)
        if an is None:
            continue
        if an.stage_by_name(b.target) is not None:
            continue
        names = [st.raw_name or st.name for st in an.stages if st.name]
        label = b.dockerfile_label
        if not an.stages:
            msg = f"`target: {b.target}`: {label} has no stages (no FROM)"
        elif not names:
            msg = (f"`target: {b.target}` is not a stage of {label}, which names no stages "
                   "(add `AS <name>` to a FROM)")
        else:
            listed = ", ".join(f"`{n}`" for n in names if n)
            msg = f"`target: {b.target}` is not a stage of {label} (stages: {listed})"
            lowered = [str(n).lower() for n in names]
            close = difflib.get_close_matches(b.target.lower(), lowered, n=1, cutoff=0.6)
            if not close:
                close = [n for n in lowered if n.startswith(b.target.lower())][:1]
            if close:
                msg += f"; did you mean `{close[0]}`?"
        ctx.report(tv.node, msg)
