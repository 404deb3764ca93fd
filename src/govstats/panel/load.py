"""Reading the panel back: :func:`load_panel` gives one tidy long DataFrame, typed and ordered
as the field catalogue (:mod:`govstats.panel.fields`) declares."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from ..errors import GovstatsError
from .fields import DATAPACKAGE, PANEL_COLUMNS, PANEL_CSV, PANEL_PARQUET, pandas_dtype, resource

__all__ = ["LAYERS", "data_dir", "load_panel", "read_resolved", "tidy", "with_resolved"]


def data_dir(path: str | Path | None = None) -> Path:
    """The folder of the bundled panel: ``path`` > ``$GOVSTATS_DATA`` > the repository's
    ``data/`` next to ``src/``.  Raises :class:`GovstatsError` when none holds a panel."""
    candidates: list[Path] = []
    if path is not None:
        candidates.append(Path(path))
    elif os.environ.get("GOVSTATS_DATA"):
        candidates.append(Path(os.environ["GOVSTATS_DATA"]))
    else:
        candidates.append(Path(__file__).resolve().parents[3] / "data")  # src/govstats/panel/
    for c in candidates:
        if c.is_file():
            return c.parent
        if c.is_dir() and (
            (c / PANEL_PARQUET).is_file()
            or (c / PANEL_CSV).is_file()
            or (c / DATAPACKAGE).is_file()
        ):
            return c
    raise GovstatsError(
        f"no panel found at {candidates[0]} (pass a path, set GOVSTATS_DATA, or run "
        "`govstats build SOURCE_DIR --out data`)"
    )


def _read_panel(folder: Path, file: Path | None) -> pd.DataFrame:
    target = file
    if target is None:
        pq_path = folder / PANEL_PARQUET
        target = pq_path if pq_path.is_file() else folder / PANEL_CSV
    if target.suffix == ".parquet":
        return pd.read_parquet(target)
    return pd.read_csv(
        target,
        dtype={f.name: "string" for f in resource("panel").fields if f.type == "string"},
        keep_default_na=False,
        na_values={c: [""] for c in PANEL_COLUMNS},
    )


def tidy(df: pd.DataFrame) -> pd.DataFrame:
    """Apply the panel's column order and dtypes (strings, categories, Int64, float64, bool)."""
    df = df[PANEL_COLUMNS].copy()
    for f in resource("panel").fields:
        c = f.name
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
    path: str | Path | None = None, validate: bool = True, layer: str = "printed"
) -> pd.DataFrame:
    """The bundled panel as a tidy long DataFrame (one row per value).

    ``path`` may be a data folder or a ``panel.parquet`` / ``panel.csv.gz`` file; by default
    ``$GOVSTATS_DATA``, else the repository's ``data/``.  With ``validate`` the frame is
    checked against :data:`govstats.panel.schema.PANEL_SCHEMA`.

    ``layer`` chooses the values: ``"printed"`` (the default) are the figures as the reports
    print them (and sums derived from printed parts, marked ``derived``); ``"resolved"`` adds
    the cells of ``resolved.csv`` — run-together digits several readings fit, settled by the
    identities between one body's consecutive reports (:mod:`govstats.panel.resolve`) — with
    ``layer == "resolved"`` and the rule and reports used in ``location``.  A printed value is
    never replaced.  The frame's ``attrs["govstats_layer"]`` says which layer it holds.
    """
    if layer not in LAYERS:
        raise GovstatsError(f"unknown layer {layer!r}: use one of {', '.join(LAYERS)}")
    folder = data_dir(path)
    file = Path(path) if path is not None and Path(path).is_file() else None
    df = tidy(_read_panel(folder, file))
    if layer == "resolved":
        df = with_resolved(df, folder)
    if validate:
        from .schema import PANEL_SCHEMA

        PANEL_SCHEMA.validate(df[PANEL_COLUMNS])  # the settled rows too
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
