"""Reading the panel back: :func:`load_panel` gives one tidy long DataFrame, typed and ordered
as the field catalogue (:mod:`govstats.panel.fields`) declares."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import GovstatsError, UnknownName
from .fields import (
    DATAPACKAGE,
    PANEL_COLUMNS,
    PANEL_CSV,
    PANEL_DATASET,
    PANEL_PARQUET,
    pandas_dtype,
    resource,
)
from .store import MANIFEST, PARTITION_KEYS, province_codes
from .writers import check_published

__all__ = ["LAYERS", "data_dir", "load_panel", "read_resolved", "tidy", "with_resolved"]


def data_dir(path: str | Path | None = None) -> Path:
    """The folder of the bundled panel: ``path`` > ``$GOVSTATS_DATA`` > the repository's
    ``data/`` next to ``src/``.  Raises :class:`GovstatsError` when none holds a panel, or
    when a build was interrupted while it renamed its files into place there."""
    candidates: list[Path] = []
    if path is not None:
        candidates.append(Path(path))
    elif os.environ.get("GOVSTATS_DATA"):
        candidates.append(Path(os.environ["GOVSTATS_DATA"]))
    else:
        candidates.append(Path(__file__).resolve().parents[3] / "data")  # src/govstats/panel/
    for c in candidates:
        if c.is_file() or (c.is_dir() and (c / MANIFEST).is_file()):  # a file, the dataset
            return check_published(c.parent)
        if c.is_dir() and (
            (c / PANEL_DATASET).is_dir()
            or (c / PANEL_PARQUET).is_file()
            or (c / PANEL_CSV).is_file()
            or (c / DATAPACKAGE).is_file()
        ):
            return check_published(c)
    raise GovstatsError(
        f"no panel found at {candidates[0]} (pass a path, set GOVSTATS_DATA, or run "
        "`govstats build SOURCE_DIR --out data`)"
    )


#: a row filter: pyarrow's disjunctive normal form (``[("year", ">=", 2020)]``: a conjunction;
#: ``[[...], [...]]``: a disjunction of conjunctions) or a ``pyarrow.compute.Expression``
Filters = Any


def _filter_columns(filters: Filters) -> list[str]:
    """The columns a DNF filter names (an Expression is checked by pyarrow)."""
    if filters is None or not isinstance(filters, list | tuple):
        return []
    terms = [t for group in filters for t in group] if filters and isinstance(
        filters[0], list
    ) else list(filters)
    names = []
    for t in terms:
        if not isinstance(t, tuple | list) or len(t) != 3:
            raise GovstatsError(f"a filter is a (column, op, value) tuple, not {t!r}")
        names.append(str(t[0]))
    return names


def _check_names(columns: Sequence[str] | None, filters: Filters) -> None:
    for name in columns or []:
        if name not in PANEL_COLUMNS:
            raise UnknownName("panel column", name, PANEL_COLUMNS)
    for name in _filter_columns(filters):  # a filter may name the partition keys too
        if name not in PANEL_COLUMNS and name not in PARTITION_KEYS:
            raise UnknownName("panel column", name, [*PANEL_COLUMNS, *PARTITION_KEYS])


def _expression(filters: Filters) -> Any:
    """``filters`` as a ``pyarrow.compute.Expression`` (None stays None)."""
    if filters is None:
        return None
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    return filters if isinstance(filters, pc.Expression) else pq.filters_to_expression(filters)


def _filter_frame(df: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The rows of a frame read from the CSV that pass ``filters``, evaluated by pyarrow as
    on the Parquet file."""
    import numpy as np
    import pyarrow as pa

    expr = _expression(filters)
    table = pa.Table.from_pandas(df, preserve_index=False).append_column(
        "__row", pa.array(np.arange(len(df)))
    )
    if "province_code" not in table.column_names:  # the dataset's partition key, from code
        table = table.append_column("province_code", province_codes(table.column("code")))
    rows = table.filter(expr).column("__row").to_numpy()
    return df.iloc[rows]


def _read_panel(
    folder: Path,
    file: Path | None,
    columns: Sequence[str] | None = None,
    filters: Filters = None,
    verify: bool = True,
) -> pd.DataFrame:
    target = file
    if target is None:
        for name in (PANEL_DATASET, PANEL_PARQUET, PANEL_CSV):  # the first there
            target = folder / name
            if target.exists():
                break
    assert target is not None
    if target.is_dir():
        from .store import read_table

        # only the partitions the filters leave are opened, only the columns asked for read
        return read_table(target, columns, _expression(filters), verify=verify).to_pandas()
    if target.suffix == ".parquet":  # a panel.parquet written before the dataset
        if columns is None and filters is None:
            return pd.read_parquet(target)
        if filters is not None and "province_code" in _filter_columns(filters):
            df = _filter_frame(pd.read_parquet(target), filters)
            return df if columns is None else df[list(columns)]
        return pd.read_parquet(
            target, columns=list(columns) if columns is not None else None, filters=filters
        )
    df = pd.read_csv(
        target,
        dtype={f.name: "string" for f in resource("panel").fields if f.type == "string"},
        keep_default_na=False,
        na_values={c: [""] for c in PANEL_COLUMNS},
    )
    if filters is not None:
        df = _filter_frame(df, filters)
    return df if columns is None else df[list(columns)]


def tidy(df: pd.DataFrame, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Apply the panel's column order (or ``columns``, a selection of its columns) and dtypes
    (strings, categories, Int64, float64, bool)."""
    names = PANEL_COLUMNS if columns is None else list(columns)
    df = df[names].copy()
    for f in resource("panel").fields:
        c = f.name
        if c not in df.columns:
            continue
        dtype = pandas_dtype(f)
        if dtype == "category":
            df[c] = df[c].astype("string").astype("category")
        elif dtype is bool:
            if df[c].dtype != bool:
                df[c] = df[c].map({True: True, False: False, "true": True, "false": False})
            df[c] = df[c].astype(bool)
        else:
            df[c] = df[c].astype(dtype)
    return df.reset_index(drop=True)


#: the layers :func:`load_panel` gives: the values as printed, or those plus the cells the
#: identities between one body's years settle (``resolved.csv``)
LAYERS = ("printed", "resolved")


def load_panel(
    path: str | Path | None = None,
    validate: bool = True,
    layer: str = "printed",
    *,
    columns: Sequence[str] | None = None,
    filters: Filters = None,
) -> pd.DataFrame:
    """The bundled panel as a tidy long DataFrame (one row per value).

    ``path`` may be a data folder, its dataset folder ``panel/`` or its ``panel.csv.gz`` (or
    the ``panel.parquet`` file of a build older than the dataset); by default
    ``$GOVSTATS_DATA``, else the repository's ``data/``.

    ``layer`` chooses the values: ``"printed"`` (the default) are the figures as the reports
    print them (and sums derived from printed parts, marked ``derived``); ``"resolved"`` adds
    the cells of ``resolved.csv`` — run-together digits several readings fit, settled by the
    identities between one body's consecutive reports (:mod:`govstats.panel.resolve`) — with
    ``layer == "resolved"`` and the rule and reports used in ``location``.  A printed value is
    never replaced.  The frame's ``attrs["govstats_layer"]`` says which layer it holds.

    ``columns`` selects columns (in that order); ``filters`` selects rows, in pyarrow's form:
    ``[("year", ">=", 2020), ("indicator", "in", ["requests.new"])]`` (all must hold) or a
    list of such lists (any may hold), or a ``pyarrow.compute.Expression``; a filter may also
    name ``province_code``, the dataset's partition key (the first two digits of ``code``, as a
    number: ``("province_code", "==", 35)``).
    On the dataset only those columns are read, the partitions (year, province) the filters
    rule out are not opened, and row groups they rule out are skipped; the CSV is read whole,
    then filtered the same way (the resolved layer too: its rows are added to the whole
    panel, then filtered).  An unknown column raises :class:`~govstats.errors.UnknownName`.
    Rows come in the build's order (by report id, a report's rows together), whatever the
    file.

    The dataset is read as its manifest (``panel/_manifest.json``) lists it: a listed file
    that is missing, or whose size differs, raises :class:`~govstats.panel.store.StoreError`
    (a :class:`~govstats.errors.GovstatsError`).  With ``validate`` (the default) the sha256
    of every file read is checked against the manifest too, and the frame against
    :data:`govstats.panel.schema.PANEL_SCHEMA` (its selected columns only);
    ``validate=False`` skips both, most of the time of a load.
    """
    if layer not in LAYERS:
        raise GovstatsError(f"unknown layer {layer!r}: use one of {', '.join(LAYERS)}")
    _check_names(columns, filters)
    if columns is not None and len(set(columns)) != len(columns):
        raise GovstatsError(f"columns named twice: {list(columns)}")
    folder = data_dir(path)
    file = None
    if path is not None and (Path(path).is_file() or (Path(path) / MANIFEST).is_file()):
        file = Path(path)
    if layer == "resolved":
        df = with_resolved(tidy(_read_panel(folder, file, verify=validate)), folder)
        if filters is not None:
            df = _filter_frame(df, filters).reset_index(drop=True)
        if columns is not None:
            df = df[[*columns, "layer"]]
    else:
        df = tidy(_read_panel(folder, file, columns, filters, verify=validate), columns)
    if validate:
        from .schema import PANEL_SCHEMA

        schema = PANEL_SCHEMA
        if columns is not None:
            import pandera.pandas as pa

            schema = pa.DataFrameSchema(
                {c: PANEL_SCHEMA.columns[c] for c in columns},
                strict=True,
                ordered=True,
                name=PANEL_SCHEMA.name,
            )
        schema.validate(df[[c for c in df.columns if c != "layer"]])  # settled rows too
    df.attrs["govstats_layer"] = layer
    return df


def read_resolved(folder: str | Path | None = None) -> pd.DataFrame:
    """The cells settled across years (``resolved.csv`` of a panel folder), one row each."""
    path = data_dir(folder) / resource("resolved").path
    if not path.is_file():
        raise GovstatsError(
            f"{path} not found: this panel was built without the resolved layer "
            "(rebuild it with `govstats build`)"
        )
    cols = resource("resolved").columns
    return pd.read_csv(path, dtype={c: "string" for c in cols if c not in ("year", "value",
                                                                          "options")},
                       keep_default_na=False, na_values={c: [""] for c in cols})[cols]


def with_resolved(panel: pd.DataFrame, folder: str | Path | None = None) -> pd.DataFrame:
    """``panel`` (printed values) with the settled cells of ``resolved.csv`` added as rows of
    their reports (column ``layer``: ``printed`` / ``resolved``).  A cell the panel already
    has is not added again."""
    from ..catalogue.indicators import catalogue
    from .crosswalk import link
    from .resolve import location_of

    res = read_resolved(folder)
    out = panel.copy()
    out["layer"] = "printed"
    if res.empty:
        out["layer"] = out["layer"].astype("category")
        return out
    have = set(zip(panel["report_id"].astype(str), panel["indicator"].astype(str),
                   panel["applicant"].astype(str), strict=True))
    first = panel.drop_duplicates("report_id").set_index("report_id")
    rows = []
    for r in res.to_dict("records"):
        key = (str(r["report_id"]), str(r["indicator"]), str(r["applicant"]))
        if key in have or key[0] not in first.index:
            continue
        base = first.loc[key[0]].to_dict()
        cw = link(base.get("regime"), key[1])
        ind = catalogue().get(key[1].removesuffix(".cumulative"))
        rows.append({
            **base,
            "report_id": key[0],
            "indicator": key[1],
            "applicant": key[2],
            "value": float(r["value"]),
            "unit": ind.unit if ind else None,
            "derived": False,
            "concept": cw.concept if cw else None,
            "comparability": cw.comparability if cw else None,
            "caveat": (cw.caveat_en or None) if cw else None,
            "location": location_of(r),
            "checks": None,
            "layer": "resolved",
        })
    if not rows:
        out["layer"] = out["layer"].astype("category")
        return out
    added = tidy(pd.DataFrame(rows, columns=[*PANEL_COLUMNS, "layer"]))
    added["layer"] = "resolved"
    both = pd.concat([out, added], ignore_index=True)
    for c in both.columns:
        if isinstance(panel.dtypes.get(c), pd.CategoricalDtype) or c == "layer":
            both[c] = both[c].astype("string").astype("category")
    return both.sort_values(["report_id", "indicator", "applicant"], kind="stable"
                            ).reset_index(drop=True)
