"""
## What it does
Reports the `apt` command in a `RUN` (shell-form line, shell heredoc body or exec form).

## Why is this bad?
`apt` is the interactive front end: its output and behaviour may change between
releases, and it warns "apt does not have a stable CLI interface. Use with caution in
scripts." `apt-get` (and `apt-cache`) are the stable, scriptable tools.

## Example
```dockerfile
RUN apt update && apt install -y curl
```
Use instead:
```dockerfile
RUN apt-get update && apt-get install -y curl
```

## Fix safety
Safe for `apt install`, `apt update` and `apt remove`: the program is renamed to
`apt-get`, which has the same subcommand with the same meaning. Other subcommands get no
fix — `apt upgrade` differs from `apt-get upgrade` (it may install new packages),
`apt search`/`show`/`list` belong to `apt-cache`/`dpkg`.

≈ hadolint DL3027 is the exact equivalent.
"""

from __future__ import annotations

from dockwise.dockerfile.packages import raw_commands, run_instructions
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity

SAFE = ("install", "update", "remove")
# `apt` subcommands that `apt-get` has under the same name (no fix: the catalogue's fix is
# for install/update/remove), and what stands in for the others
NAMESAKES = frozenset({"purge", "autoremove", "autopurge", "clean", "autoclean", "source",
                       "build-dep", "download", "satisfy", "changelog"})
INSTEAD = {
    "upgrade": "`apt upgrade` also installs new dependencies, as "
               "`apt-get upgrade --with-new-pkgs` does",
    "full-upgrade": "`apt-get dist-upgrade` is its counterpart",
    "list": "use `dpkg-query -l` or `apt-cache policy`",
    "search": "use `apt-cache search`",
    "show": "use `apt-cache show`",
}


@rule(code="DF113", name="apt-not-apt-get", severity=Severity.WARNING,
      fix=FixAvailability.SOMETIMES, equivalents=("DL3027",))
@stage_local
def check(ctx: DockerfileContext) -> None:
    for ins in run_instructions(ctx.df, "apt", analysis=ctx.analysis):
        exec_plain = ins.exec_form is not None
        for script, c in raw_commands(ins):
            if c.name != "apt":
                continue
            prog = c.words[0]
            sub = _subcommand([w.value for w in c.words[1:]])
            fix = None
            if sub in SAFE:
                if exec_plain and script is None:
                    new = '"' + prog.value + '-get"'
                elif prog.raw == prog.value:
                    new = prog.raw + "-get"
                else:
                    new = ""
                if new:
                    fix = Fix("Use `apt-get`", (Edit(prog.span, new),), Applicability.SAFE)
            what = f"`apt {sub}`" if sub else "`apt`"
            msg = f"{what} in a RUN: `apt` has no stable command-line interface, use `apt-get`"
            if fix is None and sub:
                why = (f"use `apt-get {sub}`" if sub in NAMESAKES else INSTEAD.get(sub, ""))
                msg += f" (no automatic fix for `apt {sub}`" + (f": {why})" if why else ")")
            ctx.report(prog.span, msg, fix=fix)


def _subcommand(args: list[str]) -> str:
    """The first operand, skipping options and the values of `-o`/`-t`/`-c`/`-a`."""
    skip = False
    for a in args:
        if skip:
            skip = False
            continue
        if a in ("-o", "-t", "-c", "-a", "--option", "--target-release", "--config-file"):
            skip = True
            continue
        if not a.startswith("-"):
            return a
    return ""
