"""Issue 3: property-based round trips — random valid tables of every regime, rendered into
the shapes reports arrive in (``tests/renderers.py``), parsed back to the same numbers.

* Unambiguous shapes (HTML, DOCX, markdown, tab / space text): the printed values the parser
  emits are exactly the generated cells.
* Crawler text whose cells run together: every value emitted is the generated one (never a
  wrong number), and every generated cell is either emitted or named by a ``digits.*``
  finding.
* Zeros printed as blank cells: no printed value for a blank, a finding instead; values the
  parser derives for them (or sums it derives) equal the generated ones.

Parser bugs found this way are kept as regression tests on their minimal input at the end of
this file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govstats import parse_report
from govstats.report import Report

from .conftest import examples
from .renderers import (
    APPLICANTS,
    R0_ROWS,
    T2_ROWS,
    T3_NOTE,
    T4_CODES,
    FormReport,
    ListRow,
    ListTable,
    form_docx,
    form_html,
    form_markdown,
    form_run_together,
    list_docx,
    list_html,
    list_markdown,
    r0_table,
    run_together_text,
    seed_style_text,
    space_text,
    t3_result_codes,
    t3_rows,
    tab_lines_text,
)
from .seed_table import SEED_ROWS, seed_list_table

Key = tuple[str, str]  # (indicator, applicant)

SETTINGS = settings(
    max_examples=examples(30),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# ------------------------------------------------------------------------------ helpers


def printed_values(report: Report) -> dict[Key, int | float]:
    """The printed (not derived) values; fails when a cell is emitted twice."""
    out: dict[Key, int | float] = {}
    for v in report.value_list:
        if v.derived:
            continue
        key = (v.indicator, v.applicant)
        assert key not in out, f"{key} emitted twice"
        out[key] = v.value
    return out


def assert_exact(report: Report, expected: dict[Key, int | float], regime: str) -> None:
    """An unambiguous shape: exactly the generated cells, each with a row and column label."""
    assert report.meta["regime"] == regime
    assert printed_values(report) == expected
    for v in report.value_list:
        if not v.derived:  # provenance: the column label, and the row label (table 四 has none)
            assert v.raw and v.location["column_label"], v
            assert v.location["row_label"] or v.location["table_id"] == "t4", v


def assert_derived_true(report: Report, truth: dict[Key, int | float]) -> None:
    """Every derived value equals the generated table's value (or sum) for it."""
    for v in report.value_list:
        if v.derived:
            assert truth.get((v.indicator, v.applicant)) == v.value, v


def digits_named(report: Report) -> set[str]:
    return {c for f in report.issues if f.rule.startswith("digits.") for c in f.indicators}


def assert_never_wrong(
    report: Report,
    expected: dict[Key, int | float],
    regime: str,
) -> None:
    """Run-together text: each emitted printed value is the generated one, and each generated
    cell is emitted or named in a ``digits.*`` finding (also when no cell of its table could
    be split: ``test_unsplittable_table_keeps_its_finding``)."""
    assert report.meta["regime"] == regime
    got = printed_values(report)
    wrong = {k: (v, expected.get(k)) for k, v in got.items() if expected.get(k) != v}
    assert not wrong, f"wrong numbers (emitted, generated): {wrong}"
    named = digits_named(report)
    unaccounted = sorted(k for k in expected if k not in got and k[0] not in named)
    assert not unaccounted, f"cells neither emitted nor named in a digits.* finding: {unaccounted}"


def parse_text(text: str, filename: str) -> Report:
    return parse_report(text.encode("utf-8"), filename=filename)


# --------------------------------------------------------------------------- strategies

# counts as reports print them: mostly small, some zeros, now and then large
counts = st.one_of(st.just(0), st.integers(0, 9), st.integers(0, 300), st.integers(0, 99999))
small_counts = st.one_of(st.just(0), st.integers(0, 5), st.integers(0, 60))


@st.composite
def r0_values(draw: st.DrawFn) -> dict[str, tuple[int, int]]:
    """Rows of the Fujian template (every main row, a random selection of the "of which"
    rows) with 本年度 ≤ 历年累计 and each "of which" row ≤ its parent in both columns."""
    out: dict[str, tuple[int, int]] = {}
    for row in R0_ROWS:
        if row.parent is None:
            year = draw(counts)
            out[row.code] = (year, year + draw(counts))
        elif row.parent in out and draw(st.integers(0, 3)):
            p_year, p_total = out[row.parent]
            year = draw(st.integers(0, p_year))
            out[row.code] = (year, year + draw(st.integers(0, p_total - p_year)))
    return out


def r0_expected(values: dict[str, tuple[int, int]]) -> dict[Key, int]:
    out: dict[Key, int] = {}
    for code, (year, total) in values.items():
        out[(code, "total")] = year
        out[(f"{code}.cumulative", "total")] = total
    return out


@st.composite
def r1_tables(draw: st.DrawFn) -> tuple[ListTable, dict[Key, int | float]]:
    """The national 2014–2018 table with random figures (a decimal 万元 budget)."""
    rows: list[ListRow] = []
    expected: dict[Key, int | float] = {}
    for seed_row, row in zip(SEED_ROWS, seed_list_table().rows, strict=True):
        if seed_row.code is None:
            rows.append(row)
            continue
        if seed_row.code == "capacity.budget":
            value: int | float = draw(st.integers(0, 99999)) / 10
            text = f"{value:.1f}"
        else:
            value = draw(counts)
            text = str(value)
        expected[(seed_row.code, "total")] = value
        rows.append(ListRow(row.label, (seed_row.unit, text), indent=row.indent))
    base = seed_list_table()
    return ListTable(base.title, base.header, tuple(rows)), expected


@st.composite
def form_reports(draw: st.DrawFn, regime: str) -> FormReport:
    """Tables 二 (block 一), 三 and 四 of ``regime`` with every identity of the form holding:
    applicant columns add up to 总计, result rows add up to （七）总计, 新收 + 上年结转 =
    （七）总计 + 结转下年, each block of table 四 adds up to its 总计, and table 二's
    inequalities (R2: 本年新公开 ≤ 对外公开总数量; R3: 本年制发 ≤ 现行有效 + 本年废止)."""
    leaves = t3_result_codes(regime)
    columns: list[dict[str, int]] = []
    for _ in APPLICANTS[:-1]:
        busy = draw(st.integers(0, 3))  # most legal-person columns are all zeros
        col = {c: (draw(small_counts) if busy else 0) for c in leaves}
        col["outcome.total"] = sum(col.values())
        col["requests.carried_out"] = draw(small_counts) if busy else 0
        stock = col["outcome.total"] + col["requests.carried_out"]
        col["requests.carried_in"] = draw(st.integers(0, stock))
        col["requests.new"] = stock - col["requests.carried_in"]
        columns.append(col)
    t3 = {}
    for row in t3_rows(regime):
        vals = [c[row.code] for c in columns]
        t3[row.code] = (*vals, sum(vals))
    t4: list[int] = []
    for _ in range(3):
        parts = [draw(small_counts) for _ in range(4)]
        t4 += [*parts, sum(parts)]
    t2: dict[str, tuple[int, int, int]] = {}
    for _, code in T2_ROWS[regime]:
        a, b = draw(counts), draw(counts)
        if regime == "R2":  # new_made, new_published, public_total ≥ new_published
            t2[code] = (a, b, b + draw(counts))
        else:  # issued, repealed, in_force ≥ issued − repealed
            t2[code] = (a, b, max(0, a - b) + draw(counts))
    year = 2020 if regime == "R2" else 2022
    return FormReport(regime, t2, t3, tuple(t4), year=year)


# ============================================================================ R0 (Fujian)

R0_EXACT: dict[str, Callable[[ListTable], str | bytes]] = {
    "space text, one line": lambda t: space_text(t, one_line=True),
    "space text, row per line": space_text,
    "tab lines": tab_lines_text,
    "tab cells": lambda t: seed_style_text(t, year=2012),
    "html": lambda t: list_html(t, year=2012),
    "markdown": list_markdown,
}


@pytest.mark.parametrize("shape", sorted(R0_EXACT))
@SETTINGS
@given(values=r0_values(), year_header=st.sampled_from(["本年度", "2012年度"]))
def test_r0_exact_shapes(shape: str, values: dict[str, tuple[int, int]], year_header: str) -> None:
    table = r0_table(values, year_header)
    data = R0_EXACT[shape](table)
    name = "r.html" if shape == "html" else ("r.md" if shape == "markdown" else "r.txt")
    report = parse_report(data if isinstance(data, bytes) else data.encode(), filename=name)
    expected = r0_expected(values)
    assert_exact(report, expected, "R0")
    assert_derived_true(report, expected)


@SETTINGS
@given(values=r0_values(), year_header=st.sampled_from(["本年度", "2012年度"]))
def test_r0_run_together(values: dict[str, tuple[int, int]], year_header: str) -> None:
    text = run_together_text(r0_table(values, year_header))
    report = parse_text(text, "crawler.txt")
    assert_never_wrong(report, r0_expected(values), "R0")


def test_r0_run_together_example() -> None:
    """The brief's example run 主动公开信息数条212210037: 2122|10037 and 212|210037 both fit
    (本年度 ≤ 历年累计), so the parser must not choose; the other rows are recovered."""
    values = {
        "proactive.total": (2122, 10037),
        "requests.new": (0, 0),
        "outcome.answered": (0, 0),
        "review.total": (3, 12),
    }
    text = run_together_text(r0_table(values))
    assert "主动公开信息数条212210037受理依申请公开信息总数条00" in text
    report = parse_text(text, "crawler.txt")
    got = printed_values(report)
    assert ("proactive.total", "total") not in got
    assert "proactive.total" in digits_named(report)
    assert got[("requests.new", "total")] == 0
    assert_never_wrong(report, r0_expected(values), "R0")


# ============================================================================ R1 (national)

R1_SHAPES: dict[str, tuple[Callable[[ListTable], str | bytes], str]] = {
    "tab cells": (seed_style_text, "r.txt"),
    "html": (list_html, "r.html"),
    "docx": (list_docx, "r.docx"),
    "markdown": (list_markdown, "r.md"),
}


@pytest.mark.parametrize("shape", sorted(R1_SHAPES))
@SETTINGS
@given(drawn=r1_tables())
def test_r1_shapes(shape: str, drawn: tuple[ListTable, dict[Key, int | float]]) -> None:
    if shape == "docx":
        pytest.importorskip("docx", reason="python-docx (govstats[docx]) is not installed")
    table, expected = drawn
    render, name = R1_SHAPES[shape]
    data = render(table)
    report = parse_report(data if isinstance(data, bytes) else data.encode(), filename=name)
    assert_exact(report, expected, "R1")
    assert not [v for v in report.value_list if v.derived]


# ============================================================================ R2 / R3 forms

FORM_SHAPES: dict[str, tuple[Callable[[FormReport], str | bytes], str]] = {
    "html": (form_html, "r.html"),
    "docx": (form_docx, "r.docx"),
    "markdown": (form_markdown, "r.md"),
}


@pytest.mark.parametrize("regime", ["R2", "R3"])
@pytest.mark.parametrize("shape", sorted(FORM_SHAPES))
@SETTINGS
@given(data=st.data())
def test_form_exact_shapes(shape: str, regime: str, data: Any) -> None:
    if shape == "docx":
        pytest.importorskip("docx", reason="python-docx (govstats[docx]) is not installed")
    rep = data.draw(form_reports(regime))
    render, name = FORM_SHAPES[shape]
    out = render(rep)
    report = parse_report(out if isinstance(out, bytes) else out.encode(), filename=name)
    assert_exact(report, rep.printed(), regime)
    assert_derived_true(report, rep.with_sums())
    derived = {(v.indicator, v.applicant) for v in report.value_list if v.derived}
    # the sums of the sub-rows and the pooled litigation figures are derived, every column
    assert ("outcome.denied", "natural_person") in derived
    assert ("litigation.total", "total") in derived


@pytest.mark.parametrize("regime", ["R2", "R3"])
@SETTINGS
@given(data=st.data())
def test_form_run_together(regime: str, data: Any) -> None:
    rep = data.draw(form_reports(regime))
    report = parse_text(form_run_together(rep), "crawler.txt")
    assert_never_wrong(report, rep.printed(), regime)
    assert_derived_true(report, rep.with_sums())


def test_form_run_together_example() -> None:
    """The brief's row 一、本年新收政府信息公开申请数量640020470 (64, 0, 0, 2, 0, 4, 70)."""
    rep = FormReport(
        "R3",
        {"items.regulations": (0, 0, 0), "items.normative_docs": (0, 0, 0)},
        {r.code: (0,) * 7 for r in t3_rows("R3")},
        (0,) * 15,
    )
    t3 = dict(rep.t3)
    t3["requests.new"] = (64, 0, 0, 2, 0, 4, 70)
    t3["outcome.granted"] = (64, 0, 0, 2, 0, 4, 70)
    t3["outcome.total"] = (64, 0, 0, 2, 0, 4, 70)
    rep = FormReport("R3", rep.t2, t3, rep.t4)
    text = form_run_together(rep)
    assert "一、本年新收政府信息公开申请数量640020470" in text
    report = parse_text(text, "crawler.txt")
    got = printed_values(report)
    assert [got[("requests.new", a)] for a in APPLICANTS] == [64, 0, 0, 2, 0, 4, 70]
    assert_never_wrong(report, rep.printed(), "R3")


@pytest.mark.parametrize("regime", ["R2", "R3"])
@SETTINGS
@given(data=st.data())
def test_form_markdown_zeros_printed_blank(regime: str, data: Any) -> None:
    rep = data.draw(form_reports(regime))
    report = parse_text(form_markdown(rep, blank_zeros=True), "blank.md")
    assert report.meta["regime"] == regime
    expected = rep.printed()
    got = printed_values(report)
    assert got == {k: v for k, v in expected.items() if v != 0}
    blanks = {
        (f.indicators[0], f.cells[0].get("applicant", "total"))
        for f in report.issues
        if f.rule == "cell.blank"
    }
    assert blanks == {k for k, v in expected.items() if v == 0}
    assert_derived_true(report, rep.with_sums())


# ============================================= regressions: parser bugs these tests found


def test_unsplittable_table_keeps_its_finding() -> None:
    # 规章 1157 = 1|1|57, 1|15|7 or 11|5|7: all satisfy 本年制发 ≤ 现行有效 + 本年废止
    report = parse_text("本年制发件数本年废止件数现行有效件数规章1157", "crawler.txt")
    assert report.meta["regime"] == "R3"
    assert not printed_values(report)
    assert {
        "items.regulations.issued",
        "items.regulations.repealed",
        "items.regulations.in_force",
    } <= digits_named(report)


def test_space_text_with_header_on_its_own_line() -> None:
    text = "指标名称 计量单位 本年度 历年累计\n主动公开信息数 条 12 34\n行政复议数 件 1 5\n"
    report = parse_text(text, "space.txt")
    assert report.meta["regime"] == "R0"
    assert printed_values(report) == {
        ("proactive.total", "total"): 12,
        ("proactive.total.cumulative", "total"): 34,
        ("review.total", "total"): 1,
        ("review.total.cumulative", "total"): 5,
    }


# table 三's header as a converter flattens it (no spans), and a row of 7 blank cells
T3_FLAT_HEADER = (
    f"| {T3_NOTE} | 申请人情况 |\n"
    "| --- | --- |\n"
    "| 自然人 | 法人或其他组织 | 总计 |\n"
    "| 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 |\n"
)
BLANK_7 = "|  |  |  |  |  |  |  |"


def test_blank_table3_every_cell_is_a_finding() -> None:
    text = (
        T3_FLAT_HEADER
        + "| 一、本年新收政府信息公开申请数量 "
        + BLANK_7
        + "\n| 二、上年结转政府信息公开申请数量 "
        + BLANK_7
        + "\n"
    )
    report = parse_text(text, "blank.md")
    assert report.meta["regime"] == "R3"  # a tie with R2 on these labels goes to R3
    assert not report.value_list
    blanks = {(f.indicators[0], f.cells[0]["applicant"]) for f in report.issues
              if f.rule == "cell.blank"}  # fmt: skip
    assert blanks == {(code, a) for code in ("requests.new", "requests.carried_in")
                      for a in APPLICANTS}  # fmt: skip


def test_blank_table4_every_cell_is_a_finding() -> None:
    text = (
        "| 行政复议 | 行政诉讼 |\n"
        "| --- | --- |\n"
        "| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | 复议后起诉 |\n"
        "| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 "
        "| 尚未审结 | 总计 |\n"
        "|  |  |  |  |  |  |  |  |  |  |  |  |  |  |  |\n"
    )
    report = parse_text(text, "blank.md")
    assert not report.value_list
    blanks = {f.indicators[0] for f in report.issues if f.rule == "cell.blank"}
    assert blanks == set(T4_CODES)


def test_blank_last_cell_is_not_filled_from_split_digits() -> None:
    text = (
        "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n"
        "| --- | --- | --- | --- |\n"
        "| 行政规范性文件 | 1 | 10 |  |\n"
    )
    report = parse_text(text, "t2.md")
    assert report.meta["regime"] == "R3"
    assert printed_values(report) == {
        ("items.normative_docs.issued", "total"): 1,
        ("items.normative_docs.repealed", "total"): 10,
    }
    blanks = {f.indicators[0] for f in report.issues if f.rule == "cell.blank"}
    assert blanks == {"items.normative_docs.in_force"}
