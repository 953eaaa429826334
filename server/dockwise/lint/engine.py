"""lint(document, settings) -> violations: parse → rules → suppress → severities → sort."""

from __future__ import annotations

import difflib
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dockwise.config import Settings
from dockwise.dockerfile.analysis import Analysis, analyse
from dockwise.dockerfile.model import Dockerfile
from dockwise.dockerfile.scanner import scan
from dockwise.documents import DecodeError, decode
from dockwise.lint.registry import Rule, all_rules, rules_for
from dockwise.lint.suppression import Filter, parse_pragmas
from dockwise.lint.types import Fix, RuleMeta, Severity, Violation
from dockwise.text import Span

if TYPE_CHECKING:
    from dockwise.images.catalogue import Catalogue


@dataclass
class LintResult:
    violations: list[Violation]
    text: str | None = None
    encoding: str = "utf-8"
    analysis: Analysis | None = None
    internal_errors: list[str] = field(default_factory=list)


class DockerfileContext:
    """What a Dockerfile rule sees: the model, the analysis, settings, the catalogue."""

    def __init__(self, path: Path | None, an: Analysis, settings: Settings) -> None:
        self.path = path
        self.analysis = an
        self.df: Dockerfile = an.dockerfile
        self.text = an.dockerfile.text
        self.settings = settings
        self.violations: list[Violation] = []
        self._meta: RuleMeta | None = None

    @property
    def stages(self) -> list[Any]:
        return self.analysis.stages

    @property
    def images(self) -> Catalogue:
        from dockwise.images.catalogue import catalogue

        return catalogue()

    def option(self, name: str, default: Any) -> Any:
        assert self._meta is not None
        opts = self.settings.rule_options.get(self._meta.code) or self.settings.rule_options.get(
            self._meta.name, {}
        )
        return opts.get(name, default)

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
        meta = self._meta
        assert meta is not None, "report() outside a rule"
        self.violations.append(
            Violation(
                code=meta.code,
                name=meta.name,
                severity=severity if severity is not None else meta.severity,
                message=message,
                span=span,
                fix=fix,
                equivalents=meta.equivalents if equivalents is None else equivalents,
            )
        )


def _rules(settings: Settings, language: str) -> list[Rule]:
    enabled = settings.enabled_codes
    return [r for r in rules_for(language) if r.meta.code in enabled]


def lint_dockerfile_text(
    text: str,
    path: Path | None = None,
    settings: Settings | None = None,
    *,
    compose_targets: Iterable[str] | None = None,
) -> LintResult:
    settings = settings or Settings()
    df = scan(text)
    an = analyse(df, compose_targets=compose_targets, min_syntax=settings.syntax_minimum)
    ctx = DockerfileContext(path, an, settings)
    errors: list[str] = []
    for r in _rules(settings, "dockerfile"):
        ctx._meta = r.meta
        try:
            r.check(ctx)
        except Exception:  # a rule bug must not take the whole lint down
            errors.append(f"internal error in {r.meta.code} ({path}):\n{traceback.format_exc()}")
    ctx._meta = None
    violations = _postprocess(ctx.violations, df, an, settings)
    return LintResult(violations, text, analysis=an, internal_errors=errors)


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
    out.extend(_unknown_pragma_ids(sup.pragmas, settings))
    overrides = settings.severity_overrides
    for v in out:
        if v.code in overrides:
            v.severity = overrides[v.code]
    out.sort(key=Violation.sort_key)
    return out


def _unknown_pragma_ids(pragmas: Iterable[Any], settings: Settings) -> list[Violation]:
    rules = all_rules()
    names = {r.meta.name for r in rules.values()}
    meta = rules["DF001"].meta if "DF001" in rules else None
    out: list[Violation] = []
    if meta is None or "DF001" not in settings.enabled_codes:
        return out
    for p in pragmas:
        if p.kind != "dockwise":
            continue
        for ident, span in p.ids:
            if ident.upper() in rules or ident.lower() in names or ident.lower() == "all":
                continue
            close = difflib.get_close_matches(ident.upper(), list(rules), n=1)
            hint = f" (did you mean `{close[0]}`?)" if close else ""
            out.append(Violation(meta.code, meta.name, Severity.WARNING,
                                 f"unknown rule `{ident}` in suppression comment{hint}", span))
    return out


def decode_failure(path: Path | None, message: str, code: str = "DF001") -> LintResult:
    rules = all_rules()
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
