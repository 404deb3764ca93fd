"""Report metadata read from the document itself: title, body, year, dates, scope."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from ..lexicon import SPACE_RUN
from ..model import Document
from ..normalize import TEMPLATE_PLACEHOLDER, TITLE_SEPARATORS, collapse_ws, nfkc
from .dates import ARABIC_DATE, CHINESE_DATE, cn_year, find_dates, parse_date
from .jurisdiction import Jurisdiction, find_issuer, resolve_jurisdiction

_TITLE_WORDS = ("年度报告", "年报", "工作报告", "情况报告")
# the title at the start of a line the text continues on: up to its first 年度报告/年报
_TITLE_AT_START = re.compile(r"(?P<t>[^。，；;！？!?]{4,58}?(?:年度报告|年报))")
_HEADER_TITLE = re.compile(r"^\s*(?:标题|题目|title)\s*[:：]\s*(?P<t>.+)$", re.M | re.I)
# A page header's date field (发布时间：2009-01-13 17:09): only the date and time of day are
# taken, never what the header prints after them (| 来源：…, 点击数：…).
_HEADER_DATE = re.compile(
    r"(?:发布时间|发布日期|成文日期|发文日期|日期|时间)\s*[:：]\s*"
    r"(?P<d>(?:(?:19|20)\d{2}\s*[年\-/.]\s*\d{1,2}\s*[月\-/.]\s*\d{1,2}\s*日?"
    r"|[〇○零一二三四五六七八九]{4}\s*年\s*[〇○零一二三四五六七八九十]{1,3}\s*月"
    r"\s*[〇○零一二三四五六七八九十]{1,3}\s*日)"
    r"(?:\s*\d{1,2}\s*[:：]\s*\d{2}(?:\s*[:：]\s*\d{2})?)?)"
)
# Another field printed before the date on the same header line (来源：…时间：…).
_HEADER_FIELD = re.compile(r"(?:来源|发布机构|发文机关|作者|编辑|责任编辑|点击|浏览|访问)")
# A date range (统计时间：2016年1月1日至…) is not a publication date.
_RANGE_AFTER = re.compile(r"\s*(?:至|到|起|—|–|~|～)")
_YEAR = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年")
_CN_YEAR = re.compile(r"(?P<y>[〇○零一二三四五六七八九]{4})\s*年")
_PERIOD = re.compile(
    r"统计期限[^。；]{0,8}?(?:自|从)?\s*(?P<a>(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)"
    r"[^。；]{0,6}?(?:起)?\s*(?:至|到)\s*(?P<b>(?:(?:19|20)\d{2}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日)"
)
# A figure stated for the whole region (全市各级政府…共主动公开政府信息29.7万条, 全区收到政府
# 信息公开申请75件), or split between the government's own level and the levels below
# (市本级3315件，县（区、管委会）8228件): the report sums every body of the jurisdiction.
_SCOPE_WHOLE = re.compile(
    r"全(?:省|市|区|县|州|盟|旗)(?:各级|范围内|各部门|各单位|共|累计|全年|全年共)?[^。；，,;]{0,16}?"
    r"(?:收到|受理|主动公开|公开|办理|办结|答复|发生)[^。；]{0,16}?\d"
    r"|(?:市|区|县|省)本级[^。；]{0,12}?\d[^。；]{0,20}?(?:各县|县（区|县区|区县|各区|各乡镇|乡镇)"
    # none for the whole region: 全区未收到有关政府信息公开申请
    r"|全(?:省|市|区|县|州|盟|旗)(?:各级[^。；，,;]{0,8}?)?(?:均|都)?(?:未|没有)(?:收到|受理|发生)"
    r"[^。；]{0,12}?(?:申请|复议|诉讼)"
)


_SENTENCE = re.compile(r"[，。；《》]|根据|按照|以下简称")
_TITLE_YEAR = re.compile(r"(?:19|20)\d{2}\s*年|[〇零一二][〇零一二三四五六七八九]{3}年")


def _names_report(line: str) -> bool:
    """A line that is a report title: 政府信息公开…年度报告 and no sentence around it."""
    return (
        len(line) <= 60
        and "信息" in line
        and "公开" in line
        and ("年度报告" in line or "年报" in line)
        and not _SENTENCE.search(line)
        and not line.startswith("本")
        and _TITLE_YEAR.search(line) is not None
    )


def declared_title(title: str | None, *, strict: bool = True) -> str | None:
    """The report title in a title a container declares for itself (``Document.title``).

    A web page's ``<title>`` reads ``article title _ column _ site name`` (separators
    ``_ | :: — –`` or a hyphen): the first segment that names the report (strict:
    :func:`_names_report`, a 政府信息公开…年度报告 with a year; loose: one of the title words
    such as 年度报告 or 年报) is the title, else the whole declared title when it names the
    report.  None when nothing in it names a report (a site name, a stale template title).
    """
    if not title:
        return None
    whole = collapse_ws(nfkc(title))
    parts = [p for p in TITLE_SEPARATORS.split(whole) if p]
    for part in [*parts, whole] if len(parts) > 1 else [whole]:
        if _names_report(part) if strict else any(w in part for w in _TITLE_WORDS):
            return part
    return None


def find_title(doc: Document) -> str | None:
    """The report's title.

    On a web page the title the page declares (``Document.title``: its ArticleTitle meta or
    ``<title>``, cleaned of column and site names) wins when it names the report, so that the
    site's menus, login widgets and breadcrumbs are never taken for it.  Then a crawler
    export's ``标题:`` header line, then the first lines of the text that name a report (lines
    with unrendered template placeholders left out), and last a declared title that only
    loosely names a report.  A DOCX/PDF title property is used only in that last step: it is
    often a stale template title, while the heading printed in the document is not.
    """
    web = doc.kind in ("html", "mhtml")
    if web:
        declared = declared_title(doc.title)
        if declared:
            return declared
    m = _HEADER_TITLE.search(doc.text[:2000])
    if m:
        return collapse_ws(m["t"])
    title = (_heading_before_body(doc.text) if web else None) or _title_from_text(doc.text)
    if title:
        return title
    return declared_title(doc.title) or declared_title(doc.title, strict=False)


def _is_sentence(line: str) -> bool:
    return len(line) >= 30 and ("。" in line or "，" in line)


def _heading_before_body(text: str, window: int = 8, sentences: int = 3) -> str | None:
    """A web page's heading: the line naming the report nearest before the article's first
    sentence (within ``window`` lines; the first ``sentences`` sentence lines are tried, so a
    notice in the site header does not stop the search).  Menus hold no sentences, and a list
    of other years' reports or a breadcrumb comes before the heading, not between it and the
    body.  A heading printed over two lines (平潭综合实验区 / 2016年度…年度报告) is joined
    when the line above the year names a known body."""
    lines = [collapse_ws(nfkc(x)) for x in text.splitlines()[:400]]
    lines = [x for x in lines if x and not TEMPLATE_PLACEHOLDER.search(x)]
    seen = 0
    for i, line in enumerate(lines):
        if not _is_sentence(line):
            continue
        for j in range(i - 1, max(-1, i - 1 - window), -1):
            cand = lines[j]
            if _is_sentence(cand):
                break
            if j + 1 < i and lines[j + 1].startswith(("工作年度报告", "年度报告")):
                cand += lines[j + 1]
            if not _names_report(cand):
                continue
            prev = lines[j - 1] if j > 0 else ""
            if (
                _TITLE_YEAR.match(cand)
                and prev
                and len(prev) <= 30
                and not _is_sentence(prev)
                and not any(w in prev for w in _TITLE_WORDS)
                and not _SENTENCE.search(prev)
                and resolve_jurisdiction(prev).code is not None
            ):
                cand = prev + cand  # the body printed on the line above: 平潭综合实验区
            return cand
        seen += 1
        if seen >= sentences:
            break
    return None


def _title_from_text(text: str) -> str | None:
    lines = [collapse_ws(nfkc(x)) for x in text.splitlines()[:80]]
    lines = [x for x in lines if x and not TEMPLATE_PLACEHOLDER.search(x)]
    # a line that names the report itself wins over navigation text (政府工作报告 in a menu)
    for i, line in enumerate(lines[:60]):
        whole = line
        if i + 1 < len(lines) and lines[i + 1].startswith(("工作年度报告", "年度报告")):
            whole = line + lines[i + 1]
        if _names_report(whole):
            return whole
    # a page exported as one line: the title runs on into the text (…年度报告 2022年，全市…)
    for line in lines[:3]:
        m = _TITLE_AT_START.match(line)
        if m and _names_report(m["t"]):
            return m["t"]
    lines = lines[:40]
    for i, line in enumerate(lines[:15]):
        if any(w in line for w in _TITLE_WORDS) and len(line) <= 80:
            head = [x for x in lines[max(0, i - 2) : i] if len(x) <= 30 and not x.endswith("。")]
            # a short heading line before the title names the body (临沂市人民政府 / 2017年…)
            prefix = head[-1] if head and not any(w in head[-1] for w in _TITLE_WORDS) else ""
            title = f"{prefix}{line}" if prefix and "报告" not in prefix else line
            # a title split over two lines ("…政府信息公开" + "工作年度报告")
            if i + 1 < len(lines) and lines[i + 1].startswith(("工作年度报告", "年度报告")):
                title += lines[i + 1]
            return title
        if (
            i + 1 < len(lines)
            and lines[i + 1].startswith(("工作年度报告", "年度报告"))
            and "政府信息公开" in line
        ):
            return line + lines[i + 1]
    return None


def find_year(title: str | None, text: str) -> tuple[int | None, str]:
    """Report year from the title, else from the statistics period; with the evidence."""
    if title:
        m = _YEAR.search(title.replace(" ", ""))
        if m:
            return int(m["y"]), f"title: {title}"
        m = _CN_YEAR.search(title)
        if m:
            return cn_year(m["y"]), f"title: {title}"
    m = _PERIOD.search(text)
    if m:
        y = _YEAR.search(m["a"])
        if y:
            return int(y["y"]), f"statistics period: {collapse_ws(m.group(0))}"
    return None, "no year in the title or statistics period"


def find_publication(doc: Document, title: str | None) -> dict[str, Any]:
    """The publication date as printed: the sign-off date of the report when printed, else the
    page's own 发布时间 header.  All candidates are kept for validation.

    The header is looked for in the 2,000 characters from the title where the text prints
    it (a web page's header follows its heading, whatever site chrome comes before), then in
    the first 2,000 characters."""
    text = doc.text
    candidates: list[dict[str, Any]] = []
    at = text.find(title) if title else -1
    printed = (_header_date(text[at : at + 2000]) if at > 0 else None) or _header_date(
        text[:2000]
    )
    if printed:
        d = parse_date(printed)
        candidates.append(
            {"kind": "page_header", "printed": printed, "date": d.isoformat() if d else None}
        )
    lines = text.splitlines()
    for ln, line in enumerate(lines, start=1):
        s = collapse_ws(nfkc(line))
        if not s or len(s) > 20:
            continue
        for printed, _ in find_dates(s):
            if len(printed) >= len(s) - 2:
                d = parse_date(printed)
                candidates.append(
                    {
                        "kind": "sign_off",
                        "printed": printed,
                        "line": ln,
                        "date": d.isoformat() if d else None,
                    }
                )
    # sign-off dates embedded in running (crawler) text: a Chinese-numeral date
    for mm in CHINESE_DATE.finditer(text):
        d = parse_date(mm.group(0))
        candidates.append(
            {
                "kind": "sign_off",
                "printed": mm.group(0),
                "offset": mm.start(),
                "date": d.isoformat() if d else None,
            }
        )
    sign = [c for c in candidates if c["kind"] == "sign_off"]
    chosen = sign[0] if sign else (candidates[0] if candidates else None)
    return {
        "published": chosen["printed"] if chosen else None,
        "published_date": chosen["date"] if chosen else None,
        "dates": candidates,
    }


def _header_date(head: str) -> str | None:
    """The date (and time of day) of the page header's 发布时间/发布日期/… field, as printed.

    The field starts a line (``发布时间：2009-01-13 17:09 | 来源：…``) or follows another header
    field on the same line (``来源：某某局时间：2017-01-18 15:57``, as web pages print it); a
    date range (统计时间：…至…) is not one.  Whatever follows the date and time is left out, so
    a saved page and its crawler export (``发布时间: 2009-01-13 17:09``) read the same.
    """
    for line in head.splitlines():
        for m in _HEADER_DATE.finditer(line):
            before = line[: m.start()]
            if before.strip() and not _HEADER_FIELD.search(before):
                continue
            if _RANGE_AFTER.match(line, m.end()):
                continue
            return collapse_ws(m["d"])
    return None


_NOT_A_DAY = frozenset("月份至到－-~～")


def sign_off_dates(text: str, body: str | None) -> list[dict[str, Any]]:
    """Dates printed right after the body's name (the sign-off, ``…交通与建设局 2015年2月4日``),
    also inside running crawler text where no line holds the date alone; impossible dates are
    kept with ``date`` None.

    >>> body = "平潭综合实验区交通与建设局"
    >>> sign_off_dates(f"附件 {body} 2015年2月30日 附件下载", body)[0]["date"] is None
    True
    """
    if not text or not body:
        return []
    key = SPACE_RUN.sub("", body)
    out = []
    for rx in (ARABIC_DATE, CHINESE_DATE):
        for m in rx.finditer(text):
            before = SPACE_RUN.sub("", text[max(0, m.start() - len(body) - 8) : m.start()])
            if not before.endswith(key):
                continue
            after = text[m.end() : m.end() + 1]
            if after in _NOT_A_DAY or before[: -len(key)].endswith("《"):
                continue  # 《…2016年1-12月预算执行情况》: a period inside a document name
            d = parse_date(m.group(0))
            out.append(
                {
                    "kind": "sign_off",
                    "printed": SPACE_RUN.sub("", m.group(0)),
                    "offset": m.start(),
                    "date": d.isoformat() if d else None,
                }
            )
    return out


def statistics_period(text: str) -> dict[str, Any] | None:
    m = _PERIOD.search(text)
    if not m:
        return None
    a, b = collapse_ws(m["a"]), collapse_ws(m["b"])
    if not _YEAR.search(b):
        y = _YEAR.search(a)
        b_full = f"{y['y']}年{b}" if y else b
    else:
        b_full = b
    da, db = parse_date(a), parse_date(b_full)
    return {
        "printed": collapse_ws(m.group(0)),
        "start": da.isoformat() if da else None,
        "end": db.isoformat() if db else None,
    }


SCOPES = ("own", "jurisdiction", "unknown")


def report_scope(text: str, level: str | None) -> tuple[str, str]:
    """What the report covers, with the evidence: ``jurisdiction`` when it states figures
    for the whole region (a government's summary of every body below it), ``own`` for a
    department (and a government's own office), else ``unknown``.  Comparing like with like
    needs it: a city-wide summary is not one body's own work.

    >>> report_scope("全市各级政府共受理政府信息公开申请456件。", "prefecture")[0]
    'jurisdiction'
    >>> report_scope("本机关共受理申请3件。", "department")[0]
    'own'
    """
    flat = re.sub(r"\s+", "", text)
    m = _SCOPE_WHOLE.search(flat)
    if m and level != "department":
        return "jurisdiction", m.group(0)[:40]
    if level == "department":
        return "own", "a department reports on its own work"
    return "unknown", "no figure stated for the whole region"


def _department_from_text(issuer: str, text: str, jur: Jurisdiction) -> Jurisdiction:
    """A body printed without its government (公安局, 财金局): the text usually names it
    in full elsewhere (来源：平潭县公安局).  The full name printed most often is used when it
    resolves to a department and no other full name is printed as often."""
    counts: dict[str, int] = {}
    flat = nfkc(text)
    for m in re.finditer(re.escape(issuer), flat):
        head = flat[max(0, m.start() - 12) : m.start()]
        for k in range(2, len(head) + 1):
            full = resolve_jurisdiction(head[-k:] + issuer)
            if full.level == "department" and full.code:
                counts[full.normalized] = counts.get(full.normalized, 0) + 1
                break
    if not counts:
        return jur
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return replace(
            jur,
            evidence=(
                *jur.evidence,
                "the text names it in full in more than one way equally often: "
                + ", ".join(n for n, _ in ranked[:3]),
            ),
        )
    name, n = ranked[0]
    full = resolve_jurisdiction(name)
    return replace(
        full,
        printed=issuer,
        evidence=(*full.evidence, f"printed {issuer!r}; the text names it {name!r} ({n}×)"),
    )


def extract_meta(doc: Document) -> dict[str, Any]:
    title = find_title(doc)
    year, year_evidence = find_year(title, doc.text)
    issuer = find_issuer(title) if title else None
    if not issuer:
        issuer = find_issuer(doc.text[:300])
    jur = resolve_jurisdiction(issuer or "")
    if issuer and jur.level == "other" and not jur.parent:
        jur = _department_from_text(issuer, doc.text, jur)
    pub = find_publication(doc, title)
    # sign-offs printed after the body's name that no line of their own shows (crawler text)
    known = {(c.get("printed"), c.get("date")) for c in pub["dates"]}
    dates = pub["dates"] + [
        c
        for c in sign_off_dates(doc.text, issuer)
        if (c["printed"], c["date"]) not in known
        and not any(c["date"] and c["date"] == k[1] for k in known)
    ]
    meta: dict[str, Any] = {
        "title": title,
        "jurisdiction": issuer,
        "jurisdiction_normalized": jur.normalized if issuer else None,
        "level": jur.level if issuer else None,
        "province": jur.province,
        "admin_code": jur.code,
        "parent": jur.parent,
        "jurisdiction_evidence": list(jur.evidence),
        "year": year,
        "year_evidence": year_evidence,
        "published": pub["published"],
        "published_date": pub["published_date"],
        "dates": dates,
        "statistics_period": statistics_period(doc.text),
    }
    meta["scope"], meta["scope_evidence"] = report_scope(doc.text, meta["level"])
    return meta
