"""Per-document lint scheduling.

A document is linted as soon as the server is idle: an edit marks it dirty and a lint of
the latest text starts on the next turn of the event loop (edits already read from the
client coalesce into one lint). While a lint runs in the worker thread, newer edits only
mark the document dirty again; when the lint ends its result is published if it is of the
document's current version, else dropped (a stale result never overwrites a newer one),
and a dirty document is linted again at once. No fixed debounce.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Generic, Protocol, TypeVar

log = logging.getLogger(__name__)


class Versioned(Protocol):
    @property
    def version(self) -> int: ...


R = TypeVar("R", bound=Versioned)


class Scheduler(Generic[R]):
    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        executor: Executor,
        make_job: Callable[[str], Callable[[], R] | None],
        current_version: Callable[[str], int | None],
        publish: Callable[[str, R], None],
    ) -> None:
        self.loop = loop
        self.executor = executor
        self.make_job = make_job  # uri -> work to run in a thread (None: nothing to lint)
        self.current_version = current_version
        self.publish = publish
        self.results: dict[str, R] = {}
        self._dirty: set[str] = set()
        self._running: set[str] = set()
        self._queued: set[str] = set()
        self._waiters: dict[str, list[asyncio.Future[None]]] = {}
        self._failed: dict[str, int | None] = {}  # uri -> version whose lint gave nothing
        self._held = 0
        self.on_idle: Callable[[], None] | None = None  # called when the last lint ends

    def idle(self) -> bool:
        return not (self._running or self._queued or self._dirty)

    def hold(self, uris: list[str] | None = None) -> None:
        """Start no lint until :meth:`release` (settings are being loaded); ``uris`` are
        marked for re-linting meanwhile, so pull requests wait for the new settings."""
        self._held += 1
        self._dirty.update(uris or ())

    def release(self) -> None:
        self._held = max(0, self._held - 1)
        if not self._held:
            for uri in list(self._dirty):
                self.schedule(uri)

    def schedule(self, uri: str) -> None:
        self._dirty.add(uri)
        if uri in self._running or uri in self._queued:
            return
        self._queued.add(uri)
        self.loop.call_soon(self._start, uri)

    def busy(self, uri: str) -> bool:
        return uri in self._running or uri in self._queued

    def forget(self, uri: str) -> None:
        self._dirty.discard(uri)
        self.results.pop(uri, None)
        self._failed.pop(uri, None)
        self._wake(uri)

    def _start(self, uri: str) -> None:
        self._queued.discard(uri)
        if uri in self._running or uri not in self._dirty or self._held:
            return
        self._dirty.discard(uri)
        work = self.make_job(uri)
        if work is None:
            self._failed[uri] = self.current_version(uri)
            self._wake(uri)
            return
        self._running.add(uri)
        fut = self.loop.run_in_executor(self.executor, work)
        fut.add_done_callback(lambda f: self._finished(uri, f))

    def _finished(self, uri: str, fut: asyncio.Future[R]) -> None:
        self._running.discard(uri)
        result: R | None = None
        if not fut.cancelled():
            exc = fut.exception()
            if exc is not None:
                log.error("lint of %s failed", uri, exc_info=exc)
            else:
                result = fut.result()
        if result is None:
            self._failed[uri] = self.current_version(uri)
        elif result.version == self.current_version(uri):
            self._failed.pop(uri, None)
            self.results[uri] = result
            try:
                self.publish(uri, result)
            except Exception:
                log.exception("publishing diagnostics of %s failed", uri)
        if uri in self._dirty:
            self.schedule(uri)
        else:
            self._wake(uri)
        if self.on_idle is not None and self.idle():
            self.on_idle()

    def _wake(self, uri: str) -> None:
        for w in self._waiters.pop(uri, []):
            if not w.done():
                w.set_result(None)

    async def result_for(self, uri: str) -> R | None:
        """The result of the document's current version (waiting for its lint)."""
        while True:
            version = self.current_version(uri)
            if version is None:
                return None
            res = self.results.get(uri)
            # a lint of the same version may be running (a file it reads has changed):
            # wait for it rather than answer with what it is about to replace
            if (res is not None and res.version == version and uri not in self._dirty
                    and uri not in self._running):
                return res
            if uri in self._failed and self._failed[uri] == version and not self.busy(uri):
                return None
            if not self.busy(uri) and not self._held:
                self.schedule(uri)
            w: asyncio.Future[None] = self.loop.create_future()
            self._waiters.setdefault(uri, []).append(w)
            await w
