"""Grids → values, by label.

Rows are recognised by their printed labels (never by position), columns by their header
labels; the layout of the regime (``layouts/*.yaml``) says which indicator each row × column
cell is.  A label that occurs in several sections (维持具体行政行为数 under 行政复议 and under
被举报投诉) is resolved by the section matched most recently.

Two kinds of grid:

* ``table`` grids (HTML, DOCX, PDF, tab text, pipe markdown) have real cells: header rows give
  the column of every value.
* ``stream`` grids (flattened text) have a label and numeric runs per row: the table is found
  as the densest cluster of rows whose labels end with a layout label, its columns are the
  layout's columns (after checking the header labels are printed), and runs are split into
  cells by :mod:`govstats.digits` using the table's own arithmetic.  Cells that cannot be
  recovered with certainty get no value and a finding.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..catalogue.layouts import APPLICANTS, ColumnSpec, Layout, RowSpec, TableSpec
from ..catalogue.rules import split_relations
from ..model import Cell, Document, Finding, Grid, Value
from ..normalize import collapse_ws, nfkc, normalize_label, read_number
from .digits import Relation, Segment, SplitResult, split_cells

# ---------------------------------------------------------------------------- results


@dataclass
class MapResult:
    values: list[Value] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)  # table id → cells emitted

    def extend(self, other: MapResult) -> None:
        self.values.extend(other.values)
        self.findings.extend(other.findings)
        for k, v in other.tables.items():
            self.tables[k] = self.tables.get(k, 0) + v

    def part(self, tables: set[str], keep: bool = True) -> MapResult:
        """What this reading says of ``tables`` (``keep``), or of every other table: their
        values, cell counts and the findings that name a cell of them."""

        def named(f: Finding) -> bool:
            return any(c.get("table_id") in tables for c in f.cells)

        return MapResult(
            [v for v in self.values if (v.location.get("table_id") in tables) == keep],
            [f for f in self.findings if named(f) == keep],
            {t: n for t, n in self.tables.items() if (t in tables) == keep},
        )


def _loc(
    grid: Grid, spec: TableSpec, row_label: str, col_label: str, cell: Cell | None, **extra: Any
) -> dict[str, Any]:
    loc: dict[str, Any] = {
        "table": grid.index,
        "table_id": spec.id,
        "row_label": row_label,
        "column_label": col_label,
    }
    if cell is not None:
        if cell.line is not None:
            loc["line"] = cell.line
        if cell.page is not None:
            loc["page"] = cell.page
        if cell.path is not None:
            loc["path"] = cell.path
    elif grid.page is not None:
        loc["page"] = grid.page
    loc.update(extra)
    return loc


def _labels(text: str) -> tuple[str, str]:
    return normalize_label(text), normalize_label(text, keep_parens=True)


class _Context:
    """Which section rows were matched most recently (resolves repeated labels)."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}
        self.tick = 0

    def note(self, code: str) -> None:
        self.tick += 1
        self.seen[code] = self.tick

    def choose(self, candidates: list[tuple[TableSpec, RowSpec]]) -> tuple[TableSpec, RowSpec]:
        if len(candidates) == 1:
            return candidates[0]

        def score(c: tuple[TableSpec, RowSpec]) -> tuple[int, int]:
            row = c[1]
            return (self.seen.get(row.under, 0) if row.under else 0, -row.order)

        return max(candidates, key=score)


def _unit_of(
    spec: TableSpec, row: RowSpec | None, col: ColumnSpec, printed: str | None
) -> str | None:
    from ..catalogue.layouts import catalogue

    if printed:
        return collapse_ws(nfkc(printed)) or None
    if col.unit:
        return col.unit
    code, _ = spec.indicator(row, col)
    base = code.removesuffix(".cumulative")
    ind = catalogue().get(base)
    return ind.unit if ind else None


# ---------------------------------------------------------------------------- table grids


def _occupancy(grid: Grid) -> dict[tuple[int, int], Cell]:
    occ: dict[tuple[int, int], Cell] = {}
    for row in grid.rows:
        for c in row:
            for dr in range(max(1, c.rowspan)):
                for dc in range(max(1, c.colspan)):
                    occ.setdefault((c.row + dr, c.col + dc), c)
    return occ


def _is_numberish(text: str) -> bool:
    r = read_number(text)
    return r.status in ("number", "run")


@dataclass
class _Active:
    spec: TableSpec
    columns: dict[int, ColumnSpec]  # grid column → value column spec
    header_paths: dict[int, str]  # grid column → printed header path
    unit_col: int | None = None
    first_value_col: int = 0
    alternatives: list[_Active] = field(default_factory=list)  # tables with the same header


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
) -> _Active | None:
    columns: dict[int, ColumnSpec] = {}
    paths: dict[int, str] = {}
    unit_col = None
    used: set[str] = set()
    head = " ".join(
        [title or ""]
        + [cell.text for r in header_rows for c in range(n_cols) if (cell := occ.get((r, c)))]
    )
    context = _labels(head)
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
        leaf_plain, leaf_exact = _labels(texts[-1])
        if spec.unit_columns and spec.unit_columns.equals(leaf_plain, leaf_exact):
            unit_col = c
            continue
        for col in spec.value_columns:
            if col.key in used:
                continue
            if not col.labels.equals(leaf_plain, leaf_exact):
                continue
            if col.group is not None:
                groups = [_labels(t) for t in texts[:-1]]
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
    return _Active(spec, columns, paths, unit_col, min(columns))


def _header_score(active: _Active) -> int:
    return len(active.columns) * 10 + (1 if active.unit_col is not None else 0)


def _row_is_header(cells: list[Cell], layout: Layout) -> bool:
    if not cells or any(_is_numberish(c.text) for c in cells):
        return False
    for c in cells:
        plain, exact = _labels(c.text)
        if not plain:
            continue
        for spec in layout.tables:
            for col in spec.columns:
                if col.labels.equals(plain, exact) or (
                    col.group and col.group.equals(plain, exact)
                ):
                    return True
            if spec.unit_columns and spec.unit_columns.equals(plain, exact):
                return True
            if spec.label_columns and spec.label_columns.equals(plain, exact):
                return True
    return False


def _match_row(
    label_cells: list[Cell], spec_rows: list[tuple[TableSpec, RowSpec]], ctx: _Context
) -> tuple[tuple[TableSpec, RowSpec] | None, str]:
    """Match a row's label cells (left to right) to a layout row; update the context."""
    found: tuple[TableSpec, RowSpec] | None = None
    printed = ""
    for cell in label_cells:
        plain, exact = _labels(cell.text)
        if not plain:
            continue
        ranked = [(r.labels.rank(plain, exact)[0], t, r) for t, r in spec_rows]
        best = max((k for k, _, _ in ranked), default=0)
        if best == 0:
            continue
        cands = [(t, r) for k, t, r in ranked if k == best]
        choice = ctx.choose(cands)
        if choice[1].section or choice[1].header:
            ctx.note(choice[1].code)
        found = choice
        printed = collapse_ws(cell.text)
    return found, printed


def map_table_grid(
    grid: Grid, layout: Layout, inherited: _Active | None = None, year: int | None = None
) -> tuple[MapResult, _Active | None]:
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
    mine, theirs = _cells_read(form), _cells_read(res)
    better = {
        t
        for t in form.tables
        if mine.get(t, 0) > theirs.get(t, 0)
        and (not grid.spans_known or _prints_form_columns(grid, layout, t))
    }
    if better:
        res = res.part(better, keep=False)
        res.extend(form.part(better))
    return res, active


def _prints_form_columns(grid: Grid, layout: Layout, table_id: str) -> bool:
    text = normalize_label(" ".join(c.text for row in grid.rows for c in row))
    spec = next(x for x in layout.tables if x.id == table_id)
    return all(c.labels.plain[0] in text for c in spec.value_columns if c.labels.plain)


def _cells_read(res: MapResult) -> dict[str, int]:
    """Cells a reading placed, per table: values plus cells found blank or dashed."""
    out = dict(res.tables)
    for f in res.findings:
        if f.rule in ("cell.blank", "cell.placeholder") and f.cells:
            t = f.cells[0].get("table_id")
            if t:
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
    ctx = _Context()
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
            if sum(_row_is_header([c], layout) for c in labels) >= 2:
                labels = []  # column labels (结果维持 | 结果纠正 | … 总计): a header row
            if labels:
                match, printed = _match_row(labels, spec_rows, ctx)
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
                found = _header_tables(" ".join(header_text), layout)
                if found:
                    header_spec = found[0]
                continue
            first_num = last + 1
        else:
            first_num = kinds.index("num")
            label_cells = [c for c, k in zip(row[:first_num], kinds, strict=False) if k == "label"]
            if label_cells:
                match, printed = _match_row(label_cells, spec_rows, ctx)
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
                Finding(
                    rule="map.unaligned_row",
                    severity="warning",
                    message=f"table {grid.index} ({spec.id}): row {printed or '(no label)'!r} "
                    f"has {len(row)} cells; the form's {n} value cells "
                    + ("fit it in no single way" if len(starts) != 1 else "were already read")
                    + " (the table has no span information); not read",
                    message_zh="表格无合并单元格信息，该行数值无法与表格列唯一对应，未读取",
                    indicators=(key,),
                    cells=(_loc(grid, spec, printed, "", row[first_num]),),
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
        loc = _loc(grid, spec, printed, label, cell, columns="form order")
        _emit(res, code, applicant, cell.text, _unit_of(spec, row_spec, col, None), loc, spec)
    res.tables.setdefault(spec.id, 0)


def _map_by_headers(
    grid: Grid, layout: Layout, inherited: _Active | None = None, year: int | None = None
) -> tuple[MapResult, _Active | None]:
    res = MapResult()
    occ = _occupancy(grid)
    n_cols = grid.n_cols
    n_rows = len(grid.rows)
    ctx = _Context()
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
        if _row_is_header(own, layout):
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
                v is not None and v.row == r and _is_numberish(v.text) for v in values_here.values()
            ):
                continue
        else:
            match, printed = _match_row(label_cells, spec_rows, ctx)
            if match is None:
                for alt in active.alternatives:
                    alt_rows = [(alt.spec, row) for row in alt.spec.rows]
                    match, printed = _match_row(label_cells, alt_rows, ctx)
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
                        v is not None and v.row == r and _is_numberish(v.text)
                        for v in values_here.values()
                    )
                    and label_cells
                ):
                    res.findings.append(
                        Finding(
                            rule="map.unknown_row",
                            severity="warning",
                            message=f"table {grid.index}: row label "
                            f"{collapse_ws(label_cells[-1].text)!r} is not in layout "
                            f"{layout.source} ({spec.id}); its numbers were not used",
                            message_zh="未识别的行标签，其数字未采用",
                            cells=(
                                _loc(
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
            loc = _loc(grid, spec, printed, active.header_paths.get(c, col.key), cell)
            _emit(
                res, code, applicant, cell.text, _unit_of(spec, row_spec, col, unit_text), loc, spec
            )
    return res, active


def _emit(
    res: MapResult,
    code: str,
    applicant: str,
    raw: str,
    unit: str | None,
    loc: dict[str, Any],
    spec: TableSpec,
) -> None:
    reading = read_number(raw)
    if reading.status == "number":
        assert reading.value is not None
        res.values.append(
            Value(code, applicant, reading.value, reading.unit or unit, False, raw.strip(), loc)
        )
        res.tables[spec.id] = res.tables.get(spec.id, 0) + 1
    elif reading.status in ("blank", "placeholder"):
        res.findings.append(
            Finding(
                rule=f"cell.{reading.status}",
                severity="info",
                message=f"{code} [{applicant}] is printed "
                f"{'blank' if reading.status == 'blank' else repr(raw.strip())} "
                "(kept apart from 0)",
                message_zh="单元格为空白"
                if reading.status == "blank"
                else f"单元格印作“{raw.strip()}”",
                indicators=(code,),
                cells=({**loc, "applicant": applicant, "raw": raw},),
            )
        )
    else:
        res.findings.append(
            Finding(
                rule="cell.unreadable",
                severity="warning",
                message=f"{code} [{applicant}]: cannot read {raw.strip()!r} as one number",
                message_zh=f"无法读取数值“{raw.strip()}”",
                indicators=(code,),
                cells=({**loc, "applicant": applicant, "raw": raw},),
            )
        )


# ---------------------------------------------------------------------------- streams

_UNIT_TAIL = ("人次", "件次", "万元", "条", "件", "个", "次", "人", "元", "期", "份", "篇", "项")


@dataclass
class _StreamHit:
    index: int  # row index in the stream grid
    spec: TableSpec
    row: RowSpec | None  # None: a header-only table (table 四)
    printed: str
    runs: list[Cell]


def _stream_candidates(label: str, layout: Layout) -> list[tuple[TableSpec, RowSpec, int]]:
    plain, exact = _labels(label)
    variants = [(plain, exact)]
    for u in _UNIT_TAIL:
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


def _rows_printed_blank(label: str, spec: TableSpec, after: int, before: int) -> list[RowSpec]:
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
        plain, exact = _labels(piece)
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


def _printed_tail(label: str, matched: int) -> str:
    """The end of a stream label that holds the matched row label (``matched`` characters,
    normalised): what the row prints, without the text lines before it (a heading, prose
    above a table printed one cell per line)."""
    pieces = collapse_ws(label).split(" ")
    for k in range(1, len(pieces) + 1):
        tail = " ".join(pieces[-k:])
        if len(normalize_label(tail)) >= matched:
            return tail
    return collapse_ws(label)


def _header_tables(label: str, layout: Layout) -> list[TableSpec]:
    """Header-only tables (no row labels, e.g. table 四) whose column labels all appear."""
    plain, exact = _labels(label)
    out = []
    for spec in layout.tables:
        if spec.rows:
            continue
        groups = {g for c in spec.value_columns if c.group for g in c.group.plain}
        # a heading in brackets names the group too: 行政诉讼（未经复议直接起诉）
        if not groups or not all(g in plain or g in exact for g in groups):
            continue
        if all(c.labels.within(plain) >= 0 for c in spec.value_columns):
            out.append(spec)
            continue
        # a header torn into columns of characters by a converter ("结果结果其他尚未 /
        # 维持纠正结果审结"): every group name is printed whole and every character of every
        # column label is there; the cells then follow the form's column order
        chars = set(plain)
        if all(set(c.labels.plain[0]) <= chars for c in spec.value_columns if c.labels.plain):
            out.append(spec)
    return out


def _stream_columns(spec: TableSpec, region_text: str) -> list[ColumnSpec]:
    """The table's value columns printed in the header text before its rows.

    Matrix tables keep the form's column order once every leaf label is seen; list tables
    (R0) drop optional columns (历年累计) whose header is not printed.
    """
    plain, _ = _labels(region_text)
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


def map_stream_grid(
    grid: Grid, layout: Layout, solver_budget: int = 200000, hints: Hints | None = None
) -> MapResult:
    """Map a stream grid (cells run together in running text).

    ``hints`` maps an indicator to the figures the report's prose states for it; they are
    used only to choose between splits the digits and the table's arithmetic both allow
    (see :func:`_narrative_choice`), never to replace a printed value.
    """
    res = MapResult()
    hits: list[_StreamHit] = []
    ctx = _Context()
    for i, row in enumerate(grid.rows):
        label_cell, runs = row[0], row[1:]
        if not runs:
            continue
        header_specs = _header_tables(label_cell.text, layout)
        if header_specs:
            hits.append(_StreamHit(i, header_specs[0], None, "", runs))
            continue
        cands = _stream_candidates(label_cell.text, layout)
        if not cands:
            continue
        # sections named earlier in the same label ("（三）不予公开1.属于国家秘密") set context
        plain, _ = _labels(label_cell.text)
        for _spec, rowspec in layout.all_rows:
            if (rowspec.section or rowspec.header) and rowspec.labels.within(plain) >= 0:
                ctx.note(rowspec.code)
        spec, rowspec = ctx.choose([(s, r) for s, r, _ in cands])
        if rowspec.section or rowspec.header:
            ctx.note(rowspec.code)
        if rowspec.header or rowspec.code.startswith("_"):
            continue
        printed = _printed_tail(label_cell.text, cands[0][2])
        hits.append(_StreamHit(i, spec, rowspec, printed, runs))
    by_table: dict[str, list[_StreamHit]] = defaultdict(list)
    for h in hits:
        by_table[h.spec.id].append(h)
    for _table_id, table_hits in by_table.items():
        cluster = _densest_cluster(table_hits)
        spec = cluster[0].spec
        first = cluster[0].index
        region = " ".join(grid.rows[k][0].text for k in range(max(0, first - 3), first + 1))
        columns = _stream_columns(spec, region)
        _solve_stream_table(grid, layout, spec, columns, cluster, res, hints or {})
    return res


def _with_wrapped_lines(grid: Grid, hit: _StreamHit, n: int) -> list[Cell]:
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


def _one_per_line(runs: list[Cell]) -> bool:
    """Every number of the row stands alone on a line of its own (one cell per line)."""
    return bool(runs) and all(c.own_line for c in runs) and len({c.line for c in runs}) == len(
        runs
    )


def _plain_number(text: str) -> str:
    """``1,234`` → ``1234`` (a thousands separator is not part of the digits); any other
    text as printed."""
    return text.replace(",", "") if re.fullmatch(r"\d{1,3}(?:,\d{3})+", text) else text


def _soft(seg: Segment) -> bool:
    """Numbers printed one per line, more or fewer than the row's cells."""
    return seg.lines and seg.text.count("\n") + 1 != seg.n_cells


def _cell_lines(
    tokens: list[Cell] | None, cells: Sequence[str | None]
) -> list[dict[str, Any]] | None:
    """Where each cell of a row printed one number per line was read: its line, the lines
    of a number broken over several, or ``collapsed`` for a cell printed once with the one
    before it.  None when the row is not printed that way or a cell is unknown."""
    if not tokens or any(c is None for c in cells):
        return None
    texts = [_plain_number(collapse_ws(nfkc(t.text))) for t in tokens]
    m, n = len(texts), len(cells)

    def walk(i: int, j: int) -> list[dict[str, Any]] | None:
        if j == n:
            return [] if i == m else None
        options: list[tuple[int, dict[str, Any]]] = []
        if i > 0 and m < n and cells[j] == texts[i - 1]:
            options.append((i, {"line": tokens[i - 1].line, "collapsed": True}))
        for k in range(i + 1, m + 1 if m > n else min(i + 1, m) + 1):
            if "".join(texts[i:k]) == cells[j]:
                where: dict[str, Any] = {"line": tokens[i].line}
                if k - i > 1:
                    where["lines"] = [t.line for t in tokens[i:k]]
                options.append((k, where))
        for nxt, where in reversed(options):  # prefer a line of its own over a repeat
            rest = walk(nxt, j + 1)
            if rest is not None:
                return [where, *rest]
        return None

    return walk(0, 0)


def _drop_soft_breaking(
    cells: list[str | None],
    segments: list[Segment],
    relations: list[Relation],
    res: MapResult,
    grid: Grid,
    spec: TableSpec,
    slots: list[tuple[_StreamHit, ColumnSpec, str, str]],
    alone: bool = False,
) -> None:
    """Rows printed one number per line for more or fewer cells are kept only where every
    identity over their known cells holds.  When the table as a whole has no consistent
    reading (``alone``), rows are read one by one with their own identities; a row whose
    lines stood for another number of cells (merged equal cells and a number broken over
    lines at once) may then satisfy its own sum by chance: such a row is kept only where
    every identity it enters is wholly known and holds."""
    soft = [sg for sg in segments if _soft(sg)]
    if not soft:
        return
    owner = {k: sg for sg in soft for k in range(sg.start, sg.start + sg.n_cells)}
    dropped: set[int] = set()
    changed = True
    while changed:
        changed = False
        for rel in relations:
            values = [cells[i] if i < len(cells) else None for i, _ in rel.terms]
            if any(v is None for v in values):
                if not alone:
                    continue
                ok = False
            else:
                total = sum(w * float(v) for (_, w), v in zip(rel.terms, values, strict=True))
                ok = (
                    abs(total - rel.constant) < 1e-9
                    if rel.op == "="
                    else total <= rel.constant + 1e-9
                    if rel.op == "<="
                    else total >= rel.constant - 1e-9
                )
            if ok:
                continue
            for i, _ in rel.terms:
                sg = owner.get(i)
                if sg is None or sg.start in dropped or all(
                    cells[k] is None for k in range(sg.start, sg.start + sg.n_cells)
                ):
                    continue
                dropped.add(sg.start)
                changed = True
                for k in range(sg.start, sg.start + sg.n_cells):
                    cells[k] = None
                res.findings.append(
                    _unconfirmed(grid, spec, sg, slots, f"its reading breaks {rel.name}")
                )


def _drop_optional_splits(
    cells: list[str | None],
    segments: list[Segment],
    blank_column: bool,
    res: MapResult,
    grid: Grid,
    spec: TableSpec,
    slots: list[tuple[_StreamHit, ColumnSpec, str, str]],
) -> None:
    """Run-together digits of a list table whose later column (历年累计) may be blank.

    A run such as ``400`` is one figure when the row's 历年累计 is blank, or two (40 | 0)
    when it is not: the digits cannot say which.  A table shows that the column is left
    blank when a row prints fewer digits than columns (``blank_column``); when no row proves
    the column printed (a run no single figure can be, ``00`` or ``0512``, or numbers printed
    apart) a split that gives a year's figure above its cumulative one (40 > 0) shows it too.
    The runs of such a table that were cut into several cells are then not read."""
    glued = [
        sg for sg in segments
        if not sg.lines and sg.n_cells > 1 and " " not in sg.text and sg.text.isdigit()
    ]  # fmt: skip
    printed = any(
        not sg.lines and sg.n_cells > 1 and (" " in sg.text or sg.text[:1] == "0")
        for sg in segments
    )
    if not blank_column and not printed:
        for sg in glued:
            first, second = cells[sg.start], cells[sg.start + 1]
            if first is not None and second is not None and float(first) > float(second):
                blank_column = True
                break
    if not blank_column:
        return
    for sg in glued:
        if all(cells[k] is None for k in range(sg.start, sg.start + sg.n_cells)):
            continue
        for k in range(sg.start, sg.start + sg.n_cells):
            cells[k] = None
        codes = tuple(sorted({slots[k][2] for k in range(sg.start, sg.start + sg.n_cells)}))
        res.findings.append(
            Finding(
                rule="digits.optional_blank",
                severity="warning",
                message=f"table {spec.id}: the run {sg.text!r} is one figure if the row leaves "
                "its later column (历年累计) blank, as other rows of the table do, or "
                f"{sg.n_cells} run together: not read",
                message_zh="该表部分行的历年累计栏为空，连写数字可能是一个数也可能是两个数，未读取",
                indicators=codes,
                cells=({"run": sg.text, "cells": sg.n_cells,
                        **_loc(grid, spec, slots[sg.start][0].printed, "", None)},),
                found=sg.text,
            )
        )


def _collapsed_cells(
    res: MapResult, grid: Grid, spec: TableSpec, hit: _StreamHit, cols: list[ColumnSpec],
    last: str,
) -> None:
    """Findings for a list row's later columns when it prints fewer numbers than columns."""
    for col in cols:
        code, applicant = spec.indicator(hit.row, col)
        label = col.labels.plain[0] if col.labels.plain else col.key
        res.findings.append(
            Finding(
                rule="cell.collapsed",
                severity="info",
                message=f"{code} [{applicant}]: row {hit.printed!r} prints one number fewer "
                f"than its columns; the {label} cell was blank or, equal to {last!r}, printed "
                "once with it (an export that merges equal lines): not read",
                message_zh="该行数字少于列数：此格为空白，或与前一格相同而被合并为一行，无法确定，未读取",
                indicators=(code,),
                cells=({**_loc(grid, spec, hit.printed, label, hit.runs[-1]),
                        "applicant": applicant, "raw": last},),
                found=last,
            )
        )


def _cuts_a_number(seg: Segment) -> bool:
    """Fewer printed numbers than cells, and one of them could be a whole number (not
    ``00``, which can only be glued zeros): splitting would cut a number that may be whole."""
    tokens = seg.text.split()
    return len(tokens) < seg.n_cells and any(
        len(t) > 1 and not t.startswith("0") for t in tokens
    )


def _unconfirmed(
    grid: Grid,
    spec: TableSpec,
    seg: Segment,
    slots: list[tuple[_StreamHit, ColumnSpec, str, str]],
    why: str,
) -> Finding:
    codes = sorted({slots[k][2] for k in range(seg.start, seg.start + seg.n_cells)})
    return Finding(
        rule="digits.unconfirmed",
        severity="warning",
        message=f"table {spec.id}: {len(seg.text.split())} numbers printed apart "
        f"({seg.text!r}) for {seg.n_cells} cells: a blank cell was dropped or two cells "
        f"were glued, and {why}; not read",
        message_zh="数字之间有分隔但个数少于单元格数（空白格被省略或两格相连），无法确定，未读取",
        indicators=tuple(codes),
        cells=({"run": seg.text, "cells": seg.n_cells, **_loc(grid, spec, "", "", None)},),
        found=seg.text,
    )


def _solve_rows_alone(
    segments: list[Segment],
    relations: list[Relation],
    joint: SplitResult,
    res: MapResult,
    spec: TableSpec,
    cut: Sequence[Segment] = (),
) -> SplitResult:
    """The table as a whole has no consistent split: solve each row with its own relations
    only, so one inconsistent row does not cost the others their cells."""
    res.findings.append(
        Finding(
            rule=f"digits.table_{joint.status}",
            severity="warning",
            message=f"table {spec.id}: no split satisfies the table's identities as a whole "
            f"({joint.reason}); rows were split one by one with their own identities",
            message_zh="整表数字拆分不满足勾稽关系，改为逐行拆分",
            cells=({"table_id": spec.id},),
        )
    )
    cells: list[str | None] = [None] * (max(s.start + s.n_cells for s in segments))
    statuses = []
    for seg in segments:
        rng = range(seg.start, seg.start + seg.n_cells)
        local = [
            Relation(tuple((i - seg.start, w) for i, w in r.terms), r.op, r.constant, r.name)
            for r in relations
            if all(i in rng for i, _ in r.terms)
        ]
        one = split_cells([replace(seg, start=0)], local)
        if one.status == "forced" and "fail" in one.reason and seg in cut:
            one = SplitResult("inconsistent", one.cells, (), one.reason)  # a cut number
        if _soft(seg) and not local:
            # lines printed for more or fewer cells, and no identity of the row to check them
            one = SplitResult("unconfirmed", (None,) * seg.n_cells, (), "no identity")
        statuses.append(one.status)
        for k in range(seg.n_cells):
            if one.status in ("unique", "forced", "ambiguous") and k < len(one.cells):
                cells[seg.start + k] = one.cells[k]
    status = (
        "forced"
        if all(st == "forced" for st in statuses)
        else ("unique" if all(st in ("unique", "forced") for st in statuses) else "ambiguous")
    )
    return SplitResult(status, tuple(cells), (), f"rows split one by one: {statuses}")


def _narrative_choice(
    segments: list[Segment],
    relations: list[Relation],
    result: SplitResult,
    slots: list[tuple[_StreamHit, ColumnSpec, str, str]],
    hints: Hints,
) -> tuple[SplitResult, list[tuple[str, int]]] | None:
    """Resolve an ambiguous split with the figures the prose states.

    For each undecided cell whose indicator the prose speaks of, every stated figure is tried
    as an extra constraint.  A figure is used only when it is the *only* stated figure that
    leaves the table splittable; the split is then accepted only when it is unique.  So a
    prose figure can choose between readings of the printed digits, never invent a number.
    """
    extra: list[Relation] = []
    used: list[tuple[str, int]] = []
    for k, (_, _, code, applicant) in enumerate(slots):
        if applicant != "total" or k >= len(result.cells) or result.cells[k] is not None:
            continue
        stated = hints.get(code)
        if not stated:
            continue
        fits = [
            v
            for v in sorted(stated)
            if split_cells(segments, [*relations, *extra, Relation(((k, 1),), "=", v)]).status
            in ("unique", "ambiguous")
        ]
        if len(fits) == 1:
            extra.append(Relation(((k, 1),), "=", fits[0], f"narrative:{code}"))
            used.append((code, fits[0]))
    if not extra:
        return None
    final = split_cells(segments, [*relations, *extra])
    before = sum(c is not None for c in result.cells)
    if final.status not in ("unique", "ambiguous") or (
        final.status == "ambiguous" and sum(c is not None for c in final.cells) <= before
    ):
        return None
    # cells still undecided stay without a value (and are reported as ambiguous)
    return SplitResult("narrative", final.cells, final.candidates, final.reason), used


_DASHES = frozenset("-—–－/／")


def _interrupted(grid: Grid, index: int) -> bool:
    """The next stream row is a one- or two-character fragment with numbers (``减12``,
    ``-15``, ``元 3``): the row's numbers continue past it, so its run is incomplete."""
    if index + 1 >= len(grid.rows):
        return False
    nxt = grid.rows[index + 1]
    if nxt[0].line is not None and nxt[0].line != grid.rows[index][-1].line:
        return False  # the next line (a page number such as "-5-") does not continue this row
    frag = collapse_ws(nfkc(nxt[0].text))
    if frag[:1] in _DASHES:
        return True  # a dash or slash cell follows the numbers: the row goes on past them
    return len(nxt) > 1 and 0 < len(frag) <= 2 and not frag.endswith((".", "、"))


def _densest_cluster(hits: list[_StreamHit], max_gap: int = 4) -> list[_StreamHit]:
    clusters: list[list[_StreamHit]] = []
    for h in hits:
        if clusters and h.index - clusters[-1][-1].index <= max_gap:
            clusters[-1].append(h)
        else:
            clusters.append([h])
    return max(clusters, key=len)


def _solve_stream_table(
    grid: Grid,
    layout: Layout,
    spec: TableSpec,
    columns: list[ColumnSpec],
    hits: list[_StreamHit],
    res: MapResult,
    hints: Hints,
) -> None:
    n = len(columns)
    seen_codes: set[str] = set()
    segments: list[Segment] = []
    spaced: set[int] = set()  # segments whose numbers are printed apart
    slots: list[tuple[_StreamHit, ColumnSpec, str, str]] = []  # per global cell
    tokens_of: dict[int, list[Cell]] = {}  # segment start → its lines (one number per line)
    previous: RowSpec | None = None  # the form's row read last
    # a list table's later columns (历年累计) may be left blank, on some rows or on all
    optional = spec.kind == "list" and n > 1
    blank_column = False  # a row shows it: fewer digits than columns
    # rows on lines of their own are a layout (pdftotext -layout, a row per line): numbers
    # printed apart are whole, never cells run together
    layout_rows = len({h.runs[0].line for h in hits if h.runs}) > 1
    for h in hits:
        key = h.row.code if h.row else "_"
        if key in seen_codes:
            res.findings.append(
                Finding(
                    rule="map.duplicate_row",
                    severity="warning",
                    message=f"row {h.printed!r} of {spec.id} appears twice; "
                    "the second was not used",
                    message_zh="表格行重复出现，第二次未采用",
                    indicators=(key,),
                    cells=({"table_id": spec.id},),
                )
            )
            continue
        seen_codes.add(key)
        after = previous.order if previous is not None else -1
        previous = h.row
        blank_rows = _rows_printed_blank(
            grid.rows[h.index][0].text, spec, after, h.row.order if h.row else -1
        )
        for blank_row in blank_rows:
            # a row of the form printed with no number before this one's label: its cells
            # are blank (nothing stands between it and the next row's label)
            seen_codes.add(blank_row.code)
            for col in columns:
                code, applicant = spec.indicator(blank_row, col)
                label = col.labels.plain[0] if col.labels.plain else col.key
                loc = _loc(grid, spec, blank_row.labels.plain[0], label, grid.rows[h.index][0])
                _emit(res, code, applicant, "", _unit_of(spec, blank_row, col, None), loc, spec)
        if _interrupted(grid, h.index):
            nxt = grid.rows[h.index + 1]
            res.findings.append(
                Finding(
                    rule="digits.interrupted",
                    severity="warning",
                    message=f"row {h.printed!r} of {spec.id}: its numbers are interrupted by "
                    f"{nxt[0].text.strip()!r} (a sign or unit?); cells not read",
                    message_zh="该行数字中间夹有文字（符号或单位），未读取",
                    indicators=(key,),
                    cells=(_loc(grid, spec, h.printed, "", h.runs[0]),),
                    found=" ".join(c.text for c in h.runs)
                    + nxt[0].text
                    + " ".join(c.text for c in nxt[1:]),
                )
            )
            continue
        row_cols = columns
        if _one_per_line(h.runs):
            lines = [_plain_number(collapse_ws(nfkc(c.text))) for c in h.runs]
            if spec.kind == "list" and len(lines) < n:
                # a list table's later columns (历年累计) may be left blank: fewer numbers than
                # columns fill the first columns; the rest were blank or, merged by the export,
                # equal to the number before them: not read
                row_cols = columns[: len(lines)]
                _collapsed_cells(res, grid, spec, h, columns[len(lines) :], lines[-1])
            text = "\n".join(lines)
            tokens_of[len(slots)] = list(h.runs)
            segments.append(Segment(text, len(slots), len(row_cols), lines=True))
        else:
            runs = _with_wrapped_lines(grid, h, n)
            text = collapse_ws(nfkc(" ".join(c.text for c in runs)))
            few = len(text.split()) if layout_rows else len(text.replace(" ", ""))
            if optional and text.replace(" ", "").isdigit() and few < n:
                # fewer numbers (laid out row by row) or digits (run together) than columns:
                # the row leaves its later columns (历年累计) blank
                row_cols = columns[: len(text.split())]
                for col in columns[len(row_cols) :]:
                    code, applicant = spec.indicator(h.row, col)
                    label = col.labels.plain[0] if col.labels.plain else col.key
                    loc = _loc(grid, spec, h.printed, label, h.runs[-1])
                    _emit(res, code, applicant, "", _unit_of(spec, h.row, col, None), loc, spec)
                blank_column = True
            if " " in text:
                spaced.add(len(segments))  # numbers printed apart, not glued as crawlers do
            segments.append(Segment(text=text, start=len(slots), n_cells=len(row_cols)))
        for col in row_cols:
            code, applicant = spec.indicator(h.row, col)
            slots.append((h, col, code, applicant))
    if not segments:
        return
    index = {(code, applicant): k for k, (_, _, code, applicant) in enumerate(slots)}
    relations = split_relations(layout.regime, spec, index)
    # Numbers printed apart ("40 5 2 1 48") but fewer than the row's cells: a blank cell was
    # dropped, or two cells were glued.  Cutting a printed number is then a guess unless the
    # form's identities confirm it, so such a row is split only where identities involve its
    # cells, and a split forced by the digit count that breaks them is not taken.
    lines = {h.runs[0].line for h in hits if h.runs and h.runs[0].line is not None}
    if len(lines) > 1:
        spaced = set(range(len(segments)))  # one row per line: a layout, not crawler text
    by_line = {i for i, sg in enumerate(segments) if sg.lines}  # never cut: see digits
    cut = {i for i in spaced - by_line if _cuts_a_number(segments[i])}
    involved = {i for rel in relations for i, _ in rel.terms}
    # a number printed once for several cells, or over several lines, is checked only by an
    # equality: an inequality (本年新公开 ≤ 对外公开总数量) holds for a repeated figure as well
    pinned = {i for rel in relations if rel.op == "=" for i, _ in rel.terms}

    def touched(seg: Segment) -> bool:
        cells = range(seg.start, seg.start + seg.n_cells)
        return any(c in (pinned if _soft(seg) else involved) for c in cells)

    unconfirmed = [segments[i] for i in sorted(cut) if not touched(segments[i])]
    for seg in unconfirmed:
        res.findings.append(_unconfirmed(grid, spec, seg, slots, "no identity of the form "
                                         "involves its cells"))  # fmt: skip
    # numbers printed apart, one per cell, with dashes or thousands separators: every token
    # is a cell; nothing is split (the digit splitter reads digits only)
    whole = [
        sg
        for i, sg in enumerate(segments)
        if i in spaced | by_line
        and len(sg.text.split()) == sg.n_cells
        and not sg.text.replace(" ", "").replace("\n", "").replace(".", "").isdigit()
    ]
    unconfirmed += [
        sg
        for i, sg in enumerate(segments)
        if sg not in whole
        and (
            any(t in _DASHES for t in sg.text.split())
            or (i in by_line and not sg.text.replace("\n", "").replace(".", "").isdigit())
        )
    ]
    # lines printed for more or fewer cells than the row has (merged equal cells, a number
    # broken over two lines) are read only where an identity of the form checks them, or
    # where a figure the text states settles them
    needs_evidence = [
        sg for sg in segments if _soft(sg) and sg not in unconfirmed and not touched(sg)
    ]
    solvable = [sg for sg in segments if sg not in unconfirmed and sg not in whole]
    cut_segments = [segments[i] for i in cut if segments[i] not in unconfirmed]
    if not solvable and not whole:
        return
    result = (
        split_cells(solvable, relations)
        if solvable
        else SplitResult("forced", (None,) * len(slots), (), "every cell printed apart")
    )
    if result.status == "forced" and "fail" in result.reason and cut_segments:
        result = SplitResult("inconsistent", (None,) * len(result.cells), (), result.reason)
    if result.status in ("inconsistent", "invalid") and len(solvable) > 1:
        result = _solve_rows_alone(solvable, relations, result, res, spec, cut_segments)
    settled: set[str] = set()  # indicators a figure of the text settled
    if result.status == "ambiguous" and hints:
        chosen = _narrative_choice(segments, relations, result, slots, hints)
        if chosen is not None:
            result, used = chosen
            settled = {c for c, _ in used}
            res.findings.append(
                Finding(
                    rule="digits.narrative_choice",
                    severity="warning",
                    message=f"table {spec.id}: the run-together digits allow several splits; "
                    "the one chosen is the only split that agrees with the figure(s) the "
                    f"report's text states ({', '.join(f'{c} = {v}' for c, v in used)})",
                    message_zh="连写数字有多种拆分，采用与正文所述数字一致的唯一拆分",
                    indicators=tuple(c for c, _ in used),
                    cells=tuple(
                        {"run": s.text, "cells": s.n_cells, **_loc(grid, spec, "", "", None)}
                        for s in segments
                    ),
                    expected="; ".join(f"{c} = {v}" for c, v in used),
                )
            )
    cells = list(result.cells) + [None] * (len(slots) - len(result.cells))
    for seg in needs_evidence:
        span = range(seg.start, seg.start + seg.n_cells)
        if any(slots[k][2] in settled for k in span):
            continue
        if any(cells[k] is not None for k in span):
            res.findings.append(_unconfirmed(grid, spec, seg, slots, "no identity of the form "
                                             "involves its cells"))  # fmt: skip
        for k in span:
            cells[k] = None
    for sg in whole:
        for j, token in enumerate(sg.text.split()):
            cells[sg.start + j] = token
    _drop_soft_breaking(
        cells, segments, relations, res, grid, spec, slots,
        alone=result.reason.startswith("rows split one by one"),
    )
    if optional:
        _drop_optional_splits(cells, segments, blank_column, res, grid, spec, slots)
    for seg in segments:
        where = _cell_lines(tokens_of.get(seg.start), cells[seg.start : seg.start + seg.n_cells])
        for j in range(seg.n_cells):
            k = seg.start + j
            h, col, code, applicant = slots[k]
            if cells[k] is None:
                continue
            loc = _loc(
                grid,
                spec,
                h.printed,
                col.labels.plain[0] if col.labels.plain else col.key,
                h.runs[0],
                run=seg.text,
                split=result.status,
                **(where[j] if where else {}),
            )
            _emit(res, code, applicant, cells[k], _unit_of(spec, h.row, col, None), loc, spec)
    undecided = any(v is None for v in result.cells[: len(slots)])
    if result.status not in ("unique", "forced", "narrative") or (
        result.status == "narrative" and undecided
    ):
        res.findings.append(
            Finding(
                rule=f"digits.{'ambiguous' if result.status == 'narrative' else result.status}",
                severity="warning",
                message=f"table {spec.id}: run-together cells could not all be recovered "
                f"({result.status}): {result.reason}; uncertain cells were left without "
                f"a value",
                message_zh="连写数字无法唯一拆分，未确定的单元格不输出数值",
                indicators=tuple(
                    sorted(
                        {
                            c
                            for (_, _, c, _), v in zip(slots, result.cells, strict=False)
                            if v is None
                        }
                    )
                ),
                cells=tuple(
                    {"run": s.text, "cells": s.n_cells, **_loc(grid, spec, "", "", None)}
                    for s in segments
                ),
                found="; ".join("|".join(c) for c in result.candidates[:5]) or None,
            )
        )
    elif result.status == "forced" and "fail" in result.reason:
        res.findings.append(
            Finding(
                rule="digits.forced_inconsistent",
                severity="warning",
                message=f"table {spec.id}: cells fixed by the digit count alone; {result.reason}",
                message_zh="数字位数唯一确定拆分，但表内勾稽关系不成立",
                cells=({"table_id": spec.id},),
            )
        )


# ---------------------------------------------------------------------------- document


def _fit_columns(active: _Active | None, grid: Grid) -> _Active | None:
    """The previous grid's columns for a continuation grid, if its numbers stand under them.

    A continuation may lack a cell the first part spans (三、本年度办理结果 over its rows), so
    its values sit one column to the left: the columns are shifted when one shift puts a
    number under every column in each of its first rows, and not inherited otherwise.
    """
    if active is None:
        return None
    numeric = [
        {c.col for c in row if _is_numberish(c.text)} for row in grid.rows[:5]
    ]
    numeric = [cols for cols in numeric if cols]
    if not numeric:
        return None
    wanted = set(active.columns)
    for shift in (0, -1, 1, -2, 2):
        if all({c + shift for c in wanted} <= cols for cols in numeric):
            if shift == 0:
                return active
            return _Active(
                active.spec,
                {c + shift: col for c, col in active.columns.items()},
                {c + shift: p for c, p in active.header_paths.items()},
                None if active.unit_col is None else active.unit_col + shift,
                active.first_value_col + shift,
            )
    return None


def map_document(
    doc: Document, layout: Layout, hints: Hints | None = None, year: int | None = None
) -> MapResult:
    """Map every grid of ``doc`` with ``layout``; values keep their provenance.

    ``hints`` (indicator → figures stated in the prose) may settle run-together digits that
    the table alone cannot split; see :func:`map_stream_grid`.
    """
    res = MapResult()
    last: tuple[int, _Active | None] = (-1, None)
    for grid in doc.grids:
        if grid.kind == "stream":
            continue
        # a table continued on the next page repeats no header: it inherits the previous
        # grid's columns when it has the same number of columns (rows still match by label)
        inherited = _fit_columns(last[1], grid) if grid.n_cols == last[0] else None
        part, active = map_table_grid(grid, layout, inherited=inherited, year=year)
        last = (grid.n_cols, active)
        res.extend(part)
    streams = MapResult()
    for grid in doc.grids:
        if grid.kind == "stream":
            streams.extend(map_stream_grid(grid, layout, hints=hints))
    # per table, the stream reading is used only where the real grids read fewer cells of it
    # (a table the grids missed, or tore into pieces); the two are never mixed
    use_stream = {t for t, n in streams.tables.items() if n > res.tables.get(t, 0)}
    # findings of a stream table are kept where it is used, and where no reading placed a
    # cell of that table at all (why its run-together digits gave nothing)
    unread = {t.id for t in layout.tables} - set(res.tables) - use_stream
    chosen = streams.part(use_stream)
    chosen.findings = streams.part(use_stream | unread).findings
    res = res.part(use_stream, keep=False)
    res.extend(chosen)
    _settle_copies(res)
    return res


def _settle_copies(res: MapResult) -> None:
    """A cell read twice (a table printed twice, or last year's table beside this year's):
    identical copies keep the first reading; copies that disagree keep neither."""
    by: dict[tuple[str, str], list[Value]] = defaultdict(list)
    for v in res.values:
        by[(v.indicator, v.applicant)].append(v)
    twice = {k: vs for k, vs in by.items() if len(vs) > 1}
    if not twice:
        return
    same = {k for k, vs in twice.items() if len({float(v.value) for v in vs}) == 1}
    differ = set(twice) - same
    seen: set[tuple[str, str]] = set()
    kept: list[Value] = []
    for v in res.values:
        key = (v.indicator, v.applicant)
        if key in differ or key in seen:
            continue
        seen.add(key)
        kept.append(v)
    res.values = kept
    if same:
        res.findings.append(
            Finding(
                rule="map.repeated_table",
                severity="info",
                message=f"{len(same)} cell(s) are printed twice with the same figures (a "
                "repeated table); the first copy is used",
                message_zh="表格重复出现且数字相同，采用第一处",
                indicators=tuple(sorted({k[0] for k in same})),
                cells=tuple(twice[k][1].location for k in sorted(same))[:20],
            )
        )
    if differ:
        res.findings.append(
            Finding(
                rule="map.conflicting_tables",
                severity="warning",
                message=f"{len(differ)} cell(s) are printed more than once with different "
                "figures (another year's table, or a corrected copy?); none of them is used",
                message_zh="同一单元格多处出现且数字不同（可能含其他年度的表），均未采用",
                indicators=tuple(sorted({k[0] for k in differ})),
                cells=tuple(v.location for k in sorted(differ) for v in twice[k])[:40],
                found="; ".join(
                    f"{k[0]}[{k[1]}]: " + " / ".join(v.raw for v in twice[k])
                    for k in sorted(differ)[:10]
                ),
            )
        )


__all__ = [
    "APPLICANTS",
    "MapResult",
    "Relation",
    "map_document",
    "map_stream_grid",
    "map_table_grid",
]
