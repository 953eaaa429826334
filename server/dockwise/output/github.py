"""`--format github`: GitHub Actions workflow annotations."""

from __future__ import annotations

from dockwise.output import Finding

_LEVEL = {"error": "error", "warning": "warning", "information": "notice"}


def _esc_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _esc_prop(s: str) -> str:
    return _esc_data(s).replace(":", "%3A").replace(",", "%2C")


def render(findings: list[Finding]) -> str:
    lines = []
    for f in findings:
        v = f.violation
        (l1, c1), (l2, c2) = f.start, f.end
        props = (f"file={_esc_prop(f.path)},line={l1},col={c1},endLine={l2},endColumn={c2},"
                 f"title={_esc_prop(f'{v.code} {v.name}')}")
        lines.append(f"::{_LEVEL[v.severity.label]} {props}::{_esc_data(v.message)}")
    return "".join(line + "\n" for line in lines)
