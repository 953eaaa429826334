"""
## What it does
In target stages, reports the `CMD` and `ENTRYPOINT` in effect (the stage's own or
inherited through `FROM <stage>`) when it is in shell form (`CMD python app.py`) and no
`SHELL` instruction is in effect for it (in the stage or its parent stages; a custom
`SHELL` is a deliberate choice). Builder stages, JSON-like arguments (DF006's business),
`ONBUILD` and Windows/PowerShell images are skipped.

Exempt: a `CMD` whose (last) command starts with `exec` (`CMD exec gunicorn app:app`,
`CMD ./migrate && exec ./serve`) — the shell replaces itself with the app. A shell-form
`ENTRYPOINT` is reported even then, with its own message: it ignores `CMD` and
`docker run` arguments.

## Why is this bad?
Shell form runs `/bin/sh -c "…"`: PID 1 is the shell (dash keeps itself as the parent of
the command), so `SIGTERM` from `docker stop` never reaches the app, which is killed
after the timeout without a graceful shutdown. Alternatives to the exec form: Compose
`init: true`, `docker run --init`, or `tini` as the entrypoint.

## Example
```dockerfile
CMD gunicorn app:app --bind 0.0.0.0:8000
```
Use instead:
```dockerfile
CMD ["gunicorn", "app:app", "--bind", "0.0.0.0:8000"]
```

## Fix safety
- Safe: the command is a sequence of plain words (letters, digits, `-_./:=,@%+`; no `$`,
  quotes, escapes, globs, `~`, operators, leading `NAME=` assignments): it becomes the
  JSON exec form with the same words. For an `ENTRYPOINT` the fix is safe only when the
  stage has no `CMD` (with one, its arguments are now appended: unsafe).
- Unsafe: a single command with quotes/escapes only becomes the exec form of its POSIX
  tokenisation (quote removal, escapes resolved).
- Unsafe, `CMD` only: when the command needs the shell (`$VAR`, globs, `~`, `&&`,
  redirections, assignments), `exec ` is inserted before its last command instead
  (`CMD cd /app && exec python main.py`), keeping shell expansion.
- No fix for such an `ENTRYPOINT`, or when the last command is a compound command,
  a pipeline, a background job or in a subshell; the message says why.
"""

from __future__ import annotations

import re

from dockwise.dockerfile.analysis import Analysis, Stage
from dockwise.dockerfile.model import Instruction
from dockwise.dockerfile.shell import Command, ShellWord, tokenize
from dockwise.dockerfile.shellwords import json_argv, plain_words
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity
from dockwise.text import Span

EQUIV = ("DL3025", "JSONArgsRecommended")
_RESERVED = frozenset({"if", "then", "else", "elif", "fi", "do", "done", "case", "esac",
                       "while", "until", "for", "in", "!", "{", "}", "function", "select"})
_SUBSHELL = re.compile(r"(?<!\$)\(")


def effective(an: Analysis, stage: Stage) -> list[Instruction]:
    """The CMD and ENTRYPOINT in effect for a stage (through local FROM chains)."""
    cmd: Instruction | None = None
    ent: Instruction | None = None
    cmd_done = False
    for st in an.chain(stage):
        own_cmd = next((i for i in reversed(st.instructions) if i.keyword == "CMD"), None)
        own_ent = next((i for i in reversed(st.instructions) if i.keyword == "ENTRYPOINT"),
                       None)
        if not cmd_done and own_cmd is not None:
            cmd, cmd_done = own_cmd, True
        if own_ent is not None:
            if ent is None:
                ent = own_ent
            cmd_done = True  # ENTRYPOINT resets an inherited CMD
        if ent is not None and cmd_done:
            break
    return [i for i in (ent, cmd) if i is not None]


def _unquoted_special(raw: str) -> bool:
    """`$` or backticks anywhere (a literal `'$x'` in exec form would read as a mistaken
    variable), globs or `~` outside quotes."""
    if "$" in raw or "`" in raw:
        return True
    q = ""
    i = 0
    while i < len(raw):
        c = raw[i]
        if q == "'":
            if c == "'":
                q = ""
        elif c == "\\":
            i += 2
            continue
        elif c in "$`":
            return True
        elif q == '"':
            if c == '"':
                q = ""
        elif c in "'\"":
            q = c
        elif c in "*?[~":
            return True
        i += 1
    return False


def _tokenisable(cmds: list[Command]) -> list[ShellWord] | None:
    """The words of a single simple command needing no shell features, else None."""
    if len(cmds) != 1:
        return None
    c = cmds[0]
    if c.assignments or c.redirects or c.op_after or c.op_before or c.reserved or not c.words:
        return None  # (`CMD ! check`: the negation needs the shell)
    if c.words[0].value in _RESERVED or any(_unquoted_special(w.raw) for w in c.words):
        return None
    return c.words


def ends_with_exec(cmds: list[Command]) -> bool:
    if not cmds:
        return False
    last = cmds[-1]
    first = cmds[0]
    if first.words and first.words[0].value == "exec" and first.op_after not in ("|", "&"):
        return True
    return bool(last.words) and last.words[0].value == "exec" and last.op_before != "|" \
        and last.op_after not in ("&", "|")


@rule(code="DF401", name="shell-form-cmd", severity=Severity.WARNING,
      fix=FixAvailability.SOMETIMES, equivalents=EQUIV)
@stage_local
def check(ctx: DockerfileContext) -> None:
    an = ctx.analysis
    seen: set[int] = set()
    for stage in ctx.target_stages:
        for ins in effective(an, stage):
            if id(ins) in seen:
                continue
            seen.add(id(ins))
            if ins.rest.startswith("[") or ins.is_exec_form or ins.json_like or not ins.rest:
                continue
            if an.shell_at(ins) is not None or not an.posix_shell(ins):
                continue
            _check(ctx, an, ins)


def _check(ctx: DockerfileContext, an: Analysis, ins: Instruction) -> None:
    kw = ins.keyword
    # not `ins.args`: `CMD --port 3000` has no flags, every word is the command
    full = ins.line.text
    lo = ins.kw_end
    while lo < len(full) and full[lo] in " \t":
        lo += 1
    text = full[lo:].rstrip()
    if not text:
        return
    cmds = tokenize(text, lambda a, b: ins.span_of(lo + a, lo + b))
    is_ent = kw == "ENTRYPOINT"
    if not is_ent and ends_with_exec(cmds):
        return
    span = ins.span_of(lo, lo + len(text))
    if is_ent:
        msg = ("shell-form ENTRYPOINT: it ignores CMD and `docker run` arguments, and PID 1 is "
               "`/bin/sh`, so stop signals do not reach the app; use the exec form "
               "`ENTRYPOINT [\"…\"]` (or `init: true`/`--init`/tini)")
    else:
        msg = ("shell-form CMD: PID 1 is `/bin/sh`, so stop signals do not reach the app; use "
               "the exec form `CMD [\"…\"]` or `exec …` (or `init: true`/`--init`/tini)")
    fix: Fix | None = None
    plain = plain_words(text)
    stage = an.stage_of(ins)
    stage_has_cmd = stage is not None and any(i.keyword == "CMD" for i in stage.instructions)
    if plain is not None:
        safe = not (is_ent and stage_has_cmd)
        fix = Fix("use the exec form", (Edit(span, json_argv(plain)),),
                  Applicability.SAFE if safe else Applicability.UNSAFE)
        if not safe:
            msg += " (the fix makes the stage's CMD the entrypoint's arguments)"
    else:
        words = _tokenisable(cmds)
        if words is not None:
            fix = Fix("use the exec form", (Edit(span, json_argv(w.value for w in words)),),
                      Applicability.UNSAFE)
        elif not is_ent:
            at = _exec_point(cmds, text)
            if at is not None:
                fix = Fix("`exec` the last command", (Edit(Span(at, at), "exec "),),
                          Applicability.UNSAFE)
            else:
                msg += (" (no automatic fix: the last command is a compound command, pipeline, "
                        "background job or subshell)")
        else:
            msg += (" (no automatic fix: the command needs the shell — variables, globs, "
                    "operators or redirections; e.g. `ENTRYPOINT [\"/bin/sh\", \"-c\", "
                    "\"exec … \\\"$@\\\"\", \"--\"]`)")
    ctx.report(span, msg, fix=fix, equivalents=EQUIV)


def _exec_point(cmds: list[Command], text: str) -> int | None:
    if not cmds or _SUBSHELL.search(text):
        return None
    last = cmds[-1]
    if not last.words or last.op_before == "|" or last.op_after in ("&", "|"):
        return None
    if any(c.reserved or (c.words and c.words[0].value in _RESERVED) for c in cmds):
        return None
    return last.words[0].span.start
