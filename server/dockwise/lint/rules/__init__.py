"""Rule modules: one rule per module, discovered automatically."""
