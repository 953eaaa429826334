"""`--format checkstyle`: Checkstyle XML."""

from __future__ import annotations

from itertools import groupby
from xml.sax.saxutils import quoteattr

from dockwise.output import Finding

_SEV = {"error": "error", "warning": "warning", "information": "info"}


def render(findings: list[Finding]) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<checkstyle version="4.3">']
    for path, group in groupby(findings, key=lambda f: f.path):
        out.append(f"  <file name={quoteattr(path)}>")
        for f in group:
            v = f.violation
            line, col = f.start
            out.append(
                f"    <error line=\"{line}\" column=\"{col}\" severity=\"{_SEV[v.severity.label]}\" "
                f"message={quoteattr(v.message)} source={quoteattr('dockwise.' + v.code)}/>"
            )
        out.append("  </file>")
    out.append("</checkstyle>")
    return "\n".join(out) + "\n"
