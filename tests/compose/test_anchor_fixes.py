"""Fixes on nodes read through anchors (`*x`, `<<: *x`): an edit changes only the
services (and the parts of them) its finding is about, as the real Compose binary
resolves the file, and snippets go into the service's own mapping."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dockwise.compose import edits
from dockwise.compose.yaml_model import get, load
from dockwise.config import settings_from_mapping
from dockwise.lint.engine import lint_compose_text
from dockwise.lint.types import Violation
from support import compose_config

FIXTURES = Path(__file__).parent.parent / "rules" / "fixtures"


def lint(text: str, code: str, path: Path) -> list[Violation]:
    res = lint_compose_text(text, path, settings_from_mapping({"select": [code]}, "t"))
    assert not res.internal_errors, res.internal_errors
    return [v for v in res.violations if v.code == code]


def apply(text: str, v: Violation) -> str:
    assert v.fix is not None
    for e in sorted(v.fix.edits, key=lambda e: e.span.start, reverse=True):
        text = text[:e.span.start] + e.new_text + text[e.span.end:]
    return text


def services(tmp: Path, text: str) -> dict[str, Any]:
    f = tmp / "compose.yaml"
    f.write_text(text)
    r = compose_config(f, "--format", "json", "--no-interpolate", "--no-path-resolution")
    assert r.returncode == 0, r.stderr
    out: dict[str, Any] = json.loads(r.stdout)["services"]
    return out


def changed(a: Any, b: Any, path: tuple[Any, ...] = ()) -> set[tuple[Any, ...]]:
    if isinstance(a, dict) and isinstance(b, dict):
        out: set[tuple[Any, ...]] = set()
        for k in set(a) | set(b):
            out |= changed(a.get(k), b.get(k), (*path, k))
        return out
    return set() if a == b else {path}


# (fixture, rule, line of the finding, the service paths its fix may change — exactly)
CASES = [
    ("DC201/anchor_shared_condition.yaml", "DC201", 9, {("a", "depends_on", "b", "condition")}),
    ("DC201/anchor_shared_defaults.yaml", "DC201", 9,
     {("web", "depends_on", "memcached", "condition"),
      ("worker", "depends_on", "memcached", "condition")}),
    ("DC403/long_merged_read_only.yaml", "DC403", 10, {("train", "volumes")}),
    ("DC403/anchored_item.yaml", "DC403", 4, {("train", "volumes"), ("eval", "volumes")}),
    ("DC202/shared_service_mapping.yaml", "DC202", 13, {("cache", "healthcheck")}),
    ("DC203/merge_last.yaml", "DC203", 13, {("ollama-cpu", "healthcheck")}),
    ("DC203/merge_last.yaml", "DC203", 16, {("bar", "healthcheck")}),
    ("DC009/anchor_shared_other_field.yaml", "DC009", 8,
     {("app", "environment", "PYTHON_VERSION")}),
    ("DC009/anchor_shared_fields.yaml", "DC009", 3,
     {("app", "environment", "PYTHON_VERSION"), ("worker", "environment", "PYTHON_VERSION"),
      ("worker", "labels", "python")}),
    ("DC009/anchor_merged_env.yaml", "DC009", 7, {("app", "environment", "VERSION")}),
    ("DC012/anchor_shared.yaml", "DC012", 13, {("c", "command")}),
    ("DC012/anchor_commands.yaml", "DC012", 6, {("a", "command"), ("b", "entrypoint")}),
    ("DC012/anchor_commands.yaml", "DC012", 12, {("web", "command"), ("web2", "command")}),
    ("DC012/anchor_merged.yaml", "DC012", 7, {("a", "command")}),
    ("DC401/anchored_list_indent.yaml", "DC401", 8, {("train", "deploy"), ("train", "runtime")}),
]


@pytest.mark.parametrize(("fixture", "code", "line", "expected"), CASES,
                         ids=[f"{c[0]}:{c[2]}" for c in CASES])
def test_fix_changes_only_the_reported_services(tmp_path: Path, fixture: str, code: str,
                                                line: int, expected: set[tuple[str, ...]]) -> None:
    text = (FIXTURES / fixture).read_text()
    found = [v for v in lint(text, code, tmp_path / "compose.yaml")
             if text.count("\n", 0, v.span.start) + 1 == line]
    assert len(found) == 1 and found[0].fix is not None, found
    new = apply(text, found[0])
    assert load(new).error is None
    before = services(tmp_path, text)
    after = services(tmp_path, new)
    assert {p[:len(next(iter(expected)))] for p in changed(before, after)} == expected


@pytest.mark.parametrize("fixture", ["DC201/anchor_no_fix.yaml",
                                     "DC403/anchor_shared_other_service.yaml"])
def test_no_fix_names_the_shared_anchor(tmp_path: Path, fixture: str) -> None:
    text = (FIXTURES / fixture).read_text()
    code = fixture.split("/")[0]
    found = lint(text, code, tmp_path / "compose.yaml")
    assert found
    for v in found:
        assert v.fix is None
    assert any("the value comes from the shared anchor `&" in v.message for v in found)


# (fixture, rule, line of a finding without a fix, the anchor and a reader it names)
NO_FIX = [
    ("DC009/anchor_merged_env.yaml", "DC009", 16, "&env", "`worker.deploy.labels.VERSION`"),
    ("DC012/anchor_shared.yaml", "DC012", 6, "&c", "`b.healthcheck.test`"),
]


@pytest.mark.parametrize(("fixture", "code", "line", "anchor", "reader"), NO_FIX,
                         ids=[f"{c[0]}:{c[2]}" for c in NO_FIX])
def test_no_fix_for_a_value_other_fields_read(tmp_path: Path, fixture: str, code: str,
                                              line: int, anchor: str, reader: str) -> None:
    text = (FIXTURES / fixture).read_text()
    found = [v for v in lint(text, code, tmp_path / "compose.yaml")
             if text.count("\n", 0, v.span.start) + 1 == line]
    assert len(found) == 1 and found[0].fix is None, found
    assert f"(no automatic fix: the value comes from the shared anchor `{anchor}`, also used " \
        f"by {reader}" in found[0].message


@pytest.mark.parametrize("fixture", ["DC009/anchor_shared_other_field.yaml",
                                     "DC009/anchor_merged_env.yaml",
                                     "DC012/anchor_shared.yaml", "DC012/anchor_merged.yaml"])
def test_all_fixes_together_change_only_reported_services(tmp_path: Path, fixture: str) -> None:
    """Applying every fix of the file (as `--fix` does) leaves the other readers of the
    anchor (`cpus: *v`, `healthcheck.test: *c`, `deploy.labels`) as they were."""
    text = (FIXTURES / fixture).read_text()
    code = fixture.split("/")[0]
    new = text
    for v in sorted((v for v in lint(text, code, tmp_path / "compose.yaml") if v.fix),
                    key=lambda v: v.span.start, reverse=True):
        new = apply(new, v)
    assert new != text and load(new).error is None
    before = services(tmp_path, text)
    after = services(tmp_path, new)
    touched = {p[1] for p in changed(before, after)}
    assert touched and touched <= {"environment", "command", "entrypoint"}, touched
    assert not lint(new, code, tmp_path / "compose.yaml") or fixture.endswith(
        ("anchor_merged_env.yaml", "anchor_shared.yaml"))


def test_list_item_alias_replaced_where_other_fields_read_the_anchor(
        tmp_path: Path) -> None:
    """Compose rejects the file before the fix (a number as a `command` item): after it,
    `app` runs `sleep 1.50` and `worker.cpus` still reads the anchor."""
    text = (FIXTURES / "DC009/anchor_item_list.yaml").read_text()
    found = lint(text, "DC009", tmp_path / "compose.yaml")
    assert len(found) == 1 and found[0].fix is not None
    new = apply(text, found[0])
    assert "cpus: *n" in new and "x-n: &n 1.50" in new
    after = services(tmp_path, new)
    assert after["app"]["command"] == ["sleep", "1.50"]
    assert float(after["worker"]["cpus"]) == 1.5


def test_sequence_indent_ignores_an_anchor_on_the_key_line() -> None:
    # the list under `x-env` starts (as a node) at `&env`, column 7; its dash is at 2
    doc = load("x-env: &env\n  - A=1\nservices:\n  s:\n    image: a\n    environment: *env\n"
               "    volumes:\n    - ./a:/a\n    ports:\n    - 80:80\n    dns:\n    - 1.1.1.1\n")
    # (measured at the list node's start this was 7, and DC401 wrote 17-space device items)
    assert edits.sequence_indent(doc) == 0  # three lists at 0, one at 2
    doc = load("x-env: &env\n  - A=1\nservices:\n  s:\n    environment: *env\n")
    assert edits.sequence_indent(doc) == 2


def test_model_paths_follow_aliases_and_merges() -> None:
    doc = load("x-d: &d\n  condition: service_started\nservices:\n  a:\n    depends_on:\n"
               "      b:\n        <<: *d\n      c: *d\n      e:\n        <<: *d\n"
               "        condition: service_healthy\n")
    a = get(get(doc.root, "services"), "a")
    cond = get(get(get(a, "depends_on"), "b"), "condition")
    assert cond is not None
    # `e` overrides `condition`: it does not read the anchor's; `x-d` is not in the model
    assert edits.model_paths(doc, cond) == [("services", "a", "depends_on", "b", "condition"),
                                            ("services", "a", "depends_on", "c", "condition")]


def test_written_end_stops_at_an_alias() -> None:
    text = "x: &x\n  k: v\nservices:\n  s:\n    image: a\n    <<: *x   # merged\n  t:\n"
    doc = load(text)
    s = get(get(doc.root, "services"), "s")
    assert s is not None
    assert text[:edits.written_end(doc, s)].endswith("<<: *x")
    e = edits.insert_entry(doc, s, ["healthcheck: {}"])
    assert e is not None and e.span.start == text.index("\n  t:")
