r"""
## What it does
Reports an `apt-get install` / `apt install` in a `RUN` that neither removes
`/var/lib/apt/lists/*` nor cache-mounts `/var/lib/apt` or `/var/lib/apt/lists`
(`RUN --mount=type=cache,target=/var/lib/apt/lists,sharing=locked`; a `tmpfs` mount there
counts too). `apt-get dist-clean` (apt ≥ 2.7, removes the lists) counts as a removal.
Shell-form lines, shell heredoc bodies and exec form are read; `rm -rf` of
`/var/lib/apt/lists`, of its contents, or of a parent, and `find … -delete` count as a
removal.

Severity: *warning* in target stages and their `FROM` ancestors (the lists end up in the
image), *information* in stages that are only build helpers (not `FROM`-ancestors of a
target).

## Why is this bad?
`apt-get update` downloads tens of megabytes of package lists. Unless they are removed in
the same `RUN`, they stay in that layer forever — deleting them in a later `RUN` does not
make the image smaller.

## Example
```dockerfile
RUN apt-get update && apt-get install -y --no-install-recommends curl
```
Use instead:
```dockerfile
RUN apt-get update && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
```

## Fix safety
Appends `&& rm -rf /var/lib/apt/lists/*` to the last command of the `RUN` (in a heredoc
body too: a new last line would make the script succeed when the install failed, without
`set -e`); no fix when that command is inside a group, branch or loop (`|| { …; exit 1; }`). The fix is *safe* when no later `RUN` of the stage, or of a stage built `FROM` it,
installs (`install`, `upgrade`, `build-dep`, `source`, `download`) without its own
`apt-get update` first; otherwise it is *unsafe*: that later `RUN` would fail without the
lists. `ONBUILD RUN`s get the unsafe fix (the child builds are unknown). No fix for exec
form (`RUN ["apt-get", …]`). When the install has no update of its own and an earlier
`RUN` updated, the lists are in that earlier layer: the fix (unsafe: the install then uses
a fresh index) also puts `apt-get update && ` before the install, so this `RUN` updates,
installs and removes (the earlier update alone is DF105's finding).

The alternative (not offered automatically, unsafe) is a cache mount:
`RUN --mount=type=cache,target=/var/cache/apt,sharing=locked
--mount=type=cache,target=/var/lib/apt,sharing=locked` together with
`rm -f /etc/apt/apt.conf.d/docker-clean` so the downloaded packages stay in the cache.

Decisions where the catalogue is silent: one finding per `RUN` (on its first install);
`apt install` is treated like `apt-get install`. An install without its own
`apt-get update` after an earlier RUN's update is reported too, saying that the lists are
in that earlier layer (removing them here alone does not make the image smaller).

≈ hadolint DL3009 is the exact equivalent; ≈ DF105 (an update alone in its layer).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dockwise.dockerfile.analysis import Analysis, Stage
from dockwise.dockerfile.model import Instruction
from dockwise.dockerfile.packages import (
    append_edit,
    cache_mounted,
    package_commands,
    raw_commands,
    removes,
    run_instructions,
)
from dockwise.dockerfile.shell import Command, Script
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity
from dockwise.text import Span

LISTS = "/var/lib/apt/lists"
APT = ("apt-get", "apt")
USES_INDEX = frozenset({"install", "upgrade", "build-dep", "source", "download"})
REMOVE = "rm -rf /var/lib/apt/lists/*"


def _needs_old_lists(ins: Instruction) -> bool:
    """This RUN uses the apt index before (or without) running its own update."""
    if cache_mounted(ins, LISTS):
        return False
    for pc in package_commands(ins):
        if pc.manager not in APT:
            continue
        if pc.action == "update":
            return False
        if pc.action in USES_INDEX:
            return True
    return False


def _updated_before(an: Analysis, ins: Instruction) -> bool:
    """An earlier RUN of the stage chain stored package lists in its layer (updated, neither
    removed them nor had them on a cache mount)."""
    return an.earlier_in_chain(ins, "apt-lists-stored", _stores_lists)


def _stores_lists(other: Instruction) -> bool:
    return other.keyword == "RUN" and any(
        pc.manager in APT and pc.action == "update" for pc in package_commands(other)) \
        and not cache_mounted(other, LISTS, "/var/lib/apt") \
        and not removes(list(raw_commands(other)), LISTS)


@rule(code="DF102", name="apt-lists-kept", severity=Severity.WARNING,
      fix=FixAvailability.SOMETIMES, equivalents=("DL3009",))
@stage_local
def check(ctx: DockerfileContext) -> None:
    an = ctx.analysis
    runs = list(run_instructions(ctx.df, "apt", analysis=an))
    if not runs:
        return
    ancestors: set[int] | None = None
    later_needs = _LaterNeeds()
    for ins in runs:
        pcs = [pc for pc in package_commands(ins) if pc.manager in APT and pc.action == "install"]
        if not pcs or cache_mounted(ins, LISTS, "/var/lib/apt"):
            continue
        cmds = list(raw_commands(ins))
        if removes(cmds, LISTS) or any(pc.manager in APT and pc.action == "distclean"
                                       for pc in package_commands(ins)):
            continue
        if ancestors is None:
            ancestors = an.target_ancestors()
        severity = Severity.WARNING if ins.stage in ancestors else Severity.INFORMATION
        first = pcs[0]
        where = "" if severity is Severity.WARNING else " (a build-helper stage)"
        stale = _needs_old_lists(ins) and _updated_before(an, ins)  # in an earlier layer
        if stale:
            message = (f"`{first.text}` uses package lists an earlier RUN stored, which stay "
                       f"in that layer{where}: run `apt-get update`, the install and "
                       f"`rm -rf /var/lib/apt/lists/*` in one RUN (or use a cache mount)")
        else:
            message = (f"`{first.text}` leaves the package lists in this layer{where}: remove "
                       f"`/var/lib/apt/lists/*` in the same RUN or use a cache mount")
        last = pcs[-1]
        ins_at = append_edit(ins, last.script, last.run_alike(REMOVE))
        if ins_at is None:
            reason = ("exec form" if ins.exec_form is not None else "the RUN cannot be extended")
            ctx.report(first.span, message + f" (no automatic fix: {reason})", severity=severity)
            continue
        is_onbuild = ins.lo > 0
        edits = [Edit(ins_at[0], ins_at[1])]
        update_at = _update_point(cmds, first.span.start) if stale else None
        if stale and update_at is None:
            ctx.report(first.span, message + " (no automatic fix: the install is piped into, "
                       "negated, a condition or runs after `||`)", severity=severity)
            continue
        reasons = []
        if update_at is not None:
            # the lists this RUN reads are in the earlier layer: fetch them here instead, so
            # removing them at the end leaves none behind (a fresh index: other versions)
            edits.insert(0, Edit(Span(update_at, update_at),
                                 first.run_alike("apt-get update") + " && "))
            title = "Update, install and remove the apt lists in this RUN"
            reasons.append("a fresh index")
        else:
            title = "Remove the apt lists at the end of the RUN"
        if is_onbuild:
            reasons.append("ONBUILD")
        elif _later_needs_lists(ctx, ins, later_needs):
            reasons.append("a later RUN installs without its own `apt-get update`")
        unsafe = bool(reasons)
        if reasons:
            title += f" (unsafe: {'; '.join(reasons)})"
        fix = Fix(title, tuple(edits), Applicability.UNSAFE if unsafe else Applicability.SAFE)
        ctx.report(first.span, message, fix=fix, severity=severity)


def _update_point(cmds: list[tuple[Script | None, Command]], at: int) -> int | None:
    """Where `apt-get update && ` goes: before the whole simple command holding the install
    (its `sudo`, its `VAR=…`) — not when a pipe feeds it, it runs only when something else
    failed (`… || apt-get install`), it is negated or a condition (`if !`, `while`)."""
    for _, c in cmds:
        if c.span.start <= at < c.span.end:
            if c.op_before in ("|", "||") or not set(c.reserved) <= _BODY:
                return None
            return c.span.start
    return None


_BODY = frozenset({"then", "else", "do"})  # reserved words before a command of a body


def _later_needs_lists(ctx: DockerfileContext, ins: Instruction, memo: _LaterNeeds) -> bool:
    """A later RUN in the stage, or any RUN of a stage built FROM it, uses the apt index
    without its own update. (Per stage, its last such RUN and whether a stage built from
    it has one are computed once: linear in the file.)"""
    an = ctx.analysis
    stage = an.stage_of(ins)
    if stage is None:
        return True

    def last_need(st: Stage) -> int | None:
        if st.index not in memo.last:
            memo.last[st.index] = next((o.span.start for o in reversed(st.instructions)
                                        if o.keyword == "RUN" and _uses_old_lists(o)), None)
        return memo.last[st.index]

    last = last_need(stage)
    if last is not None and last > ins.span.start:
        return True
    if stage.index not in memo.descendants:
        memo.descendants[stage.index] = any(
            last_need(st) is not None for st in an.stages
            if st.index > stage.index and stage in an.chain(st)[1:])
    return memo.descendants[stage.index]


@dataclass(slots=True)
class _LaterNeeds:
    last: dict[int, int | None] = field(default_factory=dict)  # stage -> its last such RUN
    descendants: dict[int, bool] = field(default_factory=dict)  # stage -> one built FROM it has one


def _uses_old_lists(other: Instruction) -> bool:
    rest = other.rest
    return ("apt" in rest or any("apt" in h.body for h in other.heredocs)) \
        and _needs_old_lists(other)
