"""Compose interpolation (`${VAR}`, `${VAR:-d}`, `${VAR-d}`, `${VAR:?e}`, `${VAR?e}`,
`${VAR:+a}`, `${VAR+a}`, `$VAR`, `$$`) parsed with offsets, as compose-go's template
package reads it. Never raises."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

_NAME = re.compile(r"[_A-Za-z][_A-Za-z0-9]*")
_OPS = (":-", ":?", ":+", "-", "?", "+")


@dataclass(slots=True)
class Ref:
    name: str
    lo: int  # offsets in the parsed string (`$` .. end)
    hi: int
    braced: bool
    op: str = ""  # one of _OPS or ""
    word: list[Part] = field(default_factory=list)  # the default / message / replacement


@dataclass(slots=True)
class Literal:
    text: str
    lo: int
    hi: int


@dataclass(slots=True)
class Problem:
    message: str
    lo: int
    hi: int


Part = Ref | Literal


@dataclass(slots=True)
class Parsed:
    parts: list[Part]
    problems: list[Problem]

    def refs(self) -> list[Ref]:
        out: list[Ref] = []
        stack = list(self.parts)
        while stack:
            p = stack.pop()
            if isinstance(p, Ref):
                out.append(p)
                stack.extend(p.word)
        return sorted(out, key=lambda r: r.lo)


_PARSED: dict[str, Parsed] = {}


def parse(text: str) -> Parsed:
    """The template ``text`` parsed (memoised: the same text gives the same, shared
    result — callers must not modify it)."""
    hit = _PARSED.get(text)
    if hit is None:
        problems: list[Problem] = []
        parts, _ = _parse(text, 0, problems, closing=False)
        hit = Parsed(parts, problems)
        if len(text) <= 2000:
            if len(_PARSED) > 20_000:
                _PARSED.clear()
            _PARSED[text] = hit
    return hit


def _parse(text: str, i: int, problems: list[Problem], closing: bool) -> tuple[list[Part], int]:
    parts: list[Part] = []
    n = len(text)
    lit_start = i
    buf: list[str] = []

    def flush(end: int) -> None:
        nonlocal buf, lit_start
        if buf:
            parts.append(Literal("".join(buf), lit_start, end))
        buf = []

    depth = 0
    while i < n:
        c = text[i]
        if closing and c == "}" and depth == 0:
            flush(i)
            return parts, i
        if c != "$":
            if not buf:
                lit_start = i
            if closing and c == "{":
                depth += 1
            elif closing and c == "}":
                depth -= 1
            buf.append(c)
            i += 1
            continue
        nxt = text[i + 1] if i + 1 < n else ""
        if nxt == "$":
            if not buf:
                lit_start = i
            buf.append("$")
            i += 2
            continue
        if nxt == "{":
            flush(i)
            ref, i = _parse_braced(text, i, problems)
            if ref is not None:
                parts.append(ref)
            lit_start = i
            continue
        m = _NAME.match(text, i + 1)
        if m:
            flush(i)
            parts.append(Ref(m.group(0), i, m.end(), False))
            i = m.end()
            lit_start = i
            continue
        # a lone `$` is kept as is by Compose v2
        if not buf:
            lit_start = i
        buf.append("$")
        i += 1
    flush(i)
    return parts, i


def _parse_braced(text: str, start: int, problems: list[Problem]) -> tuple[Ref | None, int]:
    n = len(text)
    i = start + 2
    m = _NAME.match(text, i)
    close = _matching_brace(text, start + 1)
    if close < 0:
        problems.append(Problem("unclosed `${`: add the closing `}`", start, n))
        return None, n
    if not m:
        inner = text[i:close]
        what = "empty `${}`" if not inner else f"invalid variable name in `${{{inner}}}`"
        problems.append(Problem(what, start, close + 1))
        return None, close + 1
    name = m.group(0)
    j = m.end()
    if j == close:
        return Ref(name, start, close + 1, True), close + 1
    op = next((o for o in _OPS if text.startswith(o, j)), None)
    if op is None:
        bad = text[j]
        problems.append(Problem(
            f"unsupported operator `{bad}` in `${{{text[i:close]}}}` (Compose supports "
            "`:-`, `-`, `:?`, `?`, `:+`, `+`)", start, close + 1))
        return None, close + 1
    word, end = _parse(text, j + len(op), problems, closing=True)
    return Ref(name, start, end + 1, True, op, word), end + 1


def _matching_brace(text: str, open_idx: int) -> int:
    depth = 0
    i = open_idx
    n = len(text)
    while i < n:
        c = text[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


@dataclass(slots=True)
class Substituted:
    value: str
    missing: list[Ref]  # referenced without default and not set
    required_errors: list[Ref]  # `${VAR:?msg}` whose variable is unset


def substitute(text: str, env: Mapping[str, str], parsed: Parsed | None = None) -> Substituted:
    """Interpolate with ``env``; unset variables without default become ''."""
    p = parsed or parse(text)
    missing: list[Ref] = []
    required: list[Ref] = []
    return Substituted(_render(p.parts, env, missing, required), missing, required)


def _render(parts: list[Part], env: Mapping[str, str], missing: list[Ref],
            required: list[Ref]) -> str:
    out: list[str] = []
    for part in parts:
        if isinstance(part, Literal):
            out.append(part.text)
            continue
        val = env.get(part.name)
        is_set = part.name in env
        op = part.op
        if op == ":-":
            out.append(val if val else _render(part.word, env, missing, required))
        elif op == "-":
            out.append(val if is_set and val is not None
                       else _render(part.word, env, missing, required))
        elif op == ":+":
            out.append(_render(part.word, env, missing, required) if val else "")
        elif op == "+":
            out.append(_render(part.word, env, missing, required) if is_set else "")
        elif op in (":?", "?"):
            if (op == ":?" and not val) or (op == "?" and not is_set):
                required.append(part)
            out.append(val or "")
        else:
            if not is_set:
                missing.append(part)
            out.append(val or "")
    return "".join(out)
