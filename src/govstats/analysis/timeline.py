"""The time axis of the analyses: the years the table regimes changed, read from the layouts
(:func:`govstats.catalogue.layouts.regime_years`, where they are declared), and the day the
revised Regulations took effect, a legal date.

>>> regime_breaks()
(2014, 2019, 2021)
>>> RULE_CHANGE.isoformat(), MIXED_YEAR
('2019-05-15', 2019)
"""

from __future__ import annotations

import datetime as dt

from ..catalogue.layouts import regime_years

__all__ = ["MIXED_YEAR", "RULE_CHANGE", "labels", "regime_breaks"]

#: The revised Regulations on Government Information Disclosure (《中华人民共和国政府信息公开
#: 条例》, State Council Decree No. 711 of 3 April 2019, 国务院令第711号) took effect on this day
#: (自2019年5月15日起施行); annual reports for 2019 mix both sets of rules.
RULE_CHANGE = dt.date(2019, 5, 15)
#: the report year that mixes the old and the revised Regulations
MIXED_YEAR = RULE_CHANGE.year


def regime_breaks() -> tuple[int, ...]:
    """The first report year of each regime after the first (R1, R2, R3), from the layouts."""
    return tuple(first for first, _ in list(regime_years().values())[1:])


def labels() -> dict[str, tuple[str, str]]:
    """(zh, en) labels of the marks of the time axis: the mixed year and a regime break."""
    day = RULE_CHANGE
    return {
        "mixed_year": (f"{day.year} 新旧条例过渡年",
                       f"{day.year}: mixed year (new rules from {day.day} {day:%B})"),
        "regime_break": ("统计表格式变化", "Table format change"),
    }  # fmt: skip
