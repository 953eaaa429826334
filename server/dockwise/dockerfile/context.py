"""The build context on disk: its directory, the effective `.dockerignore`, project facts.

Shared by the context-dependent Dockerfile rules (DF101, DF106, DF107, DF109, DF111).

* The context directory is the Dockerfile's directory unless a caller (Compose, Bake; a
  later issue) says otherwise: set ``build_context`` on the rule context (an attribute
  that :func:`context_dir` reads with ``getattr``), or pass ``override``.
* ``.dockerignore`` follows Docker's rules (moby ``patternmatcher``), not gitignore's:
  every pattern is anchored at the context root (after ``filepath.Clean`` and dropping a
  leading ``/``), ``*`` and ``?`` never cross ``/``, ``**`` matches any number of
  directories, ``!`` re-includes, the last matching pattern wins, and a pattern that
  matches a parent directory excludes everything below it.
* ``<Dockerfile>.dockerignore`` next to the Dockerfile *replaces* ``<context>/.dockerignore``.
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from dockwise.dockerfile.model import Instruction, JsonElement, Word
from dockwise.documents import resolved

MAX_READ = 1 << 20  # bytes read from a manifest / ignore file
MAX_WALK = 5000  # directory entries visited when looking inside a copied directory


def context_dir(ctx: Any, override: Path | str | None = None) -> Path | None:
    """The build context directory of the linted Dockerfile (None when unknown).

    ``override`` (or a ``build_context`` attribute on ``ctx``, set by Compose/Bake
    integration) wins; else the Dockerfile's directory."""
    over = override if override is not None else getattr(ctx, "build_context", None)
    if over is not None:
        return Path(over)
    path = getattr(ctx, "path", None)
    if path is None:
        return None
    return resolved(Path(path)).parent


def context_is_default(ctx: Any) -> bool:
    """True when the context is only assumed (the Dockerfile's directory)."""
    return getattr(ctx, "build_context", None) is None


def read_text(path: Path, limit: int = MAX_READ) -> str | None:
    """A small text file's content, or None when unreadable/missing."""
    try:
        if not path.is_file():
            return None
        with path.open("rb") as fh:
            data = fh.read(limit)
        return data.decode("utf-8", errors="replace")
    except OSError:
        return None


# -- .dockerignore ---------------------------------------------------------------------

class IgnorePattern(NamedTuple):
    """One pattern line of a `.dockerignore`."""

    text: str  # the line as written (stripped)
    cleaned: str  # cleaned pattern, no `!`
    exclusion: bool  # a `!` re-include
    line: int  # 1-based line number
    regex: re.Pattern[str]

    def match(self, rel: str) -> bool:
        return self.regex.match(rel) is not None


def _clean(p: str) -> str:
    p = posixpath.normpath(p.replace("\\", "/")) if p else "."
    if p.startswith("//"):
        p = "/" + p.lstrip("/")
    if len(p) > 1 and p.startswith("/"):
        p = p[1:]
    return p


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """Docker's pattern → regex (moby patternmatcher ``compile``)."""
    out = ["^"]
    i = 0
    n = len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "*":
            if i + 1 < n and pattern[i + 1] == "*":
                i += 2
                if i < n and pattern[i] == "/":
                    i += 1
                if i >= n:
                    out.append(".*")
                else:
                    out.append("(.*/)?")
                continue
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "\\":
            if i + 1 < n:
                i += 1
                out.append(re.escape(pattern[i]))
            else:
                out.append(re.escape("\\"))
        elif ch == "[":
            j = pattern.find("]", i + 1)
            if j < 0:
                out.append(re.escape(ch))
            else:
                body = pattern[i + 1 : j]
                if body.startswith("^") or body.startswith("!"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = j
        else:
            out.append(re.escape(ch))
        i += 1
    out.append("$")
    try:
        return re.compile("".join(out), re.S)
    except re.error:
        return re.compile(re.escape(pattern) + "$")


@dataclass(slots=True, eq=False)
class DockerIgnore:
    """A parsed ignore file."""

    path: Path | None
    patterns: list[IgnorePattern] = field(default_factory=list)

    @classmethod
    def parse(cls, text: str, path: Path | None = None) -> DockerIgnore:
        pats: list[IgnorePattern] = []
        for no, raw in enumerate(text.splitlines(), 1):
            if raw.startswith("#"):
                continue
            line = raw.strip()
            if not line:
                continue
            excl = False
            body = line
            if body.startswith("!"):
                excl = True
                body = body[1:].strip()
                if not body:
                    continue
            cleaned = _clean(body)
            pats.append(IgnorePattern(line, cleaned, excl, no, compile_pattern(cleaned)))
        return cls(path, pats)

    @property
    def has_negation(self) -> bool:
        return any(p.exclusion for p in self.patterns)

    def matching(self, rel: str) -> IgnorePattern | None:
        """The pattern deciding that ``rel`` (context-relative) is excluded, else None."""
        rel = _clean(rel)
        if rel in (".", ""):
            return None
        parents = rel.split("/")
        decided: IgnorePattern | None = None
        for p in self.patterns:
            if p.exclusion != (decided is not None):
                continue
            hit = p.match(rel)
            if not hit and len(parents) > 1:
                for k in range(1, len(parents)):
                    if p.match("/".join(parents[:k])):
                        hit = True
                        break
            if hit:
                decided = None if p.exclusion else p
        return decided

    def excluded(self, rel: str) -> bool:
        return self.matching(rel) is not None


def ignore_file(ctx_dir: Path, dockerfile: Path | None) -> Path | None:
    """The effective ignore file: `<Dockerfile>.dockerignore` replaces `<context>/.dockerignore`."""
    if dockerfile is not None:
        own = dockerfile.parent / (dockerfile.name + ".dockerignore")
        if own.is_file():
            return own
    common = ctx_dir / ".dockerignore"
    return common if common.is_file() else None


def load_ignore(ctx_dir: Path, dockerfile: Path | None) -> DockerIgnore | None:
    f = ignore_file(ctx_dir, dockerfile)
    if f is None:
        return None
    text = read_text(f)
    if text is None:
        return None
    return DockerIgnore.parse(text, f)


# -- sources of COPY/ADD ------------------------------------------------------------------

def is_remote(src: str) -> bool:
    s = src.lower()
    return "://" in s or s.startswith("git@") or s.startswith("github.com/")


def clean_source(src: str) -> str | None:
    """A context-relative source path (None when it leaves the context or uses variables)."""
    if "$" in src or not src:
        return None
    p = _clean(src)
    if p == ".." or p.startswith("../"):
        return None
    return p


def has_glob(s: str) -> bool:
    return any(c in s for c in "*?[")


# -- magic bytes ----------------------------------------------------------------------

_MAGIC = (
    b"\x1f\x8b",  # gzip
    b"BZh",  # bzip2
    b"\xfd7zXZ\x00",  # xz
    b"\x28\xb5\x2f\xfd",  # zstd
    b"\x5d\x00\x00",  # lzma
)


def is_archive_file(path: Path) -> bool | None:
    """Whether ADD would unpack this local file (tar / compressed); None when unreadable."""
    try:
        with path.open("rb") as fh:
            head = fh.read(512)
    except OSError:
        return None
    if any(head.startswith(m) for m in _MAGIC):
        return True
    return len(head) >= 262 and head[257:262] == b"ustar"


# -- project facts --------------------------------------------------------------------

# compiled on first use (by `re`'s cache): most lints never look at project metadata
_SCM = (r"setuptools[-_]scm|use_scm_version|versioneer|hatch[-_]vcs|setuptools[-_]git[-_]versioning"
        r"|poetry[-_]dynamic[-_]versioning|dunamai|pdm[-_]backend.*scm|source\s*=\s*[\"']scm[\"']")


def uses_scm_version(ctx_dir: Path) -> str | None:
    """The file that makes the project read its version from git (setuptools-scm,
    versioneer, hatch-vcs, …), or None."""
    if (ctx_dir / "versioneer.py").is_file():
        return "versioneer.py"
    for name in ("pyproject.toml", "setup.cfg", "setup.py"):
        text = read_text(ctx_dir / name)
        if text is not None and re.search(_SCM, text, re.I):
            return name
    return None


def walk_files(root: Path, ctx_dir: Path, ignore: DockerIgnore | None,
               limit: int = MAX_WALK) -> list[str]:
    """Context-relative paths of the files under ``root`` that the ignore file keeps
    (bounded to ``limit`` entries; directories excluded without `!` patterns are pruned)."""
    out: list[str] = []
    seen = 0
    prune = ignore is not None and not ignore.has_negation
    base = _clean(os.path.relpath(root, ctx_dir).replace(os.sep, "/"))
    stack: list[tuple[str, str]] = [(str(root), "" if base == "." else base)]
    while stack and seen <= limit:
        directory, rel = stack.pop()
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name, reverse=True)
        except OSError:
            continue
        for e in entries:
            seen += 1
            r = f"{rel}/{e.name}" if rel else e.name
            try:
                is_dir = e.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                if prune and ignore is not None and ignore.excluded(r):
                    continue
                stack.append((e.path, r))
            elif ignore is None or not ignore.excluded(r):
                out.append(r)
    out.sort()
    return out


def copy_sources(ins: Instruction) -> list[JsonElement] | list[Word]:
    """The source arguments of a COPY/ADD (all but the destination), from the JSON or the
    shell form: each has a ``value`` and a ``span`` (computed when asked for)."""
    els = ins.exec_form
    if els is not None:
        return els[:-1] if len(els) >= 2 else []
    words = ins.words
    return words[:-1] if len(words) >= 2 else []
