"""The one pinning function behind DF201/DF202/DF203 (and later DC101)."""

from __future__ import annotations

import pytest

from dockwise.images.catalogue import catalogue
from dockwise.images.pinning import Pin, is_moving_tag, pin_reference


def _default(repo: str) -> str:
    fam = catalogue().family(repo)
    assert fam is not None and fam.pin_default is not None
    return fam.pin_default


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("python", "python:{py}"),
        ("python:latest", "python:{py}"),
        ("python:slim", "python:{py}-slim"),
        ("python:alpine", "python:{py}-alpine"),
        ("python:slim-bookworm", "python:{py}-slim-bookworm"),
        ("docker.io/library/python:latest", "docker.io/library/python:{py}"),
        ("library/python", "library/python:{py}"),
        ("node:lts-alpine", "node:{lts}-alpine"),
        ("nginx:mainline", "nginx:{nginx}"),
    ],
)
def test_pins_keep_variant_and_spelling(ref: str, expected: str) -> None:
    node = catalogue().family("node")
    nginx = catalogue().family("nginx")
    assert node is not None and nginx is not None
    want = expected.format(py=_default("python"), lts=node.moving_tag_targets["lts"],
                           nginx=nginx.pin("mainline"))
    pin = pin_reference(ref, catalogue())
    assert pin is not None
    assert pin.reference == want
    assert pin.original == ref
    assert pin.source == "catalogue" and pin.digest is None
    assert pin.title == f"Pin `{ref}` to `{want}`"


@pytest.mark.parametrize(
    "ref",
    [
        "python:3.12",  # already a version
        "python:3.12-slim",
        "debian:bookworm-slim",  # a release line, not latest
        "debian:trixie-20260803-slim",
        "python:latest@sha256:" + "0" * 64,  # a digest pins it
        "scratch",
        "${BASE}",
        "myorg/app:latest",  # not in the catalogue
        "nvidia/cuda",  # no latest tag, no pin
        "node:lts-buster",  # a variant the catalogue does not know
        "alpine:edge",  # no stable counterpart
        "",
    ],
)
def test_no_pin(ref: str) -> None:
    assert pin_reference(ref, catalogue()) is None


def test_moving_tags() -> None:
    cat = catalogue()
    assert is_moving_tag("python", cat)
    assert is_moving_tag("python:latest", cat)
    assert is_moving_tag("golang:bookworm", cat)  # the newest Go on bookworm
    assert is_moving_tag("debian:sid-slim", cat)
    assert is_moving_tag("myorg/app:stable", cat)
    assert not is_moving_tag("myorg/app:stable-2", cat)
    assert not is_moving_tag("debian:bookworm-slim", cat)
    assert not is_moving_tag("python:3.12", cat)
    assert not is_moving_tag("python:latest@sha256:" + "0" * 64, cat)


class FakeRegistry:
    """What the registry client will provide."""

    def __init__(self, tags: dict[str, str], digests: dict[str, str]) -> None:
        self.tags = tags
        self.digests = digests
        self.asked: list[str] = []

    def version_tag(self, reference: str) -> str | None:
        self.asked.append(reference)
        return self.tags.get(reference)

    def index_digest(self, reference: str) -> str | None:
        return self.digests.get(reference)


def test_registry_lookup_wins_over_catalogue() -> None:
    reg = FakeRegistry({"python:latest": "3.14.2"}, {})
    pin = pin_reference("python", catalogue(), lookup=reg)
    assert reg.asked == ["python:latest"]
    assert pin == Pin("python", "python:3.14.2", "python", "3.14.2", None, "registry")


def test_registry_lookup_falls_back_to_catalogue() -> None:
    pin = pin_reference("python:slim", catalogue(), lookup=FakeRegistry({}, {}))
    assert pin is not None and pin.source == "catalogue"
    assert pin.reference == f"python:{_default('python')}-slim"


def test_unknown_image_pinned_by_registry() -> None:
    reg = FakeRegistry({"ghcr.io/org/app:latest": "1.4.0"}, {})
    pin = pin_reference("ghcr.io/org/app:latest", catalogue(), lookup=reg)
    assert pin is not None and pin.reference == "ghcr.io/org/app:1.4.0"


def test_digest_pinning() -> None:
    digest = "sha256:" + "a" * 64
    reg = FakeRegistry({"python:latest": "3.14.2"}, {"python:3.14.2": digest,
                                                      "nginx:1.27": digest})
    pin = pin_reference("python:latest", catalogue(), lookup=reg, digest=True)
    assert pin is not None and pin.reference == f"python:3.14.2@{digest}"
    assert pin.title == f"Pin `python:latest` to `python:3.14.2@{digest}`"
    # DF203: a version tag only gains the digest
    pin = pin_reference("nginx:1.27", catalogue(), lookup=reg, digest=True)
    assert pin is not None and pin.reference == f"nginx:1.27@{digest}" and pin.tag == "1.27"
    # offline: no digest, and a version tag has nothing to pin
    assert pin_reference("nginx:1.27", catalogue(), digest=True) is None
    # already pinned by digest
    assert pin_reference(f"nginx:1.27@{digest}", catalogue(), lookup=reg, digest=True) is None
