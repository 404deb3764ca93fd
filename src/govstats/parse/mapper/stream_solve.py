"""The cells of a stream table: runs of digits and numbers printed one per line aligned to
the form's cells by :mod:`govstats.parse.digits` with the table's identities; what cannot
be read with certainty gets no value and a finding."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import combinations
from typing import Any

from ...catalogue.findings import finding
from ...catalogue.layouts import ColumnSpec, Layout, RowSpec, TableSpec
from ...catalogue.rules import Rule, checks, split_relations
from ...lexicon import DASH_MARKS
from ...model import Candidates, Cell, Finding, Grid, UnreadCell
from ...normalize import collapse_ws, nfkc, read_number
from ..digits import Relation, Segment, SplitResult, split_cells
from .common import MapResult, cell_location, emit_cell, unit_of
from .stream_rows import (
    Hints,
    StreamHit,
    is_interrupted,
    rows_printed_blank,
    with_wrapped_lines,
)

# The finding for run-together cells not all recovered, by the status of the split (a split
# the prose settled that still leaves cells undecided is ambiguous).
_UNRECOVERED = {
    "ambiguous": "digits.ambiguous",
    "narrative": "digits.ambiguous",
    "inconsistent": "digits.inconsistent",
    "invalid": "digits.invalid",
}


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
    slots: list[tuple[StreamHit, ColumnSpec, str, str]],
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
                res.findings.append(_unconfirmed(grid, spec, sg, slots, breaks=rel.name))


def _drop_optional_splits(
    cells: list[str | None],
    segments: list[Segment],
    blank_column: bool,
    res: MapResult,
    grid: Grid,
    spec: TableSpec,
    slots: list[tuple[StreamHit, ColumnSpec, str, str]],
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
            finding(
                "digits.optional_blank",
                table_id=spec.id,
                run=sg.text,
                n_cells=sg.n_cells,
                indicators=codes,
                cells=({"run": sg.text, "cells": sg.n_cells,
                        **cell_location(grid, spec, slots[sg.start][0].printed, "", None)},),
                found=sg.text,
            )
        )


#: the cap of readings :func:`govstats.parse.digits.split_cells` returns (its default)
_CANDIDATE_CAP = 50


def _record_candidates(res: MapResult, spec: TableSpec, result: SplitResult,
                       cells: list[str | None], slots: list[tuple[Any, Any, str, str]]) -> None:
    """The readings the table's identities leave open, for the cells that got no value: the
    panel may settle them from other reports (``govstats.panel.resolve``)."""
    if result.status not in ("ambiguous", "narrative") or not result.candidates:
        return
    open_cells = [k for k in range(min(len(slots), len(result.cells)))
                  if cells[k] is None and result.cells[k] is None
                  and any(c[k] for c in result.candidates)]
    if not open_cells:
        return
    options: list[tuple[float, ...]] = []
    for cand in result.candidates:
        values = tuple(read_number(cand[k]).value for k in open_cells)
        if any(v is None for v in values):
            continue  # a reading with a cell that is not one number: not an option
        if values not in options:
            options.append(values)  # type: ignore[arg-type]
    if len(options) < 2:
        return
    res.candidates.append(Candidates(
        spec.id, tuple((slots[k][2], slots[k][3]) for k in open_cells), tuple(options),
        complete=len(result.candidates) < _CANDIDATE_CAP))


def _collapsed_cells(
    res: MapResult, grid: Grid, spec: TableSpec, hit: StreamHit, cols: list[ColumnSpec],
    last: str,
) -> None:
    """Findings for a list row's later columns when it prints fewer numbers than columns."""
    for col in cols:
        code, applicant = spec.indicator(hit.row, col)
        label = col.labels.plain[0] if col.labels.plain else col.key
        loc = cell_location(grid, spec, hit.printed, label, hit.runs[-1])
        res.unread.append(UnreadCell(code, applicant, "collapsed", last, loc))
        res.findings.append(
            finding(
                "cell.collapsed",
                code=code,
                applicant=applicant,
                row=hit.printed,
                column=label,
                last=last,
                indicators=(code,),
                cells=({**loc, "applicant": applicant, "raw": last},),
                found=last,
            )
        )


_SENTENCE_MARK = re.compile(r"[，。；;！？]")


def _prefer_table_rows(grid: Grid, hits: list[StreamHit]) -> list[StreamHit]:
    """A row label found twice: when one occurrence is a sentence of the prose (its label
    text carries sentence punctuation, its numbers inside the sentence: 共27份废止失效，现有
    规范性文件32份) and another is a row of the table (a label of its own, numbers on lines of
    their own), the table's row is read; the other occurrence is then the duplicate.
    Otherwise the first occurrence is read, as before."""
    def table_like(h: StreamHit) -> bool:
        label = grid.rows[h.index][0].text
        return not _SENTENCE_MARK.search(label) and bool(h.runs) and all(
            c.own_line for c in h.runs)

    by_code: dict[str, list[StreamHit]] = {}
    for h in hits:
        if h.row is not None:
            by_code.setdefault(h.row.code, []).append(h)
    first: dict[str, StreamHit] = {}
    for code, group in by_code.items():
        if len(group) > 1 and not table_like(group[0]):
            better = [h for h in group[1:] if table_like(h)]
            if better:
                first[code] = better[0]
    if not first:
        return hits
    # the prose occurrences move to the end, to be reported as duplicates of the row read
    def passed_over(h: StreamHit) -> bool:
        return h.row is not None and h.row.code in first and h is not first[h.row.code]

    return [h for h in hits if not passed_over(h)] + [h for h in hits if passed_over(h)]


@dataclass(frozen=True)
class _Lone:
    """A list row printed one number per line with fewer numbers than columns."""

    hit: StreamHit
    start: int  # global index of its first cell
    missing: tuple[ColumnSpec, ...]  # the columns it prints no number for
    last: str  # its last number
    n_lines: int


def _sum_state(rule: Rule, suffix: str, values: dict[str, float | None]) -> str:
    """A sum rule (parts = total) over one column (``suffix``) of a list table: ``fails`` when the
    printed parts exceed the printed total (or differ from it with every part printed),
    ``confirms`` when the printed parts make the printed total exactly (parts not printed
    are then 0), ``open`` otherwise (the total or the row is not printed)."""
    def side(terms: Sequence[Any]) -> tuple[float, int]:
        known, missing = 0.0, 0
        for t in terms:
            v = values.get(t.code + suffix)
            if v is None:
                missing += 1
            else:
                known += t.coef * v
        return known, missing

    left, left_missing = side(rule.left)
    right, right_missing = side(rule.right)
    if right_missing or left_missing == len(rule.left):
        return "open"
    if left > right:
        return "fails"
    if left == right:
        return "confirms"
    return "fails" if not left_missing else "open"


def _place_lone_numbers(
    cells: list[str | None], slots: list[tuple[StreamHit, ColumnSpec, str, str]],
    lone: list[_Lone], spec: TableSpec, regime: str, res: MapResult, grid: Grid,
    tokens_of: dict[int, list[Cell]],
) -> None:
    """A list row of two columns (本年度 | 历年累计) printed with one number: the number is the
    first column's (the export merged two equal cells, or the second was left blank) unless
    that breaks a sum of the first column.  Then the first column was the blank one: the
    number is read in the second column when, so placed, a sum of the second column is met
    exactly, none breaks, and the first column's no longer breaks; when no single smallest
    choice of rows does that, neither cell is read.  Every other row keeps its
    ``cell.collapsed`` finding."""
    pairs = [r for r in lone if r.n_lines == 1 and len(r.missing) == 1
             and cells[r.start] is not None]
    for r in lone:
        if r not in pairs:
            _collapsed_cells(res, grid, spec, r.hit, list(r.missing), r.last)
    if not pairs:
        return
    values: dict[str, float | None] = {}
    for k, (_, _, code, applicant) in enumerate(slots):
        if applicant == "total" and cells[k] is not None:
            values[code] = read_number(cells[k] or "").value
    second = {r.start: spec.indicator(r.hit.row, r.missing[0])[0] for r in pairs}
    first = {r.start: slots[r.start][2] for r in pairs}
    if any(second[k] != first[k] + ".cumulative" for k in first):
        for r in pairs:
            _collapsed_cells(res, grid, spec, r.hit, list(r.missing), r.last)
        return
    # the sums a table must meet (equalities of severity error, each column apart); an
    # inequality a report may legitimately break (channels covering the items) decides nothing
    rules = [rule for rule in checks()
             if rule.kind == "sum" and rule.op == "=" and rule.severity == "error"
             and rule.applicants == "total" and rule.validate
             and (rule.regimes is None or regime in rule.regimes)
             and {"", ".cumulative"} <= set(rule.suffixes)]
    codes_of = {id(rule): {t.code for t in (*rule.left, *rule.right)} for rule in rules}

    def readings(moved: frozenset[int]) -> dict[str, float | None]:
        out = dict(values)
        for k in first:
            if k in moved:
                out[first[k]] = None
                out[second[k]] = values[first[k]]
        return out

    def broken(vals: dict[str, float | None], suffix: str, rows: set[int]) -> list[Rule]:
        mine = {first[k] for k in rows}
        return [rule for rule in rules if codes_of[id(rule)] & mine
                and _sum_state(rule, suffix, vals) == "fails"]

    failing = broken(readings(frozenset()), "", set(first))
    printed_second = {c.removesuffix(".cumulative") for c, v in values.items()
                      if c.endswith(".cumulative") and v is not None}
    # a table printing nothing in its second column: the lone numbers are the first column's
    # (a report whose first column breaks its own sums is a validation finding, not a reason
    # to read elsewhere)
    if not failing or not printed_second:
        for r in pairs:
            _collapsed_cells(res, grid, spec, r.hit, list(r.missing), r.last)
        return
    involved = sorted(k for k in first if any(first[k] in codes_of[id(rule)]
                                              for rule in failing))
    good: list[frozenset[int]] = []
    for size in range(1, min(len(involved), 6) + 1):
        for combo in combinations(involved, size):
            moved = frozenset(combo)
            vals = readings(moved)
            if broken(vals, "", set(first)):
                continue
            mine = {first[k] for k in moved}
            second_rules = [rule for rule in rules if codes_of[id(rule)] & mine]
            states = [_sum_state(rule, ".cumulative", vals) for rule in second_rules]
            # each moved row must be confirmed by a sum of the second column that also holds a
            # figure printed in that column (not only moved ones); none may fail
            confirmed = all(
                any(st == "confirms" and first[k] in codes_of[id(rule)]
                    and codes_of[id(rule)] & printed_second
                    for rule, st in zip(second_rules, states, strict=True))
                for k in moved)
            if confirmed and "fails" not in states:
                good.append(moved)
        if good:
            break
    chosen = good[0] if len(good) == 1 else None
    rule_name = failing[0].id
    for r in pairs:
        k = r.start
        h, col, code, applicant = slots[k]
        if k not in involved:
            _collapsed_cells(res, grid, spec, h, list(r.missing), r.last)
            continue
        label2 = r.missing[0].labels.plain[0] if r.missing[0].labels.plain else r.missing[0].key
        label1 = col.labels.plain[0] if col.labels.plain else col.key
        tokens = tokens_of.get(k)
        line = {"line": tokens[0].line} if tokens else {}
        loc2 = cell_location(grid, spec, h.printed, label2, h.runs[0], split="identity",
                             **line)
        if chosen is not None and k in chosen:
            outcome = f"read as the {label2} cell, which its sum confirms; {label1} blank"
            outcome_zh = "按历年累计读取（合计相符），本年度为空白"
            cells[k] = None
            emit_cell(res, code, applicant, "",
                      unit_of(spec, h.row, col, None),
                      cell_location(grid, spec, h.printed, label1, h.runs[0]), spec)
            emit_cell(res, second[k], applicant, r.last,
                      unit_of(spec, h.row, r.missing[0], None), loc2, spec)
        elif chosen is not None:
            _collapsed_cells(res, grid, spec, h, list(r.missing), r.last)
            continue
        else:
            outcome = "no single reading meets the sums of both columns: not read"
            outcome_zh = "两列合计均无法唯一确定，未读取"
            cells[k] = None
            loc1 = cell_location(grid, spec, h.printed, label1, h.runs[0], **line)
            res.unread.append(UnreadCell(code, applicant, "collapsed", r.last, loc1))
            res.unread.append(UnreadCell(second[k], applicant, "collapsed", r.last, loc2))
        res.findings.append(
            finding(
                "cell.lone_number", code=code, row=h.printed, last=r.last, sum_rule=rule_name,
                first=_sum_text(failing[0], "", readings(frozenset())), outcome=outcome,
                outcome_zh=outcome_zh, indicators=(code, second[k]),
                cells=({**loc2, "applicant": applicant, "raw": r.last},), found=r.last,
            )
        )


def _sum_text(rule: Rule, suffix: str, values: dict[str, float | None]) -> str:
    """``6+7+1 > 6``: the printed parts and total of a sum rule over one column (its
    coefficients are all 1 for the list tables' sums)."""
    def fmt(v: float) -> str:
        return str(int(v)) if float(v).is_integer() else str(v)

    parts = [v for t in rule.left if (v := values.get(t.code + suffix)) is not None]
    total = [v for t in rule.right if (v := values.get(t.code + suffix)) is not None]
    op = ">" if sum(parts) > sum(total) else "≠"
    return f"{'+'.join(map(fmt, parts)) or '0'} {op} {'+'.join(map(fmt, total)) or '?'}"


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
    slots: list[tuple[StreamHit, ColumnSpec, str, str]],
    breaks: str | None = None,
) -> Finding:
    """Numbers printed apart for more cells, not read: no identity of the form involves
    them, or their reading ``breaks`` the identity of that name."""
    codes = sorted({slots[k][2] for k in range(seg.start, seg.start + seg.n_cells)})
    return finding(
        "digits.unconfirmed",
        case="no_identity" if breaks is None else "breaks_identity",
        table_id=spec.id,
        n_numbers=len(seg.text.split()),
        run=seg.text,
        n_cells=seg.n_cells,
        **({} if breaks is None else {"identity": breaks}),
        indicators=tuple(codes),
        cells=({"run": seg.text, "cells": seg.n_cells, **cell_location(grid, spec, "", "", None)},),
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
        finding(
            {"inconsistent": "digits.table_inconsistent", "invalid": "digits.table_invalid"}[
                joint.status
            ],
            table_id=spec.id,
            reason=joint.reason,
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
    slots: list[tuple[StreamHit, ColumnSpec, str, str]],
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


def solve_stream_table(
    grid: Grid,
    layout: Layout,
    spec: TableSpec,
    columns: list[ColumnSpec],
    hits: list[StreamHit],
    res: MapResult,
    hints: Hints,
) -> None:
    n = len(columns)
    seen_codes: set[str] = set()
    segments: list[Segment] = []
    spaced: set[int] = set()  # segments whose numbers are printed apart
    slots: list[tuple[StreamHit, ColumnSpec, str, str]] = []  # per global cell
    tokens_of: dict[int, list[Cell]] = {}  # segment start → its lines (one number per line)
    previous: RowSpec | None = None  # the form's row read last
    # a list table's later columns (历年累计) may be left blank, on some rows or on all
    optional = spec.kind == "list" and n > 1
    blank_column = False  # a row shows it: fewer digits than columns
    lone: list[_Lone] = []  # list rows printed one per line with fewer numbers than columns
    # rows on lines of their own are a layout (pdftotext -layout, a row per line): numbers
    # printed apart are whole, never cells run together
    layout_rows = len({h.runs[0].line for h in hits if h.runs}) > 1
    hits = _prefer_table_rows(grid, hits)
    for h in hits:
        key = h.row.code if h.row else "_"
        if key in seen_codes:
            res.findings.append(
                finding(
                    "map.duplicate_row",
                    row=h.printed,
                    table_id=spec.id,
                    indicators=(key,),
                    cells=({"table_id": spec.id},),
                )
            )
            continue
        seen_codes.add(key)
        after = previous.order if previous is not None else -1
        previous = h.row
        blank_rows = rows_printed_blank(
            grid.rows[h.index][0].text, spec, after, h.row.order if h.row else -1
        )
        for blank_row in blank_rows:
            # a row of the form printed with no number before this one's label: its cells
            # are blank (nothing stands between it and the next row's label)
            seen_codes.add(blank_row.code)
            for col in columns:
                code, applicant = spec.indicator(blank_row, col)
                label = col.labels.plain[0] if col.labels.plain else col.key
                loc = cell_location(
                    grid, spec, blank_row.labels.plain[0], label, grid.rows[h.index][0]
                )
                emit_cell(res, code, applicant, "", unit_of(spec, blank_row, col, None), loc, spec)
        if is_interrupted(grid, h.index):
            nxt = grid.rows[h.index + 1]
            res.findings.append(
                finding(
                    "digits.interrupted",
                    row=h.printed,
                    table_id=spec.id,
                    by=nxt[0].text.strip(),
                    indicators=(key,),
                    cells=(cell_location(grid, spec, h.printed, "", h.runs[0]),),
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
                # equal to the number before them: not read.  A number alone for two columns
                # whose first column breaks the table's sums is placed by _place_lone_numbers
                row_cols = columns[: len(lines)]
                lone.append(_Lone(h, len(slots), tuple(columns[len(lines) :]), lines[-1],
                                  len(lines)))
            text = "\n".join(lines)
            tokens_of[len(slots)] = list(h.runs)
            segments.append(Segment(text, len(slots), len(row_cols), lines=True))
        else:
            runs = with_wrapped_lines(grid, h, n)
            text = collapse_ws(nfkc(" ".join(c.text for c in runs)))
            few = len(text.split()) if layout_rows else len(text.replace(" ", ""))
            if optional and text.replace(" ", "").isdigit() and few < n:
                # fewer numbers (laid out row by row) or digits (run together) than columns:
                # the row leaves its later columns (历年累计) blank
                row_cols = columns[: len(text.split())]
                for col in columns[len(row_cols) :]:
                    code, applicant = spec.indicator(h.row, col)
                    label = col.labels.plain[0] if col.labels.plain else col.key
                    loc = cell_location(grid, spec, h.printed, label, h.runs[-1])
                    emit_cell(res, code, applicant, "", unit_of(spec, h.row, col, None), loc, spec)
                blank_column = True
            if " " in text:
                spaced.add(len(segments))  # numbers printed apart, not glued as crawlers do
            segments.append(Segment(text=text, start=len(slots), n_cells=len(row_cols)))
        for col in row_cols:
            code, applicant = spec.indicator(h.row, col)
            slots.append((h, col, code, applicant))
    if not segments:
        for row in lone:
            _collapsed_cells(res, grid, spec, row.hit, list(row.missing), row.last)
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
        res.findings.append(_unconfirmed(grid, spec, seg, slots))
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
            any(t in DASH_MARKS for t in sg.text.split())
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
        for row in lone:
            _collapsed_cells(res, grid, spec, row.hit, list(row.missing), row.last)
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
                finding(
                    "digits.narrative_choice",
                    table_id=spec.id,
                    stated=", ".join(f"{c} = {v}" for c, v in used),
                    indicators=tuple(c for c, _ in used),
                    cells=tuple(
                        {"run": s.text, "cells": s.n_cells,
                         **cell_location(grid, spec, "", "", None)}
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
            res.findings.append(_unconfirmed(grid, spec, seg, slots))
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
    _place_lone_numbers(cells, slots, lone, spec, layout.regime, res, grid, tokens_of)
    _record_candidates(res, spec, result, cells, slots)
    for seg in segments:
        where = _cell_lines(tokens_of.get(seg.start), cells[seg.start : seg.start + seg.n_cells])
        for j in range(seg.n_cells):
            k = seg.start + j
            h, col, code, applicant = slots[k]
            if cells[k] is None:
                continue
            loc = cell_location(
                grid,
                spec,
                h.printed,
                col.labels.plain[0] if col.labels.plain else col.key,
                h.runs[0],
                run=seg.text,
                split=result.status,
                **(where[j] if where else {}),
            )
            emit_cell(res, code, applicant, cells[k], unit_of(spec, h.row, col, None), loc, spec)
    undecided = any(v is None for v in result.cells[: len(slots)])
    if result.status not in ("unique", "forced", "narrative") or (
        result.status == "narrative" and undecided
    ):
        res.findings.append(
            finding(
                _UNRECOVERED[result.status],
                table_id=spec.id,
                status=result.status,
                reason=result.reason,
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
                    {"run": s.text, "cells": s.n_cells, **cell_location(grid, spec, "", "", None)}
                    for s in segments
                ),
                found="; ".join("|".join(c) for c in result.candidates[:5]) or None,
            )
        )
    elif result.status == "forced" and "fail" in result.reason:
        res.findings.append(
            finding(
                "digits.forced_inconsistent",
                table_id=spec.id,
                reason=result.reason,
                cells=({"table_id": spec.id},),
            )
        )
