"""compose/builds.py: a Compose `build` resolved against the Dockerfile it builds."""

from __future__ import annotations

from pathlib import Path

from dockwise.compose.builds import (
    build_of,
    catalogue_probe,
    compose_builds_near,
    dockerfile_named_contexts,
    dockerfile_targets,
    image_healthcheck,
    is_remote_context,
    load_dockerfile,
    map_range,
    render_map,
    service_health,
    target_stage,
)
from dockwise.compose.project import Project, resolve_project


def project_of(tmp: Path, files: dict[str, str], main: str = "compose.yaml",
               open_documents: dict[Path, str] | None = None) -> Project:
    for name, text in files.items():
        p = tmp / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    path = tmp / main
    return resolve_project(path, path.read_text(), open_documents=open_documents)


def test_short_syntax_context_relative_to_project_directory(tmp_path: Path) -> None:
    pr = project_of(tmp_path, {"compose.yaml": "services:\n  api:\n    build: ./app\n"})
    b = build_of("api", None, pr)
    assert b is not None
    assert b.context_dir == tmp_path / "app"
    assert b.dockerfile_path == tmp_path / "app" / "Dockerfile"
    assert b.target is None and b.args == {} and not b.remote


def test_long_syntax_dockerfile_relative_to_context(tmp_path: Path) -> None:
    pr = project_of(tmp_path, {"compose.yaml": (
        "services:\n  api:\n    build:\n      context: src\n      dockerfile: ../docker/api.Dockerfile\n"
        "      target: prod\n      args:\n        A: 1\n        B:\n"
        "      additional_contexts:\n        - lib=../lib\n")})
    b = build_of("api", None, pr)
    assert b is not None
    assert b.dockerfile_path == tmp_path / "src" / ".." / "docker" / "api.Dockerfile"
    assert b.target == "prod"
    assert b.args == {"A": "1", "B": None}
    assert b.named_contexts == {"lib": "../lib"}


def test_args_list_syntax_and_spans(tmp_path: Path) -> None:
    text = "services:\n  api:\n    build:\n      context: .\n      args:\n        - X=1\n        - \"Y\"\n"
    pr = project_of(tmp_path, {"compose.yaml": text})
    b = build_of("api", None, pr)
    assert b is not None
    assert b.args == {"X": "1", "Y": None}
    spans = [text[a.span.start : a.span.end] for a in b.arg_entries]
    assert spans == ["X", "Y"]


def test_interpolation_with_env_and_defaults(tmp_path: Path) -> None:
    pr = project_of(tmp_path, {
        ".env": "APP_DIR=backend\n",
        "compose.yaml": ("services:\n  api:\n    build:\n      context: ${APP_DIR}\n"
                         "      target: ${TARGET:-runtime}\n"
                         "  other:\n    build: ${UNSET}\n")})
    b = build_of("api", None, pr)
    assert b is not None and b.context_dir == tmp_path / "backend" and b.target == "runtime"
    o = build_of("other", None, pr)
    assert o is not None and o.context_dir is None and o.dockerfile_path is None


def test_remote_contexts_are_not_paths(tmp_path: Path) -> None:
    for url in ("https://github.com/a/b.git#main", "git@github.com:a/b.git",
                "github.com/a/b", "ssh://git@host/x.git"):
        assert is_remote_context(url)
    assert not is_remote_context("./app")
    pr = project_of(tmp_path, {"compose.yaml": "services:\n  a:\n    build: https://x.io/c.tar.gz\n"})
    b = build_of("a", None, pr)
    assert b is not None and b.remote and b.dockerfile_path is None


def test_inline_dockerfile(tmp_path: Path) -> None:
    pr = project_of(tmp_path, {"compose.yaml": (
        "services:\n  a:\n    build:\n      dockerfile_inline: |\n        FROM alpine:3.20 AS base\n"
        "        ARG V=$${HOME}\n      target: base\n")})
    b = build_of("a", None, pr)
    assert b is not None and b.inline_text is not None and b.dockerfile_path is None
    assert "ARG V=${HOME}" in b.inline_text  # `$$` is Compose's escape
    an = load_dockerfile(b)
    assert an is not None
    st = target_stage(an, b.target)
    assert st is not None and st.name == "base"


def test_override_file_merges_build(tmp_path: Path) -> None:
    pr = project_of(tmp_path, {
        "compose.yaml": "services:\n  api:\n    build:\n      context: app\n      args: {A: '1'}\n",
        "compose.override.yaml": "services:\n  api:\n    build:\n      target: dev\n      args: {B: '2'}\n",
    })
    b = build_of("api", None, pr)
    assert b is not None
    assert b.context_dir == tmp_path / "app" and b.target == "dev"
    assert b.args == {"A": "1", "B": "2"}
    assert b.file.path == (tmp_path / "compose.override.yaml").resolve()


def test_extends_and_include_resolve_against_their_own_file(tmp_path: Path) -> None:
    pr = project_of(tmp_path, {
        "compose.yaml": ("include:\n  - sub/compose.yaml\nservices:\n  api:\n"
                         "    extends:\n      file: common/base.yaml\n      service: base\n"),
        "common/base.yaml": "services:\n  base:\n    build: ./ctx\n",
        "sub/compose.yaml": "services:\n  worker:\n    build: ./w\n",
    })
    b = build_of("api", None, pr)
    assert b is not None and b.context_dir == tmp_path / "common" / "ctx"
    w = build_of("worker", None, pr)
    assert w is not None and w.context_dir == tmp_path / "sub" / "w"


def test_dockerfile_targets_and_named_contexts(tmp_path: Path) -> None:
    pr = project_of(tmp_path, {"compose.yaml": (
        "services:\n  a:\n    build:\n      context: app\n      target: prod\n"
        "      additional_contexts:\n        lib: ../lib\n"
        "  b:\n    build: app\n  c:\n    build: other\n")})
    df = tmp_path / "app" / "Dockerfile"
    assert dockerfile_targets(pr, df) == ["", "prod"]
    assert dockerfile_named_contexts(pr, df) == {"lib"}
    assert dockerfile_targets(pr, tmp_path / "nowhere" / "Dockerfile") is None


def test_editor_buffer_is_preferred(tmp_path: Path) -> None:
    pr = project_of(tmp_path, {"compose.yaml": "services:\n  a:\n    build: .\n",
                               "Dockerfile": "FROM alpine:3.20 AS disk\n"})
    b = build_of("a", None, pr)
    assert b is not None
    buffers = {(tmp_path / "Dockerfile").resolve(): "FROM alpine:3.20 AS unsaved\n"}

    def read(p: Path) -> str | None:
        return buffers.get(p.resolve()) or p.read_text()

    an = load_dockerfile(b, read)
    assert an is not None and [s.name for s in an.stages] == ["unsaved"]
    pr2 = resolve_project(tmp_path / "compose.yaml", (tmp_path / "compose.yaml").read_text())
    b2 = build_of("a", None, pr2)
    assert b2 is not None
    an2 = load_dockerfile(b2)
    assert an2 is not None and [s.name for s in an2.stages] == ["disk"]


def test_compose_builds_near(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    project_of(tmp_path, {"compose.yaml": "services:\n  a:\n    build:\n      context: svc/app\n"
                                          "      target: prod\n",
                          "svc/app/Dockerfile": "FROM alpine:3.20 AS prod\n"})
    found = compose_builds_near(tmp_path / "svc" / "app" / "Dockerfile")
    assert found.targets == ["prod"]
    # unsaved Compose buffer wins over the disk
    docs = {(tmp_path / "compose.yaml").resolve():
            "services:\n  a:\n    build:\n      context: svc/app\n      target: dev\n"}
    assert compose_builds_near(tmp_path / "svc" / "app" / "Dockerfile", docs).targets == ["dev"]
    assert compose_builds_near(tmp_path / "Dockerfile").targets is None


def test_health_of_services(tmp_path: Path) -> None:
    pr = project_of(tmp_path, {
        "compose.yaml": (
            "services:\n"
            "  db:\n    image: postgres:17\n"
            "  hc:\n    image: x/y:1\n    healthcheck:\n      test: [CMD, true]\n"
            "  off:\n    image: x/y:1\n    healthcheck:\n      test: [NONE]\n"
            "  app:\n    build: app\n"
            "  app2:\n    build: app2\n"
            "  unknown:\n    image: x/y:1\n"),
        "app/Dockerfile": "FROM python:3.13-slim\nHEALTHCHECK CMD true\n",
        "app2/Dockerfile": "FROM python:3.13-slim\n",
    })
    assert service_health(pr, "db").enabled is False
    assert service_health(pr, "db").image_ref == "postgres:17"
    assert service_health(pr, "hc").enabled is True
    assert service_health(pr, "off").enabled is False
    assert service_health(pr, "app").enabled is True
    h2 = service_health(pr, "app2")
    assert h2.enabled is False and h2.image_ref == "python:3.13-slim"
    assert h2.build is not None and image_healthcheck(h2.build) is False
    assert service_health(pr, "unknown").enabled is None


def test_catalogue_probe_versions() -> None:
    assert catalogue_probe("redis:7")[0] == "redis-cli ping"
    assert catalogue_probe("postgres")[0] == (
        "pg_isready -U $${POSTGRES_USER:-postgres} -d $${POSTGRES_DB:-postgres}")
    assert catalogue_probe("mariadb:11.4")[0] == "healthcheck.sh --connect --innodb_initialized"
    probe, why = catalogue_probe("mariadb:10.6")
    assert probe is None and "11" in why
    assert catalogue_probe("myorg/app:1")[0] is None


def test_render_map_keeps_literal_offsets() -> None:
    raw = "python:${TAG:-latest}"
    out, segs = render_map(raw, {})
    assert out == "python:latest"
    lo, hi = out.index("latest"), len(out)
    m = map_range(segs, lo, hi)
    assert m is not None and raw[m[0] : m[1]] == "latest"
    out2, segs2 = render_map("nginx:${T}", {"T": "latest"})
    assert out2 == "nginx:latest"
    assert map_range(segs2, 6, 12) is None  # from the environment: not in the file
    assert map_range(segs2, 5, 5) == (5, 5)
