"""
## What it does
Reports a Jupyter server configured without authentication or browser protections:

- an empty token or password: `--NotebookApp.token=''`, `--ServerApp.token=`,
  `--IdentityProvider.token=""`, the `password` equivalents (also
  `--PasswordIdentityProvider.hashed_password=''`), and the same settings in a config
  file written by the Dockerfile (`c.ServerApp.token = ''`);
- `disable_check_xsrf=True` (cross-site request forgery protection off);
- `allow_origin='*'` (any web site may drive the server from a visitor's browser).

Read in `CMD`, `ENTRYPOINT` (shell and exec form), `RUN` (also commands that write a
config file) and `COPY`/`ADD`/`RUN` heredoc bodies.

Not reported: `--ip=0.0.0.0` (normal in a container; publishing the port is DC404's
business) and `--allow-root` (DF301's business).

## Why is this bad?
Jupyter executes arbitrary code. Without a token or password, anyone who reaches the
port — another container on the network, a browser tab through a forwarded port — owns
the container and everything mounted into it.

## Example
```dockerfile
CMD ["jupyter", "lab", "--ip=0.0.0.0", "--ServerApp.token=''"]
```
Use instead: pass a token at run time (`JUPYTER_TOKEN` environment variable, or the
generated token from the logs):
```dockerfile
CMD ["jupyter", "lab", "--ip=0.0.0.0"]
```

## Fix safety
No fix: how users should authenticate (token, password, a proxy) is a deployment
decision.
"""

from __future__ import annotations

import re

from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.types import Severity
from dockwise.text import Span

_APPS = r"(?:NotebookApp|ServerApp|IdentityProvider|PasswordIdentityProvider|LabApp)"
_EMPTY = r"""(?:''|""|\\"\\"|\\'\\'|(?=[\s"\],;]|$))"""
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"--{_APPS}\.(?:token|password|hashed_password)=" + _EMPTY),
     "Jupyter started with an empty {what}: anyone who reaches the port can run code"),
    (re.compile(rf"\bc\.{_APPS}\.(?:token|password|hashed_password)\s*=\s*u?(?:''|\"\"|\\\"\\\")"),
     "Jupyter configured with an empty {what}: anyone who reaches the port can run code"),
    (re.compile(rf"{_APPS}\.disable_check_xsrf\s*=\s*\\?['\"]?True"),
     "Jupyter with `disable_check_xsrf=True`: cross-site request forgery protection is off"),
    (re.compile(rf"{_APPS}\.allow_origin\s*=\s*\\?['\"]?\*"),
     "Jupyter with `allow_origin='*'`: any web site can drive the server from a browser"),
]


def _what(text: str) -> str:
    return "password" if "password" in text else "token"


@rule(code="DF405", name="jupyter-insecure", severity=Severity.WARNING)
@stage_local
def check(ctx: DockerfileContext) -> None:
    for ins in ctx.df.instructions:
        kw = ins.keyword
        if kw not in ("CMD", "ENTRYPOINT", "RUN", "COPY", "ADD", "ONBUILD"):
            continue
        text = ins.line.text
        if "App." in text or "Provider." in text:
            base = ins.kw_end
            for pat, msg in _PATTERNS:
                for m in pat.finditer(text, base):
                    ctx.report(ins.span_of(m.start(), m.end()),
                               msg.format(what=_what(m.group(0))))
        for h in ins.heredocs:
            body = h.body
            if "App." not in body and "Provider." not in body:
                continue
            for pat, msg in _PATTERNS:
                for m in pat.finditer(body):
                    start = h.body_span.start + m.start()
                    ctx.report(Span(start, start + len(m.group(0))),
                               msg.format(what=_what(m.group(0))))
