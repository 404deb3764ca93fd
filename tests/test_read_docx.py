"""Tests of the DOCX reader (``govstats.read.docx``) on documents built with python-docx."""

from __future__ import annotations

import io
import zipfile

import pytest

docx = pytest.importorskip("docx", reason="python-docx (govstats[docx]) is not installed")
from docx.oxml import OxmlElement  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402

from govstats.errors import UnreadableInput  # noqa: E402
from govstats.read import read_document  # noqa: E402
from govstats.read.docx import read_docx  # noqa: E402
from tests.grid_helpers import covered, find  # noqa: E402


def to_bytes(document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def report_docx() -> bytes:
    """A report with a merged-cell table, a nested table and paragraphs around them.

    Table 1 (5 × 5)::

        申请人情况 (2×2)      | 法人或其他组织 (1×2)  | 总计 (2×1)
        ...                  | 商业企业 | 科研机构    | ...
        三、本年度办理结果 (3×1) | （一）予以公开 | 5 | 1 | 6
        ...                  | （二）部分公开 | 2 | 0 | 2
        ...                  | （三）不予公开 | 1 | 1 | 2
    """
    d = docx.Document()
    d.add_paragraph("某某区2021年政府信息公开工作年度报告")
    p = d.add_paragraph("本年度共收到申请")
    p.add_run("（隐藏）").font.hidden = True
    p.add_run("10件。")
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    t = d.add_table(rows=5, cols=5)
    t.cell(0, 0).merge(t.cell(1, 1)).text = "申请人情况"
    t.cell(0, 2).merge(t.cell(0, 3)).text = "法人或其他组织"
    t.cell(0, 4).merge(t.cell(1, 4)).text = "总计"
    t.cell(1, 2).text = "商业企业"
    t.cell(1, 3).text = "科研机构"
    t.cell(2, 0).merge(t.cell(4, 0)).text = "三、本年度办理结果"
    for r, (label, *numbers) in enumerate(
        [("（一）予以公开", 5, 1, 6), ("（二）部分公开", 2, 0, 2), ("（三）不予公开", 1, 1, 2)],
        start=2,
    ):
        t.cell(r, 1).text = label
        for c, n in enumerate(numbers, start=2):
            t.cell(r, c).text = f" {n}\u00a0"
    d.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    outer = d.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "附表"
    inner = outer.cell(0, 1).add_table(rows=2, cols=2)
    for (r, c), text in {(0, 0): "行政复议", (0, 1): "行政诉讼", (1, 0): "3", (1, 1): "4"}.items():
        inner.cell(r, c).text = text
    d.add_table(rows=2, cols=2)  # an empty table: dropped
    d.add_paragraph("五、存在的主要问题及改进情况")
    return to_bytes(d)


@pytest.fixture(scope="module")
def report():
    return read_docx(report_docx())


def test_python_docx_repeats_merged_cells():
    """Why the reader works on the XML: python-docx returns a merged cell once per slot."""
    d = docx.Document(io.BytesIO(report_docx()))
    t = d.tables[0]
    assert [c.text for c in t.rows[0].cells].count("申请人情况") == 2
    assert [c.text for c in t.column_cells(0)].count("三、本年度办理结果") == 3


def test_grids_and_spans(report):
    assert report.kind == "docx"
    assert [g.index for g in report.grids] == [1, 2, 3]
    grid = report.grids[0]
    assert grid.title == "三、收到和处理政府信息公开申请情况"
    assert grid.n_cols == 5
    expect = {
        "申请人情况": (0, 0, 2, 2, "table[1]/tr[1]/tc[1]"),
        "法人或其他组织": (0, 2, 1, 2, "table[1]/tr[1]/tc[2]"),
        "总计": (0, 4, 2, 1, "table[1]/tr[1]/tc[3]"),
        "商业企业": (1, 2, 1, 1, "table[1]/tr[2]/tc[2]"),
        "科研机构": (1, 3, 1, 1, "table[1]/tr[2]/tc[3]"),
        "三、本年度办理结果": (2, 0, 3, 1, "table[1]/tr[3]/tc[1]"),
        "（二）部分公开": (3, 1, 1, 1, "table[1]/tr[4]/tc[2]"),
    }
    for text, (row, col, rowspan, colspan, path) in expect.items():
        cell = find(grid, text)
        assert (cell.row, cell.col, cell.rowspan, cell.colspan, cell.path) == (
            row, col, rowspan, colspan, path), text


def test_no_duplicates_and_full_cover(report):
    grid = report.grids[0]
    cells = [c for row in grid.rows for c in row]
    assert len(cells) == 3 + 2 + 5 + 4 + 4
    assert len({c.path for c in cells}) == len(cells)
    assert set(covered(grid)) == {(r, c) for r in range(5) for c in range(5)}
    for i, row in enumerate(grid.rows):
        assert all(c.row == i for c in row)
    assert [c.text for c in grid.rows[1]] == ["商业企业", "科研机构"]


def test_numbers_line_up_with_headers(report):
    grid = report.grids[0]
    last = grid.rows[4]
    assert [c.text for c in last] == ["（三）不予公开", "1", "1", "2"]
    by_col = {c.col: c.text for c in last}
    assert by_col[find(grid, "科研机构").col] == "1"
    assert by_col[find(grid, "总计").col] == "2"
    legal = find(grid, "法人或其他组织")
    assert [by_col[c] for c in range(legal.col, legal.col + legal.colspan)] == ["1", "1"]


def test_nested_table_is_its_own_grid(report):
    outer, inner = report.grids[1], report.grids[2]
    assert [[c.text for c in row] for row in outer.rows] == [["附表", ""]]
    assert outer.title == "四、政府信息公开行政复议、行政诉讼情况"
    assert [[c.text for c in row] for row in inner.rows] == [["行政复议", "行政诉讼"], ["3", "4"]]
    assert inner.rows[1][1].path == "table[3]/tr[2]/tc[2]"
    assert not any("行政复议" in c.text for row in outer.rows for c in row)


def test_document_text_in_body_order(report):
    assert report.text.split("\n") == [
        "某某区2021年政府信息公开工作年度报告",
        "本年度共收到申请10件。",
        "三、收到和处理政府信息公开申请情况",
        "申请人情况\t法人或其他组织\t总计",
        "商业企业\t科研机构",
        "三、本年度办理结果\t（一）予以公开\t5\t1\t6",
        "（二）部分公开\t2\t0\t2",
        "（三）不予公开\t1\t1\t2",
        "四、政府信息公开行政复议、行政诉讼情况",
        "附表\t",
        "行政复议\t行政诉讼",
        "3\t4",
        "五、存在的主要问题及改进情况",
    ]


def _set(tc_or_tr, tag: str, val: str | None, pr: str) -> None:
    props = tc_or_tr.find(qn(pr))
    if props is None:
        props = OxmlElement(pr)
        tc_or_tr.insert(0, props)
    el = OxmlElement(tag)
    if val is not None:
        el.set(qn("w:val"), val)
    props.append(el)


def test_legacy_hmerge_and_grid_before():
    d = docx.Document()
    t = d.add_table(rows=3, cols=3)
    for r in range(3):
        for c in range(3):
            t.cell(r, c).text = f"{r}{c}"
    tr0, tr1 = t.rows[0]._tr, t.rows[1]._tr
    tcs0 = tr0.findall(qn("w:tc"))
    _set(tcs0[0], "w:hMerge", "restart", "w:tcPr")
    _set(tcs0[1], "w:hMerge", None, "w:tcPr")
    tr1.remove(tr1.findall(qn("w:tc"))[0])
    _set(tr1, "w:gridBefore", "1", "w:trPr")
    doc = read_docx(to_bytes(d))
    grid = doc.grids[0]
    assert [(c.text, c.col, c.colspan) for c in grid.rows[0]] == [("00", 0, 2), ("02", 2, 1)]
    assert [(c.text, c.col, c.path) for c in grid.rows[1]] == [
        ("11", 1, "table[1]/tr[2]/tc[1]"), ("12", 2, "table[1]/tr[2]/tc[2]")]
    covered(grid)


def test_tabs_and_breaks_in_paragraphs():
    d = docx.Document()
    p = d.add_paragraph("\t项目\t\t数量 ")
    p.add_run().add_break()
    p.add_run("第二行\u3000 文字")
    doc = read_docx(to_bytes(d))
    assert doc.text.split("\n") == ["项目\t数量", "第二行 文字"]
    assert doc.grids == []


def test_read_document_dispatches_docx():
    doc = read_document(report_docx(), filename="report.docx")
    assert doc.kind == "docx"
    assert len(doc.grids) == 3


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"", "empty"),
        (b"plain text, not a package", "zip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, r"\.doc"),
        (b"<html><body><table></table></body></html>", "HTML"),
        (b"{\\rtf1\\ansi hello}", "RTF"),
        (_zip({"word/document.xml": b"<not-xml"}), "DOCX"),
        (_zip({"hello.txt": b"hi"}), "DOCX"),
        (report_docx()[:2000], "zip"),
    ],
    ids=["empty", "text", "ole", "html", "rtf", "broken-xml", "no-parts", "truncated"],
)
def test_unreadable_docx(data, match):
    with pytest.raises(UnreadableInput, match=match) as info:
        read_docx(data)
    assert "\n" not in str(info.value)
