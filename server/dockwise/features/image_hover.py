"""Hover for image references: the family's variants with sizes, and what lighter
choices save.

A pure function of the document text and a position (no editor types: the language
server converts its ``Position`` and wraps the strings): :func:`image_hover` returns
``(markdown, plaintext)`` for the image reference under the cursor, or None when the
cursor is not on one. Dockerfile ``FROM``, ``COPY --from=<image>`` and
``RUN --mount=from=<image>``; Compose ``image:``.

Figures come from the image catalogue (``schemas/images.json``): compressed linux/amd64
transfer sizes with their source and date. Sizes the catalogue does not have are shown
as unknown, never estimated; with a registry client (``registry-lookup = true``) the
reference's own size is fetched from its registry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from dockwise.dockerfile.imageref import parse_reference
from dockwise.images.catalogue import (
    Catalogue,
    ImageFamily,
    SizeFact,
    Variant,
    catalogue,
    format_mb,
)
from dockwise.text import LineIndex, Span

if TYPE_CHECKING:
    from dockwise.images.registry import RegistryClient

Kind = Literal["dockerfile", "compose"]
Position = int | tuple[int, int]  # an offset, or (line, character) in code points

_MOUNT_FROM = re.compile(r"(?:^|,)\s*from\s*=\s*([^,\s]*)", re.I)


@dataclass(frozen=True, slots=True)
class ImageAt:
    """The image reference under the cursor."""

    reference: str  # as used (ARG defaults expanded where known)
    written: str  # as written in the file
    span: Span


# -- finding the reference --------------------------------------------------------------


def _offset(text: str, position: Position) -> int:
    if isinstance(position, int):
        return position
    line, col = position
    return LineIndex(text).offset(line, col)


def image_reference_at(text: str, position: Position, kind: Kind = "dockerfile") -> ImageAt | None:
    """The image reference at ``position``, or None."""
    offset = _offset(text, position)
    if kind == "compose":
        return _compose_ref(text, offset)
    return _dockerfile_ref(text, offset)


def _within(span: Span, offset: int) -> bool:
    return span.start <= offset <= span.end


def _dockerfile_ref(text: str, offset: int) -> ImageAt | None:
    from dockwise.dockerfile.analysis import analyse, mount_options
    from dockwise.dockerfile.scanner import scan

    an = analyse(scan(text))
    stage_names = {st.name.lower() for st in an.stages if st.name}
    for st in an.stages:
        base = st.base
        if base is not None and _within(base.span, offset):
            if base.is_scratch or base.expanded.lower() in stage_names:
                return None
            ref = base.expanded if not base.unresolved_vars else base.raw
            return ImageAt(ref, base.raw, base.span)
        for ins in st.instructions:
            if not _within(ins.span, offset):
                continue
            if ins.keyword in ("COPY", "ADD"):
                for f in ins.flags_named("from"):
                    sp = f.value_span
                    value = (f.value or "").strip()
                    if sp is not None and _within(sp, offset) and _image_like(value, stage_names):
                        return ImageAt(value, value, sp)
            elif ins.keyword == "RUN":
                for f in ins.flags_named("mount"):
                    sp = f.value_span
                    if sp is None or not _within(sp, offset):
                        continue
                    value = mount_options(f.value or "").get("from", "").strip()
                    raw = text[sp.start : sp.end]
                    m = _MOUNT_FROM.search(raw)
                    if not value or m is None or not _image_like(value, stage_names):
                        continue
                    vs = Span(sp.start + m.start(1), sp.start + m.end(1))
                    if _within(vs, offset):
                        return ImageAt(value, value, vs)
    return None


def _image_like(value: str, stage_names: set[str]) -> bool:
    return bool(value) and not value.isdigit() and value.lower() not in stage_names and (
        value.lower() != "scratch") and "$" not in value


def _compose_ref(text: str, offset: int) -> ImageAt | None:
    from dockwise.compose.service import services
    from dockwise.compose.yaml_model import ScalarNode, load, span_of

    doc = load(text)
    if doc.error is not None or doc.root is None:
        return None
    for svc in services(doc.root):
        node = svc.get("image")
        if not isinstance(node, ScalarNode):
            continue
        span = span_of(node)
        if _within(span, offset) and isinstance(node.value, str) and node.value.strip():
            value = node.value.strip()
            return ImageAt(value, value, span)
    return None


# -- the table --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Row:
    label: str  # the image as shown
    size: SizeFact | None
    variant: Variant | None
    current: bool
    registry_bytes: int | None = None

    @property
    def bytes(self) -> int | None:
        if self.registry_bytes is not None:
            return self.registry_bytes
        return self.size.compressed_bytes if self.size is not None else None


def _shell(v: Variant | None) -> str:
    if v is None or v.shell_kind is None:
        return "?" if v is None or v.shell is None else ("yes" if v.shell else "none")
    return v.shell_kind


def _user(v: Variant | None) -> str:
    if v is None or v.runs_as_non_root is None:
        return "?"
    return "non-root" if v.runs_as_non_root else "root"


def _saving(row: _Row, cur: _Row) -> str:
    a, b = row.bytes, cur.bytes
    if row.current:
        return "(current)"
    if a is None or b is None or b == 0:
        return ""
    diff = b - a
    pct = round(100 * diff / b)
    if diff > 0:
        return f"saves {diff / 1e6:,.1f} MB ({pct}%)"
    return f"+{-diff / 1e6:,.1f} MB"


def _display_variants(fam: ImageFamily, current: Variant) -> list[Variant]:
    names = {v.name for v in fam.variants}
    out: list[Variant] = []
    for v in fam.variants:
        if "windows" in v.name:
            continue
        base = v.name.rsplit("-", 1)[0]
        if v.name.endswith("-ubuntu") and base in names and v is not current:
            continue
        out.append(v)
    return out


def _tag_for(fam: ImageFamily, variant: Variant | None, current_tag: str | None) -> str:
    """A representative tag for a variant row: a measured tag, else the variant suffix."""
    name = "default" if variant is None else variant.name
    for s in fam.sizes:
        if s.variant == name:
            return s.tag
    if variant is None:
        return fam.pin_default or "(default)"
    return f"…-{variant.name}"


def _rows(cat: Catalogue, fam: ImageFamily, ref_repo: str, tag: str | None,
          lookup_bytes: int | None) -> list[_Row]:
    current_variant = fam.variant(tag)
    cur_name = fam.variant_name(tag)
    rows: list[_Row] = []
    shown = [("default", fam.default_variant), *((v.name, v) for v in
                                                 _display_variants(fam, current_variant))]
    for name, v in shown:
        is_cur = name == cur_name
        if is_cur:
            size = fam.size_of(tag) if tag else fam.size_of(None)
            label = f"{ref_repo}:{tag}" if tag else ref_repo
            rows.append(_Row(label, size, v, True, lookup_bytes))
            continue
        size = next((s for s in fam.sizes if s.variant == name), None)
        rows.append(_Row(f"{fam.name}:{_tag_for(fam, None if name == 'default' else v, tag)}",
                         size, v, False))
    for other in fam.compare_with:
        parts = parse_reference(other)
        ofam = cat.family(parts.canonical)
        if ofam is None:
            continue
        size = ofam.size_of(parts.tag)
        label = other if parts.tag else f"{other}:{size.tag}" if size else other
        rows.append(_Row(label, size, ofam.variant(parts.tag), False))
    return rows


def _caveats(fam: ImageFamily, variant: Variant, rows: list[_Row]) -> list[str]:
    out = list(fam.caveats)
    if variant.libc == "musl" or any(r.variant is not None and r.variant.libc == "musl"
                                      and not r.current for r in rows):
        note = ("musl (Alpine) images cannot use manylinux wheels: pip needs musllinux "
                "wheels or builds from source (torch and tensorflow publish none).")
        if not any("musl" in c for c in out):
            out.append(note)
    if variant.shell_kind == "none" or (variant.shell is False):
        out.append("No shell: `RUN`, shell-form `CMD`/`ENTRYPOINT` and `HEALTHCHECK CMD-SHELL` "
                   "cannot run; use exec form (the `:debug` tags add a BusyBox shell).")
    elif any(r.variant is not None and r.variant.shell_kind == "none" and not r.current
             for r in rows):
        out.append("The distroless rows have no shell and no package manager: copy a "
                   "finished application into them from a builder stage.")
    if variant.shell_kind in ("ash", "busybox"):
        out.append("No bash: `SHELL [\"/bin/bash\", …]` and `set -o pipefail` under `sh` "
                   "need `apk add bash` or POSIX sh.")
    if fam.deprecated is not None:
        succ = f" → `{fam.deprecated.successor}`" if fam.deprecated.successor else ""
        out.append(f"Deprecated{succ}: {fam.deprecated.reason}")
    return out


def _sources(rows: list[_Row]) -> list[str]:
    seen: list[str] = []
    for r in rows:
        if r.size is None:
            continue
        for s in r.size.source:
            entry = f"{s} (as of {r.size.as_of})"
            if entry not in seen:
                seen.append(entry)
    return seen


def _registry_bytes(lookup: RegistryClient | None, reference: str) -> tuple[int | None, str]:
    if lookup is None:
        return None, ""
    from dockwise.images.registry import RegistryError

    try:
        res = lookup.resolve(reference)
    except RegistryError as e:
        return None, f"registry: {e}"
    return res.compressed_size, f"registry: `{res.digest[:19]}…` ({res.platform or 'single platform'})"


def image_hover(
    text: str,
    position: Position,
    kind: Kind = "dockerfile",
    *,
    lookup: RegistryClient | None = None,
    images: Catalogue | None = None,
) -> tuple[str, str] | None:
    """Markdown and plain text for the image under the cursor; None when there is none."""
    at = image_reference_at(text, position, kind)
    if at is None:
        return None
    return hover_for_reference(at.reference, lookup=lookup, images=images)


def hover_for_reference(
    reference: str,
    *,
    lookup: RegistryClient | None = None,
    images: Catalogue | None = None,
) -> tuple[str, str]:
    """The hover for one image reference (``python:3.13-slim``)."""
    cat = images or catalogue()
    ref = reference.strip()
    parts = parse_reference(ref)
    fam = cat.family(parts.canonical) if "$" not in ref else None
    live = "$" not in ref and bool(parts.repository)
    reg_bytes, reg_note = _registry_bytes(lookup, ref) if live else (None, "")
    if fam is None:
        return _unknown(ref, reg_bytes, reg_note, lookup is not None)
    repo = ref[: parts.name_range[1]]
    variant = fam.variant(parts.tag)
    rows = _rows(cat, fam, repo, parts.tag, reg_bytes)
    cur = next(r for r in rows if r.current)
    ordered = sorted(rows, key=lambda r: (r.bytes is None, -(r.bytes or 0)))

    md: list[str] = [f"**`{ref}`** — {_describe(variant)}", ""]
    md.append("| image | compressed (amd64) | vs. current | libc | shell | user |")
    md.append("|---|---|---|---|---|---|")
    pt: list[str] = [f"{ref} — {_describe(variant)}", ""]
    for r in ordered:
        approx = r.size is not None and r.size.approximate and r.registry_bytes is None
        size = format_mb(r.bytes, approx)
        if r.size is not None and r.registry_bytes is None and r.size.tag not in r.label:
            size += f" ({r.size.tag})"
        v = r.variant
        libc = v.libc if v is not None else "?"
        label = f"**`{r.label}`** ←" if r.current else f"`{r.label}`"
        md.append(f"| {label} | {size} | {_saving(r, cur)} | {libc} | {_shell(v)} | {_user(v)} |")
        mark = "> " if r.current else "  "
        pt.append(f"{mark}{r.label:<44} {size:>22}  {_saving(r, cur):<26} "
                  f"{libc:<6} {_shell(v):<8} {_user(v)}")
    used = {id(r.size) for r in rows if r.size is not None}
    other = [s for s in fam.sizes if id(s) not in used]
    if other:
        figs = "; ".join(f"`{s.tag}` {format_mb(s.compressed_bytes, s.approximate)}"
                         + (f" (built {s.built})" if s.built else "") for s in other)
        md += ["", f"Other sourced sizes: {figs}"]
        pt += ["", f"Other sourced sizes: {figs.replace('`', '')}"]
        rows = rows + [_Row(s.tag, s, None, False) for s in other]
    cav = _caveats(fam, variant, rows)
    if cav:
        md.append("")
        pt.append("")
        md.extend(f"- {c}" for c in cav)
        pt.extend(f"- {c.replace('`', '')}" for c in cav)
    foot = ["Sizes are compressed transfer sizes for linux/amd64 (what `docker pull` "
            "downloads); `unknown` where no source gives one; `~` marks rounded figures."]
    if reg_note:
        foot.append(reg_note)
    srcs = _sources(rows)
    if srcs:
        foot.append("Sources: " + "; ".join(srcs))
    md.append("")
    md.extend(f"_{f}_  " for f in foot)
    pt.append("")
    pt.extend(f.replace("`", "") for f in foot)
    return "\n".join(md).rstrip() + "\n", "\n".join(pt).rstrip() + "\n"


def _describe(v: Variant) -> str:
    bits: list[str] = []
    if v.os_family != "unknown":
        bits.append(v.os_family)
    if v.libc != "unknown":
        bits.append(v.libc)
    bits.append(f"shell: {_shell(v)}")
    bits.append(f"user: {_user(v)}")
    return ", ".join(bits)


def _unknown(ref: str, reg_bytes: int | None, reg_note: str,
             lookup_on: bool) -> tuple[str, str]:
    lines = [f"`{ref}` is not in dockwise's image catalogue: no variants or sizes to compare."]
    if reg_bytes is not None:
        lines.append(f"Registry: {format_mb(reg_bytes)} compressed (linux/amd64). {reg_note}")
    elif lookup_on:
        lines.append(f"The registry gave no size ({reg_note or 'no answer'}).")
    else:
        lines.append("Turn on `registry-lookup` to fetch its size and digest from the registry.")
    md = "\n\n".join(lines) + "\n"
    return md, md.replace("`", "")
