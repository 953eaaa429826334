"""YAML read at the node level (PyYAML's C loader, `yaml.compose` only), with scalars
resolved the way Compose v2 (go-yaml v3) resolves them.

Every node keeps exact character offsets (``node.start_mark.index`` /
``node.end_mark.index``). Aliases are shared node objects, so an alias bomb costs nothing
to load; converting to Python values goes through :func:`to_python`, which has a budget.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml._yaml import CParser

from dockwise.text import LineIndex, Span

Node = yaml.Node
MappingNode = yaml.MappingNode
SequenceNode = yaml.SequenceNode
ScalarNode = yaml.ScalarNode

MERGE_TAG = "tag:yaml.org,2002:merge"
COMPOSE_TAGS = frozenset({"!reset", "!override"})
STANDARD_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}"
    for t in ("str", "int", "float", "bool", "null", "map", "seq", "merge", "timestamp", "binary")
)
MAX_EXPANDED_NODES = 1_000_000


@dataclass(frozen=True, slots=True)
class YamlProblem:
    message: str
    span: Span


@dataclass(slots=True)
class YamlDocument:
    text: str
    index: LineIndex
    root: Node | None  # None when empty or unparsable
    error: YamlProblem | None = None
    duplicates: list[tuple[Node, Node]] = field(default_factory=list)  # (duplicate, first)
    multiple_documents: bool = False
    facts: dict[str, object] = field(default_factory=dict)  # derived facts, computed once


def is_plain(node: ScalarNode) -> bool:
    """An unquoted flow scalar (PyYAML's C loader reports style '' or None for it)."""
    return not node.style


def span_of(node: Node) -> Span:
    return Span(node.start_mark.index, max(node.start_mark.index, node.end_mark.index))


IMPLICIT = "tag:dockwise,implicit"  # tag of every node written without a tag


class _ImplicitResolver(yaml.resolver.BaseResolver):
    """Tags nothing: implicit nodes get :data:`IMPLICIT` (we resolve scalars ourselves, the
    go-yaml v3 way), so explicit tags stay recognisable and PyYAML's regex-based YAML 1.1
    resolution — the slowest part of loading — is skipped."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        return IMPLICIT


class _Loader(CParser, _ImplicitResolver):
    def __init__(self, stream: str) -> None:
        CParser.__init__(self, stream)
        _ImplicitResolver.__init__(self)


def load(text: str) -> YamlDocument:
    """Compose the YAML text into nodes. Never raises."""
    index = LineIndex(text)
    try:
        loader = _Loader(text)
        docs: list[Node | None] = []
        try:
            while loader.check_node():
                docs.append(loader.get_node())
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        off = mark.index if mark is not None else 0
        off = min(max(off, 0), len(text))
        msg = " ".join(x for x in (e.context, e.problem) if x) or "invalid YAML"
        if "\t" in text and "cannot start any token" in msg:
            msg += " (tabs cannot be used for indentation in YAML)"
        return YamlDocument(text, index, None, YamlProblem(f"invalid YAML: {msg}", Span(off, off)))
    except (yaml.YAMLError, RecursionError, ValueError) as e:
        return YamlDocument(text, index, None, YamlProblem(f"invalid YAML: {e}", Span(0, 0)))
    docs = [d for d in docs if d is not None]
    root = docs[0] if docs else None
    doc = YamlDocument(text, index, root, multiple_documents=len(docs) > 1)
    if root is not None:
        doc.duplicates = find_duplicates(root)
    return doc


def explicit_tag(node: Node, text: str = "") -> str | None:
    """The tag written in the source (`!reset`, `!!str`), or None when implicit."""
    tag: str = node.tag
    return None if tag == IMPLICIT else tag


# ---------------------------------------------------------------------------------------
# scalars as go-yaml v3 reads them

_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_TIMESTAMP = re.compile(
    r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
    r"(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
    r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?$"
)
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_INF = frozenset({".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"})
_NINF = frozenset({"-.inf", "-.Inf", "-.INF"})
_NAN = frozenset({".nan", ".NaN", ".NAN"})


class Timestamp(str):
    """A plain scalar go-yaml v3 reads as a timestamp (kept as its text)."""


def _go_parse_int(s: str) -> int | None:
    """strconv.ParseInt(s, 0, 64): sign, then 0x / 0o / 0b / leading-0 octal / decimal."""
    if not s:
        return None
    sign = 1
    body = s
    if body[0] in "+-":
        sign = -1 if body[0] == "-" else 1
        body = body[1:]
    if not body:
        return None
    try:
        low = body.lower()
        if low.startswith("0x"):
            v = int(body[2:], 16)
        elif low.startswith("0o"):
            v = int(body[2:], 8)
        elif low.startswith("0b"):
            v = int(body[2:], 2)
        elif len(body) > 1 and body[0] == "0":
            v = int(body[1:], 8)
        else:
            if not body.isdigit():
                return None
            v = int(body, 10)
    except ValueError:
        return None
    v *= sign
    if not -(2**63) <= v < 2**63:
        return None
    return v


def resolve_plain(text: str) -> Any:
    """The value of a plain (unquoted, untagged) scalar as Compose v2 reads it."""
    if text in _NULLS:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    c = text[0]
    if c in "-+.0123456789":
        if text in _INF:
            return math.inf
        if text in _NINF:
            return -math.inf
        if text in _NAN:
            return math.nan
        plain = text.replace("_", "")
        iv = _go_parse_int(plain)
        if iv is not None:
            return iv
        if _FLOAT.match(plain):
            try:
                f = float(plain)
            except ValueError:
                f = math.nan
            if math.isfinite(f):  # go-yaml keeps out-of-range numbers (`123e4567`) as text
                return f
        if _TIMESTAMP.match(text):
            return Timestamp(text)
    return text


def scalar_value(node: ScalarNode, text: str = "") -> Any:
    """Resolved value of a scalar node (explicit standard tags honoured)."""
    tag = node.tag
    if tag == IMPLICIT:
        return node.value if node.style else resolve_plain(node.value)
    if tag == "tag:yaml.org,2002:str":
        return node.value
    if tag in COMPOSE_TAGS:
        return node.value if node.style else resolve_plain(node.value)
    v = resolve_plain(node.value)
    if tag == "tag:yaml.org,2002:int" and isinstance(v, int) and not isinstance(v, bool):
        return v
    if tag == "tag:yaml.org,2002:float" and isinstance(v, (int, float)):
        return float(v)
    if tag == "tag:yaml.org,2002:bool" and isinstance(v, bool):
        return v
    if tag == "tag:yaml.org,2002:null":
        return None
    return v


# ---------------------------------------------------------------------------------------
# mappings

def mapping_items(node: MappingNode) -> list[tuple[Node, Node]]:
    """Key/value pairs of a mapping with `<<` merges applied (own keys win, earlier merges
    win over later ones), as go-yaml does. Merge keys themselves are dropped. Computed
    once per node (nodes are never mutated; every parse builds new ones)."""
    cached: list[tuple[Node, Node]] | None = node.__dict__.get("_dw_items")
    if cached is None:
        cached = node.__dict__["_dw_items"] = _mapping_items(node)
    return cached


def _index(node: MappingNode) -> dict[str, tuple[Node, Node]]:
    idx: dict[str, tuple[Node, Node]] | None = node.__dict__.get("_dw_index")
    if idx is None:
        idx = {}
        for k, v in mapping_items(node):
            if isinstance(k, ScalarNode) and k.value not in idx:
                idx[k.value] = (k, v)
        node.__dict__["_dw_index"] = idx
    return idx


def _mapping_items(node: MappingNode) -> list[tuple[Node, Node]]:
    own: list[tuple[Node, Node]] = []
    merged: list[tuple[Node, Node]] = []
    for k, v in node.value:
        if (k.tag == IMPLICIT and k.value == "<<" and not k.style) or k.tag == MERGE_TAG:
            sources = v.value if isinstance(v, SequenceNode) else [v]
            for src in sources:
                if isinstance(src, MappingNode):
                    merged.extend(mapping_items(src))
        else:
            own.append((k, v))
    if not merged:
        return own
    seen = {k.value for k, _ in own if isinstance(k, ScalarNode)}
    out = list(own)
    for k, v in merged:
        key = k.value if isinstance(k, ScalarNode) else None
        if key is not None and key in seen:
            continue
        if key is not None:
            seen.add(key)
        out.append((k, v))
    return out


def get(node: Node | None, key: str) -> Node | None:
    """Value node of ``key`` in a mapping node (merges applied), else None."""
    if not isinstance(node, MappingNode):
        return None
    hit = _index(node).get(key)
    return hit[1] if hit is not None else None


def get_key(node: Node | None, key: str) -> Node | None:
    """Key node of ``key`` in a mapping node (own keys first, then merged)."""
    if not isinstance(node, MappingNode):
        return None
    hit = _index(node).get(key)
    return hit[0] if hit is not None else None


def find_duplicates(root: Node) -> list[tuple[Node, Node]]:
    """Keys written twice in one mapping (merge-supplied keys are not duplicates)."""
    out: list[tuple[Node, Node]] = []
    seen_nodes: set[int] = set()
    stack = [root]
    while stack:
        n = stack.pop()
        if id(n) in seen_nodes:
            continue
        seen_nodes.add(id(n))
        if isinstance(n, MappingNode):
            first: dict[str, Node] = {}
            for k, v in n.value:
                if isinstance(k, ScalarNode) and k.tag != MERGE_TAG and not (
                    k.tag == IMPLICIT and k.value == "<<" and not k.style
                ):
                    if k.value in first:
                        out.append((k, first[k.value]))
                    else:
                        first[k.value] = k
                stack.append(v)
                if not isinstance(k, ScalarNode):
                    stack.append(k)
        elif isinstance(n, SequenceNode):
            stack.extend(n.value)
    out.sort(key=lambda p: p[0].start_mark.index)
    return out


class ExpansionBudgetExceeded(ValueError):
    pass


def to_python(node: Node | None, text: str, budget: int = MAX_EXPANDED_NODES) -> Any:
    """Plain Python data (merges applied, aliases expanded within a budget)."""
    remaining = [budget]

    def conv(n: Node, depth: int) -> Any:
        remaining[0] -= 1
        if remaining[0] < 0:
            raise ExpansionBudgetExceeded(
                f"the document expands to more than {budget:,} nodes (an alias bomb?)")
        if type(n) is ScalarNode:
            if n.tag == IMPLICIT:
                return n.value if n.style else resolve_plain(n.value)
            return scalar_value(n, text)
        if isinstance(n, SequenceNode):
            return [conv(x, depth + 1) for x in n.value]
        if isinstance(n, MappingNode):
            out: dict[Any, Any] = {}
            for k, v in mapping_items(n):
                key = conv(k, depth + 1)
                if isinstance(key, (list, dict)):
                    key = str(key)
                if key not in out:
                    out[key] = conv(v, depth + 1)
            return out
        return None

    return None if node is None else conv(node, 0)
