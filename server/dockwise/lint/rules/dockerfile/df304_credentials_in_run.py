"""
## What it does
Reports credentials written literally into a `RUN` command (its shell-form line and its
shell heredoc bodies):

- a URL with a password in it: `https://user:token@host/…` — including package index
  options (`pip install --index-url https://user:pass@pypi.example.com/simple`,
  `--extra-index-url`, `-i`);
- a secret-named variable (DF302's name rules) assigned a literal: `NPM_TOKEN=abc npm ci`,
  `export GITHUB_TOKEN=abc`;
- a secret-named long option with a literal value: `--password=hunter2`, `--api-key=…`;
- `curl -u user:password` / `--user user:password`;
- anything in the command that matches a credential format (AWS `AKIA…`, GitHub
  `ghp_…`/`github_pat_…`, Slack `xox…`).

Values that come from a variable (`https://${USER}:${TOKEN}@host`, `TOKEN=$(cat
/run/secrets/token)`) are not literals and are not reported here (a secret build `ARG`
is DF302's business).

## Why is this bad?
The command line of every `RUN` is stored in the image history (`docker history
--no-trunc`) and in the build cache, so the credential ships with the image.

## Example
```dockerfile
RUN pip install --extra-index-url https://deploy:s3cr3t@pypi.example.com/simple app
```
Use instead:
```dockerfile
RUN --mount=type=secret,id=pip_index,env=PIP_EXTRA_INDEX_URL pip install app
```

## Fix safety
Display only: a BuildKit secret mount snippet. The build command and Compose
`build.secrets` must change too.

≈ DF302 (secrets in ENV/ARG), DC301.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from dockwise.dockerfile.model import Instruction
from dockwise.dockerfile.shell import Command, Script, ShellWord, run_scripts
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.rules.dockerfile.df302_secret_in_env_or_arg import (
    credential_match,
    is_plain_literal,
    is_secret_name,
)
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity

_URL_CRED = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://([^/\s:@'\"]+):([^/\s@'\"]+)@[^\s'\"]")
Reporter = Callable[[ShellWord, int, int, str, str], None]
_INDEX_OPTS = ("--index-url", "--extra-index-url", "-i", "--registry")


def _literal(value: str) -> bool:
    return bool(value) and "$" not in value and "`" not in value


def _snippet(env: str) -> str:
    sid = env.lower()
    return (f"RUN --mount=type=secret,id={sid},env={env} <command using ${env}>\n"
            f"# build with: docker build --secret id={sid},env={env} .\n"
            f"# Compose: build.secrets: [{sid}] and a top-level secrets: entry")


@rule(code="DF304", name="credentials-in-run", severity=Severity.ERROR,
      fix=FixAvailability.DISPLAY)
@stage_local
def check(ctx: DockerfileContext) -> None:
    df = ctx.df
    # file order: RUN alone when there is no ONBUILD to look into
    for ins in df.of("RUN") if not df.of("ONBUILD") else df.instructions:
        if ins.keyword == "ONBUILD" and ins.rest[:3].upper() == "RUN":
            sub = ins.sub
            if sub is None:
                continue
            ins = sub
        elif ins.keyword != "RUN":
            continue
        _check_run(ctx, ins)


def _check_run(ctx: DockerfileContext, ins: Instruction) -> None:
    for script in run_scripts(ins):
        # what each check needs in a word's raw text (a slice of the script text)
        text = script.text
        gates = _Gates(
            url="://" in text and "@" in text,
            # a word is a slice of the script between delimiters: a match in it is one here
            cred=credential_match(text) is not None,
            opt="--" in text and "=" in text,
            eq="=" in text,
        )
        for cmd in script.commands:
            curl = cmd.name == "curl"
            if not (gates.url or gates.cred or gates.eq or curl):
                continue
            reported: set[int] = set()

            def report(w: ShellWord, lo: int, hi: int, msg: str, env: str,
                       script: Script = script, reported: set[int] = reported) -> None:
                if w.lo in reported:
                    return
                reported.add(w.lo)
                span = script.span(w.lo + lo, w.lo + hi) if hi > lo else w.span
                fix = Fix("use a build secret instead", (Edit(span, _snippet(env)),),
                          Applicability.DISPLAY)
                ctx.report(span, msg + ": it is stored in the image history; use a BuildKit "
                           "secret mount", fix=fix)

            if gates.eq:
                _assignments(cmd, report)
            words = cmd.words
            for i, w in enumerate(words):
                prev = words[i - 1].value if i else ""
                _word(w, prev, cmd, report, gates, curl)
            for w in cmd.assignments:
                _word(w, "", cmd, report, gates, curl)


class _Gates(NamedTuple):
    """Which checks can match anywhere in a script (substrings their matches contain)."""

    url: bool  # `scheme://user:password@`
    cred: bool  # a credential-format literal
    opt: bool  # `--option=value`
    eq: bool  # an assignment



def _assignments(cmd: Command, report: Reporter) -> None:
    cands = list(cmd.assignments)
    if cmd.name in ("export", "declare", "readonly", "local", "typeset"):
        cands += [w for w in cmd.words[1:] if "=" in w.value and not w.value.startswith("-")]
    for w in cands:
        key, _, value = w.value.partition("=")
        raw_val = w.raw.partition("=")[2]
        if is_secret_name(key) and _literal(raw_val) and is_plain_literal(value):
            report(w, 0, 0, f"`{key}` is set to a literal secret in the command", key.upper())


def _word(w: ShellWord, prev: str, cmd: Command, report: Reporter, gates: _Gates,
          curl: bool) -> None:
    """``gates``/``curl``: the checks that can match (the others are skipped)."""
    raw = w.raw
    m = _URL_CRED.search(raw) if gates.url else None
    if m and _literal(m.group(2)):
        opt = prev if prev in _INDEX_OPTS else next(
            (o for o in _INDEX_OPTS if raw.startswith(o + "=")), "")
        what = f"`{opt}` URL with credentials" if opt else "a URL with a password"
        env = "PIP_EXTRA_INDEX_URL" if opt == "--extra-index-url" else (
            "PIP_INDEX_URL" if opt in ("--index-url", "-i") else "REPO_URL")
        report(w, m.start(1), m.end(2), f"{what} in RUN", env)
        return
    c = credential_match(raw) if gates.cred else None
    if c:
        report(w, c.start(), c.end(), "a literal token in RUN", "TOKEN")
        return
    if curl and prev in ("-u", "--user") and ":" in w.value and _literal(raw):
        if w.value.partition(":")[2]:
            report(w, 0, 0, "`curl -u user:password` with a literal password", "CURL_AUTH")
            return
    if gates.opt and raw.startswith("--") and "=" in raw:
        opt, _, val = w.value.partition("=")
        if is_secret_name(opt[2:]) and _literal(raw.partition("=")[2]) and is_plain_literal(val):
            report(w, 0, 0, f"`{opt}` with a literal value", opt[2:].upper().replace("-", "_"))

