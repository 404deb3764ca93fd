"""Dates and periods: dates that do not exist, a report signed or published before its
statistics period ends or long after, signed after the page's date, a title year that is
not the period's.  The dates are those the metadata found (``meta["dates"]``)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from ..catalogue.rules import Rule
from ..model import Finding
from ..report import Report
from .common import Index


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


def date_impossible(chk: Rule, report: Report, ix: Index) -> list[Finding]:
    """A printed date that does not exist (2月30日)."""
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


def date_before_period_end(chk: Rule, report: Report, ix: Index) -> list[Finding]:
    """Signed or published before the statistics period ends."""
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


def date_late(chk: Rule, report: Report, ix: Index) -> list[Finding]:
    """Published more than ``max_days`` after the statistics period ended."""
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


def date_signed_after_published(chk: Rule, report: Report, ix: Index) -> list[Finding]:
    """Signed after the date the page was published."""
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


def date_title_period(chk: Rule, report: Report, ix: Index) -> list[Finding]:
    """The year in the title is not the statistics period's."""
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


KINDS: dict[str, Callable[[Rule, Report, Index], list[Finding]]] = {
    "date_impossible": date_impossible,
    "date_before_period_end": date_before_period_end,
    "date_late": date_late,
    "date_signed_after_published": date_signed_after_published,
    "date_title_period": date_title_period,
}
