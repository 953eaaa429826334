"""
## What it does
Reports `COPY`/`ADD` of files that hold secrets, by name and — when the file can be read
next to the Dockerfile — by content.

- **Error**: `id_rsa*` (and the other OpenSSH private keys `id_dsa*`, `id_ecdsa*`,
  `id_ed25519*`; `*.pub` public keys excepted), `*.key`, `.env` and `.env.<stage>` files
  (not `.env.example`, `.env.sample`, `.env.template`, `.env.dist`, `.env.defaults`),
  `credentials*.json`, `.git-credentials`, anything under `.aws/` or `.ssh/`,
  `.docker/config.json`, and a `*.pem` whose readable content holds `PRIVATE KEY`.
- **Warning**: `.npmrc`, `.pypirc`, `.netrc`, and a `*.pem` that cannot be read.

A `*.pem`/`*.key` that can be read and holds no `PRIVATE KEY` (a CA bundle, a
certificate, an apt/GPG public key) is not reported: public certificates are common and
fine. Neither is one whose name or destination says it is public — `ca.pem`,
`fullchain.pem`, `repo-signing.key`, or a copy to `*.pub`/`*.crt`/`*.gpg`/`*.asc`,
`/usr/local/share/ca-certificates/`, `/etc/ssl/certs/`, `/etc/apt/keyrings/`. Files are read relative to the Dockerfile's directory (the usual build context);
with no path (stdin, an unsaved editor buffer) only names are judged. Sources copied
`--from` another stage or image are not the build context and are not reported here.

## Why is this bad?
Every file copied into a layer stays in the image, even if a later `RUN rm` deletes it:
anyone who can pull the image can extract it from the layer.

## Example
```dockerfile
COPY .npmrc /root/.npmrc
RUN npm ci
```
Use instead:
```dockerfile
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
```
and `docker build --secret id=npmrc,src=.npmrc .` (Compose: `build.secrets`).

## Fix safety
Display only: a secret (or `--mount=type=ssh`) mount snippet. The build command and
Compose `build.secrets` must change too, and the command that needs the file must be
known, so nothing is applied automatically.

≈ DF109/DF111 (`.dockerignore` entries that keep such files out of `COPY . …`).
"""

from __future__ import annotations

import functools
import glob
import os
import re
from pathlib import Path

from dockwise.dockerfile.model import Instruction, JsonElement, Word
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import reads_build_context, stage_local
from dockwise.lint.registry import rule
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity

_SSH_KEYS = ("id_rsa", "id_dsa", "id_ecdsa", "id_ed25519")
_ENV_TEMPLATES = frozenset({"example", "sample", "template", "dist", "defaults", "default",
                            "tpl", "schema", "test", "ci"})
_WARN_FILES = {".npmrc": "/root/.npmrc", ".pypirc": "/root/.pypirc", ".netrc": "/root/.netrc"}
_READ_LIMIT = 256 * 1024


def classify(path: str) -> str | None:
    """By name: "E", "W", "pem" (decide by content), "key" (E unless content proves it
    public) or None."""
    p = path.replace("\\", "/").strip()
    while p.startswith("./"):
        p = p[2:]
    p = p.rstrip("/")
    comps = [c for c in p.split("/") if c]
    if not comps:
        return None
    base = comps[-1]
    low = base.lower()
    if ".ssh" in comps or ".aws" in comps:
        return "E"
    if p.lower().endswith(".docker/config.json"):
        return "E"
    if low.startswith(_SSH_KEYS) and not low.endswith(".pub"):
        return "E"
    if low == ".env" or (low.startswith(".env.") and low[5:] not in _ENV_TEMPLATES):
        return "E"
    if low.startswith("credentials") and low.endswith(".json"):
        return "E"
    if low == ".git-credentials":
        return "E"
    if low.endswith(".key"):
        return "key"
    if low.endswith(".pem"):
        return "pem"
    if low in _WARN_FILES:
        return "W"
    return None


# the same sources are copied by many stages
_classify = functools.lru_cache(maxsize=4096)(classify)


def _read_head(path: Path) -> str | None:
    try:
        if not path.is_file():
            return None
        with path.open("rb") as f:
            return f.read(_READ_LIMIT).decode("utf-8", "replace")
    except OSError:
        return None


def _content_verdict(ctx: DockerfileContext, src: str, kind: str) -> str | None:
    """E/W/None for a `*.pem`/`*.key` source, reading it next to the Dockerfile."""
    fallback = "E" if kind == "key" else "W"
    if ctx.path is None or "$" in src:
        return fallback
    root = ctx.path.parent
    rel = src.lstrip("/")
    if any(c in rel for c in "*?["):
        matches = [Path(m) for m in glob.glob(os.path.join(glob.escape(str(root)), rel))]
        matches = [m for m in matches if m.is_file()]
    else:
        matches = [root / rel]
    texts = [t for t in (_read_head(m) for m in matches) if t is not None]
    if not texts:
        return fallback
    if any("PRIVATE KEY" in t for t in texts):
        return "E"
    return None


def _sources(ins: Instruction) -> list[JsonElement] | list[Word]:
    """The source elements/words (their `.value`, and `.span` for a finding)."""
    ef = ins.exec_form
    if ef is not None:
        return ef[:-1]
    words = [w for w in ins.words if not w.raw.lstrip("0123456789").startswith("<<")]
    return words[:-1]


_PUBLIC_NAME = re.compile(
    r"(?:^|[-_.])(?:ca|cacert|ca-bundle|ca-certificates|cert|certs|certificate|chain|fullchain|"
    r"bundle|root|pub|public|gpg|pgp|asc|signing|release|archive|keyring|trust)(?:[-_.]|$)")
_PUBLIC_DEST = ("ca-certificates", "/etc/ssl/certs", "ca-trust", "keyrings", "trusted.gpg.d")


def _dest(ins: Instruction) -> str:
    if ins.exec_form is not None:
        return ins.exec_form[-1].value if ins.exec_form else ""
    words = [w for w in ins.words if not w.raw.lstrip("0123456789").startswith("<<")]
    return words[-1].value if words else ""


def _looks_public(src: str, dest: str) -> bool:
    """A certificate or public key by its name or where it is copied to (`ca.pem` into
    `/usr/local/share/ca-certificates/`, `jenkins.key` to `…/jenkins-key.pub`)."""
    base = src.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1].lower()
    stem = base.rsplit(".", 1)[0]
    d = dest.lower()
    if d.endswith((".pub", ".crt", ".asc", ".gpg", ".cert")) or any(p in d for p in _PUBLIC_DEST):
        return True
    return bool(_PUBLIC_NAME.search(stem)) and "priv" not in stem


def _snippet(src: str) -> str:
    base = src.rstrip("/").rsplit("/", 1)[-1]
    low = base.lower()
    if low.startswith(_SSH_KEYS) or ".ssh" in src:
        return ("RUN --mount=type=ssh git clone git@github.com:org/repo.git\n"
                "# build with: docker build --ssh default .")
    sid = re.sub(r"[^a-z0-9]+", "_", low.lstrip(".")).strip("_") or "secret"
    norm = src.replace("\\", "/")
    if ".aws" in norm.split("/"):
        sid, target = "aws", "/root/.aws/credentials"
    elif norm.endswith(".docker/config.json"):
        sid, target = "docker_config", "/root/.docker/config.json"
    else:
        target = _WARN_FILES.get(low, f"/run/secrets/{sid}")
    cmd = "npm ci" if low == ".npmrc" else "<command>"
    return (f"RUN --mount=type=secret,id={sid},target={target} {cmd}\n"
            f"# build with: docker build --secret id={sid},src={src} .\n"
            f"# Compose: build.secrets: [{sid}] and a top-level secrets: entry")


@rule(code="DF303", name="secret-file-copied", severity=Severity.ERROR,
      fix=FixAvailability.DISPLAY)
@stage_local
@reads_build_context
def check(ctx: DockerfileContext) -> None:
    for ins in ctx.df.instructions:
        kw = ins.keyword
        if kw == "ONBUILD" and ins.rest[:4].upper() in ("COPY", "ADD ", "ADD\t"):
            sub = ins.sub
            if sub is None:
                continue
            ins = sub
            kw = ins.keyword
        if kw not in ("COPY", "ADD"):
            continue
        if ins.has_flags and ins.flag("from") is not None:
            continue
        dest: str | None = None
        for el in _sources(ins):
            src = el.value
            if "://" in src or src.startswith("git@"):
                continue
            kind = _classify(src)
            if kind is None:
                continue
            if kind in ("pem", "key"):
                if dest is None:
                    dest = _dest(ins)
                if _looks_public(src, dest):
                    continue
            verdict = _content_verdict(ctx, src, kind) if kind in ("pem", "key") else kind
            if verdict is None:
                continue
            span = el.span
            fix = Fix("use a build secret instead", (Edit(span, _snippet(src)),),
                      Applicability.DISPLAY)
            if verdict == "E":
                why = {"pem": "holds a private key", "key": "is a private key file"}.get(
                    kind, "is a secret file")
                ctx.report(span, f"`{src}` {why}: copying it stores it in an image layer "
                           "(a later `rm` does not remove it); use a build secret mount",
                           fix=fix, severity=Severity.ERROR)
            elif kind == "pem":
                ctx.report(span, f"`{src}` may hold a private key (it could not be read to "
                           "check): copying it stores it in an image layer; use a build secret "
                           "mount for keys", fix=fix, severity=Severity.WARNING)
            else:
                ctx.report(span, f"`{src}` usually holds credentials: copying it stores it "
                           "in an image layer; use a build secret mount", fix=fix,
                           severity=Severity.WARNING)

