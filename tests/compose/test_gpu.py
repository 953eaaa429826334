"""compose/gpu.py: the one GPU block builder (fixes and completion), the merge into an
existing `deploy` sub-tree, and the normalised reader of a service's GPU requests."""

from __future__ import annotations

import pytest

from dockwise.compose.gpu import (
    device_item_lines,
    effective,
    gpu_requests,
    gpu_reservation_lines,
    gpus_lines,
    is_cuda_image,
    is_pytorch_image,
    parse_device_ids,
    reservation_edit,
    uses_gpu,
)
from dockwise.compose.service import services
from dockwise.compose.yaml_model import load, to_python
from dockwise.lint.fixes import apply_edits


def test_block_is_the_documented_snippet() -> None:
    assert gpu_reservation_lines() == [
        "deploy:",
        "  resources:",
        "    reservations:",
        "      devices:",
        "        - driver: nvidia",
        "          count: all",
        "          capabilities: [gpu]",
    ]


def test_block_with_ids_four_spaces_and_flush_sequences() -> None:
    lines = gpu_reservation_lines(device_ids=["0", "1"], capabilities=["gpu", "utility"],
                                  unit=4, seq_indent=0, start="resources")
    assert lines == [
        "resources:",
        "    reservations:",
        "        devices:",
        "        - driver: nvidia",
        "          device_ids: [\"0\", \"1\"]",
        "          capabilities: [gpu, utility]",
    ]


def test_block_parses_to_compose_values() -> None:
    text = "\n".join(gpu_reservation_lines(count=2, capabilities=["compute"])) + "\n"
    value = to_python(load(text).root, text)
    assert value == {"deploy": {"resources": {"reservations": {"devices": [
        {"driver": "nvidia", "count": 2, "capabilities": ["compute"]}]}}}}


def test_ids_win_over_count_and_items_keep_dash_spacing() -> None:
    assert device_item_lines(count=1, device_ids=["GPU-1a"], after_dash=3) == [
        "-   driver: nvidia", "    device_ids: [\"GPU-1a\"]", "    capabilities: [gpu]"]


def test_gpus_shorthand() -> None:
    assert gpus_lines() == ["gpus: all"]
    assert gpus_lines(device_ids=["0", "1"], seq_indent=2) == [
        "gpus:", "  - driver: nvidia", "    device_ids: [\"0\", \"1\"]"]
    assert gpus_lines(count=2, seq_indent=0) == ["gpus:", "- driver: nvidia", "  count: 2"]


def _svc(text: str, name: str = "a"):  # type: ignore[no-untyped-def]
    doc = load(text)
    return doc, next(s for s in services(doc.root) if s.name == name)


@pytest.mark.parametrize(("before", "after"), [
    (  # no deploy at all: the whole block, at the end of the service
        "services:\n  a:\n    image: x  # keep\n",
        "services:\n  a:\n    image: x  # keep\n    deploy:\n      resources:\n"
        "        reservations:\n          devices:\n            - driver: nvidia\n"
        "              count: all\n              capabilities: [gpu]\n",
    ),
    (  # limits only: reservations added next to them, 4-space file
        "services:\n    a:\n        deploy:\n            resources:\n                limits:\n"
        "                    memory: 1g\n        image: x\n",
        "services:\n    a:\n        deploy:\n            resources:\n                limits:\n"
        "                    memory: 1g\n                reservations:\n"
        "                    devices:\n                        - driver: nvidia\n"
        "                          count: all\n                          capabilities: [gpu]\n"
        "        image: x\n",
    ),
    (  # an existing devices list: one more item, same dash column
        "services:\n  a:\n    deploy:\n      resources:\n        reservations:\n"
        "          devices:\n          - driver: xilinx\n            capabilities: [fpga]\n",
        "services:\n  a:\n    deploy:\n      resources:\n        reservations:\n"
        "          devices:\n          - driver: xilinx\n            capabilities: [fpga]\n"
        "          - driver: nvidia\n            count: all\n            capabilities: [gpu]\n",
    ),
])
def test_reservation_edit_merges(before: str, after: str) -> None:
    doc, svc = _svc(before)
    edit = reservation_edit(doc, svc.node)
    assert edit is not None
    fixed = apply_edits(before, [edit])
    assert fixed == after
    assert load(fixed).error is None


def test_reservation_edit_keeps_crlf() -> None:
    before = "services:\r\n  a:\r\n    image: x\r\n"
    doc, svc = _svc(before)
    edit = reservation_edit(doc, svc.node)
    assert edit is not None
    fixed = apply_edits(before, [edit])
    assert "\n" not in fixed.replace("\r\n", "")
    assert load(fixed).error is None


@pytest.mark.parametrize("text", [
    "x: &d\n  resources: {}\nservices:\n  a:\n    deploy: *d\n    image: x\n",
    "x: &d\n  deploy:\n    replicas: 1\nservices:\n  a:\n    <<: *d\n    image: x\n",
    "services:\n  a:\n    deploy: {replicas: 1}\n",
    "services:\n  a: {image: x}\n",
])
def test_reservation_edit_declines(text: str) -> None:
    doc, svc = _svc(text)
    assert reservation_edit(doc, svc.node) is None


READER = """\
services:
  a:
    image: x
    deploy:
      resources:
        reservations:
          devices:
            - driver: nvidia
              count: all
              capabilities: [gpu]
            - driver: nvidia
              device_ids: ["0"]
              capabilities: [gpu]
            - capabilities: [tpu]
            - driver: cdi
              device_ids: [nvidia.com/gpu=all]
              capabilities: [gpu]
    runtime: nvidia
    environment:
      - NVIDIA_VISIBLE_DEVICES=all
  b:
    image: x
    gpus: all
  c:
    image: x
    gpus:
      - count: 2
      - driver: nvidia
    devices:
      - nvidia.com/gpu=0
      - /dev/fuse
  d:
    image: x
    environment:
      NVIDIA_VISIBLE_DEVICES: none
    runtime: nvidia
  e:
    image: x
    environment:
      NVIDIA_VISIBLE_DEVICES: all
"""


def _reqs(name: str):  # type: ignore[no-untyped-def]
    _doc, svc = _svc(READER, name)
    return gpu_requests(svc.node, READER)


def test_reader_normalises_every_form() -> None:
    a = _reqs("a")
    assert [r.source for r in a] == ["deploy", "deploy", "deploy", "runtime"]
    assert [r.takes_all for r in a] == [True, False, True, True]
    assert a[1].device_ids == ["0"] and a[0].count == "all"
    assert [r.source for r in effective(a)] == ["deploy", "deploy", "deploy"]
    b = _reqs("b")
    assert [(r.source, r.takes_all) for r in b] == [("gpus", True)]
    c = _reqs("c")
    assert [(r.source, r.count, r.takes_all) for r in c] == [
        ("gpus", 2, False), ("gpus", None, True), ("cdi", None, False)]
    d = _reqs("d")
    assert [(r.source, r.visible_devices, r.takes_all) for r in d] == [("runtime", "none", False)]
    assert not uses_gpu(d)
    e = _reqs("e")
    assert [(r.source, r.takes_all) for r in e] == [("env", False)]
    assert all(uses_gpu(_reqs(n)) for n in "abc")


def test_helpers() -> None:
    assert parse_device_ids("0, 1") == ["0", "1"]
    assert parse_device_ids("GPU-3a2b,MIG-1:2") == ["GPU-3a2b", "MIG-1:2"]
    assert parse_device_ids("0;1") is None
    assert is_cuda_image("nvidia/cuda:12.6.2-base-ubuntu24.04")
    assert is_cuda_image("nvcr.io/nvidia/pytorch:24.10-py3")
    assert not is_cuda_image("python:3.12")
    assert is_pytorch_image("pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime")
    assert is_pytorch_image("nvcr.io/nvidia/pytorch:24.10-py3")
    assert is_pytorch_image("rocm/pytorch:latest")
    assert not is_pytorch_image("pytorch/torchserve:0.12.0-gpu")
    assert not is_pytorch_image("python:3.12")
