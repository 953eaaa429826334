"""DF206 build-tools-in-final-image: golden before/after of the "add a builder stage" fix."""

from __future__ import annotations

import pytest

from dockwise.config import Settings
from dockwise.lint.engine import lint_dockerfile_text
from dockwise.lint.fixes import apply_edits
from dockwise.lint.rules.dockerfile.df206_build_tools_in_final_image import (
    is_build_package,
    is_info_package,
)
from dockwise.lint.types import Applicability, Severity, Violation


def findings(text: str) -> list[Violation]:
    res = lint_dockerfile_text(text, None, Settings(select=["DF206"]))
    assert not res.internal_errors, res.internal_errors
    return [v for v in res.violations if v.code == "DF206"]


def fixed(text: str) -> str:
    fixes = [v.fix for v in findings(text) if v.fix is not None]
    assert fixes, [v.message for v in findings(text)]
    assert fixes[0].applicability is Applicability.UNSAFE
    out = apply_edits(text, fixes[0].edits)
    assert [v for v in findings(out) if v.severity is Severity.WARNING] == []
    return out


def test_python_venv_builder_and_slim_runtime() -> None:
    before = (
        "FROM python:3.13-bookworm AS web\n"
        "WORKDIR /app\n"
        "RUN apt-get update && apt-get install -y --no-install-recommends "
        "build-essential libpq-dev python3-dev libfoo-dev tini && rm -rf /var/lib/apt/lists/*\n"
        "COPY requirements.txt .\n"
        "RUN pip install --no-cache-dir -r requirements.txt\n"
        "COPY . .\n"
        'CMD ["tini", "--", "python", "app.py"]\n'
    )
    after = (
        "FROM python:3.13-bookworm AS builder\n"
        "WORKDIR /app\n"
        "RUN apt-get update && apt-get install -y --no-install-recommends "
        "build-essential libpq-dev python3-dev libfoo-dev tini && rm -rf /var/lib/apt/lists/*\n"
        "COPY requirements.txt .\n"
        "RUN python -m venv /opt/venv\n"
        'ENV PATH="/opt/venv/bin:$PATH"\n'
        "RUN pip install --no-cache-dir -r requirements.txt\n"
        "\n"
        "FROM python:3.13-slim-bookworm AS web\n"
        "WORKDIR /app\n"
        "# run-time libraries of these -dev packages are not in the catalogue; add them: "
        "libfoo-dev\n"
        "RUN apt-get update && apt-get install -y --no-install-recommends libpq5 tini \\\n"
        " && rm -rf /var/lib/apt/lists/*\n"
        "COPY requirements.txt .\n"
        "COPY --from=builder /opt/venv /opt/venv\n"
        'ENV PATH="/opt/venv/bin:$PATH"\n'
        "COPY . .\n"
        'CMD ["tini", "--", "python", "app.py"]\n'
    )
    assert fixed(before) == after


def test_python_alpine_keeps_the_tag() -> None:
    before = (
        "FROM python:3.12-alpine\n"
        "RUN apk add --no-cache gcc musl-dev libffi-dev\n"
        "RUN pip install cffi\n"
        'CMD ["python"]\n'
    )
    after = (
        "FROM python:3.12-alpine AS builder\n"
        "RUN apk add --no-cache gcc musl-dev libffi-dev\n"
        "RUN python -m venv /opt/venv\n"
        'ENV PATH="/opt/venv/bin:$PATH"\n'
        "RUN pip install cffi\n"
        "\n"
        "FROM python:3.12-alpine\n"
        "RUN apk add --no-cache libffi\n"
        "COPY --from=builder /opt/venv /opt/venv\n"
        'ENV PATH="/opt/venv/bin:$PATH"\n'
        'CMD ["python"]\n'
    )
    assert fixed(before) == after


def test_go_onto_distroless_static() -> None:
    before = (
        "FROM golang:1.23\n"
        "WORKDIR /src\n"
        "COPY go.mod go.sum ./\n"
        "RUN go mod download\n"
        "COPY *.go ./\n"
        "RUN go build -o /bin/app .\n"
        "ENV PORT=8080\n"
        'ENTRYPOINT ["/bin/app"]\n'
    )
    after = (
        "FROM golang:1.23 AS builder\n"
        "WORKDIR /src\n"
        "COPY go.mod go.sum ./\n"
        "RUN go mod download\n"
        "COPY *.go ./\n"
        "RUN CGO_ENABLED=0 go build -o /bin/app .\n"
        "\n"
        "FROM gcr.io/distroless/static-debian12\n"
        "WORKDIR /src\n"
        "COPY --from=builder /bin/app /bin/app\n"
        "ENV PORT=8080\n"
        'ENTRYPOINT ["/bin/app"]\n'
    )
    assert fixed(before) == after


def test_node_prunes_and_copies_the_app() -> None:
    before = (
        "FROM node:22-alpine\n"
        "WORKDIR /app\n"
        "RUN apk add --no-cache python3 make g++\n"
        "COPY package*.json ./\n"
        "RUN npm ci\n"
        "COPY . .\n"
        "RUN npm run build\n"
        'CMD ["node", "dist/index.js"]\n'
    )
    after = (
        "FROM node:22-alpine AS builder\n"
        "WORKDIR /app\n"
        "RUN apk add --no-cache python3 make g++\n"
        "COPY package*.json ./\n"
        "RUN npm ci\n"
        "COPY . .\n"
        "RUN npm run build\n"
        "RUN npm prune --omit=dev\n"
        "\n"
        "FROM node:22-alpine\n"
        "WORKDIR /app\n"
        "COPY --from=builder /app /app\n"
        'CMD ["node", "dist/index.js"]\n'
    )
    assert fixed(before) == after


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("FROM ubuntu:24.04\nRUN apt-get install -y gcc\nCMD [\"a\"]\n", "not one on `ubuntu"),
        ("FROM python:3.13\nRUN apt-get install -y gcc\nRUN pip install --user x\n"
         "CMD [\"python\"]\n", "--user"),
        ("FROM python:3.13@sha256:" + "a" * 64 + "\nRUN apt-get install -y gcc\n"
         "RUN pip install x\nCMD [\"python\"]\n", "digest"),
        ("FROM golang:1.23\nRUN go build .\nCMD [\"/go/app\"]\n", "no `-o"),
        ("FROM golang:1.23\nRUN go build -o /app .\nCMD /app\n", "shell-form CMD"),
        ("FROM node:22\nRUN apt-get install -y g++\nRUN yarn install\nCMD [\"node\"]\n", "yarn"),
    ],
)
def test_no_fix_says_why(text: str, reason: str) -> None:
    found = [v for v in findings(text) if v.severity is Severity.WARNING]
    assert found and all(v.fix is None for v in found)
    assert reason in found[0].message, found[0].message


def test_package_classes() -> None:
    for p in ("build-essential", "gcc", "g++-12", "clang-18", "cmake", "libpq-dev=15.1",
              "openssl-devel", "cargo", "golang-go", "build-base"):
        assert is_build_package(p), p
    for p in ("libpq5", "gcc-doc-base", "devscripts", "python3", "git", "make", "curl"):
        assert not is_build_package(p), p
    assert is_info_package("git") and is_info_package("curl=7.88") and is_info_package("make")


def test_info_only_has_no_fix() -> None:
    (v,) = findings("FROM python:3.13-slim\nRUN apt-get install -y git\nRUN pip install x\n"
                    "CMD [\"python\"]\n")
    assert v.severity is Severity.INFORMATION and v.fix is None
