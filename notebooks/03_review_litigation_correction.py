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
# # 03 · Reconsideration, litigation and correction rates / 行政复议、行政诉讼与纠错率
#
# How many disclosure decisions were challenged by administrative reconsideration (行政复议)
# and in court (行政诉讼), and how often the decision was corrected.
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
# Before 2019 the zone used the Fujian R0 template, which prints only the number of cases,
# not their results: no correction rate exists for R0.
#
# **Small counts.** Most bodies have 0–3 cases a year.  A single unit's rate from 1 of 2
# cases is meaningless on its own; every rate is shown with its interval (Wilson and exact
# Clopper–Pearson, 95 %), and rates are pooled across bodies of the same level per year.

# %%
import pandas as pd
from IPython.display import display
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

import govstats
import govstats.analysis.plotting as gp
from govstats.analysis import metrics
from govstats.analysis.notebooks import default_figures_dir

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

# %% [markdown]
# ## Counts / 案件数
#
# Every body-year with at least one reconsideration or lawsuit (R0 included: counts only).

# %%
CASES = ["review.total", "review.corrected", "review.upheld", "review.other",
         "review.pending", "litigation.total", "litigation.corrected", "litigation.upheld",
         "litigation.other", "litigation.pending"]
cases = w[["jurisdiction", "regime", *CASES]]
any_case = (cases[["review.total", "litigation.total"]].fillna(0) > 0).any(axis=1)
print(cases[any_case].to_string())
print()
print("body-years with a case:", int(any_case.sum()), "of", len(w),
      "| cases per body-year among them (median):",
      float(cases.loc[any_case, ["review.total", "litigation.total"]].sum(axis=1).median()))

# %%
zone = w.xs(ZONE, level="jurisdiction_id")
fig = Figure(figsize=(5.2, 2.8), layout="constrained")
ax = fig.add_subplot()
x = zone.index.to_numpy(dtype=float)
for k, (code, text) in enumerate([("review.total", "行政复议 / reconsideration"),
                                  ("litigation.total", "行政诉讼 / litigation")]):
    ax.bar(x + (k - 0.5) * 0.38, zone[code].to_numpy(dtype=float), width=0.38,
           color=gp.PALETTE[k], hatch=gp.HATCHES[k], edgecolor="white", lw=0.4, label=text)
for year in gp.REGIME_BREAKS:
    if year == gp.MIXED_YEAR:
        ax.axvspan(year - 0.5, year + 0.5, color="0.88", lw=0, zorder=0)
    else:
        ax.axvline(year - 0.5, color="0.45", lw=0.7, ls=(0, (4, 2)), zorder=0)
ax.set_xlabel(gp.label("year", "both"))
ax.set_ylabel("案件数 / Cases")
ax.set_title("平潭综合实验区：复议与诉讼案件数 / Pingtan zone: cases by year", loc="left")
ax.legend()
gp.save_figure(fig, "cases_zone", out_dir=FIGURES)
display(fig)

# %% [markdown]
# ## Rates per body-year / 各机构各年纠错率
#
# C1–C3 where the denominator is positive, with Wilson and Clopper–Pearson intervals.  Note
# how wide they are: with n = 1 or 2 the interval covers most of [0, 1].

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
shown["body"] = w["jurisdiction"].reindex(shown.index).to_numpy()
cols = ["body", "regime", "kind", "variant", "numerator", "denominator", "rate", "ci_low",
        "ci_high", "cp_low", "cp_high"]
print(shown[cols].round(3).sort_values(["kind", "variant", "denominator"]).to_string())
print()
print("reasons for NaN (C2, reconsideration):",
      unit_rates.query("kind == 'review' and variant == 'C2'")["reason"]
      .value_counts().to_dict())

# %%
c2 = unit_rates.query("kind == 'review' and variant == 'C2'")
c2 = c2[c2["rate"].notna()]
row_names = {i: f"{w.loc[i, 'jurisdiction']} {i[1]}" for i in c2.index}
fig = gp.plot_rates(c2, labels=row_names, lang="both",
                    xlabel="纠错率 C2（95% Wilson 区间）/ Correction rate C2 (95% Wilson)")
fig.axes[0].set_title("行政复议纠错率 C2（各机构各年）/ Reconsideration C2 by body-year",
                      loc="left")
gp.save_figure(fig, "review_c2_by_unit", out_dir=FIGURES)
display(fig)

# %% [markdown]
# ## Pooled per year / 按年合计
#
# Counts are added across bodies **of one level** (the zone's departments; governments are
# not added to their own departments), using only body-years where every part of the
# denominator is printed.  Pooling gives one rate per year with a usable interval; it is the
# rate of the pooled cases, not an average of unit rates.  R2 and R3 define C1–C3 the same
# way, so a year with both forms is pooled.

# %%
depts = w[(w["level"] == "department") & w["regime"].isin(["R2", "R3"])
          & w.index.get_level_values("jurisdiction_id").str.startswith(ZONE + "-")]
pooled_parts = []
for kind in FAMILIES:
    need = [f"{kind}.{p}" for p in ("total", "corrected", "upheld", "pending")]
    ok = depts[need].notna().all(axis=1)
    sums = depts.loc[ok, need].groupby(level="year").sum()
    sums[f"{kind}.bodies"] = ok.groupby(level="year").sum()
    pooled_parts.append(sums)
pooled = pd.concat(pooled_parts, axis=1)
pooled["regime"] = "R3"  # C1–C3 are defined identically for R2 and R3
print(pooled.to_string())
pooled_rates = rate_table(pooled)
print(pooled_rates[["kind", "variant", "numerator", "denominator", "rate", "ci_low", "ci_high",
                    "cp_low", "cp_high", "reason"]].round(3).to_string())

# %%
fig = Figure(figsize=(6.4, 2.9), layout="constrained")
axes = fig.subplots(1, 2, sharey=True)
titles = {"review": "行政复议 / Reconsideration", "litigation": "行政诉讼 / Litigation"}
for ax, kind in zip(axes, FAMILIES, strict=True):
    for k, var in enumerate(("C1", "C2", "C3")):
        r = pooled_rates.query("kind == @kind and variant == @var").dropna(subset=["rate"])
        xs = r.index.to_numpy(dtype=float) + (k - 1) * 0.2
        ax.errorbar(xs, r["rate"], yerr=[r["rate"] - r["cp_low"], r["cp_high"] - r["rate"]],
                    color=gp.PALETTE[k], marker=gp.MARKERS[k], ls="", capsize=1.5, lw=1,
                    label=var)
        for xv, nv in zip(xs, r["denominator"], strict=True):
            if k == 1:
                ax.annotate(f"n={int(nv)}", (xv, 1.06), fontsize=5.5, ha="center",
                            color="0.35")
    ax.set_title(titles[kind], loc="left")
    ax.set_ylim(0, 1.12)
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
    ax.set_xlabel(gp.label("year", "both"))
axes[0].set_ylabel("纠错率 / Correction rate")
fig.suptitle("实验区各部门合计纠错率 C1/C2/C3，95% CP 区间（n 为 C2 分母）\n"
             "Zone departments pooled: correction rates, 95% CP (n: C2 denominator)",
             fontsize=8)
handles, labels = axes[0].get_legend_handles_labels()
fig.legend(handles, labels, loc="outside lower center", ncols=3)
gp.save_figure(fig, "correction_rates_pooled", out_dir=FIGURES)
display(fig)

# %% [markdown]
# ## R1 versus R2/R3 / R1 与 R2/R3 的可比性
#
# The only R1 report in the panel (临沂市 2017) allows C1 only.  Put beside a 2019+ C2 it
# would compare corrected / all cases (pending included) with corrected / concluded cases, and
# R1 被依法纠错数 with R2/R3 结果纠正: different numerators and denominators.  The table shows
# what each regime allows.

# %%
by_regime = (unit_rates[unit_rates["rate"].notna()]
             .groupby(["kind", "variant", "regime"], observed=True)
             .agg(body_years=("rate", "size"), numerator=("numerator", "sum"),
                  denominator=("denominator", "sum")))
print(by_regime.to_string())
r1 = unit_rates[(unit_rates["regime"] == "R1")]
print(r1[["kind", "variant", "numerator", "denominator", "rate", "cp_low", "cp_high",
          "reason"]].round(3).to_string())

# %% [markdown]
# ## Limitations / 局限
#
# * Counts are small: a single unit's yearly correction rate is not evidence about that unit.
# * Pooled rates mix departments with different case loads; they describe the pooled cases.
# * C2 keeps "other results" in the denominator; compare it with `review.other_share`.
# * The panel has no R1 years for the zone, so there is no pre-/post-2019 comparison of
#   correction rates here.
