from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dockwise.compose import interpolation
from dockwise.compose.yaml_model import get, load, resolve_plain, span_of, to_python


def test_scalars_read_as_compose_v2_reads_them() -> None:
    assert resolve_plain("0755") == 0o755
    assert resolve_plain("0o755") == 0o755
    assert resolve_plain("1e3") == 1000.0
    assert resolve_plain("3.10") == 3.1
    assert resolve_plain("yes") == "yes" and resolve_plain("on") == "on"
    assert resolve_plain("22:22") == "22:22"  # no base-60
    assert resolve_plain("true") is True and resolve_plain("True") is True
    assert resolve_plain("~") is None and resolve_plain("null") is None
    assert resolve_plain("0x1F") == 31 and resolve_plain("1_000") == 1000
    assert resolve_plain("08") == 8.0  # not valid octal: go-yaml falls through to a float
    assert resolve_plain("2001-12-14") == "2001-12-14"


def test_quoted_and_tagged_scalars_stay_strings() -> None:
    text = 'a: "0755"\nb: !!str 12\nc: \'yes\'\nd: !reset null\n'
    doc = load(text)
    assert to_python(doc.root, text) == {"a": "0755", "b": "12", "c": "yes", "d": None}


def test_merge_keys_and_exact_ranges() -> None:
    text = "x-a: &a\n  restart: always\n  image: old\nservices:\n  web:\n    <<: *a\n    image: nginx\n"
    doc = load(text)
    web = get(get(doc.root, "services"), "web")
    assert to_python(web, text) == {"image": "nginx", "restart": "always"}
    img = get(web, "image")
    assert img is not None
    s = span_of(img)
    assert text[s.start : s.end] == "nginx"
    assert doc.duplicates == []


def test_list_of_merges_first_wins() -> None:
    text = "a: &a {x: 1}\nb: &b {x: 2, y: 2}\nc:\n  <<: [*a, *b]\n"
    doc = load(text)
    assert to_python(get(doc.root, "c"), text) == {"x": 1, "y": 2}


def test_duplicates_found() -> None:
    text = "services:\n  web:\n    image: a\n    image: b\n"
    doc = load(text)
    assert [(d.value, d.start_mark.line) for d, _ in doc.duplicates] == [("image", 3)]


def test_bad_inputs_answer_quickly() -> None:
    t0 = time.perf_counter()
    tab = load("services:\n\tweb: {}\n")
    assert tab.error is not None and "tabs" in tab.error.message
    deep = load("a: " + "[" * 5000 + "]" * 5000)
    assert deep.error is not None
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n"
    for prev, cur in zip("abcdefgh", "bcdefghi", strict=True):
        bomb += f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]\n"
    doc = load(bomb)
    assert doc.error is None
    try:
        to_python(doc.root, bomb)
        raise AssertionError("alias bomb expanded")
    except ValueError as e:
        assert "alias bomb" in str(e)
    big = "services:\n" + "".join(f"  s{i}:\n    image: nginx:1.27\n" for i in range(25_000))
    assert load(big).error is None
    assert time.perf_counter() - t0 < 10


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_load_never_raises(text: str) -> None:
    doc = load(text)
    if doc.error is not None:
        assert 0 <= doc.error.span.start <= len(text)
    else:
        try:
            to_python(doc.root, text)
        except ValueError:
            pass


@given(st.text(alphabet=st.sampled_from(list("${}:-?+_aZ9 $")), max_size=60))
@settings(max_examples=500, deadline=None)
def test_interpolation_never_raises(text: str) -> None:
    p = interpolation.parse(text)
    for r in p.refs():
        assert 0 <= r.lo < r.hi <= len(text)
    for pr in p.problems:
        assert 0 <= pr.lo <= pr.hi <= len(text)
    interpolation.substitute(text, {"a": "1"}, p)


def test_interpolation_forms() -> None:
    env = {"SET": "v", "EMPTY": ""}
    sub = interpolation.substitute
    assert sub("${SET}", env).value == "v"
    assert sub("${EMPTY:-d}", env).value == "d" and sub("${EMPTY-d}", env).value == ""
    assert sub("${UNSET-d}", env).value == "d"
    assert sub("${SET:+a}", env).value == "a" and sub("${EMPTY+a}", env).value == "a"
    assert sub("$$SET", env).value == "$SET"
    r = sub("${UNSET:?needed}", env)
    assert [x.name for x in r.required_errors] == ["UNSET"]
    assert [x.name for x in sub("$UNSET and ${X:-${UNSET2}}", env).missing] == ["UNSET", "UNSET2"]
    probs = interpolation.parse("${} ${A#x} ${B").problems
    assert [p.message.split(":")[0].split(" ")[0] for p in probs] == ["empty", "unsupported", "unclosed"]


@pytest.mark.parametrize(("text", "infinite"), [
    # a mapping merging itself: its own keys win, the merge adds nothing
    ("services:\n  web: &a\n    image: nginx:1.27\n    <<: *a\n", False),
    # a mapping merged into its own child, a sequence containing itself: infinitely deep
    ("x-a: &a\n  image: nginx:1.27\n  environment:\n    <<: *a\n"
     "services:\n  web:\n    <<: *a\n", True),
    ("x-s: &s\n  - a\n  - *s\nservices:\n  web:\n    image: nginx:1.27\n    command: *s\n",
     True),
])
def test_recursive_aliases_give_a_clear_error_not_a_crash(text: str, infinite: bool) -> None:
    from dockwise.lint.engine import lint_compose_text

    res = lint_compose_text(text)
    assert res.internal_errors == []
    deep = [v for v in res.violations if v.code == "DC001" and "contains it" in v.message]
    assert bool(deep) == infinite


def test_redefined_anchor_is_valid_and_aliases_take_the_latest_definition() -> None:
    # go-yaml (Compose) accepts an anchor defined twice; libyaml's composer does not
    from dockwise.lint.engine import lint_compose_text

    text = ("x-a: &a\n  image: nginx:1.27\nx-b: &a\n  image: redis:7.4\n"
            "services:\n  web:\n    <<: *a\n  db:\n    labels: {note: café}\n    image: &a postgres:17\n"
            "    command: [*a]\n")
    doc = load(text)
    assert doc.error is None
    web = get(get(doc.root, "services"), "web")
    assert to_python(web, text) == {"image": "redis:7.4"}
    img = get(get(get(doc.root, "services"), "db"), "image")
    assert img is not None
    s = span_of(img)
    # character offsets after non-ASCII text; a node's range starts at its anchor (both loaders)
    assert text[s.start : s.end] == "&a postgres:17"
    res = lint_compose_text(text)
    assert res.internal_errors == []
    assert [v.message for v in res.violations if v.code == "DC001"] == []
    # an alias before any definition is still an error
    assert load("a: *x\nb: &x 1\nc: &x 2\n").error is not None
