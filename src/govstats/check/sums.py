"""Sums and inequalities within one report: ``sum`` (parts vs total, ``X.*`` = the children
of X), ``applicant_sum`` (the applicant columns vs 总计), ``part_le_parent`` (a child row
≤ its parent) and ``cumulative_le`` (R0: 本年度 ≤ 历年累计)."""

from __future__ import annotations

from collections.abc import Callable

from ..catalogue.indicators import APPLICANTS
from ..catalogue.rules import Rule
from ..model import Finding
from ..report import Report
from .common import Index, relation_finding


def sum_relation(chk: Rule, report: Report, ix: Index) -> list[Finding]:
    """sum(left) <op> sum(right) in each applicant column and column suffix; where parts
    are not printed they are left out and "=" becomes "<=" (the printed parts cannot exceed
    the total)."""
    out: list[Finding] = []
    applicants = ix.applicants if chk.applicants == "each" else ["total"]
    for suffix in chk.suffixes:
        for a in applicants:
            left = ix.terms(chk.left_codes, a, suffix)
            right = ix.terms(chk.right_codes, a, suffix)
            op = chk.op
            if any(v is None for v in right):
                continue  # the total (or the other side) is not printed
            if any(v is None for v in left):
                # parts not printed: the printed ones still cannot exceed the total (every
                # rule, partial or not: a lost row must not switch the check off)
                if all(v is None for v in left) or op == ">=":
                    continue
                op = "<=" if op == "=" else op
            f = relation_finding(
                chk,
                [v for v in left if v is not None],
                [v for v in right if v is not None],
                op,
                a,
            )
            if f:
                out.append(f)
    return out


def applicant_sum(chk: Rule, report: Report, ix: Index) -> list[Finding]:
    """The applicant columns of each row add up to its 总计 (at most, when some are
    not printed)."""
    out: list[Finding] = []
    for code in sorted(ix.codes):
        total = ix.get(code, "total")
        parts = [ix.get(code, a) for a in APPLICANTS[:-1]]
        if total is None or all(p is None for p in parts):
            continue
        op = "=" if all(p is not None for p in parts) else "<="
        f = relation_finding(chk, [p for p in parts if p is not None], [total], op, "total")
        if f:
            out.append(f)
    return out


def part_le_parent(chk: Rule, report: Report, ix: Index) -> list[Finding]:
    """Every printed child row of each of ``parents`` is at most that row."""
    out: list[Finding] = []
    for parent in chk.parents:
        for suffix in chk.suffixes:
            p = ix.get(parent + suffix)
            if p is None:
                continue
            for kid in ix.kids.get(parent, []):
                k = ix.get(kid + suffix)
                if k is not None:
                    f = relation_finding(chk, [k], [p], "<=", "total")
                    if f:
                        out.append(f)
    return out


def cumulative_le(chk: Rule, report: Report, ix: Index) -> list[Finding]:
    """R0: this year's figure is at most the 历年累计 figure."""
    out: list[Finding] = []
    for code in sorted(ix.codes):
        if code.endswith(".cumulative"):
            continue
        cur, cum = ix.get(code), ix.get(code + ".cumulative")
        if cur is not None and cum is not None:
            f = relation_finding(chk, [cur], [cum], "<=", "total")
            if f:
                out.append(f)
    return out


KINDS: dict[str, Callable[[Rule, Report, Index], list[Finding]]] = {
    "sum": sum_relation,
    "applicant_sum": applicant_sum,
    "part_le_parent": part_le_parent,
    "cumulative_le": cumulative_le,
}
