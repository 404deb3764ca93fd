"""The data model shared by every stage: documents and cell grids, values with provenance,
findings, and the parsed report.

Stage contract::

    bytes --decode--> str --read--> Document(text, grids) --map--> [Value] --validate--> Report

Readers (``govstats.read``) produce :class:`Document`; the mapper (``govstats.mapper``) turns
grids into :class:`Value` rows by their labels; validation adds :class:`Finding` rows.
All objects are plain data: parsing is a pure function of the input bytes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Cell:
    """One printed table cell.

    ``row``/``col`` are positions in the grid after span expansion (the top-left slot of a
    merged cell).  Exactly one of ``line`` (text inputs, 1-based), ``page`` (PDF, 1-based) or
    ``path`` (HTML/DOCX cell path such as ``table[3]/tr[5]/td[2]``) is usually set.
    """

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    line: int | None = None
    page: int | None = None
    path: str | None = None
    own_line: bool = False  # text inputs: the cell is the only thing printed on its line
    # read by OCR: the engine's confidence (0-1, its least sure character) and, when a
    # character was read as the digit it resembles (``o`` → 0), what the engine read
    confidence: float | None = None
    ocr_read: str | None = None
    # read by OCR: the second reading of its number words (the recogniser alone on other
    # pixels of them, govstats.read.ocr._reread) and its confidence
    ocr_reread: str | None = None
    ocr_reread_confidence: float | None = None


@dataclass
class Grid:
    """A table as rows of cells.

    ``kind`` is ``"table"`` when the reader saw real cell boundaries (HTML, DOCX, PDF, tab or
    pipe text) and ``"stream"`` when the table was flattened into running text: each stream
    row is a label cell followed by the numeric runs printed after it, whose cell boundaries
    are unknown (``640020470``) or partly known (``500000 5``).

    ``spans_known`` is False when the source cannot say which cells span several columns
    (markdown pipe tables, tab text): a header cell then need not stand over its column, and
    the mapper places a row's values by the form's column order instead (see
    :func:`govstats.mapper.map_unspanned_grid`).
    """

    index: int
    rows: list[list[Cell]]
    kind: str = "table"
    page: int | None = None
    title: str | None = None
    spans_known: bool = True

    @property
    def n_cols(self) -> int:
        return max((c.col + c.colspan for r in self.rows for c in r), default=0)


@dataclass(frozen=True)
class Finding:
    """A problem found in a report: a reader or mapper limit, or a validation rule that fails."""

    rule: str
    severity: str
    message: str
    message_zh: str = ""
    indicators: tuple[str, ...] = ()
    cells: tuple[dict[str, Any], ...] = ()
    expected: str | None = None
    found: str | None = None

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, got {self.severity!r}")

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["indicators"] = list(self.indicators)
        d["cells"] = list(self.cells)
        return d


@dataclass
class Document:
    """What a reader returns: the whole text (for metadata and narrative) and the tables."""

    kind: str
    text: str
    grids: list[Grid] = field(default_factory=list)
    encoding: str | None = None
    notes: list[Finding] = field(default_factory=list)
    # the title the container itself declares (a web page's <meta name="ArticleTitle"> or
    # <title>, a DOCX/PDF title property), as printed; None when it declares none
    title: str | None = None
    # how the text was obtained when not from the file's own text: "ocr"
    reader: str | None = None


@dataclass(frozen=True)
class Value:
    """One number of a report.

    ``raw`` is the printed string; ``value`` its reading (``None`` is never emitted for a
    printed number).  ``derived`` values are computed from printed parts and never replace
    a printed value.  ``location`` says where the cell stands: table, row and column labels,
    and line / page / cell path.
    """

    indicator: str
    applicant: str
    value: int | float
    unit: str | None
    derived: bool
    raw: str
    location: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "applicant": self.applicant,
            "value": self.value,
            "unit": self.unit,
            "derived": self.derived,
            "raw": self.raw,
            "location": self.location,
        }


@dataclass(frozen=True)
class UnreadCell:
    """A cell of the form printed without a number that can be read: ``status`` is
    ``blank`` (nothing printed), ``placeholder`` (``—``, ``/``, ``无``: not applicable, never
    0), ``unreadable`` (text that is not one number, ``1500多``) or ``collapsed`` (an export
    printed one number for it and the cell before it: equal to that one, or blank).  The
    mapper passes these on as data; findings report them."""

    indicator: str
    applicant: str
    status: str
    raw: str
    location: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Candidates:
    """The readings a table's own identities leave open for some of its cells (run-together
    digits several splits fit): ``cells`` (indicator, applicant) and, per reading, their
    values in that order.  ``complete`` is false when the solver stopped at its cap (other
    readings may exist).  No cell listed here has a value; the panel may settle one from
    other reports (``resolved.csv``)."""

    table_id: str
    cells: tuple[tuple[str, str], ...]
    options: tuple[tuple[float, ...], ...]
    complete: bool

    def to_dict(self) -> dict[str, Any]:
        return {"table_id": self.table_id, "cells": [list(c) for c in self.cells],
                "options": [list(o) for o in self.options], "complete": self.complete}


@dataclass(frozen=True)
class NarrativeFigure:
    """A figure stated in the prose, e.g. 信函申请828件, with the indicator it speaks of."""

    indicator: str
    value: int | float
    unit: str | None
    raw: str
    context: str
    location: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
