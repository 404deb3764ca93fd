"""The resolved layer (govstats.panel.resolve): cells whose run-together digits several
readings fit, settled by the identities between one body's consecutive reports only where every
reading that agrees with them gives the cell the same value; never a printed value changed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govstats.catalogue.rules import load_rules
from govstats.panel.resolve import Resolver


def _values(**cells: float) -> list[dict[str, Any]]:
    return [{"indicator": k.replace("__", "."), "applicant": "total", "value": v,
             "derived": False} for k, v in cells.items()]


def _group(cells: list[str], options: list[tuple[float, ...]], complete: bool = True,
           table: str = "t3") -> dict[str, Any]:
    return {"table_id": table, "cells": [[c, "total"] for c in cells],
            "options": [list(o) for o in options], "complete": complete}


def _settle(resolver: Resolver) -> dict[tuple[str, str], Any]:
    bodies = {rid: ("body", 0) for rid in resolver.reports}
    return {(s.report_id, s.indicator): s for s in resolver.settle(bodies)}


def test_carry_over_settles_the_one_reading_that_agrees() -> None:
    """Last year carried 5 requests over; this year's run-together '512' reads 5 | 12 or
    51 | 2: only the first agrees with carried in = last year's carried out."""
    r = Resolver()
    r.add("a-2020", "body", 2020, _values(requests__carried_out=5), [])
    r.add("a-2021", "body", 2021, [], [_group(["requests.carried_in", "requests.new"],
                                              [(5, 12), (51, 2)])])
    got = _settle(r)
    assert {k: s.value for k, s in got.items()} == {
        ("a-2021", "requests.carried_in"): 5, ("a-2021", "requests.new"): 12}
    s = got[("a-2021", "requests.new")]
    assert s.rules == ("xr.carry_over",) and s.used == ("a-2020",) and s.options == 2
    row = s.row()
    assert row["rules"] == "xr.carry_over" and row["used"] == "a-2020" and row["year"] == 0


@pytest.mark.parametrize(
    "options, complete",
    [
        ([(5, 12), (5, 21)], True),  # both agree on carried in, not on the new requests…
        ([(4, 12), (41, 2)], True),  # no reading agrees: the identity does not hold here
        ([(5, 12), (51, 2)], False),  # the readings were capped: others may exist
    ],
)
def test_nothing_is_settled_without_exactly_one_agreeing_value(
    options: list[tuple[float, ...]], complete: bool
) -> None:
    r = Resolver()
    r.add("a-2020", "body", 2020, _values(requests__carried_out=5), [])
    r.add("a-2021", "body", 2021, [], [_group(["requests.carried_in", "requests.new"],
                                              options, complete)])
    got = _settle(r)
    if options[1] == (5, 21):  # …so only carried in, which every agreeing reading gives 5
        assert {k: s.value for k, s in got.items()} == {("a-2021", "requests.carried_in"): 5}
    else:
        assert got == {}


def test_two_reports_of_one_body_and_year_or_a_gap_settle_nothing() -> None:
    group = _group(["requests.carried_in", "requests.new"], [(5, 12), (51, 2)])
    r = Resolver()
    r.add("a-2020", "body", 2020, _values(requests__carried_out=5), [])
    r.add("b-2020", "body", 2020, _values(requests__carried_out=51), [])
    r.add("a-2021", "body", 2021, [], [group])
    assert _settle(r) == {}  # which of the two 2020 reports continues is not known
    r = Resolver()
    r.add("a-2019", "body", 2019, _values(requests__carried_out=5), [])
    r.add("a-2021", "body", 2021, [], [group])
    r.add("other-2020", "other", 2020, _values(requests__carried_out=5), [])
    assert _settle(r) == {}  # no report of the year before, of this body


def test_a_printed_value_is_never_replaced() -> None:
    """A candidate set one of whose cells has a printed value is not used at all."""
    r = Resolver()
    r.add("a-2020", "body", 2020, _values(requests__carried_out=5), [])
    r.add("a-2021", "body", 2021, _values(requests__carried_in=51),
          [_group(["requests.carried_in", "requests.new"], [(5, 12), (51, 2)])])
    assert _settle(r) == {}


def test_open_cells_of_two_years_are_solved_together() -> None:
    """The cumulative column ties this year's and last year's open readings: last year
    1 | 10 or 11 | 0, this year 7 | 17 or 71 | 7.  cumulative(t) = cumulative(t−1) + x(t)
    holds for one of the four combinations only: 10 + 7 = 17."""
    r = Resolver()
    r.add("a-2017", "body", 2017, [], [_group(
        ["outcome.granted", "outcome.granted.cumulative"], [(1, 10), (11, 0)])])
    r.add("a-2018", "body", 2018, [], [_group(
        ["outcome.granted", "outcome.granted.cumulative"], [(7, 17), (71, 7)])])
    got = _settle(r)
    assert {k: s.value for k, s in got.items()} == {
        ("a-2017", "outcome.granted"): 1, ("a-2017", "outcome.granted.cumulative"): 10,
        ("a-2018", "outcome.granted"): 7, ("a-2018", "outcome.granted.cumulative"): 17}
    assert got[("a-2017", "outcome.granted")].used == ("a-2018",)
    assert got[("a-2018", "outcome.granted")].rules == ("xr.cumulative",)


def test_every_cross_year_rule_of_the_catalogue_is_used() -> None:
    kinds = {r.id for r in load_rules("checks.yaml") if r.kind == "xr_linear"}
    assert {r.id for r in Resolver().rules} == kinds
    assert {"xr.carry_over", "xr.cumulative", "xr.stock_flow", "xr.items_prev",
            "xr.public_total"} <= kinds


@settings(max_examples=150, deadline=None)
@given(
    carried_out=st.integers(0, 60),
    new=st.integers(0, 999),
    decoys=st.lists(st.tuples(st.integers(0, 99), st.integers(0, 999)), max_size=6),
    order=st.randoms(use_true_random=False),
)
def test_a_settled_value_is_always_the_true_one(
    carried_out: int, new: int, decoys: list[tuple[int, int]], order: Any
) -> None:
    """Where the identity holds for the true figures, whatever other readings the digits
    allow, a settled cell has its true value: the true reading always agrees, so a cell is
    settled only when every agreeing reading gives it the true value."""
    options = list(dict.fromkeys([(carried_out, new), *decoys]))
    order.shuffle(options)
    r = Resolver()
    r.add("a-2020", "body", 2020, _values(requests__carried_out=carried_out), [])
    r.add("a-2021", "body", 2021, [], [_group(["requests.carried_in", "requests.new"],
                                              [tuple(map(float, o)) for o in options])])
    truth = {"requests.carried_in": carried_out, "requests.new": new}
    for (_, code), s in _settle(r).items():
        assert s.value == truth[code]
    if len(options) == 1:
        return
    agreeing = {o[1] for o in options if o[0] == carried_out}
    settled_new = ("a-2021", "requests.new") in _settle(r)
    assert settled_new == (agreeing == {new})


# --------------------------------------------------------------------------- real corpus
REPO = Path(__file__).resolve().parents[1]


@pytest.mark.corpus
def test_the_bundled_resolved_layer_agrees_with_the_hand_read_truth(shared: Path) -> None:
    """Every cell of data/resolved.csv that the hand-read truth records has its true value;
    none is a cell the printed panel already has; each names its rule and reports used."""
    import json

    import pandas as pd

    from govstats import load_panel

    from .corpus_truth import expected

    res = pd.read_csv(REPO / "data" / "resolved.csv", dtype={"applicant": str})
    printed = load_panel()
    have = set(zip(printed["report_id"], printed["indicator"], printed["applicant"].astype(str),
                   strict=True))
    reports = set(printed["report_id"])
    checked = 0
    for r in res.itertuples():
        assert (r.report_id, r.indicator, r.applicant) not in have
        assert r.rules.startswith("xr.") and r.used and r.options >= 2
        assert set(r.used.split()) <= reports and r.report_id not in r.used.split()
        folder = shared / "corpus" / r.report_id
        if not (folder / "truth.json").is_file():
            continue
        truth = json.loads((folder / "truth.json").read_text("utf-8"))
        regime = str(printed.loc[printed["report_id"] == r.report_id, "regime"].iloc[0])
        want = [v for _, code, app, v in expected(truth, regime)
                if (code, app) == (r.indicator, r.applicant)]
        if want:
            assert float(r.value) in [float(v) for v in want], r
            checked += 1
    # measured: 36 cells of 11 reports settled, 28 of them recorded by the truth (all equal)
    assert len(res) >= 36 and checked >= 28
    layered = load_panel(layer="resolved")
    assert len(layered) == len(printed) + len(res)
    assert (layered["layer"] == "resolved").sum() == len(res)
    added = layered[layered["layer"] == "resolved"]
    assert added["location"].str.contains('"resolved":"xr.').all()
    assert layered.attrs["govstats_layer"] == "resolved"
