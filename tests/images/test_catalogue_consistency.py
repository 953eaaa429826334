"""Cross-field consistency of the image catalogue (``schemas/images.json``).

The schema and provenance checks live in ``tests/unit/test_images_catalogue.py``; these
check that the tag facts agree with each other and that size figures are traceable, so
a refresh that updates one field and forgets another fails here.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from dockwise.images.catalogue import catalogue
from dockwise.images.pinning import pin_reference
from dockwise.resources import data_path

PINNED_GITHUB = re.compile(r"^https://github\.com/[^/]+/[^/]+/blob/[0-9a-f]{40}/")


def _families() -> dict[str, Any]:
    with data_path("schemas/images.json").open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    families: dict[str, Any] = data["families"]
    return families


def _sources(obj: dict[str, Any]) -> list[str]:
    src = obj["source"]
    return list(src) if isinstance(src, list) else [src]


def test_pin_default_is_a_current_tag() -> None:
    for name, fam in _families().items():
        pin, current = fam["pin_default"], fam["current_tags"]
        if isinstance(pin, str) and pin != "unknown":
            assert isinstance(current, list), f"{name}: pin_default without current_tags"
            assert pin in current, name


def test_no_latest_means_no_pin_default() -> None:
    for name, fam in _families().items():
        if fam["has_latest_tag"] is False:
            assert fam["pin_default"] is None, name


def test_moving_tag_targets_are_current() -> None:
    """``lts`` -> ``12.3``; a target may carry a variant suffix (``2.21.0-gpu``)."""
    for name, fam in _families().items():
        current = fam["current_tags"]
        for word, target in fam["moving_tag_targets"].items():
            assert isinstance(current, list), (name, word)
            assert target in current or target.split("-", 1)[0] in current, (name, word, target)


def test_size_figures_are_traceable() -> None:
    for name, fam in _families().items():
        for entry in fam.get("sizes", []):
            where = f"{name}:{entry['tag']}"
            if entry.get("built"):
                assert entry["built"] <= entry["as_of"], where
            for url in _sources(entry):
                if url.startswith("https://github.com/") and "/blob/" in url:
                    assert PINNED_GITHUB.match(url), (where, url)
            if not entry.get("approximate") and entry["compressed_bytes"] != "unknown":
                # exact figures come from a manifest listing, never from prose
                assert entry.get("built"), where


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("mariadb:latest", "mariadb:12.3"),
        ("mariadb:lts", "mariadb:12.3"),
        ("mysql:lts", "mysql:9.7"),
        ("mysql:innovation", "mysql:26.7"),
        ("mongo", "mongo:8.3"),
        ("rabbitmq:management", "rabbitmq:4.3-management"),
        ("redhat/ubi9:latest", "redhat/ubi9:9.8"),
        ("registry.access.redhat.com/ubi9/ubi-minimal", "registry.access.redhat.com/ubi9/ubi-minimal:9.8"),
        ("tensorflow/tensorflow:latest-gpu", "tensorflow/tensorflow:2.21.0-gpu"),
        ("tensorflow/tensorflow:latest-gpu-jupyter", "tensorflow/tensorflow:2.21.0-gpu-jupyter"),
    ],
)
def test_offline_pins_from_the_catalogue(ref: str, expected: str) -> None:
    pin = pin_reference(ref, catalogue())
    assert pin is not None, ref
    assert pin.reference == expected


@pytest.mark.parametrize(
    "ref",
    [
        "elasticsearch",  # no latest tag
        "pytorch/pytorch:latest",  # what latest points to is not sourced
        "redhat/ubi9-micro:latest",
        "quay.io/jupyter/scipy-notebook:latest",  # weekly date tags: registry lookup only
    ],
)
def test_no_offline_pin_without_a_source(ref: str) -> None:
    assert pin_reference(ref, catalogue()) is None


def test_elasticsearch_facts() -> None:
    fam = catalogue().family("docker.io/library/elasticsearch")
    assert fam is not None
    assert fam.has_latest_tag is False
    assert fam.default_variant.runs_as_non_root is True
    assert fam.os_family == "unknown"  # UBI 9 for 9.x, Ubuntu for 8.x
    nine = fam.size_of("9.5.3")
    assert nine is not None and nine.compressed_bytes == 894636416
    eight = fam.size_of("8.19.22")
    assert eight is not None and eight.tag == "8.19.22"


def test_ubi_family_sizes_and_micro() -> None:
    cat = catalogue()
    ubi, minimal = cat.family("redhat/ubi9"), cat.family("redhat/ubi9-minimal")
    assert ubi is not None and minimal is not None
    full, small = ubi.size_of("latest"), minimal.size_of(None)
    assert full is not None and small is not None
    assert full.tag == small.tag == "9.8"
    assert small.compressed_bytes is not None and full.compressed_bytes is not None
    assert small.compressed_bytes < full.compressed_bytes
    micro = cat.family("redhat/ubi9-micro")
    assert micro is not None and micro is cat.family("registry.access.redhat.com/ubi9/ubi-micro")
    assert micro.sizes == ()  # no source gives its size
    # no package manager and no useradd: no rpm-based fix may be offered for it
    assert cat.os_family_of("redhat/ubi9-micro", "9.8") == "unknown"
