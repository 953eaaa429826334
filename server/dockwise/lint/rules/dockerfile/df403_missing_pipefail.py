"""
## What it does
Reports a `RUN` whose shell code has a pipe (`a | b`; not `||`, not a `|` inside quotes
or `$(…)`) when neither `set -o pipefail` runs before it in the same script nor the
`SHELL` in effect (in the stage or its `FROM <stage>` parents) sets `-o pipefail`. Both
the shell-form line and shell heredoc bodies are read; exec form and heredocs with a
`#!` line (the script chose its interpreter) are skipped, and so are Windows/PowerShell
shells. One finding per script, on its first pipe.

## Why is this bad?
A pipeline's exit status is the last command's: `curl -f https://x | tar xz` succeeds
when the download fails, and the build goes on with a broken layer.

## Example
```dockerfile
RUN wget -qO- https://example.com/tool.tar.gz | tar xz -C /usr/local
```
Use instead:
```dockerfile
RUN set -o pipefail && wget -qO- https://example.com/tool.tar.gz | tar xz -C /usr/local
```

## Fix safety
Unsafe: with pipefail, idioms that rely on SIGPIPE start failing the build — `yes | cmd`,
`cmd | head -n1`, `cmd | grep -q x` (the writer is killed by SIGPIPE once the reader
exits, and its non-zero status now counts). No fix is offered when the script — or, for
the `SHELL` fix, any `RUN` of the stage — has such a pipe.

Which fix is offered depends on the shell that runs the script:
- bash, BusyBox ash (Alpine), zsh, ksh, and `/bin/sh` of RHEL-family images (bash):
  the `RUN` is prefixed with `set -o pipefail &&` (a heredoc body gets a first line
  `set -o pipefail`).
- dash — `/bin/sh` of Debian and Ubuntu images — has no `pipefail`, so the prefix would
  break the build. Bash is part of every Debian/Ubuntu image, so the fix inserts
  `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before the stage's first such `RUN` and
  the comment lines right above it (this
  also switches the stage's later `RUN`s, and stages built `FROM` it, to bash).
- an image whose family the catalogue does not know (`FROM ${BASE}`, private images),
  distroless/scratch bases, and `ONBUILD` on Debian: no fix; the message says why.
"""

from __future__ import annotations

from dockwise.dockerfile.analysis import Analysis, program_name
from dockwise.dockerfile.model import Instruction
from dockwise.dockerfile.shell import Command, Script, run_scripts
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity
from dockwise.text import Span

_PIPEFAIL_SHELLS = frozenset({"bash", "ash", "busybox", "zsh", "ksh", "mksh"})
_SHELL_LINE = 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n'


def sets_pipefail(cmd: Command) -> bool:
    """`set -o pipefail`, `set -euo pipefail`, `set -e -o pipefail`."""
    if cmd.name != "set":
        return False
    vals = [w.value for w in cmd.words[1:]]
    return any(v == "pipefail" and i > 0 and vals[i - 1].startswith("-") and
               vals[i - 1].endswith("o") for i, v in enumerate(vals))


def shell_has_pipefail(shell: list[str] | None) -> bool:
    if not shell:
        return False
    return any(v == "pipefail" and i > 0 and shell[i - 1].startswith("-")
               for i, v in enumerate(shell))


def _runner(ins: Instruction, script: Script) -> str | None:
    """The program a heredoc body is fed to (`RUN bash <<EOF`), if any."""
    if script.from_heredoc is None:
        return None
    for w in ins.words:
        if w.raw.lstrip("0123456789").startswith("<<") or w.value.startswith("-"):
            continue
        return program_name(w.value)
    return None


def shell_kind(an: Analysis, ins: Instruction, script: Script) -> str:
    """"ok" (pipefail works), "dash", or "unknown"."""
    prog = _runner(ins, script)
    if prog is None:
        shell = an.shell_at(ins)
        prog = program_name(shell[0]) if shell else "sh"
    if prog in _PIPEFAIL_SHELLS:
        return "ok"
    if prog == "dash":
        return "dash"
    stage = an.stage_of(ins)
    fam = an.os_family(stage) if stage is not None else "unknown"
    if fam in ("alpine", "rhel"):
        return "ok"
    if fam == "debian" and prog == "sh":
        return "dash"
    return "unknown"


def first_pipe(script: Script) -> Span | None:
    """The first `|` not preceded by `set -o pipefail` in the script."""
    cmds = script.commands
    in_case = 0
    for k, cmd in enumerate(cmds):
        if sets_pipefail(cmd):
            return None
        first = cmd.words[0].value if cmd.words else ""
        if first == "case":
            in_case += 1
        elif first == "esac" and in_case:
            in_case -= 1
        toks = cmd.words + cmd.redirects + cmd.assignments
        if cmd.op_before == "|" and (k == 0 or cmds[k - 1].op_after != "|") and toks:
            # a group piped into this command: `{ a; b; } | tee f`, `(a; b) | tee f`
            idx = script.text.rfind("|", 0, min(t.lo for t in toks))
            return script.span(idx, idx + 1) if idx >= 0 else cmd.span
        if cmd.op_after != "|":
            continue
        if in_case and _case_pattern(script, cmds, k):
            continue
        hi = max(t.hi for t in toks)
        idx = script.text.find("|", hi)
        if idx < 0:
            return cmd.span
        return script.span(idx, idx + 1)
    return None


def _case_pattern(script: Script, cmds: list[Command], k: int) -> bool:
    """Whether the `|` after ``cmds[k]`` separates `case` patterns (`amd64|arm64)`)."""
    j = k + 1
    while j < len(cmds) and cmds[j].op_after == "|":
        j += 1
    if j >= len(cmds) or not cmds[j].words:
        return False
    end = cmds[j].words[-1].hi
    return script.text[end:].lstrip(" \t").startswith(")")


@rule(code="DF403", name="missing-pipefail", severity=Severity.WARNING,
      fix=FixAvailability.SOMETIMES, equivalents=("DL4006",))
@stage_local
def check(ctx: DockerfileContext) -> None:
    an = ctx.analysis
    shell_fix_at: dict[int, Span] = {}  # stage -> where the SHELL line goes
    for top in ctx.df.instructions:
        ins = top
        onbuild = False
        if top.keyword == "ONBUILD" and top.rest[:3].upper() == "RUN":
            sub = top.sub
            if sub is None or sub.keyword != "RUN":
                continue
            ins, onbuild = sub, True
        elif top.keyword != "RUN":
            continue
        if "|" not in ins.rest and not ins.heredocs:
            continue
        if not an.posix_shell(ins) or shell_has_pipefail(an.shell_at(ins)):
            continue
        for script in run_scripts(ins):
            h = script.from_heredoc
            if h is not None and h.body.lstrip("\n").startswith("#!"):
                continue
            pipe = first_pipe(script)
            if pipe is None:
                continue
            kind = shell_kind(an, ins, script)
            msg = ("pipe in RUN without `set -o pipefail`: a failure before the `|` does not "
                   "fail the build")
            fix: Fix | None = None
            fixable = kind == "ok" or (kind == "dash" and not onbuild
                                       and _runner(ins, script) is None)
            idiom = next((i for sc in _affected(an, ins, script, kind)
                          if (i := sigpipe_idiom(sc))), None) if fixable else None
            if idiom is not None:
                msg += (f" (no automatic fix: `{idiom}` relies on SIGPIPE, so pipefail would "
                        "fail the build; set it where it holds)")
            elif kind == "ok":
                if h is None:
                    at = script.span(0, 0)
                    edit = Edit(Span(at.start, at.start), "set -o pipefail && ")
                else:
                    edit = Edit(Span(h.body_span.start, h.body_span.start), "set -o pipefail\n")
                fix = Fix("prefix the RUN with `set -o pipefail`", (edit,), Applicability.UNSAFE)
            elif kind == "dash" and not onbuild and _runner(ins, script) is None:
                top_at = _above_comments(ctx.text, top.span.start - _indent(ctx.text, top.span.start))
                pos = shell_fix_at.setdefault(ins.stage, Span(top_at, top_at))
                fix = Fix("use bash with pipefail (`SHELL`)", (Edit(pos, _SHELL_LINE),),
                          Applicability.UNSAFE)
                msg += " (`/bin/sh` here is dash, which has no pipefail: the fix switches to bash)"
            elif kind == "dash":
                msg += " (no automatic fix: `/bin/sh` here is dash, which has no pipefail)"
            else:
                msg += (" (no automatic fix: the base image's `/bin/sh` is unknown — dash, "
                        "Debian's, has no pipefail; with bash use "
                        "`SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]`)")
            ctx.report(pipe, msg, fix=fix)


def sigpipe_idiom(script: Script) -> str | None:
    """A pipe whose writer is normally killed by SIGPIPE — `yes | cmd`, `cmd | head`,
    `cmd | grep -q` — which pipefail turns into a failure."""
    for c in script.commands:
        if c.name == "yes" and c.op_after == "|":
            return "yes | …"
        if c.op_before == "|" and (c.name == "head" or (c.name == "grep" and any(
                a in ("-q", "--quiet", "--silent") or (a.startswith("-") and not a.startswith("--")
                                                        and "q" in a) for a in c.args))):
            return f"… | {c.name}" + (" -q" if c.name == "grep" else "")
    return None


def _affected(an: Analysis, ins: Instruction, script: Script, kind: str) -> list[Script]:
    """The scripts a fix would put under pipefail: this one, or with the `SHELL` fix every
    RUN of the stage."""
    if kind != "dash":
        return [script]
    stage = an.stage_of(ins)
    runs = [i for i in stage.instructions if i.keyword == "RUN"] if stage is not None else [ins]
    return [sc for i in runs for sc in run_scripts(i)]


def _indent(text: str, pos: int) -> int:
    n = 0
    while pos - n - 1 >= 0 and text[pos - n - 1] in " \t":
        n += 1
    return n


def _above_comments(text: str, line_start: int) -> int:
    """Start of the comment lines right above a line (they describe it, and a
    `# hadolint ignore=` pragma there must stay attached to it)."""
    pos = line_start
    while pos > 0:
        prev = text.rfind("\n", 0, pos - 1) + 1
        if not text[prev:pos].lstrip(" \t").startswith("#"):
            break
        if prev == 0 and text[prev:pos].lstrip(" \t").lower().startswith(("# syntax", "# escape")):
            break
        pos = prev
    return pos
