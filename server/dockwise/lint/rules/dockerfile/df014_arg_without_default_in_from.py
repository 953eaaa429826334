"""
## What it does
Reports a global `ARG` without a default value (or with an empty one) that is used in a
`FROM` image reference in a way that leaves an invalid reference when the build argument
is not passed: `FROM python:${VERSION}` becomes `FROM python:`, `FROM ${BASE}` becomes
`FROM ` and `FROM ${REGISTRY}/app` becomes `FROM /app`.

## Why is this bad?
A plain `docker build .` (or a Compose build without that `args:` entry) fails with
"invalid reference format" instead of building a sensible default. BuildKit warns about
it (InvalidDefaultArgInFrom).

## Example
```dockerfile
ARG VERSION
FROM python:${VERSION}-slim
```
Use instead:
```dockerfile
ARG VERSION=3.13
FROM python:${VERSION}-slim
```

## Fix safety
No automatic fix: the right default version cannot be guessed.

Decisions: an argument that may be empty without breaking the reference
(`FROM python:3.13${VARIANT}` is `python:3.13` then) is not reported, like BuildKit;
neither are references with a default operator (`${VERSION:-3.13}`) nor the automatic
platform args (`TARGETARCH`, …). `--platform=$PLATFORM` is not reported (an empty
platform is the default). Undeclared names are DF005's.
"""

from __future__ import annotations

from dockwise.dockerfile.analysis import AUTO_GLOBAL_ARGS
from dockwise.dockerfile.imageref import valid_reference
from dockwise.dockerfile.model import Instruction
from dockwise.dockerfile.variables import expand, find_refs
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.types import Severity

_PLACEHOLDER = "a" * 64
_AUTO_VALUES = {
    "TARGETPLATFORM": "linux/amd64", "TARGETOS": "linux", "TARGETARCH": "amd64",
    "TARGETVARIANT": "", "BUILDPLATFORM": "linux/amd64", "BUILDOS": "linux",
    "BUILDARCH": "amd64", "BUILDVARIANT": "", "BUILDKIT_SYNTAX": "",
}


def _defaults(ctx: DockerfileContext) -> dict[str, str | None]:
    """Global ARG defaults; a later `ARG X` without value keeps an earlier default."""
    out: dict[str, str | None] = {}
    for ins in ctx.analysis.global_arg_instrs:
        for w in ins.words:
            k, sep, v = w.value.partition("=")
            if sep:
                out[k] = expand(v, {**_AUTO_VALUES, **out}, ins.escape)[0]
            elif k not in out:
                out[k] = None
    return out


@rule(code="DF014", name="arg-without-default-in-from", severity=Severity.WARNING,
      equivalents=("InvalidDefaultArgInFrom",))
@stage_local
def check(ctx: DockerfileContext) -> None:
    defaults = _defaults(ctx)
    empty = {k for k, v in defaults.items() if not v and k not in AUTO_GLOBAL_ARGS}
    if not empty:
        return
    for st in ctx.stages:
        _check_from(ctx, st.from_, defaults, empty)


def _check_from(ctx: DockerfileContext, ins: Instruction, defaults: dict[str, str | None],
                empty: set[str]) -> None:
    words = ins.words
    if not words or "$" not in words[0].raw:
        return
    w = words[0]
    refs = [r for r in find_refs(w.raw, ins.escape, single_quotes=True)
            if r.name in empty and not r.op]
    if not refs:
        return
    base_env: dict[str, str | None] = {**_AUTO_VALUES, **defaults}
    as_passed = {**base_env, **{k: _PLACEHOLDER for k in empty}}
    as_empty = {**base_env, **{k: "" for k in empty}}
    with_value = expand(w.value, as_passed, ins.escape)[0]
    without = expand(w.value, as_empty, ins.escape)[0]
    if not valid_reference(with_value) or valid_reference(without):
        return
    shown = f"`FROM {without}`" if without else "`FROM` with an empty image"
    for r in refs:
        what = "no default" if defaults.get(r.name) is None else "an empty default"
        ctx.report(
            ins.span_of(w.lo + r.lo, w.lo + r.hi),
            f"`ARG {r.name}` has {what}: without `--build-arg {r.name}=…` this is "
            f"{shown}, an invalid image reference; give it a default "
            f"(`ARG {r.name}=…`)",
        )
