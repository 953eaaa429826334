"""`--format json`: the stable contract of product.md §3."""

from __future__ import annotations

import json
from typing import Any

from dockwise.output import Finding


def _pos(p: tuple[int, int]) -> dict[str, int]:
    return {"line": p[0], "column": p[1]}


def finding_dict(f: Finding) -> dict[str, Any]:
    v = f.violation
    fix: dict[str, Any] | None = None
    if v.fix is not None:
        edits = []
        for e in v.fix.edits:
            start, end = f.edit_range(e)
            edits.append({"path": f.edit_path(e),
                          "range": {"start": _pos(start), "end": _pos(end)},
                          "new_text": e.new_text})
        fix = {"applicability": v.fix.applicability.value, "title": v.fix.title, "edits": edits}
    return {
        "path": f.path,
        "code": v.code,
        "name": v.name,
        "severity": v.severity.label,
        "message": v.message,
        "range": {"start": _pos(f.start), "end": _pos(f.end)},
        "fix": fix,
    }


def render(findings: list[Finding]) -> str:
    return json.dumps([finding_dict(f) for f in findings], indent=2, ensure_ascii=False) + "\n"
