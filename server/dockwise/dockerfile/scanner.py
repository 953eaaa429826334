"""Scan Dockerfile text into the exact-range model. Never raises on any input."""

from __future__ import annotations

import functools
import json
import re
import threading

from dockwise.dockerfile.model import (
    HEREDOC_INSTRUCTIONS,
    Arguments,
    Comment,
    Directive,
    Dockerfile,
    Flag,
    Heredoc,
    Instruction,
    JsonElement,
    LogicalLine,
    Word,
)
from dockwise.text import LineIndex, Span

# BuildKit's `^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$` (RE2's `\s` has the form feed):
# an empty value is no directive
_DIRECTIVE_RE = re.compile(r"#[ \t\f]*([A-Za-z][A-Za-z0-9_-]*)[ \t\f]*=[ \t\f]*(.+?)[ \t\f]*$")
KNOWN_DIRECTIVES = frozenset({"syntax", "escape", "check"})
_HEREDOC_RE = re.compile(r"^(\d*)<<(-?)(.*)$")
_WS = " \t"
# Go's unicode.IsSpace: what BuildKit trims before an instruction and when it decides that
# a line is blank or a comment (a no-break-space line inside a continuation is skipped)
_SPACE = " \t\n\v\f\r\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
_JSON_PLAIN = re.compile(r'[^"\\\x00-\x1f]*')
_WORD = re.compile(r"[^ \t]+")
_KEYWORD = re.compile(r"[ \t]*([^ \t]*)")


_RECENT: dict[str, Dockerfile] = {}  # the last few texts scanned (insertion ordered)
_RECENT_MAX = 3  # the version being linted, the one before, one more for features
_RECENT_LOCK = threading.Lock()


def scan(text: str) -> Dockerfile:
    """Parse ``text`` into a :class:`Dockerfile`. The models of the last few texts are kept,
    so the linter, hovers and completion on one editor version share one scan."""
    with _RECENT_LOCK:
        hit = _RECENT.get(text)
    if hit is not None:
        return hit
    df = _scan(text)
    with _RECENT_LOCK:  # the language server scans from worker threads too
        _RECENT[text] = df
        while len(_RECENT) > _RECENT_MAX:
            del _RECENT[next(iter(_RECENT))]
    return df


def _scan(text: str) -> Dockerfile:
    index = LineIndex(text)
    lines = _line_bounds(text, index)
    nlines = len(lines)

    directives: list[Directive] = []
    misplaced: list[Comment] = []
    comments: list[Comment] = []
    instructions: list[Instruction] = []
    escape = "\\"
    invalid_escape: Directive | None = None

    # 1. parser directives: only at the very top, before any comment/blank/instruction
    i = 0
    seen: set[str] = set()
    while i < nlines:
        s, e = lines[i]
        raw = text[s:e]
        # BuildKit drops a byte-order mark before the first line
        stripped = (raw.removeprefix("\ufeff") if i == 0 else raw).lstrip(_SPACE)
        m = _DIRECTIVE_RE.match(stripped)
        if not m:
            break
        name = m.group(1).lower()
        if name not in KNOWN_DIRECTIVES or name in seen:
            break
        seen.add(name)
        off = s + (len(raw) - len(stripped))
        vstart = off + m.start(2)
        d = Directive(name, m.group(2), Span(off, e), Span(vstart, vstart + len(m.group(2))))
        if name == "escape":
            if d.value in ("\\", "`"):
                escape = d.value
            else:
                invalid_escape = d
        directives.append(d)
        comments.append(Comment(stripped[1:].strip(), Span(off, e), i))
        i += 1

    # 2. instructions
    while i < nlines:
        s, e = lines[i]
        raw = text[s:e]
        stripped = raw.lstrip(_SPACE)
        if not stripped:
            i += 1
            continue
        off = s + (len(raw) - len(stripped))
        if stripped.startswith("#"):
            c = Comment(stripped[1:].strip(), Span(off, e), i)
            comments.append(c)
            if looks_like_directive(stripped):
                misplaced.append(c)
            i += 1
            continue
        instr, i = _read_instruction(text, lines, i, off, escape, comments)
        instructions.append(instr)

    return Dockerfile(
        text=text,
        index=index,
        escape=escape,
        directives=directives,
        misplaced_directives=misplaced,
        instructions=instructions,
        comments=comments,
        invalid_escape=invalid_escape,
    )


def looks_like_directive(line: str) -> bool:
    """Whether a line (leading blanks removed) reads as a known parser directive."""
    m = _DIRECTIVE_RE.match(line.rstrip())
    return m is not None and m.group(1).lower() in KNOWN_DIRECTIVES


def _line_bounds(text: str, index: LineIndex) -> list[tuple[int, int]]:
    """(start, end) of every line, line breaks excluded."""
    if "\r" in text:
        return [(index.line_start(i), index.line_end(i)) for i in range(index.line_count)]
    out = []
    s = 0
    for piece in text.split("\n"):
        e = s + len(piece)
        out.append((s, e))
        s = e + 1
    return out


def _continues(content: str, escape: str) -> bool:
    # BuildKit's `([^\\])\\[ \t]*$|^\\[ \t]*$`: a line ending in two escape characters
    # (`C:\\dir\\`) does not continue
    c = content.rstrip(_WS)
    return c.endswith(escape) and (len(c) == 1 or c[-2] != escape)


def _read_instruction(
    text: str,
    lines: list[tuple[int, int]],
    i: int,
    off: int,
    escape: str,
    comments: list[Comment],
) -> tuple[Instruction, int]:
    nlines = len(lines)
    e = lines[i][1]
    content = text[off:e]
    if not _continues(content, escape) and "<<" not in content:
        # the common case: one physical line, no heredoc
        instr = _parse_instruction(LogicalLine(content, [(0, off, len(content))]), 0, escape)
        instr.start_line = instr.end_line = i
        return instr, i + 1
    parts: list[str] = []
    segments: list[tuple[int, int, int]] = []
    empty_lines: list[Span] = []
    logical_len = 0
    start_line = i
    last_line = i

    def add(src_start: int, content: str) -> bool:
        nonlocal logical_len
        cont = _continues(content, escape)
        if cont:
            content = content.rstrip(_WS)[:-1]
        if content:
            segments.append((logical_len, src_start, len(content)))
            parts.append(content)
            logical_len += len(content)
        return cont

    s, e = lines[i]
    cont = add(off, text[off:e])
    i += 1
    while cont and i < nlines:
        s, e = lines[i]
        raw = text[s:e]
        stripped = raw.lstrip(_SPACE)
        if not stripped:
            empty_lines.append(Span(s, e if e > s else s))
            i += 1
            continue
        if stripped.startswith("#"):
            o = s + (len(raw) - len(stripped))
            comments.append(Comment(stripped[1:].strip(), Span(o, e), i, in_continuation=True))
            i += 1
            continue
        cont = add(s, raw)
        last_line = i
        i += 1
    if not segments:  # only an escape character: an empty instruction where it starts
        segments.append((0, off, 0))
    line = LogicalLine("".join(parts), segments)
    instr = _parse_instruction(line, 0, escape)
    instr.start_line = start_line
    instr.end_line = last_line
    instr.empty_continuation_lines = empty_lines
    end = lines[last_line][1]

    # heredocs: bodies follow the logical line (also for `ONBUILD RUN/COPY/ADD`, as BuildKit)
    target = instr
    if "<<" in line.text and instr.keyword == "ONBUILD":
        sub = instr.sub
        if sub is not None and sub.keyword in HEREDOC_INSTRUCTIONS:
            target = sub
            sub.heredocs = instr.heredocs  # one list: the bodies belong to both
    if "<<" not in line.text:
        pass
    elif target.keyword in HEREDOC_INSTRUCTIONS:
        for w in target.words:
            m = _HEREDOC_RE.match(w.raw)
            if not m or not m.group(3):
                continue
            delim_raw = m.group(3)
            quoted = len(delim_raw) >= 2 and delim_raw[0] == delim_raw[-1] and delim_raw[0] in "'\""
            delim = delim_raw[1:-1] if quoted else delim_raw
            if not delim:
                continue
            strip_tabs = m.group(2) == "-"
            body_start = lines[i][0] if i < nlines else len(text)
            terminated = False
            term_span: Span | None = None
            while i < nlines:
                s, e = lines[i]
                candidate = text[s:e]
                if strip_tabs:
                    candidate = candidate.lstrip("\t")
                if candidate == delim:
                    terminated = True
                    term_span = Span(s, e)
                    break
                i += 1
            body_end = lines[i][0] if i < nlines else len(text)
            if terminated:
                last_line = i
                end = lines[i][1]
                i += 1
            else:
                last_line = nlines - 1
                end = len(text)
            instr.heredocs.append(
                Heredoc(
                    delimiter=delim,
                    quoted=quoted,
                    strip_tabs=strip_tabs,
                    marker_span=w.span,
                    body=text[body_start:body_end],
                    body_span=Span(body_start, body_end),
                    terminated=terminated,
                    terminator_span=term_span,
                    fd=int(m.group(1)) if m.group(1) else None,
                )
            )
        instr.end_line = target.end_line = last_line
    else:
        for w in instr.words:
            m = _HEREDOC_RE.match(w.raw)
            if m and m.group(3):
                instr.literal_heredoc_markers.append(w.span)
    instr.span = Span(instr.keyword_span.start, max(end, instr.keyword_span.end))
    return instr, i


def _parse_instruction(line: LogicalLine, lo: int, escape: str) -> Instruction:
    t = line.text
    km = _KEYWORD.match(t, lo)
    assert km is not None
    kstart, k = km.start(1), km.end(1)
    raw_kw = km.group(1)
    base = line._base
    if base >= 0:  # one physical line: logical offset + base = source offset
        kw_span = Span(base + kstart, base + k)
        span = Span(base + kstart, base + len(t))
    else:
        kw_span = line.span(kstart, k)
        span = line.span(kstart, len(t))
    return Instruction(
        keyword=raw_kw.upper(),
        raw_keyword=raw_kw,
        keyword_span=kw_span,
        span=span,
        start_line=0,
        end_line=0,
        line=line,
        lo=kstart,
        kw_end=k,
        escape=escape,
    )


def parse_arguments(instr: Instruction) -> Arguments:
    """Tokenise an instruction's flags and arguments (called lazily by the model)."""
    line = instr.line
    escape = instr.escape
    t = line.text
    n = len(t)
    words = split_words(line, instr.kw_end, n, escape)
    flags: list[Flag] = []
    idx = 0
    while idx < len(words):
        w = words[idx]
        if not w.raw.startswith("--"):
            break
        if w.raw == "--":
            idx += 1
            break
        body = w.raw[2:]
        if "=" in body:
            name, value = body.split("=", 1)
            nhi = w.lo + 2 + len(name)
            vspan: Span | None = line.span(nhi + 1, w.hi)
            fval: str | None = unquote(value, escape)
        else:
            name, fval = body, None
            nhi = w.hi
            vspan = None
        flags.append(Flag(name.lower(), fval, w.span, line.span(w.lo, nhi), vspan))
        idx += 1
    rest = words[idx:]
    end = _rstrip_end(t, n)
    args_lo = rest[0].lo if rest else end
    if instr.keyword == "ONBUILD" and rest:
        sub = _parse_instruction(line, args_lo, escape)
        sub.start_line, sub.end_line = instr.start_line, instr.end_line
        sub.stage = instr.stage
        return Arguments(flags, rest, args_lo, end, None, False, sub)
    args = t[args_lo:end]
    json_like = args.startswith("[") and args.endswith("]")
    exec_form = _scan_json_array(line, args_lo, end) if json_like else None
    return Arguments(flags, rest, args_lo, end, exec_form, json_like, None)


def _rstrip_end(t: str, n: int) -> int:
    while n > 0 and t[n - 1] in _WS:
        n -= 1
    return n


@functools.cache
def _unquote_re(escape: str) -> re.Pattern[str]:
    """Pieces of a word: a single-quoted string, a double-quoted string, an escaped
    character, a run of plain characters (unclosed quotes run to the end)."""
    e = re.escape(escape)
    return re.compile(
        rf"""'([^']*+)(')?|"((?:[^"{e}]|{e}.)*+)(")?|{e}(.)|([^'"{e}]++|{e})""",
        re.DOTALL)


def unquote(raw: str, escape: str = "\\") -> str:
    """Remove shell-style quoting: single quotes literal, escapes inside double quotes
    only before `"`, the escape character, `$` and backtick; an escaped line break is a
    continuation."""
    if "'" not in raw and '"' not in raw and escape not in raw:
        return raw
    out: list[str] = []
    for m in _unquote_re(escape).finditer(raw):
        single, _, double, _, escaped, plain = m.groups()
        if plain is not None:
            out.append(plain)
        elif single is not None:
            out.append(single)
        elif escaped is not None:
            if escaped != "\n":
                out.append(escaped)
        elif escape not in double:
            out.append(double)
        else:
            out.append(_inner_escape(escape).sub(_drop_escape, double))
    return "".join(out)


def unclosed_quote(raw: str, escape: str = "\\") -> str | None:
    """The quote character a word opens and never closes, if any."""
    if "'" not in raw and '"' not in raw:
        return None
    for m in _unquote_re(escape).finditer(raw):
        single, closed_single, double, closed_double = m.group(1, 2, 3, 4)
        if single is not None and closed_single is None:
            return "'"
        if double is not None and closed_double is None:
            return '"'
    return None


@functools.cache
def _inner_escape(escape: str) -> re.Pattern[str]:
    """An escape inside double quotes: it escapes `"`, itself, `$`, backtick and a line
    break; before anything else it is kept."""
    e = re.escape(escape)
    return re.compile(rf"{e}(.)", re.DOTALL)


def _drop_escape(m: re.Match[str]) -> str:
    c = m.group(1)
    esc = m.group(0)[0]
    if c == "\n":
        return ""
    if c in ('"', esc, "$", "`"):
        return c
    return m.group(0)


@functools.cache
def _word_re(escape: str) -> re.Pattern[str]:
    """A shell-like word: unquoted runs, escaped characters, single- and double-quoted
    strings (an unclosed quote runs to the end); a lone escape at the end is literal."""
    e = re.escape(escape)
    return re.compile(
        rf"""(?:[^ \t'"{e}]+|{e}.|'[^']*'?|"(?:[^"{e}]|{e}.)*"?|{e})+""", re.DOTALL)


def _has_quote(raw: str, escape: str) -> bool:
    """Whether a word opens a quote (an escaped quote character does not)."""
    if escape not in raw:
        return "'" in raw or '"' in raw
    i, n = 0, len(raw)
    while i < n:
        c = raw[i]
        if c == escape and i + 1 < n:
            i += 2
            continue
        if c in "'\"":
            return True
        i += 1
    return False


def split_words(line: LogicalLine, lo: int, hi: int, escape: str = "\\") -> list[Word]:
    """Split logical ``[lo, hi)`` into whitespace-separated words, honouring quotes."""
    t = line.text
    seg = t[lo:hi]
    if "'" not in seg and '"' not in seg and escape not in seg:
        return [Word(m.group(0), m.group(0), m.start(), m.end(), line)
                for m in _WORD.finditer(t, lo, hi)]
    words: list[Word] = []
    for m in _word_re(escape).finditer(t, lo, hi):
        raw = m.group(0)
        quoted = _has_quote(raw, escape)
        words.append(Word(raw, unquote(raw, escape) if quoted or escape in raw else raw,
                          m.start(), m.end(), line, quoted))
    return words


def _scan_json_array(line: LogicalLine, lo: int, hi: int) -> list[JsonElement] | None:
    """Elements of a JSON array of strings in logical ``[lo, hi)``, or None if invalid."""
    t = line.text
    i = lo + 1
    elems: list[JsonElement] = []

    def skip_ws(j: int) -> int:
        while j < hi and t[j] in " \t\r\n":
            j += 1
        return j

    i = skip_ws(i)
    if i < hi and t[i] == "]":
        return [] if skip_ws(i + 1) == hi else None
    while i < hi:
        if t[i] != '"':
            return None
        j = i + 1
        while j < hi and t[j] != '"':
            if t[j] == "\\":
                j += 1
            j += 1
        if j >= hi:
            return None
        raw = t[i + 1 : j]
        if _JSON_PLAIN.fullmatch(raw):
            value = raw  # no escapes or control characters: the text is the value
        else:
            try:
                value = json.loads(t[i : j + 1])
            except ValueError:
                return None
            if not isinstance(value, str):
                return None
        elems.append(JsonElement(value, line.span(i, j + 1)))
        i = skip_ws(j + 1)
        if i < hi and t[i] == ",":
            i = skip_ws(i + 1)
            continue
        if i < hi and t[i] == "]":
            return elems if skip_ws(i + 1) == hi else None
        return None
    return None
