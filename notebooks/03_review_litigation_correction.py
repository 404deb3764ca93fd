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
# # 03 · Reconsideration, litigation and correction rates / 行政复议、行政诉讼与纠错率
#
# How many disclosure decisions were challenged by administrative reconsideration (行政复议)
# and in court (行政诉讼), how often the decision was corrected, and how the focal places
# compare: governments with governments, departments with departments.
#
# **Definitions** (`catalogue/metrics.yaml`), for reconsideration and for pooled litigation
# (direct + after reconsideration):
#
# * C1 = corrected / total — the only rate before 2019 (R1 prints no pending column);
# * C2 = corrected / (total − pending) — **default**: corrected share of concluded cases;
# * C3 = corrected / (upheld + corrected) — correction "on the merits", leaving out the
#   other results (withdrawals, dismissals…), which C2 keeps in the denominator.
#
# R1 被依法纠错数 and R2/R3 结果纠正 are *comparable with caveat*: R1 has no pending column, so
# an R1 C1 mixes concluded and pending cases and is not the same quantity as an R2/R3 C2.
# The R0 local templates print at most the number of cases, not their results: no
# correction rate exists for R0.
#
# **Small counts.** Most bodies have a handful of cases a year or none.  A single unit's rate
# from 1 of 2 cases is meaningless on its own; every rate is shown with its interval (Wilson
# and exact Clopper–Pearson, 95 %), and rates are pooled across bodies of the same level per
# year.  A figure for which the panel has too little data is skipped with a line saying so.

# %%
import numpy as np
import pandas as pd
from IPython.display import display
from matplotlib.figure import Figure

import govstats.analysis.plotting as gp
from govstats.analysis import metrics, places
from govstats.analysis.notebooks import default_figures_dir
from govstats.panel import copied_tables

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

# %% [markdown]
# ## Counts / 案件数
#
# Every body-year with at least one reconsideration or lawsuit (R0 included: counts only).

# %%
CASES = ["review.total", "review.corrected", "review.upheld", "review.other",
         "review.pending", "litigation.total", "litigation.corrected", "litigation.upheld",
         "litigation.other", "litigation.pending"]
cases = w.reindex(columns=["place_name", "body", "regime", *CASES])
any_case = (cases[["review.total", "litigation.total"]].fillna(0) > 0).any(axis=1)
print(cases[any_case].to_string())
print()
per_year = cases.loc[any_case, ["review.total", "litigation.total"]].sum(axis=1)
print("body-years with a case:", int(any_case.sum()), "of", len(w),
      "| cases per body-year among them (median):",
      float(per_year.median()) if len(per_year) else "none")

# %% [markdown]
# ## The focal governments' cases / 各地政府的复议与诉讼案件数
#
# Reconsideration and litigation cases of each focal government's own report per year (one
# panel per place): a short dash on the axis is a printed 0; no mark at all is a year whose
# report prints no such row.

# %%
gov = study.governments()
with_cases = [p for p in study.focus
              if gov.loc[gov["place"] == p, ["review.total", "litigation.total"]]
              .notna().any(axis=None)]
if not places.too_little("the governments' cases", len(with_cases), 1,
                         "focal governments with case counts"):
    fig = Figure(figsize=(3.1 * len(with_cases) + 0.6, 2.8), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(with_cases), sharey=True, squeeze=False)).ravel()
    for ax, place in zip(axes, with_cases, strict=True):
        one = gov[gov["place"] == place].droplevel("jurisdiction_id")
        x = one.index.to_numpy(dtype=float)
        for k, (code, text) in enumerate([("review.total", "行政复议 / reconsideration"),
                                          ("litigation.total", "行政诉讼 / litigation")]):
            heights = one[code].to_numpy(dtype=float)
            ax.bar(x + (k - 0.5) * 0.38, heights, width=0.38, color=gp.PALETTE[k],
                   hatch=gp.HATCHES[k], edgecolor="white", lw=0.4, label=text)
            zero = heights == 0  # a printed 0 is drawn; a blank (not printed) is not
            ax.plot(x[zero] + (k - 0.5) * 0.38, heights[zero], ls="", marker="_", ms=7,
                    mew=1.4, color=gp.PALETTE[k], clip_on=False)
        gp.mark_regimes(ax)
        ax.set_title(study.place_name(place), loc="left")
        ax.set_xlabel(gp.label("year", "both"))
    axes[0].set_ylabel("案件数 / Cases")
    gp.legend_below(fig, axes, lang="both", ncols=3)
    gp.save_figure(fig, "cases_places", out_dir=FIGURES, source=SOURCE)
    display(fig)

# %% [markdown]
# ## Rates per body-year / 各机构各年纠错率
#
# C1–C3 where the denominator is positive, with Wilson and Clopper–Pearson intervals.  With
# n = 1 or 2 the interval covers most of [0, 1].  The figure shows the reconsideration C2 of
# the focal places' bodies (at most the 40 largest denominators).

# %%
FAMILIES = {"review": "review.correction", "litigation": "litigation.correction"}


def rate_table(frame: pd.DataFrame) -> pd.DataFrame:
    """C1–C3 of both families with Wilson and Clopper–Pearson intervals, long format."""
    parts = []
    for kind, fam in FAMILIES.items():
        for var in ("C1", "C2", "C3"):
            wil = metrics.compute(frame, f"{fam}.{var}", ci="wilson")
            cp = metrics.compute(frame, f"{fam}.{var}", ci="beta")
            parts.append(wil.assign(kind=kind, variant=var, cp_low=cp["ci_low"],
                                    cp_high=cp["ci_high"]))
    return pd.concat(parts)


unit_rates = rate_table(w)
shown = unit_rates[unit_rates["rate"].notna()].copy()
shown["place"] = w["place_name"].reindex(shown.index).to_numpy()
shown["body"] = w["body"].reindex(shown.index).to_numpy()
cols = ["place", "body", "regime", "kind", "variant", "numerator", "denominator", "rate",
        "ci_low", "ci_high", "cp_low", "cp_high"]
print(shown[cols].round(3).sort_values(["kind", "variant", "denominator"]).to_string())
print()
print("reasons for NaN (C2, reconsideration):",
      unit_rates.query("kind == 'review' and variant == 'C2'")["reason"]
      .value_counts().to_dict())

# %%
c2 = unit_rates.query("kind == 'review' and variant == 'C2'")
c2 = c2[c2["rate"].notna() & w["focal"].reindex(c2.index).notna().to_numpy()]
c2 = c2.sort_values("denominator", ascending=False).head(40)
if not places.too_little("unit C2 rates", len(c2), 1, "body-years with a rate"):
    row_names = {i: (f"{w.loc[i, 'focal']} {i[1]}" if i[0] in study.focus
                     else f"{w.loc[i, 'focal']} · {w.loc[i, 'body']} {i[1]}") for i in c2.index}
    fig = Figure(figsize=(6.4, 0.22 * len(c2) + 1.3), layout="constrained")
    ax = fig.add_subplot()
    gp.plot_rates(c2, labels=row_names, lang="both", ax=ax,
                  xlabel="纠错率 C2（95% Wilson 区间）/ Correction rate C2 (95% Wilson)")
    ax.set_title("行政复议纠错率 C2（各机构各年）\nReconsideration C2 by body-year",
                 loc="left")
    gp.legend_below(fig, [ax], lang="both", marks=False)
    gp.save_figure(fig, "review_c2_by_unit", out_dir=FIGURES, source=SOURCE)
    display(fig)

# %% [markdown]
# ## Pooled per place and year / 按地区、年份合计
#
# `metrics.pool` adds numerators and denominators over the body-years of a group: here each
# focal place's government (its own reports) and its departments, apart: a government is
# never added to its own departments (the pool refuses to add a whole-jurisdiction report
# to a body it contains), and a table printed identically by two bodies' reports of one year
# (`xr.copied_table`) is counted once.  Only body-years with a rate are added (every part
# of the denominator printed, a positive denominator).  Pooling gives one rate per place and
# year with a usable interval; it is the rate of the pooled cases, not an average of unit
# rates.  R2 and R3 define C1–C3 the same way, so a year with both forms is pooled.  A
# pooled rate is marked when a table it adds fails one of its checks.

# %%
copies = copied_tables(study.panel)
print(f"tables printed identically by two bodies' reports of one year: {len(copies)}")
print(copies.to_string(index=False) if len(copies) else "none")
tiered = w[w["focal"].notna() & w["regime"].isin(["R2", "R3"])].copy()
own_report = tiered.index.get_level_values("jurisdiction_id").isin(study.focus)
tiered["tier"] = np.where(own_report, "governments", "departments")
pooled_rates = {}
for level in ("governments", "departments"):
    parts = []
    for kind, fam in FAMILIES.items():
        for var in ("C1", "C2", "C3"):
            r = metrics.pool(tiered[tiered["tier"] == level], f"{fam}.{var}",
                             by=["focal", "year"], panel=study.panel, ci="beta")
            parts.append(r.assign(kind=kind, variant=var))
    pooled_rates[level] = pd.concat(parts, ignore_index=True)
    print(f"\n{level}:")
    print(pooled_rates[level][["focal", "year", "kind", "variant", "numerator", "denominator",
                               "rate", "ci_low", "ci_high", "bodies", "checks", "excluded"]]
          .round(3).to_string(index=False))

# %% [markdown]
# Where a focal place has no pooled C2 for a level, the reason is printed: no 2019+ report,
# or why no body-year of it has a rate (no concluded case: a zero denominator; a blank part).

# %%
c2_units = unit_rates.query("variant == 'C2'").join(tiered[["tier", "focal"]], how="inner")
for level, r in pooled_rates.items():
    for kind in FAMILIES:
        c2r = r[(r["kind"] == kind) & (r["variant"] == "C2")]
        for place in study.focus_names:
            mine = c2r[c2r["focal"] == place]
            if len(mine):
                print(f"{place}, {level}, {kind}: C2 in {len(mine)} year(s) "
                      f"({places.year_ranges(mine['year'])})")
                continue
            units = c2_units[(c2_units["focal"] == place) & (c2_units["tier"] == level)
                             & (c2_units["kind"] == kind)]
            if units.empty:
                print(f"{place}, {level}, {kind}: no comparison possible: no 2019+ report")
            else:
                why = ", ".join(f"{k} in {v} year(s)"
                                for k, v in units["reason"].value_counts().items())
                print(f"{place}, {level}, {kind}: no comparison possible: {why}")

# %%
cells = {(level, kind): pooled_rates[level].query("kind == @kind and variant == 'C2'")
         for level in pooled_rates for kind in FAMILIES}
n_cells = sum(len(v) > 0 for v in cells.values())
if not places.too_little("pooled correction rates", n_cells, 1,
                         "groups with a pooled C2"):
    fig = Figure(figsize=(6.6, 5.2), layout="constrained")
    axes = fig.subplots(2, 2, sharex=True, sharey=True)
    titles = {"review": "行政复议 / Reconsideration", "litigation": "行政诉讼 / Litigation",
              "governments": "政府本级 / Governments", "departments": "部门合计 / Departments"}
    for i, level in enumerate(pooled_rates):
        for j, kind in enumerate(FAMILIES):
            ax, data = axes[i, j], cells[(level, kind)]
            ax.set_title(f"{titles[level]} · {titles[kind]}", loc="left", fontsize=7.5)
            if data.empty:
                ax.text(0.5, 0.5, "无数据 / no rate", transform=ax.transAxes, ha="center",
                        va="center", color="0.4", fontsize=7)
                gp.mark_regimes(ax)
                continue
            gp.plot_compare(data, "rate", "focal", lower="ci_low", upper="ci_high",
                            percent=True, lang="both", ax=ax, ylabel="")
            for _, row in data.iterrows():
                ax.annotate(f"n={int(row['denominator'])}", (row["year"], row["rate"]),
                            xytext=(3, 2), textcoords="offset points", fontsize=5,
                            color="0.35")
    years = [y for data in cells.values() for y in data["year"]]
    axes[0, 0].set_xlim(min(years) - 0.7, max(years) + 0.7)  # shared by the four panels
    gp.legend_below(fig, axes.ravel(), lang="both")
    fig.supylabel("纠错率 C2（95% Clopper–Pearson 区间）\n"
                  "Correction rate C2 (95% Clopper–Pearson)", fontsize=7.5)
    gp.save_figure(fig, "correction_rates_places", out_dir=FIGURES, source=SOURCE)
    display(fig)

# %% [markdown]
# ## R1 versus R2/R3 / R1 与 R2/R3 的可比性
#
# An R1 report allows C1 only.  Put beside a 2019+ C2 it would compare corrected / all cases
# (pending included) with corrected / concluded cases, and R1 被依法纠错数 with R2/R3 结果纠正:
# different numerators and denominators.  The table shows what each regime allows here.

# %%
by_regime = (unit_rates[unit_rates["rate"].notna()]
             .groupby(["kind", "variant", "regime"], observed=True)
             .agg(body_years=("rate", "size"), numerator=("numerator", "sum"),
                  denominator=("denominator", "sum")))
print(by_regime.to_string())
r1 = unit_rates[(unit_rates["regime"] == "R1")]
print(f"{r1.index.nunique()} R1 body-year(s) in the panel")
if len(r1):
    print(r1[["kind", "variant", "numerator", "denominator", "rate", "cp_low", "cp_high",
              "reason"]].round(3).to_string())

# %% [markdown]
# ## Limitations / 局限
#
# Computed: how small the denominators are, and whether the panel allows a before/after 2019
# comparison of correction rates for the focal places.

# %%
c2_all = unit_rates.query("kind == 'review' and variant == 'C2'").dropna(subset=["rate"])
if len(c2_all):
    print(f"reconsideration C2: {len(c2_all)} body-years with a rate; median denominator "
          f"{c2_all['denominator'].median():g}; {(c2_all['denominator'] <= 3).mean():.0%} "
          "have at most 3 concluded cases.")
focal = w[w["focal"].notna()]
r1_focal = int((focal["regime"] == "R1").sum())
print(f"{r1_focal} R1 body-years among the focal places: "
      + ("no before/after 2019 comparison of correction rates is possible for them"
         if r1_focal == 0 else "C1 only, see the table above"))
