"""govstats: statistics of Chinese government information disclosure annual reports.

>>> import govstats
>>> report = govstats.parse_report("report.txt")          # doctest: +SKIP
>>> report.values                                          # doctest: +SKIP
"""

from .check import validate_report, validate_reports
from .errors import GovstatsError, UnreadableInput, UnrecognisedInput
from .panel import build_panel, load_panel, wide
from .pipeline import parse_report
from .report import Report

__all__ = [
    "GovstatsError",
    "Report",
    "UnreadableInput",
    "UnrecognisedInput",
    "build_panel",
    "load_panel",
    "parse_report",
    "validate_report",
    "validate_reports",
    "wide",
]
__version__ = "0.1.0"
