"""Dockerfile formatting: instruction keywords upper case, instructions and comments at the
start of their line, one space after the keyword, continuation lines indented by one unit
(deeper lines keep their extra indentation relative to the shallowest), no trailing blanks.

What the build does does not change. Whitespace is touched only where BuildKit (and, for
shell-form code, a POSIX shell) ignores it: before an instruction or comment, between a
keyword and its arguments, after a continuation's escape character, in comment and blank
lines, and at the start of a continuation line whose leading blanks separate words — outside
quotes, backticks, `${…}` and `$(…)` (which opens a fresh quoting context). The text of a shell-form
instruction can change that way (and with it BuildKit's cache key for that step), not what
it runs. Left exactly as written:
- continuation lines of instructions BuildKit reads verbatim: WORKDIR, USER, STOPSIGNAL,
  MAINTAINER, the legacy `ENV key value` / `LABEL key value` forms, ONBUILD (its text is
  stored in the image), unknown instructions; shell-form code under a non-POSIX shell
  (Windows `cmd`, PowerShell) and every continuation of a backtick-escape file;
- a continuation line without leading blanks (it continues the previous word); heredoc
  bodies and their instruction lines; parser directives;
- a whole file where BuildKit might read whitespace differently from us (a line starting
  with a no-break or other Unicode space or a form feed, such a space before `<<`, a
  carriage return not followed by a line feed): nothing is changed there rather than risk
  it. Such spaces elsewhere (`LABEL size="50\u00a0MB"`) are just text.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from dockwise.dockerfile.analysis import Analysis, analyse
from dockwise.dockerfile.model import KNOWN_INSTRUCTIONS, Comment, Dockerfile, Instruction
from dockwise.dockerfile.scanner import looks_like_directive, scan, unclosed_quote
from dockwise.text import LineIndex, Span

_WS = " \t"
# where BuildKit (Go's unicode.IsSpace; lines split at LF only) and our scanner could read a
# file differently: a lone CR, a line starting with other whitespace (a no-break space, a
# form feed), such whitespace right before a heredoc marker (`cat\u00a0<<EOF`)
_ODD_SPACE = re.compile(r"\r(?!\n)|^[ \t]*[^\S \t\r\n]|[^\S \t\r\n]<<", re.M)
_SHELL_FORM = frozenset({"RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK"})
_WORDS = frozenset({"FROM", "COPY", "ADD", "ARG", "EXPOSE", "VOLUME", "SHELL"})
_PAIRS = frozenset({"ENV", "LABEL"})  # words in the `key=value` form; verbatim in the legacy one
_CASE = re.compile(r"\bcase\b")


@dataclass(frozen=True, slots=True)
class Indent:
    """The editor's indentation unit (LSP `FormattingOptions`)."""

    size: int = 4
    spaces: bool = True

    def of(self, width: int) -> str:
        if self.spaces:
            return " " * width
        return "\t" * (width // self.size) + " " * (width % self.size)

    def width(self, blanks: str) -> int:
        w = 0
        for ch in blanks:
            w = (w // self.size + 1) * self.size if ch == "\t" else w + 1
        return w


def format_dockerfile(text: str, indent: Indent | None = None,
                      lines: tuple[int, int] | None = None) -> list[tuple[Span, str]]:
    """Edits (span, new text), in file order and not overlapping, that format ``text``;
    with ``lines`` (0-based, inclusive) only edits on those lines."""
    unit = indent or Indent()
    if _ODD_SPACE.search(text):
        return []
    df = scan(text)
    an = analyse(df)
    idx = df.index
    edits: list[tuple[Span, str]] = []
    covered: set[int] = set()  # lines that belong to an instruction (bodies included)
    inner = {c.line: c for c in df.comments if c.in_continuation}  # comments in continuations
    for ins in df.instructions:
        covered.update(range(ins.start_line, ins.end_line + 1))
        _instruction(ins, an, unit, inner, edits)
    for d in df.directives:
        covered.add(idx.position(d.span.start)[0])
    for c in df.comments:
        if c.in_continuation:
            continue  # re-indented with their instruction
        covered.add(c.line)
        if not looks_like_directive(idx.line_text(c.line).lstrip(_WS)):
            _strip_line(idx, c.line, edits)
    for ln in range(idx.line_count):
        if ln not in covered and not idx.line_text(ln).strip(_WS) and idx.line_text(ln):
            edits.append((Span(idx.line_start(ln), idx.line_end(ln)), ""))
    edits = [e for e in set(edits) if text[e[0].start:e[0].end] != e[1]]
    if lines is not None:
        first, last = lines
        edits = [e for e in edits if first <= idx.position(e[0].start)[0] <= last]
    edits.sort(key=lambda e: (e[0].start, e[0].end))
    out: list[tuple[Span, str]] = []
    for e in edits:  # never overlapping, whatever the model looked like
        if not out or e[0].start >= out[-1][0].end:
            out.append(e)
    return out


def formatted(text: str, indent: Indent | None = None) -> str:
    """``text`` with every formatting edit applied."""
    out = text
    for span, new in reversed(format_dockerfile(text, indent)):
        out = out[: span.start] + new + out[span.end:]
    return out


def _strip_line(idx: LineIndex, ln: int, edits: list[tuple[Span, str]]) -> None:
    """Blanks before and after a comment line's text."""
    s, e = idx.line_start(ln), idx.line_end(ln)
    line = idx.text[s:e]
    lead = len(line) - len(line.lstrip(_WS))
    edits.append((Span(s, s + lead), ""))
    body = line.rstrip(_WS)
    if len(body) < len(line):
        edits.append((Span(s + len(body), e), ""))


def _instruction(ins: Instruction, an: Analysis, unit: Indent, inner: dict[int, Comment],
                 edits: list[tuple[Span, str]]) -> None:
    df = an.dockerfile
    idx = df.index
    text = idx.text
    first = idx.line_start(ins.start_line)
    if not text[first:ins.keyword_span.start].strip(_WS):
        edits.append((Span(first, ins.keyword_span.start), ""))
    _keyword(ins, text, edits)
    if ins.heredocs or ins.literal_heredoc_markers or "<<" in ins.line.text:
        return  # bodies and their markers stay exactly as written
    joins = _joins(ins, df, unit) if _words_apart(ins, an) else []
    widths = [w for _, w, safe in joins if safe]
    low = min(widths) if widths else 0  # the shallowest line becomes one unit deep
    for span, w, safe in joins:
        if safe:
            edits.append((span, unit.of(unit.size + w - low)))
    # after each continuation's escape character: nothing
    for ln in range(ins.start_line, ins.end_line):
        s, e = idx.line_start(ln), idx.line_end(ln)
        line = text[s:e]
        body = line.rstrip(_WS)
        if body.endswith(df.escape) and len(body) < len(line):
            edits.append((Span(s + len(body), e), ""))
    # after the last line: nothing, unless a quote is still open there
    s, e = idx.line_start(ins.end_line), idx.line_end(ins.end_line)
    line = text[s:e]
    body = line.rstrip(_WS)
    if len(body) < len(line) and unclosed_quote(ins.line.text, df.escape) is None:
        edits.append((Span(s + len(body), e), ""))
    for ln in range(ins.start_line + 1, ins.end_line):
        c = inner.get(ln)
        if c is not None:
            cs = idx.line_start(c.line)
            lead = text[cs:c.span.start]
            edits.append((Span(cs, c.span.start),
                          unit.of(unit.size + (max(0, unit.width(lead) - low) if widths else 0))))
            ce = idx.line_end(c.line)
            tail = text[cs:ce].rstrip(_WS)
            if cs + len(tail) < ce:
                edits.append((Span(cs + len(tail), ce), ""))


def _words_apart(ins: Instruction, an: Analysis) -> bool:
    """Whether BuildKit (or the shell) reads this instruction's blanks between words as mere
    separators, so a continuation line's indentation can change."""
    kw = ins.keyword
    if an.dockerfile.escape != "\\":
        return False
    if kw in _WORDS:
        return True
    if kw in _PAIRS:
        words = ins.words
        return bool(words) and "=" in words[0].value
    if kw in _SHELL_FORM:
        return ins.exec_form is not None or an.posix_shell(ins)
    return False  # WORKDIR, USER, STOPSIGNAL, MAINTAINER, ONBUILD, unknown: verbatim


def _keyword(ins: Instruction, text: str, edits: list[tuple[Span, str]]) -> None:
    """Upper-case a known keyword; one space between it and arguments on the same line."""
    ks = ins.keyword_span
    if text[ks.start:ks.end] != ins.raw_keyword:
        return  # split by a continuation (`r\` / `un x`): leave it
    if ins.keyword in KNOWN_INSTRUCTIONS and ins.raw_keyword != ins.keyword:
        edits.append((ks, ins.keyword))
    end = ks.end
    while end < len(text) and text[end] in _WS:
        end += 1
    if end > ks.end and end < len(text) and text[end] not in "\r\n" and text[ks.end:end] != " ":
        edits.append((Span(ks.end, end), " "))


def _joins(ins: Instruction, df: Dockerfile, unit: Indent) -> list[tuple[Span, int, bool]]:
    """Each continuation line's leading blanks: (span, width, safe to change)."""
    out: list[tuple[Span, int, bool]] = []
    line = ins.line
    segments = line._segments
    text = df.index.text
    logical = line.text
    start = ins.kw_end
    open_at = _open_at(logical[start:], [ls - start for ls, _, _ in segments[1:]])
    for (ls, ss, n), inside in zip(segments[1:], open_at, strict=True):
        lead = 0
        while lead < n and text[ss + lead] in _WS:
            lead += 1
        if lead == n:
            continue  # a line of blanks before the escape character: leave it
        safe = lead > 0 and not inside and not logical[:ls].endswith(df.escape)
        out.append((Span(ss, ss + lead), unit.width(text[ss:ss + lead]), safe))
    return out


def _open_at(code: str, points: list[int]) -> list[bool]:
    """For each offset of ``points`` (ascending): whether it may be inside a value, where
    blanks count — inside quotes, backticks, `${…}` or `$(…)` (a fresh quoting context:
    `"$(echo "a b")"` closes its inner quotes; blanks inside it are left alone too). Where
    shells differ or the reading is unsure, it counts as inside from there on: `$'…'` (bash
    reads escapes in it, dash does not), a quote inside `${…}`, a `case` pattern's `)`
    inside `$(…)`."""
    out: list[bool] = []
    stack: list[tuple[str, int]] = []  # open constructs: ' " ` ( { with their offsets
    cases = [m.start() for m in _CASE.finditer(code)] if "case" in code else []
    unsure = False
    i, n, k = 0, len(code), 0
    while k < len(points):
        while k < len(points) and points[k] <= i:
            out.append(unsure or bool(stack))
            k += 1
        if i >= n or unsure:
            break
        c = code[i]
        top = stack[-1][0] if stack else ""
        if top == "'":
            if c == "'":
                stack.pop()
        elif c == "\\":
            i += 1
        elif top == "{" and c in "'\"`":
            unsure = True
        elif c == '"':
            if top == '"':
                stack.pop()
            else:
                stack.append(('"', i))
        elif c == "'" and top != '"':
            stack.append(("'", i))
        elif c == "`":
            if top == "`":
                stack.pop()
            else:
                stack.append(("`", i))
        elif c == "$" and i + 1 < n and code[i + 1] == "'" and top != '"':
            unsure = True
        elif c == "$" and i + 1 < n and code[i + 1] in "({":
            i += 1
            stack.append((code[i], i))
        elif c == "(" and top == "(":
            stack.append(("(", i))
        elif c == ")" and top == "(":
            j = bisect.bisect_right(cases, stack[-1][1])
            unsure = j < len(cases) and cases[j] < i
            stack.pop()
        elif c == "}" and top == "{":
            stack.pop()
        i += 1
    out.extend([True] * (len(points) - len(out)))
    return out
