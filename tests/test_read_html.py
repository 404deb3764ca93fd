"""Tests of the HTML reader (``govstats.read.html``) on generated Word-style pages, hostile
markup and, when present, the real pages of the corpus in ``../shared``."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govstats.errors import UnreadableInput
from govstats.model import Grid
from govstats.read import read_document
from govstats.read.html import MAX_SPAN, clean_text, read_html
from tests.grid_helpers import covered, find

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"
needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"the real-report corpus is not at {CORPUS}"
)


# --------------------------------------------------------------------------- helpers






def row_texts(grid: Grid, r: int) -> list[str]:
    return [c.text for c in grid.rows[r]]


_TD_STYLE = (
    "width:42.5pt;border:solid windowtext 1.0pt;border-top:none;mso-border-alt:solid "
    "windowtext .5pt;\npadding:0cm 5.4pt 0cm 5.4pt"
)


def td(text: str, rowspan: int = 1, colspan: int = 1) -> str:
    """A table cell as Word's "save as web page" writes it."""
    spans = (f" rowspan={rowspan}" if rowspan > 1 else "") + (
        f" colspan={colspan}" if colspan > 1 else ""
    )
    return (
        f"<td width=57{spans} valign=top style='{_TD_STYLE}'>\n"
        "<p class=MsoNormal align=center style='text-align:center'><span lang=EN-US\n"
        f"style='font-size:10.5pt;font-family:仿宋_GB2312'>{text}<o:p></o:p></span></p>\n"
        "</td>"
    )


def num(n: int) -> str:
    return td(f"&nbsp;{n}&nbsp;")


APPLICANTS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
REFUSALS = (
    "1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”",
    "4.保护第三方合法权益", "5.属于三类内部事务信息", "6.属于四类过程性信息",
    "7.属于行政执法案卷", "8.属于行政查询事项",
)
UNABLE = ("1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确")
NOT_HANDLED = (
    "1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具已获取信息",
)
OTHER = ("1.申请人无正当理由逾期不补正", "2.申请人逾期未按收费通知要求缴纳费用", "3.其他")


def numbers_row(seed: int) -> str:
    """Seven numbers (自然人, five 法人 columns, 总计) with a consistent 总计."""
    parts = [(seed * 7 + i * 3) % 11 for i in range(6)]
    return "".join(num(n) for n in [*parts, sum(parts)])


def table_three() -> str:
    """Table 三 of the 2019 national format, 10 columns × 28 rows (+ Word's filler row)."""
    rows = [
        td("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3)
        + td("申请人情况", colspan=7),
        td("自然人", rowspan=2) + td("法人或其他组织", colspan=5) + td("总计", rowspan=2),
        "".join(td(a) for a in APPLICANTS),
        td("一、本年新收政府信息公开申请数量", colspan=3)
        + "".join(num(n) for n in (64, 0, 0, 2, 0, 4, 70)),
        td("二、上年结转政府信息公开申请数量", colspan=3) + numbers_row(1),
        td("三、本年度办理结果", rowspan=22) + td("（一）予以公开", colspan=2) + numbers_row(2),
        td("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", colspan=2)
        + numbers_row(3),
    ]
    for label, items in (("（三）不予公开", REFUSALS), ("（四）无法提供", UNABLE),
                         ("（五）不予处理", NOT_HANDLED), ("（六）其他处理", OTHER)):
        for i, item in enumerate(items):
            head = td(label, rowspan=len(items)) if i == 0 else ""
            rows.append(head + td(item) + numbers_row(len(rows)))
    rows.append(td("（七）总计", colspan=2) + numbers_row(26))
    rows.append(td("四、结转下年度继续办理", colspan=3) + numbers_row(27))
    body = "".join(f"<tr style='height:20.0pt'>\n{r}\n</tr>\n" for r in rows)
    filler = (
        "<![if !supportMisalignedColumns]>\n<tr height=0>\n"
        + "<td width=57 style='border:none'></td>\n" * 10
        + "</tr>\n<![endif]>\n"
    )
    return (
        "<div align=center>\n<table class=MsoNormalTable border=0 cellspacing=0 cellpadding=0\n"
        "style='border-collapse:collapse;mso-yfti-tbllook:1184'>\n"
        f"{body}{filler}</table>\n</div>"
    )


def word_page(charset: str = "utf-8", extra: str = "") -> str:
    return f"""<html xmlns:v="urn:schemas-microsoft-com:vml"
xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns="http://www.w3.org/TR/REC-html40">
<head>
<meta http-equiv=Content-Type content="text/html; charset={charset}">
<title>页面标题不算正文</title>
<!--[if gte mso 9]><xml>
 <o:DocumentProperties><o:Author>x</o:Author></o:DocumentProperties>
</xml><![endif]-->
<style>
<!-- p.MsoNormal {{mso-style-parent:""; font-size:10.5pt;}} -->
</style>
<script>var hidden = "脚本文字";</script>
</head>
<body lang=ZH-CN style='tab-interval:21.0pt'>
<div class=WordSection1>
<h1 align=center>某某市2020年政府信息公开<br>工作年度报告</h1>
<p class=MsoNormal style='text-indent:32.0pt'><span style='font-family:仿宋'>本年度共收到
申请<span lang=EN-US>7</span><span lang=EN-US>0</span>件。</span>{extra}</p>
<p class=MsoNormal><!--[if !supportLists]-->（一）<!--[endif]-->主动公开情况</p>
<p class=MsoNormal><b>三、收到和处理政府信息公开申请情况</b></p>
<p class=MsoNormal>单位：件</p>
{table_three()}
<p class=MsoNormal>四、政府信息公开行政复议、行政诉讼情况</p>
<div style="display:none">隐藏文字</div>
<noscript>请启用脚本</noscript>
</div>
</body>
</html>"""


@pytest.fixture(scope="module")
def page_doc():
    return read_html(word_page().encode("utf-8"))


# --------------------------------------------------------------------------- table 三


def test_word_page_yields_one_grid(page_doc):
    assert page_doc.kind == "html"
    assert page_doc.encoding == "utf-8"
    assert len(page_doc.grids) == 1
    grid = page_doc.grids[0]
    assert grid.index == 1
    assert grid.kind == "table"
    assert grid.n_cols == 10
    assert len(grid.rows) == 29  # 28 printed rows + Word's zero-height filler row
    assert grid.title == "三、收到和处理政府信息公开申请情况"  # the 单位 line is skipped


def test_header_cells_have_exact_spans(page_doc):
    grid = page_doc.grids[0]
    expect = {
        "申请人情况": (0, 3, 1, 7),
        "自然人": (1, 3, 2, 1),
        "法人或其他组织": (1, 4, 1, 5),
        "总计": (1, 9, 2, 1),
        "商业企业": (2, 4, 1, 1),
        "科研机构": (2, 5, 1, 1),
        "社会公益组织": (2, 6, 1, 1),
        "法律服务机构": (2, 7, 1, 1),
        "其他": (2, 8, 1, 1),
        "一、本年新收政府信息公开申请数量": (3, 0, 1, 3),
        "三、本年度办理结果": (5, 0, 22, 1),
        "（一）予以公开": (5, 1, 1, 2),
        "（三）不予公开": (7, 1, 8, 1),
        "1.属于国家秘密": (7, 2, 1, 1),
        "8.属于行政查询事项": (14, 2, 1, 1),
        "（四）无法提供": (15, 1, 3, 1),
        "（五）不予处理": (18, 1, 5, 1),
        "（六）其他处理": (23, 1, 3, 1),
        "（七）总计": (26, 1, 1, 2),
        "四、结转下年度继续办理": (27, 0, 1, 3),
    }
    for text, (row, col, rowspan, colspan) in expect.items():
        cell = find(grid, text)
        got = (cell.row, cell.col, cell.rowspan, cell.colspan)
        assert got == (row, col, rowspan, colspan), text
    corner = grid.rows[0][0]
    assert corner.text.startswith("（本列数据的勾稽关系为")
    assert (corner.row, corner.col, corner.rowspan, corner.colspan) == (0, 0, 3, 3)


def test_paths_and_row_alignment(page_doc):
    grid = page_doc.grids[0]
    assert find(grid, "申请人情况").path == "table[1]/tr[1]/td[2]"
    assert find(grid, "1.属于国家秘密").path == "table[1]/tr[8]/td[2]"
    assert find(grid, "2.其他法律行政法规禁止公开").path == "table[1]/tr[9]/td[1]"
    for i, row in enumerate(grid.rows):
        assert all(c.row == i for c in row)
        assert [c.col for c in row] == sorted(c.col for c in row)


def test_numbers_line_up_with_their_headers(page_doc):
    grid = page_doc.grids[0]
    row = grid.rows[3]
    assert row_texts(grid, 3) == ["一、本年新收政府信息公开申请数量", "64", "0", "0", "2", "0",
                                  "4", "70"]
    by_col = {c.col: c for c in row}
    legal = find(grid, "法人或其他组织")
    for header, value in (("自然人", "64"), ("社会公益组织", "2"), ("其他", "4"), ("总计", "70")):
        h = find(grid, header)
        cell = by_col[h.col]
        assert cell.text == value
        assert h.col <= cell.col < h.col + h.colspan
    assert legal.col <= by_col[find(grid, "社会公益组织").col].col < legal.col + legal.colspan
    # a sub-row of （三）不予公开: label at col 2, numbers from col 3 on
    sub = grid.rows[9]
    assert [c.col for c in sub] == [2, 3, 4, 5, 6, 7, 8, 9]
    assert sub[0].text == "3.危及“三安全一稳定”"


def test_no_cell_duplicated(page_doc):
    grid = page_doc.grids[0]
    html = table_three()
    n_tds = len(re.findall(r"<td\b", html))
    cells = [c for row in grid.rows for c in row]
    assert len(cells) == n_tds
    assert len({c.path for c in cells}) == n_tds
    slots = covered(grid)
    assert len(slots) == 29 * 10  # every slot covered exactly once
    assert sum(1 for c in cells if c.text == "三、本年度办理结果") == 1


def test_document_text(page_doc):
    lines = page_doc.text.split("\n")
    assert lines[0] == "某某市2020年政府信息公开"  # <br> breaks the heading
    assert lines[1] == "工作年度报告"
    assert "本年度共收到申请70件。" in lines  # source line break between CJK dropped
    assert "（一）主动公开情况" in lines
    assert "一、本年新收政府信息公开申请数量\t64\t0\t0\t2\t0\t4\t70" in lines
    i = lines.index("三、收到和处理政府信息公开申请情况")
    assert lines[i + 1] == "单位：件"
    assert lines[i + 2].startswith("（本列数据的勾稽关系为")
    assert lines[i + 2].endswith("\t申请人情况")
    assert lines[i + 3] == "自然人\t法人或其他组织\t总计"
    assert lines[-1] == "四、政府信息公开行政复议、行政诉讼情况"
    for gone in ("页面标题不算正文", "脚本文字", "mso-style", "DocumentProperties", "隐藏文字",
                 "请启用脚本", "supportLists", "endif", "&nbsp;", "\xa0"):
        assert gone not in page_doc.text
    assert all(line.strip() for line in lines)


# --------------------------------------------------------------------------- encodings


def test_gb2312_declared_page_is_read_as_gb18030():
    page = word_page(charset="gb2312", extra="联系人：王堃，朱镕基")
    data = page.encode("gb18030")
    with pytest.raises(UnicodeEncodeError):
        page.encode("gb2312")  # 堃 / 镕 are outside GB2312
    doc = read_html(data)
    assert doc.encoding == "gb18030"
    assert "联系人：王堃，朱镕基" in doc.text
    utf8 = read_html(word_page(extra="联系人：王堃，朱镕基").encode("utf-8"))
    assert doc.grids == utf8.grids


def test_stray_bytes_are_replaced_and_reported():
    page = word_page(extra="联系人：王堃")
    utf8 = page.encode("utf-8").replace("联系人".encode(), b"\xe8\x81", 1)  # truncated char
    doc = read_html(utf8)
    assert doc.encoding == "utf-8"
    assert "\ufffd：王堃" in doc.text
    assert [n.rule for n in doc.notes] == ["read.html.undecodable_bytes"]
    assert doc.grids[0].rows[3][1].text == "64"
    gb = word_page(charset="gb2312", extra="联系人：王堃").encode("gb18030") + b"<p>\x81</p>"
    doc = read_html(gb)
    assert doc.encoding == "gb18030"
    assert "联系人：王堃" in doc.text
    assert [n.rule for n in doc.notes] == ["read.html.undecodable_bytes"]


def test_gbk_cell_text_survives():
    page = ('<html><head><meta charset="gbk"></head><body><table><tr><td>经办人</td>'
            "<td>王堃</td></tr><tr><td>件数</td><td>3</td></tr></table></body></html>")
    doc = read_html(page.encode("gb18030"))
    assert doc.grids[0].rows[0][1].text == "王堃"


# --------------------------------------------------------------------------- nesting


def test_nested_table_only_inner_is_a_grid():
    inner = ("<table border=1><tr><td>行政复议</td><td>行政诉讼</td></tr>"
             "<tr><td>1</td><td>2</td></tr></table>")
    page = f"""<html><body>
<table width="100%"><tr><td>网站导航</td><td>首页</td></tr>
<tr><td colspan=2><p>四、政府信息公开行政复议、行政诉讼情况</p>{inner}<p>附注</p></td></tr>
</table></body></html>"""
    doc = read_html(page.encode())
    assert len(doc.grids) == 1
    grid = doc.grids[0]
    assert [[c.text for c in row] for row in grid.rows] == [["行政复议", "行政诉讼"], ["1", "2"]]
    assert grid.title == "四、政府信息公开行政复议、行政诉讼情况"
    assert grid.rows[1][1].path == "table[1]/tr[2]/td[2]"
    cells = [c for row in grid.rows for c in row]
    assert len(cells) == 4
    assert not any("网站导航" in c.text or "附注" in c.text for c in cells)
    lines = doc.text.split("\n")
    assert lines == ["网站导航", "首页", "四、政府信息公开行政复议、行政诉讼情况",
                     "行政复议\t行政诉讼", "1\t2", "附注"]


def test_grids_numbered_in_order_and_empty_tables_dropped():
    page = """<html><body>
<p>表一</p><table><tr><td>a</td><td>1</td></tr></table>
<table><tr><td>&nbsp;</td><td> </td></tr></table>
<table></table>
<table><tr><td><table><tr><td>b</td><td>2</td></tr></table></td></tr></table>
<p>表三</p><table><caption>表三标题</caption><tr><td>c</td><td>3</td></tr></table>
</body></html>"""
    doc = read_html(page.encode())
    assert [g.index for g in doc.grids] == [1, 2, 3]
    assert [g.rows[0][0].text for g in doc.grids] == ["a", "b", "c"]
    assert [g.rows[0][0].path for g in doc.grids] == [
        "table[1]/tr[1]/td[1]", "table[2]/tr[1]/td[1]", "table[3]/tr[1]/td[1]"]
    assert doc.grids[0].title == "表一"
    assert doc.grids[1].title is None  # nothing between grid 1 and grid 2
    assert doc.grids[2].title == "表三标题"  # a caption wins
    assert "表三标题\nc\t3" in doc.text


# --------------------------------------------------------------------------- cell text


def test_cell_text_whitespace():
    page = ("<table><tr>"
            "<td>&nbsp;&nbsp;12&nbsp;</td>"
            "<td>本年\u3000新收<br>申请</td>"
            "<td><p>商业</p>\n<p>企业</p></td>"
            "<td>政府信息\n  公开</td>"
            "<td>64\n70</td>"
            "<td>1<span>2</span><span>3</span></td>"
            "<td>a<script>x()</script><style>p{}</style>b<!-- c --></td>"
            "<td>\u200b零宽\u00a0</td>"
            "</tr></table>")
    doc = read_html(page.encode())
    assert [c.text for c in doc.grids[0].rows[0]] == [
        "12", "本年 新收 申请", "商业 企业", "政府信息公开", "64 70", "123", "ab", "零宽"]


def test_clean_text():
    assert clean_text(" \xa0a \t\n b\u3000 ") == "a b"
    assert clean_text("办理\r\n结果") == "办理结果"
    assert clean_text("办理\xa0\n结果") == "办理 结果"  # a non-breaking space is kept as a space
    assert clean_text("收到\n70件") == "收到 70件"


# --------------------------------------------------------------------------- spans


def test_invalid_span_values_are_clamped():
    page = """<table>
<tr><td rowspan="0">a</td><td colspan="">b</td><td colspan="abc">c</td><td rowspan="-2">d</td></tr>
<tr><td colspan="99999999999999999999">e</td><td rowspan="2.5">f</td></tr>
<tr><td colspan="3 ">g</td><td rowspan="999">h</td></tr>
</table>"""
    doc = read_html(page.encode())
    grid = doc.grids[0]
    spans = {c.text: (c.row, c.col, c.rowspan, c.colspan) for row in grid.rows for c in row}
    assert spans["a"] == (0, 0, 1, 1)
    assert spans["b"] == (0, 1, 1, 1)
    assert spans["c"] == (0, 2, 1, 1)
    assert spans["d"] == (0, 3, 1, 1)
    assert spans["e"] == (1, 0, 1, MAX_SPAN)
    assert spans["f"] == (1, MAX_SPAN, 2, 1)
    assert spans["g"] == (2, 0, 1, 3)
    assert spans["h"] == (2, 3, 1, 1)  # rowspan capped at the rows the table has
    covered(grid)
    assert any(n.rule == "read.html.invalid_span" for n in doc.notes)


def test_overlapping_colspan_is_narrowed():
    page = """<table>
<tr><td>a</td><td rowspan=2>b</td><td>c</td></tr>
<tr><td colspan=3>d</td></tr>
</table>"""
    doc = read_html(page.encode())
    grid = doc.grids[0]
    d = grid.rows[1][0]
    assert (d.text, d.row, d.col, d.rowspan, d.colspan) == ("d", 1, 0, 1, 1)
    covered(grid)
    assert [n.rule for n in doc.notes] == ["read.html.overlapping_cells"]


def test_sections_and_implicit_rows():
    page = """<table>
<thead><tr><th>项目</th><th>数量</th></tr></thead>
<tbody><tr><td>收到</td><td>5</td></tr></tbody>
<tfoot><tr><td>合计</td><td>5</td></tr></tfoot>
</table>
<table><td>孤</td><td>1</td></table>"""
    doc = read_html(page.encode())
    assert [[c.text for c in r] for r in doc.grids[0].rows] == [
        ["项目", "数量"], ["收到", "5"], ["合计", "5"]]
    assert doc.grids[0].rows[0][1].path == "table[1]/tr[1]/td[2]"
    assert [[c.text for c in r] for r in doc.grids[1].rows] == [["孤", "1"]]


def test_rows_covered_by_spans_stay_in_place():
    page = """<table>
<tr><td rowspan=3>标签</td><td>1</td></tr>
<tr></tr>
<tr><td>3</td></tr>
</table>"""
    grid = read_html(page.encode()).grids[0]
    assert len(grid.rows) == 3
    assert grid.rows[1] == []
    assert (grid.rows[2][0].row, grid.rows[2][0].col) == (2, 1)


# --------------------------------------------------------------------------- hostile input


@pytest.mark.parametrize(
    "data",
    [b"", b"   \n\t ", bytes(range(256)) * 8, b"\x00" * 100,
     b"<html><head><title>t</title><script>var a=1;</script></head><body></body></html>"],
    ids=["empty", "whitespace", "binary", "nuls", "no-visible-text"],
)
def test_unreadable_input(data):
    with pytest.raises(UnreadableInput) as info:
        read_html(data)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    "page",
    [
        "<table><tr><td>1<td>2<tr><td>3</table>",
        "<table><tr><td rowspan=3 colspan=3>x</td></tr>",
        "<<<>>><table><tr><td>\x00\x01a</td></tr></table>",
        "<p>开头</p>" + "<div>" * 5000 + "深",
        "<p>开头</p>" + "<table>" * 3000 + "<tr><td>deep</td></tr>",
        "<p>开头</p>" + "<font>" * 1500 + "深<table><tr><td>1</td></tr></table>",
        "<html><body><p>纯文本</p></body></html>",
        "just text, no markup",
        "<?xml version='1.0' encoding='gb2312'?><html><body><p>x</p></body></html>",
        "<table><tr><td>a</td></tr></table></html><table><tr><td>b</td></tr></table>",
    ],
)
def test_hostile_markup_does_not_crash(page):
    doc = read_html(page.encode("utf-8"))
    for grid in doc.grids:
        covered(grid)


def test_deep_nesting_is_read_up_to_the_parser_limit():
    doc = read_html(("<p>开头</p>" + "<font><div>" * 900 + "深<table><tr><td>标签</td><td>1</td>"
                     "</tr></table>").encode())
    assert doc.text.split("\n") == ["开头", "深", "标签\t1"]
    assert not doc.notes
    doc = read_html(("<p>开头</p>" + "<div>" * 3000 + "深").encode())
    assert doc.text == "开头"
    assert [n.rule for n in doc.notes] == ["read.html.truncated"]
    with pytest.raises(UnreadableInput, match="Excessive depth"):
        read_html(("<div>" * 3000 + "深").encode())


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_give_a_document_or_unreadable_input(data):
    try:
        doc = read_html(data)
    except UnreadableInput as exc:
        assert "\n" not in str(exc)
        return
    for grid in doc.grids:
        covered(grid)


_PAGE = word_page().encode("utf-8")


@settings(max_examples=150, deadline=None)
@given(st.integers(0, len(_PAGE)), st.integers(0, len(_PAGE)),
       st.sampled_from([b"", b"<table>", b"</tr>", b"<td rowspan=40>", b"<!--", b"\xff", b"<td>"]))
def test_damaged_word_page_gives_a_document_or_unreadable_input(cut, at, junk):
    data = _PAGE[:at] + junk + _PAGE[at:cut] if at < cut else _PAGE[:cut] + junk
    try:
        doc = read_html(data)
    except UnreadableInput:
        return
    for grid in doc.grids:
        covered(grid)
        assert all(c.row == i for i, row in enumerate(grid.rows) for c in row)


def test_read_document_dispatches_html():
    doc = read_document(word_page().encode("utf-8"), filename="report.html")
    assert doc.kind == "html"
    assert len(doc.grids) == 1


# --------------------------------------------------------------------------- property


@st.composite
def span_layouts(draw):
    """A random tiling of an n_rows × n_cols grid by rectangles (row, col, rowspan, colspan)."""
    n_rows = draw(st.integers(1, 6))
    n_cols = draw(st.integers(1, 6))
    taken = [[False] * n_cols for _ in range(n_rows)]
    cells = []
    for r in range(n_rows):
        for c in range(n_cols):
            if taken[r][c]:
                continue
            max_cs = 0
            while c + max_cs < n_cols and not taken[r][c + max_cs]:
                max_cs += 1
            cs = draw(st.integers(1, max_cs))
            max_rs = 0
            while r + max_rs < n_rows and not any(taken[r + max_rs][c:c + cs]):
                max_rs += 1
            rs = draw(st.integers(1, max_rs))
            for i in range(r, r + rs):
                for j in range(c, c + cs):
                    taken[i][j] = True
            cells.append((r, c, rs, cs))
    return n_rows, n_cols, cells, draw(st.booleans()), draw(st.booleans())


def render(n_rows, cells, explicit_ones: bool, word_style: bool) -> str:
    rows = []
    for r in range(n_rows):
        tds = []
        for row, col, rs, cs in sorted(x for x in cells if x[0] == r):
            text = f"r{row}c{col}"
            if word_style:
                tds.append(td(text, rs, cs))
            else:
                attrs = ""
                if rs > 1 or explicit_ones:
                    attrs += f' rowspan="{rs}"'
                if cs > 1 or explicit_ones:
                    attrs += f" colspan={cs}"
                tds.append(f"<td{attrs}>&nbsp;{text}\n</td>")
        rows.append("<tr>" + "".join(tds) + "</tr>")
    return "<html><body><p>表</p><table>" + "\n".join(rows) + "</table></body></html>"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(span_layouts())
def test_random_span_layouts_cover_every_slot_once(layout):
    n_rows, n_cols, cells, explicit_ones, word_style = layout
    doc = read_html(render(n_rows, cells, explicit_ones, word_style).encode())
    assert len(doc.grids) == 1
    grid = doc.grids[0]
    assert len(grid.rows) == n_rows
    assert grid.n_cols == n_cols
    slots = covered(grid)
    assert set(slots) == {(r, c) for r in range(n_rows) for c in range(n_cols)}
    got = sorted((c.row, c.col, c.rowspan, c.colspan) for row in grid.rows for c in row)
    assert got == sorted(cells)
    assert all(c.text == f"r{c.row}c{c.col}" for row in grid.rows for c in row)
    assert not doc.notes


# --------------------------------------------------------------------------- corpus


def _read_corpus(name: str):
    data = (CORPUS / name / "report.html").read_bytes()
    start = time.perf_counter()
    doc = read_html(data)
    return doc, time.perf_counter() - start


@pytest.mark.corpus
@needs_corpus
@pytest.mark.parametrize("name", ["pingtan-2016", "pingtan-2021"])
def test_corpus_pages_read(name):
    doc, seconds = _read_corpus(name)
    assert doc.encoding == "utf-8"
    assert doc.grids
    assert seconds < 5
    for grid in doc.grids:
        covered(grid)
        paths = [c.path for row in grid.rows for c in row]
        assert len(paths) == len(set(paths))
    assert "政府信息公开" in doc.text


@pytest.mark.corpus
@needs_corpus
def test_corpus_pingtan_2021_table_three():
    doc, _ = _read_corpus("pingtan-2021")
    assert len(doc.grids) == 3
    want = ["一、本年新收政府信息公开申请数量", "64", "0", "0", "2", "0", "4", "70"]
    hits = [(g, row) for g in doc.grids for row in g.rows
            if [c.text.strip() for c in row] == want]
    assert len(hits) == 1
    grid, row = hits[0]
    assert grid.index == 2
    assert grid.title == "三、收到和处理政府信息公开申请情况"
    total = find(grid, "总计")
    assert row[-1].col == total.col  # 70 sits under 总计
    assert "\t".join(want) in doc.text.split("\n")


@pytest.mark.corpus
@needs_corpus
def test_corpus_pingtan_2016_old_table():
    doc, _ = _read_corpus("pingtan-2016")
    assert len(doc.grids) == 1
    grid = doc.grids[0]
    assert [c.text for c in grid.rows[0]] == ["指标名称", "计量单位", "2016年度", "历年累计"]
    assert [c.text for c in grid.rows[1]] == ["主动公开文件数", "条", "3460", "85376"]
