"""
## What it does
Reports a bind mount of a dataset-like host directory that is not read-only: short
syntax without `:ro`, long syntax without `read_only: true`.

Dataset-like: the host path's or the container path's last component is `datasets`,
`dataset`, `corpus`, `corpora`, `training_data`/`train_data` (any of `-`/`_`), or the
source's variable is named like `DATASET_DIR`/`CORPUS_PATH`. The generic names `data`,
`train`, `training` count only in an ML service — one that requests GPUs or runs an ML
image (PyTorch, TensorFlow, CUDA, Jupyter, Hugging Face, `nvcr.io`) — and never when the
container path is a well-known state directory (`/var/lib/…`, `/var/log/…`, `/data/db`, …).

## Why is this bad?
A training or evaluation job only needs to read its data. Mounted read-write, a bug (a
preprocessing step writing in place, a `rm -rf` on the wrong path, a tokenizer cache)
corrupts the only copy, and nothing tells you which run changed it.

## Example
```yaml
services:
  train:
    image: pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime
    volumes:
      - ./datasets:/workspace/datasets
```
Use instead:
```yaml
    volumes:
      - ./datasets:/workspace/datasets:ro
```

## Fix safety
Unsafe: training jobs often write next to their data (caches, checkpoints, preprocessed
shards) and fail once the mount is read-only — move those writes to another mount. The
fix appends `:ro` to the short syntax (`rw` becomes `ro`, other options such as `z` are
kept) or adds `read_only: true` to the long syntax in the file's indentation. No fix for
flow-style mappings or scalars that span lines.

A mount read through an anchor (`- &data ./data:/data` reused as `- *data`, or a
`volumes` list merged with `<<:`) is edited only when every service that mounts it is
reported for it; otherwise (say, a download service writes the data) there is no fix and
the message names the anchor and the other services. A `read_only: false` merged from a
shared anchor is overridden by an own `read_only: true`. The finding's range is the
mount text, without its anchor.

Named volumes are not reported (they are not host data). A source from a variable is
read with its default or the project `.env`; one named like `DATASET_DIR` counts even
when unset, any other unset variable without a default is not reported. A short-syntax
source with `${…:-…}` is split the way Compose splits it, after interpolation.
"""

from __future__ import annotations

import re

from dockwise.compose import interpolation
from dockwise.compose.edits import ModelPath, model_paths, set_value, shared_reason, value_span
from dockwise.compose.gpu import gpu_requests, is_cuda_image, is_pytorch_image, uses_gpu
from dockwise.compose.service import (
    Mount,
    Service,
    is_path_like,
    split_volume,
    text_of,
    volumes,
)
from dockwise.compose.yaml_model import MappingNode, ScalarNode, get
from dockwise.lint.engine import ComposeContext
from dockwise.lint.registry import rule
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity
from dockwise.text import Span

#: findings for a service depend on that service alone (see dockwise.compose.incremental)
SERVICE_LOCAL = True

_STRONG = re.compile(r"^(?:datasets?|corpus|corpora|(?:training|train)[-_]?data(?:sets?)?)$")
_WEAK = frozenset({"data", "train", "training"})
_VAR = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
_VAR_STRONG = re.compile(r"DATASET|CORPUS|CORPORA|TRAIN(?:ING)?_?DATA", re.I)
_STATE_TARGETS = ("/var/", "/data/db", "/etc/", "/run/", "/tmp", "/home/", "/root",
                  "/usr/", "/opt/conda", "/bitnami/")
_ML_IMAGE = re.compile(
    r"pytorch|tensorflow|cuda|jupyter|huggingface|transformers|nvcr\.io|vllm|tritonserver"
    r"|ollama|comfyui|stable-diffusion|kohya|keras|jax|mlflow|notebook", re.I)


@rule(code="DC403", name="writable-dataset-mount", severity=Severity.INFORMATION,
      fix=FixAvailability.SOMETIMES)
def check(ctx: ComposeContext) -> None:
    found: list[tuple[Mount, str]] = []
    readers: dict[int, set[str]] = {}  # mount node -> the services reported for it
    for svc in ctx.services:
        ml: bool | None = None
        for m in volumes(svc, ctx.text):
            if m.short and isinstance(m.node, ScalarNode):
                m = _reparse(m, text_of(m.node, ctx.text) or "")
            if m.type != "bind" or m.read_only or m.source is None:
                continue
            kind = _dataset_like(m, ctx.project.env)
            if kind is None:
                continue
            if kind == "weak":
                if ml is None:
                    ml = _ml_service(svc, ctx.text)
                if not ml:
                    continue
            found.append((m, svc.name))
            readers.setdefault(id(m.node), set()).add(svc.name)
    for m, _name in found:
        fix, why = _fix(ctx, m, readers[id(m.node)])
        msg = (f"dataset mount `{m.source}` is writable: mount it read-only "
               f"({'`:ro`' if m.short else '`read_only: true`'}) so a job cannot "
               "modify the data")
        if fix is None:
            msg += f" (no automatic fix: {why or 'not for this syntax'})"
        if m.short:
            where: object = value_span(ctx.doc, m.node)
        else:
            where = get(m.node, "source") or m.node
        ctx.report(where, msg, fix=fix)


def _reparse(m: Mount, spec: str) -> Mount:
    """The short syntax split the way Compose splits it (after interpolation)."""
    if "${" not in spec:
        return m
    parts = split_volume(spec)
    if len(parts) < 2:
        return Mount(m.node, "volume", None, parts[0], False, True)
    src, tgt = parts[0], parts[1]
    ro = len(parts) > 2 and "ro" in parts[2].split(",")
    return Mount(m.node, "bind" if is_path_like(src) else "volume", src, tgt, ro, True)


def _last(path: str) -> str:
    p = path.replace("\\", "/").rstrip("/")
    return p.rsplit("/", 1)[-1].lower()


def _dataset_like(m: Mount, env: dict[str, str]) -> str | None:
    """"strong", "weak" or None."""
    assert m.source is not None
    src = m.source
    if "$" in src:
        if any(_VAR_STRONG.search(v) for v in _VAR.findall(src)):
            return "strong"
        sub = interpolation.substitute(src, env)
        if sub.missing or sub.required_errors:
            return None
        src = sub.value
    tgt = m.target or ""
    names = [_last(src), _last(tgt)]
    if any(_STRONG.match(n) for n in names):
        return "strong"
    if any(n in _WEAK for n in names):
        if tgt.startswith(_STATE_TARGETS):
            return None
        return "weak"
    return None


def _ml_service(svc: Service, text: str) -> bool:
    if uses_gpu(gpu_requests(svc.node, text)):
        return True
    image = text_of(svc.get("image"), text) or ""
    return bool(_ML_IMAGE.search(image)) or is_cuda_image(image) or is_pytorch_image(image)


def _fix(ctx: ComposeContext, m: Mount, reported: set[str]) -> tuple[Fix | None, str]:
    """The fix, or (None, why). The edit may change only this mount of the services it is
    reported for, never a mount of another service that shares its anchor."""
    title = "Mount the dataset read-only"
    node = m.node
    text = ctx.text

    def ours(p: ModelPath) -> bool:
        return len(p) >= 4 and p[0] == "services" and p[1] in reported and p[2] == "volumes"

    if m.short:
        if not isinstance(node, ScalarNode) or node.start_mark.line != node.end_mark.line:
            return None, ""
        paths = model_paths(ctx.doc, node)
        if not paths or not all(ours(p) for p in paths):
            return None, shared_reason(
                ctx.doc, node, None if paths is None else [p for p in paths if not ours(p)])
        edit = _short_edit(node, text)
        return (Fix(title, (edit,), Applicability.UNSAFE), "") if edit is not None else (None, "")
    if not isinstance(node, MappingNode) or node.flow_style:
        return None, ""
    mine = {p for p in (model_paths(ctx.doc, node) or []) if ours(p)}  # this mount's paths
    e, why = set_value(ctx.doc, node, "read_only", "true",
                       lambda p: len(p) == 5 and p[4] == "read_only" and p[:4] in mine)
    return (Fix(title, (e,), Applicability.UNSAFE), "") if e is not None else (None, why)


def _short_edit(node: ScalarNode, text: str) -> Edit | None:
    """Edit only the tail of the scalar (an anchor or tag before it stays): append `:ro`,
    or rewrite the mode after the last colon."""
    value = text_of(node, text) or ""
    end = node.end_mark.index
    if node.style in ("'", '"'):
        if text[end - 1 : end] != node.style:
            return None
        end -= 1
    elif node.style:
        return None
    parts = split_volume(value)
    if len(parts) < 3:
        if not text[:end].endswith(value[-1:]):
            return None
        return Edit(Span(end, end), ":ro")
    mode = parts[2]
    if text[end - len(mode) : end] != mode:
        return None
    opts = [o for o in mode.split(",") if o and o != "rw"]
    return Edit(Span(end - len(mode), end), ",".join(["ro", *opts]))

