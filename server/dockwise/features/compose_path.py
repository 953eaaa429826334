"""Where the cursor is in a Compose file, and what our schema says about that place.

:func:`context_at` answers "which YAML path, and am I typing a key, a value or a new
sequence item?". When the file parses and the cursor is inside a written scalar or a flow
collection, the path comes from the YAML nodes (exact, flow style included). Otherwise —
a blank line, a half-typed key, a file that does not parse — it comes from indentation,
the way microsoft/compose-language-service reads half-typed documents: walk up from the
cursor's line, and every line indented less than the current level is a parent.

:func:`schema_at` follows a path through ``schemas/compose.schema.json`` (``$ref``,
``anyOf``/``oneOf``, ``patternProperties``, ``items``) and returns the alternatives there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from dockwise.compose.schema import compose_schema
from dockwise.compose.yaml_model import (
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    YamlDocument,
    load,
)
from dockwise.text import Span

PathPart = str | int
Role = Literal["key", "value", "item"]

_KEY_LINE = re.compile(r"""(?P<key>"[^"]*"|'[^']*'|[^\s#'"\-\[{][^:#]*?|-[^\s:#][^:#]*?)[ \t]*:(?:[ \t]|$)""")
_WORD_CHARS = re.compile(r"[A-Za-z0-9_.\-/$]*")


@dataclass(frozen=True, slots=True)
class YamlContext:
    """What the cursor is on.

    ``role``: ``"key"`` — a key of the mapping at ``path`` is being typed;
    ``"value"`` — the scalar value of the key ``path[-1]``;
    ``"item"`` — an item of the sequence at ``path`` (a scalar, or the first key of a
    mapping item). ``prefix`` is what is typed of the token so far, ``replace`` the
    token's range (code-point offsets), ``column`` the column the token starts at.
    ``index`` is the item index when ``path`` ends inside a sequence item (-1: unknown).
    """

    path: tuple[PathPart, ...]
    role: Role
    prefix: str
    replace: Span
    column: int
    source: Literal["ast", "indent"]
    in_flow: bool = False


def _unquote_key(k: str) -> str:
    k = k.strip()
    if len(k) >= 2 and k[0] == k[-1] and k[0] in "'\"":
        return k[1:-1]
    return k


def _line_bounds(text: str, offset: int) -> tuple[int, int]:
    start = max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1
    end = len(text)
    for ch in ("\n", "\r"):
        j = text.find(ch, offset)
        if 0 <= j < end:
            end = j
    return start, end


# ---------------------------------------------------------------------------------------
# indentation


@dataclass(slots=True)
class _Tok:
    col: int
    kind: Literal["seq", "key"]
    name: str = ""
    has_value: bool = False


def _line_tokens(line: str) -> list[_Tok]:
    """`    - driver: nvidia` -> [seq@4, key driver@6]."""
    toks: list[_Tok] = []
    i = 0
    n = len(line)
    while i < n and line[i] == " ":
        i += 1
    while i < n and line[i] == "-" and (i + 1 == n or line[i + 1] in " \t"):
        toks.append(_Tok(i, "seq"))
        i += 1
        while i < n and line[i] in " \t":
            i += 1
    m = _KEY_LINE.match(line, i)
    if m:
        rest = line[m.end():].strip()
        has_value = bool(rest) and not rest.startswith("#") and rest[:1] not in ("&", "!", "|", ">")
        toks.append(_Tok(i, "key", _unquote_key(m.group("key")), has_value))
    return toks


def _ancestors(lines: list[str], line_no: int, col: int, seq_col: int | None) -> list[PathPart]:
    """Path of the containers enclosing column ``col`` of ``line_no``. With ``seq_col``,
    the cursor's line starts an item of a sequence at that column: the path of that
    sequence is returned."""
    path: list[PathPart] = []
    limit = seq_col if seq_col is not None else col
    pending_seq = seq_col  # a `-` at this column opens the container the cursor is in
    siblings = 0
    i = line_no - 1
    while i >= 0 and (limit > 0 or pending_seq is not None):
        raw = lines[i]
        i -= 1
        stripped = raw.lstrip(" ")
        ind = len(raw) - len(stripped)
        if ind >= limit and ind != pending_seq:
            continue  # deeper than the current level: not a parent
        stripped = stripped.strip()
        if not stripped or stripped.startswith("#") or stripped in ("---", "..."):
            continue
        toks = _line_tokens(raw.rstrip())
        for t in reversed(toks):
            if t.kind == "seq" and t.col == pending_seq:
                siblings += 1
                continue
            accept = t.col < limit or (
                t.kind == "key" and t.col == pending_seq and not t.has_value)
            if not accept:
                continue
            if pending_seq is not None and path and path[0] == -1:
                path[0] = siblings
            if t.kind == "seq":
                path.insert(0, -1)
                pending_seq = t.col
                siblings = 0
            else:
                path.insert(0, t.name)
                pending_seq = None
            limit = t.col
        if not toks and raw[:1] not in (" ", "\t"):
            break  # a top-level scalar or flow line: nothing above is a parent
    return path


def _indent_context(text: str, offset: int) -> YamlContext:
    ls, le = _line_bounds(text, offset)
    before = text[ls:offset]
    after = text[offset:le]
    lines = text[:ls].splitlines()
    line_no = len(lines)
    # the cursor's own line
    i = 0
    n = len(before)
    while i < n and before[i] == " ":
        i += 1
    seq_col: int | None = None
    while i < n and before[i] == "-" and (i + 1 == n or before[i + 1] in " \t"):
        seq_col = i
        i += 1
        while i < n and before[i] in " \t":
            i += 1
    content_col = i
    rest = before[i:]
    tail = _WORD_CHARS.match(after)
    tail_len = tail.end() if tail else 0
    m = _KEY_LINE.match(rest)
    if m:
        key = _unquote_key(m.group("key"))
        value = rest[m.end():] if m.end() <= len(rest) else ""
        vstart = offset - len(value)
        lead = len(value) - len(value.lstrip(" \t"))
        value = value[lead:]
        vstart += lead
        if value.startswith("["):
            inner = value[1:]
            cut = max(inner.rfind(","), -1) + 1
            part = inner[cut:]
            lead2 = len(part) - len(part.lstrip(" "))
            prefix = part[lead2:].lstrip("'\"")
            path = _ancestors(lines, line_no, content_col, seq_col)
            if seq_col is not None:
                path.append(_item_index(lines, line_no, seq_col))
            return YamlContext((*path, key), "item", prefix, Span(offset - len(prefix), offset + tail_len),
                               offset - len(prefix) - ls, "indent", True)
        prefix = value.lstrip("'\"")
        path = _ancestors(lines, line_no, content_col, seq_col)
        if seq_col is not None:
            path.append(_item_index(lines, line_no, seq_col))
        return YamlContext((*path, key), "value", prefix, Span(offset - len(prefix), offset + tail_len),
                           offset - len(prefix) - ls, "indent")
    prefix = rest.lstrip("'\"")
    span = Span(offset - len(prefix), offset + tail_len)
    if seq_col is not None and content_col == n:
        # `- |`: a new item of the sequence
        path = _ancestors(lines, line_no, seq_col, seq_col)
        return YamlContext(tuple(path), "item", prefix, span, content_col, "indent")
    if seq_col is not None:
        path = _ancestors(lines, line_no, seq_col, seq_col)
        return YamlContext(tuple(path), "item", prefix, span, content_col, "indent")
    col = content_col if rest else len(before)
    path = _ancestors(lines, line_no, col, None)
    return YamlContext(tuple(path), "key", prefix, span, col, "indent")


def _item_index(lines: list[str], line_no: int, seq_col: int) -> int:
    count = 0
    for i in range(line_no - 1, -1, -1):
        raw = lines[i]
        s = raw.strip()
        if not s or s.startswith("#"):
            continue
        ind = len(raw) - len(raw.lstrip(" "))
        if ind < seq_col:
            break
        if ind == seq_col:
            if s.startswith("-") and (len(s) == 1 or s[1] in " \t"):
                count += 1
            else:
                break
    return count


# ---------------------------------------------------------------------------------------
# nodes


def _contains(node: Node, offset: int) -> bool:
    return bool(node.start_mark.index <= offset <= node.end_mark.index)


def _ast_context(doc: YamlDocument, offset: int) -> YamlContext | None:
    root = doc.root
    if root is None:
        return None
    text = doc.text
    path: list[PathPart] = []
    node: Node = root
    parent_key: ScalarNode | None = None
    parent_kind: str = ""
    while True:
        if isinstance(node, MappingNode):
            nxt: Node | None = None
            for k, v in node.value:
                if isinstance(k, ScalarNode) and _contains(k, offset) and k.end_mark.index > k.start_mark.index:
                    return _scalar_ctx(text, tuple(path), "key", k, offset)
                if v.end_mark.index > v.start_mark.index and _contains(v, offset):
                    if isinstance(k, ScalarNode):
                        path.append(k.value)
                        parent_key, parent_kind, nxt = k, "map", v
                    break
            if nxt is None:
                if node.flow_style and node.start_mark.index < offset < node.end_mark.index:
                    return YamlContext(tuple(path), "key", "", Span(offset, offset),
                                       offset - _line_bounds(text, offset)[0], "ast", True)
                return None
            node = nxt
        elif isinstance(node, SequenceNode):
            nxt = None
            for idx, item in enumerate(node.value):
                if item.end_mark.index > item.start_mark.index and _contains(item, offset):
                    path.append(idx)
                    parent_kind, nxt = "seq", item
                    break
            if nxt is None:
                if node.flow_style and node.start_mark.index < offset < node.end_mark.index:
                    return YamlContext(tuple(path), "item", "", Span(offset, offset),
                                       offset - _line_bounds(text, offset)[0], "ast", True)
                return None
            node = nxt
        elif isinstance(node, ScalarNode):
            if parent_kind == "seq":
                ctx = _scalar_ctx(text, tuple(path[:-1]), "item", node, offset)
                return ctx
            if parent_kind == "map" and parent_key is not None:
                if node.start_mark.line > parent_key.start_mark.line and not node.style:
                    # `deploy:\n  reso|`: a key being typed under `deploy`
                    return _scalar_ctx(text, tuple(path), "key", node, offset)
                return _scalar_ctx(text, tuple(path), "value", node, offset)
            return None
        else:
            return None


def _scalar_ctx(text: str, path: tuple[PathPart, ...], role: Role, node: ScalarNode,
                offset: int) -> YamlContext:
    start = node.start_mark.index + (1 if node.style in ("'", '"') else 0)
    end = node.end_mark.index - (1 if node.style in ("'", '"') else 0)
    if node.start_mark.line != node.end_mark.line:
        ls, le = _line_bounds(text, offset)
        start, end = max(start, ls), min(end, le)
    start = min(start, offset)
    end = max(end, offset)
    ls = _line_bounds(text, start)[0]
    return YamlContext(path, role, text[start:offset], Span(start, end), start - ls, "ast",
                       in_flow=_in_flow(text, start))


def _in_flow(text: str, start: int) -> bool:
    ls = _line_bounds(text, start)[0]
    before = text[ls:start]
    return before.count("[") > before.count("]") or before.count("{") > before.count("}")


def context_at(text: str, offset: int, doc: YamlDocument | None = None) -> YamlContext:
    """The YAML context at ``offset`` (see :class:`YamlContext`)."""
    offset = min(max(offset, 0), len(text))
    if doc is None:
        doc = load(text)
    if doc.root is not None:
        ctx = _ast_context(doc, offset)
        if ctx is not None:
            return ctx
    return _indent_context(text, offset)


def path_at(text: str, offset: int, doc: YamlDocument | None = None) -> tuple[PathPart, ...]:
    """The path of the key or value under the cursor (keys included)."""
    ctx = context_at(text, offset, doc)
    if ctx.role == "key" and ctx.prefix is not None:
        word = text[ctx.replace.start:ctx.replace.end]
        return (*ctx.path, word) if word else ctx.path
    return ctx.path


# ---------------------------------------------------------------------------------------
# the schema


def _deref(ref: str) -> Any:
    node: Any = compose_schema()
    for part in ref.lstrip("#/").split("/"):
        node = node.get(part, {}) if isinstance(node, dict) else {}
    return node


def expand(node: Any, depth: int = 0) -> list[dict[str, Any]]:
    """A schema node's alternatives: ``$ref`` followed, ``anyOf``/``oneOf``/``allOf``
    flattened (the description of the outer node is kept on the first)."""
    if not isinstance(node, dict) or depth > 12:
        return []
    out: list[dict[str, Any]] = []
    if "$ref" in node:
        target = _deref(str(node["$ref"]))
        subs = expand(target, depth + 1)
        if subs and "description" in node:
            subs = [{**subs[0], "description": node["description"]}, *subs[1:]]
        out.extend(subs)
    branches = [b for key in ("anyOf", "oneOf", "allOf") for b in node.get(key, [])]
    if branches:
        base = {k: v for k, v in node.items() if k not in ("anyOf", "oneOf", "allOf")}
        if base.get("properties") or base.get("type"):
            out.append(base)
        for b in branches:
            out.extend(expand(b, depth + 1))
        if out and "description" in node and "description" not in out[0]:
            out[0] = {**out[0], "description": node["description"]}
    elif "$ref" not in node:
        out.append(node)
    return out


def schema_at(path: tuple[PathPart, ...] | list[PathPart]) -> list[dict[str, Any]]:
    """Schema alternatives for the instance at ``path`` (empty when it is unknown)."""
    nodes = expand(compose_schema())
    for part in path:
        nxt: list[Any] = []
        for n in nodes:
            if isinstance(part, int):
                items = n.get("items")
                if isinstance(items, dict):
                    nxt.append(items)
                continue
            props = n.get("properties", {})
            if part in props:
                nxt.append(props[part])
                continue
            matched = False
            for pat, sub in n.get("patternProperties", {}).items():
                if pat == "^x-" and not part.startswith("x-"):
                    continue
                try:
                    if re.search(pat, part):
                        nxt.append(sub)
                        matched = True
                        break
                except re.error:
                    continue
            if not matched and isinstance(n.get("additionalProperties"), dict):
                nxt.append(n["additionalProperties"])
        nodes = [e for x in nxt for e in expand(x)]
        if not nodes:
            return []
    return nodes


def properties(nodes: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Object properties offered by any alternative (first description wins)."""
    out: dict[str, dict[str, Any]] = {}
    for n in nodes:
        for name, sub in n.get("properties", {}).items():
            if name not in out:
                out[name] = sub
    return out


def types_of(node: Any) -> set[str]:
    out: set[str] = set()
    for alt in expand(node):
        t = alt.get("type")
        if isinstance(t, str):
            out.add(t)
        elif isinstance(t, list):
            out.update(str(x) for x in t)
        elif "properties" in alt or "patternProperties" in alt:
            out.add("object")
        elif "items" in alt:
            out.add("array")
    return out


def enum_values(nodes: list[dict[str, Any]]) -> list[str]:
    """Enum values (booleans as `true`/`false`) of the alternatives, in schema order."""
    out: list[str] = []
    for n in nodes:
        for v in n.get("enum", []):
            s = str(v).lower() if isinstance(v, bool) else str(v)
            if s not in out:
                out.append(s)
        t = n.get("type")
        ts = [t] if isinstance(t, str) else (t or [])
        if "boolean" in ts:
            for s in ("true", "false"):
                if s not in out:
                    out.append(s)
    return out


def description(nodes: list[dict[str, Any]]) -> str | None:
    for n in nodes:
        d = n.get("description")
        if isinstance(d, str) and d:
            return d
    return None


def key_schema(path: tuple[PathPart, ...], key: str) -> list[dict[str, Any]]:
    """Alternatives for ``key`` in the mapping at ``path``."""
    return schema_at((*path, key))
