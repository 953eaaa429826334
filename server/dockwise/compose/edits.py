"""Text edits on Compose files that respect the file's own YAML style: indentation unit,
sequence indentation, comments kept (edits are inserted next to existing text, never
re-serialising what the user wrote). ruamel.yaml is the tool when a whole sub-tree must
be rewritten; these helpers cover inserting and replacing entries."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator

import yaml

from dockwise.compose.yaml_model import MappingNode, Node, ScalarNode, SequenceNode, YamlDocument
from dockwise.lint.types import Edit
from dockwise.text import Span

_PLAIN_SAFE = re.compile(r"^[A-Za-z0-9_./@-][A-Za-z0-9_./@:+=-]*$")


def merge_insertions(edits: list[Edit]) -> tuple[Edit, ...]:
    """Join insertions at the same offset of the same file (in list order) into one edit,
    so they apply in that order."""
    out: list[Edit] = []
    for e in edits:
        same = next((i for i, o in enumerate(out) if o.path == e.path and o.span == e.span
                     and e.span.start == e.span.end), None)
        if same is None:
            out.append(e)
        else:
            out[same] = Edit(e.span, out[same].new_text + e.new_text, e.path)
    return tuple(out)


def indent_unit(doc: YamlDocument) -> int:
    """The file's indentation step (the smallest positive child-parent column difference);
    computed once per document."""
    cached = doc.facts.get("indent_unit")
    if isinstance(cached, int):
        return cached
    unit = _indent_unit(doc)
    doc.facts["indent_unit"] = unit
    return unit


def _entries(doc: YamlDocument) -> Iterator[tuple[MappingNode, Node, Node]]:
    """(mapping, key, value) of every mapping of the document, each node once (aliases
    are not followed twice), the first 5,000 nodes only (an indentation sample)."""
    stack: list[Node] = [doc.root] if doc.root is not None else []
    seen: set[int] = set()
    while stack and len(seen) < 5000:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        if isinstance(n, MappingNode):
            for k, v in n.value:
                stack.append(v)
                yield n, k, v
        elif isinstance(n, SequenceNode):
            stack.extend(n.value)


def _indent_unit(doc: YamlDocument) -> int:
    best = 0
    for n, k, v in _entries(doc):
        if (not n.flow_style and isinstance(v, MappingNode) and not v.flow_style
                and v.value):
            d = v.value[0][0].start_mark.column - k.start_mark.column
            if d > 0 and (best == 0 or d < best):
                best = d
    return best or 2


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


_ALIAS_VALUE = re.compile(r"[ \t]*:[ \t]*\*[^ \t\r\n,\[\]{}]+")


def entry_end(doc: YamlDocument, key: Node, value: Node) -> int:
    """The end of the text of a `key: value` entry as written (`key: *x` ends after
    `*x`, not where the anchor's node ends)."""
    if value.start_mark.index < key.end_mark.index:  # an alias of a node written before
        m = _ALIAS_VALUE.match(doc.text, key.end_mark.index)
        return m.end() if m else key.end_mark.index
    return written_end(doc, value)


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
    at = line_end(doc.text, written_end(doc, mapping))
    return Edit(Span(at, at), render_block(relined, col))


def insert_key_after(doc: YamlDocument, key: Node, value: Node, lines: list[str]) -> Edit:
    """Insert entry ``lines`` right after an existing entry (same indentation as its key)."""
    unit = indent_unit(doc)
    at = line_end(doc.text, entry_end(doc, key, value))
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
    end = line_end(text, entry_end(doc, key, value))
    if end < len(text) and text[end] == "\r":
        end += 1
    if end < len(text) and text[end] == "\n":
        end += 1
    return Edit(Span(start, end), "")


# ---------------------------------------------------------------------------------------
# anchors, aliases and merge keys: which parts of the model an edit changes
#
# PyYAML composes an alias as the very node it refers to, so editing the text of a node
# reached through `*x` or `<<: *x` changes every place that reads the anchor `&x`. A fix
# computes the model paths (`("services", "web", "depends_on", "db", "condition")`) that
# read the node it edits and keeps the edit only when they are all paths it means to
# change; else it edits the service's own mapping (an own key overrides a merged one) or
# offers no fix and says why (:func:`shared_reason`).

PathKey = str | int
ModelPath = tuple[PathKey, ...]
MAX_PATHS = 256


class _Graph:
    """The document's nodes with the model edges that read them (merges applied, a key a
    mapping overrides is not read from its merge source; top-level `x-` entries are not
    part of the model), the mappings each mapping is merged into, anchor names, and the
    written text of every alias (by parent node and slot)."""

    __slots__ = ("aliases", "anchors", "merged_into", "parents", "root")

    def __init__(self, doc: YamlDocument) -> None:
        from dockwise.compose.yaml_model import values

        self.root = doc.root
        self.parents: dict[int, list[tuple[Node, PathKey]]] = {}
        self.merged_into: dict[int, list[MappingNode]] = {}
        self.anchors: dict[int, str] = {}
        self.aliases: dict[tuple[int, int], tuple[int, int]] = {}
        root = doc.root
        if root is None:
            return
        seen: set[int] = set()
        stack: list[Node] = [root]
        while stack:
            n = stack.pop()
            if id(n) in seen:
                continue
            seen.add(id(n))
            if isinstance(n, MappingNode):
                for name, v in values(n).items():
                    if not (n is root and name.startswith("x-")):
                        self.parents.setdefault(id(v), []).append((n, name))
                    stack.append(v)
                for k, v in n.value:
                    if _merge_key(k):
                        for src in (v.value if isinstance(v, SequenceNode) else [v]):
                            if isinstance(src, MappingNode):
                                self.merged_into.setdefault(id(src), []).append(n)
                                stack.append(src)
                    else:
                        stack.append(v)  # (a value a merge-supplied key hides)
            elif isinstance(n, SequenceNode):
                for i, v in enumerate(n.value):
                    self.parents.setdefault(id(v), []).append((n, i))
                    stack.append(v)
        if "*" in doc.text or "&" in doc.text:
            try:
                self._events(doc)
            except (StopIteration, ValueError, TypeError, AttributeError, yaml.YAMLError):
                self.aliases.clear()  # (not expected: the nodes came from the same text)

    def _events(self, doc: YamlDocument) -> None:
        """Walk the parser's events along the nodes: anchor names and alias spans."""
        loader = getattr(yaml, "CLoader", yaml.Loader)
        events = yaml.parse(doc.text, Loader=loader)
        ev = next(events)
        while not isinstance(ev, (yaml.NodeEvent, yaml.CollectionStartEvent)):
            ev = next(events)
        root = self.root
        assert root is not None

        def enter(node: Node, e: object) -> list[Node] | None:
            anchor = getattr(e, "anchor", None)
            if anchor:
                self.anchors[id(node)] = anchor
            if isinstance(node, MappingNode):
                if not isinstance(e, yaml.MappingStartEvent):
                    raise ValueError("events do not match the nodes")
                return [x for pair in node.value for x in pair]
            if isinstance(node, SequenceNode):
                if not isinstance(e, yaml.SequenceStartEvent):
                    raise ValueError("events do not match the nodes")
                return list(node.value)
            if not isinstance(e, yaml.ScalarEvent):
                raise ValueError("events do not match the nodes")
            return None

        frames: list[tuple[Node, list[Node], list[int]]] = []
        children = enter(root, ev)
        if children is not None:
            frames.append((root, children, [0]))
        while frames:
            parent, kids, pos = frames[-1]
            e = next(events)
            if pos[0] == len(kids):
                if not isinstance(e, yaml.CollectionEndEvent):
                    raise ValueError("events do not match the nodes")
                frames.pop()
                continue
            slot = pos[0]
            pos[0] += 1
            child = kids[slot]
            if isinstance(e, yaml.AliasEvent):
                a, b = e.start_mark, e.end_mark
                if a is None or b is None:
                    raise ValueError("an alias without a position")
                self.aliases[(id(parent), slot)] = (a.index, b.index)
                continue
            grand = enter(child, e)
            if grand is not None:
                frames.append((child, grand, [0]))

    def paths(self, node: Node, limit: int = MAX_PATHS) -> list[ModelPath] | None:
        """The model paths that read ``node`` (None when there are more than ``limit``)."""
        out: list[ModelPath] = []
        on_path: set[int] = set()

        def up(n: Node, suffix: ModelPath) -> bool:
            if n is self.root:
                out.append(suffix)
                return len(out) <= limit
            if id(n) in on_path:
                return True  # (an alias cycle)
            on_path.add(id(n))
            try:
                for p, key in self.parents.get(id(n), ()):
                    if not up(p, (key, *suffix)):
                        return False
            finally:
                on_path.discard(id(n))
            return True

        if not up(node, ()):
            return None
        return sorted(set(out), key=lambda p: [str(x) for x in p])

    def insert_paths(self, mapping: MappingNode, key: str,
                     limit: int = MAX_PATHS) -> list[ModelPath] | None:
        """The model paths whose value changes when entry ``key`` is added to
        ``mapping``: the mapping's own, and those of the mappings that merge it without
        supplying ``key`` themselves."""
        from dockwise.compose.yaml_model import get_key

        out: list[ModelPath] = []
        todo: list[MappingNode] = [mapping]
        seen: set[int] = set()
        while todo:
            m = todo.pop()
            if id(m) in seen:
                continue
            seen.add(id(m))
            got = self.paths(m, limit)
            if got is None:
                return None
            out.extend(got)
            for user in self.merged_into.get(id(m), ()):
                own = any(isinstance(k, ScalarNode) and k.value == key and not _merge_key(k)
                          for k, _ in user.value)
                if not own or get_key(user, key) is None:
                    todo.append(user)
            if len(out) > limit:
                return None
        return sorted(set(out), key=lambda p: [str(x) for x in p])

    def anchor_of(self, node: Node) -> str | None:
        """The name of the nearest anchor the node is read through (itself, or a node
        that holds or merges it)."""
        todo = [node]
        seen: set[int] = set()
        while todo:
            n = todo.pop(0)
            if id(n) in seen:
                continue
            seen.add(id(n))
            name = self.anchors.get(id(n))
            if name:
                return name
            todo.extend(p for p, _ in self.parents.get(id(n), ()))
            todo.extend(self.merged_into.get(id(n), ()))
            if len(seen) > 10_000:
                break
        return None


def _merge_key(k: Node) -> bool:
    from dockwise.compose.yaml_model import IMPLICIT, MERGE_TAG

    return isinstance(k, ScalarNode) and (
        (k.value == "<<" and k.tag == IMPLICIT and not k.style) or k.tag == MERGE_TAG)


def _graph(doc: YamlDocument) -> _Graph:
    g = doc.facts.get("edit_graph")
    if not isinstance(g, _Graph) or g.root is not doc.root:
        g = _Graph(doc)
        doc.facts["edit_graph"] = g
    return g


def model_paths(doc: YamlDocument, node: Node) -> list[ModelPath] | None:
    """The model paths at which Compose reads ``node`` — through aliases and merge keys;
    top-level `x-` entries do not count. Replacing the node's text changes the value at
    each of them. None when there are too many to list."""
    return _graph(doc).paths(node)


def insert_paths(doc: YamlDocument, mapping: MappingNode, key: str) -> list[ModelPath] | None:
    """The model paths that change when an entry ``key`` is added to ``mapping`` (the
    mapping's own, and those of mappings merging it that do not set ``key``)."""
    return _graph(doc).insert_paths(mapping, key)


def alias_span(doc: YamlDocument, parent: Node, slot: int) -> Span | None:
    """The text of the alias (`*x`) written as child ``slot`` of ``parent`` (a sequence
    index, or 2*i / 2*i+1 for the key / value of a mapping's i-th pair); None when that
    child is written there."""
    got = _graph(doc).aliases.get((id(parent), slot))
    return Span(*got) if got is not None else None


def show_path(path: ModelPath) -> str:
    """`services.web.volumes[0]` -> `web.volumes[0]`."""
    parts = list(path[1:] if path[:1] == ("services",) else path)
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return f"`{out}`"


def shared_reason(doc: YamlDocument, node: Node, others: list[ModelPath] | None,
                  subject: str = "the value") -> str:
    """Why a fix is not offered: ``subject`` comes from the anchored ``node``, also read at
    ``others`` (None: too many places)."""
    anchor = _graph(doc).anchor_of(node)
    where = f"the shared anchor `&{anchor}`" if anchor else "a shared anchor"
    if not others:
        return f"{subject} comes from {where}, used in too many places"
    shown = ", ".join(show_path(p) for p in others[:3])
    more = f" and {len(others) - 3} more" if len(others) > 3 else ""
    return f"{subject} comes from {where}, also used by {shown}{more}"


def own_alias(doc: YamlDocument, mapping: Node, key: str) -> Span | None:
    """The alias written as the value of ``key`` in ``mapping`` itself (`KEY: *v`)."""
    if not isinstance(mapping, MappingNode):
        return None
    for i, (k, _) in enumerate(mapping.value):
        if isinstance(k, ScalarNode) and k.value == key:
            return alias_span(doc, mapping, 2 * i + 1)
    return None


def written_end(doc: YamlDocument, node: Node) -> int:
    """:func:`content_end` of the text written here: when the last entry of a block
    collection is an alias (`<<: *x`, `- *x`), the end of that alias, not of its anchor
    written elsewhere."""
    graph = _graph(doc) if ("*" in doc.text) else None
    while True:
        if isinstance(node, MappingNode) and node.value and not node.flow_style:
            slot = 2 * len(node.value) - 1
            child = node.value[-1][1]
        elif isinstance(node, SequenceNode) and node.value and not node.flow_style:
            slot = len(node.value) - 1
            child = node.value[-1]
        else:
            return node.end_mark.index
        if graph is not None:
            got = graph.aliases.get((id(node), slot))
            if got is not None:
                return got[1]
        node = child


def value_span(doc: YamlDocument, node: Node) -> Span:
    """The node's text without the anchor (`&x`) or tag (`!!str`) written before it."""
    text = doc.text
    start, end = node.start_mark.index, max(node.start_mark.index, node.end_mark.index)
    while start < end and text[start] in "&!":
        m = re.compile(r"[&!][^ \t\r\n]*[ \t]*(?:#[^\n]*)?(?:\r?\n[ \t]*)?").match(text, start)
        if m is None or m.end() <= start:
            break
        start = m.end()
    return Span(min(start, end), end)


Wanted = Callable[[ModelPath], bool]


def set_value(doc: YamlDocument, mapping: Node, key: str, new_text: str,
              wanted: Wanted) -> tuple[Edit | None, str]:
    """An edit setting ``key`` of ``mapping`` to ``new_text`` (a scalar) that changes
    only model paths ``wanted`` accepts (a predicate on a path ending in ``key``), and
    (None, why) when there is none:

    - the value's own text (its anchor kept) when every path that reads it is wanted;
    - else, when every path that reads the mapping is wanted: the alias written as the
      mapping's own value (`key: *x` -> `key: new`), or, for a key supplied by a merge
      (`<<: *x`) or absent, an own entry (an own key overrides a merged one)."""
    from dockwise.compose.yaml_model import get

    if not isinstance(mapping, MappingNode):
        return None, "the value is not in a mapping"
    value = get(mapping, key)
    if isinstance(value, ScalarNode):
        paths = model_paths(doc, value)
        if paths and all(wanted(p) for p in paths):
            return Edit(value_span(doc, value), new_text), ""
    mine = insert_paths(doc, mapping, key)
    if not mine or not all(wanted((*p, key)) for p in mine):
        others = None if mine is None else [(*p, key) for p in mine if not wanted((*p, key))]
        return None, shared_reason(doc, mapping, others)
    for i, (k, v) in enumerate(mapping.value):
        if isinstance(k, ScalarNode) and k.value == key and not _merge_key(k):
            span = alias_span(doc, mapping, 2 * i + 1)
            if span is not None:
                return Edit(span, new_text), ""
            # written here with an anchor that other places read
            others = [p for p in (model_paths(doc, v) or []) if not wanted(p)]
            return None, shared_reason(doc, v, others or None)
    e = insert_entry(doc, mapping, [f"{key}: {new_text}"])
    if e is None:
        return None, "the mapping is written in flow style"
    return e, ""


def others_changed(doc: YamlDocument, mapping: MappingNode, key: str,
                   own: ModelPath) -> str | None:
    """None when adding ``key`` to ``mapping`` changes only the model path ``own`` (the
    mapping of one service, or a section of it); else why not: the mapping is an anchor
    that other places merge or alias without setting ``key`` themselves."""
    paths = insert_paths(doc, mapping, key)
    if paths == [own]:
        return None
    others = None if paths is None else [p for p in paths if p != own]
    return shared_reason(doc, mapping, others, show_path(own))


def set_item(doc: YamlDocument, seq: Node, index: int, new_text: str,
             wanted: Wanted) -> tuple[Edit | None, str]:
    """The sequence counterpart of :func:`set_value`: an edit setting item ``index`` of
    ``seq`` to ``new_text`` (a scalar) that changes only model paths ``wanted`` accepts,
    and (None, why) when there is none:

    - the item's own text (its anchor kept) when every path that reads it is wanted;
    - else, when the item is an alias written in ``seq`` (`- *x`) and every path that
      reads the sequence is wanted at ``index``: that alias."""
    if not isinstance(seq, SequenceNode) or not 0 <= index < len(seq.value):
        return None, "the value is not in a list"
    item = seq.value[index]
    paths = model_paths(doc, item)
    if paths and all(wanted(p) for p in paths):
        return Edit(value_span(doc, item), new_text), ""
    span = alias_span(doc, seq, index)
    if span is not None:
        mine = model_paths(doc, seq)
        if mine and all(wanted((*p, index)) for p in mine):
            return Edit(span, new_text), ""
        others = None if mine is None else [(*p, index) for p in mine
                                            if not wanted((*p, index))]
        return None, shared_reason(doc, seq, others)
    others = None if paths is None else [p for p in paths if not wanted(p)]
    return None, shared_reason(doc, item, others)


def sequence_indent(doc: YamlDocument) -> int:
    """The file's own sequence indentation — how far the dash of a block list's items is
    indented under its key (0 for `key:\\n- a`) — as most of its lists written in place
    have it (the first one in the text wins a tie); the file's unit when it has none.

    It measures the dash of the first item, so a list with an anchor on its key's line
    (`x-env: &env` / `  - A=1`, whose node starts at the `&`) or an alias of a list
    written elsewhere does not count."""
    cached = doc.facts.get("sequence_indent")
    if isinstance(cached, int):
        return cached
    text = doc.text
    counts: dict[int, int] = {}
    first: dict[int, int] = {}
    for _, k, v in _entries(doc):
        if (not isinstance(v, SequenceNode) or v.flow_style or not v.value
                or v.start_mark.index < k.end_mark.index):
            continue
        item = v.value[0]
        at = item.start_mark.index
        line_start = text.rfind("\n", 0, at) + 1
        m = re.fullmatch(r"( *)-[ \t]+", text[line_start:at])
        if m is None or item.start_mark.line == k.start_mark.line:
            continue
        d = len(m.group(1)) - k.start_mark.column
        if d < 0:
            continue
        counts[d] = counts.get(d, 0) + 1
        first[d] = min(first.get(d, at), at)
    if counts:
        best = max(counts, key=lambda d: (counts[d], -first[d]))
    else:
        best = indent_unit(doc)
    doc.facts["sequence_indent"] = best
    return best
