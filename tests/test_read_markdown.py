"""Tests of the markdown / converter-text reader (:mod:`govstats.read.markdown`)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govstats.model import Cell, Document, Grid
from govstats.read import read_document
from govstats.read.markdown import RULE_LABEL_MISMATCH, RULE_PAIRED_LABELS, read_markdown

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def texts(grid: Grid) -> list[list[str]]:
    return [[c.text for c in row] for row in grid.rows]


def tables(doc: Document) -> list[Grid]:
    """The reader's grids without the whole-text flow stream it appends last."""
    flows = [g for g in doc.grids if g.title == "flow"]
    assert len(flows) <= 1 and (not flows or doc.grids[-1] is flows[0])
    return [g for g in doc.grids if g.title != "flow"]


def only_grid(doc: Document) -> Grid:
    assert len(tables(doc)) == 1, [texts(g) for g in tables(doc)]
    return tables(doc)[0]


def assert_positions(grid: Grid) -> None:
    """Pipe grids: row/col are list positions, no spans."""
    for r, row in enumerate(grid.rows):
        for c, cell in enumerate(row):
            assert (cell.row, cell.col, cell.rowspan, cell.colspan) == (r, c, 1, 1)


# --------------------------------------------------------------------------- pipe tables


def test_pipe_table_with_outer_pipes() -> None:
    doc = read_markdown(
        "二、主动公开政府信息情况\n"
        "| 信息内容 | 本年制发件数 | 现行有效件数 |\n"
        "|---|---|---|\n"
        "| 规章 | 22 | 235 |\n"
        "| 行政规范性文件 | 34 | 189 |\n"
    )
    assert doc.kind == "markdown"
    grid = only_grid(doc)
    assert grid.kind == "table"
    assert texts(grid) == [
        ["信息内容", "本年制发件数", "现行有效件数"],
        ["规章", "22", "235"],
        ["行政规范性文件", "34", "189"],
    ]
    assert_positions(grid)
    assert [row[0].line for row in grid.rows] == [2, 4, 5]  # separator line 3 dropped
    assert grid.rows[2][2] == Cell("189", 2, 2, line=5)
    assert grid.title == "二、主动公开政府信息情况"
    assert grid.index == 1
    assert doc.notes == []


def test_pipe_table_without_outer_pipes() -> None:
    grid = only_grid(read_markdown(
        "信息内容 | 上一年项目数量 | 本年增/减\n"
        "--- | --- | ---\n"
        "行政事业性收费 | 0 | 0\n"
    ))
    assert texts(grid) == [
        ["信息内容", "上一年项目数量", "本年增/减"], ["行政事业性收费", "0", "0"],
    ]
    assert_positions(grid)
    assert [row[0].line for row in grid.rows] == [1, 3]


def test_pipe_table_without_separator_line() -> None:
    grid = only_grid(read_markdown("| 行政处罚 | 0 | 0 |\n| 行政强制 | 3 | 1 |"))
    assert texts(grid) == [["行政处罚", "0", "0"], ["行政强制", "3", "1"]]
    assert [row[0].line for row in grid.rows] == [1, 2]


def test_separator_lines_are_dropped_anywhere_in_a_block() -> None:
    # Converter output that concatenated one-row tables, each with its own delimiter row.
    grid = only_grid(read_markdown(
        "| 2 | 0 | 2 |\n"
        "|:---|:---:|---:|\n"
        "| 1.属于国家秘密 | 4 | 4 |\n"
        "| --- | --- | --- |\n"
        "| 2.重复申请 | 16 | 16 |\n"
    ))
    assert texts(grid) == [
        ["2", "0", "2"], ["1.属于国家秘密", "4", "4"], ["2.重复申请", "16", "16"],
    ]
    assert [row[0].line for row in grid.rows] == [1, 3, 5]
    assert_positions(grid)


def test_single_dash_cells_are_data_except_as_the_second_line() -> None:
    grid = only_grid(read_markdown("| 项目 | 数量 |\n| - | - |\n| 行政许可 | 5 |\n| - | - |"))
    # Line 2 is the GFM delimiter row; line 4 is a row of dash placeholders.
    assert texts(grid) == [["项目", "数量"], ["行政许可", "5"], ["-", "-"]]


def test_empty_cells_are_kept() -> None:
    grid = only_grid(read_markdown("| 821 | 35 |  |  | 2 |"))
    assert texts(grid) == [["821", "35", "", "", "2"]]
    assert_positions(grid)


def test_empty_edge_cells_of_unbordered_rows_are_kept() -> None:
    # Rows rendered as ' | '-joined cells: a leading or trailing pipe is an empty edge cell.
    grid = only_grid(read_markdown(
        " | 自然人 | 总计\n"
        "一、本年新收政府信息公开申请数量 | 821 | 859\n"
        "（一）予以公开 | 258 | \n"
        "5 |  |  | 2 | "
    ))
    assert texts(grid) == [
        ["", "自然人", "总计"],
        ["一、本年新收政府信息公开申请数量", "821", "859"],
        ["（一）予以公开", "258", ""],
        ["5", "", "", "2", ""],
    ]
    assert_positions(grid)


def test_escaped_pipes_br_bold_entities_and_whitespace_in_cells() -> None:
    grid = only_grid(read_markdown(
        "| **信息内容** | 本年增\\|减 | 第一行<br>第二行<br/>第三行 |\n"
        "|---|---|---|\n"
        "| __规章__ |   13 \u3000 件 | A&amp;B&nbsp; |\n"
    ))
    assert texts(grid) == [
        ["信息内容", "本年增|减", "第一行 第二行 第三行"],
        ["规章", "13 件", "A&B"],
    ]
    assert_positions(grid)


def test_escaped_pipe_alone_does_not_make_a_table() -> None:
    doc = read_markdown("这一行只有转义的竖线 a \\| b\n")
    assert tables(doc) == []


def test_blank_line_and_text_line_end_a_grid() -> None:
    doc = read_markdown(
        "| 规章 | 13 |\n"
        "\n"
        "| 行政许可 | 0 |\n"
        "这是一段说明文字，不是表格。\n"
        "| 行政处罚 | 0 |\n"
    )
    assert [texts(g) for g in tables(doc)] == [[["规章", "13"]], [["行政许可", "0"]],
                                            [["行政处罚", "0"]]]
    assert [g.index for g in tables(doc)] == [1, 2, 3]
    assert [g.title for g in tables(doc)] == [None, None, None]


def test_subheadings_between_pipe_blocks_become_titles() -> None:
    doc = read_markdown(
        "第二十条第（一）项\n"
        "信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量\n"
        "规章 | 13 | 13 | 524\n"
        "第二十条第（五）项\n"
        "信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量\n"
        "行政许可 | 0 | 0 | 0\n"
        "## 表三：收到和处理政府信息公开申请情况\n"
        "| 一、本年新收政府信息公开申请数量 | 1259 | 1295 |\n"
    )
    assert [g.title for g in tables(doc)] == [
        "第二十条第（一）项", "第二十条第（五）项", "表三：收到和处理政府信息公开申请情况",
    ]
    assert [texts(g)[-1] for g in tables(doc)] == [
        ["规章", "13", "13", "524"],
        ["行政许可", "0", "0", "0"],
        ["一、本年新收政府信息公开申请数量", "1259", "1295"],
    ]
    assert [g.rows[0][0].line for g in tables(doc)] == [2, 5, 8]


def test_single_short_line_between_tables_is_a_title_but_prose_is_not() -> None:
    doc = read_markdown(
        "| 规章 | 13 |\n"
        "\n"
        "主动公开情况\n"
        "\n"
        "| 行政许可 | 0 |\n"
        "以下为本年度办理情况的统计，数据截至年底。\n"
        "| 行政处罚 | 0 |\n"
    )
    assert [g.title for g in tables(doc)] == [None, "主动公开情况", None]


def test_document_text_reduces_table_markup_to_tabs() -> None:
    md = (
        "标题\n"
        "| 信息内容 | 本年增\\|减 |\n"
        "|---|---|\n"
        "| 规章 | 13 |\n"
        "全年受理申请 859 件。"
    )
    doc = read_markdown(md)
    assert doc.text == "标题\n信息内容\t本年增|减\n\n规章\t13\n全年受理申请 859 件。"
    assert len(doc.text.split("\n")) == len(md.split("\n"))


def test_crlf_line_numbers() -> None:
    grid = only_grid(read_markdown("说明\r\n\r\n| 规章 | 13 |\r\n| 规范性文件 | 60 |\r\n"))
    assert [row[0].line for row in grid.rows] == [3, 4]


def test_empty_input() -> None:
    doc = read_markdown("")
    assert (doc.kind, doc.text, tables(doc), doc.notes) == ("markdown", "", [], [])


# --------------------------------------------------------------------------- HTML and grid tables


def test_embedded_html_table_with_colspan_and_rowspan() -> None:
    md = (
        "三、收到和处理政府信息公开申请情况\n"
        "\n"
        "<table>\n"
        "<tr><td rowspan=\"2\">申请人情况</td><td colspan=\"2\">法人或其他组织</td>"
        "<td rowspan=\"2\">总计</td></tr>\n"
        "<tr><td>商业企业</td><td>科研机构</td></tr>\n"
        "<tr><td>一、本年新收政府信息公开申请数量</td><td>35</td><td></td><td>859</td></tr>\n"
        "</table>\n"
        "\n"
        "| 规章 | 13 |\n"
    )
    doc = read_markdown(md)
    assert len(tables(doc)) == 2
    html, pipe = tables(doc)
    assert html.title == "三、收到和处理政府信息公开申请情况"
    assert texts(html) == [
        ["申请人情况", "法人或其他组织", "总计"],
        ["商业企业", "科研机构"],
        ["一、本年新收政府信息公开申请数量", "35", "", "859"],
    ]
    top = html.rows[0]
    assert [(c.row, c.col, c.rowspan, c.colspan) for c in top] == [
        (0, 0, 2, 1), (0, 1, 1, 2), (0, 3, 2, 1),
    ]
    assert [(c.row, c.col) for c in html.rows[1]] == [(1, 1), (1, 2)]  # after span expansion
    assert [c.col for c in html.rows[2]] == [0, 1, 2, 3]
    assert html.n_cols == 4
    assert [row[0].line for row in html.rows] == [4, 5, 6]
    assert html.rows[2][1].path == "table[1]/tr[3]/td[2]"
    # Text: one tab-separated line per row, and later lines keep their line numbers.
    lines = doc.text.split("\n")
    assert lines[3] == "申请人情况\t法人或其他组织\t总计"
    assert lines[8] == "规章\t13"
    assert pipe.rows[0][0].line == 9
    assert "<td" not in doc.text


def test_two_html_tables_on_one_line_are_numbered_in_order() -> None:
    doc = read_markdown(
        "<table><tr><td>规章</td><td>13</td></tr></table><table><tr><td>行政许可</td>"
        "<td>0</td></tr></table>\n| 行政处罚 | 0 |"
    )
    assert [texts(g) for g in tables(doc)] == [[["规章", "13"]], [["行政许可", "0"]],
                                            [["行政处罚", "0"]]]
    assert tables(doc)[1].rows[0][0].path == "table[2]/tr[1]/td[1]"
    assert [g.rows[0][0].line for g in tables(doc)] == [1, 1, 2]


def test_pandoc_grid_table_with_wide_characters_and_colspan() -> None:
    md = (
        "+----------+------+------+\n"
        "| 信息内容 | 本年 | 累计 |\n"
        "+==========+======+======+\n"
        "| 规章     | 13   | 524  |\n"
        "+----------+------+------+\n"
        "| 规范性文 | 60          |\n"
        "| 件       |             |\n"
        "+----------+-------------+\n"
        "after\n"
    )
    doc = read_markdown(md)
    grid = only_grid(doc)
    assert texts(grid) == [
        ["信息内容", "本年", "累计"], ["规章", "13", "524"], ["规范性文件", "60"],
    ]
    assert [(c.col, c.colspan) for c in grid.rows[2]] == [(0, 1), (1, 2)]
    assert [row[0].line for row in grid.rows] == [2, 4, 6]
    lines = doc.text.split("\n")
    assert lines[:3] == ["信息内容\t本年\t累计", "规章\t13\t524", "规范性文件\t60"]
    assert lines[8] == "after"


# --------------------------------------------------------------------------- torn labels


def test_torn_label_block_paired_with_number_lines() -> None:
    doc = read_markdown(
        "第二十条第（一）项\n"
        "规章\n"
        "行政规范性文件\n"
        "\n"
        "22 235\n"
        "34 189\n"
    )
    grid = only_grid(doc)
    assert texts(grid) == [["规章", "22", "235"], ["行政规范性文件", "34", "189"]]
    assert [[c.line for c in row] for row in grid.rows] == [[2, 5, 5], [3, 6, 6]]
    assert [[(c.row, c.col) for c in row] for row in grid.rows] == [
        [(0, 0), (0, 1), (0, 2)], [(1, 0), (1, 1), (1, 2)],
    ]
    assert grid.kind == "stream"
    assert grid.title == "第二十条第（一）项"
    (note,) = doc.notes
    assert note.rule == RULE_PAIRED_LABELS
    assert note.severity == "info"
    assert "by order" in note.message and "2 row(s)" in note.message
    assert [c["text"] for c in note.cells] == ["规章", "行政规范性文件"]
    assert doc.text.split("\n")[4] == "22 235"  # the text is left as printed


def test_torn_label_wrapped_in_brackets_paired_with_pipe_number_row() -> None:
    # The 2025 Shanghai shape: a label wrapped over two lines, then a number-only pipe row
    # at the head of a block whose other rows carry their labels.
    doc = read_markdown(
        "| （一）予以公开 | 201 | 206 |\n"
        "\n"
        "（二）部分公开（区分处理的，只计这一情\n"
        "形，不计其他情形）\n"
        "| 2 | 0 | 2 |\n"
        "|---|---|---|\n"
        "| 1.属于国家秘密 | 4 | 4 |\n"
    )
    assert len(tables(doc)) == 2
    grid = tables(doc)[1]
    assert texts(grid) == [
        ["（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "2", "0", "2"],
        ["1.属于国家秘密", "4", "4"],
    ]
    assert [(c.col, c.line) for c in grid.rows[0]] == [(0, 3), (1, 5), (2, 5), (3, 5)]
    assert grid.kind == "table"
    (note,) = doc.notes
    assert note.rule == RULE_PAIRED_LABELS and "1 row(s)" in note.message


def test_torn_label_block_paired_with_header_and_number_rows() -> None:
    doc = read_markdown(
        "行政许可\n"
        "行政处罚\n"
        "| 本年处理决定数量 | 上年 |\n"
        "| 5 | 7 |\n"
        "| 0 | 1 |\n"
    )
    grid = only_grid(doc)
    # Two labels for two number rows: the header row gets an empty label cell.
    assert texts(grid) == [["", "本年处理决定数量", "上年"], ["行政许可", "5", "7"],
                           ["行政处罚", "0", "1"]]
    assert [[c.col for c in row] for row in grid.rows] == [[0, 1, 2]] * 3
    assert [n.rule for n in doc.notes] == [RULE_PAIRED_LABELS]


def test_one_column_label_table_paired_with_number_table() -> None:
    doc = read_markdown(
        "| 行政许可 |\n"
        "| 行政处罚 |\n"
        "\n"
        "| 550 | 3 |\n"
        "| 4119 | 0 |\n"
    )
    grid = only_grid(doc)
    assert texts(grid) == [["行政许可", "550", "3"], ["行政处罚", "4119", "0"]]
    assert [[c.line for c in row] for row in grid.rows] == [[1, 4, 4], [2, 5, 5]]
    assert [n.rule for n in doc.notes] == [RULE_PAIRED_LABELS]


def test_alternating_label_and_number_lines_form_one_grid() -> None:
    doc = read_markdown("规章\n13 13 524\n规范性文件\n60 60 368\n")
    grid = only_grid(doc)
    assert texts(grid) == [["规章", "13", "13", "524"], ["规范性文件", "60", "60", "368"]]
    (note,) = doc.notes
    assert "lines 1, 3" in note.message


def test_torn_labels_count_mismatch_is_not_paired() -> None:
    md = (
        "行政许可\n"
        "行政处罚\n"
        "行政强制\n"
        "| 0 | 0 |\n"
        "| 1 | 2 |\n"
    )
    doc = read_markdown(md)
    assert [texts(g) for g in tables(doc)] == [
        [["行政许可"], ["行政处罚"], ["行政强制"]],
        [["0", "0"], ["1", "2"]],
    ]
    assert [c.line for row in tables(doc)[0].rows for c in row] == [1, 2, 3]
    (note,) = doc.notes
    assert note.rule == RULE_LABEL_MISMATCH
    assert note.severity == "warning"
    assert "not paired" in note.message
    assert note.cells == ({"grid": 1}, {"grid": 2})
    assert (note.expected, note.found) == ("3 number-only rows", "2 number-only rows")


def test_torn_labels_count_mismatch_with_number_lines() -> None:
    doc = read_markdown("规章\n规范性文件\n\n22 235\n34 189\n5 9\n")
    assert [texts(g) for g in tables(doc)] == [
        [["规章"], ["规范性文件"]],
        [["22", "235"], ["34", "189"], ["5", "9"]],
    ]
    assert [n.rule for n in doc.notes] == [RULE_LABEL_MISMATCH]


def test_headings_annotations_and_prose_are_not_paired() -> None:
    doc = read_markdown(
        "第二十条第（一）项\n"
        "22\n"
        "（其中修订 16 件）\n"
        "55\n"
        "注：行政复议、行政诉讼数量含上年度结转数量。\n"
        "| 40 | 0 | 10 |\n"
    )
    assert [texts(g) for g in tables(doc)] == [[["40", "0", "10"]]]
    assert doc.notes == []


def test_column_header_fragments_are_not_labels() -> None:
    # Table 4 headers torn into lines of short words above a header-less number row.
    doc = read_markdown(
        "结果   结果     其他   尚未\n"
        "维持   纠正     结果   审结\n"
        "\n"
        "10    1      0   0    0\n"
    )
    assert tables(doc) == []
    assert doc.notes == []


def test_label_ending_after_its_numbers_is_joined() -> None:
    # PDF text puts the middle line of a wrapped label beside its numbers.
    doc = read_markdown(
        "（二）部分公开（区分处理的，只计这一情\n"
        "447 7 0 0 0 0 454\n"
        "形，不计其他情形）\n"
    )
    grid = only_grid(doc)
    assert texts(grid) == [
        ["（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "447", "7", "0", "0", "0",
         "0", "454"],
    ]
    assert [n.rule for n in doc.notes] == [RULE_PAIRED_LABELS]


def test_wrapped_full_width_digits_do_not_merge() -> None:
    grid = only_grid(read_markdown(
        "+------+\n"
        "| １２ |\n"
        "| ３   |\n"
        "+------+\n"
    ))
    assert texts(grid) == [["１２ ３"]]


def test_label_and_numbers_lines_become_stream_rows() -> None:
    doc = read_markdown(
        "第二十条第（六）项\n"
        "信息内容本年处理决定数量\n"
        "行政处罚 0\n"
        "行政强制 12\n"
        "全年主动公开规章 22 件，行政规范性文件 34 件。\n"
    )
    grid = only_grid(doc)
    assert grid.kind == "stream"
    assert grid.title == "第二十条第（六）项"
    assert texts(grid) == [["行政处罚", "0"], ["行政强制", "12"]]
    assert [c.line for row in grid.rows for c in row] == [3, 3, 4, 4]


# --------------------------------------------------------------------------- read_document


def test_read_document_routes_markdown_files_here() -> None:
    doc = read_document("| 规章 | 13 |\n| 规范性文件 | 60 |\n".encode(), filename="report.md")
    assert doc.kind == "markdown"
    assert doc.encoding == "utf-8"
    assert texts(only_grid(doc)) == [["规章", "13"], ["规范性文件", "60"]]


# --------------------------------------------------------------------------- real reports


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["shanghai-city-office-2019", "shanghai-city-office-2025"])
def test_corpus_shanghai_new_requests_row(name: str) -> None:
    folder = CORPUS / name
    if not (folder / "report.txt").is_file():
        pytest.skip(f"development corpus not found at {folder} (needs ../shared/corpus)")
    doc = read_markdown((folder / "report.txt").read_text(encoding="utf-8"))
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    expected = ["" if v is None else str(v) for v in truth["table3_applicant_columns_new"].values()]
    assert len(expected) == 7
    found = []
    for grid in tables(doc):
        for row in grid.rows:
            cells = [c.text for c in row]
            if "一、本年新收政府信息公开申请数量" in cells:
                k = cells.index("一、本年新收政府信息公开申请数量")
                found.append(cells[k + 1 : k + 8])
    assert found == [expected]
    # Every digit run of every cell is printed in the report: nothing made up.
    raw = (folder / "report.txt").read_text(encoding="utf-8")
    printed = set(re.findall(r"\d+", raw))
    for grid in tables(doc):
        for row in grid.rows:
            for cell in row:
                assert set(re.findall(r"\d+", cell.text)) <= printed


# --------------------------------------------------------------------------- round trip

_LABEL_CHARS = "规章行政许可处罚强制申请公开自然人商业企业总计（）、.ABCxyz第条项一二三 |"
labels = st.text(alphabet=_LABEL_CHARS, min_size=1, max_size=12).filter(
    lambda s: re.search(r"[^\s|]", s) is not None
)
numbers = st.one_of(
    st.integers(min_value=0, max_value=10**7).map(str),
    st.decimals(min_value=0, max_value=10**4, places=2).map(str),
)
cells = st.one_of(labels, numbers, st.just(""))


@st.composite
def grids(draw: st.DrawFn) -> list[list[str]]:
    n_cols = draw(st.integers(min_value=1, max_value=8))
    n_rows = draw(st.integers(min_value=1, max_value=10))
    return [draw(st.lists(cells, min_size=n_cols, max_size=n_cols)) for _ in range(n_rows)]


def render(grid: list[list[str]], separator: bool, pad: str) -> str:
    lines = [
        "|" + "|".join(f"{pad}{c.replace('|', chr(92) + '|')}{pad}" for c in row) + "|"
        for row in grid
    ]
    if separator:
        lines.insert(1, "|" + "|".join("---" for _ in grid[0]) + "|")
    return "\n".join(lines) + "\n"


@settings(max_examples=200, deadline=None)
@given(grids(), st.booleans(), st.sampled_from(["", " ", "  "]))
def test_round_trip_pipe_markdown(grid: list[list[str]], separator: bool, pad: str) -> None:
    md = render(grid, separator, pad)
    doc = read_markdown(md)
    expected = [[" ".join(c.split()) for c in row] for row in grid]
    assert [texts(g) for g in tables(doc)] == [expected]
    (out,) = tables(doc)
    assert_positions(out)
    lines = [1 + r + (1 if separator and r >= 1 else 0) for r in range(len(grid))]
    assert [row[0].line for row in out.rows] == lines
    assert doc.notes == []


_FUZZ_LINES = st.one_of(
    st.text(alphabet="规章行政许可（）、12 3405|\\\t-+=:<>/#*_&;", max_size=30),
    st.sampled_from([
        "", "<table>", "</table>", "<tr><td colspan=\"2\">5</td><td rowspan=3>6</td></tr>",
        "+---+---+", "| 1 | 2 |", "|---|---|", "— 3 —", "## 表三", "第二十条第（五）项",
        "（二）部分公开（区分处理的，只计这一情", "形，不计其他情形）", "行政许可 0", "13 13 524",
    ]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_FUZZ_LINES, max_size=25).map("\n".join))
def test_any_text_reads_without_inventing_numbers(md: str) -> None:
    doc = read_markdown(md)
    n_lines = len(md.split("\n"))
    printed = set(re.findall(r"\d+", md))
    assert [g.index for g in tables(doc)] == list(range(1, len(tables(doc)) + 1))
    for grid in tables(doc):
        for r, row in enumerate(grid.rows):
            for cell in row:
                assert cell.row == r
                assert cell.line is not None and 1 <= cell.line <= n_lines
                assert set(re.findall(r"\d+", cell.text)) <= printed
    assert all(n.rule.startswith(("read.markdown.", "read.html.")) for n in doc.notes)
