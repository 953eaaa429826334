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
Unsafe. For images with the `*_FILE` convention (postgres, mysql, mariadb, mongo,
wordpress, minio, grafana's `__FILE`): the variable becomes `NAME_FILE:
/run/secrets/<name>`, the service lists the secret, a top-level `secrets:` entry points
at `./secrets/<name>.txt`, and that file is created holding the value (keep it out of
version control). Otherwise: the value becomes `${NAME}` interpolation when the project
`.env` defines `NAME`, else `${NAME:?set NAME in .env}` (Compose then refuses to start
until it is set — copy the old value there). Not offered for flow-style environments
when a structural edit is needed.
"""

from __future__ import annotations

import json
import os
import re

from dockwise.compose import interpolation
from dockwise.compose.builds import image_of, service_layers
from dockwise.compose.edits import insert_entry, line_end, sequence_indent
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


def image_repo(image: str | None) -> str:
    if not image:
        return ""
    ref = image.split("@", 1)[0]
    last = ref.rsplit("/", 1)[-1]
    return last.split(":", 1)[0].lower()


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
    for svc in ctx.services:
        envs = environment(svc, ctx.text)
        repo: str | None = None
        for ev in envs:
            why = finding(ev)
            if why is None:
                continue
            if repo is None:
                repo = image_repo(image_of(service_layers(ctx.project, svc.name, ctx.read_text),
                                           ctx.project.env))
            fix = _secret_fix(ctx, svc, ev, repo) or _interp_fix(ctx, svc, ev)
            how = ("move it to a Compose secret (the image reads `*_FILE`)" if fix and
                   "secret" in fix.title else "move it to `.env` and use `${" + ev.name + "}`")
            ctx.report(ev.node, f"{why} in the Compose file (it is committed, and visible with "
                       f"`docker inspect`): {how}", fix=fix)


def _interp_fix(ctx: ComposeContext, svc: Service, ev: EnvVar) -> Fix | None:
    name = ev.name
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        return None
    ref = f"${{{name}}}" if name in ctx.project.env else f"${{{name}:?set {name} in .env}}"
    node = ev.value_node
    if node is None:
        return None
    if node is ev.node:  # list form: `- NAME=value`
        new = json.dumps(f"{name}={ref}")
    else:
        new = json.dumps(ref)
    return Fix(f"use `${{{name}}}` from `.env`", (Edit(ctx.span(node), new),), Applicability.UNSAFE)


def _secret_fix(ctx: ComposeContext, svc: Service, ev: EnvVar, repo: str) -> Fix | None:
    conv = FILE_CONVENTION.get(repo)
    if conv is None or ev.name not in conv[1] or ctx.path is None or ev.value is None:
        return None
    suffix = conv[0]
    sid = ev.name.lower()
    proj_dir = ctx.project.directory
    secret_file = proj_dir / "secrets" / f"{sid}.txt"
    if secret_file.exists():
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
    top = get(ctx.root, "secrets")
    entry = [f"{sid}:", f"  file: ./{rel}"]
    if isinstance(top, MappingNode) and not top.flow_style and top.value:
        if get(top, sid) is None:
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
    edits.append(Edit(Span(0, 0), ev.value, path=create))
    return Fix(f"move `{ev.name}` to the Compose secret `{sid}`", _merge(edits),
               Applicability.UNSAFE)


def _unit(ctx: ComposeContext) -> int:
    from dockwise.compose.edits import indent_unit

    return indent_unit(ctx.doc)


def _merge(edits: list[Edit]) -> tuple[Edit, ...]:
    out: list[Edit] = []
    for e in edits:
        same = next((i for i, o in enumerate(out) if o.path == e.path and o.span == e.span
                     and e.span.start == e.span.end), None)
        if same is None:
            out.append(e)
        else:
            out[same] = Edit(e.span, out[same].new_text + e.new_text, e.path)
    return tuple(out)

