"""
## What it does
Reports a target stage built on a full image where the image catalogue knows a slim
variant — `python:3.12` → `python:3.12-slim`, `python:3.12-bookworm` →
`python:3.12-slim-bookworm`, `node:20` → `node:20-slim`, `debian:12` → `debian:12-slim`.
Target stages follow their `FROM <stage>` chain: the image at its root ends up in the
final image. Builder stages (and stages only builders are based on) are exempt: their
size does not ship.

## Why is this bad?
The full variants carry compilers, headers and hundreds of packages the application
does not need at run time: the image is several times larger, slower to pull and has
more packages for scanners to flag.

## Example
```dockerfile
FROM python:3.12
COPY . /app
CMD ["python", "/app/main.py"]
```
Use instead:
```dockerfile
FROM python:3.12-slim
COPY . /app
CMD ["python", "/app/main.py"]
```

## Fix safety
Unsafe: switch to the slim variant. Packages the full image had (compilers, `-dev`
headers, `git`, `curl`) are missing in the slim one, so a later `pip install` of a
package without wheels or a script using those tools can fail — install them in a
builder stage (DF206). When the catalogue has sizes for both tags the message states
them (compressed linux/amd64 transfer sizes, rounded: `~413 MB vs ~43.0 MB compressed`);
otherwise it names the slim variant without figures.

Decisions where the catalogue is silent:

- Only version tags (`3.12`, `3.12.4`; for `debian` also codenames such as
  `bookworm`) and catalogue variants with a known slim
  counterpart are reported; a moving tag (`latest`, untagged) is DF201/DF202's business
  first, and tags the catalogue does not know (`3.9-buster`) are left alone.
- CUDA images (`nvidia/cuda`, `pytorch/pytorch`) are left to DF207 (`-devel` →
  `-runtime`) and DF209 (`-runtime` → `-base` when the wheels bundle CUDA): dropping
  their CUDA libraries is only right in those cases.
- A tag built from an ARG (`python:${PY}`) gets the suffix appended after the ARG.
- Where the catalogue measured another release of the same variant and major version
  (`python:3.13` for `python:3.12`), the message gives those figures and names the tags
  they were measured on.
- ≈ DF206 (build tools in the final image), DF207 (CUDA `-devel` images).
"""

from __future__ import annotations

import re

from dockwise.dockerfile.analysis import Stage
from dockwise.dockerfile.imageref import parse_reference
from dockwise.images.catalogue import ImageFamily, format_mb
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.rules.dockerfile.df201_untagged_image import (
    FamilyMemo,
    ImageUse,
    image_uses,
)
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity
from dockwise.text import Span

_VERSION = re.compile(r"^\d+(\.\d+)*$")
_CODENAME = re.compile(r"^[a-z]+$")
# CUDA images: `-devel` vs `-runtime` is DF207's business, `-runtime` vs `-base` DF209's
_CUDA_FAMILIES = frozenset({"nvidia/cuda", "pytorch/pytorch"})


def target_root_stages(ctx: DockerfileContext) -> set[int]:
    """Indexes of the stages whose external base image ends up in a target stage."""
    an = ctx.analysis
    out: set[int] = set()
    for st in ctx.target_stages:
        out.add(an.chain(st)[-1].index)
    return out


def _roots(ctx: DockerfileContext) -> list[tuple[Stage, ImageUse]]:
    roots = target_root_stages(ctx)
    return [(u.stage, u) for u in image_uses(ctx, kinds=("from",)) if u.stage.index in roots]


def slim_tag(tag: str, pattern: str | None, counterpart: str, *, codenames: bool = False
             ) -> str | None:
    """``3.12`` + ``-slim`` -> ``3.12-slim``; ``3.12-bookworm`` (pattern ``-bookworm$``)
    + ``-slim-bookworm`` -> ``3.12-slim-bookworm``; with ``codenames`` (debian),
    ``bookworm`` -> ``bookworm-slim``."""
    if pattern is None:
        ok = _VERSION.match(tag) or (codenames and _CODENAME.match(tag))
        return tag + counterpart if ok else None
    probe = "-" + tag
    m = re.search(pattern, probe)
    if m is None:
        return None
    head = probe[: m.start()][1:]
    if not _VERSION.match(head):
        return None
    return head + counterpart


def sizes_text(fam: ImageFamily, tag: str, slim: str) -> str:
    """``: ~413 MB vs ~43.0 MB compressed`` when the catalogue has both sizes, else ``""``."""
    full_size, slim_size = fam.size_of(tag), fam.size_of(slim)
    if full_size is None or slim_size is None:
        return ""
    a, b = full_size.compressed_bytes, slim_size.compressed_bytes
    if a is None or b is None or full_size.platform != slim_size.platform:
        return ""
    out = f": {format_mb(a, True)} vs {format_mb(b, True)} compressed"
    if full_size.platform != "linux/amd64":
        out += f" ({full_size.platform})"
    if full_size.tag != tag or slim_size.tag != slim:
        out += f", measured on `{fam.name}:{full_size.tag}`/`{fam.name}:{slim_size.tag}`"
    return out


@rule(code="DF204", name="heavy-base-image", severity=Severity.INFORMATION,
      fix=FixAvailability.SOMETIMES)
@stage_local
def check(ctx: DockerfileContext) -> None:
    fams = FamilyMemo(ctx.images)
    for _st, use in _roots(ctx):
        parts = use.parts
        tag = parts.tag
        if not tag or parts.digest:
            continue
        fam = fams.family(parts.canonical)
        if fam is None or fam.name in _CUDA_FAMILIES or fams.tag_moves(parts.canonical, fam, tag):
            continue
        variant = fam.variant(tag)
        if not variant.slim_counterpart:
            continue
        new_tag = slim_tag(tag, variant.pattern, variant.slim_counterpart,
                           codenames=fam.name == "debian")
        if new_tag is None:
            continue
        sizes = sizes_text(fam, tag, new_tag)
        wp = parse_reference(use.written)
        tag_span = use.sub_span(wp.tag_range)
        if tag_span is None:
            ctx.report(use.span, f"`{use.expanded}` is a full image; a target stage rarely "
                       f"needs it: the slim variant `{parts.canonical}:{new_tag}` is much "
                       f"smaller{sizes} (no fix: the tag comes from an ARG)")
            continue
        written_tag = use.written[wp.tag_range[0] : wp.tag_range[1]] if wp.tag_range else ""
        name = use.written[: wp.name_range[1]]
        if "$" not in written_tag:
            edit = Edit(tag_span, new_tag)
            new_ref = f"{name}:{new_tag}"
        elif variant.pattern is None:
            suffix = new_tag[len(tag) :]
            edit = Edit(Span(tag_span.end, tag_span.end), suffix)
            new_ref = f"{name}:{written_tag}{suffix}"
        else:
            edit = None
            new_ref = ""
        old = f"{parts.canonical}:{tag}" if use.has_vars else use.written
        slim_name = f"`{parts.canonical}:{new_tag}`"
        msg = f"`{old}` is a full image; a target stage rarely needs it: the slim variant " \
              f"{slim_name} is much smaller{sizes}"
        fix = None
        if edit is not None:
            fix = Fix(f"Switch `{use.written}` to `{new_ref}`", (edit,), Applicability.UNSAFE)
        else:
            msg += " (no fix: the tag comes from an ARG)"
        ctx.report(tag_span, msg, fix=fix)
