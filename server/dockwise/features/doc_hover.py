"""Hover docs: Dockerfile instructions, flags and `--mount` options under the cursor;
Compose keys from our schema's descriptions at the cursor's path. (Image size tables are
:mod:`dockwise.features.image_hover`.)"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dockwise.compose.yaml_model import YamlDocument, load
from dockwise.dockerfile.analysis import Analysis, analyse, mount_options
from dockwise.dockerfile.model import Instruction
from dockwise.dockerfile.scanner import scan
from dockwise.features import dockerfile_docs as docs
from dockwise.features.compose_path import context_at, description, schema_at, types_of
from dockwise.text import Span


@dataclass(frozen=True, slots=True)
class HoverDoc:
    markdown: str
    span: Span

    @property
    def plain(self) -> str:
        """The text for clients without markdown."""
        return to_plain(self.markdown)


def to_plain(md: str) -> str:
    s = re.sub(r"```[a-z]*\n", "", md).replace("```", "")
    s = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r"\1 (\2)", s)
    return s.replace("**", "").replace("`", "")


def _instruction_at(an: Analysis, offset: int) -> Instruction | None:
    for ins in an.dockerfile.instructions:
        if ins.span.start <= offset <= ins.span.end:
            return ins
        if ins.span.start > offset:
            break
    return None


def _in(span: Span | None, offset: int) -> bool:
    return span is not None and span.start <= offset <= span.end


def dockerfile_doc_hover(text: str, offset: int, analysis: Analysis | None = None) -> HoverDoc | None:
    an = analysis if analysis is not None else analyse(scan(text))
    ins = _instruction_at(an, offset)
    if ins is None:
        return None
    if _in(ins.keyword_span, offset):
        md = docs.instruction_markdown(ins.keyword)
        return HoverDoc(md, ins.keyword_span) if md else None
    sub = ins.sub
    if sub is not None and _in(sub.keyword_span, offset):
        md = docs.instruction_markdown(sub.keyword)
        return HoverDoc(md, sub.keyword_span) if md else None
    target = sub if sub is not None else ins
    for f in target.flags:
        if _in(f.name_span, offset):
            md = docs.flag_markdown(target.keyword, f.name)
            return HoverDoc(md, f.name_span) if md else None
        if f.name == "mount" and f.value and f.value_span is not None and _in(f.value_span, offset):
            raw = text[f.value_span.start:f.value_span.end]
            if raw != f.value:
                return None
            mtype = mount_options(f.value).get("type", "bind")
            pos = f.value_span.start
            for part in raw.split(","):
                span = Span(pos, pos + len(part))
                if _in(span, offset):
                    key, _, val = part.partition("=")
                    key = key.strip().lower()
                    if key == "type" and val in docs.MOUNT_TYPES:
                        return HoverDoc(f"**`type={val}`**\n\n{docs.MOUNT_TYPES[val]}", span)
                    d = docs.MOUNT_OPTIONS.get(mtype, {}).get(key)
                    if d:
                        return HoverDoc(f"**`{key}`** (`--mount=type={mtype}`)\n\n{d}", span)
                    return None
                pos += len(part) + 1
    return None


def compose_doc_hover(text: str, offset: int, doc: YamlDocument | None = None) -> HoverDoc | None:
    doc = doc if doc is not None else load(text)
    ctx = context_at(text, offset, doc)
    if ctx.role != "key":
        return None
    word = text[ctx.replace.start:ctx.replace.end].strip().strip("'\"")
    if not word:
        return None
    path = (*ctx.path, word)
    nodes = schema_at(path)
    desc = description(nodes)
    if not nodes or desc is None:
        return None
    types = set()
    for n in nodes:
        types |= types_of(n)
    kinds = " | ".join(sorted(types - {"null"}))
    where = ".".join(str(p) for p in path if isinstance(p, str))
    head = f"**`{word}`**" + (f" ({kinds})" if kinds else "")
    return HoverDoc(f"{head}\n\n{desc}\n\n`{where}`", ctx.replace)


def doc_hover(kind: str, text: str, offset: int) -> HoverDoc | None:
    if kind == "dockerfile":
        return dockerfile_doc_hover(text, offset)
    if kind == "compose":
        return compose_doc_hover(text, offset)
    return None
