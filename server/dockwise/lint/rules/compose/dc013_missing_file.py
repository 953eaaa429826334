"""
## What it does
Reports a relative path that does not exist: a service's `env_file` (unless the entry says
`required: false`), a top-level `secrets.*.file` or `configs.*.file`, an `extends.file`,
or an `include` path.

`env_file`, `secrets` and `configs` paths resolve against the project directory;
`extends.file` and `include` against the directory of the file that names them.

## Why is this bad?
`docker compose` refuses the project (`env file /app/.env.local not found`, `open
…/common.yaml: no such file or directory`) — typically a file that is git-ignored, not
created yet, or named relative to the wrong directory.

## Example
```yaml
include:
  - ./monitoring/compose.yaml    # does not exist
services:
  web:
    image: nginx:1.27
    env_file: .env.local         # does not exist
```

## Fix safety
No automatic fix.

Decisions: only relative paths are checked (an absolute path names the deploying machine,
not the repository); paths with interpolation are resolved with the project `.env` and
skipped when that is not enough; nothing is checked for a file without a path (stdin
without `--stdin-filename`). The editor's unsaved buffers count as existing files.
"""

from __future__ import annotations

from pathlib import Path

from dockwise.compose import interpolation
from dockwise.compose.service import text_of
from dockwise.compose.yaml_model import (
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    get,
    mapping_items,
)
from dockwise.lint.engine import ComposeContext
from dockwise.lint.registry import rule
from dockwise.lint.types import Severity


def _exists(ctx: ComposeContext, p: Path) -> bool:
    if ctx.open_documents is not None and p.resolve() in ctx.open_documents:
        return True
    return p.exists()


@rule(code="DC013", name="missing-file", severity=Severity.ERROR)
def check(ctx: ComposeContext) -> None:
    if ctx.root is None or ctx.path is None:
        return
    project_dir: Path = ctx.project.directory
    own_dir = ctx.path.parent
    env: dict[str, str] = ctx.project.env

    def check_path(node: Node | None, base: Path, what: str) -> None:
        rel = "the project directory" if base is project_dir else "this file's directory"
        raw = text_of(node, ctx.text)
        if node is None or not raw:
            return
        if "$" in raw:
            parsed = interpolation.parse(raw)
            if parsed.problems:
                return
            sub = interpolation.substitute(raw, env, parsed)
            if sub.missing or sub.required_errors:
                return
            raw = sub.value
        if raw.startswith(("/", "~", "\\")) or raw[1:3] in (":\\", ":/") or "://" in raw:
            return
        p = base / raw
        if not _exists(ctx, p):
            ctx.report(node, f"{what} `{raw}` does not exist (relative to {rel}): Compose "
                       "refuses the project")

    # include: short strings, long `path` (string or list)
    inc = get(ctx.root, "include")
    if isinstance(inc, SequenceNode):
        for item in inc.value:
            if isinstance(item, ScalarNode):
                check_path(item, own_dir, "included file")
            elif isinstance(item, MappingNode):
                p = get(item, "path")
                for n in p.value if isinstance(p, SequenceNode) else [p]:
                    check_path(n, own_dir, "included file")
    for svc in ctx.services:
        ef = svc.get("env_file")
        for n in ef.value if isinstance(ef, SequenceNode) else [ef]:
            if isinstance(n, MappingNode):
                req = get(n, "required")
                if isinstance(req, ScalarNode) and text_of(req, ctx.text) == "false":
                    continue
                check_path(get(n, "path"), project_dir, "`env_file`")
            elif isinstance(n, ScalarNode):
                check_path(n, project_dir, "`env_file`")
        ext = svc.get("extends")
        if isinstance(ext, MappingNode):
            check_path(get(ext, "file"), own_dir, "`extends.file`")
    for section in ("secrets", "configs"):
        sec = get(ctx.root, section)
        if not isinstance(sec, MappingNode):
            continue
        for k, v in mapping_items(sec):
            if isinstance(k, ScalarNode):
                check_path(get(v, "file"), project_dir, f"`{section}.{k.value}.file`")
