"""What an editor's re-lint can skip: services whose service-local checks found nothing
last time, and whose text has not changed since.

A rule module declares ``SERVICE_LOCAL = True`` when its findings for a service are a
function of that service alone: it iterates ``ctx.services`` and, for each, reads only
that service's own definition (through its aliases and merge keys), the lint's
settings, the project `.env`, the file's path and the project directory — never another
service, never another file, never the disk. The only state it may keep from one service
to the next is a set of nodes already checked, so that a node shared through an alias is
reported once (whether a node has a finding must not depend on which service reaches
it). Such a rule is run only on the services that are not known to be clean. A rule of which
only a part is service-local declares ``SERVICE_LOCAL = "part"`` and runs that part on
``ctx.dirty_services`` (the rest on every service); all its findings count as the
service-local rules' findings below.

A service is recorded as clean when, in a lint, no service-local rule reported anything
in its text or in the text its aliases read. It is skipped next time when its key is
unchanged: the texts its value is read from (:func:`~dockwise.compose.yaml_model.unit_texts`)
and the lint's context (settings, `.env`, path, project directory). Only "nothing found"
is remembered, so no finding, range or fix is ever reused: a service that has findings
is checked again on every lint, and the result is the same as a cold lint's.

Not remembered (checked every time): services of a project of several files (overrides,
`include`), services with `extends` or `env_file` (they read other definitions or
files), duplicated service names, and every service when the registry is consulted.
"""

from __future__ import annotations

import bisect
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from dockwise.compose.yaml_model import unit_keys

if TYPE_CHECKING:
    from dockwise.compose.service import Service
    from dockwise.lint.engine import ComposeContext
    from dockwise.lint.types import Violation

T = TypeVar("T")
_CACHE_SIZE = 8192
_clean: dict[tuple[Any, ...], None] = {}  # keys of clean services, least recently used first
_lock = threading.Lock()


def clear_cache() -> None:
    """Forget every clean service and every kept fact."""
    with _lock:
        _clean.clear()
        _facts.clear()


@contextmanager
def isolated() -> Iterator[None]:
    """Lint as if for the first time: every result kept between lints (clean services,
    the schema errors of each unit) starts empty inside, and is as before afterwards.
    For tests that compare with a cold lint, and benchmarks of one."""
    from dockwise.compose import schema

    global _clean, _facts
    saved = _clean, _facts, schema.swap_cache({})
    _clean, _facts = {}, {}
    try:
        yield
    finally:
        _clean, _facts = saved[0], saved[1]
        schema.swap_cache(saved[2])


def service_locality(rule: Any) -> bool | str:
    """A registered rule's ``SERVICE_LOCAL`` declaration: True (the whole check is
    service-local), ``"part"`` (the rule runs its service-local part on
    ``ctx.dirty_services`` itself) or False."""
    module = sys.modules.get(rule.meta.module)
    value = getattr(module, "SERVICE_LOCAL", False)
    return value if value in (True, "part") else False


class ServicePlan:
    """Which services the service-local rules of one lint must check, and, once they
    have run, which of those turned out clean."""

    def __init__(self, ctx: ComposeContext) -> None:
        self._ctx = ctx
        self._keys: dict[int, tuple[Any, ...]] = {}  # id(service) -> its key, when it has one
        self._units: dict[int, int] = {}  # id(service) -> index of its unit
        self.dirty: list[Service] = list(ctx.services)
        if not self._cacheable_context():
            return
        doc = ctx.doc
        structure = doc.structure
        by_key = {id(u.key): i for i, u in enumerate(structure.units) if u.service}
        names = [s.name for s in ctx.services]
        if len(set(names)) != len(names):
            return
        settings = ctx.settings
        context = (repr(settings), tuple(sorted(ctx.project.env.items())), str(ctx.path),
                   str(ctx.project.directory), ctx.project.in_file_list)
        keys = unit_keys(doc)
        dirty: list[Service] = []
        for svc in ctx.services:
            i = by_key.get(id(svc.key))
            texts = keys[i] if i is not None else None
            attrs = svc.keys
            if texts is None or "extends" in attrs or "env_file" in attrs:
                dirty.append(svc)
                continue
            key = (context, texts)
            self._keys[id(svc)] = key
            self._units[id(svc)] = i  # type: ignore[assignment]
            with _lock:
                clean = key in _clean
                if clean:  # (now the most recently used)
                    del _clean[key]
                    _clean[key] = None
            if not clean:
                dirty.append(svc)
        self.dirty = dirty
        ctx.project.memo["facts"] = Facts({s.name: self._keys[id(s)] for s in ctx.services
                                           if id(s) in self._keys})

    def _cacheable_context(self) -> bool:
        ctx = self._ctx
        project = ctx.project
        return (not ctx.settings.registry_lookup and len(project.files) == 1
                and project.files[0] is ctx.file and bool(ctx.doc.structure.units))

    def record(self, local_findings: Iterable[Violation]) -> None:
        """Remember as clean the checked services in whose text (and the text their
        aliases read) no service-local rule reported anything."""
        if not self._keys:
            return
        units = self._ctx.doc.structure.units
        starts = sorted(v.span.start for v in local_findings)
        found: list[tuple[Any, ...]] = []
        for svc in self.dirty:
            key = self._keys.get(id(svc))
            if key is None:
                continue
            if starts and any(_has(starts, units[j].lo, units[j].hi)
                              for j in _closure(units, self._units[id(svc)])):
                continue
            found.append(key)
        if not found:
            return
        with _lock:
            for key in found:
                _clean.pop(key, None)
                _clean[key] = None
            while len(_clean) > _CACHE_SIZE:
                del _clean[next(iter(_clean))]


MISSING: Any = object()
_FACTS_SIZE = 8192
_facts: dict[tuple[Any, ...], dict[str, Any]] = {}  # service key -> its facts


class Facts:
    """Facts about single services that checks of the whole project read (health,
    published ports, GPU requests…), kept by the service's key (see
    :class:`ServicePlan`) so that a re-lint works them out only for edited services.

    A fact must be *position-free* (no node, range or file in it: plain values) and
    derived only from what a service-local rule may read (the service's own definition,
    the lint's settings, the project `.env`, the path and the project directory).
    Services without a key (see the module docs) have no kept facts.
    ``project.memo["facts"]`` holds the lint's instance, when there is one."""

    __slots__ = ("_entries",)

    def __init__(self, keys: dict[str, tuple[Any, ...]]) -> None:
        entries: dict[str, dict[str, Any]] = {}  # service name -> its kept facts
        with _lock:
            for name, key in keys.items():
                entry = _facts.pop(key, None)  # (then the most recently used)
                entries[name] = _facts[key] = {} if entry is None else entry
            while len(_facts) > _FACTS_SIZE:
                del _facts[next(iter(_facts))]
        self._entries = entries

    def has(self, service: str) -> bool:
        """Whether facts about ``service`` are kept."""
        return service in self._entries

    def get(self, service: str, what: str) -> Any:
        """The fact, or :data:`MISSING`."""
        entry = self._entries.get(service)
        return MISSING if entry is None else entry.get(what, MISSING)

    def put(self, service: str, what: str, value: Any) -> None:
        entry = self._entries.get(service)
        if entry is not None:
            entry[what] = value


def fact(memo: dict[str, Any], service: str, what: str) -> Any:
    """``memo["facts"].get(service, what)`` when the project has kept facts."""
    store = memo.get("facts")
    return store.get(service, what) if isinstance(store, Facts) else MISSING


def remember(memo: dict[str, Any], service: str, what: str, value: Any) -> None:
    store = memo.get("facts")
    if isinstance(store, Facts):
        store.put(service, what, value)


def kept(memo: dict[str, Any], service: str, what: str, compute: Callable[[], T]) -> T:
    """A fact about ``service`` (a project's ``memo``): the kept one, else ``compute()``
    (then kept). ``compute`` must follow the rules of :class:`Facts`."""
    got = fact(memo, service, what)
    if got is MISSING:
        got = compute()
        remember(memo, service, what, got)
    return got  # type: ignore[no-any-return]


def _closure(units: list[Any], u: int) -> set[int]:
    out = {u}
    todo = [u]
    while todo:
        for d in units[todo.pop()].deps:
            if d not in out:
                out.add(d)
                todo.append(d)
    return out


def _has(starts: list[int], lo: int, hi: int) -> bool:
    """Whether a sorted list holds an offset in ``[lo, hi]``."""
    i = bisect.bisect_left(starts, lo)
    return i < len(starts) and starts[i] <= hi
