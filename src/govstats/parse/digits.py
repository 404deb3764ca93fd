"""Recover table cells from runs of digits printed without separators.

Crawler text exports of HTML tables often run the cells of a row together:
``640020470`` is the seven cells 64, 0, 0, 2, 0, 4, 70 of a row whose first six cells
sum to the seventh.  :func:`split_cells` recovers such cells from the digit rules
(no leading zeros, bounded cell length, spaces are certain boundaries) and from the
table's own arithmetic, given as linear :class:`Relation` objects.

The solver is exact and conservative: a cell is reported only when every split that
satisfies the digit rules and all relations prints the same digits for it.  The only
exception is a *forced* split, where the digits alone admit exactly one split; that split
is certain even when the relations fail, and the failures are reported.

Everything here is pure (no I/O).
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, Inexact, localcontext

__all__ = [
    "Number",
    "Relation",
    "Segment",
    "SplitResult",
    "balance_relation",
    "cells_to_numbers",
    "le_relation",
    "split_cells",
    "sum_relation",
]

Number = int | Decimal

_OPS = ("=", "<=", ">=")
_ALLOWED = frozenset("0123456789. ")
_DEFAULT_MAX_STATES = 100_000


# --------------------------------------------------------------------------- public types


@dataclass(frozen=True)
class Relation:
    """sum(coef * cell[i] for i, coef in terms) <op> constant, op in {"=", "<=", ">="}."""

    terms: tuple[tuple[int, int], ...]  # (global cell index, integer coefficient)
    op: str = "="
    constant: int = 0
    name: str = ""  # human label used in messages, e.g. "自然人+…+其他 = 总计"


@dataclass(frozen=True)
class Segment:
    """One run of printed characters holding `n_cells` consecutive cells.

    The cells have global indices start..start+n_cells-1.  Spaces in `text` are certain
    cell boundaries.

    Line breaks (``"46\n0\n46"``) mark numbers printed on lines of their own, as exports do
    that put every table cell on a line: each line is one cell, never cut.  When the lines
    are fewer than the cells, consecutive equal cells were printed once (an export that
    merges identical consecutive lines): each line stands for one or more cells.  When they
    are more, a cell was printed over several lines (``"1\n62"`` for 162): consecutive lines
    are joined, as few as the count requires.  Only one of the two happens in a segment.
    """

    text: str  # the printed run, e.g. "640020470" or "500000 5"
    start: int  # global index of its first cell
    n_cells: int
    lines: bool = False  # the numbers stand on lines of their own, separated by "\n"


@dataclass(frozen=True)
class SplitResult:
    """Outcome of :func:`split_cells`.

    `cells` is indexed by global cell index (``max(start + n_cells)`` entries); indices
    that no segment covers are always None.  Each candidate is a full split indexed the
    same way, with ``""`` at uncovered indices.
    """

    status: str  # "unique" | "forced" | "ambiguous" | "inconsistent" | "invalid"
    cells: tuple[str | None, ...]  # per global cell: its printed digits when certain
    candidates: tuple[tuple[str, ...], ...]  # valid full splits found (capped); () if forced
    reason: str  # one sentence in English saying why


# --------------------------------------------------------------------------- helpers


def sum_relation(parts: Sequence[int], total: int, name: str = "") -> Relation:
    """Relation ``sum(cell[p] for p in parts) = cell[total]``."""
    terms = (*((int(p), 1) for p in parts), (int(total), -1))
    return Relation(terms=terms, op="=", constant=0, name=name)


def le_relation(a: int, b: int, name: str = "") -> Relation:
    """Relation ``cell[a] <= cell[b]``."""
    return Relation(terms=((int(a), 1), (int(b), -1)), op="<=", constant=0, name=name)


def balance_relation(left: Sequence[int], right: Sequence[int], name: str = "") -> Relation:
    """Relation ``sum(cell[i] for i in left) = sum(cell[j] for j in right)``."""
    terms = tuple((int(i), 1) for i in left) + tuple((int(j), -1) for j in right)
    return Relation(terms=terms, op="=", constant=0, name=name)


def _to_number(text: str) -> Number:
    return Decimal(text) if "." in text else int(text)


def cells_to_numbers(cells: Sequence[str | None]) -> tuple[Number | None, ...]:
    """Convert printed cells to numbers: int, Decimal when the cell has a point, None kept."""
    out: list[Number | None] = []
    for cell in cells:
        if cell is None:
            out.append(None)
        elif "." in cell:
            out.append(Decimal(cell))
        else:
            out.append(int(cell))
    return tuple(out)


# --------------------------------------------------------------------------- internals


class _InvalidInput(Exception):
    pass


class _BudgetExceeded(Exception):
    pass


class _Digits:
    """The digit-rule tables of one printed run split into a number of cells, and what is
    derived from them alone.  They depend on the run's text and cell count only, so the calls
    that solve the same table again (with extra relations, row by row) share them."""

    __slots__ = ("common", "lines", "moves", "pre", "ranges", "s", "soft", "starts_at", "suf")

    def __init__(
        self,
        s: str,
        starts_at: list[list[tuple[int, str, Number]]],
        pre: list[list[int]],
        suf: list[list[int]],
        soft: bool,
        lines: bool,
    ) -> None:
        self.s = s
        self.starts_at = starts_at
        self.pre = pre
        self.suf = suf
        self.soft = soft
        self.lines = lines
        n = len(pre) - 1
        # per cell: the digits it prints in every digit-valid split, or None
        common: list[str | None] = []
        for k in range(n):
            texts = {text for _, _, text, _ in _placements(starts_at, pre, suf, k)}
            common.append(texts.pop() if len(texts) == 1 else None)
        self.common: tuple[str | None, ...] = tuple(common)
        self.moves: dict[bool, list[list[list[tuple[int, str, Number]]]]] = {}
        self.ranges: dict[tuple[tuple[int, ...], bool], list[list[_Interval | None]]] = {}


def _placements(
    starts_at: list[list[tuple[int, str, Number]]], pre: list[list[int]], suf: list[list[int]],
    k: int,
) -> list[tuple[int, int, str, Number]]:
    """Every (start, end, text, value) cell k takes in some digit-valid split."""
    out = []
    pre_k, suf_next = pre[k], suf[k + 1]
    for p, ways in enumerate(pre_k):
        if ways:
            for end, text, value in starts_at[p]:
                if suf_next[end]:
                    out.append((p, end, text, value))
    return out


@dataclass
class _Seg:
    """A parsed segment: its characters without spaces and the digit-rule tables."""

    index: int  # position in the caller's list
    start: int
    n: int
    s: str
    # from[p] -> list of (end, text, value) for every digit-valid cell s[p:end]
    starts_at: list[list[tuple[int, str, Number]]]
    pre: list[list[int]]  # pre[k][p]: ways to fill s[:p] with cells 0..k-1
    suf: list[list[int]]  # suf[k][p]: ways to fill s[p:] with cells k..n-1
    # lines printed for more or fewer cells than the row has (see :class:`Segment`): a split
    # that is the only one the lines allow is still not certain unless the relations hold
    soft: bool
    lines: bool  # numbers printed one per line (see :class:`Segment`)
    digits: _Digits  # the tables above and what they alone decide, shared between calls

    @property
    def count(self) -> int:
        return self.suf[0][0]

    def first_split(self) -> tuple[str, ...]:
        """The first split :meth:`splits` enumerates (the segment has one): at each cell the
        first placement the rest of the segment can still follow."""
        out: list[str] = []
        p = 0
        for k in range(self.n):
            suf_next = self.suf[k + 1]
            for end, text, _ in self.starts_at[p]:
                if suf_next[end]:
                    out.append(text)
                    p = end
                    break
        return tuple(out)

    def splits(self) -> Iterator[tuple[str, ...]]:
        """Enumerate the digit-valid splits lazily."""

        def walk(k: int, p: int) -> Iterator[tuple[str, ...]]:
            if k == self.n:
                yield ()
                return
            suf_next = self.suf[k + 1]
            for end, text, _ in self.starts_at[p]:
                if suf_next[end]:
                    for rest in walk(k + 1, end):
                        yield (text, *rest)

        return walk(0, 0)


@dataclass
class _Rel:
    """A normalised relation: merged terms, no zero coefficients, a printable label."""

    index: int
    terms: tuple[tuple[int, int], ...]
    op: str
    constant: int
    label: str


def _valid_cell(text: str) -> bool:
    if text[0] == "." or text[-1] == ".":
        return False
    if text.count(".") > 1:
        return False
    # leading zero only for "0" itself or "0.xxx"
    return not (text[0] == "0" and len(text) > 1 and text[1] != ".")


def _parse_segment(index: int, seg: Segment, max_cell_len: int) -> _Seg:
    text = seg.text
    if not isinstance(text, str):
        raise _InvalidInput(f"segment {index} text is not a string")
    if seg.n_cells < 1 or seg.start < 0:
        raise _InvalidInput(
            f"segment {index} has start={seg.start} and n_cells={seg.n_cells}; "
            "start must be >= 0 and n_cells >= 1"
        )
    try:
        d = _digit_tables(text, seg.n_cells, seg.lines or "\n" in text, max_cell_len)
    except _InvalidInput as exc:
        raise _InvalidInput(f"segment {index} {exc}") from None
    return _Seg(
        index=index, start=seg.start, n=seg.n_cells, s=d.s, starts_at=d.starts_at, pre=d.pre,
        suf=d.suf, soft=d.soft, lines=d.lines, digits=d,
    )


# A parse solves the same rows several times (the whole table, then with figures of the
# prose as extra relations, or row by row): their tables are built once.  Kept small: runs
# seldom recur between reports, and many large tables kept alive slow the garbage collector.
@functools.lru_cache(maxsize=64)
def _digit_tables(text: str, n_cells: int, lines: bool, max_cell_len: int) -> _Digits:
    """The digit-rule tables of a run; :class:`_InvalidInput` (its message without the
    segment's number) when the run cannot be read."""
    if lines:
        return _parse_lines(text, n_cells, max_cell_len)
    if not _ALLOWED.issuperset(text):
        ch = next(ch for ch in text if ch not in _ALLOWED)
        raise _InvalidInput(
            f"({text!r}) contains {ch!r}; only digits, '.' and spaces are allowed"
        )
    chunks = [c for c in text.split(" ") if c]
    if not chunks:
        raise _InvalidInput(f"({text!r}) has no digits")
    if len(chunks) > n_cells:
        raise _InvalidInput(
            f"({text!r}) has {len(chunks)} space-separated chunks but only {n_cells} cells"
        )
    s = "".join(chunks)
    cuts: list[int] = []
    pos = 0
    for chunk in chunks[:-1]:
        pos += len(chunk)
        cuts.append(pos)
    cut_set = set(cuts)
    length = len(s)
    starts_at: list[list[tuple[int, str, Number]]] = []
    for p in range(length + 1):
        row: list[tuple[int, str, Number]] = []
        for end in range(p + 1, min(length, p + max_cell_len) + 1):
            if end - 1 > p and (end - 1) in cut_set:
                break  # a space lies inside s[p:end]
            piece = s[p:end]
            if _valid_cell(piece):
                row.append((end, piece, _to_number(piece)))
        starts_at.append(row)
    return _counted(n_cells, s, starts_at)


def _counted(
    n: int, s: str, starts_at: list[list[tuple[int, str, Number]]],
    soft: bool = False, lines: bool = False,
) -> _Digits:
    """The run with its counts of ways: ``pre[k][p]`` fills ``s[:p]`` with cells 0..k-1,
    ``suf[k][p]`` fills ``s[p:]`` with cells k..n-1.  A move may take no characters (a line
    standing for a second equal cell), so every position, the last included, is visited."""
    length = len(s)
    ends = [[end for end, _, _ in row] for row in starts_at]
    suf = [[0] * (length + 1) for _ in range(n + 1)]
    suf[n][length] = 1
    for k in range(n - 1, -1, -1):
        nxt = suf[k + 1]
        suf[k] = [sum([nxt[end] for end in row]) for row in ends]
    pre = [[0] * (length + 1) for _ in range(n + 1)]
    pre[0][0] = 1
    for k in range(n):
        cur, nxt = pre[k], pre[k + 1]
        for p in range(length + 1):
            ways = cur[p]
            if ways:
                for end in ends[p]:
                    nxt[end] += ways
    return _Digits(s, starts_at, pre, suf, soft, lines)


def _parse_lines(text: str, n: int, max_cell_len: int) -> _Digits:
    """A run of numbers printed one per line (see :class:`Segment`)."""
    lines = text.split("\n")
    for line in lines:
        if not line or any(ch not in "0123456789." for ch in line) or not _valid_cell(line):
            raise _InvalidInput(f"({text!r}) has a line {line!r} that is not one number")
    m = len(lines)
    s = "".join(lines)
    bounds = [0]
    for line in lines:
        bounds.append(bounds[-1] + len(line))
    starts_at: list[list[tuple[int, str, Number]]] = [[] for _ in range(len(s) + 1)]
    for i, line in enumerate(lines):
        if m <= n:
            starts_at[bounds[i]].append((bounds[i + 1], line, _to_number(line)))
            if m < n and i > 0:
                # the line before stands for this cell too (equal cells printed once)
                before = lines[i - 1]
                starts_at[bounds[i]].append((bounds[i], before, _to_number(before)))
        else:
            for j in range(i + 1, m + 1):
                piece = "".join(lines[i:j])
                if len(piece) > max_cell_len:
                    break
                if _valid_cell(piece):
                    starts_at[bounds[i]].append((bounds[j], piece, _to_number(piece)))
    if m < n:
        last = lines[-1]
        starts_at[len(s)].append((len(s), last, _to_number(last)))
    return _counted(n, s, starts_at, soft=m != n, lines=True)


def _label(terms: Sequence[tuple[int, int]], op: str, constant: int) -> str:
    def side(items: list[str], const: int) -> str:
        if const or not items:
            items = [*items, str(const)]
        return " + ".join(items)

    left = [f"c{i}" if c == 1 else f"{c}*c{i}" for i, c in terms if c > 0]
    right = [f"c{i}" if c == -1 else f"{-c}*c{i}" for i, c in terms if c < 0]
    return f"{side(left, 0)} {op} {side(right, constant)}"


def _normalise(index: int, rel: Relation, covered: dict[int, int]) -> _Rel:
    if rel.op not in _OPS:
        raise _InvalidInput(f"relation {index} has op {rel.op!r}; expected one of {_OPS}")
    merged: dict[int, int] = {}
    for term in rel.terms:
        cell, coef = term
        if cell not in covered:
            raise _InvalidInput(f"relation {index} refers to cell {cell}, which no segment holds")
        merged[cell] = merged.get(cell, 0) + int(coef)
    terms = tuple((c, k) for c, k in sorted(merged.items()) if k != 0)
    label = rel.name or _label(terms, rel.op, rel.constant)
    return _Rel(index=index, terms=terms, op=rel.op, constant=int(rel.constant), label=label)


def _holds(value: Number, op: str, constant: int) -> bool:
    if op == "=":
        return value == constant
    if op == "<=":
        return value <= constant
    return value >= constant


def _feasible(lo: Number, hi: Number, op: str, constant: int) -> bool:
    """Can some value in [lo, hi] satisfy `value op constant`?"""
    if op == "=":
        return lo <= constant <= hi
    if op == "<=":
        return lo <= constant
    return hi >= constant


def _failure(rel: _Rel, values: dict[int, str]) -> str | None:
    """None when `rel` holds on `values` (all its cells present), else a description."""
    total: Number = 0
    for cell, coef in rel.terms:
        total += coef * _to_number(values[cell])
    if _holds(total, rel.op, rel.constant):
        return None

    def side(sign: int, const: int) -> tuple[str, Number]:
        items: list[str] = []
        value: Number = const
        for cell, coef in rel.terms:
            if coef * sign > 0:
                k = abs(coef)
                items.append(values[cell] if k == 1 else f"{k}*{values[cell]}")
                value += k * _to_number(values[cell])
        if const or not items:
            items.append(str(const))
        return " + ".join(items), value

    lhs, lval = side(1, 0)
    rhs, rval = side(-1, rel.constant)
    negation = {"=": "!=", "<=": ">", ">=": "<"}[rel.op]
    text = f"relation '{rel.label}' fails: {lhs} {negation} {rhs}"
    if lhs != str(lval) or rhs != str(rval):
        text += f" ({lval} vs {rval})"
    return text


@dataclass
class _CompResult:
    count: int
    common: tuple[str | None, ...]  # per component cell in global order, None if not common
    candidates: list[tuple[str, ...]]  # per component cell in global order


class _Budget:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def tick(self) -> None:
        self.used += 1
        if self.used > self.limit:
            raise _BudgetExceeded


def _solve_free(seg: _Seg, max_candidates: int) -> _CompResult:
    """A segment no relation touches: digit rules only, solved by dynamic programming."""
    cands = list(itertools.islice(seg.splits(), max_candidates))
    return _CompResult(count=seg.count, common=seg.digits.common, candidates=cands)


def _moves(seg: _Seg, forward: bool) -> list[list[list[tuple[int, str, Number]]]]:
    """moves[k][p]: the digit-valid ways to place cell k next, from position p.

    Forward, p is where cell k starts and each move is (end, text, value) with the rest of
    the segment still fillable.  Backward, p is where cell k ends and each move is
    (start, text, value) with the beginning of the segment still fillable.  Built once per
    run and direction (shared with later calls: see :class:`_Digits`).
    """
    known = seg.digits.moves.get(forward)
    if known is None:
        known = seg.digits.moves[forward] = _build_moves(seg, forward)
    return known


def _build_moves(seg: _Seg, forward: bool) -> list[list[list[tuple[int, str, Number]]]]:
    length = len(seg.s)
    if forward:
        return [
            [
                [m for m in seg.starts_at[p] if seg.suf[k + 1][m[0]]] if seg.suf[k][p] else []
                for p in range(length + 1)
            ]
            for k in range(seg.n)
        ]
    ends_at: list[list[tuple[int, str, Number]]] = [[] for _ in range(length + 1)]
    for p in range(length + 1):
        for end, text, value in seg.starts_at[p]:
            ends_at[end].append((p, text, value))
    return [
        [
            [m for m in ends_at[p] if seg.pre[k][m[0]]] if seg.suf[k + 1][p] else []
            for p in range(length + 1)
        ]
        for k in range(seg.n)
    ]


_Interval = tuple[Number, Number]


def _rest_intervals(
    seg: _Seg,
    coefs: list[int],
    moves: list[list[list[tuple[int, str, Number]]]],
    forward: bool,
) -> list[list[_Interval | None]]:
    """Exact range of the segment's share of a linear form over the cells still to place.

    Forward, table[k][p] covers cells k..n-1 filling s[p:]; backward, table[k][p] covers
    cells 0..k-1 filling s[:p].  None marks unreachable states.
    """
    length, n = len(seg.s), seg.n
    table: list[list[_Interval | None]] = [[None] * (length + 1) for _ in range(n + 1)]
    if forward:
        table[n][length] = (0, 0)
        steps = [(k, k, k + 1) for k in range(n - 1, -1, -1)]
    else:
        table[0][0] = (0, 0)
        steps = [(k, k + 1, k) for k in range(n)]
    for cell, into, frm in steps:
        coef = coefs[cell]
        src, dst = table[frm], table[into]
        for p in range(length + 1):
            lo: Number | None = None
            hi: Number | None = None
            for q, _, value in moves[cell][p]:
                rest = src[q]
                if rest is None:
                    continue
                x = coef * value
                a, b = x + rest[0], x + rest[1]
                if a > b:
                    a, b = b, a
                if lo is None or a < lo:
                    lo = a
                if hi is None or b > hi:
                    hi = b
            if lo is not None and hi is not None:
                dst[p] = (lo, hi)
    return table


def _backward_first(rels: list[_Rel]) -> bool:
    """Visit cells right to left when totals tend to come last.

    A total is the one cell whose coefficient sign differs from all others in an "="
    relation; placing it first turns the sum of its parts into a tight bound.
    """
    score = 0
    for rel in rels:
        if rel.op != "=" or len(rel.terms) < 3:
            continue
        pos = [c for c, k in rel.terms if k > 0]
        neg = [c for c, k in rel.terms if k < 0]
        lone = neg if len(neg) == 1 else pos if len(pos) == 1 else []
        if lone:
            cells = [c for c, _ in rel.terms]
            if lone[0] == max(cells):
                score += 1
            elif lone[0] == min(cells):
                score -= 1
    return score >= 0


# memoised state: (completions, cells common to all of them, edges (text, next state))
_Key = tuple[object, ...]
_Sub = tuple[int, tuple[str | None, ...], list[tuple[str, _Key]]]


def _solve_linked(
    segs: list[_Seg],
    rels: list[_Rel],
    max_candidates: int,
    budget: _Budget,
) -> _CompResult:
    """Depth-first search with memoisation over the cells of segments linked by relations.

    Segments are visited in order (right to left when totals come last), cells by
    position.  A state is (cell, position in its segment, partial sums of the relations
    open there); its result (number of completions, cells common to all of them, edges to
    the next states) depends on nothing else, so it is memoised; counting and common cells
    are exact without listing completions, and candidates are read off the edges at the
    end.  Every relation with a
    cell in the current segment is checked after each placement against the exact range
    its unplaced cells can still reach given the digits left, and exactly once its last
    cell is placed.
    """
    forward = not _backward_first(rels)
    seq = segs if forward else segs[::-1]
    order: list[tuple[_Seg, int]] = [
        (seg, k) for seg in seq for k in (range(seg.n) if forward else range(seg.n - 1, -1, -1))
    ]
    n_order = len(order)
    pos_of = {seg.start + k: i for i, (seg, k) in enumerate(order)}
    seg_rank = {id(seg): r for r, seg in enumerate(seq)}
    moves = {id(seg): _moves(seg, forward) for seg in seq}

    # per relation: its order indices, exact per-segment ranges, and whole-segment ranges
    first_last: list[tuple[int, int]] = []
    tables: dict[tuple[int, int], list[list[_Interval | None]]] = {}
    whole: dict[tuple[int, int], _Interval] = {}
    coef_at: list[dict[int, int]] = []
    rank_of_cell = {seg.start + k: r for r, seg in enumerate(seq) for k in range(seg.n)}
    slots_at: list[list[int]] = [[] for _ in seq]  # per segment rank: relations with a cell there
    for slot, rel in enumerate(rels):
        idx = [pos_of[c] for c, _ in rel.terms]
        first_last.append((min(idx), max(idx)))
        coef_at.append({pos_of[c]: k for c, k in rel.terms})
        # the relation's coefficients in each segment it has a cell in
        by_rank: dict[int, list[int]] = {}
        for c, k in rel.terms:
            r = rank_of_cell[c]
            if r not in by_rank:
                by_rank[r] = [0] * seq[r].n
            by_rank[r][c - seq[r].start] = k
        for r in sorted(by_rank):
            seg, coefs = seq[r], by_rank[r]
            if not any(coefs):
                continue
            slots_at[r].append(slot)
            key = (tuple(coefs), forward)
            table = seg.digits.ranges.get(key)
            if table is None:  # the same form over the same run: built once (see _Digits)
                table = seg.digits.ranges[key] = _rest_intervals(
                    seg, coefs, moves[id(seg)], forward
                )
            tables[slot, seg_rank[id(seg)]] = table
            full = table[0][0] if forward else table[seg.n][len(seg.s)]
            if full is None:  # cannot happen: every segment has a digit-valid split
                return _CompResult(0, (None,) * n_order, [])
            whole[slot, seg_rank[id(seg)]] = full

    # per relation, its whole-segment ranges by segment rank (in visiting order), summed
    # once here: the ranges of the segments still to come after each one
    ranks_of: list[list[tuple[int, _Interval]]] = [[] for _ in rels]
    for (slot, rank), iv in whole.items():
        ranks_of[slot].append((rank, iv))
    later: dict[tuple[int, int], _Interval] = {}
    for slot, rel in enumerate(rels):
        lo: Number = 0
        hi: Number = 0
        for rank, iv in sorted(ranks_of[slot], reverse=True):
            later[slot, rank] = (lo, hi)
            lo += iv[0]
            hi += iv[1]
        # a relation no digit-valid split can satisfy, whatever the others do
        if not _feasible(lo, hi, rel.op, rel.constant):
            return _CompResult(0, (None,) * n_order, [])

    # watch[i]: relations to check after placing order[i]
    watch: list[list[tuple[int, int, bool, list[list[_Interval | None]], Number, Number, str, int]]]
    watch = []
    for i, (seg, _) in enumerate(order):
        rank = seg_rank[id(seg)]
        items = []
        for slot in slots_at[rank]:
            if first_last[slot][1] < i:
                continue
            rel = rels[slot]
            table_here = tables[slot, rank]
            later_lo, later_hi = later[slot, rank]
            items.append(
                (
                    slot,
                    coef_at[slot].get(i, 0),
                    first_last[slot][1] == i,
                    table_here,
                    later_lo,
                    later_hi,
                    rel.op,
                    rel.constant,
                )
            )
        # exact checks first, then relations this cell enters: they fail most often
        items.sort(key=lambda item: (not item[2], item[1] == 0))
        watch.append(items)
    # active[i]: the relations open when order[i] is placed (a cell placed, one still to come)
    open_at: list[list[int]] = [[] for _ in range(n_order)]
    for slot, (f, last) in enumerate(first_last):
        for i in range(f + 1, last + 1):
            open_at[i].append(slot)
    active = [tuple(slots) for slots in open_at]
    end: _Key = ("end",)
    memo: dict[_Key, _Sub] = {end: (1, (), [])}
    step = 1 if forward else 0

    def visit(i: int, p: int, partial: tuple[Number, ...]) -> _Key:
        if i == n_order:
            return end
        key = (i, p, *(partial[slot] for slot in active[i]))
        if key in memo:
            return key
        budget.tick()
        seg, k = order[i]
        last_of_seg = k == (seg.n - 1 if forward else 0)
        if last_of_seg and i + 1 < n_order:
            nxt = order[i + 1][0]
            next_p = 0 if forward else len(nxt.s)
        else:
            next_p = -1
        kk = k + step
        checks = watch[i]
        count = 0
        common: tuple[str | None, ...] | None = None
        edges: list[tuple[str, _Key]] = []
        for q, text, value in moves[id(seg)][k][p]:
            new = partial
            if checks:
                acc = list(partial)
                ok = True
                for slot, coef, is_last, table, later_lo, later_hi, op, const in checks:
                    x = acc[slot]
                    if coef:
                        x += coef * value
                        acc[slot] = x
                    if is_last:
                        ok = x == const if op == "=" else x <= const if op == "<=" else x >= const
                    else:
                        rest = table[kk][q]
                        if rest is None:
                            ok = False
                        elif op == "=":
                            ok = x + rest[0] + later_lo <= const <= x + rest[1] + later_hi
                        elif op == "<=":
                            ok = x + rest[0] + later_lo <= const
                        else:
                            ok = x + rest[1] + later_hi >= const
                    if not ok:
                        break
                if not ok:
                    continue
                new = tuple(acc)
            child = visit(i + 1, q if next_p < 0 else next_p, new)
            c_count, c_common, _ = memo[child]
            if not c_count:
                continue
            count += c_count
            edges.append((text, child))
            if common is None:
                common = (text, *c_common)
            elif common[0] != text or common[1:] != c_common:
                common = (
                    common[0] if common[0] == text else None,
                    *(a if a == b else None for a, b in zip(common[1:], c_common, strict=True)),
                )
        memo[key] = (count, common or (), edges)
        return key

    def paths(key: _Key) -> Iterator[tuple[str, ...]]:
        if key == end:
            yield ()
            return
        for text, child in memo[key][2]:
            for rest in paths(child):
                yield (text, *rest)

    start_p = 0 if forward else len(order[0][0].s)
    try:
        root = visit(0, start_p, tuple(0 for _ in rels))
        count, common, _ = memo[root]
        if not count:
            return _CompResult(0, (None,) * n_order, [])
        cands = list(itertools.islice(paths(root), max_candidates))
    finally:
        # visit and paths refer to themselves, so the memo they hold would otherwise wait
        # for the garbage collector (whose passes grow with it) instead of going now
        memo.clear()
    # back to global cell order
    perm = sorted(range(n_order), key=lambda i: order[i][0].start + order[i][1])
    return _CompResult(
        count=count,
        common=tuple(common[i] for i in perm),
        candidates=[tuple(c[i] for i in perm) for c in cands],
    )


def _result(
    status: str,
    width: int,
    reason: str,
    cells: Sequence[str | None] | None = None,
    candidates: Sequence[tuple[str, ...]] = (),
) -> SplitResult:
    return SplitResult(
        status=status,
        cells=tuple(cells) if cells is not None else (None,) * width,
        candidates=tuple(candidates),
        reason=reason,
    )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# --------------------------------------------------------------------------- solver


def split_cells(
    segments: Sequence[Segment],
    relations: Sequence[Relation] = (),
    *,
    max_candidates: int = 50,
    max_cell_len: int = 9,
    max_states: int = _DEFAULT_MAX_STATES,
) -> SplitResult:
    """Split printed runs into cells using the digit rules and the table's arithmetic.

    Digit rules: characters are digits, '.' (at most one per cell, never its first or last
    character) and spaces (certain boundaries); no cell has a leading zero unless it is
    "0" or starts "0."; every cell has 1..max_cell_len characters.

    Status:
      * "invalid": bad characters or structure, or the digits cannot fill the cells at all;
      * "forced": the digits alone admit exactly one split (relations may then fail; the
        reason lists failures);
      * "unique": exactly one digit-valid split satisfies every relation;
      * "ambiguous": several do; only cells printed identically in all of them are set;
        when the search exceeds `max_states` states no cell is set at all;
      * "inconsistent": no digit-valid split satisfies the relations; no cell is set.
    """
    if max_candidates < 0:
        raise ValueError("max_candidates must be >= 0")
    if max_cell_len < 1:
        raise ValueError("max_cell_len must be >= 1")
    if max_states < 1:
        raise ValueError("max_states must be >= 1")
    width = max((s.start + s.n_cells for s in segments if s.n_cells > 0), default=0)
    width = max(width, 0)
    with localcontext() as ctx:
        ctx.prec = 4 * max_cell_len + 100
        ctx.traps[Inexact] = True
        try:
            return _split(segments, relations, width, max_candidates, max_cell_len, max_states)
        except _InvalidInput as exc:
            return _result("invalid", width, f"invalid input: {exc}.")


def _split(
    segments: Sequence[Segment],
    relations: Sequence[Relation],
    width: int,
    max_candidates: int,
    max_cell_len: int,
    max_states: int,
) -> SplitResult:
    if not segments:
        raise _InvalidInput("no segments given")
    segs = [_parse_segment(i, seg, max_cell_len) for i, seg in enumerate(segments)]
    covered: dict[int, int] = {}
    for seg in segs:
        for cell in range(seg.start, seg.start + seg.n):
            if cell in covered:
                raise _InvalidInput(
                    f"segments {covered[cell]} and {seg.index} overlap at cell {cell}"
                )
            covered[cell] = seg.index
    rels = [_normalise(i, rel, covered) for i, rel in enumerate(relations)]

    for seg in segs:
        if seg.count == 0:
            raise _InvalidInput(
                f"segment {seg.index} ({segments[seg.index].text!r}) cannot be split into "
                f"{seg.n} cells under the digit rules (no leading zeros, 1..{max_cell_len} "
                "characters per cell)"
            )
    digit_total = math.prod(seg.count for seg in segs)

    # ---- forced: the digits alone leave exactly one split
    if digit_total == 1:
        values: dict[int, str] = {}
        for seg in segs:
            values.update(zip(range(seg.start, seg.start + seg.n), seg.first_split(), strict=True))
        cells: list[str | None] = [values.get(c) for c in range(width)]
        failures = [f for rel in rels if (f := _failure(rel, values)) is not None]
        if failures and any(seg.lines for seg in segs):
            # numbers printed one per line: the one reading the lines allow breaks the
            # relations, so the lines are not what they seem (a blank cell, equal cells merged
            # while another number is broken over two lines)
            return _result(
                "inconsistent",
                width,
                "inconsistent: the only reading of the numbers printed on lines of their own "
                "breaks the relations; " + "; ".join(failures) + ".",
            )
        why = "forced by the digits alone (every segment admits exactly one split)"
        if failures:
            reason = f"{why}; " + "; ".join(failures) + "."
        elif len(rels) == 1:
            reason = f"{why}; the relation holds."
        elif rels:
            reason = f"{why}; all {len(rels)} relations hold."
        else:
            reason = f"{why}."
        return _result("forced", width, reason, cells=cells)

    # ---- relations without terms are plain truths about constants
    for rel in rels:
        if not rel.terms and not _holds(0, rel.op, rel.constant):
            return _result(
                "inconsistent",
                width,
                f"no split satisfies the relations: relation '{rel.label}' has no cells and "
                "is false.",
            )
    rels = [rel for rel in rels if rel.terms]

    # ---- cells the digits alone fix (used in messages)
    digit_common: dict[int, str] = {}
    for seg in segs:
        for k in range(seg.n):
            if seg.digits.common[k] is not None:
                digit_common[seg.start + k] = seg.digits.common[k]

    # ---- group segments linked by relations (union-find)
    parent = list(range(len(segs)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for rel in rels:
        owners = [covered[c] for c, _ in rel.terms]
        for o in owners[1:]:
            ra, rb = find(owners[0]), find(o)
            if ra != rb:
                parent[rb] = ra
    groups: dict[int, list[_Seg]] = {}
    for seg in sorted(segs, key=lambda s: s.start):
        groups.setdefault(find(seg.index), []).append(seg)
    group_rels: dict[int, list[_Rel]] = {}
    for rel in rels:
        group_rels.setdefault(find(covered[rel.terms[0][0]]), []).append(rel)

    budget = _Budget(max_states)
    solved: list[tuple[list[_Seg], list[_Rel], _CompResult]] = []
    try:
        for root, members in groups.items():
            these = group_rels.get(root, [])
            if these:
                comp = _solve_linked(members, these, max_candidates, budget)
            else:
                comp = _solve_free(members[0], max_candidates)
            solved.append((members, these, comp))
    except _BudgetExceeded:
        return _result(
            "ambiguous",
            width,
            f"search stopped after {max_states} states without finishing "
            f"({digit_total} digit-valid splits), so no cell is set rather than guessing.",
        )

    # ---- inconsistent: some linked group has no valid split
    dead = [(members, these) for members, these, comp in solved if comp.count == 0]
    if dead:
        parts = []
        for members, these in dead:
            seg_ids = ", ".join(str(m.index) for m in sorted(members, key=lambda m: m.index))
            names = ", ".join(f"'{r.label}'" for r in these)
            text = f"no digit-valid split of segment(s) {seg_ids} satisfies relation(s) {names}"
            sure = [
                f
                for r in these
                if all(c in digit_common for c, _ in r.terms)
                and (f := _failure(r, digit_common)) is not None
            ]
            if sure:
                text += " (on cells the digits force: " + "; ".join(sure) + ")"
            parts.append(text)
        reason = (
            f"inconsistent: none of the {digit_total} digit-valid splits satisfies the "
            "relations; " + "; ".join(parts) + "."
        )
        return _result("inconsistent", width, reason)

    # ---- assemble cells and candidates
    total = math.prod(comp.count for _, _, comp in solved)
    cells = [None] * width
    placed: list[tuple[list[int], list[tuple[str, ...]]]] = []
    for members, _, comp in solved:
        index = [seg.start + k for seg in members for k in range(seg.n)]
        for cell, printed in zip(index, comp.common, strict=True):
            cells[cell] = printed
        placed.append((index, comp.candidates))
    candidates: list[tuple[str, ...]] = []
    for combo in itertools.islice(itertools.product(*(c for _, c in placed)), max_candidates):
        full = [""] * width
        for (index, _), part in zip(placed, combo, strict=True):
            for cell, text in zip(index, part, strict=True):
                full[cell] = text
        candidates.append(tuple(full))

    n_rel = _plural(len(rels), "relation")
    if total == 1:
        reason = f"unique: exactly 1 of {digit_total} digit-valid splits satisfies the {n_rel}."
        return _result("unique", width, reason, cells=cells, candidates=candidates)
    n_common = sum(1 for c in covered if cells[c] is not None)
    if rels:
        verb = "rules" if len(rels) == 1 else "rule"
        why = (
            f"the {n_rel} {verb} out {digit_total - total} of {digit_total} digit-valid "
            f"splits and {total} remain"
        )
    else:
        why = f"no relations are given and the digits admit {total} splits"
    reason = (
        f"ambiguous: {why}; {n_common} of {len(covered)} cells print the same in all of "
        f"them and are set (showing {len(candidates)} candidates)."
    )
    return _result("ambiguous", width, reason, cells=cells, candidates=candidates)
