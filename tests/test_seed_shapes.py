"""Issue 3: the seed's R1 table parses the same whatever file it arrives in.

The table (labels, units and the 76 figures of 临沂市 2017, from ``tests/seed_table.py`` and
``tests/seed_values.py``) is rendered as Word-style HTML in GBK, DOCX, a markdown pipe table,
a text-layer PDF and Word's tab text; each must parse to exactly the 76 printed values with
their provenance.  This proves the reader / mapper split: only the reader differs.  Nothing
here needs ``../shared`` (one extra check compares the fixture with the real seed report).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from govstats import parse_report
from govstats.report import Report

from .renderers import (
    list_docx,
    list_html,
    list_markdown,
    list_pdf,
    pdf_text,
    seed_style_text,
    tab_lines_text,
)
from .seed_table import SEED_HEADER, SEED_ROWS, seed_list_table
from .seed_values import SEED_R1_VALUES

TABLE = seed_list_table()
LABEL_OF = {r.code: r.label for r in SEED_ROWS if r.code}


def check_seed(report: Report, where: str) -> None:
    """Exactly the 76 printed seed values, none derived, regime R1, each with provenance:
    table, the printed row label, the column label and ``where`` (path / page / line)."""
    assert report.meta["regime"] == "R1"
    assert all(not v.derived for v in report.value_list), [
        v for v in report.value_list if v.derived
    ]
    got = {(v.indicator, v.applicant): v for v in report.value_list}
    assert len(got) == len(report.value_list), "a cell was emitted twice"
    assert {code: v.value for (code, _), v in got.items()} == SEED_R1_VALUES
    assert all(app == "total" for _, app in got)
    for (code, _), v in got.items():
        loc = v.location
        assert loc["table"] >= 1, v
        assert loc["column_label"] == "统计数", v
        assert LABEL_OF[code] in loc["row_label"], v
        assert v.raw == str(SEED_R1_VALUES[code]), v
        assert loc.get(where), v
    budget = got[("capacity.budget", "total")]
    assert isinstance(budget.value, float) and budget.unit == "万元"
    # the two rows printed with a blank figure are findings, never values
    blanks = {f.indicators[0] for f in report.issues if f.rule == "cell.blank"}
    assert blanks == {"requests.closed", "outcome.answered"}


def test_fixture_matches_the_seed_values() -> None:
    codes = [r.code for r in SEED_ROWS if r.code]
    assert len(codes) == len(set(codes)) == 76
    assert set(codes) == set(SEED_R1_VALUES)
    assert SEED_HEADER == ("统计指标", "单位", "统计数")


def test_fixture_labels_are_the_seed_report_labels(seed_report: Path) -> None:
    text = "".join(seed_report.read_text(encoding="utf-8").split())  # labels wrap over lines
    tail = text[text.index("统计指标") :]
    for row in SEED_ROWS:
        assert row.label in tail, row.label
        assert row.unit in tail


def test_word_html_in_gbk() -> None:
    data = list_html(TABLE)
    assert b"<meta charset=gb2312>" in data and b"colspan=3" in data and b"&nbsp;" in data
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    report = parse_report(data, filename="seed.html")
    assert report.source["kind"] == "html"
    assert report.source["encoding"].lower() in ("gb2312", "gbk", "gb18030")
    check_seed(report, "path")
    v = report.value_list[0]
    assert v.location["path"].startswith("table[1]/tr[")


def test_docx_with_merged_section_cells() -> None:
    pytest.importorskip("docx", reason="python-docx (govstats[docx]) is not installed")
    data = list_docx(TABLE)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        body = zf.read("word/document.xml").decode("utf-8")
    assert body.count('<w:gridSpan w:val="3"/>') == sum(1 for r in SEED_ROWS if r.heading)
    report = parse_report(data, filename="seed.docx")
    assert report.source["kind"] == "docx"
    check_seed(report, "path")
    assert all("/tc[" in v.location["path"] for v in report.value_list)


def test_markdown_pipe_table() -> None:
    text = list_markdown(TABLE)
    report = parse_report(text.encode("utf-8"), filename="seed.md")
    assert report.source["kind"] == "markdown"
    check_seed(report, "line")
    lines = text.splitlines()
    for v in report.value_list:  # the line holds the row label and the figure
        line = lines[v.location["line"] - 1]
        assert LABEL_OF[v.indicator] in line and f"| {v.raw} |" in line


def test_text_layer_pdf(cjk_font_for: Callable[[str], Path]) -> None:
    pytest.importorskip("pdfplumber", reason="pdfplumber (govstats[pdf]) is not installed")
    pytest.importorskip("fpdf", reason="fpdf2 (govstats[dev]) is not installed")
    data = list_pdf(TABLE, cjk_font_for(pdf_text(TABLE)))
    report = parse_report(data, filename="seed.pdf")
    assert report.source["kind"] == "pdf"
    check_seed(report, "page")
    pages = {v.location["page"] for v in report.value_list}
    assert pages == {1, 2, 3}  # 86 rows at 34 a page


@pytest.mark.parametrize("render", [seed_style_text, tab_lines_text])
def test_word_tab_text(render: Callable[..., str]) -> None:
    text = render(TABLE)
    report = parse_report(text.encode("utf-8"), filename="seed.txt")
    check_seed(report, "line")
    lines = text.splitlines()
    for v in report.value_list:
        assert lines[v.location["line"] - 1].strip() .endswith(v.raw)
