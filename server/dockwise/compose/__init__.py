"""Compose files: YAML nodes with exact ranges, Compose's scalar reading, interpolation,
project resolution."""
