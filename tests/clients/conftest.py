"""Real editors driven headless against the real server (`dockwise --stdio`).

Each tier runs its harness as a subprocess (with a timeout) that writes a JSON result; the
tests assert on that JSON, so a failure shows what the editor saw. The editor configurations
are read from docs/editors/*.md (the blocks between `<!-- begin tested snippet: NAME -->` and
`<!-- end tested snippet -->`), so the documented snippets are the tested ones.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DOCS = ROOT / "docs" / "editors"
WORKSPACE = HERE / "workspace"
ARTIFACTS = HERE / "artifacts"  # gitignored (tests/clients/.gitignore)

TIMINGS: list[tuple[str, float, int]] = []  # (harness, seconds, exit status), for the summary

_SNIPPET = re.compile(
    r"<!-- begin tested snippet: (?P<name>[\w.-]+) -->\s*```(?P<lang>\w+)\n(?P<code>.*?)```\s*"
    r"<!-- end tested snippet -->", re.S)


def documented_snippet(doc: str, name: str) -> str:
    """The code of a tested snippet in docs/editors/<doc>."""
    text = (DOCS / doc).read_text(encoding="utf-8")
    found = {m["name"]: m["code"] for m in _SNIPPET.finditer(text)}
    assert name in found, f"docs/editors/{doc} has no tested snippet {name!r} (has {sorted(found)})"
    return found[name]


def server_bin_dir() -> Path:
    """The directory with the `dockwise` script of the Python running the tests (the venv)."""
    return Path(sys.executable).parent


def editor_env(tmp: Path, **extra: str) -> dict[str, str]:
    """Environment with `dockwise` on PATH and the editor's state kept under ``tmp``."""
    env = dict(os.environ)
    env["PATH"] = f"{server_bin_dir()}{os.pathsep}{env.get('PATH', '')}"
    for var in ("CONFIG", "DATA", "STATE", "CACHE"):
        d = tmp / "xdg" / var.lower()
        d.mkdir(parents=True, exist_ok=True)
        env[f"XDG_{var}_HOME"] = str(d)
    home = tmp / "home"
    home.mkdir(exist_ok=True)
    env["HOME"] = str(home)
    env.pop("PYTHONPATH", None)
    env.update(extra)
    return env


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A fresh copy of the fixture workspace (editors may leave edited state behind)."""
    ws = tmp_path / "ws"
    shutil.copytree(WORKSPACE, ws)
    return ws


@dataclass
class HarnessRun:
    rc: int
    seconds: float
    result: dict[str, Any]
    output: str

    def report(self) -> str:
        return (f"exit status {self.rc} after {self.seconds:.1f} s\n"
                f"result: {json.dumps(self.result, indent=1)[:6000]}\noutput:\n{self.output[-4000:]}")


def run_harness(cmd: list[str], out: Path, env: dict[str, str], timeout: float,
                cwd: Path | None = None) -> HarnessRun:
    """Run a harness; its JSON result is read from ``out``."""
    start = time.monotonic()
    try:
        proc = subprocess.run(cmd, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
        rc, output = proc.returncode, proc.stdout.decode(errors="replace")
    except subprocess.TimeoutExpired as e:
        rc, output = -1, f"TIMEOUT after {timeout} s\n" + (e.stdout or b"").decode(errors="replace")
    seconds = time.monotonic() - start
    result: dict[str, Any] = {}
    if out.is_file():
        try:
            result = json.loads(out.read_text(encoding="utf-8") or "{}")
        except json.JSONDecodeError as e:
            result = {"unreadable": str(e)}
    print(f"\n{cmd[0]} harness: {seconds:.2f} s, exit status {rc}")
    TIMINGS.append((Path(cmd[0]).name + " " + Path(cmd[-1]).parent.name, seconds, rc))
    return HarnessRun(rc, seconds, result, output)


def assert_checks(run: HarnessRun, expected: list[str]) -> None:
    """Every expected check is in the result and passed."""
    checks = run.result.get("checks")
    assert isinstance(checks, dict), run.report()
    failed = [name for name in expected if not checks.get(name, {}).get("ok")]
    assert not failed, f"failed checks {failed}\n{run.report()}"
    assert run.rc == 0, run.report()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One line with each editor tier's wall time (start editor + server, checks, stop)."""
    if TIMINGS:
        parts = ", ".join(f"{name}: {secs:.1f} s (exit {rc})" for name, secs, rc in TIMINGS)
        terminalreporter.write_line(f"editor client tiers: {parts}")
