"""govstats.analysis.stats: funnel limits, overdispersion, shrinkage, count models, segmented
regression."""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import beta as beta_dist
from scipy.stats import binom
from scipy.stats import chi2 as chi2_dist

import govstats.analysis.stats as S

# ---- funnel limits ------------------------------------------------------------------------------


def test_funnel_limits_without_interpolation_are_binomial_quantiles() -> None:
    ns = np.array([5, 12, 50, 333, 2000])
    lim = S.funnel_limits(0.15, ns, interpolate=False)
    for q, col in ((0.025, "lower_95"), (0.975, "upper_95"), (0.001, "lower_99.8"),
                   (0.999, "upper_99.8")):
        np.testing.assert_allclose(lim[col].to_numpy(), binom.ppf(q, ns, 0.15) / ns)


def test_funnel_limits_interpolation_by_hand() -> None:
    n, p0, q = 50, 0.2, 0.975
    r = binom.ppf(q, n, p0)  # 16
    assert r == 16
    a = (binom.cdf(r, n, p0) - q) / (binom.cdf(r, n, p0) - binom.cdf(r - 1, n, p0))
    lim = S.funnel_limits(p0, [n])
    assert lim["upper_95"].iloc[0] == pytest.approx((r - a) / n)
    assert (r - 1) / n <= lim["upper_95"].iloc[0] <= r / n
    # 99.8 % limits are wider than 95 % limits, which bracket the target.
    row = lim.iloc[0]
    assert row["lower_99.8"] <= row["lower_95"] < p0 < row["upper_95"] <= row["upper_99.8"]


def test_funnel_limits_overdispersion_scales_distance() -> None:
    ns = [100, 400, 1600]
    plain = S.funnel_limits(0.3, ns)
    wide = S.funnel_limits(0.3, ns, phi=4.0)
    np.testing.assert_allclose(wide - 0.3, 2 * (plain - 0.3))
    assert (S.funnel_limits(0.3, [3], phi=25.0).to_numpy() >= 0).all()  # clipped to [0, 1]
    with pytest.raises(S.StatsError):
        S.funnel_limits(0.0, ns)
    with pytest.raises(S.StatsError):
        S.funnel_limits(0.3, [0, 10])


def test_overdispersion_by_hand_and_winsorised() -> None:
    od = S.overdispersion([5, 10, 15], [50, 50, 50], winsorize=0)
    # pooled 0.2; z = ±0.1 / sqrt(0.16 / 50) = ±1.7678 → chi2 = 6.25
    assert od.chi2 == pytest.approx(6.25)
    assert od.phi == pytest.approx(6.25 / 3)
    assert od.df == 2 and od.p_value == pytest.approx(chi2_dist.sf(6.25, 2))
    given_target = S.overdispersion([5, 10, 15], [50, 50, 50], target=0.2, winsorize=0)
    assert given_target.df == 3
    # One outlier among ten units: winsorising at 10 % caps its z-score at the 90th percentile.
    y = [10] * 9 + [40]
    n = [100] * 10
    raw = S.overdispersion(y, n, winsorize=0)
    wins = S.overdispersion(y, n, winsorize=0.1)
    z = raw.z
    lo, hi = np.quantile(z, [0.1, 0.9])
    assert wins.chi2 == pytest.approx(np.sum(np.clip(z, lo, hi) ** 2))
    assert wins.phi < raw.phi


def test_overdispersion_detects_beta_binomial_data() -> None:
    rng = np.random.default_rng(7)
    n = rng.integers(20, 400, size=60)
    y_binom = rng.binomial(n, 0.25)
    p = rng.beta(2, 6, size=60)
    y_bb = rng.binomial(n, p)
    assert S.overdispersion(y_binom, n).phi < 1.6
    assert S.overdispersion(y_bb, n).phi > 3


def test_funnel_data_flags_units() -> None:
    y = [20, 60, 1, 9, 0]
    n = [100, 100, 100, 50, 0]
    units, target, phi = S.funnel_data(y[:4], n[:4], labels=list("abcd"))
    assert target == pytest.approx(90 / 350)
    units, target, phi = S.funnel_data(y[:4], n[:4], target=0.2, labels=list("abcd"))
    assert target == 0.2 and phi == 1.0
    assert units["flag_95"].tolist() == ["", "above", "below", ""]
    assert units["flag_99.8"].tolist() == ["", "above", "below", ""]
    assert units.loc["d", "upper_95"] == pytest.approx(S.funnel_limits(0.2, [50])
                                                       ["upper_95"].iloc[0])
    assert units.loc["b", "z"] == pytest.approx(0.4 / np.sqrt(0.16 / 100))
    assert len(S.funnel_data(y, n)[0]) == 4  # the unit with n = 0 is dropped
    _, _, phi_est = S.funnel_data(y, n, phi="estimate")
    assert phi_est == pytest.approx(max(1.0, S.overdispersion(y, n).phi))


# ---- empirical-Bayes shrinkage -------------------------------------------------------------------


def test_shrinkage_moments_by_hand() -> None:
    fit = S.eb_shrink([2, 5, 8], [20, 20, 20], method="mom")
    # mu = 0.25; S = 0.9; rho = (0.9 / 0.1875 - 2) / (60 - 20 - 2) = 2.8 / 38
    size = 38 / 2.8 - 1
    assert fit.alpha == pytest.approx(0.25 * size)
    assert fit.beta == pytest.approx(0.75 * size)
    u = fit.units
    np.testing.assert_allclose(u["post_mean"], (u["y"] + fit.alpha) / (u["n"] + size))
    np.testing.assert_allclose(u["post_low"], beta_dist.ppf(0.025, u["y"] + fit.alpha,
                                                            u["n"] - u["y"] + fit.beta))


def test_shrinkage_mle_maximises_likelihood_and_pulls_to_mean() -> None:
    rng = np.random.default_rng(3)
    n = rng.integers(2, 300, size=40)
    y = rng.binomial(n, rng.beta(3, 9, size=40))
    mle = S.eb_shrink(y, n)
    mom = S.eb_shrink(y, n, method="mom")
    assert mle.loglik >= mom.loglik - 1e-9
    for a, b in ((mle.alpha * 1.2, mle.beta), (mle.alpha, mle.beta * 0.8)):
        assert mle.loglik >= S.betabinom_loglik(y, n, a, b)
    u = mle.units
    m = mle.prior_mean
    assert (np.abs(u["post_mean"] - m) <= np.abs(u["raw"] - m) + 1e-12).all()
    # The smallest unit gives its own rate the least weight.
    assert u["weight"].idxmin() == int(np.argmin(n))


def test_shrinkage_without_overdispersion_pools_fully() -> None:
    y, n = [9, 10, 11, 10], [50, 50, 50, 50]  # less spread than binomial
    mom = S.eb_shrink(y, n, method="mom")
    assert mom.at_bound
    np.testing.assert_allclose(mom.units["post_mean"], 0.2, atol=1e-5)
    mle = S.eb_shrink(y, n)
    assert mle.prior_size > 1000
    np.testing.assert_allclose(mle.units["post_mean"], 0.2, atol=2e-3)


def test_shrinkage_input_errors() -> None:
    with pytest.raises(S.StatsError):
        S.eb_shrink([3], [10])
    with pytest.raises(S.StatsError):
        S.eb_shrink([0, 0], [10, 5])
    with pytest.raises(S.StatsError):
        S.eb_shrink([11, 2], [10, 5])
    with pytest.raises(S.StatsError):
        S.eb_shrink([1.5, 2], [10, 5])


@settings(max_examples=60, deadline=None)
@given(n=st.integers(min_value=1, max_value=200),
       ys=st.lists(st.integers(min_value=0, max_value=200), min_size=3, max_size=12),
       method=st.sampled_from(["mle", "mom"]))
def test_property_shrinkage_keeps_order_for_equal_n(n: int, ys: list[int], method: str) -> None:
    y = np.minimum(np.array(ys), n)
    if y.sum() in (0, n * len(y)):
        return  # pooled rate 0 or 1: rejected by design (tested above)
    fit = S.eb_shrink(y, np.full(len(y), n), method=method)
    u = fit.units.assign(order=np.argsort(np.argsort(y, kind="stable"), kind="stable"))
    srt = u.sort_values(["raw", "order"])
    assert srt["post_mean"].is_monotonic_increasing
    m = fit.prior_mean
    assert (np.abs(u["post_mean"] - m) <= np.abs(u["raw"] - m) + 1e-9).all()
    assert ((u["post_low"] <= u["post_mean"]) & (u["post_mean"] <= u["post_high"])).all()


# ---- count models -------------------------------------------------------------------------------


def _count_panel(seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for j in range(12):
        for year in range(2014, 2024):
            decisions = int(rng.integers(50, 3000))
            regime = "R1" if year < 2019 else "R2"
            rate = 0.04 * (1.5 if regime == "R2" else 1.0)
            rows.append({"jurisdiction_id": f"j{j}", "year": year, "regime": regime,
                         "outcome.total": decisions,
                         "review.total": rng.poisson(rate * decisions)})
    return pd.DataFrame(rows).set_index(["jurisdiction_id", "year"])


def test_poisson_glm_agrees_with_statsmodels_and_recovers_rate_ratio() -> None:
    panel = _count_panel()
    res = S.count_glm(panel, 'Q("review.total") ~ C(regime)', exposure="outcome.total")
    flat = panel.reset_index()
    direct = smf.glm('Q("review.total") ~ C(regime)', flat, family=sm.families.Poisson(),
                     offset=np.log(flat["outcome.total"])).fit()
    np.testing.assert_allclose(res.params.to_numpy(), direct.params.to_numpy(), rtol=1e-8)
    np.testing.assert_allclose(res.bse.to_numpy(), direct.bse.to_numpy(), rtol=1e-6)
    assert np.exp(res.params["Intercept"]) == pytest.approx(0.04, rel=0.05)
    assert np.exp(res.params["C(regime)[T.R2]"]) == pytest.approx(1.5, rel=0.05)


def test_glm_drops_zero_exposure_clusters_and_negbin() -> None:
    panel = _count_panel()
    panel.iloc[0, panel.columns.get_loc("outcome.total")] = 0
    panel.iloc[1, panel.columns.get_loc("outcome.total")] = np.nan
    res = S.count_glm(panel, 'Q("review.total") ~ C(regime)', exposure="outcome.total",
                      cluster="jurisdiction_id")
    assert res.nobs == len(panel) - 2
    assert res.cov_type == "cluster"
    nb = S.count_glm(panel, 'Q("review.total") ~ C(regime)', family="negbin",
                     exposure="outcome.total")
    assert "alpha" in nb.params.index
    assert np.exp(nb.params["C(regime)[T.R2]"]) == pytest.approx(1.5, rel=0.1)
    with pytest.raises(S.StatsError):
        S.count_glm(panel, 'Q("review.total") ~ 1', family="gamma")
    with pytest.raises(S.StatsError):
        S.count_glm(panel, 'Q("review.total") ~ 1', exposure="nope")


# ---- segmented regression ----------------------------------------------------------------------


def test_its_design_mixed_year() -> None:
    d = S.its_design(range(2017, 2022))
    row = d.set_index("year").loc[2019]
    assert row["post"] == pytest.approx(231 / 365)
    assert row["time_after"] == pytest.approx((231 / 365) ** 2 / 2)
    assert d.set_index("year").loc[2021, "time_after"] == pytest.approx(2.5 - 134 / 365)
    assert d["keep"].all()
    drop = S.its_design(range(2017, 2022), mixed_year="drop")
    assert drop["keep"].tolist() == [True, True, False, True, True]
    post = S.its_design(range(2017, 2022), mixed_year="post")
    assert post["post"].tolist() == [0, 0, 1, 1, 1]
    assert post["time_after"].tolist() == [0, 0, 0, 1, 2]
    with pytest.raises(S.StatsError):
        S.its_design([2019], mixed_year="half")


def _its_series(level: float = 50, slope: float = 2, jump: float = -8,
                slope_change: float = 3) -> pd.DataFrame:
    years = np.arange(2009, 2025)
    d = S.its_design(years)
    y = level + slope * d["time"] + jump * d["post"] + slope_change * d["time_after"]
    return pd.DataFrame({"year": years, "disclosure": y.to_numpy()})


def test_segmented_regression_recovers_level_and_slope_change() -> None:
    data = _its_series()
    res = S.segmented_regression(data, "disclosure")
    assert res.params["post"] == pytest.approx(-8)
    assert res.params["time_after"] == pytest.approx(3)
    assert res.params["time"] == pytest.approx(2)
    assert res.nobs == 16
    dropped = S.segmented_regression(data, "disclosure", mixed_year="drop")
    assert dropped.nobs == 15
    assert 2019 not in dropped.model.data.frame["year"].to_numpy()
    assert dropped.params["post"] == pytest.approx(-8)


def test_segmented_regression_agrees_with_ols_on_noisy_panel() -> None:
    rng = np.random.default_rng(5)
    parts = []
    for j in range(5):
        s = _its_series(level=40 + 10 * j)
        s["disclosure"] += rng.normal(0, 2, len(s))
        s["jurisdiction_id"] = f"j{j}"
        parts.append(s)
    panel = pd.concat(parts).set_index(["jurisdiction_id", "year"])
    res = S.segmented_regression(panel, "disclosure", unit="jurisdiction_id")
    flat = panel.reset_index()
    d = S.its_design(flat["year"])
    flat = flat.assign(time=d["time"], post=d["post"], time_after=d["time_after"])
    direct = smf.ols("disclosure ~ time + post + time_after + C(jurisdiction_id)", flat).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(flat["jurisdiction_id"])[0]})
    np.testing.assert_allclose(res.params.to_numpy(), direct.params.to_numpy(), rtol=1e-8)
    np.testing.assert_allclose(res.bse.to_numpy(), direct.bse.to_numpy(), rtol=1e-8)
    assert res.params["post"] == pytest.approx(-8, abs=3)


def test_segmented_poisson_with_exposure() -> None:
    rng = np.random.default_rng(9)
    years = np.arange(2009, 2025)
    d = S.its_design(years)
    exposure = rng.integers(5000, 20000, len(years))
    mu = exposure * np.exp(-3 + 0.02 * d["time"] + 0.4 * d["post"])
    data = pd.DataFrame({"year": years, "review.total": rng.poisson(mu),
                         "outcome.total": exposure})
    res = S.segmented_regression(data, "review.total", family="poisson",
                                 exposure="outcome.total")
    assert res.params["post"] == pytest.approx(0.4, abs=0.1)
    assert isinstance(res.model.family, sm.families.Poisson)


def test_doctests() -> None:
    result = doctest.testmod(S, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
