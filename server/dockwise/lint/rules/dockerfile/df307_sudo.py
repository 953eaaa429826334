"""
## What it does
Reports `sudo` used as a command in `RUN` (shell-form line and shell heredoc bodies),
also behind wrappers (`env A=1 sudo …`). Installing the `sudo` package
(`apt-get install sudo`) is not this.

## Why is this bad?
`RUN` already runs as the current `USER`; `sudo` in a build either does nothing (as root)
or means the image ships a user with password-less root access. It also has
unpredictable TTY and signal behaviour. Switch with `USER root` … `USER app` around the
steps that need root, or use `gosu`/`su-exec` at run time.

## Example
```dockerfile
USER app
RUN sudo apt-get update
```
Use instead:
```dockerfile
USER root
RUN apt-get update
USER app
```

## Fix safety
No fix: moving `USER` changes who owns the files the command writes.
"""

from __future__ import annotations

from dockwise.dockerfile.shell import run_scripts
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.rules.dockerfile.df305_curl_pipe_shell import run_instructions
from dockwise.lint.types import Severity

_WRAPPERS = frozenset({"env", "nice", "time", "exec", "command", "nohup", "stdbuf", "xargs",
                       "eatmydata"})


@rule(code="DF307", name="sudo", severity=Severity.WARNING, equivalents=("DL3004",))
@stage_local
def check(ctx: DockerfileContext) -> None:
    for ins in run_instructions(ctx):
        if "sudo" not in ins.rest and not ins.heredocs:
            continue
        if not ctx.analysis.posix_shell(ins):
            continue
        for script in run_scripts(ins):
            for cmd in script.commands:
                for w in cmd.words:
                    prog = w.value.rsplit("/", 1)[-1]
                    if prog == "sudo":
                        ctx.report(w.span, "`sudo` in RUN: use `USER root` for the steps that "
                                   "need root instead")
                        break
                    if prog not in _WRAPPERS and not w.value.startswith("-") and "=" not in w.value:
                        break
