"""Dockerfile scanning (exact ranges), model and whole-file analysis."""
