"""
## What it does
Reports `ENV` and `ARG` instructions that put a secret into the image or its build
record. A name is *secret-named* when one of its words — split at `_`, `-`, `.` and
camelCase boundaries (`apiKey`, `APIKey`, `GITHUB_TOKEN`) — is `password`, `passwd`,
`pword`, `secret`, `token`, `apikey`, `api_key`, `access_key`, `private_key`,
`credential(s)` or `auth`, and none of its words is allow-listed (`file`, `path`, `dir`,
`public`, `version`, `url`, `host`, `user`, `name`, `length`, `limit`, `algorithm`,
`parallelism`, `fingerprint`; plurals too). Whole words only: `AUTHOR`, `OAUTH_SCOPE`,
`TOKENIZERS_PARALLELISM`, `PASSWORD_FILE` are not secret-named.

- **Error**: a value that matches a credential format (AWS `AKIA…`, GitHub `ghp_`/`gho_`/
  `ghu_`/`ghs_`/`ghr_`/`github_pat_`, Slack `xox…`, a PEM private key) in any ENV/ARG,
  or an `ENV` that copies a build argument into a secret-named variable or a secret-named
  build argument into any variable (`ENV NPM_TOKEN=$NPM_TOKEN`).
- **Warning**: a secret-named `ARG` (value or not), or a secret-named `ENV` with a
  literal value.

Not reported: values under `/run/secrets/` (the secret-file convention), empty values,
plain switches/numbers (`ENV DISABLE_AUTH=true`, `ENV TOKEN_TTL=3600`), and values
that say they are placeholders (`dummy`, `placeholder`, `changeme`, `example`, `fake`,
`xxxx`, `<…>`) in `ENV` (a secret-named `ARG` is reported whatever its value).

## Why is this bad?
`ENV` values are stored in the image config and visible to anyone who can pull it
(`docker inspect`). Build arguments are recorded in the image history and in build
provenance attestations, whether they have a default or are passed with `--build-arg`.

## Example
```dockerfile
ARG NPM_TOKEN
ENV NPM_TOKEN=$NPM_TOKEN
RUN npm ci
```
Use instead:
```dockerfile
RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci
```
and `docker build --secret id=npm_token,env=NPM_TOKEN .` (Compose: `build.secrets`).

## Fix safety
Display only: a `RUN --mount=type=secret,…` snippet. The build command and Compose
`build.secrets` must change too, so nothing is applied automatically. The `env=` mount
option needs `# syntax=docker/dockerfile:1.10`; below that the snippet reads the secret
file from `/run/secrets/<id>`.

≈ DC301 (the same name rules for Compose `environment:`), DF304 (credentials in RUN).
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterator

from dockwise.dockerfile.analysis import arg_pairs
from dockwise.dockerfile.model import Instruction, LogicalLine
from dockwise.dockerfile.variables import find_refs
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity
from dockwise.text import Span

EQUIV = ("SecretsUsedInArgOrEnv", "DL3064")

SECRET_WORDS = frozenset({"password", "passwd", "pword", "secret", "token", "apikey",
                          "accesskey", "privatekey", "credential", "credentials", "auth"})
SECRET_PAIRS = frozenset({("api", "key"), ("access", "key"), ("private", "key")})
ALLOWED_WORDS = frozenset({"file", "path", "dir", "public", "version", "url", "host", "user",
                           "name", "length", "limit", "algorithm", "parallelism", "fingerprint"})
_TOKEN_RE = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_HARMLESS = frozenset({"true", "false", "yes", "no", "on", "off", "none", "null", "enabled",
                       "disabled", "required", "optional", "0", "1"})

# values that say they are not real secrets (build-time dummies, documentation)
_PLACEHOLDERS = ("dummy", "placeholder", "changeme", "change-me", "change_me", "example",
                 "fake", "not-a-secret", "notasecret", "not_secret", "redacted", "<", "xxxx")

CREDENTIAL_RE = re.compile(
    r"(?<![A-Za-z0-9])(?:"
    r"(?:AKIA|ASIA)[0-9A-Z]{16}"
    r"|gh[pousr]_[A-Za-z0-9]{36,}"
    r"|github_pat_[A-Za-z0-9_]{22,}"
    r"|xox[abposr]-[A-Za-z0-9-]{10,}"
    r"|-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----"
    r")"
)


_NAME_SEP = re.compile(r"[^A-Za-z0-9]+")


def name_tokens(name: str) -> list[str]:
    """Lower-case words of a variable name (`_`/`-`/`.` and camelCase boundaries)."""
    out: list[str] = []
    for part in _NAME_SEP.split(name):
        out.extend(t.lower() for t in _TOKEN_RE.findall(part))
    return out


def _allowed(tok: str) -> bool:
    return tok in ALLOWED_WORDS or (tok.endswith("s") and tok[:-1] in ALLOWED_WORDS)


@functools.lru_cache(maxsize=4096)
def is_secret_name(name: str) -> bool:
    """Whether a variable/option name is secret-named (whole words, allow-list applied)."""
    toks = name_tokens(name)
    if not toks or any(_allowed(t) for t in toks):
        return False
    if any(t in SECRET_WORDS for t in toks):
        return True
    return any((a, b) in SECRET_PAIRS for a, b in itertools.pairwise(toks))


def credential_match(text: str) -> re.Match[str] | None:
    """A credential-format literal (AWS key id, GitHub/Slack token, PEM private key)."""
    return CREDENTIAL_RE.search(text)


def is_plain_literal(value: str) -> bool:
    """A non-empty value that is not a switch, a small number or a secret-file path."""
    v = value.strip().strip("\"'")
    if not v or v.lower() in _HARMLESS or (v.isdigit() and len(v) <= 5):
        return False
    if any(w in v.lower() for w in _PLACEHOLDERS):
        return False
    return not v.startswith("/run/secrets/")


def secret_mount_snippet(name: str, syntax_ok: bool) -> str:
    sid = name.lower()
    if syntax_ok:
        run = f"RUN --mount=type=secret,id={sid},env={name} <command>"
    else:
        run = (f"RUN --mount=type=secret,id={sid} {name}=\"$(cat /run/secrets/{sid})\" "
               "<command>")
    return (f"{run}\n# build with: docker build --secret id={sid},env={name} .\n"
            f"# Compose: build.secrets: [{sid}] and a top-level secrets: entry")


def _instructions(ctx: DockerfileContext) -> Iterator[Instruction]:
    for ins in ctx.df.instructions:
        kw = ins.keyword
        if kw in ("ENV", "ARG", "FROM"):
            yield ins
        elif kw == "ONBUILD" and ins.rest[:3].upper() in ("ENV", "ARG"):
            sub = ins.sub
            if sub is not None and sub.keyword in ("ENV", "ARG"):
                yield sub


@rule(code="DF302", name="secret-in-env-or-arg", severity=Severity.ERROR,
      fix=FixAvailability.DISPLAY, equivalents=EQUIV)
@stage_local
def check(ctx: DockerfileContext) -> None:
    an = ctx.analysis
    syntax_ok = ctx.syntax_at_least((1, 10))
    stage_args: dict[int, set[str]] = {}
    cur: set[str] = set()
    for ins in _instructions(ctx):
        kw = ins.keyword
        if kw == "FROM":
            st = an.stage_of(ins)
            parent = st.parent if st is not None else None
            cur = set(stage_args.get(parent, set())) if parent is not None else set()
            stage_args[ins.stage] = cur
            continue
        words = ins.words
        if kw == "ENV" and words and "=" not in words[0].raw:
            # legacy `ENV KEY value`: one pair, the value is the rest of the line
            if len(words) > 1:
                w = words[0]
                rv = ins.line.text[words[1].lo : ins.args_hi]
                _check_pair(ctx, kw, w.value, rv, rv, (w.line, w.lo, w.hi), cur, ins, syntax_ok)
            continue
        for w in words:
            raw_key, sep, raw_val = w.raw.partition("=")
            key = raw_key.strip("\"'")
            if not key or (kw == "ENV" and not sep):
                continue
            _check_pair(ctx, kw, key, raw_val, w.value.partition("=")[2],
                        (ins.line, w.lo, w.lo + len(raw_key)), cur, ins, syntax_ok)
        if kw == "ARG":
            for k, _ in arg_pairs(ins):
                cur.add(k)


def _check_pair(ctx: DockerfileContext, kw: str, key: str, raw_val: str, value: str,
                where: tuple[LogicalLine, int, int], args: set[str], ins: Instruction,
                syntax_ok: bool) -> None:
    """``where``: the key's logical range (its span is built only for a finding)."""
    if value.strip().strip("\"'").startswith("/run/secrets/"):
        return
    secret = is_secret_name(key)
    eq = EQUIV if secret else ()
    m = credential_match(value)
    if m:
        span, fix = _where_fix(where, key, syntax_ok)
        ctx.report(span, f"`{key}` holds a credential ({_kind(m.group(0))}) in the Dockerfile: "
                   "it is stored in the image and its history; use a build secret",
                   fix=fix, severity=Severity.ERROR, equivalents=eq)
        return
    refs = [r.name for r in find_refs(raw_val, ins.escape)] if "$" in raw_val else []
    if kw == "ENV" and refs:
        copied = [r for r in refs if r in args and (secret or is_secret_name(r))]
        if copied:
            span, fix = _where_fix(where, key, syntax_ok)
            ctx.report(span, f"`ENV {key}` copies the build argument `{copied[0]}` into the "
                       "image config: anyone who can pull the image can read it; use "
                       "`RUN --mount=type=secret` where it is needed",
                       fix=fix, severity=Severity.ERROR, equivalents=eq)
        return
    if not secret:
        return
    if kw == "ARG":
        span, fix = _where_fix(where, key, syntax_ok)
        ctx.report(span, f"build argument `{key}` looks like a secret: build args are recorded "
                   "in the image history and provenance (with or without a value); use "
                   "`RUN --mount=type=secret`", fix=fix, severity=Severity.WARNING, equivalents=eq)
    elif not refs and is_plain_literal(value):
        span, fix = _where_fix(where, key, syntax_ok)
        ctx.report(span, f"`ENV {key}` sets a secret-looking value in the image config "
                   "(visible with `docker inspect`); pass it at run time or use a build secret",
                   fix=fix, severity=Severity.WARNING, equivalents=eq)


def _where_fix(where: tuple[LogicalLine, int, int], key: str,
               syntax_ok: bool) -> tuple[Span, Fix]:
    line, lo, hi = where
    span = line.span(lo, hi)
    return span, Fix(f"use a build secret for `{key}`",
                     (Edit(span, secret_mount_snippet(key, syntax_ok)),), Applicability.DISPLAY)


def _kind(text: str) -> str:
    if text.startswith(("AKIA", "ASIA")):
        return "AWS access key id"
    if text.startswith(("gh", "github_pat_")):
        return "GitHub token"
    if text.startswith("xox"):
        return "Slack token"
    return "PEM private key"
