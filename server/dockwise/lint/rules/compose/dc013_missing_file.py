"""
## What it does
Reports a relative path that does not exist: a service's `env_file` (unless the entry says
`required: false`), a top-level `secrets.*.file` or `configs.*.file`, an `extends.file`,
or an `include` path.

`env_file`, `secrets` and `configs` paths resolve against the project directory;
`extends.file` and `include` against the directory of the file that names them.

## Why is this bad?
For `env_file`, `extends.file` and `include`, `docker compose` refuses the project (`env
file /app/.env.local not found`, `open …/common.yaml: no such file or directory`). A
missing `secrets.*.file` or `configs.*.file` is accepted when the project loads (`docker
compose config` succeeds): `docker compose up` fails when it creates a service that uses
that secret or config (the message names them, or says that no service uses it yet). Either
way it is typically a file that is git-ignored, not created yet, or named relative to the
wrong directory.

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
    compose_bool,
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

    def check_path(node: Node | None, base: Path, what: str,
                   effect: str = "Compose refuses the project") -> None:
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
            ctx.report(node, f"{what} `{raw}` does not exist (relative to {rel}): {effect}")

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
        profiles = svc.get("profiles")
        in_profiles = [text_of(x, ctx.text) for x in profiles.value] if isinstance(
            profiles, SequenceNode) else []
        # a service in profiles is loaded only when one of them is enabled
        effect = ("Compose refuses the project" if not in_profiles else
                  "Compose refuses the project when the service's profile is enabled ("
                  + ", ".join(f"`--profile {n}`" for n in in_profiles if n) + ")")
        for n in ef.value if isinstance(ef, SequenceNode) else [ef]:
            if isinstance(n, MappingNode):
                if compose_bool(get(n, "required"), ctx.text) is False:
                    continue
                check_path(get(n, "path"), project_dir, "`env_file`", effect)
            elif isinstance(n, ScalarNode):
                check_path(n, project_dir, "`env_file`", effect)
        ext = svc.get("extends")
        if isinstance(ext, MappingNode):
            check_path(get(ext, "file"), own_dir, "`extends.file`")
    for section in ("secrets", "configs"):
        sec = get(ctx.root, section)
        if not isinstance(sec, MappingNode):
            continue
        users: dict[str, list[str]] | None = None
        for k, v in mapping_items(sec):
            if not isinstance(k, ScalarNode) or get(v, "file") is None:
                continue
            if users is None:
                users = _users(ctx, section)
            who = users.get(k.value, [])
            kind = section[:-1]
            if who:
                names = ", ".join(f"`{n}`" for n in who[:3]) + (", …" if len(who) > 3 else "")
                effect = (f"`docker compose up` fails for the service(s) that use this {kind} "
                          f"({names}), although the project loads (`docker compose config` "
                          "succeeds)")
            else:
                effect = (f"no service uses this {kind} yet, but `docker compose up` fails for "
                          "one that does (the project loads: `docker compose config` does not "
                          "check it)")
            check_path(get(v, "file"), project_dir, f"`{section}.{k.value}.file`", effect)


def _users(ctx: ComposeContext, section: str) -> dict[str, list[str]]:
    """Secret/config name -> services of the project that use it (their own `secrets:` /
    `configs:` list, short or long syntax, or `build.secrets`)."""
    out: dict[str, list[str]] = {}
    for name, entries in ctx.project.sections("services").items():
        for f, _, node in entries:
            lists = [get(node, section)]
            if section == "secrets":
                lists.append(get(get(node, "build"), "secrets"))
            for seq in lists:
                if not isinstance(seq, SequenceNode):
                    continue
                for item in seq.value:
                    src = get(item, "source") if isinstance(item, MappingNode) else item
                    used = text_of(src, f.text)
                    if used and name not in out.setdefault(used, []):
                        out[used].append(name)
    return out
