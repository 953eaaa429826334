"""Compose rules (DCxxx)."""
