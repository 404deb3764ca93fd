"""The resolved layer: cells a report printed so that several readings fit (run-together
digits its own identities cannot split), settled by the identities between one body's
consecutive reports — only where exactly one reading agrees.

A report's parse leaves, for such cells, the readings its own table allows
(:class:`govstats.model.Candidates`: the digits as printed, split every way the form's
identities admit).  The cross-report rules of ``rules/checks.yaml`` of kind ``xr_linear``
(``xr.carry_over``: carried in this year = carried out last year; ``xr.cumulative``;
``xr.stock_flow``; ``xr.items_prev``) are equations between two reports of one body.  Every
equation whose cells are printed values or open cells of complete candidate sets becomes a
constraint; the open cells joined by constraints are solved together, by trying every
combination of their readings.  A cell is settled only when every combination that satisfies
all the constraints gives it the same value — exactly one of its readings agrees (a fact, not a
guess); when no combination satisfies them, or several values of the cell do, it stays open.

Printed values are never changed: the settled cells are rows of ``resolved.csv`` (the rule
and the other reports used), and ``load_panel(layer="resolved")`` adds them to the printed
panel, marked in its ``layer`` column.
"""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..catalogue.rules import Rule, load_rules
from ..check.cross_report import each_values

__all__ = ["MAX_COMBINATIONS", "Resolver", "Settled"]

#: the most combinations of readings tried for one set of linked cells (beyond it: left open)
MAX_COMBINATIONS = 200_000

Cell = tuple[str, str]  # (indicator, applicant)


@dataclass
class _Group:
    """One candidate set of one report: its open cells and their possible readings."""

    report_id: str
    table_id: str
    cells: tuple[Cell, ...]
    options: tuple[tuple[float, ...], ...]


@dataclass
class _Equation:
    """sum(coef × term) <op> 0 over printed values (constants) and open cells."""

    rule: str
    op: str
    tolerance: float
    constant: float
    open_terms: list[tuple[float, int, int]]  # coef, group index, position in the group
    reports: tuple[str, ...]


@dataclass(frozen=True)
class Settled:
    """A cell settled by the cross-year identities: one row of ``resolved.csv``."""

    report_id: str
    jurisdiction_id: str
    year: int
    table_id: str
    indicator: str
    applicant: str
    value: float
    rules: tuple[str, ...]
    used: tuple[str, ...]
    options: int

    def row(self) -> dict[str, Any]:
        return {
            "report_id": self.report_id,
            "jurisdiction_id": self.jurisdiction_id,
            "year": self.year,
            "table_id": self.table_id,
            "indicator": self.indicator,
            "applicant": self.applicant,
            "value": self.value,
            "rules": " ".join(self.rules),
            "used": " ".join(self.used),
            "options": self.options,
        }


@dataclass
class _Report:
    report_id: str
    values: dict[Cell, float]
    groups: list[int] = field(default_factory=list)


def _xr_rules() -> tuple[Rule, ...]:
    return tuple(r for r in load_rules("checks.yaml") if r.kind == "xr_linear")


class Resolver:
    """Collects each report's printed values and open readings (:meth:`add`), then settles
    what the cross-year identities fix (:meth:`settle`).  Memory: the values of the reports
    given, as compact dicts (one body's years are needed together)."""

    def __init__(self, rules: tuple[Rule, ...] | None = None) -> None:
        self.rules = _xr_rules() if rules is None else rules
        self.groups: list[_Group] = []
        self.reports: dict[str, _Report] = {}
        # (jurisdiction_id, year) → report ids
        self.by_body: dict[tuple[str, int], list[str]] = defaultdict(list)
        # the codes a rule's terms name: fixed ones, and (prefix, suffix) around an {x}
        self._fixed: set[str] = set()
        self._patterns: list[tuple[str, str]] = []
        for rule in self.rules:
            each = rule.params.get("each")
            for t in (*rule.left, *rule.right):
                if "{x}" not in t.code:
                    self._fixed.add(t.code)
                elif isinstance(each, list):
                    self._fixed.update(t.code.replace("{x}", x) for x in each)
                else:
                    pre, post = t.code.split("{x}", 1)
                    self._patterns.append((pre, post))

    def add(self, report_id: str, jurisdiction_id: str | None, year: int | None,
            values: list[dict[str, Any]], candidates: list[dict[str, Any]]) -> None:
        """One report: its record's values (printed ones are used) and candidate sets."""
        if not jurisdiction_id or not isinstance(year, int):
            return
        printed = {
            (v["indicator"], v["applicant"]): float(v["value"])
            for v in values if not v.get("derived") and v["applicant"] == "total"
        }
        # only the cells an equation can name are kept (memory: a few cells per report)
        codes = {v["indicator"] for v in values} | {
            str(i) for c in candidates for i, _ in c["cells"]}
        printed = {cell: x for cell, x in printed.items() if self._named(cell[0], codes)}
        rep = _Report(report_id, printed)
        for c in candidates:
            if not c.get("complete"):
                continue  # other readings may exist: no reading can be the only one
            cells = tuple((str(i), str(a)) for i, a in c["cells"])
            if any(cell in printed for cell in cells):
                continue
            rep.groups.append(len(self.groups))
            self.groups.append(_Group(report_id, str(c["table_id"]),  cells,
                                      tuple(tuple(float(x) for x in o) for o in c["options"])))
        self.reports[report_id] = rep
        self.by_body[(jurisdiction_id, year)].append(report_id)

    def _named(self, code: str, codes: set[str]) -> bool:
        """Whether a term of some rule can be ``code`` (``{x}`` patterns included)."""
        if code in self._fixed:
            return True
        # "{x}" alone stands for a code with a cumulative twin in the report
        return any(
            code.startswith(pre) and code.endswith(post)
            and (bool(post) or f"{code}.cumulative" in codes)
            for pre, post in self._patterns
        )

    # ------------------------------------------------------------------ equations
    def _open_cells(self, rep: _Report) -> dict[Cell, tuple[int, int]]:
        out: dict[Cell, tuple[int, int]] = {}
        for g in rep.groups:
            for pos, cell in enumerate(self.groups[g].cells):
                out[cell] = (g, pos)
        return out

    def _equations(self) -> list[_Equation]:
        eqs: list[_Equation] = []
        for (body, year), ids in sorted(self.by_body.items()):
            prev_ids = self.by_body.get((body, year - 1))
            # one report a year on each side: with two, which one continues is not known
            if len(ids) != 1 or not prev_ids or len(prev_ids) != 1:
                continue
            cur, prev = self.reports[ids[0]], self.reports[prev_ids[0]]
            if not cur.groups and not prev.groups:
                continue
            side = {0: (cur, self._open_cells(cur)), -1: (prev, self._open_cells(prev))}
            for rule in self.rules:
                codes = {c for c, _ in cur.values} | {c for c, _ in side[0][1]}
                for x in each_values(rule, codes):
                    eq = self._equation(rule, x, side)
                    if eq is not None:
                        eqs.append(eq)
        return eqs

    def _equation(self, rule: Rule, x: str | None,
                  side: dict[int, tuple[_Report, dict[Cell, tuple[int, int]]]]
                  ) -> _Equation | None:
        constant = 0.0
        open_terms: list[tuple[float, int, int]] = []
        for terms, sign in ((rule.left, 1.0), (rule.right, -1.0)):
            for t in terms:
                rep, open_cells = side[t.year]
                cell = (t.code if x is None else t.code.replace("{x}", x), "total")
                if cell in rep.values:
                    constant += sign * t.coef * rep.values[cell]
                elif cell in open_cells:
                    g, pos = open_cells[cell]
                    open_terms.append((sign * t.coef, g, pos))
                else:
                    return None  # a cell neither printed nor open: the equation says nothing
        if not open_terms:
            return None
        reports = tuple(sorted({side[0][0].report_id, side[-1][0].report_id}))
        return _Equation(rule.id, rule.op, rule.tolerance, constant, open_terms, reports)

    # ------------------------------------------------------------------ solving
    def settle(self, bodies: dict[str, tuple[str, int]]) -> list[Settled]:
        """Every cell exactly one combination of readings settles.  ``bodies``: report id →
        (jurisdiction_id, year), for the rows."""
        eqs = self._equations()
        parent = list(range(len(self.groups)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for eq in eqs:
            gs = [g for _, g, _ in eq.open_terms]
            for g in gs[1:]:
                parent[find(g)] = find(gs[0])
        components: dict[int, list[_Equation]] = defaultdict(list)
        for eq in eqs:
            components[find(eq.open_terms[0][1])].append(eq)
        out: list[Settled] = []
        for comp_eqs in components.values():
            groups = sorted({g for eq in comp_eqs for _, g, _ in eq.open_terms})
            size = 1
            for g in groups:
                size *= len(self.groups[g].options)
            if size > MAX_COMBINATIONS:
                continue
            combos = self._satisfying(groups, comp_eqs)
            if not combos:
                continue  # no reading agrees: the identities do not hold here, nothing is settled
            for k, g in enumerate(groups):
                grp = self.groups[g]
                used_eqs = [eq for eq in comp_eqs if any(t[1] == g for t in eq.open_terms)]
                rules = tuple(sorted({eq.rule for eq in used_eqs}))
                used = tuple(sorted({r for eq in comp_eqs for r in eq.reports}
                                    - {grp.report_id}))
                body, year = bodies[grp.report_id]
                for pos, cell in enumerate(grp.cells):
                    agreed = {grp.options[c[k]][pos] for c in combos}
                    if len(agreed) != 1:
                        continue  # several readings agree with every identity: left open
                    out.append(Settled(grp.report_id, body, year, grp.table_id, cell[0],
                                       cell[1], agreed.pop(), rules, used, len(grp.options)))
        out.sort(key=lambda s: (s.report_id, s.indicator, s.applicant))
        return out

    def _satisfying(self, groups: list[int], eqs: list[_Equation]) -> list[tuple[int, ...]]:
        """Every combination of readings (an option index per group) that satisfies every
        equation."""
        index = {g: k for k, g in enumerate(groups)}
        return [
            combo
            for combo in itertools.product(*(range(len(self.groups[g].options)) for g in groups))
            if all(_holds(eq, combo, index, self.groups) for eq in eqs)
        ]


def _holds(eq: _Equation, combo: tuple[int, ...], index: dict[int, int],
           groups: list[_Group]) -> bool:
    total = eq.constant
    for coef, g, pos in eq.open_terms:
        total += coef * groups[g].options[combo[index[g]]][pos]
    if eq.op == "=":
        return abs(total) <= eq.tolerance
    if eq.op == "<=":
        return total <= eq.tolerance
    if eq.op == ">=":
        return total >= -eq.tolerance
    raise ValueError(f"operator {eq.op!r} in {eq.rule}")


def location_of(s: dict[str, Any]) -> str:
    """The ``location`` of a settled value in the resolved layer (compact JSON)."""
    loc = {"table_id": s["table_id"], "resolved": s["rules"], "used": s["used"]}
    return json.dumps(loc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
