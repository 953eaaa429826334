"""Dockerfile formatting: what it changes, what it must leave alone, and — over the corpus
and random shell code run by a real shell — that nothing a build reads changes."""

from __future__ import annotations

import itertools
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dockwise.dockerfile.model import KNOWN_INSTRUCTIONS
from dockwise.dockerfile.scanner import _scan
from dockwise.features.formatting import Indent, format_dockerfile, formatted
from support import corpus_files

MESSY = (
    "# syntax=docker/dockerfile:1\n"
    "   # a comment   \n"
    "from python:3.13-slim   AS   base\n"
    "  \n"
    "  run\tapt-get update \\   \n"
    "  && apt-get install -y \\\n"
    "\t  # the packages\n"
    "       curl \\\n"
    "\tgit\n"
    "onbuild   copy . /x\n"
    "CMD [\"python\", \\\n"
    "\"-m\", \"app\"]\n"
)
TIDY = (
    "# syntax=docker/dockerfile:1\n"
    "# a comment\n"
    "FROM python:3.13-slim   AS   base\n"
    "\n"
    "RUN apt-get update \\\n"
    "    && apt-get install -y \\\n"
    "        # the packages\n"
    "         curl \\\n"
    "      git\n"
    "ONBUILD copy . /x\n"  # the text after ONBUILD is stored in the image: kept
    "CMD [\"python\", \\\n"
    "\"-m\", \"app\"]\n"  # no leading blank: the join glues `,` and `"-m"`; left as written
)


def test_formats_keywords_blanks_and_continuations() -> None:
    assert formatted(MESSY) == TIDY
    assert formatted(TIDY) == TIDY
    assert format_dockerfile(TIDY) == []


def test_reindents_after_a_closed_quote_only() -> None:
    text = 'RUN echo "a \\\n      b" \\\n  && c\n'
    assert formatted(text) == 'RUN echo "a \\\n      b" \\\n    && c\n'


def test_indent_unit_from_the_editor() -> None:
    text = "RUN a \\\n  && b \\\n      c\n"
    assert formatted(text, Indent(2, True)) == "RUN a \\\n  && b \\\n      c\n"
    assert formatted(text, Indent(4, False)) == "RUN a \\\n\t&& b \\\n\t\tc\n"


def test_backtick_escape_files_keep_their_continuations() -> None:
    text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN a `\n  b\n"
    assert formatted(text) == text


def test_crlf_and_range() -> None:
    text = "from a\r\nrun   x \\\r\n  y\r\ncopy  . .\r\n"
    assert formatted(text) == "FROM a\r\nRUN x \\\r\n    y\r\nCOPY . .\r\n"
    only_copy = format_dockerfile(text, lines=(3, 3))
    assert {text[s.start:s.end] for s, _ in only_copy} == {"copy", "  "}


@pytest.mark.parametrize("text", [
    # blanks inside quotes are part of the string
    'RUN echo "a \\\n      b"\n',
    "RUN echo 'a \\\n      b'\n",
    # inside `$(…)` inside quotes: a fresh quoting context whose string spans the join
    'RUN X="$(echo "a \\\n      b")"\n',
    # inside `${…}`: a pattern, where blanks count
    "RUN echo ${A#  x \\\n      y}\n",
    # no leading blank: the line continues the previous word
    "RUN echo foo\\\nbar\n",
    # heredoc bodies and their instruction stay exactly as written (but the keyword's case)
    "run <<EOF\n   echo   hi   \nEOF\n",
    # BuildKit keeps these verbatim, continuation blanks included
    "FROM a\nENV GREETING hello \\\n  world\n",
    "FROM a\nLABEL description first \\\n  second\n",
    "FROM a\nWORKDIR /my \\\n  dir\n",
    "FROM a\nMAINTAINER John \\\n      Doe\n",
    "FROM a\nonbuild run echo \\\n  a\n",  # ONBUILD's text is stored in the image
    # cmd keeps the spacing of `echo`
    "FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nRUN echo hello \\\n  world> C:\\g.txt\n",
    'FROM a\nSHELL ["pwsh", "-c"]\nRUN echo "a \\\n      b"\n',
    # bash reads `\'` inside `$'…'` as a quote, dash does not: unsure, kept
    "FROM a\nRUN printf '<%s>' $'it\\'s \\\n      here'\n",
    "FROM a\nRUN printf '<%s>' \"${A:-'x}\"' b }\" \\\n      c'\n",
    # the heredoc body of ONBUILD RUN is a body
    "FROM a\nONBUILD RUN <<EOF\n  run echo hi  \nEOF\n",
])
def test_keeps_what_the_build_reads(text: str) -> None:
    out = formatted(text)
    assert _logical(out) == _logical(text), out
    if "<<" in text:
        assert out.split("\n", 1)[1] == text.split("\n", 1)[1]


@pytest.mark.parametrize("text", [
    "FROM a\nRUN echo 'a \\\n\u00a0\n   b'\n",  # a no-break-space line: BuildKit skips it
    "FROM a\nRUN echo \\\n  \u00a0# note\n  copy\n",  # a comment to BuildKit
    "FROM a\nRUN cat\u00a0<<EOF\n  copy  x  \nEOF\n",  # a heredoc to BuildKit
    "FROM a\nRUN echo 'a \\\n\f\n   b'\n",
    "FROM a\nRUN echo 'a  \r  b'\n",  # a lone CR is no line end to BuildKit
])
def test_files_with_odd_whitespace_are_left_alone(text: str) -> None:
    assert format_dockerfile(text) == []


def test_odd_whitespace_inside_text_is_just_text() -> None:
    text = 'from a\nLABEL size="50\u00a0MB"\n# 注意\u3000ok\n'
    assert formatted(text) == 'FROM a\nLABEL size="50\u00a0MB"\n# 注意\u3000ok\n'


def test_directives_read_as_buildkit_reads_them() -> None:
    # a BOM before `# escape=`: a backtick file, its continuation kept
    text = "\ufeff# escape=`\nFROM a\nRUN echo `\n  copy x\n"
    assert formatted(text) == text
    # an empty directive ends the directives: `\` is the escape, `copy` is shell code
    assert formatted("# syntax=\n# escape=`\nFROM a\nRUN echo \\\n  copy\n").endswith(
        "RUN echo \\\n    copy\n")


def test_keyword_split_by_a_continuation_gets_no_overlapping_edits() -> None:
    text = "FROM a\nr\\\n  # c\nun x\n"
    edits = format_dockerfile(text)
    assert all(a[0].end <= b[0].start for a, b in itertools.pairwise(edits))
    out = formatted(text)
    assert _logical(out) == _logical(text) and "# c" in out


def _logical(text: str) -> list[tuple[str, str, list[str]]]:
    """Each instruction's keyword (upper case), its exact text after the keyword and its
    heredoc bodies."""
    return [(i.keyword, i.line.text[i.kw_end:].strip(), [h.body for h in i.heredocs])
            for i in _scan(text).instructions]


def _signature(text: str) -> list[object]:
    """What a build reads: directives, each instruction's keyword, flags, exec form or
    shell words (split the shell's way and ours), heredoc bodies; comments' text."""
    df = _scan(text)
    out: list[object] = [(d.name, d.value) for d in df.directives]
    for ins in df.instructions:
        a = ins.arguments
        kw = ins.keyword if ins.keyword in KNOWN_INSTRUCTIONS else ins.raw_keyword
        item: list[object] = [kw, [(f.name, f.value) for f in a.flags],
                              [(h.delimiter, h.body) for h in ins.heredocs]]
        if a.exec_form is not None:
            item.append([e.value for e in a.exec_form])
        else:
            args = ins.line.text[a.args_lo:a.args_hi]
            try:
                item.append(shlex.split(args))
            except ValueError:
                item.append(args)
            item.append([w.value for w in a.words])
        if a.sub is not None:
            item.append((a.sub.keyword, [w.value for w in a.sub.words]))
        if kw in _VERBATIM or (kw in ("ENV", "LABEL") and a.words and "=" not in a.words[0].value):
            item.append(ins.line.text[ins.kw_end:].strip())  # blanks included
        out.append(item)
    out.append([c.text for c in df.comments])
    return out


_VERBATIM = {"WORKDIR", "USER", "STOPSIGNAL", "MAINTAINER", "ONBUILD"}


def _corpus_files() -> list[Path]:
    return corpus_files("dockerfiles")


@pytest.mark.skipif(not _corpus_files(), reason="../shared/corpus is not there")
def test_corpus_keeps_meaning_and_is_idempotent() -> None:
    changed = 0
    for p in _corpus_files():
        text = p.read_text(encoding="utf-8", errors="replace")
        for unit in (Indent(4, True), Indent(4, False)):
            out = formatted(text, unit)
            changed += out != text
            assert _signature(out) == _signature(text), (p, unit)
            assert formatted(out, unit) == out, (p, unit)
    assert changed > 100  # the corpus is not all formatted already: the test saw edits


# random, valid shell code whose words and strings span continuation lines, run by a real
# shell before and after formatting: the printed words must be the same
_CONT = st.sampled_from(["\\\n", "\\\n  ", "\\\n      ", "\\\n\t", " \\\n    "])
_TEXT = st.lists(st.one_of(st.sampled_from(["x", "y", " ", "  "]), _CONT),
                 max_size=6).map("".join)
_PLAIN = st.sampled_from(["x", "y", "xy"])
_DOUBLE = st.lists(st.one_of(_TEXT, _TEXT.map(lambda w: f'$(echo "x{w}y")'),
                             _TEXT.map(lambda w: f"$(echo '{w}')")), max_size=3
                   ).map(lambda parts: '"' + "".join(parts) + '"')
_WORD = st.lists(st.one_of(
    _PLAIN,
    _TEXT.map(lambda w: f"'{w}'"),
    _DOUBLE,
    _TEXT.map(lambda w: "${X:-" + w.replace(" ", "") + "}"),
    _DOUBLE.map(lambda w: f"$(echo {w})"),
), min_size=1, max_size=3).map("".join)
_SEP = st.one_of(st.sampled_from([" ", "  "]), _CONT.filter(lambda c: c.startswith(" ")))
_CODE = st.lists(st.tuples(_WORD, _SEP), min_size=1, max_size=5).map(
    lambda ws: "".join(w + sep for w, sep in ws).rstrip(" \\\n\t"))


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_CODE)
def test_random_shell_code_prints_the_same(code: str) -> None:
    text = "FROM a\nRUN printf '<%s>' " + code + "\n"
    out = formatted(text)
    assert formatted(out) == out
    before = _run(text)
    assert before[0] == 0, (text, before)  # valid code: the comparison below means something
    assert _run(out) == before, (text, out)


def _run(text: str) -> tuple[int, str]:
    df = _scan(text)
    script = "\n".join(i.line.text[i.kw_end:] for i in df.instructions if i.keyword == "RUN")
    p = subprocess.run(["bash", "--norc", "--noprofile", "-c", script], capture_output=True,
                       text=True, timeout=10, stdin=subprocess.DEVNULL, env={"PATH": "/usr/bin:/bin"})
    return p.returncode, p.stdout
