"""Project-level view of a Compose project for reference rules (DC002, DC003, DC010).

Compose resolves `extends` per file (a base named without `file:` is looked up in the
same file, a `file:` is read relative to the extending file), then merges the file list
in order. This module mirrors that as *layers*: each definition of a service is its
extends chain (base first) plus itself, and a project service is the definitions of all
files concatenated. References (services, volumes, networks, secrets, configs, models)
are read from each layer with their nodes, so a rule can report them in the file that
holds their text; attributes tagged `!reset` / `!override` drop what earlier layers set.

The dependency graph has Compose's implicit edges: `links`, `network_mode` / `ipc` /
`pid` / `uts` `service:x` and `volumes_from` (not `container:`), besides `depends_on`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dockwise.compose import interpolation
from dockwise.compose.incremental import MISSING
from dockwise.compose.project import BASE_NAMES, ComposeFile, Project
from dockwise.compose.service import Service, text_of, volumes
from dockwise.compose.yaml_model import (
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    get,
    get_key,
    key_nodes,
    load,
    mapping_items,
    values,
)
from dockwise.compose.yaml_model import index as yaml_index

Reader = Callable[[Path], "str | None"]
_NO_KEY = ScalarNode("tag:yaml.org,2002:str", "")  # the key of a service read by its node
MAX_EXTENDS_DEPTH = 64

# attribute -> reference kind; scalar attributes (last layer wins) vs list attributes (union)
NAMESPACE_ATTRS = ("network_mode", "ipc", "pid", "uts", "cgroup")
EDGE_KINDS = frozenset({"depends_on", "links", "volumes_from", "network_mode", "ipc", "pid", "uts"})
SERVICE_KINDS = frozenset({*EDGE_KINDS, "cgroup", "additional_contexts"})


@dataclass(frozen=True, slots=True)
class Ref:
    """A name one service uses: `kind` is the attribute it comes from."""

    kind: str  # depends_on, links, volumes_from, network_mode, …, volume, network, secret, …
    name: str
    node: Node  # the node holding the name (list item, key or scalar)
    file: ComposeFile
    required: bool = True  # depends_on `required: false`
    short_volume: bool = False  # a short-syntax `name:/target` volume
    source_span: tuple[int, int] | None = None  # the name inside `node`, when exact

    @property
    def target(self) -> str:
        """What the name points to: `service` or the top-level section's singular."""
        return "service" if self.kind in SERVICE_KINDS else self.kind


@dataclass(frozen=True, slots=True)
class PlainRef:
    """A :class:`Ref` without its node and file, as kept between lints (see
    :meth:`ProjectModel.plain_refs`); ``index``: its place among the service's
    effective references."""

    kind: str
    name: str
    required: bool
    service: str
    index: int

    @property
    def target(self) -> str:
        return "service" if self.kind in SERVICE_KINDS else self.kind


@dataclass(slots=True)
class Layer:
    file: ComposeFile
    node: Node  # a service mapping


@dataclass(slots=True)
class ExtendsProblem:
    file: ComposeFile
    node: Node  # the node naming the base service (or the `extends` value)
    message: str
    kind: str  # "undefined" | "cycle" | "unreadable"


@dataclass(slots=True)
class Definition:
    """One file's definition of a service, with its `extends` chain resolved."""

    name: str
    file: ComposeFile
    key: ScalarNode
    node: Node
    layers: list[Layer]  # base first, this definition last
    complete: bool = True  # False when a base could not be read or found
    extends_key: Node | None = None


@dataclass(slots=True)
class ProjectModel:
    files: list[ComposeFile]  # the project's files (not the Project: the model is kept in
    env: dict[str, str]  # the project's memo, and must not refer back to it)
    services: dict[str, list[Definition]] = field(default_factory=dict)
    declared: dict[str, set[str]] = field(default_factory=dict)
    extends_problems: list[ExtendsProblem] = field(default_factory=list)

    def is_project_file(self, f: ComposeFile) -> bool:
        return any(f is g for g in self.files)

    _refs: dict[int, dict[str, list[Ref]]] = field(default_factory=dict)

    def effective(self, layers: list[Layer]) -> list[Ref]:
        """:func:`effective_refs` with each layer's references computed once."""
        return effective_refs(layers, self.env, self._refs)

    def service_refs(self, name: str) -> list[Ref]:
        """Effective references of a project service (all definitions, merged)."""
        return self.effective([ly for d in self.services.get(name, []) for ly in d.layers])

    def edges(self) -> dict[str, list[Ref]]:
        """Dependency edges per service (Compose's implicit ones included)."""
        out: dict[str, list[Ref]] = {}
        for name in self.services:
            out[name] = [r for r in self.service_refs(name) if r.kind in EDGE_KINDS]
        return out

    facts: Any = None  # the lint's kept facts (dockwise.compose.incremental.Facts), if any

    def plain_refs(self, name: str) -> tuple[PlainRef, ...] | None:
        """The effective references of a service whose facts are kept between lints (one
        definition, in this file, without `extends`), without their nodes; None for any
        other service."""
        facts = self.facts
        if facts is None or not facts.has(name) or len(self.services.get(name, ())) != 1:
            return None
        got = facts.get(name, "refs")
        if got is MISSING:
            got = tuple(PlainRef(r.kind, r.name, r.required, name, i)
                        for i, r in enumerate(self.service_refs(name)))
            facts.put(name, "refs", got)
        return got  # type: ignore[no-any-return]

    def plain_edges(self) -> dict[str, list[Ref | PlainRef]]:
        """:meth:`edges`, with the kept references of services that have them (see
        :meth:`full`)."""
        out: dict[str, list[Ref | PlainRef]] = {}
        for name in self.services:
            plain = self.plain_refs(name)
            refs: Sequence[Ref | PlainRef] = (
                plain if plain is not None else self.service_refs(name))
            out[name] = [r for r in refs if r.kind in EDGE_KINDS]
        return out

    def full(self, r: Ref | PlainRef) -> Ref:
        """The reference with its node and file."""
        if isinstance(r, Ref):
            return r
        return self.service_refs(r.service)[r.index]


# mapping lookups: the per-node index of yaml_model (one index per node, shared)

index = yaml_index
fget = get


# ---------------------------------------------------------------------------------------
# building the model

def project_model(project: Project, read: Reader | None = None) -> ProjectModel:
    """The model of ``project``, built once per project (rules share it)."""
    m = project.memo.get("model")
    if m is None:
        m = project.memo["model"] = build_model(project, read)
    assert isinstance(m, ProjectModel)
    return m


def _default_read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def build_model(project: Project, read: Reader | None = None) -> ProjectModel:
    model = ProjectModel(list(project.files), project.env)
    model.facts = project.memo.get("facts")
    chains = _Chains(project, model, read or _default_read)
    for f in project.files:
        sec = get(f.root, "services")
        if not isinstance(sec, MappingNode):
            continue
        fid = str(f.path) if f.path is not None else f"<{id(f)}>"
        for k, v in mapping_items(sec):
            if not isinstance(k, ScalarNode):
                continue
            layers, ok = chains.chain(f, k.value, v, ((fid, k.value),))
            model.services.setdefault(k.value, []).append(
                Definition(k.value, f, k, v, layers, ok, get_key(v, "extends")))
    for section in ("volumes", "networks", "secrets", "configs", "models"):
        model.declared[section] = project.names(section)
    return model


class _Chains:
    """`extends` chains of the services of one project (files read once)."""

    def __init__(self, project: Project, model: ProjectModel, reader: Reader) -> None:
        self.model = model
        self.reader = reader
        self.loaded: dict[Path, ComposeFile | None] = {
            f.path.resolve(): f for f in project.files if f.path is not None}
        self.seen_problems: set[int] = set()

    def load_file(self, path: Path) -> ComposeFile | None:
        p = path.resolve()
        if p not in self.loaded:
            t = self.reader(p)
            if t is None:
                self.loaded[p] = None
            else:
                doc = load(t)
                self.loaded[p] = ComposeFile(p, t, doc) if doc.error is None else None
        return self.loaded[p]

    def problem(self, pr: ExtendsProblem) -> None:
        if id(pr.node) not in self.seen_problems:
            self.seen_problems.add(id(pr.node))
            self.model.extends_problems.append(pr)

    def chain(self, f: ComposeFile, name: str, node: Node,
              stack: tuple[tuple[str, str], ...]) -> tuple[list[Layer], bool]:
        own = Layer(f, node)
        ext = fget(node, "extends")
        if ext is None:
            return [own], True
        if len(stack) > MAX_EXTENDS_DEPTH:
            return [own], False
        base_name, name_node, file_node = _extends_target(ext, f.text)
        if base_name is None or name_node is None:
            return [own], False
        target = f
        if file_node is not None:
            fname = text_of(file_node, f.text)
            if not fname or "$" in fname:
                return [own], False
            loaded_target = self.load_file(f.directory / fname)
            if loaded_target is None:
                self.problem(ExtendsProblem(f, file_node, f"cannot read `{fname}`", "unreadable"))
                return [own], False
            target = loaded_target
        base = _own_service(target, base_name)
        if base is None:
            where = "this file" if target is f else f"`{text_of(file_node, f.text)}`"
            self.problem(ExtendsProblem(
                f, name_node, f"service `{name}` extends `{base_name}`, which is not a service "
                f"of {where}", "undefined"))
            return [own], False
        ident = (str(target.path) if target.path is not None else f"<{id(target)}>", base_name)
        if ident in stack:
            cyc = [n for _, n in stack[stack.index(ident):]]
            cyc = [cyc[-1], *cyc[:-1]]
            path = " -> ".join([*cyc, cyc[0]])
            self.problem(ExtendsProblem(f, name_node, f"circular `extends`: {path}", "cycle"))
            return [own], False
        base_layers, ok = self.chain(target, base_name, base, (*stack, ident))
        return [*base_layers, own], ok


def _extends_target(ext: Node, text: str) -> tuple[str | None, Node | None, Node | None]:
    """(base service name, node naming it, `file` node) of an `extends` value."""
    if isinstance(ext, ScalarNode):
        return text_of(ext, text), ext, None
    if isinstance(ext, MappingNode):
        sn = get(ext, "service")
        return text_of(sn, text), sn, get(ext, "file")
    return None, None, None


def _own_service(f: ComposeFile, name: str) -> Node | None:
    return get(get(f.root, "services"), name)


# ---------------------------------------------------------------------------------------
# references


def _resolve_name(raw: str | None, env: dict[str, str]) -> str | None:
    """A name with interpolation applied from the project `.env`; None when it depends on
    a variable that is not known (or is malformed)."""
    if raw is None:
        return None
    if "$" not in raw:
        return raw
    parsed = interpolation.parse(raw)
    if parsed.problems:
        return None
    sub = interpolation.substitute(raw, env, parsed)
    if sub.missing or sub.required_errors:
        return None
    return sub.value


def _names(node: Node | None, text: str, key: str | None = "source") -> list[tuple[str, Node]]:
    """Names in a short list (`[a, b]`), long list (`[{source: a}]`) or mapping (`{a: …}`)."""
    out: list[tuple[str, Node]] = []
    if isinstance(node, SequenceNode):
        for item in node.value:
            if isinstance(item, ScalarNode):
                s = text_of(item, text)
                if s:
                    out.append((s, item))
            elif isinstance(item, MappingNode) and key is not None:
                src = get(item, key)
                s = text_of(src, text)
                if s and src is not None:
                    out.append((s, src))
    elif isinstance(node, MappingNode):
        for k, _ in mapping_items(node):
            if isinstance(k, ScalarNode) and k.value:
                out.append((k.value, k))
    return out


def _service_prefixed(value: str | None) -> str | None:
    if value and value.startswith("service:"):
        return value[len("service:"):]
    return None


def layer_refs(layer: Layer, env: dict[str, str]) -> dict[str, list[Ref]]:
    """References of one service layer, per attribute (`build.secrets` etc. dotted)."""
    f, node, text = layer.file, layer.node, layer.file.text
    out: dict[str, list[Ref]] = {}
    attrs = values(node)

    def add(attr: str, kind: str, raw: str | None, n: Node, required: bool = True,
            short_volume: bool = False, source_span: tuple[int, int] | None = None) -> None:
        name = _resolve_name(raw, env)
        if name:
            out.setdefault(attr, []).append(
                Ref(kind, name, n, f, required, short_volume, source_span))

    dep = attrs.get("depends_on")
    if isinstance(dep, SequenceNode):
        for item in dep.value:
            add("depends_on", "depends_on", text_of(item, text), item)
    elif isinstance(dep, MappingNode):
        for k, v in mapping_items(dep):
            if isinstance(k, ScalarNode):
                req = get(v, "required")
                required = not (isinstance(req, ScalarNode) and text_of(req, text) == "false")
                add("depends_on", "depends_on", k.value, k, required=required)
    for item in _seq(attrs.get("links")) if "links" in attrs else ():
        s = text_of(item, text)
        if s:
            add("links", "links", s.split(":", 1)[0], item)
    for item in _seq(attrs.get("volumes_from")) if "volumes_from" in attrs else ():
        s = text_of(item, text)
        if s and not s.startswith("container:"):
            name = s[len("service:"):] if s.startswith("service:") else s
            add("volumes_from", "volumes_from", name.split(":", 1)[0], item)
    for attr in NAMESPACE_ATTRS:
        if attr not in attrs:
            continue
        val = attrs.get(attr)
        target = _service_prefixed(text_of(val, text))
        if target is not None and val is not None:
            add(attr, attr, target, val)
    build = attrs.get("build")
    if isinstance(build, MappingNode):
        ac = get(build, "additional_contexts")
        if isinstance(ac, MappingNode):
            for _, v in mapping_items(ac):
                target = _service_prefixed(text_of(v, text))
                if target is not None:
                    add("build.additional_contexts", "additional_contexts", target, v)
        elif isinstance(ac, SequenceNode):
            for item in ac.value:
                s = text_of(item, text) or ""
                target = _service_prefixed(s.partition("=")[2])
                if target is not None:
                    add("build.additional_contexts", "additional_contexts", target, item)
        for name, n in _names(get(build, "secrets"), text):
            add("build.secrets", "build secret", name, n)
    # named volumes
    mounts = volumes(Service("", _NO_KEY, node)) if "volumes" in attrs else []
    for m in mounts:
        if m.type != "volume" or not m.source or m.source.startswith("\\"):
            continue  # (a Windows named pipe `\\.\pipe\x` is a bind)
        if not m.short and get(m.node, "type") is None:
            continue  # long syntax without `type`: a schema error (DC001)
        span = None
        if m.short and isinstance(m.node, ScalarNode):
            span = _exact_prefix(m.node, m.source, text)
        where = m.node if m.short else (get(m.node, "source") or m.node)
        add("volumes", "volume", m.source, where, short_volume=m.short, source_span=span)
    if "networks" in attrs:
        for name, n in _names(attrs["networks"], text, key=None):
            if name != "default":
                add("networks", "network", name, n)
    if "secrets" in attrs:
        for name, n in _names(attrs["secrets"], text):
            add("secrets", "secret", name, n)
    if "configs" in attrs:
        for name, n in _names(attrs["configs"], text):
            add("configs", "config", name, n)
    if "models" in attrs:
        for name, n in _names(attrs["models"], text, key=None):
            add("models", "model", name, n)
    return out


def _seq(node: Node | None) -> list[Node]:
    return list(node.value) if isinstance(node, SequenceNode) else []


def _exact_prefix(node: ScalarNode, prefix: str, text: str) -> tuple[int, int] | None:
    """The file offsets of ``prefix`` at the start of a plain or single-line quoted scalar,
    when the file text there is exactly the value's text."""
    start = node.start_mark.index + (1 if node.style in ("'", '"') else 0)
    if text[start:start + len(prefix)] == prefix and node.start_mark.line == node.end_mark.line:
        return start, start + len(prefix)
    return None


def _attr_node(node: Node, attr: str) -> Node | None:
    cur: Node | None = node
    for part in attr.split("."):
        cur = fget(cur, part)
    return cur


def effective_refs(layers: list[Layer], env: dict[str, str],
                   cache: dict[int, dict[str, list[Ref]]] | None = None) -> list[Ref]:
    """References surviving the merge of ``layers`` (base first): list attributes are
    unions, namespace attributes are replaced by later layers, `!reset` drops what came
    before (and contributes nothing), `!override` replaces it."""
    acc: dict[str, list[Ref]] = {}
    for layer in layers:
        if cache is None:
            refs = layer_refs(layer, env)
        else:
            got = cache.get(id(layer.node))
            if got is None:
                got = cache[id(layer.node)] = layer_refs(layer, env)
            refs = got
        if not refs and not acc:
            continue
        for attr in {*refs, *acc}:
            n = _attr_node(layer.node, attr)
            if n is None:
                continue
            tag = n.tag
            if tag == "!reset":
                acc.pop(attr, None)
                continue
            if tag == "!override" or attr in NAMESPACE_ATTRS:
                acc[attr] = list(refs.get(attr, []))
            else:
                acc.setdefault(attr, []).extend(refs.get(attr, []))
    return [r for attr in sorted(acc) for r in acc[attr]]


# ---------------------------------------------------------------------------------------
# cycles


@dataclass(frozen=True, slots=True)
class Cycle:
    services: tuple[str, ...]  # a -> b -> … (the first one is not repeated)
    edges: tuple[Ref | PlainRef, ...]  # edges[i] goes from services[i] to services[i + 1]

    def describe(self) -> str:
        return " -> ".join((*self.services, self.services[0]))


def find_cycles(edges: Mapping[str, Sequence[Ref | PlainRef]]) -> list[Cycle]:
    """One cycle per strongly connected component that has one (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    sccs: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on_stack.add(v)
            succ = [r.name for r in edges.get(v, []) if r.name in edges]
            if i < len(succ):
                work.append((v, i + 1))
                w = succ[i]
                if w not in index:
                    work.append((w, 0))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                sccs.append(comp)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
    cycles: list[Cycle] = []
    for comp in sccs:
        members = set(comp)
        start = min(comp)
        if len(comp) == 1 and not any(r.name == start for r in edges.get(start, [])):
            continue
        cycles.append(_cycle_in(start, members, edges))
    cycles.sort(key=lambda c: c.services)
    return cycles


def _cycle_in(start: str, members: set[str],
              edges: Mapping[str, Sequence[Ref | PlainRef]]) -> Cycle:
    """A shortest cycle through ``start`` inside one component (breadth-first)."""
    prev: dict[str, tuple[str, Ref | PlainRef]] = {}
    queue = [start]
    seen = {start}
    while queue:
        nxt: list[str] = []
        for v in queue:
            for r in edges.get(v, []):
                if r.name == start:
                    path = [r]
                    cur = v
                    while cur != start:
                        p, e = prev[cur]
                        path.append(e)
                        cur = p
                    path.reverse()
                    names = tuple([start] + [e.name for e in path[:-1]])
                    return Cycle(names, tuple(path))
                if r.name in members and r.name not in seen:
                    seen.add(r.name)
                    prev[r.name] = (v, r)
                    nxt.append(r.name)
        queue = nxt
    return Cycle((start,), ())  # unreachable for a real component


# ---------------------------------------------------------------------------------------
# how much of the project is known

_OVERRIDE_NAME = re.compile(r"\.override\.ya?ml$", re.I)


def is_fragment(project: Project, f: ComposeFile) -> bool:
    """A file meant to be merged with others that is checked on its own: not in the
    project's file list, and an override (`*.override.yaml`), a file without `services:`,
    or a file near a base Compose file — in its directory or up to two above, within the
    repository (used with `-f base -f this`, or as an `extends` source)."""
    if project.in_file_list:
        return False
    if not isinstance(get(f.root, "services"), MappingNode):
        return True
    if f.path is None:
        return False
    if _OVERRIDE_NAME.search(f.path.name):
        return True
    return nearby_base(f.path) is not None


def nearby_base(path: Path) -> Path | None:
    """The closest base Compose file (`compose.yaml`, …) other than ``path`` itself, in its
    directory or up to two above, within the repository."""
    me = path.resolve()
    d = me.parent
    for _ in range(3):
        for name in BASE_NAMES:
            base = d / name
            if base.is_file() and base.resolve() != me:
                return base.resolve()
        if (d / ".git").exists() or d.parent == d:
            break
        d = d.parent
    return None


def base_project(project: Project, f: ComposeFile, read: Reader | None = None) -> Project | None:
    """For a fragment near a base Compose file: that base's resolved project, whose names
    the fragment may use (None when there is no such base or it cannot be read)."""
    if not is_fragment(project, f) or f.path is None:
        return None
    base = nearby_base(f.path)
    if base is None:
        return None
    text = (read or _default_read)(base)
    if text is None:
        return None
    from dockwise.compose.project import resolve_project

    bp = resolve_project(base, text)
    return bp if bp.resolved else None


SECTIONS = ("services", "volumes", "networks", "secrets", "configs", "models")
MAX_SIBLINGS = 50


def fragment_names(project: Project, f: ComposeFile,
                   read: Reader | None = None) -> dict[str, set[str]] | None:
    """Names a fragment near a base Compose file may use besides its own: those of the
    base's project and of the other Compose files in the fragment's directory (fragments
    of one directory are used together). None when there is no base to merge with."""
    base = base_project(project, f, read)
    if base is None or f.path is None:
        return None
    out = {sec: base.names(sec) for sec in SECTIONS}
    for p, t in _sibling_texts(f.path, read):
        for sec, names in _top_names(str(p), t).items():
            out[sec] |= names
    return out


_NAMES_CACHE: dict[tuple[str, int], dict[str, set[str]]] = {}


def _sibling_texts(path: Path, read: Reader | None) -> list[tuple[Path, str]]:
    """The other YAML files in ``path``'s directory (at most MAX_SIBLINGS), with their text."""
    reader = read or _default_read
    me = path.resolve()
    try:
        siblings = sorted(p for p in me.parent.iterdir()
                          if p.suffix in (".yml", ".yaml") and p.resolve() != me)
    except OSError:
        return []
    out = []
    for p in siblings[:MAX_SIBLINGS]:
        t = reader(p)
        if t is not None:
            out.append((p, t))
    return out


def _top_names(path: str, text: str) -> dict[str, set[str]]:
    """Top-level names per section of a file's text (cached by path and content)."""
    key = (path, hash(text))
    hit = _NAMES_CACHE.get(key)
    if hit is not None:
        return hit
    doc = load(text)
    out: dict[str, set[str]] = {}
    for sec in SECTIONS:
        node = get(doc.root, sec)
        if isinstance(node, MappingNode):
            out[sec] = {k.value for k, _ in mapping_items(node) if isinstance(k, ScalarNode)}
    if len(_NAMES_CACHE) > 2000:
        _NAMES_CACHE.clear()
    _NAMES_CACHE[key] = out
    return out


def fully_known(project: Project, f: ComposeFile) -> bool:
    """Whether every file that can define a name for ``f`` is known (so a name that is not
    defined anywhere is provably undefined)."""
    return project.resolved and not is_fragment(project, f)


# ---------------------------------------------------------------------------------------
# merged attributes


@dataclass(frozen=True, slots=True)
class Attr:
    """The layer that last sets a (dotted) service attribute, with its key and value."""

    file: ComposeFile
    key: Node
    value: Node


_PATHS: dict[str, tuple[tuple[str, ...], str]] = {}  # dotted path -> (parents, last key)


def attr_in_layers(layers: list[Layer], path: str) -> Attr | None:
    """The effective setting of ``path`` (`build.dockerfile`) over ``layers``: the last layer
    that sets it, or None (also when a later layer `!reset`s it)."""
    split = _PATHS.get(path)
    if split is None:
        *parents, last = path.split(".")
        split = _PATHS[path] = (tuple(parents), last)
    parents_, last_ = split
    found: Attr | None = None
    for layer in layers:
        parent: Node | None = layer.node
        reset = False
        for part in parents_:
            parent = get(parent, part)
            if parent is not None and parent.tag == "!reset":
                reset = True
        if reset:
            found = None
            continue
        value = get(parent, last_)
        if value is None:
            continue
        found = None if value.tag == "!reset" else Attr(layer.file, key_nodes(parent)[last_], value)
    return found


def sibling_completes(f: ComposeFile, service: str, keys: tuple[str, ...],
                      read: Reader | None = None) -> bool:
    """Whether another Compose file in ``f``'s directory defines ``service`` with one of
    ``keys`` (a base file completed with `-f base -f compose.prod.yaml`)."""
    if f.path is None:
        return False
    for p, t in _sibling_texts(f.path, read):
        if service not in _top_names(str(p), t).get("services", set()):
            continue
        node = get(get(load(t).root, "services"), service)
        if any(get(node, k) is not None for k in keys):
            return True
    return False
