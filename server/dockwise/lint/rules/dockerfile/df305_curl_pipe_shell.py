"""
## What it does
Reports a download piped straight into a shell: `curl … | sh`, `curl … | sudo bash`,
`wget -O- … | bash -s --` (also `wget -qO-`, `-O -`, `--output-document=-`), in the
shell-form `RUN` line and in shell heredoc bodies. The pipe may pass through other
commands first (`curl … | tee log | sh`). `wget` without `-O-` writes a file and is not
this.

## Why is this bad?
The script runs without any integrity check: a compromised or changed server, a
redirect or a truncated download runs whatever arrives, and the build is not
reproducible. A truncated download is executed partially.

## Example
```dockerfile
RUN curl -fsSL https://example.com/install.sh | sh
```
Use instead:
```dockerfile
ADD --checksum=sha256:<digest> https://example.com/install.sh /tmp/install.sh
RUN sh /tmp/install.sh
```
or download, verify with `sha256sum -c`, then run.

## Fix safety
No fix: the expected checksum cannot be known.

≈ `sh -c "$(curl …)"` and `bash <(curl …)` are the same risk but are not detected.
"""

from __future__ import annotations

from dockwise.dockerfile.model import Instruction
from dockwise.dockerfile.shell import SHELLS, Command, run_scripts, unwrap
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.types import Severity
from dockwise.text import Span


def _downloads_to_stdout(cmd: Command) -> bool:
    name = cmd.name
    if name == "curl":
        return True
    if name != "wget":
        return False
    vals = [w.value for w in cmd.words[1:]]
    for i, v in enumerate(vals):
        if v in ("-O", "--output-document") and i + 1 < len(vals) and vals[i + 1] == "-":
            return True
        if v == "--output-document=-" or (
            v.startswith("-") and not v.startswith("--") and v.endswith("O-")
        ):
            return True
    return False


def run_instructions(ctx: DockerfileContext) -> list[Instruction]:
    out: list[Instruction] = []
    for ins in ctx.df.instructions:
        if ins.keyword == "RUN":
            out.append(ins)
        elif ins.keyword == "ONBUILD" and ins.rest[:3].upper() == "RUN":
            sub = ins.sub
            if sub is not None and sub.keyword == "RUN":
                out.append(sub)
    return out


@rule(code="DF305", name="curl-pipe-shell", severity=Severity.WARNING)
@stage_local
def check(ctx: DockerfileContext) -> None:
    for ins in run_instructions(ctx):
        if "|" not in ins.rest and not ins.heredocs:
            continue
        if not ctx.analysis.posix_shell(ins):
            continue
        for script in run_scripts(ins):
            cmds = script.commands
            for i, cmd in enumerate(cmds):
                if cmd.op_after != "|":
                    continue
                dl = unwrap(cmd)
                if not _downloads_to_stdout(dl):
                    continue
                j = i + 1
                while j < len(cmds):
                    nxt = unwrap(cmds[j])
                    if nxt.name in SHELLS and not any(
                        w.value in ("-c",) for w in nxt.words[1:]
                    ):
                        span = Span(cmd.span.start, nxt.words[0].span.end)
                        tool = dl.name
                        ctx.report(span, f"`{tool}` output piped into `{nxt.name}`: the "
                                   "downloaded script runs unverified; download it, check its "
                                   "checksum, then run it")
                        break
                    if cmds[j].op_after != "|":
                        break
                    j += 1
