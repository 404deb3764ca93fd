"""Validation: find internal inconsistencies, text-vs-table contradictions, impossible dates,
structural gaps (:func:`validate_report`) and breaks across reports (:func:`validate_reports`).

The rules are data: ``rules/checks.yaml`` plus the accounting identities of
``rules/identities.yaml`` (the same ones the digit splitter uses).  Every finding names its
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

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from ..catalogue.indicators import APPLICANTS, catalogue
from ..catalogue.layouts import regime_years
from ..catalogue.rules import Rule, Term, checks, each_pattern
from ..model import Finding, Value
from ..report import Report

# ---------------------------------------------------------------------------- helpers


def _fmt(x: float) -> str:
    if float(x).is_integer():
        return str(int(x))
    return f"{x:g}"


def _cell(v: Value, **extra: Any) -> dict[str, Any]:
    return {
        **v.location,
        "indicator": v.indicator,
        "applicant": v.applicant,
        "value": v.value,
        "raw": v.raw,
        **extra,
    }


class _Index:
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


def _holds(lhs: float, op: str, rhs: float, tol: float) -> bool:
    if op == "=":
        return abs(lhs - rhs) <= tol
    if op == "<=":
        return lhs <= rhs + tol
    return lhs >= rhs - tol


_NOT = {"=": "≠", "<=": ">", ">=": "<"}


def _side(vals: list[Value]) -> tuple[float, str]:
    total = sum(float(v.value) for v in vals)
    text = "+".join(_fmt(v.value) for v in vals)
    return total, text if len(vals) == 1 else f"{text} = {_fmt(total)}"


def _relation_finding(
    chk: Rule, left: list[Value], right: list[Value], op: str, applicant: str
) -> Finding | None:
    lsum, ltxt = _side(left)
    rsum, rtxt = _side(right)
    if _holds(lsum, op, rsum, chk.tolerance):
        return None
    codes = tuple(dict.fromkeys(v.indicator for v in (*left, *right)))
    col = "" if applicant == "total" else f" [{applicant}]"
    lcodes = " + ".join(v.indicator for v in left)
    rcodes = " + ".join(v.indicator for v in right)
    expected = f"{lcodes} {op} {rcodes}{col}"
    found = f"{ltxt} {_NOT[op]} {rtxt}"
    return Finding(
        rule=chk.id,
        severity=chk.severity,
        message=f"{chk.en}{col}: {found}",
        message_zh=f"{chk.zh}{col}：{found}",
        indicators=codes,
        cells=tuple(_cell(v) for v in (*left, *right)),
        expected=expected,
        found=found,
    )


# ---------------------------------------------------------------------------- per report


def _sum(chk: Rule, report: Report, ix: _Index) -> list[Finding]:
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
                if not chk.partial or all(v is None for v in left) or op == ">=":
                    continue
                op = "<=" if op == "=" else op
            f = _relation_finding(
                chk,
                [v for v in left if v is not None],
                [v for v in right if v is not None],
                op,
                a,
            )
            if f:
                out.append(f)
    return out


def _applicant_sum(chk: Rule, report: Report, ix: _Index) -> list[Finding]:
    out: list[Finding] = []
    for code in sorted(ix.codes):
        total = ix.get(code, "total")
        parts = [ix.get(code, a) for a in APPLICANTS[:-1]]
        if total is None or all(p is None for p in parts):
            continue
        op = "=" if all(p is not None for p in parts) else "<="
        f = _relation_finding(chk, [p for p in parts if p is not None], [total], op, "total")
        if f:
            out.append(f)
    return out


def _part_le_parent(chk: Rule, report: Report, ix: _Index) -> list[Finding]:
    out: list[Finding] = []
    for parent in chk.parents:
        for suffix in chk.suffixes:
            p = ix.get(parent + suffix)
            if p is None:
                continue
            for kid in ix.kids.get(parent, []):
                k = ix.get(kid + suffix)
                if k is not None:
                    f = _relation_finding(chk, [k], [p], "<=", "total")
                    if f:
                        out.append(f)
    return out


def _cumulative_le(chk: Rule, report: Report, ix: _Index) -> list[Finding]:
    out: list[Finding] = []
    for code in sorted(ix.codes):
        if code.endswith(".cumulative"):
            continue
        cur, cum = ix.get(code), ix.get(code + ".cumulative")
        if cur is not None and cum is not None:
            f = _relation_finding(chk, [cur], [cum], "<=", "total")
            if f:
                out.append(f)
    return out


_RAW_NUM = re.compile(r"(\d[\d,]*(?:\.(\d+))?)万")


def _narrative_tolerance(raw: str, unit: Any) -> float:
    """How far a rounded prose figure (29.7万) may be from the exact table figure."""
    if not isinstance(unit, str) or "万" not in unit:
        return 0
    m = _RAW_NUM.search(raw)
    decimals = len(m.group(2) or "") if m else 0
    return 10000 / 10**decimals / 2


def _table_value(report: Report, ix: _Index, codes: list[str]) -> list[Value] | None:
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


def _text_table(chk: Rule, report: Report, ix: _Index) -> list[Finding]:
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
        total, txt = _side(vals)
        ok = [n for n in figs if abs(float(n.value) - total) <= _narrative_tolerance(n.raw, n.unit)]
        if ok:
            continue  # the prose states the table's figure (other figures speak of parts)
        for n in figs:
            found = f"text {_fmt(n.value)} ≠ table {txt}"
            out.append(
                Finding(
                    rule=chk.id,
                    severity=chk.severity,
                    message=f"{chk.en}: {code} {found} (text: {n.raw})",
                    message_zh=f"{chk.zh}：正文“{n.raw}”为{_fmt(n.value)}，统计表为{txt}",
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
                        *(_cell(v) for v in vals),
                    ),
                    expected=f"{code}: text = table ({txt})",
                    found=found,
                )
            )
    return out


def _iso(s: Any) -> dt.date | None:
    if not s:
        return None
    try:
        return dt.date.fromisoformat(str(s)[:10])
    except ValueError:
        return None


def _period_end(meta: dict[str, Any]) -> dt.date | None:
    sp = meta.get("statistics_period") or {}
    end = _iso(sp.get("end")) if isinstance(sp, dict) else None
    if end is None and isinstance(meta.get("year"), int):
        end = dt.date(meta["year"], 12, 31)
    return end


def _date_cell(c: dict[str, Any]) -> dict[str, Any]:
    return {k: c[k] for k in ("kind", "printed", "date", "line", "offset") if k in c}


def _dates(meta: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in meta.get("dates") or [] if isinstance(c, dict)]


def _date_finding(
    chk: Rule, cands: list[dict[str, Any]], expected: str, found: str, zh: str
) -> Finding:
    return Finding(
        rule=chk.id,
        severity=chk.severity,
        message=f"{chk.en}: {found}",
        message_zh=f"{chk.zh}：{zh}",
        indicators=(),
        cells=tuple(_date_cell(c) for c in cands),
        expected=expected,
        found=found,
    )


def _date_impossible(chk: Rule, report: Report, ix: _Index) -> list[Finding]:
    out = []
    for c in _dates(report.meta):
        if c.get("printed") and not c.get("date"):
            out.append(
                _date_finding(
                    chk,
                    [c],
                    "a calendar date",
                    f"{c['printed']} does not exist",
                    f"“{c['printed']}”不是有效日期",
                )
            )
    return out


def _date_before_period_end(chk: Rule, report: Report, ix: _Index) -> list[Finding]:
    end = _period_end(report.meta)
    if end is None:
        return []
    out = []
    for c in _dates(report.meta):
        d = _iso(c.get("date"))
        if d is not None and d < end:
            out.append(
                _date_finding(
                    chk,
                    [c],
                    f"dated after {end.isoformat()} (end of the statistics period)",
                    f"{c.get('kind')} {c.get('printed')} = {d.isoformat()} < {end.isoformat()}",
                    f"“{c.get('printed')}”早于统计期限截止日{end.isoformat()}",
                )
            )
    return out


def _date_late(chk: Rule, report: Report, ix: _Index) -> list[Finding]:
    end = _period_end(report.meta)
    pub = _iso(report.meta.get("published_iso") or report.meta.get("published_date"))
    if end is None or pub is None:
        return []
    days = (pub - end).days
    if days <= int(chk.params.get("max_days", 366)):
        return []
    cands = [c for c in _dates(report.meta) if _iso(c.get("date")) == pub][:1]
    return [
        _date_finding(
            chk,
            cands,
            f"published within {chk.params.get('max_days', 366)} days of {end.isoformat()}",
            f"published {pub.isoformat()}, {days} days after {end.isoformat()}",
            f"发布于{pub.isoformat()}，晚于统计期限截止日{days}天",
        )
    ]


def _date_signed_after_published(chk: Rule, report: Report, ix: _Index) -> list[Finding]:
    dates = _dates(report.meta)
    headers = [c for c in dates if c.get("kind") == "page_header" and _iso(c.get("date"))]
    signs = [c for c in dates if c.get("kind") == "sign_off" and _iso(c.get("date"))]
    out = []
    for h in headers[:1]:
        hd = _iso(h["date"])
        assert hd is not None
        for s in signs:
            sd = _iso(s["date"])
            assert sd is not None
            if sd > hd:
                out.append(
                    _date_finding(
                        chk,
                        [s, h],
                        "signed on or before the publication date",
                        f"signed {sd.isoformat()} > published {hd.isoformat()}",
                        f"落款{sd.isoformat()}晚于发布{hd.isoformat()}",
                    )
                )
    return out


_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


def _date_title_period(chk: Rule, report: Report, ix: _Index) -> list[Finding]:
    title = report.meta.get("title") or ""
    m = _TITLE_YEAR.search(str(title))
    sp = report.meta.get("statistics_period") or {}
    start = _iso(sp.get("start")) if isinstance(sp, dict) else None
    if not m or start is None or int(m.group(1)) == start.year:
        return []
    return [
        Finding(
            rule=chk.id,
            severity=chk.severity,
            message=f"{chk.en}: title {m.group(1)} vs period {sp.get('printed')}",
            message_zh=f"{chk.zh}：标题{m.group(1)}年，统计期限{sp.get('printed')}",
            cells=({"title": title, "statistics_period": sp.get("printed")},),
            expected=f"period of {m.group(1)}",
            found=f"title {m.group(1)} ≠ period {start.year}",
        )
    ]


def _structure_missing(chk: Rule, report: Report, ix: _Index) -> list[Finding]:
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


def _structure_blank_total(chk: Rule, report: Report, ix: _Index) -> list[Finding]:
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
        _, txt = _side(kids)
        out.append(
            Finding(
                rule=chk.id,
                severity=chk.severity,
                message=f"{chk.en}: {code} blank, its parts {txt}",
                message_zh=f"{chk.zh}：{catalogue()[code].label_zh}空白，分项 {txt}",
                indicators=(code, *(k.indicator for k in kids)),
                cells=(
                    {**u.location, "applicant": applicant, "raw": u.raw},
                    *(_cell(k) for k in kids),
                ),
                expected=f"{code} printed ({txt})",
                found="blank",
            )
        )
    return out


def _structure_outdated(chk: Rule, report: Report, ix: _Index) -> list[Finding]:
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


_PER_REPORT: dict[str, Callable[[Rule, Report, _Index], list[Finding]]] = {
    "sum": _sum,
    "applicant_sum": _applicant_sum,
    "part_le_parent": _part_le_parent,
    "cumulative_le": _cumulative_le,
    "text_table": _text_table,
    "date_impossible": _date_impossible,
    "date_before_period_end": _date_before_period_end,
    "date_late": _date_late,
    "date_signed_after_published": _date_signed_after_published,
    "date_title_period": _date_title_period,
    "structure_missing": _structure_missing,
    "structure_blank_total": _structure_blank_total,
    "structure_outdated": _structure_outdated,
}


def validate_report(report: Report) -> list[Finding]:
    """Findings of the per-report rules (identities, text vs table, dates, structure).

    Reader and mapper findings already in ``report.issues`` (``cell.blank``, ``digits.*``)
    are not repeated; the result is meant to be appended to ``report.issues``.  Dates come
    from ``report.meta["dates"]`` (every candidate the metadata found, sign-offs included).
    """
    ix = _Index(report)
    regime = report.meta.get("regime")
    out: list[Finding] = []
    for chk in checks():
        fn = _PER_REPORT.get(chk.kind)
        if fn is None:
            continue
        if not chk.applies(regime):
            continue
        out.extend(fn(chk, report, ix))
    return out


# ---------------------------------------------------------------------------- cross-report


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
        base.update(_cell(v))
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


def _pairs(reports: list[Report]) -> list[tuple[Report, Report]]:
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


def _each(chk: Rule, ix: _Index) -> list[str | None]:
    """The values ``{x}`` takes in ``chk``'s codes (``[None]`` when it has no ``each``)."""
    each = chk.params.get("each")
    if each is None:
        return [None]
    if isinstance(each, dict):
        rx = each_pattern(each["printed"])
        return [m.group(1) for code in sorted(ix.codes) if (m := rx.fullmatch(code))]
    return list(each)


def _code(t: Term, x: str | None) -> str:
    return t.code if x is None else t.code.replace("{x}", x)


def _linear_side(terms: list[tuple[Term, Value]]) -> tuple[float, str]:
    """sum(coef × value) of one side, and its text (``20+1-0 = 21``; one term: ``20``, with
    a coefficient: ``2×10 = 20``)."""
    total: float = 0
    text = ""
    for k, (t, v) in enumerate(terms):
        total += t.coef * float(v.value)
        sign = "-" if t.coef < 0 else ("+" if k else "")
        times = "" if abs(t.coef) == 1 else f"{_fmt(abs(t.coef))}×"
        text += f"{sign}{times}{_fmt(v.value)}"
    if len(terms) == 1 and abs(terms[0][0].coef) == 1:
        return total, text
    return total, f"{text} = {_fmt(total)}"


def _xr_linear(
    chk: Rule, prev: Report, cur: Report, pi: _Index, ci: _Index
) -> list[Finding]:
    """sum(left) <op> sum(right), each term a cell of this year's (year 0) or last year's
    (year -1) report, once per value of ``{x}``."""
    out: list[Finding] = []
    reports, indexes = {0: cur, -1: prev}, {0: ci, -1: pi}
    what = f"{_name(prev)} → {_name(cur)}"
    for x in _each(chk, ci):
        sides = []
        for side in (chk.left, chk.right):
            got = [(t, indexes[t.year].get(_code(t, x))) for t in side]
            sides.append([(t, v) for t, v in got if v is not None])
        if len(sides[0]) != len(chk.left) or len(sides[1]) != len(chk.right):
            continue  # a cell is not printed
        (lsum, ltxt), (rsum, rtxt) = _linear_side(sides[0]), _linear_side(sides[1])
        if _holds(lsum, chk.op, rsum, chk.tolerance):
            continue
        found = f"{ltxt} {_NOT[chk.op]} {rtxt}"
        terms = [*sides[0], *sides[1]]
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


def _xr_pairwise(chk: Rule, prev: Report, cur: Report) -> list[Finding]:
    pi, ci = _Index(prev), _Index(cur)
    out: list[Finding] = []
    what = f"{_name(prev)} → {_name(cur)}"
    if chk.kind == "xr_linear":
        out.extend(_xr_linear(chk, prev, cur, pi, ci))
    elif chk.kind == "xr_jump":
        ratio, min_abs = float(chk.params.get("ratio", 5)), float(chk.params.get("min_abs", 20))
        for code in chk.params.get("indicators", []):
            p, c = pi.get(code), ci.get(code)
            if p is None or c is None:
                continue
            lo, hi = sorted((float(p.value), float(c.value)))
            if hi < min_abs or (lo > 0 and hi / lo < ratio) or (lo == 0 and hi < min_abs):
                continue
            found = f"{_fmt(p.value)} → {_fmt(c.value)}"
            out.append(
                _xr_finding(
                    chk,
                    [_rcell(prev, p), _rcell(cur, c)],
                    (code,),
                    f"{code} within ×{_fmt(ratio)} of last year",
                    found,
                    f"{what} {code}",
                    f"{what} {code}",
                )
            )
    return out


def _table(r: Report) -> dict[tuple[str, str], float]:
    return {(v.indicator, v.applicant): float(v.value) for v in r.value_list if not v.derived}


def _xr_duplicate(chk: Rule, reports: list[Report]) -> list[Finding]:
    """Pairs of reports of other bodies or years whose tables agree on every shared cell."""
    min_nonzero = int(chk.params.get("min_nonzero", 3))
    min_shared = float(chk.params.get("min_shared", 0.8))
    tables = [(r, _table(r)) for r in reports]
    tables = [(r, t) for r, t in tables if sum(1 for x in t.values() if x) >= min_nonzero]
    out = []
    for i, (a, ta) in enumerate(tables):
        for b, tb in tables[i + 1 :]:
            if a.source.get("sha256") == b.source.get("sha256"):
                continue  # the same file given twice
            if body_key(a) == body_key(b) and a.meta.get("year") == b.meta.get("year"):
                continue  # the same report in two formats
            shared = ta.keys() & tb.keys()
            if len(shared) < min_shared * min(len(ta), len(tb)):
                continue
            if any(ta[k] != tb[k] for k in shared):
                continue
            # a cumulative column repeats itself when nothing happened: count this year's cells
            nonzero = sorted(k for k in shared if ta[k] and not k[0].endswith(".cumulative"))
            if len(nonzero) < min_nonzero:
                continue
            found = f"{len(shared)} shared cells identical ({len(nonzero)} non-zero)"
            by = {(v.indicator, v.applicant): v for v in a.value_list if not v.derived}
            cells = [_rcell(a), _rcell(b)] + [_rcell(a, by[k]) for k in nonzero[:20]]
            out.append(
                _xr_finding(
                    chk,
                    cells,
                    tuple(dict.fromkeys(c for c, _ in nonzero)),
                    "tables of different bodies or years differ",
                    found,
                    f"{_name(a)} = {_name(b)}",
                    f"{_name(a)} = {_name(b)}",
                )
            )
    return out


def validate_reports(reports: Iterable[Report]) -> list[Finding]:
    """Findings of the cross-report rules over ``reports``: continuity of one body's series
    (carry-over, R0 cumulative columns, stock of documents in force, items of last year),
    identical tables of other bodies or years, and year-over-year jumps (info).

    Each finding's ``cells`` name the reports (``report`` path, ``sha256``, ``year``).
    Per-report rules are not repeated here (see :func:`validate_report`).
    """
    reps = list(reports)
    pairs = _pairs(reps)
    out: list[Finding] = []
    for chk in checks():
        if chk.kind == "xr_duplicate":
            out.extend(_xr_duplicate(chk, reps))
        elif chk.kind.startswith("xr_"):
            for prev, cur in pairs:
                if chk.applies(cur.meta.get("regime")):
                    out.extend(_xr_pairwise(chk, prev, cur))
    return out


def finding_reports(f: Finding) -> list[str]:
    """The report paths a cross-report finding names."""
    return list(dict.fromkeys(str(c["report"]) for c in f.cells if c.get("report")))


__all__ = ["Rule", "body_key", "checks", "finding_reports", "validate_report", "validate_reports"]
