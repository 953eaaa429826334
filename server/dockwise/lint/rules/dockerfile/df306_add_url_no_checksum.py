"""
## What it does
Reports `ADD http://…`/`ADD https://…` without `--checksum=sha256:…`, when the file's
Dockerfile syntax (the `# syntax=` directive or `min-dockerfile-syntax`) is at least
1.6, the first version whose `ADD` accepts `--checksum`. Git sources
(`https://github.com/org/repo.git#v1`) are not downloads of a file and are not reported.

## Why is this bad?
The download is not verified: a changed or compromised server changes the image
silently, and the build is not reproducible. `--checksum` makes BuildKit verify the
content (and cache by it).

## Example
```dockerfile
# syntax=docker/dockerfile:1.6
ADD https://example.com/tool.tar.gz /tmp/
```
Use instead:
```dockerfile
# syntax=docker/dockerfile:1.6
ADD --checksum=sha256:<digest> https://example.com/tool.tar.gz /tmp/
```

## Fix safety
No fix: the digest must come from the publisher (or a trusted download), not from the
linter. `--checksum` is a BuildKit feature; the legacy builder rejects it.
"""

from __future__ import annotations

from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.types import Severity


def _is_git(url: str) -> bool:
    base = url.split("#", 1)[0].rstrip("/")
    return base.endswith(".git") or url.startswith("git@")


@rule(code="DF306", name="add-url-no-checksum", severity=Severity.WARNING)
@stage_local
def check(ctx: DockerfileContext) -> None:
    if not ctx.syntax_at_least((1, 6)):
        return
    for ins in ctx.df.instructions:
        if ins.keyword == "ONBUILD" and ins.rest[:3].upper() == "ADD":
            sub = ins.sub
            if sub is None:
                continue
            ins = sub
        if ins.keyword != "ADD" or "://" not in ins.rest:
            continue
        if ins.flag("checksum") is not None:
            continue
        if ins.exec_form is not None:
            srcs = [(e.value, e.span) for e in ins.exec_form[:-1]]
        else:
            srcs = [(w.value, w.span) for w in ins.words[:-1]]
        for value, span in srcs:
            low = value.lower()
            if low.startswith(("http://", "https://")) and not _is_git(value):
                ctx.report(span, "`ADD` of a URL without `--checksum=sha256:…`: the download "
                           "is not verified")
