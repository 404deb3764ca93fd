"""Matrix tables of grids without span information, read by the form's column order: a
row is read only when exactly one placement of the form's value cells fits it."""

from __future__ import annotations

from ...catalogue.findings import finding
from ...catalogue.layouts import Layout, RowSpec, TableSpec
from ...model import Cell, Grid
from ...normalize import normalize_label, read_number
from .common import (
    MapResult,
    SectionContext,
    cell_location,
    emit_cell,
    header_only_tables,
    match_row,
    row_is_header,
    unit_of,
)


def prints_form_columns(grid: Grid, layout: Layout, table_id: str) -> bool:
    text = normalize_label(" ".join(c.text for row in grid.rows for c in row))
    spec = next(x for x in layout.tables if x.id == table_id)
    return all(c.labels.plain[0] in text for c in spec.value_columns if c.labels.plain)


def cells_read(res: MapResult) -> dict[str, int]:
    """Cells a reading placed, per table: values plus cells found blank or dashed."""
    out = dict(res.tables)
    for u in res.unread:
        t = u.location.get("table_id")
        if t and u.status in ("blank", "placeholder"):
            out[t] = out.get(t, 0) + 1
    return out


def _cell_kind(text: str) -> str:
    """``num``, ``blank`` (nothing, or a placeholder such as — / 无) or ``label``."""
    status = read_number(text).status
    if status in ("blank", "placeholder"):
        return "blank"
    return "num" if status in ("number", "run") else "label"


def map_unspanned_grid(grid: Grid, layout: Layout) -> MapResult:
    """Matrix tables of a grid whose header spans are unknown, by the form's column order.

    Without spans a two-level header (申请人情况 / 法人或其他组织 / 商业企业…) cannot be laid
    over its columns, and row-group labels (三、本年度办理结果) take a cell of their own in
    some rows only.  The form fixes the order of the value columns, so a row is read when
    exactly one placement of the form's N value cells fits it: the row's label stands before
    them (blank span cells may lie between), every cell of the block is a number or blank,
    only blanks follow it, and no number lies outside it.  Rows that do not fit are reported
    (``map.unaligned_row``) and not read; a header-only table (table 四) is read from a
    label-less row of exactly N cells under its header.
    """
    res = MapResult()
    ctx = SectionContext()
    matrix = [s for s in layout.tables if s.kind == "matrix"]
    spec_rows = [(s, r) for s in matrix for r in s.rows]
    header_text: list[str] = []
    header_spec: TableSpec | None = None
    used: set[str] = set()
    for row in grid.rows:
        kinds = [_cell_kind(c.text) for c in row]
        match: tuple[TableSpec, RowSpec] | None = None
        printed = ""
        if "num" not in kinds:
            # a header row, a section row (三、本年度办理结果) or a row printed all blank
            labels = [c for c, k in zip(row, kinds, strict=True) if k == "label"]
            last = max((i for i, k in enumerate(kinds) if k == "label"), default=-1)
            if sum(row_is_header([c], layout) for c in labels) >= 2:
                labels = []  # column labels (结果维持 | 结果纠正 | … 总计): a header row
            if labels:
                match, printed = match_row(labels, spec_rows, ctx)
            elif (
                header_spec is not None
                and "label" not in kinds
                and len(row) == len(header_spec.value_columns)
            ):
                # table 四's value row printed wholly blank: every cell is a finding
                header_text = []
                _read_form_row(res, grid, header_spec, None, row, 0, "")
                continue
            if (
                match is None
                or match[1].header
                or match[1].code.startswith("_")
                or last == len(row) - 1
            ):
                header_text.extend(c.text for c in row)
                found = header_only_tables(" ".join(header_text), layout)
                if found:
                    header_spec = found[0]
                continue
            first_num = last + 1
        else:
            first_num = kinds.index("num")
            label_cells = [c for c, k in zip(row[:first_num], kinds, strict=False) if k == "label"]
            if label_cells:
                match, printed = match_row(label_cells, spec_rows, ctx)
                if match is None:
                    continue  # a row of another table, or of no table
        header_text = []
        if match is not None:
            spec, row_spec = match
            if row_spec.header or row_spec.code.startswith("_"):
                continue
        elif header_spec is not None:
            spec, row_spec = header_spec, None
        else:
            continue
        n = len(spec.value_columns)
        if row_spec is None and "num" not in kinds and len(row) != n:
            continue
        starts = [
            s
            for s in range(0, first_num + 1)
            if s + n <= len(row)
            and (s == 0 if row_spec is None else s > 0 and "label" in kinds[:s])
            and all(k != "label" for k in kinds[s : s + n])
            and all(k == "blank" for k in kinds[s + n :])
            and all(k != "num" for k in kinds[:s])
        ]
        key = row_spec.code if row_spec else spec.id
        if len(starts) != 1 or key in used:
            res.findings.append(
                finding(
                    "map.unaligned_row",
                    case="no_single_fit" if len(starts) != 1 else "read_before",
                    table=grid.index,
                    table_id=spec.id,
                    printed=printed or "(no label)",
                    n_cells=len(row),
                    n_values=n,
                    indicators=(key,),
                    cells=(cell_location(grid, spec, printed, "", row[first_num]),),
                    found=" | ".join(c.text for c in row),
                )
            )
            continue
        used.add(key)
        _read_form_row(res, grid, spec, row_spec, row, starts[0], printed)
    return res


def _read_form_row(
    res: MapResult,
    grid: Grid,
    spec: TableSpec,
    row_spec: RowSpec | None,
    row: list[Cell],
    start: int,
    printed: str,
) -> None:
    """Emit the form's value cells of ``row`` from ``start`` on, in the form's column order."""
    for k, col in enumerate(spec.value_columns):
        cell = row[start + k]
        code, applicant = spec.indicator(row_spec, col)
        label = col.labels.plain[0] if col.labels.plain else col.key
        if col.group is not None and col.group.plain:
            label = f"{col.group.plain[0]} / {label}"
        loc = cell_location(grid, spec, printed, label, cell, columns="form order")
        emit_cell(res, code, applicant, cell.text, unit_of(spec, row_spec, col, None), loc, spec)
    res.tables.setdefault(spec.id, 0)
