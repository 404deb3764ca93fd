"""Mutation of generated, real-looking reports: one character changed at a time, and
whether a changed value comes with a finding.

The reports are the test generators' (:mod:`tests.own_reports`, :mod:`tests.renderers`:
the forms' labels, made-up figures with every identity of the form holding) in the shapes
reports arrive in (Word-style HTML, markdown from a converter, crawler text, Word text).  A
mutation deletes a character of the table (a digit or a label character), puts another
digit in place of a digit, or inserts a digit next to one.  A mutation that changes a value
(another number, or no value where there was one) is *silent* when the mutated report has
no finding the clean one lacks (a finding is compared by rule and cells).

A changed value is *covered* when the checks would see it: the clean report with that one
value changed as the mutation changed it (or removed) gets a new validation finding.  The
issue's goal: no silent change of a covered value, no silent loss of a whole row.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

import govstats
from govstats.check import validate_report
from govstats.errors import GovstatsError
from govstats.report import Report

from .own_reports import _retitle, form_report, r1_text
from .renderers import R0_ROWS, form_html, form_markdown, r0_table, seed_style_text

__all__ = ["REPORTS", "Outcome", "mutate", "run"]

Key = tuple[str, str]


def _r0_text(seed: int) -> str:
    rng = random.Random(seed)
    values: dict[str, tuple[int, int]] = {}
    for r in R0_ROWS:
        cur = rng.randint(0, 30)
        values[r.code] = (cur, cur + rng.randint(0, 200))
    # the parts add up to their totals in both columns
    for total in ("requests.new", "outcome.answered"):
        kids = [r.code for r in R0_ROWS if r.parent == total]
        values[total] = tuple(sum(values[k][i] for k in kids) for i in (0, 1))  # type: ignore[assignment]
    values["outcome.answered"] = tuple(  # type: ignore[assignment]
        min(a, b) for a, b in zip(values["outcome.answered"], values["requests.new"], strict=True)
    )
    kids = [r.code for r in R0_ROWS if r.parent == "outcome.answered"]
    for i in (0, 1):  # re-balance the answers under the capped total
        parts = [values[k][i] for k in kids]
        excess = sum(parts) - values["outcome.answered"][i]
        for j, k in enumerate(kids):
            cut = min(parts[j], excess)
            parts[j] -= cut
            excess -= cut
            values[k] = (parts[j], values[k][1]) if i == 0 else (values[k][0], parts[j])
    for total in ("proactive.total",):
        kids = [r.code for r in R0_ROWS if r.parent == total]
        values[total] = tuple(  # type: ignore[assignment]
            max(values[total][i], *(values[k][i] for k in kids)) for i in (0, 1)
        )
    text = seed_style_text(r0_table(values), year=2012)
    return _retitle(text, 2012, "某某县人民政府")


#: name → (file name, text of the report)
REPORTS: dict[str, Callable[[int], tuple[str, str]]] = {
    "r3_html": lambda s: ("r.html", form_html(form_report("R3", 2022, s)).decode("utf-8")),
    "r2_html": lambda s: ("r.html", form_html(form_report("R2", 2020, s)).decode("utf-8")),
    "r3_markdown": lambda s: ("r.md", form_markdown(form_report("R3", 2021, s))),
    "r1_text": lambda s: ("r.txt", r1_text("某某市环境保护局", 2016, s)),
    "r0_text": lambda s: ("r.txt", _r0_text(s)),
}


@dataclass
class Outcome:
    """What one mutation did."""

    report: str
    mutation: str
    changed: dict[Key, tuple[float | None, float | None]] = field(default_factory=dict)
    new_findings: list[str] = field(default_factory=list)
    covered: set[Key] = field(default_factory=set)
    row_dropped: bool = False  # every value of a printed row is gone

    @property
    def silent(self) -> bool:
        return bool(self.changed) and not self.new_findings


def _values(rep: Report) -> dict[Key, float]:
    return {(v.indicator, v.applicant): float(v.value) for v in rep.value_list if not v.derived}


def _finding_keys(rep: Report) -> set[str]:
    return {
        json.dumps([f.rule, sorted(json.dumps(c, sort_keys=True, default=str) for c in f.cells)])
        for f in rep.issues
        if f.severity in ("error", "warning") or f.rule.startswith(("cell.", "map."))
    }


def _table_span(text: str) -> tuple[int, int]:
    """Where the statistics tables stand in the text (mutations stay inside)."""
    starts = [i for i in (text.find(k) for k in ("<table", "|", "指标名称", "本年新收")) if i >= 0]
    start = min(starts) if starts else 0
    return start, len(text)


def mutate(text: str, rng: random.Random) -> tuple[str, str] | None:
    """One random one-character mutation of the table part of ``text``: (text, what)."""
    start, end = _table_span(text)
    positions = [
        i for i in range(start, end)
        if text[i].isdigit() or "\u4e00" <= text[i] <= "\u9fff"
    ]  # fmt: skip
    if not positions:
        return None
    i = rng.choice(positions)
    ch = text[i]
    if ch.isdigit():
        kind = rng.choice(["delete", "replace", "insert"])
        if kind == "delete":
            return text[:i] + text[i + 1 :], f"delete digit {ch!r} at {i}"
        d = rng.choice([c for c in "0123456789" if c != ch])
        if kind == "replace":
            return text[:i] + d + text[i + 1 :], f"replace {ch!r} by {d!r} at {i}"
        return text[:i] + d + text[i:], f"insert {d!r} before {ch!r} at {i}"
    return text[:i] + text[i + 1 :], f"delete label character {ch!r} at {i}"


def _covered(clean: Report, key: Key, new: float | None) -> bool:
    """Whether the checks see ``key`` changed to ``new`` (None: gone) in the clean report."""
    base = _finding_keys(clean)
    if new is None:
        values = [v for v in clean.value_list if (v.indicator, v.applicant) != key]
    else:
        values = [
            replace(v, value=new) if (v.indicator, v.applicant) == key else v
            for v in clean.value_list
        ]
    values = [v for v in values if not v.derived]  # derived values follow their parts
    from govstats.parse.derive import derive_values

    values = values + derive_values(values, clean.meta.get("regime"))
    trial = Report(source=clean.source, meta=clean.meta, value_list=values,
                   narrative_list=clean.narrative_list, issues=[], unread_list=[])  # fmt: skip
    trial.issues.extend(validate_report(trial))
    return bool(_finding_keys(trial) - base)


def run(n_reports: int, n_mutations: int, seed: int = 0) -> Iterator[Outcome]:
    """``n_mutations`` mutations that change a value, in each of ``n_reports`` reports of
    every shape in :data:`REPORTS` (seeded: the same run every time)."""
    rng = random.Random(seed)
    for name, make in REPORTS.items():
        for k in range(n_reports):
            fname, text = make(1000 * seed + k + 1)
            clean = govstats.parse_report(text.encode("utf-8"), filename=fname)
            values = _values(clean)
            base_findings = _finding_keys(clean)
            rows: dict[str, set[Key]] = {}
            for key in values:
                rows.setdefault(key[0], set()).add(key)
            done = tries = 0
            while done < n_mutations and tries < 20 * n_mutations:
                tries += 1
                m = mutate(text, rng)
                if m is None:
                    break
                mutated, what = m
                try:
                    rep = govstats.parse_report(mutated.encode("utf-8"), filename=fname)
                except GovstatsError as exc:
                    yield Outcome(name, what, new_findings=[f"error: {exc}"])
                    continue
                got = _values(rep)
                changed = {
                    key: (old, got.get(key)) for key, old in values.items() if got.get(key) != old
                }
                if not changed:
                    continue
                done += 1
                out = Outcome(name, what, changed, sorted(_finding_keys(rep) - base_findings))
                out.covered = {
                    key for key, (_, new) in changed.items() if _covered(clean, key, new)
                }
                gone = {key for key, (_, new) in changed.items() if new is None}
                out.row_dropped = any(keys <= gone for keys in rows.values())
                yield out
