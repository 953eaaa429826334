from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dockwise.text import LineIndex


def test_lsp_line_breaks() -> None:
    idx = LineIndex("a\nb\r\nc\rd")
    assert idx.line_count == 4
    assert [idx.line_text(i) for i in range(4)] == ["a", "b", "c", "d"]
    assert idx.position(idx.offset(2, 0)) == (2, 0)
    assert idx.line_end(1) == 3  # before \r\n


def test_no_other_line_breaks() -> None:
    # U+2028 and form feed are not LSP line breaks
    idx = LineIndex("a\u2028b\x0cc\nd")
    assert idx.line_count == 2


def test_utf16_columns() -> None:
    text = "FROM a\nLABEL x=\"😀é\" y=1\n"
    idx = LineIndex(text)
    off = text.index("y=1")
    assert idx.position(off) == (1, 13)
    assert idx.utf16_col(off) == (1, 14)
    assert idx.offset_from_utf16(1, 14) == off


@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F64F), max_size=200))
def test_roundtrip(text: str) -> None:
    idx = LineIndex(text)
    for off in range(len(text) + 1):
        line, col = idx.position(off)
        assert 0 <= line < idx.line_count
        back = idx.offset(line, col)
        # an offset inside a line break maps back to the end of its line
        assert back == min(off, idx.line_end(line))
        l16, c16 = idx.utf16_col(off)
        assert l16 == line
        assert idx.offset_from_utf16(line, c16) == min(off, idx.line_end(line))


def test_utf16_columns_agree_with_counting_units() -> None:
    import random

    rnd = random.Random(7)
    for _ in range(500):
        t = "".join(rnd.choice("ab\n😀é\r𝒳") for _ in range(rnd.randint(0, 30)))
        ix = LineIndex(t)
        for off in range(len(t) + 1):
            line, _ = ix.position(off)
            units = sum(2 if ord(c) > 0xFFFF else 1 for c in t[ix.line_start(line):off])
            assert ix.utf16_col(off) == (line, units)
            if off <= ix.line_end(line):  # (not inside a `\r\n`)
                assert ix.offset_from_utf16(line, units) == off
