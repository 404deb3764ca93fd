"""The parsed report: metadata, values with provenance, narrative figures and findings."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import UnknownName
from .model import Candidates, Finding, NarrativeFigure, UnreadCell, Value

if TYPE_CHECKING:  # pandas is imported when a frame is asked for, not by a parse
    import pandas as pd

VALUE_COLUMNS = ["indicator", "applicant", "value", "unit", "derived", "raw", "location"]
NARRATIVE_COLUMNS = ["indicator", "value", "unit", "raw", "context", "location"]


@dataclass
class Report:
    """One parsed report.  ``values`` has one row per printed table cell (plus derived rows
    marked ``derived``); ``narrative`` the figures the prose states; ``issues`` findings."""

    source: dict[str, Any]
    meta: dict[str, Any]
    value_list: list[Value] = field(default_factory=list)
    narrative_list: list[NarrativeFigure] = field(default_factory=list)
    issues: list[Finding] = field(default_factory=list)
    # cells of the form printed without a readable number (blank, placeholder, unreadable,
    # merged with the cell before): what the findings about them say, as data
    unread_list: list[UnreadCell] = field(default_factory=list)
    # readings the table's identities leave open for cells without a value (run-together
    # digits several splits fit): evidence for the panel's resolved layer, never values
    candidates_list: list[Candidates] = field(default_factory=list)

    @property
    def values(self) -> pd.DataFrame:
        import pandas as pd

        rows = [v.to_dict() for v in self.value_list]
        df = pd.DataFrame(rows, columns=VALUE_COLUMNS)
        return df.astype({"derived": bool}) if len(df) else df

    @property
    def narrative(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame([n.to_dict() for n in self.narrative_list], columns=NARRATIVE_COLUMNS)

    def value(
        self, indicator: str, applicant: str = "total", *, derived: bool | None = None
    ) -> int | float | None:
        """The value of one indicator (printed first), or None when the report does not give
        it.  A code that is not in the indicator catalogue, or an applicant column that does
        not exist, raises :class:`~govstats.errors.UnknownName` with the closest codes."""
        from .catalogue.indicators import APPLICANTS, catalogue

        if indicator not in catalogue():
            raise UnknownName("indicator", indicator, catalogue())
        if applicant not in APPLICANTS:
            raise UnknownName("applicant", applicant, APPLICANTS)
        for want in (False, True) if derived is None else (derived,):
            for v in self.value_list:
                if v.indicator == indicator and v.applicant == applicant and v.derived == want:
                    return v.value
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "meta": self.meta,
            "values": [v.to_dict() for v in self.value_list],
            "narrative": [n.to_dict() for n in self.narrative_list],
            "issues": [f.to_dict() for f in self.issues],
            "unread": [u.to_dict() for u in self.unread_list],
            "candidates": [c.to_dict() for c in self.candidates_list],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"), default=str)
