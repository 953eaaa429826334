"""Workspace edits with created files (a secret moved out of a Compose file)."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types as t

from dockwise.lint.types import Edit
from dockwise.lsp.convert import EditBuilder
from dockwise.lsp.documents import Positions
from dockwise.text import LineIndex, Span


def test_created_files_come_first_and_never_overwrite(tmp_path: Path) -> None:
    caps = t.ClientCapabilities(workspace=t.WorkspaceClientCapabilities(
        workspace_edit=t.WorkspaceEditClientCapabilities(
            document_changes=True, resource_operations=[t.ResourceOperationKind.Create])))
    path = tmp_path / "compose.yaml"
    text = "services:\n  db:\n    environment: [P=secret]\n"
    b = EditBuilder(caps, path.as_uri(), 3, path, LineIndex(text), Positions())
    edits = [Edit(Span(30, 38), "P_FILE=/run/secrets/p"), Edit(Span(0, 0), "secret", "secrets/p.txt")]
    assert b.supports(edits)
    changes = b.build(edits).document_changes
    assert changes is not None
    # the new file (created, then filled) before the document's own edit: a client stops at
    # the first failing change, so the secret is never removed without being written
    kinds = [type(c).__name__ for c in changes]
    assert kinds == ["CreateFile", "TextDocumentEdit", "TextDocumentEdit"]
    create = changes[0]
    assert isinstance(create, t.CreateFile) and create.options is not None
    assert not create.options.ignore_if_exists and not create.options.overwrite
    last = changes[-1]
    assert isinstance(last, t.TextDocumentEdit) and last.text_document.uri == path.as_uri()
