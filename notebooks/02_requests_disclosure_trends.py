# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
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
# (revised Regulations in force **15 May 2019**) shows in the counts; the focal places are
# compared like with like: a government's report with a government's report (saying what
# each covers), departments with departments.
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
# * Scope: a government's report covers either its own office or the whole jurisdiction (all
#   bodies below it); figures mark each year's scope (filled: whole jurisdiction, open: own
#   office, cross: not stated).  Two places' government series are comparable only in the
#   years where both cover the same scope.
#
# A figure for which the panel has too little data is skipped with a line saying so.

# %%
import numpy as np
import pandas as pd
from IPython.display import display
from matplotlib.figure import Figure

import govstats.analysis.plotting as gp
from govstats.analysis import metrics, places, stats
from govstats.analysis.notebooks import default_figures_dir
from govstats.panel.crosswalk import crosswalk

gp.use_paper_style()
FIGURES = default_figures_dir()
pd.set_option("display.width", 160)
pd.set_option("display.max_rows", 200)

# %% tags=["parameters"]
# The panel (None: $GOVSTATS_DATA, else the bundled data/) and the places to compare (ids or
# names separated by ";"; None: $GOVSTATS_FOCUS, else the two places with the most reports).
DATA = None
FOCUS = None
# The values: "printed" (as the reports print them) or "resolved" (those, and run-together
# cells the identities between a body's years settle: resolved.csv; said under every figure).
LAYER = "resolved"

# %%
study = places.study(DATA, FOCUS, layer=LAYER)
SOURCE = gp.source_text(study.panel, study.data, lang="both")  # under every figure
w = study.wide
print(study.describe())
print(f"{len(w)} body-years, {w.index.get_level_values('jurisdiction_id').nunique()} bodies")

# %% [markdown]
# ## Comparability of the series / 口径可比性
#
# The crosswalk (`catalogue/crosswalk.csv`) links each regime's printed indicator to a
# harmonised concept and says how comparable it is.

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
# ## The focal governments: new requests / 各地政府：新收申请数
#
# Each focal place's government report, year by year, with the scope of each year's report.
# The printed lines say in which years the scopes of the places match.

# %%
gov = study.governments()
print(gov[["focal", "regime", "scope", "requests.new", "requests.carried_in",
           "requests.carried_out", "outcome.total"]].to_string())


def scope_match(frame: pd.DataFrame) -> None:
    """Print each focal government's scope per year and the years where all places' known
    scopes agree (the years a comparison of like with like is possible)."""
    by_year = frame.reset_index().pivot_table(index="year", columns="focal", values="scope",
                                              aggfunc="first")
    for place in by_year.columns:
        for scope, years in by_year[place].dropna().groupby(by_year[place].dropna()):
            print(f"  {place}: {scope} in {places.year_ranges(years.index)}")
    if by_year.shape[1] < 2:
        print("  only one focal place has a government report: no comparison between places")
        return
    both = by_year.dropna()
    same = both[(both.nunique(axis=1) == 1) & (both.iloc[:, 0] != "unknown")]
    differ = both.index.difference(same.index)
    print("  years with a report of every place:", places.year_ranges(both.index) or "none")
    print("  … of the same stated scope:", places.year_ranges(same.index) or "none")
    if len(differ):
        print("  … of different or unstated scope:", places.year_ranges(differ))


scope_match(gov)
if not places.too_little("the focal governments' new requests",
                         int(gov["requests.new"].notna().sum()), 2, "body-years"):
    fig = gp.plot_compare(gov, "requests.new", "focal", scope="scope", lang="both",
                          title="各地政府：新收申请数 / Governments: new requests")
    gp.save_figure(fig, "requests_new_places", out_dir=FIGURES, source=SOURCE)
    display(fig)

# %% [markdown]
# ## Departments with departments / 部门与部门比较
#
# Departments of each focal place: the mean number of new requests per reporting department
# per year (the sum over the departments that printed the row, divided by their number), so
# that a place with more departments in the panel does not look busier.  The number of
# departments behind each point is printed.  Counts are added only within one level: a
# government is never added to its own departments.

# %%
depts = study.departments()
dep = (depts.dropna(subset=["requests.new"]).reset_index()
       .groupby(["focal", "year"])
       .agg(requests=("requests.new", "sum"), departments=("requests.new", "size"))
       .reset_index())
dep["per department"] = dep["requests"] / dep["departments"]
print(dep.pivot(index="year", columns="focal", values=["departments", "per department"])
      .round(2).to_string())
if not places.too_little("the departments' new requests", len(dep), 2, "place-years"):
    fig = gp.plot_compare(dep, "per department", "focal", lang="both",
                          ylabel="每个部门的新收申请数 / New requests per department",
                          title="各地部门：平均新收申请数 / Departments: mean new requests")
    gp.save_figure(fig, "requests_departments_places", out_dir=FIGURES, source=SOURCE)
    display(fig)

# %% [markdown]
# ## New requests per body / 各机构新收申请数
#
# Bodies of the focal places with at least five years of `requests.new` and at least one
# request (bodies whose series is all zero are listed, not drawn); each panel has its own y
# axis.  R0 counts are *comparable with caveat* (see the table above).

# %%
focal_rows = w[w["focal"].notna()]
by_body = focal_rows["requests.new"].groupby(level="jurisdiction_id")
n_years, n_requests = by_body.count(), by_body.sum()
long_series = n_years[(n_years >= 5) & (n_requests > 0)].index
print("left out, all zero:",
      [study.bodies.loc[j, "name"] for j in n_years[(n_years >= 5) & (n_requests == 0)].index])
trend = focal_rows.loc[focal_rows.index.get_level_values("jurisdiction_id").isin(long_series)]
trend = trend.assign(panel_title=trend["body"] + "\n" + trend["focal"])
if not places.too_little("per-body trends", len(long_series), 1, "bodies with 5+ years"):
    print(trend["requests.new"].unstack("year").to_string())
    fig = gp.plot_trends(trend, "requests.new", title="panel_title", ncols=4, sharey=False,
                         lang="both", ylabel="新收申请数 / New requests")
    gp.save_figure(fig, "requests_new_trends", out_dir=FIGURES, source=SOURCE)
    display(fig)

# %% [markdown]
# ## New, carried in and carried over / 新收、上年结转与结转下年
#
# Carry-over exists only in the 2019+ forms.  Where a year is blank the report printed no such
# row; it is not a zero.  One panel per focal government.

# %%
CARRY = [("requests.new", "新收 / new"), ("requests.carried_in", "上年结转 / carried in"),
         ("requests.carried_out", "结转下年 / carried out")]
with_carry = [p for p in study.focus
              if gov.loc[gov["place"] == p, "requests.carried_in"].notna().any()]
if not places.too_little("carry-over", len(with_carry), 1, "focal governments with it"):
    fig = Figure(figsize=(3.0 * len(with_carry) + 0.6, 2.9), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(with_carry), sharey=True, squeeze=False)).ravel()
    for ax, place in zip(axes, with_carry, strict=True):
        one = gov[gov["place"] == place].droplevel("jurisdiction_id")
        one = one.reindex(range(one.index.min(), one.index.max() + 1))
        for k, (code, text) in enumerate(CARRY):
            ax.plot(one.index, one[code].to_numpy(dtype=float), color=gp.PALETTE[k],
                    marker=gp.MARKERS[k], ls=gp.LINESTYLES[k], label=text)
        gp.mark_regimes(ax)
        ax.set_title(study.place_name(place), loc="left")
        ax.set_xlabel(gp.label("year", "both"))
    axes[0].set_ylabel("申请数（件）/ Requests")
    gp.legend_below(fig, axes, lang="both", ncols=3)
    gp.save_figure(fig, "requests_carryover_places", out_dir=FIGURES, source=SOURCE)
    display(fig)

# %% [markdown]
# ## Disclosure rates G1, G2, G3 / 公开率
#
# Every body-year with a rate (the focal places' bodies first).  A rate is NaN with its
# reason when the denominator is zero or blank, or when the numerator exceeds it (the printed
# sections do not add up to （七）总计: a validation finding, not a rate).  The figure
# compares the focal governments' G1 with its interval and each year's scope.

# %%
rates = {m: metrics.compute(w, f"disclosure.{m}", ci="wilson") for m in ("G1", "G2", "G3")}
table = pd.concat({m: r[["numerator", "denominator", "rate", "ci_low", "ci_high"]]
                   for m, r in rates.items()}, axis=1)
table = table[table[("G1", "rate")].notna()].round(3)
table.insert(0, ("place", ""), w.loc[table.index, "place_name"].to_numpy())
table.insert(1, ("body", ""), w.loc[table.index, "body"].to_numpy())
print(table.sort_values([("place", ""), ("body", "")], kind="stable").to_string())
print()
print("why G1 is NaN:", rates["G1"]["reason"].value_counts().to_dict())
print("why G3 is NaN:", rates["G3"]["reason"].value_counts().to_dict())

# %%
g1_gov = rates["G1"].join(gov[["focal", "scope"]], how="inner").dropna(subset=["rate"])
scope_match(g1_gov)
if not places.too_little("the focal governments' disclosure rate G1", len(g1_gov), 2,
                         "body-years with a rate"):
    fig = gp.plot_compare(g1_gov, "rate", "focal", lower="ci_low", upper="ci_high",
                          scope="scope", lang="both", percent=True,
                          ylabel="公开率 G1（95% Wilson）/ Disclosure rate G1 (95% Wilson)",
                          title="各地政府：公开率 G1 / Governments: disclosure rate G1")
    gp.save_figure(fig, "disclosure_g1_places", out_dir=FIGURES, source=SOURCE)
    display(fig)

# %% [markdown]
# ## Outcome shares / 办理结果构成
#
# 100 %-stacked shares of the six R2/R3 outcome sections (granted, partly granted, denied,
# unable to provide, not processed, other) of D.  A year with a blank section is left out.
# First figure: the focal governments' own reports; second: each focal place's departments
# pooled per year (departments only: never a government with its departments).

# %%
OUTCOMES = list(gp.OUTCOME_CODES)
r23 = gov[gov["regime"].isin(["R2", "R3"])].reset_index()
r23["row"] = r23["focal"] + " " + r23["year"].astype(str)
complete = r23[OUTCOMES].notna().all(axis=1) & (r23[OUTCOMES].sum(axis=1) > 0)
print(r23.loc[complete, ["row", *OUTCOMES, "outcome.total"]].to_string(index=False))
if not places.too_little("the governments' outcome shares", int(complete.sum()), 1,
                         "R2/R3 reports with every section"):
    fig = gp.plot_outcome_shares(r23[complete], row_label="row", lang="both",
                                 title="各地政府：办理结果构成 / Governments: outcome shares")
    gp.save_figure(fig, "outcome_shares_places", out_dir=FIGURES, source=SOURCE)
    display(fig)

# %%
d23 = depts[depts["regime"].isin(["R2", "R3"])]
ok = d23[OUTCOMES].notna().all(axis=1)
pooled = d23[ok].reset_index().groupby(["focal", "year"])[OUTCOMES].sum()
pooled["departments"] = d23[ok].reset_index().groupby(["focal", "year"]).size()
pooled = pooled.reset_index()
pooled["row"] = pooled["focal"] + " " + pooled["year"].astype(str)
pooled = pooled[pooled[OUTCOMES].sum(axis=1) > 0]
print(pooled[["row", "departments", *OUTCOMES]].to_string(index=False))
if not places.too_little("the departments' outcome shares", len(pooled), 1, "place-years"):
    fig = gp.plot_outcome_shares(pooled, row_label="row", lang="both",
                                 title="各地部门合计：办理结果构成 / "
                                       "Departments pooled: outcome shares")
    gp.save_figure(fig, "outcome_shares_departments", out_dir=FIGURES, source=SOURCE)
    display(fig)

# %% [markdown]
# ## Did requests rise after 2019? A count model / 2019 年后申请数是否上升
#
# Poisson GLM of each body's yearly new requests on `post` (the share of the year under the
# new Regulations: 0 before 2019, 231/365 in 2019, 1 after) with body fixed effects and
# standard errors clustered by body (robust to overdispersion); all bodies of the focal
# places with at least one request.  A negative-binomial model without fixed effects is the
# sensitivity check.
#
# **What the data can support.** The rule change and the change of form happen in the same
# year (before 2019 most bodies used a local or the 2014 national table, after it the 2019
# form).  A jump at 2019 is therefore the joint effect of the new rules, the new form and
# whatever else changed; it is not the causal effect of the Regulations, and there is no
# control group (every body changed at once).

# %%
sub = focal_rows[["regime", "requests.new"]].dropna()
sub = sub[sub.groupby(level="jurisdiction_id")["requests.new"].transform("sum") > 0]
sub = sub.reset_index()
sub["post"] = stats.its_design(sub["year"])["post"].to_numpy()
n_pre, n_post = int((sub["year"] < 2019).sum()), int((sub["year"] > 2019).sum())
print(f"{sub['jurisdiction_id'].nunique()} bodies, {len(sub)} body-years, {n_pre} before "
      f"2019, {n_post} after")
if not (places.too_little("the count model", min(n_pre, n_post), 3,
                          "body-years on the smaller side of 2019")
        or places.too_little("the count model", sub["jurisdiction_id"].nunique(), 2,
                             "bodies")):
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
# ## Segmented regression on each focal government's series / 分段回归
#
# `requests.new` of each focal government, Poisson,
# `log E[y] = a + b·time + c·post + d·time_after` (`time` = year − 2019; `post` the jump at
# 15 May 2019; `time_after` the change of slope).  2019 enters with 231/365 of a year under
# the new rules ("partial"); the sensitivity check leaves 2019 out ("drop").  A series needs
# at least three years on each side of 2019.
#
# **An honest note on n.** One point per year for four parameters: the estimates move
# between the two codings of 2019 and the intervals are wide.  Read the figure as a
# description of each series, not as an estimate of an effect.

# %%
fitted = {}
for place in study.focus:
    one = gov[gov["place"] == place].droplevel("jurisdiction_id").reset_index()
    one = one.dropna(subset=["requests.new"])
    pre, post = int((one["year"] < 2019).sum()), int((one["year"] > 2019).sum())
    if places.too_little(f"a segmented regression of {study.place_name(place)}",
                         min(pre, post), 3, "years on the smaller side of 2019"):
        continue
    fits = {mix: stats.segmented_regression(one, "requests.new", family="poisson",
                                            mixed_year=mix) for mix in ("partial", "drop")}
    its = pd.concat({mix: pd.DataFrame({"coef": r.params, "ci_low": r.conf_int()[0],
                                        "ci_high": r.conf_int()[1], "p": r.pvalues})
                     for mix, r in fits.items()}, names=["2019 coded as", "term"])
    print(study.place_name(place), f"({pre} years before 2019, {post} after, "
          f"{int((one.loc[one['year'] < 2019, 'requests.new'] == 0).sum())} zero before)")
    print(its.round(3).to_string())
    fitted[place] = (one, fits)

if not places.too_little("the segmented regressions", len(fitted), 1, "series"):
    fig = Figure(figsize=(3.1 * len(fitted) + 0.6, 2.9), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(fitted), squeeze=False)).ravel()
    for ax, (place, (one, fits)) in zip(axes, fitted.items(), strict=True):
        ax.plot(one["year"], one["requests.new"], ls="", marker="o", color=gp.PALETTE[0],
                label="观测值 / observed")
        for k, (mix, r) in enumerate(fits.items(), start=1):
            used = r.model.data.frame
            ax.plot(used["year"], r.fittedvalues, color=gp.PALETTE[k], marker="",
                    ls=gp.LINESTYLES[k],
                    label=f"拟合（2019 {'按比例' if mix == 'partial' else '剔除'}）"
                          f" / fitted (2019 {mix})")
        gp.mark_regimes(ax)
        ax.set_title(study.place_name(place), loc="left")
        ax.set_xlabel(gp.label("year", "both"))
    axes[0].set_ylabel("新收申请数 / New requests")
    gp.legend_below(fig, axes, lang="both", ncols=3)
    gp.save_figure(fig, "requests_its_places", out_dir=FIGURES, source=SOURCE)
    display(fig)

# %% [markdown]
# ## Limitations / 局限
#
# Computed from the panel: how small the departments' counts are, which regimes each focal
# place's reports use, and how many reports were used as printed although validation found
# an error.

# %%
small = (focal_rows["requests.new"] <= 10).mean()
print(f"{small:.0%} of the focal places' body-years have at most 10 new requests: their "
      "rates have intervals spanning much of [0, 1].")
print(focal_rows.reset_index().pivot_table(index="focal", columns="regime", values="year",
                                           aggfunc="count", fill_value=0).to_string())
reports = pd.read_csv(study.data / "reports.csv")
errs = reports[(reports["status"] == "error")
               & reports["report_id"].isin(focal_rows["report_id"])]
print(f"{len(errs)} of the focal places' reports have a validation error and are used as "
      "printed (notebook 01).")
