"""Named rates with explicit numerators, denominators and intervals.

The metrics are data: ``catalogue/metrics.yaml`` names each one, its numerator and denominator
(sums and differences of indicator codes, per regime where they differ), the table regimes it
can be computed for and a zh/en description.  This module only evaluates them.

A metric is computed row by row on a wide frame: one column per indicator code and a
``regime`` column (``govstats.panel.wide(load_panel(), by="indicator")`` is such a frame).
The long panel itself (what ``load_panel()`` returns) is turned into that frame first, so
``compute(load_panel(), "review.correction")`` gives one rate per body and year.
A rate that cannot be computed is NaN with a reason, never a silent 0:

>>> import pandas as pd
>>> frame = pd.DataFrame({"regime": ["R2", "R1"], "review.corrected": [10, 3],
...                       "review.total": [61, 12], "review.pending": [15, None]})
>>> out = compute(frame, "review.correction.C2", ci="wilson")
>>> out["rate"].round(3).tolist()
[0.217, nan]
>>> out["reason"].isna().tolist(), out.loc[1, "reason"]
([True, False], 'not defined for R1')
>>> compute(frame, "review.correction.C1")["rate"].round(3).tolist()
[0.164, 0.25]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from ..catalogue.indicators import catalogue
from ..catalogue.layouts import regimes as known_regimes
from ..errors import ConfigError, GovstatsError, UnknownName
from ..yamlio import load_yaml

__all__ = [
    "CI_METHODS",
    "COPIES",
    "NESTED",
    "POLICIES",
    "Expression",
    "Metric",
    "MetricError",
    "as_wide",
    "compute",
    "compute_many",
    "containing",
    "get_metric",
    "labels",
    "list_metrics",
    "metrics",
    "pool",
    "proportion_ci",
    "terms",
]

KINDS = {"proportion": 1.0, "per100": 100.0}
#: ``ci=`` values of :func:`compute`.  "beta" is Clopper–Pearson; "auto" uses Clopper–Pearson
#: when the count is 0 or n or n < 30, Wilson otherwise.
CI_METHODS = ("wilson", "beta", "clopper-pearson", "auto")
_AUTO_SMALL_N = 30
_TOKEN = re.compile(r"\s*([+-])?\s*(\$?[a-z_]+(?:\.[a-z_0-9]+)*)\s*")
_OUTPUT = ["metric", "regime", "numerator", "denominator", "rate", "ci_low", "ci_high",
           "method", "reason", "policy", "checks", "consistent", "adjusted"]
#: how :func:`compute` treats a table whose validation checks fail on the cells a rate uses
#: (the default first): ``printed`` uses the printed figures and flags the rate;
#: ``parts`` replaces a printed total that an identity of the form fixes (total = sum of its
#: printed parts) by the sum of its parts, says so in ``adjusted``, and flags the rate;
#: ``exclude`` gives no rate (NaN, reason ``inconsistent table: RULES``)
POLICIES = ("printed", "parts", "exclude")


class MetricError(GovstatsError, ValueError):
    """An unknown metric or an invalid argument to :func:`compute`."""


@dataclass(frozen=True)
class Expression:
    """A signed sum of indicator codes: ``terms`` is ``((+1, "review.total"),
    (-1, "review.pending"))``.

    >>> Expression.parse("review.total - review.pending").codes
    ('review.total', 'review.pending')
    """

    terms: tuple[tuple[int, str], ...]

    @classmethod
    def parse(cls, text: str, named: Mapping[str, str] | None = None) -> Expression:
        """Parse ``"a.b + c.d - e"``; ``$name`` is replaced by ``named[name]`` (parsed too)."""
        text = " ".join(str(text).split())
        out: list[tuple[int, str]] = []
        pos = 0
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if not m or m.end() == pos or (m.group(1) is None and out):
                raise ConfigError(f"cannot parse expression {text!r} at {text[pos:]!r}")
            sign = -1 if m.group(1) == "-" else 1
            name = m.group(2)
            if name.startswith("$"):
                if not named or name[1:] not in named:
                    raise ConfigError(f"unknown term {name!r} in expression {text!r}")
                inner = cls.parse(named[name[1:]])
                out.extend((sign * s, c) for s, c in inner.terms)
            else:
                out.append((sign, name))
            pos = m.end()
        if not out:
            raise ConfigError("empty expression")
        return cls(tuple(out))

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c for _, c in self.terms)

    def __str__(self) -> str:
        parts = []
        for k, (s, c) in enumerate(self.terms):
            parts.append(c if k == 0 and s > 0 else f"{'+' if s > 0 else '−'} {c}")
        return " ".join(parts)

    def evaluate(self, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
        """Row-wise value of the expression and, per row, the first code that is missing
        (NaN or absent from the frame) or ``None``."""
        value = pd.Series(0.0, index=frame.index)
        missing = pd.Series(None, index=frame.index, dtype=object)
        for sign, code in self.terms:
            col = (pd.to_numeric(frame[code], errors="coerce").astype(float)
                   if code in frame.columns else pd.Series(np.nan, index=frame.index))
            value = value + sign * col
            missing = missing.where(missing.notna() | col.notna(), code)
        return value, missing


@dataclass(frozen=True)
class Metric:
    """One catalogue entry of ``catalogue/metrics.yaml``."""

    name: str
    family: str
    variant: str
    kind: str
    numerator: Mapping[str, Expression]  # regime -> expression
    denominator: Mapping[str, Expression]
    regimes: tuple[str, ...]
    default: bool
    zh: str
    en: str
    why_not: str = ""

    @property
    def scale(self) -> float:
        """1 for a proportion, 100 for a rate per 100."""
        return KINDS[self.kind]


def _per_regime(raw: object, regimes: tuple[str, ...], named: Mapping[str, Mapping[str, str]],
                where: str) -> dict[str, Expression]:
    out: dict[str, Expression] = {}
    for reg in regimes:
        text = raw.get(reg) if isinstance(raw, Mapping) else raw
        if text is None:
            raise ConfigError(f"{where}: no expression for regime {reg}")
        named_here = {k: v[reg] for k, v in named.items() if reg in v}
        try:
            out[reg] = Expression.parse(str(text), named_here)
        except ConfigError as e:
            raise ConfigError(f"{where} ({reg}): {e}") from None
    return out


@lru_cache(maxsize=1)
def _load() -> tuple[dict[str, dict[str, str]], dict[str, Metric]]:
    text = resources.files("govstats").joinpath("catalogue/metrics.yaml").read_text("utf-8")
    data = load_yaml(text) or {}
    cat = catalogue()
    known = known_regimes()
    named: dict[str, dict[str, str]] = {}
    for name, spec in (data.get("terms") or {}).items():
        named[name] = {k: " ".join(str(v).split()) for k, v in spec.items() if k in known}
        named[name].update({k: str(v) for k, v in spec.items() if k not in known})
    out: dict[str, Metric] = {}
    for k, d in enumerate(data.get("metrics") or []):
        where = f"catalogue/metrics.yaml metric {k + 1} ({d.get('name')!r})"
        missing = {"name", "family", "variant", "kind", "numerator", "denominator", "regimes",
                   "zh", "en"} - set(d)
        if missing:
            raise ConfigError(f"{where}: missing keys {sorted(missing)}")
        if d["name"] in out:
            raise ConfigError(f"{where}: duplicate name")
        if d["kind"] not in KINDS:
            raise ConfigError(f"{where}: kind must be one of {sorted(KINDS)}")
        regimes = tuple(d["regimes"])
        if not set(regimes) <= set(known):
            raise ConfigError(f"{where}: unknown regimes {sorted(set(regimes) - set(known))}")
        num = _per_regime(d["numerator"], regimes, named, f"{where} numerator")
        den = _per_regime(d["denominator"], regimes, named, f"{where} denominator")
        for expr in (*num.values(), *den.values()):
            for code in expr.codes:
                if code not in cat:
                    raise ConfigError(f"{where}: {code!r} is not in catalogue/indicators.csv")
        out[d["name"]] = Metric(
            name=d["name"], family=d["family"], variant=str(d["variant"]), kind=d["kind"],
            numerator=num, denominator=den, regimes=regimes, default=bool(d.get("default")),
            zh=" ".join(str(d["zh"]).split()), en=" ".join(str(d["en"]).split()),
            why_not=" ".join(str(d.get("why_not", "")).split()),
        )
    families: dict[str, list[Metric]] = {}
    for m in out.values():
        families.setdefault(m.family, []).append(m)
    for fam, members in families.items():
        if sum(m.default for m in members) != 1:
            raise ConfigError(f"catalogue/metrics.yaml: family {fam!r} needs exactly one default")
    return named, out


@lru_cache(maxsize=1)
def _labels() -> dict[str, tuple[str, str]]:
    text = resources.files("govstats").joinpath("catalogue/metrics.yaml").read_text("utf-8")
    data = load_yaml(text) or {}
    taken = set(_load()[1]) | {m.family for m in _load()[1].values()} | set(catalogue())
    out: dict[str, tuple[str, str]] = {}
    for name, spec in (data.get("labels") or {}).items():
        where = f"catalogue/metrics.yaml label {name!r}"
        if not isinstance(spec, Mapping) or set(spec) != {"zh", "en"}:
            raise ConfigError(f"{where}: give exactly zh and en")
        if name in taken:
            raise ConfigError(f"{where}: {name!r} is a metric or an indicator, labelled there")
        out[str(name)] = (str(spec["zh"]), str(spec["en"]))
    return out


def labels() -> dict[str, tuple[str, str]]:
    """(zh, en) labels of the quantities that are neither indicators nor metrics (``rate``,
    ``n``, ``target``, ``limit_95``, ``shrunk``…), from ``catalogue/metrics.yaml``."""
    return dict(_labels())


def metrics() -> dict[str, Metric]:
    """All metrics by name (loaded once from ``catalogue/metrics.yaml``)."""
    return dict(_load()[1])


def terms() -> dict[str, dict[str, str]]:
    """Named terms (``$decisions``): regime → expression text, plus ``zh``/``en``/``note``."""
    return {k: dict(v) for k, v in _load()[0].items()}


def get_metric(name: str) -> Metric:
    """A metric by name, or a family's default member by family name.

    >>> get_metric("review.correction").name
    'review.correction.C2'
    """
    table = _load()[1]
    if name in table:
        return table[name]
    for m in table.values():
        if m.family == name and m.default:
            return m
    families = {m.family for m in table.values()}
    raise MetricError(str(UnknownName("metric", name, [*table, *families],
                                      "see govstats.metrics.list_metrics()")))


def list_metrics() -> pd.DataFrame:
    """The catalogue as a table (one row per metric) for documentation.

    Columns: name, family, variant, default, kind, regimes, numerator, denominator (one
    ``R1: …; R2: …`` string when the regimes differ), zh, en, why_not.
    """

    def show(exprs: Mapping[str, Expression]) -> str:
        texts = {reg: str(e) for reg, e in exprs.items()}
        if len(set(texts.values())) == 1:
            return next(iter(texts.values()))
        return "; ".join(f"{reg}: {t}" for reg, t in texts.items())

    rows = [{
        "name": m.name, "family": m.family, "variant": m.variant, "default": m.default,
        "kind": m.kind, "regimes": " ".join(m.regimes), "numerator": show(m.numerator),
        "denominator": show(m.denominator), "zh": m.zh, "en": m.en, "why_not": m.why_not,
    } for m in _load()[1].values()]
    return pd.DataFrame(rows)


def _normalise_ci(ci: str | None) -> str | None:
    if ci is None:
        return None
    key = ci.lower()
    if key not in CI_METHODS:
        raise MetricError(f"ci={ci!r}: use one of {CI_METHODS} or None")
    return "beta" if key == "clopper-pearson" else key


def proportion_ci(count: Sequence[float] | np.ndarray, nobs: Sequence[float] | np.ndarray,
                  method: str = "wilson", alpha: float = 0.05
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Binomial intervals for plain arrays: ``(low, high, method_used)``.

    ``method`` is "wilson", "beta" (Clopper–Pearson) or "auto" (Clopper–Pearson when the count
    is 0 or n or n < 30, else Wilson).  Calls
    ``statsmodels.stats.proportion.proportion_confint``.

    >>> low, high, used = proportion_ci([10], [46])
    >>> round(float(low[0]), 4), round(float(high[0]), 4), used[0]
    (0.1226, 0.3557, 'wilson')
    """
    from statsmodels.stats.proportion import proportion_confint

    method = _normalise_ci(method) or "wilson"
    count = np.asarray(count, dtype=float)
    nobs = np.asarray(nobs, dtype=float)
    if method == "auto":
        small = (count == 0) | (count == nobs) | (nobs < _AUTO_SMALL_N)
        used = np.where(small, "beta", "wilson")
    else:
        used = np.full(count.shape, method, dtype=object)
    low = np.full(count.shape, np.nan)
    high = np.full(count.shape, np.nan)
    for meth in ("wilson", "beta"):
        sel = used == meth
        if sel.any():
            lo, hi = proportion_confint(count[sel], nobs[sel], alpha=alpha, method=meth)
            low[sel], high[sel] = lo, hi
    # Wilson's bounds at 0 and n are 0 and 1 up to rounding (1 - 1e-16): make them exact so
    # the interval always contains the estimate.
    low[count == 0] = 0.0
    high[count == nobs] = 1.0
    return low, high, used.astype(object)


def _poisson_ci(count: np.ndarray, exposure: np.ndarray, alpha: float
                ) -> tuple[np.ndarray, np.ndarray]:
    from statsmodels.stats.rates import confint_poisson

    low, high = confint_poisson(count, exposure, method="exact-c", alpha=alpha)
    return np.asarray(low, dtype=float), np.asarray(high, dtype=float)


def _regimes_of(frame: pd.DataFrame, regime: str | None) -> pd.Series:
    known = known_regimes()
    if regime is not None:
        if regime not in known:
            raise MetricError(f"regime={regime!r}: use one of {known}")
        return pd.Series(regime, index=frame.index, dtype=object)
    if "regime" not in frame.columns:
        raise MetricError(f"the frame has no 'regime' column; pass regime= one of {known}")
    return frame["regime"].astype(object).where(frame["regime"].notna(), None)


_LONG = {"indicator", "applicant", "value", "jurisdiction_id", "year"}


def as_wide(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` as metrics read it: a long panel (``load_panel()``: one row per value) becomes
    ``wide(frame, by="indicator")`` (one row per body and year, the total column); a wide
    frame is returned as it is."""
    if set(frame.columns) >= _LONG:
        from ..panel.views import wide

        return wide(frame, by="indicator")
    if len(frame.columns) and not set(map(str, frame.columns)) & set(catalogue()):
        raise MetricError(
            "the frame has no indicator column (such as review.total): pass the panel of "
            "load_panel() or wide(panel, by=\"indicator\"); columns here: "
            + ", ".join(map(str, frame.columns[:8])))
    return frame


@lru_cache(maxsize=1)
def _total_identities() -> tuple[tuple[str, str, tuple[str, ...], str], ...]:
    """(regime, total code, part codes, rule id) of every identity of the forms that fixes a
    total as the exact sum of its parts (``rules/identities.yaml``, and the exact sums of
    ``rules/checks.yaml``), ``X.*`` expanded to the rows under X that the regime prints, for
    the ``parts`` policy."""
    from ..catalogue.rules import checks, identities

    cat = catalogue()
    out: dict[tuple[str, str, tuple[str, ...]], str] = {}
    for rule in (*identities(), *checks()):
        if rule.kind != "sum" or rule.op != "=" or rule.partial or len(rule.right) != 1:
            continue
        if any(t.coef != 1 for t in (*rule.left, *rule.right)) or not rule.left:
            continue
        for regime in rule.regimes or tuple(known_regimes()):
            parts: list[str] = []
            for t in rule.left:
                if t.code.endswith(".*"):
                    base = t.code[:-2]
                    parts += [c for c, ind in cat.items()
                              if ind.parent == base and regime in ind.regimes]
                else:
                    parts.append(t.code)
            out.setdefault((regime, rule.right[0].code, tuple(parts)), rule.id)
    return tuple((reg, total, parts, rid) for (reg, total, parts), rid in out.items())


def _by_parts(frame: pd.DataFrame, regimes: pd.Series
              ) -> tuple[pd.DataFrame, dict[str, pd.Series]]:
    """``frame`` with each printed total that disagrees with the sum of its printed parts
    replaced by that sum (then the derived sums recomputed), and for each code replaced, per
    row, what was done (``review.total 0 → 11 (t4.review)``, "" where nothing)."""
    from ..catalogue.rules import derivations

    out = frame.copy()
    notes: dict[str, pd.Series] = {}

    def note(code: str, rows: np.ndarray, old: pd.Series, new: pd.Series, why: str) -> None:
        col = notes.setdefault(code, pd.Series("", index=frame.index, dtype=object))
        for k in np.flatnonzero(rows):
            col.iloc[k] = f"{code} {_fmt(old.iloc[k])} → {_fmt(new.iloc[k])} ({why})"

    for reg, total, parts, rule_id in _total_identities():
        if total not in out.columns or any(p not in out.columns for p in parts):
            continue
        sel = (regimes == reg).to_numpy()
        part_sum = out[list(parts)].astype(float).sum(axis=1, skipna=False)
        printed = out[total].astype(float)
        bad = sel & part_sum.notna().to_numpy() & printed.notna().to_numpy() & (
            part_sum != printed).to_numpy()
        if bad.any():
            note(total, bad, printed, part_sum, rule_id)
            out.loc[bad, total] = part_sum[bad]
    for d in derivations():  # e.g. pooled litigation = direct + after review
        target, dparts = d["target"], d["parts"]
        if target not in out.columns or not set(notes) & set(dparts):
            continue
        if any(p not in out.columns for p in dparts):
            continue
        sel = regimes.isin(d.get("regimes") or tuple(known_regimes())).to_numpy()
        total = out[list(dparts)].astype(float).sum(axis=1, skipna=False)
        old = out[target].astype(float)
        upd = sel & total.notna().to_numpy() & (total != old).to_numpy()
        if upd.any():
            note(target, upd, old, total, d["id"])
            out.loc[upd, target] = total[upd]
    return out, notes


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _row_checks(frame: pd.DataFrame, codes: Iterable[str]) -> pd.Series:
    """Per row, the validation rules that failed on any of ``codes`` (``rule;rule``, "" for
    none); None on every row when the frame carries no check information (a frame not made
    by :func:`govstats.wide`, or a panel without the ``checks`` column)."""
    from ..panel.views import CHECKS_ATTR

    table = frame.attrs.get(CHECKS_ATTR)
    if table is None or not isinstance(frame.index, pd.MultiIndex) or list(
            frame.index.names[:2]) != ["jurisdiction_id", "year"]:
        return pd.Series(None, index=frame.index, dtype=object)
    codes = list(dict.fromkeys(codes))
    out = []
    for jid, year in zip(frame.index.get_level_values(0), frame.index.get_level_values(1),
                         strict=True):
        found = {r for c in codes for r in table.get((str(jid), int(year), c), "").split(";")
                 if r}
        out.append(";".join(sorted(found)))
    return pd.Series(out, index=frame.index, dtype=object)


def compute(frame: pd.DataFrame, metric: str, ci: str | None = "wilson", alpha: float = 0.05,
            regime: str | None = None, policy: str = "printed") -> pd.DataFrame:
    """Evaluate one metric on every row of ``frame``.

    ``frame`` has one column per indicator code (absent columns count as missing) and a
    ``regime`` column, or pass ``regime=`` for all rows.  A long panel (``load_panel()``) is
    first turned into ``wide(panel, by="indicator")``: the result is then indexed by
    (jurisdiction_id, year).  ``metric`` is a metric name
    (``"review.correction.C2"``) or a family (``"review.correction"`` → its default).
    ``ci``: "wilson" (default), "beta"/"clopper-pearson", "auto" or None.  For ``per100``
    metrics the interval is the exact Poisson (Garwood) interval of the count given the
    denominator, whatever ``ci`` says (``method`` says "poisson-exact").

    ``policy`` says what to do with a table whose validation checks fail on the cells the
    rate uses (:data:`POLICIES`): ``"printed"`` (default) computes from the printed figures
    and flags the row; ``"parts"`` first replaces every printed total that an identity of the
    form fixes as the sum of its printed parts by that sum (``adjusted`` says which, e.g.
    ``review.total 0 → 11 (t4.review)``) and flags the row; ``"exclude"`` gives NaN with the
    reason ``inconsistent table: RULES``.  The checks come with a frame made by
    :func:`govstats.wide` (or the long panel); on another frame they are unknown.

    Returns a frame on ``frame.index`` with columns metric, regime, numerator, denominator,
    rate, ci_low, ci_high, method, reason, policy, checks (the rules that failed on the cells
    used, ``rule;rule``, "" for none, None when unknown), consistent (no failed check; NA
    when unknown) and adjusted.  ``reason`` is set on every row whose rate is NaN:
    "regime unknown", "not defined for R1", "missing numerator: CODE", "missing denominator:
    CODE", "zero denominator", "negative denominator", "negative numerator", "numerator
    exceeds denominator", "inconsistent table: RULES" (policy exclude).
    """
    m = get_metric(metric)
    method = _normalise_ci(ci)
    if policy not in POLICIES:
        raise MetricError(f"policy={policy!r}: use one of {POLICIES}")
    frame = as_wide(frame)
    regimes = _regimes_of(frame, regime)
    notes: dict[str, pd.Series] = {}
    if policy == "parts":
        attrs = dict(frame.attrs)
        frame, notes = _by_parts(frame, regimes)
        frame.attrs.update(attrs)
    n = len(frame)
    num = np.full(n, np.nan)
    den = np.full(n, np.nan)
    reason = np.full(n, None, dtype=object)
    failed = np.full(n, None, dtype=object)
    adjusted = np.full(n, "", dtype=object)
    known = regimes.notna().to_numpy()
    reason[~known] = "regime unknown"
    for reg in pd.unique(regimes[known]):
        sel = (regimes == reg).to_numpy()
        if reg not in m.regimes:
            reason[sel] = f"not defined for {reg}"
            continue
        sub = frame.loc[sel]
        sub.attrs = frame.attrs
        used = (*m.numerator[reg].codes, *m.denominator[reg].codes)
        failed[sel] = _row_checks(sub, used).to_numpy()
        mine = [notes[c][sel] for c in dict.fromkeys(used) if c in notes]
        if mine:
            adjusted[sel] = ["; ".join(x for x in row if x) for row in zip(*mine, strict=True)]
        nv, nmiss = m.numerator[reg].evaluate(sub)
        dv, dmiss = m.denominator[reg].evaluate(sub)
        num[sel], den[sel] = nv.to_numpy(), dv.to_numpy()
        why = np.where(nmiss.notna(), "missing numerator: " + nmiss.astype(str),
                       np.where(dmiss.notna(), "missing denominator: " + dmiss.astype(str),
                                None))
        reason[sel] = why
    if policy == "exclude":
        bad = np.array([isinstance(f, str) and bool(f) for f in failed]) & pd.isna(reason)
        reason[bad] = ["inconsistent table: " + str(f).replace(";", ", ") for f in failed[bad]]
    ok = pd.isna(reason)
    with np.errstate(invalid="ignore"):
        checks = [
            (den == 0, "zero denominator"),
            (den < 0, "negative denominator"),
            (num < 0, "negative numerator"),
        ]
        if m.kind == "proportion":
            checks.append((num > den, "numerator exceeds denominator"))
    for bad, text in checks:
        hit = ok & bad
        reason[hit] = text
        ok &= ~hit
    rate = np.full(n, np.nan)
    low = np.full(n, np.nan)
    high = np.full(n, np.nan)
    used = np.full(n, None, dtype=object)
    rate[ok] = m.scale * num[ok] / den[ok]
    if method is not None and ok.any():
        if m.kind == "proportion":
            low[ok], high[ok], used[ok] = proportion_ci(num[ok], den[ok], method, alpha)
        else:
            lo, hi = _poisson_ci(num[ok], den[ok], alpha)
            low[ok], high[ok], used[ok] = m.scale * lo, m.scale * hi, "poisson-exact"
    reason = np.array([None if pd.isna(r) else str(r) for r in reason], dtype=object)
    used = np.array([None if pd.isna(u) else str(u) for u in used], dtype=object)
    failed = np.array([None if not isinstance(f, str) else f for f in failed], dtype=object)
    consistent = pd.array([pd.NA if f is None else not f for f in failed], dtype="boolean")
    out = pd.DataFrame({
        "metric": m.name, "regime": regimes.to_numpy(), "numerator": num, "denominator": den,
        "rate": rate, "ci_low": low, "ci_high": high, "method": used, "reason": reason,
        "policy": policy, "checks": failed, "consistent": consistent,
        "adjusted": adjusted,
    }, index=frame.index)
    return out[_OUTPUT]


def compute_many(frame: pd.DataFrame, names: Iterable[str] | None = None, *,
                 defaults_only: bool = False, **kwargs: object) -> pd.DataFrame:
    """:func:`compute` for several metrics (all of them when ``names`` is None, or only each
    family's default with ``defaults_only``), stacked into one long frame.  The index of
    ``frame`` is kept (with repeats); ``metric`` tells the rows apart."""
    if names is None:
        names = [m.name for m in _load()[1].values() if m.default or not defaults_only]
    frame = as_wide(frame)
    parts = [compute(frame, name, **kwargs) for name in names]  # type: ignore[arg-type]
    if not parts:
        return pd.DataFrame(columns=_OUTPUT)
    return pd.concat(parts)


#: how :func:`pool` treats a group holding a body and a body it contains (a report covering
#: a whole jurisdiction pooled with one of its departments): refuse (the default) or allow
NESTED = ("refuse", "allow")
#: how :func:`pool` treats a table printed identically by two bodies' reports of one group
#: (``xr.copied_table``): count it once (exclude the copy; the default) or keep both
COPIES = ("exclude", "keep")


def containing(frame: pd.DataFrame, ids: Iterable[str]) -> list[tuple[str, str]]:
    """(container, contained) pairs among ``ids``: a body whose report covers its whole
    jurisdiction (``scope`` jurisdiction) and a body below it (by ``parent_id``, at any
    depth).  ``frame`` is a wide frame (or the panel) with ``jurisdiction_id``,
    ``parent_id`` and ``scope``."""
    data = frame.reset_index() if "jurisdiction_id" not in frame.columns else frame
    if "parent_id" not in data.columns:
        return []
    parents = dict(zip(data["jurisdiction_id"].astype(str), data["parent_id"], strict=False))
    scope = data.groupby(data["jurisdiction_id"].astype(str))["scope"].agg(
        lambda s: set(map(str, s.dropna()))) if "scope" in data.columns else {}
    ids = set(map(str, ids))
    out = []
    for jid in sorted(ids):
        seen: set[str] = set()
        up = parents.get(jid)
        while isinstance(up, str) and up and up not in seen:
            seen.add(up)
            if up in ids and "jurisdiction" in scope.get(up, set()):
                out.append((up, jid))
            up = parents.get(up)
    return out


def pool(frame: pd.DataFrame, metric: str, by: Sequence[str] = ("level", "scope", "year"), *,
         panel: pd.DataFrame | None = None, ci: str | None = "wilson", alpha: float = 0.05,
         policy: str = "printed", nested: str = "refuse", copies: str = "exclude"
         ) -> pd.DataFrame:
    """One rate per group of bodies: the numerators and denominators of ``metric`` added over
    the body-years of each group of ``by`` (columns of the wide frame or its index levels:
    by default level, scope and year, so that governments, departments and whole-jurisdiction
    summaries are never added together), with its interval.

    Body-years without a rate (a blank part, a zero denominator, another regime) add nothing.
    ``nested="refuse"`` (default) raises when a group would add a whole-jurisdiction report
    to a body it contains (:func:`containing`); ``"allow"`` adds them anyway.
    ``copies="exclude"`` (default) counts a table printed identically by two bodies' reports
    of one group once (:func:`govstats.panel.copied_tables`; needs the long panel: ``frame``
    itself or ``panel``); ``"keep"`` adds both.  ``policy``: as :func:`compute`.

    Returns one row per group: the ``by`` columns, metric, numerator, denominator, rate,
    ci_low, ci_high, method, bodies, body_years, checks (the rules that failed on any cell
    added), consistent, excluded (the copies left out, ``report_id:table``).
    """
    if nested not in NESTED:
        raise MetricError(f"nested={nested!r}: use one of {NESTED}")
    if copies not in COPIES:
        raise MetricError(f"copies={copies!r}: use one of {COPIES}")
    m = get_metric(metric)
    long = frame if set(frame.columns) >= _LONG else panel
    wide_frame = as_wide(frame)
    data = wide_frame.reset_index()
    missing = [b for b in by if b not in data.columns]
    if missing:
        raise MetricError(f"pool by {missing}: not columns of the frame "
                          f"({', '.join(map(str, list(data.columns)[:12]))}…)")
    rates = compute(wide_frame, metric, ci=None, policy=policy).reset_index(drop=True)
    data = pd.concat([data, rates[["numerator", "denominator", "rate", "checks"]]], axis=1)
    data = data[data["rate"].notna()]
    excluded: dict[tuple[str, ...], list[str]] = {}
    if copies == "exclude" and long is not None and len(data):
        from ..panel.views import copied_tables

        copy_rows = copied_tables(long)
        codes = {c for reg in m.regimes for c in (*m.numerator[reg].codes,
                                                   *m.denominator[reg].codes)}
        tables_of = _tables_of(long, codes)
        report_group = {rid: _key(row[b] for b in by) for rid, row in
                        data.set_index("report_id", drop=False).iterrows()}
        drop = set()
        for _, c in copy_rows.iterrows():
            if c["table_id"] not in tables_of.get(c["report_id"], set()):
                continue  # a table the metric does not read
            g1, g2 = report_group.get(c["report_id"]), report_group.get(c["copy_of"])
            if g1 is not None and g1 == g2:
                drop.add(c["report_id"])
                excluded.setdefault(g1, []).append(f"{c['report_id']}:{c['table_id']}")
        data = data[~data["report_id"].isin(drop)]
    rows = []
    for key, g in data.groupby(list(by), sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        pairs = containing(wide_frame, g["jurisdiction_id"])
        if pairs and nested == "refuse":
            a, b = pairs[0]
            raise MetricError(
                f"pool {dict(zip(by, key, strict=True))}: {a} reports on its whole jurisdiction, "
                f"which contains {b}: adding both counts {b}'s cases twice; group by level and "
                "scope, or pass nested='allow'")
        found = sorted({r for c in g["checks"] if isinstance(c, str) for r in c.split(";") if r})
        known = all(isinstance(c, str) for c in g["checks"])
        rows.append({
            **dict(zip(by, key, strict=True)), "metric": m.name,
            "numerator": g["numerator"].sum(), "denominator": g["denominator"].sum(),
            "bodies": g["jurisdiction_id"].nunique(), "body_years": len(g),
            "checks": ";".join(found) if known else None,
            "consistent": (not found) if known else pd.NA,
            "excluded": ", ".join(sorted(excluded.get(_key(key), []))),
        })
    cols = [*by, "metric", "numerator", "denominator", "rate", "ci_low", "ci_high", "method",
            "bodies", "body_years", "checks", "consistent", "excluded"]
    out = pd.DataFrame(rows, columns=[c for c in cols if c not in
                                      ("rate", "ci_low", "ci_high", "method")])
    num, den = out["numerator"].to_numpy(float), out["denominator"].to_numpy(float)
    out["rate"] = m.scale * num / np.where(den > 0, den, np.nan)
    out["ci_low"], out["ci_high"], out["method"] = np.nan, np.nan, None
    method = _normalise_ci(ci)
    ok = den > 0
    if method is not None and ok.any():
        if m.kind == "proportion":
            lo, hi, used = proportion_ci(num[ok], den[ok], method, alpha)
        else:
            lo, hi = _poisson_ci(num[ok], den[ok], alpha)
            lo, hi, used = m.scale * lo, m.scale * hi, np.full(int(ok.sum()), "poisson-exact")
        out.loc[ok, "ci_low"], out.loc[ok, "ci_high"] = lo, hi
        out.loc[ok, "method"] = used
    out["consistent"] = out["consistent"].astype("boolean")
    return out[cols]


def _key(values: Iterable[object]) -> tuple[str, ...]:
    return tuple(str(v) for v in values)


def _tables_of(panel: pd.DataFrame, codes: set[str]) -> dict[str, set[str]]:
    """report_id → the tables (ids) that print any of ``codes`` or, for a derived code (pooled
    litigation), any of its parts."""
    import json

    from ..catalogue.rules import derivations

    codes = set(codes)
    for d in derivations():
        if d["target"] in codes:
            codes |= set(d["parts"])
    sub = panel[panel["indicator"].astype(str).isin(codes) & ~panel["derived"].astype(bool)]
    out: dict[str, set[str]] = {}
    for rid, loc in zip(sub["report_id"].astype(str), sub["location"], strict=True):
        tid = json.loads(loc).get("table_id")
        if tid:
            out.setdefault(rid, set()).add(str(tid))
    return out
