"""Default text output: `path:line:col: CODE [severity] message`, source line and caret."""

from __future__ import annotations

from dockwise.lint.types import Applicability
from dockwise.output import Finding


def render_one(f: Finding) -> str:
    v = f.violation
    line, col = f.start
    out = [f"{f.path}:{line}:{col}: {v.code} [{v.severity.label}] {v.message}"]
    if f.index is not None:
        src = f.index.line_text(line - 1).replace("\t", " ")
        eline, ecol = f.end
        width = (ecol - col) if eline == line else max(1, len(src) - col + 1)
        out.append(f"  {src}")
        out.append("  " + " " * (col - 1) + "^" * max(1, width))
    if v.fix is not None:
        tag = {Applicability.SAFE: "fix", Applicability.UNSAFE: "unsafe fix",
               Applicability.DISPLAY: "suggestion"}[v.fix.applicability]
        out.append(f"  = {tag}: {v.fix.title}")
    return "\n".join(out)


def render(findings: list[Finding]) -> str:
    if not findings:
        return ""
    return "\n".join(render_one(f) for f in findings) + "\n"
