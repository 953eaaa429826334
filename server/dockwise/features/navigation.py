"""Go to definition, references and rename for Dockerfile stage names and Compose
services, named volumes, networks, secrets and configs; Compose `build` -> the Dockerfile
(and its target stage)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dockwise.compose.builds import Layer, build_from_layers, scalar_base, scalar_text, target_stage
from dockwise.compose.project import ComposeFile
from dockwise.compose.service import is_path_like
from dockwise.compose.yaml_model import (
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    YamlDocument,
    get,
    load,
    span_of,
)
from dockwise.dockerfile.analysis import Analysis, analyse, mount_options
from dockwise.dockerfile.scanner import scan
from dockwise.text import Span

ReadText = Callable[[Path], "str | None"]


@dataclass(frozen=True, slots=True)
class Occurrence:
    """A name written in the document. ``key`` identifies what it names
    (``stage#2``, ``service:web``, ``volume:data``, …)."""

    key: str
    name: str
    span: Span
    definition: bool


@dataclass(frozen=True, slots=True)
class Location:
    """``path`` None: the document itself; otherwise another file, whose ``text`` is given
    for converting ``span`` to positions."""

    span: Span
    path: Path | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class TextEdit:
    span: Span
    new_text: str


# ---------------------------------------------------------------------------------------
# Dockerfile

_MOUNT_FROM = re.compile(r"(?:^|,)from=([^,]*)", re.I)


def dockerfile_occurrences(text: str, analysis: Analysis | None = None) -> list[Occurrence]:
    an = analysis if analysis is not None else analyse(scan(text))
    out: list[Occurrence] = []
    for st in an.stages:
        if st.name is not None and st.name_span is not None:
            out.append(Occurrence(f"stage#{st.index}", st.name, st.name_span, True))
        if st.parent is not None and st.base is not None and not st.base.has_vars:
            out.append(Occurrence(f"stage#{st.parent}", st.base.raw.lower(), st.base.span, False))
        for ins in st.instructions:
            if ins.keyword in ("COPY", "ADD"):
                for f in ins.flags_named("from"):
                    if f.value and f.value_span is not None and not f.value.isdigit():
                        ref = an.resolve_stage_ref(f.value, st.index)
                        if ref is not None:
                            out.append(Occurrence(f"stage#{ref.index}", f.value.lower(),
                                                  f.value_span, False))
            elif ins.keyword == "RUN":
                for f in ins.flags_named("mount"):
                    if not f.value or f.value_span is None:
                        continue
                    name = mount_options(f.value).get("from")
                    if not name or name.isdigit():
                        continue
                    ref = an.resolve_stage_ref(name, st.index)
                    raw = text[f.value_span.start:f.value_span.end]
                    m = _MOUNT_FROM.search(raw)
                    if ref is not None and m and raw == f.value:
                        s = f.value_span.start + m.start(1)
                        out.append(Occurrence(f"stage#{ref.index}", name.lower(),
                                              Span(s, s + len(m.group(1))), False))
    return out


# ---------------------------------------------------------------------------------------
# Compose


def _sub(node: Node, text: str, lo: int, hi: int) -> Span | None:
    """Span of ``value[lo:hi]`` of a one-line scalar written verbatim."""
    if not isinstance(node, ScalarNode):
        return None
    base = scalar_base(node, text, node.value)
    if base is None:
        return None
    return Span(base + lo, base + hi)


def _whole(node: Node, text: str) -> Span | None:
    if not isinstance(node, ScalarNode):
        return None
    return _sub(node, text, 0, len(node.value))


def compose_occurrences(text: str, doc: YamlDocument | None = None) -> list[Occurrence]:
    doc = doc if doc is not None else load(text)
    root = doc.root
    out: list[Occurrence] = []
    if not isinstance(root, MappingNode):
        return out

    def add(kind: str, name: str | None, span: Span | None, definition: bool = False) -> None:
        if name and span is not None:
            out.append(Occurrence(f"{kind}:{name}", name, span, definition))

    def scalar_ref(kind: str, node: Node | None) -> None:
        if isinstance(node, ScalarNode):
            add(kind, node.value, _whole(node, text))

    def prefixed(kind: str, node: Node | None, prefix: str) -> None:
        if isinstance(node, ScalarNode) and node.value.startswith(prefix):
            name = node.value[len(prefix):]
            add(kind, name, _sub(node, text, len(prefix), len(node.value)))

    for section, kind in (("services", "service"), ("volumes", "volume"),
                          ("networks", "network"), ("secrets", "secret"), ("configs", "config")):
        sec = get(root, section)
        if isinstance(sec, MappingNode):
            for k, _ in sec.value:
                if isinstance(k, ScalarNode):
                    add(kind, k.value, span_of(k), True)
    services = get(root, "services")
    if not isinstance(services, MappingNode):
        return out
    for _, svc in services.value:
        if not isinstance(svc, MappingNode):
            continue
        dep = get(svc, "depends_on")
        if isinstance(dep, SequenceNode):
            for item in dep.value:
                scalar_ref("service", item)
        elif isinstance(dep, MappingNode):
            for k, _ in dep.value:
                scalar_ref("service", k)
        for key in ("links", "volumes_from"):
            seq = get(svc, key)
            if isinstance(seq, SequenceNode):
                for item in seq.value:
                    if isinstance(item, ScalarNode) and not item.value.startswith("container:"):
                        v = item.value
                        if v.startswith("service:"):
                            prefixed("service", item, "service:")
                            continue
                        name = v.split(":", 1)[0]
                        add("service", name, _sub(item, text, 0, len(name)))
        ext = get(svc, "extends")
        if isinstance(ext, ScalarNode):
            scalar_ref("service", ext)
        elif isinstance(ext, MappingNode) and get(ext, "file") is None:
            scalar_ref("service", get(ext, "service"))
        for key in ("network_mode", "pid", "ipc"):
            prefixed("service", get(svc, key), "service:")
        build = get(svc, "build")
        if isinstance(build, MappingNode):
            ctxs = get(build, "additional_contexts")
            if isinstance(ctxs, MappingNode):
                for _, v in ctxs.value:
                    prefixed("service", v, "service:")
            _secret_refs(get(build, "secrets"), "secret", scalar_ref)
        vols = get(svc, "volumes")
        if isinstance(vols, SequenceNode):
            for item in vols.value:
                if isinstance(item, ScalarNode):
                    src, sep, _ = item.value.partition(":")
                    if sep and src and not is_path_like(src):
                        add("volume", src, _sub(item, text, 0, len(src)))
                elif isinstance(item, MappingNode):
                    t = scalar_text(get(item, "type")) or "volume"
                    if t == "volume":
                        scalar_ref("volume", get(item, "source"))
        nets = get(svc, "networks")
        if isinstance(nets, SequenceNode):
            for item in nets.value:
                scalar_ref("network", item)
        elif isinstance(nets, MappingNode):
            for k, _ in nets.value:
                scalar_ref("network", k)
        _secret_refs(get(svc, "secrets"), "secret", scalar_ref)
        _secret_refs(get(svc, "configs"), "config", scalar_ref)
    return out


def _secret_refs(node: Node | None, kind: str, scalar_ref: Callable[[str, Node | None], None]) -> None:
    if isinstance(node, SequenceNode):
        for item in node.value:
            if isinstance(item, ScalarNode):
                scalar_ref(kind, item)
            elif isinstance(item, MappingNode):
                scalar_ref(kind, get(item, "source"))


# ---------------------------------------------------------------------------------------
# requests

_NAME_OK = {"stage": re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$"),
            "default": re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")}


def occurrences(kind: str, text: str) -> list[Occurrence]:
    if kind == "dockerfile":
        return dockerfile_occurrences(text)
    if kind == "compose":
        return compose_occurrences(text)
    return []


def occurrence_at(occs: list[Occurrence], offset: int) -> Occurrence | None:
    for o in occs:
        if o.span.start <= offset <= o.span.end:
            return o
    return None


def definition(kind: str, text: str, offset: int, *, path: Path | None = None,
               read: ReadText | None = None) -> list[Location]:
    """Where the name under the cursor is defined; in Compose, `build` (and its
    `context`/`dockerfile`/`target`) leads to the Dockerfile and its target stage."""
    occs = occurrences(kind, text)
    at = occurrence_at(occs, offset)
    if at is not None:
        return [Location(o.span) for o in occs if o.key == at.key and o.definition]
    if kind == "compose" and path is not None:
        return compose_build_definition(text, offset, path, read)
    return []


def references(kind: str, text: str, offset: int, include_declaration: bool = True) -> list[Location]:
    occs = occurrences(kind, text)
    at = occurrence_at(occs, offset)
    if at is None:
        return []
    return [Location(o.span) for o in occs
            if o.key == at.key and (include_declaration or not o.definition)]


def prepare_rename(kind: str, text: str, offset: int) -> Span | None:
    """The range of the renameable name under the cursor (None: nothing to rename)."""
    at = occurrence_at(occurrences(kind, text), offset)
    return at.span if at is not None else None


def rename(kind: str, text: str, offset: int, new_name: str) -> list[TextEdit] | None:
    """Edits renaming the name under the cursor everywhere in the document; None when
    there is nothing to rename or ``new_name`` is not a valid name."""
    occs = occurrences(kind, text)
    at = occurrence_at(occs, offset)
    if at is None:
        return None
    pattern = _NAME_OK["stage" if at.key.startswith("stage#") else "default"]
    if not pattern.match(new_name):
        return None
    return [TextEdit(o.span, new_name) for o in occs if o.key == at.key]


def _disk(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def compose_build_definition(text: str, offset: int, path: Path,
                             read: ReadText | None = None) -> list[Location]:
    """From a service's `build` entry to its Dockerfile (the target stage's name when
    `target` is set, else the file's start)."""
    doc = load(text)
    services = get(doc.root, "services")
    if not isinstance(services, MappingNode):
        return []
    for k, svc in services.value:
        if not isinstance(k, ScalarNode) or not isinstance(svc, MappingNode):
            continue
        for bk, bv in svc.value:
            if not (isinstance(bk, ScalarNode) and bk.value == "build"):
                continue
            if not (bk.start_mark.index <= offset <= max(bk.end_mark.index, bv.end_mark.index)):
                continue
            file = ComposeFile(path, text, doc)
            ref = build_from_layers(k.value, [Layer(file, k, svc, path.parent)], {})
            if ref is None or ref.dockerfile_path is None:
                return []
            df_path = ref.dockerfile_path
            df_text = (read or _disk)(df_path)
            if df_text is None:
                return []
            an = analyse(scan(df_text))
            if ref.target is not None:
                st = target_stage(an, ref.target)
                if st is not None:
                    span = st.name_span or st.from_.keyword_span
                    return [Location(span, df_path, df_text)]
            return [Location(Span(0, 0), df_path, df_text)]
    return []
