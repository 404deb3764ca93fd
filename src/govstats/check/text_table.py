"""Text vs table: a figure the prose states (``Report.narrative``) that differs from the
table cells it speaks of (a crosswalk in the rule maps a prose concept to table codes)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from ..catalogue.rules import Rule
from ..model import Finding, Value
from ..report import Report
from .common import Index, fmt, side, value_cell

_RAW_NUM = re.compile(r"(\d[\d,]*(?:\.(\d+))?)万")


def _narrative_tolerance(raw: str, unit: Any) -> float:
    """How far a rounded prose figure (29.7万) may be from the exact table figure."""
    if not isinstance(unit, str) or "万" not in unit:
        return 0
    m = _RAW_NUM.search(raw)
    decimals = len(m.group(2) or "") if m else 0
    return 10000 / 10**decimals / 2


def _table_value(report: Report, ix: Index, codes: list[str]) -> list[Value] | None:
    """The table cells ``codes`` stand for (printed, else derived), or None if one is absent."""
    out = []
    for code in codes:
        v = ix.get(code)
        if v is None:
            v = next(
                (
                    d
                    for d in report.value_list
                    if d.derived and d.indicator == code and d.applicant == "total"
                ),
                None,
            )
        if v is None:
            return None
        out.append(v)
    return out


def text_table(chk: Rule, report: Report, ix: Index) -> list[Finding]:
    """A figure the prose states that no table figure it speaks of equals (within the
    rounding of 万)."""
    out: list[Finding] = []
    by_code: dict[str, list[Any]] = defaultdict(list)
    for n in report.narrative_list:
        by_code[n.indicator].append(n)
    cross = dict(chk.params.get("crosswalk") or {})
    cross.update((chk.params.get("crosswalk_by_regime") or {}).get(report.meta.get("regime"), {}))
    for code, figs in by_code.items():
        vals = _table_value(report, ix, list(cross.get(code, [code])))
        if vals is None:
            continue
        total, txt = side(vals)
        ok = [n for n in figs if abs(float(n.value) - total) <= _narrative_tolerance(n.raw, n.unit)]
        if ok:
            continue  # the prose states the table's figure (other figures speak of parts)
        for n in figs:
            found = f"text {fmt(n.value)} ≠ table {txt}"
            out.append(
                Finding(
                    rule=chk.id,
                    severity=chk.severity,
                    message=f"{chk.en}: {code} {found} (text: {n.raw})",
                    message_zh=f"{chk.zh}：正文“{n.raw}”为{fmt(n.value)}，统计表为{txt}",
                    indicators=tuple(dict.fromkeys([code, *(v.indicator for v in vals)])),
                    cells=(
                        {
                            **n.location,
                            "narrative": True,
                            "indicator": code,
                            "value": n.value,
                            "raw": n.raw,
                            "context": n.context,
                        },
                        *(value_cell(v) for v in vals),
                    ),
                    expected=f"{code}: text = table ({txt})",
                    found=found,
                )
            )
    return out


KINDS: dict[str, Callable[[Rule, Report, Index], list[Finding]]] = {"text_table": text_table}
