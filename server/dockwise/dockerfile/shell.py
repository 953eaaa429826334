"""Shell code of RUN instructions, tokenised into simple commands with exact ranges.

Covers what Dockerfile rules need from POSIX sh: quoting, escapes, `$(…)`/backticks and
`${…}` kept inside words, comments, the operators `&& || | ; &` and newlines, subshells
and brace groups (flattened), redirections (dropped from a command's words, kept in
``redirects``). Shell-form RUN arguments and RUN heredoc bodies that are shell scripts
both yield :class:`Script`s whose words map back to source offsets.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from dockwise.dockerfile.model import Heredoc, Instruction
from dockwise.dockerfile.scanner import unquote
from dockwise.text import Span

SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "busybox"})
_ASSIGN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
_REDIR = re.compile(r"^\d*(?:>>|>&|<&|<<<|<<-|<<|<>|>\||>|<)")
# a redirection with its fd target in one token: `2>&1`, `>&2`, `1>&-`
_REDIR_TOKEN = re.compile(r"\d*(?:>&|<&)(?:\d+|-)|&>>?")


class ShellWord(NamedTuple):
    """A word of a shell command, with its offsets in the script."""

    raw: str
    value: str  # quotes removed, escapes resolved (expansions kept literally)
    lo: int  # offsets in the script text
    hi: int
    to_src: Callable[[int, int], Span]
    quoted: bool = False

    @property
    def span(self) -> Span:
        """The word's range in the source file."""
        return self.to_src(self.lo, self.hi)


@dataclass(slots=True, eq=False)
class Command:
    """A simple command: `env A=1 apt-get install -y curl > /dev/null`."""

    words: list[ShellWord]  # assignments and redirections excluded
    assignments: list[ShellWord] = field(default_factory=list)
    redirects: list[ShellWord] = field(default_factory=list)
    op_before: str = ""  # "", "&&", "||", ";", "|", "&", "\n"
    op_after: str = ""
    span: Span = field(default_factory=lambda: Span(0, 0))
    reserved: tuple[str, ...] = ()  # reserved words before it, dropped: `if !`, `then`, `do`

    @property
    def name(self) -> str:
        """The program, without a path (`/usr/bin/apt-get` -> `apt-get`)."""
        if not self.words:
            return ""
        return self.words[0].value.rsplit("/", 1)[-1]

    @property
    def args(self) -> list[str]:
        return [w.value for w in self.words[1:]]

    def has_arg(self, *options: str) -> bool:
        vals = {w.value for w in self.words[1:]}
        return any(o in vals for o in options)

    @property
    def in_pipeline(self) -> bool:
        return self.op_before == "|" or self.op_after == "|"


class Script(NamedTuple):
    """Shell code of one RUN (its shell-form line or one heredoc body)."""

    text: str
    commands: list[Command]
    to_src: Callable[[int, int], Span]
    from_heredoc: Heredoc | None = None

    def span(self, lo: int, hi: int) -> Span:
        return self.to_src(lo, hi)

    def end_span(self) -> Span:
        """An empty span at the end of the code (before trailing blanks/newline)."""
        end = len(self.text.rstrip())
        return self.to_src(end, end)


# a word with no quoting, escapes or expansions: its value is its text
_SIMPLE_WORD_CHAR = r"[^\s'\"\\`$;&|()<>]"


@functools.cache
def _token_re(escape: str) -> re.Pattern[str]:
    """One token at a position: blanks, a line continuation, a comment, a redirection with
    its fd target, an operator, a subshell/brace-group character, or a word with no
    quoting, escapes or expansions. Anything else is read by :func:`_scan_word`."""
    e = re.escape(escape)
    return re.compile(
        r"(?P<ws>[ \t\r]+)"
        rf"|(?P<cont>{e}\n)"
        r"|(?P<comment>\#[^\n]*+)"
        rf"|(?P<redir>{_REDIR_TOKEN.pattern})"
        r"|(?P<op>&&|\|\||;;|\||;|&|\n)"
        r"|(?P<group>[()]|[{}](?=[ \t\n;]|\Z))"
        rf"|(?P<word>{_SIMPLE_WORD_CHAR}++)(?=[ \t\r\n;&|()<>]|\Z)"
    )


def tokenize(text: str, to_src: Callable[[int, int], Span], escape: str = "\\") -> list[Command]:
    """Split shell code into simple commands. Never raises."""
    commands: list[Command] = []
    cur: list[ShellWord] = []
    pending = ""  # the operator before the command being read
    i = 0
    n = len(text)

    def flush(op: str) -> None:
        """End the current command at operator ``op`` ("" for `)`/`}` or the end)."""
        nonlocal cur, pending
        if cur:
            cmd = _make_command(cur, to_src)
            cmd.op_before = pending
            cmd.op_after = op
            commands.append(cmd)
            cur = []
            pending = op
        elif op:
            if commands and not commands[-1].op_after:
                commands[-1].op_after = op
            pending = op

    token = _token_re(escape).match
    while i < n:
        m = token(text, i)
        if m is not None:
            kind = m.lastgroup
            j = m.end()
            if kind == "word" or kind == "redir":
                raw = m.group(0)
                cur.append(ShellWord(raw, raw, i, j, to_src))
            elif kind == "op":
                flush(m.group(0))
            elif kind == "group":  # subshells / brace groups are flattened
                flush("")
            i = j  # blanks, continuations, comments: nothing to keep
            continue
        start = i
        i, quoted = _scan_word(text, i, escape)
        if i == start:
            i += 1
            continue
        raw = text[start:i]
        cur.append(ShellWord(raw, unquote(raw, escape), start, i, to_src, quoted))
    flush("")
    for k in range(len(commands) - 1):
        if not commands[k].op_after:
            commands[k].op_after = commands[k + 1].op_before
    return commands


def _scan_word(text: str, i: int, escape: str) -> tuple[int, bool]:
    n = len(text)
    quoted = False
    depth = 0  # $( … ) nesting
    while i < n:
        c = text[i]
        if c == escape and i + 1 < n:
            i += 2
            continue
        if c == "'":
            quoted = True
            j = text.find("'", i + 1)
            i = n if j < 0 else j + 1
            continue
        if c == '"':
            quoted = True
            i += 1
            while i < n and text[i] != '"':
                if text[i] == escape and i + 1 < n:
                    i += 1
                i += 1
            i += 1
            continue
        if c == "`":
            j = text.find("`", i + 1)
            i = n if j < 0 else j + 1
            continue
        if c == "$" and i + 1 < n and text[i + 1] in "({":
            close = ")" if text[i + 1] == "(" else "}"
            opn = text[i + 1]
            d = 1
            j = i + 2
            while j < n and d:
                if text[j] == opn:
                    d += 1
                elif text[j] == close:
                    d -= 1
                elif text[j] == escape:
                    j += 1
                j += 1
            i = j
            continue
        if depth == 0 and (c in " \t\r\n;&|" or (c in "()" )):
            break
        i += 1
    return i, quoted


# reserved words that can precede a simple command (`if ! grep …`, `then cd /x`, `do …`)
_LEADING_RESERVED = frozenset({"if", "then", "else", "elif", "while", "until", "do", "!"})


def _make_command(words: list[ShellWord], to_src: Callable[[int, int], Span]) -> Command:
    assigns: list[ShellWord] = []
    redirs: list[ShellWord] = []
    rest: list[ShellWord] = []
    k = 0
    while k < len(words) - 1 and not words[k].quoted and words[k].raw in _LEADING_RESERVED:
        k += 1
    reserved = tuple(w.raw for w in words[:k])
    words = words[k:]
    k = 0
    while k < len(words) and not rest and _ASSIGN.match(words[k].raw):
        assigns.append(words[k])
        k += 1
    skip_next = False
    for w in words[k:]:
        if skip_next:
            redirs.append(w)
            skip_next = False
            continue
        m = _REDIR.match(w.raw)
        if m and not w.quoted:
            redirs.append(w)
            if m.end() == len(w.raw):
                skip_next = True
            continue
        rest.append(w)
    first = words[0]
    last = words[-1]
    return Command(rest, assigns, redirs, span=Span(first.span.start, last.span.end),
                   reserved=reserved)


def is_shell_heredoc(ins: Instruction, h: Heredoc) -> bool:
    """Whether a RUN heredoc body is run as shell code (not Python, not a shebang script
    for another interpreter)."""
    first = h.body.lstrip("\n").split("\n", 1)[0]
    if first.startswith("#!"):
        return any(first.rstrip().endswith(s) or f"/{s} " in first + " " or f" {s}" in first
                   for s in SHELLS)
    others = [w.value for w in ins.words if not w.raw.lstrip("0123456789").startswith("<<")]
    others = [o for o in others if not _REDIR.match(o)]
    if not others:
        return True
    prog = others[0].rsplit("/", 1)[-1]
    return prog in SHELLS and all(o.startswith("-") for o in others[1:])


def run_scripts(ins: Instruction) -> list[Script]:
    """The shell code of a RUN (shell form line and shell heredoc bodies); [] for exec form."""
    if ins.keyword != "RUN" or ins.exec_form is not None:
        return []
    cache = ins._cache
    if cache is not None and "scripts" in cache:
        return cache["scripts"]  # type: ignore[return-value]
    scripts = _run_scripts(ins)
    if ins._cache is None:
        ins._cache = {}
    ins._cache["scripts"] = scripts
    return scripts


def _run_scripts(ins: Instruction) -> list[Script]:
    line = ins.line
    lo = ins.args_lo
    text = line.text[lo : ins.args_hi]
    escape = ins.escape
    scripts: list[Script] = []

    def line_src(a: int, b: int) -> Span:
        return line.span(lo + a, lo + b)

    line_script = Script(text, tokenize(text, line_src, escape), line_src)
    scripts.append(line_script)
    for h in ins.heredocs:
        if not is_shell_heredoc(ins, h):
            continue
        base = h.body_span.start

        def body_src(a: int, b: int, base: int = base) -> Span:
            return Span(base + a, base + b)

        body = h.body
        if h.strip_tabs:
            # keep offsets: replace leading tabs by spaces of equal length
            body = "\n".join(" " * (len(x) - len(x.lstrip("\t"))) + x.lstrip("\t")
                             for x in body.split("\n"))
        scripts.append(Script(body, tokenize(body, body_src, "\\"), body_src, from_heredoc=h))
    return scripts


def commands(ins: Instruction) -> Iterator[tuple[Script, Command]]:
    for s in run_scripts(ins):
        for c in s.commands:
            yield s, c


_WRAPPERS = frozenset({"sudo", "env", "nice", "time", "exec", "command", "nohup", "stdbuf",
                       "timeout", "xargs", "gosu", "su-exec", "chroot", "eatmydata"})


def unwrap(cmd: Command) -> Command:
    """Drop wrappers (`sudo`, `env`, `nice`, `time`, `exec`, `xargs` …) to the real program."""
    words = cmd.words
    k = 0
    wrappers = _WRAPPERS
    while k < len(words) and words[k].value.rsplit("/", 1)[-1] in wrappers:
        k += 1
        while k < len(words) and (words[k].value.startswith("-") or _ASSIGN.match(words[k].value)):
            k += 1
        if k < len(words) and words[k - 1].value in ("timeout",) and words[k].value[:1].isdigit():
            k += 1
    if k == 0:
        return cmd
    return Command(words[k:], cmd.assignments, cmd.redirects, cmd.op_before, cmd.op_after,
                   cmd.span, cmd.reserved)
