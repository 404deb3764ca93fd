"""load_panel(columns=..., filters=...): a selection of the bundled panel (data/), read from
the Parquet dataset or the CSV, equals the same selection of the whole panel."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from govstats.errors import GovstatsError, UnknownName
from govstats.panel import PANEL_COLUMNS, load_panel

DATA = Path(__file__).resolve().parents[1] / "data"
COLS = ["jurisdiction_id", "year", "indicator", "applicant", "value", "derived"]


@pytest.fixture(scope="module")
def whole() -> pd.DataFrame:
    return load_panel(DATA, validate=False)


def _same(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    # categories hold what the rows selected print: compare the values, then the dtypes' kinds
    expected = expected.reset_index(drop=True)
    assert list(got.columns) == list(expected.columns)
    pd.testing.assert_frame_equal(got.astype(object), expected.astype(object))
    for c in got.columns:
        assert str(got[c].dtype) == str(expected[c].dtype), c


@pytest.mark.parametrize("source", ["panel", "panel.csv.gz"])
def test_columns_and_an_and_filter(whole: pd.DataFrame, source: str) -> None:
    got = load_panel(
        DATA / source,
        columns=COLS,
        filters=[("year", ">=", 2020), ("indicator", "in", ["requests.new", "review.total"])],
    )
    mask = (whole.year >= 2020) & whole.indicator.isin(["requests.new", "review.total"])
    assert mask.sum() > 10
    _same(got, whole.loc[mask, COLS])


@pytest.mark.parametrize("source", ["panel", "panel.csv.gz"])
def test_an_or_filter_and_an_expression(whole: pd.DataFrame, source: str) -> None:
    import pyarrow.compute as pc

    dnf = [[("year", "==", 2011)], [("year", "==", 2023), ("derived", "==", True)]]
    mask = (whole.year == 2011) | ((whole.year == 2023) & whole.derived)
    assert 0 < mask.sum() < len(whole)
    _same(load_panel(DATA / source, filters=dnf, validate=False), whole[mask])
    expr = (pc.field("year") == 2011) | ((pc.field("year") == 2023) & pc.field("derived"))
    _same(load_panel(DATA / source, filters=expr, validate=False), whole[mask])


def test_columns_in_the_order_asked_and_checked_by_the_schema(whole: pd.DataFrame) -> None:
    got = load_panel(DATA, columns=["value", "indicator"])  # validated: these columns only
    _same(got, whole[["value", "indicator"]])
    assert load_panel(DATA, columns=list(PANEL_COLUMNS)).shape == whole.shape


def test_no_selection_is_the_whole_validated_panel(whole: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(load_panel(DATA), whole)


def test_unknown_columns_are_refused() -> None:
    with pytest.raises(UnknownName, match="closest: indicator"):
        load_panel(DATA, columns=["indicatr"])
    with pytest.raises(UnknownName, match="unknown panel column 'yr'"):
        load_panel(DATA, filters=[("yr", "==", 2020)])
    with pytest.raises(GovstatsError, match="named twice"):
        load_panel(DATA, columns=["year", "year"])
    with pytest.raises(GovstatsError, match="tuple"):
        load_panel(DATA, filters=["year >= 2020"])
