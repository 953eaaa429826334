"""
## What it does
Reports what the Compose Specification rejects, checked against dockwise's own schema
(`schemas/compose.schema.json`): unknown keys (with "did you mean", and a hint when a
service attribute sits at the wrong level), wrong types, values outside an enum,
malformed durations and byte sizes. Also: YAML that does not parse (at the failing
position), YAML tags other than `!reset`, `!override`, `!!merge` and the standard ones,
a `<<` merge whose value is not a mapping or a sequence of mappings (`<<: *env` where
`&env` is a list: go-yaml refuses the file, `map merge requires map or sequence of maps
as the value`; reported at the merge value), and documents that expand to an
unreasonable size through aliases (an "alias bomb").

Values are read as Compose v2 reads them (go-yaml v3: `yes` stays a string, `0755` is
octal); interpolated values (`${PORT}`) are accepted wherever Compose accepts them.

## Why is this bad?
`docker compose` refuses to load the file (`services.web Additional property restrat is
not allowed`), or — for a misspelt optional key in tools that do not validate — silently
ignores the setting.

## Example
```yaml
services:
  web:
    image: nginx:1.27
    restrat: always     # unknown key `restrat` (did you mean `restart`?)
    restart: sometimes  # must be one of `no`, `always`, `on-failure`, `unless-stopped`
```

## Fix safety
No automatic fix: the message names the expected key or values.
"""

from __future__ import annotations

import re

from dockwise.compose.schema import check_document, node_at
from dockwise.compose.yaml_model import (
    COMPOSE_TAGS,
    STANDARD_TAGS,
    ExpansionBudgetExceeded,
    MappingNode,
    Node,
    SequenceNode,
    to_python,
)
from dockwise.lint.engine import ComposeContext
from dockwise.lint.registry import rule
from dockwise.lint.types import Severity
from dockwise.text import Span

_ALIAS = re.compile(r"[ \t]*:[ \t]*(\*[^\s,\]}]+)")


@rule(code="DC001", name="schema", severity=Severity.ERROR)
def check(ctx: ComposeContext) -> None:
    root = ctx.root
    if root is None:
        return
    _check_tags(ctx)
    _check_merges(ctx)
    try:
        if not isinstance(root, MappingNode):
            to_python(root, ctx.text)  # (an alias bomb is reported as such)
            ctx.report(root, "a Compose file must be a mapping (`services:` at the top level)")
            return
        errors = check_document(ctx.doc)
    except ExpansionBudgetExceeded as e:
        ctx.report(Span(0, 0), f"cannot check this file: {e}")
        return
    for err in errors:
        node = node_at(root, err.path, key=err.key)
        ctx.report(node if node is not None else Span(0, 0), err.message)


def _check_tags(ctx: ComposeContext) -> None:
    for n in ctx.doc.structure.tagged:
        tag = n.tag
        if tag not in COMPOSE_TAGS and tag not in STANDARD_TAGS:
            ctx.report(n, f"unsupported YAML tag `{tag}`: Compose understands `!reset`, "
                       "`!override` and the standard YAML tags")


def _merge_ok(value: Node) -> bool:
    """go-yaml's rule: a `<<` value is a mapping or a sequence of mappings (aliases are
    the nodes they point to)."""
    if isinstance(value, MappingNode):
        return True
    return isinstance(value, SequenceNode) and all(isinstance(v, MappingNode) for v in value.value)


def _check_merges(ctx: ComposeContext) -> None:
    text = ctx.text
    for key, value in ctx.doc.structure.merges:
        if _merge_ok(value):
            continue
        if isinstance(value, SequenceNode):
            what = ("a sequence with items that are not mappings"
                    if any(isinstance(v, MappingNode) for v in value.value) else "a sequence")
        else:
            what = "a scalar"
        where: Node | Span = value
        if value.start_mark.index < key.end_mark.index:
            # an alias (`<<: *env`): the node is the anchored one, written elsewhere
            m = _ALIAS.match(text, key.end_mark.index)
            where = Span(m.start(1), m.end(1)) if m else key
        ctx.report(where, f"a `<<` merge needs a mapping or a sequence of mappings as its "
                   f"value, not {what}: Compose refuses the file (`map merge requires map or "
                   "sequence of maps as the value`)")
