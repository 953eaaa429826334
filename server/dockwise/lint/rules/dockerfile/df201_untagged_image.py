"""
## What it does
Reports image references with neither a tag nor a digest — `FROM python`,
`COPY --from=nginx …`, `RUN --mount=from=alpine,…` — which mean `:latest`. Not reported:
`scratch`, build stages (by name or index), named build contexts (Compose
`build.additional_contexts`, or the rule option `named-contexts`), and references built
from an `ARG` whose default is pinned. With `ARG BASE=python` + `FROM $BASE` the finding
and its fix are on the ARG default.

It is an *error* for catalogue images that publish no `latest` tag at all (e.g.
`nvidia/cuda`): the pull fails.

## Why is this bad?
An untagged reference floats: `latest` moves to new major versions without warning, so
the same Dockerfile builds a different image next month, the build cache is invalidated
at random, and a rebuild can break. For images without a `latest` tag the build fails.

## Example
```dockerfile
FROM python            # means python:latest
COPY --from=nginx /etc/nginx/nginx.conf /etc/nginx/
```
Use instead:
```dockerfile
FROM python:3.14
COPY --from=nginx:1.31 /etc/nginx/nginx.conf /etc/nginx/
```

## Fix safety
Unsafe: **pin a tag**. The tag is the image catalogue's current version, keeping the
variant (`python` → `python:3.14`) — the same pinning function as DF202 and DC101; with
registry lookup it is the version tag whose digest equals `latest`'s. The new version
may differ from what `latest` pulls today, so review it. The code action title names the
exact text it writes. No fix (the message says why) for images outside the catalogue or
without a known current version, and for references whose parts come from ARGs in a way
one edit cannot pin (`${IMAGE:-python}`, a default that itself uses variables).

Decisions where the catalogue is silent:

- `COPY --from=name` / `RUN --mount=from=name` with a single-word name that is neither
  a stage nor a catalogue image is taken as a named build context (Bake or
  `docker build --build-context`) and not reported; names with `/`, `:` or `@` are images.
- `--from` values containing `$` are DF002's business (BuildKit does not expand them).
- References with upper-case letters in the repository are invalid (the build fails to
  parse them) and are left to other rules.
- `ONBUILD` instructions are not checked (they belong to the downstream build).
- ≈ BuildKit has no equivalent check; exact equivalent: hadolint DL3006.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from dockwise.dockerfile.analysis import Stage, mount_options
from dockwise.dockerfile.imageref import RefParts, parse_reference
from dockwise.dockerfile.model import Flag, Instruction, Word
from dockwise.dockerfile.variables import find_refs
from dockwise.images.catalogue import Catalogue, ImageFamily
from dockwise.images.pinning import Pin, family_tag_moves, pin_reference
from dockwise.lint.engine import DockerfileContext
from dockwise.lint.incremental import stage_local
from dockwise.lint.registry import rule
from dockwise.lint.types import Applicability, Edit, Fix, FixAvailability, Severity
from dockwise.text import Span

_MOUNT_FROM = re.compile(r"(?:^|,)\s*from\s*=\s*([^,]*)", re.I)

UseKind = Literal["from", "copy", "mount"]


@dataclass(frozen=True, slots=True)
class ImageUse:
    """One image reference of a Dockerfile (not scratch, not a stage, not a context)."""

    kind: UseKind
    ins: Instruction
    stage: Stage
    written: str  # the reference as written (variables unexpanded)
    span: Span  # source span of ``written``
    expanded: str  # after global-ARG expansion (== written without variables)
    parts: RefParts  # parsed from ``expanded``

    @property
    def has_vars(self) -> bool:
        return "$" in self.written

    def sub_span(self, r: tuple[int, int] | None) -> Span | None:
        """A span inside the written text (offsets from ``parse_reference(written)``)."""
        if r is None:
            return None
        return Span(self.span.start + r[0], self.span.start + r[1])


@dataclass(frozen=True, slots=True)
class Site:
    """Where a finding about a reference's tag goes, and what one edit may replace."""

    report: Span  # the offending token
    edit: Span | None  # the text an edit replaces (None: no single edit can fix it)
    replaces: Literal["reference", "tag", "insert-tag", "none"]
    text: str  # the current text of ``edit`` (reference or tag as written there)
    via_arg: str | None = None  # the ARG whose default holds it


class FamilyMemo:
    """`Catalogue.family` and `family_tag_moves`, memoised for one check: big files use
    the same few bases in many stages."""

    __slots__ = ("_cat", "_families", "_moves")

    def __init__(self, cat: Catalogue) -> None:
        self._cat = cat
        self._families: dict[str, ImageFamily | None] = {}
        self._moves: dict[tuple[str, str | None], bool] = {}

    def family(self, canonical: str) -> ImageFamily | None:
        fams = self._families
        if canonical in fams:
            return fams[canonical]
        fam = fams[canonical] = self._cat.family(canonical)
        return fam

    def tag_moves(self, canonical: str, fam: ImageFamily, tag: str | None) -> bool:
        """``family_tag_moves(fam, tag)``; ``fam`` is ``self.family(canonical)``."""
        key = (canonical, tag)
        got = self._moves.get(key)
        if got is None:
            got = self._moves[key] = family_tag_moves(fam, tag)
        return got


def named_contexts(ctx: DockerfileContext) -> set[str]:
    """Named build contexts: from Compose (``ctx.named_contexts``) and the
    ``named-contexts`` option of this rule or of DF002."""
    names = {str(n).lower() for n in getattr(ctx, "named_contexts", None) or ()}
    for key in ("DF002", "unknown-stage"):
        opt = ctx.settings.rule_options.get(key, {}).get("named-contexts")
        if isinstance(opt, list):
            names.update(str(n).lower() for n in opt)
    opt = ctx.option("named-contexts", [])
    if isinstance(opt, list):
        names.update(str(n).lower() for n in opt)
    return names


def _vars_known(ctx: DockerfileContext, raw: str) -> bool:
    """Whether every variable of a FROM reference has a value (a default in its global
    ARG, or an operand); platform args (`${TARGETOS}`) are only known at build time."""
    if "$" not in raw:
        return True
    gargs = ctx.analysis.global_args
    return all(r.has_default or gargs.get(r.name) for r in find_refs(raw, ctx.df.escape))


def _is_stage_name(names: frozenset[str], value: str) -> bool:
    return value.isdigit() or value.lower() in names


def image_uses(ctx: DockerfileContext, *, kinds: tuple[UseKind, ...] = ("from", "copy", "mount")
               ) -> Iterator[ImageUse]:
    """Every image reference: external FROM bases and image `--from`/`from=` values."""
    an = ctx.analysis
    contexts = named_contexts(ctx)
    cat = ctx.images
    names = frozenset(st.name for st in an.stages if st.name)
    for st in ctx.stages:
        base = st.base
        if "from" in kinds and base is not None and st.parent is None:
            exp = base.expanded
            if (
                exp
                and not base.is_scratch
                and not base.unresolved_vars
                and "$" not in exp
                and not _is_stage_name(names, exp)
                and exp.lower() not in contexts
                and not base.raw.startswith(("'", '"'))
                and _vars_known(ctx, base.raw)
            ):
                parts = base.resolved
                if parts.repository == parts.repository.lower():  # else: invalid, DF001
                    yield ImageUse("from", st.from_, st, base.raw, base.span, exp, parts)
        if "copy" not in kinds and "mount" not in kinds:
            continue
        for ins in st.instructions:
            kw = ins.keyword
            if kw in ("COPY", "ADD") and "copy" in kinds and "--from" in ins.rest:
                for f in ins.flags_named("from"):
                    use = _flag_use(ctx, cat, contexts, names, "copy", ins, st, f,
                                    f.value or "")
                    if use is not None:
                        yield use
            elif kw == "RUN" and "mount" in kinds and ins.rest.startswith("--") \
                    and "from" in ins.rest.lower():  # (a --mount flag: `ins.has_flags`)
                for f in ins.flags_named("mount"):
                    v = mount_options(f.value or "").get("from")
                    if v:
                        use = _flag_use(ctx, cat, contexts, names, "mount", ins, st, f, v)
                        if use is not None:
                            yield use


def _flag_use(ctx: DockerfileContext, cat: Catalogue, contexts: set[str],
              names: frozenset[str], kind: UseKind, ins: Instruction, st: Stage, f: Flag,
              value: str) -> ImageUse | None:
    value = value.strip()
    if (
        not value
        or "$" in value
        or value.lower() == "scratch"
        or _is_stage_name(names, value)
        or value.lower() in contexts
    ):
        return None
    if not any(c in value for c in "/:@") and cat.family(value) is None:
        return None  # a bare word that is no catalogue image: a named context (see docs)
    parts = parse_reference(value)
    if parts.repository != parts.repository.lower():
        return None
    span = _value_span(ctx, f, value, kind)
    if span is None:
        return None
    return ImageUse(kind, ins, st, value, span, value, parts)


def _value_span(ctx: DockerfileContext, f: Flag, value: str, kind: UseKind) -> Span | None:
    sp = f.value_span or f.span
    raw = ctx.text[sp.start : sp.end]
    if kind == "copy":
        i = raw.find(value)
        return Span(sp.start + i, sp.start + i + len(value)) if i >= 0 else None
    m = _MOUNT_FROM.search(raw)
    if m and m.group(1).strip() == value:
        a = sp.start + m.start(1) + (len(m.group(1)) - len(m.group(1).lstrip()))
        return Span(a, a + len(value))
    return None


# -- where a tag lives ------------------------------------------------------------------


def _arg_default(ctx: DockerfileContext, name: str) -> tuple[Instruction, Word, Span | None,
                                                              str] | None:
    """The global ARG word giving ``name`` its default: (instr, word, source span of the
    default value as written or None, default text)."""
    found: tuple[Instruction, Word, Span | None, str] | None = None
    for ins in ctx.analysis.global_arg_instrs:
        for w in ins.words:
            key, sep, val = w.value.partition("=")
            if key != name or not sep:
                continue
            found = (ins, w, _default_span(ins, w, val), val)
    return found


def _default_span(ins: Instruction, w: Word, val: str) -> Span | None:
    raw = w.raw
    eq = raw.find("=")
    if eq < 0:
        return None
    rest = raw[eq + 1 :]
    if rest == val:
        return ins.span_of(w.lo + eq + 1, w.hi)
    if len(rest) >= 2 and rest[0] == rest[-1] and rest[0] in "'\"" and rest[1:-1] == val:
        return ins.span_of(w.lo + eq + 2, w.hi - 1)
    return None


def tag_site(ctx: DockerfileContext, use: ImageUse) -> Site:
    """Where the tag of ``use`` is written: in the reference itself, or in the default of
    the ARG the reference (or its tag) comes from."""
    written = use.written
    wp = parse_reference(written)
    if not use.has_vars:
        tag_span = use.sub_span(wp.tag_range)
        if tag_span is not None:
            return Site(tag_span, tag_span, "tag", wp.tag or "")
        end = use.span.start + wp.name_range[1]
        return Site(Span(use.span.start, end), Span(end, end), "insert-tag", "")
    refs = find_refs(written, ctx.df.escape)
    whole = use.span
    if len(refs) == 1 and refs[0].lo == 0 and refs[0].hi == len(written) and not refs[0].op:
        return _arg_site(ctx, refs[0].name, use.expanded, "reference", whole)
    if wp.tag_range is not None:
        tag_text = written[wp.tag_range[0] : wp.tag_range[1]]
        tag_span = use.sub_span(wp.tag_range)
        assert tag_span is not None
        if "$" not in tag_text:
            return Site(tag_span, tag_span, "tag", tag_text)
        trefs = find_refs(tag_text, ctx.df.escape)
        if len(trefs) == 1 and trefs[0].lo == 0 and trefs[0].hi == len(tag_text) \
                and not trefs[0].op:
            return _arg_site(ctx, trefs[0].name, use.parts.tag or "", "tag", tag_span)
        return Site(tag_span, None, "none", tag_text)
    if wp.digest_range is None and not any(r.hi == len(written) for r in refs):
        end = use.span.start + wp.name_range[1]
        return Site(whole, Span(end, end), "insert-tag", "")
    return Site(whole, None, "none", written)


def _arg_site(ctx: DockerfileContext, name: str, expected: str,
              replaces: Literal["reference", "tag"], fallback: Span) -> Site:
    found = _arg_default(ctx, name)
    if found is None:
        return Site(fallback, None, "none", expected)
    _ins, w, span, val = found
    if span is None:
        return Site(w.span, None, "none", val, via_arg=name)
    if "$" in val or val != expected:
        return Site(span, None, "none", val, via_arg=name)
    return Site(span, span, replaces, val, via_arg=name)


def pin_fix(ctx: DockerfileContext, use: ImageUse, site: Site) -> tuple[Fix | None, str]:
    """The pinning fix for a floating reference, or None and the reason (for messages)."""
    cat = ctx.images
    fam = cat.family(use.parts.canonical)
    lookup = getattr(ctx, "registry", None)
    want_digest = lookup is not None and bool(ctx.option("pin-digest", False))
    pin: Pin | None = pin_reference(use.expanded, cat, lookup=lookup, digest=want_digest)
    if pin is None or not pin.tag:
        if fam is None:
            why = f"`{use.parts.canonical}` is not in the image catalogue; pin a version tag"
        else:
            why = f"the image catalogue knows no current version for `{use.expanded}`"
        return None, why
    if site.edit is None:
        return None, "the reference is assembled from ARGs in a way one edit cannot pin"
    at = f"@{pin.digest}" if pin.digest else ""
    if site.replaces == "tag":
        new = pin.tag + at
        if site.via_arg:
            title = (f"Set `ARG {site.via_arg}` default to `{new}` "
                     f"(pins `{pin.original}` to `{pin.reference}`)")
        else:
            title = pin.title
    elif site.replaces == "insert-tag":
        new, title = f":{pin.tag}{at}", pin.title
    elif site.replaces == "reference":
        new = pin.reference
        title = pin.title + (f" (default of `ARG {site.via_arg}`)" if site.via_arg else "")
    else:
        return None, "the reference is assembled from ARGs in a way one edit cannot pin"
    return Fix(title, (Edit(site.edit, new),), Applicability.UNSAFE), ""


def describe(use: ImageUse, site: Site) -> str:
    """How to name the reference in a message (mentions the ARG it comes from)."""
    if site.via_arg:
        return f"`{use.expanded}` (from the default of `ARG {site.via_arg}`)"
    return f"`{use.expanded}`"


@rule(code="DF201", name="untagged-image", severity=Severity.WARNING,
      fix=FixAvailability.SOMETIMES, equivalents=("DL3006",))
@stage_local
def check(ctx: DockerfileContext) -> None:
    fams = FamilyMemo(ctx.images)
    for use in image_uses(ctx):
        parts = use.parts
        if parts.tag or parts.digest:
            continue
        site = tag_site(ctx, use)
        fam = fams.family(parts.canonical)
        what = describe(use, site)
        if fam is not None and fam.has_latest_tag is False:
            ctx.report(
                site.report,
                f"{what} has no tag, and `{fam.name}` publishes no `latest` tag: the pull "
                "fails; choose a version tag",
                severity=Severity.ERROR,
            )
            continue
        fix, why = pin_fix(ctx, use, site)
        msg = f"{what} has no tag, so it means `:latest`, which moves to new versions"
        if fix is None:
            msg += f" (no fix: {why})"
        ctx.report(site.report, msg, fix=fix)
