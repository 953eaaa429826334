"""Incremental Dockerfile linting (the editor's path) gives exactly a cold lint's result."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dockwise.config import Settings
from dockwise.dockerfile.analysis import parse
from dockwise.lint import incremental
from dockwise.lint.engine import lint_dockerfile_text
from dockwise.lint.fixes import fix_to_fixpoint
from dockwise.lint.incremental import StagePlan
from dockwise.lint.types import Violation
from support import CORPUS, corpus_files

DOCKERFILES = CORPUS / "dockerfiles"
SETTINGS = Settings()
PATH = Path("/nonexistent-context/Dockerfile")


def finding_key(vs: list[Violation]) -> list[tuple[object, ...]]:
    return [(v.code, v.span.start, v.span.end, v.message, int(v.severity), None if v.fix is None
             else (v.fix.title, v.fix.applicability,
                   tuple((e.span.start, e.span.end, e.new_text, e.path) for e in v.fix.edits)))
            for v in vs]


def _same_as_cold(text: str) -> None:
    inc = lint_dockerfile_text(text, PATH, SETTINGS, incremental=True)
    cold = lint_dockerfile_text(text, PATH, SETTINGS)
    assert finding_key(inc.violations) == finding_key(cold.violations)


def editor_edits(text: str, rnd: random.Random) -> list[str]:
    """Edits an editor makes: type at the end of a line, add a comment line, delete an
    instruction — at two instructions of every stage."""
    an = parse(text)
    out = []
    for st in an.stages:
        instrs = [st.from_, *st.instructions]
        for ins in rnd.sample(instrs, min(2, len(instrs))):
            eol = text.find("\n", ins.span.start)
            eol = len(text) if eol < 0 else eol
            out.append(text[:eol] + "x" + text[eol:])
            out.append(text[: ins.span.start] + "# note\n" + text[ins.span.start :])
            out.append(text[: ins.span.start] + text[ins.span.end :])
    return out


def incremental_and_cold(text: str, rnd: random.Random, settings: Settings = SETTINGS
                         ) -> Iterator[tuple[set[tuple[object, ...]], set[tuple[object, ...]]]]:
    """For each editor edit of ``text`` (and ``text`` again), the findings of the
    incremental lint (cache warm from the previous version) and of a cold lint."""
    incremental.clear()
    lint_dockerfile_text(text, PATH, settings, incremental=True)
    for variant in [*editor_edits(text, rnd), text]:
        inc = lint_dockerfile_text(variant, PATH, settings, incremental=True)
        cold = lint_dockerfile_text(variant, PATH, settings)
        yield set(finding_key(inc.violations)), set(finding_key(cold.violations))


MULTI = """\
# syntax=docker/dockerfile:1
ARG BASE=python:latest
FROM ${BASE} AS builder
RUN apt-get update && apt-get install -y gcc
RUN pip install -r requirements.txt

FROM node:latest AS web
RUN npm install

FROM python:3.12-slim
COPY --from=builder /root/.local /root/.local
RUN apt-get update && apt-get install -y curl
CMD python app.py
"""


def test_edits_of_a_multi_stage_file_match_a_cold_lint() -> None:
    incremental.clear()
    _same_as_cold(MULTI)
    for variant in [*editor_edits(MULTI, random.Random(0)), MULTI]:
        _same_as_cold(variant)


def test_only_the_edited_component_is_checked_again(monkeypatch: pytest.MonkeyPatch) -> None:
    import dockwise.lint.engine as engine

    plans: list[StagePlan] = []

    class Spy(StagePlan):
        def __init__(self, *args: Any, **kw: Any) -> None:
            super().__init__(*args, **kw)
            plans.append(self)

    monkeypatch.setattr(engine, "StagePlan", Spy)

    def dirty_after(before: str, after: str) -> list[list[int]]:
        incremental.clear()
        lint_dockerfile_text(before, PATH, SETTINGS, incremental=True)
        plans.clear()
        lint_dockerfile_text(after, PATH, SETTINGS, incremental=True)
        return [p.dirty for p in plans]

    # both plans (pure rules, rules reading the build context) recheck only `web`
    assert dirty_after(MULTI, MULTI.replace("npm install", "npm installx")) == [[1], [1]]
    assert plans[0].components == [[0, 2], [1]]  # builder and final are linked by --from
    # a component is checked whole
    assert dirty_after(MULTI, MULTI.replace("install -y curl", "install -y wget")) == [[0, 2]] * 2


def test_cached_findings_and_fixes_move_with_their_stage() -> None:
    incremental.clear()
    lint_dockerfile_text(MULTI, PATH, SETTINGS, incremental=True)
    edited = MULTI.replace("ARG BASE=python:latest", "ARG BASE=python:latest  ")
    edited = edited.replace("npm install", "npm ci --omit=dev && echo done")
    inc = lint_dockerfile_text(edited, PATH, SETTINGS, incremental=True)
    cold = lint_dockerfile_text(edited, PATH, SETTINGS)
    assert finding_key(inc.violations) == finding_key(cold.violations)
    # fixing to a fixpoint through the incremental path writes what a cold lint writes
    fixed_inc = fix_to_fixpoint(edited, lambda t: lint_dockerfile_text(
        t, PATH, SETTINGS, incremental=True).violations, unsafe=True).text
    fixed_cold = fix_to_fixpoint(edited, lambda t: lint_dockerfile_text(
        t, PATH, SETTINGS).violations, unsafe=True).text
    assert fixed_inc == fixed_cold != edited


def test_findings_that_read_the_build_context_are_refreshed(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A data file dropped into the context shows up when its stage is edited, and for
    every stage once the disk epoch moves on."""
    import dockwise.lint.engine as engine

    epoch = [0]
    monkeypatch.setattr(engine, "disk_epoch", lambda: epoch[0])
    df = tmp_path / "Dockerfile"
    text = ("FROM python:3.12-slim AS a\nCOPY models/ /models/\nCMD [\"x\"]\n\n"
            "FROM python:3.12-slim AS b\nCOPY models/ /models/\nCMD [\"y\"]\n")
    (tmp_path / "models").mkdir()
    incremental.clear()

    def df107(t: str) -> list[int]:
        res = lint_dockerfile_text(t, df, SETTINGS, incremental=True)
        return [v.span.start for v in res.violations if v.code == "DF107"]

    assert df107(text) == []
    (tmp_path / "models" / "w.safetensors").write_bytes(b"x")
    edited = text.replace('"y"', '"z"')  # stage b only
    # stage b changed: checked again, it sees the file; stage a is reused for this epoch
    assert df107(edited) == [edited.index("models/", edited.index("AS b"))]
    epoch[0] += 1
    inc = lint_dockerfile_text(edited, df, SETTINGS, incremental=True)
    assert finding_key(inc.violations) == finding_key(lint_dockerfile_text(edited, df, SETTINGS).violations)
    assert sum(v.code == "DF107" for v in inc.violations) == 2


def test_file_wide_facts_recheck_every_stage() -> None:
    """DF010 compares with the file's majority casing, DF001 reports only the first
    template line: when such a fact changes, stages that were not edited change too."""
    # edits that keep the FROM lines and the line count, so only the facts link the stages
    casing = ("FROM alpine:3.20 AS a\nrun echo 1\nrun echo 2\nrun echo 3\n\n"
              "FROM alpine:3.20 AS b\nRUN echo b\n")
    template = ("FROM alpine:3.20 AS a\n{{ if .x }}\nRUN echo a\n\n"
                "FROM alpine:3.20 AS b\n{{ if .y }}\nRUN echo b\n")
    for before, after in [
        (casing, casing.replace("run echo 3", "run echo 3 && echo 4")),
        (casing, casing.replace("\n\nFROM", "\nrun echo 4\nFROM")),
        (template, template.replace("{{ if .x }}", "RUN true")),
    ]:
        incremental.clear()
        _same_as_cold(before)
        _same_as_cold(after)
        _same_as_cold(before)


def test_a_file_without_from_is_linted_whole() -> None:
    incremental.clear()
    text = "ARG PASSWORD=hunter2\nRUN echo hi\n"
    _same_as_cold(text)
    _same_as_cold(text + "x")


def _corpus_files() -> list[Path]:
    return corpus_files("dockerfiles")[::20]


@pytest.mark.skipif(not DOCKERFILES.is_dir(), reason="../shared/corpus is not here")
def test_corpus_edits_match_a_cold_lint() -> None:
    rnd = random.Random(7)
    checked = 0
    for f in _corpus_files():
        try:
            text = f.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for inc, cold in incremental_and_cold(text, rnd):
            assert inc == cold, f"{f} after an edit"
            checked += 1
    assert checked > 500
