"""Issue 10: every regime written one cell per line, as the crawlers of other sites export
pages — numbers of the prose on lines of their own, labels broken over lines, numbers split
over two lines, consecutive identical lines merged, CRLF — and read back.

* Plain one-cell-per-line text (with broken labels, CRLF or a stray CR) is unambiguous: the
  printed values are exactly the generated cells.
* With merged lines or split numbers the reading may be uncertain: every value emitted is
  the generated one (never a wrong number), and every generated cell is either emitted or
  named by a finding saying why not.

Minimal examples of each shape follow the property tests.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govstats import parse_report
from govstats.report import Report

from .renderers import (
    FormReport,
    Linearization,
    ListRow,
    ListTable,
    form_blocks,
    form_docx,
    form_html,
    form_markdown,
    form_run_together,
    list_blocks,
    list_markdown,
    one_per_line,
    prose_with_figures,
    r0_table,
    run_together_text,
    space_text,
    tab_lines_text,
)
from .test_roundtrip import (
    SETTINGS,
    Key,
    assert_derived_true,
    assert_exact,
    form_reports,
    printed_values,
    r0_expected,
    r0_values,
    r1_tables,
)

# ------------------------------------------------------------------------------ helpers

plain_lines = st.builds(
    Linearization,
    label_breaks=st.booleans(),
    newline=st.sampled_from(["\n", "\r\n"]),
    stray_cr=st.booleans(),
)
any_lines = st.builds(
    Linearization,
    collapse=st.booleans(),
    split_numbers=st.frozensets(st.integers(0, 60), max_size=4),
    label_breaks=st.booleans(),
    newline=st.sampled_from(["\n", "\r\n"]),
    stray_cr=st.booleans(),
)


def parse_lines(text: str) -> Report:
    return parse_report(text.encode("utf-8"), filename="page.txt")


def named(report: Report) -> set[str]:
    """Indicators a finding names as not read with certainty."""
    return {
        c for f in report.issues if f.rule.startswith(("digits.", "cell.")) for c in f.indicators
    }


def assert_never_wrong_and_named(report: Report, expected: dict[Key, Any], regime: str) -> None:
    assert report.meta["regime"] == regime
    got = printed_values(report)
    wrong = {k: (v, expected.get(k)) for k, v in got.items() if expected.get(k) != v}
    assert not wrong, f"wrong numbers (emitted, generated): {wrong}"
    silent = sorted(k for k in expected if k not in got and k[0] not in named(report))
    assert not silent, f"cells neither emitted nor named in a finding: {silent}"
    assert_derived_true(report, expected)


def r0_text(values: dict[str, tuple[int, int]], header: str, lin: Linearization) -> str:
    prose = prose_with_figures(2012, values["requests.new"][0], values["review.total"][0])
    return one_per_line([prose, *list_blocks(r0_table(values, header))], lin)


def form_text(rep: FormReport, lin: Linearization) -> str:
    new = rep.t3["requests.new"][-1]
    return one_per_line([prose_with_figures(rep.year, new, rep.t4[4]), *form_blocks(rep)], lin)


# ------------------------------------------------------------------------- properties


@SETTINGS
@given(values=r0_values(), header=st.sampled_from(["本年度", "2012年度"]), lin=plain_lines)
def test_r0_one_cell_per_line_is_exact(
    values: dict[str, tuple[int, int]], header: str, lin: Linearization
) -> None:
    expected = r0_expected(values)
    report = parse_lines(r0_text(values, header, lin))
    assert_exact(report, expected, "R0")
    assert_derived_true(report, expected)


@SETTINGS
@given(values=r0_values(), header=st.sampled_from(["本年度", "2012年度"]), lin=any_lines)
def test_r0_merged_or_split_lines_never_give_a_wrong_number(
    values: dict[str, tuple[int, int]], header: str, lin: Linearization
) -> None:
    report = parse_lines(r0_text(values, header, lin))
    assert_never_wrong_and_named(report, r0_expected(values), "R0")


@SETTINGS
@given(drawn=r1_tables(), lin=any_lines)
def test_r1_one_cell_per_line(drawn: tuple[Any, dict[Key, Any]], lin: Linearization) -> None:
    table, expected = drawn
    report = parse_lines(one_per_line(list_blocks(table), lin))
    if lin.collapse or lin.split_numbers:
        assert_never_wrong_and_named(report, expected, "R1")
    else:
        assert_exact(report, expected, "R1")


@pytest.mark.parametrize("regime", ["R2", "R3"])
@SETTINGS
@given(data=st.data(), lin=plain_lines)
def test_form_one_cell_per_line_is_exact(regime: str, data: Any, lin: Linearization) -> None:
    rep = data.draw(form_reports(regime))
    report = parse_lines(form_text(rep, lin))
    assert_exact(report, rep.printed(), regime)
    assert_derived_true(report, rep.with_sums())


@pytest.mark.parametrize("regime", ["R2", "R3"])
@SETTINGS
@given(data=st.data(), lin=any_lines)
def test_form_merged_or_split_lines_never_give_a_wrong_number(
    regime: str, data: Any, lin: Linearization
) -> None:
    rep = data.draw(form_reports(regime))
    report = parse_lines(form_text(rep, lin))
    got = printed_values(report)
    wrong = {k: (v, rep.printed().get(k)) for k, v in got.items() if rep.printed().get(k) != v}
    assert not wrong, f"wrong numbers (emitted, generated) in {lin.describe()}: {wrong}"
    silent = sorted(k for k in rep.printed() if k not in got and k[0] not in named(report))
    assert not silent, f"cells neither emitted nor named in a finding: {silent}"
    assert_derived_true(report, rep.with_sums())


# table 四 printed as three small tables, each under its own heading, in every shape
SMALL_T4: dict[str, tuple[Any, str]] = {
    "html": (form_html, "r.html"),
    "docx": (form_docx, "r.docx"),
    "markdown": (form_markdown, "r.md"),
    "run together": (form_run_together, "r.txt"),
    "one cell per line": (lambda rep: form_text(rep, Linearization()), "r.txt"),
}


@pytest.mark.parametrize("shape", sorted(SMALL_T4))
@SETTINGS
@given(data=st.data(), regime=st.sampled_from(["R2", "R3"]))
def test_table_four_as_three_small_tables(shape: str, data: Any, regime: str) -> None:
    if shape == "docx":
        pytest.importorskip("docx", reason="python-docx (govstats[docx]) is not installed")
    rep = replace(data.draw(form_reports(regime)), t4_small=True)
    render, name = SMALL_T4[shape]
    out = render(rep)
    report = parse_report(out if isinstance(out, bytes) else out.encode(), filename=name)
    expected = rep.printed()
    got = printed_values(report)
    t4 = {k: v for k, v in expected.items() if k[0].startswith(("review.", "litigation."))}
    if shape == "run together":  # digits split by the blocks' sums: never wrong, else named
        wrong = {k: (got[k], v) for k, v in t4.items() if k in got and got[k] != v}
        assert not wrong
        assert all(k in got or k[0] in named(report) for k in t4)
    else:
        assert {k: got.get(k) for k in t4} == t4


# a two-column form (本年度 / 历年累计) whose second column is left empty on every row
EMPTY_CUMULATIVE = {
    "space text, one line": (lambda t: space_text(t, one_line=True), False),
    "run together": (run_together_text, False),
    "space text, row per line": (space_text, True),
    "tab lines": (tab_lines_text, True),
    "markdown": (list_markdown, True),
    "one cell per line": (lambda t: one_per_line(list_blocks(t), Linearization()), True),
}


@pytest.mark.parametrize("shape", sorted(EMPTY_CUMULATIVE))
@SETTINGS
@given(values=r0_values())
def test_two_column_form_with_the_second_column_left_empty(
    shape: str, values: dict[str, tuple[int, int]]
) -> None:
    render, exact = EMPTY_CUMULATIVE[shape]
    table = r0_table(values)
    table = ListTable(
        table.title, table.header,
        tuple(ListRow(r.label, (*r.cells[:2], "")) for r in table.rows),
    )  # fmt: skip
    text = render(table)
    report = parse_report(text.encode(), filename="r.md" if shape == "markdown" else "r.txt")
    expected = {(code, "total"): year for code, (year, _) in values.items()}
    got = printed_values(report)
    assert not [k for k in got if k[0].endswith(".cumulative")]
    if exact:  # numbers laid out apart: the year's figures, every one
        assert got == expected
    else:  # run together: a run may be one figure or two; never a wrong number
        assert not {k: v for k, v in got.items() if expected[k] != v}
        assert all(k in got or k[0] in named(report) for k in expected)


# -------------------------------------------------------------------------- examples

T3_HEAD = ["三、收到和处理政府信息公开申请情况", "申请人情况", "自然人", "法人或其他组织", "总计",
           "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]  # fmt: skip
T4_HEAD = ["四、政府信息公开行政复议、行政诉讼情况", "行政复议", "行政诉讼", "结果维持", "结果纠正",
           "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"]  # fmt: skip
T4_HEAD += ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2


def _t3_lines(rows: list[tuple[str, list[str]]]) -> list[str]:
    out = list(T3_HEAD)
    for label, numbers in rows:
        out += [label, *numbers]
    return out


R3_ZERO_ROWS = [
    "（一）予以公开", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "（三）不予公开",
    "1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
    "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项",
    "（四）无法提供", "1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作",
    "3.补正后申请内容仍不明确", "（五）不予处理", "1.信访举报投诉类申请", "2.重复申请",
    "3.要求提供公开出版物", "4.无正当理由大量反复申请", "5.要求行政机关确认或重新出具已获取信息",
    "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他",
]  # fmt: skip


def _r3_page(new: list[str], granted: list[str], total: list[str], t4: list[str]) -> str:
    """An R3 page exported one cell per line with merged identical lines: 新收 and 予以公开 as
    given, every other result row all zeros (one ``0`` each), then table 四."""
    rows: list[tuple[str, list[str]]] = [
        ("一、本年新收政府信息公开申请数量", new),
        ("二、上年结转政府信息公开申请数量", ["0"]),
        ("三、本年度办理结果", []),
    ]
    for label in R3_ZERO_ROWS:
        no_numbers = label.startswith("（") and label not in ("（一）予以公开",) and (
            "部分公开" not in label
        )
        numbers = granted if label == "（一）予以公开" else ([] if no_numbers else ["0"])
        rows.append((label, numbers))
    rows += [("（七）总计", total), ("四、结转下年度继续办理", ["0"])]
    title = "某某局2021年政府信息公开工作年度报告"
    return "\n".join([title, *_t3_lines(rows), *T4_HEAD, *t4, "五、存在的主要问题"]) + "\n"


def test_merged_zeros_of_table_three_are_read_by_its_identities() -> None:
    # 3 | 0 | 0 | 0 | 0 | 0 | 3 printed "3 / 0 / 3": the applicant columns must add up to
    # 总计, so the 0 stands for the five legal-person columns
    report = parse_lines(_r3_page(["3", "0", "3"], ["3", "0", "3"], ["3", "0", "3"], ["0"]))
    assert report.meta["regime"] == "R3"
    row = [report.value("requests.new", a) for a in
           ("natural_person", "commercial", "research", "social_welfare", "legal_service",
            "other_org", "total")]  # fmt: skip
    assert row == [3, 0, 0, 0, 0, 0, 3]
    assert report.value("outcome.total") == 3
    assert report.value("outcome.denied.state_secret", "research") == 0
    # table 四 printed as a single 0 for its fifteen cells
    assert report.value("review.corrected") == 0
    assert report.value("litigation.after_review.total") == 0
    # provenance: the line a cell was read from, and that it was printed once for several
    v = next(v for v in report.value_list if v.indicator == "requests.new"
             and v.applicant == "research")  # fmt: skip
    assert v.location["collapsed"] is True and v.location["line"] > 0


def test_a_merged_row_that_breaks_the_identities_is_not_read() -> None:
    # "5 / 5": a row 5 | 5 | … cannot be 5 in all seven cells (30 ≠ 5): blank cells, not
    # merged ones; nothing of the row is emitted and a finding names it
    report = parse_lines(_r3_page(["5"], ["5", "0", "5"], ["5", "0", "5"], ["0"]))
    assert report.value("requests.new") is None
    assert "requests.new" in named(report)


def test_two_column_row_printed_once_keeps_this_year_and_names_the_other_cell() -> None:
    text = "\n".join([
        "某某局2012年政府信息公开工作年度报告", "指标名称", "计量单位", "2012", "年度", "历年累计",
        "主动公开信息数", "条", "27", "339", "其中：", "1.", "网站公开", "条", "27", "339",
        "2", "、政府公报公开数", "条", "0",
        "受理依申请公开信息总数", "条", "0", "行政复议数", "件", "0", "行政诉讼数", "件", "1", "62",
    ]) + "\n"  # fmt: skip
    report = parse_lines(text)
    assert report.meta["regime"] == "R0"
    assert report.value("proactive.total") == 27
    assert report.value("proactive.total.cumulative") == 339
    assert report.value("proactive.channel.gazette") == 0
    assert report.value("requests.new") == 0
    # the 历年累计 of a row printed "0": blank, or 0 merged with the 0 before it
    assert report.value("requests.new.cumulative") is None
    collapsed = {c for f in report.issues if f.rule == "cell.collapsed" for c in f.indicators}
    assert {"requests.new.cumulative", "review.total.cumulative"} <= collapsed
    # "1 / 62" on two lines for two cells: 1 | 62, no join
    assert report.value("litigation.total") == 1
    assert report.value("litigation.total.cumulative") == 62


def test_a_number_split_over_lines_is_joined_only_when_the_text_says_which() -> None:
    head = ["某某市2015年政府信息公开工作年度报告", "全市因政府信息公开提起行政",
            "诉讼16件。", "指标名称", "计量单位", "2015", "年度", "历年累计"]  # fmt: skip
    row = ["行政诉讼数", "件", "16", "2", "7"]  # 16 | 27, the 27 printed over two lines
    rows = ["主动公开信息数", "条", "40", "400", "受理依申请公开信息总数", "条", "5", "50",
            "行政复议数", "件", "8", "16", *row]  # fmt: skip
    report = parse_lines("\n".join([*head, *rows]) + "\n")
    assert report.value("litigation.total") == 16
    assert report.value("litigation.total.cumulative") == 27
    assert "digits.narrative_choice" in {f.rule for f in report.issues}
    # without the sentence, 162 | 7 and 16 | 27 both fit: neither is emitted
    bare = parse_lines("\n".join([*head[:1], *head[3:], *rows]))
    assert bare.value("litigation.total") is None
    assert "litigation.total" in named(bare)


def test_placeholders_blanks_and_approximations_on_lines_of_their_own() -> None:
    text = "\n".join([
        "某某局2008年政府信息公开工作年度报告", "指标名称", "计量单位", "年末统计",
        "主动公开信息数", "条", "—",
        "公开查阅点查阅人数", "人次", "1500多",
        "受理依申请公开信息总数", "条",  # printed blank: the next label follows at once
        "其中：1.当面申请数", "条", "0", "行政复议数", "件", "0",
    ]) + "\n"  # fmt: skip
    report = parse_lines(text)
    assert report.value("proactive.total") is None
    assert report.value("reading_rooms.visitors") is None  # never 1500 for "1500多"
    assert report.value("requests.channel.in_person") == 0
    rules = {(f.rule, f.indicators[0]) for f in report.issues if f.indicators}
    assert ("cell.placeholder", "proactive.total") in rules
    assert ("cell.unreadable", "reading_rooms.visitors") in rules
    assert ("cell.blank", "requests.new") in rules


def test_prose_figures_on_lines_of_their_own_are_read() -> None:
    text = "\n".join([*prose_with_figures(2021, 553, 2), "结束。"]) + "\n"
    report = parse_report(text.encode(), filename="page.txt")
    stated = {(f.indicator, f.value) for f in report.narrative_list}
    assert {("requests.new", 553), ("review.total", 2)} <= stated


def test_crlf_and_stray_cr_read_as_lf() -> None:
    rep_text = "\n".join(["某某局2012年政府信息公开工作年度报告", "指标名称", "计量单位", "本年度",
                          "历年累计", "主动公开信息数", "条", "12", "20", "受理依申请公开信息总数",
                          "条", "2", "5", "行政复议数", "件", "3", "4"])  # fmt: skip
    for text in (rep_text.replace("\n", "\r\n"), rep_text.replace("条\n", "条\r\n", 1)):
        report = parse_lines(text)
        assert report.value("proactive.total") == 12
        assert report.value("review.total") == 3


# ------------------------------------------------------------- a number alone for two columns


def _r0_lines(rows: list[tuple[str, str, list[str]]], year: int = 2016) -> bytes:
    """A Fujian 本年度 | 历年累计 table, one cell per line; each row's numbers as given (one
    number for a row whose other cell the export left out)."""
    lines = [f"某某市统计局{year}年政府信息公开工作年度报告", "二、主动公开政府信息的情况",
             "政府信息公开情况统计表", "指标名称", "计量单位", f"{year}年度", "历年累计"]
    for label, unit, numbers in rows:
        lines += [label, unit, *numbers]
    lines += ["五、存在的主要问题及改进情况"]
    return "\n".join(lines).encode("utf-8")


ANSWERS = [  # the rows of the answers block: 答复总数 6 | 32, 同意公开 6 | 24
    ("受理依申请公开信息总数", "条", ["6", "32"]),
    ("对申请的答复总数", "条", ["6", "32"]),
    ("其中：1.同意公开答复数", "条", ["6", "24"]),
    ("2.同意部分公开答复数", "条", []),
]


def test_a_lone_number_that_breaks_its_sum_is_read_in_the_other_column() -> None:
    """This year's column left blank on two rows, the cumulative one printed: 6 = 6 this
    year, 24 + 7 + 1 = 32 cumulative.  Read as this year's figures, 7 and 1 would break
    答复总数 (6 + 7 + 1 > 6): they are the 历年累计 cells, and the sum of that column
    confirms it."""
    text = _r0_lines([*ANSWERS, ("3.否决公开答复数", "条", ["7"]),
                      ("4.其他类型答复数", "条", ["1"])])
    report = parse_report(text, filename="r.txt")
    got = printed_values(report)
    assert got[("outcome.denied.cumulative", "total")] == 7
    assert got[("outcome.other_type.cumulative", "total")] == 1
    assert ("outcome.denied", "total") not in got and ("outcome.other_type", "total") not in got
    unread = {(u.indicator, u.status) for u in report.unread_list}
    assert {("outcome.denied", "blank"), ("outcome.other_type", "blank")} <= unread
    lone = [f for f in report.issues if f.rule == "cell.lone_number"]
    assert len(lone) == 2 and all("6+7+1 > 6" in f.message for f in lone)
    assert not [f for f in report.issues if f.rule == "r0.outcome.answered"]


def test_a_lone_number_that_fits_its_sum_is_this_years() -> None:
    """0 printed once for 0 | 0 (an export merging equal lines): this year's 0, and the
    cumulative cell is named, not read."""
    text = _r0_lines([*ANSWERS, ("3.否决公开答复数", "条", ["0"]),
                      ("4.其他类型答复数", "条", ["0", "8"])])
    report = parse_report(text, filename="r.txt")
    got = printed_values(report)
    assert got[("outcome.denied", "total")] == 0
    assert ("outcome.denied.cumulative", "total") not in got
    assert ("outcome.denied.cumulative", "collapsed") in {
        (u.indicator, u.status) for u in report.unread_list}
    assert not [f for f in report.issues if f.rule == "cell.lone_number"]


def test_a_lone_number_no_column_accepts_is_not_read() -> None:
    """7 breaks this year's sum (6 + 7 > 6) and does not make the cumulative one (24 + 7 ≠
    32 with every part printed): neither cell is read, and a finding says why."""
    text = _r0_lines([*ANSWERS, ("3.否决公开答复数", "条", ["7"]),
                      ("4.其他类型答复数", "条", ["0", "0"])])
    report = parse_report(text, filename="r.txt")
    got = printed_values(report)
    assert not {k for k in got if k[0].startswith("outcome.denied")}
    lone = [f for f in report.issues if f.rule == "cell.lone_number"]
    assert len(lone) == 1 and "not read" in lone[0].message
    assert {("outcome.denied", "collapsed"), ("outcome.denied.cumulative", "collapsed")} <= {
        (u.indicator, u.status) for u in report.unread_list}


# ------------------------------------------------------------- more shapes of the 莆田 pages


T2_R3 = ["二、主动公开政府信息情况", "第二十条第（一）项", "信息内容", "本年", "制发件数",
         "本年废止件数", "现行有效件", "数", "规章", "0", "行政规范性文件", "0", "27", "32"]


def test_a_row_label_in_a_sentence_before_the_table_is_not_its_row() -> None:
    """The prose names the row (…规范性文件，共27份废止失效，现有规范性文件32份) before the table
    prints it: the table's row is read, the sentence is the duplicate."""
    text = "\n".join([
        "某某局2021年政府信息公开工作年度报告", "（三）政府信息管理情况。",
        "2021年前发布的规范性文件，共27份废止失效，现有规范性文件32份，并对文件有效性进行标注。",
        *T2_R3, *_t3_lines([("一、本年新收政府信息公开申请数量", ["0"])]),
    ]) + "\n"
    report = parse_lines(text)
    got = printed_values(report)
    assert [got[(f"items.normative_docs.{k}", "total")] for k in
            ("issued", "repealed", "in_force")] == [0, 27, 32]
    dup = [f for f in report.issues if f.rule == "map.duplicate_row"]
    assert len(dup) == 1


def test_a_count_of_batches_is_a_cell() -> None:
    """政府集中采购: 3批 (projects) and 160200元 (the amount), each on its own line."""
    lines = ["某某局2020年政府信息公开工作年度报告", "第二十条第（九）项", "信息内容",
             "采购项目数量", "采购总金额", "政府集中采购", "3批", "160200元",
             *_t3_lines([("一、本年新收政府信息公开申请数量", ["0"])])]
    report = parse_lines("\n".join(lines) + "\n")
    got = printed_values(report)
    assert got[("items.procurement.projects", "total")] == 3
    assert got[("items.procurement.amount", "total")] == 160200
