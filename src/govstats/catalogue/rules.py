"""The rules as data, one model and one loader: the forms' accounting identities
(``rules/identities.yaml``), the validation checks (``rules/checks.yaml``) and the derived
sums (``rules/derived.yaml``).

The identities serve two stages: the digit splitter (those marked ``split``, which the form
itself defines: :func:`split_relations`) and validation (:func:`checks`, every identity not
marked ``validate: false``, then every check).  An identity is used only when every cell it
needs is present: a relation over a partial table could pick a wrong split.

Every entry is validated on load: its keys (per kind), indicator codes (against the
catalogue), regimes (against the layouts), op, kind and severity; a mistake raises
:class:`~govstats.errors.ConfigError` naming the file and the entry.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from ..errors import ConfigError
from ..parse.digits import Relation
from ..yamlio import load_yaml
from .indicators import APPLICANTS, catalogue
from .layouts import TableSpec, regimes

SEVERITIES = ("error", "warning", "info")
OPS = ("=", "<=", ">=")
YEARS = (0, -1)  # a term's report: this year's (0) or last year's (-1), in cross-report rules

# every kind, and the keys an entry of that kind may have besides the common ones
_COMMON_KEYS = {"id", "kind", "regimes", "severity", "zh", "en"}
KINDS: dict[str, frozenset[str]] = {
    k: frozenset(v)
    for k, v in {
        # sum(left) <op> sum(right) within one report
        "sum": {"left", "right", "op", "applicants", "partial", "suffixes", "tolerance"},
        "applicant_sum": set(),
        "part_le_parent": {"parents", "suffixes"},
        "cumulative_le": set(),
        "text_table": {"crosswalk", "crosswalk_by_regime"},
        "date_impossible": set(),
        "date_before_period_end": set(),
        "date_late": {"max_days"},
        "date_signed_after_published": set(),
        "date_title_period": set(),
        "structure_missing": {"tables", "rows"},
        "structure_blank_total": set(),
        "structure_outdated": {"lenient"},  # a form's years are those of its layout
        # sum(coef * cell) of this year's and last year's report: left <op> right
        "xr_linear": {"left", "right", "op", "tolerance", "each", "expected"},
        "xr_duplicate": {"min_nonzero", "min_shared"},
        "xr_copied_table": {"min_nonzero", "min_distinct"},
        "xr_jump": {"indicators", "ratio", "min_abs"},
    }.items()
}
# the kinds the digit splitter understands, and the keys only identities.yaml has
IDENTITY_KINDS = ("sum", "applicant_sum", "cumulative_le", "part_le_parent")
_IDENTITY_KEYS = {"split", "validate"}
# kind-specific keys kept in ``Rule.params``
_PARAM_KEYS = (
    "tables",
    "rows",
    "max_days",
    "indicators",
    "ratio",
    "min_abs",
    "min_nonzero",
    "min_shared",
    "lenient",
    "crosswalk",
    "crosswalk_by_regime",
    "each",
    "expected",
)
_TERM_KEYS = {"code", "year", "coef"}
_DERIVED_KEYS = {"id", "regimes", "target", "parts", "applicants"}


@dataclass(frozen=True)
class Term:
    """One cell of a relation: ``coef`` × the value of ``code``, in this year's report
    (``year`` 0) or last year's (``year`` -1, cross-report rules only).  A code ending in
    ``.*`` means the children of the code; ``{x}`` stands for each value of ``each``."""

    code: str
    year: int = 0
    coef: float = 1


@dataclass(frozen=True)
class Rule:
    """One rule: an identity of ``identities.yaml`` or a check of ``checks.yaml``.

    ``left``/``right`` are the two sides of a relation (``sum``, ``xr_linear``), ``parents``
    the totals of ``part_le_parent``; ``split`` lets the digit splitter use an identity,
    ``validate`` lets validation check it.  Keys only one kind reads are in ``params``.
    """

    id: str
    kind: str
    severity: str
    zh: str
    en: str
    regimes: tuple[str, ...] | None = None  # None: every regime
    left: tuple[Term, ...] = ()
    right: tuple[Term, ...] = ()
    op: str = "="
    applicants: str = "total"  # "total" | "each" (every applicant column of table 三)
    partial: bool = False
    suffixes: tuple[str, ...] = ("",)
    tolerance: float = 0
    parents: tuple[str, ...] = ()
    split: bool = False
    validate: bool = True
    source: str = ""  # "rules/<file> entry <n> (<id>)"
    params: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def applies(self, regime: str | None) -> bool:
        return self.regimes is None or regime in self.regimes

    @property
    def left_codes(self) -> tuple[str, ...]:
        return tuple(t.code for t in self.left)

    @property
    def right_codes(self) -> tuple[str, ...]:
        return tuple(t.code for t in self.right)


# ---------------------------------------------------------------------------- validation


def _entries(name: str, text: str | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, entry) of ``rules/<name>`` (or of ``text`` given as its content), a YAML list
    of mappings."""
    path = f"rules/{name}"
    if text is None:
        text = resources.files("govstats").joinpath(path).read_text("utf-8")
    try:
        data = load_yaml(text)
    except yaml.YAMLError as e:
        raise ConfigError(f"{path}: not valid YAML: {e}") from e
    if data is None:
        return
    if not isinstance(data, list):
        raise ConfigError(f"{path}: must be a list of entries")
    for k, d in enumerate(data):
        if not isinstance(d, dict):
            raise ConfigError(f"{path} entry {k + 1}: must be a mapping, not {d!r}")
        yield f"{path} entry {k + 1} ({d.get('id')!r})", d


def _keys(
    d: Mapping[str, Any], allowed: Iterable[str], where: str, required: Iterable[str]
) -> None:
    unknown = set(d) - set(allowed)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(allowed)}")
    missing = [k for k in required if k not in d]
    if missing:
        raise ConfigError(f"{where}: missing key(s) {missing}")


def _choice(value: Any, allowed: Iterable[Any], what: str, where: str) -> Any:
    allowed = tuple(allowed)
    if isinstance(value, bool) or value not in allowed:
        raise ConfigError(f"{where}: {what} must be one of {', '.join(map(str, allowed))}")
    return value


def _number(value: Any, what: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ConfigError(f"{where}: {what} must be a number ≥ 0, not {value!r}")
    return value


def _code(code: Any, where: str, *, children: bool = False) -> str:
    """``code`` if the catalogue has it (``X.*``, the children of X, when ``children``)."""
    if not isinstance(code, str):
        raise ConfigError(f"{where}: {code!r} is not an indicator code")
    if (code.removesuffix(".*") if children else code) not in catalogue():
        raise ConfigError(f"{where}: {code!r} is not in the catalogue")
    return code


def _codes(value: Any, what: str, where: str, *, children: bool = False) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise ConfigError(f"{where}: {what} must be a non-empty list of indicator codes")
    return tuple(_code(c, where, children=children) for c in value)


def _regimes(value: Any, where: str) -> tuple[str, ...]:
    known = regimes()
    if not isinstance(value, list) or not value:
        raise ConfigError(f"{where}: regimes must be a non-empty list of {', '.join(known)}")
    for r in value:
        if r not in known:
            raise ConfigError(f"{where}: unknown regime {r!r}; the layouts have {', '.join(known)}")
    return tuple(value)


def _regime_map(value: Any, what: str, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: {what} must map regimes to values")
    _regimes(list(value), f"{where}: {what}")
    return value


def _span(value: Any, what: str, where: str) -> None:
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(y, int) and not isinstance(y, bool) for y in value)
        or value[0] > value[1]
    ):
        raise ConfigError(f"{where}: {what} must be [first year, last year], not {value!r}")


def each_pattern(pattern: str) -> re.Pattern[str]:
    """The codes ``pattern`` (one ``{x}``, e.g. ``{x}.cumulative``) matches; group 1 is x."""
    return re.compile("(.+)".join(re.escape(p) for p in pattern.split("{x}")))


def _each(value: Any, where: str) -> list[str]:
    """The values ``{x}`` takes (for an ``{printed: pattern}``: every catalogue code's x)."""
    if isinstance(value, dict):
        _keys(value, {"printed"}, f"{where}: each", ("printed",))
        pattern = value["printed"]
        if not isinstance(pattern, str) or pattern.count("{x}") != 1:
            raise ConfigError(f"{where}: each: printed must be a code pattern with one {{x}}")
        rx = each_pattern(pattern)
        xs = [m.group(1) for code in catalogue() if (m := rx.fullmatch(code))]
        if not xs:
            raise ConfigError(f"{where}: each: no catalogue code matches {pattern!r}")
        return xs
    if not isinstance(value, list) or not value or not all(isinstance(x, str) for x in value):
        raise ConfigError(f"{where}: each must be a list of codes or {{printed: pattern}}")
    return list(value)


def _terms(value: Any, side: str, where: str, *, linear: bool) -> tuple[Term, ...]:
    """The terms of one side: codes, or (``xr_linear``) ``{code, year, coef}`` mappings."""
    if not isinstance(value, list) or not value:
        raise ConfigError(f"{where}: {side} must be a non-empty list of terms")
    out = []
    for t in value:
        t = {"code": t} if isinstance(t, str) else t
        if not isinstance(t, dict):
            raise ConfigError(f"{where}: {side}: a term is a code or {{code, year, coef}}")
        _keys(t, _TERM_KEYS, f"{where}: {side} term {t.get('code')!r}", ("code",))
        code, year, coef = t["code"], t.get("year", 0), t.get("coef", 1)
        if not isinstance(code, str):
            raise ConfigError(f"{where}: {side}: {code!r} is not an indicator code")
        if not linear and (year != 0 or coef != 1):
            raise ConfigError(f"{where}: {side}: year and coef are for kind xr_linear only")
        _choice(year, YEARS, f"{side} {code}: year", where)
        if isinstance(coef, bool) or not isinstance(coef, (int, float)) or coef == 0:
            raise ConfigError(f"{where}: {side} {code}: coef must be a non-zero number")
        out.append(Term(code, year, coef))
    return tuple(out)


def parse_rule(d: Mapping[str, Any], where: str, *, identity: bool = False) -> Rule:
    """The :class:`Rule` of one YAML entry, validated (``identity``: of identities.yaml)."""
    kind = d.get("kind", "sum")
    kinds = IDENTITY_KINDS if identity else tuple(KINDS)
    if kind not in kinds:
        raise ConfigError(f"{where}: unknown kind {kind!r}; one of {', '.join(kinds)}")
    required = ["id", "zh", "en"]
    if identity:
        required.append("regimes")
    if kind in ("sum", "xr_linear"):
        required += ["left", "right"]
    required += {"part_le_parent": ["parents"], "xr_linear": ["expected"]}.get(kind, [])
    allowed = _COMMON_KEYS | KINDS[kind] | (_IDENTITY_KEYS if identity else set())
    _keys(d, allowed, where, required)
    for key in ("id", "zh", "en"):
        if not isinstance(d[key], str) or not d[key]:
            raise ConfigError(f"{where}: {key} must be a non-empty string")
    severity = _choice(d.get("severity", "error"), SEVERITIES, "severity", where)
    op = _choice(d.get("op", "="), OPS, "op", where)
    applicants = _choice(d.get("applicants", "total"), ("total", "each"), "applicants", where)
    for key in ("partial", "split", "validate"):
        if key in d and not isinstance(d[key], bool):
            raise ConfigError(f"{where}: {key} must be true or false")
    suffixes = d.get("suffixes", [""])
    if not isinstance(suffixes, list) or not all(
        isinstance(s, str) and (s == "" or s.startswith(".")) for s in suffixes
    ):
        raise ConfigError(f"{where}: suffixes must be a list like ['', '.cumulative']")
    linear = kind == "xr_linear"
    left = _terms(d["left"], "left", where, linear=linear) if "left" in d else ()
    right = _terms(d["right"], "right", where, linear=linear) if "right" in d else ()
    if linear:
        xs = _each(d["each"], where) if "each" in d else [None]
        for x in xs:
            for t in (*left, *right):
                if x is None and "{x}" in t.code:
                    raise ConfigError(f"{where}: {t.code!r} has {{x}} but the rule has no each")
                _code(t.code if x is None else t.code.replace("{x}", x), where)
        expected = d["expected"]
        try:
            ok = isinstance(expected, str) and expected.format(x="x", year=1, prev_year=0)
        except (AttributeError, KeyError, IndexError, ValueError):
            ok = False
        if not ok:
            raise ConfigError(
                f"{where}: expected must be a text with only {{x}}, {{year}}, {{prev_year}}"
            )
    else:
        for t in (*left, *right):
            _code(t.code, where, children=True)
    parents = _codes(d["parents"], "parents", where) if "parents" in d else ()
    for key in ("rows", "indicators"):
        if key in d:
            _codes(d[key], key, where)
    if "tables" in d and (
        not isinstance(d["tables"], list) or not all(isinstance(t, str) for t in d["tables"])
    ):
        raise ConfigError(f"{where}: tables must be a list of table ids")
    for key in ("max_days", "ratio", "min_abs", "min_nonzero", "min_shared", "tolerance"):
        if key in d:
            _number(d[key], key, where)
    if "lenient" in d:
        for regime, span in _regime_map(d["lenient"], "lenient", where).items():
            _span(span, f"lenient {regime}", where)
    crosswalks = [d.get("crosswalk") or {}]
    if "crosswalk_by_regime" in d:
        crosswalks += _regime_map(d["crosswalk_by_regime"], "crosswalk_by_regime", where).values()
    for cross in crosswalks:
        if not isinstance(cross, dict):
            raise ConfigError(f"{where}: a crosswalk maps a narrative concept to table codes")
        for concept, cells in cross.items():
            _codes(cells, f"crosswalk {concept}", where)
    return Rule(
        id=d["id"],
        kind=kind,
        severity=severity,
        zh=d["zh"],
        en=d["en"],
        regimes=_regimes(d["regimes"], where) if "regimes" in d else None,
        left=left,
        right=right,
        op=op,
        applicants=applicants,
        partial=d.get("partial", False),
        suffixes=tuple(suffixes),
        tolerance=float(d.get("tolerance", 0)),
        parents=parents,
        split=d.get("split", False),
        validate=d.get("validate", True),
        source=where,
        params={k: d[k] for k in _PARAM_KEYS if k in d},
    )


def load_rules(name: str, *, identity: bool = False, text: str | None = None) -> tuple[Rule, ...]:
    """Every entry of ``rules/<name>`` (``text``: its content, default the bundled file) as a
    validated :class:`Rule`; ``identity``: entries of identities.yaml."""
    return tuple(parse_rule(d, where, identity=identity) for where, d in _entries(name, text))


@lru_cache(maxsize=1)
def identities() -> tuple[Rule, ...]:
    """The accounting identities of the forms (``rules/identities.yaml``)."""
    return load_rules("identities.yaml", identity=True)


@lru_cache(maxsize=1)
def checks() -> tuple[Rule, ...]:
    """Every rule validation runs: the identities (but those marked ``validate: false``),
    then ``rules/checks.yaml``."""
    return (*(r for r in identities() if r.validate), *load_rules("checks.yaml"))


@lru_cache(maxsize=1)
def derivations() -> tuple[dict[str, Any], ...]:
    """The derived sums of ``rules/derived.yaml`` (``target`` = sum of ``parts``)."""
    return load_derivations()


def load_derivations(text: str | None = None) -> tuple[dict[str, Any], ...]:
    """The entries of ``rules/derived.yaml`` (``text``: its content), each validated: its
    keys, codes in the catalogue, regimes, applicants."""
    out = []
    for where, d in _entries("derived.yaml", text):
        _keys(d, _DERIVED_KEYS, where, ("id", "regimes", "target", "parts"))
        if not isinstance(d["id"], str) or not d["id"]:
            raise ConfigError(f"{where}: id must be a non-empty string")
        _regimes(d["regimes"], where)
        _code(d["target"], where)
        _codes(d["parts"], "parts", where)
        _choice(d.get("applicants", "total"), ("total", "each"), "applicants", where)
        out.append(d)
    return tuple(out)


# ---------------------------------------------------------------------------- digit splitter


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
        if not ident.split or not ident.applies(regime):
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
                for suffix in ident.suffixes:
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
        left = _expand(ident.left_codes, spec, table_codes)
        right = _expand(ident.right_codes, spec, table_codes)
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
