"""What every kind of check shares: the printed values of a report by cell (:class:`Index`),
numbers as printed (:func:`fmt`), a value's cell in a finding (:func:`value_cell`), and a
relation ``sum(left) <op> sum(right)`` turned into a finding (:func:`relation_finding`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from ..catalogue.indicators import APPLICANTS, catalogue
from ..catalogue.rules import Rule
from ..model import Finding, Value
from ..report import Report


def fmt(x: float) -> str:
    """A number as a finding prints it (``3``, ``29.7``)."""
    if float(x).is_integer():
        return str(int(x))
    return f"{x:g}"


def value_cell(v: Value, **extra: Any) -> dict[str, Any]:
    """A printed value as a finding's cell: its location, code, applicant, value, raw."""
    return {
        **v.location,
        "indicator": v.indicator,
        "applicant": v.applicant,
        "value": v.value,
        "raw": v.raw,
        **extra,
    }


class Index:
    """Printed values of one report by (indicator, applicant)."""

    def __init__(self, report: Report) -> None:
        self.by: dict[tuple[str, str], Value] = {}
        for v in report.value_list:
            if not v.derived:
                self.by.setdefault((v.indicator, v.applicant), v)
        self.codes = {c for c, _ in self.by}
        self.applicants = sorted({a for _, a in self.by}, key=APPLICANTS.index)
        regime = report.meta.get("regime")
        kids: dict[str, list[str]] = defaultdict(list)
        for code, ind in catalogue().items():
            if ind.parent and (regime is None or regime in ind.regimes):
                kids[ind.parent].append(code)
        self.kids = kids

    def get(self, code: str, applicant: str = "total") -> Value | None:
        return self.by.get((code, applicant))

    def terms(self, codes: Iterable[str], applicant: str, suffix: str) -> list[Value | None]:
        """Values of ``codes`` (``X.*`` → printed children of X, else X itself)."""
        out: list[Value | None] = []
        for code in codes:
            if code.endswith(".*"):
                # every child row the regime's form has; a child not printed stays None so
                # that a sum over the rest is never taken for the whole
                base = code[:-2]
                got = [self.get(k + suffix, applicant) for k in self.kids.get(base, [])]
                if not got or all(g is None for g in got):
                    out.append(self.get(base + suffix, applicant))
                else:
                    out.extend(got)
            else:
                out.append(self.get(code + suffix, applicant))
        return out


def holds(lhs: float, op: str, rhs: float, tol: float) -> bool:
    """``lhs <op> rhs`` within the absolute tolerance ``tol``."""
    if op == "=":
        return abs(lhs - rhs) <= tol
    if op == "<=":
        return lhs <= rhs + tol
    return lhs >= rhs - tol


NEGATED = {"=": "≠", "<=": ">", ">=": "<"}


def side(vals: Sequence[Value], coefs: Sequence[float] | None = None) -> tuple[float, str]:
    """sum(coef × value) of one side of a relation (coefficients 1 by default), and its text:
    ``43+3+234 = 280``; one value alone ``20``; ``20+1-0 = 21`` with a coefficient -1,
    ``2×10 = 20`` with another."""
    coefs = coefs or [1] * len(vals)
    total = sum(c * float(v.value) for c, v in zip(coefs, vals, strict=True))
    text = "".join(
        ("-" if c < 0 else "+" if k else "") + ("" if abs(c) == 1 else f"{fmt(abs(c))}×")
        + fmt(v.value)
        for k, (c, v) in enumerate(zip(coefs, vals, strict=True))
    )
    return total, text if len(vals) == 1 and abs(coefs[0]) == 1 else f"{text} = {fmt(total)}"


def relation_finding(
    chk: Rule, left: list[Value], right: list[Value], op: str, applicant: str
) -> Finding | None:
    """The finding of ``sum(left) <op> sum(right)`` in column ``applicant``, or
    None when it holds."""
    lsum, ltxt = side(left)
    rsum, rtxt = side(right)
    if holds(lsum, op, rsum, chk.tolerance):
        return None
    codes = tuple(dict.fromkeys(v.indicator for v in (*left, *right)))
    col = "" if applicant == "total" else f" [{applicant}]"
    lcodes = " + ".join(v.indicator for v in left)
    rcodes = " + ".join(v.indicator for v in right)
    expected = f"{lcodes} {op} {rcodes}{col}"
    found = f"{ltxt} {NEGATED[op]} {rtxt}"
    return Finding(
        rule=chk.id,
        severity=chk.severity,
        message=f"{chk.en}{col}: {found}",
        message_zh=f"{chk.zh}{col}：{found}",
        indicators=codes,
        cells=tuple(value_cell(v) for v in (*left, *right)),
        expected=expected,
        found=found,
    )
