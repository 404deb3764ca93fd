"""What every mapper shares: the result of a reading (:class:`MapResult`), cell
locations, label matching with section context, and emitting one printed cell."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...catalogue.findings import finding
from ...catalogue.indicators import catalogue
from ...catalogue.layouts import ColumnSpec, Layout, RowSpec, TableSpec
from ...model import Candidates, Cell, Finding, Grid, UnreadCell, Value
from ...normalize import collapse_ws, nfkc, normalize_label, read_number


@dataclass
class MapResult:
    values: list[Value] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)  # table id → cells emitted
    unread: list[UnreadCell] = field(default_factory=list)  # cells printed without a number
    # readings the table's identities leave open (run-together digits)
    candidates: list[Candidates] = field(default_factory=list)

    def extend(self, other: MapResult) -> None:
        self.values.extend(other.values)
        self.findings.extend(other.findings)
        self.unread.extend(other.unread)
        self.candidates.extend(other.candidates)
        for k, v in other.tables.items():
            self.tables[k] = self.tables.get(k, 0) + v

    def part(self, tables: set[str], keep: bool = True) -> MapResult:
        """What this reading says of ``tables`` (``keep``), or of every other table: their
        values, cell counts, unread cells and the findings that name a cell of them."""

        def named(f: Finding) -> bool:
            return any(c.get("table_id") in tables for c in f.cells)

        return MapResult(
            [v for v in self.values if (v.location.get("table_id") in tables) == keep],
            [f for f in self.findings if named(f) == keep],
            {t: n for t, n in self.tables.items() if (t in tables) == keep},
            [u for u in self.unread if (u.location.get("table_id") in tables) == keep],
            [c for c in self.candidates if (c.table_id in tables) == keep],
        )


def cell_location(
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
        if cell.confidence is not None:
            loc["ocr_confidence"] = cell.confidence
        if cell.ocr_read is not None:
            loc["ocr_read"] = cell.ocr_read
        if cell.ocr_reread is not None:
            loc["ocr_reread"] = cell.ocr_reread
            loc["ocr_reread_confidence"] = cell.ocr_reread_confidence
    elif grid.page is not None:
        loc["page"] = grid.page
    loc.update(extra)
    return loc


def label_forms(text: str) -> tuple[str, str]:
    return normalize_label(text), normalize_label(text, keep_parens=True)


class SectionContext:
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


def unit_of(
    spec: TableSpec, row: RowSpec | None, col: ColumnSpec, printed: str | None
) -> str | None:
    if printed:
        return collapse_ws(nfkc(printed)) or None
    if col.unit:
        return col.unit
    code, _ = spec.indicator(row, col)
    base = code.removesuffix(".cumulative")
    ind = catalogue().get(base)
    return ind.unit if ind else None


def is_numberish(text: str) -> bool:
    r = read_number(text)
    return r.status in ("number", "run")


def row_is_header(cells: list[Cell], layout: Layout) -> bool:
    if not cells or any(is_numberish(c.text) for c in cells):
        return False
    for c in cells:
        plain, exact = label_forms(c.text)
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


def match_row(
    label_cells: list[Cell], spec_rows: list[tuple[TableSpec, RowSpec]], ctx: SectionContext
) -> tuple[tuple[TableSpec, RowSpec] | None, str]:
    """Match a row's label cells (left to right) to a layout row; update the context."""
    found: tuple[TableSpec, RowSpec] | None = None
    printed = ""
    for cell in label_cells:
        plain, exact = label_forms(cell.text)
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


def emit_cell(
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
        res.unread.append(UnreadCell(code, applicant, reading.status, raw, loc))
        cells = ({**loc, "applicant": applicant, "raw": raw},)
        if reading.status == "blank":
            note = finding("cell.blank", code=code, applicant=applicant, indicators=(code,),
                           cells=cells)
        else:
            note = finding("cell.placeholder", code=code, applicant=applicant,
                           printed=raw.strip(), indicators=(code,), cells=cells)
        res.findings.append(note)
    else:
        res.unread.append(UnreadCell(code, applicant, "unreadable", raw, loc))
        res.findings.append(
            finding(
                "cell.unreadable",
                code=code,
                applicant=applicant,
                printed=raw.strip(),
                indicators=(code,),
                cells=({**loc, "applicant": applicant, "raw": raw},),
            )
        )


def header_only_tables(label: str, layout: Layout) -> list[TableSpec]:
    """Header-only tables (no row labels, e.g. table 四) whose column labels all appear."""
    plain, exact = label_forms(label)
    out = []
    for spec in layout.tables:
        groups = spec.group_names
        # a heading in brackets names the group too: 行政诉讼（未经复议直接起诉）
        if spec.rows or not groups or not all(g in plain or g in exact for g in groups):
            continue
        if all(c.labels.within(plain) >= 0 for c in spec.value_columns):
            out.append(spec)
            continue
        # a header torn into columns of characters by a converter ("结果结果其他尚未 /
        # 维持纠正结果审结"): every group name is printed whole and every character of every
        # column label is there; the cells then follow the form's column order
        chars = set(plain)
        if all(c <= chars for c in spec.column_label_chars):
            out.append(spec)
    return out
