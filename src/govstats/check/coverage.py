"""Which validation checks fail on each value of a report.

A finding of a validation rule (``rules/checks.yaml``, ``rules/identities.yaml``) of
severity ``error`` or ``warning`` names the cells it covers (``Finding.cells``: indicator,
applicant).  :func:`failed_checks` turns the findings of a report into, for every value,
the rules that failed on it: a value derived from printed parts (``rules/derived.yaml``)
carries the failures of its parts.  The panel keeps them (column ``checks``) and every rate
carries those of its numerator and denominator (:mod:`govstats.analysis.metrics`).

>>> from govstats.model import Finding, Value
>>> from govstats.report import Report
>>> f = Finding("t4.review", "error", "", "", ("review.total",),
...             ({"indicator": "review.total", "applicant": "total"},))
>>> v = Value("review.total", "total", 0, "件", False, "0", {})
>>> failed_checks(Report({}, {"regime": "R3"}, [v], issues=[f]))
{('review.total', 'total'): ('t4.review',)}
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from ..catalogue.rules import checks, derivations, identities
from ..model import Finding
from ..report import Report

__all__ = ["failed_checks", "join_checks", "validation_rules"]


@lru_cache(maxsize=1)
def validation_rules() -> frozenset[str]:
    """The ids of every validation rule (checks and identities)."""
    return frozenset(r.id for r in (*checks(), *identities()))


def _covered(f: Finding) -> set[tuple[str, str]]:
    cells = {(c["indicator"], c.get("applicant") or "total") for c in f.cells
             if isinstance(c, dict) and c.get("indicator")}
    return cells or {(code, "total") for code in f.indicators}


def failed_checks(report: Report) -> dict[tuple[str, str], tuple[str, ...]]:
    """(indicator, applicant) → the ids of the validation rules that failed on that value
    (errors and warnings), sorted; values no failed rule covers are left out."""
    rules = validation_rules()
    out: dict[tuple[str, str], set[str]] = {}
    for f in report.issues:
        if f.rule not in rules or f.severity not in ("error", "warning"):
            continue
        for key in _covered(f):
            out.setdefault(key, set()).add(f.rule)
    regime = report.meta.get("regime")
    # derived values carry the failures of their parts, in the order the sums are derived
    derived = {(v.indicator, v.applicant) for v in report.value_list if v.derived}
    for d in derivations():
        if d.get("regimes") and regime not in d["regimes"]:
            continue
        for code, applicant in [k for k in derived if k[0] == d["target"]]:
            found: set[str] = set()
            for part in d["parts"]:
                found |= out.get((part, applicant), set())
            if found:
                out.setdefault((code, applicant), set()).update(found)
    return {k: tuple(sorted(v)) for k, v in out.items()}


def join_checks(ids: Iterable[str]) -> str:
    """Rule ids as one string, sorted and unique (``t3.outcomes;t4.review``); "" for none."""
    return ";".join(sorted({i for part in ids for i in str(part).split(";") if i}))
