"""
## What it does
Checks every `EXPOSE` port (after ARG/ENV expansion; values that cannot be expanded are
skipped):

* **error** — not a port: not a number or range, outside 0–65535, a range whose start is
  above its end, an unknown protocol (only `tcp`, `udp` and `sctp` exist);
* **warning** — an IP address or a `host:container` mapping (`EXPOSE 8080:80`,
  `EXPOSE 127.0.0.1:80`): `EXPOSE` only documents container ports, publishing happens at
  `docker run -p`/Compose `ports:`;
* **information** — a protocol not in lower case (`80/TCP`).

## Why is this bad?
Invalid ports fail the build; a host part is silently dropped, so the mapping the author
meant never happens; upper-case protocols work (Docker lowercases them) but are
inconsistent.

## Example
```dockerfile
EXPOSE 80000        # error: outside 0–65535
EXPOSE 8080:80      # warning: host:container mapping
EXPOSE 53/UDP       # information: write 53/udp
```

## Fix safety
Safe fix for the information case only: lowercase the protocol. No fix for the others:
the intended port cannot be guessed. Equivalents per case: DL3011 (error),
ExposeInvalidFormat (warning), ExposeProtoCasing (information).
"""

from __future__ import annotations

import re

from dockwise.dockerfile.model import Instruction, Word
from dockwise.dockerfile.variables import expand, find_refs
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity
from dockwise.text import Span

_PROTOS = ("tcp", "udp", "sctp")
_PORT_RE = re.compile(r"(\d+)(?:-(\d+))?")
E_EQ = ("DL3011",)
W_EQ = ("ExposeInvalidFormat",)
I_EQ = ("ExposeProtoCasing",)


@rule(code="DF009", name="invalid-expose", severity=Severity.ERROR, fix=FixAvailability.SOMETIMES,
      equivalents=("DL3011", "ExposeInvalidFormat", "ExposeProtoCasing"))
@stage_local
def check(ctx: DockerfileContext) -> None:
    for ins in ctx.df.instructions:
        if ins.keyword == "EXPOSE":
            for w in ins.words:
                _check_word(ctx, ins, w)


def _check_word(ctx: DockerfileContext, ins: Instruction, w: Word) -> None:
    text = w.value
    has_vars = bool(find_refs(w.raw, ctx.df.escape))
    if has_vars:
        text, missing = expand(w.value, ctx.analysis.scope(ins), ctx.df.escape)
        if missing or "$" in text:
            return
    for part in text.split():
        _check_port(ctx, w, part, has_vars)


def _check_port(ctx: DockerfileContext, w: Word, spec: str, has_vars: bool) -> None:
    port, sep, proto = spec.partition("/")
    if sep and proto.lower() not in _PROTOS:
        ctx.report(w.span, f"invalid protocol `{proto}` in `{spec}`: use tcp, udp or sctp",
                   severity=Severity.ERROR, equivalents=E_EQ)
        return
    if ":" in port:
        host, _, container = port.rpartition(":")
        kind = "an IP address" if ("." in host or "[" in host) else "a host port mapping"
        ctx.report(w.span,
                   f"EXPOSE should not contain {kind} (`{spec}`): only the container port "
                   f"`{container or '?'}` is exposed, publish ports with `docker run -p` or "
                   "Compose `ports:`",
                   severity=Severity.WARNING, equivalents=W_EQ)
        return
    m = _PORT_RE.fullmatch(port)
    if not m:
        ctx.report(w.span, f"invalid port `{spec}`: expected `port[/protocol]` or "
                   "`start-end[/protocol]`", severity=Severity.ERROR, equivalents=E_EQ)
        return
    lo = int(m.group(1))
    hi = int(m.group(2)) if m.group(2) is not None else lo
    if lo > 65535 or hi > 65535:
        ctx.report(w.span, f"port `{spec}` is outside 0–65535", severity=Severity.ERROR,
                   equivalents=E_EQ)
        return
    if hi < lo:
        ctx.report(w.span, f"invalid port range `{spec}`: the start is above the end",
                   severity=Severity.ERROR, equivalents=E_EQ)
        return
    if sep and proto != proto.lower():
        fix = None
        span = w.span
        cand = Span(w.span.end - len(proto), w.span.end)
        if not has_vars and not w.quoted and ctx.text[cand.start : cand.end] == proto:
            span = cand
            fix = Fix(f"Lowercase to `{proto.lower()}`", (Edit(span, proto.lower()),),
                      Applicability.SAFE)
        ctx.report(span, f"protocol `{proto}` should be lower case (`{port}/{proto.lower()}`)",
                   severity=Severity.INFORMATION, equivalents=I_EQ, fix=fix)
