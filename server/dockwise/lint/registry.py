"""The `@rule` decorator, automatic discovery and rule selection."""

from __future__ import annotations

import functools
import importlib
import pkgutil
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from dockwise.lint.types import FixAvailability, RuleMeta, Severity

CheckFn = Callable[[Any], None]


@dataclass(frozen=True, slots=True)
class Rule:
    meta: RuleMeta
    check: CheckFn


_RULES: dict[str, Rule] = {}
_DOC_SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Fix safety")


def rule(
    *,
    code: str,
    name: str,
    severity: Severity,
    fix: FixAvailability = FixAvailability.NONE,
    equivalents: tuple[str, ...] = (),
    enabled: bool = True,
) -> Callable[[CheckFn], CheckFn]:
    """Register a rule. The defining module's docstring is its documentation."""

    def deco(fn: CheckFn) -> CheckFn:
        module = sys.modules[fn.__module__]
        doc = (module.__doc__ or "").strip()
        m = re.search(r"## What it does\s*\n(.+?)(?:\n\s*\n|\n##|$)", doc, re.S)
        summary = " ".join(m.group(1).split()) if m else name
        language = "compose" if code.startswith("DC") else "dockerfile"
        meta = RuleMeta(code=code, name=name, severity=severity, summary=summary, doc=doc,
                        fix=fix, language=language, enabled_by_default=enabled,
                        equivalents=equivalents, module=fn.__module__)
        if code in _RULES and _RULES[code].meta.module != fn.__module__:
            raise ValueError(f"duplicate rule code {code}")
        _RULES[code] = Rule(meta, fn)
        return fn

    return deco


@functools.cache
def all_rules() -> dict[str, Rule]:
    """Every rule, discovered by importing all modules under `dockwise.lint.rules`."""
    from dockwise.lint import rules as pkg

    for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
        importlib.import_module(info.name)
    return dict(sorted(_RULES.items()))


def rules_for(language: str) -> list[Rule]:
    return [r for r in all_rules().values() if r.meta.language == language]


def by_name() -> dict[str, set[str]]:
    """Rule name -> codes. A name is unique within a language; the catalogue gives DF404
    and DC203 the same name (`missing-healthcheck`), so a name can select one rule per
    language."""
    out: dict[str, set[str]] = {}
    for code, r in all_rules().items():
        out.setdefault(r.meta.name, set()).add(code)
    return out


class UnknownRuleError(ValueError):
    pass


def expand_selector(sel: str) -> set[str]:
    """Codes a selector means: a code, a rule name, a code prefix (`DF1`, `DC`) or `ALL`."""
    rules = all_rules()
    s = sel.strip()
    if not s:
        return set()
    up = s.upper()
    if up == "ALL":
        return set(rules)
    if up in rules:
        return {up}
    names = by_name()
    if s.lower() in names:
        return set(names[s.lower()])
    if re.fullmatch(r"D[FC]\d{0,3}", up):
        hits = {c for c in rules if c.startswith(up)}
        if hits:
            return hits
    raise UnknownRuleError(f"unknown rule `{sel}`")


def select_rules(
    select: Iterable[str] | None, extend_select: Iterable[str], ignore: Iterable[str]
) -> set[str]:
    """The enabled rule codes (select replaces the default set; extend adds; ignore removes)."""
    rules = all_rules()
    if select is None:
        enabled = {c for c, r in rules.items() if r.meta.enabled_by_default}
    else:
        enabled = set()
        for s in select:
            enabled |= expand_selector(s)
    for s in extend_select:
        enabled |= expand_selector(s)
    for s in ignore:
        enabled -= expand_selector(s)
    return enabled


def doc_sections_missing(meta: RuleMeta) -> list[str]:
    return [s for s in _DOC_SECTIONS if s not in meta.doc]
