"""
## What it does
Reports secrets written as literals in a service's `environment:` (map or list form):

- a secret-named variable (DF302's name rules: a whole word `password`, `passwd`,
  `pword`, `secret`, `token`, `apikey`, `api_key`, `access_key`, `private_key`,
  `credential(s)` or `auth`, and no allow-listed word such as `file`, `path`, `user`,
  `name`, `url`, `host`) with a literal value;
- a value holding a credential format (AWS `AKIA…`, GitHub `ghp_…`/`github_pat_…`,
  Slack `xox…`, a PEM private key), whatever the variable's name;
- credentials inside a URL (`postgresql://user:pass@db/app`, `redis://:pass@cache`).

Not reported: names whose last word selects a mechanism (`AUTH_TYPE: trust`,
`POSTGRES_HOST_AUTH_METHOD: md5`, `…_MODE`, `…_PROVIDER`, `…_STRATEGY`) or names a role
(`GF_AUTH_ANONYMOUS_ORG_ROLE: Admin`, `…_ROLES`): settings, not secrets; values that
come from interpolation (`${DB_PASSWORD}`), empty values, switches and small numbers
(`AUTH_ENABLED: "true"`), placeholders (`changeme`, `example`, `dummy`, `<…>`), and
secret-file paths (`/run/secrets/…`, `*_FILE` names). The mechanism and role exemption
is DC301's own (DF302's name rules are unchanged), and a value in a credential format is
reported whatever the name.

## Why is this bad?
The Compose file is committed and shared; the value also ends up in the container's
config, readable by anyone with `docker inspect` access, and in every log or bug report
that prints the configuration.

## Example
```yaml
services:
  db:
    image: postgres:17
    environment:
      POSTGRES_PASSWORD: s3cr3t-pw
```
Use instead (the image reads `*_FILE` variables):
```yaml
services:
  db:
    image: postgres:17
    environment:
      POSTGRES_PASSWORD_FILE: /run/secrets/postgres_password
    secrets:
      - postgres_password
secrets:
  postgres_password:
    file: ./secrets/postgres_password.txt
```

## Fix safety
Unsafe. A fix never removes a value without keeping it elsewhere, and never changes the
value the container gets.

For images with the `*_FILE` convention (postgres, mysql, mariadb, mongo, wordpress,
minio, grafana's `__FILE`): the variable becomes `NAME_FILE: /run/secrets/<name>`, the
service lists the secret, a top-level `secrets:` entry points at
`./secrets/<name>.txt`, and that file is created holding the value (keep it out of
version control). The secret is named after the variable (`postgres_password`), or
`<service>_<variable>` when several services set it; a name the file already declares,
or whose file exists, is never reused (it would change another service's value). Not
offered for flow-style services.

Otherwise the value moves to the project's `.env`: when there is no `.env`, the fix
creates one holding this file's secret values (`NAME=value`, single-quoted when needed
so Compose reads it back unchanged) and the variable becomes `${NAME:?set NAME in .env}`
(a checkout without `.env` then fails with that message rather than starting without
it); when `.env` already holds `NAME` with this value, the variable becomes `${NAME}`.
No fix when `.env` exists without the value (the fix does not edit an existing file:
copy the value there yourself), when two services give `NAME` different values, or when
the value cannot be written to `.env` (a newline, or both quote kinds).
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter

from dockwise.compose import interpolation
from dockwise.compose.builds import image_of, image_repo, service_layers
from dockwise.compose.edits import insert_entry, line_end, merge_insertions, sequence_indent
from dockwise.compose.service import EnvVar, Service, environment
from dockwise.compose.yaml_model import MappingNode, ScalarNode, SequenceNode, get
from dockwise.lint.engine import ComposeContext
from dockwise.lint.registry import rule
from dockwise.lint.rules.dockerfile.df302_secret_in_env_or_arg import (
    credential_match,
    is_plain_literal,
    is_secret_name,
    name_tokens,
)
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity
from dockwise.text import Span

#: findings for a service depend on that service alone (see dockwise.compose.incremental)
SERVICE_LOCAL = True

_URL_CRED = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://(?P<user>[^:/@\s]*):(?P<pw>[^@/\s]+)@")

# last words of names that select a mechanism or name a role rather than hold a secret
# (DC301 only: `GF_AUTH_ANONYMOUS_ORG_ROLE: Admin` is a Grafana role name)
_SELECTOR_WORDS = frozenset({"type", "method", "mode", "provider", "strategy", "scheme",
                             "backend", "kind", "mechanism", "plugin", "role", "roles"})

# images whose entrypoint reads `<NAME>_FILE` (grafana: `<NAME>__FILE`)
FILE_CONVENTION: dict[str, tuple[str, frozenset[str]]] = {
    "postgres": ("_FILE", frozenset({"POSTGRES_PASSWORD", "POSTGRES_USER", "POSTGRES_DB",
                                     "POSTGRES_INITDB_ARGS"})),
    "mysql": ("_FILE", frozenset({"MYSQL_ROOT_PASSWORD", "MYSQL_PASSWORD", "MYSQL_USER",
                                  "MYSQL_DATABASE"})),
    "mariadb": ("_FILE", frozenset({"MARIADB_ROOT_PASSWORD", "MARIADB_PASSWORD", "MYSQL_ROOT_PASSWORD",
                                    "MYSQL_PASSWORD", "MARIADB_USER", "MYSQL_USER"})),
    "mongo": ("_FILE", frozenset({"MONGO_INITDB_ROOT_USERNAME", "MONGO_INITDB_ROOT_PASSWORD"})),
    "wordpress": ("_FILE", frozenset({"WORDPRESS_DB_PASSWORD", "WORDPRESS_DB_USER",
                                      "WORDPRESS_AUTH_KEY", "WORDPRESS_SECURE_AUTH_KEY"})),
    "minio": ("_FILE", frozenset({"MINIO_ROOT_PASSWORD", "MINIO_ROOT_USER"})),
    "grafana": ("__FILE", frozenset({"GF_SECURITY_ADMIN_PASSWORD", "GF_DATABASE_PASSWORD"})),
}


def literal(value: str) -> bool:
    """No interpolation in the value (`$$` escapes are literal text)."""
    return not interpolation.parse(value).refs()


_FINDINGS: dict[tuple[str, str | None], str | None] = {}


def finding(ev: EnvVar) -> str | None:
    """Why an environment entry holds a secret literal, else None (a function of the
    entry's name and value, remembered)."""
    key = (ev.name, ev.value)
    try:
        return _FINDINGS[key]
    except KeyError:
        pass
    why = _finding(ev)
    if len(_FINDINGS) > 10_000:
        _FINDINGS.clear()
    _FINDINGS[key] = why
    return why


def _finding(ev: EnvVar) -> str | None:
    val = ev.value
    if val is None or not val.strip() or not literal(val):
        return None
    if val.strip().startswith("/run/secrets/"):
        return None
    m = credential_match(val)
    if m:
        return f"`{ev.name}` holds a credential ({m.group(0)[:4]}…) as a literal"
    u = _URL_CRED.search(val)
    if u and u.group("pw") and is_plain_literal(u.group("pw")):
        return f"`{ev.name}` holds a URL with a password (`…:{'*' * 4}@`)"
    toks = name_tokens(ev.name)
    if toks and toks[-1] in _SELECTOR_WORDS:
        return None  # AUTH_TYPE: trust, AUTH_METHOD: md5, …_ORG_ROLE: Admin — a setting
    if is_secret_name(ev.name) and is_plain_literal(val):
        return f"`{ev.name}` looks like a secret and has a literal value"
    return None


@rule(code="DC301", name="secret-in-environment", severity=Severity.WARNING,
      fix=FixAvailability.SOMETIMES)
def check(ctx: ComposeContext) -> None:
    # The fixes of one service's findings depend on the other services' findings (secret
    # names, the `.env` they share); that is exact under SERVICE_LOCAL's skipping, which
    # only ever skips services without findings.
    found: list[tuple[EnvVar, str, str, Service]] = []
    for svc in ctx.services:
        repo: str | None = None
        for ev in environment(svc, ctx.text):
            why = finding(ev)
            if why is None:
                continue
            if repo is None:
                repo = image_repo(image_of(service_layers(ctx.project, svc.name, ctx.read_text),
                                           ctx.project.env))
            found.append((ev, why, repo, svc))
    by_name = Counter(ev.name for ev, _, repo, _ in found if _file_convention(repo, ev.name))
    fixes = [_secret_fix(ctx, svc, ev, repo, qualified=by_name[ev.name] > 1)
             for ev, _, repo, svc in found]
    dotenv = _dotenv(ctx, [ev for (ev, *_), fix in zip(found, fixes, strict=True) if fix is None])
    for (ev, why, _, _), fix in zip(found, fixes, strict=True):
        fix = fix or _interp_fix(ctx, ev, dotenv)
        how = ("move it to a Compose secret (the image reads `*_FILE`)" if fix and
               "secret" in fix.title else "move it to `.env` and use `${" + ev.name + "}`")
        ctx.report(ev.node, f"{why} in the Compose file (it is committed, and visible with "
                   f"`docker inspect`): {how}", fix=fix)


def _file_convention(repo: str, name: str) -> str | None:
    """The suffix of the `*_FILE` variable the image reads for ``name``, if it reads one."""
    conv = FILE_CONVENTION.get(repo)
    return conv[0] if conv is not None and name in conv[1] else None


def value_of(ev: EnvVar) -> str:
    """The value the container gets (Compose's `$$` escapes undone)."""
    return interpolation.substitute(ev.value or "", {}).value


_DOTENV_PLAIN = re.compile(r"[A-Za-z0-9_@%+=:,./-]*")


def _dotenv_line(name: str, value: str) -> str | None:
    """``name=value`` as a `.env` line Compose reads back as exactly ``value`` (single
    quotes: no interpolation, no escapes), or None when it cannot be written so."""
    if _DOTENV_PLAIN.fullmatch(value):
        return f"{name}={value}\n"
    if "'" in value or "\n" in value or "\r" in value:
        return None
    return f"{name}='{value}'\n"


def _dotenv(ctx: ComposeContext, evs: list[EnvVar]) -> str | None:
    """The content of the `.env` the interpolation fixes create when the project has none:
    every such variable of the file, once (None when a name has two different values or a
    value cannot be written to `.env`)."""
    if ctx.path is None or (ctx.project.directory / ".env").exists():
        return None
    values: dict[str, str] = {}
    for ev in evs:
        if values.setdefault(ev.name, value_of(ev)) != value_of(ev):
            return None
    lines = [_dotenv_line(n, v) for n, v in values.items()]
    return None if not lines or None in lines else "".join(x for x in lines if x)


def _interp_fix(ctx: ComposeContext, ev: EnvVar, dotenv: str | None) -> Fix | None:
    """`${NAME}` when the project `.env` already holds this very value; when there is no
    `.env`, `${NAME:?…}` plus a new `.env` holding the value. Never drops a value that is
    not kept elsewhere, and never changes the value the container gets."""
    name, node = ev.name, ev.value_node
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) or node is None or ctx.path is None:
        return None
    create: tuple[Edit, ...] = ()
    if ctx.project.env.get(name) == value_of(ev):
        ref = f"${{{name}}}"
    elif dotenv is not None and name + "=" in dotenv:
        ref = f"${{{name}:?set {name} in .env}}"
        env_path = os.path.relpath(ctx.project.directory / ".env", ctx.path.parent)
        create = (Edit(Span(0, 0), dotenv, path=env_path.replace(os.sep, "/")),)
    else:
        return None
    new = json.dumps(f"{name}={ref}" if node is ev.node else ref)  # list form: `- NAME=value`
    title = f"use `${{{name}}}` from `.env`" + (
        " (creates `.env` with this file's secret values)" if create else "")
    return Fix(title, (Edit(ctx.span(node), new), *create), Applicability.UNSAFE)


def _secret_fix(ctx: ComposeContext, svc: Service, ev: EnvVar, repo: str, *,
                qualified: bool) -> Fix | None:
    """Move the value to a new Compose secret `<name>` (`<service>_<name>` when several
    services set ``name``), never one the file declares already or whose file exists."""
    suffix = _file_convention(repo, ev.name)
    if suffix is None or ctx.path is None or ev.value is None:
        return None
    sid = re.sub(r"[^a-z0-9_.-]", "_", f"{svc.name}_{ev.name}".lower() if qualified
                 else ev.name.lower())
    proj_dir = ctx.project.directory
    secret_file = proj_dir / "secrets" / f"{sid}.txt"
    top = get(ctx.root, "secrets")
    if secret_file.exists() or (isinstance(top, MappingNode) and get(top, sid) is not None):
        return None
    env_node = svc.get("environment")
    svc_node = svc.node
    if not isinstance(svc_node, MappingNode) or svc_node.flow_style:
        return None
    edits: list[Edit] = []
    target = f"/run/secrets/{sid}"
    if isinstance(env_node, MappingNode) and ev.value_node is not None and ev.node is not ev.value_node:
        edits.append(Edit(ctx.span(ev.node), ev.name + suffix))
        edits.append(Edit(ctx.span(ev.value_node), target))
    elif isinstance(env_node, SequenceNode):
        edits.append(Edit(ctx.span(ev.node), json.dumps(f"{ev.name}{suffix}={target}")))
    else:
        return None
    # the service's `secrets:` list
    sec = svc.get("secrets")
    if sec is None:
        pad = "  " if sequence_indent(ctx.doc) else ""
        ed = insert_entry(ctx.doc, svc_node, ["secrets:", f"{pad}- {sid}"])
        if ed is None:
            return None
        edits.append(ed)
    elif isinstance(sec, SequenceNode) and sec.flow_style:
        e = sec.end_mark.index - 1
        edits.append(Edit(Span(e, e), (", " if sec.value else "") + sid))
    elif isinstance(sec, SequenceNode) and sec.value:
        last = sec.value[-1]
        if not isinstance(last, ScalarNode):
            return None
        col = last.start_mark.column - 2
        at = line_end(ctx.text, last.end_mark.index)
        edits.append(Edit(Span(at, at), f"\n{' ' * col}- {sid}"))
    else:
        return None
    # the top-level `secrets:` entry
    rel = os.path.relpath(secret_file, proj_dir).replace(os.sep, "/")
    entry = [f"{sid}:", f"  file: ./{rel}"]
    if isinstance(top, MappingNode) and not top.flow_style and top.value:
        ed = insert_entry(ctx.doc, top, entry)
        if ed is None:
            return None
        edits.append(ed)
    elif top is None:
        unit = _unit(ctx)
        text = ctx.text
        lead = "" if text.endswith("\n") or not text else "\n"
        body = f"{' ' * unit}{sid}:\n{' ' * (2 * unit)}file: ./{rel}\n"
        edits.append(Edit(Span(len(text), len(text)), f"{lead}secrets:\n{body}"))
    else:
        return None
    create = os.path.relpath(secret_file, ctx.path.parent).replace(os.sep, "/")
    edits.append(Edit(Span(0, 0), value_of(ev), path=create))
    return Fix(f"move `{ev.name}` to the Compose secret `{sid}`", merge_insertions(edits),
               Applicability.UNSAFE)


def _unit(ctx: ComposeContext) -> int:
    from dockwise.compose.edits import indent_unit

    return indent_unit(ctx.doc)
