"""Neovim 0.7+ headless, configured with the snippet of docs/editors/neovim.md."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import HERE, assert_checks, documented_snippet, editor_env, run_harness

NVIM = shutil.which("nvim")
pytestmark = pytest.mark.skipif(NVIM is None, reason="Neovim is not installed (apt-get install neovim)")


def test_neovim_diagnostics_hover_completion_code_actions(workspace: Path, tmp_path: Path) -> None:
    assert NVIM is not None
    snippet = tmp_path / "dockwise.lua"
    snippet.write_text(documented_snippet("neovim.md", "nvim-start-client"), encoding="utf-8")
    out = tmp_path / "nvim.json"
    env = editor_env(tmp_path, DOCKWISE_WS=str(workspace), DOCKWISE_OUT=str(out),
                     DOCKWISE_SNIPPET=str(snippet))
    run = run_harness([NVIM, "--headless", "-n", "-i", "NONE", "-u", str(HERE / "nvim" / "harness.lua")],
                      out, env, timeout=90, cwd=workspace)
    assert_checks(run, ["client_started", "initialized", "dockerfile_diagnostics", "hover_image",
                        "action_pin_latest", "action_non_root_user", "compose_attached",
                        "compose_diagnostics", "completion_gpu_devices", "formatting"])
    r = run.result
    # the diagnostics the fixture is built to produce
    assert {(d["code"], d["line"]) for d in r["dockerfile_diagnostics"]} >= {("DF202", 5), ("DF301", 5)}
    assert [d["code"] for d in r["compose_diagnostics"]] == ["DC101"]
    assert r["compose_filetype"] == "yaml"
    # the image hover of `FROM python:3.12`: the size comparison table
    assert "python:3.12" in r["hover"] and "| image |" in r["hover"], r["hover"]
    assert "MB" in r["hover"]
    # the fixes landed in the buffer and their diagnostics went away
    after = "\n".join(r["dockerfile_after"])
    assert "FROM python:latest" not in after and "\nUSER " in after, after
    assert not {d["code"] for d in r["dockerfile_diagnostics_after"]} & {"DF202", "DF301"}
    print(f"neovim timings (ms): {r['timings']}")
