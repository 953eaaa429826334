"""`$VAR` / `${VAR:-word}` references and their expansion, as BuildKit's lexer does it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class VarRef(NamedTuple):
    """A `$NAME` / `${NAME…}` reference in a text."""

    name: str
    lo: int  # offsets in the text scanned
    hi: int
    op: str  # "", ":-", "-", ":+", "+", ":?", "?" or an unsupported operator
    word: str  # the operand of op
    braced: bool

    @property
    def has_default(self) -> bool:
        return self.op in (":-", "-", ":+", "+", ":?", "?")


def find_refs(text: str, escape: str = "\\", single_quotes: bool = False) -> list[VarRef]:
    """Variable references in ``text``. With ``single_quotes``, '…' suppresses them."""
    if "$" not in text:
        return []
    refs: list[VarRef] = []
    i = 0
    n = len(text)
    in_sq = False
    while i < n:
        c = text[i]
        if single_quotes and c == "'":
            in_sq = not in_sq
            i += 1
            continue
        if in_sq:
            i += 1
            continue
        if c == escape and i + 1 < n:
            i += 2
            continue
        if c != "$" or i + 1 >= n:
            i += 1
            continue
        if text[i + 1] == "{":
            depth = 1
            j = i + 2
            while j < n and depth:
                if text[j] == "{":
                    depth += 1
                elif text[j] == "}":
                    depth -= 1
                j += 1
            inner = text[i + 2 : j - 1] if depth == 0 else text[i + 2 :]
            m = _NAME.match(inner)
            if m:
                name = m.group(0)
                rest = inner[m.end() :]
                op = ""
                word = ""
                for cand in (":-", ":+", ":?", "-", "+", "?"):
                    if rest.startswith(cand):
                        op, word = cand, rest[len(cand) :]
                        break
                else:
                    if rest:
                        op, word = rest[:1], rest[1:]
                refs.append(VarRef(name, i, j, op, word, True))
            i = j
            continue
        m = _NAME.match(text, i + 1)
        if m:
            refs.append(VarRef(m.group(0), i, m.end(), "", "", False))
            i = m.end()
            continue
        i += 1
    return refs


def expand(
    text: str, env: Mapping[str, str | None], escape: str = "\\"
) -> tuple[str, list[VarRef]]:
    """Expand references against ``env`` (None = declared without a value).

    Returns the expanded text and the references whose name is not in ``env`` and have
    no default (they expand to the empty string, as BuildKit does).
    """
    refs = find_refs(text, escape)
    if not refs:
        return text, []
    out: list[str] = []
    missing: list[VarRef] = []
    pos = 0
    for r in refs:
        out.append(text[pos : r.lo])
        pos = r.hi
        present = r.name in env
        value = env.get(r.name)
        val = value or ""
        if r.op in (":-",):
            out.append(val if value else expand(r.word, env, escape)[0])
        elif r.op == "-":
            out.append(val if present else expand(r.word, env, escape)[0])
        elif r.op == ":+":
            out.append(expand(r.word, env, escape)[0] if value else "")
        elif r.op == "+":
            out.append(expand(r.word, env, escape)[0] if present else "")
        elif r.op in (":?", "?"):
            out.append(val)
        else:
            if not present:
                missing.append(r)
            out.append(val)
    out.append(text[pos:])
    return "".join(out), missing
