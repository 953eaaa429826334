"""The editor features of :mod:`dockwise.features` as LSP handlers: completion, document
symbols, definition / references / rename, document links, folding ranges. Each runs in
the server's feature thread pool on the document's current text."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types as t

from dockwise.lsp import convert
from dockwise.text import LineIndex

if TYPE_CHECKING:
    from dockwise.server import DockwiseServer

Feature = Callable[..., Callable[[Callable[..., Any]], Callable[..., Any]]]

TRIGGERS = ["$", "{", "-", "=", ":", "/", "@"]


def _caps_get(obj: Any, *names: str) -> Any:
    for n in names:
        if obj is None:
            return None
        obj = getattr(obj, n, None)
    return obj


def register(server: DockwiseServer, feature: Feature, has: Callable[[str], bool]) -> None:
    if has("dockwise.features.completion"):
        _completion(feature)
    if has("dockwise.features.symbols"):
        _symbols(feature)
    if has("dockwise.features.navigation"):
        _navigation(feature)
    if has("dockwise.features.links"):
        _links(feature)
    if has("dockwise.features.folding"):
        _folding(feature)
    if has("dockwise.features.formatting"):
        _formatting(feature)


def dockerfile_only_formatting(ls: DockwiseServer) -> list[t.Registration]:
    """Formatting answers for Dockerfiles only. A static capability would make a client
    offer dockwise as a formatter for every document it shares with us (Compose YAML too:
    VS Code then asks which formatter to use), so where the client can register
    formatting dynamically the static capability is withdrawn (called in `initialize`)
    and the returned Dockerfile-only registrations are sent in `initialized`."""
    from dockwise.documents import DOCKERFILE_PATTERNS

    td = ls.caps.text_document
    fm = ls.protocol.fm
    selector: list[t.TextDocumentFilter] = [t.TextDocumentFilterLanguage(language="dockerfile")]
    selector += [t.TextDocumentFilterPattern(pattern="**/" + p) for p in DOCKERFILE_PATTERNS]
    regs = []
    for method, client, options in (
            (t.TEXT_DOCUMENT_FORMATTING, td and td.formatting,
             t.DocumentFormattingRegistrationOptions),
            (t.TEXT_DOCUMENT_RANGE_FORMATTING, td and td.range_formatting,
             t.DocumentRangeFormattingRegistrationOptions)):
        if method in fm.features and client and client.dynamic_registration:
            fm.feature_options[method] = False  # the capability builder then advertises none
            regs.append(t.Registration(id="dockwise-" + method.split("/")[1], method=method,
                                       register_options=options(document_selector=selector)))
    return regs


def _doc(ls: DockwiseServer, uri: str) -> Any:
    doc = ls.docs.get(uri)
    return doc if doc is not None and doc.kind is not None else None


def _offset(ls: DockwiseServer, doc: Any, p: t.Position) -> int:
    return ls.pos.to_offset(doc.index, p.line, p.character)


def _completion(feature: Feature) -> None:
    @feature(t.TEXT_DOCUMENT_COMPLETION, t.CompletionOptions(trigger_characters=TRIGGERS))
    async def completion(ls: DockwiseServer, params: t.CompletionParams) -> t.CompletionList | None:
        from dockwise.features.completion import complete

        doc = _doc(ls, params.text_document.uri)
        if doc is None:
            return None
        ci = _caps_get(ls.caps, "text_document", "completion", "completion_item")
        snippets = bool(_caps_get(ci, "snippet_support"))
        formats = _caps_get(ci, "documentation_format") or []
        md = t.MarkupKind.Markdown in formats
        tags = _caps_get(ci, "tag_support", "value_set") or []
        modes = _caps_get(ci, "insert_text_mode_support", "value_set") or []
        res = ls.scheduler.results.get(doc.uri)
        text, index, pos = doc.text, doc.index, ls.pos
        offset = _offset(ls, doc, params.position)
        editor, epoch = ls.editor, ls.editor_epoch

        def run() -> list[Any]:
            from dockwise.lsp.linting import effective_settings

            # the settings of the last lint; before the first one, the project's own
            settings = res.settings if res is not None else effective_settings(
                doc.path, editor, epoch)[0]
            return complete(doc.kind, text, offset, snippets=snippets,
                            min_compose_version=settings.min_compose_version)

        items = await ls.in_thread(run)
        out = []
        for it in items:
            documentation: str | t.MarkupContent | None = None
            if it.documentation:
                documentation = (t.MarkupContent(t.MarkupKind.Markdown, it.documentation) if md
                                 else convert.plain_text(it.documentation))
            multiline = "\n" in it.insert_text
            out.append(t.CompletionItem(
                label=it.label,
                kind=getattr(t.CompletionItemKind, it.kind, t.CompletionItemKind.Text),
                detail=it.detail,
                documentation=documentation,
                sort_text=it.sort_text,
                filter_text=it.filter_text,
                preselect=it.preselect or None,
                insert_text_format=(t.InsertTextFormat.Snippet if it.snippet and snippets
                                    else t.InsertTextFormat.PlainText),
                insert_text_mode=(t.InsertTextMode.AsIs if multiline and t.InsertTextMode.AsIs in modes
                                  else None),
                tags=([t.CompletionItemTag.Deprecated] if it.deprecated
                      and t.CompletionItemTag.Deprecated in tags else None),
                text_edit=t.TextEdit(convert.lsp_range(pos, index, it.replace), it.insert_text),
            ))
        return t.CompletionList(is_incomplete=False, items=out)


def _symbol(sym: Any, index: LineIndex, pos: Any) -> t.DocumentSymbol:
    return t.DocumentSymbol(
        name=sym.name or "?",
        kind=getattr(t.SymbolKind, sym.kind, t.SymbolKind.Object),
        range=convert.lsp_range(pos, index, sym.span),
        selection_range=convert.lsp_range(pos, index, sym.selection),
        detail=sym.detail,
        children=[_symbol(c, index, pos) for c in sym.children] or None,
    )


def _flat(sym: Any, index: LineIndex, pos: Any, uri: str, parent: str | None,
          out: list[t.SymbolInformation]) -> None:
    out.append(t.SymbolInformation(
        name=sym.name or "?", kind=getattr(t.SymbolKind, sym.kind, t.SymbolKind.Object),
        location=t.Location(uri, convert.lsp_range(pos, index, sym.span)),
        container_name=parent))
    for c in sym.children:
        _flat(c, index, pos, uri, sym.name, out)


def _symbols(feature: Feature) -> None:
    @feature(t.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    async def document_symbol(ls: DockwiseServer, params: t.DocumentSymbolParams
                              ) -> list[t.DocumentSymbol] | list[t.SymbolInformation] | None:
        from dockwise.features.symbols import symbols

        doc = _doc(ls, params.text_document.uri)
        if doc is None:
            return None
        text, index, pos, kind = doc.text, doc.index, ls.pos, doc.kind
        syms = await ls.in_thread(symbols, kind, text)
        if _caps_get(ls.caps, "text_document", "document_symbol",
                     "hierarchical_document_symbol_support"):
            return [_symbol(s, index, pos) for s in syms]
        flat: list[t.SymbolInformation] = []
        for s in syms:
            _flat(s, index, pos, doc.uri, None, flat)
        return flat


def _location(ls: DockwiseServer, doc: Any, loc: Any) -> t.Location:
    if loc.path is None:
        return t.Location(doc.uri, convert.lsp_range(ls.pos, doc.index, loc.span))
    path = Path(loc.path)
    other = next((d for d in ls.docs.values() if d.path == path.resolve()), None)
    if other is not None:
        return t.Location(other.uri, convert.lsp_range(ls.pos, other.index, loc.span))
    index = LineIndex(loc.text or "")
    return t.Location(path.resolve().as_uri(), convert.lsp_range(ls.pos, index, loc.span))


def _navigation(feature: Feature) -> None:
    @feature(t.TEXT_DOCUMENT_DEFINITION)
    async def definition(ls: DockwiseServer, params: t.DefinitionParams) -> list[t.Location] | None:
        from dockwise.features import navigation

        doc = _doc(ls, params.text_document.uri)
        if doc is None:
            return None
        buffers = {d.path: d.text for d in ls.docs.values() if d.path is not None}

        def read(p: Path) -> str | None:
            got = buffers.get(p.resolve())
            if got is not None:
                return got
            try:
                return p.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                return None

        text, kind, path = doc.text, doc.kind, doc.path
        offset = _offset(ls, doc, params.position)
        locs = await ls.in_thread(lambda: navigation.definition(kind, text, offset, path=path,
                                                                read=read))
        return [_location(ls, doc, loc) for loc in locs] or None

    @feature(t.TEXT_DOCUMENT_REFERENCES)
    async def references(ls: DockwiseServer, params: t.ReferenceParams) -> list[t.Location] | None:
        from dockwise.features import navigation

        doc = _doc(ls, params.text_document.uri)
        if doc is None:
            return None
        text, kind = doc.text, doc.kind
        offset = _offset(ls, doc, params.position)
        incl = params.context.include_declaration
        locs = await ls.in_thread(navigation.references, kind, text, offset, incl)
        return [_location(ls, doc, loc) for loc in locs] or None

    @feature(t.TEXT_DOCUMENT_PREPARE_RENAME)
    async def prepare_rename(ls: DockwiseServer, params: t.PrepareRenameParams) -> t.Range | None:
        from dockwise.features import navigation

        doc = _doc(ls, params.text_document.uri)
        if doc is None:
            return None
        offset = _offset(ls, doc, params.position)
        span = await ls.in_thread(navigation.prepare_rename, doc.kind, doc.text, offset)
        return convert.lsp_range(ls.pos, doc.index, span) if span is not None else None

    @feature(t.TEXT_DOCUMENT_RENAME, t.RenameOptions(prepare_provider=True))
    async def rename(ls: DockwiseServer, params: t.RenameParams) -> t.WorkspaceEdit | None:
        from dockwise.features import navigation

        doc = _doc(ls, params.text_document.uri)
        if doc is None:
            return None
        offset = _offset(ls, doc, params.position)
        version, index = doc.version, doc.index
        edits = await ls.in_thread(navigation.rename, doc.kind, doc.text, offset, params.new_name)
        if edits is None:
            return None
        tes = [t.TextEdit(convert.lsp_range(ls.pos, index, e.span), e.new_text) for e in edits]
        we = _caps_get(ls.caps, "workspace", "workspace_edit", "document_changes")
        if we:
            return t.WorkspaceEdit(document_changes=[t.TextDocumentEdit(
                t.OptionalVersionedTextDocumentIdentifier(uri=doc.uri, version=version), list(tes))])
        return t.WorkspaceEdit(changes={doc.uri: tes})


def _links(feature: Feature) -> None:
    @feature(t.TEXT_DOCUMENT_DOCUMENT_LINK, t.DocumentLinkOptions(resolve_provider=False))
    async def document_link(ls: DockwiseServer, params: t.DocumentLinkParams
                            ) -> list[t.DocumentLink] | None:
        from dockwise.features.links import links

        doc = _doc(ls, params.text_document.uri)
        if doc is None:
            return None
        base = doc.path.parent if doc.path is not None else None
        index, pos = doc.index, ls.pos
        found = await ls.in_thread(links, doc.kind, doc.text, base)
        tooltips = bool(_caps_get(ls.caps, "text_document", "document_link", "tooltip_support"))
        out = []
        for lk in found:
            target = lk.target if "://" in lk.target else Path(lk.target).resolve().as_uri()
            out.append(t.DocumentLink(range=convert.lsp_range(pos, index, lk.span), target=target,
                                      tooltip=lk.tooltip if tooltips else None))
        return out


def _folding(feature: Feature) -> None:
    @feature(t.TEXT_DOCUMENT_FOLDING_RANGE)
    async def folding_range(ls: DockwiseServer, params: t.FoldingRangeParams
                            ) -> list[t.FoldingRange] | None:
        from dockwise.features.folding import folding

        doc = _doc(ls, params.text_document.uri)
        if doc is None:
            return None
        found = await ls.in_thread(folding, doc.kind, doc.text)
        line_only = bool(_caps_get(ls.caps, "text_document", "folding_range", "line_folding_only"))
        kinds = {"comment": t.FoldingRangeKind.Comment, "region": t.FoldingRangeKind.Region,
                 "imports": t.FoldingRangeKind.Imports}
        out = []
        for f in found:
            out.append(t.FoldingRange(start_line=f.start_line, end_line=f.end_line,
                                      kind=kinds.get(f.kind) if f.kind else None))
        del line_only  # our ranges are whole lines already
        return out



def _formatting(feature: Feature) -> None:
    """Dockerfiles only: Compose (YAML) files are left to YAML formatters."""

    async def edits(ls: DockwiseServer, uri: str, options: t.FormattingOptions,
                    rng: t.Range | None) -> list[t.TextEdit] | None:
        from dockwise.documents import DOCKERFILE
        from dockwise.features.formatting import Indent, format_dockerfile

        doc = _doc(ls, uri)
        if doc is None or doc.kind != DOCKERFILE:
            return None
        unit = Indent(min(max(1, options.tab_size), 16), options.insert_spaces)
        lines = None if rng is None else (rng.start.line, rng.end.line - (
            1 if rng.end.character == 0 and rng.end.line > rng.start.line else 0))
        found = await ls.in_thread(format_dockerfile, doc.text, unit, lines)
        nl = convert.newline_of(doc.text)
        return [convert.text_edit(doc.index, ls.pos, span.start, span.end, new, nl)
                for span, new in found]

    @feature(t.TEXT_DOCUMENT_FORMATTING)
    async def formatting(ls: DockwiseServer, params: t.DocumentFormattingParams
                         ) -> list[t.TextEdit] | None:
        return await edits(ls, params.text_document.uri, params.options, None)

    @feature(t.TEXT_DOCUMENT_RANGE_FORMATTING)
    async def range_formatting(ls: DockwiseServer, params: t.DocumentRangeFormattingParams
                               ) -> list[t.TextEdit] | None:
        return await edits(ls, params.text_document.uri, params.options, params.range)
