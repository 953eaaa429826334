"""
## What it does
Checks PyTorch wheels (`pip install torch …`) against the CUDA of the base image (the
root of the stage's FROM chain):

- *Warning*: CPU-only wheels (`--index-url …/whl/cpu`, `torch==2.3.0+cpu`) on a CUDA
  base (`nvidia/cuda`, `pytorch/pytorch`, `nvcr.io/nvidia/pytorch`): the GPU is never
  used and the CUDA base is wasted.
- *Warning*: a CUDA **major** mismatch between the wheel index (`cu118`, `cu121`, … or
  `+cu121`) and a `-devel` base when the same stage compiles CUDA extensions: `nvcc`
  of one major version builds against torch headers of another and the extension fails
  to build or load.
- *Information*: CUDA wheels (the default PyPI `torch`, or a `cuXXX` index) on an
  `nvidia/cuda:*-runtime` / `cudnn-runtime` base in a final image: the wheels bundle
  their own CUDA and cuDNN libraries, so the base's copy is dead weight.
- *Information*: installing `torch` over a `pytorch/pytorch` (or NGC PyTorch) base,
  which already ships it.

## Why is this bad?
These combinations either silently run on the CPU, fail when extensions are built, or
ship several GB of duplicated CUDA libraries.

## Example
```dockerfile
FROM nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04
RUN pip install torch --index-url https://download.pytorch.org/whl/cpu
```
Use instead:
```dockerfile
FROM python:3.12-slim
RUN pip install torch --index-url https://download.pytorch.org/whl/cpu
```

## Fix safety
No automatic fix: which side to change (the wheels or the base) is the user's choice.
The messages name the alternatives (`nvidia/cuda:*-base`, `python:*-slim`, the matching
`cuXXX` index); image sizes are given only where the catalogue has them.

Decisions where the catalogue is silent: requirement files are not read; "compiles CUDA
extensions" uses DF207's generous signals; the information cases apply to target
stages and their FROM ancestors only (a builder's size does not ship).
≈ DF207 (`-devel` in the final image), DF205.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dockwise.dockerfile.analysis import Stage
from dockwise.dockerfile.shell import ShellWord
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.rules.dockerfile.df205_alpine_binary_wheels import PipInstall, pip_installs
from dockwise.lint.rules.dockerfile.df207_cuda_devel_in_final import stage_compiles_cuda
from dockwise.lint.types import Severity

_TORCH = frozenset({"torch", "torchvision", "torchaudio"})
_CPU_INDEX = re.compile(r"/whl/(?:nightly/)?cpu(?:/|$)", re.I)
_CU_INDEX = re.compile(r"/whl/(?:nightly/)?cu(\d{2,3})(?:/|$)", re.I)
_CU_LOCAL = re.compile(r"\+cu(\d{2,3})\b", re.I)


@dataclass(frozen=True, slots=True)
class CudaBase:
    reference: str
    flavour: str  # "devel", "runtime", "base" or "unknown"
    major: int | None
    ships_torch: bool
    tag: str


def cuda_base(canonical: str, tag: str | None, expanded: str) -> CudaBase | None:
    t = (tag or "").lower()
    flavour = ("devel" if "devel" in t else "runtime" if "runtime" in t
               else "base" if re.search(r"(?:^|-)base(?:-|$)", t) else "unknown")
    if canonical in ("nvidia/cuda", "nvcr.io/nvidia/cuda"):
        m = re.match(r"^(\d+)\.\d+", t)
        return CudaBase(expanded, flavour, int(m.group(1)) if m else None, False, tag or "")
    if canonical == "pytorch/pytorch":
        m = re.search(r"cuda(\d+)\.\d+", t)
        return CudaBase(expanded, flavour if flavour != "unknown" else "runtime",
                        int(m.group(1)) if m else None, True, tag or "")
    if canonical == "nvcr.io/nvidia/pytorch":
        return CudaBase(expanded, "devel", None, True, tag or "")
    return None


def _cu_major(digits: str) -> int:
    return int(digits[:-1])


def _base_tag_suggestion(base: CudaBase) -> str:
    new = re.sub(r"(?:cudnn\d*-)?runtime", "base", base.tag, count=1, flags=re.I)
    name = base.reference.rsplit(":", 1)[0] if ":" in base.reference else base.reference
    return f"`{name}:{new}`" if new != base.tag else "`nvidia/cuda:*-base`"


@rule(code="DF209", name="torch-cuda-mismatch", severity=Severity.WARNING)
@stage_local
def check(ctx: DockerfileContext) -> None:
    an = ctx.analysis
    shipping = an.target_ancestors()
    for st in ctx.stages:
        base: CudaBase | None = None
        resolved = False
        for ins in st.instructions:
            if ins.keyword != "RUN" or ("torch" not in ins.rest
                                        and not any("torch" in h.body for h in ins.heredocs)):
                continue
            if not resolved:
                resolved = True
                root = an.root_base(st)
                if root is not None and not root.unresolved_vars:
                    base = cuda_base(root.resolved.canonical, root.resolved.tag, root.expanded)
            if base is None:
                break
            for inst in pip_installs(ins):
                _check_install(ctx, st, base, inst, st.index in shipping)


def _check_install(ctx: DockerfileContext, st: Stage, base: CudaBase, inst: PipInstall,
                   ships: bool) -> None:
    torch_reqs = [r for r in inst.packages if r.name in _TORCH]
    cpu_words = [w for url, w in inst.indexes if _CPU_INDEX.search(url)]
    cpu_words += [r.word for r in torch_reqs if "+cpu" in r.spec.lower()]
    if cpu_words:
        for w in cpu_words:
            ctx.report(w.span, f"CPU-only PyTorch wheels on the CUDA base `{base.reference}`: "
                       "torch will not use the GPU; use the CUDA wheel index matching the "
                       "base (`…/whl/cuXXX`), or a non-CUDA base such as `python:3.x-slim`")
        return
    cu: list[tuple[int, ShellWord]] = []
    for url, w in inst.indexes:
        m = _CU_INDEX.search(url)
        if m:
            cu.append((_cu_major(m.group(1)), w))
    for r in torch_reqs:
        m = _CU_LOCAL.search(r.spec)
        if m:
            cu.append((_cu_major(m.group(1)), r.word))
    if (cu and base.flavour == "devel" and base.major is not None
            and stage_compiles_cuda(ctx, st)):
        for major, w in cu:
            if major != base.major:
                ctx.report(w.span, f"PyTorch wheels for CUDA {major} on the CUDA {base.major} "
                           f"`-devel` base `{base.reference}`, and this stage compiles CUDA "
                           f"extensions: `nvcc` {base.major}.x and torch's CUDA {major} do not "
                           "match; use the wheel index for CUDA "
                           f"{base.major} or a CUDA {major} devel base")
    if not ships:
        return
    torch_word = next((r for r in torch_reqs if r.name == "torch"), None)
    if torch_word is None:
        return
    if base.ships_torch:
        ctx.report(torch_word.word.span,
                   f"`{base.reference}` already ships PyTorch: installing `torch` again adds "
                   "a second multi-GB copy in a new layer (or replaces the tested build); "
                   "use the base's torch, or start from `python:3.x-slim` / "
                   "`nvidia/cuda:*-base` and install torch once",
                   severity=Severity.INFORMATION)
        return
    if base.flavour == "runtime":
        ctx.report(torch_word.word.span,
                   f"PyTorch's CUDA wheels bundle their own CUDA and cuDNN libraries, so the "
                   f"CUDA runtime of `{base.reference}` is dead weight; use "
                   f"{_base_tag_suggestion(base)} or `python:3.x-slim`",
                   severity=Severity.INFORMATION)
