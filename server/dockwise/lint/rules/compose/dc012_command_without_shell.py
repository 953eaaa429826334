"""
## What it does
Reports a `command` or `entrypoint` written as a string that uses shell syntax — `&&`,
`||`, `|`, `;`, `&`, `>`, `<`, `$(…)` or backticks — without being run through a shell
(`sh -c "…"`, `bash -lc "…"`, `ash -c "…"`, …).

## Why is this bad?
Compose does not run a string `command` through a shell: it splits it into words (the
`go-shellwords` rules) and the container runs the first word with the rest as
arguments. The splitter stops at the first unquoted operator, so
`npm install && npm start` runs only `npm install`; `$(date)` and backticks are passed
as literal text. (The Dockerfile's shell form is different: there Docker adds
`/bin/sh -c`.)

## Example
```yaml
services:
  app:
    image: node:22-slim
    command: npm ci && npm start
```
Use instead:
```yaml
    command: ["sh", "-c", "npm ci && npm start"]
```

## Fix safety
Unsafe: the fix wraps the string as `["sh", "-c", "…"]`. The image must have `/bin/sh`
(distroless and scratch images have none), and the shell then becomes PID 1 unless the
script ends with `exec …` — signals reach the shell, not the app.

A string read through an anchor (`command: &c …` reused as `command: *c`) is wrapped
where it is written (its anchor kept) only when every place that reads it is a service's
`command` or `entrypoint`; otherwise (say a `healthcheck.test: *c` or an environment
value reads it too) the alias written in the service is replaced, or a `command` merged
with `<<:` gets an own entry in the service (an own key overrides a merged one); the
finding is then on that alias, or on the service. When neither can be done there is no
fix and the message names the anchor and the other places that read it.

Decisions: a string that already starts with a shell and a `-c` flag is not reported;
operators inside quotes are not operators; a list (exec form) `command` is not this
rule's business.
"""

from __future__ import annotations

import json
import posixpath
import re

from dockwise.compose.edits import ModelPath, own_alias, set_value, value_span
from dockwise.compose.yaml_model import IMPLICIT, ScalarNode
from dockwise.lint.engine import ComposeContext
from dockwise.lint.registry import rule
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity

SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "fish"})
_C_FLAG = re.compile(r"^-[A-Za-z]*c[A-Za-z]*$")

#: findings for a service depend on that service alone (see dockwise.compose.incremental)
SERVICE_LOCAL = True


def is_shell(word: str) -> bool:
    return posixpath.basename(word) in SHELLS


def is_c_flag(word: str) -> bool:
    return bool(_C_FLAG.match(word))


_OPTION_ARGS = ("-o", "+o", "-O", "+O", "--rcfile", "--init-file")


def script_index(argv: list[str]) -> int | None:
    """The index in ``argv`` of the script a shell runs with `-c`: ``argv[0]`` is a shell,
    a `-c`-style option (`-c`, `-ec`, `-lc`) comes among its options (`sh -x -c`, `bash -o
    pipefail -c`), and the script is the first word after the options."""
    if not argv or not is_shell(argv[0]):
        return None
    c = False
    i = 1
    while i < len(argv):
        w = argv[i]
        if w == "--":
            i += 1
            break
        if len(w) < 2 or w[0] not in "-+":
            break
        c = c or is_c_flag(w)
        i += 2 if w in _OPTION_ARGS else 1
    return i if c and i < len(argv) else None


def split_words(line: str) -> tuple[list[str], str | None]:
    """Compose's split of a string command (mattn/go-shellwords, default options):
    the words before the first unquoted operator, and that operator (or None)."""
    words, op = split_words_at(line)
    return [w for w, _ in words], op


def split_words_at(line: str) -> tuple[list[tuple[str, list[int]]], str | None]:
    """:func:`split_words` with, for each word, the offset in ``line`` of each of its
    characters (quotes and escapes removed)."""
    words: list[tuple[str, list[int]]] = []
    buf: list[str] = []
    offs: list[int] = []
    got = False
    single = double = escaped = False
    i = 0
    n = len(line)
    while i < n:
        c = line[i]
        if escaped:
            buf.append(c)
            offs.append(i)
            got = True
            escaped = False
            i += 1
            continue
        if c == "\\" and not single:
            escaped = True
            i += 1
            continue
        if c in " \t\r\n" and not single and not double:
            if got:
                words.append(("".join(buf), offs))
                buf, offs, got = [], [], False
            i += 1
            continue
        if c == "'" and not double:
            single = not single
            got = True
            i += 1
            continue
        if c == '"' and not single:
            double = not double
            got = True
            i += 1
            continue
        if c in ";&|<>" and not single and not double:
            op = c
            if i + 1 < n and line[i + 1] == c and c in "&|":
                op = c * 2
            if got:
                words.append(("".join(buf), offs))
            return words, op
        buf.append(c)
        offs.append(i)
        got = True
        i += 1
    if got:
        words.append(("".join(buf), offs))
    return words, None


def shell_syntax(value: str) -> str | None:
    """The first shell operator Compose will not interpret in a string command."""
    words, op = split_words(value)
    if script_index(words) is not None:
        return None
    if op is not None:
        return op
    for w in words:
        if "$(" in w:
            return "$(…)"
        if "`" in w:
            return "`…`"
    return None


def wrapped(node: ScalarNode, text: str, value: str) -> str:
    """`["sh", "-c", "…"]` for the scalar (a block scalar's line break kept)."""
    new = "[" + ", ".join(json.dumps(x, ensure_ascii=False) for x in ("sh", "-c", value)) + "]"
    start, end = node.start_mark.index, node.end_mark.index
    if node.style in ("|", ">") and text[start:end].endswith("\n"):
        new += "\n"
    return new


_TITLE = 'wrap in `["sh", "-c", …]`'


def _runs(p: ModelPath) -> bool:
    """A model path this rule checks: a service's string `command` or `entrypoint` (the
    same finding holds at each); never elsewhere (`healthcheck.test`, an env value)."""
    return len(p) == 3 and p[0] == "services" and p[2] in ("command", "entrypoint")


@rule(code="DC012", name="command-without-shell", severity=Severity.WARNING,
      fix=FixAvailability.SOMETIMES)
def check(ctx: ComposeContext) -> None:
    done: set[int] = set()  # values fixed (or reported) wherever they are read
    for svc in ctx.services:
        for field in ("command", "entrypoint"):
            node = svc.get(field)
            if not isinstance(node, ScalarNode) or id(node) in done or node.tag not in (
                    IMPLICIT, "tag:yaml.org,2002:str", "!override"):
                continue
            value = node.value.strip()
            if not value:
                done.add(id(node))
                continue
            op = shell_syntax(value)
            if op is None:
                done.add(id(node))
                continue
            words, _ = split_words(value)
            runs = " ".join(words)
            if op in ("$(…)", "`…`"):
                what = f"`{op}` is passed as literal text"
            else:
                what = (f"the words stop at `{op}`, so the container runs only `{runs}`"
                        if runs else f"the words stop at `{op}`")
            msg = (f"string `{field}` uses shell syntax but Compose runs no shell "
                   f"(it splits the string into words): {what}; wrap it as "
                   '`["sh", "-c", "…"]`')
            new = wrapped(node, ctx.text, value)
            edit, why = set_value(ctx.doc, svc.node, field, new, _runs)
            in_place = edit is not None and edit.span == value_span(ctx.doc, node)
            if edit is not None and not in_place and new.endswith("\n"):
                edit = Edit(edit.span, new[:-1])  # (the block scalar's line break stays)
            if edit is None:
                msg += f" (no automatic fix: {why})"
            fix = Fix(_TITLE, (edit,), Applicability.UNSAFE) if edit is not None else None
            where: object
            if in_place:
                done.add(id(node))
                where = value_span(ctx.doc, node)
            else:  # on the alias written in the service, else on the service
                alias = own_alias(ctx.doc, svc.node, field)
                inside = svc.node.start_mark.index <= node.start_mark.index \
                    < svc.node.end_mark.index
                where = (alias if alias is not None else
                         value_span(ctx.doc, node) if inside else svc.key)
            ctx.report(where, msg, fix=fix)


