r"""
## What it does
Reports arguments written as a JSON array — they start with `[` and end with `]` and are
clearly meant as a list (commas between elements, or quoted elements) — that are not valid
JSON: single quotes, a trailing comma, unquoted elements, backslashes JSON does not accept
(`"C:\app"`). Checked on `RUN`, `CMD`, `ENTRYPOINT`, `SHELL`, `COPY`, `ADD`, `VOLUME`,
`HEALTHCHECK CMD` and the instruction of an `ONBUILD`.

`RUN [ -f x ] && …` and `RUN [ "$a" = b ]` are the shell's test command, not arrays, and
are not reported.

## Why is this bad?
When the JSON does not parse, Docker silently falls back to the shell form: it runs
`/bin/sh -c "['python', 'app.py']"`, which fails at run time (`[python,: not found`), or,
for `COPY`/`ADD`/`VOLUME`, takes the brackets and quotes as part of the paths.

## Example
```dockerfile
CMD ['python', 'app.py']          # single quotes are not JSON
ENTRYPOINT ["gunicorn", "app:app",]   # trailing comma
```
Use instead:
```dockerfile
CMD ["python", "app.py"]
ENTRYPOINT ["gunicorn", "app:app"]
```

## Fix safety
Safe: the array is rewritten as valid JSON with the elements the author wrote (`"` and
`\` escaped). Decisions: in a double-quoted element whose escapes are all valid JSON the
escapes keep their JSON meaning; when one of them is invalid (a Windows path), every
backslash other than `\"`/`\\` is taken literally. A `SHELL` in this state is also
reported by DF001 (which has no fix). Missing commas between quoted elements
(`["a" "b"]`) are not guessed at.

≈ hadolint DL3025 / BuildKit JSONArgsRecommended (they ask for exec form; this rule is about
exec form that is broken).
"""

from __future__ import annotations

from dockwise.dockerfile.model import Instruction
from dockwise.dockerfile.shellwords import healthcheck_cmd, json_argv, parse_loose_array
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity

_JSON_INSTRUCTIONS = frozenset({"RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME"})
_RUNS = frozenset({"RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK"})


@rule(code="DF006", name="invalid-exec-form", severity=Severity.ERROR, fix=FixAvailability.ALWAYS)
@stage_local
def check(ctx: DockerfileContext) -> None:
    for ins in ctx.df.instructions:
        _check(ctx, ins)
        if ins.sub is not None:
            _check(ctx, ins.sub)


def _check(ctx: DockerfileContext, ins: Instruction) -> None:
    kw = ins.keyword
    if kw in _JSON_INSTRUCTIONS:
        if not ins.json_like or ins.exec_form is not None:
            return
        lo, hi = ins.args_lo, ins.args_hi
    elif kw == "HEALTHCHECK":
        hc = healthcheck_cmd(ins)
        if hc is None or not hc.json_like or hc.exec_form is not None:
            return
        lo, hi = hc.lo, hc.hi
    else:
        return
    arr = parse_loose_array(ins.line.text[lo:hi])
    if arr is None:
        return
    why = ", ".join(arr.problems) or "invalid JSON"
    if kw in _RUNS:
        effect = "Docker hands the whole text to the shell (`/bin/sh -c \"[…]\"`), which fails"
    elif kw == "SHELL":
        effect = "SHELL requires a JSON array, the build fails"
    else:
        effect = f"{kw} then reads the brackets and quotes as part of the paths"
    span = ins.span_of(lo, hi)
    fixed = json_argv(arr.values)
    ctx.report(
        span,
        f"not a valid JSON array ({why}): {effect}",
        fix=Fix("Rewrite as a valid JSON array", (Edit(span, fixed),), Applicability.SAFE),
    )
