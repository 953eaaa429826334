"""
## What it does
Off by default. Reports packages installed without a version:

| manager | pinned as |
|---|---|
| `apt-get`/`apt install` | `curl=8.5.0-2` (also globs `curl=8.*`) |
| `apk add` | `curl=8.5.0-r0`, `curl~8.5`, `curl>8` |
| `yum`/`dnf`/`microdnf install` | `curl-8.5.0`, `nodejs:18` (module stream), `curl = 8.5` |
| `zypper install` | `curl=8.5.0`, `curl>=8`, `curl-8.5.0` |
| `pip`/`uv pip install` | `flask==3.0.0`, `~=`, `>=`, `<`, `!=`, `name @ url` |
| `npm install` | `express@4.19.2`, `@scope/pkg@1` (`@latest` is not a pin) |
| `gem install` | `rails -v 7.1.0`, `rails:7.1.0` |

Never reported: local files and URLs (`./x.deb`, `*.whl`, `git+https://…`, `.`), words
with variables (`$PKGS`), `pip install -r`/`-c` files (a `-c`/`--constraint` pins every
package of the command), groups (`dnf group install`, `@group`), apk `--virtual` names.

## Why is this bad?
Unpinned packages make builds non-reproducible: the same Dockerfile builds different
images on different days.

The rule is **off by default** because pinning distribution packages is usually worse:
Debian, Ubuntu and Alpine archives drop superseded versions, so a pinned
`apt-get install curl=7.88.1-10+deb12u5` breaks the build a few weeks later. Pin with
lock files (`requirements.txt` with hashes, `package-lock.json`, `poetry.lock`, `uv.lock`)
and base-image digests instead. Enable it with `extend-select = ["DF114"]`.

## Example
```dockerfile
RUN pip install --no-cache-dir flask
```
Use instead:
```dockerfile
RUN pip install --no-cache-dir flask==3.0.3
```

## Fix safety
No fix: the right version cannot be chosen without the registry.

≈ hadolint DL3008 (apt), DL3018 (apk), DL3033 (yum), DL3041 (dnf), DL3037 (zypper),
DL3013 (pip), DL3016 (npm), DL3028 (gem) — each finding carries its manager's id.
"""

from __future__ import annotations

import re

from dockwise.dockerfile.packages import PackageCommand, package_commands, run_instructions
from dockwise.dockerfile.shell import ShellWord
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.types import Severity

EQUIV = {"apt-get": "DL3008", "apt": "DL3008", "apk": "DL3018", "yum": "DL3033",
         "dnf": "DL3041", "microdnf": "DL3041", "zypper": "DL3037", "pip": "DL3013",
         "uv": "DL3013", "npm": "DL3016", "gem": "DL3028"}
EXAMPLE = {"apt": "name=<version>", "apk": "name=<version>", "rpm": "name-<version>",
           "pip": "name==<version>", "npm": "name@<version>", "gem": "name -v <version>"}
_RPM_VERSION = re.compile(r".-\d|:|[=<>]")
_FILE_SUFFIXES = (".deb", ".apk", ".rpm", ".whl", ".tar.gz", ".tgz", ".zip", ".gem", ".tar.bz2")


@rule(code="DF114", name="package-pinning", severity=Severity.WARNING, enabled=False,
      equivalents=tuple(sorted(set(EQUIV.values()))))
@stage_local
def check(ctx: DockerfileContext) -> None:
    needles = ("apt", "apk", "yum", "dnf", "zypper", "pip", "npm", "gem")
    for ins in run_instructions(ctx.df, *needles, analysis=ctx.analysis):
        for pc in package_commands(ins):
            if pc.action != "install" or len(pc.verbs) > (2 if pc.manager == "uv" else 1):
                continue
            example = "name=<version>" if pc.manager == "zypper" else EXAMPLE[pc.ecosystem]
            for word in _unpinned(pc):
                name = word.value.removesuffix("@latest").removesuffix("@next")
                ctx.report(word.span,
                           f"`{word.value}` is not pinned to a version "
                           f"(`{example.replace('name', name)}`)",
                           equivalents=(EQUIV[pc.manager],))


def _is_local(v: str) -> bool:
    return (v.startswith((".", "/", "~")) or "://" in v or v.startswith(("git+", "file:", "github:"))
            or v.endswith(_FILE_SUFFIXES) or "$" in v or "`" in v or ("*" in v and "=" not in v))


def _unpinned(pc: PackageCommand) -> list[ShellWord]:
    eco = pc.ecosystem
    if eco == "pip" and pc.has_option("-c", "--constraint"):
        return []
    if eco == "gem" and pc.has_option("-v", "--version"):
        return []
    out: list[ShellWord] = []
    for w in pc.packages:
        v = w.value
        if not v or _is_local(v):
            continue
        if eco == "apt":
            pinned = "=" in v
        elif eco == "apk":
            pinned = any(c in v for c in "=~<>")
        elif eco == "rpm":
            pinned = v.startswith("@") or bool(_RPM_VERSION.search(v))
        elif eco == "pip":
            pinned = any(op in v for op in ("==", "~=", ">", "<", "!=", "@"))
        elif eco == "npm":
            name = v[1:] if v.startswith("@") else v
            _, at, version = name.partition("@")
            pinned = bool(at) and version not in ("", "latest", "next")
        else:  # gem
            pinned = ":" in v
        if not pinned:
            out.append(w)
    return out
