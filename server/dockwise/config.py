"""Settings: defaults < project file (`.dockwise.toml` / `[tool.dockwise]`) < editor < CLI.

Setting names are kebab-case in TOML (`registry-lookup`) and camelCase in editor settings
(`registryLookup`); :data:`SETTINGS` is the one list of them.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dockwise.documents import resolved
from dockwise.lint.types import Severity


class ConfigError(ValueError):
    """An invalid configuration value; the message names the file and key."""


# kebab-case name -> (attribute, type description)
SETTINGS: dict[str, tuple[str, str]] = {
    "select": ("select", "list of rule codes, names or prefixes"),
    "extend-select": ("extend_select", "list of rule codes, names or prefixes"),
    "ignore": ("ignore", "list of rule codes, names or prefixes"),
    "severity": ("severity", "table: rule -> error|warning|information"),
    "exclude": ("exclude", "list of .gitignore-style patterns"),
    "fail-level": ("fail_level", "error|warning|information"),
    "trusted-registries": ("trusted_registries", "list of registry host names"),
    "registry-lookup": ("registry_lookup", "boolean"),
    "registry-platform": ("registry_platform", "os/arch[/variant], e.g. linux/arm64"),
    "registry-cache-dir": ("registry_cache_dir", "directory path"),
    "insecure-registries": ("insecure_registries", "list of host[:port] allowed over plain HTTP"),
    "min-dockerfile-syntax": ("min_dockerfile_syntax", "version string like \"1.4\""),
    "min-compose-version": ("min_compose_version", "version string like \"2.20\""),
    "compose-target": ("compose_target", "compose-v2|swarm|yaml-1.1"),
    "compose-files": ("compose_files", "list of paths"),
    "docs-base-url": ("docs_base_url", "URL"),
    "rules": ("rule_options", "table: rule -> table of options"),
}


@dataclass
class Settings:
    """Effective settings of one file (attributes are the snake_case setting names)."""

    select: list[str] | None = None
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    fail_level: str = "warning"
    trusted_registries: list[str] = field(default_factory=list)
    registry_lookup: bool = False
    registry_platform: str = "linux/amd64"
    registry_cache_dir: str | None = None
    insecure_registries: list[str] = field(default_factory=list)
    min_dockerfile_syntax: str | None = None
    min_compose_version: str = "2.20"
    compose_target: str = "compose-v2"
    compose_files: list[str] = field(default_factory=list)
    docs_base_url: str | None = None
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    hadolint_ignored: list[str] = field(default_factory=list)
    config_path: Path | None = None

    def merged(self, overrides: dict[str, Any]) -> Settings:
        """A copy with attribute overrides applied (None values skipped)."""
        data = {k: v for k, v in overrides.items() if v is not None}
        return dataclasses.replace(self, **data)

    @functools.cached_property
    def syntax_minimum(self) -> tuple[int, int] | None:
        return parse_version(self.min_dockerfile_syntax) if self.min_dockerfile_syntax else None

    @functools.cached_property
    def enabled_codes(self) -> frozenset[str]:
        """Enabled rules of every language."""
        return self.enabled_for("dockerfile") | self.enabled_for("compose")

    def enabled_for(self, language: str) -> frozenset[str]:
        """Enabled rules of one language (imports only that language's rules)."""
        cache = self.__dict__.setdefault("_enabled", {})
        if language not in cache:
            from dockwise.lint.registry import select_rules

            enabled = set(select_rules(self.select, self.extend_select, self.ignore, language))
            ignored = {i.upper() for i in self.ignore}
            if language == "dockerfile" and self.trusted_registries and "DF210" not in ignored:
                enabled.add("DF210")
            if language == "compose" and self.compose_target == "swarm":
                enabled.discard("DC004")
            cache[language] = frozenset(enabled)
        result: frozenset[str] = cache[language]
        return result

    @functools.cached_property
    def severity_overrides(self) -> dict[str, Severity]:
        from dockwise.lint.registry import expand_selector

        out: dict[str, Severity] = {}
        for key, val in self.severity.items():
            for code in expand_selector(key):
                out[code] = Severity.parse(val)
        return out


def parse_version(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d+)(?:\.(\d+))?(?:\.\d+)?\s*", str(text))
    if not m:
        raise ConfigError(f"invalid version {text!r} (expected e.g. \"1.4\")")
    return int(m.group(1)), int(m.group(2) or 0)


def _check_list(where: str, key: str, v: Any) -> list[str]:
    if isinstance(v, str):
        return [v]
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise ConfigError(f"{where}: `{key}` must be a list of strings")
    return list(v)


# the options rules read (`[tool.dockwise.rules.<code or name>]`), with their types
RULE_OPTIONS: dict[str, dict[str, type]] = {
    "DF002": {"named-contexts": list},
    "DF201": {"named-contexts": list, "pin-digest": bool},
}


def _check_rule_options(where: str, key: str, codes: Iterable[str], opts: dict[str, Any]) -> None:
    known: dict[str, type] = {}
    for code in codes:
        known.update(RULE_OPTIONS.get(code, {}))
    for name, value in opts.items():
        if name not in known:
            import difflib

            close = difflib.get_close_matches(name, known, n=1)
            hint = (f" (did you mean `{close[0]}`?)" if close else
                    f" (it takes {', '.join(f'`{k}`' for k in known)})" if known else
                    " (it takes no options)")
            raise ConfigError(f"{where}: `rules.{key}`: unknown option `{name}`{hint}")
        want = known[name]
        ok = isinstance(value, bool) if want is bool else (
            isinstance(value, list) and all(isinstance(x, str) for x in value))
        if not ok:
            kind = "true or false" if want is bool else "a list of strings"
            raise ConfigError(f"{where}: `rules.{key}.{name}` must be {kind}")


def settings_from_mapping(data: dict[str, Any], where: str, base: Settings | None = None) -> Settings:
    """Validate a `[tool.dockwise]`-style table (kebab-case or camelCase keys)."""
    from dockwise.lint.registry import UnknownRuleError, expand_selector

    s = dataclasses.replace(base) if base is not None else Settings()
    camel = {re.sub(r"-([a-z])", lambda m: m.group(1).upper(), k): k for k in SETTINGS}
    for raw_key, v in data.items():
        key = camel.get(raw_key, raw_key)
        if key not in SETTINGS:
            import difflib

            close = difflib.get_close_matches(key, SETTINGS, n=1)
            hint = f" (did you mean `{close[0]}`?)" if close else ""
            raise ConfigError(f"{where}: unknown setting `{raw_key}`{hint}")
        attr, _desc = SETTINGS[key]
        try:
            if key in ("select", "extend-select", "ignore"):
                vals = _check_list(where, key, v)
                for sel in vals:
                    expand_selector(sel)
                setattr(s, attr, vals)
            elif key in ("exclude", "trusted-registries", "compose-files", "insecure-registries"):
                setattr(s, attr, _check_list(where, key, v))
            elif key == "severity":
                if not isinstance(v, dict):
                    raise ConfigError(f"{where}: `severity` must be a table")
                for code, sev in v.items():
                    expand_selector(code)
                    Severity.parse(str(sev))
                s.severity = {**s.severity, **{str(k): str(x) for k, x in v.items()}}
            elif key == "fail-level":
                Severity.parse(str(v))
                s.fail_level = str(v)
            elif key == "registry-lookup":
                if not isinstance(v, bool):
                    raise ConfigError(f"{where}: `registry-lookup` must be true or false")
                s.registry_lookup = v
            elif key in ("min-dockerfile-syntax", "min-compose-version"):
                parse_version(str(v))
                setattr(s, attr, str(v))
            elif key == "compose-target":
                if v not in ("compose-v2", "swarm", "yaml-1.1"):
                    raise ConfigError(
                        f"{where}: `compose-target` must be compose-v2, swarm or yaml-1.1")
                s.compose_target = v
            elif key == "docs-base-url":
                if not isinstance(v, str):
                    raise ConfigError(f"{where}: `docs-base-url` must be a string (a URL)")
                s.docs_base_url = v
            elif key == "registry-platform":
                if not re.fullmatch(r"[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?", str(v)):
                    raise ConfigError(f"{where}: `registry-platform` must look like `linux/amd64`")
                s.registry_platform = str(v)
            elif key == "registry-cache-dir":
                s.registry_cache_dir = str(v)
            elif key == "rules":
                if not isinstance(v, dict):
                    raise ConfigError(f"{where}: `rules` must be a table of tables")
                for code, opts in v.items():
                    codes = expand_selector(code)
                    if not isinstance(opts, dict):
                        raise ConfigError(f"{where}: `rules.{code}` must be a table")
                    _check_rule_options(where, code, codes, opts)
                s.rule_options = {**s.rule_options, **v}
        except UnknownRuleError as e:
            raise ConfigError(f"{where}: `{raw_key}`: {e}") from None
        except ValueError as e:
            if isinstance(e, ConfigError) and str(e).startswith(where):
                raise
            raise ConfigError(f"{where}: `{raw_key}`: {e}") from None
    return s


def load_file(path: Path) -> Settings:
    """Settings from a `.dockwise.toml` or a `pyproject.toml`."""
    import tomllib  # only when a config file exists: keeps `--check` start-up short

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: cannot read: {e}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: invalid TOML: {e}") from None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("dockwise", {})
    else:
        table = data.get("tool", {}).get("dockwise", data) if "tool" in data else data
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.dockwise] must be a table")
    s = settings_from_mapping(table, str(path))
    s.config_path = path
    return s


@functools.cache
def find_config(directory: Path) -> Path | None:
    """Nearest `.dockwise.toml`, or `pyproject.toml` with `[tool.dockwise]`, up the tree
    (each directory is looked at once: the answer for its parent is remembered too)."""
    cand = directory / ".dockwise.toml"
    if cand.is_file():
        return cand
    pp = directory / "pyproject.toml"
    if pp.is_file() and _has_dockwise_table(pp):
        return pp
    return None if directory.parent == directory else find_config(directory.parent)


def _has_dockwise_table(pp: Path) -> bool:
    """Whether a pyproject.toml has `[tool.dockwise]` (most have not: the TOML parser is
    imported and run only when the text mentions dockwise at all)."""
    try:
        text = pp.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if "dockwise" not in text:
        return False
    import tomllib

    try:
        t = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        # broken, and seemingly configuring dockwise: `load_file` reports it (exit 2)
        # rather than the lint silently running with other settings
        return re.search(r"^\s*\[\s*tool\s*\.\s*dockwise", text, re.M) is not None
    return "tool" in t and "dockwise" in t["tool"]


@functools.cache
def find_hadolint_ignored(directory: Path) -> tuple[str, ...]:
    """`ignored:` of the nearest `.hadolint.yaml`/`.hadolint.yml` up the tree."""
    for name in (".hadolint.yaml", ".hadolint.yml"):
        cand = directory / name
        if cand.is_file():
            return _read_hadolint(cand)
    return () if directory.parent == directory else find_hadolint_ignored(directory.parent)


def _read_hadolint(path: Path) -> tuple[str, ...]:
    import yaml

    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return ()
    if isinstance(data, dict) and isinstance(data.get("ignored"), list):
        return tuple(str(x) for x in data["ignored"])
    return ()


def settings_for(path: Path | None, explicit: Path | None = None) -> Settings:
    """Project settings for a file (nearest config up the tree, or ``explicit``)."""
    cfg = explicit
    directory = resolved(path.parent if path is not None else Path.cwd())
    if cfg is None:
        cfg = find_config(directory)
    s = _load_cached(cfg, *_stamp(cfg)) if cfg is not None else Settings()
    hl = find_hadolint_ignored(directory)
    if hl:
        s = dataclasses.replace(s, hadolint_ignored=list(hl))
    return s


def _stamp(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return (0, 0)
    return (st.st_mtime_ns, st.st_size)


@functools.lru_cache(maxsize=64)
def _load_cached(path: Path, mtime_ns: int, size: int) -> Settings:
    return load_file(path)


def clear_caches() -> None:
    """Forget discovered config locations (after files were created or deleted)."""
    find_config.cache_clear()
    find_hadolint_ignored.cache_clear()
    resolved.cache_clear()
