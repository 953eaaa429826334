"""Completion for Dockerfiles and Compose files, LSP-independent.

Items carry code-point ranges (:class:`dockwise.text.Span`) of the text they replace and
an LSP ``CompletionItemKind`` member name (``"Keyword"``, ``"Property"``, …). Multi-line
insert texts carry their absolute indentation: send them with ``insertTextMode: asIs``.
With ``snippets=False`` every item is plain text (placeholders replaced by their defaults).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from dockwise.compose import gpu
from dockwise.compose.edits import indent_unit, sequence_indent
from dockwise.compose.schema import node_at
from dockwise.compose.yaml_model import (
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    YamlDocument,
    load,
)
from dockwise.dockerfile.analysis import AUTO_GLOBAL_ARGS, Analysis, analyse, mount_options
from dockwise.dockerfile.model import Instruction
from dockwise.dockerfile.scanner import scan
from dockwise.features import dockerfile_docs as docs
from dockwise.features.compose_path import (
    PathPart,
    YamlContext,
    context_at,
    description,
    enum_values,
    expand,
    properties,
    schema_at,
    types_of,
)
from dockwise.images.catalogue import ImageFamily, catalogue
from dockwise.text import Span


@dataclass(frozen=True, slots=True)
class CompletionItem:
    label: str
    kind: str  # an LSP CompletionItemKind member name
    insert_text: str
    replace: Span  # code-point offsets of the text the item replaces
    snippet: bool = False  # insert_text uses LSP snippet syntax
    detail: str | None = None
    documentation: str | None = None  # markdown
    sort_text: str | None = None
    filter_text: str | None = None
    preselect: bool = False
    deprecated: bool = False


# ---------------------------------------------------------------------------------------
# snippets

_PLACEHOLDER = re.compile(r"\$\{\d+:((?:[^{}$\\]|\\.)*)\}")
_CHOICE = re.compile(r"\$\{\d+\|([^,|]*)(?:,[^|]*)?\|\}")
_TABSTOP = re.compile(r"\$\{?\d+\}?")


def snippet_to_plain(snippet: str) -> str:
    """`--chown=${1:app}:${2:app}` -> `--chown=app:app` (nested placeholders too)."""
    s = snippet
    for _ in range(8):
        new = _CHOICE.sub(lambda m: m.group(1), _PLACEHOLDER.sub(lambda m: m.group(1), s))
        if new == s:
            break
        s = new
    s = _TABSTOP.sub("", s)
    return re.sub(r"\\([$}\\])", r"\1", s)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("$", "\\$").replace("}", "\\}")


def _item(label: str, kind: str, snippet: str, span: Span, snippets: bool, **kw: Any) -> CompletionItem:
    if snippets and "$" in snippet:
        return CompletionItem(label, kind, snippet, span, snippet=True, **kw)
    return CompletionItem(label, kind, snippet_to_plain(snippet), span, **kw)


def _word_span(text: str, offset: int, prefix_len: int, chars: str = r"[A-Za-z0-9_.\-/]") -> Span:
    m = re.compile(chars + "*").match(text, offset)
    end = m.end() if m else offset
    return Span(offset - prefix_len, end)


# ---------------------------------------------------------------------------------------
# images (Dockerfile FROM and Compose `image:`)


def _families() -> list[ImageFamily]:
    return [f for f in catalogue().families.values() if f.prefix is None and "*" not in f.name]


def _family_detail(f: ImageFamily) -> str:
    parts: list[str] = [f.os_family] if f.os_family != "unknown" else []
    if f.pin_default:
        parts.append(f"current {f.pin_default}")
    if f.deprecated is not None:
        parts.append("deprecated")
    return ", ".join(parts) or "image"


def image_items(word: str, start: int, end: int) -> list[CompletionItem]:
    """Image names, or tags after `name:`, for the reference ``word`` at ``[start, end)``
    (``word`` is the part before the cursor)."""
    out: list[CompletionItem] = []
    if ":" in word and "@" not in word:
        name, _, _tag = word.rpartition(":")
        fam = catalogue().family(name)
        if fam is None:
            return []
        tstart = start + len(name) + 1
        span = Span(tstart, end)
        seen: list[str] = []
        tags = list(fam.current_tags)
        for i, t in enumerate(tags):
            seen.append(t)
            if i < 3:
                seen.extend(f"{t}-{v.name}" for v in fam.variants if "windows" not in v.name)
        for rank, t in enumerate(dict.fromkeys(seen)):
            variant = fam.variant(t)
            detail = f"{variant.os_family}, {variant.libc}" if variant.os_family != "unknown" else None
            out.append(CompletionItem(t, "Value", t, span, detail=detail,
                                      sort_text=f"{rank:04d}", preselect=t == fam.pin_default))
        return out
    span = Span(start, end)
    for f in sorted(_families(), key=lambda f: f.name):
        doc = None
        if f.deprecated is not None:
            succ = f.deprecated.successor
            doc = f"Deprecated: {f.deprecated.reason}" + (f" Use `{succ}`." if succ else "")
        out.append(CompletionItem(f.name, "Module", f.name, span, detail=_family_detail(f),
                                  documentation=doc, deprecated=f.deprecated is not None))
    return out


# ---------------------------------------------------------------------------------------
# Dockerfile

_VAR = re.compile(r"\$(\{)?([A-Za-z_][A-Za-z0-9_]*)?$")
_TOKEN = re.compile(r"\S*$")


def _instruction_at(an: Analysis, line: int) -> Instruction | None:
    for ins in an.dockerfile.instructions:
        if ins.start_line <= line <= ins.end_line:
            return ins
        if ins.start_line > line:
            break
    return None


def _stage_items(an: Analysis, before: int, span: Span) -> list[CompletionItem]:
    out = []
    for st in an.stages[:before]:
        base = st.base.raw if st.base is not None else ""
        if st.name is not None:
            out.append(CompletionItem(st.raw_name or st.name, "Reference", st.raw_name or st.name,
                                      span, detail=f"stage {st.index} (FROM {base})",
                                      sort_text=f"0{st.index:04d}"))
        else:
            out.append(CompletionItem(str(st.index), "Reference", str(st.index), span,
                                      detail=f"stage {st.index} (FROM {base})",
                                      sort_text=f"1{st.index:04d}"))
    return out


def _instruction_items(span: Span, snippets: bool, before_from: bool,
                       exclude: Iterable[str] = ()) -> list[CompletionItem]:
    out = []
    skip = set(exclude)
    for kw, d in docs.INSTRUCTIONS.items():
        if kw in skip:
            continue
        if before_from and kw not in ("FROM", "ARG"):
            continue
        rank = "0" if kw in ("FROM", "RUN", "COPY") else "2" if kw == "MAINTAINER" else "1"
        out.append(_item(kw, "Keyword", kw + d.snippet, span, snippets, detail=d.syntax,
                         documentation=f"{d.summary}\n\n[Reference]({d.url})",
                         sort_text=rank + kw, filter_text=kw, deprecated=kw == "MAINTAINER"))
    return out


def _variable_items(an: Analysis, ins: Instruction, name: str, braced: bool, offset: int,
                    text: str) -> list[CompletionItem]:
    scope: dict[str, str | None] = dict(an.scope(ins))
    if ins.keyword == "FROM":
        scope = {**dict.fromkeys(AUTO_GLOBAL_ARGS), **an.global_args}
    m = re.compile(r"[A-Za-z0-9_]*").match(text, offset)
    end = m.end() if m else offset
    span = Span(offset - len(name), end)
    close = braced and not text.startswith("}", end)
    out = []
    for k, v in sorted(scope.items()):
        detail = f"= {v}" if v else "declared without a value"
        out.append(CompletionItem(k, "Variable", k + ("}" if close else ""), span, detail=detail,
                                  filter_text=k))
    return out


def _flag_items(an: Analysis, ins: Instruction, word: str, start: int, end: int,
                snippets: bool) -> list[CompletionItem]:
    kw = ins.keyword
    flags = docs.FLAGS.get(kw, {})
    span = Span(start, end)
    if "=" not in word:
        out = [_item(f"--{f.name}", "Field", f.snippet, span, snippets, detail=f.syntax,
                     documentation=f.summary, filter_text=f"--{f.name}", sort_text=f"0{f.name}")
               for f in flags.values()]
        if kw == "RUN":
            out += [_item(label, "Snippet", snip, span, snippets, documentation=summary,
                          filter_text=label, sort_text=f"1{label}")
                    for label, snip, summary in docs.MOUNT_SNIPPETS]
        return out
    name, _, value = word[2:].partition("=")
    name = name.lower()
    vstart = start + 2 + len(name) + 1
    if name == "from" and kw in ("COPY", "ADD"):
        return _stage_items(an, max(ins.stage, 0), Span(vstart, end))
    if name == "mount" and kw == "RUN":
        head, sep, last = value.rpartition(",")
        lstart = vstart + len(head) + len(sep)
        opts = mount_options(head)
        if "=" in last:
            key, _, _val = last.partition("=")
            key = key.lower()
            vspan = Span(lstart + len(key) + 1, end)
            if key == "from":
                return _stage_items(an, max(ins.stage, 0), vspan)
            if key == "type":
                return [CompletionItem(t, "EnumMember", t, vspan, documentation=d)
                        for t, d in docs.MOUNT_TYPES.items()]
            return [CompletionItem(v, "Value", v, vspan) for v in docs.MOUNT_VALUES.get(key, ())]
        mtype = opts.get("type", "bind")
        keys = ["type"] if "type" not in opts else []
        keys += [k for k in docs.MOUNT_OPTIONS.get(mtype, {}) if k not in opts]
        return [CompletionItem(k, "Property", k + "=", Span(lstart, end),
                               documentation=docs.MOUNT_OPTIONS.get(mtype, {}).get(k))
                for k in keys]
    return [CompletionItem(v, "Value", v, Span(vstart, end)) for v in docs.FLAG_VALUES.get(name, ())]


def _logical_prefix(text: str, start: int, end: int, escape: str) -> str:
    seg = text[start:end]
    seg = re.sub(re.escape(escape) + r"[ \t]*(\r\n|\r|\n)", " ", seg)
    return "\n".join(ln for ln in seg.splitlines() if not ln.lstrip().startswith("#"))


def complete_dockerfile(text: str, offset: int, *, snippets: bool = True,
                        analysis: Analysis | None = None) -> list[CompletionItem]:
    """Completion items at ``offset`` (code points) of a Dockerfile."""
    an = analysis if analysis is not None else analyse(scan(text))
    df = an.dockerfile
    offset = min(max(offset, 0), len(text))
    line, _ = df.index.position(offset)
    ls = df.index.line_start(line)
    before = text[ls:offset]
    ins = _instruction_at(an, line)
    if before.lstrip().startswith("#") and (ins is None or ins.start_line == line):
        return []
    in_heredoc = ins is not None and any(
        h.body_span.start <= offset <= h.body_span.end and line > df.index.position(h.marker_span.start)[0]
        for h in ins.heredocs)
    m = _VAR.search(before)
    if ins is not None and m and (m.start() == 0 or before[m.start() - 1] != df.escape):
        return _variable_items(an, ins, m.group(2) or "", bool(m.group(1)), offset, text)
    if in_heredoc:
        return []
    if re.fullmatch(r"[ \t]*[A-Za-z]*", before) and (ins is None or ins.start_line == line):
        typed = before.lstrip(" \t")
        span = _word_span(text, offset, len(typed), r"[A-Za-z]")
        return _instruction_items(span, snippets, before_from=not any(
            i.keyword == "FROM" and i.span.start < ls for i in df.instructions))
    if ins is None:
        return []
    word = _TOKEN.search(before)
    assert word is not None
    w = word.group(0)
    wstart = offset - len(w)
    wend = _word_span(text, offset, 0, r"[^\s]").end
    prior = _logical_prefix(text, ins.keyword_span.end, wstart, df.escape).split()
    kw = ins.keyword
    if kw == "ONBUILD":
        if not prior and re.fullmatch(r"[A-Za-z]*", w):
            return _instruction_items(Span(wstart, wend), snippets, False,
                                      exclude=("ONBUILD", "FROM", "MAINTAINER"))
        return []
    flag_phase = all(p.startswith("--") for p in prior)
    if flag_phase and w.startswith("--"):
        return _flag_items(an, ins, w, wstart, wend, snippets)
    positional = [p for p in prior if not p.startswith("--")]
    if kw == "FROM" and flag_phase:
        stage = ins.stage if ins.stage >= 0 else len(an.stages)
        items = image_items(w, wstart, wend)
        if ":" not in w:
            items = _stage_items(an, stage, Span(wstart, wend)) + items
            items.append(CompletionItem("scratch", "Module", "scratch", Span(wstart, wend),
                                        detail="an empty base image"))
        return items
    if kw == "FROM" and len(positional) == 1 and re.fullmatch(r"[A-Za-z]*", w):
        return [CompletionItem("AS", "Keyword", "AS ", Span(wstart, wend), detail="name the stage")]
    if kw == "HEALTHCHECK" and flag_phase and re.fullmatch(r"[A-Za-z]*", w):
        return [CompletionItem("CMD", "Keyword", "CMD ", Span(wstart, wend)),
                CompletionItem("NONE", "Keyword", "NONE", Span(wstart, wend),
                               detail="disable the inherited healthcheck")]
    return []


# ---------------------------------------------------------------------------------------
# Compose


def _version(v: str) -> tuple[int, ...]:
    out = []
    for part in v.strip().lstrip("v").split("."):
        m = re.match(r"\d+", part)
        out.append(int(m.group(0)) if m else 0)
    return tuple(out)


def _section_names(doc: YamlDocument, section: str) -> list[str]:
    """Names under a top-level section (from the nodes, else from indentation)."""
    root = doc.root
    if isinstance(root, MappingNode):
        sec = node_at(root, (section,))
        if isinstance(sec, MappingNode) and sec is not root:
            return [k.value for k, _ in sec.value if isinstance(k, ScalarNode)]
        return []
    out: list[str] = []
    inside = False
    col: int | None = None
    for raw in doc.text.splitlines():
        s = raw.strip()
        if not s or s.startswith("#"):
            continue
        ind = len(raw) - len(raw.lstrip(" "))
        if ind == 0:
            inside = s.split(":", 1)[0].strip() == section
            col = None
            continue
        if inside:
            if col is None:
                col = ind
            if ind == col and ":" in s and not s.startswith("-"):
                out.append(s.split(":", 1)[0].strip().strip("'\""))
    return out


def _existing_keys(doc: YamlDocument, path: tuple[PathPart, ...]) -> set[str]:
    if doc.root is None:
        return set()
    node = doc.root
    for part in path:
        nxt: Node | None = None
        if isinstance(node, MappingNode) and isinstance(part, str):
            for k, v in node.value:
                if isinstance(k, ScalarNode) and k.value == part:
                    nxt = v
                    break
        elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            nxt = node.value[part]
        if nxt is None:
            return set()
        node = nxt
    if isinstance(node, MappingNode):
        return {k.value for k, _ in node.value if isinstance(k, ScalarNode)}
    if isinstance(node, SequenceNode):
        return {x.value for x in node.value if isinstance(x, ScalarNode)}
    return set()


_KEY_AT = re.compile(r"""\s*(?:-\s+)?("[^"]*"|'[^']*'|[^\s#:'"][^:#]*?)\s*:(?:\s|$)""")


def _sibling_keys(text: str, ctx: YamlContext) -> set[str]:
    """Keys written at the cursor's column in the same block (for unparsable files)."""
    lines = text.splitlines()
    here = text.count("\n", 0, ctx.replace.start)
    out: set[str] = set()
    for step in (-1, 1):
        i = here + step
        while 0 <= i < len(lines):
            raw = lines[i]
            s = raw.strip()
            i += step
            if not s or s.startswith("#"):
                continue
            ind = len(raw) - len(raw.lstrip(" "))
            if ind < ctx.column:
                break
            if ind == ctx.column:
                m = _KEY_AT.match(raw)
                if m:
                    out.add(m.group(1).strip("'\""))
    return out


def _matches(path: tuple[PathPart, ...], pattern: tuple[str, ...]) -> bool:
    """`*` matches any key, `#` any sequence index."""
    if len(path) != len(pattern):
        return False
    for p, q in zip(path, pattern, strict=True):
        if q == "#":
            if not isinstance(p, int):
                return False
        elif q != "*" and p != q:
            return False
    return True


_DEVICES = ("services", "*", "deploy", "resources", "reservations", "devices")
_GPU_DOC = ("GPU device reservation: `driver: nvidia`, `count` (or `device_ids`), "
            "`capabilities: [gpu]`. Needs the NVIDIA Container Toolkit on the host.")


def _gpu_snippet(text: str) -> str:
    s = _escape(text)
    s = s.replace("count: all", "count: ${1|all,1,2,4|}", 1)
    s = s.replace("device_ids: [\"0\"]", "device_ids: [\"${1:0}\"]", 1)
    return s + "$0"


def _gpu_item(label: str, lines: list[str], col: int, span: Span, snippets: bool,
              sort: str = "0") -> CompletionItem:
    body = ("\n" + " " * col).join(lines)
    if snippets:
        return CompletionItem(label, "Snippet", _gpu_snippet(body), span, snippet=True,
                              detail="GPU reservation", documentation=_GPU_DOC,
                              sort_text=sort + label, filter_text=label.split(" ")[0])
    return CompletionItem(label, "Snippet", body, span, detail="GPU reservation",
                          documentation=_GPU_DOC, sort_text=sort + label,
                          filter_text=label.split(" ")[0])


def _device_items(col: int, span: Span, snippets: bool, dash: bool) -> list[CompletionItem]:
    """GPU device requests as items of a `devices:` list (after `- ` unless ``dash``)."""
    out = []
    for label, lines in (
        ("nvidia GPU (count)", gpu.device_item_lines("all", after_dash=1)),
        ("nvidia GPU (device_ids)", gpu.device_item_lines(None, ["0"], after_dash=1)),
    ):
        if dash:
            out.append(_gpu_item(label, lines, col, span, snippets))
        else:
            out.append(_gpu_item(label, [ln[2:] for ln in lines], col, span, snippets))
    return out


def _key_insert(name: str, schema: Any, snippets: bool) -> tuple[str, bool]:
    types = types_of(schema)
    values = enum_values(expand(schema))
    if (types and types <= {"object", "array", "null"}) or (
            "object" in types and "string" not in types):
        return name + ":", False
    if values and snippets and len(values) > 1 and "boolean" not in types:
        choices = ",".join(v.replace(",", "\\,").replace("|", "\\|") for v in values)
        return f"{name}: ${{1|{choices}|}}", True
    return name + ": ", False


def _service_of(path: tuple[PathPart, ...]) -> str | None:
    if len(path) >= 2 and path[0] == "services" and isinstance(path[1], str):
        return path[1]
    return None


def _name_items(names: Iterable[str], span: Span, detail: str, skip: Iterable[str] = ()) -> list[CompletionItem]:
    s = set(skip)
    return [CompletionItem(n, "Reference", n, span, detail=detail) for n in names if n not in s]


def complete_compose(text: str, offset: int, *, snippets: bool = True,
                     min_compose_version: str = "2.20",
                     doc: YamlDocument | None = None) -> list[CompletionItem]:
    """Completion items at ``offset`` (code points) of a Compose file, parsed or not."""
    doc = doc if doc is not None else load(text)
    offset = min(max(offset, 0), len(text))
    ctx = context_at(text, offset, doc)
    gpus_ok = _version(min_compose_version) >= (2, 30)
    if ctx.role == "key":
        return _complete_key(doc, ctx, snippets, gpus_ok)
    if ctx.role == "item":
        return _complete_item(doc, ctx, ctx.path, snippets)
    return _complete_value(doc, ctx, offset, snippets)


def _units(doc: YamlDocument) -> tuple[int, int]:
    if doc.root is None:
        return 2, 2
    return indent_unit(doc), sequence_indent(doc)


def _complete_key(doc: YamlDocument, ctx: YamlContext, snippets: bool, gpus_ok: bool) -> list[CompletionItem]:
    path = ctx.path
    nodes = schema_at(path)
    props = properties(nodes)
    if not props and any("items" in n for n in nodes):
        # a blank line under a list key: start a new item
        return [replace(i, insert_text="- " + i.insert_text)
                for i in _complete_item(doc, replace(ctx, column=ctx.column + 2), path, snippets)]
    svc = _service_of(path)
    if _matches(path, ("services", "*", "depends_on")):
        return _name_items(_section_names(doc, "services"), ctx.replace, "service",
                           skip=[svc or "", *_existing_keys(doc, path)])
    if _matches(path, ("services", "*", "networks")):
        return _name_items(_section_names(doc, "networks") or ["default"], ctx.replace, "network",
                           skip=_existing_keys(doc, path))
    existing = (_existing_keys(doc, path) if doc.root is not None
                else _sibling_keys(doc.text, ctx)) - {ctx.prefix}
    out: list[CompletionItem] = []
    for name, sub in props.items():
        if name in existing:
            continue
        if name == "gpus" and _matches(path, ("services", "*")) and not gpus_ok:
            continue
        ins, snip = _key_insert(name, sub, snippets)
        alts = expand(sub)
        out.append(CompletionItem(name, "Property", ins, ctx.replace, snippet=snip,
                                  detail=" | ".join(sorted(types_of(sub))) or None,
                                  documentation=description(alts) or sub.get("description"),
                                  sort_text="1" + name, filter_text=name))
    # GPU reservation blocks from whatever level of deploy.resources.reservations is typed
    levels = {("services", "*"): "deploy", ("services", "*", "deploy"): "resources",
              ("services", "*", "deploy", "resources"): "reservations",
              ("services", "*", "deploy", "resources", "reservations"): "devices"}
    for pattern, start in levels.items():
        if _matches(path, pattern) and start not in existing:
            unit, seq = _units(doc)
            lines = gpu.gpu_reservation_lines(unit=unit, seq_indent=seq, start=start)
            out.append(_gpu_item(f"{start} (GPU reservation)", lines, ctx.column, ctx.replace,
                                 snippets))
    if gpus_ok and _matches(path, ("services", "*")) and "gpus" not in existing:
        out.append(_gpu_item("gpus: all (GPU shorthand)", gpu.gpus_lines(), ctx.column,
                             ctx.replace, snippets, sort="1"))
    return out


def _complete_item(doc: YamlDocument, ctx: YamlContext, path: tuple[PathPart, ...],
                   snippets: bool) -> list[CompletionItem]:
    span = ctx.replace
    svc = _service_of(path)
    existing = _existing_keys(doc, path) - {ctx.prefix}
    if _matches(path, _DEVICES):
        return _device_items(ctx.column, span, snippets, dash=False) + _mapping_item_keys(
            path, span, snippets)
    if _matches(path, ("services", "*", "gpus")):
        out = [_gpu_item(label, [ln[2:] for ln in lines], ctx.column, span, snippets)
               for label, lines in (
                   ("GPU (count)", gpu.device_item_lines("all", capabilities=None, after_dash=1)),
                   ("GPU (device_ids)", gpu.device_item_lines(None, ["0"], capabilities=None,
                                                              after_dash=1)))]
        return out + _mapping_item_keys(path, span, snippets)
    if len(path) >= 1 and path[-1] == "capabilities" and (
            _matches(path[:-2], _DEVICES) or _matches(path[:-2], ("services", "*", "gpus"))):
        caps = ["gpu", *sorted(gpu.NVIDIA_CAPABILITIES - {"gpu"})]
        return [CompletionItem(c, "EnumMember", c, span, sort_text=f"{i:02d}")
                for i, c in enumerate(caps) if c not in existing]
    if _matches(path, ("services", "*", "depends_on")) or _matches(path, ("services", "*", "links")) \
            or _matches(path, ("services", "*", "volumes_from")):
        return _name_items(_section_names(doc, "services"), span, "service",
                           skip=[svc or "", *existing])
    for section in ("networks", "secrets", "configs"):
        if _matches(path, ("services", "*", section)):
            return _name_items(_section_names(doc, section), span, section[:-1], skip=existing)
    out = _mapping_item_keys(path, span, snippets)
    values = enum_values(schema_at((*path, 0)))
    out += [CompletionItem(v, "EnumMember", v, span) for v in values if v not in existing]
    return out


def _mapping_item_keys(path: tuple[PathPart, ...], span: Span, snippets: bool) -> list[CompletionItem]:
    out = []
    for name, sub in properties(schema_at((*path, 0))).items():
        ins, snip = _key_insert(name, sub, snippets)
        out.append(CompletionItem(name, "Property", ins, span, snippet=snip,
                                  documentation=description(expand(sub)) or sub.get("description"),
                                  sort_text="1" + name, filter_text=name))
    return out


def _complete_value(doc: YamlDocument, ctx: YamlContext, offset: int,
                    snippets: bool) -> list[CompletionItem]:
    path = ctx.path
    span = ctx.replace
    text = doc.text
    svc = _service_of(path)
    if _matches(path, ("services", "*", "deploy")) and not ctx.prefix:
        # `deploy:|` — the GPU reservation block on the following lines
        line_start = text.rfind("\n", 0, offset) + 1
        line = text[line_start:offset]
        key_col = len(line) - len(line.lstrip(" -"))
        colon = text.rfind(":", line_start, offset)
        unit, seq = _units(doc)
        lines = gpu.gpu_reservation_lines(unit=unit, seq_indent=seq, start="resources")
        col = key_col + unit
        item = _gpu_item("resources (GPU reservation)", lines, col, Span(colon + 1, span.end),
                         snippets)
        return [replace(item, insert_text="\n" + " " * col + item.insert_text)]
    in_device = len(path) >= 3 and (_matches(path[:-2], _DEVICES)
                                     or _matches(path[:-2], ("services", "*", "gpus")))
    if in_device and path[-1] == "driver":
        return [CompletionItem("nvidia", "EnumMember", "nvidia", span, preselect=True,
                               detail="NVIDIA Container Toolkit"),
                CompletionItem("cdi", "EnumMember", "cdi", span,
                               detail="Container Device Interface (device_ids are CDI names)")]
    if in_device and path[-1] == "count":
        return [CompletionItem("all", "EnumMember", "all", span, preselect=True,
                               detail="every GPU of the host"),
                CompletionItem("1", "Value", "1", span)]
    if in_device and path[-1] == "capabilities":
        return [CompletionItem("[gpu]", "Value", "[gpu]", span, preselect=True)]
    if _matches(path, ("services", "*", "gpus")):
        return [CompletionItem("all", "EnumMember", "all", span, detail="every GPU of the host")]
    if _matches(path, ("services", "*", "extends", "service")):
        return _name_items(_section_names(doc, "services"), span, "service", skip=[svc or ""])
    if _matches(path, ("services", "*", "image")):
        return image_items(ctx.prefix, span.start, span.end)
    out: list[CompletionItem] = []
    if path and path[-1] in ("network_mode", "pid", "ipc") and svc is not None:
        out += [CompletionItem(f"service:{n}", "Reference", f"service:{n}", span,
                               detail="share another service's namespace")
                for n in _section_names(doc, "services") if n != svc]
    nodes = schema_at(path)
    for v in enum_values(nodes):
        out.append(CompletionItem(v, "EnumMember", v, span, documentation=description(nodes)))
    return out


def complete(kind: str, text: str, offset: int, *, snippets: bool = True,
             min_compose_version: str = "2.20") -> list[CompletionItem]:
    """Dispatch on the document kind (``"dockerfile"`` / ``"compose"``)."""
    if kind == "dockerfile":
        return complete_dockerfile(text, offset, snippets=snippets)
    if kind == "compose":
        return complete_compose(text, offset, snippets=snippets,
                                min_compose_version=min_compose_version)
    return []
