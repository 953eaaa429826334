"""Dockerfile formatting: instruction keywords upper case, instructions and comments at the
start of their line, one space after the keyword, continuation lines indented by one unit
(deeper lines keep their extra indentation relative to the shallowest), no trailing blanks.

Nothing a build reads changes. Whitespace is touched only where BuildKit and the shell
ignore it: before an instruction or comment, between a keyword and its arguments, after
a continuation's escape character, in comment and blank lines. A continuation line is
re-indented only when its leading blanks separate words outside any quotes — the join is
where BuildKit glues the lines, so blanks inside `"a \\` / `  b"` are part of the string
and a line without leading blanks continues the previous word; both stay as written.
Heredoc bodies, parser directives, files with a backtick escape character (Windows:
PowerShell quoting differs) and anything inside `$(…)`/backticks at a join are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from dockwise.dockerfile.model import KNOWN_INSTRUCTIONS, Comment, Dockerfile, Instruction
from dockwise.dockerfile.scanner import looks_like_directive, scan, unclosed_quote
from dockwise.text import LineIndex, Span

_WS = " \t"


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
    df = scan(text)
    idx = df.index
    edits: list[tuple[Span, str]] = []
    covered: set[int] = set()  # lines that belong to an instruction (bodies included)
    inner = {c.line: c for c in df.comments if c.in_continuation}  # comments in continuations
    for ins in df.instructions:
        covered.update(range(ins.start_line, ins.end_line + 1))
        _instruction(ins, df, unit, inner, edits)
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
    return edits


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


def _instruction(ins: Instruction, df: Dockerfile, unit: Indent, inner: dict[int, Comment],
                 edits: list[tuple[Span, str]]) -> None:
    idx = df.index
    text = idx.text
    first = idx.line_start(ins.start_line)
    if not text[first:ins.keyword_span.start].strip(_WS):
        edits.append((Span(first, ins.keyword_span.start), ""))
    _keyword(ins, text, edits)
    sub = ins.sub
    if sub is not None:
        _keyword(sub, text, edits)
    if ins.heredocs or ins.literal_heredoc_markers or "<<" in ins.line.text:
        return  # bodies and their markers stay exactly as written
    joins = _joins(ins, df, unit)
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


def _keyword(ins: Instruction, text: str, edits: list[tuple[Span, str]]) -> None:
    """Upper-case a known keyword; one space between it and arguments on the same line."""
    ks = ins.keyword_span
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
        safe = (lead > 0 and df.escape == "\\" and not inside
                and not logical[:ls].endswith(df.escape))
        out.append((Span(ss, ss + lead), unit.width(text[ss:ss + lead]), safe))
    return out


def _open_at(code: str, points: list[int]) -> list[bool]:
    """For each offset of ``points`` (ascending): whether it is inside quotes, backticks or
    `${…}` of ``code``, where blanks are part of a value. `$(…)` opens a fresh quoting
    context (`"$(echo "a b")"`); inside it, blanks outside quotes separate words. Unsure
    (a `case` pattern's `)` inside `$(…)`) counts as inside, from there on."""
    out: list[bool] = []
    stack: list[tuple[str, int]] = []  # open constructs: ' " ` ( { with their offsets
    unsure = False
    i, n, k = 0, len(code), 0
    while k < len(points):
        while k < len(points) and points[k] <= i:
            out.append(unsure or bool(stack))
            k += 1
        if i >= n:
            break
        c = code[i]
        top = stack[-1][0] if stack else ""
        if top == "'":
            if c == "'":
                stack.pop()
        elif c == "\\":
            i += 1
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
        elif c == "$" and i + 1 < n and code[i + 1] in "({":
            i += 1
            stack.append((code[i], i))
        elif c == "(" and top == "(":
            stack.append(("(", i))
        elif c == ")" and top == "(":
            unsure = unsure or "case" in code[stack[-1][1]:i]
            stack.pop()
        elif c == "}" and top == "{":
            stack.pop()
        i += 1
    out.extend([True] * (len(points) - len(out)))
    return out
