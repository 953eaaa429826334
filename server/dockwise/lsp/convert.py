"""Violations, fixes and rule docs as LSP values (ranges in the negotiated encoding)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types as t

from dockwise.lsp.documents import Positions
from dockwise.text import LineIndex, Span

if TYPE_CHECKING:
    from dockwise.config import Settings
    from dockwise.lint.types import Edit, Fix, Violation

SOURCE = "dockwise"
FIX_ALL_KIND = "source.fixAll.dockwise"

_SEVERITY = {1: t.DiagnosticSeverity.Information, 2: t.DiagnosticSeverity.Warning,
             3: t.DiagnosticSeverity.Error}


def lsp_range(pos: Positions, index: LineIndex, span: Span) -> t.Range:
    sl, sc = pos.to_lsp(index, span.start)
    el, ec = pos.to_lsp(index, span.end)
    return t.Range(t.Position(sl, sc), t.Position(el, ec))


def span_of(pos: Positions, index: LineIndex, rng: t.Range) -> Span:
    a = pos.to_offset(index, rng.start.line, rng.start.character)
    b = pos.to_offset(index, rng.end.line, rng.end.character)
    return Span(min(a, b), max(a, b))


def docs_url(code: str, settings: Settings | None) -> str:
    base = settings.docs_base_url if settings is not None else None
    if base:
        if "{code}" in base:
            return base.replace("{code}", code)
        return base.rstrip("/") + f"/{code}.md"
    from dockwise.resources import data_path

    return data_path(f"docs/rules/{code}.md").as_uri()


def fix_data(fix: Fix) -> dict[str, Any]:
    return {"title": fix.title, "applicability": fix.applicability.value,
            "edits": [{"start": e.span.start, "end": e.span.end, "newText": e.new_text,
                       **({"path": e.path} if e.path is not None else {})} for e in fix.edits]}


def to_diagnostic(v: Violation, index: LineIndex, pos: Positions, version: int,
                  settings: Settings | None, urls: dict[str, str]) -> t.Diagnostic:
    url = urls.get(v.code)
    if url is None:
        url = urls[v.code] = docs_url(v.code, settings)
    data: dict[str, Any] = {"version": version, "name": v.name,
                            "span": [v.span.start, v.span.end]}
    if v.fix is not None and v.fix.edits:
        data["fix"] = fix_data(v.fix)
    return t.Diagnostic(
        range=lsp_range(pos, index, v.span),
        message=v.message,
        severity=_SEVERITY.get(int(v.severity), t.DiagnosticSeverity.Warning),
        code=v.code,
        code_description=t.CodeDescription(href=url),
        source=SOURCE,
        data=data,
    )


def diagnostics(violations: Iterable[Violation], index: LineIndex, pos: Positions,
                version: int, settings: Settings | None) -> list[t.Diagnostic]:
    urls: dict[str, str] = {}
    return [to_diagnostic(v, index, pos, version, settings, urls) for v in violations]


# ---------------------------------------------------------------------------------------
# edits


def newline_of(text: str) -> str:
    from dockwise.lint.fixes import newline_of as nl

    return nl(text)


def text_edit(index: LineIndex, pos: Positions, start: int, end: int, new_text: str,
              nl: str) -> t.TextEdit:
    if nl != "\n":
        # a fix may carry text copied from the document, line endings included
        new_text = new_text.replace("\r\n", "\n").replace("\n", nl)
    return t.TextEdit(range=lsp_range(pos, index, Span(start, end)), new_text=new_text)


class EditBuilder:
    """A WorkspaceEdit for one document (plus created files), as the client accepts it."""

    def __init__(self, caps: t.ClientCapabilities, uri: str, version: int,
                 path: Path | None, index: LineIndex, pos: Positions) -> None:
        ws = caps.workspace
        we = ws.workspace_edit if ws is not None else None
        self.document_changes = bool(we and we.document_changes)
        ops = (we.resource_operations or []) if we is not None else []
        self.can_create = self.document_changes and t.ResourceOperationKind.Create in ops
        self.uri, self.version, self.path, self.index, self.pos = uri, version, path, index, pos
        self.nl = newline_of(index.text)

    def supports(self, edits: Iterable[Edit]) -> bool:
        others = [e for e in edits if e.path is not None]
        return not others or (self.can_create and self.path is not None)

    def build(self, edits: Iterable[Edit]) -> t.WorkspaceEdit:
        edits = list(edits)
        own = [text_edit(self.index, self.pos, e.span.start, e.span.end, e.new_text, self.nl)
               for e in sorted(edits, key=lambda e: (e.span.start, e.span.end))
               if e.path is None]
        if not self.document_changes:
            return t.WorkspaceEdit(changes={self.uri: own})
        # new files first, and never into an existing file: a client stops at the first
        # failing change, so the document is not edited when a file cannot be created
        # (a secret moved out of a Compose file must land somewhere)
        changes: list[t.TextDocumentEdit | t.CreateFile | t.RenameFile | t.DeleteFile] = []
        assert self.path is not None or not any(e.path for e in edits)
        for e in edits:
            if e.path is None or self.path is None:
                continue
            target = (self.path.parent / e.path).resolve()
            uri = target.as_uri()
            changes.append(t.CreateFile(uri=uri, options=t.CreateFileOptions(
                overwrite=False, ignore_if_exists=False)))
            changes.append(t.TextDocumentEdit(
                text_document=t.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None),
                edits=[t.TextEdit(t.Range(t.Position(0, 0), t.Position(0, 0)), e.new_text)]))
        changes.append(t.TextDocumentEdit(
            text_document=t.OptionalVersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
            edits=list(own)))
        return t.WorkspaceEdit(document_changes=changes)


def minimal_replace(old: str, new: str) -> tuple[int, int, str]:
    """One replacement turning ``old`` into ``new``: (start, end in old, text)."""
    n = min(len(old), len(new))
    i = 0
    while i < n and old[i] == new[i]:
        i += 1
    j = 0
    while j < n - i and old[len(old) - 1 - j] == new[len(new) - 1 - j]:
        j += 1
    # do not split a CRLF pair
    if 0 < i < len(old) and old[i - 1] == "\r" and old[i] == "\n":
        i -= 1
    return i, len(old) - j, new[i : len(new) - j]


# ---------------------------------------------------------------------------------------
# rule docs for hovers

_SECTION = re.compile(r"^##\s+(.+?)\s*$", re.M)


def doc_sections(doc: str) -> dict[str, str]:
    out: dict[str, str] = {}
    marks = list(_SECTION.finditer(doc))
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(doc)
        out[m.group(1).lower()] = doc[m.end() : end].strip()
    return out


def rule_hover(v: Violation, settings: Settings | None) -> str:
    """Markdown: the finding, why it matters and how to fix it."""
    from dockwise.lint.registry import all_rules

    rule = all_rules().get(v.code)
    parts = [f"**{v.code}** `{v.name}`: {v.message}"]
    if rule is not None:
        sec = doc_sections(rule.meta.doc)
        if why := sec.get("why is this bad?"):
            parts.append("**Why:** " + why)
        if ex := sec.get("example"):
            parts.append("**Fix:**\n\n" + ex)
        if safety := sec.get("fix safety"):
            parts.append("**Fix safety:** " + safety)
    if v.fix is not None and v.fix.edits:
        parts.append(f"Quick fix: *{v.fix.title}*")
    parts.append(f"[{v.code} documentation]({docs_url(v.code, settings)})")
    return "\n\n".join(parts)


_FENCE = re.compile(r"^```[^\n]*\n?", re.M)
_LINK = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")


def plain_text(markdown: str) -> str:
    """A readable plain-text rendering of our markdown (for clients without markdown)."""
    s = _FENCE.sub("", markdown)
    s = _LINK.sub(r"\1 <\2>", s)
    s = re.sub(r"^#+\s*", "", s, flags=re.M)
    s = s.replace("**", "").replace("`", "")
    s = re.sub(r"(?<!\w)\*([^*\n]+)\*(?!\w)", r"\1", s)
    return s
