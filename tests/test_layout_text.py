"""Text laid out by ``pdftotext -layout`` and similar: headers on their own lines, labels
torn around their numbers, page numbers, tables continued on the next page, tables that share
a header, and report metadata around them.  Fixtures are written here (invented numbers)."""

from __future__ import annotations

import govstats
from govstats.catalogue.layouts import layout_for
from govstats.model import Cell, Document, Grid
from govstats.parse.jurisdiction import resolve_jurisdiction
from govstats.parse.mapper import map_document

T4_LAYOUT = """某市人民政府2024年政府信息公开工作年度报告

     四、政府信息公开行政复议、行政诉讼情况
行政复议                          行政诉讼

                              未经复议直接起诉                              复议后起诉

结果   结果    其他结    尚未
                        总计
                          结 果   结果       其他       尚未         结果   结果    其他   尚未审
维持   纠正    果      审结
                                                               总计                           总计
                              维持    纠正       结果       审结            维持   纠正    结果   结

72   64    178    37    351   13    4        8        1        26   12   1     1    6       20

       五、存在的主要问题及改进情况
                                                                                             -5-
"""


def _printed(report: govstats.Report) -> dict[tuple[str, str], float]:
    return {(v.indicator, v.applicant): v.value for v in report.value_list if not v.derived}


def test_numbers_line_under_a_header_laid_out_above_it() -> None:
    r = govstats.parse_report(T4_LAYOUT.encode(), filename="report.txt")
    got = _printed(r)
    assert [got[(c, "total")] for c in ("review.upheld", "review.total")] == [72, 351]
    assert got[("litigation.direct.total", "total")] == 26
    assert got[("litigation.after_review.pending", "total")] == 6
    loc = next(v.location for v in r.value_list if v.indicator == "review.total")
    numbers_line = next(k for k, ln in enumerate(T4_LAYOUT.splitlines(), 1) if ln.startswith("72"))
    assert loc["line"] == numbers_line


def test_page_number_on_the_next_line_does_not_cut_the_row() -> None:
    r = govstats.parse_report(T4_LAYOUT.encode(), filename="report.txt")
    assert not any(f.rule == "digits.interrupted" for f in r.issues)


TORN_LABEL = """某市人民政府2024年政府信息公开工作年度报告
三、收到和处理政府信息公开申请情况
     一、本年新收政府信息公开申请数量      2932     53      0      0     61      4   3050
     二、上年结转政府信息公开申请数量        90      3      0      0     10      0    103
      （二）部分公开（区分处理的，只计这一情
                                447         7        0        0        0    0   454
      形，不计其他情形）
     四、结转下年度继续办理                 103      0      0      0      0      0    103
"""


def test_label_whose_bracket_closes_after_its_numbers() -> None:
    got = _printed(govstats.parse_report(TORN_LABEL.encode(), filename="report.txt"))
    assert got[("outcome.partial", "natural_person")] == 447
    assert got[("outcome.partial", "total")] == 454
    assert got[("requests.new", "total")] == 3050


def _grid(index: int, rows: list[list[str]], page: int) -> Grid:
    cells = [
        [Cell(text=t, row=r, col=c, page=page) for c, t in enumerate(row)]
        for r, row in enumerate(rows)
    ]
    return Grid(index=index, rows=cells, page=page)


APPLICANTS_ROW = [
    "", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计",
]  # fmt: skip


def test_table_continued_on_the_next_page_inherits_its_columns() -> None:
    new = ["一、本年新收政府信息公开申请数量", "5", "1", "0", "0", "0", "0", "6"]
    page1 = _grid(1, [APPLICANTS_ROW, new], 4)
    total = ["（七）总计", "4", "1", "0", "0", "0", "0", "5"]
    carried = ["四、结转下年度继续办理", "1", "0", "0", "0", "0", "0", "1"]
    page2 = _grid(2, [total, carried], 5)
    doc = Document(kind="pdf", text="", grids=[page1, page2])
    values = map_document(doc, layout_for("R3")[0]).values
    got = {(v.indicator, v.applicant): v.value for v in values}
    assert got[("outcome.total", "total")] == 5
    assert got[("requests.carried_out", "natural_person")] == 1
    loc = next(v.location for v in map_document(doc, layout_for("R3")[0]).values
               if v.indicator == "outcome.total" and v.applicant == "total")  # fmt: skip
    assert loc["page"] == 5 and loc["table"] == 2


def test_tables_with_the_same_header_are_told_apart_by_their_rows() -> None:
    head = ["信息内容", "本年处理决定数量"]
    rows = [head, ["行政许可", "447"], head, ["行政处罚", "39"], ["行政强制", "8"]]
    grid = _grid(1, rows, 3)
    doc = Document(kind="pdf", text="", grids=[grid])
    res = map_document(doc, layout_for("R3")[0])
    got = {v.indicator: v.value for v in res.values}
    assert got == {
        "items.licensing.decisions": 447,
        "items.penalties.decisions": 39,
        "items.enforcement.decisions": 8,
    }
    assert not any(f.rule == "map.unknown_row" for f in res.findings)


NAV_PAGE = """首页
政务公开
政府信息公开领导之窗政府机构要闻政府会议最新文件政策文件库政府工作报告公示公告
当前位置：首页 政务公开 政府信息公开年报
某某县人民政府2016年政府信息公开工作年度报告
来源：某某县人民政府办公室
"""


def test_title_line_wins_over_navigation() -> None:
    from govstats.parse.meta import find_title
    from govstats.read import read_document

    doc = read_document(NAV_PAGE.encode(), "page.txt")
    assert find_title(doc) == "某某县人民政府2016年政府信息公开工作年度报告"


def test_bracketed_note_after_a_body_is_set_aside() -> None:
    j = resolve_jurisdiction("洪泽区人民政府（淮安市洪泽区）")
    assert (j.level, j.code) == ("county", "320813")
    assert any("set aside" in e for e in j.evidence)


def test_body_printed_without_its_government_is_completed_from_the_text() -> None:
    text = (
        "公安局2009年度政府信息公开工作年度报告\n"
        "来源：平潭县公安局\n平潭县公安局认真贯彻《条例》。\n"
    )
    meta = govstats.parse_report(text.encode(), filename="r.txt").meta
    assert meta["jurisdiction"] == "公安局"
    assert meta["jurisdiction_normalized"] == "平潭县公安局"
    assert (meta["level"], meta["admin_code"]) == ("department", "350128")
