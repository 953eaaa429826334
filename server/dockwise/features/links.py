"""Document links: image references -> their registry pages; file paths (COPY/ADD
sources, `env_file`, `build.context`/`dockerfile`, secret/config `file`, `include`,
`extends.file`) -> the files. File links are only made for paths that exist."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dockwise.compose.builds import scalar_base
from dockwise.compose.yaml_model import (
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    YamlDocument,
    get,
    load,
)
from dockwise.dockerfile.analysis import Analysis, analyse
from dockwise.dockerfile.imageref import DOCKER_HUB, parse_reference
from dockwise.dockerfile.scanner import scan
from dockwise.text import Span

Exists = Callable[[Path], bool]


@dataclass(frozen=True, slots=True)
class DocumentLink:
    span: Span
    target: str  # a URL (https://…) or a file path
    tooltip: str | None = None


def image_url(reference: str) -> str | None:
    """The web page of an image repository (Docker Hub, GHCR, Quay, MCR, NGC, …)."""
    if not reference or "$" in reference:
        return None
    parts = parse_reference(reference)
    repo = parts.repository
    reg = (parts.registry or "").lower()
    if not repo or reference.lower() == "scratch":
        return None
    if not reg or reg in DOCKER_HUB:
        if "/" not in repo or repo.startswith("library/"):
            return f"https://hub.docker.com/_/{repo.removeprefix('library/')}"
        return f"https://hub.docker.com/r/{repo}"
    if reg == "quay.io":
        return f"https://quay.io/repository/{repo}"
    if reg == "mcr.microsoft.com":
        return f"https://mcr.microsoft.com/artifact/mar/{repo}"
    if reg == "nvcr.io":
        segs = repo.split("/")
        if len(segs) >= 2:
            return f"https://catalog.ngc.nvidia.com/orgs/{segs[0]}/containers/{segs[-1]}"
        return None
    if reg == "gcr.io" or reg.endswith(".gcr.io") or reg.endswith("-docker.pkg.dev"):
        return f"https://{reg}/{repo}"
    if reg == "public.ecr.aws":
        return f"https://gallery.ecr.aws/{repo}"
    if "localhost" in reg or re.search(r":\d+$", reg):
        return None
    return f"https://{reg}/{repo}"


def _exists(p: Path) -> bool:
    try:
        return p.exists()
    except OSError:
        return False


def _file_link(span: Span, base: Path | None, value: str, exists: Exists) -> DocumentLink | None:
    if base is None or not value or "$" in value or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", value):
        return None
    if any(c in value for c in "*?["):
        return None
    p = Path(value).expanduser()
    if not p.is_absolute():
        p = base / p
    if not exists(p):
        return None
    return DocumentLink(span, str(p), "Open file" if not p.is_dir() else "Open folder")


def dockerfile_links(text: str, *, base_dir: Path | None = None,
                     exists: Exists = _exists, analysis: Analysis | None = None) -> list[DocumentLink]:
    """``base_dir``: the build context COPY/ADD sources resolve against (None: no file
    links)."""
    an = analysis if analysis is not None else analyse(scan(text))
    out: list[DocumentLink] = []
    stage_names = {st.name for st in an.stages if st.name}
    for st in an.stages:
        if st.base is not None and st.parent is None and not st.base.has_vars:
            url = image_url(st.base.raw)
            if url:
                out.append(DocumentLink(st.base.span, url, f"Open {st.base.raw} on its registry"))
    for ins in an.dockerfile.of("COPY", "ADD"):
        src = ins.flag("from")
        if src is not None:
            if (src.value and src.value_span is not None and not src.value.isdigit()
                    and src.value.lower() not in stage_names):
                url = image_url(src.value)
                if url:
                    out.append(DocumentLink(src.value_span, url, f"Open {src.value} on its registry"))
            continue
        if ins.exec_form is not None:
            sources = [(e.value, Span(e.span.start + 1, e.span.end - 1)) for e in ins.exec_form[:-1]]
        else:
            sources = [(w.value, w.span) for w in ins.words[:-1] if not w.raw.startswith("<<")]
        for value, span in sources:
            link = _file_link(span, base_dir, value, exists)
            if link is not None:
                out.append(link)
    out.sort(key=lambda lk: lk.span.start)
    return out


def compose_links(text: str, *, base_dir: Path | None = None, exists: Exists = _exists,
                  doc: YamlDocument | None = None) -> list[DocumentLink]:
    """``base_dir``: the Compose file's directory (None: no file links)."""
    doc = doc if doc is not None else load(text)
    root = doc.root
    out: list[DocumentLink] = []
    if not isinstance(root, MappingNode):
        return out

    def span(node: Node) -> Span | None:
        if not isinstance(node, ScalarNode):
            return None
        b = scalar_base(node, text, node.value)
        return Span(b, b + len(node.value)) if b is not None else None

    def file(node: Node | None, base: Path | None) -> None:
        if isinstance(node, ScalarNode) and (s := span(node)) is not None:
            link = _file_link(s, base, node.value, exists)
            if link is not None:
                out.append(link)

    def files(node: Node | None, base: Path | None, key: str = "path") -> None:
        if isinstance(node, SequenceNode):
            for item in node.value:
                file(get(item, key) if isinstance(item, MappingNode) else item, base)
        else:
            file(node, base)

    services = get(root, "services")
    if isinstance(services, MappingNode):
        for _, svc in services.value:
            if not isinstance(svc, MappingNode):
                continue
            img = get(svc, "image")
            if isinstance(img, ScalarNode) and (s := span(img)) is not None:
                url = image_url(img.value)
                if url:
                    out.append(DocumentLink(s, url, f"Open {img.value} on its registry"))
            files(get(svc, "env_file"), base_dir)
            build = get(svc, "build")
            if isinstance(build, ScalarNode):
                file(build, base_dir)
            elif isinstance(build, MappingNode):
                ctx = get(build, "context")
                file(ctx, base_dir)
                ctx_dir = base_dir
                if base_dir is not None and isinstance(ctx, ScalarNode) and "$" not in ctx.value:
                    ctx_dir = base_dir / ctx.value
                file(get(build, "dockerfile"), ctx_dir)
            ext = get(svc, "extends")
            if isinstance(ext, MappingNode):
                file(get(ext, "file"), base_dir)
    for section in ("secrets", "configs"):
        sec = get(root, section)
        if isinstance(sec, MappingNode):
            for _, v in sec.value:
                file(get(v, "file"), base_dir)
    inc = get(root, "include")
    if isinstance(inc, SequenceNode):
        for item in inc.value:
            if isinstance(item, MappingNode):
                files(get(item, "path"), base_dir)
                files(get(item, "env_file"), base_dir)
            else:
                file(item, base_dir)
    out.sort(key=lambda lk: lk.span.start)
    return out


def links(kind: str, text: str, base_dir: Path | None = None) -> list[DocumentLink]:
    if kind == "dockerfile":
        return dockerfile_links(text, base_dir=base_dir)
    if kind == "compose":
        return compose_links(text, base_dir=base_dir)
    return []
