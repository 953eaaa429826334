"""The Dockerfile model: every token carries an exact source :class:`Span`.

An instruction's *logical line* is its physical lines joined the way BuildKit joins
them (escape character and line break removed, comment and empty lines inside the
continuation dropped). :class:`LogicalLine` maps logical offsets back to source offsets,
so anything found in the logical text has an exact range in the file.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from dockwise.text import LineIndex, Span

KNOWN_INSTRUCTIONS = frozenset(
    {
        "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK",
        "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME",
        "WORKDIR",
    }
)

# Flags each instruction accepts (BuildKit frontend, dockerfile 1.x labs excluded).
ALLOWED_FLAGS: dict[str, frozenset[str]] = {
    "FROM": frozenset({"platform"}),
    "COPY": frozenset({"from", "chown", "chmod", "link", "parents", "exclude"}),
    "ADD": frozenset({"chown", "chmod", "link", "checksum", "keep-git-dir", "exclude", "unpack"}),
    "RUN": frozenset({"mount", "network", "security", "device"}),
    "HEALTHCHECK": frozenset({"interval", "timeout", "start-period", "start-interval", "retries"}),
}

HEREDOC_INSTRUCTIONS = frozenset({"RUN", "COPY", "ADD"})


class LogicalLine:
    """Text of an instruction with continuations removed, mapped back to the source."""

    __slots__ = ("_base", "_lstarts", "_segments", "text")

    def __init__(self, text: str, segments: list[tuple[int, int, int]]) -> None:
        self.text = text
        # (logical_start, source_start, length), logical_start ascending
        self._segments = segments
        self._lstarts = [s[0] for s in segments]
        # one physical line: logical offset + base = source offset
        self._base = segments[0][1] if len(segments) == 1 else -1

    def src(self, lo: int) -> int:
        """Source offset of logical offset ``lo`` (``len(text)`` maps past the end)."""
        if self._base >= 0:
            return self._base + min(lo, len(self.text))
        if not self._segments:
            return 0
        i = bisect.bisect_right(self._lstarts, lo) - 1
        if i < 0:
            i = 0
        ls, ss, n = self._segments[i]
        if lo - ls > n:
            return ss + n
        return ss + (lo - ls)

    def span(self, lo: int, hi: int) -> Span:
        """Source span of logical ``[lo, hi)``."""
        if self._base >= 0:
            n = len(self.text)
            return Span(self._base + min(lo, n), self._base + min(max(lo, hi), n))
        start = self.src(lo)
        if hi <= lo:
            return Span(start, start)
        end = self.src(hi - 1) + 1
        return Span(start, max(start, end))


@dataclass(slots=True)
class Word:
    """A shell-like word of an instruction's arguments."""

    raw: str  # as written (quotes kept)
    value: str  # quotes removed
    lo: int  # logical offsets
    hi: int
    line: LogicalLine
    quoted: bool = False

    @property
    def span(self) -> Span:
        return self.line.span(self.lo, self.hi)


@dataclass(slots=True)
class Flag:
    name: str
    value: str | None
    span: Span  # `--name=value`
    name_span: Span  # `--name`
    value_span: Span | None


@dataclass(slots=True)
class Heredoc:
    delimiter: str
    quoted: bool  # `<<'EOF'` / `<<"EOF"`: no expansion in the body
    strip_tabs: bool  # `<<-EOF`
    marker_span: Span  # `<<EOF` in the instruction line
    body: str  # the body text, terminator excluded (ends with a line break when not empty)
    body_span: Span
    terminated: bool
    terminator_span: Span | None
    fd: int | None = None


@dataclass(slots=True)
class JsonElement:
    value: str
    span: Span


@dataclass(slots=True)
class Arguments:
    """What follows an instruction's keyword: flags, words, JSON (exec) form."""

    flags: list[Flag]
    words: list[Word]
    args_lo: int  # logical offsets of the arguments after the flags
    args_hi: int
    exec_form: list[JsonElement] | None
    json_like: bool  # starts with `[` and ends with `]`
    sub: Instruction | None  # ONBUILD's instruction


@dataclass(slots=True)
class Instruction:
    """One instruction. Its arguments are tokenised on first access (most rules look at
    a few instruction kinds only, so large files stay fast)."""

    keyword: str  # upper case
    raw_keyword: str  # as written
    keyword_span: Span
    span: Span  # whole instruction incl. continuation lines and heredoc bodies
    start_line: int  # 0-based
    end_line: int  # 0-based, last physical line (heredoc terminator included)
    line: LogicalLine
    lo: int  # logical offset where this instruction's keyword starts (ONBUILD inner > 0)
    kw_end: int  # logical offset after the keyword
    escape: str = "\\"
    heredocs: list[Heredoc] = field(default_factory=list)
    literal_heredoc_markers: list[Span] = field(default_factory=list)
    empty_continuation_lines: list[Span] = field(default_factory=list)
    stage: int = -1  # index of the stage it belongs to (-1: before the first FROM)
    _arguments: Arguments | None = None
    _cache: dict[str, object] | None = None  # derived views (shell scripts, …) computed once
    _rest: str | None = None

    @property
    def arguments(self) -> Arguments:
        a = self._arguments
        if a is None:
            from dockwise.dockerfile.scanner import parse_arguments

            a = self._arguments = parse_arguments(self)
        return a

    @property
    def rest(self) -> str:
        """Everything after the keyword (flags included), stripped; no tokenising."""
        r = self._rest
        if r is None:
            r = self._rest = self.line.text[self.kw_end :].strip(" \t")
        return r

    @property
    def has_flags(self) -> bool:
        return self.rest.startswith("--")

    @property
    def flags(self) -> list[Flag]:
        if self._arguments is None and not self.has_flags:
            return []
        return self.arguments.flags

    @property
    def words(self) -> list[Word]:
        return self.arguments.words

    @property
    def args_lo(self) -> int:
        return self.arguments.args_lo

    @property
    def args_hi(self) -> int:
        return self.arguments.args_hi

    @property
    def exec_form(self) -> list[JsonElement] | None:
        if self._arguments is None and not self.has_flags and not self.rest.startswith("["):
            return None  # cheap answer without tokenising
        return self.arguments.exec_form

    @property
    def json_like(self) -> bool:
        if self._arguments is None and not self.has_flags and not self.rest.startswith("["):
            return False
        return self.arguments.json_like

    @property
    def sub(self) -> Instruction | None:
        if self.keyword != "ONBUILD":
            return None
        return self.arguments.sub

    @property
    def args(self) -> str:
        return self.line.text[self.args_lo : self.args_hi]

    @property
    def args_span(self) -> Span:
        return self.line.span(self.args_lo, self.args_hi)

    def flag(self, name: str) -> Flag | None:
        for f in self.flags:
            if f.name == name:
                return f
        return None

    def flags_named(self, name: str) -> list[Flag]:
        return [f for f in self.flags if f.name == name]

    def span_of(self, lo: int, hi: int) -> Span:
        return self.line.span(lo, hi)

    @property
    def is_exec_form(self) -> bool:
        return self.exec_form is not None


@dataclass(slots=True)
class Comment:
    text: str  # without the leading `#`, stripped
    span: Span
    line: int
    in_continuation: bool = False


@dataclass(slots=True)
class Directive:
    name: str  # lower case: syntax, escape, check
    value: str
    span: Span
    value_span: Span


@dataclass(slots=True)
class Dockerfile:
    text: str
    index: LineIndex
    escape: str
    directives: list[Directive]
    misplaced_directives: list[Comment]
    instructions: list[Instruction]
    comments: list[Comment]
    invalid_escape: Directive | None = None
    # keyword (or tuple of keywords) -> its instructions; the lists are shared, not copied
    _by_keyword: dict[str | tuple[str, ...], list[Instruction]] | None = None

    def of(self, *keywords: str) -> list[Instruction]:
        """Instructions of the given kinds, in file order (index built once). Rules that look
        at a few kinds should iterate this, not every instruction: big files stay fast.
        The list returned is shared: do not change it."""
        idx = self._by_keyword
        if idx is None:
            idx = {}
            for ins in self.instructions:
                idx.setdefault(ins.keyword, []).append(ins)
            self._by_keyword = idx
        if len(keywords) == 1:
            return idx.get(keywords[0], [])
        out = idx.get(keywords)
        if out is None:
            out = idx[keywords] = [i for k in keywords for i in idx.get(k, [])]
            out.sort(key=lambda i: i.span.start)
        return out

    def directive(self, name: str) -> Directive | None:
        for d in self.directives:
            if d.name == name:
                return d
        return None
