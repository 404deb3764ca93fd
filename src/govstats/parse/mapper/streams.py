"""Stream grids: find each table's rows (:mod:`.stream_rows`) and recover its cells
(:mod:`.stream_solve`)."""

from __future__ import annotations

from collections import defaultdict

from ...catalogue.layouts import Layout
from ...model import Grid
from .common import MapResult, SectionContext, header_only_tables, label_forms
from .stream_rows import (
    Hints,
    StreamHit,
    densest_cluster,
    printed_tail,
    stream_candidates,
    stream_columns,
)
from .stream_solve import solve_stream_table


def map_stream_grid(
    grid: Grid, layout: Layout, solver_budget: int = 200000, hints: Hints | None = None
) -> MapResult:
    """Map a stream grid (cells run together in running text).

    ``hints`` maps an indicator to the figures the report's prose states for it; they are
    used only to choose between splits the digits and the table's arithmetic both allow
    (see :func:`_narrative_choice`), never to replace a printed value.
    """
    res = MapResult()
    hits: list[StreamHit] = []
    ctx = SectionContext()
    for i, row in enumerate(grid.rows):
        label_cell, runs = row[0], row[1:]
        if not runs:
            continue
        header_specs = header_only_tables(label_cell.text, layout)
        if header_specs:
            hits.append(StreamHit(i, header_specs[0], None, "", runs))
            continue
        cands = stream_candidates(label_cell.text, layout)
        if not cands:
            continue
        # sections named earlier in the same label ("（三）不予公开1.属于国家秘密") set context
        plain, _ = label_forms(label_cell.text)
        for _spec, rowspec in layout.all_rows:
            if (rowspec.section or rowspec.header) and rowspec.labels.within(plain) >= 0:
                ctx.note(rowspec.code)
        spec, rowspec = ctx.choose([(s, r) for s, r, _ in cands])
        if rowspec.section or rowspec.header:
            ctx.note(rowspec.code)
        if rowspec.header or rowspec.code.startswith("_"):
            continue
        printed = printed_tail(label_cell.text, cands[0][2])
        hits.append(StreamHit(i, spec, rowspec, printed, runs))
    by_table: dict[str, list[StreamHit]] = defaultdict(list)
    for h in hits:
        by_table[h.spec.id].append(h)
    for _table_id, table_hits in by_table.items():
        cluster = densest_cluster(table_hits)
        spec = cluster[0].spec
        first = cluster[0].index
        region = " ".join(grid.rows[k][0].text for k in range(max(0, first - 3), first + 1))
        columns = stream_columns(spec, region)
        solve_stream_table(grid, layout, spec, columns, cluster, res, hints or {})
    return res
