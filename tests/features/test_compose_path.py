from __future__ import annotations

from dockwise.features.compose_path import context_at, description, enum_values, schema_at


def test_half_typed_devices_item_from_indentation() -> None:
    text = ("services:\n  web:\n    deploy:\n      resources:\n        reservations:\n"
            "          devices:\n            - driver: nvidia\n              co")
    ctx = context_at(text, len(text))
    assert ctx.role == "key"
    assert ctx.path == ("services", "web", "deploy", "resources", "reservations", "devices", 0)
    assert ctx.prefix == "co"


def test_sequence_at_key_column() -> None:
    text = "services:\n  web:\n    depends_on:\n    - db\n    - "
    ctx = context_at(text, len(text))
    assert (ctx.path, ctx.role) == (("services", "web", "depends_on"), "item")


def test_ast_flow_sequence_and_values() -> None:
    text = "services:\n  web:\n    image: x\n    cap_add: [NET_ADMIN, ]\n"
    ctx = context_at(text, text.index(", ]") + 2)
    assert ctx.source == "ast" and ctx.role == "item" and ctx.in_flow
    assert ctx.path == ("services", "web", "cap_add")
    v = "services:\n  web:\n    restart: al\n"
    vctx = context_at(v, v.index("al") + 2)
    assert (vctx.path, vctx.role, vctx.prefix, vctx.source) == (
        ("services", "web", "restart"), "value", "al", "ast")


def test_plain_scalar_under_key_is_a_key_being_typed() -> None:
    text = "services:\n  web:\n    deploy:\n      reso\n"
    ctx = context_at(text, text.index("reso") + 4)
    assert (ctx.path, ctx.role) == (("services", "web", "deploy"), "key")


def test_schema_lookup() -> None:
    assert "always" in enum_values(schema_at(("services", "web", "restart")))
    desc = description(schema_at(("services", "web", "deploy", "resources", "reservations", "devices")))
    assert desc and "GPU" in desc
    assert schema_at(("services", "web", "nonsense")) == []
