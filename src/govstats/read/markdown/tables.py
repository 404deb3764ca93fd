"""The class of every line, and the tables with cell boundaries: HTML ``<table>`` elements
(through :func:`govstats.read.html.read_html`), pandoc grid tables, pipe and tab-separated
lines.  Each becomes a :class:`~.source.Block`; its lines stand in ``Document.text`` as
tab-separated cells."""

from __future__ import annotations

import bisect
import re
from dataclasses import replace

from ...model import Cell
from .cells import (
    COMMENT,
    FOOTER,
    IMAGE,
    NEWLINE,
    PAGE_MARK,
    clean_cell,
    ends_with_pipe,
    has_pipe,
    is_separator,
    split_unescaped,
    text_pieces,
)
from .gridtable import GRID_BORDER, grid_bands, grid_rects
from .source import Block, Source

_TABLE_TAG = re.compile(r"<(/?)table\b[^>]*>", re.IGNORECASE)
_TR_TAG = re.compile(r"<tr\b", re.IGNORECASE)


def html_tables(src: Source) -> None:
    """Every ``<table>`` element (nested ones with their outer table): its grids, and its
    lines in ``Document.text`` as one line per row, on the line of the row's ``<tr>``."""
    if "<" not in src.text:
        return
    spans: list[tuple[int, int]] = []
    depth = 0
    start = 0
    for m in _TABLE_TAG.finditer(src.text):
        if not m.group(1):
            if depth == 0:
                start = m.start()
            depth += 1
        elif depth > 0:
            depth -= 1
            if depth == 0:
                spans.append((start, m.end()))
    if not spans:
        return
    starts = [0] + [m.end() for m in NEWLINE.finditer(src.text)]

    def line_of(offset: int) -> int:
        return bisect.bisect_right(starts, offset) - 1

    # Tables sharing a line are one segment of output text.
    segments: list[list[tuple[int, int]]] = []
    for s, e in spans:
        if segments and line_of(s) <= line_of(segments[-1][-1][1] - 1):
            segments[-1].append((s, e))
        else:
            segments.append([(s, e)])
    for segment in segments:
        a = line_of(segment[0][0])
        b = line_of(segment[-1][1] - 1)
        seg_end = starts[b + 1] if b + 1 < len(starts) else len(src.text)
        # (line, text) pieces: the text around the tables and one line per table row.
        pieces: list[tuple[int, str]] = []
        pos = starts[a]
        for s, e in segment:
            pieces += text_pieces(src.text[pos:s], line_of(pos))
            pieces += _html_table(src, src.text[s:e], line_of(s), b)
            pos = e
        pieces += text_pieces(src.text[pos:seg_end], line_of(pos))
        out_lines: list[str] = []
        for line, piece in sorted(pieces, key=lambda p: p[0]):
            out_lines += [""] * (line - a - len(out_lines))  # stay on the source line
            out_lines.append(piece)
        out_lines += [""] * (b - a + 1 - len(out_lines))
        src.out[a] = "\n".join(out_lines)
        for i in range(a, b + 1):
            src.kinds[i] = "html"
            if i > a:
                src.out[i] = None


def _html_table(src: Source, fragment: str, first: int, last: int) -> list[tuple[int, str]]:
    """Grids of one ``<table>`` fragment via the HTML reader; returns its text as
    ``(0-based line, text)`` pieces, each row on the line of its ``<tr>``."""
    from ...errors import UnreadableInput
    from ..html import read_html

    try:
        doc = read_html(fragment.encode("utf-8"))
    except UnreadableInput:
        return []
    tr_lines = [first + len(NEWLINE.findall(fragment, 0, m.start()))
                for m in _TR_TAG.finditer(fragment)]
    nested = len(_TABLE_TAG.findall(fragment)) > 2
    if nested:  # layout tables around tables: rows cannot be matched to <tr> lines
        tr_lines = []
        pieces = [(first, line) for line in doc.text.split("\n") if line]
    else:
        pieces = [(first, g.title) for g in doc.grids if g.title and "<caption" in fragment]
    for grid in doc.grids:
        rows = []
        for r, row in enumerate(grid.rows):
            at = tr_lines[r] if r < len(tr_lines) else first
            rows.append([replace(c, line=at + 1) for c in row])
            if not nested and any(c.text for c in row):
                pieces.append((at, "\t".join(c.text for c in row)))
        lines = [c.line - 1 for row in rows for c in row if c.line]
        src.add(Block(
            kind="html", first=min(lines, default=first), last=max(lines, default=last),
            rows=rows, title=grid.title, title_from=first, notes=list(doc.notes),
        ))
    return pieces


def grid_tables(src: Source) -> None:
    """Every pandoc grid table: at least three border lines with ``|`` lines between."""
    i = 0
    n = len(src.lines)
    while i < n:
        if src.kinds[i] != "text" or not GRID_BORDER.fullmatch(src.lines[i]):
            i += 1
            continue
        j = i + 1
        last_border = i
        while j < n and src.kinds[j] == "text" and src.lines[j].lstrip()[:1] in ("|", "+"):
            if GRID_BORDER.fullmatch(src.lines[j]):
                last_border = j
            j += 1
        if last_border - i < 2:
            i += 1
            continue
        _grid_table(src, i, last_border)
        i = last_border + 1


def _grid_table(src: Source, first: int, last: int) -> None:
    raw = src.lines[first : last + 1]
    indent = min(len(s) - len(s.lstrip()) for s in raw)
    raw = [s[indent:].rstrip() for s in raw]
    rows = grid_rects(raw, wide=True) or grid_rects(raw, wide=False)
    if rows is None:
        rows = grid_bands(raw)
    rows = [[replace(c, line=first + (c.line or 0) + 1) for c in row] for row in rows]
    src.add(Block(kind="gridtable", first=first, last=last, rows=rows))
    texts = ["\t".join(c.text for c in row) for row in rows if row]
    texts += [""] * (last - first + 1 - len(texts))
    for k in range(first, last + 1):
        src.kinds[k] = "gridtable"
        src.out[k] = texts[k - first]


def classify(src: Source) -> None:
    """The class of every line not taken by an HTML or grid table: ``blank``, ``skip`` (a
    page footer, an image, a comment, a page mark), ``pipe``, ``tab`` or ``text``."""
    for i, line in enumerate(src.lines):
        if src.kinds[i] != "text":
            continue
        s = line.strip()
        if not s:
            src.kinds[i] = "blank"
        elif (FOOTER.fullmatch(s) or IMAGE.fullmatch(s) or COMMENT.fullmatch(s)
              or PAGE_MARK.fullmatch(s)):
            src.kinds[i] = "skip"
        elif has_pipe(s):
            src.kinds[i] = "pipe"
        elif "\t" in line and sum(1 for f in line.split("\t") if f.strip()) >= 2:
            src.kinds[i] = "tab"


def pipe_and_tab_blocks(src: Source) -> None:
    """Consecutive pipe lines, or tab lines, as one table each."""
    i = 0
    n = len(src.lines)
    while i < n:
        kind = src.kinds[i]
        if kind not in ("pipe", "tab"):
            i += 1
            continue
        j = i
        while j + 1 < n and src.kinds[j + 1] == kind:
            j += 1
        rows = _pipe_rows(src, i, j) if kind == "pipe" else _tab_rows(src, i, j)
        if rows:
            src.add(Block(kind=kind, first=i, last=j, rows=rows))
        i = j + 1


def _pipe_rows(src: Source, first: int, last: int) -> list[list[Cell]]:
    parsed: list[tuple[int, list[str], bool, bool]] = []
    for n, i in enumerate(range(first, last + 1)):
        s = src.lines[i].strip()
        fields = split_unescaped(s)
        lead, trail = s.startswith("|"), ends_with_pipe(s)
        inner = fields[1 if lead else 0 : len(fields) - 1 if trail else len(fields)]
        if is_separator(inner, second=n == 1):
            src.out[i] = ""
            continue
        parsed.append((i, fields, lead, trail))
    bordered = 2 * sum(1 for _, _, lead, trail in parsed if lead and trail) > len(parsed)
    rows: list[list[Cell]] = []
    for i, fields, lead, trail in parsed:
        if bordered:
            fields = fields[1 if lead else 0 : len(fields) - 1 if trail else len(fields)]
        texts = [clean_cell(f) for f in fields]
        src.out[i] = "\t".join(texts)
        if not texts:
            continue
        r = len(rows)
        rows.append([Cell(t, r, c, line=i + 1) for c, t in enumerate(texts)])
    return rows


def _tab_rows(src: Source, first: int, last: int) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for i in range(first, last + 1):
        texts = [clean_cell(f) for f in src.lines[i].strip("\r\n").split("\t")]
        r = len(rows)
        rows.append([Cell(t, r, c, line=i + 1) for c, t in enumerate(texts)])
    return rows
