"""Rules across reports: a linear equation between this year's and last year's cells of one
body (``xr_linear``: carry-over, stock and flow, cumulative columns, items of last year),
year-over-year jumps (``xr_jump``) and identical tables of other bodies or years
(``xr_duplicate``).  Each finding's cells name their reports (path, sha256, year)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any

from ..catalogue.rules import Rule, Term, each_pattern
from ..model import Finding, Value
from ..report import Report
from .common import NEGATED, Index, fmt, holds, side, value_cell


def body_key(report: Report) -> tuple[str, str] | None:
    """The body a report speaks for: (admin_code, jurisdiction name), or None if unknown."""
    m = report.meta
    name = m.get("jurisdiction_normalized") or m.get("jurisdiction")
    if not name:
        return None
    return (str(m.get("admin_code") or ""), str(name))


def _rcell(report: Report, v: Value | None = None, **extra: Any) -> dict[str, Any]:
    base = {
        "report": report.source.get("path"),
        "sha256": report.source.get("sha256"),
        "year": report.meta.get("year"),
    }
    if v is not None:
        base.update(value_cell(v))
    base.update(extra)
    return base


def _xr_finding(
    chk: Rule,
    cells: list[dict[str, Any]],
    indicators: tuple[str, ...],
    expected: str,
    found: str,
    what: str,
    what_zh: str,
) -> Finding:
    return Finding(
        rule=chk.id,
        severity=chk.severity,
        message=f"{chk.en}: {what}: {found}",
        message_zh=f"{chk.zh}：{what_zh}：{found}",
        indicators=indicators,
        cells=tuple(cells),
        expected=expected,
        found=found,
    )


def report_pairs(reports: list[Report]) -> list[tuple[Report, Report]]:
    """(last year, this year) pairs of reports of the same body."""
    by_body: dict[tuple[str, str], dict[int, list[Report]]] = defaultdict(lambda: defaultdict(list))
    for r in reports:
        key, year = body_key(r), r.meta.get("year")
        if key is not None and isinstance(year, int):
            by_body[key][year].append(r)
    out = []
    for years in by_body.values():
        for y in sorted(years):
            for prev in years.get(y - 1, []):
                for cur in years[y]:
                    out.append((prev, cur))
    return out


def _name(r: Report) -> str:
    return f"{r.meta.get('jurisdiction')} {r.meta.get('year')}"


def each_values(chk: Rule, codes: Iterable[str]) -> list[str | None]:
    """The values ``{x}`` takes in ``chk``'s codes (``[None]`` when it has no ``each``): its
    list, or the ``x`` of every code of ``codes`` its ``printed`` pattern matches."""
    each = chk.params.get("each")
    if each is None:
        return [None]
    if isinstance(each, dict):
        rx = each_pattern(each["printed"])
        return [m.group(1) for code in sorted(set(codes)) if (m := rx.fullmatch(code))]
    return list(each)


def _code(t: Term, x: str | None) -> str:
    return t.code if x is None else t.code.replace("{x}", x)


def xr_linear(chk: Rule, prev: Report, cur: Report, pi: Index, ci: Index) -> list[Finding]:
    """sum(left) <op> sum(right), each term ``coef`` × a cell of this year's (``year`` 0)
    or last year's (``year`` -1) report, once per value of ``{x}``; skipped when a cell is
    not printed."""
    out: list[Finding] = []
    reports, indexes = {0: cur, -1: prev}, {0: ci, -1: pi}
    what = f"{_name(prev)} → {_name(cur)}"
    for x in each_values(chk, ci.codes):
        left = [indexes[t.year].get(_code(t, x)) for t in chk.left]
        right = [indexes[t.year].get(_code(t, x)) for t in chk.right]
        lvals = [v for v in left if v is not None]
        rvals = [v for v in right if v is not None]
        if len(lvals) != len(left) or len(rvals) != len(right):
            continue
        lsum, ltxt = side(lvals, [t.coef for t in chk.left])
        rsum, rtxt = side(rvals, [t.coef for t in chk.right])
        if holds(lsum, chk.op, rsum, chk.tolerance):
            continue
        found = f"{ltxt} {NEGATED[chk.op]} {rtxt}"
        terms = [*zip(chk.left, lvals, strict=True), *zip(chk.right, rvals, strict=True)]
        expected = chk.params["expected"].format(
            x=x, year=cur.meta.get("year"), prev_year=prev.meta.get("year")
        )
        out.append(
            _xr_finding(
                chk,
                [_rcell(reports[t.year], v) for t, v in terms],
                tuple(dict.fromkeys(v.indicator for _, v in terms)),
                expected,
                found,
                what,
                what,
            )
        )
    return out


def xr_jump(chk: Rule, prev: Report, cur: Report, pi: Index, ci: Index) -> list[Finding]:
    """A value that changed more than ``ratio``-fold (and by at least ``min_abs``)."""
    out: list[Finding] = []
    what = f"{_name(prev)} → {_name(cur)}"
    ratio, min_abs = float(chk.params.get("ratio", 5)), float(chk.params.get("min_abs", 20))
    for code in chk.params.get("indicators", []):
        p, c = pi.get(code), ci.get(code)
        if p is None or c is None:
            continue
        lo, hi = sorted((float(p.value), float(c.value)))
        if hi < min_abs or (lo > 0 and hi / lo < ratio) or (lo == 0 and hi < min_abs):
            continue
        found = f"{fmt(p.value)} → {fmt(c.value)}"
        out.append(
            _xr_finding(
                chk,
                [_rcell(prev, p), _rcell(cur, c)],
                (code,),
                f"{code} within ×{fmt(ratio)} of last year",
                found,
                f"{what} {code}",
                f"{what} {code}",
            )
        )
    return out


def _table(r: Report) -> dict[tuple[str, str], float]:
    return {(v.indicator, v.applicant): float(v.value) for v in r.value_list if not v.derived}


def _duplicate_finding(
    chk: Rule,
    a: Report,
    b: Report,
    ta: dict[tuple[str, str], float],
    tb: dict[tuple[str, str], float],
    min_nonzero: int,
    min_shared: float,
) -> Finding | None:
    """The finding of one pair of reports whose tables agree on every shared cell, or None."""
    if a.source.get("sha256") == b.source.get("sha256"):
        return None  # the same file given twice
    if body_key(a) == body_key(b) and a.meta.get("year") == b.meta.get("year"):
        return None  # the same report in two formats
    shared = ta.keys() & tb.keys()
    if len(shared) < min_shared * min(len(ta), len(tb)):
        return None
    if any(ta[k] != tb[k] for k in shared):
        return None
    # a cumulative column repeats itself when nothing happened: count this year's cells
    nonzero = sorted(k for k in shared if ta[k] and not k[0].endswith(".cumulative"))
    if len(nonzero) < min_nonzero:
        return None
    found = f"{len(shared)} shared cells identical ({len(nonzero)} non-zero)"
    by = {(v.indicator, v.applicant): v for v in a.value_list if not v.derived}
    cells = [_rcell(a), _rcell(b)] + [_rcell(a, by[k]) for k in nonzero[:20]]
    return _xr_finding(
        chk,
        cells,
        tuple(dict.fromkeys(c for c, _ in nonzero)),
        "tables of different bodies or years differ",
        found,
        f"{_name(a)} = {_name(b)}",
        f"{_name(a)} = {_name(b)}",
    )


def _duplicate_tables(
    chk: Rule, reports: list[Report]
) -> tuple[list[tuple[Report, dict[tuple[str, str], float]]], int, float]:
    min_nonzero = int(chk.params.get("min_nonzero", 3))
    min_shared = float(chk.params.get("min_shared", 0.8))
    tables = [(r, _table(r)) for r in reports]
    tables = [(r, t) for r, t in tables if sum(1 for x in t.values() if x) >= min_nonzero]
    return tables, min_nonzero, min_shared


def xr_duplicate_pairwise(chk: Rule, reports: list[Report]) -> list[Finding]:
    """:func:`xr_duplicate` comparing every pair of reports (O(N²); the reference the
    candidate search of :func:`xr_duplicate` is tested against)."""
    tables, min_nonzero, min_shared = _duplicate_tables(chk, reports)
    out = []
    for i, (a, ta) in enumerate(tables):
        for b, tb in tables[i + 1 :]:
            f = _duplicate_finding(chk, a, b, ta, tb, min_nonzero, min_shared)
            if f is not None:
                out.append(f)
    return out


def _index(sets: Sequence[Sequence[Hashable]]) -> dict[Hashable, list[int]]:
    index: dict[Hashable, list[int]] = defaultdict(list)
    for j, items in enumerate(sets):
        for x in items:
            index[x].append(j)
    return index


def _prefix(
    items: Sequence[Hashable], need: int, index: dict[Hashable, list[int]]
) -> tuple[list[Hashable], int]:
    """The first ``len(items) - need + 1`` items, rarest first (a set sharing ``need`` items
    with ``items`` holds one of them), and the number of postings they name."""
    rare = sorted(items, key=lambda x: (len(index[x]), repr(x)))[: len(items) - need + 1]
    return rare, sum(len(index[x]) for x in rare)


def _duplicate_candidates(
    tables: Sequence[dict[tuple[str, str], float]], min_nonzero: int, min_shared: float
) -> set[tuple[int, int]]:
    """Pairs (i, j), i < j, of tables that may agree on every shared cell with enough of them
    shared: whatever else, they share at least ``ceil(min_shared × n)`` (cell, figure) items
    (n: the smaller table's size) and at least ``min_nonzero`` non-zero ones of this year.
    Each table probes an index of (cell, figure) → tables with the rarest items of whichever
    bound names fewer tables (the ``shared`` bound finds the partners at least its size;
    a pair is found from its smaller table)."""
    full = [list(t.items()) for t in tables]
    nonzero = [
        [(k, x) for k, x in t.items() if x and not k[0].endswith(".cumulative")] for t in tables
    ]
    full_ix, nonzero_ix = _index(full), _index(nonzero)
    out: set[tuple[int, int]] = set()
    for i, items in enumerate(full):
        if len(nonzero[i]) < min_nonzero:
            continue  # shares fewer non-zero figures than that with any table
        n = len(items)
        need = max(math.ceil(min_shared * n), min_nonzero)
        by_shared, cost_shared = _prefix(items, need, full_ix)
        by_nonzero, cost_nonzero = _prefix(nonzero[i], min_nonzero, nonzero_ix)
        if cost_shared < cost_nonzero:
            found = {j for x in by_shared for j in full_ix[x] if len(full[j]) >= n}
        else:
            found = {j for x in by_nonzero for j in nonzero_ix[x]}
        out.update((min(i, j), max(i, j)) for j in found if j != i)
    return out


def xr_duplicate(chk: Rule, reports: list[Report]) -> list[Finding]:
    """Pairs of reports of other bodies or years whose tables agree on every shared cell
    (sharing at least ``min_shared`` of the smaller table's cells and ``min_nonzero``
    non-zero figures of this year).

    Only pairs that can qualify are compared (:func:`_duplicate_candidates`: prefix
    filtering over an index of (cell, figure) → reports).  The findings are those of
    comparing every pair (:func:`xr_duplicate_pairwise`), in the same order; the work grows
    with the number of reports printing the same rare figures in the same cells, not with
    the number of pairs.
    """
    tables, min_nonzero, min_shared = _duplicate_tables(chk, reports)
    if min_nonzero < 1:  # any pair may qualify: nothing narrows the search
        return xr_duplicate_pairwise(chk, reports)
    out = []
    for i, j in sorted(_duplicate_candidates([t for _, t in tables], min_nonzero, min_shared)):
        (a, ta), (b, tb) = tables[i], tables[j]
        f = _duplicate_finding(chk, a, b, ta, tb, min_nonzero, min_shared)
        if f is not None:
            out.append(f)
    return out


def copy_worthy(cells: dict[tuple[str, str], float], min_nonzero: int, min_distinct: int
                ) -> bool:
    """A table informative enough for two identical copies not to be chance: this year's
    non-zero figures, and different ones among them."""
    nonzero = [x for k, x in cells.items() if x and not k[0].endswith(".cumulative")]
    return len(nonzero) >= min_nonzero and len(set(nonzero)) >= min_distinct


def table_key(cells: dict[tuple[str, str], float]) -> int:
    """A hash of a table's printed cells and figures (what two copies share)."""
    return hash(tuple(sorted(cells.items())))


def xr_copied_table(chk: Rule, reports: list[Report]) -> list[Finding]:
    """One table printed with identical cells and figures by reports of different bodies for
    the same year (:func:`copy_worthy`): grouped by a hash of the table, so the check is
    O(N log N) in the number of reports, never pair by pair."""
    min_nonzero = int(chk.params.get("min_nonzero", 3))
    min_distinct = int(chk.params.get("min_distinct", 2))
    groups: dict[tuple[str, object, int], list[Report]] = {}
    for r in reports:
        tables: dict[str, dict[tuple[str, str], float]] = {}
        for v in r.value_list:
            if not v.derived and v.location.get("table_id"):
                tables.setdefault(str(v.location["table_id"]), {})[
                    (v.indicator, v.applicant)] = float(v.value)
        for tid, cells in tables.items():
            if copy_worthy(cells, min_nonzero, min_distinct):
                key = (tid, r.meta.get("year"), table_key(cells))
                groups.setdefault(key, []).append(r)
    out = []
    for (tid, _, _), members in sorted(groups.items(), key=lambda kv: str(kv[0][:2])):
        bodies = {body_key(m) for m in members}
        if len(members) < 2 or len(bodies) < 2:
            continue
        first = members[0]
        for other in members[1:]:
            if body_key(other) == body_key(first):
                continue
            out.append(
                _xr_finding(
                    chk,
                    [_rcell(first, table_id=tid), _rcell(other, table_id=tid)],
                    (),
                    f"table {tid} of two bodies differs",
                    f"table {tid} identical",
                    f"{_name(first)} = {_name(other)}",
                    f"{_name(first)} = {_name(other)}",
                )
            )
    return out


# rules over one body's (last year, this year) pairs, and over all reports at once
PAIRWISE: dict[str, Callable[[Rule, Report, Report, Index, Index], list[Finding]]] = {
    "xr_linear": xr_linear,
    "xr_jump": xr_jump,
}
ACROSS: dict[str, Callable[[Rule, list[Report]], list[Finding]]] = {
    "xr_duplicate": xr_duplicate,
    "xr_copied_table": xr_copied_table,
}
