"""Code actions: quick fixes read back from ``Diagnostic.data``, "disable rule for this
line", and "fix all safe problems"."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from typing import Any

from lsprotocol import types as t

from dockwise.documents import COMPOSE
from dockwise.lint.types import Applicability, Edit
from dockwise.lsp import convert
from dockwise.lsp.documents import OpenDocument, Positions
from dockwise.lsp.linting import LintOutcome
from dockwise.text import Span

_PRAGMA = re.compile(r"^([ \t]*)#[ \t]*dockwise[ \t]*:[ \t]*ignore[ \t]*=[ \t]*(\S.*?)[ \t]*$", re.I)


def _edits(fix: dict[str, Any]) -> list[Edit]:
    out = []
    for e in fix.get("edits", []):
        out.append(Edit(Span(int(e["start"]), int(e["end"])), str(e["newText"]), e.get("path")))
    return out


def quick_fixes(caps: t.ClientCapabilities, doc: OpenDocument, pos: Positions,
                diagnostics: Sequence[t.Diagnostic], res: LintOutcome | None) -> list[t.CodeAction]:
    builder = convert.EditBuilder(caps, doc.uri, doc.version, doc.path, doc.index, pos)
    fixes: list[t.CodeAction] = []
    ignores: list[t.CodeAction] = []
    seen_ignores: set[tuple[str, int]] = set()
    for d in diagnostics:
        data = d.data
        if d.source != convert.SOURCE or not isinstance(data, dict):
            continue
        if data.get("version") != doc.version:
            continue  # the document moved on: the offsets in data are stale
        fix = data.get("fix")
        if isinstance(fix, dict) and fix.get("applicability") != Applicability.DISPLAY.value:
            edits = _edits(fix)
            if edits and builder.supports(edits):
                fixes.append(t.CodeAction(
                    title=str(fix.get("title")), kind=t.CodeActionKind.QuickFix,
                    diagnostics=[d], edit=builder.build(edits),
                    is_preferred=fix.get("applicability") == Applicability.SAFE.value or None))
        span = data.get("span")
        code = str(d.code) if d.code is not None else None
        if code and isinstance(span, list) and len(span) == 2:
            at, text = ignore_edit(doc, res, int(span[0]), code)
            key = (code, at)
            if key in seen_ignores:
                continue
            seen_ignores.add(key)
            new, replaced = text
            if not new:
                continue
            ignores.append(t.CodeAction(
                title=f"Disable {code} for this line", kind=t.CodeActionKind.QuickFix,
                diagnostics=[d], edit=builder.build([Edit(Span(at, at + replaced), new)])))
    return fixes + ignores


def _target_line(doc: OpenDocument, res: LintOutcome | None, offset: int) -> int:
    """The line a suppression comment goes above: the instruction's first line in a
    Dockerfile (continuations and heredocs belong to it), the key's line in Compose."""
    line = doc.index.position(offset)[0]
    if doc.kind == COMPOSE or res is None or res.result is None or res.result.analysis is None:
        return line
    instrs = res.result.analysis.dockerfile.instructions
    starts = [i.span.start for i in instrs]
    k = bisect.bisect_right(starts, offset) - 1
    if k >= 0 and instrs[k].span.start <= offset <= instrs[k].span.end:
        return instrs[k].start_line
    return line


def ignore_edit(doc: OpenDocument, res: LintOutcome | None, offset: int,
                code: str) -> tuple[int, tuple[str, int]]:
    """(offset, (text, length replaced)): a `# dockwise: ignore=CODE` line above the
    finding's line with its indentation, or CODE added to such a comment already there."""
    index = doc.index
    line = _target_line(doc, res, offset)
    if line > 0:
        prev = index.line_text(line - 1)
        m = _PRAGMA.match(prev)
        if m:
            ids = [x.strip() for x in m.group(2).split(",") if x.strip()]
            if code in ids:
                return index.line_start(line - 1), ("", 0)
            end = index.line_start(line - 1) + m.end(2)
            return end, ("," + code, 0)
    current = index.line_text(line)
    indent = current[: len(current) - len(current.lstrip(" \t"))]
    return index.line_start(line), (f"{indent}# dockwise: ignore={code}\n", 0)


def has_safe_fix(res: LintOutcome) -> bool:
    return any(v.fix is not None and v.fix.edits and v.fix.applicability is Applicability.SAFE
               and all(e.path is None for e in v.fix.edits) for v in res.violations)


def fix_all_action(doc: OpenDocument) -> t.CodeAction:
    return t.CodeAction(title="Fix all safe problems in this file", kind=convert.FIX_ALL_KIND,
                        data={"fixAll": True, "uri": doc.uri, "version": doc.version})


def can_resolve(caps: t.ClientCapabilities) -> bool:
    td = caps.text_document
    ca = td.code_action if td is not None else None
    rs = ca.resolve_support if ca is not None else None
    return bool(rs and "edit" in rs.properties)


def whole_text_edit(caps: t.ClientCapabilities, doc: OpenDocument, pos: Positions,
                    new_text: str) -> t.WorkspaceEdit:
    start, end, text = convert.minimal_replace(doc.text, new_text)
    edit = t.TextEdit(range=convert.lsp_range(pos, doc.index, Span(start, end)), new_text=text)
    ws = caps.workspace
    if ws and ws.workspace_edit and ws.workspace_edit.document_changes:
        return t.WorkspaceEdit(document_changes=[t.TextDocumentEdit(
            text_document=t.OptionalVersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version),
            edits=[edit])])
    return t.WorkspaceEdit(changes={doc.uri: [edit]})
