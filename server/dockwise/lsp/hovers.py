"""Hover contents: the rule explanation on a diagnosed range, and the editor features'
hovers (image size tables, instruction / flag / Compose key docs). Markdown; the server
converts to plain text for clients without markdown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dockwise.lsp import convert
from dockwise.lsp.linting import LintOutcome
from dockwise.text import Span


def rule_hovers(res: LintOutcome, offset: int) -> list[tuple[str, Span | None]]:
    out: list[tuple[str, Span | None]] = []
    for v in res.violations:
        if v.span.start <= offset <= v.span.end:
            out.append((convert.rule_hover(v, res.settings), v.span))
    return out


def feature_hovers(kind: str, text: str, offset: int, path: Path | None,
                   settings: Any = None) -> list[tuple[str, Span | None]]:
    """Image hover first (the size table), then the docs of what is under the cursor."""
    out: list[tuple[str, Span | None]] = []
    from dockwise.features.image_hover import image_hover, image_reference_at

    at = image_reference_at(text, offset, "compose" if kind == "compose" else "dockerfile")
    if at is not None:
        lookup = None
        if settings is not None and getattr(settings, "registry_lookup", False):
            from dockwise.images.registry import lookup_for

            lookup = lookup_for(settings)
        h = image_hover(text, offset, "compose" if kind == "compose" else "dockerfile",
                        lookup=lookup)
        if h is not None:
            out.append((h[0], at.span))
    from dockwise.features.doc_hover import doc_hover

    d = doc_hover(kind, text, offset)
    if d is not None and not out:
        out.append((d.markdown, d.span))
    elif d is not None:
        out.append((d.markdown, None))
    return out
