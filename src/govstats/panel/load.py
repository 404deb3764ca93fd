"""Reading the panel back: :func:`load_panel` gives one tidy long DataFrame, typed and ordered
as the field catalogue (:mod:`govstats.panel.fields`) declares."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from ..errors import GovstatsError
from .fields import DATAPACKAGE, PANEL_COLUMNS, PANEL_CSV, PANEL_PARQUET, pandas_dtype, resource
from .writers import check_published

__all__ = ["data_dir", "load_panel", "tidy"]


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
        if c.is_file():
            return check_published(c.parent)
        if c.is_dir() and (
            (c / PANEL_PARQUET).is_file()
            or (c / PANEL_CSV).is_file()
            or (c / DATAPACKAGE).is_file()
        ):
            return check_published(c)
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


def load_panel(path: str | Path | None = None, validate: bool = True) -> pd.DataFrame:
    """The bundled panel as a tidy long DataFrame (one row per value).

    ``path`` may be a data folder or a ``panel.parquet`` / ``panel.csv.gz`` file; by default
    ``$GOVSTATS_DATA``, else the repository's ``data/``.  With ``validate`` the frame is
    checked against :data:`govstats.panel.schema.PANEL_SCHEMA`.
    """
    folder = data_dir(path)
    file = Path(path) if path is not None and Path(path).is_file() else None
    df = tidy(_read_panel(folder, file))
    if validate:
        from .schema import PANEL_SCHEMA

        df = PANEL_SCHEMA.validate(df)
    return df
