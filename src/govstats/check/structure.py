"""The shape of a report's table: tables or rows its form requires that are missing, a blank
total whose parts are printed, and a form used outside the report years of its layout."""

from __future__ import annotations

from collections.abc import Callable

from ..catalogue.indicators import catalogue
from ..catalogue.layouts import regime_years
from ..catalogue.rules import Rule, checks
from ..model import Finding, Value
from ..report import Report
from .common import Index, side, value_cell


def structure_missing(chk: Rule, report: Report, ix: Index) -> list[Finding]:
    """Tables (``tables``) or rows (``rows``) the form requires that have no value."""
    if not report.value_list:
        return []  # no table at all: structure.no_table / structure.no_values say so
    out = []
    tables = {v.location.get("table_id") for v in report.value_list if not v.derived}
    for t in chk.params.get("tables", []):
        if t not in tables:
            out.append(
                Finding(
                    rule=chk.id,
                    severity=chk.severity,
                    message=f"{chk.en}: table {t} has no value",
                    message_zh=f"{chk.zh}：{t}",
                    cells=({"table_id": t},),
                    expected=f"table {t}",
                    found="missing",
                )
            )
    blank = {u.indicator for u in report.unread_list}
    for code in chk.params.get("rows", []):
        if ix.get(code) is None and code not in blank:
            out.append(
                Finding(
                    rule=chk.id,
                    severity=chk.severity,
                    message=f"{chk.en}: {code} ({catalogue()[code].label_zh}) not printed",
                    message_zh=f"{chk.zh}：{catalogue()[code].label_zh}",
                    indicators=(code,),
                    expected=f"row {code}",
                    found="missing",
                )
            )
    return out


def structure_blank_total(chk: Rule, report: Report, ix: Index) -> list[Finding]:
    """A total cell printed blank while its parts are printed."""
    out = []
    for u in report.unread_list:
        if u.status != "blank":
            continue
        code, applicant = u.indicator, u.applicant
        kids: list[Value] = []
        for other in checks():
            if (
                other.kind == "sum"
                and other.right_codes == (code,)
                and other.op == "="
                and other.applies(report.meta.get("regime"))
            ):
                kids = [k for k in ix.terms(other.left_codes, applicant, "") if k is not None]
                break
        else:
            kids = [k for k in (ix.get(c, applicant) for c in ix.kids.get(code, [])) if k]
        if not kids:
            continue
        _, txt = side(kids)
        out.append(
            Finding(
                rule=chk.id,
                severity=chk.severity,
                message=f"{chk.en}: {code} blank, its parts {txt}",
                message_zh=f"{chk.zh}：{catalogue()[code].label_zh}空白，分项 {txt}",
                indicators=(code, *(k.indicator for k in kids)),
                cells=(
                    {**u.location, "applicant": applicant, "raw": u.raw},
                    *(value_cell(k) for k in kids),
                ),
                expected=f"{code} printed ({txt})",
                found="blank",
            )
        )
    return out


def structure_outdated(chk: Rule, report: Report, ix: Index) -> list[Finding]:
    """A form used outside the report years of its layout (info within ``lenient``)."""
    regime, year = report.meta.get("regime"), report.meta.get("year")
    span = regime_years().get(regime)
    if not regime or not isinstance(year, int) or not span or span[0] <= year <= span[1]:
        return []
    lenient = (chk.params.get("lenient") or {}).get(regime)
    severity = "info" if lenient and lenient[0] <= year <= lenient[1] else chk.severity
    when = "outdated" if year > span[1] else "not yet valid"
    return [
        Finding(
            rule=chk.id,
            severity=severity,
            message=f"{chk.en}: {regime} form ({span[0]}–{span[1]}) in a {year} report ({when})",
            message_zh=f"{chk.zh}：{year}年度报告使用{regime}格式（{span[0]}–{span[1]}年）",
            cells=({"regime": regime, "evidence": report.meta.get("regime_evidence")},),
            expected=f"form of {year}",
            found=f"{regime} ({span[0]}–{span[1]})",
        )
    ]


KINDS: dict[str, Callable[[Rule, Report, Index], list[Finding]]] = {
    "structure_missing": structure_missing,
    "structure_blank_total": structure_blank_total,
    "structure_outdated": structure_outdated,
}
