"""Grids → values, by label.

Rows are recognised by their printed labels (never by position), columns by their header
labels; the layout of the regime (``layouts/*.yaml``) says which indicator each row × column
cell is.  A label that occurs in several sections (维持具体行政行为数 under 行政复议 and under
被举报投诉) is resolved by the section matched most recently.

Two kinds of grid:

* ``table`` grids (HTML, DOCX, PDF, tab text, pipe markdown) have real cells: header rows give
  the column of every value.
* ``stream`` grids (flattened text) have a label and numeric runs per row: the table is found
  as the densest cluster of rows whose labels end with a layout label, its columns are the
  layout's columns (after checking the header labels are printed), and runs are split into
  cells by :mod:`govstats.digits` using the table's own arithmetic.  Cells that cannot be
  recovered with certainty get no value and a finding.
"""

from __future__ import annotations

from collections import defaultdict

from ...catalogue.findings import finding
from ...catalogue.indicators import APPLICANTS
from ...catalogue.layouts import Layout
from ...model import Document, Value
from ..digits import Relation
from .common import MapResult
from .form_order import map_unspanned_grid
from .headers import ActiveTable, fit_columns, map_table_grid
from .stream_rows import Hints
from .streams import map_stream_grid


def map_document(
    doc: Document, layout: Layout, hints: Hints | None = None, year: int | None = None
) -> MapResult:
    """Map every grid of ``doc`` with ``layout``; values keep their provenance.

    ``hints`` (indicator → figures stated in the prose) may settle run-together digits that
    the table alone cannot split; see :func:`map_stream_grid`.
    """
    res = MapResult()
    last: tuple[int, ActiveTable | None] = (-1, None)
    for grid in doc.grids:
        if grid.kind == "stream":
            continue
        # a table continued on the next page repeats no header: it inherits the previous
        # grid's columns when it has the same number of columns (rows still match by label)
        inherited = fit_columns(last[1], grid) if grid.n_cols == last[0] else None
        part, active = map_table_grid(grid, layout, inherited=inherited, year=year)
        last = (grid.n_cols, active)
        res.extend(part)
    streams = MapResult()
    for grid in doc.grids:
        if grid.kind == "stream":
            streams.extend(map_stream_grid(grid, layout, hints=hints))
    # per table, the stream reading is used only where the real grids read fewer cells of it
    # (a table the grids missed, or tore into pieces); the two are never mixed
    use_stream = {t for t, n in streams.tables.items() if n > res.tables.get(t, 0)}
    # findings (and the unread cells they name) of a stream table are kept where it is used,
    # and where no reading placed a cell of that table at all (why its run-together digits
    # gave nothing)
    untouched = {t.id for t in layout.tables} - set(res.tables) - use_stream
    chosen = streams.part(use_stream)
    explained = streams.part(use_stream | untouched)
    chosen.findings, chosen.unread = explained.findings, explained.unread
    chosen.candidates = explained.candidates
    res = res.part(use_stream, keep=False)
    res.extend(chosen)
    _settle_copies(res)
    return res


def _settle_copies(res: MapResult) -> None:
    """A cell read twice (a table printed twice, or last year's table beside this year's):
    identical copies keep the first reading; copies that disagree keep neither."""
    by: dict[tuple[str, str], list[Value]] = defaultdict(list)
    for v in res.values:
        by[(v.indicator, v.applicant)].append(v)
    twice = {k: vs for k, vs in by.items() if len(vs) > 1}
    if not twice:
        return
    same = {k for k, vs in twice.items() if len({float(v.value) for v in vs}) == 1}
    differ = set(twice) - same
    seen: set[tuple[str, str]] = set()
    kept: list[Value] = []
    for v in res.values:
        key = (v.indicator, v.applicant)
        if key in differ or key in seen:
            continue
        seen.add(key)
        kept.append(v)
    res.values = kept
    if same:
        res.findings.append(
            finding(
                "map.repeated_table",
                n=len(same),
                indicators=tuple(sorted({k[0] for k in same})),
                cells=tuple(twice[k][1].location for k in sorted(same))[:20],
            )
        )
    if differ:
        res.findings.append(
            finding(
                "map.conflicting_tables",
                n=len(differ),
                indicators=tuple(sorted({k[0] for k in differ})),
                cells=tuple(v.location for k in sorted(differ) for v in twice[k])[:40],
                found="; ".join(
                    f"{k[0]}[{k[1]}]: " + " / ".join(v.raw for v in twice[k])
                    for k in sorted(differ)[:10]
                ),
            )
        )


__all__ = [
    "APPLICANTS",
    "Hints",
    "MapResult",
    "Relation",
    "map_document",
    "map_stream_grid",
    "map_table_grid",
    "map_unspanned_grid",
]
