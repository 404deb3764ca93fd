"""The indicator catalogue (``catalogue/indicators.csv``): every code a report's tables can
give, with its Chinese and English label, unit, parent (for sums) and the regimes that print
it.  R0 rows get a ``.cumulative`` twin for the 历年累计 column.  Labels of indicators are
declared here and nowhere else."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..errors import ConfigError

APPLICANTS = (
    "natural_person",
    "commercial",
    "research",
    "social_welfare",
    "legal_service",
    "other_org",
    "total",
)


@dataclass(frozen=True)
class Indicator:
    code: str
    label_zh: str
    label_en: str
    unit: str | None
    parent: str | None
    regimes: tuple[str, ...]
    note: str = ""
    # a short label for figures' legends and axes, where the full one is a form's long row
    # title (同意公开答复数 → 予以公开); empty when the full label is short enough
    short_zh: str = ""
    short_en: str = ""

    def short(self, lang: str = "zh") -> str:
        """The short label in ``lang`` ("zh" or "en"), else the full one."""
        if lang == "en":
            return self.short_en or self.label_en
        return self.short_zh or self.label_zh


@lru_cache(maxsize=1)
def catalogue() -> dict[str, Indicator]:
    """The indicator catalogue: code → :class:`Indicator` (incl. R0 ``.cumulative`` twins)."""
    out: dict[str, Indicator] = {}
    text = resources.files("govstats").joinpath("catalogue/indicators.csv").read_text("utf-8")
    for i, row in enumerate(csv.DictReader(text.splitlines()), start=2):
        code = row["code"].strip()
        if not re.fullmatch(r"[a-z_]+(\.[a-z_]+)*", code):
            raise ConfigError(f"catalogue/indicators.csv line {i}: bad code {code!r}")
        if code in out:
            raise ConfigError(f"catalogue/indicators.csv line {i}: duplicate code {code!r}")
        ind = Indicator(
            code,
            row["label_zh"],
            row["label_en"],
            row["unit"] or None,
            row["parent"] or None,
            tuple(row["regimes"].split()),
            row.get("note", ""),
            row.get("short_zh", ""),
            row.get("short_en", ""),
        )
        out[code] = ind
        if "R0" in ind.regimes:
            cum = f"{code}.cumulative"
            out[cum] = Indicator(
                cum,
                f"{ind.label_zh}（历年累计）",
                f"{ind.label_en}, cumulative",
                ind.unit,
                None,
                ("R0",),
                "R0 历年累计 column: cumulative since the series began",
            )
    for ind in out.values():
        if ind.parent and ind.parent not in out:
            raise ConfigError(f"catalogue: {ind.code} has unknown parent {ind.parent!r}")
    return out
