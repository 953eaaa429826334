"""Open documents: text and version as the editor has them, with incremental changes
applied in the negotiated position encoding (LSP line breaks only, through
:class:`dockwise.text.LineIndex`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dockwise.documents import COMPOSE, is_yaml, kind_for, looks_like_compose_text
from dockwise.text import LineIndex

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


class Positions:
    """Offsets (code points) <-> LSP (line, character) in one position encoding."""

    def __init__(self, encoding: str = UTF16) -> None:
        self.encoding = encoding if encoding in (UTF8, UTF16, UTF32) else UTF16

    def to_lsp(self, index: LineIndex, offset: int) -> tuple[int, int]:
        if self.encoding == UTF16:
            return index.utf16_col(offset)
        line, col = index.position(offset)
        if self.encoding == UTF8:
            start = index.line_start(line)
            return line, len(index.text[start : start + col].encode("utf-8", "surrogatepass"))
        return line, col

    def to_offset(self, index: LineIndex, line: int, character: int) -> int:
        if line >= index.line_count:
            return len(index.text)
        if self.encoding == UTF16:
            return index.offset_from_utf16(line, character)
        if self.encoding == UTF8:
            raw = index.line_text(line).encode("utf-8", "surrogatepass")
            col = len(raw[: max(character, 0)].decode("utf-8", "ignore"))
            return index.line_start(line) + col
        return index.offset(line, character)


@dataclass(slots=True)
class OpenDocument:
    uri: str
    path: Path | None  # resolved file path (None for untitled: buffers)
    kind: str | None  # dockwise.documents.DOCKERFILE / COMPOSE / None: not ours
    version: int
    text: str
    _index: LineIndex | None = field(default=None, repr=False)
    yaml: bool = False  # a YAML document: a Compose file when its content says so

    def sniff(self) -> bool:
        """Whether this YAML document has just become a Compose file by its content."""
        if self.kind is None and self.yaml and looks_like_compose_text(self.text):
            self.kind = COMPOSE
            return True
        return False

    @property
    def index(self) -> LineIndex:
        if self._index is None or self._index.text is not self.text:
            self._index = LineIndex(self.text)
        return self._index

    def replace(self, start: int, end: int, new_text: str) -> None:
        self.text = self.text[:start] + new_text + self.text[end:]
        self._index = None


def path_of(uri: str) -> Path | None:
    from pygls.uris import to_fs_path

    if not uri.startswith("file:"):
        return None
    p = to_fs_path(uri)
    if p is None:
        return None
    try:
        return Path(p).resolve()
    except OSError:
        return Path(p)


def make_document(uri: str, language_id: str | None, version: int, text: str) -> OpenDocument:
    path = path_of(uri)
    name = path.name if path is not None else uri.rsplit("/", 1)[-1]
    doc = OpenDocument(uri, path, kind_for(name, language_id), version, text,
                       yaml=is_yaml(name, language_id))
    doc.sniff()  # `stack.yaml` with a top-level `services:` is a Compose file
    return doc
