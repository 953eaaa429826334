"""Every rule: unique code and name, documented sections, fixtures, generated docs page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dockwise import docs_gen
from dockwise.lint.registry import all_rules, doc_sections_missing, expand_selector, select_rules
from dockwise.lint.types import FixAvailability

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "rules" / "fixtures"
RULES = sorted(all_rules().values(), key=lambda r: r.meta.code)


def test_codes_and_names_unique() -> None:
    for lang in ("dockerfile", "compose"):
        names = [r.meta.name for r in RULES if r.meta.language == lang]
        assert len(names) == len(set(names)), lang
    for r in RULES:
        assert re.fullmatch(r"D[FC]\d{3}", r.meta.code)
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", r.meta.name)


@pytest.mark.parametrize("code", [r.meta.code for r in RULES])
def test_rule_documented_and_has_fixtures(code: str) -> None:
    meta = all_rules()[code].meta
    assert not doc_sections_missing(meta), f"{code} docstring lacks {doc_sections_missing(meta)}"
    folder = FIXTURES / code
    assert folder.is_dir(), f"no fixtures for {code}"
    files = [p.name for p in folder.iterdir() if p.suffix != ".toml"]
    assert any(not n.startswith("ok") for n in files), f"{code}: no positive fixture"
    assert any(n.startswith("ok") for n in files), f"{code}: no negative (ok_*) fixture"


def test_docs_are_generated_and_fresh() -> None:
    assert docs_gen.main(["--check", "--out", str(ROOT / "docs" / "rules")]) == 0, (
        "docs/rules is stale: run `python -m dockwise.docs_gen`"
    )


def test_selectors() -> None:
    assert expand_selector("DF001") == {"DF001"}
    assert expand_selector("syntax-error") == {"DF001"}
    assert "DF001" in expand_selector("DF0")
    off = {c for c, r in all_rules().items() if not r.meta.enabled_by_default}
    assert not (select_rules(None, [], []) & off)
    assert select_rules(["ALL"], [], ["DF001"]) == set(all_rules()) - {"DF001"}


def test_fix_metadata_consistent() -> None:
    for r in RULES:
        assert isinstance(r.meta.fix, FixAvailability)
