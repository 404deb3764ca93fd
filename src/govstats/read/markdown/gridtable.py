"""Pandoc grid tables (``+---+---+`` borders): cells are found as rectangles, so rowspan and
colspan are kept; East-Asian wide characters count two columns, as pandoc aligns them.  A
table whose borders do not line up is read one row per band of ``|`` lines."""

from __future__ import annotations

import re

from ...model import Cell
from .cells import clean_cell, ends_with_pipe, is_wide, join_wrapped, split_unescaped

GRID_BORDER = re.compile(r"\s*\+(?:[-=:]+\+)+\s*")


def _expand(line: str, wide: bool) -> list[str]:
    """A line as display columns: a wide character takes its slot and an empty filler."""
    out: list[str] = []
    for ch in line:
        out.append(ch)
        if wide and is_wide(ch):
            out.append("")
    return out


def grid_rects(raw: list[str], wide: bool) -> list[list[Cell]] | None:
    """Cells of a pandoc grid table found as rectangles (docutils' method), or None."""
    g = [_expand(s, wide) for s in raw]
    width = max(len(r) for r in g)
    g = [r + [" "] * (width - len(r)) for r in g]
    height = len(g)

    def at(r: int, c: int) -> str:
        return g[r][c]

    def scan_cell(top: int, left: int) -> tuple[int, int] | None:
        for c in range(left + 1, width):
            ch = at(top, c)
            if ch == "+":
                bottom = scan_down(top, left, c)
                if bottom is not None:
                    return bottom, c
            elif ch not in "-=:":
                return None
        return None

    def scan_down(top: int, left: int, right: int) -> int | None:
        for r in range(top + 1, height):
            ch = at(r, right)
            if ch == "+":
                if scan_left(top, left, r, right):
                    return r
            elif ch != "|":
                return None
        return None

    def scan_left(top: int, left: int, bottom: int, right: int) -> bool:
        if at(bottom, left) != "+":
            return False
        if any(at(bottom, c) not in "-=:+" for c in range(left + 1, right)):
            return False
        return all(at(r, left) in "|+" for r in range(top + 1, bottom))

    if at(0, 0) != "+":
        return None
    rects: list[tuple[int, int, int, int]] = []
    todo = [(0, 0)]
    seen: set[tuple[int, int]] = set()
    while todo:
        todo.sort()
        top, left = todo.pop(0)
        if (top, left) in seen:
            continue
        seen.add((top, left))
        if top >= height - 1 or left >= width - 1:
            continue
        found = scan_cell(top, left)
        if found is None:
            continue
        bottom, right = found
        rects.append((top, left, bottom, right))
        todo += [(top, right), (bottom, left)]
    right_edge = max((r[3] for r in rects), default=0)
    area = sum((b - t) * (r - left) for t, left, b, r in rects)
    if not rects or area != (height - 1) * right_edge:
        return None
    row_edges = sorted({r[0] for r in rects} | {r[2] for r in rects})
    col_edges = sorted({r[1] for r in rects} | {r[3] for r in rects})
    cells: list[Cell] = []
    for top, left, bottom, right in rects:
        parts = ["".join(g[r][left + 1 : right]) for r in range(top + 1, bottom)]
        lines = [top + 1 + k for k, p in enumerate(parts) if p.strip()] or [top + 1]
        row, col = row_edges.index(top), col_edges.index(left)
        cells.append(Cell(
            clean_cell(join_wrapped(parts)), row, col,
            rowspan=row_edges.index(bottom) - row, colspan=col_edges.index(right) - col,
            line=lines[0],
        ))
    rows: list[list[Cell]] = [[] for _ in range(len(row_edges) - 1)]
    for cell in sorted(cells, key=lambda c: (c.row, c.col)):
        rows[cell.row].append(cell)
    return rows


def grid_bands(raw: list[str]) -> list[list[Cell]]:
    """Fallback for a grid table whose borders do not line up: one row per band of ``|``
    lines between border lines, fields joined line by line when every line has as many."""
    rows: list[list[Cell]] = []
    band: list[tuple[int, list[str]]] = []

    def flush() -> None:
        if not band:
            return
        widths = {len(f) for _, f in band}
        groups = [band] if len(widths) == 1 else [[x] for x in band]
        for group in groups:
            r = len(rows)
            fields = list(zip(*(f for _, f in group), strict=True))
            rows.append([Cell(clean_cell(join_wrapped(list(parts))), r, c, line=group[0][0])
                         for c, parts in enumerate(fields)])
        band.clear()

    for k, s in enumerate(raw):
        if GRID_BORDER.fullmatch(s):
            flush()
            continue
        s = s.strip()
        fields = split_unescaped(s)
        fields = fields[1 if s.startswith("|") else 0 : -1 if ends_with_pipe(s) else None]
        band.append((k, fields))
    flush()
    return rows
