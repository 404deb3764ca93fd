"""Markdown reader: text from PDF/HTML converters (marker-pdf, MinerU, pandoc, OCR) →
:class:`~govstats.model.Document`.

What becomes a :class:`~govstats.model.Grid` (numbered 1, 2, … in the order of their first
line; ``row``/``col`` are 0-based positions, ``line`` the 1-based line of the input):

* **Pipe tables** — consecutive lines holding an unescaped ``|``, with or without leading and
  trailing pipes, with or without ``---|---`` delimiter lines (dropped).  Empty fields are
  kept as empty cells.  Whether the outer pipes are borders (GFM, ``| a | b |`` → 2 cells) or
  mark empty edge cells (``a | b |`` → 3 cells, as hand and converter renderings that keep
  blank cells do) is decided per block: borders when most of its lines start *and* end with a
  pipe.  A blank line or any other line ends the block.  In cells ``\\|`` is a pipe,
  ``<br>`` a space, ``**bold**``/``__bold__`` and inline tags are stripped, HTML entities
  and backslash escapes are decoded and whitespace collapses to one space.
* **Tab-separated lines** (two or more non-empty fields) — the same, split on tabs.
* **Pandoc grid tables** (``+---+---+`` borders) — cells are found as rectangles, so
  ``rowspan``/``colspan`` are kept; East-Asian wide characters count two columns, as pandoc
  aligns them.  Malformed ones fall back to one row per band of ``|`` lines.
* **HTML ``<table>`` elements** embedded in the markdown — delegated to
  :func:`govstats.read.html.read_html` (one fragment at a time; spans kept), then given the
  line numbers of their ``<tr>`` rows and the cell paths ``table[<grid index>]/…``.
* **Torn labels** — a converter that emitted a table's label column as a block of K plain
  lines before a block of number-only rows (plain lines of numbers, or the leading
  number-only rows of a pipe/tab table).  When the counts match the labels are paired with the
  rows *by order* (an info :class:`~govstats.model.Finding` ``read.markdown.paired_labels``
  says so); when they differ nothing is paired: both are kept as separate grids and a warning
  ``read.markdown.label_count_mismatch`` is added.  A label wrapped over lines with an
  unclosed bracket (``（二）部分公开（区分处理的，只计这一情`` / ``形，不计其他情形）``) is
  joined first.  A table whose header rows precede its number rows may be paired either
  number rows only (header rows get an empty first cell) or header and number rows together,
  whichever count matches.
* **Label + numbers lines** outside tables (``行政许可 0``, ``2.重复申请 5 4``): grids of kind
  ``"stream"``, one row per line: the label then one cell per whitespace-separated number.

A grid's ``title`` is the line just above it (blank lines, page footers ``— 5 —`` and image
lines skipped) when that line is a heading (``## …``, ``第二十条第（五）项``, ``表三…``,
``三、…情况``) — also across at most two short header-fragment lines — or a single short line
standing between two tables.  Numbers are never made up: every cell text is printed text.

``Document.text`` is the input with table markup reduced to tab-separated cells: one line per
pipe/tab row, delimiter lines emptied, grid/HTML tables one line per row, padded with empty
lines so that later lines keep their input line numbers where the table spanned enough lines.

The reader runs in passes over one :class:`~.source.Source` (the lines and what was found in
them): :mod:`.tables` classes the lines and reads the tables with cell boundaries (HTML,
pandoc grid tables through :mod:`.gridtable`, pipe and tab lines), :mod:`.torn` pairs torn
labels with their numbers, :mod:`.streams` reads label + numbers lines and the whole text as
one flow, :mod:`.grids` gives the blocks their titles and numbers.  :mod:`.cells` holds what
a single line or cell is.
"""

from __future__ import annotations

from ...model import Document
from .grids import number, titles
from .source import Source
from .streams import flow_grid, stream_rows
from .tables import classify, grid_tables, html_tables, pipe_and_tab_blocks
from .torn import RULE_LABEL_MISMATCH, RULE_PAIRED_LABELS, torn_labels

__all__ = ["RULE_LABEL_MISMATCH", "RULE_PAIRED_LABELS", "read_markdown"]


def read_markdown(text: str) -> Document:
    """Read markdown or converter text into a :class:`~govstats.model.Document`
    (``kind="markdown"``).  Pure: the same text always gives the same document."""
    src = Source(text)
    html_tables(src)
    grid_tables(src)
    classify(src)
    pipe_and_tab_blocks(src)
    torn_labels(src)
    stream_rows(src)
    titles(src)
    grids = number(src)
    flow = flow_grid(src, len(grids) + 1)
    if flow.rows:
        grids.append(flow)
    out = "\n".join(s for s in src.out if s is not None)
    return Document(kind="markdown", text=out, grids=grids, notes=src.notes)
