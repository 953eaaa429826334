"""The `@rule` decorator, automatic discovery and rule selection."""

from __future__ import annotations

import functools
import importlib
import os
import re
import sys
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from dockwise.lint.types import FixAvailability, RuleMeta, Severity

CheckFn = Callable[[Any], None]


class Rule(NamedTuple):
    """A registered rule: its metadata and its check function."""

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
        # (its first paragraph; one that introduces a list ends at its colon)
        summary = " ".join(m.group(1).split()).rstrip(":") if m else name
        language = "compose" if code.startswith("DC") else "dockerfile"
        meta = RuleMeta(code=code, name=name, severity=severity, summary=summary, doc=doc,
                        fix=fix, language=language, enabled_by_default=enabled,
                        equivalents=equivalents, module=fn.__module__)
        if code in _RULES and _RULES[code].meta.module != fn.__module__:
            raise ValueError(f"duplicate rule code {code}")
        _RULES[code] = Rule(meta, fn)
        return fn

    return deco


_PACKAGES = {"dockerfile": "dockwise.lint.rules.dockerfile", "compose": "dockwise.lint.rules.compose"}
_LOADED: set[str] = set()


def _load(language: str | None) -> None:
    """Import the rule modules of one language (or all): checking a Dockerfile never pays
    for importing the Compose machinery, which keeps `dockwise --check Dockerfile` fast."""
    for lang in [language] if language else list(_PACKAGES):
        if lang in _LOADED:
            continue
        pkg = importlib.import_module(_PACKAGES[lang])
        for name in _module_names(pkg.__name__, pkg.__path__):
            importlib.import_module(name)
        _LOADED.add(lang)


def _module_names(package: str, path: Iterable[str]) -> list[str]:
    """The modules of a rule package (one file per rule), sorted. A directory listing:
    cheaper at start-up than `pkgutil.walk_packages`, which we fall back on when the
    package does not live in a directory (a zip import)."""
    try:
        stems = {f[:-3] for d in path for f in os.listdir(d)
                 if f.endswith(".py") and f != "__init__.py"}
    except OSError:
        import pkgutil

        return [info.name for info in pkgutil.walk_packages(path, package + ".")]
    return [f"{package}.{stem}" for stem in sorted(stems)]


def language_of(code: str) -> str:
    return "compose" if code.upper().startswith("DC") else "dockerfile"


@functools.cache
def all_rules() -> dict[str, Rule]:
    """Every rule, discovered by importing all modules under `dockwise.lint.rules`."""
    _load(None)
    return dict(sorted(_RULES.items()))


@functools.cache
def rules_of(language: str) -> dict[str, Rule]:
    """The rules of one language (only that language's modules are imported)."""
    _load(language)
    return {c: r for c, r in sorted(_RULES.items()) if r.meta.language == language}


def rules_for(language: str) -> list[Rule]:
    return list(rules_of(language).values())


def by_name(pool: dict[str, Rule] | None = None) -> dict[str, set[str]]:
    """Rule name -> codes. A name is unique within a language; the catalogue gives DF404
    and DC203 the same name (`missing-healthcheck`), so a name can select one rule per
    language."""
    out: dict[str, set[str]] = {}
    for code, r in (pool if pool is not None else all_rules()).items():
        out.setdefault(r.meta.name, set()).add(code)
    return out


class UnknownRuleError(ValueError):
    pass


_CODE = re.compile(r"D[FC]\d{0,3}")


def expand_selector(sel: str, language: str | None = None) -> set[str]:
    """Codes a selector means: a code, a rule name, a code prefix (`DF1`, `DC`) or `ALL`.
    With ``language``, only that language's codes (a selector of the other language
    yields nothing rather than importing its rules)."""
    s = sel.strip()
    if not s:
        return set()
    up = s.upper()
    if language is not None and _CODE.fullmatch(up) and language_of(up) != language:
        return set()
    pool = rules_of(language) if language is not None else all_rules()
    if up == "ALL":
        return set(pool)
    if up in pool:
        return {up}
    names = by_name(pool)
    if s.lower() in names:
        return set(names[s.lower()])
    if _CODE.fullmatch(up):
        hits = {c for c in pool if c.startswith(up)}
        if hits:
            return hits
    if language is not None and (s.lower() in by_name() or up in all_rules()):
        return set()  # a rule of the other language
    raise UnknownRuleError(f"unknown rule `{sel}`")


def select_rules(
    select: Iterable[str] | None, extend_select: Iterable[str], ignore: Iterable[str],
    language: str | None = None,
) -> set[str]:
    """The enabled rule codes (select replaces the default set; extend adds; ignore removes)."""
    rules = rules_of(language) if language is not None else all_rules()
    if select is None:
        enabled = {c for c, r in rules.items() if r.meta.enabled_by_default}
    else:
        enabled = set()
        for s in select:
            enabled |= expand_selector(s, language)
    for s in extend_select:
        enabled |= expand_selector(s, language)
    for s in ignore:
        enabled -= expand_selector(s, language)
    return enabled


def doc_sections_missing(meta: RuleMeta) -> list[str]:
    return [s for s in _DOC_SECTIONS if s not in meta.doc]
