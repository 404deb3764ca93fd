"""Views of the long panel: :func:`wide` (a unit-year frame by indicator or concept) and
:func:`series` (one body's series of a concept with each year's comparability)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import pandas as pd

from ..errors import UnknownName

__all__ = ["body_id", "copied_tables", "series", "wide"]

#: ``DataFrame.attrs`` key of :func:`wide`'s checks: (jurisdiction_id, year, column) → the
#: validation rules that failed on that cell (``rule;rule``); cells not listed passed
CHECKS_ATTR = "govstats_checks"
#: the columns of the report kept beside the values in :func:`wide` (those the panel has)
WIDE_REPORT_COLUMNS = ("regime", "report_id", "jurisdiction", "level", "scope", "parent_id")


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
    """A unit-year view: index (jurisdiction_id, year), the report's ``regime``,
    ``report_id``, ``jurisdiction`` (name), ``level``, ``scope`` and ``parent_id``, then one
    column per indicator (``by="indicator"``) or harmonized concept (``by="concept"``).

    ``concepts`` limits the columns (concept or indicator codes, as ``by``; an unknown code
    raises with the closest ones).  The concept view leaves out ``not-comparable`` links (e.g.
    R0 历年累计 cumulative twins); look at the ``comparability`` of each value with
    :func:`series` or the long panel.  Every body has an id (an unresolved one a
    ``cn-000000-…`` id), so every report with a year has its row, except that when a body has
    several reports for one year the one with the most values is used.  Reports whose year
    could not be read are left out with a warning naming them.  The validation rules that
    failed on each cell (the panel's ``checks``) travel in ``attrs["govstats_checks"]``
    (:data:`CHECKS_ATTR`), where :func:`govstats.analysis.metrics.compute` reads them.
    """
    if by not in ("concept", "indicator"):
        raise ValueError(f"by must be 'concept' or 'indicator', got {by!r}")
    if concepts is not None:
        concepts = [concepts] if isinstance(concepts, str) else list(concepts)
        known = _codes(by)
        for c in concepts:
            if c not in known:
                raise UnknownName("concept" if by == "concept" else "indicator", c, known)
    df = panel[(panel["applicant"] == applicant) & panel["jurisdiction_id"].notna()]
    no_year = df.loc[df["year"].isna(), "report_id"].unique()
    if len(no_year):
        warnings.warn(f"wide(): {len(no_year)} report(s) with no year left out: "
                      + ", ".join(map(str, no_year[:5])), stacklevel=2)
    df = df[df["year"].notna()]
    if by == "concept":
        df = df[df["concept"].notna() & (df["comparability"] != "not-comparable")]
    if concepts is not None:
        df = df[df[by].isin(concepts)]
    df = _one_value_per_cell(df, by)
    index = ["jurisdiction_id", "year"]
    values = df.pivot(index=index, columns=by, values="value")
    values.columns = pd.Index([str(c) for c in values.columns], name=None)
    keep = [c for c in WIDE_REPORT_COLUMNS if c in df.columns]
    meta = df.drop_duplicates(index).set_index(index)[keep]
    for c in keep:  # category columns as plain objects: a view, not the panel's dictionary
        if isinstance(meta[c].dtype, pd.CategoricalDtype):
            meta[c] = meta[c].astype(object).where(meta[c].notna(), None)
    out = meta.join(values, how="left")
    out = out[[*keep, *sorted(values.columns)]].sort_index()
    # the checks that failed on each cell travel with the frame (metrics read them)
    if "checks" in df.columns:
        failed = df[df["checks"].notna() & (df["checks"].astype(str) != "")]
        out.attrs[CHECKS_ATTR] = {
            (str(j), int(y), str(c)): str(v)
            for j, y, c, v in zip(failed["jurisdiction_id"], failed["year"], failed[by],
                                  failed["checks"], strict=True)
        }
    else:
        out.attrs[CHECKS_ATTR] = None  # a panel without the column: nothing known
    return out


def _codes(by: str) -> set[str]:
    """The valid codes of ``by``: every indicator of the catalogue, or every concept of the
    crosswalk."""
    from ..catalogue.indicators import catalogue
    from .crosswalk import crosswalk

    if by == "indicator":
        return set(catalogue())
    return {link.concept for link in crosswalk().values()}


def body_id(panel: pd.DataFrame, body: str) -> str:
    """The ``jurisdiction_id`` of ``body``: an id of the panel, or a name the panel gives a
    body (as printed in any year, or the registry's name).  An unknown body, or a name shared
    by several ids, raises with the closest ids and names."""
    ids = panel["jurisdiction_id"].dropna().astype(str)
    if body in set(ids):
        return body
    hits: set[str] = set()
    names: set[str] = set()
    for col in ("jurisdiction", "jurisdiction_printed"):
        if col in panel.columns:
            sub = panel[[col, "jurisdiction_id"]].dropna().drop_duplicates()
            names |= set(sub[col].astype(str))
            hits |= set(sub.loc[sub[col].astype(str) == body, "jurisdiction_id"].astype(str))
    if len(hits) == 1:
        return hits.pop()
    if hits:
        raise UnknownName("body", body, hits, "the name is shared by several bodies: pass an id")
    raise UnknownName("body", body, set(ids) | names)


def series(
    panel: pd.DataFrame, body: str, concept: str, applicant: str = "total"
) -> pd.DataFrame:
    """One body's yearly series of ``concept`` with each year's regime, the indicator printed,
    its value and comparability flag (not-comparable twins included, flagged).  ``body`` is a
    ``jurisdiction_id`` or a name of the body; an unknown body or concept raises with the
    closest valid ones.

    >>> s = series(load_panel(), "平潭综合实验区", "requests.new")     # doctest: +SKIP
    """
    jurisdiction_id = body_id(panel, body)
    if concept not in _codes("concept"):
        raise UnknownName("concept", concept, _codes("concept"))
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


def copied_tables(panel: pd.DataFrame) -> pd.DataFrame:
    """Tables printed with identical cells and figures by reports of different bodies for
    the same year (rule ``xr.copied_table`` of ``rules/checks.yaml``, with its thresholds):
    one row per copy, ``report_id``, ``table_id``, ``copy_of`` (the first report, by report
    id, printing the same table), the bodies of both, the year and ``cells``.  Found by
    hashing each table, never pair by pair.  The same cases may be counted in both reports:
    :func:`govstats.analysis.metrics.pool` counts such a table once."""
    import json

    from ..catalogue.rules import checks
    from ..check.cross_report import copy_worthy

    rule = next(r for r in checks() if r.id == "xr.copied_table")
    min_nonzero = int(rule.params.get("min_nonzero", 3))
    min_distinct = int(rule.params.get("min_distinct", 2))
    columns = ["report_id", "table_id", "copy_of", "jurisdiction_id", "copy_of_jurisdiction_id",
               "year", "cells"]
    printed = panel[~panel["derived"].astype(bool) & panel["year"].notna()]
    if printed.empty:
        return pd.DataFrame(columns=columns)
    df = printed.assign(table_id=[json.loads(loc).get("table_id")
                                  for loc in printed["location"]])
    df = df[df["table_id"].notna()]
    df = df[["report_id", "jurisdiction_id", "year", "table_id", "indicator", "applicant",
             "value"]].astype({"report_id": str, "jurisdiction_id": str, "year": int,
                               "table_id": str, "indicator": str, "applicant": str})
    groups: dict[tuple[str, int, int], list[tuple[str, str, int]]] = {}
    for (rid, jid, year, tid), g in df.groupby(
            ["report_id", "jurisdiction_id", "year", "table_id"], sort=True):
        cells = dict(zip(zip(g["indicator"], g["applicant"], strict=True), g["value"],
                         strict=True))
        if copy_worthy(cells, min_nonzero, min_distinct):
            key = (tid, int(year), hash(tuple(sorted(cells.items()))))
            groups.setdefault(key, []).append((rid, jid, len(cells)))
    rows = []
    for (tid, year, _), members in groups.items():
        first_rid, first_jid, _ = members[0]
        rows += [{"report_id": rid, "table_id": tid, "copy_of": first_rid, "jurisdiction_id": jid,
                  "copy_of_jurisdiction_id": first_jid, "year": year, "cells": n}
                 for rid, jid, n in members[1:] if jid != first_jid]
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values(["report_id", "table_id"]).reset_index(drop=True)
