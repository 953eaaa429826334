"""The language server (pygls 2): thin handlers over :mod:`dockwise.lsp` and
:mod:`dockwise.features`.

- Diagnostics: incremental sync; every edit schedules a lint of the document that starts
  as soon as the server is idle and coalesces edits arriving meanwhile
  (:mod:`dockwise.lsp.scheduler`); lints run in a worker thread; results carry the
  document version and a stale one is never published. Pull diagnostics when the client
  advertises them, push otherwise.
- Code actions: each fix read back from ``Diagnostic.data`` (refused when the document
  version moved), "fix all safe problems" (``source.fixAll.dockwise``, resolved lazily),
  "disable rule for this line".
- Hover: the rule's why and fix on a diagnosed range, plus the editor features' hovers.
- Settings: ``initializationOptions`` and ``workspace/configuration`` (section
  ``dockwise``) over the project config, reloaded on ``didChangeConfiguration``.

The lint machinery is imported in the background after ``initialize`` is answered.
Nothing but protocol goes to stdout: logs go to stderr and errors to ``window/logMessage``.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from lsprotocol import types as t
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from dockwise import __version__
from dockwise.documents import COMPOSE, DOCKERFILE
from dockwise.lsp import convert
from dockwise.lsp.documents import OpenDocument, Positions, make_document
from dockwise.lsp.linting import LintJob, LintOutcome
from dockwise.lsp.scheduler import Scheduler
from dockwise.text import Span

log = logging.getLogger("dockwise.server")
T = TypeVar("T")
SECTION = "dockwise"
IDLE_GC_DELAY = 10.0  # seconds without a lint before a full garbage collection
TEST_HOOKS = os.environ.get("DOCKWISE_TEST_HOOKS") == "1"


class DockwiseProtocol(LanguageServerProtocol):
    """Documents are kept by :class:`DockwiseServer` (LSP line breaks, our encodings), not
    by pygls' workspace: these builtins only hand over to our handlers."""

    @lsp_method(t.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: t.DidOpenTextDocumentParams) -> Iterator[Any]:
        if (h := self.fm.features.get(t.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield h, (params,), None

    @lsp_method(t.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: t.DidChangeTextDocumentParams) -> Iterator[Any]:
        if (h := self.fm.features.get(t.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield h, (params,), None

    @lsp_method(t.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: t.DidCloseTextDocumentParams) -> Iterator[Any]:
        if (h := self.fm.features.get(t.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield h, (params,), None


class DockwiseServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("dockwise", __version__, protocol_cls=DockwiseProtocol,
                         text_document_sync_kind=t.TextDocumentSyncKind.Incremental)
        self.docs: dict[str, OpenDocument] = {}
        self.pos = Positions()
        self.caps = t.ClientCapabilities()
        self.pull = False
        self.markdown = True
        self.editor: dict[str, Any] = {}  # validated editor settings
        self.editor_epoch = 0
        self._init_options: Any = None
        self._registrations: list[t.Registration] = []  # sent in `initialized`
        self.lint_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="dockwise-lint")
        self.feature_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="dockwise-feat")
        self._scheduler: Scheduler[LintOutcome] | None = None
        self._shown: set[str] = set()
        self._refresh_pending = False
        self.loop: asyncio.AbstractEventLoop | None = None
        self._linted_version: dict[str, int] = {}

    # -- helpers -------------------------------------------------------------------------

    @property
    def scheduler(self) -> Scheduler[LintOutcome]:
        if self._scheduler is None:
            self._scheduler = Scheduler(asyncio.get_running_loop(), self.lint_pool, self._make_job,
                                        self._version_of, self._publish)
            self._scheduler.on_idle = self._idle
        return self._scheduler

    _gc_timer: asyncio.TimerHandle | None = None

    def _idle(self) -> None:
        """No lint is pending: collect garbage once the user has paused for a while.
        Automatic full collections are made rare (see `initialized`): on a large heap one
        takes hundreds of milliseconds, and it would land on a keystroke."""
        if self._gc_timer is not None:
            self._gc_timer.cancel()
        self._gc_timer = asyncio.get_running_loop().call_later(IDLE_GC_DELAY, self._collect)

    def _collect(self) -> None:
        self._gc_timer = None
        if self.scheduler.idle():
            import gc

            gc.collect()

    def _version_of(self, uri: str) -> int | None:
        d = self.docs.get(uri)
        return d.version if d is not None else None

    def _job(self, doc: OpenDocument) -> LintJob:
        assert doc.kind is not None
        open_docs = {d.path: d.text for d in self.docs.values() if d.path is not None}
        return LintJob(doc.uri, doc.path, doc.kind, doc.version, doc.text, open_docs,
                       self.editor, self.editor_epoch)

    def _make_job(self, uri: str) -> Callable[[], LintOutcome] | None:
        doc = self.docs.get(uri)
        if doc is None or doc.kind is None:
            return None
        job = self._job(doc)
        index = doc.index
        pos = self.pos
        push = not self.pull

        def work() -> LintOutcome:
            from dockwise.lsp.linting import run_lint

            t0 = time.perf_counter()
            out = run_lint(job)
            t1 = time.perf_counter()
            if index.text is not job.text:  # pragma: no cover - the index is of this text
                raise RuntimeError("index out of date")
            # conversion in the worker thread too: the event loop only sends
            out.diagnostics = convert.diagnostics(out.violations, index, pos, job.version,
                                                  out.settings)
            out.push = push
            log.debug("lint %s v%d: %.1f ms, conversion %.1f ms", job.uri, job.version,
                      (t1 - t0) * 1000, (time.perf_counter() - t1) * 1000)
            return out

        return work

    def _publish(self, uri: str, out: LintOutcome) -> None:
        out.seq = self._next_seq()
        if out.config_error and out.config_error not in self._shown:
            self._shown.add(out.config_error)
            self.window_show_message(t.ShowMessageParams(
                t.MessageType.Warning, f"dockwise: {out.config_error} (using the defaults)"))
        for err in out.internal_errors:
            log.error("%s", err)
        if not self.pull:
            self.text_document_publish_diagnostics(t.PublishDiagnosticsParams(
                uri=uri, diagnostics=out.diagnostics, version=out.version))
        elif self._linted_version.get(uri) == out.version:
            # a re-lint of the same version (settings, a dependency changed): the client
            # only pulls after its own edits, so tell it to pull again
            self._request_refresh()
        self._linted_version[uri] = out.version

    _seq = 0

    def _next_seq(self) -> int:
        DockwiseServer._seq += 1
        return DockwiseServer._seq

    def _request_refresh(self) -> None:
        ws = self.caps.workspace
        if not (ws and ws.diagnostics and ws.diagnostics.refresh_support) or self._refresh_pending:
            return
        self._refresh_pending = True

        def send() -> None:
            self._refresh_pending = False
            self.workspace_diagnostic_refresh(None)

        asyncio.get_running_loop().call_soon(send)

    def lint(self, uri: str) -> None:
        doc = self.docs.get(uri)
        if doc is not None and doc.kind is not None:
            self.scheduler.schedule(uri)

    def lint_dependants(self, doc: OpenDocument) -> None:
        """Re-lint the open files whose checks read this one."""
        if doc.path is None:
            return
        from dockwise.lsp import linting

        other = COMPOSE if doc.kind == DOCKERFILE else DOCKERFILE
        by_path = {d.path: d for d in self.docs.values() if d.kind == other and d.path}
        if not by_path:
            return
        paths = list(by_path)
        deps = (linting.compose_dependants(doc.path, paths) if doc.kind == DOCKERFILE
                else linting.dockerfile_dependants(doc.path, paths))
        for p in deps:
            self.lint(by_path[p].uri)

    def relint_all(self) -> None:
        for uri in list(self.docs):
            self.lint(uri)

    def current(self, uri: str) -> tuple[OpenDocument, LintOutcome | None] | None:
        """The document and its lint result when that result is of its current version."""
        doc = self.docs.get(uri)
        if doc is None:
            return None
        res = self.scheduler.results.get(uri)
        return doc, (res if res is not None and res.version == doc.version else None)

    async def in_thread(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.feature_pool, fn, *args)

    def show(self, message: str, level: t.MessageType = t.MessageType.Warning) -> None:
        self.window_show_message(t.ShowMessageParams(level, message))

    # -- settings ------------------------------------------------------------------------

    async def apply_editor_settings(self, raw: Any) -> None:
        mapping = raw.get(SECTION, raw) if isinstance(raw, dict) else None
        if raw is None or mapping is None:
            mapping = {}
        if not isinstance(mapping, dict):
            self.show(f"dockwise: the `{SECTION}` settings must be an object (using the defaults)")
            mapping = {}
        from dockwise.lsp.linting import validate_editor

        error = await asyncio.get_running_loop().run_in_executor(self.lint_pool, validate_editor,
                                                                 mapping)
        if error is not None:
            self.show(f"dockwise: {error} (using the defaults)")
            mapping = {}
        if mapping != self.editor or error is not None:
            self.editor = dict(mapping)
            self.editor_epoch += 1
            self.relint_all()

    async def pull_configuration(self) -> None:
        ws = self.caps.workspace
        if not (ws and ws.configuration):
            return
        try:
            res = await self.workspace_configuration_async(
                t.ConfigurationParams(items=[t.ConfigurationItem(section=SECTION)]))
        except Exception:
            log.exception("workspace/configuration failed")
            return
        value = res[0] if res else None
        merged: dict[str, Any] = {}
        if isinstance(self._init_options, dict):
            base = self._init_options.get(SECTION, self._init_options)
            if isinstance(base, dict):
                merged.update(base)
        if isinstance(value, dict):
            merged.update(value)
        elif value is not None:
            merged = value  # reported as invalid
        await self.apply_editor_settings(merged)


server = DockwiseServer()


def _guard(fn: Callable[..., T]) -> Callable[..., T]:
    """Log a handler's failure (stderr and window/logMessage) and re-raise: pygls answers
    the request with an LSP error and keeps serving."""
    import functools
    import inspect

    if inspect.iscoroutinefunction(fn):
        @functools.wraps(fn)
        async def awrapper(*args: Any, **kw: Any) -> Any:
            try:
                return await fn(*args, **kw)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("%s failed", fn.__name__)
                raise

        return awrapper  # type: ignore[return-value]

    @functools.wraps(fn)
    def wrapper(*args: Any, **kw: Any) -> Any:
        try:
            return fn(*args, **kw)
        except Exception:
            log.exception("%s failed", fn.__name__)
            raise

    return wrapper


def feature(name: str, options: Any = None) -> Callable[[Callable[..., T]], Callable[..., T]]:
    def deco(fn: Callable[..., T]) -> Callable[..., T]:
        server.feature(name, options)(_guard(fn))
        return fn

    return deco


# -- lifecycle ---------------------------------------------------------------------------


@feature(t.INITIALIZE)
def initialize(ls: DockwiseServer, params: t.InitializeParams) -> None:
    ls.loop = asyncio.get_event_loop()
    ls.caps = params.capabilities
    enc = ls.workspace.position_encoding
    ls.pos = Positions(enc.value if isinstance(enc, t.PositionEncodingKind) else str(enc or "utf-16"))
    td = params.capabilities.text_document
    ls.pull = bool(td and td.diagnostic is not None)
    fmts = td.hover.content_format if td and td.hover else None
    ls.markdown = bool(fmts and t.MarkupKind.Markdown in fmts)
    ls._init_options = params.initialization_options
    from dockwise.lsp import wiring

    ls._registrations = wiring.dockerfile_only_formatting(ls)
    ls.scheduler.hold()  # until the editor's settings are known (released in initialized)
    if ls.pull:
        ls.protocol.fm.feature_options[t.TEXT_DOCUMENT_DIAGNOSTIC] = t.DiagnosticOptions(
            identifier="dockwise", inter_file_dependencies=True, workspace_diagnostics=False)
    else:  # push: do not advertise pull diagnostics at all
        ls.protocol.fm.features.pop(t.TEXT_DOCUMENT_DIAGNOSTIC, None)


@feature(t.INITIALIZED)
async def initialized(ls: DockwiseServer, params: t.InitializedParams) -> None:
    from dockwise.lsp.linting import warm_up

    loop = asyncio.get_running_loop()
    warm = loop.run_in_executor(ls.lint_pool, warm_up)
    regs = list(ls._registrations)
    ws = ls.caps.workspace
    if ws and ws.did_change_configuration and ws.did_change_configuration.dynamic_registration:
        regs.append(t.Registration(id="dockwise-config", method=t.WORKSPACE_DID_CHANGE_CONFIGURATION,
                                   register_options=t.DidChangeConfigurationRegistrationOptions(
                                       section=SECTION)))
    if ws and ws.did_change_watched_files and ws.did_change_watched_files.dynamic_registration:
        regs.append(t.Registration(
            id="dockwise-watch", method=t.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=t.DidChangeWatchedFilesRegistrationOptions(watchers=[
                t.FileSystemWatcher(glob_pattern=g) for g in
                ("**/.dockwise.toml", "**/pyproject.toml", "**/.hadolint.y*ml",
                 "**/.dockerignore", "**/*compose*.y*ml")])))
    try:
        if ws and ws.configuration:
            await ls.pull_configuration()
        elif ls._init_options is not None:
            await ls.apply_editor_settings(ls._init_options)
    finally:
        ls.scheduler.release()
    if regs:
        try:
            await ls.client_register_capability_async(t.RegistrationParams(registrations=regs))
        except Exception:
            log.warning("client/registerCapability failed", exc_info=True)
    await warm
    import gc

    # lints allocate many short-lived acyclic objects: fewer young collections, the
    # imported modules moved out of the collector's way, and full collections left to
    # idle time (`_idle`) rather than to whichever keystroke triggers one
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 50, 10_000)


@feature(t.SHUTDOWN)
def shutdown(ls: DockwiseServer, params: None) -> None:
    ls.lint_pool.shutdown(wait=False, cancel_futures=True)
    ls.feature_pool.shutdown(wait=False, cancel_futures=True)


# -- documents ---------------------------------------------------------------------------


@feature(t.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: DockwiseServer, params: t.DidOpenTextDocumentParams) -> None:
    td = params.text_document
    doc = make_document(td.uri, td.language_id, td.version, td.text)
    ls.docs[td.uri] = doc
    if doc.kind is None:
        return
    ls.lint(td.uri)
    ls.lint_dependants(doc)


@feature(t.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: DockwiseServer, params: t.DidChangeTextDocumentParams) -> None:
    doc = ls.docs.get(params.text_document.uri)
    if doc is None:
        log.warning("didChange for a document that is not open: %s", params.text_document.uri)
        return
    for ch in params.content_changes:
        if isinstance(ch, t.TextDocumentContentChangePartial):
            sp = convert.span_of(ls.pos, doc.index, ch.range)
            doc.replace(sp.start, sp.end, ch.text)
        else:
            doc.replace(0, len(doc.text), ch.text)
    doc.version = params.text_document.version
    if doc.kind is None and not doc.sniff():
        return
    ls.lint(doc.uri)
    ls.lint_dependants(doc)


@feature(t.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: DockwiseServer, params: t.DidCloseTextDocumentParams) -> None:
    doc = ls.docs.pop(params.text_document.uri, None)
    ls.scheduler.forget(params.text_document.uri)
    ls._linted_version.pop(params.text_document.uri, None)
    if doc is None or doc.kind is None:
        return
    if not ls.pull:
        ls.text_document_publish_diagnostics(t.PublishDiagnosticsParams(doc.uri, []))
    ls.lint_dependants(doc)  # they read the file from disk now


@feature(t.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: DockwiseServer, params: t.DidSaveTextDocumentParams) -> None:
    pass  # the buffer is what we lint; registered so clients send didSave-driven refreshes


@feature(t.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def did_change_configuration(ls: DockwiseServer,
                                   params: t.DidChangeConfigurationParams) -> None:
    ws = ls.caps.workspace
    ls.scheduler.hold([u for u, d in ls.docs.items() if d.kind is not None])
    try:
        if ws and ws.configuration:
            await ls.pull_configuration()
        else:
            await ls.apply_editor_settings(params.settings)
    finally:
        ls.scheduler.release()


@feature(t.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_watched_files(ls: DockwiseServer, params: t.DidChangeWatchedFilesParams) -> None:
    from dockwise.config import clear_caches
    from dockwise.lint import incremental

    clear_caches()
    incremental.clear()  # cached findings may depend on the changed files
    ls.relint_all()


# -- diagnostics (pull) ------------------------------------------------------------------


@feature(t.TEXT_DOCUMENT_DIAGNOSTIC)
async def diagnostic(ls: DockwiseServer, params: t.DocumentDiagnosticParams) -> t.DocumentDiagnosticReport:
    uri = params.text_document.uri
    doc = ls.docs.get(uri)
    if doc is None or doc.kind is None:
        return t.RelatedFullDocumentDiagnosticReport(items=[])
    res = await ls.scheduler.result_for(uri)
    if res is None:
        return t.RelatedFullDocumentDiagnosticReport(items=[])
    rid = str(res.seq)
    if params.previous_result_id == rid:
        return t.RelatedUnchangedDocumentDiagnosticReport(result_id=rid)
    return t.RelatedFullDocumentDiagnosticReport(items=res.diagnostics, result_id=rid)


# -- code actions ------------------------------------------------------------------------


def _kind_wanted(kind: str, only: Sequence[str] | None) -> bool:
    return not only or any(kind == o or kind.startswith(o + ".") for o in only)


@feature(t.TEXT_DOCUMENT_CODE_ACTION, t.CodeActionOptions(
    code_action_kinds=[t.CodeActionKind.QuickFix, convert.FIX_ALL_KIND], resolve_provider=True))
async def code_action(ls: DockwiseServer, params: t.CodeActionParams) -> list[t.CodeAction] | None:
    from dockwise.lsp import actions

    cur = ls.current(params.text_document.uri)
    if cur is None:
        return None
    doc, res = cur
    only = [str(k) for k in params.context.only] if params.context.only else None
    out: list[t.CodeAction] = []
    if _kind_wanted(t.CodeActionKind.QuickFix, only):
        out += actions.quick_fixes(ls.caps, doc, ls.pos, params.context.diagnostics, res)
    if _kind_wanted(convert.FIX_ALL_KIND, only) and res is not None and actions.has_safe_fix(res):
        act = actions.fix_all_action(doc)
        if not actions.can_resolve(ls.caps):  # the client cannot resolve: compute it now
            act = await code_action_resolve(ls, act)
        out.append(act)
    return out or None


@feature(t.CODE_ACTION_RESOLVE)
async def code_action_resolve(ls: DockwiseServer, params: t.CodeAction) -> t.CodeAction:
    from dockwise.lsp import actions

    data = params.data if isinstance(params.data, dict) else {}
    if data.get("fixAll") and params.edit is None:
        doc = ls.docs.get(str(data.get("uri")))
        if doc is None or doc.kind is None:
            return params
        from dockwise.lsp.linting import fix_all

        job = ls._job(doc)
        new_text = await ls.in_thread(fix_all, job)
        if ls.docs.get(doc.uri) is doc and doc.version == job.version:
            params.edit = actions.whole_text_edit(ls.caps, doc, ls.pos, new_text)
    return params


# -- hover -------------------------------------------------------------------------------


@feature(t.TEXT_DOCUMENT_HOVER)
async def hover(ls: DockwiseServer, params: t.HoverParams) -> t.Hover | None:
    from dockwise.lsp import hovers

    cur = ls.current(params.text_document.uri)
    if cur is None:
        return None
    doc, res = cur
    offset = ls.pos.to_offset(doc.index, params.position.line, params.position.character)
    parts: list[tuple[str, Span | None]] = []
    if res is not None:
        parts += hovers.rule_hovers(res, offset)
    if doc.kind is not None:
        parts += await ls.in_thread(hovers.feature_hovers, doc.kind, doc.text, offset, doc.path,
                                    res.settings if res is not None else None)
    if not parts:
        return None
    text = "\n\n---\n\n".join(p for p, _ in parts)
    span = next((s for _, s in parts if s is not None), None)
    content = (t.MarkupContent(t.MarkupKind.Markdown, text) if ls.markdown
               else t.MarkupContent(t.MarkupKind.PlainText, convert.plain_text(text)))
    rng = convert.lsp_range(ls.pos, doc.index, span) if span is not None else None
    return t.Hover(contents=content, range=rng)


# -- test hooks --------------------------------------------------------------------------

if TEST_HOOKS:
    @server.command("dockwise.test.fail")
    def _test_fail(ls: DockwiseServer, *args: Any) -> None:
        raise RuntimeError("dockwise.test.fail: a handler failing on purpose")


# -- editor features (dockwise.features), wired when present -----------------------------


def _has(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _register_features() -> None:
    from dockwise.lsp import wiring

    wiring.register(server, feature, _has)


_register_features()


# -- entry point -------------------------------------------------------------------------


class _ClientLogHandler(logging.Handler):
    """Forward errors to the client's log (window/logMessage), from any thread."""

    def __init__(self, ls: DockwiseServer) -> None:
        super().__init__(logging.ERROR)
        self.ls = ls
        self._sending = False

    def emit(self, record: logging.LogRecord) -> None:
        if self._sending:  # an error while sending a log message: stderr only
            return
        try:
            msg = self.format(record)
            loop = self.ls.loop
            if loop is None or loop.is_closed() or self.ls.protocol.writer is None:
                return

            def send() -> None:
                self._sending = True
                try:
                    self.ls.window_log_message(t.LogMessageParams(t.MessageType.Error, msg))
                except Exception:  # pragma: no cover - the connection is gone
                    pass
                finally:
                    self._sending = False

            loop.call_soon_threadsafe(send)
        except Exception:  # pragma: no cover - logging must never raise
            pass


def main(*, tcp: str | None = None) -> int:
    """Run the server on stdio (or TCP ``HOST:PORT``) until the client exits."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print() must never corrupt the protocol stream
    level = os.environ.get("DOCKWISE_LOG_LEVEL", "WARNING").upper()
    logging.basicConfig(stream=sys.stderr, level=getattr(logging, level, logging.WARNING),
                        format="dockwise %(levelname)s %(name)s: %(message)s")
    handler = _ClientLogHandler(server)
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)
    if tcp is not None:
        host, _, port = tcp.rpartition(":")
        try:
            server.start_tcp(host or "127.0.0.1", int(port))
        except OSError as e:  # address in use, not allowed, unknown host
            print(f"dockwise: cannot listen on {tcp}: {e.strerror or e}", file=sys.stderr)
            return 2
    else:
        server.start_io(stdin, stdout)
    code = 0 if server.protocol._shutdown else 1
    # The client has gone. A lint of a huge file may still be running in a worker thread,
    # and the interpreter would wait for it at exit (it joins executor threads): leave now.
    logging.shutdown()
    sys.stderr.flush()
    os._exit(code)


__all__ = ["DockwiseServer", "main", "server"]
