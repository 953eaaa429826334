"""Folding ranges: Dockerfile stages, multi-line instructions, heredocs and comment
blocks; Compose (YAML) mappings and sequences spanning several lines — from the nodes when
the file parses, from indentation when it does not."""

from __future__ import annotations

from dataclasses import dataclass

from dockwise.compose.yaml_model import MappingNode, Node, SequenceNode, YamlDocument, load
from dockwise.dockerfile.analysis import Analysis, analyse
from dockwise.dockerfile.scanner import scan
from dockwise.text import LineIndex


@dataclass(frozen=True, slots=True)
class FoldingRange:
    start_line: int  # 0-based
    end_line: int  # 0-based, inclusive
    kind: str | None = None  # "comment" / "region" / None


def _comment_blocks(lines: list[int]) -> list[FoldingRange]:
    out: list[FoldingRange] = []
    start = prev = -2
    for ln in sorted(set(lines)):
        if ln != prev + 1:
            if prev > start >= 0:
                out.append(FoldingRange(start, prev, "comment"))
            start = ln
        prev = ln
    if prev > start >= 0:
        out.append(FoldingRange(start, prev, "comment"))
    return out


def dockerfile_folding(text: str, analysis: Analysis | None = None) -> list[FoldingRange]:
    an = analysis if analysis is not None else analyse(scan(text))
    df = an.dockerfile
    out: list[FoldingRange] = []
    for st in an.stages:
        end = max([st.from_.end_line, *(i.end_line for i in st.instructions)])
        if end > st.from_.start_line:
            out.append(FoldingRange(st.from_.start_line, end, "region"))
    for ins in df.instructions:
        if not ins.heredocs:
            if ins.end_line > ins.start_line:
                out.append(FoldingRange(ins.start_line, ins.end_line))
            continue
        first_marker = df.index.position(ins.heredocs[0].marker_span.start)[0]
        if first_marker > ins.start_line:
            out.append(FoldingRange(ins.start_line, first_marker))
        for h in ins.heredocs:
            marker_line = df.index.position(h.marker_span.start)[0]
            end_line = (df.index.position(h.terminator_span.start)[0]
                        if h.terminator_span is not None else ins.end_line)
            if end_line > marker_line:
                out.append(FoldingRange(marker_line, end_line))
    out += _comment_blocks([c.line for c in df.comments if not c.in_continuation])
    out.sort(key=lambda r: (r.start_line, -r.end_line))
    return _dedupe(out)


def _dedupe(ranges: list[FoldingRange]) -> list[FoldingRange]:
    seen: set[tuple[int, int]] = set()
    out = []
    for r in ranges:
        if (r.start_line, r.end_line) not in seen:
            seen.add((r.start_line, r.end_line))
            out.append(r)
    return out


def _content_end_line(node: Node, index: LineIndex) -> int:
    if isinstance(node, MappingNode) and node.value and not node.flow_style:
        return _content_end_line(node.value[-1][1], index)
    if isinstance(node, SequenceNode) and node.value and not node.flow_style:
        return _content_end_line(node.value[-1], index)
    end = node.end_mark.index
    line, col = index.position(end)
    if col == 0 and line > 0 and end > node.start_mark.index:
        line -= 1
    return line


def compose_folding(text: str, doc: YamlDocument | None = None) -> list[FoldingRange]:
    doc = doc if doc is not None else load(text)
    index = doc.index
    lines = text.splitlines()
    out: list[FoldingRange] = []
    comment_lines = [i for i, ln in enumerate(lines) if ln.lstrip().startswith("#")]
    if doc.root is None:
        out += _indent_folding(lines)
    else:
        stack: list[tuple[Node, int]] = [(doc.root, -1)]
        seen: set[int] = set()
        while stack:
            node, start_line = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node, MappingNode | SequenceNode):
                first = start_line if start_line >= 0 else node.start_mark.line
                last = _content_end_line(node, index)
                if start_line >= 0 and last > first:
                    out.append(FoldingRange(first, last))
                if isinstance(node, MappingNode):
                    for k, v in node.value:
                        stack.append((v, k.start_mark.line))
                else:
                    for item in node.value:
                        stack.append((item, item.start_mark.line))
    out += _comment_blocks(comment_lines)
    out.sort(key=lambda r: (r.start_line, -r.end_line))
    return _dedupe(out)


def _indent_folding(lines: list[str]) -> list[FoldingRange]:
    out: list[FoldingRange] = []
    stack: list[tuple[int, int]] = []  # (indent, line)
    last_content = -1
    for i, raw in enumerate(lines):
        s = raw.strip()
        if not s or s.startswith("#"):
            continue
        ind = len(raw) - len(raw.lstrip(" "))
        while stack and stack[-1][0] >= ind:
            _, start = stack.pop()
            if last_content > start:
                out.append(FoldingRange(start, last_content))
        stack.append((ind, i))
        last_content = i
    while stack:
        _, start = stack.pop()
        if last_content > start:
            out.append(FoldingRange(start, last_content))
    return out


def folding(kind: str, text: str) -> list[FoldingRange]:
    if kind == "dockerfile":
        return dockerfile_folding(text)
    if kind == "compose":
        return compose_folding(text)
    return []
