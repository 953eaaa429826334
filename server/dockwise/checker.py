"""The headless checker behind `dockwise --check`: discovery, linting, fixing, writing.

Never imports pygls or lsprotocol.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from dockwise.config import Settings, settings_for
from dockwise.documents import (
    COMPOSE,
    DOCKERFILE,
    cached_listing,
    compose_files_near,
    is_compose_name,
    is_dockerfile_name,
    looks_like_compose_text,
)
from dockwise.lint.engine import (
    LintResult,
    lint_compose_bytes,
    lint_compose_text,
    lint_dockerfile_bytes,
    lint_dockerfile_text,
)
from dockwise.lint.types import Violation
from dockwise.memory import paused_gc

SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__",
                       ".tox", ".mypy_cache", ".ruff_cache", ".pytest_cache"})


class Job(NamedTuple):
    """One file to check (picklable: `--jobs N` sends it to a worker process)."""

    path: str  # display path
    kind: str
    overrides: dict[str, Any]
    config: str | None = None
    fix: bool = False
    unsafe: bool = False
    diff: bool = False
    data: bytes | None = None  # stdin content
    project_directory: str | None = None


@dataclass(eq=False)
class FileOutcome:
    """What checking (and fixing) one file produced."""

    path: str
    text: str | None
    violations: list[Violation]
    fixed_text: str | None = None  # new content when fixes changed it
    encoding: str = "utf-8"
    created: dict[str, str] = field(default_factory=dict)
    applied: int = 0
    internal_errors: list[str] = field(default_factory=list)
    diff: str = ""
    note: str | None = None


def discover(root: Path, settings_exclude: list[str], base: Path | None) -> Iterator[tuple[Path, str]]:
    """Dockerfiles and Compose files under a directory, in sorted order."""
    spec = None
    if settings_exclude:
        import pathspec

        spec = pathspec.PathSpec.from_lines("gitignore", settings_exclude)
    anchor = base or root
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for name in sorted(filenames):
            p = Path(dirpath) / name
            if spec is not None:
                try:
                    rel = p.resolve().relative_to(anchor.resolve()).as_posix()
                except ValueError:
                    rel = p.as_posix()
                if spec.match_file(rel):
                    continue
            sniff = False
            if is_dockerfile_name(name):
                kind = DOCKERFILE
            elif is_compose_name(name) or name.endswith((".yml", ".yaml")):
                kind, sniff = COMPOSE, not is_compose_name(name)
            else:
                continue
            if _special(p):
                continue  # a FIFO, socket or device: reading it could block for ever
            if sniff and not looks_like_compose(p):
                continue
            yield p, kind
        if spec is not None:
            keep = []
            for d in dirnames:
                try:
                    rel = (Path(dirpath) / d).resolve().relative_to(anchor.resolve()).as_posix()
                except ValueError:
                    rel = d
                if not spec.match_file(rel + "/"):
                    keep.append(d)
            dirnames[:] = keep


def _special(p: Path) -> bool:
    """Not a regular file (nor a link to one, nor a dangling link: that is reported)."""
    import stat

    try:
        return not stat.S_ISREG(p.stat().st_mode)
    except OSError:
        return False


def looks_like_compose(path: Path) -> bool:
    """A YAML file whose top level has `services:` or `include:` (cheap pre-check)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(256 * 1024)
    except OSError:
        return False
    return looks_like_compose_text(head.decode("utf-8", "replace"))


def file_settings(job: Job) -> Settings:
    explicit = Path(job.config) if job.config else None
    base = settings_for(Path(job.path) if job.data is None else Path(job.path).absolute(), explicit)
    ov = dict(job.overrides)
    if "extend_select" in ov:
        ov["extend_select"] = [*base.extend_select, *ov["extend_select"]]
    if "ignore" in ov:
        ov["ignore"] = [*base.ignore, *ov["ignore"]]
    return base.merged(ov)


def run_job(job: Job) -> FileOutcome:
    """Lint (and optionally fix) one file. Never raises for bad input."""
    with paused_gc():
        return _run_job(job)


def _run_job(job: Job) -> FileOutcome:
    settings = file_settings(job)
    path = Path(job.path)
    compose = job.kind == COMPOSE
    try:
        data = job.data if job.data is not None else path.read_bytes()
    except OSError as e:
        from dockwise.lint.engine import decode_failure

        failed = decode_failure(path, f"cannot read this file: {e.strerror or e}",
                                code="DC001" if compose else "DF001")
        return FileOutcome(job.path, None, failed.violations)
    project_dir = Path(job.project_directory) if job.project_directory else None
    df_kw: dict[str, Any] = {}
    if compose:
        from dockwise.compose.project import is_compose_document
        from dockwise.compose.yaml_model import load

        res = lint_compose_bytes(data, path, settings, project_directory=project_dir)
        if (res.text is not None and not res.violations and not is_compose_name(path)
                and not is_compose_document(load(res.text))):
            return FileOutcome(job.path, res.text, [],
                               note="not a Compose file (no top-level `services` or `include`); skipped")
    else:
        # the target stages and named contexts of the Compose builds of this Dockerfile
        # (the Compose machinery is imported only when Compose files are around)
        near = compose_files_near(path, cached_listing)
        if near:
            from dockwise.compose.builds import compose_builds_near

            builds = compose_builds_near(path, compose_files=near)
            df_kw = {"compose_targets": builds.targets, "named_contexts": builds.named_contexts}
        res = _lint_dockerfile_bytes(data, path, settings, df_kw)
    out = FileOutcome(job.path, res.text, res.violations, encoding=res.encoding,
                      internal_errors=res.internal_errors)
    if res.text is None or not (job.fix or job.diff):
        return out

    def lint(t: str) -> list[Violation]:
        if compose:
            return lint_compose_text(t, path, settings, project_directory=project_dir).violations
        return lint_dockerfile_text(t, path, settings, **df_kw).violations

    directory = path.parent

    def can_create(p: str) -> bool:
        return not (directory / p).exists()

    from dockwise.lint.fixes import fix_to_fixpoint  # only with --fix / --diff

    fr = fix_to_fixpoint(res.text, lint, unsafe=job.unsafe, can_create=can_create)
    if fr.text != res.text or fr.created:
        out.applied = fr.applied
        out.violations = fr.remaining
        if fr.text != res.text:
            out.fixed_text = fr.text
            shown_path = job.path.lstrip("/")
            out.diff = unified_diff(res.text, fr.text, f"a/{shown_path}", f"b/{shown_path}")
        for p, content in fr.created.items():
            shown = os.path.join(os.path.dirname(job.path), p)
            out.created[str(directory / p)] = content
            out.diff += unified_diff("", content, "/dev/null", f"b/{shown.lstrip('/')}")
    return out


def _lint_dockerfile_bytes(data: bytes, path: Path, settings: Settings,
                           kw: dict[str, Any]) -> LintResult:
    from dockwise.documents import DecodeError, decode

    try:
        dec = decode(data)
    except DecodeError:
        return lint_dockerfile_bytes(data, path, settings)
    res = lint_dockerfile_text(dec.text, path, settings, **kw)
    res.encoding = dec.encoding
    return res


def unified_diff(a: str, b: str, fromfile: str, tofile: str) -> str:
    """A `diff -u` style patch; a last line without a line break is marked as git does."""
    import difflib

    def lines(t: str) -> list[str]:
        out = t.splitlines(keepends=True)
        if out and not out[-1].endswith(("\n", "\r")):
            out[-1] += "\n\\ No newline at end of file\n"
        return out

    return "".join(difflib.unified_diff(lines(a), lines(b), fromfile=fromfile, tofile=tofile))


def write_atomic(path: Path, text: str, encoding: str) -> None:
    """Replace a file's content atomically, keeping its mode."""
    import tempfile

    data = text.encode(encoding)
    directory = path.parent
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        try:
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        except OSError:
            pass
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
