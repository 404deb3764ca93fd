"""The pandera schema of the panel returned by :func:`govstats.load_panel`.

The same rules as ``data/datapackage.json`` (which checks the CSV files): codes are strings
matching fixed patterns, flags and regimes come from closed sets, every value has a source
hash and a location.

>>> from govstats.schema import PANEL_SCHEMA
>>> PANEL_SCHEMA.validate(govstats.load_panel(validate=False))   # doctest: +SKIP
"""

from __future__ import annotations

import pandera.pandas as pa

from ..catalogue.indicators import APPLICANTS
from ..parse.jurisdiction import LEVELS
from .crosswalk import COMPARABILITY, REGIMES
from .registry import ID_PATTERN

__all__ = ["CODE_PATTERN", "PANEL_SCHEMA", "STATUSES"]

CODE_PATTERN = r"^[a-z_]+(\.[a-z_]+)*$"  # indicator and concept codes
STATUSES = ("ok", "warning", "error")


def _str(pattern: str | None = None, *, nullable: bool = False) -> pa.Column:
    checks = [pa.Check.str_matches(pattern)] if pattern else []
    return pa.Column("string", checks=checks, nullable=nullable)


def _cat(values: tuple[str, ...], *, nullable: bool = False) -> pa.Column:
    return pa.Column("category", checks=[pa.Check.isin(list(values))], nullable=nullable)


PANEL_SCHEMA = pa.DataFrameSchema(
    {
        "report_id": _str(r"^[^\s/][^\s]*$"),
        "jurisdiction_id": _str(ID_PATTERN, nullable=True),
        "jurisdiction": _str(nullable=True),
        "level": _cat(LEVELS, nullable=True),
        "province": pa.Column("category", nullable=True),
        "code": _str(r"^[0-9]{6}$", nullable=True),
        "year": pa.Column("Int64", checks=[pa.Check.in_range(2000, 2100)], nullable=True),
        "regime": _cat(REGIMES),
        "indicator": _str(CODE_PATTERN),
        "applicant": _cat(APPLICANTS),
        "value": pa.Column("float64", checks=[pa.Check(lambda s: s.notna().all())]),
        "unit": pa.Column("category", nullable=True),
        "derived": pa.Column(bool),
        "concept": _str(CODE_PATTERN, nullable=True),
        "comparability": _cat(COMPARABILITY, nullable=True),
        "caveat": _str(nullable=True),
        "source": _str(),
        "sha256": _str(r"^[0-9a-f]{64}$"),
        "location": _str(r"^\{.*\}$"),
        "status": _cat(STATUSES),
    },
    strict=True,
    ordered=True,
    name="govstats panel",
)
