"""Compose `build` sections resolved against the Dockerfiles they build.

One place answers, for the rules (DC101–DC104, DC201–DC203), the language server and
the Dockerfile checks:

- :func:`build_of` — a service's effective ``build`` (merged across the project's files
  and ``extends``): context directory (relative to the project directory; included and
  extended files resolve against their own directory), Dockerfile path (relative to the
  context), ``dockerfile_inline``, ``target``, ``args``, ``additional_contexts`` —
  interpolated with the project ``.env`` and defaults, with the nodes that wrote each
  value. Remote contexts (git URLs, ``https://…``) are recognised and never read.
- :func:`load_dockerfile` — the Dockerfile model of a build (the editor's unsaved text
  first, through the ``read`` callable), and :func:`target_stage`.
- :func:`dockerfile_targets` / :func:`dockerfile_named_contexts` — for a Dockerfile, the
  ``build.target`` names (``""`` = the last stage) and named contexts of the Compose
  builds that use it: what ``lint_dockerfile_text(compose_targets=…, named_contexts=…)``
  takes. :func:`compose_builds_near` finds them from the Dockerfile's side (the Compose
  files in its directory and the directories above it).
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dockwise.compose import memo as lookups
from dockwise.compose.interpolation import Literal, Parsed, Ref, parse, substitute
from dockwise.compose.project import ComposeFile, Project, include_paths, resolve_project
from dockwise.compose.service import text_of
from dockwise.compose.yaml_model import (
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    explicit_tag,
    get,
    get_key,
    is_plain,
    load,
    mapping_items,
)
from dockwise.dockerfile.analysis import Analysis, Stage, analyse
from dockwise.dockerfile.scanner import scan
from dockwise.documents import compose_files_near
from dockwise.text import Span

ReadText = Callable[[Path], "str | None"]
MAX_EXTENDS_DEPTH = 8
_REMOTE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*://|git@|github\.com/)")


def is_remote_context(value: str) -> bool:
    """A build context Compose hands to BuildKit as a URL (git or tarball), not a path."""
    return bool(_REMOTE.match(value.strip()))


# ---------------------------------------------------------------------------------------
# values with their interpolation resolved, and where they came from


@dataclass(slots=True)
class Value:
    """A scalar of the Compose file, interpolated for checks."""

    file: ComposeFile
    node: Node
    raw: str  # the scalar's value as written (before interpolation)
    text: str  # after interpolation with the project .env and defaults
    resolved: bool  # False: a variable without default is unset (the value is unknown)

    def mine(self, file: ComposeFile) -> bool:
        return self.file is file


def scalar_text(node: Node | None) -> str | None:
    if not isinstance(node, ScalarNode):
        return None
    if node.style or explicit_tag(node) is not None:
        return str(node.value)
    v = node.value
    return None if v in ("", "~", "null", "Null", "NULL") else str(v)


def interpolate(raw: str, env: Mapping[str, str]) -> tuple[str, bool]:
    """(value, resolved): ``resolved`` is False when an unset variable has no default."""
    if "$" not in raw:
        return raw, True  # (nothing to interpolate)
    p = parse(raw)
    if p.problems:
        return raw, False
    sub = substitute(raw, env, p)
    return sub.value, not sub.missing and not sub.required_errors


def value_of(file: ComposeFile, node: Node | None, env: Mapping[str, str]) -> Value | None:
    raw = scalar_text(node)
    if raw is None or node is None:
        return None
    text, ok = interpolate(raw, env)
    return Value(file, node, raw, text, ok)


def render_map(raw: str, env: Mapping[str, str]) -> tuple[str, list[tuple[int, int, int]]]:
    """Interpolate ``raw`` and return the literal segments that survive:
    (offset in the result, offset in ``raw``, length)."""
    p: Parsed = parse(raw)
    out: list[str] = []
    segs: list[tuple[int, int, int]] = []
    _emit(p.parts, env, out, segs, 0)
    return "".join(out), segs


def _emit(parts: list[Literal | Ref], env: Mapping[str, str], out: list[str],
          segs: list[tuple[int, int, int]], pos: int) -> int:
    """Append the rendering of ``parts`` to ``out`` (from result offset ``pos``);
    the offset after it."""
    for part in parts:
        if isinstance(part, Literal):
            if part.hi - part.lo == len(part.text):
                segs.append((pos, part.lo, len(part.text)))
            out.append(part.text)
            pos += len(part.text)
            continue
        val = env.get(part.name)
        is_set = part.name in env
        op = part.op
        word: list[Literal | Ref] | None = None
        s = ""
        if op == ":-":
            if val:
                s = val
            else:
                word = part.word
        elif op == "-":
            if is_set and val is not None:
                s = val
            else:
                word = part.word
        elif op == ":+":
            word = part.word if val else []
        elif op == "+":
            word = part.word if is_set else []
        else:
            s = val or ""
        if word is not None:
            pos = _emit(word, env, out, segs, pos)
        else:
            out.append(s)
            pos += len(s)
    return pos


def map_range(segs: list[tuple[int, int, int]], lo: int, hi: int) -> tuple[int, int] | None:
    """Offsets in the raw text of the result range [lo, hi) when it lies in one literal
    segment (``lo == hi``: an insertion point just after or inside a segment)."""
    for r, s, n in segs:
        if lo == hi:
            if r < lo <= r + n or (r == lo and n):
                return s + (lo - r), s + (lo - r)
        elif r <= lo and hi <= r + n:
            return s + (lo - r), s + (hi - r)
    return None


def scalar_base(node: ScalarNode, file_text: str, raw: str) -> int | None:
    """File offset of the first character of a one-line plain or quoted scalar's value,
    when its text is written verbatim (no escapes); None otherwise."""
    if node.style not in (None, "", "'", '"'):
        return None
    if node.start_mark.line != node.end_mark.line:
        return None
    start = node.start_mark.index + (0 if is_plain(node) else 1)
    if file_text[start : start + len(raw)] != raw:
        return None
    return start


# ---------------------------------------------------------------------------------------
# per-project memo (kept in ``Project.memo``): every rule of one lint shares the same
# Project object, so sections, layers, builds, health and Dockerfile texts are computed
# once per lint, and go away with the project


class _Memo:
    __slots__ = ("builds", "health", "layers", "sections", "texts")

    def __init__(self, project: Project) -> None:
        self.sections = project.sections("services")
        self.layers: dict[str, list[Layer]] = {}
        self.builds: dict[str, BuildRef | None] = {}
        self.health: dict[str, Health] = {}
        self.texts: dict[Path, str | None] = {}


def _memo(project: Project) -> _Memo:
    m = project.memo.get("builds")
    if m is None:
        m = project.memo["builds"] = _Memo(project)
    assert isinstance(m, _Memo)
    return m


def services_index(project: Project) -> dict[str, list[tuple[ComposeFile, Node, Node]]]:
    """``project.sections("services")``, computed once per project."""
    return _memo(project).sections


# ---------------------------------------------------------------------------------------
# services across the project's files and `extends`


@dataclass(slots=True)
class Layer:
    """One definition of a service: its mapping in one file (merge order)."""

    file: ComposeFile
    key: Node | None
    node: Node
    base_dir: Path  # directory relative paths of this layer resolve against


def _included(project: Project) -> set[Path]:
    out: set[Path] = set()
    for f in project.files:
        for inc in include_paths(f):
            out.add((f.directory / inc).resolve())
    return out


def base_dir_of(project: Project, file: ComposeFile) -> Path:
    """Where a file's relative paths resolve: the project directory, except for files
    brought in by `include` (their own directory)."""
    if len(project.files) > 1 and file.path is not None and file.path.resolve() in _included(project):
        return file.path.parent
    return project.directory


@functools.lru_cache(maxsize=64)
def _load_cached(path: Path, mtime: float) -> ComposeFile | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return ComposeFile(path, text, load(text))


def _load_file(path: Path, read: ReadText | None) -> ComposeFile | None:
    if read is not None:
        text = read(path)
        if text is None:
            return None
        return ComposeFile(path, text, load(text))
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    return _load_cached(path, mtime)


def _service_in(file: ComposeFile, name: str) -> tuple[Node, Node] | None:
    sec = get(file.root, "services")
    if not isinstance(sec, MappingNode):
        return None
    for k, v in mapping_items(sec):
        if isinstance(k, ScalarNode) and k.value == name:
            return k, v
    return None


def _extends_layers(project: Project, layer: Layer, read: ReadText | None,
                    depth: int, seen: set[tuple[str, str]]) -> list[Layer]:
    ext = get(layer.node, "extends")
    if ext is None or depth >= MAX_EXTENDS_DEPTH:
        return []
    if isinstance(ext, ScalarNode):
        name, fname = ext.value, None
    elif isinstance(ext, MappingNode):
        name = scalar_text(get(ext, "service")) or ""
        fname = scalar_text(get(ext, "file"))
    else:
        return []
    if not name:
        return []
    file = layer.file
    base_dir = layer.base_dir
    if fname:
        p = (layer.file.directory / fname).resolve()
        loaded = _load_file(p, read)
        if loaded is None:
            return []
        file, base_dir = loaded, p.parent
    key = (str(file.path), name)
    if key in seen:
        return []
    seen.add(key)
    found = _service_in(file, name)
    if found is None:
        return []
    base = Layer(file, found[0], found[1], base_dir)
    return [*_extends_layers(project, base, read, depth + 1, seen), base]


def service_layers(project: Project, name: str, read: ReadText | None = None) -> list[Layer]:
    """Every definition of service ``name`` in merge order: for each file of the project
    that defines it, the services it `extends` first, then its own mapping."""
    memo = _memo(project)
    found = memo.layers.get(name)
    if found is not None:
        return found
    out: list[Layer] = []
    for f, k, v in memo.sections.get(name, []):
        layer = Layer(f, k, v, base_dir_of(project, f))
        out.extend(_extends_layers(project, layer, read, 0, {(str(f.path), name)}))
        out.append(layer)
    memo.layers[name] = out
    return out


def merged_get(layers: list[Layer], key: str) -> tuple[Layer, Node] | None:
    """The last layer's value of a service attribute (later files override)."""
    found: tuple[Layer, Node] | None = None
    for layer in layers:
        v = get(layer.node, key)
        if v is not None:
            found = None if explicit_tag(v) == "!reset" else (layer, v)
    return found


# ---------------------------------------------------------------------------------------
# build


@dataclass(slots=True)
class BuildArg:
    name: str
    value: str | None  # None: taken from the environment (`- NAME` / `NAME:`)
    file: ComposeFile
    node: Node  # the list item or the key
    span: Span  # the name only


@dataclass(slots=True)
class BuildRef:
    """A service's effective build. Paths are None when unknown (remote context,
    unresolved interpolation) — checks then report only what is provable."""

    service: str
    file: ComposeFile  # the file holding the (last) `build` key
    node: Node  # its value node
    key: Node | None
    context_dir: Path | None
    dockerfile_path: Path | None  # None for `dockerfile_inline`, remote or unknown
    target: str | None
    args: dict[str, str | None]
    named_contexts: dict[str, str]
    inline_text: str | None = None
    remote: bool = False
    context: Value | None = None
    dockerfile: Value | None = None
    target_value: Value | None = None
    inline: Value | None = None
    arg_entries: list[BuildArg] = field(default_factory=list)
    layers: list[Layer] = field(default_factory=list)
    texts: dict[Path, str | None] = field(default_factory=dict)  # Dockerfile texts read

    @property
    def dockerfile_label(self) -> str:
        if self.inline_text is not None:
            return "`dockerfile_inline`"
        if self.dockerfile is not None:
            return f"`{self.dockerfile.text}`"
        return "`Dockerfile`"


def _args(file: ComposeFile, node: Node | None, env: Mapping[str, str]) -> list[BuildArg]:
    out: list[BuildArg] = []
    if isinstance(node, MappingNode):
        for k, v in mapping_items(node):
            if isinstance(k, ScalarNode):
                val = scalar_text(v)
                out.append(BuildArg(k.value, None if val is None else interpolate(val, env)[0],
                                    file, k, Span(k.start_mark.index, k.end_mark.index)))
    elif isinstance(node, SequenceNode):
        for item in node.value:
            s = scalar_text(item)
            if s is None or not isinstance(item, ScalarNode):
                continue
            name, sep, val = s.partition("=")
            name = name.strip()
            if not name:
                continue
            start = scalar_base(item, file.text, s)
            if start is not None:
                off = s.find(name)
                span = Span(start + off, start + off + len(name))
            else:
                span = Span(item.start_mark.index, item.end_mark.index)
            out.append(BuildArg(name, interpolate(val, env)[0] if sep else None, file, item, span))
    return out


def _named_contexts(node: Node | None, env: Mapping[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    if isinstance(node, MappingNode):
        for k, v in mapping_items(node):
            if isinstance(k, ScalarNode):
                out[k.value] = interpolate(scalar_text(v) or "", env)[0]
    elif isinstance(node, SequenceNode):
        for item in node.value:
            s = scalar_text(item)
            if s:
                name, _, val = s.partition("=")
                out[name.strip()] = interpolate(val, env)[0]
    return out


def _resolve_path(base: Path, text: str) -> Path:
    p = Path(os.path.expanduser(text)) if text.startswith("~") else Path(text)
    return p if p.is_absolute() else base / p


def build_of(service: object, file: ComposeFile | None, project: Project,
             read: ReadText | None = None) -> BuildRef | None:
    """The effective build of a service (a :class:`~dockwise.compose.service.Service` or
    a name), merged over the project's files and `extends`; None without `build`."""
    name = service if isinstance(service, str) else str(getattr(service, "name", ""))
    memo = _memo(project)
    if name in memo.builds:
        return memo.builds[name]
    layers = service_layers(project, name, read)
    if not layers and file is not None:
        found = _service_in(file, name)
        if found is not None:
            layers = [Layer(file, found[0], found[1], base_dir_of(project, file))]
    b = build_from_layers(name, layers, project.env)
    if b is not None:
        b.texts = memo.texts
    if layers:
        memo.builds[name] = b
    return b


def build_from_layers(name: str, layers: list[Layer], env: Mapping[str, str]) -> BuildRef | None:
    holder: Layer | None = None
    bnode: Node | None = None
    bkey: Node | None = None
    ctx_val: tuple[Value, Path] | None = None
    fields: dict[str, Value | None] = {"dockerfile": None, "target": None, "dockerfile_inline": None}
    args: dict[str, BuildArg] = {}
    named: dict[str, str] = {}
    for layer in layers:
        b = get(layer.node, "build")  # (the first `build` key, merges applied)
        if b is None:
            continue
        bk = get_key(layer.node, "build")
        if explicit_tag(b) == "!reset" or (isinstance(b, ScalarNode) and scalar_text(b) is None):
            holder, bnode, ctx_val = None, None, None
            fields = dict.fromkeys(fields)
            args, named = {}, {}
            continue
        holder, bnode, bkey = layer, b, bk
        if isinstance(b, ScalarNode):
            v = value_of(layer.file, b, env)
            if v is not None:
                ctx_val = (v, layer.base_dir)
            continue
        if not isinstance(b, MappingNode):
            continue
        for k, node in mapping_items(b):
            key = k.value if isinstance(k, ScalarNode) else None
            if key == "context":
                c = value_of(layer.file, node, env)
                if c is not None:
                    ctx_val = (c, layer.base_dir)
            elif key in fields:
                fields[key] = value_of(layer.file, node, env)
                if key == "dockerfile" and fields[key] is not None:
                    fields["dockerfile_inline"] = None
                if key == "dockerfile_inline" and fields[key] is not None:
                    fields["dockerfile"] = None
            elif key == "args":
                for a in _args(layer.file, node, env):
                    args[a.name] = a
            elif key == "additional_contexts":
                named.update(_named_contexts(node, env))
    if holder is None or bnode is None:
        return None
    remote = False
    context_dir: Path | None
    if ctx_val is None:
        context_dir = holder.base_dir
    else:
        cv, base = ctx_val
        if is_remote_context(cv.text):
            remote, context_dir = True, None
        elif not cv.resolved:
            context_dir = None
        else:
            context_dir = _resolve_path(base, cv.text or ".")
    inline = fields["dockerfile_inline"]
    df = fields["dockerfile"]
    dockerfile_path: Path | None = None
    if inline is None and context_dir is not None:
        if df is None:
            dockerfile_path = context_dir / "Dockerfile"
        elif df.resolved and df.text:
            dockerfile_path = _resolve_path(context_dir, df.text)
    tv = fields["target"]
    target = tv.text if tv is not None and tv.resolved and tv.text else None
    return BuildRef(
        service=name,
        file=holder.file,
        node=bnode,
        key=bkey,
        context_dir=context_dir,
        dockerfile_path=dockerfile_path,
        target=target,
        args={a.name: a.value for a in args.values()},
        named_contexts=named,
        inline_text=inline.text if inline is not None else None,
        remote=remote,
        context=ctx_val[0] if ctx_val is not None else None,
        dockerfile=df,
        target_value=tv,
        inline=inline,
        arg_entries=list(args.values()),
        layers=layers,
    )


# ---------------------------------------------------------------------------------------
# the Dockerfile a build uses


def _disk_read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def dockerfile_text(build: BuildRef, read: ReadText | None = None) -> str | None:
    """The Dockerfile's text (inline, the editor's buffer via ``read``, or the disk)."""
    if build.inline_text is not None:
        return build.inline_text
    if build.dockerfile_path is None:
        return None
    path = build.dockerfile_path
    if path in build.texts:
        return build.texts[path]
    text = build.texts[path] = (read or _disk_read)(path)
    return text


@functools.lru_cache(maxsize=128)
def _analyse_cached(text: str) -> Analysis:
    return analyse(scan(text))


def load_dockerfile(build: BuildRef, read: ReadText | None = None) -> Analysis | None:
    """The analysed Dockerfile (``dockwise.dockerfile.analysis.Analysis``) of a build;
    None when it cannot be read."""
    text = dockerfile_text(build, read)
    if text is None:
        return None
    return _analyse_cached(text)


def target_stage(an: Analysis, target: str | None) -> Stage | None:
    """The stage a build produces: the named target (case-insensitive), else the last."""
    if not an.stages:
        return None
    if target is None:
        return an.stages[-1]
    return an.stage_by_name(target)


def image_healthcheck(build: BuildRef, read: ReadText | None = None) -> bool | None:
    """Whether the image a local build produces has a HEALTHCHECK: True (its target
    stage chain has one, or its base image is known to ship one), False (provably none:
    no HEALTHCHECK in the chain, or `HEALTHCHECK NONE`), None when unknown."""
    from dockwise.images.catalogue import catalogue

    an = load_dockerfile(build, read)
    if an is None:
        return None
    st = target_stage(an, build.target)
    if st is None:
        return None
    hc = an.last_in_chain(st, "HEALTHCHECK")
    if hc is not None:
        words = hc.words
        return not (words and words[0].value.upper() == "NONE")
    base = an.root_base(st)
    if base is not None and not base.is_scratch and not base.unresolved_vars:
        fam = catalogue().family(base.resolved.canonical)
        if fam is not None and fam.ships_healthcheck:
            return True
    return False


def base_image(build: BuildRef, read: ReadText | None = None) -> str | None:
    """The external image at the root of the target stage's FROM chain (expanded)."""
    an = load_dockerfile(build, read)
    if an is None:
        return None
    st = target_stage(an, build.target)
    if st is None:
        return None
    base = an.root_base(st)
    if base is None or base.unresolved_vars:
        return None
    return base.expanded


# ---------------------------------------------------------------------------------------
# from the Dockerfile's side


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return a == b


def builds_of_dockerfile(project: Project, dockerfile_path: Path,
                         read: ReadText | None = None) -> list[BuildRef]:
    """The builds of a project's services that use this Dockerfile."""
    out: list[BuildRef] = []
    for name in services_index(project):
        b = build_of(name, None, project, read)
        if b is not None and b.dockerfile_path is not None and _same(b.dockerfile_path, dockerfile_path):
            out.append(b)
    return out


def dockerfile_targets(project: Project, dockerfile_path: Path,
                       read: ReadText | None = None) -> list[str] | None:
    """The `build.target` names of the Compose builds of this Dockerfile (``""`` for a
    build without target: the last stage); None when no service builds it."""
    builds = builds_of_dockerfile(project, dockerfile_path, read)
    if not builds:
        return None
    return sorted({b.target or "" for b in builds})


def dockerfile_named_contexts(project: Project, dockerfile_path: Path,
                              read: ReadText | None = None) -> set[str]:
    """Names of the `additional_contexts` the Compose builds of this Dockerfile supply."""
    out: set[str] = set()
    for b in builds_of_dockerfile(project, dockerfile_path, read):
        out.update(b.named_contexts)
    return out


@dataclass(slots=True)
class ComposeBuilds:
    """What Compose says about a Dockerfile: its target stages and named contexts."""

    targets: list[str] | None  # None: no Compose file builds it
    named_contexts: set[str]




def compose_builds_near(dockerfile_path: Path,
                        open_documents: Mapping[Path, str] | None = None,
                        *, compose_files: list[Path] | None = None) -> ComposeBuilds:
    """The targets and named contexts the Compose files near a Dockerfile give it: the
    Compose files (by name) in its directory and up to six directories above it
    (stopping after a directory that holds `.git`), or exactly ``compose_files``.
    Never raises: unreadable files and directories are skipped."""
    try:
        return _compose_builds_near(dockerfile_path, open_documents, compose_files)
    except (OSError, RecursionError, ValueError):
        return ComposeBuilds(None, set())


def _compose_builds_near(dockerfile_path: Path, open_documents: Mapping[Path, str] | None,
                         compose_files: list[Path] | None) -> ComposeBuilds:
    df = dockerfile_path.absolute()
    read: ReadText | None = None
    if open_documents is not None:
        docs = open_documents

        def read_doc(p: Path) -> str | None:
            t = docs.get(p.resolve())
            return t if t is not None else _disk_read(p)

        read = read_doc
    if compose_files is None:
        compose_files = compose_files_near(df)
    targets: set[str] = set()
    found = False
    named: set[str] = set()
    seen: set[tuple[Path, str, frozenset[str]]] = set()
    for cf in compose_files:
        for entry in _build_index(cf, open_documents, read):
            if entry in seen:
                continue
            seen.add(entry)
            path, target, names = entry
            if _same(path, df):
                found = True
                targets.add(target)
                named.update(names)
    return ComposeBuilds(sorted(targets) if found else None, named)


BuildIndex = tuple[tuple[Path, str, frozenset[str]], ...]


def _build_index(compose_path: Path, open_documents: Mapping[Path, str] | None,
                 read: ReadText | None) -> BuildIndex:
    """(Dockerfile, target, named contexts) of every local build in the project of a
    Compose file (cached by modification time when no editor buffers are involved)."""
    if open_documents is None:
        try:
            mtime = compose_path.stat().st_mtime
        except OSError:
            return ()
        return _build_index_cached(compose_path.absolute(), mtime)
    return _compute_index(compose_path, open_documents, read)


@functools.lru_cache(maxsize=256)
def _build_index_cached(compose_path: Path, mtime: float) -> BuildIndex:
    return _compute_index(compose_path, None, None)


def _compute_index(compose_path: Path, open_documents: Mapping[Path, str] | None,
                   read: ReadText | None) -> BuildIndex:
    project = _project_for(compose_path, open_documents)
    if project is None:
        return ()
    out: list[tuple[Path, str, frozenset[str]]] = []
    for name in services_index(project):
        b = build_of(name, None, project, read)
        if b is not None and b.dockerfile_path is not None:
            out.append((b.dockerfile_path.absolute(), b.target or "",
                        frozenset(b.named_contexts)))
    return tuple(out)


def _project_for(path: Path, open_documents: Mapping[Path, str] | None) -> Project | None:
    text: str | None = None
    if open_documents is not None:
        text = open_documents.get(path.resolve())
    if text is None:
        text = _disk_read(path)
    if text is None:
        return None
    doc = load(text)
    if doc.root is None:
        return None
    return resolve_project(path, text, doc, open_documents=open_documents)


# ---------------------------------------------------------------------------------------
# health: what Compose and the image say about a service's healthcheck


@dataclass(slots=True)
class Health:
    """A service's healthcheck, from Compose (merged) and from its image."""

    compose: bool | None  # True: an enabled Compose healthcheck with a test; False:
    # disabled (`disable: true`, `test: ["NONE"]`); None: none (or no `test`)
    image: bool | None  # the image's own HEALTHCHECK: True / False (provably none) / None
    image_ref: str | None  # the image the container runs (a local build: its base image)
    build: BuildRef | None
    layers: list[Layer]

    @property
    def enabled(self) -> bool | None:
        """True: the container has a healthcheck; False: provably none; None: unknown."""
        if self.compose is not None:
            return self.compose
        return self.image

    @property
    def declared(self) -> bool:
        """A `healthcheck:` section exists in Compose (enabled or deliberately off)."""
        return any(isinstance(get(la.node, "healthcheck"), MappingNode) for la in self.layers)


@dataclass(frozen=True, slots=True)
class HealthSummary:
    """What checks read of a service's :class:`Health`, as plain values (no node): kept
    between lints (see :mod:`dockwise.compose.incremental`) for a service whose image,
    not a local build, decides it."""

    compose: bool | None
    image: bool | None
    image_ref: str | None
    built: bool  # a local build (its Dockerfile decides `image`)
    published: tuple[str, ...]  # container ports published with `ports:` (none for host network)

    @property
    def enabled(self) -> bool | None:
        """True: the container has a healthcheck; False: provably none; None: unknown."""
        if self.compose is not None:
            return self.compose
        return self.image


def health_summary(project: Project, name: str, read: ReadText | None = None) -> HealthSummary:
    """:func:`service_health` as a :class:`HealthSummary` (kept between lints for a
    service that is not built locally)."""
    from dockwise.compose import incremental

    got = incremental.fact(project.memo, name, "health")
    if got is not incremental.MISSING:
        assert isinstance(got, HealthSummary)
        return got
    h = service_health(project, name, read)
    summary = HealthSummary(h.compose, h.image, h.image_ref, h.build is not None,
                            tuple(published_ports(h.layers)))
    if h.build is None:  # (a build reads its Dockerfile: not a fact about the service alone)
        incremental.remember(project.memo, name, "health", summary)
    return summary


def published_ports(layers: list[Layer]) -> list[str]:
    """Container ports published through `ports:` (none for host-network services)."""
    from dockwise.compose.service import Service, ports

    nm = merged_get(layers, "network_mode")
    if nm is not None and (scalar_text(nm[1]) or "").lower() == "host":
        return []
    out: list[str] = []
    for la in layers:
        if isinstance(la.key, ScalarNode):
            out.extend(p.target for p in ports(Service(la.key.value, la.key, la.node), la.file.text))
    return out


def _compose_health(layers: list[Layer]) -> bool | None:
    state: bool | None = None
    for layer in layers:
        hc = get(layer.node, "healthcheck")
        if not isinstance(hc, MappingNode):
            continue
        dis = get(hc, "disable")
        if isinstance(dis, ScalarNode) and dis.value.lower() == "true" and not dis.style:
            state = False
            continue
        t = get(hc, "test")
        if isinstance(t, SequenceNode) and t.value:
            first = scalar_text(t.value[0]) or ""
            state = first.upper() != "NONE"
        elif isinstance(t, ScalarNode) and scalar_text(t):
            state = True
    return state


def image_repo(image: str | None) -> str:
    """The last path component of an image reference, lower case, without tag or digest
    (`ghcr.io/x/Postgres:16@sha256:…` -> `postgres`); '' for none."""
    if not image:
        return ""
    last = image.split("@", 1)[0].rsplit("/", 1)[-1]
    return last.split(":", 1)[0].lower()


def image_of(layers: list[Layer], env: Mapping[str, str]) -> str | None:
    """The `image:` a service pulls (interpolated), None when unset or unresolved."""
    found = merged_get(layers, "image")
    if found is None:
        return None
    v = value_of(found[0].file, found[1], env)
    if v is None or not v.resolved or not v.text or "$" in v.text:
        return None
    return v.text


def _pulls(layers: list[Layer], build: BuildRef | None) -> bool:
    if build is None:
        return True
    pp = merged_get(layers, "pull_policy")
    return pp is not None and (scalar_text(pp[1]) or "").lower() in ("always", "missing")


def service_health(project: Project, name: str, read: ReadText | None = None) -> Health:
    """What Compose and the image say about a service's healthcheck (memoised per
    project)."""
    memo = _memo(project)
    found = memo.health.get(name)
    if found is None:
        found = memo.health[name] = _service_health(project, name, read)
    return found


def _service_health(project: Project, name: str, read: ReadText | None) -> Health:
    from dockwise.images.catalogue import catalogue

    layers = service_layers(project, name, read)
    build = build_of(name, None, project, read)
    compose = _compose_health(layers)
    image: bool | None = None
    ref: str | None = None
    if build is not None and not _pulls(layers, build):
        image = image_healthcheck(build, read)
        ref = base_image(build, read)
    else:
        ref = image_of(layers, project.env)
        if ref is not None:
            fam = lookups.family(catalogue(), lookups.parsed_reference(ref).canonical)
            if fam is not None and fam.ships_healthcheck is not None:
                image = fam.ships_healthcheck
    return Health(compose, image, ref, build, layers)


def _version_key(text: str) -> tuple[int, ...] | None:
    m = re.match(r"^v?(\d+(?:\.\d+)*)", text)
    return tuple(int(x) for x in m.group(1).split(".")) if m else None


def catalogue_probe(ref: str | None) -> tuple[str | None, str]:
    """(probe, why-not): the catalogue's healthcheck command for an image reference and
    its version (``$$`` already written for container variables)."""
    from dockwise.images.catalogue import catalogue

    if not ref:
        return None, "the image is not known"
    parts = lookups.parsed_reference(ref)
    fam = lookups.family(catalogue(), parts.canonical)
    if fam is None or fam.healthcheck is None or not fam.healthcheck.probe:
        return None, f"the catalogue has no health probe for `{ref}`"
    hc = fam.healthcheck
    if hc.min_version:
        version = fam.pin(parts.tag) if parts.tag is None or fam.is_moving(parts.tag) else parts.tag
        have = _version_key(version or "")
        need = _version_key(hc.min_version)
        if have is None or need is None or have < need:
            return None, (f"the catalogue's probe for `{fam.name}` needs version "
                          f"{hc.min_version} or later")
    return hc.probe, ""


def healthcheck_lines(test: list[str]) -> list[str]:
    """A `healthcheck:` entry (2-space relative lines) running ``test``."""
    import json

    return [
        "healthcheck:",
        "  test: [" + ", ".join(json.dumps(t, ensure_ascii=False) for t in test) + "]",
        "  interval: 10s",
        "  timeout: 5s",
        "  retries: 5",
        "  start_period: 30s",
    ]


def merged_profiles(layers: list[Layer]) -> frozenset[str]:
    """The `profiles` a service ends up with after merging its layers."""
    found = merged_get(layers, "profiles")
    if found is None or not isinstance(found[1], SequenceNode):
        return frozenset()
    layer, node = found
    return frozenset(v for x in node.value if (v := text_of(x, layer.file.text)))
