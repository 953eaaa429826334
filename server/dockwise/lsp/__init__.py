"""The language server's parts that know LSP (pygls / lsprotocol): documents and their
versions, position encodings, lint scheduling, conversions of violations and fixes to
LSP types, settings. :mod:`dockwise.server` wires them to the protocol handlers.

Nothing under ``dockwise.lsp`` is imported by the headless checker."""
