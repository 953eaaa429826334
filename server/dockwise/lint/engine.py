"""lint(document, settings) -> violations: parse → rules → suppress → severities → sort."""

from __future__ import annotations

import difflib
import traceback
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dockwise.config import Settings
from dockwise.dockerfile.analysis import Analysis, analyse
from dockwise.dockerfile.model import Dockerfile
from dockwise.dockerfile.scanner import scan
from dockwise.documents import DecodeError, decode
from dockwise.lint.incremental import (
    StagePlan,
    disk_epoch,
    file_facts,
    is_stage_local,
    reads_disk,
)
from dockwise.lint.registry import Rule, all_rules, language_of, rules_for, rules_of
from dockwise.lint.suppression import Filter, parse_pragmas
from dockwise.lint.types import Fix, RuleMeta, Severity, Violation
from dockwise.text import Span

if TYPE_CHECKING:
    from dockwise.images.catalogue import Catalogue
    from dockwise.images.pinning import RegistryLookup


def _registry(settings: Settings) -> RegistryLookup | None:
    """The registry client for pinning fixes when `registry-lookup = true`, else None."""
    if not settings.registry_lookup:
        return None
    from dockwise.images.registry import lookup_for

    return lookup_for(settings)


@dataclass
class LintResult:
    violations: list[Violation]
    text: str | None = None
    encoding: str = "utf-8"
    analysis: Analysis | None = None
    internal_errors: list[str] = field(default_factory=list)


class RuleContext:
    """What every rule sees, whatever the language: settings, per-rule options, the image
    catalogue, the registry (when enabled), and `_add` to record a finding."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.violations: list[Violation] = []
        self._meta: RuleMeta | None = None

    @property
    def images(self) -> Catalogue:
        from dockwise.images.catalogue import catalogue

        return catalogue()

    @property
    def registry(self) -> RegistryLookup | None:
        """Registry lookup for pinning (None unless `registry-lookup = true`)."""
        return _registry(self.settings)

    def option(self, name: str, default: Any) -> Any:
        """A per-rule option from `[tool.dockwise.rules.<code or name>]`."""
        assert self._meta is not None
        opts = self.settings.rule_options.get(self._meta.code) or self.settings.rule_options.get(
            self._meta.name, {})
        return opts.get(name, default)

    def _add(self, span: Span, message: str, fix: Fix | None, severity: Severity | None,
             equivalents: tuple[str, ...] | None) -> None:
        meta = self._meta
        assert meta is not None, "report() outside a rule"
        self.violations.append(Violation(
            code=meta.code, name=meta.name,
            severity=severity if severity is not None else meta.severity,
            message=message, span=span, fix=fix,
            equivalents=meta.equivalents if equivalents is None else equivalents))


class DockerfileContext(RuleContext):
    """What a Dockerfile rule sees: the model, the analysis, settings, the catalogue."""

    def __init__(self, path: Path | None, an: Analysis, settings: Settings,
                 named_contexts: Iterable[str] = ()) -> None:
        self.path = path
        # build contexts supplied by name (Compose `additional_contexts`, Bake)
        self.named_contexts: frozenset[str] = frozenset(named_contexts)
        super().__init__(settings)
        self.analysis = an
        self.df: Dockerfile = an.dockerfile
        self.text = an.dockerfile.text
        self._stages: list[Any] | None = None

    def restricted(self, stage_indexes: list[int] | None) -> DockerfileContext:
        """A fresh context that shows rules only these stages (all when None) and what
        precedes the first FROM; the analysis stays whole, so what a stage builds on is
        visible."""
        from dataclasses import replace

        an = self.analysis
        view = DockerfileContext(self.path, an, self.settings, self.named_contexts)
        if stage_indexes is None:
            return view
        keep = [an.stages[i] for i in stage_indexes]
        ins = [i for i in self.df.instructions if i.stage < 0]
        for st in keep:
            ins.append(st.from_)
            ins.extend(st.instructions)
        view.df = replace(self.df, instructions=ins, _by_keyword=None)
        view._stages = keep
        return view

    @property
    def stages(self) -> list[Any]:
        """The stages to check (in an incremental lint, only those that changed)."""
        return self.analysis.stages if self._stages is None else self._stages

    @property
    def target_stages(self) -> list[Any]:
        """The target stages among those to check."""
        targets = self.analysis.targets
        return [s for s in self.stages if s.index in targets]

    def syntax_at_least(self, version: tuple[int, int]) -> bool:
        return self.analysis.syntax >= version

    def report(
        self,
        span: Span,
        message: str,
        *,
        fix: Fix | None = None,
        severity: Severity | None = None,
        equivalents: tuple[str, ...] | None = None,
    ) -> None:
        self._add(span, message, fix, severity, equivalents)


def _rules(settings: Settings, language: str) -> list[Rule]:
    enabled = settings.enabled_for(language)
    return [r for r in rules_for(language) if r.meta.code in enabled]


def lint_dockerfile_text(
    text: str,
    path: Path | None = None,
    settings: Settings | None = None,
    *,
    compose_targets: Iterable[str] | None = None,
    named_contexts: Iterable[str] = (),
    incremental: bool = False,
) -> LintResult:
    """Lint one Dockerfile. With ``incremental`` (the language server), rules marked
    stage-local re-run only on the stages that changed since an earlier lint of this file
    (see :mod:`dockwise.lint.incremental`); the result is the same as a full lint."""
    settings = settings or Settings()
    df = scan(text)
    targets = None if compose_targets is None else tuple(compose_targets)
    an = analyse(df, compose_targets=targets, min_syntax=settings.syntax_minimum)
    ctx = DockerfileContext(path, an, settings, named_contexts)
    errors: list[str] = []
    rules = _rules(settings, "dockerfile")
    if not incremental or not an.stages:
        _run_rules(rules, ctx, errors)
        return _result(ctx.violations, ctx, text, errors)
    local = [r for r in rules if is_stage_local(r.check)]
    _run_rules([r for r in rules if not is_stage_local(r.check)], ctx, errors)
    context = (targets, ctx.named_contexts, str(path))
    pure = [r for r in local if not reads_disk(r.check)]
    disk = [r for r in local if reads_disk(r.check)]
    ctx.violations += _incremental(ctx, pure, context, errors)
    ctx.violations += _incremental(ctx, disk, (context, disk_epoch()), errors)
    return _result(ctx.violations, ctx, text, errors)


def _incremental(ctx: DockerfileContext, rules: list[Rule], context: Hashable,
                 errors: list[str]) -> list[Violation]:
    """The findings of stage-local rules: run on the changed components only, the others'
    from the cache."""
    an = ctx.analysis
    plan = StagePlan(an, ctx.settings, (r.meta.code for r in rules),
                     (context, file_facts((r.check for r in rules), an)))
    n_errors = len(errors)
    found: list[Violation] = []
    if plan.dirty:
        # a fresh context collects the findings; it shows only the dirty stages
        view = ctx.restricted(plan.dirty if len(plan.dirty) < len(an.stages) else None)
        _run_rules(rules, view, errors)
        found = view.violations
    prelude = [v for v in found if v.span.start < plan.prelude_end]
    by_component = {plan.dirty_components[0][0]: prelude} if prelude else {}
    if prelude and len(plan.dirty_components) > 1:
        # which component a finding before the first FROM comes from: re-run the rules
        # that made one on each component alone (rare: a FROM image from a global ARG)
        codes = {v.code for v in prelude}
        by_component = {}
        for comp in plan.dirty_components:
            sub = ctx.restricted(comp)
            _run_rules([r for r in rules if r.meta.code in codes], sub, errors)
            by_component[comp[0]] = [v for v in sub.violations
                                     if v.span.start < plan.prelude_end]
    # a failing rule may have stopped half-way: its findings are not cached
    return plan.merge(found, by_component, store=len(errors) == n_errors)


def _run_rules(rules: list[Rule], ctx: RuleContext, errors: list[str]) -> None:
    for r in rules:
        ctx._meta = r.meta
        try:
            r.check(ctx)
        except Exception:  # a rule bug must not take the whole lint down
            errors.append(f"internal error in {r.meta.code} ({getattr(ctx, 'path', None)}):\n"
                          f"{traceback.format_exc()}")
    ctx._meta = None


def _result(found: list[Violation], ctx: DockerfileContext, text: str,
            errors: list[str]) -> LintResult:
    violations = _postprocess(found, ctx.df, ctx.analysis, ctx.settings)
    return LintResult(violations, text, analysis=ctx.analysis, internal_errors=errors)


def _postprocess(
    found: list[Violation], df: Dockerfile, an: Analysis, settings: Settings
) -> list[Violation]:
    sup = parse_pragmas(df, settings.hadolint_ignored)
    flt = Filter(df, sup, [st.from_.span.start for st in an.stages])
    out: list[Violation] = []
    seen: set[tuple[str, int, int, str]] = set()
    for v in found:
        if flt.suppressed(v.code, v.name, v.equivalents, v.span):
            continue
        key = (v.code, v.span.start, v.span.end, v.message)
        if key in seen:
            continue
        seen.add(key)
        out.append(v)
    out.extend(_unknown_pragma_ids(sup.pragmas, settings, "DF001"))
    overrides = settings.severity_overrides
    for v in out:
        if v.code in overrides:
            v.severity = overrides[v.code]
    out.sort(key=Violation.sort_key)
    return out


def _unknown_pragma_ids(pragmas: Iterable[Any], settings: Settings, code: str) -> list[Violation]:
    """Unknown rule ids in dockwise and hadolint pragmas, reported under ``code`` (DF001 /
    DC001): a suppression that names no rule suppresses nothing."""
    from dockwise.lint.suppression import HADOLINT_CODES, SHELLCHECK_CODE

    out: list[Violation] = []
    pragmas = list(pragmas)
    if not pragmas or code not in settings.enabled_for(language_of(code)):
        return out
    rules = all_rules()
    names = {r.meta.name for r in rules.values()}
    meta = rules[code].meta
    for p in pragmas:
        for ident, span in p.ids:
            if p.kind == "hadolint":
                if ident.upper() in HADOLINT_CODES or SHELLCHECK_CODE.fullmatch(ident.upper()):
                    continue
                known: list[str] = sorted(HADOLINT_CODES)
                what = "hadolint rule"
            elif ident.upper() in rules or ident.lower() in names or ident.lower() == "all":
                continue
            else:
                known, what = list(rules), "rule"
            close = difflib.get_close_matches(ident.upper(), known, n=1)
            hint = f" (did you mean `{close[0]}`?)" if close else ""
            out.append(Violation(meta.code, meta.name, Severity.WARNING,
                                 f"unknown {what} `{ident}` in suppression comment{hint}", span))
    return out


def decode_failure(path: Path | None, message: str, code: str = "DF001") -> LintResult:
    rules = rules_of(language_of(code))
    name = rules[code].meta.name if code in rules else "syntax-error"
    return LintResult([Violation(code, name, Severity.ERROR, message, Span(0, 0))], None)


def lint_dockerfile_bytes(
    data: bytes, path: Path | None = None, settings: Settings | None = None,
    *, compose_targets: Iterable[str] | None = None,
) -> LintResult:
    try:
        dec = decode(data)
    except DecodeError as e:
        return decode_failure(path, f"cannot read this Dockerfile: {e}")
    res = lint_dockerfile_text(dec.text, path, settings, compose_targets=compose_targets)
    res.encoding = dec.encoding
    return res


# ---------------------------------------------------------------------------------------
# Compose


class ComposeContext(RuleContext):
    """What a Compose rule sees: this file's YAML nodes, the resolved project, settings."""

    def __init__(self, file: Any, project: Any, settings: Settings,
                 open_documents: Mapping[Path, str] | None = None) -> None:
        from dockwise.compose.service import services

        super().__init__(settings)
        self.file = file
        self.project = project
        self.path: Path | None = file.path
        self.text: str = file.text
        self.doc = file.doc
        self.root = file.doc.root
        self.open_documents = open_documents
        self.services = services(self.root)
        # the services whose service-local checks must run (see compose/incremental.py)
        self.dirty_services = self.services

    def read_text(self, path: Path) -> str | None:
        """A file's text: the editor's unsaved buffer when there is one, else the disk."""
        if self.open_documents is not None:
            t = self.open_documents.get(path.resolve())
            if t is not None:
                return t
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def span(self, node: Any) -> Span:
        from dockwise.compose.yaml_model import span_of

        return span_of(node)

    def report(
        self,
        where: Any,
        message: str,
        *,
        fix: Fix | None = None,
        severity: Severity | None = None,
    ) -> None:
        """Report at a YAML node or a Span; nodes outside this file are not reported."""
        span = where if isinstance(where, Span) else self.span(where)
        if span.end > len(self.text):
            return
        self._add(span, message, fix, severity, ())


def _yaml_key_ranges(root: Any, index: Any) -> Callable[[int], list[Span]]:
    from dockwise.compose.yaml_model import MappingNode, SequenceNode, span_of

    by_line: dict[int, list[Span]] = {}
    seen: set[int] = set()
    stack = [root]
    while stack:
        n = stack.pop()
        if n is None or id(n) in seen:
            continue
        seen.add(id(n))
        if isinstance(n, MappingNode):
            for k, v in n.value:
                line = k.start_mark.line
                rng = [Span(k.start_mark.index, max(k.start_mark.index, v.end_mark.index))]
                vs = span_of(v)
                if not rng[0].start <= vs.start <= rng[0].end:
                    rng.append(vs)  # an alias: the anchored node it stands for
                by_line.setdefault(line, []).extend(rng)
                stack.append(v)
        elif isinstance(n, SequenceNode):
            for item in n.value:
                by_line.setdefault(item.start_mark.line, []).append(span_of(item))
                stack.append(item)
    return lambda line: by_line.get(line, [])


def lint_compose_text(
    text: str,
    path: Path | None = None,
    settings: Settings | None = None,
    *,
    project_directory: Path | None = None,
    open_documents: Mapping[Path, str] | None = None,
) -> LintResult:
    from dockwise.memory import paused_gc

    with paused_gc():  # the node graph is large and acyclic: see paused_gc
        return _lint_compose(text, path, settings or Settings(), project_directory,
                             open_documents)


def _lint_compose(
    text: str,
    path: Path | None,
    settings: Settings,
    project_directory: Path | None,
    open_documents: Mapping[Path, str] | None,
    timings: dict[str, float] | None = None,
) -> LintResult:
    """(``timings``: seconds spent per phase and per rule are added to it — benchmarks.)"""
    from dockwise.compose.incremental import ServicePlan, service_locality
    from dockwise.compose.project import resolve_project
    from dockwise.compose.yaml_model import load
    from dockwise.lint.suppression import YamlFilter, parse_yaml_pragmas

    lap = _Laps(timings)
    doc = load(text)
    lap("yaml load")
    rules = rules_of("compose")
    if doc.error is not None:
        name = rules["DC001"].meta.name if "DC001" in rules else "schema"
        return LintResult([Violation("DC001", name, Severity.ERROR, doc.error.message,
                                     doc.error.span)], text)
    project = resolve_project(path, text, doc, project_directory=project_directory,
                              compose_files=settings.compose_files, open_documents=open_documents)
    me = next(f for f in project.files if f.text is text or (f.path == path and f.doc is doc))
    ctx = ComposeContext(me, project, settings, open_documents)
    errors: list[str] = []
    lap("project")
    doc.structure  # noqa: B018  (the one walk over every node, shared by the rules)
    lap("node walk")
    # service-local rules check only the services not known to be clean (an editor's
    # re-lint after typing in one service checks that one): see compose/incremental.py
    plan = ServicePlan(ctx)
    lap("kept results")
    every = ctx.services
    ctx.dirty_services = plan.dirty
    local_found: list[Violation] = []
    for r in _rules(settings, "compose"):
        ctx._meta = r.meta
        local = service_locality(r)
        ctx.services = plan.dirty if local is True else every
        before = len(ctx.violations)
        try:
            r.check(ctx)
        except Exception:
            errors.append(f"internal error in {r.meta.code} ({path}):\n{traceback.format_exc()}")
        if local:
            local_found.extend(ctx.violations[before:])
        lap(r.meta.code)
    ctx._meta = None
    ctx.services = every
    if not errors:
        plan.record(local_found)
    # (no suppression comment without the word: then no line index is needed)
    pragmas = parse_yaml_pragmas(text, doc.index) if "dockwise" in text else []
    ranges: Callable[[int], list[Span]] = (
        _yaml_key_ranges(doc.root, doc.index) if any(p.scope == "next" for p in pragmas)
        else (lambda line: []))
    flt = YamlFilter(pragmas, doc.index, ranges) if pragmas else None
    out: list[Violation] = []
    seen: set[tuple[str, int, int, str]] = set()
    for v in ctx.violations:
        key = (v.code, v.span.start, v.span.end, v.message)
        if key in seen or (flt is not None and flt.suppressed(v.code, v.name, v.span)):
            continue
        seen.add(key)
        out.append(v)
    out.extend(_unknown_pragma_ids(pragmas, settings, "DC001"))
    overrides = settings.severity_overrides
    for v in out:
        if v.code in overrides:
            v.severity = overrides[v.code]
    out.sort(key=Violation.sort_key)
    lap("suppress + sort")
    return LintResult(out, text, internal_errors=errors)


class _Laps:
    """Adds the time since the previous call to ``timings[name]`` (nothing without)."""

    __slots__ = ("_clock", "_last", "_timings")

    def __init__(self, timings: dict[str, float] | None) -> None:
        from time import perf_counter

        self._timings = timings
        self._clock = perf_counter
        self._last = perf_counter() if timings is not None else 0.0

    def __call__(self, name: str) -> None:
        if self._timings is not None:
            now = self._clock()
            self._timings[name] = self._timings.get(name, 0.0) + now - self._last
            self._last = now


def lint_compose_bytes(
    data: bytes, path: Path | None = None, settings: Settings | None = None,
    *, project_directory: Path | None = None,
) -> LintResult:
    try:
        dec = decode(data)
    except DecodeError as e:
        return decode_failure(path, f"cannot read this Compose file: {e}", code="DC001")
    res = lint_compose_text(dec.text, path, settings, project_directory=project_directory)
    res.encoding = dec.encoding
    return res
