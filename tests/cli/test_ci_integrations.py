"""The CI integrations documented in docs/ci.md and .pre-commit-hooks.yaml: every
`dockwise` command they show runs and produces valid output (SARIF checked against the
SARIF 2.1.0 rules written below from the specification's facts)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "ci.md"
EXAMPLES = ROOT / "examples"

# SARIF 2.1.0 (OASIS), the parts a code-scanning upload relies on.
_REGION = {"type": "object", "properties": {
    k: {"type": "integer", "minimum": 1} for k in ("startLine", "startColumn", "endLine", "endColumn")},
    "required": ["startLine"]}
SARIF_SCHEMA = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "version": {"const": "2.1.0"},
        "$schema": {"type": "string"},
        "runs": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["tool"],
            "properties": {
                "tool": {"type": "object", "required": ["driver"], "properties": {
                    "driver": {"type": "object", "required": ["name"], "properties": {
                        "name": {"type": "string"},
                        "rules": {"type": "array", "items": {
                            "type": "object", "required": ["id"],
                            "properties": {"id": {"type": "string"},
                                           "helpUri": {"type": "string", "format": "uri"}}}}}}}},
                "columnKind": {"enum": ["utf16CodeUnits", "unicodeCodePoints"]},
                "results": {"type": "array", "items": {
                    "type": "object", "required": ["message"],
                    "properties": {
                        "ruleId": {"type": "string"},
                        "ruleIndex": {"type": "integer", "minimum": 0},
                        "level": {"enum": ["none", "note", "warning", "error"]},
                        "message": {"type": "object", "required": ["text"]},
                        "locations": {"type": "array", "items": {"type": "object", "properties": {
                            "physicalLocation": {"type": "object", "required": ["artifactLocation"],
                                                 "properties": {"region": _REGION}}}}},
                    }}},
            }}},
    },
}


def documented_commands() -> list[str]:
    text = DOCS.read_text(encoding="utf-8")
    cmds = re.findall(r"(?:run:|-)\s+(dockwise --check[^\n>|]*)", text)
    assert cmds, "docs/ci.md shows no dockwise command"
    return [c.strip().removesuffix("|| true").strip() for c in cmds]


@pytest.mark.parametrize("cmd", documented_commands())
def test_documented_command_runs(cmd: str) -> None:
    args = cmd.split()[1:]
    args = [str(EXAMPLES) if a == "." else a for a in args]
    p = subprocess.run([sys.executable, "-m", "dockwise", *args], capture_output=True,
                       text=True, timeout=120)
    assert p.returncode in (0, 1), p.stderr
    assert "Traceback" not in p.stderr
    if "sarif" in args:
        doc = json.loads(p.stdout)
        jsonschema.validate(doc, SARIF_SCHEMA)
        assert doc["runs"][0]["results"], "examples/ produce findings"
    elif "github" in args:
        lines = [x for x in p.stdout.splitlines() if x]
        assert lines and all(re.match(r"::(error|warning|notice) file=.+,line=\d+,col=\d+", x)
                             for x in lines)
    else:
        assert "examples" in p.stdout


def test_pre_commit_hook() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "dockwise")
    files = re.compile(hook["files"])
    for name in ("Dockerfile", "svc/Dockerfile.dev", "app.dockerfile", "Containerfile",
                 "compose.yaml", "deploy/docker-compose.prod.yml"):
        assert files.search(name), name
    for name in ("README.md", "values.yaml", "Dockerfile.md/x.txt"):
        assert not files.search(name), name
    target = EXAMPLES / "python-api" / "Dockerfile"
    entry = hook["entry"].split()
    assert entry[0] == "dockwise"
    p = subprocess.run([sys.executable, "-m", "dockwise", *entry[1:], str(target)],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 1 and "DF202" in p.stdout
