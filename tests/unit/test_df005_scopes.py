"""DF005 scope logic and the helpers DF002/DF008/DF014 share."""

from __future__ import annotations

from dockwise.config import Settings
from dockwise.lint.engine import lint_dockerfile_text
from dockwise.lint.rules.dockerfile.df002_unknown_stage import closest, edit_distance
from dockwise.lint.rules.dockerfile.df008_relative_workdir import is_relative
from dockwise.lint.rules.dockerfile.df014_arg_without_default_in_from import valid_reference


def _codes(text: str, code: str) -> list[str]:
    res = lint_dockerfile_text(text, None, Settings(select=[code]))
    assert not res.internal_errors, res.internal_errors
    return [text[v.span.start : v.span.end] for v in res.violations if v.code == code]


def test_edit_distance() -> None:
    assert edit_distance("builder", "buidler") == 2
    assert edit_distance("build", "build") == 0
    assert edit_distance("a", "abcdef", 3) == 3
    assert closest("buidler", ["builder", "test"]) == "builder"
    assert closest("set", ["license-set"]) is None


def test_valid_reference() -> None:
    assert valid_reference("python:3.13-slim")
    assert valid_reference("localhost:5000/team/app@sha256:" + "a" * 64)
    assert not valid_reference("python:-slim")
    assert not valid_reference("/team/app")
    assert not valid_reference("")
    assert not valid_reference("python:")


def test_relative_paths() -> None:
    assert is_relative("app") and is_relative("./src") and is_relative("~/x")
    assert not is_relative("/app") and not is_relative("$HOME/x") and not is_relative("${APP}")
    assert not is_relative("C:\\app") and not is_relative("c:/x") and not is_relative("C:app")


def test_env_sees_previous_value() -> None:
    text = "FROM scratch\nENV A=1 B=$A\nENV C=$A\n"
    assert _codes(text, "DF005") == ["$A"]
    # defined before: B sees the old A, which exists
    text = "FROM scratch\nENV A=0\nENV A=1 B=$A\n"
    assert _codes(text, "DF005") == []


def test_arg_pairs_see_each_other_and_defaults() -> None:
    text = "FROM scratch\nARG A=1 B=$A\nLABEL x=${C:-d} y=${D-e} z=${E:+f}\n"
    assert _codes(text, "DF005") == []


def test_global_args_only_in_from() -> None:
    text = "ARG V=1\nFROM alpine:$V\nLABEL v=$V\nARG V\nLABEL w=$V\n"
    assert _codes(text, "DF005") == ["$V"]


def test_platform_arg_needs_declaration_even_with_external_base() -> None:
    text = "FROM --platform=$BUILDPLATFORM golang:1.23\nCOPY a-$TARGETOS /a\n"
    assert _codes(text, "DF005") == ["$TARGETOS"]


def test_external_base_only_near_misses() -> None:
    text = "FROM python:3.13\nENV APP_DIR=/app\nCOPY . $APP_DIRR/\nCOPY . $SOMETHING/\n"
    assert _codes(text, "DF005") == ["$APP_DIRR"]


def test_parent_stage_scope_is_inherited() -> None:
    text = "FROM scratch AS a\nENV X=1\nFROM a\nLABEL x=$X y=$Y\n"
    assert _codes(text, "DF005") == ["$Y"]


def test_run_and_shell_form_not_checked() -> None:
    text = "FROM scratch\nRUN echo $X\nCMD echo $Y\nENTRYPOINT echo $Z\n"
    assert _codes(text, "DF005") == []


def test_df014_global_default_from_platform_arg() -> None:
    assert _codes("ARG F=${TARGETARCH}\nFROM ${F}\n", "DF014") == []
    assert _codes("ARG F\nFROM ${F}\n", "DF014") == ["${F}"]
