"""Stream grids (flattened text): which stream rows belong to which table of the form,
the rows printed with no number, and the columns the header prints."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ...catalogue.layouts import ColumnSpec, Layout, RowSpec, TableSpec
from ...lexicon import DASH_MARKS, LABEL_TAIL_UNITS
from ...model import Cell, Grid
from ...normalize import collapse_ws, nfkc, normalize_label
from .common import label_forms


@dataclass
class StreamHit:
    index: int  # row index in the stream grid
    spec: TableSpec
    row: RowSpec | None  # None: a header-only table (table 四)
    printed: str
    runs: list[Cell]


# stream_candidates per layout (held, so its id stays its own), keyed on the label string
_CANDIDATES: dict[int, tuple[Layout, dict[str, list[tuple[TableSpec, RowSpec, int]]]]] = {}
_CANDIDATES_MAX = 1 << 15  # labels kept per layout
_LAYOUTS_MAX = 32


def stream_candidates(label: str, layout: Layout) -> list[tuple[TableSpec, RowSpec, int]]:
    """The rows of ``layout`` whose label the stream label ends with (the longest such
    synonyms).  A pure function of the label and the layout: memoized per layout."""
    held = _CANDIDATES.get(id(layout))
    if held is None or held[0] is not layout:
        if len(_CANDIDATES) >= _LAYOUTS_MAX:  # layouts made on the fly (tests): keep a few
            _CANDIDATES.clear()
        held = _CANDIDATES[id(layout)] = (layout, {})
    memo = held[1]
    found = memo.get(label)
    if found is None:
        if len(memo) >= _CANDIDATES_MAX:
            memo.clear()
        found = memo[label] = _stream_candidates(label, layout)
    return list(found)


def _stream_candidates(label: str, layout: Layout) -> list[tuple[TableSpec, RowSpec, int]]:
    plain, exact = label_forms(label)
    variants = [(plain, exact)]
    for u in LABEL_TAIL_UNITS:
        if plain.endswith(u):
            variants.append((plain[: -len(u)], exact[: -len(u)] if exact.endswith(u) else exact))
    out: list[tuple[TableSpec, RowSpec, int]] = []
    for spec, row in layout.all_rows:
        for p, e in variants:
            s = row.labels.suffix(p, e)
            if s:
                out.append((spec, row, len(s)))
                break
    if not out:
        return out
    best = max(n for _, _, n in out)
    return [c for c in out if c[2] == best]


def rows_printed_blank(label: str, spec: TableSpec, after: int, before: int) -> list[RowSpec]:
    """Rows of ``spec`` printed with no number at all: the row's whole label stands on a line
    of its own inside the stream label of the next row read, and the form puts it between
    the row read before (order ``after``) and that row (order ``before``).  One cell per
    line: ``受理依申请公开信息总数`` / ``条`` / ``其中：1.当面申请数`` / ``条`` / ``0``."""
    if before < 0:
        return []
    column_words = {p for c in spec.columns for p in (*c.labels.plain, *(c.group.plain if c.group
                                                                          else ()))}
    out: list[RowSpec] = []
    for piece in collapse_ws(label).split(" ")[:-1]:
        plain, exact = label_forms(piece)
        if not plain or plain in column_words:
            continue
        for row in spec.rows:
            if (
                not after < row.order < before
                or row.section
                or row.header
                or row.under
                or row.code.startswith("_")
                or any(r.code == row.code for r in out)
            ):
                continue
            if row.labels.equals(plain, exact):
                out.append(row)
                break
    return out


def printed_tail(label: str, matched: int) -> str:
    """The end of a stream label that holds the matched row label (``matched`` characters,
    normalised): what the row prints, without the text lines before it (a heading, prose
    above a table printed one cell per line)."""
    pieces = collapse_ws(label).split(" ")
    for k in range(1, len(pieces) + 1):
        tail = " ".join(pieces[-k:])
        if len(normalize_label(tail)) >= matched:
            return tail
    return collapse_ws(label)


def stream_columns(spec: TableSpec, region_text: str) -> list[ColumnSpec]:
    """The table's value columns printed in the header text before its rows.

    Matrix tables keep the form's column order once every leaf label is seen; list tables
    (R0) drop optional columns (历年累计) whose header is not printed.
    """
    plain, _ = label_forms(region_text)
    cols = list(spec.value_columns)
    if spec.kind == "list":
        # the first value column (this year's figure) is always there; others only when
        # their header is printed
        optional = [
            c
            for c in cols[1:]
            if c.labels.within(plain) >= 0 or any(p.search(plain) for p in c.labels.patterns)
        ]
        return cols[:1] + optional
    return cols


Hints = Mapping[str, frozenset[int]]


def with_wrapped_lines(grid: Grid, hit: StreamHit, n: int) -> list[Cell]:
    """The hit's runs, continued by the label-less number lines right below it while its
    spaced numbers are fewer than its ``n`` cells (a converter wrapped the row: table 四's
    15 numbers as 10 + 5)."""
    runs = list(hit.runs)
    count = sum(len(c.text.split()) for c in runs)
    k = hit.index + 1
    while (
        count < n
        and " " in " ".join(c.text.strip() for c in runs)
        and k < len(grid.rows)
        and not grid.rows[k][0].text.strip()
        and len(grid.rows[k]) > 1
        and grid.rows[k][1].line != runs[-1].line
    ):
        extra = grid.rows[k][1:]
        if count + sum(len(c.text.split()) for c in extra) > n:
            break
        runs.extend(extra)
        count += sum(len(c.text.split()) for c in extra)
        k += 1
    return runs if count == n else list(hit.runs)


def is_interrupted(grid: Grid, index: int) -> bool:
    """The next stream row is a one- or two-character fragment with numbers (``减12``,
    ``-15``, ``元 3``): the row's numbers continue past it, so its run is incomplete."""
    if index + 1 >= len(grid.rows):
        return False
    nxt = grid.rows[index + 1]
    if nxt[0].line is not None and nxt[0].line != grid.rows[index][-1].line:
        return False  # the next line (a page number such as "-5-") does not continue this row
    frag = collapse_ws(nfkc(nxt[0].text))
    if frag[:1] in DASH_MARKS:
        return True  # a dash or slash cell follows the numbers: the row goes on past them
    return len(nxt) > 1 and 0 < len(frag) <= 2 and not frag.endswith((".", "、"))


def densest_cluster(hits: list[StreamHit], max_gap: int = 4) -> list[StreamHit]:
    clusters: list[list[StreamHit]] = []
    for h in hits:
        if clusters and h.index - clusters[-1][-1].index <= max_gap:
            clusters[-1].append(h)
        else:
            clusters.append([h])
    return max(clusters, key=len)
