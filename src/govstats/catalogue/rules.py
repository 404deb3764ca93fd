"""Accounting identities of the regimes, read from ``rules/identities.yaml``.

The same identities serve two stages: the digit splitter (only those marked ``split``, which
the form itself defines) and validation.  An identity is used only when every cell it needs
is present: a relation over a partial table could pick a wrong split.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from ..errors import ConfigError
from ..parse.digits import Relation
from .indicators import APPLICANTS, catalogue
from .layouts import TableSpec


@dataclass(frozen=True)
class Identity:
    id: str
    regimes: tuple[str, ...]
    kind: str  # "sum" | "applicant_sum" | "cumulative_le"
    left: tuple[str, ...]
    right: tuple[str, ...]
    op: str
    applicants: str  # "total" | "each"
    split: bool
    severity: str
    zh: str
    en: str
    parents: tuple[str, ...] = ()


_KEYS = {
    "id",
    "regimes",
    "kind",
    "left",
    "right",
    "op",
    "applicants",
    "split",
    "severity",
    "zh",
    "en",
    "tolerance",
    "parents",
}


@lru_cache(maxsize=1)
def identities() -> tuple[Identity, ...]:
    text = resources.files("govstats").joinpath("rules/identities.yaml").read_text("utf-8")
    out = []
    cat = catalogue()
    for k, d in enumerate(yaml.safe_load(text) or []):
        where = f"rules/identities.yaml entry {k + 1} ({d.get('id')!r})"
        unknown = set(d) - _KEYS
        if unknown:
            raise ConfigError(f"{where}: unknown key(s) {sorted(unknown)}")
        for code in list(d.get("left", [])) + list(d.get("right", [])):
            base = code.removesuffix(".*")
            if base not in cat:
                raise ConfigError(f"{where}: {code!r} is not in the catalogue")
        if d.get("op", "=") not in ("=", "<=", ">="):
            raise ConfigError(f"{where}: op must be one of =, <=, >=")
        out.append(
            Identity(
                id=d["id"],
                regimes=tuple(d["regimes"]),
                kind=d.get("kind", "sum"),
                left=tuple(d.get("left", [])),
                right=tuple(d.get("right", [])),
                op=d.get("op", "="),
                applicants=d.get("applicants", "total"),
                split=bool(d.get("split")),
                severity=d.get("severity", "error"),
                zh=d.get("zh", ""),
                en=d.get("en", ""),
                parents=tuple(d.get("parents", [])),
            )
        )
    return tuple(out)


def _expand(codes: tuple[str, ...], spec: TableSpec, table_codes: set[str]) -> list[str] | None:
    """Codes with ``X.*`` replaced by the layout's rows directly under X.

    None when X has no such rows or when one of them was not found in the report (a sum over
    a partial set of rows would be wrong).
    """
    cat = catalogue()
    out: list[str] = []
    for code in codes:
        if code.endswith(".*"):
            base = code[:-2]
            kids = [r.code for r in spec.rows if cat.get(r.code) and cat[r.code].parent == base]
            if not kids or any(k not in table_codes for k in kids):
                return None
            out.extend(kids)
        else:
            out.append(code)
    return out


def split_relations(
    regime: str, spec: TableSpec, index: dict[tuple[str, str], int]
) -> list[Relation]:
    """Relations over the cells ``index`` ((code, applicant) → global cell) of one table.

    Only identities whose every cell is in ``index`` are returned.
    """
    table_codes = {code for code, _ in index}
    rels: list[Relation] = []
    for ident in identities():
        if not ident.split or regime not in ident.regimes:
            continue
        if ident.kind == "applicant_sum":
            for code in sorted(table_codes):
                cells = [index.get((code, a)) for a in APPLICANTS]
                if all(c is not None for c in cells):
                    parts = [c for c in cells[:-1] if c is not None]
                    total = cells[-1]
                    assert total is not None
                    rels.append(
                        Relation(
                            (*tuple((p, 1) for p in parts), (total, -1)),
                            "=",
                            0,
                            f"{ident.id}:{code}",
                        )
                    )
            continue
        if ident.kind == "cumulative_le":
            for code in sorted(table_codes):
                cum = index.get((code + ".cumulative", "total"))
                cur = index.get((code, "total"))
                if cum is not None and cur is not None:
                    rels.append(Relation(((cur, 1), (cum, -1)), "<=", 0, f"{ident.id}:{code}"))
            continue
        if ident.kind == "part_le_parent":
            cat = catalogue()
            for parent in ident.parents:
                kids = [c for c in table_codes if cat.get(c) and cat[c].parent == parent]
                for suffix in ("", ".cumulative"):
                    p_cell = index.get((parent + suffix, "total"))
                    for kid in sorted(kids):
                        k_cell = index.get((kid + suffix, "total"))
                        if p_cell is not None and k_cell is not None:
                            rels.append(
                                Relation(
                                    ((k_cell, 1), (p_cell, -1)),
                                    "<=",
                                    0,
                                    f"{ident.id}:{kid}{suffix}",
                                )
                            )
            continue
        left = _expand(ident.left, spec, table_codes)
        right = _expand(ident.right, spec, table_codes)
        if left is None or right is None:
            continue
        # every expected row of the table must be present for the identity to be usable
        expected_rows = {r.code for r in spec.rows if not r.header and not r.code.startswith("_")}
        for code in left + right:
            if code not in table_codes and code in expected_rows:
                break
        else:
            applicants = APPLICANTS if ident.applicants == "each" else ("total",)
            for a in applicants:
                terms = [(index.get((c, a)), 1) for c in left] + [
                    (index.get((c, a)), -1) for c in right
                ]
                if any(t is None for t, _ in terms):
                    continue
                rels.append(
                    Relation(
                        tuple((t, w) for t, w in terms if t is not None),
                        ident.op,
                        0,
                        f"{ident.id}[{a}]",
                    )
                )
    return rels
