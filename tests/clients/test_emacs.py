"""Emacs + eglot in --batch, configured with the snippet of docs/editors/emacs.md."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import HERE, assert_checks, documented_snippet, editor_env, run_harness

EMACS = shutil.which("emacs")


def _missing() -> str | None:
    if EMACS is None:
        return "Emacs is not installed (apt-get install emacs-nox elpa-eglot elpa-dockerfile-mode elpa-yaml-mode)"
    probe = subprocess.run(
        [EMACS, "--batch", "--eval",
         "(progn (require 'package) (package-initialize) (require 'eglot) (require 'dockerfile-mode) (require 'yaml-mode))"],
        capture_output=True, timeout=60)
    if probe.returncode != 0:
        return ("Emacs lacks eglot, dockerfile-mode or yaml-mode (apt-get install elpa-eglot "
                f"elpa-dockerfile-mode elpa-yaml-mode): {probe.stderr.decode(errors='replace')[-300:]}")
    return None


MISSING = _missing()
pytestmark = pytest.mark.skipif(MISSING is not None, reason=MISSING or "")


def test_emacs_eglot_flymake_hover_code_actions(workspace: Path, tmp_path: Path) -> None:
    assert EMACS is not None
    snippet = tmp_path / "dockwise.el"
    snippet.write_text(documented_snippet("emacs.md", "emacs-eglot"), encoding="utf-8")
    out = tmp_path / "emacs.json"
    env = editor_env(tmp_path, DOCKWISE_WS=str(workspace), DOCKWISE_OUT=str(out),
                     DOCKWISE_SNIPPET=str(snippet))
    run = run_harness([EMACS, "--batch", "-l", str(HERE / "emacs" / "harness.el")],
                      out, env, timeout=120, cwd=workspace)
    assert_checks(run, ["eglot_managed", "flymake_diagnostics", "hover_image", "action_pin_latest",
                        "action_non_root_user", "formatting", "compose_managed",
                        "compose_diagnostics"])
    r = run.result
    assert r["dockerfile_mode"] == "dockerfile-mode"
    assert r["compose_mode"] == "docker-compose-mode"
    texts = [d["text"] for d in r["dockerfile_diagnostics"]]
    assert any("[DF202]" in t and "latest" in t for t in texts), texts
    assert "python:3.12" in r["hover"] and "MB" in r["hover"], r["hover"]
    assert r["eldoc"] and "python:3.12" in r["eldoc"], r.get("eldoc")
    assert "FROM python:latest" not in r["dockerfile_after"] and "\nUSER " in r["dockerfile_after"]
    assert not any("[DF202]" in d["text"] or "[DF301]" in d["text"]
                   for d in r["dockerfile_diagnostics_after"])
    assert any("[DC101]" in d["text"] for d in r["compose_diagnostics"])
    print(f"emacs timings (ms): {r['timings']}")
