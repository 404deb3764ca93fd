"""Tests of the PDF reader (``govstats.read.pdf``).

The PDFs are generated here with fpdf2 and a CJK font shipped on PyPI
(``paperang-p2-fonts-cjk``: WenQuanYi Micro Hei).  The corpus checks read the real reports in
``../shared/corpus`` and are skipped when it is absent.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

pytest.importorskip("pdfplumber", reason="pdfplumber (govstats[pdf]) is not installed")
fpdf = pytest.importorskip("fpdf", reason="fpdf2 (govstats[dev]) is not installed")

from govstats.errors import UnreadableInput  # noqa: E402
from govstats.model import Cell, Document, Grid  # noqa: E402
from govstats.read import read_document  # noqa: E402
from govstats.read.pdf import clean_cell_text, read_pdf, text_layer_problem  # noqa: E402
from tests.grid_helpers import covered, find, grid_texts  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

# every character the generated PDFs print (the font is subset to these)
SAMPLE_TEXT = (
    "二、主动公开政府信息情况 第二十条第（一）项 信息内容 本年制发件数 本年废止件数 现行有效件数 "
    "规章 行政规范性文件 三、收到和处理政府信息公开申请情况 申请人情况 自然人 法人或其他组织 "
    "商业企业 科研机构 其他 总计 一、本年新收政府信息公开申请数量 二、上年结转政府信息公开申请数量 "
    "四、政府信息公开行政复议、行政诉讼情况 行政复议 行政诉讼 未经复议直接起诉 复议后起诉 "
    "结果维持 结果纠正 其他结果 尚未审结 五、存在的主要问题及改进情况 续表 "
    "0123456789.,-%() 本报告由某某区人民政府办公室编制。"
)

# --------------------------------------------------------------------------------------------
# PDF generation


@pytest.fixture(scope="session")
def cjk_font(cjk_font_for: Callable[[str], Path]) -> Path:
    """The CJK font of ``conftest.cjk_font_for``, subset to the characters used here."""
    return cjk_font_for(SAMPLE_TEXT)


# A table cell: (row, col, rowspan, colspan, text); "\n" breaks the text into lines.
Spec = tuple[int, int, int, int, str]


class Sheet:
    """An A4 page builder (points) that draws tables cell by cell."""

    def __init__(self, font: Path, *, compress: bool = True) -> None:
        self.pdf = fpdf.FPDF(unit="pt", format="A4")
        self.pdf.set_compression(compress)
        self.pdf.set_auto_page_break(False)
        self.pdf.add_font("cjk", "", str(font))
        self.pdf.set_font("cjk", size=10)
        self.pdf.set_line_width(0.6)

    def page(self) -> Sheet:
        self.pdf.add_page()
        return self

    def line_of_text(self, x: float, y: float, text: str, size: float = 10) -> Sheet:
        self.pdf.set_font_size(size)
        self.pdf.text(x, y + size * 0.85, text)
        self.pdf.set_font_size(10)
        return self

    def table(
        self,
        x: float,
        y: float,
        widths: Sequence[float],
        heights: Sequence[float],
        cells: Sequence[Spec],
        *,
        border: Callable[[Spec], bool] = lambda spec: True,
        valign: Callable[[Spec], str] = lambda spec: "middle",
        halign: str = "center",
        size: float = 9,
        spacing: float = 1.3,
    ) -> Sheet:
        pdf = self.pdf
        pdf.set_font_size(size)
        xs = [x]
        for w in widths:
            xs.append(xs[-1] + w)
        ys = [y]
        for h in heights:
            ys.append(ys[-1] + h)
        lead = size * spacing
        for spec in cells:
            r, c, rs, cs, text = spec
            x0, x1, y0, y1 = xs[c], xs[c + cs], ys[r], ys[r + rs]
            if border(spec):
                pdf.rect(x0, y0, x1 - x0, y1 - y0)
            lines = text.split("\n") if text else []
            block = lead * (len(lines) - 1) + size if lines else 0
            where = valign(spec)
            if where == "bottom":
                first = y1 - block - 4
            elif where == "top":
                first = y0 + 3
            else:
                first = (y0 + y1 - block) / 2
            for k, line in enumerate(lines):
                w = pdf.get_string_width(line)
                left = x0 + 3 if halign == "left" else (x0 + x1 - w) / 2
                pdf.text(left, first + k * lead + size * 0.95, line)
        pdf.set_font_size(10)
        return self

    def rect(self, x: float, y: float, w: float, h: float) -> Sheet:
        self.pdf.rect(x, y, w, h)
        return self

    def hline(self, x0: float, x1: float, y: float) -> Sheet:
        self.pdf.line(x0, y, x1, y)
        return self

    def bytes(self) -> bytes:
        return bytes(self.pdf.output())








def grid_with(doc: Document, *labels: str) -> Grid:
    for g in doc.grids:
        texts = {c.text for row in g.rows for c in row}
        if all(label in texts for label in labels):
            return g
    raise AssertionError(f"no grid holds {labels}: {[grid_texts(g) for g in doc.grids]}")


# --------------------------------------------------------------------------------------------
# Simple tables


def test_simple_ruled_table(cjk_font: Path) -> None:
    data = (
        Sheet(cjk_font)
        .page()
        .line_of_text(70, 60, "本报告由某某区人民政府办公室编制。")
        .line_of_text(70, 100, "二、主动公开政府信息情况", size=12)
        .table(
            70,
            130,
            [150, 100, 100, 100],
            [24, 24, 24],
            [
                (0, 0, 1, 1, "信息内容"),
                (0, 1, 1, 1, "本年制发件数"),
                (0, 2, 1, 1, "本年废止件数"),
                (0, 3, 1, 1, "现行有效件数"),
                (1, 0, 1, 1, "规章"),
                (1, 1, 1, 1, "1"),
                (1, 2, 1, 1, "0"),
                (1, 3, 1, 1, "11"),
                (2, 0, 1, 1, "行政规范性文件"),
                (2, 1, 1, 1, "8"),
                (2, 2, 1, 1, "26"),
                (2, 3, 1, 1, "66"),
            ],
        )
        .bytes()
    )
    doc = read_pdf(data)
    assert doc.kind == "pdf"
    assert "二、主动公开政府信息情况" in doc.text
    assert "本报告由某某区人民政府办公室编制。" in doc.text
    assert len(doc.grids) == 1
    g = doc.grids[0]
    assert (g.index, g.kind, g.page, g.title) == (1, "table", 1, "二、主动公开政府信息情况")
    assert grid_texts(g) == [
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", "1", "0", "11"],
        ["行政规范性文件", "8", "26", "66"],
    ]
    assert g.n_cols == 4
    assert len(covered(g)) == 12
    for row in g.rows:
        for c in row:
            assert (c.rowspan, c.colspan, c.page) == (1, 1, 1)
    # read_document picks the PDF reader from the signature
    assert grid_texts(read_document(data).grids[0]) == grid_texts(g)


def test_label_split_over_two_lines_is_joined(cjk_font: Path) -> None:
    data = (
        Sheet(cjk_font)
        .page()
        .line_of_text(70, 80, "四、政府信息公开行政复议、行政诉讼情况", size=12)
        .table(
            70,
            110,
            [60, 60, 60, 60],
            [40, 24],
            [
                (0, 0, 1, 1, "结果\n维持"),
                (0, 1, 1, 1, "结果\n纠正"),
                (0, 2, 1, 1, "其他\n结果"),
                (0, 3, 1, 1, "尚未\n审结"),
                (1, 0, 1, 1, "3"),
                (1, 1, 1, 1, "0"),
                (1, 2, 1, 1, "1"),
                (1, 3, 1, 1, "2"),
            ],
        )
        .bytes()
    )
    (g,) = read_pdf(data).grids
    assert grid_texts(g) == [["结果维持", "结果纠正", "其他结果", "尚未审结"], ["3", "0", "1", "2"]]
    assert g.title == "四、政府信息公开行政复议、行政诉讼情况"


def test_merged_header_cells_get_spans(cjk_font: Path) -> None:
    cells: list[Spec] = [
        (0, 0, 2, 1, "申请人情况"),
        (0, 1, 2, 1, "自然人"),
        (0, 2, 1, 3, "法人或其他组织"),
        (0, 5, 2, 1, "总计"),
        (1, 2, 1, 1, "商业企业"),
        (1, 3, 1, 1, "科研机构"),
        (1, 4, 1, 1, "其他"),
        (2, 0, 1, 1, "一、本年新收政府信息公开申请数量"),
        (2, 1, 1, 1, "40"),
        (2, 2, 1, 1, "5"),
        (2, 3, 1, 1, "0"),
        (2, 4, 1, 1, "2"),
        (2, 5, 1, 1, "47"),
    ]
    data = (
        Sheet(cjk_font)
        .page()
        .line_of_text(70, 80, "三、收到和处理政府信息公开申请情况", size=12)
        .table(40, 110, [170, 60, 60, 60, 60, 60], [24, 24, 24], cells)
        .bytes()
    )
    (g,) = read_pdf(data).grids
    assert g.n_cols == 6
    slots = covered(g)
    assert len(slots) == 18
    corp = find(g, "法人或其他组织")
    assert (corp.row, corp.col, corp.rowspan, corp.colspan) == (0, 2, 1, 3)
    for label in ("申请人情况", "自然人", "总计"):
        c = find(g, label)
        assert (c.rowspan, c.colspan) == (2, 1), label
    assert [find(g, t).col for t in ("商业企业", "科研机构", "其他")] == [2, 3, 4]
    values = {c.col: c.text for c in g.rows[-1]}
    assert values == {
        0: "一、本年新收政府信息公开申请数量",
        1: "40",
        2: "5",
        3: "0",
        4: "2",
        5: "47",
    }


# --------------------------------------------------------------------------------------------
# Table 4: 15 value columns under a three-level header, value row far below the header

LEAVES = ["结果\n维持", "结果\n纠正", "其他\n结果", "尚未\n审结", "总计"]
# printed values by column; None = the cell is printed empty
T4_VALUES: list[str | None] = [
    "10", "1", None, "0", "0",
    "7", None, "2", "1", "12",
    "5", "0", "0", None, "0",
]  # fmt: skip
T4_HEADER: list[Spec] = (
    [(0, 0, 1, 5, "行政复议"), (0, 5, 1, 10, "行政诉讼")]
    + [(1, c, 2, 1, LEAVES[c]) for c in range(5)]
    + [(1, 5, 1, 5, "未经复议直接起诉"), (1, 10, 1, 5, "复议后起诉")]
    + [(2, 5 + c, 1, 1, LEAVES[c % 5]) for c in range(10)]
)
T4_WIDTHS = [31.0] * 15
T4_X = 60.0
T4_Y = 140.0


def table4_pdf(font: Path, variant: str) -> bytes:
    """The table-4 layout, ruled in different ways:

    - ``ruled``: every cell ruled; the value row is tall and its numbers sit at its bottom;
    - ``unruled``: no ruling at all, the numbers printed ~70 pt below the header;
    - ``unruled-left``: no ruling, labels left-aligned in their cells;
    - ``unruled-wide-spacing``: no ruling, left-aligned labels with double line spacing;
    - ``horizontal-rules``: only horizontal rules (a "three-line" table);
    - ``value-row-unruled``: the header is ruled, the value row only has an outer frame;
    - ``below-table``: the header is ruled, the numbers are printed under it without ruling.
    """
    sheet = Sheet(font).page()
    sheet.line_of_text(70, 60, "本报告由某某区人民政府办公室编制。")
    sheet.line_of_text(70, 100, "四、政府信息公开行政复议、行政诉讼情况", size=12)
    values: list[Spec] = [(3, c, 1, 1, v) for c, v in enumerate(T4_VALUES) if v is not None]
    heights = [24.0, 26.0, 34.0, 80.0]
    head_height = sum(heights[:3])
    at_bottom = {"valign": lambda s: "bottom" if s[0] == 3 else "middle"}
    no_border = {"border": lambda s: False}
    if variant == "ruled":
        empty: list[Spec] = [(3, c, 1, 1, "") for c, v in enumerate(T4_VALUES) if v is None]
        sheet.table(T4_X, T4_Y, T4_WIDTHS, heights, T4_HEADER + values + empty, **at_bottom)
    elif variant == "unruled":
        sheet.table(T4_X, T4_Y, T4_WIDTHS, heights, T4_HEADER + values, **no_border, **at_bottom)
    elif variant == "unruled-left":
        sheet.table(
            T4_X, T4_Y, T4_WIDTHS, heights, T4_HEADER + values,
            **no_border, **at_bottom, halign="left",
        )  # fmt: skip
    elif variant == "unruled-wide-spacing":
        sheet.table(
            T4_X, T4_Y, T4_WIDTHS, [30.0, 34.0, 50.0, 70.0], T4_HEADER + values,
            **no_border, **at_bottom, halign="left", spacing=2.3,
        )  # fmt: skip
    elif variant == "horizontal-rules":
        sheet.table(T4_X, T4_Y, T4_WIDTHS, [*heights[:3], 30.0], T4_HEADER + values, **no_border)
        for y in (T4_Y, T4_Y + head_height, T4_Y + head_height + 30):
            sheet.hline(T4_X, T4_X + sum(T4_WIDTHS), y)
    elif variant == "value-row-unruled":
        sheet.table(T4_X, T4_Y, T4_WIDTHS, heights[:3], T4_HEADER)
        sheet.table(T4_X, T4_Y + head_height, T4_WIDTHS, [0, 0, 0, 40.0], values, **no_border)
        sheet.rect(T4_X, T4_Y + head_height, sum(T4_WIDTHS), 40)
    elif variant == "below-table":
        sheet.table(T4_X, T4_Y, T4_WIDTHS, heights[:3], T4_HEADER)
        sheet.table(T4_X, T4_Y + head_height + 30, T4_WIDTHS, [0, 0, 0, 20.0], values, **no_border)
    else:  # pragma: no cover
        raise ValueError(variant)
    sheet.line_of_text(70, 420, "五、存在的主要问题及改进情况", size=12)
    return sheet.bytes()


T4_VARIANTS = [
    "ruled",
    "unruled",
    "unruled-left",
    "unruled-wide-spacing",
    "horizontal-rules",
    "value-row-unruled",
    "below-table",
]


@pytest.mark.parametrize("variant", T4_VARIANTS)
def test_table4_values_land_under_their_headers(cjk_font: Path, variant: str) -> None:
    doc = read_pdf(table4_pdf(cjk_font, variant))
    g = grid_with(doc, "行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉")
    assert g.title == "四、政府信息公开行政复议、行政诉讼情况"
    assert g.page == 1
    assert g.n_cols == 15
    slots = covered(g)
    # header: every leaf label in its own column, the block labels spanning their columns
    review = find(g, "行政复议")
    suit = find(g, "行政诉讼")
    direct = find(g, "未经复议直接起诉")
    after = find(g, "复议后起诉")
    assert (review.col, review.colspan) == (0, 5)
    assert (suit.col, suit.colspan) == (5, 10)
    assert (direct.col, direct.colspan) == (5, 5)
    assert (after.col, after.colspan) == (10, 5)
    leaf_row = max(c.row for c in g.rows[2] + g.rows[1])
    leaves = {c: slots[(leaf_row, c)].text for c in range(15)}
    assert leaves == {c: clean_cell_text(LEAVES[c % 5]) for c in range(15)}
    # the value row: each number under its header, empty cells empty (not shifted left)
    last = max(slots)[0]
    assert last == leaf_row + 1
    printed = [slots[(last, c)].text for c in range(15)]
    assert printed == [v or "" for v in T4_VALUES]
    for c in range(15):
        cell = slots[(last, c)]
        assert (cell.col, cell.colspan, cell.page) == (c, 1, 1)
    # rows placed by word positions are reported
    by_position = [n for n in doc.notes if n.rule == "pdf.cells_by_position"]
    assert bool(by_position) == (variant != "ruled")


def test_unruled_table_with_row_labels_and_prose_around(cjk_font: Path) -> None:
    cells: list[Spec] = [
        (0, 0, 1, 1, "信息内容"),
        (0, 1, 1, 1, "本年制发件数"),
        (0, 2, 1, 1, "本年废止件数"),
        (0, 3, 1, 1, "现行有效件数"),
        (1, 0, 1, 1, "规章"),
        (1, 1, 1, 1, "1"),
        (1, 3, 1, 1, "11"),
        (2, 0, 1, 1, "行政规范性文件"),
        (2, 1, 1, 1, "8"),
        (2, 2, 1, 1, "26"),
        (2, 3, 1, 1, "66"),
    ]
    data = (
        Sheet(cjk_font)
        .page()
        .line_of_text(70, 60, "本报告由某某区人民政府办公室编制。2023 年 12 月 31 日 21 件")
        .line_of_text(70, 100, "二、主动公开政府信息情况", size=12)
        .table(70, 130, [150, 100, 100, 100], [24, 24, 24], cells, border=lambda s: False)
        .line_of_text(70, 240, "五、存在的主要问题及改进情况", size=12)
        .line_of_text(70, 270, "本报告由某某区人民政府办公室编制。2023 年 1 月 1 日")
        .bytes()
    )
    doc = read_pdf(data)
    assert len(doc.grids) == 1
    (g,) = doc.grids
    assert g.title == "二、主动公开政府信息情况"
    assert grid_texts(g) == [
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", "1", "", "11"],
        ["行政规范性文件", "8", "26", "66"],
    ]


def specs(rows: Sequence[Sequence[str]], first_row: int = 0) -> list[Spec]:
    """One cell per printed string, row by row."""
    return [
        (first_row + r, c, 1, 1, text) for r, row in enumerate(rows) for c, text in enumerate(row)
    ]


def test_table_continued_on_next_page_keeps_title(cjk_font: Path) -> None:
    widths = [160.0, 120.0, 120.0]
    sheet = Sheet(cjk_font).page()
    sheet.line_of_text(70, 640, "二、主动公开政府信息情况", size=12)
    first_part = [
        ["信息内容", "本年制发件数", "本年废止件数"],
        ["规章", "1", "0"],
        ["行政规范性文件", "8", "26"],
        ["规章", "3", "4"],
    ]
    sheet.table(70, 670, widths, [24] * 4, specs(first_part))
    sheet.line_of_text(290, 800, "- 1 -")
    sheet.page()
    sheet.table(70, 60, widths, [24] * 2, specs([["行政规范性文件", "5", "6"], ["规章", "7", "9"]]))
    sheet.line_of_text(70, 140, "三、收到和处理政府信息公开申请情况", size=12)
    sheet.table(70, 170, widths[:2], [24] * 2, specs([["信息内容", "总计"], ["规章", "2"]]))
    doc = read_pdf(sheet.bytes())
    assert doc.text.count("\f") == 1
    assert [(g.index, g.page) for g in doc.grids] == [(1, 1), (2, 2), (3, 2)]
    first, cont, other = doc.grids
    assert first.title == cont.title == "二、主动公开政府信息情况"
    assert other.title == "三、收到和处理政府信息公开申请情况"
    assert grid_texts(cont) == [["行政规范性文件", "5", "6"], ["规章", "7", "9"]]
    assert all(c.page == 2 for row in cont.rows for c in row)


# --------------------------------------------------------------------------------------------
# Unreadable PDFs


def test_no_text_layer_is_unreadable(cjk_font: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from govstats.read import ocr

    monkeypatch.setattr(ocr, "available", lambda: False)  # without the ocr extra
    sheet = Sheet(cjk_font).page()
    for k in range(5):
        sheet.rect(60, 60 + 30 * k, 400, 25)
    with pytest.raises(UnreadableInput, match=r"no text layer .*pip install 'govstats\[ocr\]'"):
        read_pdf(sheet.bytes())


def cid_pdf(font: Path) -> bytes:
    """A Type0 font whose ToUnicode map (and embedded font program, from which pdfminer
    could rebuild one) are unreachable: pdfminer shows its glyphs as ``(cid:NNN)``."""
    sheet = Sheet(font, compress=False).page()
    sheet.line_of_text(70, 80, "四、政府信息公开行政复议、行政诉讼情况", size=12)
    sheet.line_of_text(70, 120, "本报告由某某区人民政府办公室编制。")
    raw = sheet.bytes()
    assert b"/ToUnicode" in raw and b"/FontFile2" in raw
    # same-length renames keep the cross-reference offsets valid
    return raw.replace(b"/ToUnicode", b"/ToUnicodX").replace(b"/FontFile2", b"/FontFileX")


def test_cid_glyph_codes_are_unreadable(cjk_font: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    import pdfplumber

    from govstats.read import ocr

    monkeypatch.setattr(ocr, "available", lambda: False)  # without the ocr extra
    data = cid_pdf(cjk_font)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert "(cid:" in pdf.pages[0].extract_text()
    with pytest.raises(UnreadableInput, match=r"\(cid:…\) glyph codes without a ToUnicode map"):
        read_pdf(data)


def test_a_few_unmapped_glyphs_are_read_with_a_warning(cjk_font: Path) -> None:
    sheet = Sheet(cjk_font, compress=False).page()
    sheet.pdf.add_font("other", "", str(cjk_font))
    sheet.line_of_text(70, 80, "四、政府信息公开行政复议、行政诉讼情况")
    sheet.line_of_text(70, 110, "本报告由某某区人民政府办公室编制。")
    sheet.pdf.set_font("other", size=10)
    sheet.pdf.text(70, 140, "续表")
    raw = sheet.bytes()
    # break the second font only (fpdf2 writes the fonts in the order they were used)
    i, j = raw.rfind(b"/ToUnicode"), raw.rfind(b"/FontFile2")
    assert raw.find(b"/ToUnicode") < i
    raw = raw[:i] + b"/ToUnicodX" + raw[i + 10 :]
    raw = raw[:j] + b"/FontFileX" + raw[j + 10 :]
    doc = read_pdf(raw)
    assert "四、政府信息公开行政复议、行政诉讼情况" in doc.text
    assert "(cid:" in doc.text
    (note,) = [n for n in doc.notes if n.rule == "pdf.cid_glyphs"]
    assert note.severity == "warning"


def test_text_layer_problem_on_strings() -> None:
    assert text_layer_problem(["四、政府信息公开行政复议、行政诉讼情况 结果维持 10 1 0"]) is None
    cid = " ".join(f"(cid:{n})" for n in range(100, 160))
    problem = text_layer_problem([cid + " 12 3"])
    assert problem is not None and problem.startswith("text layer is (cid:…) glyph codes")
    assert "OCR needed" in problem
    # a few unmapped glyphs in a readable text are no reason to give up
    assert text_layer_problem(["行政复议结果维持总计" * 5 + "(cid:3)"]) is None
    assert text_layer_problem(["", " \n "]) is not None
    assert text_layer_problem(["", " \n "]).startswith("no text layer")  # type: ignore[union-attr]
    assert text_layer_problem(["- 1 -", "- 2 -"]).startswith("no text layer")  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"hello, not a PDF",
        b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ngarbage\n%%EOF",
        b"%PDF-1.4\n" + bytes(range(256)) * 20,
    ],
    ids=["empty", "text", "no-pages", "binary-junk"],
)
def test_corrupt_bytes_are_unreadable(data: bytes) -> None:
    with pytest.raises(UnreadableInput):
        read_pdf(data)


def test_encrypted_pdf_is_unreadable(cjk_font: Path) -> None:
    sheet = Sheet(cjk_font).page()
    sheet.line_of_text(70, 100, "四、政府信息公开行政复议、行政诉讼情况", size=12)
    sheet.pdf.set_encryption(owner_password="owner", user_password="secret")
    with pytest.raises(UnreadableInput, match="encrypted"):
        read_pdf(sheet.bytes())


def test_truncated_pdf_is_unreadable(cjk_font: Path) -> None:
    data = table4_pdf(cjk_font, "ruled")
    for cut in (len(data) // 3, len(data) // 2, len(data) - 200):
        try:
            doc = read_pdf(data[:cut])
        except UnreadableInput:
            continue
        # pdfminer may recover a truncated file; then the result must still be a Document
        assert isinstance(doc, Document)


def test_clean_cell_text() -> None:
    assert clean_cell_text("结果\n维持") == "结果维持"
    assert clean_cell_text("总 计") == "总计"
    assert clean_cell_text("  （二）部分公开（区分处理的，只计这一情\n形，不计其他情形）") == (
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    )
    assert clean_cell_text("1,234\n567") == "1,234 567"
    assert clean_cell_text("本年收费金额\n（单位：万元）") == "本年收费金额（单位：万元）"
    assert clean_cell_text(None) == ""


# --------------------------------------------------------------------------------------------
# The real reports


def corpus_case(name: str) -> tuple[Document, dict]:
    folder = CORPUS / name
    if not (folder / "report.pdf").is_file():
        pytest.skip(f"corpus report {folder / 'report.pdf'} is not available (no ../shared)")
    return _read_corpus(name)


@functools.cache
def _read_corpus(name: str) -> tuple[Document, dict]:
    folder = CORPUS / name
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    return read_pdf((folder / "report.pdf").read_bytes()), truth


def value_rows(grid: Grid) -> list[list[Cell]]:
    """Rows whose cells are all numbers (or empty), in column order."""
    out = []
    for row in grid.rows:
        cells = sorted(row, key=lambda c: c.col)
        numeric = all(re.fullmatch(r"\d+(\.\d+)?|", c.text) for c in cells)
        if cells and numeric and any(c.text for c in cells):
            out.append(cells)
    return out


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["huaian-city-2024", "hongze-district-2023"])
def test_corpus_table4(name: str) -> None:
    doc, truth = corpus_case(name)
    labels = ("行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉", "结果维持", "尚未审结")
    g = grid_with(doc, *labels)
    assert g.title == "四、政府信息公开行政复议、行政诉讼情况"
    slots = covered(g)
    rows = value_rows(g)
    assert len(rows) == 1
    (row,) = rows
    assert [c.col for c in row] == list(range(15))
    assert [int(c.text) for c in row] == truth["table4_raw"]
    # the column of each value is headed by the label printed above it
    leaf_row = row[0].row - 1
    for c in range(15):
        assert slots[(leaf_row, c)].text in {"结果维持", "结果纠正", "其他结果", "尚未审结", "总计"}
    assert [slots[(leaf_row, c)].text for c in (4, 9, 14)] == ["总计"] * 3
    if name == "hongze-district-2023":  # printed totals of 0 stay 0 although the parts are not
        assert [row[c].text for c in (0, 1, 4, 10, 14)] == ["10", "1", "0", "5", "0"]


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["huaian-city-2024", "hongze-district-2023"])
def test_corpus_table3(name: str) -> None:
    doc, truth = corpus_case(name)
    g = grid_with(doc, "申请人情况", "自然人", "法人或其他组织", "一、本年新收政府信息公开申请数量")
    assert g.title == "三、收到和处理政府信息公开申请情况"
    slots = covered(g)
    heads = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    head_cols = [find(g, h).col for h in heads]
    label = find(g, "一、本年新收政府信息公开申请数量")
    values = [slots[(label.row, c)].text for c in head_cols]
    assert all(v.isdigit() for v in values)
    assert int(values[-1]) == truth["requests_received"]
    expected = truth.get("table3_applicant_columns_new")
    if expected:
        assert [int(v) for v in values] == [expected[h] for h in heads]
    else:  # the same row in the pdftotext -layout export that comes with the report
        layout = (CORPUS / name / "report.txt").read_text(encoding="utf-8")
        (line,) = [ln for ln in layout.splitlines() if "一、本年新收政府信息公开申请数量" in ln]
        assert [int(v) for v in values] == [int(n) for n in re.findall(r"\d+", line)[-7:]]
    carried = find(g, "二、上年结转政府信息公开申请数量")
    assert int(slots[(carried.row, head_cols[-1])].text) == truth["requests_carried_over"]
    # the table continues on the next page under the same title
    cont = doc.grids[g.index]  # grids are 1-based
    assert cont.page == g.page + 1 and cont.title == g.title
    total = find(cont, "（七）总计")
    processed = covered(cont)[(total.row, cont.n_cols - 1)].text
    assert int(processed) == truth["table3_totals"]["processed_total"]


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["huaian-city-2024", "hongze-district-2023"])
def test_corpus_table2_and_text(name: str) -> None:
    doc, _truth = corpus_case(name)
    assert doc.text.count("\f") == (5 if name == "huaian-city-2024" else 4)
    assert "政府信息公开工作年度报告" in doc.text.split("\f")[0]
    g = grid_with(doc, "信息内容", "本年制发件数", "本年废止件数", "现行有效件数")
    assert g.title == "二、主动公开政府信息情况"
    rows = {row[0].text: [c.text for c in row[1:]] for row in g.rows if row}
    expected = {
        "huaian-city-2024": (["1", "0", "11"], ["8", "26", "66"]),
        "hongze-district-2023": (["0", "0", "0"], ["0", "5", "5"]),
    }[name]
    assert rows["规章"] == expected[0]
    assert rows["行政规范性文件"] == expected[1]
    # no paragraph of running text is taken for a table
    for grid in doc.grids:
        assert grid.n_cols >= 2
        assert all(len(c.text) < 80 for row in grid.rows for c in row)


# --------------------------------------------------------------------------------------------
# pdfium and pdfplumber describe a page alike


def _both(data: bytes) -> list[tuple[object, object]]:
    """(pdfplumber's page, pdfium's page or None) for every page of ``data``."""
    import io

    import pdfplumber
    import pypdfium2 as pdfium

    from govstats.read import pdf as reader

    out = []
    doc = pdfium.PdfDocument(data)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        doctop = 0.0
        for i, page in enumerate(pdf.pages):
            plumber = reader._load_page(page)
            out.append((plumber, reader._pdfium_page(doc[i], i + 1, doctop)))
            doctop += plumber.height
    doc.close()
    return out


def _same_page(a: object, b: object) -> None:
    assert b is not None, "pdfium could not describe the page"
    assert a.text == b.text  # type: ignore[attr-defined]
    words = [[(w.text, round(w.x0, 1), round(w.top, 1), w.size) for w in p.words] for p in (a, b)]  # type: ignore[attr-defined]
    assert words[0] == words[1]
    for ta, tb in zip(a.tables, b.tables, strict=True):  # type: ignore[attr-defined]
        assert len(ta) == len(tb)
        for ca, cb in zip(ta, tb, strict=True):
            assert max(abs(x - y) for x, y in zip(ca, cb, strict=True)) < 0.01


@pytest.mark.parametrize("variant", T4_VARIANTS)
def test_pdfium_describes_a_page_as_pdfplumber_does(cjk_font: Path, variant: str) -> None:
    for plumber, pdfium_page in _both(table4_pdf(cjk_font, variant)):
        _same_page(plumber, pdfium_page)


def test_pages_pdfium_cannot_describe_are_read_by_pdfplumber(cjk_font: Path) -> None:
    ((_, described),) = _both(cid_pdf(cjk_font))
    assert described is None  # unmapped glyphs: pdfminer prints (cid:N), read_pdf refuses


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["huaian-city-2024", "hongze-district-2023"])
def test_corpus_pages_read_by_pdfium_as_by_pdfplumber(name: str) -> None:
    path = CORPUS / name / "report.pdf"
    if not path.is_file():
        pytest.skip(f"corpus report {path} is not available (no ../shared)")
    # every page of both reports (one prints a column of a vertical font) is pdfium's
    for plumber, pdfium_page in _both(path.read_bytes()):
        _same_page(plumber, pdfium_page)
