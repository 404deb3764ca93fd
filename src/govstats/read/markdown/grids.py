"""Blocks into grids: the title of each (the heading or short line above it) and their
numbers, in the order of their first line, with the notes of their readers and of the
pairing of torn labels."""

from __future__ import annotations

import re
from dataclasses import replace

from ...model import Grid
from .cells import is_heading, is_label
from .source import Block, Source
from .torn import pairing_note

_PATH_TABLE = re.compile(r"^table\[\d+\]")


def titles(src: Source) -> None:
    """The title of every block that has none yet (see the package docstring)."""
    for block in src.blocks:
        if block.title is None:
            block.title = _title_for(
                src, block.title_from if block.title_from is not None else block.first
            )


def _title_for(src: Source, first: int) -> str | None:
    j = src.above(first)
    if j < 0 or src.kinds[j] != "text" or src.consumed[j]:
        return None
    raw, s = src.lines[j], src.clean[j]
    if is_heading(raw, s):
        return s
    if not is_label(raw, s):
        return None
    above = src.above(j)
    if above >= 0 and src.is_table_line(above):
        return s  # a single short line standing between two tables
    k = j
    for _ in range(2):  # header fragments under a heading: 信息内容本年处理决定数量
        k = src.above(k)
        if k < 0 or src.kinds[k] != "text" or src.consumed[k]:
            return None
        if is_heading(src.lines[k], src.clean[k]):
            return src.clean[k]
        if not is_label(src.lines[k], src.clean[k]):
            return None
    return None


def number(src: Source) -> list[Grid]:
    """The grids of the blocks, numbered in the order of their first line (an HTML
    table's cell paths get its number); the notes of their readers, then one note a
    pairing of torn labels."""
    def start(b: Block) -> int:
        lines = [c.line for row in b.rows for c in row if c.line is not None]
        return min(lines, default=b.first + 1)

    grids: list[Grid] = []
    for block in sorted(src.blocks, key=start):
        index = len(grids) + 1
        rows = block.rows
        if block.kind == "html":
            rows = [[replace(c, path=_PATH_TABLE.sub(f"table[{index}]", c.path))
                     if c.path else c for c in row] for row in rows]
        block.grid = Grid(
            index=index,
            rows=rows,
            kind=block.grid_kind,
            title=block.title,
            spans_known=block.kind == "html",  # pipe/tab/grid tables carry no spans
        )
        grids.append(block.grid)
        src.notes.extend(block.notes)
    for p in sorted(src.pairings, key=lambda p: p.labels[0][0]):
        src.notes.append(pairing_note(p))
    return grids
