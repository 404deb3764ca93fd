"""Dates as printed in reports (2017年1月22日, 2022-02-08, 二○一四年一月十日) → ISO dates."""

from __future__ import annotations

import datetime as dt
import re

_CN_DIGITS = "〇○零一二三四五六七八九十"
ARABIC_DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*[年\-/.]\s*(?P<m>\d{1,2})\s*[月\-/.]\s*(?P<d>\d{1,2})\s*日?"
)
CHINESE_DATE = re.compile(
    rf"(?P<y>[{_CN_DIGITS}]{{4}})\s*年\s*(?P<m>[{_CN_DIGITS}]{{1,3}})\s*月\s*(?P<d>[{_CN_DIGITS}]{{1,3}})\s*日"
)


def cn_year(s: str) -> int:
    table = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")}
    table.update({"○": "0", "零": "0"})
    return int("".join(table[c] for c in s))


_CN_UNITS = {c: i for i, c in enumerate("一二三四五六七八九", start=1)}
# the common written forms of 1-99: 七, 十, 十二, 二十, 三十一
_CN_CANONICAL = re.compile(r"([一二三四五六七八九])?(十)?([一二三四五六七八九])?")


def _cn_small(s: str) -> int:
    """A month or day in Chinese numerals.  The common forms (一 … 九十九) are read here;
    anything else by cn2an, imported then (it is slow to import)."""
    m = _CN_CANONICAL.fullmatch(s)
    if m and s and (m[2] or not (m[1] and m[3])):
        tens = (_CN_UNITS[m[1]] if m[1] else 1) if m[2] else 0
        if m[1] and not m[2]:  # a single digit
            return _CN_UNITS[m[1]]
        return 10 * tens + (_CN_UNITS[m[3]] if m[3] else 0)
    import cn2an

    return int(cn2an.cn2an(s.replace("〇", "零").replace("○", "零"), "smart"))


def parse_date(printed: str) -> dt.date | None:
    """The date a printed string names, or None (also for impossible dates like 2月30日)."""
    m = ARABIC_DATE.search(printed)
    try:
        if m:
            return dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
        m = CHINESE_DATE.search(printed)
        if m:
            return dt.date(cn_year(m["y"]), _cn_small(m["m"]), _cn_small(m["d"]))
    except (ValueError, KeyError):
        return None
    return None


def find_dates(text: str) -> list[tuple[str, int]]:
    """Every printed date in ``text`` with its offset."""
    out = [(m.group(0).strip(), m.start()) for m in ARABIC_DATE.finditer(text)]
    out += [(m.group(0).strip(), m.start()) for m in CHINESE_DATE.finditer(text)]
    return sorted(out, key=lambda x: x[1])
