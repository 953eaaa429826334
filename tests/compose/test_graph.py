"""compose/graph.py: extends layers, merged references, implicit edges, cycles, fragments."""

from __future__ import annotations

from pathlib import Path

from dockwise.compose.graph import (
    attr_in_layers,
    build_model,
    find_cycles,
    fragment_names,
    fully_known,
    is_fragment,
)
from dockwise.compose.project import Project, resolve_project


def _project(tmp_path: Path, files: dict[str, str], main: str = "compose.yaml") -> Project:
    for name, text in files.items():
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    path = tmp_path / main
    return resolve_project(path, path.read_text(encoding="utf-8"))


def test_implicit_edges_and_cycles(tmp_path: Path) -> None:
    project = _project(tmp_path, {"compose.yaml": """\
services:
  a: {image: x, depends_on: [b]}
  b: {image: x, links: ["c:alias"]}
  c: {image: x, network_mode: "service:a"}
  d: {image: x, volumes_from: ["container:zz", "e:ro"], ipc: "service:e"}
  e: {image: x, pid: "service:f", uts: "service:f"}
  f: {image: x, build: {context: ., additional_contexts: {x: "service:d"}}}
  g: {image: x, depends_on: {g: {condition: service_started, required: false}}}
"""})
    model = build_model(project)
    edges = model.edges()
    assert [(r.kind, r.name) for r in edges["d"]] == [("ipc", "e"), ("volumes_from", "e")]
    assert {r.kind for r in edges["e"]} == {"pid", "uts"}
    assert edges["f"] == []  # additional_contexts is not an ordering edge
    cycles = find_cycles(edges)
    assert [c.describe() for c in cycles] == ["a -> b -> c -> a", "g -> g"]
    assert [e.kind for e in cycles[0].edges] == ["depends_on", "links", "network_mode"]


def test_extends_layers_across_files_and_reset(tmp_path: Path) -> None:
    project = _project(tmp_path, {
        "compose.yaml": """\
services:
  web:
    extends: {file: lib/common.yaml, service: base}
    depends_on: [db]
  db:
    image: postgres:17
    depends_on: [cache]
""",
        "compose.override.yaml": """\
services:
  db:
    depends_on: !reset []
    platform: linux/arm64
""",
        "lib/common.yaml": """\
services:
  base:
    extends: root
    volumes: [data:/x]
  root:
    image: alpine:3.20
    networks: [back]
""",
    })
    model = build_model(project)
    (web,) = model.services["web"]
    assert [ly.file.path.name for ly in web.layers if ly.file.path] == [
        "common.yaml", "common.yaml", "compose.yaml"]
    refs = {(r.kind, r.name) for r in model.service_refs("web")}
    assert refs == {("network", "back"), ("volume", "data"), ("depends_on", "db")}
    assert model.service_refs("db") == []  # the override resets depends_on
    layers = [ly for d in model.services["db"] for ly in d.layers]
    plat = attr_in_layers(layers, "platform")
    assert plat is not None and plat.file.path is not None
    assert plat.file.path.name == "compose.override.yaml"
    assert attr_in_layers(layers, "depends_on") is None


def test_extends_problems(tmp_path: Path) -> None:
    project = _project(tmp_path, {"compose.yaml": """\
services:
  a: {image: x, extends: b}
  b: {extends: {service: a}}
  c: {extends: nope}
  d: {extends: {file: missing.yaml, service: x}}
"""})
    model = build_model(project)
    kinds = sorted((p.kind, p.message) for p in model.extends_problems)
    assert ("undefined", "service `c` extends `nope`, which is not a service of this file") in kinds
    assert ("unreadable", "cannot read `missing.yaml`") in kinds
    assert {m for k, m in kinds if k == "cycle"} == {
        "circular `extends`: a -> b -> a", "circular `extends`: b -> a -> b"}
    assert not all(d.complete for defs in model.services.values() for d in defs)


def test_fragments(tmp_path: Path) -> None:
    files = {
        "compose.yaml": "services:\n  db: {image: postgres:17}\nnetworks:\n  elk: {}\n",
        "ext/one/one-compose.yml": "services:\n  one: {image: x, depends_on: [db, two]}\n",
        "ext/one/two-compose.yml": "services:\n  two: {image: x}\nvolumes:\n  shared: {}\n",
        "alone/stack.yml": "services:\n  s: {image: x}\n",
        "compose.prod.override.yaml": "services:\n  db: {ports: ['5432']}\n",
    }
    base = _project(tmp_path, files)
    assert base.in_file_list and not is_fragment(base, base.files[0])
    one = _project(tmp_path, {}, "ext/one/one-compose.yml")
    assert is_fragment(one, one.files[0]) and not fully_known(one, one.files[0])
    names = fragment_names(one, one.files[0])
    assert names is not None
    assert {"db", "two"} <= names["services"] and "elk" in names["networks"]
    assert "shared" in names["volumes"]
    (tmp_path / "alone" / ".git").mkdir()
    alone = _project(tmp_path, {}, "alone/stack.yml")
    assert not is_fragment(alone, alone.files[0]) and fully_known(alone, alone.files[0])
    ov = _project(tmp_path, {}, "compose.prod.override.yaml")
    assert is_fragment(ov, ov.files[0])
