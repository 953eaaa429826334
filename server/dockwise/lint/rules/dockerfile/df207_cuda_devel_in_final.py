"""
## What it does
Reports a target stage built on a CUDA *development* image — `nvidia/cuda:*-devel*`
(also `cudnn-devel`, and the same on `nvcr.io/nvidia/cuda`), `pytorch/pytorch:*-devel`,
and `nvcr.io/nvidia/pytorch` (NGC PyTorch images ship the full CUDA toolkit) — unless
the stage compiles CUDA code or compiles kernels at run time. Target stages follow their
`FROM <stage>` chain.

## Why is this bad?
The `-devel` images add the CUDA compiler, headers and static libraries: several GB more
than the matching `-runtime` image, none of it needed to *run* a model. PyTorch and
most CUDA wheels bundle the libraries they need.

## Example
```dockerfile
FROM nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04
RUN pip install torch
CMD ["python", "serve.py"]
```
Use instead:
```dockerfile
FROM nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04
RUN pip install torch
CMD ["python", "serve.py"]
```

## Fix safety
Unsafe: switch `-devel` to `-runtime` in the tag (`12.4.1-cudnn-devel-ubuntu22.04` →
`12.4.1-cudnn-runtime-ubuntu22.04`, `2.3.0-cuda12.1-cudnn8-devel` →
`2.3.0-cuda12.1-cudnn8-runtime`). If something does need the toolkit, keep `-devel` in a
builder stage and copy the results into the runtime stage. No fix for
`nvcr.io/nvidia/pytorch`, which has no runtime variant (the message says so).

Decisions where the catalogue is silent — the stage (or a stage it is based on) counts as
compiling CUDA code when it mentions any of: `nvcc`, `build_ext`, `setup.py build|install|
develop|bdist_wheel`, `TORCH_CUDA_ARCH_LIST`, `CUDA_HOME`, `--no-build-isolation`,
`cpp_extension`, `cmake`, `ninja`, `make`, `torch.compile`, `triton`, `flash-attn`,
`apex`, `deepspeed`, `xformers` — in RUN (heredocs included), ENV, ARG, CMD or ENTRYPOINT.
Being generous here avoids telling someone to drop a compiler they use.
≈ DF204 (slim variants), DF206 (build tools in the final image), DF209.
"""

from __future__ import annotations

import re

from dockwise.dockerfile.analysis import Stage
from dockwise.dockerfile.imageref import parse_reference
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.rules.dockerfile.df201_untagged_image import image_uses
from dockwise.lint.rules.dockerfile.df204_heavy_base_image import target_root_stages
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity
from dockwise.text import Span

_COMPILE = re.compile(
    r"\bnvcc\b|build_ext|setup\.py\s+(?:build|install|develop|bdist_wheel)|TORCH_CUDA_ARCH_LIST"
    r"|CUDA_HOME|--no-build-isolation|cpp_extension|\bcmake\b|\bninja\b|\bmake\b"
    r"|torch\.compile|\btriton\b|flash[-_]attn|\bapex\b|deepspeed|xformers",
    re.I,
)
_CUDA_REPOS = ("nvidia/cuda", "nvcr.io/nvidia/cuda")
_TORCH_REPOS = ("pytorch/pytorch",)
_NGC_TORCH = "nvcr.io/nvidia/pytorch"
_DEVEL = re.compile(r"(?:^|-)devel(?:-|$)", re.I)


def stage_compiles_cuda(ctx: DockerfileContext, stage: Stage) -> bool:
    """Whether the stage or one of its FROM ancestors builds CUDA/C++ code (generous)."""
    for st in ctx.analysis.chain(stage):
        for ins in st.instructions:
            kw = ins.keyword
            if kw not in ("RUN", "ENV", "ARG", "CMD", "ENTRYPOINT"):
                continue
            if _COMPILE.search(ins.rest):
                return True
            for h in ins.heredocs:
                if _COMPILE.search(h.body):
                    return True
    return False


def devel_kind(canonical: str, tag: str | None) -> str | None:
    """"cuda", "pytorch" or "ngc" when the reference is a CUDA development image."""
    if canonical == _NGC_TORCH:
        return "ngc"
    if not tag:
        return None
    if canonical in _CUDA_REPOS and _DEVEL.search(tag):
        return "cuda"
    if canonical in _TORCH_REPOS and tag.lower().endswith("-devel"):
        return "pytorch"
    return None


@rule(code="DF207", name="cuda-devel-in-final", severity=Severity.INFORMATION,
      fix=FixAvailability.SOMETIMES)
@stage_local
def check(ctx: DockerfileContext) -> None:
    roots = target_root_stages(ctx)
    an = ctx.analysis
    for use in image_uses(ctx, kinds=("from",)):
        if use.stage.index not in roots or use.parts.digest:
            continue
        kind = devel_kind(use.parts.canonical, use.parts.tag)
        if kind is None:
            continue
        targets = [t for t in an.target_stages if an.chain(t)[-1].index == use.stage.index]
        if any(stage_compiles_cuda(ctx, t) for t in targets):
            continue
        wp = parse_reference(use.written)
        tag_span = use.sub_span(wp.tag_range)
        if kind == "ngc":
            ctx.report(tag_span or use.span,
                       f"`{use.expanded}` ships the full CUDA toolkit (several GB) in a final "
                       "image that compiles nothing; NGC PyTorch has no runtime variant: "
                       "consider `pytorch/pytorch:*-runtime` or a CUDA `-runtime` base "
                       "(no fix)")
            continue
        assert tag_span is not None and wp.tag_range is not None
        written_tag = use.written[wp.tag_range[0] : wp.tag_range[1]]
        msg = (f"`{use.expanded}` is a `-devel` image (compiler, headers: several GB more "
               "than `-runtime`) in a final stage that compiles no CUDA code; use the "
               "`-runtime` variant and keep `-devel` in a builder stage if needed")
        i = written_tag.lower().find("devel")
        if i < 0 or "$" in written_tag[max(0, i - 2) : i + 7]:
            ctx.report(tag_span, msg + " (no fix: the tag comes from an ARG)")
            continue
        a = tag_span.start + i
        new_tag = written_tag[:i] + "runtime" + written_tag[i + 5 :]
        name = use.written[: wp.name_range[1]]
        fix = Fix(f"Switch `{use.written}` to `{name}:{new_tag}`",
                  (Edit(Span(a, a + 5), "runtime"),), Applicability.UNSAFE)
        ctx.report(tag_span, msg, fix=fix)
