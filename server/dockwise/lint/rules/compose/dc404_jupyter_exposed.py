"""
## What it does
Reports a Jupyter service whose token and password are disabled and whose Jupyter port
is published on all host interfaces (`"8888:8888"`, `0.0.0.0`/`::`, long syntax without
`host_ip`), or that uses `network_mode: host`.

A Jupyter service runs a Jupyter image (`jupyter/…`, `quay.io/jupyter/…`, any `…notebook…`
image; not JupyterHub, which has its own login) or `jupyter lab|notebook|server`,
`jupyter-lab`, `start-notebook.sh`/`.py` in its `command`/`entrypoint`. Authentication is
disabled when `--NotebookApp.token`, `--ServerApp.token` or `--IdentityProvider.token` is
set empty (`=''`, `=""`, `=`) and no non-empty `password`/`hashed_password` is set. The
Jupyter port is `--port`/`--ServerApp.port`/`--NotebookApp.port`, else 8888.

## Why is this bad?
A Jupyter server without a token is a remote shell for anyone who can reach the port:
Docker's published ports bypass host firewalls like UFW, so "all interfaces" means the
whole network, often the internet.

## Example
```yaml
services:
  lab:
    image: quay.io/jupyter/pytorch-notebook:2024-12-02
    command: start-notebook.py --IdentityProvider.token=''
    ports:
      - "8888:8888"
```
Use instead:
```yaml
    ports:
      - "127.0.0.1:8888:8888"
```
(or keep the token: `docker compose logs lab` prints the login URL).

## Fix safety
No automatic fix: whether to bind to localhost, set a token or put a proxy in front is
the author's call. (DC307's localhost binding is the usual answer.)

Decisions where the catalogue is silent: an empty `JUPYTER_TOKEN` environment variable
is not treated as disabling authentication (recent Jupyter Server ignores an empty
value); an ephemeral host port (`"8888"`) is published on all interfaces too; a host IP
from an unset variable without a default is not reported.
"""

from __future__ import annotations

import re

from dockwise.compose import interpolation
from dockwise.compose.service import Port, Service, ports, text_of
from dockwise.compose.yaml_model import MappingNode, Node, SequenceNode, get
from dockwise.lint.engine import ComposeContext
from dockwise.lint.registry import rule
from dockwise.lint.types import Severity

#: findings for a service depend on that service alone (see dockwise.compose.incremental)
SERVICE_LOCAL = True

_APPS = r"(?:NotebookApp|ServerApp|IdentityProvider|PasswordIdentityProvider|LabApp)"
_TOKEN_EMPTY = re.compile(rf"--{_APPS}\.token(?:=|\s+)(?:''|\"\"|\\'\\'|\\\"\\\"|(?=[\s\"'\],;]|$))")
_PASSWORD = re.compile(rf"--{_APPS}\.(?:password|hashed_password)(?:=|\s+)(['\"]?)([^\s'\"]*)\1")
_PORT = re.compile(rf"--(?:{_APPS}\.)?port(?:=|\s+)['\"]?(\d+)")
_CMD = re.compile(r"\bjupyter(?:[- ](?:lab|notebook|server))\b|start-notebook\.(?:sh|py)"
                  r"|\bjupyter-(?:lab|notebook|server)\b")
_IMAGE = re.compile(r"(?:^|/)(?:jupyter/|[^/:]*notebook)", re.I)
_ANY = frozenset({"", "0.0.0.0", "::", "[::]"})


@rule(code="DC404", name="jupyter-exposed", severity=Severity.WARNING)
def check(ctx: ComposeContext) -> None:
    text = ctx.text
    for svc in ctx.services:
        image = text_of(svc.get("image"), text) or ""
        cmd = " ".join(_words(svc.get("entrypoint"), text) + _words(svc.get("command"), text))
        if "jupyterhub" in image.lower() or "jupyterhub" in cmd:
            continue
        if not (_IMAGE.search(image) or _CMD.search(cmd)):
            continue
        if not _TOKEN_EMPTY.search(cmd):
            continue
        if any(m.group(2) for m in _PASSWORD.finditer(cmd)):
            continue
        pm = _PORT.search(cmd)
        port = pm.group(1) if pm else "8888"
        def why(published: str, name: str = svc.name, target: str = port) -> str:
            return (f"Jupyter service `{name}` runs without a token or password and is "
                    f"reachable on all host interfaces: anyone who can reach port {published} "
                    "can run code in it — publish it on `127.0.0.1` (e.g. "
                    f"`\"127.0.0.1:{published}:{target}\"`) or keep the token")

        nm = svc.get("network_mode")
        if text_of(nm, text) == "host" and nm is not None:
            ctx.report(nm, why(port) + " (`network_mode: host` publishes every port it opens)")
            continue
        for p in _exposed(ctx, svc, port):
            where = p.node
            if isinstance(where, MappingNode):
                where = get(where, "published") or get(where, "target") or where
            ctx.report(where, why(p.published or "(ephemeral)"))


def _words(node: Node | None, text: str) -> list[str]:
    if isinstance(node, SequenceNode):
        return [t for x in node.value if (t := text_of(x, text)) is not None]
    t = text_of(node, text)
    return [t] if t else []


def _exposed(ctx: ComposeContext, svc: Service, port: str) -> list[Port]:
    out: list[Port] = []
    for p in ports(svc, ctx.text):
        if p.target.split("-")[0] != port and not _in_range(p.target, port):
            continue
        ip = p.host_ip or ""
        if "$" in ip:
            sub = interpolation.substitute(ip, ctx.project.env)
            if sub.missing or sub.required_errors:
                continue
            ip = sub.value
        if ip.strip() in _ANY:
            out.append(p)
    return out


def _in_range(target: str, port: str) -> bool:
    m = re.fullmatch(r"(\d+)-(\d+)", target)
    return bool(m) and int(m.group(1)) <= int(port) <= int(m.group(2)) if m else False
