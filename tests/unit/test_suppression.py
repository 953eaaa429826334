"""Suppression pragmas: dockwise, hadolint, .hadolint.yaml and BuildKit's check=skip."""

from __future__ import annotations

from pathlib import Path

from dockwise.config import Settings, settings_for
from dockwise.lint.engine import lint_dockerfile_text


def codes(text: str, settings: Settings | None = None, path: Path | None = None) -> list[tuple[str, int]]:
    res = lint_dockerfile_text(text, path, settings or Settings(select=["DF001", "DF007"]))
    idx = res.analysis.dockerfile.index if res.analysis else None
    assert idx is not None
    return [(v.code, idx.position(v.span.start)[0] + 1) for v in res.violations]


def test_dockwise_next_instruction_by_code_and_name() -> None:
    text = "FROM a\n# dockwise: ignore=DF001\nFORM x\n# dockwise: ignore=syntax-error\nFORM y\nFORM z\n"
    assert codes(text) == [("DF001", 6)]


def test_pragma_covers_continuation_lines_and_stacked_comments() -> None:
    text = "FROM a\n# dockwise: ignore=DF001\n# another comment\nRUN --bogus \\\n  --also true\n"
    assert codes(text) == []


def test_pragma_does_not_reach_past_a_blank_line() -> None:
    text = "FROM a\n# dockwise: ignore=DF001\n\nFORM x\n"
    assert codes(text) == [("DF001", 4)]


def test_ignore_file() -> None:
    text = "FROM a\nFORM x\n# dockwise: ignore-file=DF001\nFORM y\n"
    assert codes(text) == []


def test_unknown_ids_are_reported() -> None:
    text = "FROM a\n# dockwise: ignore=DF9999,latets-tag\nRUN true\n"
    res = lint_dockerfile_text(text, None, Settings(select=["DF001"]))
    msgs = [v.message for v in res.violations]
    assert any("unknown rule `DF9999`" in m for m in msgs)
    assert any("unknown rule `latets-tag`" in m for m in msgs)


def test_unknown_hadolint_ids_are_reported() -> None:
    # hadolint's own codes and ShellCheck's are known (even those no dockwise rule mirrors)
    text = ("FROM a\n# hadolint ignore=DL0000,DL3059,SC2086\nRUN true\n"
            "# hadolint global ignore=XX1\nRUN true\n")
    res = lint_dockerfile_text(text, None, Settings(select=["DF001"]))
    msgs = [v.message for v in res.violations]
    assert len(msgs) == 2, msgs
    assert "unknown hadolint rule `DL0000`" in msgs[0] and "unknown hadolint rule `XX1`" in msgs[1]


def test_hadolint_pragmas_exact_equivalents() -> None:
    text = "FROM a\n# hadolint ignore=DL4000\nMAINTAINER x\nMAINTAINER y\n"
    assert codes(text) == [("DF007", 4)]
    text = "# hadolint global ignore=DL4000\nFROM a\nMAINTAINER x\n"
    assert codes(text) == []
    # an id that is not DF007's equivalent suppresses nothing
    text = "FROM a\n# hadolint ignore=DL3006\nMAINTAINER x\n"
    assert codes(text) == [("DF007", 3)]


def test_hadolint_stage_ignore() -> None:
    text = "FROM a AS one\n# hadolint stage ignore=DL4000\nMAINTAINER x\nFROM b\nMAINTAINER y\n"
    assert codes(text) == [("DF007", 5)]


def test_buildkit_check_skip() -> None:
    text = "# check=skip=MaintainerDeprecated\nFROM a\nMAINTAINER x\n"
    assert codes(text) == []
    text = "# check=skip=all\nFROM a\nMAINTAINER x\nFORM y\n"
    assert codes(text) == [("DF001", 4)]  # DF001 has no BuildKit equivalent


def test_hadolint_yaml(tmp_path: Path) -> None:
    (tmp_path / ".hadolint.yaml").write_text("ignored:\n  - DL4000\n")
    df = tmp_path / "Dockerfile"
    s = settings_for(df)
    s.select = ["DF007"]
    assert codes("FROM a\nMAINTAINER x\n", s, df) == []
