"""Quoting and tokenising helpers shared by rules that rewrite arguments.

* JSON argv rendering (``["a", "b"]``) for exec-form rewrites;
* POSIX ``sh`` quoting of arguments (keeping ``$VAR`` expansions alive or not);
* Dockerfile-word quoting with BuildKit's lexer rules (``ENV``/``LABEL`` values: inside
  ``"…"`` only ``"``, ``$`` and the escape character can be escaped);
* a tolerant parser for *almost*-JSON arrays (``['a', 'b',]``) and the ``HEALTHCHECK CMD``
  argument helper.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from dockwise.dockerfile.model import Instruction, JsonElement

PLAIN_WORD_RE = re.compile(r"[A-Za-z0-9_./:=,@%+-]+")
_ASSIGNMENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
_VAR_START_RE = re.compile(r"[A-Za-z_{]")
_WS = " \t"


# -- JSON ---------------------------------------------------------------------------
def json_string(value: str) -> str:
    """``value`` as a JSON string literal (non-ASCII kept as is)."""
    return json.dumps(value, ensure_ascii=False)


def json_argv(items: Iterable[str]) -> str:
    """``["a", "b"]`` — the exec form of an argument vector."""
    return "[" + ", ".join(json_string(i) for i in items) + "]"


# -- POSIX shell ----------------------------------------------------------------------
def is_plain_word(word: str) -> bool:
    """Letters, digits and ``-_./:=,@%+`` only: needs no quoting anywhere."""
    return bool(PLAIN_WORD_RE.fullmatch(word))


def plain_words(command: str) -> list[str] | None:
    """The words of ``command`` when it is only plain words (no quotes, ``$``, escapes,
    globs, ``~``, operators, leading ``NAME=`` assignments); otherwise None."""
    words = command.split()
    if not words or not all(is_plain_word(w) for w in words):
        return None
    if _ASSIGNMENT_RE.match(words[0]):
        return None
    return words


def sh_quote(arg: str, *, expand: bool = True) -> str:
    """Quote one argument for ``sh -c``.

    With ``expand`` the argument goes in double quotes so ``$VAR``/``${VAR}`` still
    expand; a ``$`` that does not start a variable, and `` ` ``, ``"``, ``\\`` are
    escaped. Without it, single quotes (nothing expands).
    """
    if arg and is_plain_word(arg):
        return arg
    if not expand:
        return "'" + arg.replace("'", "'\\''") + "'"
    out: list[str] = []
    for i, c in enumerate(arg):
        if c in '"\\`':
            out.append("\\" + c)
        elif c == "$" and not _VAR_START_RE.match(arg, i + 1):
            out.append("\\$")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def sh_join(argv: Sequence[str], *, expand: bool = True) -> str:
    return " ".join(sh_quote(a, expand=expand) for a in argv)


# -- Dockerfile words (BuildKit lexer) -------------------------------------------------
def df_double_quote(literal: str, escape: str = "\\") -> str:
    """A Dockerfile double-quoted word whose processed value is exactly ``literal``
    (``"``, ``$`` and the escape character escaped)."""
    out = []
    for c in literal:
        if c in ('"', "$", escape):
            out.append(escape + c)
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def has_unquoted_space(raw: str, escape: str = "\\") -> bool:
    """Whether ``raw`` (a Dockerfile value as written) has whitespace outside quotes."""
    q = ""
    i = 0
    n = len(raw)
    while i < n:
        c = raw[i]
        if q == "'":
            if c == "'":
                q = ""
        elif c == escape and i + 1 < n:
            i += 2
            continue
        elif q == '"':
            if c == '"':
                q = ""
        elif c in "'\"":
            q = c
        elif c in _WS:
            return True
        i += 1
    return False


def requote_word(raw: str, escape: str = "\\") -> str | None:
    """Rewrite ``raw`` — text BuildKit processes as one word (quote removal, escapes,
    ``$`` expansion) — as a single double-quoted word with the same processed value.
    None when a quote is unterminated."""
    out: list[str] = []
    i = 0
    n = len(raw)

    def lit(c: str) -> None:
        out.append(escape + c if c in ('"', "$", escape) else c)

    while i < n:
        c = raw[i]
        if c == escape:
            if i + 1 < n:
                lit(raw[i + 1])
            i += 2
            continue
        if c == "'":
            j = raw.find("'", i + 1)
            if j < 0:
                return None
            for ch in raw[i + 1 : j]:
                lit(ch)
            i = j + 1
            continue
        if c == '"':
            j = i + 1
            while j < n and raw[j] != '"':
                if raw[j] == escape and j + 1 < n:
                    out.append(raw[j : j + 2])
                    j += 2
                    continue
                out.append(raw[j])
                j += 1
            if j >= n:
                return None
            i = j + 1
            continue
        if c == "$":
            out.append(c)
        else:
            lit(c)
        i += 1
    return '"' + "".join(out) + '"'


# -- almost-JSON arrays ------------------------------------------------------------------
@dataclass(slots=True)
class LooseArray:
    """An array written as JSON but possibly invalid: its intended string elements."""

    values: list[str]
    problems: list[str] = field(default_factory=list)  # human-readable reasons


def parse_loose_array(text: str) -> LooseArray | None:
    """Parse ``text`` (``[`` … ``]``) as an array of strings the author *meant* as JSON.

    Accepts double- or single-quoted elements (``\\"``, ``\\'`` and ``\\\\`` are escapes;
    any other backslash is literal), bare single-token elements and a trailing comma.
    Returns None when the text does not look like a list at all — e.g. the shell test
    ``[ -f x ]`` or ``[ "$a" = b ]``: several elements without commas, bare words only.
    """
    t = text.strip()
    if not (t.startswith("[") and t.endswith("]")):
        return None
    body = t[1:-1]
    i = 0
    n = len(body)
    values: list[str] = []
    problems: list[str] = []
    commas = 0
    quoted_any = False
    bare_any = False

    def skip(j: int) -> int:
        while j < n and body[j] in " \t\r\n":
            j += 1
        return j

    def note(p: str) -> None:
        if p not in problems:
            problems.append(p)

    i = skip(i)
    if i >= n:
        return None  # `[]` with whitespace is valid JSON anyway
    while True:
        i = skip(i)
        if i >= n:
            if not values:
                return None
            note("trailing comma")
            break
        c = body[i]
        if c in "\"'":
            quoted_any = True
            if c == "'":
                note("single quotes")
            j = i + 1
            while j < n and body[j] != c:
                j += 2 if body[j] == "\\" and j + 1 < n else 1
            if j >= n:
                return None
            value, invalid = _unescape(body[i + 1 : j], c)
            if invalid:
                note("invalid backslash escapes")
            values.append(value)
            i = skip(j + 1)
        elif c in ",[]":
            return None
        else:
            j = i
            while j < n and body[j] not in ", \t\r\n\"'[]":
                j += 1
            bare_any = True
            note("unquoted elements")
            values.append(body[i:j])
            i = skip(j)
        if i >= n:
            break
        if body[i] != ",":
            return None  # `[ -f x ]`, `[ "$a" = b ]`: a shell test, not a list
        commas += 1
        i += 1
    if not commas and not quoted_any:
        return None
    if bare_any and not commas:
        return None
    return LooseArray(values, problems)


def _unescape(inner: str, quote: str) -> tuple[str, bool]:
    """Value of a quoted element and whether it had escapes JSON rejects.

    A double-quoted element whose escapes are all valid JSON is decoded as JSON. When
    any escape is invalid (``"C:\\app\\new"`` style Windows paths), only ``\\"`` and
    ``\\\\`` are escapes and every other backslash is literal. Single-quoted elements
    work the same way with ``\\'``.
    """
    if quote == '"':
        try:
            dec = json.loads('"' + inner + '"')
        except ValueError:
            dec = None
        if isinstance(dec, str):
            return dec, False
    out: list[str] = []
    invalid = False
    j = 0
    n = len(inner)
    while j < n:
        ch = inner[j]
        if ch == "\\" and j + 1 < n:
            nxt = inner[j + 1]
            if nxt in (quote, "\\"):
                out.append(nxt)
                j += 2
                continue
            invalid = True
        out.append(ch)
        j += 1
    return "".join(out), invalid and quote == '"'


# -- HEALTHCHECK --------------------------------------------------------------------------
class HealthcheckCmd(NamedTuple):
    """The command part of a HEALTHCHECK instruction."""

    lo: int  # logical offsets of the command after `CMD`
    hi: int
    exec_form: list[JsonElement] | None
    json_like: bool


def healthcheck_cmd(ins: Instruction) -> HealthcheckCmd | None:
    """The command part of ``HEALTHCHECK [flags] CMD …`` (None for ``NONE``/no CMD)."""
    if ins.keyword != "HEALTHCHECK" or not ins.words:
        return None
    first = ins.words[0]
    if first.value.upper() != "CMD" or len(ins.words) < 2:
        return None
    lo = ins.words[1].lo
    hi = ins.args_hi
    text = ins.line.text[lo:hi]
    json_like = text.startswith("[") and text.endswith("]")
    elems = None
    if json_like:
        from dockwise.dockerfile.scanner import _scan_json_array

        elems = _scan_json_array(ins.line, lo, hi)
    return HealthcheckCmd(lo, hi, elems, json_like)
