"""Validation rules on small synthetic reports: one test per rule kind, and a mutation test
on a consistent real table (figures of 淮安市 2024, tables 三 and 四)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govstats import validate_report, validate_reports
from govstats.catalogue.rules import KINDS, parse_rule
from govstats.check import PER_REPORT, checks
from govstats.check.common import Index
from govstats.check.cross_report import ACROSS, PAIRWISE, xr_linear
from govstats.cli import main as cli_main
from govstats.errors import ConfigError
from govstats.model import Finding, NarrativeFigure, UnreadCell, Value
from govstats.parse.meta import sign_off_dates
from govstats.report import Report

FIXTURES = Path(__file__).parent / "fixtures" / "validate"


def rep(
    regime: str,
    values: dict[Any, float],
    *,
    year: int = 2017,
    meta: dict[str, Any] | None = None,
    narrative: list[NarrativeFigure] | None = None,
    path: str = "r.txt",
    sha: str = "0",
) -> Report:
    """A report of ``values``: {code: v} or {(code, applicant): v}; line numbers in order."""
    vals = []
    for i, (k, v) in enumerate(values.items(), start=1):
        code, applicant = k if isinstance(k, tuple) else (k, "total")
        vals.append(Value(code, applicant, v, "件", False, str(v), {"table_id": "t", "line": i}))
    m = {"regime": regime, "year": year, "jurisdiction": "某市人民政府", "admin_code": "1"}
    m.update(meta or {})
    return Report({"path": path, "sha256": sha}, m, vals, narrative or [])


def rules(findings: list[Finding]) -> list[str]:
    return [f.rule for f in findings]


def only(findings: list[Finding], rule: str) -> Finding:
    got = [f for f in findings if f.rule == rule]
    assert len(got) == 1, (rule, rules(findings))
    return got[0]


# ------------------------------------------------------------------ the catalogue


def test_catalogue_loads_every_rule_with_explanations() -> None:
    ids = {c.id for c in checks()}
    assert {"t3.balance", "r1.requests.channels", "text.table_mismatch", "xr.carry_over",
            "date.before_period_end", "structure.outdated_template"} <= ids
    assert all(c.zh and c.en and c.severity in ("error", "warning", "info") for c in checks())


def test_catalogue_rejects_unknown_codes_and_keys() -> None:
    base = {"id": "x", "zh": "x", "en": "x", "left": ["requests.new"], "right": ["requests.new"]}
    with pytest.raises(ConfigError, match="not in the catalogue"):
        parse_rule({**base, "left": ["no.such.code"]}, "t")
    with pytest.raises(ConfigError, match="unknown key"):
        parse_rule({**base, "typo_key": 1}, "t")
    with pytest.raises(ConfigError, match="op must be"):
        parse_rule({**base, "op": "<"}, "t")


# ------------------------------------------------------------------ sums and inequalities


def test_parts_vs_total_names_every_cell_with_numbers() -> None:
    r = rep("R1", {"review.total": 509, "review.upheld": 182, "review.corrected": 80,
                   "review.other": 246})
    f = only(validate_report(r), "r1.review")
    assert f.severity == "error"
    assert f.found == "182+80+246 = 508 ≠ 509"
    assert f.expected == "review.upheld + review.corrected + review.other = review.total"
    assert [(c["indicator"], c["value"], c["line"]) for c in f.cells] == [
        ("review.upheld", 182, 2), ("review.corrected", 80, 3), ("review.other", 246, 4),
        ("review.total", 509, 1)]
    assert "509" in f.message and "509" in f.message_zh


def test_consistent_parts_give_no_finding() -> None:
    r = rep("R1", {"review.total": 508, "review.upheld": 182, "review.corrected": 80,
                   "review.other": 246})
    assert "r1.review" not in rules(validate_report(r))


def test_partial_parts_are_checked_as_at_most_the_total() -> None:
    # 其他形式 not printed: the printed channels may add up to less, never to more
    base = {"requests.new": 100, "requests.channel.in_person": 40,
            "requests.channel.fax": 0, "requests.channel.online": 30,
            "requests.channel.letter": 20}
    assert "r1.requests.channels" not in rules(validate_report(rep("R1", base)))
    f = only(validate_report(rep("R1", {**base, "requests.channel.letter": 40})),
             "r1.requests.channels")
    assert f.found == "40+0+30+40 = 110 > 100"


def test_channel_counts_may_exceed_the_proactive_total() -> None:
    # the R1 form counts an item published through several channels once in the total
    r = rep("R1", {"proactive.total": 100, "proactive.channel.gazette": 60,
                   "proactive.channel.website": 90, "proactive.channel.weibo": 30,
                   "proactive.channel.wechat": 30, "proactive.channel.other": 0})
    assert not [f for f in validate_report(r) if f.rule.startswith("r1.proactive")
                or f.rule == "r1.part_le_parent"]


def test_channels_below_total_or_one_channel_above_it_are_found() -> None:
    below = rep("R1", {"proactive.total": 100, "proactive.channel.gazette": 10,
                       "proactive.channel.website": 50, "proactive.channel.weibo": 10,
                       "proactive.channel.wechat": 10, "proactive.channel.other": 0})
    f = only(validate_report(below), "r1.proactive.channels_cover")
    assert (f.severity, f.found) == ("warning", "10+50+10+10+0 = 80 < 100")
    above = rep("R1", {"proactive.total": 100, "proactive.channel.website": 120})
    f = only(validate_report(above), "r1.part_le_parent")
    assert (f.severity, f.found) == ("error", "120 > 100")


def test_r2_balance_in_every_applicant_column() -> None:
    v = {("requests.new", "natural_person"): 10, ("requests.new", "total"): 10,
         ("requests.carried_in", "natural_person"): 1, ("requests.carried_in", "total"): 1,
         ("outcome.total", "natural_person"): 10, ("outcome.total", "total"): 11,
         ("requests.carried_out", "natural_person"): 0, ("requests.carried_out", "total"): 0}
    f = only(validate_report(rep("R2", v, year=2019)), "t3.balance")
    assert "[natural_person]" in f.message
    assert f.found == "10+1 = 11 ≠ 10+0 = 10"


def test_r3_applicant_columns_add_up_to_total() -> None:
    cols = ["natural_person", "commercial", "research", "social_welfare", "legal_service",
            "other_org"]
    v = {("requests.new", a): n for a, n in zip(cols, [5, 1, 0, 0, 0, 0], strict=True)}
    v[("requests.new", "total")] = 7
    f = only(validate_report(rep("R3", v, year=2022)), "t3.applicants")
    assert f.found == "5+1+0+0+0+0 = 6 ≠ 7"


def test_r0_this_year_cannot_exceed_cumulative() -> None:
    r = rep("R0", {"proactive.total": 74, "proactive.total.cumulative": 0}, year=2012)
    f = only(validate_report(r), "r0.cumulative")
    assert f.found == "74 > 0"


# ------------------------------------------------------------------ text vs table


def fig(code: str, value: float, raw: str, unit: str | None = None) -> NarrativeFigure:
    return NarrativeFigure(code, value, unit, raw, raw, {"line": 99, "char": 0})


def test_text_figure_differing_from_table_is_found() -> None:
    r = rep("R1", {"requests.channel.letter": 790},
            narrative=[fig("requests.channel.letter", 828, "信函申请828件")])
    f = only(validate_report(r), "text.table_mismatch")
    assert f.found == "text 828 ≠ table 790"
    assert f.cells[0]["narrative"] and f.cells[0]["line"] == 99 and f.cells[1]["line"] == 1


def test_rounded_text_figure_within_rounding_is_not_a_contradiction() -> None:
    text = [fig("proactive.total", 297000, "主动公开政府信息共29.7万条", "rounded:万")]
    ok = rep("R1", {"proactive.total": 297360}, narrative=text)
    assert "text.table_mismatch" not in rules(validate_report(ok))
    bad = rep("R1", {"proactive.total": 287360}, narrative=text)
    assert "text.table_mismatch" in rules(validate_report(bad))


def test_text_concept_compared_through_the_crosswalk() -> None:
    r = rep("R3", {"outcome.granted": 272, "outcome.partial": 3}, year=2021,
            narrative=[fig("outcome.granted_or_partial", 258, "予以公开及部分公开258件")])
    f = only(validate_report(r), "text.table_mismatch")
    assert f.found == "text 258 ≠ table 272+3 = 275"


# ------------------------------------------------------------------ dates


def test_signed_before_the_period_ends() -> None:
    meta = {"dates": [{"kind": "sign_off", "printed": "2017年1月22日", "line": 169,
                       "date": "2017-01-22"}],
            "statistics_period": {"start": "2017-01-01", "end": "2017-12-31"}}
    f = only(validate_report(rep("R1", {}, meta=meta)), "date.before_period_end")
    assert f.found == "sign_off 2017年1月22日 = 2017-01-22 < 2017-12-31"
    assert f.cells[0]["line"] == 169


def test_impossible_date_is_an_error() -> None:
    meta = {"dates": [{"kind": "sign_off", "printed": "2018年2月30日", "date": None}]}
    f = only(validate_report(rep("R1", {}, meta=meta)), "date.impossible")
    assert (f.severity, f.found) == ("error", "2018年2月30日 does not exist")


def test_impossible_sign_off_found_in_the_text() -> None:
    # the metadata carries the sign-off printed after the body's name; validation reads it
    body = "平潭综合实验区交通与建设局"
    dates = sign_off_dates(f"……改进。 {body} 2018年2月30日 附件下载", body)
    assert dates and dates[0]["date"] is None
    r = rep("R1", {}, meta={"jurisdiction": body, "dates": dates})
    f = only(validate_report(r), "date.impossible")
    assert "2018年2月30日" in f.found
    assert sign_off_dates("某局 2019年1月5日", "某局")[0]["date"] == "2019-01-05"


def test_implausibly_late_publication() -> None:
    f = only(validate_report(rep("R1", {}, meta={"published_date": "2019-06-01"})), "date.late")
    assert "517 days" in f.found


def test_signed_after_the_page_was_published() -> None:
    meta = {"dates": [{"kind": "page_header", "printed": "2015-01-30", "date": "2015-01-30"},
                      {"kind": "sign_off", "printed": "2015年2月4日", "date": "2015-02-04"}]}
    f = only(validate_report(rep("R1", {}, year=2014, meta=meta)), "date.signed_after_published")
    assert f.found == "signed 2015-02-04 > published 2015-01-30"


def test_title_year_vs_statistics_period() -> None:
    meta = {"title": "某市2018年政府信息公开工作年度报告",
            "statistics_period": {"printed": "统计期限自2017年1月1日起至2017年12月31日",
                                  "start": "2017-01-01", "end": "2017-12-31"}}
    f = only(validate_report(rep("R1", {}, year=2018, meta=meta)), "date.title_period")
    assert f.found == "title 2018 ≠ period 2017"


# ------------------------------------------------------------------ structure


def test_outdated_template() -> None:
    f = only(validate_report(rep("R1", {"requests.new": 1}, year=2019)),
             "structure.outdated_template")
    assert (f.severity, f.found) == ("warning", "R1 (2014–2018)")
    f = only(validate_report(rep("R0", {"requests.new": 1}, year=2015)),
             "structure.outdated_template")
    assert f.severity == "info"  # Fujian bodies kept their local template until 2018
    assert "structure.outdated_template" not in rules(
        validate_report(rep("R2", {"requests.new": 1}, year=2020)))


def test_missing_table_and_row() -> None:
    r = rep("R3", {"requests.new": 1}, year=2022)
    r.value_list[0] = Value("requests.new", "total", 1, "件", False, "1", {"table_id": "t3"})
    f = only(validate_report(r), "structure.missing_table")
    assert (f.found, f.cells) == ("missing", ({"table_id": "t4"},))
    r = rep("R0", {"proactive.total": 3, "requests.new": 0, "outcome.answered": 0}, year=2012)
    got = [f.indicators for f in validate_report(r) if f.rule == "structure.missing_row"]
    assert got == [("review.total",), ("litigation.total",)]


def test_blank_total_with_printed_parts() -> None:
    r = rep("R1", {"requests.closed.on_time": 975, "requests.closed.extended": 98})
    r.unread_list.append(UnreadCell("requests.closed", "total", "blank", "", {"line": 5}))
    f = only(validate_report(r), "structure.blank_total")
    assert f.expected == "requests.closed printed (975+98 = 1073)"


# ------------------------------------------------------------------ cross-report


def pair(prev: dict[Any, float], cur: dict[Any, float], regime: str = "R3",
         years: tuple[int, int] = (2021, 2022)) -> list[Finding]:
    a = rep(regime, prev, year=years[0], path="a.txt", sha="a")
    b = rep(regime, cur, year=years[1], path="b.txt", sha="b")
    return validate_reports([b, a])


def test_carry_over_break_names_both_reports() -> None:
    f = only(pair({"requests.carried_out": 3}, {"requests.carried_in": 1}), "xr.carry_over")
    assert f.found == "1 ≠ 3"
    assert {c["report"] for c in f.cells} == {"a.txt", "b.txt"}
    assert {c["sha256"] for c in f.cells} == {"a", "b"}
    assert not pair({"requests.carried_out": 3}, {"requests.carried_in": 3})


def test_other_bodies_are_not_compared() -> None:
    a = rep("R3", {"requests.carried_out": 3}, year=2021, path="a", sha="a")
    b = rep("R3", {"requests.carried_in": 1}, year=2022, path="b", sha="b",
            meta={"jurisdiction": "另一局"})
    assert validate_reports([a, b]) == []


def test_stock_flow_of_normative_documents() -> None:
    f = only(pair({"items.normative_docs.in_force": 20},
                  {"items.normative_docs.issued": 1, "items.normative_docs.repealed": 0,
                   "items.normative_docs.in_force": 0}), "xr.stock_flow")
    assert (f.severity, f.found) == ("warning", "20+1-0 = 21 ≠ 0")


def test_items_of_last_year_continue() -> None:
    f = only(pair({"items.licensing.prev_items": 77, "items.licensing.change": 0},
                  {"items.licensing.prev_items": 48}, regime="R2", years=(2019, 2020)),
             "xr.items_prev")
    assert f.found == "77+0 = 77 ≠ 48"


def test_cumulative_series_break() -> None:
    f = only(pair({"proactive.total.cumulative": 1516},
                  {"proactive.total": 739, "proactive.total.cumulative": 4359},
                  regime="R0", years=(2011, 2012)), "xr.cumulative")
    assert f.found == "1516+739 = 2255 ≠ 4359"


def test_identical_tables_of_two_bodies() -> None:
    table = {"requests.new": 21, "outcome.granted": 15, "outcome.partial": 4,
             "review.total": 2, "litigation.total": 0}
    a = rep("R1", table, path="a", sha="a")
    b = rep("R1", table, path="b", sha="b", meta={"jurisdiction": "另一局"})
    f = only(validate_reports([a, b]), "xr.duplicate_table")
    assert f.found == "5 shared cells identical (4 non-zero)"
    same_file = rep("R1", table, path="a2", sha="a")
    assert validate_reports([a, same_file]) == []


def test_one_table_copied_by_two_bodies_of_one_year() -> None:
    t4 = {"review.upheld": 1, "review.corrected": 0, "review.other": 2, "review.total": 3,
          "litigation.direct.upheld": 12, "litigation.direct.total": 12}
    zone = rep("R3", t4, year=2021, path="zone", sha="z", meta={"jurisdiction": "某区"})
    dept = rep("R3", t4, year=2021, path="dept", sha="d")
    found = [f for f in validate_reports([zone, dept]) if f.rule == "xr.copied_table"]
    assert len(found) == 1 and found[0].found == "table t identical"
    # another year, or a table of one request (1 in every cell): alike by chance, no finding
    later = rep("R3", t4, year=2022, path="later", sha="l")
    assert not [f for f in validate_reports([zone, later]) if f.rule == "xr.copied_table"]
    ones = {"review.upheld": 1, "review.total": 1, "litigation.direct.upheld": 1,
            "litigation.direct.total": 1}
    pair = [rep("R3", ones, year=2021, path=p, sha=p, meta={"jurisdiction": p})
            for p in ("甲局", "乙局")]
    assert not [f for f in validate_reports(pair) if f.rule == "xr.copied_table"]


def test_year_over_year_jump_is_info() -> None:
    f = only(pair({"requests.new": 4}, {"requests.new": 21}), "xr.yoy_jump")
    assert (f.severity, f.found) == ("info", "4 → 21")
    assert not pair({"requests.new": 4}, {"requests.new": 12})


def test_one_linear_kind_evaluates_any_equation_across_years() -> None:
    # carry-over, stock and flow, cumulative columns and items of last year are one kind
    assert {c.kind for c in checks() if c.id in (
        "xr.carry_over", "xr.stock_flow", "xr.cumulative", "xr.items_prev")} == {"xr_linear"}
    rule = parse_rule({"id": "xr.test", "kind": "xr_linear", "zh": "测试", "en": "test",
                       "each": ["items.regulations"],
                       "left": [{"code": "{x}.in_force", "year": 0}],
                       "op": "<=",
                       "right": [{"code": "{x}.in_force", "year": -1, "coef": 2},
                                 {"code": "{x}.issued", "year": 0}],
                       "expected": "{x}.in_force ({year}) <= 2 × ({prev_year}) + issued"}, "t")
    prev = rep("R3", {"items.regulations.in_force": 10}, year=2021, path="a.txt", sha="a")
    cur = rep("R3", {"items.regulations.in_force": 25, "items.regulations.issued": 3},
              year=2022, path="b.txt", sha="b")
    [f] = xr_linear(rule, prev, cur, Index(prev), Index(cur))
    assert f.found == "25 > 2×10+3 = 23"
    assert f.expected == "items.regulations.in_force (2022) <= 2 × (2021) + issued"
    assert [(c["report"], c["indicator"]) for c in f.cells] == [
        ("b.txt", "items.regulations.in_force"), ("a.txt", "items.regulations.in_force"),
        ("b.txt", "items.regulations.issued")]
    assert f.indicators == ("items.regulations.in_force", "items.regulations.issued")
    cur.value_list.pop()  # issued not printed: nothing to compare
    assert xr_linear(rule, prev, cur, Index(prev), Index(cur)) == []


def test_every_kind_has_one_function() -> None:
    assert sorted([*PER_REPORT, *PAIRWISE, *ACROSS]) == sorted(KINDS)


# ------------------------------------------------------------------ mutation


def _huaian() -> tuple[Report, list[tuple[str, str]]]:
    data = json.loads((FIXTURES / "huaian_2024_t3_t4.json").read_text("utf-8"))
    values = {(c, a): v for c, a, v, _ in data["cells"]}
    return rep(data["regime"], values, year=data["year"]), list(values)


def _table_findings(r: Report) -> list[Finding]:
    return [f for f in validate_report(r) if f.rule.startswith(("t3.", "t4."))]


def test_the_real_table_is_consistent() -> None:
    r, cells = _huaian()
    assert len(cells) == 106
    assert _table_findings(r) == []


def _mutated(key: tuple[str, str], delta: int) -> Report:
    r, _ = _huaian()
    vals = [
        Value(v.indicator, v.applicant, v.value + delta, v.unit, False, v.raw, v.location)
        if (v.indicator, v.applicant) == key else v
        for v in r.value_list
    ]
    return Report(r.source, r.meta, vals)


@pytest.mark.parametrize("key", _huaian()[1], ids="{0[0]}[{0[1]}]".format)
def test_changing_any_printed_number_is_found_at_that_cell(key: tuple[str, str]) -> None:
    found = _table_findings(_mutated(key, 1))
    named = {(c.get("indicator"), c.get("applicant")) for f in found for c in f.cells}
    assert key in named


@settings(max_examples=60, deadline=None)
@given(k=st.integers(0, 105), delta=st.integers(-50, 50).filter(bool))
def test_any_change_of_any_cell_is_found(k: int, delta: int) -> None:
    key = _huaian()[1][k]
    found = _table_findings(_mutated(key, delta))
    assert any(key in {(c.get("indicator"), c.get("applicant")) for c in f.cells}
               for f in found)


# ------------------------------------------------------------------ CLI


def test_cli_validate_writes_csv_and_exits_zero_with_findings(tmp_path: Path, capsys) -> None:
    report = tmp_path / "r.txt"
    report.write_text(
        "某县人民政府2017年政府信息公开工作年度报告\n\n统计指标\t单位\t统计数\n"
        "行政复议数量\t件\t10\n维持具体行政行为数\t件\t4\n被依法纠错数\t件\t3\n"
        "其他情形数\t件\t2\n行政诉讼数量\t件\t0\n收到申请数\t件\t5\n",
        encoding="utf-8",
    )
    out = tmp_path / "f.csv"
    assert cli_main(["validate", str(tmp_path), "--csv", str(out)]) == 0
    text = capsys.readouterr().out
    assert "r1.review" in text and "4+3+2 = 9 ≠ 10" in text
    rows = out.read_text("utf-8").splitlines()
    assert rows[0].split(",")[:4] == ["report", "sha256", "rule", "severity"]
    assert any("r1.review" in r and "4+3+2 = 9 ≠ 10" in r for r in rows[1:])
    assert cli_main(["validate", str(report), "--severity", "error"]) == 0
    assert "[info" not in capsys.readouterr().out


def test_cli_validate_fails_only_for_unreadable_input(tmp_path: Path, capsys) -> None:
    assert cli_main(["validate", str(tmp_path / "missing.txt")]) == 1
    assert "missing.txt" in capsys.readouterr().err
