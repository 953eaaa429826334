"""A Compose project resolved as Compose resolves it (product.md §1).

Project directory: the directory of the first Compose file (``project_directory``
overrides). File list: ``COMPOSE_FILE`` from the environment or ``<project dir>/.env``,
else the config's ``compose-files``, else the base file plus its ``*.override.y(a)ml``.
Then ``include`` (paths relative to the including file). A file in the list is checked
merged with the others; any other file is checked on its own. Files are read from
``open_documents`` first (unsaved editor buffers), then from disk.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dockwise.compose.yaml_model import (
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    YamlDocument,
    get,
    load,
    mapping_items,
)

BASE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
MAX_INCLUDE_DEPTH = 10


@dataclass(slots=True)
class ComposeFile:
    path: Path | None
    text: str
    doc: YamlDocument

    @property
    def root(self) -> Node | None:
        return self.doc.root

    @property
    def directory(self) -> Path:
        return self.path.parent if self.path is not None else Path.cwd()


@dataclass(slots=True)
class Project:
    directory: Path
    files: list[ComposeFile]  # merge order; files[i] for i < len(file_list) are the file list
    env: dict[str, str]  # interpolation environment for checks: the project .env
    in_file_list: bool = True  # False: the linted file is checked on its own
    missing: list[str] = field(default_factory=list)  # listed files that could not be read
    resolved: bool = True  # False when the project could not be resolved
    # what checks derive from the project (service layers, builds, the reference model),
    # computed once per project; nothing in it refers back to the project
    memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def sections(self, name: str) -> dict[str, list[tuple[ComposeFile, Node, Node]]]:
        """Entries of a top-level section (services, volumes, …) across the project:
        name -> [(file, key node, value node)] in merge order."""
        out: dict[str, list[tuple[ComposeFile, Node, Node]]] = {}
        for f in self.files:
            sec = get(f.root, name)
            if isinstance(sec, MappingNode):
                for k, v in mapping_items(sec):
                    if isinstance(k, ScalarNode):
                        out.setdefault(k.value, []).append((f, k, v))
        return out

    def names(self, section: str) -> set[str]:
        return set(self.sections(section))


def is_compose_document(doc: YamlDocument) -> bool:
    root = doc.root
    if not isinstance(root, MappingNode):
        return False
    return isinstance(get(root, "services"), MappingNode) or isinstance(get(root, "include"), SequenceNode)


_ENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*?)\s*$")


def parse_dotenv(text: str) -> dict[str, str]:
    """A `.env` file as Compose reads it (KEY=VALUE, quotes, `export`, comments)."""
    out: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = _ENV_LINE.match(line)
        if not m:
            continue
        key, val = m.group(1), m.group(2)
        if len(val) >= 2 and val[0] == val[-1] and val[0] in "'\"":
            inner = val[1:-1]
            val = inner.replace("\\n", "\n").replace('\\"', '"') if val[0] == '"' else inner
        else:
            val = re.split(r"\s+#", val, maxsplit=1)[0].strip()
        out[key] = val
    return out


def _read(path: Path, open_documents: Mapping[Path, str] | None) -> str | None:
    if open_documents is not None:
        p = path.resolve()
        if p in open_documents:
            return open_documents[p]
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _file_list(directory: Path, env: Mapping[str, str], compose_files: list[str]) -> list[Path]:
    listed = os.environ.get("COMPOSE_FILE") or env.get("COMPOSE_FILE")
    if listed:
        sep = os.environ.get("COMPOSE_PATH_SEPARATOR") or env.get("COMPOSE_PATH_SEPARATOR") or os.pathsep
        return [(directory / p).resolve() for p in listed.split(sep) if p]
    if compose_files:
        return [(directory / p).resolve() for p in compose_files]
    for name in BASE_NAMES:
        base = directory / name
        if base.is_file():
            stem, ext = name.rsplit(".", 1)
            out = [base.resolve()]
            for oext in (ext, "yaml" if ext == "yml" else "yml"):
                ov = directory / f"{stem}.override.{oext}"
                if ov.is_file():
                    out.append(ov.resolve())
                    break
            return out
    return []


def resolve_project(
    path: Path | None,
    text: str,
    doc: YamlDocument | None = None,
    *,
    project_directory: Path | None = None,
    compose_files: list[str] | None = None,
    open_documents: Mapping[Path, str] | None = None,
) -> Project:
    """The project the file at ``path`` (with content ``text``) belongs to."""
    this = ComposeFile(path, text, doc if doc is not None else load(text))
    if path is None:
        return Project(Path.cwd(), [this], {}, in_file_list=False, resolved=False)
    directory = (project_directory or path.parent).resolve()
    env_text = _read(directory / ".env", open_documents)
    env = parse_dotenv(env_text) if env_text else {}
    listed = _file_list(directory, env, compose_files or [])
    me = path.resolve()
    project = Project(directory, [], env)
    if me not in listed:
        project.in_file_list = False
        project.files = [this]
    else:
        for p in listed:
            if p == me:
                project.files.append(this)
                continue
            t = _read(p, open_documents)
            if t is None:
                project.missing.append(str(p))
                project.resolved = False
                continue
            project.files.append(ComposeFile(p, t, load(t)))
    # include: other projects' files whose services become part of this one
    seen = {f.path.resolve() for f in project.files if f.path is not None}
    queue = [(f, 0) for f in project.files]
    while queue:
        f, depth = queue.pop(0)
        if depth >= MAX_INCLUDE_DEPTH:
            continue
        for inc in include_paths(f):
            p = (f.directory / inc).resolve()
            if p in seen:
                continue
            seen.add(p)
            t = _read(p, open_documents)
            if t is None:
                project.resolved = False
                continue
            cf = ComposeFile(p, t, load(t))
            project.files.append(cf)
            queue.append((cf, depth + 1))
    return project


def include_paths(f: ComposeFile) -> list[str]:
    """Paths named by a file's top-level `include` (short and long syntax)."""
    inc = get(f.root, "include")
    out: list[str] = []
    if not isinstance(inc, SequenceNode):
        return out
    for item in inc.value:
        if isinstance(item, ScalarNode):
            out.append(item.value)
        elif isinstance(item, MappingNode):
            p = get(item, "path")
            if isinstance(p, ScalarNode):
                out.append(p.value)
            elif isinstance(p, SequenceNode):
                out.extend(x.value for x in p.value if isinstance(x, ScalarNode))
    return out
