"""
## What it does
Reports files made writable by every user: `chmod 777`, `chmod -R 777`, `chmod 666`, any
numeric mode whose *others* digit has the write bit, and symbolic modes that add write
permission for others (`a+w`, `o+w`, `ugo+rwx`, `o=rw`), in `RUN` (shell-form line and
shell heredoc bodies) and in `COPY`/`ADD --chmod=`.

Not reported: temporary targets (`/tmp/…`, or a directory made by `mktemp` in the same
script: `tempDir="$(mktemp -d)"; chmod 777 "$tempDir"`), modes with the sticky bit
(`chmod 1777 /srv/shared`, the standard mode of a shared temporary directory), and `+w`
without `a`/`o` (the umask removes write for others).

## Why is this bad?
Any process in the container, whatever its user, can then replace the files — code,
configuration or binaries — which defeats running as a non-root user. Give the files to
the user that needs them (`chown app:app`, `COPY --chown=app:app`) and keep `755`/`644`
(or `775` with a shared group).

## Example
```dockerfile
RUN chmod -R 777 /app
```
Use instead:
```dockerfile
RUN chown -R app:app /app
```

## Fix safety
No fix: which user or group needs write access is not known.
"""

from __future__ import annotations

import re

from dockwise.dockerfile.shell import run_scripts, unwrap
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.rules.dockerfile.df305_curl_pipe_shell import run_instructions
from dockwise.lint.types import Severity

_NUMERIC = re.compile(r"[0-7]{3,4}")


def world_writable(mode: str) -> bool:
    """Whether a chmod mode grants write to others (sticky-bit modes excepted)."""
    if _NUMERIC.fullmatch(mode):
        if len(mode) == 4 and int(mode[0]) & 1:
            return False  # sticky bit: shared temporary directory
        return int(mode[-1]) & 2 != 0
    for clause in mode.split(","):
        m = re.fullmatch(r"([ugoa]*)((?:[-+=][rwxXst]*)+)", clause)
        if not m:
            continue
        who = m.group(1)
        if not who or not ({"a", "o"} & set(who)):
            continue
        for op in re.findall(r"[-+=][rwxXst]*", m.group(2)):
            if op[0] in "+=" and "w" in op:
                if "t" in op:
                    return False
                return True
    return False


def _temporary(path: str, temps: set[str]) -> bool:
    """`/tmp/…` or a directory from `mktemp` in the same script (`"$tempDir"`)."""
    if path.startswith("/tmp/"):
        return True
    m = re.fullmatch(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", path)
    return m is not None and m.group(1) in temps


@rule(code="DF308", name="world-writable", severity=Severity.WARNING)
@stage_local
def check(ctx: DockerfileContext) -> None:
    for ins in ctx.df.instructions:
        kw = ins.keyword
        if kw in ("COPY", "ADD"):
            if ins.has_flags:
                f = ins.flag("chmod")
                if f is not None and f.value and world_writable(f.value):
                    ctx.report(f.value_span or f.span, f"`--chmod={f.value}` makes the files "
                               "writable by every user; give them to the app user instead")
    for ins in run_instructions(ctx):
        if "chmod" not in ins.rest and not ins.heredocs:
            continue
        if not ctx.analysis.posix_shell(ins):
            continue
        for script in run_scripts(ins):
            temps: set[str] = set()
            for cmd in script.commands:
                for a in cmd.assignments:
                    name, _, val = a.raw.partition("=")
                    if "mktemp" in val:
                        temps.add(name)
                c = unwrap(cmd)
                if c.name != "chmod":
                    continue
                for i, w in enumerate(c.words[1:], 1):
                    v = w.value
                    if v.startswith("-") and not re.fullmatch(r"-[rwxXst]+", v):
                        continue  # an option (`-R`, `--recursive`)
                    targets = [t for t in c.words[i + 1 :] if not t.value.startswith("-")]
                    if targets and all(_temporary(t.value, temps) for t in targets):
                        break
                    if world_writable(v):
                        ctx.report(w.span, f"`chmod {v}` makes files writable by every user; "
                                   "give them to the app user instead (`chown`)")
                    break
