"""OCR readings as evidence: keep a doubtful reading only where the table's identities confirm
it.

A value read by OCR is *doubtful* when the engine read a character that resembles a digit in
its place (``location.ocr_read``: ``o`` for 0) or when the engine's confidence is below
:data:`govstats.read.ocr.LOW_CONFIDENCE`.  A doubtful value is *confirmed* when an equality of
the form (the identities :func:`govstats.catalogue.rules.split_relations` gives, the ones
:func:`govstats.parse.derive.resolve_blanks` uses) determines it from the cells read for sure
or confirmed before, and it equals what was read: the only doubtful cell of the equality, or
one of several on one side of an equality that leaves 0 for them (counts are never negative,
so each is 0); repeated until nothing changes.  A doubtful value read without a confusable
character is also confirmed by its *second reading* (``location.ocr_reread``: the recogniser
alone on other pixels of the same words, :func:`govstats.read.ocr._reread`) when that reads
the same number, digits only, at a confidence of at least the threshold: two independent
readings agree on what is printed (``confirmed_by: ocr.reread``).  That is how the figures of a
table that is itself inconsistent (a 总计 the printed parts do not add up to) are kept as
printed, as a text layer gives them; validation then flags the table.  A doubtful value
nothing confirms has no value: it becomes an unread cell (``unreadable``, what the engine read
as ``raw``) with the finding ``ocr.unconfirmed``.  Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..catalogue.findings import finding
from ..catalogue.layouts import Layout, TableSpec
from ..model import Finding, UnreadCell, Value
from .digits import Relation

__all__ = ["REREAD", "confirm_ocr", "doubtful", "reread_agrees"]

#: ``confirmed_by`` of a value its second reading confirms
REREAD = "ocr.reread"


def _low(low: float | None) -> float:
    """The confidence bar: ``low``, else :data:`govstats.read.ocr.LOW_CONFIDENCE`."""
    if low is None:
        from ..read.ocr import LOW_CONFIDENCE

        return LOW_CONFIDENCE
    return low


def reread_agrees(v: Value, low: float | None = None) -> bool:
    """Whether the second reading of an OCR value (:func:`govstats.read.ocr._reread`) gives
    the same number, in digits only (no confusable character, one number), at a confidence of
    at least ``low``, and the first reading had no confusable character either."""
    loc = v.location
    again, conf = loc.get("ocr_reread"), loc.get("ocr_reread_confidence")
    if "ocr_read" in loc or again is None or conf is None or float(conf) < _low(low):
        return False
    digits = str(again).replace(",", "")
    if not digits.isdigit() or not digits.isascii():
        return False
    return int(digits) == v.value


def doubtful(v: Value, low: float | None = None) -> bool:
    """Whether an OCR value needs an identity to confirm it."""
    loc = v.location
    if "ocr_confidence" not in loc:
        return False
    return "ocr_read" in loc or float(loc["ocr_confidence"]) < _low(low)


def _row_cells(spec: TableSpec, printed: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Every cell of the form's rows of which a cell was read (a table without row labels:
    its one row): a cell of them the reading lacks was not seen."""
    if not printed:
        return set()
    if not spec.rows:
        return {spec.indicator(None, c) for c in spec.value_columns}
    out: set[tuple[str, str]] = set()
    for row in spec.rows:
        cells = {spec.indicator(row, c) for c in spec.value_columns}
        if cells & printed:
            out |= cells
    return out


_Eq = tuple[list[tuple[tuple[str, str], int]], int]  # (cell, coefficient) terms, constant


def _pinned(
    eqs: Sequence[_Eq], empty: set[tuple[str, str]], read: dict[tuple[str, str], int | float]
) -> dict[tuple[str, str], int]:
    """Cells not seen whose value two or more equalities (each with every other cell read)
    give alike: a row and a column that agree check each other's readings, so their
    equalities can check readings again.  A misread cell shifts one of the two values."""
    out: dict[tuple[str, str], int] = {}
    for cell in empty:
        found = []
        for terms, constant in eqs:
            coef = next((c for k, c in terms if k == cell), 0)
            if coef and all(k == cell or k in read for k, _ in terms):
                rest = sum(c * read[k] for k, c in terms if k != cell)
                found.append((constant - rest) / coef)
        one = len(found) >= 2 and len(set(found)) == 1
        if one and found[0] >= 0 and float(found[0]).is_integer():
            out[cell] = int(found[0])
    return out


def _seen_cells(
    values: Sequence[Value], unread: Sequence[UnreadCell]
) -> dict[str, set[tuple[str, str]]]:
    """The (indicator, applicant) cells the reading has, with or without a value, by table."""
    seen: dict[str, set[tuple[str, str]]] = {}
    for x in (*values, *unread):
        seen.setdefault(str(x.location.get("table_id")), set()).add((x.indicator, x.applicant))
    return seen


def _rows_not_read(layout: Layout, seen: dict[str, set[tuple[str, str]]]) -> list[Finding]:
    """Rows of the form, in a table the OCR reading has cells of (``seen``,
    :func:`_seen_cells`), for which it has none (a label the engine misread leaves its row
    unmapped; the report may also not print it)."""
    out: list[Finding] = []
    for spec in layout.tables:
        codes = {code for code, _ in seen.get(spec.id, ())}
        if not codes or not spec.rows:
            continue
        for row in spec.rows:
            if row.header:
                continue
            cells = sorted({spec.indicator(row, c)[0] for c in spec.value_columns})
            if cells and not codes & set(cells):
                out.append(
                    finding(
                        "ocr.row_not_read",
                        table_id=spec.id,
                        row=row.code,
                        indicators=tuple(cells),
                    )
                )
    return out


def _columns_not_read(layout: Layout, seen: dict[str, set[tuple[str, str]]]) -> list[Finding]:
    """Value columns of the form, in a table the OCR reading has cells of in other columns
    (``seen``), of which it has no cell (a heading the engine misread leaves its column
    unmapped)."""
    out: list[Finding] = []
    for spec in layout.tables:
        cells = seen.get(spec.id)
        columns = spec.value_columns
        if not cells or len(columns) < 2:
            continue
        rows = [r for r in spec.rows if not r.header] or [None]
        for col in columns:
            if col.code and rows != [None]:
                column = {spec.indicator(None, col)}
            else:
                column = {spec.indicator(r, col) for r in rows}
            if column & cells:
                continue
            out.append(
                finding(
                    "ocr.column_not_read",
                    table_id=spec.id,
                    column=col.key,
                    indicators=tuple(sorted({code for code, _ in column})),
                    cells=tuple({"code": c, "applicant": a} for c, a in sorted(column)),
                )
            )
    return out


def confirm_ocr(
    values: list[Value],
    layout: Layout | None,
    unread: Sequence[UnreadCell] = (),
    low: float | None = None,
) -> tuple[list[Value], list[UnreadCell], list[Finding]]:
    """The values kept (sure or confirmed, each confirmed one says by which identity in
    ``location.confirmed_by``), the doubtful cells dropped as unread cells, and their
    findings.  ``unread``: the cells of the form printed without a value (blank, …)."""
    doubt = {(v.indicator, v.applicant) for v in values if doubtful(v, low)}
    confirmed: dict[tuple[str, str], str] = {}
    tables: list[tuple[list[tuple[str, str]], list[Relation]]] = []
    ocr = {(v.indicator, v.applicant) for v in values if "ocr_confidence" in v.location}
    read = {(v.indicator, v.applicant): v.value for v in values}
    if layout is not None and ocr:
        from ..catalogue.rules import split_relations  # rules imports digits; keep this light

        table_of = {(v.indicator, v.applicant): v.location.get("table_id") for v in values}
        for spec in layout.tables:
            keys = sorted(k for k, t in table_of.items() if t == spec.id)
            index = {k: i for i, k in enumerate(keys)}
            rels = [r for r in split_relations(layout.regime, spec, index) if r.op == "="]
            tables.append((keys, rels))
            # an equality the readings break: none of its OCR readings is sure (one was
            # misread, or the report prints inconsistent figures; either way no reading of it
            # is certain); cells of pages with a text layer are as printed
            for rel in rels:
                cells = [keys[i] for i, _ in rel.terms]
                if sum(c * read[keys[i]] for i, c in rel.terms) != rel.constant:
                    doubt.update(k for k in cells if k in ocr)
            # an equality with a cell of the form that has no value cannot check its OCR
            # readings (a digit the engine dropped, 64 read as 4, goes unseen when the
            # total is missing too): they too need an identity that holds
            empty = {
                (u.indicator, u.applicant)
                for u in unread
                if u.location.get("table_id") == spec.id and (u.indicator, u.applicant) not in read
            } | (_row_cells(spec, set(keys)) - set(read))
            if empty:
                every = sorted(set(keys) | empty)
                eqs: list[_Eq] = [
                    ([(every[i], c) for i, c in rel.terms], rel.constant)
                    for rel in split_relations(
                        layout.regime, spec, {k: i for i, k in enumerate(every)}
                    )
                    if rel.op == "="
                ]
                pinned = _pinned(eqs, empty, read)
                for terms, constant in eqs:
                    cells = [k for k, _ in terms]
                    unseen = any(k in empty and k not in pinned for k in cells)
                    broken = any(k in pinned for k in cells) and (
                        sum(c * (pinned[k] if k in pinned else read[k]) for k, c in terms)
                        != constant
                    )
                    if unseen or broken:
                        doubt.update(k for k in cells if k in ocr)
    rows: list[Finding] = []
    if layout is not None and ocr:
        seen = _seen_cells(values, unread)
        rows = _rows_not_read(layout, seen) + _columns_not_read(layout, seen)
    if not doubt:
        return values, [], rows
    known = {k: v for k, v in read.items() if k not in doubt}
    reading = {k: v for k, v in read.items() if k in doubt}
    for v in values:  # two independent readings that agree: what is printed
        key = (v.indicator, v.applicant)
        if key in reading and reread_agrees(v, low):
            confirmed[key] = REREAD
            known[key] = reading[key]
    for keys, rels in tables:
        if any(k in doubt for k in keys):
            changed = True
            while changed:
                changed = False
                for rel in rels:
                    unknown = [(keys[i], c) for i, c in rel.terms if keys[i] not in known]
                    if not unknown or len({c > 0 for _, c in unknown}) != 1:
                        continue
                    rest = sum(c * known[keys[i]] for i, c in rel.terms if keys[i] in known)
                    need = (rel.constant - rest) / unknown[0][1]
                    if len(unknown) == 1:
                        solved = {unknown[0][0]: need}
                    elif need == 0:  # counts are never negative: each of them is 0
                        solved = {k: 0 for k, _ in unknown}
                    else:
                        continue
                    for key, val in solved.items():
                        if key in reading and reading[key] == val:
                            confirmed[key] = rel.name
                            known[key] = reading[key]
                            changed = True
    kept: list[Value] = []
    dropped: list[UnreadCell] = []
    notes: list[Finding] = list(rows)
    for v in values:
        key = (v.indicator, v.applicant)
        if key not in doubt:
            kept.append(v)
        elif key in confirmed:
            kept.append(
                Value(
                    v.indicator,
                    v.applicant,
                    v.value,
                    v.unit,
                    v.derived,
                    v.raw,
                    {**v.location, "confirmed_by": confirmed[key]},
                )
            )
        else:
            read = str(v.location.get("ocr_read", v.raw))
            conf = v.location.get("ocr_confidence")
            dropped.append(UnreadCell(v.indicator, v.applicant, "unreadable", read, v.location))
            notes.append(
                finding(
                    "ocr.unconfirmed",
                    code=v.indicator,
                    applicant=v.applicant,
                    read=read,
                    confidence=conf,
                    indicators=(v.indicator,),
                    cells=({**v.location, "applicant": v.applicant, "raw": read},),
                )
            )
    return kept, dropped, notes
