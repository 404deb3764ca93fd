"""govstats: statistics of Chinese government information disclosure annual reports.

>>> import govstats
>>> report = govstats.parse_report("report.txt")          # doctest: +SKIP
>>> report.values                                          # doctest: +SKIP

The names below are imported on first use: ``import govstats`` and a parse do not load pandas
or pyarrow (the panel functions do).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import lazy_names
from .errors import GovstatsError, UnknownName, UnreadableInput, UnrecognisedInput

if TYPE_CHECKING:
    from .check import validate_report, validate_reports
    from .panel import body_id, build_panel, load_panel, series, wide
    from .pipeline import parse_report
    from .report import Report

_LAZY = {
    "Report": ".report",
    "body_id": ".panel",
    "build_panel": ".panel",
    "load_panel": ".panel",
    "parse_report": ".pipeline",
    "series": ".panel",
    "validate_report": ".check",
    "validate_reports": ".check",
    "wide": ".panel",
}

__all__ = [
    "GovstatsError",
    "Report",
    "UnknownName",
    "UnreadableInput",
    "UnrecognisedInput",
    "body_id",
    "build_panel",
    "load_panel",
    "parse_report",
    "series",
    "validate_report",
    "validate_reports",
    "wide",
]
__version__ = "0.1.0"


__getattr__, __dir__ = lazy_names(__name__, globals(), _LAZY)
