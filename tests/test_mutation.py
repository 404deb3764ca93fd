"""One-character mutations of generated real-looking reports (``tests/mutation.py``): no
value the checks cover changes without a finding, and no row is lost without one.  The
rates over a larger run are printed by ``benchmarks/bench_mutation.py``."""

from __future__ import annotations

import os

import pytest

from .mutation import REPORTS, run

FAST = bool(os.environ.get("GOVSTATS_FAST_TESTS"))


@pytest.mark.parametrize("seed", [1] if FAST else [1, 2])
def test_no_silent_change_of_a_covered_value_and_no_silent_row_drop(seed: int) -> None:
    outcomes = list(run(n_reports=1, n_mutations=8, seed=seed))
    changed = [o for o in outcomes if o.changed]
    assert {o.report for o in changed} == set(REPORTS)  # every shape was mutated
    covered_silent = [(o.report, o.mutation, sorted(o.covered)) for o in changed
                      if o.silent and o.covered]  # fmt: skip
    assert covered_silent == []
    drops_silent = [(o.report, o.mutation) for o in changed if o.silent and o.row_dropped]
    assert drops_silent == []
    assert any(o.covered for o in changed)  # the run does reach covered values
    assert any(o.row_dropped for o in changed)  # and drops rows
