"""Grids with real cell boundaries (HTML, DOCX, PDF, tab or pipe text), read by their
header labels: a header row gives every value column its column spec."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from ...catalogue.findings import finding
from ...catalogue.layouts import ColumnSpec, Layout, RowSpec, TableSpec
from ...model import Cell, Grid
from ...normalize import collapse_ws
from .common import (
    MapResult,
    SectionContext,
    cell_location,
    emit_cell,
    is_numberish,
    label_forms,
    match_row,
    row_is_header,
    unit_of,
)
from .form_order import cells_read, map_unspanned_grid, prints_form_columns


def _occupancy(grid: Grid) -> dict[tuple[int, int], Cell]:
    occ: dict[tuple[int, int], Cell] = {}
    for row in grid.rows:
        for c in row:
            for dr in range(max(1, c.rowspan)):
                for dc in range(max(1, c.colspan)):
                    occ.setdefault((c.row + dr, c.col + dc), c)
    return occ


@dataclass
class ActiveTable:
    spec: TableSpec
    columns: dict[int, ColumnSpec]  # grid column → value column spec
    header_paths: dict[int, str]  # grid column → printed header path
    unit_col: int | None = None
    first_value_col: int = 0
    alternatives: list[ActiveTable] = field(default_factory=list)  # tables with the same header


_YEAR_HEAD = re.compile(r"((?:19|20)\d{2})\s*年")


def _names_group(col: ColumnSpec, context: tuple[str, str]) -> bool:
    """The column's group is named in ``context`` (the plain and exact forms of the table's
    header and heading)."""
    assert col.group is not None
    return any(g in context[0] or g in context[1] for g in col.group.plain)


def _header_match(
    spec: TableSpec,
    header_rows: list[int],
    occ: dict[tuple[int, int], Cell],
    n_cols: int,
    year: int | None = None,
    title: str | None = None,
) -> ActiveTable | None:
    columns: dict[int, ColumnSpec] = {}
    paths: dict[int, str] = {}
    unit_col = None
    used: set[str] = set()
    head = " ".join(
        [title or ""]
        + [cell.text for r in header_rows for c in range(n_cols) if (cell := occ.get((r, c)))]
    )
    context = label_forms(head)
    # years printed in the header: a column of another year is passed over only when the
    # report's own year has a column (a misprinted lone year header is still this year's)
    header_years = {
        int(m.group(1))
        for r in header_rows
        for c in range(n_cols)
        if (cell := occ.get((r, c))) is not None and (m := _YEAR_HEAD.search(cell.text))
    }
    for c in range(n_cols):
        texts: list[str] = []
        last: Cell | None = None
        for r in header_rows:
            cell = occ.get((r, c))
            if cell is not None and cell is not last and cell.text.strip():
                texts.append(cell.text)
            last = cell
        if not texts:
            continue
        paths[c] = " / ".join(collapse_ws(t) for t in texts)
        leaf_plain, leaf_exact = label_forms(texts[-1])
        if spec.unit_columns and spec.unit_columns.equals(leaf_plain, leaf_exact):
            unit_col = c
            continue
        for col in spec.value_columns:
            if col.key in used:
                continue
            if not col.labels.equals(leaf_plain, leaf_exact):
                continue
            if col.group is not None:
                groups = [label_forms(t) for t in texts[:-1]]
                named = [
                    (p, e) for p, e in groups
                    if any(c.group and c.group.equals(p, e) for c in spec.value_columns)
                ]  # fmt: skip
                if named:
                    if not any(col.group.equals(p, e) for p, e in named):
                        continue
                elif not _names_group(col, context):
                    # no group printed over this column: a small table under its own
                    # heading (行政复议 / 未经复议直接起诉 / 复议后起诉 as three tables)
                    continue
            printed_year = _YEAR_HEAD.search(texts[-1])
            if (
                printed_year
                and year in header_years
                and int(printed_year.group(1)) != year
            ):
                continue  # last year's column beside this year's (2015年 | 2016年)
            columns[c] = col
            used.add(col.key)
            break
    if not columns:
        return None
    return ActiveTable(spec, columns, paths, unit_col, min(columns))


def _header_score(active: ActiveTable) -> int:
    return len(active.columns) * 10 + (1 if active.unit_col is not None else 0)


def map_table_grid(
    grid: Grid, layout: Layout, inherited: ActiveTable | None = None, year: int | None = None
) -> tuple[MapResult, ActiveTable | None]:
    """Map a grid with real cell boundaries: header rows define columns by their labels.

    Matrix tables are also read by the form's column order (:func:`map_unspanned_grid`);
    per table, that reading is used where it places more cells (grids without span
    information: markdown pipe tables, or HTML whose spans were expanded into empty cells).
    """
    res, active = _map_by_headers(grid, layout, inherited, year)
    # Per table, the form-order reading replaces the header reading only where it places
    # more cells, printed or blank (a flat header that lines up with its columns reads the
    # same either way); in a grid with real spans only when it prints the form's own column
    # labels (a custom table may order its columns otherwise).
    form = map_unspanned_grid(grid, layout)
    mine, theirs = cells_read(form), cells_read(res)
    better = {
        t
        for t in form.tables
        if mine.get(t, 0) > theirs.get(t, 0)
        and (not grid.spans_known or prints_form_columns(grid, layout, t))
    }
    if better:
        res = res.part(better, keep=False)
        res.extend(form.part(better))
    return res, active


def _map_by_headers(
    grid: Grid, layout: Layout, inherited: ActiveTable | None = None, year: int | None = None
) -> tuple[MapResult, ActiveTable | None]:
    res = MapResult()
    occ = _occupancy(grid)
    n_cols = grid.n_cols
    n_rows = len(grid.rows)
    ctx = SectionContext()
    active = inherited
    header_rows: list[int] = []
    by_row: dict[int, list[Cell]] = defaultdict(list)
    for r in range(n_rows):
        seen: set[int] = set()
        for c in range(n_cols):
            cell = occ.get((r, c))
            if cell is not None and id(cell) not in seen:
                seen.add(id(cell))
                by_row[r].append(cell)
    for r in range(n_rows):
        own = grid.rows[r]
        if row_is_header(own, layout):
            header_rows.append(r)
            cands = [
                c
                for spec in layout.tables
                if (c := _header_match(spec, header_rows, occ, n_cols, year, grid.title))
            ]
            if cands:
                top = max(_header_score(c) for c in cands)
                tied = [c for c in cands if _header_score(c) == top]
                # tables with the same header (第二十条 (五) and (六): 信息内容 | 本年处理决定数量)
                # are told apart by their row labels
                active = tied[0]
                active.alternatives = tied[1:]
            continue
        header_rows = []
        if active is None:
            continue
        spec = active.spec
        label_cells = [
            c for c in by_row[r] if c.col < active.first_value_col and c.col != active.unit_col
        ]
        spec_rows = [(spec, row) for row in spec.rows]
        values_here = {c: occ.get((r, c)) for c in active.columns}
        if not spec.rows:
            match: tuple[TableSpec, RowSpec] | None = None
            printed = collapse_ws(" ".join(c.text for c in label_cells))
            if not any(
                v is not None and v.row == r and is_numberish(v.text) for v in values_here.values()
            ):
                continue
        else:
            match, printed = match_row(label_cells, spec_rows, ctx)
            if match is None:
                for alt in active.alternatives:
                    alt_rows = [(alt.spec, row) for row in alt.spec.rows]
                    match, printed = match_row(label_cells, alt_rows, ctx)
                    if match is not None:
                        alt.alternatives = [a for a in active.alternatives if a is not alt]
                        alt.alternatives.append(active)
                        active = alt
                        spec = alt.spec
                        values_here = {c: occ.get((r, c)) for c in active.columns}
                        break
            if match is None:
                if (
                    any(
                        v is not None and v.row == r and is_numberish(v.text)
                        for v in values_here.values()
                    )
                    and label_cells
                ):
                    res.findings.append(
                        finding(
                            "map.unknown_row",
                            table=grid.index,
                            label=collapse_ws(label_cells[-1].text),
                            layout=layout.source,
                            table_id=spec.id,
                            cells=(
                                cell_location(
                                    grid,
                                    spec,
                                    collapse_ws(label_cells[-1].text),
                                    "",
                                    label_cells[-1],
                                ),
                            ),
                        )
                    )
                continue
            if match[1].header:
                continue
        row_spec = match[1] if match else None
        if row_spec is not None and row_spec.code.startswith("_"):
            continue
        unit_text = None
        if active.unit_col is not None:
            uc = occ.get((r, active.unit_col))
            unit_text = uc.text if uc is not None and uc.row == r else None
        for c, col in active.columns.items():
            cell = occ.get((r, c))
            if cell is None or cell.row != r:
                continue  # empty slot or a cell spanning from another row
            if cell.col != c:
                # a value cell wider than its column (Word HTML: 商业企业's header spans
                # columns 4–5 under 自然人 | 法人…, its values start at 4): it is read for the
                # one column whose header stands over it, and never for two
                span = range(cell.col, cell.col + max(1, cell.colspan))
                if [k for k in active.columns if k in span] != [c]:
                    continue
            code, applicant = spec.indicator(row_spec, col)
            loc = cell_location(grid, spec, printed, active.header_paths.get(c, col.key), cell)
            emit_cell(
                res, code, applicant, cell.text, unit_of(spec, row_spec, col, unit_text), loc, spec
            )
    return res, active


def fit_columns(active: ActiveTable | None, grid: Grid) -> ActiveTable | None:
    """The previous grid's columns for a continuation grid, if its numbers stand under them.

    A continuation may lack a cell the first part spans (三、本年度办理结果 over its rows), so
    its values sit one column to the left: the columns are shifted when one shift puts a
    number under every column in each of its first rows, and not inherited otherwise.
    """
    if active is None:
        return None
    numeric = [
        {c.col for c in row if is_numberish(c.text)} for row in grid.rows[:5]
    ]
    numeric = [cols for cols in numeric if cols]
    if not numeric:
        return None
    wanted = set(active.columns)
    for shift in (0, -1, 1, -2, 2):
        if all({c + shift for c in wanted} <= cols for cols in numeric):
            if shift == 0:
                return active
            return ActiveTable(
                active.spec,
                {c + shift: col for c, col in active.columns.items()},
                {c + shift: p for c, p in active.header_paths.items()},
                None if active.unit_col is None else active.unit_col + shift,
                active.first_value_col + shift,
            )
    return None
