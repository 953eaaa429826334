"""Text edits on Compose files that respect the file's own YAML style: indentation unit,
sequence indentation, comments kept (edits are inserted next to existing text, never
re-serialising what the user wrote). ruamel.yaml is the tool when a whole sub-tree must
be rewritten; these helpers cover inserting and replacing entries."""

from __future__ import annotations

import json
import re

from dockwise.compose.yaml_model import MappingNode, Node, ScalarNode, SequenceNode, YamlDocument
from dockwise.lint.types import Edit
from dockwise.text import Span

_PLAIN_SAFE = re.compile(r"^[A-Za-z0-9_./@-][A-Za-z0-9_./@:+=-]*$")


def indent_unit(doc: YamlDocument) -> int:
    """The file's indentation step (the smallest positive child-parent column difference);
    computed once per document."""
    cached = doc.facts.get("indent_unit")
    if isinstance(cached, int):
        return cached
    unit = _indent_unit(doc)
    doc.facts["indent_unit"] = unit
    return unit


def _indent_unit(doc: YamlDocument) -> int:
    best = 0
    stack: list[Node] = [doc.root] if doc.root is not None else []
    seen: set[int] = set()
    while stack and len(seen) < 5000:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        if isinstance(n, MappingNode) and not n.flow_style:
            for k, v in n.value:
                if isinstance(v, MappingNode) and not v.flow_style and v.value:
                    d = v.value[0][0].start_mark.column - k.start_mark.column
                    if d > 0 and (best == 0 or d < best):
                        best = d
                    stack.append(v)
                elif isinstance(v, SequenceNode):
                    stack.append(v)
        elif isinstance(n, SequenceNode):
            stack.extend(n.value)
    return best or 2


def sequence_indent(doc: YamlDocument) -> int:
    """Extra indentation of `- ` items under their key (0 for `key:\\n- a`, else the unit)."""
    root = doc.root
    stack: list[Node] = [root] if root is not None else []
    seen: set[int] = set()
    while stack and len(seen) < 5000:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        if isinstance(n, MappingNode):
            for k, v in n.value:
                if isinstance(v, SequenceNode) and not v.flow_style and v.value:
                    col: int = v.start_mark.column - k.start_mark.column
                    return max(0, col)
                stack.append(v)
    return indent_unit(doc)


def scalar(value: object) -> str:
    """A YAML scalar for ``value``: plain when that reads back as the same string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    s = str(value)
    from dockwise.compose.yaml_model import resolve_plain

    yaml11_bools = {"y", "n", "yes", "no", "on", "off"}
    if (_PLAIN_SAFE.match(s) and resolve_plain(s) == s and not s.startswith(("-", "@"))
            and s.lower() not in yaml11_bools):
        return s
    return json.dumps(s, ensure_ascii=False)


def quote(node: ScalarNode, text: str) -> Edit:
    """Quote a plain scalar keeping its original text (`3.10` -> `"3.10"`)."""
    start, end = node.start_mark.index, node.end_mark.index
    return Edit(Span(start, end), json.dumps(text[start:end], ensure_ascii=False))


def replace(node: Node, new_text: str) -> Edit:
    return Edit(Span(node.start_mark.index, node.end_mark.index), new_text)


def content_end(node: Node) -> int:
    """Offset after the last character of a node's content (block nodes end early)."""
    if isinstance(node, MappingNode) and node.value and not node.flow_style:
        return content_end(node.value[-1][1])
    if isinstance(node, SequenceNode) and node.value and not node.flow_style:
        return content_end(node.value[-1])
    return node.end_mark.index


def line_end(text: str, offset: int) -> int:
    """End of the line holding the character before ``offset`` (before its line break)."""
    i = max(offset, 0)
    while i > 0 and text[i - 1] in "\r\n":
        i -= 1
    j = text.find("\n", i)
    if j < 0:
        return len(text)
    return j - 1 if j > 0 and text[j - 1] == "\r" else j


def render_block(lines: list[str], indent: int) -> str:
    pad = " " * indent
    return "".join("\n" + (pad + ln if ln else "") for ln in lines)


def insert_entry(doc: YamlDocument, mapping: Node, lines: list[str]) -> Edit | None:
    """Append ``lines`` (a `key: value` entry, already indented relative to the mapping's
    keys, using 2 spaces per level — re-indented to the file's unit) at the end of a block
    mapping. None for flow mappings (`{…}`) — the caller gives no fix then."""
    if not isinstance(mapping, MappingNode) or mapping.flow_style or not mapping.value:
        return None
    col = mapping.value[0][0].start_mark.column
    unit = indent_unit(doc)
    relined = [reindent(ln, unit) for ln in lines]
    at = line_end(doc.text, content_end(mapping))
    return Edit(Span(at, at), render_block(relined, col))


def insert_key_after(doc: YamlDocument, key: Node, value: Node, lines: list[str]) -> Edit:
    """Insert entry ``lines`` right after an existing entry (same indentation as its key)."""
    unit = indent_unit(doc)
    at = line_end(doc.text, content_end(value))
    return Edit(Span(at, at), render_block([reindent(ln, unit) for ln in lines],
                                           key.start_mark.column))


def reindent(line: str, unit: int) -> str:
    """Convert a 2-space-per-level line to ``unit`` spaces per level."""
    if unit == 2:
        return line
    stripped = line.lstrip(" ")
    levels = (len(line) - len(stripped)) // 2
    return " " * (levels * unit) + stripped


def delete_entry(doc: YamlDocument, key: Node, value: Node) -> Edit:
    """Delete a `key: value` entry with its whole lines (comments on other lines kept)."""
    text = doc.text
    start = text.rfind("\n", 0, key.start_mark.index) + 1
    end = line_end(text, content_end(value))
    if end < len(text) and text[end] == "\r":
        end += 1
    if end < len(text) and text[end] == "\n":
        end += 1
    return Edit(Span(start, end), "")
