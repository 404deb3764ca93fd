"""Tables torn by converters and crawlers: unspanned markdown tables read by the form's
column order, blanks that the form's identities fix, torn table-4 headers, and prose figures
that settle run-together digits.  Fixtures are written here (labels and invented numbers)."""

from __future__ import annotations

import govstats
from govstats.read import read_document
from govstats.read.text import BLANK_MARK

from .renderers import T3_NOTE

APPLICANT_HEADER = f"""\
三、收到和处理政府信息公开申请情况
{T3_NOTE} | 申请人情况
 | 自然人 | 法人或其他组织 | 总计
 | | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 |
"""


def _trailing_blank_cells(text: str) -> str:
    """Converter rows end ``| `` when their last cell is blank (a space after the pipe)."""
    return "\n".join(ln + " " if ln.endswith("|") else ln for ln in text.split("\n"))


# Blank cells stand for zeros, as in converter output of tables that leave zeros blank.
R2_T3_ROWS = """\
一、本年新收政府信息公开申请数量 | 40 | 5 |  |  | 2 | 1 | 48
二、上年结转政府信息公开申请数量 | 3 |  |  |  |  |  | 3
三、本年度办理结果 | （一）予以公开 | 20 | 2 |  |  | 1 |  |
（二）部分公开（区分处理的，只计这一情形，不计其他情形） | 4 |  |  |  |  |  | 4
（三）不予公开 | 1.属于国家秘密 | 1 |  |  |  |  |  |
2.其他法律行政法规禁止公开 |  |  |  |  |  |  |
3.危及“三安全一稳定” |  |  |  |  |  |  |
4.保护第三方合法权益 |  |  |  |  |  |  |
5.属于三类内部事务信息 | 2 |  |  |  |  |  | 2
6.属于四类过程性信息 |  | 1 |  |  |  |  | 1
7.属于行政执法案卷 |  |  |  |  |  |  |
8.属于行政查询事项 |  |  |  |  |  |  |
（四）无法提供 | 1.本机关不掌握相关政府信息 | 10 | 1 |  |  | 1 |  | 12
2.没有现成信息需要另行制作 |  |  |  |  |  |  |
3.补正后申请内容仍不明确 | 1 |  |  |  |  |  | 1
（五）不予处理 | 1.信访举报投诉类申请 | 3 |  |  |  |  | 1 | 4
2.重复申请 |  |  |  |  |  |  |
3.要求提供公开出版物 |  |  |  |  |  |  |
4.无正当理由大量反复申请 |  |  |  |  |  |  |
5.要求行政机关确认或重新出具已获取信息 |  |  |  |  |  |  |
（六）其他处理 |  |  |  |  |  |  |
（七）总计 | 41 | 4 |  |  | 2 | 1 | 48
四、结转下年度继续办理 | 2 | 1 |  |  |  |  | 3
"""
R2_T3_ROWS = _trailing_blank_cells(R2_T3_ROWS)

R2_T4 = """\
四、政府信息公开行政复议、行政诉讼情况
行政复议 | 行政诉讼
结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | 复议后起诉
 |  |  |  |  | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 {tail}
3 |  | 1 | 2 | 6 | 2 |  |  | 1 | 3 |  |  |  |  |
""".format(tail="| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计")
R2_T4 = _trailing_blank_cells(R2_T4)

TITLE = "某市人民政府办公厅2019年政府信息公开工作年度报告\n"


def _report(text: str) -> govstats.Report:
    return govstats.parse_report(text.encode("utf-8"), filename="report.md")


def _printed(report: govstats.Report) -> dict[tuple[str, str], float]:
    df = report.values
    df = df[~df["derived"]]
    return {(r.indicator, r.applicant): r.value for r in df.itertuples()}


def _derived(report: govstats.Report) -> dict[tuple[str, str], float]:
    df = report.values
    df = df[df["derived"]]
    return {(r.indicator, r.applicant): r.value for r in df.itertuples()}


def test_unspanned_table_three_is_read_by_the_forms_column_order() -> None:
    r = _report(TITLE + APPLICANT_HEADER + R2_T3_ROWS + R2_T4)
    assert r.meta["regime"] == "R2"
    got = _printed(r)
    assert got[("requests.new", "natural_person")] == 40
    assert got[("requests.new", "commercial")] == 5
    assert got[("requests.new", "legal_service")] == 2
    assert got[("requests.new", "other_org")] == 1
    assert got[("requests.new", "total")] == 48
    # the row-group label (三、本年度办理结果) in a cell of its own does not shift the values
    assert got[("outcome.granted", "natural_person")] == 20
    assert got[("outcome.granted", "legal_service")] == 1
    assert got[("outcome.denied.process_info", "commercial")] == 1
    assert got[("outcome.unable.not_held", "total")] == 12
    assert got[("outcome.total", "total")] == 48
    assert got[("requests.carried_out", "commercial")] == 1
    # a blank cell is never a printed value
    assert ("outcome.granted", "total") not in got
    assert ("requests.new", "research") not in got
    loc = r.values.set_index(["indicator", "applicant"]).loc[("requests.new", "total"), "location"]
    assert loc["columns"] == "form order" and loc["line"] >= 1


def test_blanks_fixed_by_the_forms_identities_are_derived() -> None:
    r = _report(TITLE + APPLICANT_HEADER + R2_T3_ROWS + R2_T4)
    der = _derived(r)
    # 40 + 5 + _ + _ + 2 + 1 = 48: both blanks are 0
    assert der[("requests.new", "research")] == 0
    assert der[("requests.new", "social_welfare")] == 0
    # column 科研机构 is 0 in 总计, so every result row of it is 0; then the row total follows
    assert der[("outcome.granted", "total")] == 23
    assert der[("outcome.denied.state_secret", "total")] == 1
    assert ("outcome.granted", "total") not in _printed(r)
    row = r.values[(r.values.indicator == "outcome.granted") & (r.values.applicant == "total")]
    assert row.iloc[0]["location"]["printed"] == "blank"
    # table 4: 3 + _ + 1 + 2 = 6 fixes the blank; the after-review block is all blank and
    # nothing fixes it, so it stays without a value
    assert der[("review.corrected", "total")] == 0
    assert ("litigation.after_review.total", "total") not in der
    assert ("litigation.after_review.total", "total") not in _printed(r)
    assert _printed(r)[("litigation.direct.total", "total")] == 3


def test_a_row_that_fits_two_ways_is_not_read() -> None:
    # one cell too many on both sides: the 7 values could start at either number
    rows = R2_T3_ROWS.replace(
        "二、上年结转政府信息公开申请数量 | 3 |  |  |  |  |  | 3",
        "二、上年结转政府信息公开申请数量 | 3 |  |  |  |  |  | 3 | 9",
    )
    r = _report(TITLE + APPLICANT_HEADER + rows)
    got = _printed(r)
    assert not any(k[0] == "requests.carried_in" for k in got)
    assert any(
        f.rule == "map.unaligned_row" and "requests.carried_in" in f.indicators for f in r.issues
    )


def test_flow_stream_keeps_lines_and_marks_blank_cells() -> None:
    doc = read_document((TITLE + APPLICANT_HEADER + R2_T3_ROWS).encode(), "x.md")
    flow = doc.grids[-1]
    assert flow.kind == "stream" and flow.title == "flow"
    first = next(row for row in flow.rows if "本年新收" in row[0].text)
    # the blank after 5 ends the run, which carries the mark: 2 numbers for a row of 7 cells
    assert first[1].text.split() == ["40", "5", BLANK_MARK]
    assert first[1].line == 6


TORN_T4 = """\
四、政府信息公开行政复议、行政诉讼情况
行政复议行政诉讼
未经复议直接起诉复议后起诉
结果结果其他尚未
总计结果结果其他尚未结果结果其他尚未
维持纠正结果审结维持纠正结果审结
| 维持 | 纠正 | 结果 | 审结 | 总计 | 总计 |
|---|---|---|---|---|---|
| 40 | 0 | 10 | 5 | 55 | 2 | 0 | 4 | 6 | 12 | 6 | 0 | 9 | 7 | 22 |
"""


def test_torn_table_four_header_is_recognised() -> None:
    r = _report("某区2025年政府信息公开工作年度报告\n（六）其他处理\n" + TORN_T4)
    got = _printed(r)
    assert got[("review.upheld", "total")] == 40
    assert got[("review.total", "total")] == 55
    assert got[("litigation.direct.total", "total")] == 12
    assert got[("litigation.after_review.pending", "total")] == 7
    assert _derived(r)[("litigation.total", "total")] == 34


R0_STREAM = (
    "某局2017年度政府信息公开工作年度报告 据统计本局当年主动公开信息共{n}条 "
    "统计表指标名称计量单位2017年度历年累计"
    "主动公开文件数条212210037其中：1、政府网站公开数条2122100372、政府公报公开数条00"
    "受理政府信息依申请公开总数条00对申请的答复总数条00行政复议数件00行政诉讼数件00\n"
)


def test_prose_figure_settles_an_ambiguous_split() -> None:
    r = govstats.parse_report(R0_STREAM.format(n=2122).encode(), filename="r.txt")
    got = _printed(r)
    assert got[("proactive.total", "total")] == 2122
    assert got[("proactive.total.cumulative", "total")] == 10037
    # the of-which row follows from its parent
    assert got[("proactive.channel.website", "total")] == 2122
    loc = r.values.set_index(["indicator", "applicant"]).loc[
        ("proactive.total", "total"), "location"
    ]
    assert loc["split"] == "narrative"
    assert any(f.rule == "digits.narrative_choice" for f in r.issues)


def test_prose_figure_that_fits_no_split_settles_nothing() -> None:
    r = govstats.parse_report(R0_STREAM.format(n=5000).encode(), filename="r.txt")
    got = _printed(r)
    assert ("proactive.total", "total") not in got
    assert any(f.rule == "digits.ambiguous" for f in r.issues)


def test_prose_figure_settles_its_row_and_leaves_the_rest_reported() -> None:
    # 受理…总数 '1020' is 10|20 or 102|0 and the prose says nothing of it
    text = R0_STREAM.format(n=2122).replace(
        "受理政府信息依申请公开总数条00", "受理政府信息依申请公开总数条1020"
    )
    r = govstats.parse_report(text.encode(), filename="r.txt")
    got = _printed(r)
    assert got[("proactive.total", "total")] == 2122
    assert ("requests.new", "total") not in got
    ambiguous = [f for f in r.issues if f.rule == "digits.ambiguous"]
    assert ambiguous and "requests.new" in ambiguous[0].indicators
    assert "proactive.total" not in ambiguous[0].indicators
