from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dockwise.dockerfile.analysis import parse
from dockwise.dockerfile.scanner import scan
from support import CORPUS


def src(text: str, span: object) -> str:
    return text[span.start : span.end]  # type: ignore[attr-defined]


def test_continuations_with_comments_and_blank_lines() -> None:
    text = "FROM alpine:3.20\nRUN apk add \\\n  # a comment\n\n  curl \\\n  git\nCMD x\n"
    df = scan(text)
    run = df.instructions[1]
    assert run.keyword == "RUN"
    assert [w.value for w in run.words] == ["apk", "add", "curl", "git"]
    assert [src(text, w.span) for w in run.words] == ["apk", "add", "curl", "git"]
    assert run.start_line == 1 and run.end_line == 5
    assert len(run.empty_continuation_lines) == 1
    assert any(c.in_continuation and c.text == "a comment" for c in df.comments)
    assert df.instructions[2].keyword == "CMD"


def test_escape_directive_backtick() -> None:
    text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir `\n  C:\\x\n"
    df = scan(text)
    assert df.escape == "`"
    run = df.instructions[1]
    assert run.args == "dir   C:\\x"
    assert src(text, run.words[1].span) == "C:\\x"


def test_heredocs_all_forms() -> None:
    text = (
        "FROM debian:12\n"
        "RUN <<EOF\necho a\nEOF\n"
        "RUN <<-'END' bash\n\techo b\n\tEND\n"
        "COPY <<one.txt <<\"two.txt\" /dst/\n1\none.txt\n2\ntwo.txt\n"
        "RUN python3 <<PY > /out\nprint('x')\nPY\n"
        "CMD [\"x\"]\n"
    )
    df = scan(text)
    kws = [i.keyword for i in df.instructions]
    assert kws == ["FROM", "RUN", "RUN", "COPY", "RUN", "CMD"]
    h = df.instructions[1].heredocs[0]
    assert (h.delimiter, h.body, h.quoted, h.strip_tabs) == ("EOF", "echo a\n", False, False)
    h2 = df.instructions[2].heredocs[0]
    assert (h2.delimiter, h2.quoted, h2.strip_tabs) == ("END", True, True)
    c = df.instructions[3].heredocs
    assert [x.delimiter for x in c] == ["one.txt", "two.txt"]
    assert [x.body for x in c] == ["1\n", "2\n"]
    assert all(src(text, x.body_span) == x.body for x in c)
    assert df.instructions[4].heredocs[0].body == "print('x')\n"


def test_heredoc_body_is_never_an_instruction() -> None:
    text = "FROM a\nRUN <<EOF\nFROM evil\nUSER root\nEOF\n"
    df = scan(text)
    assert [i.keyword for i in df.instructions] == ["FROM", "RUN"]


def test_exec_form_and_invalid_json() -> None:
    df = scan('FROM a\nCMD ["python", "-m", "app"]\nCMD [\'python\']\nRUN [ -f x ] && y\n')
    good, bad, test = df.instructions[1:]
    assert good.exec_form is not None and [e.value for e in good.exec_form] == ["python", "-m", "app"]
    assert bad.exec_form is None and bad.json_like
    assert test.exec_form is None and not test.json_like


def test_flags_and_image_reference() -> None:
    text = "FROM --platform=$BUILDPLATFORM registry.example.com:5000/team/app:1.2@sha256:abc AS Build\n"
    an = parse(text)
    st0 = an.stages[0]
    assert st0.from_.flag("platform") is not None
    assert st0.name == "build" and st0.raw_name == "Build"
    ref = st0.base
    assert ref is not None
    assert ref.parts.registry == "registry.example.com:5000"
    assert ref.parts.repository == "team/app"
    assert src(text, ref.tag_span) == "1.2"
    assert src(text, ref.digest_span) == "sha256:abc"


def test_arg_expansion_in_from() -> None:
    an = parse("ARG PY=3.12\nARG VARIANT\nFROM python:${PY}-${VARIANT:-slim}\nFROM python:$NOPE\n")
    assert an.stages[0].base is not None and an.stages[0].base.expanded == "python:3.12-slim"
    assert an.stages[1].base is not None and an.stages[1].base.unresolved_vars == ("NOPE",)


def test_stages_targets_and_scopes() -> None:
    an = parse(
        "FROM golang:1.23 AS build\nARG V=1\nENV A=$V B=$A\nRUN go build\n"
        "FROM build AS test\nRUN go test\n"
        "FROM gcr.io/distroless/static\nCOPY --from=build /app /app\n"
    )
    assert [s.name for s in an.stages] == ["build", "test", None]
    assert an.stages[1].parent == 0
    assert an.targets == {1, 2}
    run = an.stages[0].instructions[-1]
    assert dict(an.scope(run)) == {"V": "1", "A": "1", "B": "1"}
    an2 = parse("FROM a AS x\nFROM b\n", compose_targets=["x"])
    assert an2.targets == {0}


def test_onbuild_inner_instruction() -> None:
    text = "FROM a\nONBUILD COPY --chown=app . /src\n"
    ins = scan(text).instructions[1]
    assert ins.sub is not None and ins.sub.keyword == "COPY"
    f = ins.sub.flag("chown")
    assert f is not None and src(text, f.span) == "--chown=app"


def test_crlf_file_ranges() -> None:
    text = "FROM a\r\nRUN x \\\r\n  y\r\n"
    run = scan(text).instructions[1]
    assert [src(text, w.span) for w in run.words] == ["x", "y"]


@given(st.text(max_size=400))
@settings(max_examples=300, deadline=None)
def test_scanner_never_raises_and_ranges_are_ordered(text: str) -> None:
    df = scan(text)
    n = len(text)
    last = -1
    for ins in df.instructions:
        assert 0 <= ins.span.start <= ins.span.end <= n
        assert ins.span.start > last
        last = ins.span.start
        for w in ins.words:
            assert ins.span.start <= w.span.start <= w.span.end <= n
        for f in ins.flags:
            assert 0 <= f.span.start <= f.span.end <= n
        for h in ins.heredocs:
            assert 0 <= h.body_span.start <= h.body_span.end <= n
    parse(text)


DOCKERFILE_LINES = st.sampled_from([
    "FROM python:3.12 AS b", "RUN echo hi \\", "  && echo there", "# c", "", "RUN <<EOF",
    "EOF", "COPY . /app", "ARG X=${Y:-z}", "ENV A=1 B=$A", "CMD [\"a\", 'b']", "ONBUILD RUN x",
    "# escape=`", "RUN a `", "\t", "LABEL a b c", "HEALTHCHECK CMD [\"curl -f x\"]",
])


@given(st.lists(DOCKERFILE_LINES, max_size=30), st.sampled_from(["\n", "\r\n", "\r"]))
@settings(max_examples=300, deadline=None)
def test_scanner_on_dockerfile_like_text(lines: list[str], nl: str) -> None:
    test_scanner_never_raises_and_ranges_are_ordered.hypothesis.inner_test(nl.join(lines))  # type: ignore[attr-defined]


def _heredoc_free_corpus() -> list[Path]:
    root = CORPUS / "dockerfiles"
    if not root.is_dir():
        return []
    out = []
    for dirpath, _, files in os.walk(root):
        for f in files:
            p = Path(dirpath) / f
            try:
                t = p.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue
            if "<<" not in t and "escape=" not in t:
                out.append(p)
    return sorted(out)[:400]


@pytest.mark.skipif(not (CORPUS / "dockerfiles").is_dir(), reason="corpus not present")
def test_cross_check_with_dockerfile_parse() -> None:
    """On heredoc-free corpus files our instructions match dockerfile-parse's."""
    from dockerfile_parse import DockerfileParser

    files = _heredoc_free_corpus()
    assert files
    mismatches = []
    for p in files:
        text = p.read_text(encoding="utf-8")
        dp = DockerfileParser(fileobj=__import__("io").BytesIO(text.encode()))
        theirs = [(s["instruction"], s["startline"]) for s in dp.structure
                  if s["instruction"] != "COMMENT"]
        ours = [(i.keyword, i.start_line) for i in scan(text).instructions]
        if theirs != ours:
            mismatches.append(str(p))
    # dockerfile-parse differs on a few exotic inputs (e.g. a continuation ending the file)
    assert len(mismatches) <= len(files) // 50, mismatches[:5]


def test_onbuild_heredoc_bodies_are_bodies() -> None:
    # BuildKit reads heredocs in ONBUILD RUN/COPY/ADD (`heredocCompoundDirectives`): the
    # body is not instructions, and the sub-instruction sees the same bodies
    df = scan("FROM a\nONBUILD COPY <<EOF /x\n    from this text\nEOF\nONBUILD RUN <<EOF\nset -e\nEOF\n"
              "ONBUILD LABEL a <<EOF\nRUN x\n")
    kinds = [(i.keyword, i.start_line, i.end_line) for i in df.instructions]
    assert kinds == [("FROM", 0, 0), ("ONBUILD", 1, 3), ("ONBUILD", 4, 6), ("ONBUILD", 7, 7),
                     ("RUN", 8, 8)]
    copy, run = df.instructions[1], df.instructions[2]
    assert [h.body for h in copy.heredocs] == ["    from this text\n"]
    assert copy.sub is not None and copy.sub.heredocs == copy.heredocs
    assert run.sub is not None and run.sub.end_line == 6
    assert df.instructions[3].literal_heredoc_markers  # LABEL: literal text, as BuildKit


def test_directives_after_a_bom_and_not_after_an_empty_one() -> None:
    assert scan("\ufeff# escape=`\nFROM a\n").escape == "`"  # BuildKit drops the BOM first
    df = scan("# syntax=\n# escape=`\nFROM a\n")  # an empty value ends the directives
    assert df.escape == "\\" and not df.directives
    assert [c.text for c in df.misplaced_directives] == ["escape=`"]


def test_unicode_spaces_are_blanks_where_buildkit_trims() -> None:
    # Go's unicode.IsSpace: a no-break-space line inside a continuation is an empty line,
    # a comment indented with one is a comment, an instruction indented with one starts after it
    df = scan("FROM a\nRUN echo 'a \\\n\u00a0\n   b' \\\n  \u00a0# note\n  x\n\u00a0RUN y\n")
    assert [(i.keyword, i.line.text) for i in df.instructions] == [
        ("FROM", "FROM a"), ("RUN", "RUN echo 'a    b'   x"), ("RUN", "RUN y")]
    assert [c.text for c in df.comments] == ["note"]


def test_reserved_words_before_a_command_are_kept_aside() -> None:
    from dockwise.dockerfile.shell import tokenize
    from dockwise.text import Span

    cmds = tokenize("if ! apt-get install x; then cd /a; else sudo y; fi", Span)
    assert [(c.reserved, c.words[0].value) for c in cmds] == [
        (("if", "!"), "apt-get"), (("then",), "cd"), (("else",), "sudo"), ((), "fi")]
    assert cmds[0].span.start == len("if ! ")  # the command starts at its program
