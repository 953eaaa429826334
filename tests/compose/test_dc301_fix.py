"""DC301's fix never changes a value Compose resolves: moving a literal to `.env` or to a
Compose secret keeps every service's configuration as the real Compose binary reads it
(the oracle of tests/support.py), and where that cannot be shown the fix is not offered."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dockwise.cli import main
from dockwise.config import settings_from_mapping
from dockwise.lint.engine import lint_compose_text
from dockwise.lint.types import Violation
from support import compose_config


def findings(path: Path) -> list[Violation]:
    res = lint_compose_text(path.read_text(), path, settings_from_mapping({"select": ["DC301"]}, "t"))
    assert not res.internal_errors, res.internal_errors
    return [v for v in res.violations if v.code == "DC301"]


def titles(path: Path) -> dict[int, str | None]:
    """Line (1-based) of each finding -> its fix's title (None: no fix)."""
    text = path.read_text()
    return {text.count("\n", 0, v.span.start) + 1: v.fix.title if v.fix else None
            for v in findings(path)}


def config(project: Path) -> dict[str, Any]:
    r = compose_config(project, "--format", "json")
    assert r.returncode == 0, r.stderr
    out: dict[str, Any] = json.loads(r.stdout)
    return out


def fix(capsys: pytest.CaptureFixture[str], *paths: Path) -> str:
    main(["--check", *map(str, paths), "--select", "DC301", "--fix", "--unsafe-fixes"])
    out, _ = capsys.readouterr()
    return out


def fixed_keeps_config(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                       files: dict[str, str]) -> dict[str, Any]:
    """Write ``files``, fix them, and check Compose resolves the project as before."""
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    before = config(tmp_path)
    fix(capsys, *(tmp_path / n for n in files if n.endswith(".yaml")))
    after = config(tmp_path)
    assert after == before
    return after


# -- 1. `.env` is not created when something else reads it ---------------------------------

def test_no_dotenv_when_the_name_is_interpolated_elsewhere(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # `worker` falls back to its default today: a new `.env` holding JWT_SECRET would give
    # it `api`'s secret; API_TOKEN is interpolated nowhere and still moves
    fixed_keeps_config(tmp_path, capsys, {"compose.yaml": (
        "services:\n  api:\n    image: my/api:1\n    environment:\n"
        "      JWT_SECRET: s3cr3t-value\n      API_TOKEN: tok-123456\n"
        "  worker:\n    image: my/w:1\n    environment:\n"
        "      JWT: ${JWT_SECRET:-fallback}\n")})
    assert (tmp_path / ".env").read_text() == "API_TOKEN=tok-123456\n"
    text = (tmp_path / "compose.yaml").read_text()
    assert "JWT_SECRET: s3cr3t-value" in text and "tok-123456" not in text


def test_no_dotenv_when_another_project_file_interpolates_the_name(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fixed_keeps_config(tmp_path, capsys, {
        "compose.yaml": "services:\n  api:\n    image: my/api:1\n    environment:\n"
                        "      - DB_PASSWORD=s3cr3t-value\n",
        "compose.override.yaml": "services:\n  worker:\n    image: my/w:1\n"
                                 "    command: [run, \"$DB_PASSWORD\"]\n"})
    assert not (tmp_path / ".env").exists()
    assert titles(tmp_path / "compose.yaml") == {5: None}


@pytest.mark.parametrize("env_file", ["env_file: .env", "env_file: [./.env]",
                                      "env_file:\n      - path: ./.env\n        required: false"])
def test_no_dotenv_when_it_is_a_services_env_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], env_file: str) -> None:
    # a `.env` that is some service's env_file: creating it gives that container every
    # value the fix writes there
    (tmp_path / "compose.yaml").write_text(
        "services:\n  api:\n    image: my/api:1\n    environment:\n"
        "      API_TOKEN: tok-123456\n  worker:\n    image: my/w:1\n    " + env_file + "\n")
    assert titles(tmp_path / "compose.yaml") == {5: None}
    fix(capsys, tmp_path / "compose.yaml")
    assert not (tmp_path / ".env").exists()


# -- 2. values `.env` cannot hold ----------------------------------------------------------

@pytest.mark.parametrize("value", ["'abc\\'", "'a\\b'", "'pw\\''x'", '"a\\\\nb"'])
def test_no_dotenv_for_a_backslash(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                   value: str) -> None:
    p = tmp_path / "compose.yaml"
    p.write_text(f"services:\n  api:\n    image: my/api:1\n    environment:\n"
                 f"      API_TOKEN: {value}\n")
    assert titles(p) == {5: None}
    fix(capsys, p)
    assert not (tmp_path / ".env").exists()


def test_dotenv_round_trips_what_it_writes(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    # quotes, `#`, `$`, tabs, leading and trailing blanks, non-ASCII: Compose reads the new
    # `.env` back as exactly the values the file had
    after = fixed_keeps_config(tmp_path, capsys, {"compose.yaml": (
        "services:\n  api:\n    image: my/api:1\n    environment:\n"
        "      API_TOKEN: \" a \\\"b\\\" #c $$d\\te ü \"\n"
        "      JWT_SECRET: 'x=y:z,@%+./-_'\n")})
    assert after["services"]["api"]["environment"]["API_TOKEN"] == ' a "b" #c $$d\te ü '
    assert "API_TOKEN=' a \"b\" #c $d\te ü '\n" in (tmp_path / ".env").read_text()
    assert "b\\\"" not in (tmp_path / "compose.yaml").read_text()


# -- 3. an existing `.env` holds the value only when plainly written -----------------------

@pytest.mark.parametrize(("dotenv", "yaml_value"), [
    ("API_TOKEN='abc' trailing\n", "\"'abc' trailing\""),  # Compose drops the tail
    ("API_TOKEN=a$b\n", "a$$b"),  # Compose interpolates `$b`
    ('API_TOKEN="x\\ty"\n', "'x\\ty'"),  # `\t` is a tab for Compose
    ("API_TOKEN='x\\'y'\n", "'x\\''y'"),  # `\'` is a quote for Compose
    ('CERT="-----\nAPI_TOKEN=abc\n"\n', "abc"),  # inside another value
    ("API_TOKEN=abc\nAPI_TOKEN=def\n", "abc"),  # the last one wins
    ("API_TOKEN = abc\n", "abc"),  # not plainly written
])
def test_existing_dotenv_read_only_when_plain(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              dotenv: str, yaml_value: str) -> None:
    (tmp_path / ".env").write_text(dotenv)
    p = tmp_path / "compose.yaml"
    p.write_text("services:\n  api:\n    image: my/api:1\n    environment:\n"
                 f"      API_TOKEN: {yaml_value}\n")
    assert titles(p) == {5: None}
    fixed_keeps_config(tmp_path, capsys, {"compose.yaml": p.read_text()})


@pytest.mark.parametrize("dotenv", ["API_TOKEN='a b#c'\n", "# c\nOTHER=\"q\"\n  API_TOKEN=tok-1234  \n"])
def test_existing_plain_dotenv_line_is_used(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                            dotenv: str) -> None:
    (tmp_path / ".env").write_text(dotenv)
    value = "'a b#c'" if "#c" in dotenv else "tok-1234"
    after = fixed_keeps_config(tmp_path, capsys, {"compose.yaml": (
        "services:\n  api:\n    image: my/api:1\n    environment:\n"
        f"      API_TOKEN: {value}\n")})
    assert 'API_TOKEN: "${API_TOKEN}"' in (tmp_path / "compose.yaml").read_text()
    assert after["services"]["api"]["environment"]["API_TOKEN"] == value.strip("'")


# -- 4. numbers --------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["1e3", "0x1F", "1_000", "+123", "1.50",
                                   "123456789012345678901234", "0o17"])
@pytest.mark.parametrize("image", ["my/api:1", "postgres:16"])
def test_no_fix_for_a_number_compose_renders_otherwise(tmp_path: Path, value: str,
                                                       image: str) -> None:
    p = tmp_path / "compose.yaml"
    p.write_text(f"services:\n  db:\n    image: {image}\n    environment:\n"
                 f"      POSTGRES_PASSWORD: {value}\n")
    env = config(tmp_path)["services"]["db"]["environment"]
    assert env["POSTGRES_PASSWORD"] != value  # what the fix would have copied
    assert titles(p) == {5: None}


def test_a_number_compose_renders_as_written_moves(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    fixed_keeps_config(tmp_path, capsys, {"compose.yaml": (
        "services:\n  api:\n    image: my/api:1\n    environment:\n"
        "      DB_PASSWORD: 12345678\n")})
    assert (tmp_path / ".env").read_text() == "DB_PASSWORD=12345678\n"


# -- 5. secret names of the whole project --------------------------------------------------

def test_never_reuses_a_secret_another_project_file_declares(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the override declares `postgres_password` (another file): a second declaration in
    # compose.yaml would be merged with it, the service reading the override's file
    (tmp_path / "other.txt").write_text("not-this")
    files = {
        "compose.yaml": "services:\n  db:\n    image: postgres:16\n    environment:\n"
                        "      POSTGRES_PASSWORD: s3cr3t-pw\n",
        "compose.override.yaml": "secrets:\n  postgres_password:\n    file: ./other.txt\n"}
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    title = titles(tmp_path / "compose.yaml")[5]
    assert title is not None and "postgres_password" not in title
    fix(capsys, tmp_path / "compose.yaml")
    assert "postgres_password" not in (tmp_path / "compose.yaml").read_text()
    assert (tmp_path / "other.txt").read_text() == "not-this"


# -- 6. anchors ------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    # a shared environment mapping (`*x`, `<<: *x`)
    "x-env: &env\n  API_TOKEN: tok-123456\nservices:\n  a:\n    image: my/a:1\n"
    "    environment: *env\n  b:\n    image: my/b:1\n    environment:\n      <<: *env\n"
    "      MODE: x\n",
    # a shared service mapping (the secret route would rename the key in both)
    "x-db: &db\n  image: postgres:16\n  environment:\n    POSTGRES_PASSWORD: s3cr3t-pw\n"
    "services:\n  a:\n    <<: *db\n  b:\n    <<: *db\n",
    # a shared list
    "x-env: &env\n  - API_TOKEN=tok-123456\nservices:\n  a:\n    image: my/a:1\n"
    "    environment: *env\n  b:\n    image: my/b:1\n    environment: *env\n",
    # a shared value
    "services:\n  a:\n    image: my/a:1\n    environment:\n      API_TOKEN: &t tok-123456\n"
    "  b:\n    image: my/b:1\n    labels:\n      token: *t\n",
])
def test_no_fix_for_a_shared_anchor(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                    text: str) -> None:
    p = tmp_path / "compose.yaml"
    p.write_text(text)
    assert findings(p) and all(v.fix is None for v in findings(p))
    fixed_keeps_config(tmp_path, capsys, {"compose.yaml": text})
    assert p.read_text() == text


def test_secret_route_never_unmasks_a_merged_value(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    # `b` overrides the merged POSTGRES_PASSWORD: renaming its own key to `…_FILE` would
    # give it the anchor's password as well (and postgres refuses both)
    text = ("x-env: &env\n  POSTGRES_PASSWORD: s3cr3t-pw\nservices:\n"
            "  b:\n    image: postgres:16\n    environment:\n      <<: *env\n"
            "      POSTGRES_PASSWORD: other-pw-9\n")
    p = tmp_path / "compose.yaml"
    p.write_text(text)
    assert all(v.fix is None or "secret `" not in v.fix.title for v in findings(p))
    fix(capsys, p)
    env = config(tmp_path)["services"]["b"]["environment"]
    assert env["POSTGRES_PASSWORD"] == "other-pw-9" and "POSTGRES_PASSWORD_FILE" not in env


def test_anchor_read_by_one_service_still_moves(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    text = ("x-env: &env\n  API_TOKEN: tok-123456\nservices:\n  a:\n    image: my/a:1\n"
            "    environment:\n      <<: *env\n      MODE: x\n")
    fixed_keeps_config(tmp_path, capsys, {"compose.yaml": text})
    assert "tok-123456" not in (tmp_path / "compose.yaml").read_text()
    assert (tmp_path / "compose.yaml").read_text().startswith("x-env: &env\n  API_TOKEN: \"${")


# -- the message names the route the fix takes ----------------------------------------------

def test_message_names_the_dotenv_route(tmp_path: Path) -> None:
    p = tmp_path / "compose.yaml"
    p.write_text("services:\n  api:\n    image: my/api:1\n    environment:\n"
                 "      API_TOKEN: tok-123456\n")
    (v,) = findings(p)
    assert v.fix is not None and "`.env`" in v.fix.title
    assert "move it to `.env`" in v.message and "Compose secret" not in v.message


def test_no_dotenv_when_the_directorys_project_interpolates_the_name(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # `extra.yaml` is checked on its own, but its directory's `.env` is also the one
    # `compose.yaml`'s project reads
    (tmp_path / "compose.yaml").write_text(
        "services:\n  worker:\n    image: my/w:1\n    environment:\n"
        "      TOKEN: ${API_TOKEN:-none}\n")
    p = tmp_path / "extra.yaml"
    p.write_text("services:\n  api:\n    image: my/api:1\n    environment:\n"
                 "      API_TOKEN: tok-123456\n")
    assert titles(p) == {5: None}
    fix(capsys, p)
    assert not (tmp_path / ".env").exists()


def test_secret_route_never_unmasks_another_files_value(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the override sets POSTGRES_PASSWORD too: renaming the base entry to `…_FILE` would
    # leave the service both variables
    files = {"compose.yaml": "services:\n  db:\n    image: postgres:16\n    environment:\n"
                             "      POSTGRES_PASSWORD: s3cr3t-pw\n",
             "compose.override.yaml": "services:\n  db:\n    environment:\n"
                                      "      POSTGRES_PASSWORD: other-pw-9\n"}
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    assert all(v.fix is None or "secret `" not in v.fix.title
               for v in findings(tmp_path / "compose.yaml"))
    fix(capsys, tmp_path / "compose.yaml")
    env = config(tmp_path)["services"]["db"]["environment"]
    assert env["POSTGRES_PASSWORD"] == "other-pw-9" and "POSTGRES_PASSWORD_FILE" not in env


def test_secret_route_never_unmasks_an_env_file(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "db.env").write_text("POSTGRES_PASSWORD=from-env-file\n")
    text = ("services:\n  db:\n    image: postgres:16\n    env_file: db.env\n"
            "    environment:\n      POSTGRES_PASSWORD: s3cr3t-pw\n")
    fixed_keeps_config(tmp_path, capsys, {"compose.yaml": text})
    assert "POSTGRES_PASSWORD_FILE" not in (tmp_path / "compose.yaml").read_text()
