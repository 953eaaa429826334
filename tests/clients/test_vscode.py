"""VS Code, as code-server in Debian's Chromium driven by playwright-core, with the built .vsix."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from .conftest import (
    ARTIFACTS,
    HERE,
    ROOT,
    assert_checks,
    editor_env,
    run_harness,
    server_bin_dir,
)

EXTENSION = ROOT / "vscode-client"
TOOLS = Path(os.environ.get("DOCKWISE_CLIENT_TOOLS")
             or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dockwise-clients")


def _code_server() -> str | None:
    for cand in (os.environ.get("DOCKWISE_CODE_SERVER"),
                 str(TOOLS / "cs" / "node_modules" / ".bin" / "code-server"),
                 shutil.which("code-server")):
        if cand and os.access(cand, os.X_OK):
            return cand
    return None


def _node_path() -> str | None:
    """A node_modules directory with playwright-core."""
    for cand in (TOOLS / "cs" / "node_modules", EXTENSION / "node_modules"):
        if (cand / "playwright-core").is_dir():
            return str(cand)
    return None


CODE_SERVER = _code_server()
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NODE = shutil.which("node")
NODE_PATH = _node_path()
MISSING = [what for what, ok in (
    ("code-server (tests/clients/install.sh installs it under ~/.cache/dockwise-clients)", CODE_SERVER),
    ("chromium (apt-get install chromium)", CHROMIUM),
    ("node", NODE),
    ("playwright-core (tests/clients/install.sh)", NODE_PATH)) if not ok]
pytestmark = pytest.mark.skipif(bool(MISSING), reason="VS Code tier needs " + ", ".join(MISSING))


def built_vsix() -> Path:
    """The newest vscode-client/*.vsix; built with `npm run package` when there is none."""
    found = sorted(EXTENSION.glob("*.vsix"), key=lambda p: p.stat().st_mtime)
    if not found:
        assert (EXTENSION / "node_modules").is_dir(), (
            "no vscode-client/*.vsix and no node_modules: run `npm ci && npx vsce package` in vscode-client/")
        subprocess.run(["npm", "run", "package"], cwd=EXTENSION, check=True, timeout=300)
        found = sorted(EXTENSION.glob("*.vsix"), key=lambda p: p.stat().st_mtime)
    assert found, "vsce produced no .vsix"
    return found[-1]


def test_vscode_problems_hover_quick_fix_compose(workspace: Path, tmp_path: Path) -> None:
    assert CODE_SERVER and NODE and NODE_PATH
    vsix = built_vsix()
    out = tmp_path / "vscode.json"
    # short: code-server's and Chromium's unix sockets live under it (107 characters at most)
    state = Path(tempfile.mkdtemp(prefix="dw-vsc-"))
    env = editor_env(tmp_path, CODE_SERVER=CODE_SERVER, DOCKWISE_VSIX=str(vsix),
                     DOCKWISE_WS=str(workspace),
                     DOCKWISE_SERVER=str(server_bin_dir() / "dockwise"), DOCKWISE_OUT=str(out), DOCKWISE_STATE=str(state),
                     DOCKWISE_ARTIFACTS=str(ARTIFACTS), CHROMIUM=CHROMIUM or "", NODE_PATH=NODE_PATH)
    try:
        run = run_harness([NODE, str(HERE / "vscode" / "harness.js")], out, env, timeout=240)
    finally:
        shutil.rmtree(state, ignore_errors=True)
    assert_checks(run, ["vsix_installed", "problems_dockerfile", "status_item", "hover_image",
                        "quick_fix_pin", "format_document", "problems_compose",
                        "compose_not_formatted_by_dockwise"])
    r = run.result
    assert r["blocked"] == [], r["blocked"]  # nothing but loopback
    assert Path(r["screenshot"]).is_file()
    print(f"vscode timings (ms): {r['timings']}; screenshot: {r['screenshot']}")
