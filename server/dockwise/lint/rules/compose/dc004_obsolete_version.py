"""
## What it does
Reports the top-level `version:` key.

## Why is this bad?
Compose v2 implements the Compose Specification, which has no file-format version: it
ignores `version:` and warns on every run (`the attribute `version` is obsolete, it will be
ignored`). The key suggests features are gated by it when they are not.

## Example
```yaml
version: "3.8"   # obsolete
services:
  web:
    image: nginx:1.27
```

## Fix safety
Safe: the fix deletes the `version:` line (comments on other lines are kept); Compose v2
reads the file the same way.

Old `docker stack deploy` (Swarm) still requires `version:`: with `compose-target =
"swarm"` in the config this rule is turned off.
"""

from __future__ import annotations

from dockwise.compose.edits import delete_entry
from dockwise.compose.yaml_model import MappingNode, ScalarNode
from dockwise.lint.engine import ComposeContext
from dockwise.lint.registry import rule
from dockwise.lint.types import Applicability, Fix, FixAvailability, Severity


@rule(code="DC004", name="obsolete-version", severity=Severity.INFORMATION,
      fix=FixAvailability.SOMETIMES)
def check(ctx: ComposeContext) -> None:
    root = ctx.root
    if not isinstance(root, MappingNode):
        return
    for k, v in root.value:
        if not (isinstance(k, ScalarNode) and k.value == "version"):
            continue
        fix = None
        if not root.flow_style:
            fix = Fix("Delete the obsolete `version:`", (delete_entry(ctx.doc, k, v),),
                      Applicability.SAFE)
        msg = "`version` is obsolete: Compose v2 ignores it (and warns)"
        if fix is None:
            msg += "; no fix for a flow-style (`{…}`) top-level mapping"
        ctx.report(k, msg, fix=fix)
