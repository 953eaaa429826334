"""YAML read at the node level (PyYAML's C loader, `yaml.compose` only), with scalars
resolved the way Compose v2 (go-yaml v3) resolves them.

Every node keeps exact character offsets (``node.start_mark.index`` /
``node.end_mark.index``). Aliases are shared node objects, so an alias bomb costs nothing
to load; converting to Python values goes through :func:`to_python`, which has a budget.
"""

from __future__ import annotations

import bisect
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
class Unit:
    """A top-level entry (`x-common: …`, `networks: …`) or one service (`web: …`): the
    text ``[lo, hi)`` it is written in, and the other units whose text its aliases read
    (directly or through those units' own aliases). What a check derives from a unit's
    value alone can be keyed by those texts (see :func:`unit_texts`)."""

    key: ScalarNode
    value: Node
    lo: int
    hi: int
    service: bool  # an entry of the top-level `services` mapping
    deps: set[int] = field(default_factory=set)  # indexes (in Structure.units) it reads
    closed: bool = True  # False: an alias reads a node outside every unit


@dataclass(slots=True)
class Structure:
    """What one pass over the written nodes finds: each node once (a node reached again
    through an alias is not walked again)."""

    duplicates: list[tuple[Node, Node]]  # (duplicate key, first key), by position
    tagged: list[Node]  # nodes written with an explicit tag (`!reset`, `!!str`, `!foo`)
    dollar: list[tuple[ScalarNode, bool]]  # scalars whose value has a `$`: (node, is a key)
    # `<<` merge keys of the written mappings: (merge key, its value)
    merges: list[tuple[Node, Node]] = field(default_factory=list)
    # the units of a usual Compose layout (a block or flow root mapping without merge
    # keys, `services` a mapping without merge keys), in document order; empty otherwise
    units: list[Unit] = field(default_factory=list)


@dataclass(slots=True)
class YamlDocument:
    text: str
    _index: LineIndex | None  # (built on first use of `index`)
    root: Node | None  # None when empty or unparsable
    error: YamlProblem | None = None
    multiple_documents: bool = False
    facts: dict[str, object] = field(default_factory=dict)  # derived facts, computed once
    _structure: Structure | None = None

    @property
    def index(self) -> LineIndex:
        """Offsets <-> lines of the text (built when first needed: a lint without
        suppression comments and findings to place needs none)."""
        idx = self._index
        if idx is None:
            idx = self._index = LineIndex(self.text)
        return idx

    @property
    def structure(self) -> Structure:
        """Duplicates, tagged nodes and `$` scalars, found in one walk (computed once)."""
        st = self._structure
        if st is None:
            st = self._structure = walk(self.root)
        return st

    @property
    def duplicates(self) -> list[tuple[Node, Node]]:
        """Keys written twice in one mapping: (duplicate, first)."""
        return self.structure.duplicates


def is_plain(node: ScalarNode) -> bool:
    """An unquoted flow scalar (PyYAML's C loader reports style '' or None for it)."""
    return not node.style


def span_of(node: Node) -> Span:
    return Span(node.start_mark.index, max(node.start_mark.index, node.end_mark.index))


def value_offsets(node: ScalarNode, text: str) -> list[int] | None:
    """File offset of every character of a scalar's value (``len(node.value)`` entries),
    when the characters are written verbatim in the source: plain scalars, single-quoted
    ones (`''` maps to its first quote), double-quoted ones without escapes, and
    literal/folded block scalars
    (block indentation and line folding taken into account; an explicit indentation
    indicator gives None). A character that folding makes (a line break, the space joining
    two lines) maps to the end of the text before it. None when the value cannot be
    aligned with the source."""
    value = node.value
    start, end = node.start_mark.index, node.end_mark.index
    style = node.style or ""
    pieces: list[tuple[list[int], str]] = []  # (file offsets, value text) per source line
    if style in ("|", ">"):
        nl = text.find("\n", start, end)
        header = text[start:nl if nl >= 0 else end].split("#", 1)[0]
        if any(c.isdigit() for c in header):
            return None  # explicit indentation indicator
        if nl < 0:
            return [] if not value else None
        lines: list[tuple[int, str]] = []
        pos = nl + 1
        while pos < end:
            e = text.find("\n", pos, end)
            e = end if e < 0 else e
            lines.append((pos, text[pos:e].rstrip("\r")))
            pos = e + 1
        indent = next((len(ln) - len(ln.lstrip(" ")) for _, ln in lines if ln.strip()), 0)
        for off, ln in lines:
            if not ln.strip():
                continue
            if len(ln) - len(ln.lstrip(" ")) < indent:
                return None
            pieces.append((list(range(off + indent, off + len(ln))), ln[indent:]))
    elif style in ("'", '"', ""):
        lo, hi = (start + 1, end - 1) if style else (start, end)
        inner = text[lo:hi]
        if style == '"' and "\\" in inner:
            return None
        pos = lo
        for ln in inner.split("\n"):
            body = ln.rstrip("\r").rstrip(" \t")
            stripped = body.lstrip(" \t")
            if stripped:
                first = pos + len(body) - len(stripped)
                offs = list(range(first, first + len(stripped)))
                if style == "'" and "'" in stripped:  # quotes come in pairs: `''` is one
                    keep: list[int] = []
                    i = 0
                    while i < len(stripped):
                        keep.append(i)
                        i += 2 if stripped[i] == "'" else 1
                    offs = [offs[i] for i in keep]
                    stripped = "".join(stripped[i] for i in keep)
                pieces.append((offs, stripped))
            pos += len(ln) + 1
    else:
        return None
    out: list[int] = []
    at = start  # the end of the last piece: where folding characters map
    for offs, piece in pieces:
        i = value.find(piece, len(out))
        if i < 0 or value[len(out):i].strip(" \t\n"):
            return None
        out.extend([at] * (i - len(out)))
        out.extend(offs)
        at = offs[-1] + 1
    if value[len(out):].strip(" \t\n"):
        return None
    out.extend([at] * (len(value) - len(out)))
    return out


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


class _RedefiningLoader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser,
                        yaml.composer.Composer, _ImplicitResolver):
    """The pure-Python loader, for documents that define an anchor twice: go-yaml (Compose)
    accepts that and an alias refers to the latest definition before it; libyaml's composer
    rejects it and cannot be told otherwise. Slow, so only used for such documents."""

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _ImplicitResolver.__init__(self)

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if not isinstance(event, yaml.AliasEvent) and event.anchor is not None:
            self.anchors.pop(event.anchor, None)  # a new definition replaces the old one
        node: Node = super().compose_node(parent, index)  # type: ignore[assignment]
        return node


def _compose_all(loader: Any) -> list[Node | None]:
    docs: list[Node | None] = []
    try:
        while loader.check_node():
            docs.append(loader.get_node())
    finally:
        loader.dispose()
    return docs


def load(text: str) -> YamlDocument:
    """Compose the YAML text into nodes. Never raises."""
    index = None
    try:
        try:
            docs = _compose_all(_Loader(text))
        except yaml.composer.ComposerError as e:
            if not (e.context or "").startswith("found duplicate anchor"):
                raise
            docs = _compose_all(_RedefiningLoader(text))
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
    return YamlDocument(text, index, root, multiple_documents=len(docs) > 1)


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


_MISSING = object()
_NUMBERS: dict[str, Any] = {}  # resolve_plain of texts that may be numbers (a pure function)


def resolve_plain(text: str) -> Any:
    """The value of a plain (unquoted, untagged) scalar as Compose v2 reads it."""
    if text in _NULLS:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if text[0] not in "-+.0123456789":
        return text
    v = _NUMBERS.get(text, _MISSING)
    if v is _MISSING:
        v = _resolve_number(text)
        if len(_NUMBERS) > 50_000:
            _NUMBERS.clear()
        _NUMBERS[text] = v
    return v


def _resolve_number(text: str) -> Any:
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


_CAST_TRUE = frozenset({"true", "yes", "y", "on"})  # compose-go's string -> bool cast
_CAST_FALSE = frozenset({"false", "no", "n", "off"})


def compose_bool(node: Node | None, text: str = "") -> bool | None:
    """A boolean field as Compose reads it: a YAML boolean, or a string compose-go casts
    (`yes`/`no`, `y`/`n`, `on`/`off`, `true`/`false`, any case); None otherwise."""
    if not isinstance(node, ScalarNode):
        return None
    v = scalar_value(node, text)
    if isinstance(v, bool):
        return v
    low = v.lower() if isinstance(v, str) else None
    return True if low in _CAST_TRUE else False if low in _CAST_FALSE else None


# ---------------------------------------------------------------------------------------
# mappings

# Per mapping node, kept on it (nodes are never modified, and every parse builds new
# ones): `_dw_items` (see mapping_items), `_dw_keys` (key -> key node) and `_dw_values`
# (key -> value node), merges applied and the first of a duplicated key winning;
# `_dw_index` (key -> both) only for the callers that ask for it. (Nodes are read
# through an `Any` alias: PyYAML's node classes do not declare these attributes.)

def mapping_items(node: MappingNode) -> list[tuple[Node, Node]]:
    """Key/value pairs of a mapping with `<<` merges applied (own keys win, earlier merges
    win over later ones), as go-yaml does. Merge keys themselves are dropped. Computed
    once per node."""
    n: Any = node
    try:
        items: list[tuple[Node, Node]] = n._dw_items
    except AttributeError:
        _build_lookups(n)
        items = n._dw_items
    return items


def _is_merge_key(k: Node) -> bool:
    return (k.tag == IMPLICIT and k.value == "<<" and not getattr(k, "style", None)) \
        or k.tag == MERGE_TAG


_NO_INDEX: dict[str, tuple[Node, Node]] = {}
_NO_VALUES: dict[str, Node] = {}


def _build_lookups(node: Any) -> None:
    """`_dw_items`, `_dw_keys` and `_dw_values` of a mapping, in one pass over its own
    pairs (and over the pairs of the mappings it merges)."""
    keys: dict[str, Node] = {}
    values: dict[str, Node] = {}
    items: list[tuple[Node, Node]] = []
    merges: list[Node] = []
    for k, v in node.value:
        if k.__class__ is ScalarNode:
            kv = k.value
            if (kv == "<<" and k.tag == IMPLICIT and not k.style) or k.tag == MERGE_TAG:
                merges.append(v)
                continue
            if kv not in keys:
                keys[kv] = k
                values[kv] = v
        elif k.tag == MERGE_TAG:
            merges.append(v)
            continue
        items.append((k, v))
    # a mapping that merges itself or an ancestor (`&a {<<: *a}`) would recurse forever:
    # a merge of a mapping whose lookups are being built is skipped
    node._dw_building = True
    for v in merges:
        for src in (v.value if v.__class__ is SequenceNode else (v,)):
            if src.__class__ is not MappingNode or getattr(src, "_dw_building", False):
                continue
            for k, mv in mapping_items(src):
                if k.__class__ is ScalarNode:
                    if k.value in keys:
                        continue
                    keys[k.value] = k
                    values[k.value] = mv
                items.append((k, mv))
    del node._dw_building
    node._dw_items = items
    node._dw_keys = keys
    node._dw_values = values


def index(node: Node | None) -> dict[str, tuple[Node, Node]]:
    """key -> (key node, value node) of a mapping, merges applied (the first of a
    duplicated key), computed once per node and kept on it; empty for anything else.
    Read-only: the dict is shared."""
    if node.__class__ is not MappingNode:
        return _NO_INDEX
    n: Any = node
    try:
        idx: dict[str, tuple[Node, Node]] = n._dw_index
    except AttributeError:
        vals = values(node)
        keys: dict[str, Node] = n._dw_keys
        idx = n._dw_index = {name: (k, vals[name]) for name, k in keys.items()}
    return idx


def get(node: Node | None, key: str) -> Node | None:
    """Value node of ``key`` in a mapping node (merges applied), else None."""
    if node.__class__ is not MappingNode:
        return None
    n: Any = node
    try:
        vals: dict[str, Node] = n._dw_values
    except AttributeError:
        _build_lookups(n)
        vals = n._dw_values
    return vals.get(key)


def values(node: Node | None) -> dict[str, Node]:
    """key -> value node of a mapping (merges applied, as :func:`get` reads it); empty
    for anything else. Read-only: the dict is shared."""
    if node.__class__ is not MappingNode:
        return _NO_VALUES
    n: Any = node
    try:
        vals: dict[str, Node] = n._dw_values
    except AttributeError:
        _build_lookups(n)
        vals = n._dw_values
    return vals


def key_nodes(node: Node | None) -> dict[str, Node]:
    """key -> key node of a mapping (merges applied); empty for anything else.
    Read-only: the dict is shared."""
    if node.__class__ is not MappingNode:
        return _NO_VALUES
    n: Any = node
    try:
        keys: dict[str, Node] = n._dw_keys
    except AttributeError:
        _build_lookups(n)
        keys = n._dw_keys
    return keys


def get_key(node: Node | None, key: str) -> Node | None:
    """Key node of ``key`` in a mapping node (own keys first, then merged)."""
    return key_nodes(node).get(key)


def walk(root: Node | None) -> Structure:
    """One pass over the written nodes: duplicate keys, explicitly tagged nodes, scalars
    with a `$`, and the units of the document with what their aliases read.

    A node is walked from the unit whose text holds it (by position); a node an alias
    reaches outside the unit is recorded as a dependency, not walked again."""
    dups: list[tuple[Node, Node]] = []
    tagged: list[Node] = []
    dollar: list[tuple[ScalarNode, bool]] = []
    units: list[Unit] = []
    merges: list[tuple[Node, Node]] = []
    out = Structure(dups, tagged, dollar, merges=merges, units=units)
    if root is None:
        return out
    as_value: set[int] = set()  # aliased nodes used as a value (a key may be aliased)
    outside: list[tuple[int, Node]] = []  # (unit, node its alias reads outside it)
    S, M = ScalarNode, MappingNode

    def dup_check(n: Node) -> None:
        first: dict[str, Node] = {}
        for k, _ in n.value:
            if k.__class__ is S and not _is_merge_key(k):
                kv = k.value
                if kv in first:
                    dups.append((k, first[kv]))
                else:
                    first[kv] = k

    def scalar(n: Node, is_key: bool) -> None:
        if n.tag != IMPLICIT:
            tagged.append(n)
        if "$" in n.value:
            dollar.append((n, is_key))  # type: ignore[arg-type]

    def subtree(top: Node, lo: int, u: int) -> None:
        """``top`` and every node written below it. A child written at or after the end
        of its previous written sibling is written there; any other child is an alias
        (its target is written before it): recorded when its target is outside the unit
        (before ``lo``), not walked again."""
        if top.__class__ is S:
            scalar(top, False)
            return
        stack = [top]
        pop, push = stack.pop, stack.append
        while stack:
            n = pop()
            if n.tag != IMPLICIT:
                tagged.append(n)
            prev = n.start_mark.index
            if n.__class__ is M:
                keys: dict[str, Node] = {}
                for k, v in n.value:
                    if k.__class__ is S:
                        kv = k.value
                        kt = k.tag
                        if (kv == "<<" and kt == IMPLICIT and not k.style) or kt == MERGE_TAG:
                            merges.append((k, v))
                        elif kv in keys:
                            dups.append((k, keys[kv]))
                        else:
                            keys[kv] = k
                        ks = k.start_mark.index
                        if ks >= prev:  # (a scalar key cannot be the mapping itself)
                            prev = k.end_mark.index
                            if kt != IMPLICIT:
                                tagged.append(k)
                            if "$" in kv:
                                dollar.append((k, True))
                        elif ks < lo:
                            outside.append((u, k))
                    else:
                        ks = k.start_mark.index
                        if ks >= prev and k is not n:
                            prev = k.end_mark.index
                            push(k)
                        elif ks < lo:
                            outside.append((u, k))
                    vs = v.start_mark.index
                    if vs >= prev and v is not n:
                        prev = v.end_mark.index
                        if v.__class__ is S:
                            if v.tag != IMPLICIT:
                                tagged.append(v)
                            if "$" in v.value:
                                dollar.append((v, False))
                        else:
                            push(v)
                    else:
                        as_value.add(id(v))
                        if vs < lo:
                            outside.append((u, v))
            else:
                for v in n.value:
                    vs = v.start_mark.index
                    if vs >= prev and v is not n:
                        prev = v.end_mark.index
                        if v.__class__ is S:
                            if v.tag != IMPLICIT:
                                tagged.append(v)
                            if "$" in v.value:
                                dollar.append((v, False))
                        else:
                            push(v)
                    else:
                        as_value.add(id(v))
                        if vs < lo:
                            outside.append((u, v))

    def unit(k: Node, v: Node, service: bool) -> None:
        lo = k.start_mark.index
        scalar(k, True)
        u = len(units)
        if v.start_mark.index < lo:  # the whole value is an alias
            units.append(Unit(k, v, lo, k.end_mark.index, service))  # type: ignore[arg-type]
            outside.append((u, v))
            as_value.add(id(v))
            return
        units.append(Unit(k, v, lo, max(k.end_mark.index, v.end_mark.index), service))  # type: ignore[arg-type]
        subtree(v, lo, u)

    def plain_keys(n: Node) -> bool:
        """A mapping whose keys are written scalars (no merge key, no alias key)."""
        if n.__class__ is not M:
            return False
        prev = n.start_mark.index
        for k, v in n.value:
            if k.__class__ is not S or _is_merge_key(k) or k.start_mark.index < prev:
                return False
            ke = k.end_mark.index
            prev = max(ke, v.end_mark.index) if v.start_mark.index >= ke else ke
        return True

    if not plain_keys(root):
        subtree(root, -1, -1)
    else:
        if root.tag != IMPLICIT:
            tagged.append(root)
        dup_check(root)
        for k, v in root.value:
            if (k.value == "services" and v.start_mark.index >= k.end_mark.index
                    and plain_keys(v)):
                scalar(k, True)
                if v.tag != IMPLICIT:
                    tagged.append(v)
                dup_check(v)
                for sk, sv in v.value:
                    unit(sk, sv, True)
            else:
                unit(k, v, False)
    if outside and units:
        los = [x.lo for x in units]
        for u, n in outside:
            if u < 0:
                continue
            at = n.start_mark.index
            j = bisect.bisect_right(los, at) - 1
            if j >= 0 and n.end_mark.index <= units[j].hi:  # (written inside unit j)
                if j != u:
                    units[u].deps.add(j)
            else:
                units[u].closed = False
    if as_value:
        dollar[:] = [(n, k and id(n) not in as_value) for n, k in dollar]
    dups.sort(key=lambda p: p[0].start_mark.index)
    return out


def unit_keys(doc: YamlDocument) -> list[tuple[str, ...] | None]:
    """:func:`unit_texts` of every unit of the document, computed once per document."""
    got = doc.facts.get("unit_keys")
    if got is None:
        got = doc.facts["unit_keys"] = _unit_keys(doc)
    return got  # type: ignore[return-value]


def unit_texts(doc: YamlDocument, u: int) -> tuple[str, ...] | None:
    """The texts a unit's value is read from: its own, then those of the units its
    aliases read (transitively, in document order); None when an alias reads a node
    outside every unit. With the text before the root node (directives such as `%TAG`
    change how tags read), the unit's column and its mapping's style, this determines
    the unit's value completely: a key for caching what is derived from it."""
    return unit_keys(doc)[u]


def _unit_keys(doc: YamlDocument) -> list[tuple[str, ...] | None]:
    units = doc.structure.units
    text = doc.text
    root = doc.root
    head = text[: root.start_mark.index] if root is not None else ""
    top_style = "flow" if getattr(root, "flow_style", False) else "block"
    svc_style = "flow" if getattr(get(root, "services"), "flow_style", False) else "block"
    own = [text[x.lo:x.hi] for x in units]
    out: list[tuple[str, ...] | None] = []
    for u, me in enumerate(units):
        prefix = (head, str(me.key.start_mark.column),
                  svc_style if me.service else top_style, "service" if me.service else "top")
        if not me.deps:
            out.append((*prefix, own[u]) if me.closed else None)
            continue
        todo = [u]
        closure = {u}
        closed = True
        while todo:
            x = units[todo.pop()]
            if not x.closed:
                closed = False
                break
            for d in x.deps:
                if d not in closure:
                    closure.add(d)
                    todo.append(d)
        closure.discard(u)
        out.append((*prefix, own[u], *(own[i] for i in sorted(closure))) if closed else None)
    return out


def find_duplicates(root: Node) -> list[tuple[Node, Node]]:
    """Keys written twice in one mapping (merge-supplied keys are not duplicates)."""
    return walk(root).duplicates


class ExpansionBudgetExceeded(ValueError):
    pass


def to_python(node: Node | None, text: str, budget: int = MAX_EXPANDED_NODES) -> Any:
    """Plain Python data (merges applied, aliases expanded within a budget). Timestamps
    are plain strings here (the schema sees text)."""
    if node is None:
        return None
    return convert(node, text, budget, budget)[0]


def convert(node: Node, text: str, remaining: int,
            budget: int = MAX_EXPANDED_NODES) -> tuple[Any, int]:
    """(:func:`to_python` of ``node``, the number of nodes converted — aliases counted
    each time they are expanded). Raises :class:`ExpansionBudgetExceeded` (naming
    ``budget``, the whole document's) after ``remaining`` nodes."""
    c = _Converter(text, remaining, budget)
    value = c.conv(node)
    return value, remaining - c.left


class _Converter:
    __slots__ = ("active", "budget", "left", "text")

    def __init__(self, text: str, left: int, budget: int) -> None:
        self.text = text
        self.left = left
        self.budget = budget
        self.active: set[int] = set()  # collections being converted (a cycle check)

    def conv(self, n: Any) -> Any:
        self.left -= 1
        if self.left < 0:
            raise ExpansionBudgetExceeded(
                f"the document expands to more than {self.budget:,} nodes (an alias bomb?)")
        cls = n.__class__
        if cls is ScalarNode:
            v = n.value
            if n.tag == IMPLICIT:
                if n.style:
                    return v
                r = _NUMBERS.get(v, _MISSING)
                if r is _MISSING:
                    r = resolve_plain(v)
            else:
                r = scalar_value(n, self.text)
            return str(r) if r.__class__ is Timestamp else r
        if cls is not SequenceNode and cls is not MappingNode:
            return None
        if id(n) in self.active:
            raise ExpansionBudgetExceeded(
                "an alias refers to a node that contains it: the document is infinitely deep")
        self.active.add(id(n))
        try:
            if cls is SequenceNode:
                return [self.conv(x) for x in n.value]
            out: dict[Any, Any] = {}
            for k, v in mapping_items(n):
                key = self.conv(k)
                if isinstance(key, (list, dict)):
                    key = str(key)
                if key not in out:
                    out[key] = self.conv(v)
            return out
        finally:
            self.active.discard(id(n))
