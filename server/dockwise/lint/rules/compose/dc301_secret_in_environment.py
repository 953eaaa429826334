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
value any container gets. Not offered for a value Compose reads as something other than
the text written — an unquoted number such as `1e3` (1000), `0x1F` (31), `1_000`, `+123`
or `1.50` (quote it; a decimal integer such as `12345678` is fine) — nor for an entry
written in an anchor that other services or fields also read (`*x`, `<<: *x`).

For images with the `*_FILE` convention (postgres, mysql, mariadb, mongo, wordpress,
minio, grafana's `__FILE`): the variable becomes `NAME_FILE: /run/secrets/<name>`, the
service lists the secret, a top-level `secrets:` entry points at
`./secrets/<name>.txt`, and that file is created holding the value (keep it out of
version control). The secret is named after the variable in lower case
(`postgres_password`) when one service sets it, and `<service>_<variable>`
(`db_postgres_password`) when several services set it; a name that any file of the
project declares, or whose file exists, is never reused (it would change another
service's value). Not offered for flow-style services, nor when something else of the
service would supply `NAME` once the entry is renamed: a mapping merged into its
`environment`, another file's definition of the service, an `env_file`.

Otherwise the value moves to the project's `.env`. When `.env` holds `NAME` with this
value written plainly (its only assignment of `NAME`, `NAME=value` unquoted of letters,
digits and `_@%+=:,./-`, or `NAME='value'` without a backslash), the variable becomes
`${NAME}`; when `.env` exists without it so written, no fix (the fix does not edit an
existing file: copy the value there yourself). When there is no `.env`, the fix creates
one holding this file's secret values (`NAME=value`, single-quoted when needed so
Compose reads it back unchanged) and the variable becomes `${NAME:?set NAME in .env}`
(a checkout without `.env` then fails with that message rather than starting without
it). Left out of it, and not fixed: a variable two entries give different values, a
value `.env` cannot hold (a newline or other control character, a `'` or a `\\`), and
a variable that a Compose file of the project interpolates (`${NAME:-default}` in
another service would get the new value; for a file checked on its own, the files of
its directory's project count too). No `.env` is created when a service or an `include`
reads the project `.env` as its `env_file` (that container would get every value in it).
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path

from dockwise.compose import interpolation
from dockwise.compose.builds import image_of, image_repo, service_layers
from dockwise.compose.edits import (
    ModelPath,
    insert_entry,
    line_end,
    merge_insertions,
    model_paths,
    others_changed,
    sequence_indent,
    value_span,
    written_end,
)
from dockwise.compose.graph import fragment_names
from dockwise.compose.project import ComposeFile
from dockwise.compose.service import EnvVar, Service, env_file_paths, environment
from dockwise.compose.yaml_model import (
    IMPLICIT,
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    get,
    resolve_plain,
)
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
    # names, the `.env` they share) and on the rest of the project (what reads `.env`);
    # that is exact under SERVICE_LOCAL's skipping, which only ever skips services without
    # findings (and fixes are never remembered).
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
    if not found:
        return
    movable = [_movable(ctx, svc, ev) for ev, _, _, svc in found]
    by_name = Counter(ev.name for ev, _, repo, _ in found if _file_convention(repo, ev.name))
    declared = _declared_secrets(ctx)
    fixes = [_secret_fix(ctx, svc, ev, repo, qualified=by_name[ev.name] > 1, declared=declared)
             if ok else None for (ev, _, repo, svc), ok in zip(found, movable, strict=True)]
    rest = [ev for (ev, *_), fix, ok in zip(found, fixes, movable, strict=True)
            if fix is None and ok]
    dotenv = _dotenv(ctx, rest)
    env_text = _existing_dotenv(ctx) if rest else None
    for (ev, why, _, _), fix, ok in zip(found, fixes, movable, strict=True):
        if fix is None and ok:
            fix = _interp_fix(ctx, ev, dotenv, env_text)
        how = ("move it to a Compose secret (the image reads `*_FILE`)"
               if fix is not None and fix.title.startswith("move")
               else "move it to `.env` and use `${" + ev.name + "}`")
        ctx.report(ev.node, f"{why} in the Compose file (it is committed, and visible with "
                   f"`docker inspect`): {how}", fix=fix)


def _file_convention(repo: str, name: str) -> str | None:
    """The suffix of the `*_FILE` variable the image reads for ``name``, if it reads one."""
    conv = FILE_CONVENTION.get(repo)
    return conv[0] if conv is not None and name in conv[1] else None


def value_of(ev: EnvVar) -> str:
    """The value the container gets (Compose's `$$` escapes undone)."""
    return interpolation.substitute(ev.value or "", {}).value


_STR_TAG = "tag:yaml.org,2002:str"


def _as_written(node: ScalarNode) -> bool:
    """Compose reads the scalar as the string written: quoted or `!!str`, or plain and
    resolving to a string (`1e3` is the number 1000, `0x1F` 31, `1.50` 1.5), or a decimal
    integer Compose renders as written (`12345678`)."""
    if node.tag == _STR_TAG:
        return True
    if node.tag != IMPLICIT:
        return False
    if node.style:
        return True
    v = resolve_plain(node.value)
    return type(v) is str or (type(v) is int and str(v) == node.value)


def _movable(ctx: ComposeContext, svc: Service, ev: EnvVar) -> bool:
    """Whether a fix may rewrite the entry: its value is a string Compose reads as written,
    and the text holding it is read by this service's entry alone (not an anchor that other
    services or other fields read too)."""
    node = ev.value_node
    env = svc.get("environment")
    if not isinstance(node, ScalarNode) or not _as_written(node):
        return False
    own: tuple[str | int, ...] = ("services", svc.name, "environment")
    if isinstance(env, SequenceNode):
        at = next((i for i, item in enumerate(env.value) if item is node), None)
        if at is None:
            return False
        return model_paths(ctx.doc, node) == [(*own, at)]
    return model_paths(ctx.doc, node) == [(*own, ev.name)]


_DOTENV_PLAIN = re.compile(r"[A-Za-z0-9_@%+=:,./-]*")
_DOTENV_QUOTED = re.compile(r"'([^'\\]*)'")


def _printable(value: str) -> bool:
    return value.replace("\t", " ").isprintable()


def _dotenv_line(name: str, value: str) -> str | None:
    """``name=value`` as a `.env` line Compose reads back as exactly ``value``: unquoted
    when plain, else single-quoted (no interpolation there; Compose's parser still undoes
    `\\'`, so no value with a backslash or a quote), and None when it cannot be written so."""
    if _DOTENV_PLAIN.fullmatch(value):
        return f"{name}={value}\n"
    if "'" in value or "\\" in value or not _printable(value):
        return None
    return f"{name}='{value}'\n"


_DOTENV_ASSIGN = re.compile(r"(?:export[ \t]+)?[A-Za-z_][A-Za-z0-9_.-]*[ \t]*=[ \t]*(.*)")


def dotenv_value(text: str, name: str) -> str | None:
    """The value of ``name`` in a `.env` text when Compose provably reads it as written:
    the only assignment of ``name``, a line `NAME=value` with ``value`` unquoted of
    `[A-Za-z0-9_@%+=:,./-]` or single-quoted without a quote or a backslash inside, in
    a file each of whose quoted values closes on its own line (a value spanning lines
    could hold any text). None otherwise: Compose's parser interpolates unquoted and
    double-quoted values, undoes escapes (`\\t`, `\\'`) and drops text after a quote."""
    got: list[str | None] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = _DOTENV_ASSIGN.fullmatch(line)
        if m is None:
            return None
        val = m.group(1)
        if val[:1] in ("'", '"') and not _closes(val):
            return None
        if re.match(rf"(?:export[ \t]+)?{re.escape(name)}[ \t]*=", line):
            rest = line[len(name) + 1:] if line.startswith(name + "=") else None
            q = _DOTENV_QUOTED.fullmatch(rest) if rest is not None else None
            if rest is not None and _DOTENV_PLAIN.fullmatch(rest):
                got.append(rest)
            elif q is not None and _printable(q.group(1)):
                got.append(q.group(1))
            else:
                got.append(None)
    return got[0] if len(got) == 1 else None


def _closes(val: str) -> bool:
    """Whether the quoted value starting ``val`` closes on this line (Compose's dotenv
    parser skips a backslash's next character in both quote kinds)."""
    q, i = val[0], 1
    while i < len(val):
        if val[i] == "\\":
            i += 2
        elif val[i] == q:
            return True
        else:
            i += 1
    return False


def _existing_dotenv(ctx: ComposeContext) -> str | None:
    if ctx.path is None:
        return None
    return ctx.read_text(ctx.project.directory / ".env")


def _dotenv(ctx: ComposeContext, evs: list[EnvVar]) -> tuple[str, frozenset[str]] | None:
    """The content of the `.env` the interpolation fixes create when the project has none,
    and the names it holds: each such variable of the file once — not one that two entries
    give different values, one whose value `.env` cannot hold, or one that the project
    interpolates somewhere (a new `.env` would change that value) — and None when there
    is none, or when a service or an `include` reads the project `.env` as its `env_file`."""
    if ctx.path is None or not evs or not ctx.project.resolved \
            or (ctx.project.directory / ".env").exists():
        return None
    values: dict[str, str | None] = {}
    for ev in evs:
        v = value_of(ev)
        if values.setdefault(ev.name, v) != v:
            values[ev.name] = None
    readers = _dotenv_readers(ctx)
    if readers is None:
        return None
    lines = {n: _dotenv_line(n, v) for n, v in values.items()
             if v is not None and n not in readers}
    kept = {n: line for n, line in lines.items() if line is not None}
    return ("".join(kept.values()), frozenset(kept)) if kept else None


def _dotenv_readers(ctx: ComposeContext) -> set[str] | None:
    """The names the Compose files that read the project `.env` interpolate (the project's
    files and those their services extend; for a file checked on its own, also those of
    the project of its directory), or None when one of them reads `.env` as an
    `env_file`, which puts every value it holds into that container."""
    from dockwise.compose.project import BASE_NAMES, Project, resolve_project

    projects: list[Project] = [ctx.project]
    if not ctx.project.in_file_list:
        for base in (ctx.project.directory / n for n in BASE_NAMES):
            text = ctx.read_text(base)
            if text is not None:
                projects.append(resolve_project(base, text, open_documents=ctx.open_documents))
                break
    dotenv: Path = (ctx.project.directory / ".env").resolve()

    def is_dotenv(raw: str, base: Path) -> bool:
        p = Path(interpolation.substitute(raw, {}).value)
        return (p if p.is_absolute() else base / p).resolve() == dotenv

    files: dict[int, ComposeFile] = {}
    for project in projects:
        files.update((id(f), f) for f in project.files)
        for name in project.names("services"):
            for layer in service_layers(project, name, ctx.read_text):
                files[id(layer.file)] = layer.file
                if any(is_dotenv(p, layer.base_dir)
                       for p in env_file_paths(layer.node, layer.file.text)):
                    return None
        for f in project.files:
            inc = get(f.root, "include")
            for item in inc.value if isinstance(inc, SequenceNode) else []:
                if any(is_dotenv(p, f.directory) for p in env_file_paths(item, f.text)):
                    return None
    names: set[str] = set()
    for f in files.values():
        for node, is_key in f.doc.structure.dollar:
            if not is_key:
                names.update(r.name for r in interpolation.parse(node.value).refs())
    return names


def _interp_fix(ctx: ComposeContext, ev: EnvVar, dotenv: tuple[str, frozenset[str]] | None,
                env_text: str | None) -> Fix | None:
    """`${NAME}` when the project `.env` plainly holds this very value; when there is no
    `.env`, `${NAME:?…}` plus a new `.env` holding the value. Never drops a value that is
    not kept elsewhere, and never changes the value any container gets."""
    name, node = ev.name, ev.value_node
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) or node is None or ctx.path is None:
        return None
    create: tuple[Edit, ...] = ()
    if env_text is not None and dotenv_value(env_text, name) == value_of(ev):
        ref = f"${{{name}}}"
    elif dotenv is not None and name in dotenv[1]:
        ref = f"${{{name}:?set {name} in .env}}"
        env_path = os.path.relpath(ctx.project.directory / ".env", ctx.path.parent)
        create = (Edit(Span(0, 0), dotenv[0], path=env_path.replace(os.sep, "/")),)
    else:
        return None
    new = json.dumps(f"{name}={ref}" if node is ev.node else ref)  # list form: `- NAME=value`
    title = f"use `${{{name}}}` from `.env`" + (
        " (creates `.env` with this file's secret values)" if create else "")
    return Fix(title, (Edit(value_span(ctx.doc, node), new), *create), Applicability.UNSAFE)


def _declared_secrets(ctx: ComposeContext) -> set[str]:
    """The secret names the project declares (every file's top-level `secrets:`), and, for
    a fragment checked on its own, those of the project it is merged into."""
    names: set[str] = ctx.project.names("secrets")
    more = fragment_names(ctx.project, ctx.file, ctx.read_text)
    return names | more.get("secrets", set()) if more else names


def _secret_fix(ctx: ComposeContext, svc: Service, ev: EnvVar, repo: str, *,
                qualified: bool, declared: set[str]) -> Fix | None:
    """Move the value to a new Compose secret `<name>` (`<service>_<name>` when several
    services set ``name``), never one the project declares already or whose file exists.
    The entry is renamed `<NAME>_FILE`, so only when nothing else of the service would
    then supply `NAME` (a merged mapping, another file's definition, an `env_file`)."""
    suffix = _file_convention(repo, ev.name)
    if suffix is None or ctx.path is None or ev.value is None:
        return None
    sid = re.sub(r"[^a-z0-9_.-]", "_", f"{svc.name}_{ev.name}".lower() if qualified
                 else ev.name.lower())
    proj_dir = ctx.project.directory
    secret_file = proj_dir / "secrets" / f"{sid}.txt"
    if secret_file.exists() or sid in declared:
        return None
    env_node = svc.get("environment")
    svc_node = svc.node
    if not isinstance(svc_node, MappingNode) or svc_node.flow_style:
        return None
    own: ModelPath = ("services", svc.name)
    if not _only_source(ctx, svc, ev, env_node, ev.name + suffix):
        return None
    edits: list[Edit] = []
    target = f"/run/secrets/{sid}"
    if isinstance(env_node, MappingNode) and ev.value_node is not None and ev.node is not ev.value_node:
        if others_changed(ctx.doc, env_node, ev.name + suffix, (*own, "environment")) is not None:
            return None
        edits.append(Edit(ctx.span(ev.node), ev.name + suffix))
        edits.append(Edit(value_span(ctx.doc, ev.value_node), target))
    elif isinstance(env_node, SequenceNode):
        edits.append(Edit(value_span(ctx.doc, ev.node), json.dumps(f"{ev.name}{suffix}={target}")))
    else:
        return None
    # the service's `secrets:` list
    sec = svc.get("secrets")
    if sec is None:
        if others_changed(ctx.doc, svc_node, "secrets", own) is not None:
            return None
        pad = "  " if sequence_indent(ctx.doc) else ""
        ed = insert_entry(ctx.doc, svc_node, ["secrets:", f"{pad}- {sid}"])
        if ed is None:
            return None
        edits.append(ed)
    elif model_paths(ctx.doc, sec) != [(*own, "secrets")]:
        return None  # a list from an anchor that others read too
    elif isinstance(sec, SequenceNode) and sec.flow_style:
        e = sec.end_mark.index - 1
        edits.append(Edit(Span(e, e), (", " if sec.value else "") + sid))
    elif isinstance(sec, SequenceNode) and sec.value:
        here = [x for x in sec.value if x.start_mark.index >= sec.start_mark.index]
        if not here:
            return None  # (only aliases: no item to align with)
        col = here[-1].start_mark.column - 2
        at = line_end(ctx.text, written_end(ctx.doc, sec))
        edits.append(Edit(Span(at, at), f"\n{' ' * col}- {sid}"))
    else:
        return None
    # the top-level `secrets:` entry
    top = get(ctx.root, "secrets")
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


def _only_source(ctx: ComposeContext, svc: Service, ev: EnvVar, env_node: Node | None,
                 new_name: str) -> bool:
    """Whether the entry is the service's only source of ``ev.name`` and nothing sets
    ``new_name``: written in the service's own `environment` (not merged into it), which
    merges no other mapping, and no other definition of the service (another file, an
    `extends`) sets either name or has an `env_file` (renaming the entry would unmask it)."""
    if isinstance(env_node, MappingNode):
        merges = {id(k) for k, _ in ctx.doc.structure.merges}
        if any(id(k) in merges for k, _ in env_node.value) or \
                not any(k is ev.node for k, _ in env_node.value):
            return False
    for layer in service_layers(ctx.project, svc.name, ctx.read_text):
        if env_file_paths(layer.node, layer.file.text):
            return False
        if layer.node is svc.node:
            names = [e.name for e in environment(svc, ctx.text)]
            if names.count(ev.name) != 1 or new_name in names:
                return False
            continue
        other = Service(svc.name, svc.key, layer.node)
        if any(e.name in (ev.name, new_name) for e in environment(other, layer.file.text)):
            return False
    return True


def _unit(ctx: ComposeContext) -> int:
    from dockwise.compose.edits import indent_unit

    return indent_unit(ctx.doc)
