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
# # 01 · Load, validate and describe the panel / 载入、校验与覆盖范围
#
# This notebook loads the bundled panel (`data/`, built by `govstats build` from the
# development corpus and the seed report), checks it against the pandera schema, and
# describes what it covers: reports per body and year, table regimes, government levels and
# the validation status of every report.  Everything below is computed from the panel; no
# number is typed in by hand.
#
# **Definitions.** A *report* is one annual report of one body (政府信息公开工作年度报告).
# A *body* is a registry id (`jurisdiction_id`): a government, a special zone or a department.
# The *regime* is the statistics-table format detected from the printed labels: R0 local
# templates (here Fujian's 本年度 / 历年累计 table, used by Pingtan until 2018), R1 the 2014–2018
# national table, R2 the 2019–2020 form (国办公开办函〔2019〕60号), R3 the 2021 form.
# A report's *validation status* is `error` / `warning` / `ok`: the worst finding of the
# validation rules (sums, inequalities, text vs table, dates, continuity).

# %%
import numpy as np
import pandas as pd
from IPython.display import display
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch

import govstats
import govstats.analysis.plotting as gp
from govstats.analysis.notebooks import default_figures_dir
from govstats.catalogue.layouts import regimes
from govstats.panel import data_dir
from govstats.panel.schema import PANEL_SCHEMA

gp.use_paper_style()
FIGURES = default_figures_dir()  # $GOVSTATS_FIGURES or the repository's figures/
pd.set_option("display.width", 160)
pd.set_option("display.max_rows", 200)
print("figures ->", FIGURES)

# %% [markdown]
# ## Load and validate / 载入与校验
#
# `load_panel(validate=False)` reads `data/panel.parquet`; the schema is then applied
# explicitly (lazily, so that every failing check would be listed, not only the first).

# %%
panel = govstats.load_panel(validate=False)
checked = PANEL_SCHEMA.validate(panel, lazy=True)
reports = pd.read_csv(data_dir() / "reports.csv", dtype={"code": str})
print(f"panel: {len(checked):,} values from {checked['report_id'].nunique()} reports; "
      f"schema: {len(PANEL_SCHEMA.columns)} columns checked, ok")
print(f"reports.csv: {len(reports)} reports, {int(reports['has_table'].sum())} with a "
      f"statistics table, years {reports['year'].min()}–{reports['year'].max()}")
assert set(checked["report_id"]) <= set(reports["report_id"])

# %% [markdown]
# ## Scope / 范围
#
# The panel is **not a sample of Chinese governments**.  Most reports come from one special
# zone (平潭综合实验区, Fujian) and its departments, with a few other places (a Shanghai
# department, a prefecture and a county in Jiangsu, the seed report of 临沂市).  Results
# describe these bodies only; nothing here generalises to a province or the country.

# %%
bodies = (reports.sort_values("year").groupby("jurisdiction_id")
          .agg(name=("jurisdiction", "last"), level=("level", "last"),
               province=("province", "last"), reports=("report_id", "size"),
               first=("year", "min"), last=("year", "max")))
zone = "cn-350128-ptsyq"
bodies["group"] = np.where(bodies.index == zone, "zone",
                           np.where(bodies.index.str.startswith(zone + "-"),
                                    "zone department",
                                    np.where(bodies.index.str.startswith("cn-350128"),
                                             "平潭县 (county, before the zone)", "elsewhere")))
scope = bodies.groupby("group").agg(bodies=("name", "size"), reports=("reports", "sum"))
scope["share of reports"] = (scope["reports"] / scope["reports"].sum()).round(3)
print(scope.to_string())
print()
print(bodies.sort_values(["group", "first"]).to_string())

# %% [markdown]
# ## Regimes, levels and validation status / 表格格式、层级与校验状态
#
# 18 reports have no statistics table the parser could read (regime blank); they stay in the
# panel's report list but contribute no values.  Findings are counted by severity from
# `data/reports.csv` (`n_error`, `n_warning`, `n_info`).  The bundled panel does not keep the
# findings themselves, so a count *per rule* is not available here (run `govstats validate`
# on the reports, or `tools/validate_eval.py` on the corpus, for that).

# %%
reports["regime"] = reports["regime"].fillna("no table")
print(pd.crosstab(reports["regime"], reports["status"], margins=True).to_string())
print()
print(pd.crosstab(reports["level"], reports["regime"], margins=True).to_string())
print()
findings = (reports.groupby("regime")[["n_error", "n_warning", "n_info"]].sum()
            .assign(reports=reports.groupby("regime").size()))
findings["errors per report"] = (findings["n_error"] / findings["reports"]).round(2)
print(findings.to_string())

# %% [markdown]
# ## Coverage heatmap / 覆盖热图
#
# One row per body, one column per year; the cell colour (and the printed code, so the figure
# reads in grayscale) is the table regime of that year's report; `–` is a report without a
# readable table; a dot marks a report whose validation status is `error`.  Department names
# of the zone are shown without the prefix 平潭综合实验区.

# %%
REGIME_CODES = [*regimes(), "no table"]  # the forms, from the layouts
REGIME_COLOURS = [gp.OKABE_ITO["sky_blue"], gp.OKABE_ITO["orange"], gp.OKABE_ITO["blue"],
                  gp.OKABE_ITO["bluish_green"], "0.85"]
years = np.arange(reports["year"].min(), reports["year"].max() + 1)
order = bodies.sort_values(["group", "first", "name"]).index.tolist()


def short(name: str) -> str:
    """A zone department's name without the zone's prefix."""
    return name.removeprefix("平潭综合实验区") or name


cell = reports.sort_values("n_values").drop_duplicates(["jurisdiction_id", "year"], keep="last")
grid = np.full((len(order), len(years)), np.nan)
codes = cell.set_index(["jurisdiction_id", "year"])
for (jid, yr), row in codes.iterrows():
    grid[order.index(jid), yr - years[0]] = REGIME_CODES.index(row["regime"])

fig = Figure(figsize=(7.2, 0.2 * len(order) + 1.6), layout="constrained")
ax = fig.add_subplot()
ax.imshow(np.ma.masked_invalid(grid), cmap=ListedColormap(REGIME_COLOURS), vmin=-0.5,
          vmax=len(REGIME_CODES) - 0.5, aspect="auto", interpolation="nearest")
for (jid, yr), row in codes.iterrows():
    i, j = order.index(jid), yr - years[0]
    text = row["regime"] if row["regime"] != "no table" else "–"
    ax.text(j, i, text, ha="center", va="center", fontsize=5.5,
            color="white" if row["regime"] in ("R2", "R3") else "black")
    if row["status"] == "error":
        ax.plot(j + 0.36, i - 0.3, marker="o", ms=1.8, color=gp.OKABE_ITO["vermillion"],
                ls="")
ax.set_xticks(range(len(years)), [str(y) for y in years], rotation=90)
ax.set_yticks(range(len(order)), [short(bodies.loc[j, "name"]) for j in order], fontsize=6.5)
ax.set_xticks(np.arange(-0.5, len(years)), minor=True)
ax.set_yticks(np.arange(-0.5, len(order)), minor=True)
ax.grid(which="minor", color="white", lw=0.6)
ax.tick_params(which="minor", length=0)
for side in ("top", "right", "bottom", "left"):
    ax.spines[side].set_visible(False)
ax.set_xlabel(gp.label("year", "both"))
ax.set_title("报告覆盖：机构 × 年份，按统计表格式着色 / "
             "Coverage: body × year, coloured by table regime", loc="left")
handles = [Patch(facecolor=c, label=k if k != "no table" else "无统计表 / no table")
           for k, c in zip(REGIME_CODES, REGIME_COLOURS, strict=True)]
handles.append(ax.plot([], [], marker="o", ms=3, ls="", color=gp.OKABE_ITO["vermillion"],
                       label="校验错误 / validation error")[0])
fig.legend(handles=handles, loc="outside lower center", ncols=6, fontsize=6.5)
gp.save_figure(fig, "coverage_heatmap", out_dir=FIGURES)
display(fig)

# %% [markdown]
# ## What this panel can and cannot support / 数据能说明什么
#
# * Series long enough for trends exist only for the zone and some of its departments; the
#   other places have one or two reports.
# * Only one R1 report (临沂市 2017) is in the panel: the zone and its departments kept the
#   Fujian R0 template until 2018, so "2014–2018 under R1" comparisons cannot be made here.
# * Every series breaks in 2019 (new Regulations in force 15 May 2019 and a new form at the
#   same time) and again, in the details, in 2021.
# * Reports with validation `error` are kept and flagged; the other notebooks use them as
#   printed and say so.
