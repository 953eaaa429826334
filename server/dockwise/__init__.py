"""dockwise: a language server and headless checker for Dockerfiles and Compose files."""

__version__ = "0.1.0"
