from __future__ import annotations

from pathlib import Path

from dockwise.features.navigation import Location, definition, prepare_rename, references, rename

DOCKERFILE = """FROM golang:1.26 AS build
RUN go build -o /out/app .

FROM build AS test
RUN go test ./...

FROM alpine:3.20
RUN --mount=type=bind,from=build,source=/out,target=/in cp /in/app /usr/bin/app
COPY --from=build /out/app /app
"""


def spans_text(text: str, locs: list[Location]) -> list[str]:
    return [text[loc.span.start:loc.span.end] for loc in locs]


def test_stage_definition_and_references() -> None:
    at = DOCKERFILE.index("--from=build") + len("--from=")
    defs = definition("dockerfile", DOCKERFILE, at + 2)
    assert len(defs) == 1 and defs[0].span.start == DOCKERFILE.index("build")
    refs = references("dockerfile", DOCKERFILE, at)
    assert spans_text(DOCKERFILE, refs) == ["build"] * 4
    no_decl = references("dockerfile", DOCKERFILE, at, include_declaration=False)
    assert len(no_decl) == 3


def test_stage_rename() -> None:
    at = DOCKERFILE.index("build")
    edits = rename("dockerfile", DOCKERFILE, at, "compile")
    assert edits is not None and len(edits) == 4
    out = DOCKERFILE
    for e in sorted(edits, key=lambda e: -e.span.start):
        out = out[:e.span.start] + e.new_text + out[e.span.end:]
    assert "FROM compile AS test" in out and "from=compile," in out and "--from=compile " in out
    assert rename("dockerfile", DOCKERFILE, at, "bad name") is None
    assert prepare_rename("dockerfile", DOCKERFILE, DOCKERFILE.index("golang")) is None


COMPOSE = """services:
  db:
    image: postgres:17
    volumes:
      - pgdata:/var/lib/postgresql/data
    networks: [back]
    secrets:
      - source: dbpass
  api:
    build:
      context: ./api
      target: runtime
    depends_on:
      db:
        condition: service_healthy
    links:
      - db:database
    network_mode: "service:db"
  worker:
    extends:
      service: api
    depends_on: [db]
volumes:
  pgdata: {}
networks:
  back: {}
secrets:
  dbpass:
    file: ./dbpass.txt
"""


def test_service_references_and_rename() -> None:
    at = COMPOSE.index("depends_on: [db]") + len("depends_on: [")
    refs = references("compose", COMPOSE, at)
    assert len(refs) == 5  # definition, depends_on long, links, network_mode, depends_on short
    assert definition("compose", COMPOSE, at)[0].span.start == COMPOSE.index("db:")
    edits = rename("compose", COMPOSE, at, "database")
    assert edits is not None
    out = COMPOSE
    for e in sorted(edits, key=lambda e: -e.span.start):
        out = out[:e.span.start] + e.new_text + out[e.span.end:]
    assert "service:database" in out and "- database:database" in out and "[database]" in out


def test_volume_network_secret_references() -> None:
    for name in ("pgdata", "back", "dbpass"):
        refs = references("compose", COMPOSE, COMPOSE.index(name) + 1)
        assert spans_text(COMPOSE, refs) == [name, name], name
    ext = COMPOSE.index("service: api") + len("service: ")
    assert definition("compose", COMPOSE, ext)[0].span.start == COMPOSE.index("api:")


def test_build_goes_to_dockerfile_target(tmp_path: Path) -> None:
    (tmp_path / "api").mkdir()
    df = "FROM python:3.12 AS base\nFROM base AS runtime\nCMD [\"python\"]\n"
    (tmp_path / "api" / "Dockerfile").write_text(df)
    compose_path = tmp_path / "compose.yaml"
    at = COMPOSE.index("context: ./api") + 3
    locs = definition("compose", COMPOSE, at, path=compose_path)
    assert len(locs) == 1
    loc = locs[0]
    assert loc.path == tmp_path / "api" / "Dockerfile"
    assert loc.text is not None and loc.text[loc.span.start:loc.span.end] == "runtime"
    # an unsaved buffer wins over the disk
    buf = "FROM alpine AS runtime\n"
    locs = definition("compose", COMPOSE, at, path=compose_path, read=lambda p: buf)
    assert locs[0].text == buf and locs[0].span.start == buf.index("runtime")
