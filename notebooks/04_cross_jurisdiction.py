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
# is defined the same way.  Bodies of different levels (a provincial general office, a
# prefecture, a county, the zone and its departments) are *compared*, never added together.
# The metric is a parameter below: C2 (reconsideration corrected / concluded) by default, and
# G1 (disclosure, (granted + partial) / decisions).

# %%
import pandas as pd
from IPython.display import display
from matplotlib.figure import Figure

import govstats
import govstats.analysis.plotting as gp
from govstats.analysis import metrics, stats
from govstats.analysis.notebooks import default_figures_dir

gp.use_paper_style()
FIGURES = default_figures_dir()
pd.set_option("display.width", 160)
pd.set_option("display.max_rows", 200)
CORRECTION = "review.correction.C2"
DISCLOSURE = "disclosure.G1"
#: short bilingual axis labels (the full definitions are in the markdown above)
AXIS = {CORRECTION: "纠错率 C2 / Correction rate C2", DISCLOSURE: "公开率 G1 / Disclosure rate G1"}

panel = govstats.load_panel()
w = govstats.wide(panel, by="indicator")
names = panel.sort_values("year").groupby("jurisdiction_id")["jurisdiction"].last()
short = {j: n.removeprefix("平潭综合实验区") or n for j, n in names.items()}
w["jurisdiction"] = [short[j] for j in w.index.get_level_values("jurisdiction_id")]


def per_body(metric: str) -> pd.DataFrame:
    """Numerator and denominator of ``metric`` added over each body's R2/R3 years with a
    defined rate (years with a zero or blank denominator add nothing)."""
    res = metrics.compute(w[w["regime"].isin(["R2", "R3"])], metric)
    ok = res[res["rate"].notna()]
    out = ok.groupby(level="jurisdiction_id")[["numerator", "denominator"]].sum()
    out["years"] = ok.groupby(level="jurisdiction_id").size()
    out = out[out["denominator"] > 0]
    out.index = [short[j] for j in out.index]
    return out.sort_values("denominator", ascending=False)


units = {m: per_body(m) for m in (CORRECTION, DISCLOSURE)}
for m, u in units.items():
    print(m, f"({len(u)} bodies)")
    print(u.assign(rate=(u["numerator"] / u["denominator"]).round(3)).to_string())
    print()

# %% [markdown]
# ## Funnel plot of the correction rate C2 / 纠错率漏斗图
#
# Exact binomial limits around the pooled C2.  A body outside the 99.8 % limits is unlikely to
# share the pooled rate *if* all bodies had the same underlying rate and cases were
# independent; inside the funnel, differences are compatible with chance.

# %%
u = units[CORRECTION]
funnel, target, phi = stats.funnel_data(u["numerator"], u["denominator"], labels=u.index)
disp = stats.overdispersion(u["numerator"], u["denominator"])
print(f"pooled C2 = {target:.3f}; overdispersion phi = {disp.phi:.2f} "
      f"(chi2 = {disp.chi2:.1f} on {disp.df} df, p = {disp.p_value:.3f})")
print(funnel.round(3).to_string())
fig = gp.plot_funnel(u["numerator"], u["denominator"], labels=list(u.index), log_x=True,
                     lang="both", ylabel=AXIS[CORRECTION])
fig.axes[0].set_title("行政复议纠错率 C2 漏斗图 / Funnel plot: reconsideration C2",
                      loc="left")
gp.save_figure(fig, "funnel_review_c2", out_dir=FIGURES)
display(fig)

# %% [markdown]
# ## Funnel plot of the disclosure rate G1, exact and overdispersed / 公开率漏斗图
#
# Left: exact binomial limits.  Right: the same limits widened by √φ (φ estimated from the
# bodies; applied only when > 1).  Large bodies are far outside exact limits when bodies
# genuinely differ (different request mixes): the overdispersed funnel asks whether a body is
# unusual *given* that bodies differ.

# %%
u = units[DISCLOSURE]
disp = stats.overdispersion(u["numerator"], u["denominator"])
print(f"G1 overdispersion phi = {disp.phi:.2f} (chi2 = {disp.chi2:.1f} on {disp.df} df, "
      f"p = {disp.p_value:.3g})")
for phi_opt in (None, "estimate"):
    f, t, ph = stats.funnel_data(u["numerator"], u["denominator"], labels=u.index, phi=phi_opt)
    print(f"phi={phi_opt}: pooled G1 = {t:.3f}, phi used = {ph:.2f}; outside 99.8 %:",
          f.index[f["flag_99.8"] != ""].tolist())
fig = Figure(figsize=(7.6, 3.2), layout="constrained")
axes = fig.subplots(1, 2, sharey=True)
for ax, phi_opt, title in zip(axes, (None, "estimate"),
                              ("精确二项控制限 / exact binomial limits",
                               "过度离散调整 / overdispersion-adjusted"), strict=True):
    gp.plot_funnel(u["numerator"], u["denominator"], labels=list(u.index), phi=phi_opt,
                   log_x=True, lang="both", ax=ax, ylabel=AXIS[DISCLOSURE])
    ax.set_title(title, loc="left")
fig.suptitle("公开率 G1 漏斗图 / Funnel plot: disclosure rate G1", fontsize=9)
gp.save_figure(fig, "funnel_disclosure_g1", out_dir=FIGURES)
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
    fit = stats.eb_shrink(u["numerator"], u["denominator"], labels=u.index)
    print(f"{m}: alpha = {fit.alpha:.2f}, beta = {fit.beta:.2f}, prior mean = "
          f"{fit.prior_mean:.3f}, prior size = {fit.prior_size:.1f}, at bound: {fit.at_bound}")
    print(fit.units.round(3).to_string())
    print()
    fig = gp.plot_shrinkage(fit, lang="both", xlabel=AXIS[m])
    fig.axes[0].set_title(f"原始与收缩后比率 / Raw vs shrunk: {m}", loc="left")
    gp.save_figure(fig, stem, out_dir=FIGURES)
display(fig)

# %% [markdown]
# ## Trends per body / 各机构公开率趋势
#
# G1 by year with its 95 % Wilson interval for bodies with at least three years with a rate;
# dashed lines mark the table-format changes, the grey band 2019.

# %%
g1 = metrics.compute(w, DISCLOSURE).join(w["jurisdiction"])
n_rates = g1["rate"].notna().groupby(level="jurisdiction_id").sum()
keep = n_rates[n_rates >= 3].index
g1 = g1[g1.index.get_level_values("jurisdiction_id").isin(keep)
        & g1["regime"].isin(["R2", "R3"])]
print(g1["rate"].unstack("year").round(3).to_string())
fig = gp.plot_trends(g1, "rate", lower="ci_low", upper="ci_high", title="jurisdiction",
                     ncols=4, lang="both", ylabel=AXIS[DISCLOSURE])
gp.save_figure(fig, "disclosure_g1_trends_by_body", out_dir=FIGURES)
display(fig)

# %% [markdown]
# ## What can and cannot be concluded / 结论的边界
#
# * **Can:** describe each body's rates with honest intervals; say whether a body's pooled rate
#   is compatible with the pooled rate of these bodies (funnel), and give better estimates for
#   small bodies than their raw rates (shrinkage).
# * **Cannot:** rank bodies — most intervals overlap; attribute a difference to a body's
#   practice — the request mix, the level of government and the way each report fills the form
#   all differ; generalise beyond these bodies — the panel is one zone and its departments plus
#   a few other places; compare with pre-2019 years — the R0 template has no comparable decision
#   total and no case results.
# * The exact funnel assumes independent cases with a common rate; the overdispersed funnel
#   and the shrinkage both estimate between-body variation from a handful of bodies, so φ and
#   the prior are themselves uncertain.
