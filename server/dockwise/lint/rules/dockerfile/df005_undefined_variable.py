"""
## What it does
Reports `$VAR` / `${VAR}` references without a default (`${VAR:-x}`, `${VAR-x}`,
`${VAR:+x}`, `${VAR:?x}` have one) whose name is not in scope, in the instructions the
builder itself expands: `ADD`, `COPY` (arguments, `--chown`, `--chmod`, `--checksum`,
and unquoted heredoc bodies), `ENV`, `EXPOSE`, `FROM` (image and `--platform`), `LABEL`,
`STOPSIGNAL`, `USER`, `VOLUME`, `WORKDIR` and `ARG` defaults.

Scope, as BuildKit has it:

- `FROM` sees only the global `ARG`s (those before the first `FROM`) and the automatic
  platform args (`TARGETPLATFORM`, `BUILDARCH`, …).
- Inside a stage: `ARG`/`ENV` declared earlier in the stage or inherited from a parent
  *stage* (`FROM <stage>`). A global `ARG` is not visible in a stage until it is
  redeclared with `ARG NAME`; the platform args (`TARGET*`, `BUILD*`) likewise only after
  `ARG NAME` in the stage.
- In `ENV A=1 B=$A`, `B` sees the value `A` had *before* the instruction, not `1`.

When the stage's base (at the end of its `FROM <stage>` chain) is an external image, its
`ENV` is unknown, so only two cases are reported there: an undeclared platform arg or
global `ARG`, and a name within edit distance 2 of a known name ("did you mean").

## Why is this bad?
An undefined variable expands to the empty string: `COPY app /$APPDIR/` copies to `/`,
`FROM python:${VERSION}` becomes an invalid reference, `ENV PATH=$VENV/bin:$PATH` puts
`/bin` first. The build goes on silently with a value the author did not intend.

## Example
```dockerfile
ARG VERSION=1.2
FROM alpine:3.20
ARG TARGETARCH
LABEL version=$VERSION         # global ARG not redeclared in the stage
ENV APP_HOME=/app LOGS=$APP_HOME/logs   # APP_HOME is not set yet in this ENV
COPY bin/app-$TARGETARCH /usr/local/bin/app
```

## Fix safety
No automatic fix: whether to declare the variable, give it a default or correct a typo
is the author's call. The message says which.

Decisions where the catalogue is silent: `RUN`, `CMD`, `ENTRYPOINT`, `HEALTHCHECK`,
`SHELL` and `ONBUILD` are never checked (the shell or the downstream build expands
them); the predefined proxy args (`HTTP_PROXY`, …) and `PATH` (BuildKit sets a default
`PATH` in every stage, even `FROM scratch`) are never reported; single quotes
suppress expansion except in heredoc bodies; several pairs in one `ARG` see each other
(only `ENV` is evaluated against the previous environment); near-miss names must have at
least 4 characters (distance 1 up to 5 characters, 2 from 6) and common image
variables (`PATH`, `HOME`, `*_VERSION`, …) are never near-misses. `--from` is DF002's.
≈ hadolint DL3044 covers only the `ENV A=1 B=$A` sub-case.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from dockwise.dockerfile.analysis import (
    AUTO_GLOBAL_ARGS,
    PLATFORM_ARGS,
    PROXY_ARGS,
    Stage,
)
from dockwise.dockerfile.model import Instruction, Word
from dockwise.dockerfile.variables import VarRef, find_refs
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.rules.dockerfile.df002_unknown_stage import closest
from dockwise.lint.types import Severity
from dockwise.text import Span

_EXPANDED = frozenset(
    {"ADD", "COPY", "ENV", "EXPOSE", "LABEL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR", "ARG"}
)
_FLAGS = frozenset({"chown", "chmod", "checksum"})
# Variables base images commonly set; never treated as a near-miss of a declared name.
_COMMON_ENV = frozenset(
    {"PATH", "HOME", "LANG", "LANGUAGE", "LC_ALL", "USER", "HOSTNAME", "PWD", "SHELL", "TERM",
     "TZ", "DEBIAN_FRONTEND", "GOPATH", "GOROOT", "GOBIN", "JAVA_HOME", "CARGO_HOME",
     "RUSTUP_HOME", "NODE_ENV", "GPG_KEY", "LD_LIBRARY_PATH", "PYTHONPATH", "VIRTUAL_ENV",
     "CONDA_DIR", "NVARCH", "NV_CUDA_LIB_VERSION", "UID", "GID"}
)
_COMMON_SUFFIXES = ("_VERSION", "_HOME", "_PATH", "_ROOT", "_DIR", "_URL", "_SHA256")
_UNDEF = ("UndefinedVar",)


def _sees_everything(chain: list[Stage]) -> bool:
    """True when the stage's inherited ENV is fully known (its chain starts at scratch)."""
    root = chain[-1].base
    return root is not None and not root.unresolved_vars and root.is_scratch


@rule(code="DF005", name="undefined-variable", severity=Severity.WARNING,
      equivalents=("UndefinedVar", "UndefinedArgInFrom", "DL3044"))
@stage_local
def check(ctx: DockerfileContext) -> None:
    an = ctx.analysis
    global_args = an.global_args
    genv: dict[str, str | None] = {**{a: None for a in AUTO_GLOBAL_ARGS}, **global_args}
    for st in ctx.stages:
        _check_from(ctx, st.from_, genv)
        chain = an.chain(st)
        known_env = _sees_everything(chain)
        root_ref = chain[-1].base
        root = root_ref.expanded.lower() if root_ref is not None else ""
        for ins in st.instructions:
            if ins.keyword not in _EXPANDED:
                continue
            # every reference needs a `$`: in the arguments, a flag or a heredoc body
            rest = ins.rest
            if "$" not in rest and not ins.heredocs and not rest.startswith("--"):
                continue  # (`--`: `ins.has_flags`)
            scope = an.scope(ins)
            checker = _Checker(ctx, ins, scope, global_args, known_env, root)
            checker.run()


def _check_from(ctx: DockerfileContext, ins: Instruction, genv: Mapping[str, str | None]) -> None:
    found: list[tuple[VarRef, Span]] = []
    for f in ins.flags_named("platform"):
        if f.value_span is not None:
            sp = f.value_span
            if "$" not in ctx.text[sp.start : sp.end]:
                continue
            for r in find_refs(ctx.text[sp.start : sp.end], ins.escape, single_quotes=True):
                found.append((r, Span(sp.start + r.lo, sp.start + r.hi)))
    words = ins.words
    if words and "$" in words[0].raw:
        w = words[0]
        for r in find_refs(w.raw, ins.escape, single_quotes=True):
            found.append((r, ins.span_of(w.lo + r.lo, w.lo + r.hi)))
    for r, span in found:
        if r.has_default or r.op or r.name in genv or r.name in PROXY_ARGS:
            continue
        hint = _did_you_mean(r.name, genv.keys())
        ctx.report(span,
                       f"`{r.name}` is not a global ARG: FROM only sees ARGs declared before "
                       f"the first FROM, so it expands to an empty string{hint}",
                       equivalents=("UndefinedArgInFrom",))


def _did_you_mean(name: str, candidates: Iterable[str]) -> str:
    guess = _near(name, candidates)
    return f" (did you mean `{guess}`?)" if guess else ""


def _near(name: str, candidates: Iterable[str]) -> str | None:
    if len(name) < 4:
        return None
    max_d = 1 if len(name) <= 5 else 2
    return closest(name, [c for c in candidates if len(c) >= 4], max_d)


_ALIASES = {"java": ("temurin", "openjdk", "jdk", "jre", "corretto", "java"),
            "go": ("golang",), "golang": ("golang",), "conda": ("conda", "mamba")}


def _commonly_set(name: str, base: str) -> bool:
    """A name the base image probably sets: `PATH`, `HOME`, … or `<image>_VERSION` and the
    like when `<image>` is part of the base image reference (`PYTHON_VERSION` on python)."""
    if name in _COMMON_ENV:
        return True
    for suffix in _COMMON_SUFFIXES:
        if name.endswith(suffix):
            prefix = name[: -len(suffix)].lower()
            words = _ALIASES.get(prefix, (prefix,))
            return bool(prefix) and any(w in base for w in words)
    return False


def _ignored(r: VarRef, scope: Mapping[str, str | None]) -> bool:
    """A reference that is never reported."""
    name = r.name
    if r.has_default or name in scope or name in PROXY_ARGS or name == "PATH":
        return True  # BuildKit gives every stage a default PATH, even on scratch
    return bool(r.op)  # an unsupported operator: not this rule's business


class _Checker:
    def __init__(self, ctx: DockerfileContext, ins: Instruction, scope: Mapping[str, str | None],
                 global_args: Mapping[str, str | None], known_env: bool, base: str) -> None:
        self.ctx = ctx
        self.ins = ins
        self.scope = scope
        self.global_args = global_args
        self.known_env = known_env
        self.base = base

    def run(self) -> None:
        ins = self.ins
        kw = ins.keyword
        for f in ins.flags:
            if f.name in _FLAGS and f.value_span is not None:
                sp = f.value_span
                self._scan_source(self.ctx.text[sp.start : sp.end], sp.start, self.scope)
        if kw == "ENV":
            self._env()
        elif kw == "LABEL":
            for w in self._pair_value_words():
                self._scan_word(w, self.scope)
        elif kw == "ARG":
            self._arg()
        else:
            for w in ins.words:
                if kw in ("COPY", "ADD") and w.raw.lstrip("0123456789").startswith("<<"):
                    continue
                self._scan_word(w, self.scope)
            if kw in ("COPY", "ADD"):
                for h in ins.heredocs:
                    if not h.quoted:
                        self._scan_body(h.body, h.body_span.start)

    # -- instruction kinds -------------------------------------------------------
    def _pair_value_words(self) -> list[Word]:
        return list(self.ins.words)

    def _env(self) -> None:
        ins = self.ins
        words = ins.words
        if not words:
            return
        if "=" not in words[0].value:  # legacy `ENV key value`
            if len(words) > 1:
                lo, hi = words[1].lo, ins.args_hi
                self._scan_logical(ins.line.text[lo:hi], lo, self.scope, set())
            return
        same: set[str] = set()
        for w in words:
            k, sep, _ = w.raw.partition("=")
            if sep:
                self._scan_logical(w.raw[len(k) + 1 :], w.lo + len(k) + 1, self.scope, same)
            same.add(k)

    def _arg(self) -> None:
        scope = dict(self.scope)
        for w in self.ins.words:
            k, sep, _ = w.raw.partition("=")
            if sep:
                self._scan_logical(w.raw[len(k) + 1 :], w.lo + len(k) + 1, scope, set())
                scope[k] = ""
            elif k not in scope:
                scope[k] = None

    # -- scanning ------------------------------------------------------------------
    def _scan_word(self, w: Word, scope: Mapping[str, str | None]) -> None:
        self._scan_logical(w.raw, w.lo, scope, set())

    def _scan_logical(self, text: str, lo: int, scope: Mapping[str, str | None],
                      same: set[str]) -> None:
        if "$" not in text:
            return
        for r in find_refs(text, self.ins.escape, single_quotes=True):
            if _ignored(r, scope):
                continue  # (what `_check` returns on first: no span needed)
            self._check(r, self.ins.span_of(lo + r.lo, lo + r.hi), scope, same)

    def _scan_source(self, text: str, start: int, scope: Mapping[str, str | None]) -> None:
        if "$" not in text:
            return
        for r in find_refs(text, self.ins.escape, single_quotes=True):
            self._check(r, Span(start + r.lo, start + r.hi), scope, set())

    def _scan_body(self, text: str, start: int) -> None:
        if "$" not in text:
            return
        for r in find_refs(text, self.ins.escape):
            self._check(r, Span(start + r.lo, start + r.hi), self.scope, set())

    def _check(self, r: VarRef, span: Span, scope: Mapping[str, str | None],
               same: set[str]) -> None:
        if _ignored(r, scope):
            return
        name = r.name
        ctx = self.ctx
        if name in same:
            before = ("where it is not defined" if self.known_env
                      else "not the value set here (nothing earlier in this Dockerfile sets it)")
            ctx.report(span, f"`{name}` is set in this same ENV instruction: the reference sees "
                       f"its value from before the instruction, {before}; set it in a separate "
                       "`ENV` line first", equivalents=("DL3044", "UndefinedVar"))
            return
        if name in PLATFORM_ARGS:
            ctx.report(span, f"`{name}` is only set in a stage after `ARG {name}`: add it "
                       "before this instruction", equivalents=_UNDEF)
            return
        if name in self.global_args and (self.known_env or not _commonly_set(name, self.base)):
            ctx.report(span, f"global ARG `{name}` is not visible inside a stage: redeclare it "
                       f"with `ARG {name}` after FROM", equivalents=_UNDEF)
            return
        candidates = set(scope) | set(self.global_args)
        guess = None if _commonly_set(name, self.base) else _near(name, candidates)
        if self.known_env:
            hint = f" (did you mean `{guess}`?)" if guess else ""
            ctx.report(span, f"`{name}` is not defined here (no ARG or ENV declares it), so "
                       f"it expands to an empty string{hint}", equivalents=_UNDEF)
        elif guess is not None:
            ctx.report(span, f"`{name}` is not declared by an ARG or ENV of this Dockerfile "
                       f"(did you mean `{guess}`?); unless the base image sets it, it expands "
                       "to an empty string", equivalents=_UNDEF)
