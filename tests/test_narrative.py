"""Figures the prose states (``Report.narrative``), including statements of none."""

from __future__ import annotations

import pytest

from govstats.model import Document
from govstats.parse.narrative import extract_narrative


def _figures(text: str) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for f in extract_narrative(Document(kind="text", text=text)):
        out.setdefault(f.indicator, []).append(f.value)
    return out


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("2017年未收到有关政府信息公开申请。", "requests.new"),
        ("我局没有收到信息公开申请。", "requests.new"),
        ("我局在2012年度未收到申请公开政府信息情况。", "requests.new"),
        ("2017年度，我局没有受理依申请公开的信息。", "requests.new"),
        ("2018年未收到有关政府信息公开行政复议、提起行政诉讼的申请。", "review.total"),
        ("2018年未收到有关政府信息公开行政复议、提起行政诉讼的申请。", "litigation.total"),
        ("2016年度我局无因政府信息公开申请行政复议、提起行政诉讼的情况。", "litigation.total"),
        ("也不存在因政府信息公开而被申请行政复议、行政诉讼的情况。", "review.total"),
    ],
)
def test_statements_of_none_are_zero(text: str, code: str) -> None:
    assert _figures(text)[code] == [0]


def test_a_statement_about_another_thing_is_not_zero() -> None:
    # 未收到…的申请 (requests: none), then a reconsideration case: 1, not 0
    got = _figures("2013年全区未收到有关政府信息公开的申请，收到1份有关政府信息公开行政复议申请。")
    assert got["requests.new"] == [0]
    assert got["review.total"] == [1]
    # no reconsideration *corrected* a decision: says nothing about how many there were
    assert "review.total" not in _figures("全年未发生因依申请公开被行政复议纠错或诉讼败诉的情况。")
    # a disclosure-request statement is not a reconsideration statement
    assert "requests.new" not in _figures("未收到有关政府信息公开行政复议申请。")


def test_numbers_in_prose() -> None:
    got = _figures("主动公开政府信息2122条，共收到依申请公开信息4件，收到政府信息公开申请29件。")
    assert got["proactive.total"] == [2122]
    assert sorted(got["requests.new"]) == [4, 29]


def test_more_ways_of_saying_it() -> None:
    got = _figures("2015年度，我局未有因政府信息公开申请行政复议、提起行政诉讼的情况。")
    assert got["review.total"] == [0] and got["litigation.total"] == [0]
    assert _figures("2014年度，我局依申请公开政府信息0条。")["requests.new"] == [0]
    got = _figures("2012年某局通过“中国平潭”网站进行政府信息公开53条。")
    assert got["proactive.total"] == [53]
