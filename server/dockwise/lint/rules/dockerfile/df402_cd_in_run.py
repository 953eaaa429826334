"""
## What it does
Reports `cd dir && …` (or `cd dir; …`) in a `RUN` — the shell-form line or a shell
heredoc body — once per `RUN`, on its first such `cd`.

Not reported: `cd` as the last command, `cd -`, `cd` without a directory, and targets
that only exist inside the command (`cd "$(mktemp -d)"`, `` cd `…` ``, a variable set
earlier in the same `RUN`, such as `tmp=$(mktemp -d) && cd "$tmp"`). Windows/PowerShell
shells are skipped.

## Why is this bad?
`WORKDIR` states the working directory once, is visible to the following instructions
and to readers, and creates the directory if needed; `cd` chains are easy to get wrong
and hard to read.

## Example
```dockerfile
RUN cd /app && make
```
Use instead:
```dockerfile
WORKDIR /app
RUN make
```

## Fix safety
No fix: `WORKDIR` also changes the directory of every later instruction, including
`CMD`.

≈ hadolint DL3003 also reports `cd` at the end of a command and inside subshells.
"""

from __future__ import annotations

import re

from dockwise.dockerfile.shell import run_scripts
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.rules.dockerfile.df305_curl_pipe_shell import run_instructions
from dockwise.lint.types import Severity
from dockwise.text import Span

_VAR = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


@rule(code="DF402", name="cd-in-run", severity=Severity.INFORMATION, equivalents=("DL3003",))
@stage_local
def check(ctx: DockerfileContext) -> None:
    for ins in run_instructions(ctx):
        if "cd" not in ins.rest and not ins.heredocs:
            continue
        if not ctx.analysis.posix_shell(ins):
            continue
        done = False
        for script in run_scripts(ins):
            assigned: set[str] = set()
            for cmd in script.commands:
                for a in cmd.assignments:
                    assigned.add(a.value.partition("=")[0])
                if cmd.name in ("export", "local", "readonly", "declare") or cmd.name == "read":
                    for w in cmd.words[1:]:
                        assigned.add(w.value.partition("=")[0])
                if cmd.name == "for" and len(cmd.words) > 1:
                    assigned.add(cmd.words[1].value)
                if done or cmd.name != "cd" or cmd.op_after not in ("&&", ";"):
                    continue
                args = [w for w in cmd.words[1:] if w.value not in ("-P", "-L", "-e", "--")]
                if not args or args[0].value == "-":
                    continue
                target = args[0].raw
                if "$(" in target or "`" in target:
                    continue
                if any(v in assigned for v in _VAR.findall(target)):
                    continue
                span = Span(cmd.words[0].span.start, args[0].span.end)
                ctx.report(span, f"`cd {args[0].value}` in RUN: use `WORKDIR "
                           f"{args[0].value}` for the following steps")
                done = True
            if done:
                break
