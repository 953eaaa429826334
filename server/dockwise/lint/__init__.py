"""The rule engine: rule registry, linting, suppressions and fixes."""
