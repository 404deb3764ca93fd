"""The shared lexicon (:mod:`govstats.lexicon`): whitespace, placeholders and units are
defined once, the narrower sets are built from the same parts, and no reader or parser
module keeps a list of its own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from govstats import lexicon as lx
from govstats.normalize import PLACEHOLDERS, collapse_ws, normalize_label, read_number
from govstats.read.text import line_roles

SRC = Path(__file__).resolve().parents[1] / "src" / "govstats"
USERS = [
    SRC / "normalize.py",
    *(SRC / "read").rglob("*.py"),
    *(SRC / "parse" / "mapper").glob("*.py"),
    SRC / "parse" / "narrative.py",
    SRC / "parse" / "meta.py",
]


def test_placeholder_sets_are_the_ones_the_stages_have_always_read():
    cell, lone, token = lx.CELL_PLACEHOLDERS, lx.LONE_LINE_PLACEHOLDERS, lx.TOKEN_PLACEHOLDERS
    assert PLACEHOLDERS is cell
    assert cell == {
        "/", "-", "—", "——", "–", "－", "无", "--", "―", "─", "\\", "×", "x", "X", "空", "*",
        "／",
    }  # fmt: skip
    assert lone == {
        "-", "—", "——", "–", "－", "―", "─", "/", "／", "无", "×",
    }  # fmt: skip
    assert token == {"-", "--", "—", "——", "–", "－", "/", "／"}
    dashes = lx.DASH_MARKS
    assert dashes == set("-—–－/／")
    # the narrower sets are parts of the widest one
    for narrower in (dashes, lone, token):
        assert narrower <= cell


def test_unit_selections_are_units():
    units = set(lx.UNITS)
    assert len(lx.UNITS) == len(units)
    for selection in (lx.LONE_CELL_UNITS, lx.TOKEN_UNITS, lx.LABEL_TAIL_UNITS):
        assert set(selection) <= units
    assert set(lx.NOTE_UNIT_CHARS) <= units
    assert set(lx.CELL_UNIT_CHARS) <= set("".join(lx.UNITS))
    # a unit that ends another is tried after it (人次 before 次)
    tail = lx.LABEL_TAIL_UNITS
    for i, u in enumerate(tail):
        assert not any(v.endswith(u) and len(v) > len(u) for v in tail[i + 1 :]), u


def test_whitespace_classes():
    assert all(ch.isspace() for ch in lx.LINE_SPACES)
    assert not any(ch.isspace() for ch in lx.ZERO_WIDTH)
    assert set(lx.ZERO_WIDTH_SPACES) <= set(lx.ZERO_WIDTH)
    assert "a\u3000\xa0b".translate(lx.DROP_ZERO_WIDTH) == "a\u3000\xa0b"
    assert "a\u200b\u200d\u00adb".translate(lx.DROP_ZERO_WIDTH) == "ab"
    assert lx.SPACE_RUN.sub(" ", "a\u3000\xa0\t b") == "a b"
    # reading labels and numbers: ZWSP and BOM are spaces, the joiners are not
    assert collapse_ws("1\u200b2\ufeff3") == "1 2 3"
    assert normalize_label("主动\u200b公开") == "主动公开"
    assert normalize_label("主动\u200d公开") == "主动\u200d公开"


@pytest.mark.parametrize(
    ("raw", "status", "unit"),
    [("5件", "number", "件"), ("3人次", "number", "人次"), ("33.8万元", "number", "万元"),
     ("12%", "number", "%"), ("12％", "number", "%"), ("—", "placeholder", None),
     ("x", "placeholder", None), ("5亿元", "text", None)],
)
def test_read_number_units_and_placeholders(raw, status, unit):
    r = read_number(raw)
    assert (r.status, r.unit) == (status, unit)


def test_lone_lines():
    lines = ["申请数", "—", "无", "x", "33800元", "1500多", "约30", "12", "件"]
    assert line_roles(lines) == [
        "text", "cell", "cell", "text", "cell", "cell", "cell", "text", "text",
    ]  # fmt: skip


# literal vocabularies that belong in the lexicon (a range from U+3000 is CJK punctuation)
_OWN_VOCABULARY = re.compile(
    r"\\u3000(?!-)|\\xa0|\\u200b|\\ufeff|\\u00ad|人次|万元|左右|以上|\"／\"|frozenset\(\"-—"
)


def test_no_stage_module_keeps_a_vocabulary_of_its_own():
    for path in USERS:
        hits = _OWN_VOCABULARY.findall(path.read_text("utf-8"))
        assert not hits, f"{path.relative_to(SRC)}: {hits} (use govstats.lexicon)"
