"""The duplicate-table check compares only the pairs that can qualify: its findings are those
of comparing every pair, on random families of near-copies."""

from __future__ import annotations

import os

from hypothesis import given, settings
from hypothesis import strategies as st

from govstats.check import checks
from govstats.check.cross_report import xr_duplicate, xr_duplicate_pairwise
from govstats.model import Value
from govstats.report import Report

CELLS = [f"c{k}" for k in range(8)] + ["c8.cumulative", "c9.cumulative"]
EXAMPLES = 30 if os.environ.get("GOVSTATS_FAST_TESTS") else 300


def _rule():  # type: ignore[no-untyped-def]
    return next(r for r in checks() if r.kind == "xr_duplicate")


def _report(i: int, cells: dict[str, float], body: int, year: int, sha: int) -> Report:
    vals = [
        Value(code, "total", v, "件", False, str(v), {"table_id": "t", "line": n})
        for n, (code, v) in enumerate(cells.items(), start=1)
    ]
    meta = {"regime": "R1", "year": year, "jurisdiction": f"机关{body}", "admin_code": str(body)}
    return Report({"path": f"r{i}", "sha256": f"s{sha}"}, meta, vals, [])


# a report: a base table (one of a few), some cells dropped, some figures changed
report_spec = st.tuples(
    st.integers(0, 2),  # base table
    st.sets(st.sampled_from(CELLS), max_size=4),  # cells dropped
    st.dictionaries(st.sampled_from(CELLS), st.sampled_from([0.0, 1.0, 2.0, 7.0]), max_size=2),
    st.integers(0, 3),  # body
    st.sampled_from([2020, 2021]),
    st.integers(0, 12),  # file hash (a few repeat: the same file given twice)
)
bases = st.lists(
    st.fixed_dictionaries({c: st.sampled_from([0.0, 0.0, 1.0, 2.0, 3.0, 5.0, 8.0]) for c in CELLS}),
    min_size=3,
    max_size=3,
)


@settings(max_examples=EXAMPLES, deadline=None)
@given(bases, st.lists(report_spec, min_size=2, max_size=14))
def test_candidate_search_finds_what_every_pair_finds(base_tables, specs) -> None:  # type: ignore[no-untyped-def]
    reports = []
    for i, (b, dropped, changed, body, year, sha) in enumerate(specs):
        cells = {c: v for c, v in base_tables[b].items() if c not in dropped}
        cells.update(changed)
        reports.append(_report(i, cells, body, year, sha))
    rule = _rule()
    assert xr_duplicate(rule, reports) == xr_duplicate_pairwise(rule, reports)


def test_candidate_search_on_copies_of_one_table() -> None:
    table = {"c0": 21.0, "c1": 15.0, "c2": 4.0, "c3": 2.0, "c4": 0.0}
    reports = [_report(i, dict(table), body=i, year=2020, sha=i) for i in range(5)]
    reports.append(_report(9, {**table, "c1": 16.0}, body=9, year=2020, sha=9))
    rule = _rule()
    found = xr_duplicate(rule, reports)
    assert len(found) == 10  # the 5 copies pairwise; the changed table with none
    assert found == xr_duplicate_pairwise(rule, reports)
