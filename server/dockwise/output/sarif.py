"""`--format sarif`: SARIF 2.1.0 for code-scanning upload."""

from __future__ import annotations

import json
from typing import Any

from dockwise import __version__
from dockwise.lint.registry import all_rules
from dockwise.output import Finding

_LEVEL = {"error": "error", "warning": "warning", "information": "note"}
DOCS_URL = "https://github.com/dockwise/dockwise/blob/main/docs/rules/{code}.md"


def _region(f: Finding, start: tuple[int, int], end: tuple[int, int]) -> dict[str, int]:
    return {"startLine": start[0], "startColumn": start[1], "endLine": end[0], "endColumn": end[1]}


def render(findings: list[Finding]) -> str:
    rules = all_rules()
    used = sorted({f.violation.code for f in findings})
    index = {c: i for i, c in enumerate(used)}
    descriptors = []
    for code in used:
        meta = rules[code].meta if code in rules else None
        descriptors.append({
            "id": code,
            "name": meta.name if meta else code,
            "shortDescription": {"text": meta.summary if meta else code},
            "helpUri": DOCS_URL.format(code=code),
            "defaultConfiguration": {"level": _LEVEL[meta.severity.label] if meta else "warning"},
        })
    results: list[dict[str, Any]] = []
    for f in findings:
        v = f.violation
        res: dict[str, Any] = {
            "ruleId": v.code,
            "ruleIndex": index[v.code],
            "level": _LEVEL[v.severity.label],
            "message": {"text": v.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": f.path.replace("\\", "/")},
                "region": _region(f, f.start, f.end),
            }}],
        }
        if v.fix is not None and v.fix.edits:
            changes: dict[str, list[dict[str, Any]]] = {}
            for e in v.fix.edits:
                s, en = f.edit_range(e)
                changes.setdefault(f.edit_path(e), []).append({
                    "deletedRegion": _region(f, s, en),
                    "insertedContent": {"text": e.new_text},
                })
            res["fixes"] = [{
                "description": {"text": f"{v.fix.title} ({v.fix.applicability.value})"},
                "artifactChanges": [
                    {"artifactLocation": {"uri": p.replace("\\", "/")}, "replacements": r}
                    for p, r in changes.items()
                ],
            }]
        results.append(res)
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "dockwise",
                "version": __version__,
                "informationUri": "https://github.com/dockwise/dockwise",
                "rules": descriptors,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
