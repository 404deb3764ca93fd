"""The harmonized multi-year, multi-jurisdiction panel.

:func:`build_panel` parses a folder of reports into ``data/`` (Parquet + CSV + a
``datapackage.json`` generated from the field catalogue); :func:`load_panel` reads it back as
one tidy long DataFrame; :func:`wide` gives a unit-year view by indicator or by harmonized
concept; :func:`series` one body's series of a concept with the comparability flag of every
year.

The stages, one module each: :mod:`~govstats.panel.discover` (the reports of a source folder),
:mod:`~govstats.panel.worker` (parsing, with a time limit per report),
:mod:`~govstats.panel.cache` (the parse cache and the parser's fingerprint),
:mod:`~govstats.panel.build` (registry, crosswalk, one row per value),
:mod:`~govstats.panel.resolve` (cells settled by the identities between years),
:mod:`~govstats.panel.writers` (Parquet, CSV), :mod:`~govstats.panel.load` and
:mod:`~govstats.panel.views`.  Every column of every file is declared once, in
``panel/fields.yaml`` (:mod:`~govstats.panel.fields`).

Everything written is a figure or a code: values, indicator codes, body names from the
registry, locations (table, line, page, cell path, digit run).  No report prose: row labels
of run-together text can carry the sentence before the table, so they are not kept.

>>> import govstats
>>> panel = govstats.load_panel()                                  # doctest: +SKIP
>>> govstats.wide(panel, by="indicator")[["regime", "requests.new"]]  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_names

# light, and named like its module (which importing the module would bind here otherwise)
from .discover import LOOSE_SUFFIXES, REPORT_FILES, ReportSource, discover

if TYPE_CHECKING:
    from .build import STATUSES, BuildSummary, build_panel, report_status
    from .cache import parser_fingerprint
    from .fields import (
        CATEGORICAL,
        FINDING_COLUMNS,
        PANEL_COLUMNS,
        PANEL_CSV,
        PANEL_DATASET,
        PANEL_PARQUET,
        REPORT_COLUMNS,
        RESOLVED_COLUMNS,
        SOURCE_COLUMNS,
        check_datapackage,
        datapackage_json,
        write_datapackage,
    )
    from .load import LAYERS, data_dir, load_panel, read_resolved, tidy, with_resolved
    from .views import body_id, copied_tables, series, wide
    from .worker import ParseTimeout

# Imported on first use, so that a module of this package (discover, used by ``govstats
# parse`` on folders) does not load pandas and pyarrow with the others.
_LAZY = {
    **dict.fromkeys(("STATUSES", "BuildSummary", "build_panel", "report_status"), ".build"),
    "parser_fingerprint": ".cache",
    **dict.fromkeys(
        (
            "CATEGORICAL",
            "FINDING_COLUMNS",
            "PANEL_COLUMNS",
            "PANEL_CSV",
            "PANEL_DATASET",
            "PANEL_PARQUET",
            "REPORT_COLUMNS",
            "RESOLVED_COLUMNS",
            "SOURCE_COLUMNS",
            "check_datapackage",
            "datapackage_json",
            "write_datapackage",
        ),
        ".fields",
    ),
    **dict.fromkeys(
        ("LAYERS", "data_dir", "load_panel", "read_resolved", "tidy", "with_resolved"), ".load"
    ),
    **dict.fromkeys(("body_id", "copied_tables", "series", "wide"), ".views"),
    "ParseTimeout": ".worker",
}


__getattr__, __dir__ = lazy_names(__name__, globals(), _LAZY)


__all__ = [
    "CATEGORICAL",
    "FINDING_COLUMNS",
    "LAYERS",
    "LOOSE_SUFFIXES",
    "PANEL_COLUMNS",
    "PANEL_CSV",
    "PANEL_DATASET",
    "PANEL_PARQUET",
    "REPORT_COLUMNS",
    "REPORT_FILES",
    "RESOLVED_COLUMNS",
    "SOURCE_COLUMNS",
    "STATUSES",
    "BuildSummary",
    "ParseTimeout",
    "ReportSource",
    "body_id",
    "build_panel",
    "check_datapackage",
    "copied_tables",
    "data_dir",
    "datapackage_json",
    "discover",
    "load_panel",
    "parser_fingerprint",
    "read_resolved",
    "report_status",
    "series",
    "tidy",
    "wide",
    "with_resolved",
    "write_datapackage",
]
