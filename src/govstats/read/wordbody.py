"""The text and grids of a Word document as its readers walk it — DOCX
(:mod:`govstats.read.docx`) and legacy ``.doc`` (:mod:`govstats.read.doc`) give the same
output for the same document: one line per paragraph, each table a
:class:`~govstats.model.Grid` titled by the paragraph above it (a unit line such as
``单位：件`` is passed over), one tab-separated line per table row, a nested table's rows
after the row that holds it."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..model import Cell, Grid

#: Longest ``Grid.title`` (shared with the HTML reader's).
from .html import TITLE_CHARS, clean_text

_TABS = re.compile(r"[ \t]*\t[ \t]*")


def text_lines(raw: str) -> list[str]:
    """A Word paragraph's raw text as lines: each line's tab-separated fields cleaned
    (:func:`govstats.read.html.clean_text`), empty fields and empty lines left out."""
    lines = []
    for part in raw.split("\n"):
        fields = [clean_text(f) for f in _TABS.split(part)]
        line = "\t".join(f for f in fields if f)
        if line:
            lines.append(line)
    return lines

_UNIT_LINE = re.compile(r"^[（(]?\s*(?:计量)?单位\s*[:：]")


@dataclass
class Slot:
    """A placed cell of a Word table: its top-left slot, spans, text and the index of the
    cell element in its row (for the cell path); ``right`` is the grid line after it where a
    reader places cells by their edges."""

    row: int
    col: int
    colspan: int
    tc_index: int
    text: str
    rowspan: int = 1
    right: int = 0


class WordBody:
    """Lines and grids in document order."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.grids: list[Grid] = []
        self._recent: list[str] = []

    def paragraph(self, line: str) -> None:
        self.lines.append(line)
        self._recent.append(line)
        del self._recent[:-8]

    def title(self) -> str | None:
        """The last paragraph above the table that is not a unit line, cut to the limit."""
        for line in reversed(self._recent):
            if not _UNIT_LINE.match(line):
                return line[:TITLE_CHARS]
        return self._recent[-1][:TITLE_CHARS] if self._recent else None

    def table(
        self,
        slots: Sequence[Sequence[Slot]],
        title: str | None,
        after_row: Callable[[int], None] = lambda r: None,
    ) -> None:
        """Add a laid-out table (rows of slots): a grid when any cell holds text, a line per
        row with text; ``after_row(r)`` is called after row ``r`` (for the nested tables it
        holds)."""
        keep = any(s.text for row in slots for s in row)
        if keep:
            index = len(self.grids) + 1
            rows = [
                [Cell(text=s.text, row=s.row, col=s.col, rowspan=s.rowspan, colspan=s.colspan,
                      path=f"table[{index}]/tr[{s.row + 1}]/tc[{s.tc_index}]") for s in row]
                for row in slots
            ]
            self.grids.append(Grid(index=index, rows=rows, kind="table",
                                   title=title if title is not None else self.title()))
            self._recent.clear()
        for r, row in enumerate(slots):
            if keep and any(s.text for s in row):
                self.lines.append("\t".join(s.text for s in row))
            after_row(r)
