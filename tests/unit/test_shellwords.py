from __future__ import annotations

import json
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dockwise.dockerfile.scanner import scan
from dockwise.dockerfile.shellwords import (
    df_double_quote,
    has_unquoted_space,
    healthcheck_cmd,
    json_argv,
    parse_loose_array,
    plain_words,
    requote_word,
    sh_join,
    sh_quote,
)


def test_json_argv_escapes_quotes_and_backslashes() -> None:
    out = json_argv(['a "b"', "C:\\x", "é"])
    assert out == '["a \\"b\\"", "C:\\\\x", "é"]'
    assert json.loads(out) == ['a "b"', "C:\\x", "é"]


@given(st.lists(st.text()))
def test_json_argv_round_trips(items: list[str]) -> None:
    assert json.loads(json_argv(items)) == items


def test_plain_words() -> None:
    assert plain_words("curl -f http://localhost:8000/health") == [
        "curl", "-f", "http://localhost:8000/health"]
    for bad in ("curl $URL", "a || b", "echo 'x'", "ls *.py", "FOO=1 cmd", "cd ~", ""):
        assert plain_words(bad) is None, bad


def test_sh_quote_keeps_variables_expandable() -> None:
    assert sh_quote("plain-word") == "plain-word"
    assert sh_quote("$PORT") == '"$PORT"'
    assert sh_quote("cost $5") == '"cost \\$5"'
    assert sh_quote('a "b" `c` \\') == '"a \\"b\\" \\`c\\` \\\\"'
    assert sh_quote("it's", expand=False) == "'it'\\''s'"
    assert sh_quote("") == '""'


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                               blacklist_characters="\x00"), max_size=8),
                max_size=4))
def test_sh_join_round_trips_through_a_real_shell(argv: list[str]) -> None:
    # no `$` here (variables are meant to expand); everything else must survive
    argv = [a.replace("$", "") for a in argv]
    script = "printf '%s\\0' " + sh_join(argv) if argv else "true"
    out = subprocess.run(["sh", "-c", script], capture_output=True, check=True).stdout
    got = out.decode("utf-8", "surrogateescape").split("\0")[:-1] if argv else []
    assert got == argv


def test_sh_join_escapes_dollar_not_starting_a_variable() -> None:
    script = "printf '%s\\0' " + sh_join(["cost $5", "$", "a$(x)"])
    out = subprocess.run(["sh", "-c", script], capture_output=True, check=True).stdout
    assert out.decode().split("\0")[:-1] == ["cost $5", "$", "a$(x)"]


def test_df_double_quote() -> None:
    assert df_double_quote('Jane "J" $X \\') == '"Jane \\"J\\" \\$X \\\\"'
    assert df_double_quote("a`b", "`") == '"a``b"'


def test_has_unquoted_space() -> None:
    assert has_unquoted_space("a b")
    assert not has_unquoted_space('"a b"')
    assert not has_unquoted_space("a\\ b")
    assert has_unquoted_space("'a b' c")
    assert not has_unquoted_space("a` b", "`")


@pytest.mark.parametrize(
    ("raw", "quoted"),
    [
        ("hello world", '"hello world"'),
        ('"quoted part" and more', '"quoted part and more"'),
        ("'single $X' $Y", '"single \\$X $Y"'),
        ("\\$LIT a", '"\\$LIT a"'),
        ('Erik \\\\Hollensbe <e@x>\\"', '"Erik \\\\Hollensbe <e@x>\\""'),
        ("${A:-x} b", '"${A:-x} b"'),
        ('"unterminated', None),
        ("'unterminated", None),
    ],
)
def test_requote_word(raw: str, quoted: str | None) -> None:
    assert requote_word(raw) == quoted


def test_requote_word_backtick_escape() -> None:
    assert requote_word("C:\\Program Files\\x", "`") == '"C:\\Program Files\\x"'
    assert requote_word('a`"b c', "`") == '"a`"b c"'


@pytest.mark.parametrize(
    ("text", "values", "problems"),
    [
        ("['python', 'app.py']", ["python", "app.py"], ["single quotes"]),
        ('["a", "b",]', ["a", "b"], ["trailing comma"]),
        ("[a, b]", ["a", "b"], ["unquoted elements"]),
        ('["C:\\app\\new"]', ["C:\\app\\new"], ["invalid backslash escapes"]),
        ("['it\\'s', \"x\\\"y\"]", ["it's", 'x"y'], ["single quotes"]),
        ("['x']", ["x"], ["single quotes"]),
    ],
)
def test_parse_loose_array(text: str, values: list[str], problems: list[str]) -> None:
    arr = parse_loose_array(text)
    assert arr is not None
    assert arr.values == values
    assert arr.problems == problems


@pytest.mark.parametrize(
    "text",
    ["[ -f x ]", '[ "$a" = "b" ]', "[ -d /tmp ] && [ -f x ]", "[]", "[ ]", "['a' 'b']",
     "[x]", "['unterminated]", "not an array"],
)
def test_parse_loose_array_rejects_shell_tests(text: str) -> None:
    assert parse_loose_array(text) is None


def test_healthcheck_cmd() -> None:
    df = scan('FROM a\nHEALTHCHECK --interval=5s CMD ["curl", "-f", "x"]\nHEALTHCHECK NONE\n')
    hc = healthcheck_cmd(df.instructions[1])
    assert hc is not None and hc.json_like
    assert hc.exec_form is not None and [e.value for e in hc.exec_form] == ["curl", "-f", "x"]
    assert healthcheck_cmd(df.instructions[2]) is None
    assert healthcheck_cmd(df.instructions[0]) is None
