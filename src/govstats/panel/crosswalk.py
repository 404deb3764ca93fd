"""The crosswalk from each regime's indicators to harmonized concepts (``catalogue/crosswalk.csv``).

The forms changed from regime to regime (R0 → R1 → R2 → R3; the regimes and their years are
the layouts', :func:`govstats.catalogue.layouts.regime_years`).  Every (regime, indicator)
the layouts can emit has one crosswalk row naming the harmonized ``concept`` it measures and
how well it measures it, relative to the definition of the current national form:

* ``same`` — the same definition (or a concept only one regime prints, whose series is
  consistent within that regime; the caveat then says which regime prints it);
* ``comparable-with-caveat`` — the same quantity under a different definition or layout (R1
  被依法纠错数 vs R2/R3 结果纠正; R1 has no 尚未审结 column; R2 其他处理 is one row, R3 three);
* ``not-comparable`` — linked to the concept for reference but a different quantity (R0
  历年累计 cumulative twins of annual rows).  Concept views leave these out.

>>> from govstats.panel.crosswalk import link
>>> link("R1", "review.corrected").comparability
'comparable-with-caveat'
>>> link("R0", "requests.new.cumulative").comparability
'not-comparable'
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..catalogue.indicators import catalogue
from ..catalogue.layouts import layouts, regimes
from ..errors import ConfigError

__all__ = [
    "COMPARABILITY",
    "Link",
    "check_coverage",
    "crosswalk",
    "emittable_codes",
    "link",
]

COMPARABILITY = ("same", "comparable-with-caveat", "not-comparable")
_COLUMNS = ["regime", "indicator", "concept", "comparability", "caveat_en", "caveat_zh"]
_FILE = "catalogue/crosswalk.csv"


@dataclass(frozen=True)
class Link:
    """One crosswalk row: ``indicator`` of ``regime`` measures ``concept``."""

    regime: str
    indicator: str
    concept: str
    comparability: str
    caveat_en: str
    caveat_zh: str


@lru_cache(maxsize=1)
def crosswalk() -> dict[tuple[str, str], Link]:
    """Every crosswalk row, keyed by (regime, indicator); checked on load.

    Raises :class:`~govstats.errors.ConfigError` naming the line when a code is not in the
    catalogue, a comparability flag or regime is unknown, a row is duplicated, or two
    indicators of one regime claim the same concept as comparable.
    """
    text = resources.files("govstats").joinpath(_FILE).read_text("utf-8")
    return _parse(text, _FILE)


def _parse(text: str, where: str) -> dict[tuple[str, str], Link]:
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames != _COLUMNS:
        raise ConfigError(f"{where}: header must be {','.join(_COLUMNS)}, got {reader.fieldnames}")
    cat = catalogue()
    out: dict[tuple[str, str], Link] = {}
    claimed: dict[tuple[str, str], str] = {}
    known = regimes()
    for i, row in enumerate(reader, start=2):
        link = Link(**{k: (row[k] or "").strip() for k in _COLUMNS})
        if link.regime not in known:
            raise ConfigError(f"{where} line {i}: regime {link.regime!r} not one of {known}")
        if link.indicator not in cat:
            raise ConfigError(
                f"{where} line {i}: indicator {link.indicator!r} is not in catalogue/indicators.csv"
            )
        base = link.concept
        if base not in cat:
            raise ConfigError(
                f"{where} line {i}: concept {base!r} is not a code of catalogue/indicators.csv"
            )
        if link.comparability not in COMPARABILITY:
            raise ConfigError(
                f"{where} line {i}: comparability {link.comparability!r} not one of {COMPARABILITY}"
            )
        if link.comparability != "same" and not (link.caveat_en and link.caveat_zh):
            raise ConfigError(f"{where} line {i}: a {link.comparability} link needs both caveats")
        key = (link.regime, link.indicator)
        if key in out:
            raise ConfigError(f"{where} line {i}: duplicate row for {key}")
        if link.comparability != "not-comparable":
            other = claimed.get((link.regime, link.concept))
            if other:
                raise ConfigError(
                    f"{where} line {i}: {link.indicator!r} and {other!r} of {link.regime} both "
                    f"claim concept {link.concept!r} as comparable"
                )
            claimed[(link.regime, link.concept)] = link.indicator
        out[key] = link
    return out


def link(regime: str | None, indicator: str) -> Link | None:
    """The crosswalk row of ``indicator`` printed under ``regime`` (None when not covered)."""
    if regime is None:
        return None
    return crosswalk().get((regime, indicator))


@lru_cache(maxsize=1)
def emittable_codes() -> dict[str, frozenset[str]]:
    """Regime → every indicator code its layouts (and derivation rules) can produce."""
    from ..parse.derive import derivations

    out: dict[str, set[str]] = {}
    for lay in layouts():
        codes = out.setdefault(lay.regime, set())
        for table in lay.tables:
            for col in table.value_columns:
                if col.code:
                    codes.add(col.code)
                    continue
                for row in table.rows:
                    if not (row.header or row.code.startswith("_")):
                        codes.add(table.indicator(row, col)[0])
    for d in derivations():
        for regime in d["regimes"]:
            out.setdefault(regime, set()).add(d["target"])
    return {k: frozenset(v) for k, v in out.items()}


def check_coverage() -> None:
    """Raise :class:`ConfigError` listing (regime, code) pairs the layouts can emit but the
    crosswalk does not cover, or crosswalk rows no layout can emit."""
    cw = crosswalk()
    emit = {(r, c) for r, codes in emittable_codes().items() for c in codes}
    missing = sorted(emit - set(cw))
    extra = sorted(set(cw) - emit)
    if missing or extra:
        raise ConfigError(
            f"{_FILE}: not covered {missing[:10]}{'…' if len(missing) > 10 else ''}; "
            f"never emitted {extra[:10]}{'…' if len(extra) > 10 else ''}"
        )
