"""
## What it does
Reports `HEALTHCHECK CMD ["curl -f http://localhost/"]`: an exec-form health check whose
first element holds a whole command line (it contains whitespace).

## Why is this bad?
Exec form runs the first element as the program name: Docker looks for a binary literally
called `curl -f http://localhost/`, the check fails every time and the container is
reported unhealthy forever.

## Example
```dockerfile
HEALTHCHECK CMD ["curl -f http://localhost:8000/health"]
HEALTHCHECK CMD ["curl -f http://localhost/ || exit 1"]
```
Use instead:
```dockerfile
HEALTHCHECK CMD ["curl", "-f", "http://localhost:8000/health"]
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
```

## Fix safety
Safe. When the element is only plain words (letters, digits, `-_./:=,@%+`; no quotes,
`$`, globs, operators) it is split into one element per word; otherwise the health check
becomes the shell form `HEALTHCHECK CMD …`, which Docker stores as `CMD-SHELL` and runs
with the image's shell. Decisions: later elements, if any, are kept after the split
words; a Windows program path with spaces (`C:\\Program Files\\…\\app.exe`) is not
reported; no fix when the text cannot be a shell-form line (it contains a line break or
ends with the escape character), and the message says so.
"""

from __future__ import annotations

import re

from dockwise.dockerfile.shellwords import healthcheck_cmd, json_argv, plain_words
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity

_WINDOWS_PROGRAM = re.compile(r"^[A-Za-z]:[\\/][^\n]*\.(?:exe|cmd|bat|ps1|com)$", re.I)


@rule(code="DF017", name="healthcheck-single-string", severity=Severity.ERROR,
      fix=FixAvailability.SOMETIMES)
@stage_local
def check(ctx: DockerfileContext) -> None:
    for ins in ctx.df.instructions:
        for i in (ins, ins.sub):
            if i is None or i.keyword != "HEALTHCHECK":
                continue
            hc = healthcheck_cmd(i)
            if hc is None or not hc.exec_form:
                continue
            first = hc.exec_form[0]
            prog = first.value.strip()
            if not any(c.isspace() for c in prog) or _WINDOWS_PROGRAM.match(prog):
                continue
            rest = [e.value for e in hc.exec_form[1:]]
            msg = (f"the health check runs a program named `{first.value}`, which does not "
                   "exist: exec form takes one argument per element")
            words = plain_words(first.value)
            span = i.span_of(hc.lo, hc.hi)
            if words is not None:
                fix = Fix("Split into arguments", (Edit(span, json_argv(words + rest)),),
                          Applicability.SAFE)
            elif not rest and "\n" not in prog and "\r" not in prog and not prog.endswith(
                ctx.df.escape
            ):
                fix = Fix("Use the shell form (CMD-SHELL)", (Edit(span, prog),),
                          Applicability.SAFE)
            else:
                ctx.report(first.span, msg + " (no automatic fix: the command cannot be "
                           "rewritten as one shell-form line)")
                continue
            ctx.report(first.span, msg, fix=fix)
