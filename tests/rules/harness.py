"""Shared helpers for rule fixture tests."""

from __future__ import annotations

import difflib
import tomllib
from pathlib import Path

from dockwise.config import Settings, settings_from_mapping
from dockwise.lint.engine import lint_compose_text, lint_dockerfile_text
from dockwise.lint.fixes import apply_edits, fix_to_fixpoint
from dockwise.lint.types import Applicability, Violation
from dockwise.output import Finding
from dockwise.output.text import render_one
from dockwise.text import LineIndex

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"


COMPOSE_MAIN = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")


def is_compose_case(path: Path) -> bool:
    return path.suffix in (".yaml", ".yml")


def case_name(path: Path) -> str:
    """Fixture name: the file name, or the folder name for a multi-file case."""
    return path.parent.name if path.parent.parent.parent == FIXTURES else path.name


def fixture_cases() -> list[tuple[str, Path]]:
    """(code, main file) per case: `<CODE>/<case>.Dockerfile|.yaml`, or a folder
    `<CODE>/<case>/` holding a `Dockerfile` or a Compose file (plus whatever it needs)."""
    cases = []
    for d in sorted(FIXTURES.iterdir()):
        if not d.is_dir():
            continue
        for f in sorted(d.iterdir()):
            if f.is_dir():
                main = next((f / n for n in (*COMPOSE_MAIN, "Dockerfile") if (f / n).is_file()), None)
                if main is not None:
                    cases.append((d.name, main))
            elif f.suffix != ".toml" and f.is_file():
                cases.append((d.name, f))
    return cases


def settings_for_case(code: str, path: Path) -> Settings:
    side = path.with_suffix(path.suffix + ".toml") if path.suffix else path.with_name(path.name + ".toml")
    base: dict[str, object] = {"select": [code]}
    if side.exists():
        base.update(tomllib.loads(side.read_text(encoding="utf-8")))
        sel = base.get("select")
        if isinstance(sel, list) and code not in sel:
            sel.append(code)
    return settings_from_mapping(base, str(side))


def lint(text: str, path: Path, settings: Settings, code: str) -> list[Violation]:
    if is_compose_case(path):
        res = lint_compose_text(text, path, settings)
    else:
        res = lint_dockerfile_text(text, path, settings)
    assert not res.internal_errors, res.internal_errors
    return [v for v in res.violations if v.code == code]


def snapshot_text(code: str, path: Path, text: str, found: list[Violation]) -> str:
    idx = LineIndex(text)
    out = []
    for v in found:
        out.append(render_one(Finding(case_name(path), v, idx)))
        if v.fix is not None and v.fix.applicability is not Applicability.DISPLAY:
            own = [e for e in v.fix.edits if e.path is None]
            fixed = apply_edits(text, own)
            diff = "".join(difflib.unified_diff(
                text.splitlines(keepends=True), fixed.splitlines(keepends=True),
                fromfile="before", tofile="after", n=1))
            out.append(diff.rstrip("\n"))
            for e in v.fix.edits:
                if e.path is not None:
                    out.append(f"+++ creates {e.path}\n{e.new_text.rstrip()}")
        elif v.fix is not None:
            out.append("suggestion:\n" + "\n".join(e.new_text for e in v.fix.edits))
    return "\n".join(out) + "\n"


def fixed_to_fixpoint(text: str, path: Path, settings: Settings, code: str) -> str:
    def only(t: str) -> list[Violation]:
        return lint(t, path, settings, code)

    res = fix_to_fixpoint(text, only, unsafe=True)
    assert res.converged, f"{path}: fixes of {code} did not converge"
    return res.text
