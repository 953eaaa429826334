"""End-to-end tests: pytest-lsp drives the real server process (`python -m dockwise
--stdio`), once per client profile. LSP specification warnings are errors here."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from dockwise.text import LineIndex

ROOT = Path(__file__).resolve().parents[2]
PROFILES = ["visual-studio-code", "neovim"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.filterwarnings(
                "error::pytest_lsp.LspSpecificationWarning"))


class Published:
    """Every publishDiagnostics the server sent, with a way to wait for one."""

    def __init__(self) -> None:
        self.items: list[t.PublishDiagnosticsParams] = []
        self.cond: asyncio.Condition | None = None
        self._tasks: set[asyncio.Future[None]] = set()

    def add(self, params: t.PublishDiagnosticsParams) -> None:
        self.items.append(params)
        if self.cond is not None:
            cond = self.cond

            async def notify() -> None:
                async with cond:
                    cond.notify_all()

            task = asyncio.ensure_future(notify())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def wait_until(self, pred: Callable[[t.PublishDiagnosticsParams], bool],
                         timeout: float = 30) -> t.PublishDiagnosticsParams:
        """The latest publication matching ``pred`` (waiting for one)."""
        if self.cond is None:
            self.cond = asyncio.Condition()

        def found() -> t.PublishDiagnosticsParams | None:
            return next((p for p in reversed(self.items) if pred(p)), None)

        async with self.cond:
            await asyncio.wait_for(self.cond.wait_for(lambda: found() is not None), timeout)
        got = found()
        assert got is not None
        return got

    async def wait_for(self, uri: str, version: int, timeout: float = 30) -> t.PublishDiagnosticsParams:
        return await self.wait_until(lambda p: p.uri == uri and p.version == version, timeout)


def make_client() -> LanguageClient:
    client = LanguageClient()
    published = Published()

    def publish(c: LanguageClient, params: t.PublishDiagnosticsParams) -> None:
        c.diagnostics[params.uri] = params.diagnostics
        published.add(params)

    def register_capability(c: LanguageClient, params: t.RegistrationParams) -> None:
        c.registrations = [*getattr(c, "registrations", []), *params.registrations]  # type: ignore[attr-defined]

    register_lsp_features(client, {**DEFAULT_CLIENT_FEATURES,
                                   t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: publish,
                                   t.CLIENT_REGISTER_CAPABILITY: register_capability})
    client.published = published  # type: ignore[attr-defined]
    return client


CONFIG = ClientServerConfig(
    server_command=[sys.executable, "-m", "dockwise", "--stdio"],
    client_factory=make_client,
    server_env={**os.environ, "DOCKWISE_TEST_HOOKS": "1"},
)


@pytest_lsp.fixture(config=CONFIG, params=PROFILES)
async def client(request: pytest.FixtureRequest, lsp_client: LanguageClient,
                 tmp_path: Path) -> AsyncIterator[None]:
    caps = client_capabilities(request.param)
    lsp_client.set_configuration({"dockwise": {}}, section=None)
    result = await lsp_client.initialize_session(t.InitializeParams(
        capabilities=caps, root_uri=tmp_path.as_uri(),
        workspace_folders=[t.WorkspaceFolder(tmp_path.as_uri(), "ws")]))
    # the negotiated position encoding (UTF-16 when the server says nothing)
    lsp_client.position_encoding = (  # type: ignore[attr-defined]
        result.capabilities.position_encoding or t.PositionEncodingKind.Utf16)
    lsp_client.server_capabilities = result.capabilities  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


# -- helpers used by the tests -------------------------------------------------------------


def is_pull(client: LanguageClient) -> bool:
    caps = client.capabilities
    return bool(caps and caps.text_document and caps.text_document.diagnostic is not None)


class Doc:
    """A document opened in the server, with the client's copy of its text."""

    def __init__(self, client: LanguageClient, path: Path, text: str, language_id: str) -> None:
        self.client, self.path, self.text = client, path, text
        self.uri = path.as_uri()
        self.version = 1
        path.write_text(text, encoding="utf-8")
        client.text_document_did_open(t.DidOpenTextDocumentParams(
            t.TextDocumentItem(self.uri, language_id, self.version, text)))

    def change(self, edits: list[t.TextEdit]) -> None:
        """Apply edits (relative to the current text) incrementally, as an editor does."""
        index = LineIndex(self.text)
        spans = []
        for e in edits:
            a = index.offset_from_utf16(e.range.start.line, e.range.start.character)
            b = index.offset_from_utf16(e.range.end.line, e.range.end.character)
            spans.append((a, b, e))
        spans.sort(key=lambda x: (x[0], x[1]), reverse=True)
        changes: list[t.TextDocumentContentChangeEvent] = []
        text = self.text
        for a, b, e in spans:
            text = text[:a] + e.new_text + text[b:]
            changes.append(t.TextDocumentContentChangePartial(range=e.range, text=e.new_text))
        self.text = text
        self.version += 1
        self.client.text_document_did_change(t.DidChangeTextDocumentParams(
            t.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version), changes))

    def replace_all(self, text: str) -> None:
        self.text = text
        self.version += 1
        self.client.text_document_did_change(t.DidChangeTextDocumentParams(
            t.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
            [t.TextDocumentContentChangeWholeDocument(text=text)]))

    async def diagnostics(self) -> list[t.Diagnostic]:
        """The diagnostics of the current version (pulled or pushed, as the client does)."""
        if is_pull(self.client):
            report = await self.client.text_document_diagnostic_async(
                t.DocumentDiagnosticParams(t.TextDocumentIdentifier(self.uri)))
            assert isinstance(report, t.RelatedFullDocumentDiagnosticReport)
            return list(report.items)
        published: Published = self.client.published  # type: ignore[attr-defined]
        return list((await published.wait_for(self.uri, self.version)).diagnostics)

    def position(self, needle: str, delta: int = 0) -> t.Position:
        index = LineIndex(self.text)
        line, col = index.utf16_col(self.text.index(needle) + delta)
        return t.Position(line, col)


def apply_workspace_edit(doc: Doc, edit: t.WorkspaceEdit) -> None:
    edits: list[t.TextEdit] = []
    if edit.document_changes:
        for dc in edit.document_changes:
            if isinstance(dc, t.TextDocumentEdit) and dc.text_document.uri == doc.uri:
                assert dc.text_document.version in (None, doc.version)
                edits += [e for e in dc.edits if isinstance(e, t.TextEdit)]
    elif edit.changes:
        edits = list(edit.changes.get(doc.uri, []))
    assert edits
    doc.change(edits)


def codes(diags: list[t.Diagnostic]) -> list[Any]:
    return [d.code for d in diags]
