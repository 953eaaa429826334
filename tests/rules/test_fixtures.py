"""Every rule fixture: positives find something, `ok_*` negatives find nothing, snapshots
match, and every fix applies, re-lints clean of that fixable finding, and still parses."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import (
    SNAPSHOTS,
    case_name,
    fixed_to_fixpoint,
    fixture_cases,
    is_compose_case,
    lint,
    settings_for_case,
    snapshot_text,
)

from dockwise.compose.yaml_model import load
from dockwise.dockerfile.scanner import scan
from dockwise.lint.engine import lint_dockerfile_text
from dockwise.lint.registry import all_rules
from dockwise.lint.types import Applicability

CASES = fixture_cases()


@pytest.mark.parametrize(("code", "path"), CASES, ids=[f"{c}/{case_name(p)}" for c, p in CASES])
def test_fixture(code: str, path: Path, update_snapshots: bool) -> None:
    assert code in all_rules(), f"fixture folder for unknown rule {code}"
    text = path.read_text(encoding="utf-8")
    settings = settings_for_case(code, path)
    found = lint(text, path, settings, code)
    name = case_name(path)
    if name.startswith("ok"):
        assert found == [], f"false positive(s): {[(v.span, v.message) for v in found]}"
        return
    assert found, f"{name}: expected {code} findings, got none"
    snap = SNAPSHOTS / code / (name + ".txt")
    got = snapshot_text(code, path, text, found)
    if update_snapshots or not snap.exists():
        snap.parent.mkdir(parents=True, exist_ok=True)
        snap.write_text(got, encoding="utf-8")
    assert got == snap.read_text(encoding="utf-8"), "snapshot differs (--update-snapshots)"


FIX_CASES = [
    (c, p) for c, p in CASES
    if not case_name(p).startswith("ok") and all_rules()[c].meta.fix.value not in ("none", "display")
]


@pytest.mark.parametrize(("code", "path"), FIX_CASES, ids=[f"{c}/{case_name(p)}" for c, p in FIX_CASES])
def test_fix_applies(code: str, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    settings = settings_for_case(code, path)
    before = lint(text, path, settings, code)
    fixable = [v for v in before if v.fix and v.fix.applicability is not Applicability.DISPLAY]
    if not fixable:
        # only rules whose fix is conditional may decline; they say why in the message
        assert all_rules()[code].meta.fix.value == "sometimes", f"{code} must offer its fix here"
        return
    fixed = fixed_to_fixpoint(text, path, settings, code)
    assert fixed != text
    after = lint(fixed, path, settings, code)
    left = [v for v in after if v.fix and v.fix.applicability is not Applicability.DISPLAY]
    assert not left, f"fixable findings left after fixing: {[v.message for v in left]}"
    assert len(after) < len(before)
    if is_compose_case(path):
        # the fixed file still parses as YAML
        assert load(fixed).error is None, load(fixed).error
        return
    # the fixed file still parses: no new DF001 errors
    errors_before = [v for v in lint_dockerfile_text(text, path).violations if v.code == "DF001"]
    errors_after = [v for v in lint_dockerfile_text(fixed, path).violations if v.code == "DF001"]
    assert len(errors_after) <= len(errors_before), [v.message for v in errors_after]
    scan(fixed)
