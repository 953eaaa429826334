"""`dockwise --check`: the contract of product.md §3."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dockwise.cli import main

BAD = "FROM python:3.13-slim\nMAINTAINER Jane <jane@example.com>\nFORM x\n"
GOOD = "FROM python:3.13-slim\nCMD [\"python\"]\n"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    rc = main(["--check", *args])
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "Dockerfile").write_text(BAD)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "app.Dockerfile").write_text(GOOD)
    (tmp_path / "sub" / "Containerfile").write_text(GOOD)
    (tmp_path / "notes.txt").write_text("FORM x\n")
    return tmp_path


def test_text_format_and_exit_code(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, str(project / "Dockerfile"), "--select", "DF001")
    assert rc == 1
    first = out.splitlines()[0]
    assert first == f"{project / 'Dockerfile'}:3:1: DF001 [error] unknown instruction `FORM` (did you mean `FROM`?)"
    assert out.splitlines()[1] == "  FORM x"
    assert out.splitlines()[2] == "  ^^^^"


def test_json_contract(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, str(project), "--format", "json", "--select", "DF001")
    assert rc == 1
    data = json.loads(out)
    assert isinstance(data, list) and len(data) == 1
    f = data[0]
    assert set(f) == {"path", "code", "name", "severity", "message", "range", "fix"}
    assert f["path"] == str(project / "Dockerfile")
    assert f["code"] == "DF001" and f["name"] == "syntax-error" and f["severity"] == "error"
    assert f["range"] == {"start": {"line": 3, "column": 1}, "end": {"line": 3, "column": 5}}
    assert f["fix"] is None


def test_json_sorted_and_unique(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("b.Dockerfile", "a.Dockerfile"):
        (tmp_path / name).write_text("FORM x\nFROM\nFROM a\nWORKDIR\n")
    rc, out, _ = run(capsys, str(tmp_path), "--format", "json", "--select", "DF001")
    assert rc == 1
    data = json.loads(out)
    keys = [(d["path"], d["range"]["start"]["line"], d["range"]["start"]["column"], d["code"]) for d in data]
    assert keys == sorted(keys)
    assert len({json.dumps(d, sort_keys=True) for d in data}) == len(data)


def test_discovery_names(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, str(project), "--format", "json", "--select", "DF001")
    paths = {d["path"] for d in json.loads(out)}
    assert str(project / "notes.txt") not in paths
    # explicit paths are always linted whatever the name
    rc, out, _ = run(capsys, str(project / "notes.txt"), "--format", "json", "--select", "DF001")
    assert rc == 1 and json.loads(out)[0]["path"] == str(project / "notes.txt")


def test_clean_exit_zero(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, str(project / "sub"), "--select", "DF001")
    assert rc == 0
    assert "All checks passed (2 files)" in out


def test_missing_path_is_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, _, err = run(capsys, str(tmp_path / "nope"))
    assert rc == 2 and "no such file" in err


def test_unknown_rule_is_usage_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, _, err = run(capsys, str(project), "--select", "DF999")
    assert rc == 2 and "unknown rule `DF999`" in err


def test_fail_level(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = project / "x.Dockerfile"
    p.write_text("FROM a\nENV X <<EOF\n")  # only an information finding
    assert run(capsys, str(p), "--select", "DF001")[0] == 0
    assert run(capsys, str(p), "--select", "DF001", "--fail-level", "information")[0] == 1


def test_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"FORM x\n")))
    rc, out, _ = run(capsys, "-", "--stdin-filename", "svc/Dockerfile", "--format", "json",
                     "--select", "DF001")
    assert rc == 1
    assert {d["path"] for d in json.loads(out)} == {"svc/Dockerfile"}


def test_bad_inputs_answered(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bin.Dockerfile").write_bytes(b"\x7fELF\x00\x01\x02" * 100)
    (tmp_path / "latin1.Dockerfile").write_bytes("FROM a\nLABEL x=\"caf\xe9\"\n".encode("latin-1"))
    (tmp_path / "empty.Dockerfile").write_bytes(b"")
    (tmp_path / "huge.Dockerfile").write_text("FROM a\n" + "RUN echo hi\n" * 50_000)
    rc, out, err = run(capsys, str(tmp_path), "--format", "json", "--select", "DF001")
    assert rc == 1
    assert "Traceback" not in err
    by = {Path(d["path"]).name: d for d in json.loads(out)}
    assert "binary file" in by["bin.Dockerfile"]["message"]
    assert "not valid UTF-8" in by["latin1.Dockerfile"]["message"]
    assert "empty Dockerfile" in by["empty.Dockerfile"]["message"]
    assert "huge.Dockerfile" not in by


def test_formats_render(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, str(project), "--format", "github", "--select", "DF001")
    assert out.startswith(f"::error file={project / 'Dockerfile'},line=3,col=1,endLine=3,endColumn=5,title=DF001 syntax-error::")
    rc, out, _ = run(capsys, str(project), "--format", "checkstyle", "--select", "DF001")
    assert rc == 1
    import xml.etree.ElementTree as ET

    root = ET.fromstring(out)
    err = root.find("file/error")
    assert err is not None and err.get("source") == "dockwise.DF001" and err.get("line") == "3"


def test_sarif_structure(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, str(project), "--format", "sarif", "--select", "DF001")
    assert rc == 1
    doc = json.loads(out)
    assert doc["version"] == "2.1.0"
    run0 = doc["runs"][0]
    driver = run0["tool"]["driver"]
    assert driver["name"] == "dockwise"
    ids = [r["id"] for r in driver["rules"]]
    for res in run0["results"]:
        assert ids[res["ruleIndex"]] == res["ruleId"]
        assert res["level"] in ("error", "warning", "note", "none")
        assert res["message"]["text"]
        region = res["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert (region["endLine"], region["endColumn"]) >= (region["startLine"], region["startColumn"])


def test_statistics(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, str(project), "--select", "DF001", "--statistics")
    assert rc == 1
    assert "     1  DF001  syntax-error" in out


def test_explain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--explain", "syntax-error"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# DF001 syntax-error") and "## Why is this bad?" in out
    assert main(["--explain", "DF999"]) == 2


def test_config_file_and_errors(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / ".dockwise.toml").write_text('ignore = ["DF001"]\n')
    rc, _, _ = run(capsys, str(project / "Dockerfile"), "--select", "DF001")
    # --select on the command line replaces the config's selection, ignore still applies
    assert rc == 0
    (project / ".dockwise.toml").write_text('selct = ["DF001"]\n')
    rc, _, err = run(capsys, str(project / "Dockerfile"))
    assert rc == 2 and "unknown setting `selct` (did you mean `select`?)" in err


def test_pyproject_config_nearest_wins(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text('[tool.dockwise]\nselect = ["DF001"]\nignore = ["syntax-error"]\n')
    (project / "sub" / ".dockwise.toml").write_text("select = [\"DF001\"]\n")
    (project / "sub" / "Dockerfile").write_text("FORM x\n")
    rc, out, _ = run(capsys, str(project), "--format", "json")
    assert rc == 1
    paths = {Path(d["path"]).relative_to(project).as_posix() for d in json.loads(out)}
    assert paths == {"sub/Dockerfile"}


def test_exclude(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / ".dockwise.toml").write_text('exclude = ["sub/"]\nselect = ["DF001"]\n')
    (project / "sub" / "Dockerfile").write_text("FORM x\n")
    rc, out, _ = run(capsys, str(project), "--format", "json")
    assert rc == 1
    assert {Path(d["path"]).name for d in json.loads(out)} == {"Dockerfile"}
    assert all("sub" not in d["path"] for d in json.loads(out))


def test_jobs_same_output(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for i in range(6):
        (project / f"{i}.Dockerfile").write_text(BAD)
    r1 = run(capsys, str(project), "--format", "json", "--jobs", "1")
    r2 = run(capsys, str(project), "--format", "json", "--jobs", "2")
    assert r1 == r2


def test_checker_never_imports_lsp(project: Path) -> None:
    code = (
        "import sys; from dockwise.cli import main; rc = main(['--check', sys.argv[1]]);"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol')];"
        "print(bad); sys.exit(0 if not bad else 3)"
    )
    p = subprocess.run([sys.executable, "-c", code, str(project)], capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr


def test_python_dash_m(project: Path) -> None:
    p = subprocess.run([sys.executable, "-m", "dockwise", "--check", str(project / "sub")],
                       capture_output=True, text=True)
    assert p.returncode in (0, 1), p.stderr
    assert "Traceback" not in p.stderr


def test_fix_in_place_keeps_crlf_and_bom(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "Dockerfile"
    p.write_bytes(b"\xef\xbb\xbfFROM python:3.13-slim\r\nMAINTAINER Jane\r\nCMD [\"python\"]\r\n")
    rc, _, _ = run(capsys, str(p), "--select", "DF007", "--fix")
    assert rc == 0
    assert p.read_bytes() == (b"\xef\xbb\xbfFROM python:3.13-slim\r\n"
                              b"LABEL org.opencontainers.image.authors=\"Jane\"\r\nCMD [\"python\"]\r\n")


def test_diff_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "Dockerfile"
    p.write_text("FROM a\nMAINTAINER x")
    rc, out, _ = run(capsys, str(p), "--select", "DF007", "--diff")
    assert rc == 1
    assert p.read_text() == "FROM a\nMAINTAINER x"
    assert "-MAINTAINER x\n\\ No newline at end of file\n" in out
    assert '+LABEL org.opencontainers.image.authors="x"\n' in out


def test_fix_stdin_prints_fixed_text(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"FROM a\nMAINTAINER x\n")))
    rc, out, _ = run(capsys, "-", "--select", "DF007", "--fix")
    assert rc == 0
    assert out == 'FROM a\nLABEL org.opencontainers.image.authors="x"\n'


SECRET_COMPOSE = "services:\n  db:\n    image: postgres:16\n    environment:\n      - POSTGRES_PASSWORD=mypasswd\n"


def test_fix_moving_a_secret_creates_its_folder(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "compose.yaml"
    p.write_text(SECRET_COMPOSE)
    rc, _, err = run(capsys, str(p), "--select", "DC301", "--fix", "--unsafe-fixes")
    assert "mypasswd" not in p.read_text()
    secret = next((tmp_path / "secrets").iterdir())
    assert secret.read_text() == "mypasswd"
    assert secret.name in p.read_text() and rc == 0, err


def test_fix_that_cannot_create_its_file_changes_nothing(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    # a plain file where the secrets folder would go: the secret cannot be written, so the
    # Compose file must keep it (moving it would lose it)
    p = tmp_path / "compose.yaml"
    p.write_text(SECRET_COMPOSE)
    (tmp_path / "secrets").write_text("not a folder")
    rc, _, err = run(capsys, str(p), "--select", "DC301", "--fix", "--unsafe-fixes")
    assert p.read_text() == SECRET_COMPOSE
    assert "left unchanged: cannot create" in err and rc != 0


def test_fix_from_stdin_never_drops_a_secret(capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SECRET_COMPOSE.encode())))
    rc, out, err = run(capsys, "-", "--stdin-filename", "compose.yaml", "--select", "DC301",
                       "--fix", "--unsafe-fixes")
    assert out == SECRET_COMPOSE and "needs a path, not stdin" in err and rc != 0


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_fix_two_dockerfiles_wanting_one_dockerignore(tmp_path: Path, jobs: str,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    # both files' DF109 fix creates the context's `.dockerignore`: the first one's does, the
    # second file is checked again against it and still gets all its other fixes
    (tmp_path / "Dockerfile").write_text("FROM python:3.13-slim\nCOPY . /app\nCMD python -m app\n")
    (tmp_path / "Dockerfile.gpu").write_text("FROM python:3.13-slim\nCOPY . /src\nCMD python -m app\n")
    rc, out, err = run(capsys, str(tmp_path), "--select", "DF109,DF401", "--fix",
                       "--unsafe-fixes", "--jobs", jobs)
    assert rc == 0 and err == "", err
    assert (tmp_path / ".dockerignore").read_text().count(".git\n") == 1
    for name in ("Dockerfile", "Dockerfile.gpu"):
        assert 'CMD ["python", "-m", "app"]' in (tmp_path / name).read_text()
    assert "Found 0 problems in 2 files, fixed 3." in out  # 1 `.dockerignore`, 2 CMDs


def test_fix_that_created_a_file_is_not_reported_as_remaining(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "Dockerfile").write_text("FROM python:3.13-slim\nCOPY . /app\n")
    rc, out, _ = run(capsys, str(tmp_path), "--select", "DF109", "--fix", "--unsafe-fixes")
    assert (tmp_path / ".dockerignore").is_file()
    assert rc == 0 and "DF109" not in out and "fixed 1." in out


def test_fix_moves_two_services_passwords_to_two_secrets(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    # the same variable in two services: one secret each, each holding its own value
    # (one shared `postgres_password` would silently give `a` the password of `b`)
    p = tmp_path / "compose.yaml"
    p.write_text("services:\n  a:\n    image: postgres:16\n    environment:\n"
                 "      POSTGRES_PASSWORD: FirstPw1\n  b:\n    image: postgres:16\n"
                 "    environment:\n      POSTGRES_PASSWORD: AnotherPw9\n")
    rc, out, _ = run(capsys, str(p), "--select", "DC301", "--fix", "--unsafe-fixes")
    assert rc == 0 and "Found 0 problems" in out, out
    assert secret_values(p) == {"a": "FirstPw1", "b": "AnotherPw9"}


def secret_values(compose: Path) -> dict[str, str]:
    """Per service, the content of the secret file its POSTGRES_PASSWORD_FILE names."""
    import yaml

    doc = yaml.safe_load(compose.read_text())
    files = {k: v["file"] for k, v in doc.get("secrets", {}).items()}
    out = {}
    for name, svc in doc["services"].items():
        target = svc["environment"]["POSTGRES_PASSWORD_FILE"]
        out[name] = (compose.parent / files[target.rsplit("/", 1)[1]]).read_text()
    return out


def test_fix_never_reuses_a_declared_secret(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    # `postgres_password` is declared (its file not in this checkout): writing the second
    # service's password to it would change the first service's password
    p = tmp_path / "compose.yaml"
    p.write_text("services:\n  a:\n    image: postgres:16\n    environment:\n"
                 "      POSTGRES_PASSWORD_FILE: /run/secrets/postgres_password\n"
                 "    secrets: [postgres_password]\n  b:\n    image: postgres:16\n"
                 "    environment:\n      POSTGRES_PASSWORD: AnotherPw9\n"
                 "secrets:\n  postgres_password:\n    file: ./secrets/postgres_password.txt\n")
    rc, out, _ = run(capsys, str(p), "--select", "DC301", "--fix", "--unsafe-fixes")
    assert not (tmp_path / "secrets" / "postgres_password.txt").exists()
    assert "/run/secrets/postgres_password\n" in p.read_text()  # `a` untouched
    assert (tmp_path / ".env").read_text() == "POSTGRES_PASSWORD=AnotherPw9\n"  # `b` kept
    assert rc == 0 and "AnotherPw9" not in p.read_text(), out


def test_fix_to_dotenv_keeps_every_value(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    # no `.env`: the fix creates one with the values (a `$$` escape is one `$` there, single
    # quotes keep it literal), and Compose resolves the same configuration as before
    from support import compose_config

    p = tmp_path / "compose.yaml"
    p.write_text("services:\n  api:\n    image: my/api:1\n    environment:\n"
                 "      JWT_SECRET: s3cr3t-value\n      API_TOKEN: \"a b$$c\"\n"
                 "  worker:\n    image: my/w:1\n    environment:\n"
                 "      - JWT_SECRET=s3cr3t-value\n")
    before = compose_config(p, "--format", "json")
    assert before.returncode == 0, before.stderr
    rc, out, _ = run(capsys, str(p), "--select", "DC301", "--fix", "--unsafe-fixes")
    assert rc == 0 and "fixed 3" in out, out
    assert "s3cr3t" not in p.read_text() and "a b" not in p.read_text()
    assert (tmp_path / ".env").read_text() == "JWT_SECRET=s3cr3t-value\nAPI_TOKEN='a b$c'\n"
    after = compose_config(p, "--format", "json")
    assert after.returncode == 0 and after.stdout == before.stdout, after.stderr


def test_fix_never_drops_a_value_dotenv_lacks(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    # `.env` exists: a variable it holds with this value becomes `${NAME}`; one it lacks,
    # or holds with another value, stays (the fix cannot add to an existing file)
    p = tmp_path / "compose.yaml"
    p.write_text("services:\n  api:\n    image: my/api:1\n    environment:\n"
                 "      JWT_SECRET: s3cr3t-value\n      API_TOKEN: tok-123456\n"
                 "      SESSION_SECRET: mine-9876\n")
    (tmp_path / ".env").write_text("JWT_SECRET=s3cr3t-value\nSESSION_SECRET=other\n")
    rc, out, _ = run(capsys, str(p), "--select", "DC301", "--fix", "--unsafe-fixes")
    text = p.read_text()
    assert 'JWT_SECRET: "${JWT_SECRET}"' in text
    assert "API_TOKEN: tok-123456" in text and "SESSION_SECRET: mine-9876" in text
    assert rc == 1 and "Found 2 problems" in out and "could not be applied" not in out


def test_config_errors_name_the_file_and_key(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = project / ".dockwise.toml"
    for text, message in [
        ('[rules.DF201]\npin-digests = true\n',
         "`rules.DF201`: unknown option `pin-digests` (did you mean `pin-digest`?)"),
        ('[rules.DF201]\npin-digest = "yes"\n', "`rules.DF201.pin-digest` must be true or false"),
        ('[rules.DF301]\nallow = ["root"]\n', "`rules.DF301`: unknown option `allow` (it takes no options)"),
        ("docs-base-url = 5\n", "`docs-base-url` must be a string"),
        ('min-compose-version = "abc"\n', "`min-compose-version`: invalid version 'abc'"),
    ]:
        cfg.write_text(text)
        rc, _, err = run(capsys, str(project / "Dockerfile"))
        assert rc == 2 and message in err and str(cfg) in err, (text, err)


def test_broken_pyproject_with_dockwise_table_is_an_error(project: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    # not silently ignored (the lint would run with other settings than the user wrote)
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.dockwise\nselect = []\n')
    rc, _, err = run(capsys, str(project / "Dockerfile"))
    assert rc == 2 and "pyproject.toml: invalid TOML" in err
    # a broken pyproject.toml that does not configure dockwise is not dockwise's business
    from dockwise.config import find_config

    (project / "pyproject.toml").write_text('[project\nname = "x"\n')
    find_config.cache_clear()  # (remembered per directory within one process)
    rc, _, err = run(capsys, str(project / "Dockerfile"), "--select", "DF001")
    assert rc == 1 and err == ""


def test_fix_through_a_symlink_keeps_the_link(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    real = tmp_path / "real.Dockerfile"
    real.write_text("FROM a\nMAINTAINER x\n")
    link = tmp_path / "Dockerfile"
    link.symlink_to(real.name)
    rc, _, _ = run(capsys, str(link), "--select", "DF007", "--fix")
    assert rc == 0 and link.is_symlink()
    assert real.read_text() == 'FROM a\nLABEL org.opencontainers.image.authors="x"\n'


def test_discovery_skips_fifos(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import os

    (tmp_path / "Dockerfile").write_text("FORM x\n")
    os.mkfifo(tmp_path / "Dockerfile.pipe")  # opening it would block for ever
    os.mkfifo(tmp_path / "stack.yml")
    rc, out, _ = run(capsys, str(tmp_path), "--select", "DF001", "--format", "json")
    assert rc == 1 and {Path(d["path"]).name for d in json.loads(out)} == {"Dockerfile"}


def test_missing_project_directory_is_a_usage_error(project: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    rc, _, err = run(capsys, str(project), "--project-directory", str(project / "nope"))
    assert rc == 2 and "--project-directory: no such directory" in err


def test_tcp_port_in_use_is_one_line(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = subprocess.run([sys.executable, "-m", "dockwise", "--tcp", f"127.0.0.1:{port}"],
                           capture_output=True, text=True, timeout=60, check=False)
    assert r.returncode == 2 and r.stderr.startswith(f"dockwise: cannot listen on 127.0.0.1:{port}")
    assert "Traceback" not in r.stderr


def test_paths_as_given_and_each_file_once(project: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    rc, out, _ = run(capsys, "./Dockerfile", ".", "./sub/", "--select", "DF001", "--format", "json")
    paths = [d["path"] for d in json.loads(out)]
    assert rc == 1 and paths == ["./Dockerfile"]  # not again for `.`; as typed, not `Dockerfile`


def test_summary_counts_unsafe_fixes_as_fixable_with_unsafe_fixes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "Dockerfile"
    p.write_text("FROM alpine\nRUN apk add curl\n")  # DF201, DF301: unsafe fixes; DF108 (apk --no-cache): safe
    _, out, _ = run(capsys, str(p))
    summary = out.strip().splitlines()[-1]
    assert "fixable with --fix" in summary and "more with --fix --unsafe-fixes" in summary
    safe = int(summary.split("(", 1)[1].split(" fixable")[0])
    unsafe = int(summary.split("; ")[1].split(" more")[0])
    _, out, _ = run(capsys, str(p), "--unsafe-fixes")
    summary = out.strip().splitlines()[-1]
    assert f"({safe + unsafe} fixable with --fix)" in summary, summary
    assert "--unsafe-fixes" not in summary


@pytest.mark.parametrize("name,text", [
    ("Dockerfile", "FROM python:3.13\nRUN apt-get update && apt-get install -y --no-install-recommends"
                   " build-essential libpq-dev && rm -rf /var/lib/apt/lists/*\n"
                   "RUN pip install --no-cache-dir psycopg2==2.9.9\nCMD [\"python\"]\n"),
    ("compose.yaml", "services:\n  train:\n    image: nvcr.io/nvidia/pytorch:24.10-py3\n"
                     "    runtime: nvidia\n    environment:\n      - NVIDIA_VISIBLE_DEVICES=0,1\n"),
])
def test_fixes_keep_crlf_line_endings(name: str, text: str, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    # fixes that copy lines of the document (DF206's builder stage, DC401's reservation)
    # must not end them in `\r\r\n`
    p = tmp_path / name
    p.write_bytes(text.replace("\n", "\r\n").encode())
    run(capsys, str(p), "--fix", "--unsafe-fixes")
    fixed = p.read_bytes()
    assert fixed != text.replace("\n", "\r\n").encode(), "no fix applied"
    assert b"\r\r" not in fixed and fixed.count(b"\n") == fixed.count(b"\r\n")
