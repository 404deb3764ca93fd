"""govstats.analysis.metrics: hand-computed rates, agreement with statsmodels, property tests."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chi2
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.rates import confint_poisson

import govstats.analysis.metrics as M
from govstats.catalogue.indicators import catalogue
from govstats.errors import ConfigError
from govstats.panel import wide

# Reconsideration: 61 cases, 30 upheld, 10 corrected, 6 other, 15 pending (the example).
REVIEW_R2 = {"regime": "R2", "review.upheld": 30, "review.corrected": 10, "review.other": 6,
             "review.pending": 15, "review.total": 61}

# An R2 answer table: 100 decisions.
OUTCOMES_R2 = {
    "regime": "R2", "requests.new": 90, "requests.carried_in": 15, "requests.carried_out": 5,
    "outcome.total": 100, "outcome.granted": 40, "outcome.partial": 10, "outcome.denied": 15,
    "outcome.unable": 20, "outcome.unable.not_held": 12, "outcome.not_processed": 5,
    "outcome.other": 10, "review.total": 7, "litigation.total": 3,
}

# An R1 answer table: the eight answer rows sum to 40 decisions.
OUTCOMES_R1 = {
    "regime": "R1", "outcome.already_public": 5, "outcome.granted": 20, "outcome.partial": 3,
    "outcome.denied": 2, "outcome.not_this_agency": 4, "outcome.not_exist": 3,
    "outcome.amend_notice": 2, "outcome.other_channel": 1, "outcome.answered": 41,
    "review.total": 6, "review.upheld": 4, "review.corrected": 1, "review.other": 1,
    "litigation.total": 2, "litigation.upheld": 2, "litigation.corrected": 0,
    "litigation.other": 0,
}


def one(row: dict, metric: str, **kw: object) -> pd.Series:
    return M.compute(pd.DataFrame([row]), metric, **kw).iloc[0]


def test_correction_rates_by_hand() -> None:
    c1 = one(REVIEW_R2, "review.correction.C1")
    c2 = one(REVIEW_R2, "review.correction.C2")
    c3 = one(REVIEW_R2, "review.correction.C3")
    other = one(REVIEW_R2, "review.other_share")
    assert round(c1["rate"] * 100, 1) == 16.4
    assert round(c2["rate"] * 100, 1) == 21.7
    assert (c1["numerator"], c1["denominator"]) == (10, 61)
    assert (c2["numerator"], c2["denominator"]) == (10, 46)
    assert (c3["numerator"], c3["denominator"], c3["rate"]) == (10, 40, 0.25)
    assert other["rate"] == pytest.approx(6 / 46)
    assert pd.isna(c2["reason"])


def test_family_name_gives_its_default() -> None:
    assert M.get_metric("review.correction").name == "review.correction.C2"
    assert M.get_metric("disclosure").name == "disclosure.G1"
    assert one(REVIEW_R2, "review.correction")["rate"] == pytest.approx(10 / 46)


def test_litigation_blocks_and_pooled() -> None:
    row = {"regime": "R3",
           "litigation.direct.upheld": 5, "litigation.direct.corrected": 2,
           "litigation.direct.other": 1, "litigation.direct.pending": 2,
           "litigation.direct.total": 10,
           "litigation.after_review.upheld": 3, "litigation.after_review.corrected": 1,
           "litigation.after_review.other": 0, "litigation.after_review.pending": 4,
           "litigation.after_review.total": 8,
           "litigation.upheld": 8, "litigation.corrected": 3, "litigation.other": 1,
           "litigation.pending": 6, "litigation.total": 18}
    assert one(row, "litigation.direct.correction.C2")["rate"] == pytest.approx(2 / 8)
    assert one(row, "litigation.after_review.correction.C2")["rate"] == pytest.approx(1 / 4)
    assert one(row, "litigation.after_review.correction.C3")["rate"] == pytest.approx(1 / 4)
    assert one(row, "litigation.correction.C1")["rate"] == pytest.approx(3 / 18)
    assert one(row, "litigation.correction.C2")["rate"] == pytest.approx(3 / 12)
    assert one(row, "litigation.correction.C3")["rate"] == pytest.approx(3 / 11)
    assert one(row, "litigation.other_share")["rate"] == pytest.approx(1 / 12)


def test_disclosure_and_outcome_rates_r2_by_hand() -> None:
    assert one(OUTCOMES_R2, "disclosure.G1")["rate"] == pytest.approx(0.5)
    assert one(OUTCOMES_R2, "disclosure.G2")["rate"] == pytest.approx(0.4)
    g3 = one(OUTCOMES_R2, "disclosure.G3")
    assert g3["denominator"] == 65
    assert g3["rate"] == pytest.approx(50 / 65)
    assert one(OUTCOMES_R2, "not_held")["rate"] == pytest.approx(0.12)
    assert one(OUTCOMES_R2, "not_processed")["rate"] == pytest.approx(0.05)
    assert one(OUTCOMES_R2, "carry_over")["rate"] == pytest.approx(5 / 105)
    esc = one(OUTCOMES_R2, "escalation.review")
    assert esc["rate"] == pytest.approx(7.0)
    assert one(OUTCOMES_R2, "escalation.litigation")["rate"] == pytest.approx(3.0)


def test_r1_decisions_are_the_eight_answer_rows_and_only_c1_exists() -> None:
    g1 = one(OUTCOMES_R1, "disclosure.G1")
    assert g1["denominator"] == 40  # not the printed 申请答复数 (41)
    assert g1["rate"] == pytest.approx(23 / 40)
    assert one(OUTCOMES_R1, "disclosure.G2")["rate"] == pytest.approx(0.5)
    assert one(OUTCOMES_R1, "escalation.review")["rate"] == pytest.approx(15.0)
    assert one(OUTCOMES_R1, "review.correction.C1")["rate"] == pytest.approx(1 / 6)
    assert one(OUTCOMES_R1, "litigation.correction.C1")["rate"] == 0.0
    for name in ("review.correction.C2", "review.correction.C3", "litigation.correction.C2",
                 "disclosure.G3", "not_held", "carry_over"):
        r = one(OUTCOMES_R1, name)
        assert math.isnan(r["rate"])
        assert r["reason"] == "not defined for R1"
    assert one({**REVIEW_R2, "regime": "R0"}, "review.correction.C1")["reason"] == (
        "not defined for R0")


def test_missing_terms_and_zero_denominator_give_nan_with_reason() -> None:
    row = {**OUTCOMES_R1, "outcome.amend_notice": np.nan}
    r = one(row, "disclosure.G1")
    assert math.isnan(r["rate"])
    assert r["reason"] == "missing denominator: outcome.amend_notice"
    r = one({k: v for k, v in REVIEW_R2.items() if k != "review.corrected"},
            "review.correction.C2")
    assert r["reason"] == "missing numerator: review.corrected"
    r = one({**REVIEW_R2, "review.total": 15, "review.corrected": 0, "review.upheld": 0,
             "review.other": 0}, "review.correction.C2")
    assert math.isnan(r["rate"]) and r["reason"] == "zero denominator"
    assert math.isnan(r["ci_low"]) and math.isnan(r["ci_high"])
    r = one({**REVIEW_R2, "review.pending": 70}, "review.correction.C2")
    assert r["reason"] == "negative denominator"
    r = one({**REVIEW_R2, "review.corrected": 50}, "review.correction.C2")
    assert r["reason"] == "numerator exceeds denominator"
    r = one({**REVIEW_R2, "regime": None}, "review.correction.C1")
    assert r["reason"] == "regime unknown"


def test_intervals_agree_with_statsmodels() -> None:
    frame = pd.DataFrame([REVIEW_R2, {**REVIEW_R2, "review.corrected": 0}])
    for ci, method in (("wilson", "wilson"), ("beta", "beta"), ("clopper-pearson", "beta")):
        out = M.compute(frame, "review.correction.C2", ci=ci, alpha=0.1)
        low, high = proportion_confint([10, 0], [46, 46], alpha=0.1, method=method)
        np.testing.assert_allclose(out["ci_low"], low)
        np.testing.assert_allclose(out["ci_high"], high)
        assert out["method"].tolist() == [method, method]
    auto = M.compute(frame, "review.correction.C2", ci="auto")
    assert auto["method"].tolist() == ["wilson", "beta"]  # Clopper–Pearson for a count of 0
    none = M.compute(frame, "review.correction.C2", ci=None)
    assert none["ci_low"].isna().all() and none["method"].isna().all()


def test_per100_interval_is_exact_poisson() -> None:
    r = one(OUTCOMES_R1, "escalation.review")
    low, high = confint_poisson(6, 40, method="exact-c")
    assert r["ci_low"] == pytest.approx(100 * low)
    assert r["ci_high"] == pytest.approx(100 * high)
    # Garwood by hand: chi-square quantiles of 2k and 2(k+1) degrees of freedom.
    assert r["ci_low"] == pytest.approx(100 * chi2.ppf(0.025, 12) / 2 / 40)
    assert r["ci_high"] == pytest.approx(100 * chi2.ppf(0.975, 14) / 2 / 40)
    assert r["method"] == "poisson-exact"


def test_index_and_regime_argument() -> None:
    idx = pd.MultiIndex.from_tuples([("a", 2019), ("a", 2020)], names=["jurisdiction_id", "year"])
    frame = pd.DataFrame([REVIEW_R2, REVIEW_R2], index=idx).drop(columns="regime")
    out = M.compute(frame, "review.correction.C2", regime="R3")
    assert out.index.equals(idx)
    assert out["regime"].tolist() == ["R3", "R3"]
    with pytest.raises(M.MetricError, match="regime"):
        M.compute(frame, "review.correction.C2")
    with pytest.raises(M.MetricError, match="unknown metric"):
        M.compute(frame, "review.correction.C9", regime="R2")
    with pytest.raises(M.MetricError, match="ci="):
        M.compute(frame, "review.correction.C2", regime="R2", ci="normal")


def test_compute_many_stacks_defaults() -> None:
    frame = pd.DataFrame([OUTCOMES_R2, OUTCOMES_R1])
    out = M.compute_many(frame, defaults_only=True)
    defaults = M.list_metrics().query("default")["name"].tolist()
    assert sorted(out["metric"].unique()) == sorted(defaults)
    assert len(out) == 2 * len(defaults)
    assert (out["rate"].notna() | out["reason"].notna()).all()


def test_catalogue_table_and_codes() -> None:
    table = M.list_metrics()
    assert {"name", "family", "variant", "default", "kind", "regimes", "numerator",
            "denominator", "zh", "en"} <= set(table.columns)
    assert table.groupby("family")["default"].sum().eq(1).all()
    c2 = table.set_index("name").loc["review.correction.C2"]
    assert c2["denominator"] == "review.total − review.pending"
    assert c2["regimes"] == "R2 R3"
    g1 = table.set_index("name").loc["disclosure.G1"]
    assert g1["denominator"].startswith("R1: outcome.already_public + outcome.granted")
    cat = catalogue()
    for m in M.metrics().values():
        for exprs in (m.numerator, m.denominator):
            assert set(exprs) == set(m.regimes)
            assert all(code in cat for e in exprs.values() for code in e.codes)
    assert "R1" in M.terms()["decisions"]


def test_expression_parser() -> None:
    e = M.Expression.parse("a.b + c_d.e - f", None)
    assert e.terms == ((1, "a.b"), (1, "c_d.e"), (-1, "f"))
    e = M.Expression.parse("$x - c", {"x": "a + b"})
    assert e.terms == ((1, "a"), (1, "b"), (-1, "c"))
    assert M.Expression.parse("- $x", {"x": "a - b"}).terms == ((-1, "a"), (1, "b"))
    for bad in ("a b", "a + ", "$y", "A.B", ""):
        with pytest.raises(ConfigError):
            M.Expression.parse(bad, {"x": "a"})


def test_labels_of_other_quantities_are_neither_metrics_nor_indicators() -> None:
    labels = M.labels()
    assert {"rate", "n", "share", "target", "limit_95", "limit_99.8", "raw", "shrunk",
            "prior_mean", "interval"} <= set(labels)  # fmt: skip
    assert not set(labels) & (set(M.metrics()) | set(catalogue()))
    assert all(zh and en for zh, en in labels.values())


def test_metric_regimes_are_the_layouts_regimes() -> None:
    from govstats.catalogue.layouts import regimes

    for m in M.metrics().values():
        assert set(m.regimes) <= set(regimes())
    with pytest.raises(M.MetricError, match=r"R9.*\('R0', 'R1', 'R2', 'R3'\)"):
        M.compute(pd.DataFrame({"review.total": [1]}), "review.correction.C1", regime="R9")


def test_doctests() -> None:
    result = doctest.testmod(M)
    assert result.attempted > 0 and result.failed == 0


counts = st.integers(min_value=0, max_value=500)


@settings(max_examples=200, deadline=None)
@given(corrected=counts, upheld=counts, other=counts, pending=counts,
       ci=st.sampled_from(["wilson", "beta", "auto"]),
       variant=st.sampled_from(["C1", "C2", "C3"]))
def test_property_correction_rates(corrected: int, upheld: int, other: int, pending: int,
                                   ci: str, variant: str) -> None:
    total = corrected + upheld + other + pending
    row = {"regime": "R3", "review.corrected": corrected, "review.upheld": upheld,
           "review.other": other, "review.pending": pending, "review.total": total}
    r = one(row, f"review.correction.{variant}", ci=ci)
    den = {"C1": total, "C2": total - pending, "C3": upheld + corrected}[variant]
    if den == 0:
        assert math.isnan(r["rate"]) and r["reason"] == "zero denominator"
        return
    assert r["rate"] == pytest.approx(corrected / den)
    assert 0.0 <= r["ci_low"] <= r["rate"] <= r["ci_high"] <= 1.0
    assert pd.isna(r["reason"])


@settings(max_examples=150, deadline=None)
@given(values=st.lists(st.one_of(st.none(), counts), min_size=7, max_size=7),
       name=st.sampled_from(["disclosure.G1", "disclosure.G2", "disclosure.G3", "not_held",
                             "not_processed", "escalation.review"]))
def test_property_nan_always_has_a_reason(values: list[int | None], name: str) -> None:
    codes = ["outcome.total", "outcome.granted", "outcome.partial", "outcome.unable",
             "outcome.unable.not_held", "outcome.not_processed", "outcome.other"]
    row = {"regime": "R2", **{c: (np.nan if v is None else v) for c, v in zip(
        codes, values, strict=True)}, "review.total": 3}
    r = one(row, name)
    if math.isnan(r["rate"]):
        assert isinstance(r["reason"], str) and r["reason"]
    else:
        assert pd.isna(r["reason"])
        assert r["ci_low"] <= r["rate"] <= r["ci_high"]
        if M.get_metric(name).kind == "proportion":
            assert 0.0 <= r["rate"] <= 1.0


# ------------------------------------------------------------------ consistency and policies


HONGZE = ("cn-320813", 2023)  # 10 upheld + 1 corrected, 总计 printed 0 (t4.review fails)
ZONE_2020 = ("cn-350128-ptsyq", 2020)  # outcome rows add up to 27, （七）总计 printed 21


@pytest.fixture(scope="module")
def bundled() -> pd.DataFrame:
    import govstats

    return govstats.load_panel()


def _three(panel: pd.DataFrame, policy: str) -> pd.DataFrame:
    return pd.DataFrame({v: M.compute(panel, f"review.correction.{v}", policy=policy)
                         .loc[HONGZE] for v in ("C1", "C2", "C3")}).T


def test_the_three_correction_rates_of_an_inconsistent_table_agree_under_each_policy(
    bundled: pd.DataFrame,
) -> None:
    # every rate carries the check that failed on its cells
    for policy in M.POLICIES:
        rows = _three(bundled, policy)
        assert set(rows["checks"]) == {"t4.review"}, policy
        assert not rows["consistent"].any() and set(rows["policy"]) == {policy}
    # parts: the total the identity fixes (10 + 1 + 0 + 0 = 11) is used, and said so
    parts = _three(bundled, "parts")
    assert parts["rate"].tolist() == pytest.approx([1 / 11] * 3)
    assert parts.loc["C1", "adjusted"] == "review.total 0 → 11 (t4.review)"
    assert parts.loc["C3", "adjusted"] == ""  # C3 does not use the total
    # exclude: no rate, one reason for all three
    excl = _three(bundled, "exclude")
    assert excl["rate"].isna().all()
    assert set(excl["reason"]) == {"inconsistent table: t4.review"}
    # printed: as printed (a zero total gives no C1, C2), flagged all the same
    printed = _three(bundled, "printed")
    assert printed["reason"].tolist()[:2] == ["zero denominator"] * 2
    assert printed.loc["C3", "rate"] == pytest.approx(1 / 11)


def test_a_rate_from_an_inconsistent_table_carries_its_check(bundled: pd.DataFrame) -> None:
    w = wide(bundled, by="indicator")
    printed = M.compute(w, "disclosure.G1").loc[ZONE_2020]
    assert (printed["numerator"], printed["denominator"]) == (13, 21)
    assert printed["checks"] == "t3.outcomes" and not printed["consistent"]
    parts = M.compute(w, "disclosure.G1", policy="parts").loc[ZONE_2020]
    assert parts["denominator"] == 27 and parts["adjusted"] == "outcome.total 21 → 27 (t3.outcomes)"
    # a consistent table: "" (checked, nothing failed)
    clean = M.compute(w, "disclosure.G1").loc[("cn-350128-ptsyq", 2021)]
    assert clean["checks"] == "" and bool(clean["consistent"])
    # a filtered frame keeps what wide() knows
    sub = w[w["regime"].isin(["R2", "R3"])]
    assert M.compute(sub, "disclosure.G1").loc[ZONE_2020, "checks"] == "t3.outcomes"


def test_checks_unknown_on_a_frame_not_made_by_wide() -> None:
    frame = pd.DataFrame({"regime": ["R2"], "review.corrected": [1], "review.total": [4],
                          "review.pending": [0]})
    out = M.compute(frame, "review.correction.C2")
    assert pd.isna(out.loc[0, "checks"]) and pd.isna(out.loc[0, "consistent"])
    with pytest.raises(M.MetricError, match="policy"):
        M.compute(frame, "review.correction.C2", policy="ignore")


# ------------------------------------------------------------------ pooling like with like


def _t4_panel(rows: list[tuple[str, str, str | None, str, str, int, tuple[int, ...]]]
              ) -> pd.DataFrame:
    """A long panel of table 四's reconsideration block: (report, body, parent, level,
    scope, year, (upheld, corrected, other, pending, total))."""
    out = []
    for rid, jid, parent, level, scope, year, figures in rows:
        for part, v in zip(("upheld", "corrected", "other", "pending", "total"), figures,
                           strict=True):
            out.append({"report_id": rid, "jurisdiction_id": jid, "jurisdiction": jid,
                        "parent_id": parent, "level": level, "scope": scope, "year": year,
                        "regime": "R3", "indicator": f"review.{part}", "applicant": "total",
                        "value": float(v), "derived": False, "checks": None,
                        "location": '{"table_id":"t4"}'})
    return pd.DataFrame(out)


CITY = ("city-2022", "cn-350300", "cn-350000", "prefecture", "jurisdiction", 2022,
        (6, 3, 1, 0, 10))
DEPT_A = ("a-2022", "cn-350300-a", "cn-350300", "department", "own", 2022, (2, 2, 0, 0, 4))
DEPT_B = ("b-2022", "cn-350300-b", "cn-350300", "department", "own", 2022, (4, 1, 1, 0, 6))
DEPT_C = ("c-2022", "cn-350300-c", "cn-350300", "department", "own", 2022, (2, 2, 0, 0, 4))


def test_pooling_never_adds_a_whole_jurisdiction_to_its_own_departments() -> None:
    panel = _t4_panel([CITY, DEPT_A, DEPT_B])
    by_level = M.pool(panel, "review.correction.C2")
    got = {(r.level, r.scope): (r.numerator, r.denominator) for r in by_level.itertuples()}
    assert got == {("department", "own"): (3, 10), ("prefecture", "jurisdiction"): (3, 10)}
    with pytest.raises(M.MetricError, match="cn-350300 reports on its whole jurisdiction"):
        M.pool(panel, "review.correction.C2", by=["year"])
    both = M.pool(panel, "review.correction.C2", by=["year"], nested="allow")
    assert (both.loc[0, "numerator"], both.loc[0, "denominator"], both.loc[0, "bodies"]) == (
        6, 20, 3)
    assert M.containing(M.as_wide(panel), ["cn-350300", "cn-350300-b"]) == [
        ("cn-350300", "cn-350300-b")]


def test_a_table_copied_by_two_bodies_is_counted_once() -> None:
    panel = _t4_panel([DEPT_A, DEPT_B, DEPT_C])  # c prints a's table 四 figure for figure
    from govstats.panel import copied_tables

    copies = copied_tables(panel)
    assert copies[["report_id", "copy_of", "table_id"]].values.tolist() == [
        ["c-2022", "a-2022", "t4"]]
    once = M.pool(panel, "review.correction.C2")
    assert (once.loc[0, "numerator"], once.loc[0, "denominator"]) == (3, 10)
    assert once.loc[0, "excluded"] == "c-2022:t4" and once.loc[0, "bodies"] == 2
    kept = M.pool(panel, "review.correction.C2", copies="keep")
    assert (kept.loc[0, "numerator"], kept.loc[0, "denominator"]) == (5, 14)
    assert kept.loc[0, "rate"] == pytest.approx(5 / 14)
    lo, hi = proportion_confint(5, 14, method="wilson")
    assert (kept.loc[0, "ci_low"], kept.loc[0, "ci_high"]) == pytest.approx((lo, hi))
