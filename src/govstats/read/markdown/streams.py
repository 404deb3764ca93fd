"""Numbers outside the tables: lines of a label and numbers (``行政许可 0``) as stream
grids, one row a line; and the whole text as one flow, the fallback for tables torn apart
beyond what the pipe tables and the pairing of torn labels hold together."""

from __future__ import annotations

from ...model import Cell, Grid
from ..text import BLANK_MARK, flow_stream_grid
from .cells import (
    FOOTER,
    PAGE_MARK,
    clean_cell,
    has_pipe,
    is_separator,
    split_unescaped,
    stream_split,
)
from .source import Block, Source


def stream_rows(src: Source) -> None:
    """Lines of a label and numbers not taken by a table: consecutive ones are one stream
    grid."""
    current: Block | None = None
    for i in range(len(src.lines)):
        split = None
        if src.kinds[i] == "text" and not src.consumed[i]:
            split = stream_split(src.clean[i])
        if split is None:
            current = None
            continue
        label, numbers = split
        src.consumed[i] = True
        if current is None:
            current = Block(kind="stream", first=i, last=i, rows=[], grid_kind="stream")
            src.add(current)
        r = len(current.rows)
        current.rows.append([Cell(label, r, 0, line=i + 1)]
                            + [Cell(t, r, c, line=i + 1)
                               for c, t in enumerate(numbers, start=1)])
        current.last = i


def flow_grid(src: Source, index: int) -> Grid:
    """The whole text as one stream (pipes and separator rows dropped).

    A fallback for converter output whose tables are torn into pieces the pipe tables
    cannot hold together (headers scattered, labels on the line above their numbers):
    the mapper uses a stream table only where no real grid gave the same table.
    """
    lines: list[tuple[int, str]] = []
    for i, raw in enumerate(src.lines):
        if has_pipe(raw):
            fields = [clean_cell(f) for f in split_unescaped(raw.strip().strip("|"))]
            if is_separator(fields, False):
                continue
            # a blank cell must not vanish between two numbers: "821 | 35 |  | 2" would
            # read as the run "821 35 2"; a mark keeps the row visibly interrupted
            marked: list[str] = []
            for f in fields:
                f = f or BLANK_MARK
                if not (f == BLANK_MARK and marked and marked[-1] == BLANK_MARK):
                    marked.append(f)
            text = "  ".join(marked)
        else:
            text = src.clean[i]
        text = FOOTER.sub(" ", PAGE_MARK.sub(" ", text)).strip()
        if text:
            lines.append((i + 1, text))
    return flow_stream_grid(lines, index)
