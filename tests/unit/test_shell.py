from __future__ import annotations

from dockwise.dockerfile.scanner import scan
from dockwise.dockerfile.shell import run_scripts, unwrap


def cmds(text: str, idx: int = 1) -> list[tuple[str, list[str], str]]:
    ins = scan(text).instructions[idx]
    return [(c.op_before, [w.value for w in c.words], c.op_after)
            for s in run_scripts(ins) for c in s.commands]


def test_operators_and_redirections() -> None:
    got = cmds("FROM a\nRUN apt-get update && apt-get install -y curl > /dev/null 2>&1 || true; x | y\n")
    assert got == [
        ("", ["apt-get", "update"], "&&"),
        ("&&", ["apt-get", "install", "-y", "curl"], "||"),
        ("||", ["true"], ";"),
        (";", ["x"], "|"),
        ("|", ["y"], ""),
    ]


def test_quotes_keep_operators_inside_words() -> None:
    got = cmds("FROM a\nRUN echo 'a && b' \"c | d\" $(e; f) `g|h`\n")
    assert got == [("", ["echo", "a && b", "c | d", "$(e; f)", "`g|h`"], "")]


def test_heredoc_body_is_shell_with_exact_ranges() -> None:
    text = "FROM a\nRUN <<EOF\nset -e\napk add --no-cache curl # why\nEOF\n"
    ins = scan(text).instructions[1]
    scripts = run_scripts(ins)
    body = scripts[-1]
    assert body.from_heredoc is not None
    apk = next(c for c in body.commands if c.name == "apk")
    assert [w.value for w in apk.words] == ["apk", "add", "--no-cache", "curl"]
    w = apk.words[2]
    assert text[w.span.start : w.span.end] == "--no-cache"


def test_non_shell_heredocs_are_not_shell() -> None:
    text = "FROM a\nRUN python3 <<EOF\nimport os | x\nEOF\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\n"
    df = scan(text)
    assert all(s.from_heredoc is None for s in run_scripts(df.instructions[1]))
    assert all(s.from_heredoc is None for s in run_scripts(df.instructions[2]))
    text2 = "FROM a\nRUN <<EOF bash\nx | y\nEOF\n"
    assert any(s.from_heredoc is not None for s in run_scripts(scan(text2).instructions[1]))


def test_exec_form_has_no_shell() -> None:
    assert cmds('FROM a\nRUN ["apt-get", "install", "x"]\n') == []


def test_continuations_and_assignments() -> None:
    text = "FROM a\nRUN DEBIAN_FRONTEND=noninteractive \\\n    sudo -E apt-get install -y x\n"
    ins = scan(text).instructions[1]
    c = run_scripts(ins)[0].commands[0]
    assert [a.raw for a in c.assignments] == ["DEBIAN_FRONTEND=noninteractive"]
    assert c.name == "sudo" and unwrap(c).name == "apt-get"
