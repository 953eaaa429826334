"""The image hover: variants with sizes, the current one marked, savings, caveats."""

from __future__ import annotations

import re

from dockwise.features.image_hover import hover_for_reference, image_hover, image_reference_at
from dockwise.images.catalogue import catalogue


def _row(md: str, label: str) -> str:
    return next(line for line in md.splitlines() if f"`{label}`" in line and line.startswith("|"))


def test_python_slim_table() -> None:
    text = "FROM python:3.13-slim AS app\n"
    hover = image_hover(text, text.index("3.13"))
    assert hover is not None
    md, plain = hover
    cur = _row(md, "python:3.13-slim")
    assert cur.startswith("| **`python:3.13-slim`** ←") and "43.0 MB" in cur and "(current)" in cur
    # the lighter choice and its saving, in MB and %
    alpine = _row(md, "python:3.13-alpine")
    assert "16.9 MB" in alpine and "saves 26.1 MB (61%)" in alpine and "musl" in alpine
    assert "413 MB" in _row(md, "python:3.13")
    assert "gcr.io/distroless/python3" in md and "ubuntu:26.04" in md
    assert "musllinux" in md  # the wheel caveat
    assert "repo-info" in md and "as of" in md
    assert "> python:3.13-slim" in plain and "**" not in plain


def test_node_via_mount_from() -> None:
    text = "FROM alpine:3.24\nRUN --mount=from=node:24-alpine,target=/n true\n"
    at = image_reference_at(text, text.index("node:24") + 3)
    assert at is not None and at.reference == "node:24-alpine"
    assert text[at.span.start : at.span.end] == "node:24-alpine"
    hover = image_hover(text, (1, 20))
    assert hover is not None
    md, _ = hover
    assert "58.2 MB" in _row(md, "node:24-alpine") and "(current)" in _row(md, "node:24-alpine")
    assert "80.5 MB" in _row(md, "node:24-slim")
    assert "No bash" in md


def test_nvidia_cuda_unknown_sizes_stay_unknown() -> None:
    text = "FROM nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04\n"
    hover = image_hover(text, 10)
    assert hover is not None
    md, _ = hover
    cur = _row(md, "nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04")
    assert "unknown" in cur and "(current)" in cur
    assert "…-runtime" in md and "…-base" in md and "…-devel" in md
    assert "No `latest` tag" in md
    assert "9.0-cudnn7-devel-ubuntu16.04" in md  # the historical figure, labelled as such
    assert not re.search(r"\b12\.4\.1[^|]*\| \d", md)  # no invented figure for 12.4.1


def test_pytorch_devel_caveat() -> None:
    text = "FROM pytorch/pytorch:2.5.1-cuda12.4-cudnn9-devel\n"
    hover = image_hover(text, 8)
    assert hover is not None
    md, _ = hover
    assert "(current)" in _row(md, "pytorch/pytorch:2.5.1-cuda12.4-cudnn9-devel")
    assert "…-runtime" in md and "builder stage" in md


def test_distroless_via_copy_from() -> None:
    text = "FROM python:3.13-slim\nCOPY --from=gcr.io/distroless/python3-debian12 /x /x\n"
    hover = image_hover(text, text.index("distroless"))
    assert hover is not None
    md, _ = hover
    cur = _row(md, "gcr.io/distroless/python3-debian12")
    assert "~50.0 MB" in cur and "none" in cur
    assert "No shell" in md
    assert "saves" in _row(md, "python:3.13-alpine")


def test_compose_image() -> None:
    text = "services:\n  web:\n    image: python:3.13-alpine\n    ports: ['80']\n"
    line = 2
    col = text.splitlines()[line].index("python") + 2
    hover = image_hover(text, (line, col), "compose")
    assert hover is not None
    md, _ = hover
    assert "(current)" in _row(md, "python:3.13-alpine")
    assert "+26.1 MB" in _row(md, "python:3.13-slim")
    assert image_hover(text, text.index("ports"), "compose") is None


def test_unknown_image_is_honest() -> None:
    text = "FROM registry.example.com/team/app:1.2\n"
    hover = image_hover(text, 12)
    assert hover is not None
    md, plain = hover
    assert "not in dockwise's image catalogue" in md
    assert "registry-lookup" in md and "MB" not in md
    assert "`" not in plain


def test_not_on_an_image() -> None:
    text = "FROM python:3.13 AS base\nFROM base\nRUN echo hi\nFROM scratch\n"
    assert image_hover(text, 1) is None  # the keyword
    assert image_hover(text, text.index("base\nRUN")) is None  # a stage
    assert image_hover(text, text.index("echo")) is None
    assert image_hover(text, text.index("scratch")) is None


def test_every_family_renders() -> None:
    for name, fam in catalogue().families.items():
        ref = name.replace("/*", "/x") if name.endswith("/*") else name
        md, plain = hover_for_reference(ref + (f":{fam.pin_default}" if fam.pin_default else ""))
        assert md and plain, name
