from __future__ import annotations

from dockwise.features.folding import FoldingRange, compose_folding, dockerfile_folding


def test_dockerfile_folding() -> None:
    text = (
        "# build stage\n# compiles the app\n"  # 0-1 comment block
        "FROM golang:1.26 AS build\n"  # 2
        "RUN apt-get update && \\\n    apt-get install -y git\n"  # 3-4
        "RUN <<EOF\nset -e\ngo build\nEOF\n"  # 5-8
        "FROM alpine\n"  # 9
        "COPY --from=build /app /app\n"  # 10
    )
    ranges = dockerfile_folding(text)
    assert FoldingRange(0, 1, "comment") in ranges
    assert FoldingRange(2, 8, "region") in ranges
    assert FoldingRange(3, 4) in ranges
    assert FoldingRange(5, 8) in ranges
    assert FoldingRange(9, 10, "region") in ranges


def test_compose_folding_parsed_and_unparsed() -> None:
    text = "services:\n  web:\n    image: x\n    ports:\n      - 80:80\n      - 443:443\n  db:\n    image: y\n"
    ranges = compose_folding(text)
    assert FoldingRange(0, 7) in ranges
    assert FoldingRange(1, 5) in ranges
    assert FoldingRange(3, 5) in ranges
    broken = text + "  bad: [\n"
    r2 = compose_folding(broken)
    assert FoldingRange(1, 5) in r2 and FoldingRange(3, 5) in r2
