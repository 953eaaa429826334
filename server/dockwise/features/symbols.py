"""Document symbols: Dockerfile stages with their instructions; Compose services,
volumes, networks, secrets, configs (and the other top-level keys)."""

from __future__ import annotations

from dataclasses import dataclass, field

from dockwise.compose.yaml_model import MappingNode, ScalarNode, YamlDocument, load, span_of
from dockwise.dockerfile.analysis import Analysis, analyse
from dockwise.dockerfile.model import Instruction
from dockwise.dockerfile.scanner import scan
from dockwise.text import Span


@dataclass(slots=True)
class Symbol:
    name: str
    kind: str  # an LSP SymbolKind member name
    span: Span  # the whole definition
    selection: Span  # the name
    detail: str | None = None
    children: list[Symbol] = field(default_factory=list)


_INSTR_KIND = {"ARG": "Variable", "ENV": "Variable", "LABEL": "Property", "EXPOSE": "Number",
               "USER": "Key", "WORKDIR": "Key", "CMD": "Event", "ENTRYPOINT": "Event",
               "HEALTHCHECK": "Event"}


def _short(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _instr_symbol(ins: Instruction) -> Symbol:
    return Symbol(ins.keyword, _INSTR_KIND.get(ins.keyword, "Function"), ins.span,
                  ins.keyword_span, _short(ins.rest) or None)


def dockerfile_symbols(text: str, analysis: Analysis | None = None) -> list[Symbol]:
    an = analysis if analysis is not None else analyse(scan(text))
    out: list[Symbol] = []
    for ins in an.dockerfile.instructions:
        if ins.keyword == "FROM":
            break
        out.append(_instr_symbol(ins))
    for st in an.stages:
        children = [_instr_symbol(i) for i in st.instructions]
        end = max([st.from_.span.end, *(i.span.end for i in st.instructions)])
        base = st.base.raw if st.base is not None else ""
        name = st.raw_name if st.raw_name is not None else f"stage {st.index}"
        sel = st.name_span if st.name_span is not None else st.from_.keyword_span
        out.append(Symbol(name, "Class", Span(st.from_.span.start, end), sel,
                          f"FROM {base}" if base else None, children))
    return out


_SECTION_KIND = {"services": ("Module", "Class"), "volumes": ("Module", "Object"),
                 "networks": ("Module", "Interface"), "secrets": ("Module", "Key"),
                 "configs": ("Module", "File"), "models": ("Module", "Object")}


def _service_detail(v: object) -> str | None:
    if not isinstance(v, MappingNode):
        return None
    for k, val in v.value:
        if isinstance(k, ScalarNode) and k.value == "image" and isinstance(val, ScalarNode):
            return str(val.value)
    for k, _ in v.value:
        if isinstance(k, ScalarNode) and k.value == "build":
            return "build"
    return None


def compose_symbols(text: str, doc: YamlDocument | None = None) -> list[Symbol]:
    doc = doc if doc is not None else load(text)
    root = doc.root
    if not isinstance(root, MappingNode):
        return []
    out: list[Symbol] = []
    for k, v in root.value:
        if not isinstance(k, ScalarNode):
            continue
        whole = Span(k.start_mark.index, max(k.end_mark.index, v.end_mark.index))
        kinds = _SECTION_KIND.get(k.value)
        if kinds is None:
            if k.value.startswith("x-") or k.value in ("name", "include", "version"):
                out.append(Symbol(k.value, "Property", whole, span_of(k)))
            continue
        children: list[Symbol] = []
        if isinstance(v, MappingNode):
            for ck, cv in v.value:
                if isinstance(ck, ScalarNode):
                    detail = _service_detail(cv) if k.value == "services" else None
                    children.append(Symbol(ck.value, kinds[1],
                                           Span(ck.start_mark.index, max(ck.end_mark.index, cv.end_mark.index)),
                                           span_of(ck), detail))
        out.append(Symbol(k.value, kinds[0], whole, span_of(k), None, children))
    return out


def symbols(kind: str, text: str) -> list[Symbol]:
    if kind == "dockerfile":
        return dockerfile_symbols(text)
    if kind == "compose":
        return compose_symbols(text)
    return []
