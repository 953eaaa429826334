from __future__ import annotations

import time

from dockwise.features.completion import (
    CompletionItem,
    complete_compose,
    complete_dockerfile,
    snippet_to_plain,
)


def labels(items: list[CompletionItem]) -> list[str]:
    return [i.label for i in items]


def at_end(text: str) -> int:
    return len(text)


HALF_TYPED_DEVICES = (
    "services:\n  web:\n    deploy:\n      resources:\n        reservations:\n"
    "          devices:\n            - "
)


# -- Compose: GPU -----------------------------------------------------------------------

def test_gpu_block_in_half_typed_devices_snippet() -> None:
    items = complete_compose(HALF_TYPED_DEVICES, at_end(HALF_TYPED_DEVICES))
    gpu = [i for i in items if i.kind == "Snippet"]
    assert gpu, labels(items)
    first = gpu[0]
    assert first.snippet
    assert "driver: nvidia" in first.insert_text
    assert "capabilities: [gpu]" in first.insert_text
    assert "count: ${1" in first.insert_text
    # continuation lines are at the item's content column (after `- `)
    assert "\n              count" in first.insert_text
    assert first.replace.start == first.replace.end == len(HALF_TYPED_DEVICES)
    assert any(i.label == "nvidia GPU (device_ids)" for i in gpu)
    # the device keys of the schema are offered too
    assert {"driver", "count", "capabilities", "device_ids"} <= set(labels(items))


def test_gpu_block_plain_without_snippet_support() -> None:
    items = complete_compose(HALF_TYPED_DEVICES, at_end(HALF_TYPED_DEVICES), snippets=False)
    gpu = next(i for i in items if i.label == "nvidia GPU (count)")
    assert not gpu.snippet
    assert gpu.insert_text == (
        "driver: nvidia\n              count: all\n              capabilities: [gpu]")


def test_gpu_block_when_file_does_not_parse() -> None:
    text = "services:\n  web:\n    image: [oops\n    deploy:\n      resources:\n        reservations:\n          devices:\n            - "
    items = complete_compose(text, len(text))
    assert "nvidia GPU (count)" in labels(items)


def test_deploy_key_offers_gpu_block() -> None:
    text = "services:\n  web:\n    image: nginx\n    dep"
    items = complete_compose(text, len(text))
    names = labels(items)
    assert "deploy" in names
    block = next(i for i in items if i.label == "deploy (GPU reservation)")
    assert block.insert_text.startswith("deploy:\n      resources:")
    assert "driver: nvidia" in block.insert_text


def test_typing_deploy_colon_offers_reservation() -> None:
    text = "services:\n  web:\n    image: nginx\n    deploy:"
    items = complete_compose(text, len(text), snippets=False)
    assert len(items) == 1
    ins = items[0].insert_text
    assert ins.startswith("\n      resources:\n        reservations:\n          devices:\n")
    assert "- driver: nvidia" in ins
    assert items[0].replace.start == len(text)


def test_gpu_values() -> None:
    base = HALF_TYPED_DEVICES + "driver: nvidia\n              "
    assert labels(complete_compose(base + "count: ", len(base) + 7))[0] == "all"
    drv = HALF_TYPED_DEVICES + "driver: "
    assert labels(complete_compose(drv, len(drv))) == ["nvidia", "cdi"]
    caps = HALF_TYPED_DEVICES + "driver: nvidia\n              capabilities: [gp"
    items = complete_compose(caps, len(caps))
    assert labels(items)[0] == "gpu"
    assert items[0].replace.end - items[0].replace.start == 2
    caps_block = HALF_TYPED_DEVICES + "driver: nvidia\n              capabilities:\n                - "
    assert "utility" in labels(complete_compose(caps_block, len(caps_block)))


def test_gpus_shorthand_only_from_2_30() -> None:
    text = "services:\n  web:\n    image: nginx\n    gp"
    assert "gpus" not in labels(complete_compose(text, len(text), min_compose_version="2.20"))
    newer = labels(complete_compose(text, len(text), min_compose_version="2.30"))
    assert "gpus" in newer
    assert "gpus: all (GPU shorthand)" in newer


# -- Compose: keys and values ------------------------------------------------------------

def test_half_typed_key_completion_from_indentation() -> None:
    text = "services:\n  web:\n    image: nginx\n    ports:\n      - \"80:80\n    rest"
    items = complete_compose(text, len(text))
    assert "restart" in labels(items)
    restart = next(i for i in items if i.label == "restart")
    assert restart.documentation and "Restart policy" in restart.documentation
    assert restart.replace.end - restart.replace.start == 4


def test_existing_keys_not_offered_again() -> None:
    text = "services:\n  web:\n    image: nginx\n    restart: always\n    \n"
    items = complete_compose(text, text.index("    \n") + 4)
    names = labels(items)
    assert "image" not in names and "restart" not in names
    assert "healthcheck" in names


def test_enum_values_from_schema() -> None:
    text = "services:\n  web:\n    image: nginx\n    restart: "
    assert labels(complete_compose(text, len(text))) == ["no", "always", "on-failure", "unless-stopped"]
    dep = "services:\n  db:\n    image: pg\n  web:\n    depends_on:\n      db:\n        condition: "
    assert "service_healthy" in labels(complete_compose(dep, len(dep)))


def test_top_level_keys() -> None:
    text = "services:\n  web:\n    image: nginx\nvol"
    names = labels(complete_compose(text, len(text)))
    assert "volumes" in names and "services" not in names


def test_depends_on_service_names() -> None:
    text = "services:\n  db:\n    image: pg\n  cache:\n    image: redis\n  web:\n    image: x\n    depends_on:\n      - db\n      - "
    names = labels(complete_compose(text, len(text)))
    assert names == ["cache"]


def test_depends_on_service_names_unparsable() -> None:
    text = "services:\n  db:\n    image: pg\n  web:\n    image: [x\n    depends_on:\n      - "
    assert labels(complete_compose(text, len(text))) == ["db"]


def test_image_tags_in_compose() -> None:
    text = "services:\n  web:\n    image: python:3.1"
    items = complete_compose(text, len(text))
    assert "3.13-slim" in labels(items)
    assert all(i.replace.start == text.index("3.1") for i in items)


def test_completion_on_500_services_is_fast() -> None:
    parts = ["services:"]
    for i in range(500):
        parts.append(f"  svc{i}:\n    image: python:3.12-slim\n    restart: always\n"
                     f"    depends_on:\n      - svc{max(i - 1, 0)}\n    environment:\n      A: \"1\"")
    parts.append("  last:\n    deploy:\n      resources:\n        reservations:\n          devices:\n            - ")
    text = "\n".join(parts)
    tc = time.perf_counter()
    complete_compose(text, len(text))  # first call loads the schema and the catalogue
    t0 = time.perf_counter()
    items = complete_compose(text, len(text))
    t1 = time.perf_counter()
    dep = text.replace("devices:\n            - ", "devices: []\n    depends_on:\n      - ")
    items2 = complete_compose(dep, len(dep))
    t2 = time.perf_counter()
    print(f"\ncompletion on 500 services: cold {1000 * (t0 - tc):.1f} ms, devices {1000 * (t1 - t0):.1f} ms, "
          f"depends_on {1000 * (t2 - t1):.1f} ms ({len(text.splitlines())} lines)")
    assert "nvidia GPU (count)" in labels(items)
    assert len(items2) >= 500


# -- Dockerfile ---------------------------------------------------------------------------

def test_instructions_with_snippets() -> None:
    text = "FROM python:3.12\nRU"
    items = complete_dockerfile(text, len(text))
    run = next(i for i in items if i.label == "RUN")
    assert run.snippet and run.insert_text.startswith("RUN ")
    assert run.replace.start == len(text) - 2
    plain = next(i for i in complete_dockerfile(text, len(text), snippets=False) if i.label == "COPY")
    assert plain.insert_text == "COPY src dest" and not plain.snippet


def test_only_from_and_arg_before_first_from() -> None:
    assert set(labels(complete_dockerfile("", 0))) == {"FROM", "ARG"}


def test_flags_per_instruction() -> None:
    text = "FROM python:3.12\nRUN --"
    names = labels(complete_dockerfile(text, len(text)))
    assert "--mount" in names and "--network" in names
    assert "--mount=type=cache,target=…" in names
    copy = "FROM python:3.12\nCOPY --"
    assert {"--from", "--chown", "--chmod", "--link"} <= set(labels(complete_dockerfile(copy, len(copy))))


def test_mount_options_and_values() -> None:
    text = "FROM python:3.12\nRUN --mount=type=cache,sh"
    assert "sharing" in labels(complete_dockerfile(text, len(text)))
    val = "FROM python:3.12\nRUN --mount=type=cache,sharing="
    assert labels(complete_dockerfile(val, len(val))) == ["shared", "private", "locked"]
    typ = "FROM python:3.12\nRUN --mount=type="
    assert "cache" in labels(complete_dockerfile(typ, len(typ)))


def test_stage_names_after_from_flag() -> None:
    text = ("FROM golang:1.26 AS build\nRUN go build\nFROM alpine AS tools\n"
            "FROM debian:bookworm-slim\nCOPY --from=")
    items = complete_dockerfile(text, len(text))
    assert labels(items) == ["build", "tools"]
    mount = ("FROM golang:1.26 AS build\nFROM alpine\nRUN --mount=type=bind,from=")
    assert labels(complete_dockerfile(mount, len(mount))) == ["build"]


def test_variables_after_dollar() -> None:
    text = "ARG VERSION=3.12\nFROM python:${VERSION}\nARG APP=/app\nENV HOME_DIR=/home\nRUN echo ${"
    items = complete_dockerfile(text, len(text))
    assert {"APP", "HOME_DIR"} <= set(labels(items))
    assert next(i for i in items if i.label == "APP").insert_text == "APP}"
    dollar = "ARG VERSION=3.12\nFROM python:$V"
    names = labels(complete_dockerfile(dollar, len(dollar)))
    assert "VERSION" in names and "TARGETARCH" in names


def test_image_names_and_tags() -> None:
    text = "FROM pyth"
    items = complete_dockerfile(text, len(text))
    assert "python" in labels(items)
    tags = complete_dockerfile("FROM node:", 10)
    assert "24-alpine" in labels(tags) or "24" in labels(tags)
    stage = "FROM node:24 AS deps\nFROM "
    assert labels(complete_dockerfile(stage, len(stage)))[0] == "deps"
    as_kw = "FROM node:24 "
    assert labels(complete_dockerfile(as_kw, len(as_kw))) == ["AS"]


def test_nothing_in_comments() -> None:
    text = "FROM alpine\n# RU"
    assert complete_dockerfile(text, len(text)) == []


def test_snippet_to_plain() -> None:
    assert snippet_to_plain("FROM ${1:image}:${2:tag}${3: AS ${4:name}}") == "FROM image:tag AS name"
    assert snippet_to_plain("--network=${1|none,host|}") == "--network=none"
    assert snippet_to_plain("a \\$HOME $0") == "a $HOME "


def test_blank_line_under_devices_starts_an_item() -> None:
    text = ("services:\n  web:\n    deploy:\n      resources:\n        reservations:\n"
            "          devices:\n            ")
    items = complete_compose(text, len(text), snippets=False)
    assert items[0].insert_text == (
        "- driver: nvidia\n              count: all\n              capabilities: [gpu]")
