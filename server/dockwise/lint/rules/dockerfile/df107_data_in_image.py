"""
## What it does
Reports `COPY`/`ADD` of model weights or datasets into the image: sources named
`*.ckpt *.pt *.safetensors *.h5 *.onnx *.gguf *.parquet *.tfrecord *.npy *.npz` (also as
wildcards and in `ADD` URLs), `*.pth` files over 1 MB outside `site-packages` (needs the
file on disk), and — when the Dockerfile is on disk — copied directories (also `COPY . …`)
that contain such files and are not excluded by `.dockerignore` (the first one found is
named). A `models/` or `data/` directory of source code is not reported: only the files
inside decide. `COPY --from=<stage>` is not reported (the data was produced by the build;
decide that in the stage that fetches it).

## Why is this bad?
Weights and datasets are large and change on their own schedule: they bloat every image
layer push and pull, slow the build context transfer, and tie the data version to the
code version. Keep them outside the image and mount them (a volume, a bind mount, a
Kubernetes volume) or download them at start-up into a cache.

## Example
```dockerfile
COPY model.safetensors /models/
ADD https://huggingface.co/org/model/resolve/main/model.gguf /models/
```

## Fix safety
No fix: where the data should live is a deployment decision.
"""

from __future__ import annotations

import re
from pathlib import Path

from dockwise.dockerfile.context import (
    DockerIgnore,
    clean_source,
    context_dir,
    copy_sources,
    has_glob,
    is_remote,
    load_ignore,
    walk_files,
)
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import reads_build_context, stage_local
from dockwise.lint.registry import rule
from dockwise.lint.types import Severity

_DATA = re.compile(r"\.(ckpt|pt|safetensors|h5|onnx|gguf|parquet|tfrecord|npy|npz)$", re.I)
_PTH = re.compile(r"\.pth$", re.I)
MB = 1 << 20


@rule(code="DF107", name="data-in-image", severity=Severity.INFORMATION)
@stage_local
@reads_build_context
def check(ctx: DockerfileContext) -> None:
    cdir = context_dir(ctx)
    ignore: DockerIgnore | None = None
    loaded = False
    memo: dict[tuple[str, Path | None], str | None] = {}
    for ins in ctx.df.of("COPY", "ADD"):
        if ins.heredocs or (ins.has_flags and ins.flag("from") is not None):
            continue
        if cdir is not None and not loaded:
            ignore = load_ignore(cdir, Path(ctx.path) if ctx.path else None)
            loaded = True
        for el in copy_sources(ins):
            value = el.value
            key = (value, cdir)
            if key not in memo:  # the same source is often copied by many stages
                memo[key] = _data_source(value, cdir, ignore)
            hit = memo[key]
            if hit:
                ctx.report(el.span, f"{hit}: keep model weights and datasets outside the image "
                           "and mount them")




def _data_source(value: str, cdir: Path | None, ignore: DockerIgnore | None) -> str | None:
    if is_remote(value):
        path = value.split("?", 1)[0].split("#", 1)[0]
        return f"`{path.rsplit('/', 1)[-1]}` is a model/data file" if _DATA.search(path) else None
    rel = clean_source(value)
    if rel is None:
        return None
    if _DATA.search(rel):
        return f"`{value}` is a model/data file"
    if cdir is None or has_glob(rel):
        return None
    p = cdir / rel if rel != "." else cdir
    if ignore is not None and rel != "." and ignore.excluded(rel):
        return None
    if p.is_file():
        return _pth(p, rel)
    if p.is_dir():
        for f in walk_files(p, cdir, ignore):
            if _DATA.search(f):
                return f"`{value}` copies the model/data file `{f}`"
            if _PTH.search(f) and _pth(cdir / f, f):
                return f"`{value}` copies the weights file `{f}` (over 1 MB)"
    return None


def _pth(p: Path, rel: str) -> str | None:
    if not _PTH.search(rel) or "site-packages" in rel.split("/"):
        return None
    try:
        big = p.stat().st_size > MB
    except OSError:
        return None
    return f"`{rel}` is a weights file over 1 MB" if big else None
