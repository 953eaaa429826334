"""Validation of Compose files against our schema (`schemas/compose.schema.json`), each
error located at the exact YAML node, with readable messages and "did you mean".

jsonschema-rs (a Rust validator) does the checking: it is ~100x faster than the pure-Python
`jsonschema`, which matters for 500-service files linted on every keystroke.

:func:`check_document` validates a document unit by unit — each top-level entry and each
service on its own (the schema has no constraint across them: see :func:`_per_unit`) —
and keeps the errors of each unit keyed by the texts its value is read from
(:func:`~dockwise.compose.yaml_model.unit_texts`), so that after an edit only the edited
service is converted and validated again. The result is the same as validating the whole
document at once.
"""

from __future__ import annotations

import difflib
import functools
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dockwise.compose.yaml_model import (
    MAX_EXPANDED_NODES,
    ExpansionBudgetExceeded,
    MappingNode,
    Node,
    SequenceNode,
    YamlDocument,
    convert,
    get,
    get_key,
    index,
    to_python,
    unit_keys,
)
from dockwise.resources import data_path

_INTERP = "\\$(\\{|[A-Za-z_])"  # the schema's "an interpolation" string branch


@functools.cache
def compose_schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(data_path("schemas/compose.schema.json").read_text("utf-8"))
    return data


@functools.cache
def _validator() -> Any:
    import jsonschema_rs

    return jsonschema_rs.validator_for(compose_schema())


@dataclass(frozen=True, slots=True)
class SchemaError:
    path: tuple[str | int, ...]  # instance path
    message: str
    key: bool = False  # the error is about the key at `path` (e.g. an unknown key)


def validate(instance: Any) -> list[SchemaError]:
    v = _validator()
    if v.is_valid(instance):
        return []
    out: list[SchemaError] = []
    for e in v.iter_errors(instance):
        out.extend(_explain(e, instance))
    seen: set[tuple[tuple[str | int, ...], str]] = set()
    uniq = []
    for err in out:
        k = (err.path, err.message)
        if k not in seen:
            seen.add(k)
            uniq.append(err)
    return uniq


def _resolve_schema(schema_path: list[str | int]) -> Any:
    node: Any = compose_schema()
    for part in schema_path:
        if isinstance(node, dict):
            if part in node:
                node = node[part]
            else:
                return None
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            return None
        if isinstance(node, dict) and "$ref" in node and len(node) <= 2:
            node = _ref(node["$ref"])
    return node


def _ref(ref: str) -> Any:
    node: Any = compose_schema()
    for part in ref.lstrip("#/").split("/"):
        node = node.get(part, {}) if isinstance(node, dict) else {}
    return node


@functools.cache
def _service_keys() -> frozenset[str]:
    svc = compose_schema().get("$defs", {}).get("service", {})
    return frozenset(svc.get("properties", {}).keys())


def _where(path: tuple[str | int, ...]) -> str:
    if not path:
        return "the top level"
    names = [p for p in path if isinstance(p, str)]
    if len(path) >= 2 and path[0] == "services":
        rest = ".".join(str(p) for p in path[2:])
        return f"`{rest}` of service `{path[1]}`" if rest else f"service `{path[1]}`"
    return "`" + ".".join(str(p) for p in path) + "`" if names else f"item {path[-1]}"


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _leaves(e: Any) -> Iterator[Any]:
    ctx = getattr(e.kind, "context", None)
    if ctx:
        for branch in ctx:
            for se in branch:
                yield from _leaves(se)
    else:
        yield e


def _explain(e: Any, instance: Any) -> list[SchemaError]:
    path = tuple(e.instance_path)
    kind = type(e.kind).__name__
    value = e.instance
    if kind == "AdditionalProperties":
        parent_schema = _resolve_schema(list(e.schema_path)[:-1])
        allowed = sorted((parent_schema or {}).get("properties", {}).keys()) if isinstance(parent_schema, dict) else []
        out = []
        for key in e.kind.unexpected:
            close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
            hint = f" (did you mean `{close[0]}`?)" if close else ""
            if not close and len(path) < 2 and key in _service_keys():
                hint = f" (`{key}` is a service attribute: indent it under a service)"
            elif not close and not path and _v1_service(value, key):
                hint = (f" (`{key}` is a service in the old v1 file format, which Compose v2 "
                        "does not read: move the services under `services:`)")
            out.append(SchemaError((*path, key), f"unknown key `{key}` in {_where(path)}{hint}", key=True))
        return out
    if kind in ("AnyOf", "OneOfNotValid"):
        leaves = [x for x in _leaves(e) if not _is_interp_branch(x)]
        # branches written for another type say nothing useful when one branch fits
        fitting = [x for x in leaves if type(x.kind).__name__ != "Type"
                   or tuple(x.instance_path) != path]
        if fitting and any(type(x.kind).__name__ == "Type" for x in leaves):
            leaves = fitting
        if not leaves:
            return [SchemaError(path, f"invalid value for {_where(path)}")]
        depth = max(len(x.instance_path) for x in leaves)
        if depth > len(path):
            deepest = [x for x in leaves if len(x.instance_path) == depth]
            return [y for x in deepest[:1] for y in _explain(x, instance)]
        specific = [x for x in leaves if type(x.kind).__name__ not in ("Type", "Enum", "Pattern")]
        if specific:
            return [y for x in specific for y in _explain(x, instance)]
        return [SchemaError(path, _merge_alternatives(path, value, leaves))]
    return [SchemaError(path, _single(e, path, value))]


def _v1_service(parent: Any, key: Any) -> bool:
    """A top-level entry shaped like a service of the v1 format (`web: {image: …}`)."""
    item = parent.get(key) if isinstance(parent, dict) else None
    return isinstance(item, dict) and ("image" in item or "build" in item)


def _is_interp_branch(e: Any) -> bool:
    return type(e.kind).__name__ == "Pattern" and getattr(e.kind, "pattern", "") == _INTERP


def _single(e: Any, path: tuple[str | int, ...], value: Any) -> str:
    kind = type(e.kind).__name__
    where = _where(path)
    if kind == "Type":
        types = e.kind.types if hasattr(e.kind, "types") else []
        want = " or ".join(str(t) for t in types) if types else "another type"
        return f"{where} must be {_article(want)}, not {_describe(value)}"
    if kind == "Enum":
        opts = getattr(e.kind, "options", None)
        return f"{where} must be one of {_options(opts)} (got `{value}`)"
    if kind == "Pattern":
        pat = str(getattr(e.kind, "pattern", ""))
        if "ms|s|m|h" in pat or "(ns|us" in pat:
            return f"{where}: `{value}` is not a duration (use e.g. `30s`, `1m30s`, `500ms`)"
        if "[kKmMgG]" in pat or "kb|mb" in pat.lower() or "[bkmg]" in pat.lower():
            return f"{where}: `{value}` is not a byte size (use e.g. `512m`, `1gb`, `1048576`)"
        return f"{where}: `{value}` is not in the expected format"
    if kind == "Required":
        return f"{where} needs `{getattr(e.kind, 'property', '?')}`"
    return f"{where}: {e.message}"


def _merge_alternatives(path: tuple[str | int, ...], value: Any, leaves: list[Any]) -> str:
    where = _where(path)
    enums: list[Any] = []
    types: list[str] = []
    for x in leaves:
        k = type(x.kind).__name__
        if k == "Enum":
            enums.extend(getattr(x.kind, "options", []) or [])
        elif k == "Type":
            types.extend(str(t) for t in (getattr(x.kind, "types", []) or []))
    if enums:
        return f"{where} must be one of {_options(enums)} (got `{value}`)"
    if types:
        uniq = list(dict.fromkeys(types))
        return f"{where} must be {_article(' or '.join(uniq))}, not {_describe(value)}"
    first = leaves[0]
    return _single(first, path, value)


def _options(opts: Any) -> str:
    if not isinstance(opts, list):
        return "the allowed values"
    return ", ".join(f"`{o}`" for o in opts)


def _article(t: str) -> str:
    return ("an " if t[:1] in "aeiou" else "a ") + t


def node_at(root: Node | None, path: tuple[str | int, ...], key: bool = False) -> Node | None:
    """The YAML node at an instance path (the key node when ``key``); the deepest existing
    ancestor when the path does not exist."""
    node = root
    for i, part in enumerate(path):
        last = i == len(path) - 1
        if isinstance(node, MappingNode):
            entry = index(node).get(str(part))  # the first key of that name, as in to_python
            if entry is None:
                return node
            node = entry[0] if (last and key) else entry[1]
        elif isinstance(node, SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            return node
    return node


# ---------------------------------------------------------------------------------------
# validation unit by unit, with the errors of each unit kept by its text

# keywords whose checks concern one top-level entry (or one service) at a time; a schema
# using any other keyword at those levels (`required`, `minProperties`, …) is validated
# as a whole
_LOCAL_KEYWORDS = frozenset({"$schema", "$id", "$defs", "title", "description", "type",
                             "properties", "patternProperties", "additionalProperties"})
_CACHE_SIZE = 4096
_cache: dict[tuple[str, ...], tuple[int, tuple[SchemaError, ...]]] = {}
_cache_lock = threading.Lock()


@functools.cache
def _per_unit() -> bool:
    """Whether the schema lets each top-level entry and each service be validated alone."""
    schema = compose_schema()
    services = schema.get("properties", {}).get("services", {})
    return (schema.get("type") == "object" and set(schema) <= _LOCAL_KEYWORDS
            and isinstance(services, dict) and services.get("type") == "object"
            and set(services) <= _LOCAL_KEYWORDS and "properties" not in services)


def check_document(doc: YamlDocument) -> list[SchemaError]:
    """The schema errors of a document whose root is a mapping (as :func:`validate` of
    its :func:`~dockwise.compose.yaml_model.to_python` gives them). Raises
    :class:`ExpansionBudgetExceeded` for a document that expands too much (an alias
    bomb)."""
    root = doc.root
    units = doc.structure.units
    top = [k.value for k, _ in root.value] if isinstance(root, MappingNode) else []
    services = [u.key.value for u in units if u.service]
    if (not units or not _per_unit() or len(set(top)) != len(top)
            or len(set(services)) != len(services)):
        # (keys written twice: the whole document, whose first value of a key counts)
        return validate(to_python(root, doc.text))
    budget = MAX_EXPANDED_NODES
    left = budget - 1 - (2 if services or _empty_services(doc) else 0)
    if left < 0:
        raise ExpansionBudgetExceeded(
            f"the document expands to more than {budget:,} nodes (an alias bomb?)")
    out: list[SchemaError] = []
    results: list[tuple[int, tuple[SchemaError, ...]]] = []
    keys = unit_keys(doc)
    for i, u in enumerate(units):
        key = keys[i]
        hit = _cache.get(key) if key is not None else None
        if hit is None:
            name, used = convert(u.key, doc.text, left, budget)
            if not isinstance(name, str):
                return validate(to_python(root, doc.text))
            value, used_v = convert(u.value, doc.text, left - used, budget)
            inst = {"services": {name: value}} if u.service else {name: value}
            hit = (used + used_v, tuple(validate(inst)))
            if key is not None:
                _remember(key, hit)
        else:
            _remember(key, hit)  # (most recently used)
        left -= hit[0]
        if left < 0:
            raise ExpansionBudgetExceeded(
                f"the document expands to more than {budget:,} nodes (an alias bomb?)")
        results.append(hit)
    for _, errors in results:
        out.extend(errors)
    return out


def _empty_services(doc: YamlDocument) -> bool:
    """A `services:` mapping without entries (walked as structure, not as a unit)."""
    root = doc.root
    sec = get(root, "services")
    key = get_key(root, "services")
    return (isinstance(sec, MappingNode) and not sec.value
            and not any(u.key is key for u in doc.structure.units))


def _remember(key: tuple[str, ...] | None, value: tuple[int, tuple[SchemaError, ...]]) -> None:
    if key is None:
        return
    with _cache_lock:
        _cache.pop(key, None)
        _cache[key] = value
        while len(_cache) > _CACHE_SIZE:
            del _cache[next(iter(_cache))]


def clear_cache() -> None:
    """Forget the errors kept per unit."""
    with _cache_lock:
        _cache.clear()


def swap_cache(
    new: dict[tuple[str, ...], tuple[int, tuple[SchemaError, ...]]],
) -> dict[tuple[str, ...], tuple[int, tuple[SchemaError, ...]]]:
    """Replace the errors kept per unit with ``new``; the previous ones."""
    global _cache
    with _cache_lock:
        old, _cache = _cache, new
    return old
