"""Comparison methods for rates and counts of units of very different size.

* :func:`funnel_limits`, :func:`overdispersion`, :func:`funnel_data` — funnel plots
  (Spiegelhalter 2005, *Stat Med* 24:1185): exact binomial control limits around a target rate,
  optionally widened for overdispersion.
* :func:`eb_shrink` — empirical-Bayes beta-binomial shrinkage of unit rates.
* :func:`count_glm` — Poisson / negative-binomial GLM of counts with exposure (statsmodels).
* :func:`its_design`, :func:`segmented_regression` — interrupted time series around the
  revised Regulations (in force 15 May 2019; 2019 is a mixed year).

Functions take plain arrays or a frame such as ``govstats.panel.wide(load_panel(),
by="indicator")`` (MultiIndex ``(jurisdiction_id, year)``, one column per indicator code).
Where statsmodels fits the model, the statsmodels results object is returned.

Indicator codes contain dots; in formulas quote them: ``Q("review.total") ~ year``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize
from scipy import stats as sps

from ..errors import GovstatsError
from .timeline import RULE_CHANGE

__all__ = [
    "RULE_CHANGE",
    "BetaBinomialFit",
    "Overdispersion",
    "StatsError",
    "count_glm",
    "eb_shrink",
    "funnel_data",
    "funnel_limits",
    "its_design",
    "overdispersion",
    "segmented_regression",
]

# Prior size a + b is kept in [0.1, 1e7]: 1e7 means "no detectable overdispersion"; below 0.1
# the prior is so U-shaped that beta quantiles of the posterior lose all precision.
_M_BOUNDS = (0.1, 1e7)


class StatsError(GovstatsError, ValueError):
    """Input a method cannot use (counts out of range, too few units, unknown option)."""


def _counts(y: Sequence[float] | np.ndarray | pd.Series, n: Sequence[float] | np.ndarray
            | pd.Series) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y, dtype=float)
    n = np.asarray(n, dtype=float)
    if y.shape != n.shape or y.ndim != 1:
        raise StatsError("y and n must be 1-d and of equal length")
    if not (np.isfinite(y).all() and np.isfinite(n).all()):
        raise StatsError("y and n must be finite (drop units with missing counts first)")
    if (y < 0).any() or (y > n).any():
        raise StatsError("need 0 <= y <= n for every unit")
    if (np.abs(y - np.round(y)) > 1e-9).any() or (np.abs(n - np.round(n)) > 1e-9).any():
        raise StatsError("y and n must be whole counts")
    return y, n


def _level_name(level: float) -> str:
    return f"{level * 100:g}"


# --------------------------------------------------------------------------------------------
# Funnel plots
# --------------------------------------------------------------------------------------------


def funnel_limits(target: float, n: Sequence[float] | np.ndarray,
                  levels: Sequence[float] = (0.95, 0.998), phi: float = 1.0,
                  interpolate: bool = True) -> pd.DataFrame:
    """Control limits of a proportion around ``target`` for each denominator in ``n``.

    Exact binomial limits (Spiegelhalter 2005, appendix A.1.1): for a tail probability ``p``
    the quantile ``r = binom.ppf(p, n, target)``; with ``interpolate`` the step is smoothed to
    ``(r - a) / n`` where ``a = (F(r) - p) / (F(r) - F(r - 1))`` and ``F`` is the binomial
    CDF, so the limits are continuous in ``n``.  Without ``interpolate`` the limit is ``r / n``.

    Overdispersion (``phi > 1``, e.g. from :func:`overdispersion`): the distance of each
    limit from the target is multiplied by ``sqrt(phi)`` and the result is clipped to [0, 1].
    For large ``n`` this is Spiegelhalter's ``target ± z sqrt(phi target (1 - target) / n)``;
    with ``phi = 1`` the limits are the exact ones.  ``phi < 1`` (underdispersion) is applied
    as given; pass ``max(phi, 1)`` to ignore it.

    Returns a frame indexed by ``n`` with ``lower_95``, ``upper_95``, ``lower_99.8``,
    ``upper_99.8`` (one pair per level).

    >>> funnel_limits(0.2, [50, 200]).round(4)  # doctest: +NORMALIZE_WHITESPACE
           lower_95  upper_95  lower_99.8  upper_99.8
    n
    50.0     0.0844    0.3071      0.0348      0.3791
    200.0    0.1434    0.2543      0.1148      0.2890
    """
    if not 0.0 < target < 1.0:
        raise StatsError(f"target must be strictly between 0 and 1, not {target!r}")
    if phi <= 0 or not np.isfinite(phi):
        raise StatsError(f"phi must be positive, not {phi!r}")
    n = np.asarray(n, dtype=float)
    if (n <= 0).any() or (np.abs(n - np.round(n)) > 1e-9).any():
        raise StatsError("denominators must be positive whole numbers")
    out: dict[str, np.ndarray] = {}
    for level in levels:
        if not 0.0 < level < 1.0:
            raise StatsError(f"levels must be in (0, 1), not {level!r}")
        for side, p in (("lower", (1 - level) / 2), ("upper", (1 + level) / 2)):
            r = sps.binom.ppf(p, n, target)
            if interpolate:
                f_r = sps.binom.cdf(r, n, target)
                f_r1 = sps.binom.cdf(r - 1, n, target)
                a = (f_r - p) / (f_r - f_r1)
                limit = (r - a) / n
            else:
                limit = r / n
            limit = np.clip(target + np.sqrt(phi) * (limit - target), 0.0, 1.0)
            out[f"{side}_{_level_name(level)}"] = limit
    return pd.DataFrame(out, index=pd.Index(n, name="n"))


@dataclass(frozen=True)
class Overdispersion:
    """Multiplicative overdispersion of unit proportions around a target.

    ``phi = chi2 / units``: the mean squared (winsorised) Pearson z-score.  ``p_value`` tests
    ``chi2`` against a chi-square on ``df`` degrees of freedom (units, or units − 1 when the
    target was estimated from the same units).
    """

    phi: float
    chi2: float
    units: int
    df: int
    p_value: float
    target: float
    winsorize: float
    z: np.ndarray = field(repr=False)


def overdispersion(y: Sequence[float] | np.ndarray, n: Sequence[float] | np.ndarray,
                   target: float | None = None, winsorize: float = 0.1) -> Overdispersion:
    """Estimate the multiplicative overdispersion factor phi of unit proportions.

    Method (Spiegelhalter 2005, section 3.2): Pearson z-scores
    ``z_i = (y_i/n_i - target) / sqrt(target (1 - target) / n_i)``; the ``winsorize``
    fraction of z-scores in each tail is set to the corresponding percentile (10 % by default,
    so a few outliers do not inflate phi); ``chi2 = sum(z_i^2)`` and ``phi = chi2 / units``.
    ``target`` defaults to the pooled rate ``sum(y) / sum(n)``.  Units with ``n = 0`` are
    ignored.

    >>> round(overdispersion([5, 10, 15], [50, 50, 50], winsorize=0).phi, 3)
    2.083
    """
    y, n = _counts(y, n)
    keep = n > 0
    y, n = y[keep], n[keep]
    if len(y) < 2:
        raise StatsError("overdispersion needs at least two units with n > 0")
    if not 0.0 <= winsorize < 0.5:
        raise StatsError("winsorize must be in [0, 0.5)")
    estimated = target is None
    p0 = y.sum() / n.sum() if target is None else float(target)
    if not 0.0 < p0 < 1.0:
        raise StatsError(f"target rate must be strictly between 0 and 1 (got {p0!r})")
    z = (y / n - p0) / np.sqrt(p0 * (1 - p0) / n)
    zw = z
    if winsorize > 0:
        lo, hi = np.quantile(z, [winsorize, 1 - winsorize])
        zw = np.clip(z, lo, hi)
    chi2 = float(np.sum(zw**2))
    units = len(z)
    df = units - 1 if estimated else units
    return Overdispersion(phi=chi2 / units, chi2=chi2, units=units, df=df,
                          p_value=float(sps.chi2.sf(chi2, df)), target=p0,
                          winsorize=winsorize, z=z)


def funnel_data(y: Sequence[float] | np.ndarray, n: Sequence[float] | np.ndarray,
                target: float | None = None, levels: Sequence[float] = (0.95, 0.998),
                phi: float | str | None = None, labels: Sequence[object] | None = None
                ) -> tuple[pd.DataFrame, float, float]:
    """Units of a funnel plot: ``(units, target, phi)``.

    ``units`` has y, n, rate, z, the limits at each unit's ``n`` and ``flag_<level>`` =
    "above" / "below" / "" (inside).  ``target`` defaults to the pooled rate; ``phi`` is 1
    (None), a number, or "estimate" (:func:`overdispersion`, applied only when > 1).  Units
    with ``n = 0`` are dropped.
    """
    y, n = _counts(y, n)
    index = pd.Index(labels if labels is not None else range(len(y)), name="unit")
    if len(index) != len(y):
        raise StatsError("labels must have one entry per unit")
    keep = n > 0
    y, n, index = y[keep], n[keep], index[keep]
    p0 = y.sum() / n.sum() if target is None else float(target)
    if phi is None:
        ph = 1.0
    elif isinstance(phi, str):
        if phi != "estimate":
            raise StatsError("phi must be a number, None or 'estimate'")
        ph = max(1.0, overdispersion(y, n, target=target).phi)
    else:
        ph = float(phi)
    limits = funnel_limits(p0, n, levels, phi=ph)
    units = pd.DataFrame({"y": y, "n": n, "rate": y / n}, index=index)
    units["z"] = (units["rate"] - p0) / np.sqrt(p0 * (1 - p0) / n)
    for col in limits.columns:
        units[col] = limits[col].to_numpy()
    for level in levels:
        name = _level_name(level)
        flag = np.where(units["rate"] > units[f"upper_{name}"], "above",
                        np.where(units["rate"] < units[f"lower_{name}"], "below", ""))
        units[f"flag_{name}"] = flag
    return units, p0, ph


# --------------------------------------------------------------------------------------------
# Empirical-Bayes beta-binomial shrinkage
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BetaBinomialFit:
    """Beta(alpha, beta) prior fitted to unit counts, and each unit's posterior.

    ``units`` has y, n, raw (y/n, NaN for n = 0), post_mean = (y + alpha) / (n + alpha +
    beta), post_low / post_high (equal-tailed ``level`` interval of Beta(y + alpha,
    n - y + beta)) and weight = n / (n + alpha + beta), the weight of the unit's own rate.
    ``at_bound`` is True when the prior size alpha + beta hit its upper bound (1e7): the data
    show no overdispersion and every unit is pulled (almost) fully to the pooled mean.
    """

    alpha: float
    beta: float
    method: str
    loglik: float
    at_bound: bool
    units: pd.DataFrame = field(repr=False)

    @property
    def prior_mean(self) -> float:
        return self.alpha / (self.alpha + self.beta)

    @property
    def prior_size(self) -> float:
        """alpha + beta: the prior counts as this many observations."""
        return self.alpha + self.beta

    @property
    def rho(self) -> float:
        """Intra-unit correlation 1 / (alpha + beta + 1)."""
        return 1.0 / (self.alpha + self.beta + 1.0)


def betabinom_loglik(y: np.ndarray, n: np.ndarray, alpha: float, beta: float) -> float:
    """Beta-binomial log-likelihood of counts ``y`` of ``n`` (scipy.stats.betabinom)."""
    return float(np.sum(sps.betabinom.logpmf(y, n, alpha, beta)))


def _moments(y: np.ndarray, n: np.ndarray) -> tuple[float, float]:
    """Method-of-moments (mean, prior size a + b) for unequal n.

    With p_i = y_i/n_i, mu = sum(y)/sum(n), N = sum(n) and S = sum(n_i (p_i - mu)^2),
    E[S] = mu (1 - mu) [(k - 1)(1 - rho) + rho (N - sum(n_i^2)/N)] for the beta-binomial with
    intra-unit correlation rho = 1 / (a + b + 1); solve for rho.
    """
    k = len(y)
    big_n = n.sum()
    mu = y.sum() / big_n
    s = float(np.sum(n * (y / n - mu) ** 2))
    denom = big_n - np.sum(n**2) / big_n - (k - 1)
    v = mu * (1 - mu)
    rho = (s / v - (k - 1)) / denom if denom > 0 and v > 0 else 0.0
    if rho <= 1.0 / (_M_BOUNDS[1] + 1):
        return mu, _M_BOUNDS[1]
    size = min(max(1.0 / rho - 1.0, _M_BOUNDS[0]), _M_BOUNDS[1])
    return mu, size


def eb_shrink(y: Sequence[float] | np.ndarray, n: Sequence[float] | np.ndarray,
              method: str = "mle", level: float = 0.95,
              labels: Sequence[object] | None = None) -> BetaBinomialFit:
    """Empirical-Bayes shrinkage of unit rates y/n towards a fitted Beta(alpha, beta) prior.

    ``method="mle"`` maximises the beta-binomial likelihood (scipy, over logit mean and log
    size, started from the moments fit); ``"mom"`` uses the method of moments
    (:func:`_moments`).  Units with n = 0 are kept (posterior = prior) but do not inform the
    fit.  Needs at least two units with n > 0 and a pooled rate strictly between 0 and 1.

    >>> fit = eb_shrink([2, 5, 8], [20, 20, 20], method="mom")
    >>> round(fit.alpha, 3), round(fit.beta, 3), fit.units["post_mean"].round(3).tolist()
    (3.143, 9.429, [0.158, 0.25, 0.342])
    """
    y, n = _counts(y, n)
    index = pd.Index(labels if labels is not None else range(len(y)), name="unit")
    if len(index) != len(y):
        raise StatsError("labels must have one entry per unit")
    used = n > 0
    yu, nu = y[used], n[used]
    if used.sum() < 2:
        raise StatsError("shrinkage needs at least two units with n > 0")
    if yu.sum() == 0 or yu.sum() == nu.sum():
        raise StatsError("pooled rate is 0 or 1: no beta prior can be fitted")
    mu, size = _moments(yu, nu)
    if method == "mle":
        def nll(theta: np.ndarray) -> float:
            m = 1.0 / (1.0 + np.exp(-theta[0]))
            s = np.exp(theta[1])
            return -betabinom_loglik(yu, nu, m * s, (1 - m) * s)

        bounds = [(-20.0, 20.0), (float(np.log(_M_BOUNDS[0])), float(np.log(_M_BOUNDS[1])))]

        def clipped(theta: np.ndarray) -> float:
            return nll(np.clip(theta, [b[0] for b in bounds], [b[1] for b in bounds]))

        start = np.array([np.log(mu / (1 - mu)), np.log(min(size, 1e4))])
        # L-BFGS-B first; its line search can stop "ABNORMAL" on the flat ridge of large
        # prior sizes, so Nelder–Mead (on the clipped problem) also runs; the best point wins.
        cands = [start]
        res = optimize.minimize(nll, start, method="L-BFGS-B", bounds=bounds)
        cands.append(res.x)
        res = optimize.minimize(clipped, res.x, method="Nelder-Mead",
                                options={"xatol": 1e-8, "fatol": 1e-10, "maxiter": 4000})
        cands.append(np.clip(res.x, [b[0] for b in bounds], [b[1] for b in bounds]))
        values = [nll(c) for c in cands]
        if not np.isfinite(min(values)):
            raise StatsError("beta-binomial likelihood is not finite for these counts")
        best = cands[int(np.argmin(values))]
        mu = 1.0 / (1.0 + np.exp(-best[0]))
        size = float(np.exp(best[1]))
    elif method != "mom":
        raise StatsError("method must be 'mle' or 'mom'")
    alpha, beta = mu * size, (1 - mu) * size
    a_post, b_post = y + alpha, n - y + beta
    tail = (1 - level) / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        raw = np.where(n > 0, y / np.where(n > 0, n, 1), np.nan)
    units = pd.DataFrame({
        "y": y, "n": n, "raw": raw,
        "post_mean": a_post / (a_post + b_post),
        "post_low": sps.beta.ppf(tail, a_post, b_post),
        "post_high": sps.beta.ppf(1 - tail, a_post, b_post),
        "weight": n / (n + alpha + beta),
    }, index=index)
    return BetaBinomialFit(alpha=float(alpha), beta=float(beta), method=method,
                           loglik=betabinom_loglik(yu, nu, alpha, beta),
                           at_bound=bool(size >= _M_BOUNDS[1] * 0.999), units=units)


# --------------------------------------------------------------------------------------------
# Count models
# --------------------------------------------------------------------------------------------


def _as_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Index levels (jurisdiction_id, year) become columns so formulas can use them."""
    if isinstance(frame.index, pd.MultiIndex) or frame.index.name is not None:
        names = [n for n in frame.index.names if n is not None and n not in frame.columns]
        frame = frame.reset_index(level=names) if names else frame
    return frame.reset_index(drop=True)


def count_glm(frame: pd.DataFrame, formula: str, *, family: str = "poisson",
              exposure: str | None = None, cluster: str | None = None,
              **fit_kwargs: object):
    """Fit a count model and return the statsmodels results.

    ``family="poisson"``: ``smf.glm(formula, family=Poisson(), exposure=...)``.
    ``family="negbin"``: ``smf.negativebinomial`` (NB2, dispersion alpha by maximum
    likelihood; ``results.params["alpha"]``).  ``exposure`` names a column (e.g.
    ``"outcome.total"``); it enters as the offset log(exposure), and rows whose exposure is
    missing or not positive are dropped (a unit with no decisions cannot have a rate).  Rows
    with missing values in the formula's variables are dropped too.  ``cluster`` names a column
    (e.g. ``"jurisdiction_id"``) for cluster-robust standard errors by unit.

    Index levels of ``frame`` are available as columns; quote dotted codes:
    ``count_glm(panel, 'Q("review.total") ~ C(regime)', exposure="outcome.total")``.
    """
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    data = _as_columns(frame)
    if exposure is not None:
        if exposure not in data.columns:
            raise StatsError(f"exposure column {exposure!r} is not in the frame")
        expo = pd.to_numeric(data[exposure], errors="coerce")
        data = data.loc[expo.notna() & (expo > 0)].reset_index(drop=True)
        exp_arr = pd.to_numeric(data[exposure]).to_numpy(dtype=float)
    else:
        exp_arr = None
    if family == "poisson":
        model = smf.glm(formula, data, family=sm.families.Poisson(), exposure=exp_arr,
                        missing="drop")
    elif family == "negbin":
        model = smf.negativebinomial(formula, data, exposure=exp_arr, missing="drop")
        fit_kwargs.setdefault("disp", False)
        fit_kwargs.setdefault("maxiter", 200)
    else:
        raise StatsError("family must be 'poisson' or 'negbin'")
    if cluster is not None:
        if cluster not in data.columns:
            raise StatsError(f"cluster column {cluster!r} is not in the frame")
        rows = model.data.row_labels
        groups = pd.factorize(data.loc[rows, cluster])[0]
        fit_kwargs.setdefault("cov_type", "cluster")
        fit_kwargs.setdefault("cov_kwds", {"groups": groups})
    return model.fit(**fit_kwargs)


# --------------------------------------------------------------------------------------------
# Segmented regression around the 2019 rule change
# --------------------------------------------------------------------------------------------

MIXED_YEAR = ("partial", "drop", "post")


def its_design(years: Sequence[int] | np.ndarray | pd.Series, break_date: dt.date = RULE_CHANGE,
               mixed_year: str = "partial") -> pd.DataFrame:
    """Design columns of a segmented regression for annual observations.

    Year ``t`` covers [t, t + 1).  With the break at decimal date ``b`` (15 May 2019 =
    2019 + 134/365):

    * ``time`` = t − break year (2019 → 0);
    * ``post`` = share of year t under the new rules: 0 before, 231/365 = 0.633 in 2019, 1 after;
    * ``time_after`` = mean time since the break over year t: 0 before, (t + 1 − b)² / 2 =
      0.200 in 2019, t + 0.5 − b after (1.133 in 2020).

    These are the annual means of the continuous model ``level + slope (s − 2019.5) +
    jump [s ≥ b] + slope_change max(0, s − b)``, so ``post`` estimates the jump at the break
    and ``time_after`` the change of slope per year.  ``mixed_year``: "partial" (default, as
    above: the mixed year counts with its partial exposure), "drop" (same columns; 2019 rows
    are flagged ``keep = False`` and left out of the fit) or "post" (classic discrete coding:
    2019 counts as fully under the new rules, ``post = 1`` and ``time_after = t − 2019``).

    >>> its_design([2018, 2019, 2020]).round(3)
       year  time   post  time_after  keep
    0  2018    -1  0.000       0.000  True
    1  2019     0  0.633       0.200  True
    2  2020     1  1.000       1.133  True
    """
    if mixed_year not in MIXED_YEAR:
        raise StatsError(f"mixed_year must be one of {MIXED_YEAR}")
    t = np.asarray(years, dtype=int)
    y0 = break_date.year
    days = (dt.date(y0 + 1, 1, 1) - dt.date(y0, 1, 1)).days
    b = y0 + (break_date - dt.date(y0, 1, 1)).days / days
    if mixed_year == "post":
        post = (t >= y0).astype(float)
        after = np.where(t >= y0, t - y0, 0).astype(float)
    else:
        post = np.clip(t + 1 - b, 0.0, 1.0)
        after = np.where(t + 1 <= b, 0.0, np.where(t >= b, t + 0.5 - b, (t + 1 - b) ** 2 / 2))
    keep = ~((t == y0) & (mixed_year == "drop"))
    return pd.DataFrame({"year": t, "time": t - y0, "post": post, "time_after": after,
                         "keep": keep})


def segmented_regression(frame: pd.DataFrame, outcome: str, *, year: str = "year",
                         unit: str | None = None, mixed_year: str = "partial",
                         family: str = "ols", exposure: str | None = None,
                         unit_effects: bool = True, cluster: bool = True,
                         break_date: dt.date = RULE_CHANGE, **fit_kwargs: object):
    """Interrupted time series around the 2019 rule change; returns statsmodels results.

    Model: ``outcome ~ time + post + time_after`` (see :func:`its_design` for the columns and
    ``mixed_year``; default "partial": 2019 enters with 231/365 of a year under the new rules).
    ``post`` is the level change at 15 May 2019, ``time_after`` the change of the yearly slope.
    ``family``: "ols" (a rate or a level; ``smf.ols``), "poisson" or "negbin" (a count, with
    ``exposure`` as in :func:`count_glm`).  With ``unit`` (e.g. "jurisdiction_id") several
    series are pooled: ``C(unit)`` fixed effects when ``unit_effects`` and standard errors
    clustered by unit when ``cluster``.  A nationwide reform is identified only from the
    timing; with about 11 annual points before and 6 after, the intervals are wide.

    ``results.model.data.frame`` holds the rows used, with the design columns.
    """
    import statsmodels.formula.api as smf

    data = _as_columns(frame)
    for col in (outcome, year, *([unit] if unit else [])):
        if col not in data.columns:
            raise StatsError(f"column {col!r} is not in the frame (or its index)")
    design = its_design(data[year].to_numpy(), break_date, mixed_year)
    data = data.assign(time=design["time"].to_numpy(), post=design["post"].to_numpy(),
                       time_after=design["time_after"].to_numpy())
    data = data.loc[design["keep"].to_numpy()].reset_index(drop=True)
    rhs = "time + post + time_after"
    if unit and unit_effects:
        rhs += f" + C(Q({unit!r}))"
    formula = f"Q({outcome!r}) ~ {rhs}"
    if family == "ols":
        model = smf.ols(formula, data, missing="drop")
        if unit and cluster:
            groups = pd.factorize(data.loc[model.data.row_labels, unit])[0]
            fit_kwargs.setdefault("cov_type", "cluster")
            fit_kwargs.setdefault("cov_kwds", {"groups": groups})
        return model.fit(**fit_kwargs)
    if family in ("poisson", "negbin"):
        return count_glm(data, formula, family=family, exposure=exposure,
                         cluster=unit if (unit and cluster) else None, **fit_kwargs)
    raise StatsError("family must be 'ols', 'poisson' or 'negbin'")
