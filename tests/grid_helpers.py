"""Assertions on reader output shared by the reader tests."""

from __future__ import annotations

from govstats.model import Cell, Grid


def covered(grid: Grid) -> dict[tuple[int, int], Cell]:
    """Each expanded (row, col) slot → the cell covering it; fails on a slot covered twice."""
    slots: dict[tuple[int, int], Cell] = {}
    for row in grid.rows:
        for cell in row:
            for r in range(cell.row, cell.row + cell.rowspan):
                for c in range(cell.col, cell.col + cell.colspan):
                    assert (r, c) not in slots, f"slot {(r, c)} covered twice"
                    slots[(r, c)] = cell
    return slots


def grid_texts(grid: Grid) -> list[list[str]]:
    return [[c.text for c in row] for row in grid.rows]


def find(grid: Grid, text: str) -> Cell:
    """The one cell whose text is ``text``."""
    hits = [c for row in grid.rows for c in row if c.text == text]
    assert len(hits) == 1, f"{text!r}: {len(hits)} cells in {grid_texts(grid)}"
    return hits[0]
