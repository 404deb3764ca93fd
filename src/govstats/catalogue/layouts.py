"""Table layouts of each regime, read from ``layouts/*.yaml``.

A layout says, for every table of a regime, which printed row labels and column headers
exist and which indicator each cell is.  Adding a layout is a data change: a YAML file (or
more synonyms in one) plus a fixture.  Every code a layout can produce is checked against
``catalogue/indicators.csv`` at load time; a mistake names the file and the entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any

from ..errors import ConfigError
from ..normalize import nfkc, normalize_label
from ..yamlio import load_yaml
from .indicators import APPLICANTS, catalogue

__all__ = [
    "ColumnSpec", "Layout", "RowSpec", "Synonyms", "TableSpec", "layout_for", "layouts",
    "regime_years", "regimes",
]

@dataclass(frozen=True)
class Synonyms:
    """Printed variants of one label, pre-normalised for matching."""

    plain: tuple[str, ...]  # compared with parenthesised notes removed
    exact: tuple[str, ...]  # variants that carry brackets, compared with brackets kept
    patterns: tuple[re.Pattern[str], ...] = ()

    @classmethod
    def build(cls, labels: list[str], patterns: list[str] | None = None) -> Synonyms:
        plain, exact = [], []
        for lab in labels:
            if re.search(r"[(（\[【]", nfkc(lab)):
                exact.append(normalize_label(lab, keep_parens=True))
                plain.append(normalize_label(lab))
            else:
                plain.append(normalize_label(lab))
        pats = tuple(re.compile(p) for p in (patterns or []))
        # longest first: a longer synonym is a more specific match
        return cls(
            tuple(sorted(dict.fromkeys(plain), key=len, reverse=True)),  # ties: YAML order
            tuple(sorted(dict.fromkeys(exact), key=len, reverse=True)),
            pats,
        )

    def equals(self, plain: str, exact: str) -> str | None:
        """The synonym the whole label equals, if any."""
        return self.rank(plain, exact)[1]

    def rank(self, plain: str, exact: str) -> tuple[int, str | None]:
        """(2, synonym) for a match with brackets kept, (1, synonym) without, (0, None)."""
        for s in self.exact:
            if exact == s:
                return 2, s
        for s in self.plain:
            if plain == s:
                return (2 if plain == exact else 1), s
        for p in self.patterns:
            if p.search(plain):
                return 1, plain
        return 0, None

    def suffix(self, plain: str, exact: str) -> str | None:
        """The longest synonym the label ends with (stream labels carry text before them)."""
        best: str | None = None
        for s in self.exact:
            if exact.endswith(s) and (best is None or len(s) > len(best)):
                best = s
        for s in self.plain:
            if plain.endswith(s) and (best is None or len(s) > len(best)):
                best = s
        return best

    def within(self, plain: str) -> int:
        """Position of the first synonym found inside ``plain`` (-1 when none)."""
        hits = [plain.find(s) for s in self.plain if s and s in plain]
        return min(hits) if hits else -1


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    labels: Synonyms
    group: Synonyms | None = None
    suffix: str = ""
    applicant: str | None = None
    code: str | None = None
    unit: str | None = None
    role: str = "value"  # value | unit | label


@dataclass(frozen=True)
class RowSpec:
    code: str
    labels: Synonyms
    under: str | None = None
    header: bool = False
    section: bool = False
    order: int = 0


@dataclass(frozen=True)
class TableSpec:
    id: str
    title: str
    kind: str  # "list" (label | unit | value…) or "matrix"
    columns: tuple[ColumnSpec, ...]
    rows: tuple[RowSpec, ...]
    label_columns: Synonyms | None = None
    unit_columns: Synonyms | None = None

    @cached_property  # asked for in every loop over a table's cells; the spec never changes
    def value_columns(self) -> tuple[ColumnSpec, ...]:
        return tuple(c for c in self.columns if c.role == "value")

    @cached_property
    def group_names(self) -> frozenset[str]:
        """The group names of its value columns (行政复议, 行政诉讼…), normalised: what a
        heading of a table without row labels is recognised by."""
        return frozenset(g for c in self.value_columns if c.group for g in c.group.plain)

    @cached_property
    def column_label_chars(self) -> tuple[frozenset[str], ...]:
        """The characters of each value column's first label (a heading a converter tore
        into columns of characters still holds them all)."""
        return tuple(frozenset(c.labels.plain[0]) for c in self.value_columns if c.labels.plain)

    def indicator(self, row: RowSpec | None, col: ColumnSpec) -> tuple[str, str]:
        """(indicator code, applicant) of the cell at ``row`` × ``col``."""
        if col.code:
            return col.code, "total"
        assert row is not None
        return row.code + col.suffix, col.applicant or "total"


@dataclass(frozen=True)
class Layout:
    regime: str
    name: str
    evidence: tuple[str, ...]
    tables: tuple[TableSpec, ...]
    source: str = ""
    years: tuple[int, int] = (0, 9999)  # report years the form was in force (tie-break only)
    all_rows: tuple[tuple[TableSpec, RowSpec], ...] = field(default=(), repr=False)


_ALLOWED_TABLE_KEYS = {"id", "title", "kind", "columns", "rows", "label_columns", "unit_columns"}
_ALLOWED_ROW_KEYS = {"code", "labels", "under", "header", "section"}
_ALLOWED_COL_KEYS = {"key", "labels", "group", "suffix", "applicant", "code", "unit", "patterns"}


def _check_keys(d: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = set(d) - allowed
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(allowed)}")


def _load_layout(name: str, text: str) -> Layout:
    data = load_yaml(text)
    cat = catalogue()
    tables: list[TableSpec] = []
    for t in data.get("tables", []):
        where = f"layouts/{name} table {t.get('id')!r}"
        _check_keys(t, _ALLOWED_TABLE_KEYS, where)
        cols = []
        for c in t.get("columns", []):
            _check_keys(c, _ALLOWED_COL_KEYS, f"{where} column {c.get('key')!r}")
            if c.get("applicant") and c["applicant"] not in APPLICANTS:
                raise ConfigError(f"{where}: applicant must be one of {APPLICANTS}")
            cols.append(
                ColumnSpec(
                    key=c["key"],
                    labels=Synonyms.build(c.get("labels", []), c.get("patterns")),
                    group=Synonyms.build(c["group"]) if c.get("group") else None,
                    suffix=c.get("suffix", ""),
                    applicant=c.get("applicant"),
                    code=c.get("code"),
                    unit=c.get("unit"),
                )
            )
        rows = []
        for k, r in enumerate(t.get("rows", [])):
            _check_keys(r, _ALLOWED_ROW_KEYS, f"{where} row {r.get('code')!r}")
            rows.append(
                RowSpec(
                    code=r["code"],
                    labels=Synonyms.build(r["labels"]),
                    under=r.get("under"),
                    header=bool(r.get("header")),
                    section=bool(r.get("section")),
                    order=k,
                )
            )
        spec = TableSpec(
            id=t["id"],
            title=t.get("title", ""),
            kind=t.get("kind", "matrix"),
            columns=tuple(cols),
            rows=tuple(rows),
            label_columns=Synonyms.build(t["label_columns"]) if t.get("label_columns") else None,
            unit_columns=Synonyms.build(t["unit_columns"]) if t.get("unit_columns") else None,
        )
        # every producible code must be in the catalogue
        for col in spec.value_columns:
            if col.code:
                if col.code not in cat:
                    raise ConfigError(f"{where}: column code {col.code!r} not in the catalogue")
                continue
            for row in spec.rows:
                if row.header or row.code.startswith("_"):
                    continue
                code, _ = spec.indicator(row, col)
                if code not in cat:
                    raise ConfigError(
                        f"{where}: row {row.code!r} × column {col.key!r} gives "
                        f"{code!r}, which is not in the catalogue"
                    )
        tables.append(spec)
    all_rows = tuple((t, r) for t in tables for r in t.rows)
    return Layout(
        regime=data["regime"],
        name=data.get("name", ""),
        evidence=tuple(normalize_label(e) for e in data.get("evidence", [])),
        years=(int(data.get("years", [0, 9999])[0]), int(data.get("years", [0, 9999])[1])),
        tables=tuple(tables),
        source=f"layouts/{name}",
        all_rows=all_rows,
    )


@lru_cache(maxsize=1)
def layouts() -> tuple[Layout, ...]:
    """Every bundled layout, validated against the catalogue."""
    out = []
    folder = resources.files("govstats").joinpath("layouts")
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".yaml"):
            out.append(_load_layout(entry.name, entry.read_text("utf-8")))
    return tuple(out)


def layout_for(regime: str) -> tuple[Layout, ...]:
    return tuple(lay for lay in layouts() if lay.regime == regime)


@lru_cache(maxsize=1)
def regime_years() -> dict[str, tuple[int, int]]:
    """Every regime and the report years its form was in force, from the layouts (the one
    place they are declared): ``{"R0": (2008, 2013), "R1": (2014, 2018), …}``, in order.
    Layouts of one regime widen its span."""
    spans: dict[str, tuple[int, int]] = {}
    for lay in layouts():
        lo, hi = spans.get(lay.regime, lay.years)
        spans[lay.regime] = (min(lo, lay.years[0]), max(hi, lay.years[1]))
    return dict(sorted(spans.items()))


def regimes() -> tuple[str, ...]:
    """The regime codes, in order (``R0`` … ``R3``)."""
    return tuple(regime_years())
