"""What the passes of the markdown reader share: the input's lines, the class of each line,
the text that stands for it in ``Document.text``, which lines a grid has taken, the grids in
the making (:class:`Block`) and the pairings of torn labels (:class:`Pairing`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ...model import Cell, Finding, Grid
from .cells import NEWLINE, clean_line

_TABLE_KINDS = frozenset({"pipe", "tab", "gridtable", "html"})


@dataclass
class Block:
    """A grid in the making: its source lines (0-based, inclusive) and rows."""

    kind: str  # "pipe" | "tab" | "gridtable" | "html" | "stream" | "labels" | "numbers"
    first: int
    last: int
    rows: list[list[Cell]]
    grid_kind: str = "table"
    title: str | None = None
    title_from: int | None = None  # line above which the title is searched
    notes: list[Finding] = field(default_factory=list)
    grid: Grid | None = None


@dataclass
class Pairing:
    block: Block
    labels: list[tuple[int, str]]  # (0-based line, label text)
    number_lines: list[int]
    n_rows: int
    other: Block | None = None  # for a mismatch: the block of number rows
    matched: bool = True


class Source:
    """The input as lines, and what the passes found in it so far.

    ``kinds[i]`` is the class of line ``i`` (``text``, ``blank``, ``skip`` for page footers,
    images and comments, ``pipe``, ``tab``, ``gridtable``, ``html``); ``out[i]`` its text in
    ``Document.text`` (None: merged into the line of an HTML table above); ``clean[i]`` its
    plain text; ``consumed[i]`` whether a grid took it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = NEWLINE.split(text)
        n = len(self.lines)
        self.kinds = ["text"] * n
        self.out: list[str | None] = list(self.lines)
        self.clean = [clean_line(line) for line in self.lines]
        self.consumed = [False] * n
        self.blocks: list[Block] = []
        self.block_at_end: dict[int, Block] = {}
        self.pairings: list[Pairing] = []
        self.notes: list[Finding] = []

    def add(self, block: Block) -> None:
        self.blocks.append(block)
        self.block_at_end[block.last] = block

    def transparent(self, i: int) -> bool:
        """A blank line, a page footer, an image or a comment: nothing stands there."""
        return self.kinds[i] in ("blank", "skip")

    def only_transparent(self, a: int, b: int) -> bool:
        return all(self.transparent(i) for i in range(a + 1, b))

    def is_table_line(self, i: int) -> bool:
        return self.kinds[i] in _TABLE_KINDS or (self.kinds[i] == "text" and self.consumed[i])

    def above(self, i: int) -> int:
        """The nearest line above ``i`` that is not transparent (-1: none)."""
        i -= 1
        while i >= 0 and self.transparent(i):
            i -= 1
        return i
