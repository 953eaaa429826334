from __future__ import annotations

from pathlib import Path

from dockwise.features.links import compose_links, dockerfile_links, image_url


def test_image_urls() -> None:
    assert image_url("python:3.12") == "https://hub.docker.com/_/python"
    assert image_url("bitnami/redis:7") == "https://hub.docker.com/r/bitnami/redis"
    assert image_url("quay.io/prometheus/node-exporter") == "https://quay.io/repository/prometheus/node-exporter"
    assert image_url("nvcr.io/nvidia/pytorch:24.01-py3") == "https://catalog.ngc.nvidia.com/orgs/nvidia/containers/pytorch"
    assert image_url("ghcr.io/owner/app:1") == "https://ghcr.io/owner/app"
    assert image_url("${BASE}") is None and image_url("scratch") is None
    assert image_url("localhost:5000/app") is None


def test_dockerfile_links(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("flask\n")
    text = ("FROM python:3.12 AS build\nCOPY requirements.txt missing.txt /app/\n"
            "FROM build\nCOPY --from=nginx:1.27 /etc/nginx /etc/nginx\n")
    links = dockerfile_links(text, base_dir=tmp_path)
    got = [(text[lk.span.start:lk.span.end], lk.target) for lk in links]
    assert got == [
        ("python:3.12", "https://hub.docker.com/_/python"),
        ("requirements.txt", str(tmp_path / "requirements.txt")),
        ("nginx:1.27", "https://hub.docker.com/_/nginx"),
    ]


def test_compose_links(tmp_path: Path) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "Dockerfile.prod").write_text("FROM alpine\n")
    (tmp_path / ".env.web").write_text("A=1\n")
    (tmp_path / "token.txt").write_text("x")
    text = """services:
  web:
    image: "nginx:1.27"
    env_file: [.env.web, .env.missing]
  api:
    build:
      context: ./api
      dockerfile: Dockerfile.prod
secrets:
  token:
    file: ./token.txt
"""
    links = compose_links(text, base_dir=tmp_path)
    got = [text[lk.span.start:lk.span.end] for lk in links]
    assert got == ["nginx:1.27", ".env.web", "./api", "Dockerfile.prod", "./token.txt"]
    assert links[3].target == str(tmp_path / "api" / "Dockerfile.prod")
    assert [lk.target for lk in compose_links(text)] == ["https://hub.docker.com/_/nginx"]
