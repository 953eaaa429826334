"""What a re-lint keeps from earlier lints (clean services, schema errors per unit) never
changes its result: after every edit, the lint with the caches of the earlier versions
equals a cold lint of the same text — findings, ranges, messages, fixes."""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dockwise.compose import incremental
from dockwise.config import Settings, settings_from_mapping
from dockwise.lint.engine import LintResult, lint_compose_text

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from bench_compose import generated

BASE = """\
x-common: &common
  restart: unless-stopped
  environment:
    SHARED: "1"
    DEBUG: yes

x-gpu: &gpu
  runtime: nvidia
  environment:
    - NVIDIA_VISIBLE_DEVICES=0,1

services:
  web:
    <<: *common
    image: nginx
    ports:
      - "8080:80"
    depends_on:
      api:
        condition: service_healthy
  api:
    <<: *common
    image: registry.example.com/team/api:${TAG:-1.0}
    command: run.sh && serve
    environment:
      DB_PASSWORD: hunter2hunter2
      LOG: ${LOG_LEVEL:-info}
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost/health"]
      interval: 10s
  db:
    image: postgres:16.4
    ports: ["5432:5432"]
    privileged: true
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
      - data:/var/lib/postgresql/data
  trainer:
    <<: *gpu
    image: pytorch/pytorch:2.4.0-cuda12.1-cudnn9-runtime
    command: ["torchrun", "train.py"]
    volumes:
      - ./datasets:/datasets
  worker: &worker
    image: example/worker:2.1
    cap_add: [SYS_ADMIN]
    labels:
      version: 1.10
  worker2:
    <<: *worker
    image: example/worker:latest
  extended:
    extends: worker
    environment:
      TOKEN: abcdefabcdefabcdef
  files:
    image: alpine:3.20
    env_file: ./app.env
    command: echo $HOME
  cache:
    image: redis:7.4.1
    command: ["redis-server", "--save", ""]
  proxy:
    <<: *common
    image: traefik:v3.1.2
    ports:
      - "127.0.0.1:8081:80"
  static:
    image: nginx:1.27.2
    volumes:
      - ./site:/usr/share/nginx/html:ro
  queue: &queue
    image: rabbitmq:3.13.7
    healthcheck:
      test: ["CMD", "rabbitmq-diagnostics", "ping"]
  queue2:
    <<: *queue
    environment:
      RABBITMQ_NODENAME: rabbit@queue2
volumes:
  data: {}
"""

# (what to find, what to put instead): edits an editor makes, one after the other
EDITS: list[tuple[str, str]] = [
    ("image: nginx\n", "image: nginxx\n"),  # a letter in one service
    ("image: nginxx\n", "image: nginx\n"),  # and back: the text of two versions ago
    ("DEBUG: yes", "DEBUG: no"),  # the anchored block every `<<: *common` reads
    ("SHARED: \"1\"", "SHARED: on"),
    ("privileged: true", "privileged: false"),  # a finding goes away
    ("cap_add: [SYS_ADMIN]", "cap_add: [NET_BIND_SERVICE]"),
    ("cap_add: [NET_BIND_SERVICE]", "cap_add: [SYS_ADMIN]"),  # and comes back
    ("  web:\n", "  web:\n    # a comment line shifts every line below\n"),
    ("  api:\n", "  apiserver:\n"),  # a rename: `depends_on: api` is now undefined
    ("  apiserver:\n", "  api:\n"),
    ("x-gpu: &gpu\n  runtime: nvidia\n", "x-gpu: &gpu\n  runtime: runc\n"),
    ("  worker2:\n    <<: *worker\n", "  worker2:\n    <<: *common\n"),
    ("  files:\n", "  trainer:\n"),  # a duplicate service name
    ("  trainer:\n    image: alpine", "  files:\n    image: alpine"),
    ("command: echo $HOME", "command: echo $${HOME}"),
    ("    labels:\n      version: 1.10\n", "    labels:\n      version: 1.10\n    privileged: true\n"),
    ("image: redis:7.4.1", "image: redis:latest"),  # a clean service gets a finding
    ("image: redis:latest", "image: redis:7.4.1"),
    ("    <<: *queue\n", "    <<: *queue\n    privileged: true\n"),
    ("test: [\"CMD\", \"rabbitmq-diagnostics\", \"ping\"]", "test: [\"CMD-SHELL\", \"echo $$HOME && ping\"]"),
    ("SHARED: on", "SHARED: on\n    PASSWORD: hunter2hunter2"),  # read by every `<<: *common`
    ("  static:\n", "  static:\n    <<: *gpu\n"),
    ("runtime: runc", "runtime: nvidia"),
    ("NVIDIA_VISIBLE_DEVICES=0,1", "NVIDIA_VISIBLE_DEVICES=all"),  # two services take all GPUs
    ("condition: service_healthy", "condition: service_started"),  # api has a healthcheck
    ('test: ["CMD", "curl"', 'test: ["NONE", "curl"'),  # and now it is disabled
    ("condition: service_started", "condition: service_healthy"),
    ("    command: run.sh && serve\n", "    command: run.sh && serve\n    depends_on: [web]\n"),  # a cycle
    ("    depends_on: [web]\n", "    depends_on: [web, cache, nowhere]\n"),  # and an undefined service
    ("      - data:/var/lib", "      - data2:/var/lib"),  # an undefined volume
    ("    depends_on: [web, cache, nowhere]\n", ""),
    ("image: redis:7.4.1\n", "image: redis:7.4.1\n    ports: [\"8080:6379\"]\n"),  # web's port
    ("\"8080:80\"", "\"8081:80\""),  # now the proxy's (on 127.0.0.1)
    ("\"8081:80\"", "\"9090:80\""),
    ("volumes:\n  data: {}\n", "volumes:\n  data: {}\nx-common: &common\n  restart: always\n"),
]


def snapshot(res: LintResult) -> list[Any]:
    return [(v.code, v.severity, v.span, v.message, v.fix) for v in res.violations] + [
        len(res.internal_errors)]


def cold(text: str, path: Path, settings: Settings) -> LintResult:
    with incremental.isolated():
        return lint_compose_text(text, path, settings)


def check_versions(texts: list[str], path: Path, settings: Settings,
                   between: Callable[[int], None] | None = None) -> int:
    """Lint each version after the earlier ones (warm) and on its own (cold)."""
    compared = 0
    for i, text in enumerate(texts):
        if between is not None:
            between(i)
        warm = lint_compose_text(text, path, settings)
        assert not warm.internal_errors, warm.internal_errors
        assert snapshot(warm) == snapshot(cold(text, path, settings)), f"version {i}"
        compared += len(warm.violations)
    return compared


def versions(base: str, edits: list[tuple[str, str]]) -> list[str]:
    out = [base]
    for old, new in edits:
        assert old in out[-1], old
        out.append(out[-1].replace(old, new, 1))
    return out


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app.env").write_text("HOME=/srv\n", encoding="utf-8")
    return tmp_path / "compose.yaml"


ALL = settings_from_mapping({"select": ["DC"]}, "test")


@pytest.mark.parametrize("settings", [Settings(), ALL], ids=["default", "all"])
def test_edits_give_the_cold_result(project: Path, settings: Settings) -> None:
    texts = versions(BASE, EDITS)
    assert check_versions(texts, project, settings) > 0
    # the same versions again, in reverse: every text comes back with warm caches
    check_versions(texts[::-1], project, settings)


def test_anchor_redefined_between_units(project: Path) -> None:
    """An alias reads the latest anchor of its name before it: defining the anchor
    again between the original and a service changes what that service reads."""
    base = BASE.replace("  trainer:\n", "  x-ignored: 1\n  trainer:\n", 1)
    texts = versions(BASE, [
        ("services:\n", "x-again: &common\n  privileged: true\nservices:\n"),
        ("x-again: &common\n  privileged: true\n", "x-again: &common\n  privileged: false\n"),
        ("x-again: &common\n", "x-again: &other\n"),
    ])
    check_versions(texts, project, ALL)
    check_versions([base, BASE, base], project, ALL)


def test_context_changes_are_seen(project: Path) -> None:
    """Settings and the project `.env` are part of what a clean service is kept by."""
    texts = [BASE] * 4
    env = project.parent / ".env"

    def between(i: int) -> None:
        if i == 1:
            env.write_text("TAG=latest\n", encoding="utf-8")
        if i == 3:
            env.unlink()

    check_versions(texts, project, ALL, between)
    yaml11 = settings_from_mapping({"select": ["DC"], "compose-target": "yaml-1.1"}, "test")
    for s in (ALL, yaml11, Settings(), yaml11):
        warm = lint_compose_text(BASE, project, s)
        assert snapshot(warm) == snapshot(cold(BASE, project, s))


def test_random_edits(project: Path) -> None:
    """Random single-character insertions and deletions (most of them break the YAML for
    a version or two), linted one after the other."""
    rnd = random.Random(20240611)
    text = BASE
    texts = [text]
    for _ in range(120):
        pos = rnd.randrange(len(text))
        if rnd.random() < 0.5:
            text = text[:pos] + rnd.choice("x 1:-$&*{}\n'\"yes") + text[pos:]
        else:
            text = text[:pos] + text[pos + 1:]
        texts.append(text)
    check_versions(texts, project, ALL)


def test_generated_file_edits(tmp_path: Path) -> None:
    """The benchmark's file: an edit in one service, an edit of the block every service
    merges, a service renamed that others depend on."""
    path = tmp_path / "compose.yaml"
    base = generated(40)
    texts = versions(base, [
        ("SERVICE_NAME: svc20\n", "SERVICE_NAME: svc2x0\n"),
        ("SERVICE_NAME: svc2x0\n", "SERVICE_NAME: svc20\n"),
        ("    driver: json-file\n", "    driver: local\n"),
        ("  svc7:\n", "  svc7b:\n"),
        ('"127.0.0.1:10012:8080"', '"10012:5432"'),
        ("memory: 512m\n", "memory: 512m\n    privileged: yes\n"),
    ])
    check_versions(texts, path, ALL)
    check_versions(texts[::-1], path, Settings())


def test_unchanged_services_are_not_checked_again(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """After a lint, an edit inside one service runs the service-local rules on that
    service only."""
    path = tmp_path / "compose.yaml"
    text = generated(30)
    seen: list[int] = []
    plan_cls = incremental.ServicePlan

    class Spy(plan_cls):  # type: ignore[misc, valid-type]
        def __init__(self, ctx: Any) -> None:
            super().__init__(ctx)
            seen.append(len(self.dirty))

    monkeypatch.setattr(incremental, "ServicePlan", Spy)
    with incremental.isolated():
        lint_compose_text(text, path, Settings())
        lint_compose_text(text.replace("SERVICE_NAME: svc12\n", "SERVICE_NAME: svc1x2\n"),
                          path, Settings())
    assert seen == [31, 1]
