"""DF301 root-user: golden before/after of the "add a non-root USER" fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockwise.config import Settings
from dockwise.lint.engine import lint_dockerfile_text
from dockwise.lint.fixes import apply_edits
from dockwise.lint.types import Applicability, Violation


def findings(text: str, path: Path | None = None) -> list[Violation]:
    res = lint_dockerfile_text(text, path, Settings(select=["DF301"]))
    assert not res.internal_errors, res.internal_errors
    return [v for v in res.violations if v.code == "DF301"]


def fixed(text: str) -> str:
    (v,) = findings(text)
    assert v.fix is not None, v.message
    assert v.fix.applicability is Applicability.UNSAFE
    out = apply_edits(text, v.fix.edits)
    assert findings(out) == [], "the fix must remove the finding"
    return out


def test_debian_python_creates_user_chowns_workdir_and_caches() -> None:
    before = (
        "FROM python:3.13-slim\n"
        "ENV PIP_CACHE_DIR=/var/cache/pip\n"
        "WORKDIR /app\n"
        "COPY requirements.txt .\n"
        "RUN pip install -r requirements.txt\n"
        "COPY . .\n"
        'CMD ["python", "app.py"]\n'
    )
    after = (
        "FROM python:3.13-slim\n"
        "ENV PIP_CACHE_DIR=/var/cache/pip\n"
        "WORKDIR /app\n"
        "COPY requirements.txt .\n"
        "RUN pip install -r requirements.txt\n"
        "RUN groupadd --system --gid 1001 app \\\n"
        " && useradd --system --uid 1001 --gid app --no-log-init --create-home app \\\n"
        " && mkdir -p /app /var/cache/pip && chown app:app /app /var/cache/pip\n"
        "USER app\n"
        "COPY --chown=app:app . .\n"
        'CMD ["python", "app.py"]\n'
    )
    assert fixed(before) == after


def test_alpine_uses_busybox_tools() -> None:
    before = (
        "FROM alpine:3.21\n"
        "RUN apk add --no-cache ca-certificates\n"
        "WORKDIR /srv\n"
        "COPY server /srv/server\n"
        'ENTRYPOINT ["/srv/server"]\n'
    )
    after = (
        "FROM alpine:3.21\n"
        "RUN apk add --no-cache ca-certificates\n"
        "RUN addgroup -S -g 1001 app \\\n"
        " && adduser -S -u 1001 -G app app \\\n"
        " && mkdir -p /srv && chown app:app /srv\n"
        "USER app\n"
        "WORKDIR /srv\n"
        "COPY --chown=app:app server /srv/server\n"
        'ENTRYPOINT ["/srv/server"]\n'
    )
    assert fixed(before) == after


def test_ubi_uses_useradd_l() -> None:
    before = 'FROM registry.access.redhat.com/ubi9/ubi:9.5\nCMD ["bash"]\n'
    after = (
        "FROM registry.access.redhat.com/ubi9/ubi:9.5\n"
        "RUN groupadd -r -g 1001 app \\\n"
        " && useradd -r -l -u 1001 -g app -m app\n"
        "USER app\n"
        'CMD ["bash"]\n'
    )
    assert fixed(before) == after


def test_distroless_and_scratch() -> None:
    before = 'FROM gcr.io/distroless/static-debian12\nCOPY app /app\nENTRYPOINT ["/app"]\n'
    after = ('FROM gcr.io/distroless/static-debian12\nUSER nonroot\nCOPY app /app\n'
             'ENTRYPOINT ["/app"]\n')
    assert fixed(before) == after
    before = 'FROM scratch\nCOPY app /app\nENTRYPOINT ["/app"]\n'
    after = 'FROM scratch\nUSER 65534\nCOPY app /app\nENTRYPOINT ["/app"]\n'
    assert fixed(before) == after


def test_user_root_last_switches_back_to_the_earlier_user() -> None:
    before = (
        "FROM node:22-slim\n"
        "USER node\n"
        "RUN npm ci\n"
        "USER root\n"
        "RUN apt-get update && apt-get install -y tini\n"
        'CMD ["node", "server.js"]\n'
    )
    (v,) = findings(before)
    assert v.severity.label == "warning"
    assert v.equivalents == ("DL3002",)
    after = before.replace("apt-get install -y tini\n", "apt-get install -y tini\nUSER node\n")
    assert fixed(before) == after


def test_existing_useradd_is_reused() -> None:
    before = "FROM debian:bookworm-slim\nRUN useradd -m -u 2000 svc\nCMD [\"svc\"]\n"
    after = "FROM debian:bookworm-slim\nRUN useradd -m -u 2000 svc\nUSER svc\nCMD [\"svc\"]\n"
    assert fixed(before) == after


def test_low_port_no_fix_with_reason() -> None:
    (v,) = findings("FROM python:3.13-slim\nEXPOSE 443\nCMD [\"python\"]\n")
    assert v.fix is None
    assert "port 443 (below 1024)" in v.message


def test_unknown_family_no_fix_with_reason() -> None:
    (v,) = findings("FROM busybox:1.37\nCMD [\"sh\"]\n")
    assert v.fix is None
    assert "OS family is not known" in v.message


@pytest.mark.parametrize(
    "text",
    [
        "FROM postgres:16\nUSER root\nRUN echo\n",  # entrypoint drops privileges
        "FROM gcr.io/distroless/base-debian12:nonroot\nCMD [\"/app\"]\n",
        "FROM quay.io/jupyter/base-notebook:latest\nRUN pip install x\n",
        "ARG U\nFROM alpine:3.21\nARG U\nUSER $U\nCMD [\"sh\"]\n",
        "FROM alpine:3.21 AS lint\nRUN echo lint\nFROM alpine:3.21\nUSER 1001\nCMD [\"sh\"]\n",
        "FROM scratch\nCOPY out /\n",
        "FROM debian:12\nCMD [\"gosu\", \"app\", \"run\"]\n",
    ],
)
def test_exempt(text: str) -> None:
    assert findings(text) == []


def test_devcontainer_path_is_exempt() -> None:
    text = "FROM debian:12\nRUN true\n"
    assert findings(text, Path("/x/.devcontainer/Dockerfile")) == []
    assert len(findings(text, Path("/x/Dockerfile"))) == 1
