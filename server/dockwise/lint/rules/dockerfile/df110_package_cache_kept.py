"""
## What it does
Reports a `yum`, `dnf`, `microdnf` or `zypper` install in a `RUN` that does not clean the
package manager's cache afterwards: `yum clean all` / `dnf clean all` /
`microdnf clean all` (any of them for any RPM manager), `zypper clean` / `zypper cc`,
`rm -rf /var/cache/yum` (`/var/cache/dnf`, `/var/cache/zypp`, or their contents or a
parent), or a cache mount on those directories.

## Why is this bad?
The repository metadata (and, for yum and zypper, the downloaded packages) stay in the
layer: often 100 MB or more on RHEL/UBI/Fedora/openSUSE images.

## Example
```dockerfile
RUN dnf install -y python3
```
Use instead:
```dockerfile
RUN dnf install -y python3 && dnf clean all
```

## Fix safety
Safe: appends `&& <manager> clean all` (zypper: `zypper clean --all`) to the last command of
the `RUN` (in a heredoc body too, so a failed install still fails the script). Later installs download fresh metadata automatically, so
nothing else changes. No fix for exec form.

Decisions where the catalogue is silent: one finding per `RUN`, on its first install;
`yum clean packages`/`metadata` alone does not count (only `all`).

≈ hadolint DL3032 (yum), DL3040 (dnf, microdnf) and DL3036 (zypper) are the exact
equivalents.
"""

from __future__ import annotations

from dockwise.dockerfile.packages import (
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

MANAGERS = ("yum", "dnf", "microdnf", "zypper")
CACHES = ("/var/cache/yum", "/var/cache/dnf", "/var/cache/zypp", "/var/cache/libdnf5")
EQUIV = {"yum": "DL3032", "dnf": "DL3040", "microdnf": "DL3040", "zypper": "DL3036"}


@rule(code="DF110", name="package-cache-kept", severity=Severity.WARNING,
      fix=FixAvailability.SOMETIMES, equivalents=("DL3032", "DL3040", "DL3036"))
@stage_local
def check(ctx: DockerfileContext) -> None:
    for ins in run_instructions(ctx.df, "yum", "dnf", "zypper", analysis=ctx.analysis):
        pcs = [pc for pc in package_commands(ins) if pc.manager in MANAGERS]
        inst = [pc for pc in pcs if pc.action == "install"]
        if not inst:
            continue
        if any(pc.action == "clean" and (pc.manager == "zypper"
                                         or any(p.value == "all" for p in pc.packages))
               for pc in pcs):
            continue
        if cache_mounted(ins, *CACHES) or removes(raw_commands(ins), *CACHES):
            continue
        first, last = inst[0], inst[-1]
        mgr = last.manager
        clean = last.run_alike("zypper clean --all" if mgr == "zypper" else f"{mgr} clean all")
        at = append_edit(ins, last.script, clean)
        what = f"`{first.text}`" + (f" and `{last.text}`" if last.manager != first.manager else "")
        msg = f"{what} without `{clean}` in the same RUN keeps the package cache in the layer"
        fix = None
        if at is not None:
            fix = Fix(f"Append `{clean}`", (Edit(at[0], at[1]),), Applicability.SAFE)
        elif ins.exec_form is not None:
            msg += " (no automatic fix: exec form)"
        ids = tuple(sorted({EQUIV[pc.manager] for pc in inst}))
        ctx.report(first.span, msg, fix=fix, equivalents=ids)
