"""Package-manager invocations in RUN instructions, read through the shell model.

``package_commands(ins)`` finds every apt-get/apt/apk/yum/dnf/microdnf/zypper/pip/uv/npm/
gem command of a RUN (shell-form line, shell heredoc bodies, and exec form), with its
subcommand, its options (values attached, short bundles like ``-qy`` split) and its
operands, every word carrying its exact source span. ``installs(ins)`` keeps the installs.

Helpers shared by the cache/size rules: :func:`mounts` (``RUN --mount`` options),
:func:`removes` (an ``rm``/``find -delete`` of a directory), :func:`add_option_edit`
(insert a flag after the subcommand) and :func:`append_edit` (append a command to the RUN:
``&& …`` on a shell-form line, a new line in a heredoc body; never for exec form).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from dockwise.dockerfile.analysis import Analysis, mount_options
from dockwise.dockerfile.model import Dockerfile, Instruction
from dockwise.dockerfile.shell import Command, Script, ShellWord, run_scripts, tokenize, unwrap
from dockwise.text import Span

#: manager -> ecosystem
ECOSYSTEMS: dict[str, str] = {
    "apt-get": "apt", "apt": "apt", "apk": "apk", "yum": "rpm", "dnf": "rpm",
    "microdnf": "rpm", "zypper": "rpm", "pip": "pip", "uv": "pip", "npm": "npm", "gem": "gem",
}

# Options that take a value in the next word (when not written `--opt=value`).
_VALUE_OPTS: dict[str, frozenset[str]] = {
    "apt": frozenset({"-o", "--option", "-t", "--target-release", "--default-release", "-c",
                      "--config-file", "-a", "--host-architecture", "-P", "--build-profiles"}),
    "apk": frozenset({"-X", "--repository", "-t", "--virtual", "-p", "--root", "--arch",
                      "--cache-dir", "--keys-dir", "--repositories-file", "--cache-max-age",
                      "--timeout", "--progress-fd"}),
    "rpm": frozenset({"-c", "--config", "-d", "--debuglevel", "-e", "--errorlevel",
                      "--installroot", "--releasever", "--setopt", "--enablerepo",
                      "--disablerepo", "--repo", "--repoid", "-x", "--exclude",
                      "--disableplugin", "--enableplugin", "--color", "--destdir",
                      "--downloaddir", "--comment", "--forcearch", "--rpmverbosity",
                      "--repofrompath", "--advisory", "--bz", "--cve", "--sec-severity",
                      "--secseverity", "--platform-id", "-R", "--root", "-D", "--reposd-dir",
                      "-C", "--cache-dir", "--raw-cache-dir", "--solv-cache-dir",
                      "--pkg-cache-dir", "-r", "--from", "--type", "-t"}),
    "pip": frozenset({"-r", "--requirement", "-c", "--constraint", "-i", "--index-url",
                      "--extra-index-url", "-f", "--find-links", "-t", "--target", "--prefix",
                      "--root", "-e", "--editable", "--trusted-host", "--platform",
                      "--python-version", "--implementation", "--abi", "--only-binary",
                      "--no-binary", "--progress-bar", "--src", "--upgrade-strategy",
                      "--global-option", "--config-settings", "-C", "--config-setting",
                      "--log", "--proxy", "--timeout", "--retries", "--cache-dir", "--python",
                      "-p", "--exists-action", "--cert", "--client-cert", "--report",
                      "--root-user-action", "--index", "--default-index", "--override",
                      "--index-strategy", "--keyring-provider", "--resolution", "--prerelease",
                      "--exclude-newer", "--reinstall-package", "--upgrade-package", "-P",
                      "--python-platform", "--config-file", "--link-mode", "--no-build-package",
                      "--build-constraint", "-b", "--extra", "--group", "--directory",
                      "--project"}),
    "npm": frozenset({"--prefix", "--registry", "--cache", "--omit", "--include", "--tag",
                      "--userconfig", "-w", "--workspace", "--loglevel", "--install-strategy"}),
    "gem": frozenset({"-v", "--version", "-i", "--install-dir", "-n", "--bindir", "-s",
                      "--source", "-P", "--trust-policy", "--platform", "--build-root", "-g",
                      "--file"}),
}

_ACTIONS: dict[str, dict[str, str]] = {
    "apt": {"install": "install", "update": "update", "upgrade": "upgrade",
            "dist-upgrade": "upgrade", "full-upgrade": "upgrade", "remove": "remove",
            "purge": "remove", "autoremove": "autoremove", "clean": "clean",
            "autoclean": "clean", "distclean": "distclean", "dist-clean": "distclean",
            "build-dep": "build-dep", "source": "source",
            "download": "download", "reinstall": "install", "satisfy": "install"},
    "apk": {"add": "install", "del": "remove", "update": "update", "upgrade": "upgrade",
            "cache": "cache", "fix": "fix"},
    "rpm": {"install": "install", "in": "install", "localinstall": "install",
            "groupinstall": "install", "reinstall": "install", "update": "upgrade",
            "upgrade": "upgrade", "up": "upgrade", "dist-upgrade": "upgrade", "dup": "upgrade",
            "remove": "remove", "erase": "remove", "rm": "remove", "autoremove": "autoremove",
            "clean": "clean", "cc": "clean", "makecache": "update", "refresh": "update",
            "ref": "update", "group": "group", "groups": "group", "module": "module"},
    "pip": {"install": "install", "uninstall": "remove", "download": "download",
            "wheel": "wheel", "config": "config", "cache": "cache", "sync": "sync"},
    "npm": {"install": "install", "i": "install", "add": "install", "in": "install",
            "isntall": "install", "ci": "ci", "uninstall": "remove", "remove": "remove",
            "rm": "remove", "un": "remove", "update": "upgrade", "cache": "cache"},
    "gem": {"install": "install", "i": "install", "uninstall": "remove", "update": "upgrade"},
}

_PIP = re.compile(r"pip(\d+(\.\d+)?)?$")
_PYTHON = re.compile(r"python(\d+(\.\d+)?)?$")


class Option(NamedTuple):
    """One option: ``--yes``, ``-y`` (also one letter of a bundle like ``-qy``),
    ``--virtual=.deps`` / ``--virtual .deps`` (value attached)."""

    name: str  # with dashes: "-y", "--no-cache-dir"
    value: str | None
    word: ShellWord
    value_word: ShellWord | None = None  # when the value is the following word
    before_verb: bool = False  # a global option (`zypper -n install`, `pip --no-cache-dir install`)


@dataclass(slots=True, eq=False)
class PackageCommand:
    """A package-manager invocation, e.g. ``apt-get install -y --no-install-recommends curl``."""

    manager: str  # apt-get, apt, apk, yum, dnf, microdnf, zypper, pip, uv, npm, gem
    action: str  # normalised: install, update, upgrade, remove, clean, cache, ... ("" if none)
    verbs: list[ShellWord]  # the subcommand word(s): [install], [pip, install], [group, install]
    command: Command  # the unwrapped simple command (words[0] is the program)
    script: Script | None  # None for exec form
    options: list[Option] = field(default_factory=list)
    packages: list[ShellWord] = field(default_factory=list)  # operands after the subcommand
    exec_form: bool = False
    sudo: bool = False  # run through `sudo` (appended commands need it too)

    @property
    def ecosystem(self) -> str:
        return ECOSYSTEMS[self.manager]

    @property
    def verb(self) -> ShellWord | None:
        return self.verbs[-1] if self.verbs else None

    def run_alike(self, command: str) -> str:
        """``command`` to run next to this one (before or after), with `sudo` when this one
        needs it."""
        return "sudo " + command if self.sudo else command

    @property
    def span(self) -> Span:
        """From the program to the subcommand (`apt-get install`, `python -m pip install`)."""
        first = self.command.words[0].span
        last = self.verbs[-1].span if self.verbs else first
        return Span(first.start, max(first.end, last.end))

    @property
    def text(self) -> str:
        """`apt-get install` as written (values, for messages)."""
        return " ".join(w.value for w in self.command.words[: self._verb_end()])

    def _verb_end(self) -> int:
        if not self.verbs:
            return 1
        return next(i for i, w in enumerate(self.command.words) if w is self.verbs[-1]) + 1

    def has_option(self, *names: str, before_verb: bool | None = None) -> bool:
        return any(o.name in names and (before_verb is None or o.before_verb == before_verb)
                   for o in self.options)

    def option_values(self, *names: str) -> list[str]:
        return [o.value for o in self.options if o.name in names and o.value is not None]


def _identify(words: list[ShellWord]) -> tuple[str, int] | None:
    """(manager, index of the first word after the program part) for a command."""
    if not words:
        return None
    name = words[0].value.rsplit("/", 1)[-1]
    if name in ("apt-get", "apt", "apk", "yum", "dnf", "microdnf", "zypper", "npm", "gem"):
        return name, 1
    if name == "dnf5":
        return "dnf", 1
    if _PIP.match(name):
        return "pip", 1
    if name == "uv":
        return "uv", 1
    if _PYTHON.match(name):
        # python [-u -I …] -m pip
        for i in range(1, len(words) - 1):
            v = words[i].value
            if v == "-m":
                return ("pip", i + 2) if _PIP.match(words[i + 1].value) else None
            if v == "-mpip":
                return "pip", i + 1
            if not v.startswith("-"):
                return None
    return None


def _parse(cmd: Command, script: Script | None, exec_form: bool) -> PackageCommand | None:
    words = cmd.words
    ident = _identify(words)
    if ident is None:
        return None
    manager, i = ident
    eco = ECOSYSTEMS[manager]
    table = _ACTIONS[eco]
    value_opts = _VALUE_OPTS[eco]
    options: list[Option] = []
    operands: list[ShellWord] = []
    verbs: list[ShellWord] = []
    action = ""
    need_pip = manager == "uv"  # `uv [global options] pip install`
    n = len(words)
    end_of_options = False
    while i < n:
        w = words[i]
        v = w.value
        if not end_of_options and v == "--":
            end_of_options = True
            i += 1
            continue
        if not end_of_options and v.startswith("-") and len(v) > 1 and not w.quoted:
            before = not verbs or need_pip
            if v.startswith("--"):
                name, sep, val = v.partition("=")
                if sep:
                    options.append(Option(name, val, w, None, before))
                elif name in value_opts and i + 1 < n:
                    options.append(Option(name, words[i + 1].value, w, words[i + 1], before))
                    i += 1
                else:
                    options.append(Option(name, None, w, None, before))
            else:
                # short options, possibly bundled; a value option takes the rest or next word
                letters = v[1:]
                for j, ch in enumerate(letters):
                    name = "-" + ch
                    if name in value_opts:
                        rest = letters[j + 1 :].lstrip("=")
                        if rest:
                            options.append(Option(name, rest, w, None, before))
                        elif i + 1 < n:
                            options.append(Option(name, words[i + 1].value, w, words[i + 1],
                                                  before))
                            i += 1
                        else:
                            options.append(Option(name, None, w, None, before))
                        break
                    options.append(Option(name, None, w, None, before))
            i += 1
            continue
        if need_pip:
            if v != "pip":
                return None
            verbs.append(w)
            need_pip = False
            i += 1
            continue
        if not action:
            act = table.get(v)
            if act is None:
                return None  # `apt-get moo`, `pip freeze`, `npm run build`, …
            verbs.append(w)
            action = act
            if act in ("group", "module") and i + 1 < n:
                sub = words[i + 1].value
                if sub in table:
                    verbs.append(words[i + 1])
                    action = table[sub] if table[sub] != "group" else "install"
                    i += 1
            i += 1
            continue
        operands.append(w)
        i += 1
    if not action:
        return None
    return PackageCommand(manager, action, verbs, cmd, script, options, operands, exec_form)


def _exec_script(ins: Instruction) -> tuple[list[Command], Script | None]:
    """Exec form: the array as one command (no script); `["sh", "-c", "…"]` as shell code
    when the string's source text is the plain JSON string (no escapes), so spans stay exact."""
    elems = ins.exec_form or []
    if not elems:
        return [], None
    first = elems[0].value.rsplit("/", 1)[-1]
    if first in ("sh", "bash", "ash", "dash") and len(elems) == 3 and elems[1].value.startswith(
        "-"
    ) and elems[1].value.endswith("c"):
        el = elems[2]
        base = el.span.start + 1

        def to_src(a: int, b: int, base: int = base) -> Span:
            return Span(base + a, base + b)

        code = el.value
        if el.span.end - el.span.start != len(code) + 2:
            return [], None
        cmds = tokenize(code, to_src, "\\")
        return cmds, Script(code, cmds, to_src)
    # exec-form elements: each word's range is its JSON string's range
    words = [ShellWord(e.value, e.value, e.span.start, e.span.end, Span) for e in elems]
    return [Command(words, span=Span(elems[0].span.start, elems[-1].span.end))], None


def _raw(ins: Instruction) -> Iterator[tuple[Script | None, Command]]:
    if ins.keyword != "RUN":
        return
    if ins.exec_form is not None:
        cmds, script = _exec_script(ins)
        for c in cmds:
            yield script, c
        return
    for s in run_scripts(ins):
        for c in s.commands:
            yield s, c


def raw_commands(ins: Instruction) -> list[tuple[Script | None, Command]]:
    """Every simple command of a RUN (shell line, shell heredoc bodies, exec form),
    reserved words and wrappers dropped. Script is None for exec form. Computed once per
    instruction."""
    return _commands(ins)[0]


def package_commands(ins: Instruction) -> list[PackageCommand]:
    """Package-manager commands of a RUN, in order. Computed once per instruction."""
    return _commands(ins)[1]


def _commands(ins: Instruction) -> tuple[list[tuple[Script | None, Command]], list[PackageCommand]]:
    cache = ins._cache
    if cache is not None and "packages" in cache:
        return cache["packages"]  # type: ignore[return-value]
    raw_list: list[tuple[Script | None, Command]] = []
    out: list[PackageCommand] = []
    exec_form = ins.keyword == "RUN" and ins.exec_form is not None
    for script, raw in _raw(ins):
        cmd = unwrap(raw)  # (the tokenizer dropped leading reserved words)
        raw_list.append((script, cmd))
        pc = _parse(cmd, script, exec_form)
        if pc is not None:
            if cmd.words and raw.words and cmd.words[0] is not raw.words[0]:
                pc.sudo = any(w.value.rsplit("/", 1)[-1] == "sudo"
                              for w in raw.words[: raw.words.index(cmd.words[0])])
            out.append(pc)
    result = (raw_list, out)
    if ins._cache is None:
        ins._cache = {}
    ins._cache["packages"] = result
    return result


def installs(ins: Instruction, *managers: str) -> list[PackageCommand]:
    """The install commands of a RUN (optionally only of the given managers)."""
    return [pc for pc in package_commands(ins)
            if pc.action == "install" and (not managers or pc.manager in managers)]


Install = PackageCommand


def run_instructions(
    df: Dockerfile, *needles: str, analysis: Analysis | None = None
) -> Iterator[Instruction]:
    """RUN instructions (ONBUILD RUN included) whose text mentions one of ``needles``
    (a cheap pre-filter before tokenising; heredoc bodies are searched too). With
    ``analysis``, shell-form RUNs under a non-POSIX SHELL (PowerShell, cmd) or on a
    Windows base are skipped."""
    for ins in _run_candidates(df, needles):
        if analysis is not None and ins.exec_form is None and not analysis.posix_shell(ins):
            continue
        yield ins




def _run_candidates(df: Dockerfile, needles: tuple[str, ...]) -> Iterator[Instruction]:
    for ins in df.instructions:
        kw = ins.keyword
        if kw == "ONBUILD":
            if not ins.rest[:3].upper() == "RUN":
                continue
            sub = ins.sub
            if sub is not None and sub.keyword == "RUN" and _mentions(ins, needles):
                yield sub  # (its heredoc bodies are the ONBUILD's)
            continue
        if kw == "RUN" and _mentions(ins, needles):
            yield ins


def _mentions(ins: Instruction, needles: tuple[str, ...]) -> bool:
    """Whether the RUN's text or heredoc bodies contain one of ``needles`` (all: none given)."""
    if not needles:
        return True
    rest = ins.rest
    return any(n in rest for n in needles) or any(
        n in h.body for h in ins.heredocs for n in needles)


# -- mounts and removals ---------------------------------------------------------------


class Mount(NamedTuple):
    """A `RUN --mount=…` of the command."""

    type: str  # bind (default), cache, tmpfs, secret, ssh
    target: str  # normalised: no trailing slash
    options: dict[str, str]
    span: Span

    def covers(self, path: str) -> bool:
        """The mount target is ``path`` or one of its parents."""
        t = self.target
        if not t:
            return False
        return path == t or path.startswith(t.rstrip("/") + "/")


def mounts(ins: Instruction) -> list[Mount]:
    out: list[Mount] = []
    if not ins.has_flags:
        return out
    for f in ins.flags_named("mount"):
        opts = mount_options(f.value or "")
        target = opts.get("target") or opts.get("dst") or opts.get("destination") or ""
        if target != "/":
            target = target.rstrip("/")
        out.append(Mount(opts.get("type", "bind"), target, opts, f.span))
    return out


def cache_mounted(ins: Instruction, *paths: str) -> bool:
    """A cache (or tmpfs) mount on one of ``paths`` or a parent of it."""
    return any(m.type in ("cache", "tmpfs") and m.covers(p) for m in mounts(ins) for p in paths)


def _under(operand: str, directory: str) -> bool:
    """`rm` operand ``operand`` removes the contents of ``directory`` (or more)."""
    p = operand
    while p.endswith("/*") or p.endswith("/"):
        p = p[:-2] if p.endswith("/*") else p[:-1]
    if p.endswith("*"):
        return False
    if not p:
        return False
    return directory == p or directory.startswith(p + "/")


def removes(cmds: Iterable[tuple[Script | None, Command]], *directories: str) -> bool:
    """Some `rm -r`/`find … -delete` removes the contents of one of ``directories``."""
    for _, c in cmds:
        if not c.words:
            continue
        name = c.name
        if name == "rm":
            ops = [w.value for w in c.words[1:] if not w.value.startswith("-")]
            if any(_under(o, d) for o in ops for d in directories):
                return True
        elif name == "find" and (c.has_arg("-delete") or c.has_arg("-exec")):
            roots: list[str] = []
            for w in c.words[1:]:
                if w.value.startswith(("-", "(", "!")):
                    break
                roots.append(w.value)
            if any(_under(r, d) for r in roots for d in directories):
                return True
    return False


# -- edits ------------------------------------------------------------------------------
# (an insertion is an empty source span and the text to put there; rules wrap it in an Edit)
Insertion = tuple[Span, str]


def add_option_edit(pc: PackageCommand, option: str) -> Insertion | None:
    """Insert ``option`` right after the subcommand (`install` → `install -y`)."""
    verb = pc.verb
    if verb is None:
        return None
    at = verb.span.end
    if pc.exec_form and pc.script is None:
        return (Span(at, at), f', "{option}"')
    return (Span(at, at), f" {option}")


def append_edit(ins: Instruction, script: Script | None, command: str) -> Insertion | None:
    """Append ``command`` to the RUN after the code of ``script``: ` && command` after its
    last command, in a shell-form line or a heredoc body alike. None for exec form, when the
    code ends in a background `&`, or when its last command is not at the top level (inside
    `{ …; }`, `if … fi`, a loop) (a comment after it stays after it)."""
    if script is None or ins.exec_form is not None or not script.commands:
        return None
    last = script.commands[-1]
    if last.op_after == "&":
        return None
    parts = last.words + last.redirects + last.assignments
    if not parts:
        return None
    end = max(w.hi for w in parts)
    # the last simple command must end the script at the top level: after `{ …; exit 1; }`,
    # `fi` or `done` an appended `&& cmd` would land inside the group or the branch
    tail = re.sub(r"#[^\n]*|\\\r?\n", "", script.text[end:])  # comments, continuations
    if tail.strip(" \t\r\n;"):
        return None
    # ` && command` (never a new line in a heredoc: without `set -e` a new last line would
    # make the RUN succeed when the install failed)
    return (script.span(end, end), f" && {command}")


def words_text(words: Iterable[ShellWord]) -> str:
    return " ".join(w.value for w in words)


# -- context ----------------------------------------------------------------------------


def chain_before(an: Analysis, ins: Instruction) -> Iterator[Instruction]:
    """Instructions in effect before ``ins``: earlier ones of its stage (latest first),
    then those of its FROM-parent stages (latest first)."""
    stage = an.stage_of(ins)
    if stage is None:
        return
    for k, st in enumerate(an.chain(stage)):
        for other in reversed(st.instructions):
            if k == 0 and other.span.start >= ins.span.start:
                continue
            yield other


def config_written(an: Analysis, ins: Instruction, needle: str) -> bool:
    """An earlier RUN (in the stage chain) writes a setting containing ``needle``
    (case-insensitive) with `echo`/`printf`/`tee`, or `pip config set` names it."""
    low = needle.lower()
    return an.earlier_in_chain(ins, "config-written:" + low, lambda other: _writes(other, low))


def _writes(other: Instruction, low: str) -> bool:
    """``other`` is a RUN writing a setting containing ``low`` (see config_written)."""
    if other.keyword != "RUN":
        return False
    rest = other.rest.lower()
    if low not in rest and not any(low in h.body.lower() for h in other.heredocs):
        return False
    # `pip config set global.no-cache-dir …` (any pip spelling: `python -m pip`,
    # `pip3.12`), not `pip config unset/get` nor the flag on some other pip command. (pip
    # disables its cache for any boolean value of no-cache-dir, `false` included.)
    for pc in package_commands(other):
        args = [w.value for w in pc.packages]
        if pc.manager == "pip" and pc.action == "config" and args[:1] == ["set"] \
                and len(args) > 2 and low in args[1].lower():
            return True
    return any(c.name in ("echo", "printf", "tee", "sed") and any(
        low in w.value.lower() for w in c.words[1:]) for _, c in raw_commands(other))


def user_at(an: Analysis, ins: Instruction) -> str | None:
    """The USER in effect for ``ins`` (user part, None when unset = root)."""
    for other in chain_before(an, ins):
        if other.keyword == "USER" and other.words:
            return other.words[0].value.split(":", 1)[0]
    return None


def is_root(user: str | None) -> bool:
    return user is None or user in ("root", "0")
