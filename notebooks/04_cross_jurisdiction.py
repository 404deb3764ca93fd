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
# # 04 · Comparing bodies of very different size / 跨机构比较
#
# Ranking bodies by a rate puts the smallest ones at both ends by chance alone.  This notebook
# uses methods made for units of different size:
#
# * **funnel plot**: each body's rate against its denominator, with exact binomial control
#   limits (95 % and 99.8 %) around the pooled rate; optionally widened for overdispersion
#   (φ from winsorised Pearson z-scores, Spiegelhalter 2005);
# * **empirical-Bayes shrinkage**: each body's rate pulled towards a beta-binomial prior fitted
#   to all bodies — small bodies move most;
# * **small multiples** of each body's yearly rate with its interval and the regime breaks.
#
# **Units.** One point per body: its counts added over its 2019+ (R2/R3) years, where the rate
# is defined the same way.  Bodies of different levels are *compared*, never added together;
# the points are coloured by focal place (grey: the other places).  The metrics are
# parameters below: C2 (reconsideration corrected / concluded) and G1 (disclosure,
# (granted + partial) / decisions).  A figure for which the panel has too little data (fewer
# than three bodies with a denominator, or a pooled rate of 0 or 1) is skipped with a line
# saying so.

# %%
import pandas as pd
from IPython.display import display
from matplotlib.figure import Figure

import govstats.analysis.plotting as gp
from govstats.analysis import metrics, places, stats
from govstats.analysis.notebooks import default_figures_dir

gp.use_paper_style()
FIGURES = default_figures_dir()
pd.set_option("display.width", 160)
pd.set_option("display.max_rows", 200)

# %% tags=["parameters"]
# The panel (None: $GOVSTATS_DATA, else the bundled data/), the places to compare (ids or
# names separated by ";"; None: $GOVSTATS_FOCUS, else the two places with the most reports)
# and the two metrics compared (names from govstats.analysis.metrics.list_metrics()).
DATA = None
FOCUS = None
# The values: "printed" (as the reports print them) or "resolved" (those, and run-together
# cells the identities between a body's years settle: resolved.csv; said under every figure).
LAYER = "resolved"
CORRECTION = "review.correction.C2"
DISCLOSURE = "disclosure.G1"
# the bodies compared in the funnels and the shrinkage: one level (governments and their own
# departments are never put in one funnel: a whole-jurisdiction report contains them)
LEVEL = "department"

# %%
study = places.study(DATA, FOCUS, layer=LAYER)
SOURCE = gp.source_text(study.panel, study.data, lang="both")  # under every figure
w = study.wide
print(study.describe())
#: short bilingual axis labels (the full definitions are in the catalogue)
AXIS = {CORRECTION: f"纠错率 / Correction rate {CORRECTION.rsplit('.', 1)[-1]}",
        DISCLOSURE: f"公开率 / Disclosure rate {DISCLOSURE.rsplit('.', 1)[-1]}"}


def per_body(metric: str) -> pd.DataFrame:
    """Numerator and denominator of ``metric`` added over each body's R2/R3 years with a
    defined rate (years with a zero or blank denominator add nothing), for the bodies of
    ``LEVEL``, with the focal place and whether every table added passed its checks."""
    frame = w[w["regime"].isin(["R2", "R3"]) & (w["level"] == LEVEL)]
    out = metrics.pool(frame, metric, by=["jurisdiction_id"], panel=study.panel, ci=None)
    nested = metrics.containing(w, out["jurisdiction_id"])
    if nested:  # one level cannot contain itself; said if a registry makes it so
        print("left out, contained in another unit:", sorted({b for _, b in nested}))
        out = out[~out["jurisdiction_id"].isin({b for _, b in nested})]
    out = out[out["denominator"] > 0].set_index("jurisdiction_id")
    b = study.bodies.reindex(out.index)
    out["focal"] = [study.place_name(p) if p in study.focus else None for p in b["place"]]
    # a department by its place and short name; a body whose name says its place, as named
    out.index = [f"{pn} · {s}" if s != n else s
                 for pn, s, n in zip(b["place_name"], b["short"], b["name"], strict=True)]
    out = out.rename(columns={"body_years": "years"})
    return out[["numerator", "denominator", "years", "focal", "consistent", "checks"]
               ].sort_values("denominator", ascending=False)


def usable(u: pd.DataFrame, what: str) -> bool:
    """Enough bodies for a funnel or a shrinkage, and a pooled rate strictly inside (0, 1)."""
    if places.too_little(what, len(u), 3, "bodies with a denominator"):
        return False
    pooled = u["numerator"].sum() / u["denominator"].sum()
    if not 0 < pooled < 1:
        print(f"too little data for {what}: the pooled rate is {pooled:g} (every case has the "
              "same result), no limits can be drawn; skipped")
        return False
    return True


units = {m: per_body(m) for m in (CORRECTION, DISCLOSURE)}
others = w.loc[w["level"] != LEVEL, "level"].value_counts()
print(f"units: bodies of level {LEVEL}; the other levels ({', '.join(others.index)}) are "
      "compared in the side-by-side figure below, never in the same funnel")
for m, u in units.items():
    print(m, f"({len(u)} bodies)")
    print(u.assign(rate=(u["numerator"] / u["denominator"]).round(3)).to_string())
    print()

# %% [markdown]
# ## Funnel plot of the correction rate / 纠错率漏斗图
#
# Exact binomial limits around the pooled rate.  A body outside the 99.8 % limits is unlikely
# to share the pooled rate *if* all bodies had the same underlying rate and cases were
# independent; inside the funnel, differences are compatible with chance.

# %%
u = units[CORRECTION]
if usable(u, f"the funnel of {CORRECTION}"):
    funnel, target, phi = stats.funnel_data(u["numerator"], u["denominator"], labels=u.index)
    disp = stats.overdispersion(u["numerator"], u["denominator"])
    print(f"pooled {CORRECTION} = {target:.3f}; overdispersion phi = {disp.phi:.2f} "
          f"(chi2 = {disp.chi2:.1f} on {disp.df} df, p = {disp.p_value:.3f})")
    print(funnel.round(3).to_string())
    fig = gp.plot_funnel(u["numerator"], u["denominator"], labels=list(u.index), log_x=True,
                         lang="both", ylabel=AXIS[CORRECTION], groups=list(u["focal"]),
                         flags=list(~u["consistent"].fillna(True).astype(bool)))
    fig.axes[0].set_title("行政复议纠错率漏斗图 / Funnel plot: reconsideration correction",
                          loc="left")
    gp.save_figure(fig, "funnel_review_c2", out_dir=FIGURES, source=SOURCE)
    display(fig)

# %% [markdown]
# ## Funnel plot of the disclosure rate, exact and overdispersed / 公开率漏斗图
#
# Left: exact binomial limits.  Right: the same limits widened by √φ (φ estimated from the
# bodies; applied only when > 1).  Large bodies are far outside exact limits when bodies
# genuinely differ (different request mixes): the overdispersed funnel asks whether a body is
# unusual *given* that bodies differ.

# %%
u = units[DISCLOSURE]
if usable(u, f"the funnel of {DISCLOSURE}"):
    disp = stats.overdispersion(u["numerator"], u["denominator"])
    print(f"{DISCLOSURE} overdispersion phi = {disp.phi:.2f} (chi2 = {disp.chi2:.1f} on "
          f"{disp.df} df, p = {disp.p_value:.3g})")
    for phi_opt in (None, "estimate"):
        f, t, ph = stats.funnel_data(u["numerator"], u["denominator"], labels=u.index,
                                     phi=phi_opt)
        print(f"phi={phi_opt}: pooled = {t:.3f}, phi used = {ph:.2f}; outside 99.8 %:",
              f.index[f["flag_99.8"] != ""].tolist())
    fig = Figure(figsize=(7.6, 3.4), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    for ax, phi_opt, title in zip(axes, (None, "estimate"),
                                  ("精确二项控制限 / exact binomial limits",
                                   "过度离散调整 / overdispersion-adjusted"), strict=True):
        gp.plot_funnel(u["numerator"], u["denominator"], labels=list(u.index), phi=phi_opt,
                       log_x=True, lang="both", ax=ax, ylabel=AXIS[DISCLOSURE],
                       groups=list(u["focal"]),
                       flags=list(~u["consistent"].fillna(True).astype(bool)))
        ax.set_title(title, loc="left")
    fig.suptitle("公开率漏斗图 / Funnel plot: disclosure rate", fontsize=9)
    gp.save_figure(fig, "funnel_disclosure_g1", out_dir=FIGURES, source=SOURCE)
    display(fig)

# %% [markdown]
# ## Empirical-Bayes shrinkage: raw vs shrunk / 经验贝叶斯收缩
#
# A Beta(α, β) prior is fitted to the bodies' counts by maximum likelihood (beta-binomial);
# each body's shrunk rate is its posterior mean (y + α) / (n + α + β) with a 95 % posterior
# interval.  The weight of a body's own rate is n / (n + α + β).  If α + β hits its bound the
# data show no overdispersion and every body is pulled to the pooled mean.

# %%
for m, stem in ((DISCLOSURE, "shrinkage_disclosure_g1"), (CORRECTION, "shrinkage_review_c2")):
    u = units[m]
    if not usable(u, f"the shrinkage of {m}"):
        continue
    fit = stats.eb_shrink(u["numerator"], u["denominator"], labels=u.index)
    print(f"{m}: alpha = {fit.alpha:.2f}, beta = {fit.beta:.2f}, prior mean = "
          f"{fit.prior_mean:.3f}, prior size = {fit.prior_size:.1f}, at bound: {fit.at_bound}")
    print(fit.units.round(3).to_string())
    print()
    fig = gp.plot_shrinkage(fit, lang="both", xlabel=AXIS[m])
    fig.axes[0].set_title(f"原始与收缩后比率 / Raw vs shrunk: {AXIS[m]}", loc="left",
                          fontsize=7.5)
    gp.save_figure(fig, stem, out_dir=FIGURES, source=SOURCE)
    display(fig)

# %% [markdown]
# ## The focal places side by side / 两地比较
#
# Each focal place's disclosure rate pooled per year, governments and departments apart (the
# two levels are never added), with exact intervals: the same quantity, the same years, the
# same regime.

# %%
rows = []
for level, frame in (("governments", study.governments()),
                     ("departments", study.departments())):
    r = metrics.pool(frame[frame["regime"].isin(["R2", "R3"])], DISCLOSURE,
                     by=["focal", "year"], panel=study.panel, ci="beta")
    rows.append(r.assign(level=level))
side = pd.concat(rows, ignore_index=True)
print(side[["level", "focal", "year", "numerator", "denominator", "rate", "ci_low", "ci_high",
            "bodies", "checks", "excluded"]].round(3).to_string(index=False))
levels = [lv for lv in ("governments", "departments") if (side["level"] == lv).any()]
if not places.too_little("the side-by-side comparison", len(levels), 1,
                         "levels with a pooled rate"):
    fig = Figure(figsize=(3.4 * len(levels) + 0.4, 3.1), layout="constrained")
    axes = fig.subplots(1, len(levels), sharey=True, squeeze=False).ravel()
    titles = {"governments": "政府本级 / Governments", "departments": "部门合计 / Departments"}
    for ax, level in zip(axes, levels, strict=True):
        gp.plot_compare(side[side["level"] == level], "rate", "focal", lower="ci_low",
                        upper="ci_high", percent=True, lang="both", ax=ax,
                        ylabel=AXIS[DISCLOSURE], title=titles[level])
    gp.legend_below(fig, axes, lang="both")
    gp.save_figure(fig, "disclosure_g1_places_by_level", out_dir=FIGURES, source=SOURCE)
    display(fig)

# %% [markdown]
# ## Trends per body / 各机构公开率趋势
#
# The disclosure rate by year with its 95 % Wilson interval for the focal places' bodies with
# at least three years with a rate; dashed lines mark the table-format changes, the grey
# band 2019.

# %%
g1 = metrics.compute(w, DISCLOSURE).join(w[["body", "focal"]])
g1 = g1[g1["focal"].notna() & g1["regime"].isin(["R2", "R3"])]
n_rates = g1["rate"].notna().groupby(level="jurisdiction_id").sum()
keep = n_rates[n_rates >= 3].index
g1 = g1[g1.index.get_level_values("jurisdiction_id").isin(keep)]
g1 = g1.assign(panel_title=g1["body"] + "\n" + g1["focal"])
if not places.too_little("per-body trends", len(keep), 1, "bodies with 3+ rates"):
    print(g1["rate"].unstack("year").round(3).to_string())
    fig = gp.plot_trends(g1, "rate", lower="ci_low", upper="ci_high", title="panel_title",
                         ncols=4, lang="both", ylabel=AXIS[DISCLOSURE])
    gp.save_figure(fig, "disclosure_g1_trends_by_body", out_dir=FIGURES, source=SOURCE)
    display(fig)

# %% [markdown]
# ## What can and cannot be concluded / 结论的边界
#
# * **Can:** describe each body's rates with honest intervals; say whether a body's pooled rate
#   is compatible with the pooled rate of the bodies in the panel (funnel), and give better
#   estimates for small bodies than their raw rates (shrinkage).
# * **Cannot:** rank bodies — most intervals overlap; attribute a difference to a body's
#   practice — the request mix, the level of government and the way each report fills the form
#   all differ; generalise beyond the bodies in the panel; compare with the years of the R0
#   templates, which have no comparable decision total and no case results.
# * The exact funnel assumes independent cases with a common rate; the overdispersed funnel
#   and the shrinkage both estimate between-body variation from the bodies at hand, so φ and
#   the prior are themselves uncertain.  The numbers behind these caveats:

# %%
for m, u in units.items():
    small = int((u["denominator"] < 10).sum())
    print(f"{m}: {len(u)} bodies with a denominator, {small} of them with fewer than 10 cases "
          "over all their R2/R3 years")
