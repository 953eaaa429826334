"""
## What it does
Reports what BuildKit refuses to build or silently reads differently: an unknown
instruction (with a "did you mean"), an instruction before the first `FROM` other than
`ARG`, a file with no `FROM`, an unterminated heredoc, unknown or malformed instruction
flags, `FROM` without an image or with an invalid image reference (`FROM baseImage`:
repository names are lower case), an instruction without its required arguments, `SHELL`
not in JSON form, an invalid `# escape=` value, and a file that cannot be read or decoded.

As *information*: heredoc syntax on an instruction other than `RUN`/`COPY`/`ADD` (it is
literal text there) and a parser directive (`# syntax=`, `# escape=`, `# check=`) that
comes after a comment, blank line or instruction (BuildKit then treats it as a comment).

A template that generates Dockerfiles (lines starting with `{{`, `{%` or `{#`) gets one
finding saying so instead of one per template line.

## Why is this bad?
The build fails, or — for misplaced directives and literal heredocs — it does something
other than what the file seems to say.

## Example
```dockerfile
FORM python:3.13          # unknown instruction `FORM` (did you mean `FROM`?)
COPY --chmod 755 app /    # `--chmod` needs a value
SHELL /bin/bash -c        # SHELL must be a JSON array
```

## Fix safety
No automatic fix: the intent cannot be guessed reliably. The message says what to change.
"""

from __future__ import annotations

import difflib

from dockwise.dockerfile.analysis import Analysis
from dockwise.dockerfile.imageref import valid_reference
from dockwise.dockerfile.model import ALLOWED_FLAGS, KNOWN_INSTRUCTIONS, Instruction
from dockwise.dockerfile.scanner import unclosed_quote
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import file_fact, stage_local
from dockwise.lint.registry import rule
from dockwise.lint.types import Severity
from dockwise.text import Span

INFO = Severity.INFORMATION
_VALUE_FLAGS = {"platform", "from", "chown", "chmod", "checksum", "mount", "network", "security",
                "interval", "timeout", "start-period", "start-interval", "retries", "exclude",
                "device"}
_TEMPLATE = ("{{", "{%", "{#")
_NO_FLAGS: frozenset[str] = frozenset()
_NETWORK = {"default", "none", "host"}
_MOUNT_TYPES = {"bind", "cache", "tmpfs", "secret", "ssh"}
_MIN_ARGS = {"ADD": 2, "COPY": 2, "ARG": 1, "ENV": 1, "EXPOSE": 1, "FROM": 1, "LABEL": 1,
             "MAINTAINER": 1, "ONBUILD": 1, "RUN": 1, "CMD": 1, "ENTRYPOINT": 1, "SHELL": 1,
             "STOPSIGNAL": 1, "USER": 1, "VOLUME": 1, "WORKDIR": 1, "HEALTHCHECK": 1}


def first_template(an: Analysis) -> int | None:
    """Ordinal of the first template line (`{{ … }}`) in the file, if any."""
    for k, i in enumerate(an.dockerfile.instructions):
        if i.raw_keyword.startswith(_TEMPLATE):
            return k
    return None


@rule(code="DF001", name="syntax-error", severity=Severity.ERROR)
@stage_local
@file_fact(first_template)
def check(ctx: DockerfileContext) -> None:
    df = ctx.df  # in an incremental lint, the stages being checked
    if df.invalid_escape is not None:
        d = df.invalid_escape
        ctx.report(d.value_span, f"invalid escape character {d.value!r}: use `\\` or `` ` ``")
    for c in df.misplaced_directives:
        ctx.report(c.span, "parser directive after a comment, blank line or instruction: "
                   "BuildKit reads it as a plain comment (move it to the top of the file)",
                   severity=INFO)
    if not ctx.analysis.stages:
        where = df.instructions[0].keyword_span if df.instructions else Span(0, 0)
        what = "empty Dockerfile" if not df.text.strip() else "no FROM instruction"
        ctx.report(where, f"{what}: a Dockerfile needs at least one `FROM`")
    seen_from = not ctx.analysis.stages  # reported above
    k = first_template(ctx.analysis)
    if k is not None:
        template = ctx.analysis.dockerfile.instructions[k]
        # a Go/jq/Jinja template that generates Dockerfiles: one finding, not one per line
        ctx.report(template.keyword_span,
                   "this file is a template (`{{ … }}` / `{% … %}`), not a Dockerfile: "
                   "lint the Dockerfiles generated from it")
        return
    for st in ctx.stages:
        base = st.base
        words = st.from_.words  # (a wrong count is reported below)
        if (base is not None and st.parent is None and not base.has_vars
                and (len(words) == 1 or (len(words) == 3 and words[1].value.lower() == "as"))
                and base.raw != "scratch" and not valid_reference(base.raw)):
            why = ("repository names must be lower case" if valid_reference(base.raw.lower())
                   else "expected `[registry/]name[:tag][@digest]`")
            ctx.report(base.span, f"`{base.raw}` is not a valid image reference "
                       f"(BuildKit refuses it): {why}")
    for ins in df.instructions:
        if ins.keyword == "FROM":
            seen_from = True
        elif not seen_from and ins.keyword in KNOWN_INSTRUCTIONS and ins.keyword != "ARG":
            ctx.report(ins.keyword_span,
                       f"`{ins.keyword}` before the first `FROM`: only `ARG` may come before it")
        _check_instruction(ctx, ins)
        if ins.keyword == "ONBUILD" and ins.sub is not None:
            sub = ins.sub
            if sub.keyword in ("FROM", "ONBUILD", "MAINTAINER"):
                ctx.report(sub.keyword_span, f"`ONBUILD {sub.keyword}` is not allowed")
            else:
                _check_instruction(ctx, sub)


def _check_instruction(ctx: DockerfileContext, ins: Instruction) -> None:
    kw = ins.keyword
    if kw not in KNOWN_INSTRUCTIONS:
        close = difflib.get_close_matches(kw, sorted(KNOWN_INSTRUCTIONS), n=1, cutoff=0.6)
        hint = f" (did you mean `{close[0]}`?)" if close else ""
        ctx.report(ins.keyword_span, f"unknown instruction `{ins.raw_keyword}`{hint}")
        return
    flags = ins.flags
    allowed = ALLOWED_FLAGS.get(kw, _NO_FLAGS) if flags else _NO_FLAGS
    for f in flags:
        if f.name not in allowed:
            close = difflib.get_close_matches(f.name, sorted(allowed), n=1)
            hint = f" (did you mean `--{close[0]}`?)" if close else ""
            ctx.report(f.name_span, f"unknown flag `--{f.name}` for {kw}{hint}")
            continue
        if f.name in _VALUE_FLAGS and not f.value:
            ctx.report(f.span, f"`--{f.name}` needs a value (`--{f.name}=…`)")
            continue
        if f.name == "network" and f.value and f.value not in _NETWORK:
            ctx.report(f.value_span or f.span,
                       f"invalid network mode `{f.value}`: use default, none or host")
        if f.name == "mount" and f.value:
            _check_mount(ctx, f.value, f.value_span or f.span)
        if f.name in ("link", "keep-git-dir", "parents", "unpack") and f.value not in (
            None, "true", "false"
        ):
            ctx.report(f.value_span or f.span, f"`--{f.name}` takes true or false")
    heredocs = ins.heredocs
    need = _MIN_ARGS.get(kw, 0)
    if heredocs and (kw == "COPY" or kw == "ADD"):
        need = 1
    if need == 1 and kw != "FROM" and kw != "SHELL":
        rest = ins.rest
        if rest and not rest.startswith("--"):  # (`ins.has_flags`)
            need = 0  # has an argument: no need to tokenise it
    if need or kw == "FROM" or kw == "SHELL":
        _check_count(ctx, ins, kw, need)
    for h in heredocs:
        if not h.terminated:
            ctx.report(h.marker_span,
                       f"unterminated heredoc: no line `{h.delimiter}` closes it before the end of file")
    for sp in ins.literal_heredoc_markers:
        ctx.report(sp, f"heredocs only work in RUN, COPY and ADD: in {kw} this is literal text",
                   severity=INFO)


def _check_count(ctx: DockerfileContext, ins: Instruction, kw: str, need: int) -> None:
    """The number of arguments (only called when ``need`` or for FROM/SHELL: otherwise
    nothing here can be reported)."""
    ef = ins.exec_form
    nargs = len(ef) if ef is not None else len(ins.words)
    if kw == "FROM" and nargs == 0:
        ctx.report(ins.keyword_span, "`FROM` without an image")
    elif kw == "FROM" and nargs not in (1, 3):
        ctx.report(ins.args_span, "`FROM` takes `image [AS name]`")
    elif kw == "FROM" and nargs == 3 and ins.words[1].value.lower() != "as":
        ctx.report(ins.words[1].span, f"expected `AS` here, found `{ins.words[1].value}`")
    elif nargs < need and not (ins.is_exec_form and kw in ("CMD", "ENTRYPOINT", "RUN", "SHELL")):
        # `ADD a" /x`: one word to us, two to BuildKit, which then fails on the quote
        open_ = next(((w, q) for w in ins.words if (q := unclosed_quote(w.raw, ins.escape))), None)
        if open_ is not None:
            ctx.report(open_[0].span, f"unmatched `{open_[1]}`: the quote is not closed "
                       "before the end of the instruction")
        else:
            what = "at least two arguments (source and destination)" if need == 2 else "an argument"
            ctx.report(ins.keyword_span, f"`{kw}` needs {what}")
    if kw == "SHELL" and nargs and not ins.is_exec_form:
        ctx.report(ins.args_span, 'SHELL must be in JSON form: `SHELL ["/bin/bash", "-c"]`')


def _check_mount(ctx: DockerfileContext, value: str, span: Span) -> None:
    from dockwise.dockerfile.analysis import mount_options

    opts = mount_options(value)
    mtype = opts.get("type", "bind")
    if mtype not in _MOUNT_TYPES:
        ctx.report(span, f"unknown mount type `{mtype}` (bind, cache, tmpfs, secret or ssh)")
    elif mtype in ("cache", "tmpfs") and not (opts.keys() & {"target", "dst", "destination"}):
        ctx.report(span, f"`--mount=type={mtype}` needs `target=`")
