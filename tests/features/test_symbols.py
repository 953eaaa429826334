from __future__ import annotations

from dockwise.features.symbols import compose_symbols, dockerfile_symbols

DOCKERFILE = """ARG PY=3.12
FROM python:${PY}-slim AS builder
WORKDIR /src
COPY . .
RUN pip wheel -w /wheels .

FROM python:${PY}-slim
COPY --from=builder /wheels /wheels
USER app
CMD ["python", "-m", "app"]
"""


def test_dockerfile_symbols() -> None:
    syms = dockerfile_symbols(DOCKERFILE)
    assert [s.name for s in syms] == ["ARG", "builder", "stage 1"]
    builder = syms[1]
    assert builder.kind == "Class" and builder.detail == "FROM python:${PY}-slim"
    assert [c.name for c in builder.children] == ["WORKDIR", "COPY", "RUN"]
    assert DOCKERFILE[builder.selection.start:builder.selection.end] == "builder"
    assert builder.span.start <= builder.selection.start <= builder.selection.end <= builder.span.end


COMPOSE = """name: shop
services:
  web:
    image: nginx:1.27
  api:
    build: ./api
volumes:
  data: {}
networks:
  back: {}
secrets:
  token:
    file: ./token.txt
"""


def test_compose_symbols() -> None:
    syms = compose_symbols(COMPOSE)
    by = {s.name: s for s in syms}
    assert set(by) == {"name", "services", "volumes", "networks", "secrets"}
    assert [(c.name, c.detail) for c in by["services"].children] == [("web", "nginx:1.27"), ("api", "build")]
    assert [c.name for c in by["volumes"].children] == ["data"]
    assert compose_symbols("services: [oops") == []
