"""Lint jobs, run in a worker thread: settings resolution (project config < editor), the
Compose context of a Dockerfile, the lint itself, and "fix all" to a fixpoint.

Nothing here imports pygls or lsprotocol; the lint machinery is imported on first use so
that ``initialize`` is answered before it is loaded."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dockwise.documents import COMPOSE, DOCKERFILE

if TYPE_CHECKING:
    from dockwise.config import Settings
    from dockwise.lint.engine import LintResult
    from dockwise.lint.types import Violation


@dataclass(frozen=True, slots=True)
class LintJob:
    uri: str
    path: Path | None
    kind: str
    version: int
    text: str
    open_documents: Mapping[Path, str]
    editor: Mapping[str, Any]  # validated editor settings (camelCase or kebab-case keys)
    editor_epoch: int


@dataclass(slots=True)
class LintOutcome:
    job: LintJob
    violations: list[Violation]
    settings: Settings
    result: LintResult | None
    config_error: str | None = None
    internal_errors: list[str] = field(default_factory=list)
    seq: int = 0  # set when published: a new number per result (the pull resultId)
    diagnostics: list[Any] = field(default_factory=list)  # LSP Diagnostics, made in the worker
    push: bool = True

    @property
    def version(self) -> int:
        return self.job.version


def warm_up() -> None:
    """Import the lint machinery and every rule (run in the background after initialize)."""
    from dockwise.lint import engine  # noqa: F401
    from dockwise.lint.registry import all_rules

    all_rules()


_settings_lock = threading.Lock()
_settings_memo: dict[tuple[Any, ...], Settings] = {}


def _stamp(path: Path | None) -> tuple[int, int]:
    if path is None:
        return (0, 0)
    try:
        st = path.stat()
    except OSError:
        return (0, 0)
    return (st.st_mtime_ns, st.st_size)


def validate_editor(mapping: Mapping[str, Any]) -> str | None:
    """The message of the first invalid editor setting, or None."""
    from dockwise.config import ConfigError, settings_from_mapping

    try:
        settings_from_mapping(dict(mapping), "editor settings (dockwise)")
    except ConfigError as e:
        return str(e)
    return None


def effective_settings(path: Path | None, editor: Mapping[str, Any],
                       epoch: int) -> tuple[Settings, str | None]:
    """Defaults < project config file < editor settings. An invalid project config gives
    its message and the defaults (with the editor's settings)."""
    from dockwise.config import ConfigError, Settings, settings_for, settings_from_mapping

    error: str | None = None
    try:
        base = settings_for(path)
    except ConfigError as e:
        base, error = Settings(), str(e)
    key = (epoch, base.config_path, _stamp(base.config_path), tuple(base.hadolint_ignored), error)
    with _settings_lock:
        hit = _settings_memo.get(key)
    if hit is not None:
        return hit, error
    try:
        merged = settings_from_mapping(dict(editor), "editor settings (dockwise)", base=base)
    except ConfigError as e:  # validated before; a project value may still clash
        merged, error = base, str(e)
    with _settings_lock:
        if len(_settings_memo) > 64:
            _settings_memo.clear()
        _settings_memo[key] = merged
    return merged, error


def dockerfile_kwargs(path: Path | None, open_documents: Mapping[Path, str]) -> dict[str, Any]:
    """`compose_targets` / `named_contexts` for a Dockerfile from the Compose files near
    it (their unsaved buffers when open)."""
    if path is None:
        return {}
    from dockwise.documents import compose_files_near

    near = compose_files_near(path)
    if not near:
        return {}
    from dockwise.compose.builds import compose_builds_near

    wanted = {p.resolve() for p in near}
    buffers = {p: t for p, t in open_documents.items() if p in wanted}
    # no Compose buffer open: let the Compose side use its on-disk caches
    builds = compose_builds_near(path, buffers or None, compose_files=near)
    return {"compose_targets": builds.targets, "named_contexts": builds.named_contexts}


def _linter(job: LintJob, settings: Settings) -> Callable[[str], LintResult]:
    from dockwise.lint.engine import lint_compose_text, lint_dockerfile_text

    if job.kind == COMPOSE:
        def lint_compose(text: str) -> LintResult:
            return lint_compose_text(text, job.path, settings, open_documents=job.open_documents)

        return lint_compose
    kw = dockerfile_kwargs(job.path, job.open_documents)

    def lint_dockerfile(text: str) -> LintResult:
        return lint_dockerfile_text(text, job.path, settings, incremental=True, **kw)

    return lint_dockerfile


def run_lint(job: LintJob) -> LintOutcome:
    settings, error = effective_settings(job.path, job.editor, job.editor_epoch)
    if job.kind not in (DOCKERFILE, COMPOSE):
        return LintOutcome(job, [], settings, None, error)
    res = _linter(job, settings)(job.text)
    return LintOutcome(job, res.violations, settings, res, error, list(res.internal_errors))


def fix_all(job: LintJob) -> str:
    """The text with every safe fix applied, to a fixpoint (same-file edits only)."""
    from dockwise.lint.fixes import fix_to_fixpoint

    settings, _ = effective_settings(job.path, job.editor, job.editor_epoch)
    lint = _linter(job, settings)
    return fix_to_fixpoint(job.text, lambda t: lint(t).violations, unsafe=False,
                           can_create=lambda p: False).text


def compose_dependants(dockerfile: Path, open_compose: list[Path]) -> list[Path]:
    """Open Compose files that may build a Dockerfile: those the Dockerfile's own checks
    read (its directory and the ones above it)."""
    from dockwise.documents import compose_files_near

    near = {p.resolve() for p in compose_files_near(dockerfile)}
    return [c for c in open_compose if c in near]


def dockerfile_dependants(compose: Path, open_dockerfiles: list[Path]) -> list[Path]:
    """Open Dockerfiles whose checks read this Compose file."""
    out = []
    top = compose.parent
    for d in open_dockerfiles:
        try:
            d.relative_to(top)
        except ValueError:
            continue
        if compose in compose_dependants(d, [compose]):
            out.append(d)
    return out

