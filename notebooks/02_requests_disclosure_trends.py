# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 02 · Requests and disclosure over time / 依申请公开的趋势
#
# Requests received, carried over, how they were answered, and whether the 2019 rule change
# (revised Regulations in force **15 May 2019**) shows in the counts — on the bundled panel.
#
# **Definitions** (`catalogue/metrics.yaml`; D = decisions):
#
# * new requests = `requests.new` (R2/R3 本年新收; R1 收到申请数; R0 受理…总数 of the local
#   template); carried in / out = `requests.carried_in` / `requests.carried_out` (R2/R3 only).
# * D: R2/R3 the printed （七）总计 `outcome.total`; R1 the sum of the eight answer rows
#   (already public, granted, partial, denied, not this agency's, does not exist, told to
#   amend, referred elsewhere) — **not** the printed 申请答复数.
# * G1 = (granted + partial) / D (default); G2 = granted / D;
#   G3 = (granted + partial) / (D − unable − not processed − other), R2/R3 only.
#   R0 tables have no comparable decision total: no rate is computed for R0.
# * Intervals: Wilson 95 % (Clopper–Pearson in notebook 03).  A rate with a zero or blank
#   denominator is NaN with a reason, never 0.

# %%
import numpy as np
import pandas as pd
from IPython.display import display
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

import govstats
import govstats.analysis.plotting as gp
from govstats.analysis import metrics, stats
from govstats.analysis.notebooks import default_figures_dir
from govstats.panel.crosswalk import crosswalk

gp.use_paper_style()
FIGURES = default_figures_dir()
pd.set_option("display.width", 160)
pd.set_option("display.max_rows", 200)
ZONE = "cn-350128-ptsyq"

panel = govstats.load_panel()
w = govstats.wide(panel, by="indicator")
names = panel.sort_values("year").groupby("jurisdiction_id")["jurisdiction"].last()
level = panel.groupby("jurisdiction_id")["level"].first().astype(str)
jid = w.index.get_level_values("jurisdiction_id")
w["jurisdiction"] = [names[j].removeprefix("平潭综合实验区") or names[j] for j in jid]
w["level"] = level.reindex(jid).to_numpy()
print(f"{len(w)} body-years, {jid.nunique()} bodies")


def mark_breaks(ax) -> None:
    """The regime breaks as in govstats.analysis.plotting: 2019 shaded, 2014 and 2021 dashed."""
    for year in gp.REGIME_BREAKS:
        if year == gp.MIXED_YEAR:
            ax.axvspan(year - 0.5, year + 0.5, color="0.88", lw=0, zorder=0)
        else:
            ax.axvline(year - 0.5, color="0.45", lw=0.7, ls=(0, (4, 2)), zorder=0)


# %% [markdown]
# ## Comparability of the series / 口径可比性
#
# The crosswalk (`catalogue/crosswalk.csv`) links each regime's printed indicator to a
# harmonised concept and says how comparable it is.  Before 2019 (R0 here) requests were
# counted under local templates; outcome categories changed completely in 2019.

# %%
CONCEPTS = ["requests.new", "requests.carried_in", "requests.carried_out", "outcome.total",
            "outcome.granted", "outcome.partial", "outcome.denied", "outcome.unable",
            "outcome.not_processed", "outcome.other"]
links = pd.DataFrame([{"concept": ln.concept, "regime": ln.regime, "indicator": ln.indicator,
                       "comparability": ln.comparability, "caveat": ln.caveat_en}
                      for ln in crosswalk().values() if ln.concept in CONCEPTS])
flags = (links.assign(cell=links["indicator"] + " (" + links["comparability"] + ")")
         .pivot_table(index="concept", columns="regime", values="cell", aggfunc="; ".join)
         .reindex(CONCEPTS).fillna("—"))
print(flags.to_string())
print()
for _, row in links[links["comparability"] != "same"].sort_values(["concept", "regime"]
                                                                   ).iterrows():
    print(f"{row['regime']} {row['indicator']}: {row['caveat']}")

# %% [markdown]
# ## New requests per body / 各机构新收申请数
#
# Bodies with at least five years of `requests.new` and at least one request (bodies whose
# series is all zero are listed, not drawn); each panel has its own y axis (the zone
# receives tens to hundreds of requests a year, most departments none or a handful).
# R0 counts (before 2019 here) are *comparable with caveat* (see the table above).

# %%
by_body = w["requests.new"].groupby(level="jurisdiction_id")
n_years, n_requests = by_body.count(), by_body.sum()
long_series = n_years[(n_years >= 5) & (n_requests > 0)].index
print("left out, all zero:", [names[j] for j in n_years[(n_years >= 5) & (n_requests == 0)].index])
trend = w.loc[w.index.get_level_values("jurisdiction_id").isin(long_series)]
print(trend["requests.new"].unstack("year").to_string())
fig = gp.plot_trends(trend, "requests.new", title="jurisdiction", ncols=4, sharey=False,
                     lang="both", ylabel="新收申请数 / New requests")
gp.save_figure(fig, "requests_new_trends", out_dir=FIGURES)
display(fig)

# %% [markdown]
# ## The zone: new, carried in and carried over / 实验区：新收、上年结转与结转下年
#
# Carry-over exists only in the 2019+ forms.  Where a year is blank the report printed no such
# row; it is not a zero.

# %%
zone = w.xs(ZONE, level="jurisdiction_id")
cols = ["regime", "requests.new", "requests.carried_in", "requests.carried_out",
        "outcome.total"]
print(zone[cols].to_string())
fig = Figure(figsize=(5.2, 3.0), layout="constrained")
ax = fig.add_subplot()
for k, (code, text) in enumerate([("requests.new", "新收 / new"),
                                  ("requests.carried_in", "上年结转 / carried in"),
                                  ("requests.carried_out", "结转下年 / carried out")]):
    series = zone[code].reindex(range(zone.index.min(), zone.index.max() + 1))
    ax.plot(series.index, series.to_numpy(), color=gp.PALETTE[k], marker=gp.MARKERS[k],
            ls=gp.LINESTYLES[k], label=text)
mark_breaks(ax)
ax.set_xlabel(gp.label("year", "both"))
ax.set_ylabel("申请数（件）/ Requests")
ax.set_title("平潭综合实验区：申请数 / Pingtan zone: requests by year", loc="left")
ax.legend()
gp.save_figure(fig, "requests_zone", out_dir=FIGURES)
display(fig)

# %% [markdown]
# ## Disclosure rates G1, G2, G3 / 公开率
#
# Every body-year with a rate.  The R1 row (临沂市 2017) uses the R1 denominator: the sum of
# the eight answer rows, not the printed 申请答复数; G3 does not exist for R1.  A rate is NaN
# with its reason when the denominator is zero or blank, or when the numerator exceeds it
# (the printed sections do not add up to （七）总计: a validation finding, not a rate).

# %%
rates = {m: metrics.compute(w, f"disclosure.{m}", ci="wilson") for m in ("G1", "G2", "G3")}
table = pd.concat({m: r[["numerator", "denominator", "rate", "ci_low", "ci_high"]]
                   for m, r in rates.items()}, axis=1)
table = table[table[("G1", "rate")].notna()].round(3)
table.insert(0, ("body", ""), w.loc[table.index, "jurisdiction"].to_numpy())
print(table.to_string())
print()
print("why G1 is NaN:", rates["G1"]["reason"].value_counts().to_dict())
print("why G3 is NaN:", rates["G3"]["reason"].value_counts().to_dict())

# %%
SHORT = {"G1": "G1 (予以+部分公开)/总计 / (granted+partial)/D",
         "G2": "G2 予以公开/总计 / granted/D",
         "G3": "G3 实体公开率 / on the merits"}
fig = Figure(figsize=(5.2, 3.0), layout="constrained")
ax = fig.add_subplot()
for k, m in enumerate(("G1", "G2", "G3")):
    r = rates[m].xs(ZONE, level="jurisdiction_id").dropna(subset=["rate"])
    x = r.index.to_numpy(dtype=float) + (k - 1) * 0.18
    ax.errorbar(x, r["rate"], yerr=[r["rate"] - r["ci_low"], r["ci_high"] - r["rate"]],
                color=gp.PALETTE[k], marker=gp.MARKERS[k], ls=gp.LINESTYLES[k], lw=1,
                capsize=1.5, label=SHORT[m])
mark_breaks(ax)
ax.set_ylim(0, 1)
ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
ax.set_xlabel(gp.label("year", "both"))
ax.set_ylabel("公开率 / Disclosure rate (95% Wilson)")
ax.set_title("平潭综合实验区：公开率 G1/G2/G3 / Pingtan zone: disclosure rates",
             loc="left")
years_with_rate = rates["G1"].xs(ZONE, level="jurisdiction_id").dropna(subset=["rate"]).index
ax.set_xlim(min(years_with_rate) - 0.7, max(years_with_rate) + 0.7)
fig.legend(loc="outside lower center", ncols=3, fontsize=6)
gp.save_figure(fig, "disclosure_rates_zone", out_dir=FIGURES)
display(fig)

# %% [markdown]
# ## Outcome shares / 办理结果构成
#
# 100 %-stacked shares of the six R2/R3 outcome sections (granted, partly granted, denied,
# unable to provide, not processed, other) of D.  A year with a blank section is left out.
# Second figure: the zone's departments pooled per year — counts are added **only within one
# level** (departments), never across the zone government and its departments.

# %%
OUTCOMES = list(gp.OUTCOME_CODES)
zone_r23 = zone[zone["regime"].isin(["R2", "R3"])].assign(year=lambda d: d.index.astype(str))
print(zone_r23[[*OUTCOMES, "outcome.total"]].to_string())
fig = gp.plot_outcome_shares(zone_r23, row_label="year", lang="both",
                             title="平潭综合实验区：办理结果构成 / Pingtan zone: outcome shares")
gp.save_figure(fig, "outcome_shares_zone", out_dir=FIGURES)
display(fig)

# %%
depts = w[(w["level"] == "department") & w["regime"].isin(["R2", "R3"])
          & (w.index.get_level_values("jurisdiction_id").str.startswith(ZONE + "-"))]
complete = depts[OUTCOMES].notna().all(axis=1)
pooled = depts.loc[complete, OUTCOMES].groupby(level="year").sum()
pooled["departments"] = complete.groupby(level="year").sum()
pooled["year"] = pooled.index.astype(str)
print(pooled.to_string())
fig = gp.plot_outcome_shares(pooled, row_label="year", lang="both",
                             title="实验区各部门合计：办理结果构成 / "
                                   "Zone departments pooled: outcome shares")
gp.save_figure(fig, "outcome_shares_departments", out_dir=FIGURES)
display(fig)

# %% [markdown]
# ## Did requests rise after 2019? A count model / 2019 年后申请数是否上升
#
# Poisson GLM of each body's yearly new requests on `post` (the share of the year under the
# new Regulations: 0 before 2019, 231/365 in 2019, 1 after) with body fixed effects and
# standard errors clustered by body (robust to overdispersion); the zone and its departments
# with at least one request in the panel.  A negative-binomial model without fixed effects is
# the sensitivity check.
#
# **What the data can support.** The rule change and the change of form happen in the same
# year: before 2019 these bodies used the Fujian R0 template (受理数), after it the national
# form (本年新收).  A jump at 2019 is therefore the joint effect of the new rules, the new form
# and whatever else changed; it is not the causal effect of the Regulations.  There is no
# control group (every body changed at once).

# %%
sub = w[w.index.get_level_values("jurisdiction_id").str.startswith(ZONE)]
sub = sub[["regime", "requests.new"]].dropna()
sub = sub[sub.groupby(level="jurisdiction_id")["requests.new"].transform("sum") > 0]
sub = sub.reset_index()
sub["post"] = stats.its_design(sub["year"])["post"].to_numpy()
print(f"{sub['jurisdiction_id'].nunique()} bodies, {len(sub)} body-years, "
      f"{int((sub['year'] < 2019).sum())} before 2019")
fe = stats.count_glm(sub, 'Q("requests.new") ~ post + C(jurisdiction_id)',
                     family="poisson", cluster="jurisdiction_id")
nb = stats.count_glm(sub, 'Q("requests.new") ~ post', family="negbin",
                     cluster="jurisdiction_id")
glm = pd.DataFrame({
    "model": ["Poisson + body FE", "NB2, no FE"],
    "post (log rate ratio)": [fe.params["post"], nb.params["post"]],
    "ci_low": [fe.conf_int().loc["post", 0], nb.conf_int().loc["post", 0]],
    "ci_high": [fe.conf_int().loc["post", 1], nb.conf_int().loc["post", 1]],
    "n": [int(fe.nobs), int(nb.nobs)],
})
glm["rate ratio"] = np.exp(glm["post (log rate ratio)"])
print(glm.round(3).to_string(index=False))
print("NB2 converged:", bool(nb.mle_retvals.get("converged")), "alpha =",
      round(float(nb.params["alpha"]), 3))

# %% [markdown]
# ## Segmented regression on the zone's series / 实验区的分段回归
#
# `requests.new` of 平潭综合实验区, Poisson, `log E[y] = a + b·time + c·post + d·time_after`
# (`time` = year − 2019; `post` the jump at 15 May 2019; `time_after` the change of slope).
# 2019 enters with 231/365 of a year under the new rules ("partial"); the sensitivity check
# leaves 2019 out ("drop").
#
# **An honest note on n.** One yearly point per year (counted below) for 4 parameters, and the
# pre-2019 points are (almost) all zero under the R0 template.  The pre-2019 level and slope
# are barely identified, the estimates move a lot between the two codings of 2019, and the
# intervals are wide.  Read the figure as a description of one series, not as an estimate of
# an effect.

# %%
fits = {mix: stats.segmented_regression(zone.reset_index(), "requests.new", family="poisson",
                                        mixed_year=mix) for mix in ("partial", "drop")}
its = pd.concat({mix: pd.DataFrame({"coef": r.params, "ci_low": r.conf_int()[0],
                                    "ci_high": r.conf_int()[1], "p": r.pvalues})
                 for mix, r in fits.items()}, names=["2019 coded as", "term"])
print(its.round(3).to_string())
print({mix: int(r.nobs) for mix, r in fits.items()}, "observations;",
      int((obs_pre := zone.loc[zone.index < 2019, "requests.new"].dropna()).size),
      "before 2019, of which", int((obs_pre == 0).sum()), "are zero")

fig = Figure(figsize=(5.2, 3.0), layout="constrained")
ax = fig.add_subplot()
obs = zone["requests.new"].dropna()
ax.plot(obs.index, obs.to_numpy(), ls="", marker="o", color=gp.PALETTE[0],
        label="观测值 / observed")
for k, (mix, r) in enumerate(fits.items(), start=1):
    used = r.model.data.frame
    ax.plot(used["year"], r.fittedvalues, color=gp.PALETTE[k], marker="",
            ls=gp.LINESTYLES[k], label=f"拟合（2019 {'按比例' if mix == 'partial' else '剔除'}）"
                                        f" / fitted (2019 {mix})")
mark_breaks(ax)
ax.set_xlabel(gp.label("year", "both"))
ax.set_ylabel("新收申请数 / New requests")
ax.set_title("实验区新收申请：分段泊松回归 / Zone new requests: segmented Poisson",
             loc="left")
ax.legend(fontsize=6.5)
gp.save_figure(fig, "requests_its_zone", out_dir=FIGURES)
display(fig)

# %% [markdown]
# ## Limitations / 局限
#
# * One zone and its departments; most departments receive 0–10 requests a year, so their
#   rates have intervals spanning most of [0, 1].
# * No R1 years for these bodies: the only R1 report is 临沂市 2017.
# * 2019 mixes both regimes; the form changed together with the rules.
# * Reports flagged `error` by validation (notebook 01) are used as printed.
