"""Image knowledge: the versioned catalogue in ``schemas/images.json``."""
