r"""
## What it does
Reports `$VAR`/`${VAR}` inside an exec-form (JSON array) `CMD`, `ENTRYPOINT`, `RUN` or
`HEALTHCHECK CMD`.

## Why is this bad?
Exec form runs the program directly, without a shell, and Docker performs no variable
expansion on it: the program receives the literal text `$PORT`.

## Example
```dockerfile
ENV PORT=8000
CMD ["uvicorn", "app:app", "--port", "$PORT"]
```
Use instead:
```dockerfile
CMD ["sh", "-c", "exec uvicorn app:app --port \"$PORT\""]
```

## Fix safety
Unsafe: the command is wrapped in `sh -c` (the image must have `/bin/sh`; variables are
then expanded at run time from the container's environment — a build `ARG` is not set
there). Every element is quoted for the shell with the variables kept expandable
(`"$PORT"`). `CMD`/`ENTRYPOINT` get `exec` so the program stays PID 1 and receives
signals; an `ENTRYPOINT` also gets `"$@"` so `CMD`/`docker run` arguments still reach the
program. `HEALTHCHECK CMD` becomes its shell form. Not reported: the script of a shell
invocation (`["sh", "-c", "echo $HOME"]`, `bash -lc`, `pwsh -Command`, `cmd /C`), and
`CMD` elements when the stage's exec-form `ENTRYPOINT` is such a shell (`ENTRYPOINT
["/bin/sh", "-c"]`), since a shell expands them.

≈ BuildKit JSONArgsRecommended, hadolint DL3025 (they recommend exec form; this rule
covers what exec form cannot do).
"""

from __future__ import annotations

import re

from dockwise.dockerfile.analysis import Stage
from dockwise.dockerfile.model import Instruction, JsonElement
from dockwise.dockerfile.shellwords import healthcheck_cmd, json_argv, sh_join
from dockwise.dockerfile.variables import find_refs
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity

_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox", "pwsh",
                     "powershell", "cmd", "sh.exe", "bash.exe", "pwsh.exe", "powershell.exe",
                     "cmd.exe"})
_SCRIPT_FLAG = re.compile(r"^(?:-[a-z]*c[a-z]*|/c|-command|-c)$", re.I)


def shell_script_index(values: list[str]) -> int | None:
    """Index of the script element of a shell invocation (`["sh", "-c", SCRIPT]`), or
    ``len(values)`` when the array ends with the script flag (`["/bin/sh", "-c"]`)."""
    start = 0
    if values and _prog(values[0]) == "env":
        start = 1
        while start < len(values) and (values[start].startswith("-") or "=" in values[start]):
            start += 1
    if start >= len(values):
        return None
    prog = _prog(values[start])
    if prog not in _SHELLS:
        return None
    skip = False
    for i in range(start + 1, len(values)):
        v = values[i]
        if skip:
            skip = False
            continue
        if _SCRIPT_FLAG.match(v):
            return i + 1
        if prog == "busybox" and i == start + 1 and v in ("sh", "ash"):
            continue
        if v in ("-o", "+o", "-O", "+O"):
            skip = True
            continue
        if not v.startswith(("-", "+", "/")):
            return None
    return None


_PATH_SEP = re.compile(r"[/\\]")


def _prog(value: str) -> str:
    return _PATH_SEP.split(value)[-1].lower()


@rule(code="DF016", name="exec-form-variable", severity=Severity.WARNING,
      fix=FixAvailability.SOMETIMES)
@stage_local
def check(ctx: DockerfileContext) -> None:
    for ins in ctx.df.of("CMD", "ENTRYPOINT", "RUN", "HEALTHCHECK", "ONBUILD"):
        _check(ctx, ins, True)
        if ins.sub is not None:
            _check(ctx, ins.sub, False)


def _check(ctx: DockerfileContext, ins: Instruction, in_stage: bool) -> None:
    """``in_stage``: a stage's own instruction (not an ONBUILD trigger)."""
    kw = ins.keyword
    if kw in ("CMD", "ENTRYPOINT", "RUN"):
        elems = ins.exec_form
        if not elems:
            return
        lo, hi = ins.args_lo, ins.args_hi
    elif kw == "HEALTHCHECK":
        hc = healthcheck_cmd(ins)
        if hc is None:
            return
        elems, lo, hi = hc.exec_form, hc.lo, hc.hi
    else:
        return
    if not elems:
        return
    values = [e.value for e in elems]
    for v in values:
        if "$" in v:
            break
    else:
        return  # no variable reference: nothing to report
    script = shell_script_index(values)
    stage = ctx.analysis.stage_of(ins) if in_stage and kw == "CMD" else None
    if kw == "CMD" and stage is not None and _entrypoint_is_shell(ctx, stage):
        return
    hits: list[tuple[JsonElement, str]] = []
    for i, e in enumerate(elems):
        if script is not None and i >= script:
            break  # the script and its positional arguments: a shell handles them
        refs = [r for r in find_refs(e.value, "\\") if r.name]
        if refs:
            hits.append((e, refs[0].name))
    if not hits:
        return
    command = sh_join(values)
    if kw == "HEALTHCHECK":
        new = command
        title = "Use the shell form of HEALTHCHECK CMD"
    else:
        if kw == "ENTRYPOINT":
            command = f'exec {command} "$@"'
        elif kw == "CMD":
            command = f"exec {command}"
        new = json_argv(["sh", "-c", command] + (["sh"] if kw == "ENTRYPOINT" else []))
        title = "Run through `sh -c` so the variables expand"
    fix = Fix(title, (Edit(ins.span_of(lo, hi), new),), Applicability.UNSAFE)
    for e, name in hits:
        ctx.report(
            e.span,
            f"`${name}` is not expanded in exec form: {kw} passes the literal text; run it "
            "through a shell (`sh -c`) or use the shell form",
            fix=fix,
        )


def _entrypoint_is_shell(ctx: DockerfileContext, stage: Stage) -> bool:
    """Whether the stage's ENTRYPOINT in effect is an exec-form `sh -c`."""
    ep = ctx.analysis.last_in_chain(stage, "ENTRYPOINT")
    if ep is None or not ep.exec_form:
        return False
    values = [e.value for e in ep.exec_form]
    return shell_script_index(values) == len(values)
