"""DC002-DC006, DC010, DC013: behaviour the fixtures cannot show (fragments, unresolved
projects, swarm target, exact ranges), and the real Docker Compose binary as the oracle
for the positive fixtures of the rules that mirror Compose errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockwise.config import settings_from_mapping
from dockwise.lint.engine import lint_compose_text
from support import compose_config

FIXTURES = Path(__file__).resolve().parents[1] / "rules" / "fixtures"


def _lint(path: Path, code: str, **settings: object) -> list[tuple[int, str]]:
    text = path.read_text(encoding="utf-8")
    res = lint_compose_text(text, path, settings_from_mapping({"select": [code], **settings}, ""))
    assert not res.internal_errors, res.internal_errors
    return [(text.count("\n", 0, v.span.start) + 1, v.message) for v in res.violations
            if v.code == code]


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")


def test_dc002_fragment_checks_against_nearby_base(tmp_path: Path) -> None:
    _write(tmp_path, {
        "compose.yaml": "services:\n  db: {image: postgres:17}\n",
        "extensions/x/x-compose.yml": (
            "services:\n  x:\n    image: busybox:1.37\n    depends_on: [db, dbb]\n"
            "    extends: missing\n"),
    })
    found = _lint(tmp_path / "extensions/x/x-compose.yml", "DC002")
    assert [m.split(" (")[0] for _, m in found] == [
        "`depends_on` of service `x` names undefined service `dbb`",
        "service `x` extends `missing`, which is not a service of this file",
    ]


def test_dc002_unresolved_project_reports_only_provable(tmp_path: Path) -> None:
    _write(tmp_path, {"compose.yaml": (
        "include: [./infra/compose.yaml]\nservices:\n  web:\n    image: nginx:1.27\n"
        "    depends_on: [db]\n    volumes: [data:/x]\n  api:\n    extends: nope\n")})
    found = _lint(tmp_path / "compose.yaml", "DC002")
    assert found == [(8, "service `api` extends `nope`, which is not a service of this file")]


def test_dc002_override_fragment_alone_reports_nothing_unprovable(tmp_path: Path) -> None:
    _write(tmp_path, {"compose.prod.override.yaml": (
        "services:\n  web:\n    depends_on: [db]\n    networks: [front]\n")})
    assert _lint(tmp_path / "compose.prod.override.yaml", "DC002") == []


def test_dc002_hint_only_for_path_like_sources(tmp_path: Path) -> None:
    _write(tmp_path, {"compose.yaml": (
        "services:\n  web:\n    image: nginx:1.27\n    volumes:\n      - pgdata_x1:/a\n"
        "      - models:/b\n      - nginx.conf:/etc/nginx/nginx.conf\n      - site:/c\n"),
        "site/index.html": "hi\n"})
    found = [m for _, m in _lint(tmp_path / "compose.yaml", "DC002")]
    assert "did you mean" not in found[0] and "or write `./pgdata_x1`" in found[0]
    assert all("did you mean `./" in m for m in found[1:]), found


def test_dc004_off_for_swarm_and_fix_is_safe(tmp_path: Path) -> None:
    _write(tmp_path, {"compose.yaml": "version: '3.8'\nservices:\n  web: {image: nginx:1.27}\n"})
    assert _lint(tmp_path / "compose.yaml", "DC004", **{"compose-target": "swarm"}) == []
    assert len(_lint(tmp_path / "compose.yaml", "DC004")) == 1


def test_dc006_ranges_inside_scalars(tmp_path: Path) -> None:
    text = 'services:\n  web:\n    image: "a:${T/x}"\n    command: echo ok ${}\n'
    _write(tmp_path, {"compose.yaml": text})
    res = lint_compose_text(text, tmp_path / "compose.yaml",
                            settings_from_mapping({"select": ["DC006"]}, ""))
    assert [text[v.span.start:v.span.end] for v in res.violations] == ["${T/x}", "${}"]


# -- the oracle ------------------------------------------------------------------------


def _rejects(case: Path) -> tuple[bool, str]:
    proc = compose_config(case, "-q")
    return proc.returncode != 0, proc.stderr


# positives whose first problem Compose itself reports (the rest are decisions of
# rules.md: DC010's duplicate mount targets are merged silently by Compose)
# DC013 cases that only miss `secrets.*.file` / `configs.*.file`: Compose loads the
# project and fails only at `up` (DC013's message says so) — `config` must accept them
LOAD_OK_CASES = [FIXTURES / "DC013" / "secrets_used.yaml"]
# a service in a profile: Compose reads its env_file only when the profile is enabled
PROFILE_CASES = {FIXTURES / "DC013" / "profiled_env_file.yaml": "test"}
ORACLE_CASES = [
    p for code in ("DC002", "DC003", "DC005", "DC006", "DC010", "DC013")
    for p in sorted((FIXTURES / code).iterdir())
    if not p.name.startswith("ok") and not p.name.endswith(".toml") and p not in LOAD_OK_CASES
    and p not in PROFILE_CASES
]


@pytest.mark.parametrize("case", list(PROFILE_CASES), ids=[p.name for p in PROFILE_CASES])
def test_compose_rejects_profiled_fixtures_with_their_profile(case: Path) -> None:
    assert compose_config(case, "-q").returncode == 0
    enabled = compose_config(case, "-q", env={"COMPOSE_PROFILES": PROFILE_CASES[case]})
    assert enabled.returncode != 0 and "not found" in enabled.stderr, enabled.stderr


@pytest.mark.parametrize("case", ORACLE_CASES, ids=[f"{p.parent.name}/{p.name}" for p in ORACLE_CASES])
def test_compose_rejects_positive_fixtures(case: Path) -> None:
    rejected, _err = _rejects(case)
    assert rejected, f"docker compose accepts {case}"


ACCEPTED_CASES = [p for p in sorted((FIXTURES / "DC010").iterdir())
                  if p.name.startswith("ok") and not p.name.endswith(".toml")]


@pytest.mark.parametrize("case", ACCEPTED_CASES, ids=[p.name for p in ACCEPTED_CASES])
def test_compose_accepts_dc010_negative_fixtures(case: Path) -> None:
    rejected, err = _rejects(case)
    assert not rejected, f"docker compose rejects {case}: {err}"


@pytest.mark.parametrize("case", LOAD_OK_CASES, ids=[f"{p.parent.name}/{p.name}" for p in LOAD_OK_CASES])
def test_compose_loads_missing_secret_files(case: Path) -> None:
    rejected, err = _rejects(case)
    assert not rejected, f"docker compose rejects {case}: {err}"


PORT_SPECS = ["3001", "127.0.0.1:3001", "127.0.0.1:3001:80", "[::1]:80:80", "::1:80",
              "::1:8080:80", "80-81:90-91", "80-81:90", "80:90-91", "a:80", "8080:80/udp",
              "80/SCTP", "80/xyz", "0.0.0.0::80", "70000:80", "65535:65536", "localhost:80:80",
              "80:80:80", "80-79:80", "80-:80", "[::1:80:80", "::ffff:1.2.3.4:80:80", ":80",
              "0:0", "080:80", "80/", "1.2.3.4:1:80/", "[::1]::80", "[]:80:80", "8080:80/",
              "80/tcp/udp", "[::1]:80", "80:", "80/ tcp", "1.2.3.4:80:80/TCP"]


@pytest.mark.parametrize("spec", PORT_SPECS)
def test_port_specs_as_docker_parses_them(spec: str, tmp_path: Path) -> None:
    from dockwise.lint.rules.compose.dc010_compose_inconsistent import port_spec_error

    p = tmp_path / "compose.yaml"
    p.write_text(f'services:\n  s:\n    image: x\n    ports:\n      - "{spec}"\n')
    rejected, err = _rejects(p)
    assert (port_spec_error(spec) is not None) == rejected, (spec, port_spec_error(spec), err)
    # the whole lint agrees: the schema (DC001) refuses no spec Compose accepts
    res = lint_compose_text(p.read_text(), p, settings_from_mapping({"select": ["DC0"]}, ""))
    flagged = [v.message for v in res.violations if v.code in ("DC001", "DC010")]
    assert bool(flagged) == rejected, (spec, flagged, err)
