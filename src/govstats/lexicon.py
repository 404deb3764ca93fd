"""The printed vocabulary the readers and the parser share: whitespace, placeholders (a cell
printed as "not applicable", never 0), units and the words of an approximate figure.

Each vocabulary is defined here once.  Where a stage reads a narrower set on purpose (a mark
among numbers in running text must not be a word of the prose), the narrower set is named
here too, built from the same parts, with the reason; no module keeps a list of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# --------------------------------------------------------------------------- whitespace

#: Spaces inside one line: what stands between cells printed on one line (ASCII space, tab,
#: the ideographic space U+3000 and the no-break space U+00A0).  ``\s`` in a pattern covers
#: these and the line breaks (every character ``str.isspace`` accepts).
LINE_SPACES = " \t\u3000\xa0"

#: A run of whitespace of any kind, U+3000 and U+00A0 included.
SPACE_RUN = re.compile(r"\s+")

#: Invisible format characters that CMS pages and converters leave in text: zero-width
#: space, zero-width non-joiner and joiner, word joiner, byte order mark, soft hyphen.  The
#: HTML and markdown readers delete them (:data:`DROP_ZERO_WIDTH`).
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"

#: ``str.translate`` table that deletes :data:`ZERO_WIDTH`.
DROP_ZERO_WIDTH = dict.fromkeys(map(ord, ZERO_WIDTH), None)

#: The two :data:`ZERO_WIDTH` characters that reading a label or a number counts as
#: whitespace whatever reader the text came through (crawler text and PDF text layers keep
#: them): the zero-width space and the byte order mark.  The joiners and the soft hyphen
#: stay in the text there, as they always have.
ZERO_WIDTH_SPACES = "\u200b\ufeff"

#: A run of whitespace or :data:`ZERO_WIDTH_SPACES` (labels and cells: see
#: :mod:`govstats.normalize`).
SPACE_OR_ZERO_WIDTH_RUN = re.compile(rf"[\s{ZERO_WIDTH_SPACES}]+")

#: The full-width punctuation of Chinese text and the ideographic space: nearly all a
#: report's text changes under NFKC (:func:`govstats.normalize.nfkc` replaces them first).
WIDE_PUNCTUATION = "，（）：；．\u3000"

# --------------------------------------------------------------------------- placeholders

#: The single marks a form prints for a cell with nothing to count: hyphen-minus, em dash,
#: en dash, full-width hyphen-minus, slash, full-width slash.  Only these stand for a cell
#: among numbers in running text (a spaced run of crawler text, a PDF row of words, a stream
#: row), where a word or a letter would be prose.
DASH_MARKS = frozenset("-—–－/／")

#: Dashes printed doubled for one cell.
DOUBLED_DASHES = frozenset({"--", "——"})

#: Horizontal bar and box-drawing line, drawn as a dash.
BAR_DASHES = frozenset({"―", "─"})

#: Words printed for a cell: 无 (none), 空 (empty).
PLACEHOLDER_WORDS = frozenset({"无", "空"})

#: Crosses and other marks printed for a cell: ×, x, X, *, backslash.
CROSS_MARKS = frozenset({"×", "x", "X", "*", "\\"})

#: A table cell whose whole text (NFKC, whitespace collapsed) is one of these is a
#: placeholder (:func:`govstats.normalize.read_number`): every form of the mark.  A cell's
#: boundaries are known, so no mark can be taken for a word.
CELL_PLACEHOLDERS = DASH_MARKS | DOUBLED_DASHES | BAR_DASHES | PLACEHOLDER_WORDS | CROSS_MARKS

#: A line of plain text holding only one of these is a cell printed on a line of its own
#: (:func:`govstats.read.text.line_roles`).  Narrower than a cell: a doubled hyphen, a
#: letter x, an asterisk, a backslash or 空 alone on a line is not taken for a cell there.
LONE_LINE_PLACEHOLDERS = DASH_MARKS | {"——"} | BAR_DASHES | {"无", "×"}

#: A whitespace-separated token of a converter's number row (markdown reader): the dash
#: marks, single or doubled.  A word there (无) makes the line text, not a row of numbers.
TOKEN_PLACEHOLDERS = DASH_MARKS | DOUBLED_DASHES

# --------------------------------------------------------------------------- signs

#: Minus signs printed before a number of a spaced run (本年增/减: 120 -5 4500):
#: hyphen-minus, the minus sign U+2212, full-width hyphen-minus.
MINUS_SIGNS = "-−－"

# --------------------------------------------------------------------------- units

#: Every unit word the reports print after a count or an amount.
UNITS = (
    "人次", "件次", "万元", "亿元", "条", "件", "个", "次", "人", "名", "元", "期", "份",
    "篇", "项", "笔", "家", "起", "宗", "场", "批",
)  # fmt: skip

#: Percent and per-mille signs (NFKC makes the full-width ％ a %).
PERCENT_SIGNS = ("%", "％", "‰")

#: Characters a cell may print after its number as its unit (``5件``, ``33.8万元``): any
#: run of them (:func:`govstats.normalize.read_number`).
CELL_UNIT_CHARS = "条件个次人期份篇万元笔项家起批"

#: Units printed after a number alone on its line (``33800元``) that make it a cell
#: (:func:`govstats.read.text.line_roles`).
LONE_CELL_UNITS = ("万元", "元", "条", "件", "个", "项", "人次", "次", "份", "批")

#: Units a converter's number token may carry (``12件``, ``3.5万元``: markdown reader).
TOKEN_UNITS = ("元", "万元", "亿元", "件", "个", "项", "条", "次", "人次", "人", "家", "批")

#: The unit of a number inside a label's note (``（…相同信息计1条）``): the number is part
#: of the label, not a cell (text reader).
NOTE_UNIT_CHARS = "条次件个项人"

#: Units a stream label may end with after the row's label (``主动公开信息数 条``); tried in
#: this order, the longer of two that end alike first (mapper).
LABEL_TAIL_UNITS = (
    "人次", "件次", "万元", "条", "件", "个", "次", "人", "元", "期", "份", "篇", "项",
)  # fmt: skip

#: What may follow a number of the prose printed on a line of its own (``553`` / ``件``,
#: ``2016`` / ``年度``): the first character of a unit, a date word or an approximation; in
#: a table a figure is followed by a figure or a label (text reader).
PROSE_AFTER_CHARS = "年月日时件条个次人名项份起宗元万%％期场家余多倍"

# --------------------------------------------------------------------------- approximations

#: Words after a number that make it an approximation (``1500多``, ``30余``, ``100以上``,
#: ``20左右``): never a table figure.
APPROXIMATE_AFTER = ("多", "余", "以上", "左右")

#: Words before a number that make it an approximation (``约30``, ``超过100``).
APPROXIMATE_BEFORE = ("约", "近", "超", "逾", "超过")


def alternation(words: Iterable[str]) -> str:
    """A regex group matching any of ``words``, tried in the order given."""
    return "(?:" + "|".join(re.escape(w) for w in words) + ")"


def char_class(chars: Iterable[str]) -> str:
    """A regex character class of ``chars`` (single characters; sorted, so that a set gives
    the same pattern in every process)."""
    return "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"
