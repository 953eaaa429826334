"""DC201–DC203 beyond the fixtures: fixes re-parse, keep the file's style, and are
accepted by the real Compose binary when it is installed."""

from __future__ import annotations

from pathlib import Path

from dockwise.compose.yaml_model import load
from dockwise.config import settings_from_mapping
from dockwise.lint.engine import lint_compose_text
from dockwise.lint.fixes import fix_to_fixpoint
from dockwise.lint.types import Violation
from support import compose_config


def lint(path: Path, codes: list[str], text: str) -> list[Violation]:
    res = lint_compose_text(text, path, settings_from_mapping({"select": codes}, "t"))
    assert not res.internal_errors, res.internal_errors
    return res.violations


def fix_all(tmp: Path, text: str, codes: list[str]) -> str:
    path = tmp / "compose.yaml"
    path.write_text(text)
    res = fix_to_fixpoint(text, lambda t: lint(path, codes, t), unsafe=True)
    assert res.converged
    assert load(res.text).error is None
    return res.text


def oracle_accepts(tmp: Path, text: str) -> None:
    path = tmp / "oracle.yaml"
    path.write_text(text)
    r = compose_config(path, "-q")
    assert r.returncode == 0, r.stderr


STACK = """\
services:
    web:
        image: nginx:1.27
        depends_on:
        - db    # database first
        - cache
    db:
        image: postgres:17
        healthcheck:
            test: ["CMD-SHELL", "pg_isready"]
    cache:
        image: redis:7
"""


def test_dc201_then_dc202_fixes_give_a_valid_stack(tmp_path: Path) -> None:
    fixed = fix_all(tmp_path, STACK, ["DC201"])
    assert "        depends_on:\n            db:\n                condition: service_healthy" in fixed
    assert "# database first" in fixed
    assert "            cache:\n                condition: service_started" in fixed
    oracle_accepts(tmp_path, fixed)
    # now make web wait for cache too, and let DC202 add redis' probe
    waiting = fixed.replace("condition: service_started", "condition: service_healthy")
    assert [v.code for v in lint(tmp_path / "compose.yaml", ["DC202"], waiting)] == ["DC202"]
    fixed2 = fix_all(tmp_path, waiting, ["DC202"])
    assert ('    cache:\n        image: redis:7\n        healthcheck:\n'
            '            test: ["CMD-SHELL", "redis-cli ping"]') in fixed2
    assert lint(tmp_path / "compose.yaml", ["DC201", "DC202", "DC203"], fixed2) == []
    oracle_accepts(tmp_path, fixed2)


def test_dc202_probe_keeps_container_variables_escaped(tmp_path: Path) -> None:
    text = ("services:\n  app:\n    image: x/app:1\n    depends_on:\n      db:\n"
            "        condition: service_healthy\n  db:\n    image: postgres:17\n")
    fixed = fix_all(tmp_path, text, ["DC202"])
    assert "$${POSTGRES_USER:-postgres}" in fixed
    oracle_accepts(tmp_path, fixed)
    # DC011 (host-interpolated-var) has nothing to say about `$$`
    assert "${POSTGRES_USER" not in fixed.replace("$${", "")


def test_dc202_warning_for_unknown_images(tmp_path: Path) -> None:
    text = ("services:\n  app:\n    image: x/app:1\n    depends_on:\n      api:\n"
            "        condition: service_healthy\n  api:\n    image: x/api:1\n")
    [v] = lint(tmp_path / "compose.yaml", ["DC202"], text)
    assert v.severity.name == "WARNING" and v.fix is None


def test_dc203_fix_is_valid_compose(tmp_path: Path) -> None:
    text = ("services:\n  app:\n    image: x/app:1\n    depends_on: [db]\n"
            "  db:\n    image: mysql:8.4\n")
    fixed = fix_all(tmp_path, text, ["DC203"])
    assert "mysqladmin ping -h 127.0.0.1" in fixed
    oracle_accepts(tmp_path, fixed)


def test_dc203_host_network_does_not_publish(tmp_path: Path) -> None:
    text = "services:\n  app:\n    image: x/app:1\n    network_mode: host\n    ports: ['80:80']\n"
    assert lint(tmp_path / "compose.yaml", ["DC203"], text) == []


def test_dc203_reported_once_in_a_merged_project(tmp_path: Path) -> None:
    (tmp_path / "compose.override.yaml").write_text(
        "services:\n  app:\n    ports: ['8080:80']\n")
    base = "services:\n  app:\n    image: nginx:1.27-alpine\n"
    (tmp_path / "compose.yaml").write_text(base)
    assert [v.code for v in lint(tmp_path / "compose.yaml", ["DC203"], base)] == ["DC203"]
    over = (tmp_path / "compose.override.yaml").read_text()
    assert lint(tmp_path / "compose.override.yaml", ["DC203"], over) == []
