"""Dockerfile rules (DFxxx)."""
