"""
## What it does
Reports `pip install` (also `pip3`, `python -m pip`, `uv pip install`) of Python
packages on an Alpine (musl) base when the image catalogue says the package publishes
**no musllinux wheel** — for any version (e.g. `torch`, `tensorflow`), or for the pinned
version (`pkg==X` older than the first release with musllinux wheels). The base is
Alpine when the stage's FROM chain ends in an Alpine image or an `-alpine` variant.
Packages the catalogue does not know, or whose wheel history it does not know, are not
reported (numpy, scipy and pandas have published musllinux wheels since 2023).

## Why is this bad?
Without a wheel for musl, pip falls back to the source distribution: the build needs a
compiler toolchain and takes minutes to hours — or fails outright when the project
publishes no sdist (PyTorch publishes none, so nothing installs).

## Example
```dockerfile
FROM python:3.12-alpine
RUN pip install --no-cache-dir torch
```
Use instead:
```dockerfile
FROM python:3.12-slim
RUN pip install --no-cache-dir torch
```

## Fix safety
No automatic fix: switching the base to glibc (`python:3.12-slim`) or installing the
Alpine package (`apk add py3-…`, where Alpine packages it) changes much more than one
line. The message suggests both.

Decisions where the catalogue is silent: requirement files (`-r requirements.txt`) and
`pyproject.toml` dependencies are not read (their packages are unknown here); the
architecture is not distinguished (the catalogue records wheels per package and version).
≈ DF209 (PyTorch wheel/CUDA mismatches).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from dockwise.dockerfile.model import Instruction
from dockwise.dockerfile.shell import ShellWord, commands, unwrap
from dockwise.images.catalogue import normalize_pypi_name
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.types import Severity

_PIP = re.compile(r"^pip(?:3(?:\.\d+)?)?$")
_PYTHON = re.compile(r"^python(?:3(?:\.\d+)?)?$")
# pip install options that take a value (as the next word when not written `--x=v`)
_VALUE_OPTS = frozenset({
    "-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-t", "--target",
    "-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--prefix", "--root",
    "--platform", "--python-version", "--implementation", "--abi", "--src",
    "--upgrade-strategy", "--progress-bar", "--cache-dir", "--log", "--timeout",
    "--retries", "--trusted-host", "--proxy", "--cert", "--client-cert", "--no-binary",
    "--only-binary", "--config-settings", "-C", "--global-option", "--install-option",
    "--python", "--report", "--exists-action", "--root-user-action", "--index-strategy",
    "--keyring-provider", "--prerelease", "--resolution", "--default-index", "--index",
})
_INDEX_OPTS = frozenset({"-i", "--index-url", "--extra-index-url", "-f", "--find-links",
                         "--index", "--default-index"})
_NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(.*)$")


@dataclass(slots=True)
class Requirement:
    name: str  # normalised (PEP 503)
    spec: str  # the version part as written (`==2.3.0+cpu`, `>=1`, "")
    word: ShellWord


@dataclass(slots=True)
class PipInstall:
    packages: list[Requirement] = field(default_factory=list)
    indexes: list[tuple[str, ShellWord]] = field(default_factory=list)  # (url, word)


def pip_installs(ins: Instruction) -> Iterator[PipInstall]:
    """The `pip install` commands of a RUN (shell form and shell heredocs)."""
    if "pip" not in ins.rest and not any("pip" in h.body for h in ins.heredocs):
        return
    for _script, raw in commands(ins):
        cmd = unwrap(raw)
        words = cmd.words
        k = _install_index(words)
        if k is None:
            continue
        out = PipInstall()
        i = k + 1
        while i < len(words):
            w = words[i]
            v = w.value
            if v.startswith("-"):
                opt, eq, val = v.partition("=")
                if opt in _VALUE_OPTS:
                    vword = w
                    if not eq:
                        i += 1
                        if i >= len(words):
                            break
                        vword = words[i]
                        val = vword.value
                    if opt in _INDEX_OPTS:
                        out.indexes.append((val, vword))
                i += 1
                continue
            req = parse_requirement(v)
            if req is not None:
                out.packages.append(Requirement(req[0], req[1], w))
            i += 1
        yield out


def _install_index(words: list[ShellWord]) -> int | None:
    """Index of the `install` word of a pip command, or None."""
    if not words:
        return None
    name = words[0].value.rsplit("/", 1)[-1]
    vals = [w.value for w in words]
    if _PIP.match(name):
        j = 1
    elif _PYTHON.match(name) and len(vals) > 2 and vals[1] == "-m" and vals[2] in ("pip",
                                                                                  "pip3"):
        j = 3
    elif name == "uv" and len(vals) > 1 and vals[1] == "pip":
        j = 2
    else:
        return None
    while j < len(vals) and vals[j].startswith("-"):
        j += 1  # global options such as `--no-cache-dir` before `install`
    return j if j < len(vals) and vals[j] == "install" else None


def parse_requirement(text: str) -> tuple[str, str] | None:
    """``torch==2.3.0+cpu`` -> (``torch``, ``==2.3.0+cpu``); None for paths, URLs,
    variables and archives."""
    t = text.strip()
    if not t or "$" in t or "/" in t or t.startswith(".") or "://" in t or t.endswith(
            (".whl", ".tar.gz", ".zip")):
        return None
    m = _NAME.match(t)
    if m is None:
        return None
    rest = m.group(3).split(";", 1)[0].strip()
    if rest and rest[0] not in "=<>!~":
        return None
    return normalize_pypi_name(m.group(1)), rest


def release(text: str) -> tuple[int, ...] | None:
    """The numeric release of a version (``2.3.0+cpu`` -> (2, 3, 0)); None if none."""
    m = re.match(r"^v?(\d+(?:\.\d+)*)", text.strip())
    return tuple(int(p) for p in m.group(1).split(".")) if m else None


def _pinned_version(spec: str) -> tuple[int, ...] | None:
    m = re.match(r"^===?\s*([^,;\s]+)$", spec)
    if not m or "*" in m.group(1):
        return None
    return release(m.group(1))


def _glibc_alternative(ctx: DockerfileContext, base_canonical: str, tag: str | None) -> str:
    if base_canonical == "python" and tag:
        m = re.match(r"^(\d+(?:\.\d+)*)-alpine", tag)
        if m:
            return f"`python:{m.group(1)}-slim`"
    return "a glibc base such as `python:3.x-slim`"


@rule(code="DF205", name="alpine-binary-wheels", severity=Severity.WARNING)
@stage_local
def check(ctx: DockerfileContext) -> None:
    an = ctx.analysis
    cat = ctx.images
    for st in ctx.stages:
        os_family: str | None = None
        for ins in st.instructions:
            if ins.keyword != "RUN" or ("pip" not in ins.rest
                                        and not any("pip" in h.body for h in ins.heredocs)):
                continue
            if os_family is None:
                os_family = an.os_family(st)
            if os_family != "alpine":
                break
            for inst in pip_installs(ins):
                for req in inst.packages:
                    since = cat.musllinux_wheel(req.name)
                    if since == "unknown":
                        continue
                    if since is not None:
                        pinned = _pinned_version(req.spec)
                        first = release(since)
                        if pinned is None or first is None or pinned >= first:
                            continue
                        shown = req.spec.lstrip("=").strip()
                        why = (f"`{req.name}` {shown} predates its first musllinux wheels "
                               f"({since})")
                    else:
                        why = f"`{req.name}` publishes no musllinux (Alpine) wheels"
                    base = an.root_base(st)
                    alt = _glibc_alternative(ctx, base.resolved.canonical if base else "",
                                             base.resolved.tag if base else None)
                    ctx.report(req.word.span,
                               f"{why}: on this Alpine (musl) base pip builds it from source "
                               f"or fails; install the Alpine package (`apk add py3-…`) if "
                               f"Alpine packages it, or use {alt}")
