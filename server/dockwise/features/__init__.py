"""Editor features, LSP-facing but pure: no pygls/lsprotocol here. Every function takes
text (and offsets in code points) and returns plain dataclasses; ``dockwise.server``
converts them to LSP types (UTF-16 columns through :class:`dockwise.text.LineIndex`)."""
