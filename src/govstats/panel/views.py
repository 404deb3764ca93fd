"""Views of the long panel: :func:`wide` (a unit-year frame by indicator or concept) and
:func:`series` (one body's series of a concept with each year's comparability)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

__all__ = ["series", "wide"]


def _one_value_per_cell(df: pd.DataFrame, key: str) -> pd.DataFrame:
    """Printed before derived, then one report per (jurisdiction, year): the report with the
    most values (ties: the smaller report id)."""
    size = df.groupby("report_id", observed=True)["value"].transform("size")
    df = df.assign(_n=-size).sort_values(
        ["jurisdiction_id", "year", "_n", "report_id", key, "derived"], kind="stable"
    )
    first_report = df.groupby(["jurisdiction_id", "year"], observed=True)["report_id"].transform(
        "first"
    )
    df = df[df["report_id"] == first_report]
    return df.drop_duplicates(["jurisdiction_id", "year", key], keep="first").drop(columns="_n")


def wide(
    panel: pd.DataFrame,
    concepts: Sequence[str] | None = None,
    applicant: str = "total",
    by: str = "concept",
) -> pd.DataFrame:
    """A unit-year view: index (jurisdiction_id, year), one column per indicator
    (``by="indicator"``) or harmonized concept (``by="concept"``), plus ``regime`` and
    ``report_id``.

    ``concepts`` limits the columns (concept or indicator codes, as ``by``).  The concept view
    leaves out ``not-comparable`` links (e.g. R0 历年累计 cumulative twins); look at the
    ``comparability`` of each value with :func:`series` or the long panel.  Rows without a
    resolved jurisdiction are left out; when a body has several reports for one year the one
    with the most values is used.
    """
    if by not in ("concept", "indicator"):
        raise ValueError(f"by must be 'concept' or 'indicator', got {by!r}")
    df = panel[(panel["applicant"] == applicant) & panel["jurisdiction_id"].notna()]
    df = df[df["year"].notna()]
    if by == "concept":
        df = df[df["concept"].notna() & (df["comparability"] != "not-comparable")]
    if concepts is not None:
        df = df[df[by].isin(list(concepts))]
    df = _one_value_per_cell(df, by)
    index = ["jurisdiction_id", "year"]
    values = df.pivot(index=index, columns=by, values="value")
    values.columns = pd.Index([str(c) for c in values.columns], name=None)
    meta = df.drop_duplicates(index).set_index(index)[["regime", "report_id"]]
    out = meta.join(values, how="left")
    out = out[["regime", "report_id", *sorted(values.columns)]]
    return out.sort_index()


def series(
    panel: pd.DataFrame, jurisdiction_id: str, concept: str, applicant: str = "total"
) -> pd.DataFrame:
    """One body's yearly series of ``concept`` with each year's regime, the indicator printed,
    its value and comparability flag (not-comparable twins included, flagged).

    >>> s = series(load_panel(), "cn-350128-ptsyq", "requests.new")     # doctest: +SKIP
    """
    df = panel[
        (panel["jurisdiction_id"] == jurisdiction_id)
        & (panel["concept"] == concept)
        & (panel["applicant"] == applicant)
    ]
    cols = ["year", "regime", "indicator", "value", "derived", "comparability", "caveat",
            "report_id", "location"]  # fmt: skip
    return df.sort_values(["year", "comparability", "indicator", "report_id"], kind="stable")[
        cols
    ].reset_index(drop=True)
