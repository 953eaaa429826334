"""
## What it does
Reports `apk add` without `--no-cache` when the same `RUN` has no cache mount on
`/var/cache/apk` (or `/etc/apk/cache`), no `rm -rf /var/cache/apk/*` and no
`apk cache clean`/`apk cache purge`. `apk --no-cache add …` (the option before the
subcommand) counts, and so does `apk add --no-network` (it reads no index: the
docker-library images use it after an earlier `--no-cache` fetch).

## Why is this bad?
`apk update` / `apk add --update` store the package index (several MB per repository) in
`/var/cache/apk`; unless it is removed in the same `RUN`, the layer keeps it.

## Example
```dockerfile
RUN apk update && apk add curl
```
Use instead:
```dockerfile
RUN apk add --no-cache curl
```

## Fix safety
Safe: inserts `--no-cache` after `add`. apk then fetches the index into a temporary
location for this command only. When another apk command of the `RUN` stores the index
(`apk update`, `apk -U upgrade`), `--no-cache` would not remove what it wrote: the fix
then appends `rm -rf /var/cache/apk/*` to the `RUN` instead.

≈ hadolint DL3019 is the exact equivalent.
"""

from __future__ import annotations

from dockwise.dockerfile.packages import (
    add_option_edit,
    append_edit,
    cache_mounted,
    package_commands,
    raw_commands,
    removes,
    run_instructions,
)
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity

CACHE = ("/var/cache/apk", "/etc/apk/cache")
REMOVE = "rm -rf /var/cache/apk/*"


@rule(code="DF108", name="apk-cache-kept", severity=Severity.WARNING,
      fix=FixAvailability.ALWAYS, equivalents=("DL3019",))
@stage_local
def check(ctx: DockerfileContext) -> None:
    for ins in run_instructions(ctx.df, "apk", analysis=ctx.analysis):
        pcs = [pc for pc in package_commands(ins) if pc.manager == "apk"]
        adds = [pc for pc in pcs if pc.action == "install"
                and not pc.has_option("--no-cache", "--no-network")]
        if not adds:
            continue
        if cache_mounted(ins, *CACHE):
            continue
        if any(pc.action == "cache" and any(p.value in ("clean", "purge") for p in pc.packages)
               for pc in pcs):
            continue
        if removes(raw_commands(ins), *CACHE):
            continue
        # another command storing the index: `--no-cache` on the add would leave that
        writers = [pc for pc in pcs if pc not in adds and not pc.has_option("--no-cache")
                   and (pc.action == "update" or pc.has_option("-U", "--update-cache"))]
        for pc in adds:
            if writers:
                last = pcs[-1]
                at = append_edit(ins, last.script, last.run_alike(REMOVE))
                title = f"Remove the package index `{writers[0].text}` stores at the end of the RUN"
            else:
                at = add_option_edit(pc, "--no-cache")
                title = "Add `--no-cache`"
            fix = Fix(title, (Edit(at[0], at[1]),), Applicability.SAFE) if at else None
            ctx.report(pc.span, f"`{pc.text}` without `--no-cache` keeps the package index in "
                       "the layer: add `--no-cache` (or remove `/var/cache/apk/*` in the same RUN)",
                       fix=fix)
