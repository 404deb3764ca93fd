"""Validation: find internal inconsistencies, text-vs-table contradictions, impossible dates,
structural gaps (:func:`validate_report`) and breaks across reports (:func:`validate_reports`).

The rules are data: ``rules/checks.yaml`` plus the accounting identities of
``rules/identities.yaml`` (the same ones the digit splitter uses), one model
(:class:`~govstats.catalogue.rules.Rule`) loaded and validated by :mod:`govstats.catalogue.rules`.
Each kind of rule is evaluated by one function: sums (:mod:`.sums`), text vs table
(:mod:`.text_table`), dates (:mod:`.dates`), structure (:mod:`.structure`) and across
reports (:mod:`.cross_report`).  Every finding names its
rule, severity, the indicators and values with their printed locations (``Finding.cells``),
and the relation as expected and as found, e.g. ``43+3+234+790+0 = 1070 ≠ 1108``.

Only printed values are checked (``derived`` rows are computed from printed parts).

>>> from govstats.model import Value
>>> from govstats.report import Report
>>> vals = [Value(c, "total", v, "件", False, str(v), {"line": i})
...         for i, (c, v) in enumerate([("review.total", 10), ("review.upheld", 4),
...                                     ("review.corrected", 3), ("review.other", 2)])]
>>> r = Report({"path": "x.txt", "sha256": "0"}, {"regime": "R1", "year": 2017}, vals)
>>> [f.found for f in validate_report(r) if f.rule == "r1.review"]
['4+3+2 = 9 ≠ 10']
"""


from __future__ import annotations

from collections.abc import Callable, Iterable

from ..catalogue.rules import Rule, checks
from ..model import Finding
from ..report import Report
from . import dates, structure, sums, text_table
from .common import Index
from .cross_report import ACROSS, PAIRWISE, body_key, report_pairs

# kind → the function that checks one report against a rule of that kind
PER_REPORT: dict[str, Callable[[Rule, Report, Index], list[Finding]]] = {
    **sums.KINDS,
    **text_table.KINDS,
    **dates.KINDS,
    **structure.KINDS,
}


def validate_report(report: Report) -> list[Finding]:
    """Findings of the per-report rules (identities, text vs table, dates, structure).

    Reader and mapper findings already in ``report.issues`` (``cell.blank``, ``digits.*``)
    are not repeated; the result is meant to be appended to ``report.issues``.  Dates come
    from ``report.meta["dates"]`` (every candidate the metadata found, sign-offs included).
    """
    ix = Index(report)
    regime = report.meta.get("regime")
    out: list[Finding] = []
    for chk in checks():
        fn = PER_REPORT.get(chk.kind)
        if fn is None:
            continue
        if not chk.applies(regime):
            continue
        out.extend(fn(chk, report, ix))
    return out


def validate_reports(reports: Iterable[Report]) -> list[Finding]:
    """Findings of the cross-report rules over ``reports``: continuity of one body's series
    (carry-over, R0 cumulative columns, stock of documents in force, items of last year),
    identical tables of other bodies or years, and year-over-year jumps (info).

    Each finding's ``cells`` name the reports (``report`` path, ``sha256``, ``year``).
    Per-report rules are not repeated here (see :func:`validate_report`).
    """
    reps = list(reports)
    pairs = report_pairs(reps)
    indexes: dict[int, Index] = {}

    def index(r: Report) -> Index:
        if id(r) not in indexes:
            indexes[id(r)] = Index(r)
        return indexes[id(r)]

    out: list[Finding] = []
    for chk in checks():
        if chk.kind in ACROSS:
            out.extend(ACROSS[chk.kind](chk, reps))
        elif chk.kind in PAIRWISE:
            for prev, cur in pairs:
                if chk.applies(cur.meta.get("regime")):
                    out.extend(PAIRWISE[chk.kind](chk, prev, cur, index(prev), index(cur)))
    return out


def finding_reports(f: Finding) -> list[str]:
    """The report paths a cross-report finding names."""
    return list(dict.fromkeys(str(c["report"]) for c in f.cells if c.get("report")))


__all__ = ["Rule", "body_key", "checks", "finding_reports", "validate_report", "validate_reports"]
