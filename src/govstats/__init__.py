"""govstats: statistics of Chinese government information disclosure annual reports.

>>> import govstats
>>> report = govstats.parse_report("report.txt")          # doctest: +SKIP
>>> report.values                                          # doctest: +SKIP
"""

from .check import validate_report, validate_reports
from .errors import GovstatsError, UnknownName, UnreadableInput, UnrecognisedInput
from .panel import body_id, build_panel, load_panel, series, wide
from .pipeline import parse_report
from .report import Report

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
