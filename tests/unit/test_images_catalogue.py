"""The image catalogue: data validity, provenance, and the lookup API."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest

from dockwise.images.catalogue import catalogue, load, normalize_repository
from dockwise.resources import data_path

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _data() -> dict[str, Any]:
    with data_path("schemas/images.json").open(encoding="utf-8") as fh:
        result: dict[str, Any] = json.load(fh)
    return result


def _schema() -> dict[str, Any]:
    with data_path("schemas/images.schema.json").open(encoding="utf-8") as fh:
        result: dict[str, Any] = json.load(fh)
    return result


# -- data -------------------------------------------------------------------------------


def test_data_validates_against_schema() -> None:
    schema = _schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(_data())


def test_schema_rejects_misspelt_keys() -> None:
    validator = jsonschema.Draft202012Validator(_schema())
    data = _data()
    data["families"]["python"]["pin_defualt"] = "3.13"
    assert not validator.is_valid(data)
    data = _data()
    data["famlies"] = {}
    assert not validator.is_valid(data)
    data = _data()
    data["families"]["python"]["variants"][0]["runs_as_nonroot"] = True
    assert not validator.is_valid(data)


def test_version_and_schema_pointer() -> None:
    data = _data()
    assert data["version"] == 1
    assert data["$schema"] == "./images.schema.json"


def _sourced_objects(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    yield "moving_tags", data["moving_tags"]
    for name, fam in data["families"].items():
        yield f"families.{name}", fam
        for key in ("healthcheck", "deprecated"):
            if fam.get(key) is not None:
                yield f"families.{name}.{key}", fam[key]
    for manager, group in data["dev_runtime_pairs"].items():
        yield f"dev_runtime_pairs.{manager}", group
    for package, entry in data["musllinux_wheels"].items():
        yield f"musllinux_wheels.{package}", entry


def test_every_fact_has_source_and_date() -> None:
    for where, obj in _sourced_objects(_data()):
        assert obj.get("source"), where
        sources = obj["source"] if isinstance(obj["source"], list) else [obj["source"]]
        assert all(isinstance(s, str) and s.strip() for s in sources), where
        assert DATE.match(obj.get("as_of", "")), where


def test_unsourced_facts_are_unknown() -> None:
    for package, entry in _data()["musllinux_wheels"].items():
        if entry["source"] == "unknown":
            assert entry["since"] == "unknown", package


def test_wildcard_families_have_prefix() -> None:
    for name, fam in _data()["families"].items():
        assert name.endswith("/*") == ("prefix" in fam), name


def test_variant_patterns_compile() -> None:
    for name, fam in _data()["families"].items():
        for variant in fam["variants"]:
            assert re.compile(variant["pattern"]) is not None, name


def test_required_families_present() -> None:
    cat = catalogue()
    for repo in [
        "python",
        "node",
        "golang",
        "rust",
        "openjdk",
        "eclipse-temurin",
        "ruby",
        "php",
        "ubuntu",
        "debian",
        "alpine",
        "busybox",
        "gcr.io/distroless/static",
        "gcr.io/distroless/base",
        "gcr.io/distroless/cc",
        "gcr.io/distroless/python3",
        "gcr.io/distroless/java17",
        "nvidia/cuda",
        "pytorch/pytorch",
        "tensorflow/tensorflow",
        "quay.io/jupyter/base-notebook",
        "quay.io/jupyter/minimal-notebook",
        "quay.io/jupyter/scipy-notebook",
        "quay.io/jupyter/pytorch-notebook",
        "nginx",
        "httpd",
        "postgres",
        "mysql",
        "mariadb",
        "redis",
        "mongo",
        "rabbitmq",
        "elasticsearch",
        "centos",
        "fedora",
        "redhat/ubi9",
        "registry.access.redhat.com/ubi9/ubi",
        "amazonlinux",
    ]:
        assert cat.family(repo) is not None, repo


def test_catalogue_is_cached() -> None:
    assert catalogue() is catalogue()


# -- lookups ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spelling",
    [
        "python",
        "library/python",
        "docker.io/library/python",
        "docker.io/python",
        "index.docker.io/library/python",
        "registry-1.docker.io/library/python",
        "Docker.IO/Library/Python",
        "python:3.12-slim",
        "docker.io/library/python:3.12@sha256:abc",
    ],
)
def test_family_lookup_by_every_spelling(spelling: str) -> None:
    fam = catalogue().family(spelling)
    assert fam is not None
    assert fam.name == "python"


def test_distroless_suffixes_map_to_family() -> None:
    cat = catalogue()
    for repo, family in [
        ("gcr.io/distroless/static-debian12", "gcr.io/distroless/static"),
        ("gcr.io/distroless/base-debian11", "gcr.io/distroless/base"),
        ("gcr.io/distroless/java17-debian12", "gcr.io/distroless/java17"),
        ("gcr.io/distroless/python3-debian12", "gcr.io/distroless/python3"),
    ]:
        fam = cat.family(repo)
        assert fam is not None and fam.name == family, repo


def test_deprecated_prefix_families() -> None:
    cat = catalogue()
    old = cat.family("jupyter/scipy-notebook")
    assert old is not None and old.deprecated is not None
    assert (
        old.deprecated.successor_for("jupyter/scipy-notebook") == "quay.io/jupyter/scipy-notebook"
    )
    new = cat.family("quay.io/jupyter/scipy-notebook")
    assert new is not None and new.deprecated is None
    circle = cat.family("circleci/node")
    assert circle is not None and circle.deprecated is not None
    assert circle.deprecated.successor_for("circleci/node") == "cimg/node"
    openjdk = cat.family("openjdk")
    assert openjdk is not None and openjdk.deprecated is not None
    assert openjdk.deprecated.successor == "eclipse-temurin"
    centos = cat.family("centos")
    assert centos is not None and centos.deprecated is not None


def test_unknown_repositories() -> None:
    cat = catalogue()
    assert cat.family("example.com/team/app") is None
    assert cat.family("localhost:5000/python") is None
    assert cat.family("") is None


def test_ubi_spellings() -> None:
    cat = catalogue()
    a = cat.family("redhat/ubi9")
    b = cat.family("registry.access.redhat.com/ubi9/ubi")
    assert a is not None and a is b
    assert a.os_family == "rhel"


# -- tags -------------------------------------------------------------------------------


def test_python_pinning_keeps_variant() -> None:
    fam = catalogue().family("python")
    assert fam is not None
    default = fam.pin_default
    assert default is not None and default in fam.current_tags
    assert fam.pin(None) == default
    assert fam.pin("latest") == default
    assert fam.pin("slim") == f"{default}-slim"
    assert fam.pin("alpine") == f"{default}-alpine"
    assert fam.pin("slim-bookworm") == f"{default}-slim-bookworm"
    assert fam.pin("3.12-slim") == "3.12-slim"


def test_node_moving_words_pin_to_their_lines() -> None:
    fam = catalogue().family("node")
    assert fam is not None
    assert fam.is_moving("lts") and fam.is_moving("lts-alpine") and fam.is_moving("current")
    assert fam.pin("lts") == fam.moving_tag_targets["lts"]
    assert fam.pin("lts-alpine") == fam.moving_tag_targets["lts"] + "-alpine"
    assert not fam.is_moving("22-alpine3.20")


def test_is_moving() -> None:
    cat = catalogue()
    python = cat.family("python")
    assert python is not None
    assert python.is_moving(None) and python.is_moving("latest") and python.is_moving("slim")
    assert not python.is_moving("3.12.4-slim-bookworm")
    alpine = cat.family("alpine")
    assert alpine is not None and alpine.is_moving("edge") and not alpine.is_moving("3.20")
    debian = cat.family("debian")
    assert debian is not None and debian.is_moving("stable") and debian.is_moving("sid")
    ubuntu = cat.family("ubuntu")
    assert ubuntu is not None and ubuntu.is_moving("rolling")
    golang = cat.family("golang")
    assert golang is not None and golang.is_moving("tip-alpine")


@pytest.mark.parametrize(
    ("repo", "tag", "name", "os_family", "libc", "shell"),
    [
        ("python", "3.12.4-slim-bookworm", "slim-bookworm", "debian", "glibc", True),
        ("python", "3.13-alpine3.20", "alpine", "alpine", "musl", True),
        ("python", "latest", "default", "debian", "glibc", True),
        ("node", "22-alpine3.20", "alpine", "alpine", "musl", True),
        ("alpine", "3.20", "default", "alpine", "musl", True),
        (
            "nvidia/cuda",
            "12.4.1-cudnn-runtime-ubuntu22.04",
            "cudnn-runtime-ubuntu",
            "debian",
            "glibc",
            True,
        ),
        ("gcr.io/distroless/static-debian12", "nonroot", "nonroot", "distroless", "none", False),
        (
            "gcr.io/distroless/base-debian12",
            "debug-nonroot",
            "debug-nonroot",
            "distroless",
            "glibc",
            True,
        ),
        ("eclipse-temurin", "21-jre-ubi9-minimal", "ubi-minimal", "rhel", "glibc", True),
        ("mariadb", "11.4-ubi9", "ubi", "rhel", "glibc", True),
    ],
)
def test_variant_resolution(
    repo: str, tag: str, name: str, os_family: str, libc: str, shell: bool
) -> None:
    fam = catalogue().family(repo)
    assert fam is not None
    variant = fam.variant(tag)
    assert (variant.name, variant.os_family, variant.libc, variant.shell) == (
        name,
        os_family,
        libc,
        shell,
    )


def test_slim_counterparts() -> None:
    python = catalogue().family("python")
    assert python is not None
    assert python.variant(None).slim_counterpart == "-slim"
    assert python.variant("3.12-bookworm").slim_counterpart == "-slim-bookworm"
    assert python.variant("3.12-slim").slim_counterpart is None


def test_nvidia_cuda_has_no_latest() -> None:
    fam = catalogue().family("nvidia/cuda")
    assert fam is not None
    assert fam.has_latest_tag is False
    assert fam.pin(None) is None and fam.pin("latest") is None


def test_distroless_nonroot_runs_as_non_root() -> None:
    fam = catalogue().family("gcr.io/distroless/static-debian12")
    assert fam is not None
    assert fam.variant("nonroot").runs_as_non_root is True
    assert fam.variant("debug-nonroot").runs_as_non_root is True
    assert fam.variant("latest").runs_as_non_root is False
    assert fam.variant(None).shell is False


def test_entrypoint_drops_privileges() -> None:
    cat = catalogue()
    for repo in ["postgres", "mysql", "mariadb", "redis", "mongo", "rabbitmq", "nginx", "httpd"]:
        fam = cat.family(repo)
        assert fam is not None and fam.entrypoint_drops_privileges, repo
    python = cat.family("python")
    assert python is not None and not python.entrypoint_drops_privileges


def test_healthcheck_probes() -> None:
    cat = catalogue()
    pg = cat.family("postgres")
    assert pg is not None
    assert (
        pg.healthcheck_probe
        == "pg_isready -U $${POSTGRES_USER:-postgres} -d $${POSTGRES_DB:-postgres}"
    )
    assert pg.ships_healthcheck is False
    redis = cat.family("redis")
    assert redis is not None and redis.healthcheck_probe == "redis-cli ping"
    maria = cat.family("mariadb")
    assert maria is not None and maria.healthcheck is not None
    assert maria.healthcheck.min_version == "11"
    assert maria.healthcheck_probe == "healthcheck.sh --connect --innodb_initialized"
    mysql = cat.family("mysql")
    assert mysql is not None and mysql.healthcheck_probe == "mysqladmin ping -h 127.0.0.1"
    assert mysql.ships_healthcheck is False


def test_toolchain_flags() -> None:
    cat = catalogue()
    for repo in ["golang", "rust", "gcc", "maven"]:
        fam = cat.family(repo)
        assert fam is not None and fam.toolchain, repo
    for repo in ["python", "alpine", "gcr.io/distroless/static"]:
        fam = cat.family(repo)
        assert fam is not None and not fam.toolchain, repo


# -- other tables -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("repo", "tag", "expected"),
    [
        ("scratch", None, "scratch"),
        ("python", "3.12-slim", "debian"),
        ("python", "3.12-alpine", "alpine"),
        ("docker.io/library/node", "lts-alpine", "alpine"),
        ("gcr.io/distroless/static-debian12", "nonroot", "distroless"),
        ("registry.access.redhat.com/ubi9/ubi-minimal", "9.4", "rhel"),
        ("ubuntu", "24.04", "debian"),
        ("example.com/app", "1.0-alpine", "alpine"),
        ("example.com/app-ubi", "1.0", "rhel"),
        ("example.com/app", "1.0-bookworm", "debian"),
        ("example.com/app", "1.0", "unknown"),
    ],
)
def test_os_family_of(repo: str, tag: str | None, expected: str) -> None:
    assert catalogue().os_family_of(repo, tag) == expected


def test_dev_runtime_pairs() -> None:
    cat = catalogue()
    assert cat.dev_runtime("apt", "libpq-dev") == "libpq5"
    assert cat.dev_runtime("apt-get", "libssl-dev") == "libssl3"
    assert cat.dev_runtime("apt", "libxslt1-dev") == "libxslt1.1"
    assert cat.dev_runtime("apt", "default-libmysqlclient-dev") == "libmariadb3"
    assert cat.dev_runtime("apk", "libpq-dev") == "libpq"
    assert cat.dev_runtime("apk", "libffi-dev") == "libffi"
    assert cat.dev_runtime("apt", "no-such-dev") is None
    assert cat.dev_runtime("pacman", "libpq-dev") is None


def test_musllinux_wheels() -> None:
    cat = catalogue()
    assert cat.musllinux_wheel("torch") is None
    assert cat.musllinux_wheel("tensorflow") is None
    assert cat.musllinux_wheel("numpy") == "unknown"
    assert cat.musllinux_wheel("Pydantic_Core") == cat.musllinux_wheel("pydantic-core")
    assert cat.musllinux_wheel("not-catalogued-at-all") == "unknown"


def test_load_accepts_custom_documents() -> None:
    data = _data()
    data["families"] = {k: v for k, v in data["families"].items() if k == "python"}
    cat = load(data)
    assert cat.family("library/python") is not None
    assert cat.family("node") is None


def test_normalize_repository() -> None:
    assert normalize_repository("Docker.io/Library/Python:3.12@sha256:00") == "python"
    assert normalize_repository("localhost:5000/app") == "localhost:5000/app"
    assert normalize_repository("ghcr.io/org/app:1") == "ghcr.io/org/app"


# -- sizes, shells, comparisons (issue 5) ------------------------------------------------


def test_sizes_are_consistent() -> None:
    data = _data()
    cat = catalogue()
    for name, fam in data["families"].items():
        variant_names = {"default"} | {v["name"] for v in fam["variants"]}
        for entry in fam.get("sizes", []):
            where = f"{name}:{entry['tag']}"
            assert entry["variant"] in variant_names, where
            for key in ("compressed_bytes", "uncompressed_bytes"):
                value = entry[key]
                assert value == "unknown" or (isinstance(value, int) and value > 0), where
            assert entry["source"] and DATE.match(entry["as_of"]), where
            if entry["source"] == "unknown":
                assert entry["compressed_bytes"] == "unknown", where
            # the tag's own variant is the one recorded
            family = cat.family(name)
            assert family is not None
            if entry["variant"] != "default" and not entry.get("approximate"):
                assert family.variant_name(entry["tag"]) == entry["variant"], where
        for other in fam.get("compare_with", []):
            assert cat.family(other.split(":")[0]) is not None, (name, other)


def test_every_variant_has_a_shell_kind() -> None:
    for name, fam in _data()["families"].items():
        assert "shell_kind" in fam["default_variant"], name
        for v in fam["variants"]:
            assert "shell_kind" in v, (name, v["name"])
            if v["shell"] is False:
                assert v["shell_kind"] == "none", (name, v["name"])


def test_size_api() -> None:
    cat = catalogue()
    slim = cat.size("python:3.13-slim")
    assert slim is not None and slim.compressed_bytes == 42961458
    assert slim.compressed_mb is not None and round(slim.compressed_mb, 1) == 43.0
    assert slim.source[0].startswith("https://github.com/docker-library/repo-info/")
    assert slim.uncompressed_bytes is None  # "unknown" in the data
    alpine = cat.size("docker.io/library/python:3.12-alpine")
    assert alpine is not None and alpine.tag == "3.13-alpine"  # same variant and major
    assert cat.size("nvidia/cuda:12.4.1-runtime-ubuntu22.04") is None  # not sourced
    assert cat.size("myorg/app:1") is None
    static = cat.size("gcr.io/distroless/static-debian12")
    assert static is not None and static.approximate


def test_shell_kind_api() -> None:
    cat = catalogue()
    py = cat.family("python")
    assert py is not None
    assert py.default_variant.bash is True
    assert py.variant("3.13-alpine").bash is False
    assert py.variant("3.13-alpine").shell_kind == "ash"
    static = cat.family("gcr.io/distroless/static")
    assert static is not None
    assert static.default_variant.shell_kind == "none"
    assert static.variant("debug").shell_kind == "busybox"


def test_filled_pin_defaults() -> None:
    cat = catalogue()
    for repo, pin in [("ubuntu", "26.04"), ("ruby", "4.0"), ("redis", "8.10"),
                      ("httpd", "2.4"), ("busybox", "1.38")]:
        fam = cat.family(repo)
        assert fam is not None and fam.pin_default == pin, repo
        assert pin in fam.current_tags
    ubuntu = cat.family("ubuntu")
    assert ubuntu is not None and ubuntu.lts_tags == ("26.04", "24.04")


@pytest.mark.parametrize(("ref", "user", "non_root", "drops"), [
    # .NET 8+: every Linux image defines `app`; only chiseled/distroless ones run as it
    ("mcr.microsoft.com/dotnet/aspnet:8.0", "app", False, False),
    ("mcr.microsoft.com/dotnet/runtime-deps:8.0.30-alpine3.24-amd64", "app", False, False),
    ("mcr.microsoft.com/dotnet/aspnet:8.0-jammy-chiseled", "app", True, False),
    ("mcr.microsoft.com/dotnet/monitor/base:8.1.3-ubuntu-chiseled-amd64", "app", True, False),
    ("mcr.microsoft.com/dotnet/aspnet:7.0", None, False, False),  # before .NET 8: no `app`
    # php: Apache starts as root and serves as www-data; the CLI variant does not drop
    ("php:8.3-apache", None, False, True),
    ("php:8.3-cli", None, False, False),
])
def test_variant_user_facts(ref: str, user: str | None, non_root: bool, drops: bool) -> None:
    repo, tag = ref.rsplit(":", 1)
    fam = catalogue().family(repo)
    assert fam is not None
    v = fam.variant(tag)
    assert (v.non_root_user, v.runs_as_non_root, fam.drops_privileges(tag)) == (user, non_root, drops)
