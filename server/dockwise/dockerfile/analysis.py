"""Whole-file facts computed once: stages, targets, ARG/ENV scopes, base families."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from dockwise.dockerfile.imageref import ImageRef, parse_reference
from dockwise.dockerfile.model import Dockerfile, Instruction, Word
from dockwise.dockerfile.scanner import scan
from dockwise.dockerfile.variables import expand
from dockwise.text import Span

Scope = Mapping[str, str | None]

# ARGs BuildKit predefines (usable after `ARG NAME` without a value).
PLATFORM_ARGS = frozenset(
    {
        "TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT",
        "BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT",
    }
)
PROXY_ARGS = frozenset(
    {"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy",
     "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"}
)
# Global-scope automatic args available in FROM without declaration.
AUTO_GLOBAL_ARGS = PLATFORM_ARGS | {"BUILDKIT_SYNTAX"}

DEFAULT_SYNTAX = (1, 4)
_SYNTAX_RE = re.compile(r"^(?:docker\.io/)?docker/dockerfile(?:-upstream)?:(\d+)(?:\.(\d+))?", re.I)


@dataclass(slots=True)
class Stage:
    index: int
    from_: Instruction
    base: ImageRef | None  # None for `FROM` without an image
    name: str | None  # lower-cased as BuildKit does
    name_span: Span | None
    raw_name: str | None
    instructions: list[Instruction] = field(default_factory=list)  # after FROM
    parent: int | None = None  # index of the stage named in FROM, if any
    platform: str | None = None

    @property
    def label(self) -> str:
        return self.name if self.name is not None else str(self.index)


@dataclass(slots=True)
class Analysis:
    dockerfile: Dockerfile
    stages: list[Stage]
    global_args: dict[str, str | None]
    global_arg_instrs: list[Instruction]
    scopes: dict[int, Scope]  # id(instruction) -> variables in scope before it
    targets: set[int]
    syntax: tuple[int, int]
    syntax_declared: bool
    compose_targets: bool = False
    _names: dict[str, list[Stage]] | None = None
    _shells: dict[int, list[str] | None] | None = None
    _sources: dict[int, set[int]] | None = None
    _firsts: dict[str, dict[int, int | None]] | None = None
    _layout: object | None = None  # lint.incremental.StageLayout, made on first use

    # -- stage helpers -----------------------------------------------------------
    def stages_named(self, name: str) -> list[Stage]:
        """Every stage called ``name`` (case-insensitive), in file order."""
        idx = self._names
        if idx is None:
            idx = {}
            for st in self.stages:
                if st.name is not None:
                    idx.setdefault(st.name, []).append(st)
            self._names = idx
        return idx.get(name.lower(), [])

    def stage_by_name(self, name: str, before: int | None = None) -> Stage | None:
        """The stage ``name`` refers to (the last one defined before ``before``)."""
        found: Stage | None = None
        for st in self.stages_named(name):
            if before is not None and st.index >= before:
                break
            found = st
        return found

    def stage_of(self, instr: Instruction) -> Stage | None:
        return self.stages[instr.stage] if 0 <= instr.stage < len(self.stages) else None

    def chain(self, stage: Stage) -> list[Stage]:
        """The stage, then its local FROM ancestors (nearest first)."""
        out = [stage]
        seen = {stage.index}
        cur = stage
        while cur.parent is not None and cur.parent not in seen:
            cur = self.stages[cur.parent]
            seen.add(cur.index)
            out.append(cur)
        return out

    def root_base(self, stage: Stage) -> ImageRef | None:
        """The external image at the end of the stage's FROM chain."""
        return self.chain(stage)[-1].base

    def last_in_chain(self, stage: Stage, keyword: str) -> Instruction | None:
        """The effective instruction of a kind (USER, SHELL, WORKDIR, …) for a stage."""
        for st in self.chain(stage):
            for ins in reversed(st.instructions):
                if ins.keyword == keyword:
                    return ins
        return None

    def earlier_in_chain(self, ins: Instruction, key: str,
                         pred: Callable[[Instruction], bool]) -> bool:
        """Whether an instruction in effect before ``ins`` (an earlier one of its stage, or
        any of its FROM-parent stages) satisfies ``pred``, a property of one instruction
        that ``key`` names. Linear in the file: the first match per stage is remembered."""
        stage = self.stage_of(ins)
        if stage is None:
            return False
        if self._firsts is None:
            self._firsts = {}
        firsts = self._firsts.setdefault(key, {})

        def first(st: Stage) -> int | None:
            if st.index not in firsts:
                firsts[st.index] = next((i.span.start for i in st.instructions if pred(i)), None)
            return firsts[st.index]

        own = first(stage)
        if own is not None and own < ins.span.start:
            return True
        return any(first(st) is not None for st in self.chain(stage)[1:])

    def sources_used(self, stage: Stage) -> set[int]:
        """Indexes of stages this stage uses via `--from` or `--mount=from=` (a new set)."""
        memo = self._sources
        if memo is None:
            memo = self._sources = {}
        used = memo.get(stage.index)
        if used is None:
            used = set()
            for ins in stage.instructions:
                for name in stage_refs(ins):
                    st = self.resolve_stage_ref(name, stage.index)
                    if st is not None:
                        used.add(st.index)
            memo[stage.index] = used
        return set(used)

    def resolve_stage_ref(self, ref: str, current: int) -> Stage | None:
        if ref.isdigit():
            i = int(ref)
            return self.stages[i] if i < current else None
        st = self.stage_by_name(ref)
        return st if st is not None and st.index < current else None

    @property
    def target_stages(self) -> list[Stage]:
        return [s for s in self.stages if s.index in self.targets]

    @property
    def builder_stages(self) -> list[Stage]:
        return [s for s in self.stages if s.index not in self.targets]

    def target_ancestors(self) -> set[int]:
        """Stages that are targets or FROM-ancestors of a target."""
        out: set[int] = set()
        for st in self.target_stages:
            out.update(s.index for s in self.chain(st))
        return out

    def scope(self, instr: Instruction) -> Scope:
        return self.scopes.get(id(instr), {})

    def shell_at(self, instr: Instruction) -> list[str] | None:
        """The SHELL in effect for an instruction (None: the default `/bin/sh -c`).
        Computed for every instruction in one pass, on first use."""
        idx = self._shells
        if idx is None:
            idx = {}
            at_end: dict[int, list[str] | None] = {}  # stage -> SHELL in effect at its end
            for st in self.stages:
                shell = at_end.get(st.parent) if st.parent is not None else None
                for ins in st.instructions:
                    idx[id(ins)] = shell
                    if ins.keyword == "ONBUILD" and ins.sub is not None:
                        idx[id(ins.sub)] = shell
                    elif ins.keyword == "SHELL" and ins.exec_form:
                        shell = [e.value for e in ins.exec_form]
                at_end[st.index] = shell
            self._shells = idx
        return idx.get(id(instr))

    def is_windows(self, stage: Stage) -> bool:
        r"""A Windows base image (servercore, nanoserver, `# escape=\``-style files)."""
        base = self.root_base(stage)
        return (base is not None and windows_image(base.expanded)) or self.dockerfile.escape == "`"

    def posix_shell(self, instr: Instruction) -> bool:
        """Whether shell-form RUN/CMD text of this instruction is POSIX shell code."""
        shell = self.shell_at(instr)
        if shell:
            return program_name(shell[0]) in ("sh", "bash", "ash", "dash", "zsh", "ksh", "busybox")
        stage = self.stage_of(instr)
        return stage is None or not self.is_windows(stage)

    def os_family(self, stage: Stage) -> str:
        """debian / alpine / rhel / distroless / scratch / unknown, through FROM chains."""
        from dockwise.images.catalogue import catalogue

        base = self.root_base(stage)
        if base is None:
            return "unknown"
        if base.is_scratch:
            return "scratch"
        if base.unresolved_vars and not base.resolved.repository.strip("/:"):
            return "unknown"
        return catalogue().os_family_of(base.resolved.canonical, base.resolved.tag)


def stage_refs(ins: Instruction) -> list[str]:
    """`--from=` values and `--mount=…,from=…` values of an instruction."""
    out: list[str] = []
    if "from" not in ins.rest.lower():  # no `--from=` / `from=`: no flags to tokenise
        return out
    if ins.keyword in ("COPY", "ADD"):
        for f in ins.flags_named("from"):
            if f.value:
                out.append(f.value)
    if ins.keyword == "RUN":
        for f in ins.flags_named("mount"):
            v = mount_options(f.value or "").get("from")
            if v:
                out.append(v)
    return out


def mount_options(value: str) -> dict[str, str]:
    """`type=cache,target=/x,sharing=locked` -> dict (bare keys map to "true")."""
    opts: dict[str, str] = {}
    for part in value.split(","):
        if not part:
            continue
        k, sep, v = part.partition("=")
        opts[k.strip().lower()] = v.strip() if sep else "true"
    return opts


def parse_syntax(value: str) -> tuple[int, int] | None:
    m = _SYNTAX_RE.match(value.strip())
    if not m:
        return None
    major = int(m.group(1))
    minor = int(m.group(2)) if m.group(2) is not None else 999  # `:1` = latest 1.x
    return (major, minor)


_WINDOWS_REPOS = ("nanoserver", "servercore", "windowsservercore")
_WINDOWS_TAGS = ("nanoserver", "servercore", "ltsc20", "windows")


def windows_image(name: str) -> bool:
    """A Windows image by its reference: Microsoft's `windows/…` and `dotnet/framework/…`
    repositories, a `nanoserver`/`servercore` repository (`nanoserver-insider` too), a
    `…-windows` one (`stefanscherer/mongo-windows`), a Windows tag
    (`python:3.12-windowsservercore-ltsc2022`, `golang:1.22-nanoserver`).
    `dockurr/windows`, a Linux container that runs a Windows VM, is not one."""
    ref = name.lower().split("@", 1)[0]
    repo, colon, tag = ref.rpartition(":")
    if not colon or "/" in tag:
        repo, tag = ref, ""
    parts = repo.split("/")
    if parts[0] == "mcr.microsoft.com" and (parts[1:2] == ["windows"]
                                            or parts[1:3] == ["dotnet", "framework"]):
        return True
    for p in parts[1:] or parts:
        tokens = re.split(r"[-_.]", p)
        if any(t in _WINDOWS_REPOS for t in tokens) or (p != "windows" and "windows" in tokens):
            return True
    return any(w in tag for w in _WINDOWS_TAGS)


def program_name(path: str) -> str:
    """A program's name from its path, lower case (`C:\\Windows\\cmd` -> `cmd`)."""
    return path.replace("\\", "/").rsplit("/", 1)[-1].lower()


def from_image_word(ins: Instruction) -> Word | None:
    return ins.words[0] if ins.words else None


def analyse(
    df: Dockerfile,
    *,
    compose_targets: Iterable[str] | None = None,
    min_syntax: tuple[int, int] | None = None,
) -> Analysis:
    """The analysis of a model, computed once per model and inputs (the scanner hands out
    the same model for the same text). The memo is outside the model: a model and its
    analysis referring to each other would leave every old model to the cycle collector."""
    targets = None if compose_targets is None else tuple(compose_targets)
    key = (id(df), targets, min_syntax)
    with _MEMO_LOCK:
        an = _MEMO.get(key)
    if an is None or an.dockerfile is not df:
        an = _analyse(df, targets, min_syntax)
        with _MEMO_LOCK:
            _MEMO[key] = an
            while len(_MEMO) > 3:  # as many as the scanner keeps models
                _MEMO.popitem(last=False)
    return an


_MEMO: OrderedDict[tuple[object, ...], Analysis] = OrderedDict()
_MEMO_LOCK = threading.Lock()


def _analyse(
    df: Dockerfile,
    compose_targets: tuple[str, ...] | None,
    min_syntax: tuple[int, int] | None,
) -> Analysis:
    escape = df.escape
    global_args: dict[str, str | None] = {}
    global_arg_instrs: list[Instruction] = []
    stages: list[Stage] = []
    scopes: dict[int, Scope] = {}
    scope: dict[str, str | None] = {}
    stage_scopes: list[dict[str, str | None]] = []
    stage_names: dict[str, int] = {}  # stage name -> index of the latest stage with that name
    for ins in df.instructions:
        kw = ins.keyword
        if kw == "FROM":
            idx = len(stages)
            words = ins.words
            base: ImageRef | None = None
            name = raw_name = None
            name_span = None
            if words:
                w = words[0]
                genv = {**{a: None for a in AUTO_GLOBAL_ARGS}, **global_args}
                text, missing = expand(w.value, genv, escape)
                parts = parse_reference(w.value) if not w.quoted else parse_reference(w.raw)
                base = ImageRef(
                    raw=w.value,
                    span=w.span,
                    parts=parts,
                    expanded=text,
                    resolved=parts if text == w.value and not w.quoted else parse_reference(text),
                    unresolved_vars=tuple(r.name for r in missing),
                )
                if len(words) >= 3 and words[1].value.lower() == "as":
                    raw_name = words[2].value
                    name = raw_name.lower()
                    name_span = words[2].span
            plat = ins.flag("platform")
            stage = Stage(idx, ins, base, name, name_span, raw_name,
                          platform=plat.value if plat else None)
            if base is not None:
                stage.parent = stage_names.get(base.expanded.lower())
            stages.append(stage)
            if name is not None:
                stage_names[name] = idx
            scope = dict(stage_scopes[stage.parent]) if stage.parent is not None else {}
            stage_scopes.append(scope)
            ins.stage = idx
            scopes[id(ins)] = global_args
            continue
        if not stages:
            scopes[id(ins)] = dict(global_args)
            if kw == "ARG":
                global_arg_instrs.append(ins)
                for k, v in arg_pairs(ins):
                    global_args[k] = expand(v, global_args, escape)[0] if v is not None else None
            continue
        st = stages[-1]
        ins.stage = st.index
        st.instructions.append(ins)
        if kw == "ONBUILD" and ins.sub is not None:
            ins.sub.stage = st.index
        scopes[id(ins)] = scope
        if kw == "ARG":
            scope = dict(scope)
            for k, v in arg_pairs(ins):
                if v is not None:
                    scope[k] = expand(v, scope, escape)[0]
                elif k in global_args and global_args[k] is not None:
                    scope[k] = global_args[k]
                elif k not in scope:
                    scope[k] = None
            stage_scopes[-1] = scope
        elif kw == "ENV":
            scope = dict(scope)
            for k, v in env_pairs(ins):
                scope[k] = expand(v, scope, escape)[0]
            stage_scopes[-1] = scope

    # targets
    targets: set[int] = set()
    used_compose = False
    if compose_targets is not None:
        used_compose = True
        for t in compose_targets:
            if t == "":
                if stages:
                    targets.add(len(stages) - 1)
                continue
            for st in stages:
                if st.name == t.lower():
                    targets.add(st.index)
    if not used_compose:
        used: set[int] = set()
        for st in stages:
            if st.parent is not None:
                used.add(st.parent)
        an_tmp = Analysis(df, stages, global_args, global_arg_instrs, scopes, set(), DEFAULT_SYNTAX, False)
        for st in stages:
            used |= an_tmp.sources_used(st)
        targets = {st.index for st in stages if st.index not in used}
        if not targets and stages:
            targets = {len(stages) - 1}

    directive = df.directive("syntax")
    declared = parse_syntax(directive.value) if directive else None
    syntax = min_syntax or declared or DEFAULT_SYNTAX
    an = Analysis(
        dockerfile=df,
        stages=stages,
        global_args=global_args,
        global_arg_instrs=global_arg_instrs,
        scopes=scopes,
        targets=targets,
        syntax=syntax,
        syntax_declared=declared is not None,
        compose_targets=used_compose,
    )
    if not used_compose:
        an._sources = an_tmp._sources  # the same stages: keep what targets needed
    return an


def arg_pairs(ins: Instruction) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for w in ins.words:
        k, sep, v = w.value.partition("=")
        out.append((k, v if sep else None))
    return out


def env_pairs(ins: Instruction) -> list[tuple[str, str]]:
    """ENV/LABEL key-value pairs (both `k=v` and legacy `k v` forms)."""
    words = ins.words
    if not words:
        return []
    if "=" not in words[0].value:
        # legacy form: first word is the key, the rest (as written) is the value
        rest = ins.line.text[words[1].lo : ins.args_hi] if len(words) > 1 else ""
        return [(words[0].value, rest)]
    out: list[tuple[str, str]] = []
    for w in words:
        k, _, v = w.value.partition("=")
        out.append((k, v))
    return out


def parse(text: str, **kw: object) -> Analysis:
    """Convenience: scan and analyse."""
    return analyse(scan(text), **kw)  # type: ignore[arg-type]
