"""
## What it does
Reports `ADD` of a local directory or of a local file that is not a tar archive, when
the `ADD` uses no ADD-only flag (`--checksum`, `--keep-git-dir`, `--unpack`). URLs and git
sources are never reported, nor `ADD` heredocs, nor sources that use variables. A file
whose name looks like an archive (`.tar`, `.tgz`, `.tar.gz`, `.gz`, `.bz2`, `.xz`,
`.zst`, …) is never reported; when the Dockerfile is on disk, files are read and their
magic bytes decide (a `.tar.gz` that is really text is still not reported — the name is
the intent).

## Why is this bad?
`ADD` also downloads URLs and unpacks local archives; `COPY` only copies. Using `ADD`
for plain copies hides that magic: a file later replaced by a tarball would be unpacked
silently.

## Example
```dockerfile
ADD requirements.txt /app/
ADD src/ /app/src/
```
becomes
```dockerfile
COPY requirements.txt /app/
COPY src/ /app/src/
```

## Fix safety
Safe when every source was found in the build context on disk and is a directory or a
file whose magic bytes are not an archive (gzip, bzip2, xz, zstd, lzma, tar): then
`COPY` does exactly what `ADD` did. Otherwise (stdin or editor buffers, sources not on
disk, wildcards) the fix is unsafe: a source that turns out to be an archive would be
copied instead of unpacked. `--chown`, `--chmod`, `--link` and `--exclude` are valid on
`COPY` and stay.

≈ hadolint DL3020 (which decides by file name only).
"""

from __future__ import annotations

import glob
import re
from pathlib import Path

from dockwise.dockerfile.context import (
    clean_source,
    context_dir,
    has_glob,
    is_archive_file,
    is_remote,
)
from dockwise.dockerfile.model import Instruction
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import reads_build_context, stage_local
from dockwise.lint.registry import rule
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity

_ARCHIVE_NAME = re.compile(
    r"\.(tar|tgz|tbz2?|txz|tzst|taz|tz2|gz|bz2|xz|zst|lz|lzma|tlz|z)$", re.I)
_ADD_ONLY = ("checksum", "keep-git-dir", "unpack")


@rule(code="DF106", name="add-for-local-files", severity=Severity.WARNING,
      fix=FixAvailability.ALWAYS, equivalents=("DL3020",))
@stage_local
@reads_build_context
def check(ctx: DockerfileContext) -> None:
    cdir = context_dir(ctx)
    for ins in ctx.df.instructions:
        if ins.keyword == "ADD":
            _check(ctx, ins, cdir)
        elif ins.keyword == "ONBUILD" and "ADD" in ins.rest.upper():
            sub = ins.sub
            if sub is not None and sub.keyword == "ADD":
                _check(ctx, sub, None)  # runs in another build: its context is unknown


def _sources(ins: Instruction) -> list[str] | None:
    if ins.exec_form is not None:
        vals = [e.value for e in ins.exec_form]
        return vals[:-1] if len(vals) >= 2 else None
    words = ins.words
    if len(words) < 2:
        return None
    return [w.value for w in words[:-1]]


def _check(ctx: DockerfileContext, ins: Instruction, cdir: Path | None) -> None:
    if ins.heredocs or any(ins.flag(f) is not None for f in _ADD_ONLY):
        return
    srcs = _sources(ins)
    if not srcs:
        return
    proven = cdir is not None
    for s in srcs:
        if is_remote(s) or s.startswith("<<"):
            return
        rel = clean_source(s)
        if rel is None:
            return
        if _ARCHIVE_NAME.search(rel):
            return
        if cdir is None:
            continue
        if has_glob(rel):
            matches = glob.glob(glob.escape(str(cdir)) + "/" + rel)
            if not matches:
                proven = False
            for m in matches:
                p = Path(m)
                if p.is_file() and is_archive_file(p) is not False:
                    return
            continue
        p = cdir / rel
        if p.is_dir():
            continue
        if p.is_file():
            arch = is_archive_file(p)
            if arch:
                return
            if arch is None:
                proven = False
            continue
        proven = False
    kw = ins.raw_keyword
    new = "COPY" if kw.isupper() else ("copy" if kw.islower() else "Copy")
    fix = Fix(f"Replace `{kw}` with `{new}`", (Edit(ins.keyword_span, new),),
              Applicability.SAFE if proven else Applicability.UNSAFE)
    what = "local files that are not archives" if proven else \
        "local files that do not look like archives (not verified on disk)"
    ctx.report(ins.keyword_span,
               f"`ADD` of {what}: use `COPY` (ADD also unpacks archives and downloads URLs)",
               fix=fix)
