"""
## What it does
Reports a Dockerfile feature newer than the Dockerfile syntax the file can rely on:

| feature | needs |
|---|---|
| heredocs (`RUN <<EOF`, `COPY <<EOF`) | 1.4 |
| `COPY --link` / `ADD --link` | 1.4 |
| `ADD --checksum` | 1.6 |
| `RUN --mount=type=secret,env=…` | 1.10 |
| `ADD --unpack` | 1.17 |
| `COPY --exclude` / `ADD --exclude` | 1.19 |
| `COPY --parents` | 1.20 |

The syntax the file can rely on is the higher of the config `min-dockerfile-syntax` and
the `# syntax=docker/dockerfile:1.N` directive (`:1` means the latest 1.x); with neither,
1.4.

## Why is this bad?
Without a `# syntax=` directive, the builder uses the Dockerfile frontend built into the
Docker Engine/BuildKit it runs on; an older one rejects the flag (`unknown flag: exclude`)
or, for heredocs, misreads the instruction.

## Example
```dockerfile
# syntax=docker/dockerfile:1.4
FROM alpine
COPY --exclude=*.md . /src
```
Use instead:
```dockerfile
# syntax=docker/dockerfile:1.19
FROM alpine
COPY --exclude=*.md . /src
```

## Fix safety
Unsafe: adds `# syntax=docker/dockerfile:1.N` as the first line (N = the newest feature
the file uses), or raises the version of an existing `docker/dockerfile` directive, keeping
its registry prefix and `-labs` suffix. The builder then downloads that frontend (needs
network access or a mirror). It stays a parser directive: it goes first in the file,
before any comment or instruction and next to an existing `# escape=`. Decisions: a
`-labs` channel directive counts the labs releases of heredocs (1.3-labs), `--parents`
and `--exclude` (1.7-labs), and a raised labs directive stays labs; a directive naming
another frontend (not `docker/dockerfile`, or pinned by digest only) turns the rule off for
the file, since its feature set is unknown; features inside `ONBUILD` are parsed by the
downstream build and are not checked.
"""

from __future__ import annotations

import re

from dockwise.dockerfile.analysis import DEFAULT_SYNTAX, mount_options, parse_syntax
from dockwise.dockerfile.model import Instruction
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.registry import rule
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity
from dockwise.text import Span

Version = tuple[int, int]
_VERSION_RE = re.compile(r"(docker/dockerfile(?:-upstream)?:)(\d+(?:\.\d+)*)", re.I)
# The labs channel had these earlier (`docker/dockerfile:1.N-labs`).
_LABS_SINCE: dict[str, Version] = {"a heredoc": (1, 3), "`--parents`": (1, 7),
                                   "`--exclude`": (1, 7)}


def features(ins: Instruction) -> list[tuple[Span, str, Version]]:
    """(range, feature, needed syntax) for each gated feature an instruction uses."""
    out: list[tuple[Span, str, Version]] = []
    kw = ins.keyword
    for h in ins.heredocs:
        out.append((h.marker_span, "a heredoc", (1, 4)))
    if kw in ("COPY", "ADD"):
        for f in ins.flags:
            if f.name == "link":
                out.append((f.span, "`--link`", (1, 4)))
            elif f.name == "exclude":
                out.append((f.span, "`--exclude`", (1, 19)))
            elif f.name == "parents" and kw == "COPY":
                out.append((f.span, "`--parents`", (1, 20)))
            elif f.name == "checksum" and kw == "ADD":
                out.append((f.span, "`ADD --checksum`", (1, 6)))
            elif f.name == "unpack" and kw == "ADD":
                out.append((f.span, "`ADD --unpack`", (1, 17)))
    if kw == "RUN":
        for f in ins.flags_named("mount"):
            opts = mount_options(f.value or "")
            if opts.get("type") == "secret" and "env" in opts:
                out.append((f.span, "`--mount=type=secret,env=`", (1, 10)))
    return out


@rule(code="DF018", name="newer-syntax-needed", severity=Severity.WARNING,
      fix=FixAvailability.SOMETIMES)
def check(ctx: DockerfileContext) -> None:
    directive = ctx.df.directive("syntax")
    declared = parse_syntax(directive.value) if directive else None
    configured = ctx.settings.syntax_minimum
    if directive is not None and declared is None and configured is None:
        return  # another frontend: its feature set is unknown
    candidates = [v for v in (configured, declared) if v is not None]
    have: Version = max(candidates) if candidates else DEFAULT_SYNTAX
    labs = directive is not None and declared is not None and "labs" in directive.value.lower()
    if configured is not None and (declared is None or configured >= declared):
        source = "`min-dockerfile-syntax`"
    elif declared is not None:
        source = "the `# syntax=` directive"
    else:
        source = "the default when no `# syntax=` directive is given"

    found: list[tuple[Span, str, Version]] = []
    for ins in ctx.df.instructions:
        for span, name, need in features(ins):
            if labs:
                need = min(need, _LABS_SINCE.get(name, need))
            if need <= have:
                continue
            found.append((span, name, need))
    if not found:
        return
    top = max(need for _, _, need in found)
    fix, why = _fix(ctx, top)
    for span, name, need in found:
        channel = "-labs" if labs and name in _LABS_SINCE else ""
        msg = (f"{name} needs Dockerfile syntax {need[0]}.{need[1]}{channel}, but this file can only "
               f"rely on {_fmt(have)} ({source})")
        if fix is None:
            msg += f"; no automatic fix: {why}"
        ctx.report(span, msg, fix=fix)


def _fmt(v: Version) -> str:
    return f"{v[0]}.x (latest)" if v[1] >= 999 else f"{v[0]}.{v[1]}"


def _fix(ctx: DockerfileContext, top: Version) -> tuple[Fix | None, str]:
    version = f"{top[0]}.{top[1]}"
    directive = ctx.df.directive("syntax")
    if directive is None:
        new = f"# syntax=docker/dockerfile:{version}\n"
        return Fix(f"Add `# syntax=docker/dockerfile:{version}`", (Edit(Span(0, 0), new),),
                   Applicability.UNSAFE), ""
    value = directive.value
    m = _VERSION_RE.search(value)
    if m is None or "@" in value:
        return None, "the `# syntax=` directive pins the frontend by digest"
    start = directive.value_span.start + m.start(2)
    span = Span(start, start + len(m.group(2)))
    rest = value[m.end(2) :].strip()
    shown = version + (rest.split()[0] if rest else "")
    return Fix(f"Raise the syntax directive to docker/dockerfile:{shown}",
               (Edit(span, version),), Applicability.UNSAFE), ""
