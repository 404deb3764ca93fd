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
# # 01 · Load, validate and describe the panel / 载入、校验与覆盖范围
#
# This notebook loads a panel built by `govstats build` (by default the bundled one in
# `data/`), checks it against the pandera schema, and describes what it covers: reports per
# body and year, table regimes, government levels, what each report covers (its scope) and
# the validation status of every report.  Every statement about the data below is printed by
# the code from the panel; the text only gives definitions.
#
# **Definitions.** A *report* is one annual report of one body (政府信息公开工作年度报告).
# A *body* is an id (`jurisdiction_id`): a government, a special zone or a department.  A
# *place* is a government together with its departments.  The *regime* is the
# statistics-table format detected from the printed labels: R0 local templates (before 2014,
# and some provinces' own tables after), R1 the 2014–2018 national table, R2 the 2019–2020
# form (国办公开办函〔2019〕60号), R3 the 2021 form.  The *scope* says whether a report's
# figures cover the body's own office (`own`) or the whole jurisdiction below it (全市/全区
# summaries, `jurisdiction`), as the report words it; `unknown` when it does not say.  A
# report's *validation status* is `error` / `warning` / `ok`: the worst finding of the
# validation rules (sums, inequalities, text vs table, dates, continuity).

# %%
import numpy as np
import pandas as pd
from IPython.display import display
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch

import govstats.analysis.plotting as gp
from govstats.analysis import places
from govstats.analysis.notebooks import default_figures_dir
from govstats.catalogue.layouts import regimes
from govstats.panel import load as gp_load
from govstats.panel.schema import PANEL_SCHEMA

gp.use_paper_style()
FIGURES = default_figures_dir()  # $GOVSTATS_FIGURES or the repository's figures/
pd.set_option("display.width", 160)
pd.set_option("display.max_rows", 200)
print("figures ->", FIGURES)

# %% tags=["parameters"]
# The panel (a folder written by `govstats build`; None: $GOVSTATS_DATA, else the bundled
# data/) and the places to compare (ids or names separated by ";", e.g.
# "平潭综合实验区; 莆田市人民政府"; None: $GOVSTATS_FOCUS, else the two places with the most
# reports).
DATA = None
FOCUS = None
# The values: "printed" (as the reports print them) or "resolved" (those, and run-together
# cells the identities between a body's years settle: resolved.csv; said under every figure).
LAYER = "resolved"

# %% [markdown]
# ## Load and validate / 载入与校验
#
# The schema is applied lazily, so that every failing check would be listed, not only the
# first.  `reports.csv` lists every report the build read, also those without a readable
# statistics table (which give no values).

# %%
study = places.study(DATA, FOCUS, layer=LAYER)
SOURCE = gp.source_text(study.panel, study.data, lang="both")  # under every figure
panel = study.panel
checked = PANEL_SCHEMA.validate(panel[list(PANEL_SCHEMA.columns)], lazy=True)
reports = pd.read_csv(study.data / "reports.csv", dtype={"code": str})
print(f"panel: {len(checked):,} values from {checked['report_id'].nunique()} reports; "
      f"schema: {len(PANEL_SCHEMA.columns)} columns checked, ok")
print(f"reports.csv: {len(reports)} reports, {int(reports['has_table'].sum())} with a "
      f"statistics table, years {reports['year'].min()}–{reports['year'].max()}")
assert set(checked["report_id"]) <= set(reports["report_id"])
print(study.describe())

# %% [markdown]
# ## Values settled across years / 跨年度核定的数值
#
# Where a report prints cells run together so that several readings fit its own table, the
# identities between the body's consecutive reports (carried over, cumulative columns, stock
# and flow of documents, items of last year) may leave one reading: `resolved.csv` lists each
# such cell with the rule and the other report used.  The printed values are never replaced;
# `LAYER` chooses whether the analyses below use these cells too.

# %%
resolved = gp_load.read_resolved(study.data)
if resolved.empty:
    print("resolved.csv: no cell settled across years in this panel")
else:
    per_rule = (resolved.assign(rule=resolved["rules"].str.split()).explode("rule")
                .groupby("rule").agg(cells=("indicator", "size"),
                                     reports=("report_id", "nunique")))
    print(f"resolved.csv: {len(resolved)} cell(s) of {resolved['report_id'].nunique()} "
          f"report(s) settled across years; layer used here: {LAYER}")
    print(per_rule.to_string())
    print(resolved[["report_id", "indicator", "value", "rules", "used", "options"]]
          .to_string(index=False))

# %% [markdown]
# ## Whose reports these are / 数据来源范围
#
# A panel built from the reports someone collected is not a sample of Chinese governments:
# results describe these bodies only.  The table lists the places (a government and its
# departments) by number of reports.

# %%
reports_bodies = places.bodies(reports)
place_table = places.places(reports)
place_table["share of reports"] = (place_table["reports"] / place_table["reports"].sum()
                                   ).round(3)
print(place_table.to_string())
top = place_table.iloc[0]
print(f"\n{len(place_table)} place(s), {reports['province'].nunique()} province(s); "
      f"the largest, {top['name']}, has {top['share of reports']:.0%} of the reports.")

# %% [markdown]
# ## Bodies, their years and scopes / 各机构的年份与统计范围
#
# Every body with the years it has a report for and the scopes its reports state, the
# focal places first.

# %%
order_places = [*study.focus, *[p for p in place_table.index if p not in study.focus]]
rb = reports_bodies.assign(
    place_rank=[order_places.index(p) for p in reports_bodies["place"]],
    is_department=reports_bodies["level"] == "department",
    years_held=[places.year_ranges(y) for y in reports_bodies["years"]],
)
rb = rb.sort_values(["place_rank", "is_department", "first", "name"])
print(rb[["place_name", "short", "level", "reports", "years_held", "scopes"]].to_string())

# %% [markdown]
# ## Regimes, levels, scopes and validation status / 表格格式、层级、统计范围与校验状态
#
# Findings are counted by severity from `reports.csv` (`n_error`, `n_warning`, `n_info`);
# `findings.csv` next to it holds every finding with its rule and cells.

# %%
reports["regime"] = reports["regime"].fillna("no table")
no_table = int((reports["regime"] == "no table").sum())
print(f"{no_table} report(s) have no statistics table the parser could read: they are "
      "listed in reports.csv and give no values.")
print(pd.crosstab(reports["regime"], reports["status"], margins=True).to_string())
print()
print(pd.crosstab(reports["level"], reports["regime"], margins=True).to_string())
print()
print(pd.crosstab(reports["level"], reports["scope"].fillna("unknown"), margins=True)
      .to_string())
print()
findings = (reports.groupby("regime")[["n_error", "n_warning", "n_info"]].sum()
            .assign(reports=reports.groupby("regime").size()))
findings["errors per report"] = (findings["n_error"] / findings["reports"]).round(2)
print(findings.to_string())

# %% [markdown]
# ## Coverage heatmap / 覆盖热图
#
# One row per body (grouped by place, the focal places first), one column per year; the cell
# colour (and the printed code, so the figure reads in grayscale) is the table regime of that
# year's report; `–` is a report without a readable table; a dot marks a report whose
# validation status is `error`.  Departments are named without their place's name.  On a panel
# with more bodies than `MAX_ROWS` (below) only the focal places' bodies are drawn.

# %%
REGIME_CODES = [*regimes(), "no table"]  # the forms, from the layouts
REGIME_COLOURS = [gp.OKABE_ITO["sky_blue"], gp.OKABE_ITO["orange"], gp.OKABE_ITO["blue"],
                  gp.OKABE_ITO["bluish_green"], "0.85"]
MAX_ROWS = 60
rows = rb if len(rb) <= MAX_ROWS else rb[rb["place"].isin(study.focus)]
if len(rows) < len(rb):
    print(f"{len(rb)} bodies: drawing the {len(rows)} of the focal places")
order = rows.index.tolist()
years = np.arange(reports["year"].min(), reports["year"].max() + 1)
cell = reports[reports["jurisdiction_id"].isin(order)].sort_values("n_values")
cell = cell.drop_duplicates(["jurisdiction_id", "year"], keep="last")
codes = cell.set_index(["jurisdiction_id", "year"])
grid = np.full((len(order), len(years)), np.nan)
for (jid, yr), row in codes.iterrows():
    grid[order.index(jid), yr - years[0]] = REGIME_CODES.index(row["regime"])

fig = Figure(figsize=(7.6, 0.2 * len(order) + 1.9), layout="constrained")
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
ax.set_yticks(range(len(order)), [rows.loc[j, "short"] for j in order], fontsize=6.5)
# a line and the place's name between places
starts = [k for k in range(len(order))
          if k == 0 or rows["place"].iloc[k] != rows["place"].iloc[k - 1]]
for k in starts:
    if k:
        ax.axhline(k - 0.5, color="0.2", lw=0.8)
    ax.annotate(rows["place_name"].iloc[k], xy=(1.01, k - 0.45),
                xycoords=("axes fraction", "data"), ha="left", va="top", fontsize=6.5,
                color="0.25", annotation_clip=False)
ax.set_xticks(np.arange(-0.5, len(years)), minor=True)
ax.set_yticks(np.arange(-0.5, len(order)), minor=True)
ax.grid(which="minor", color="white", lw=0.6)
ax.tick_params(which="minor", length=0)
for side in ("top", "right", "bottom", "left"):
    ax.spines[side].set_visible(False)
ax.set_xlabel(gp.label("year", "both"))
ax.set_title(f"报告覆盖：{len(order)} 个机构 × 年份，按统计表格式着色\n"
             f"Coverage: {len(order)} bodies × year, coloured by table regime", loc="left")
handles = [Patch(facecolor=c, label=k if k != "no table" else "无统计表 / no table")
           for k, c in zip(REGIME_CODES, REGIME_COLOURS, strict=True)]
handles.append(ax.plot([], [], marker="o", ms=3, ls="", color=gp.OKABE_ITO["vermillion"],
                       label="校验错误 / validation error")[0])
fig.legend(handles=handles, loc="outside lower center", ncols=6, fontsize=6.5)
gp.save_figure(fig, "coverage_heatmap", out_dir=FIGURES, source=SOURCE)
display(fig)

# %% [markdown]
# ## What this panel can and cannot support / 数据能说明什么
#
# Series long enough for a trend (five years or more), the regimes each place's reports use,
# and the reports kept although validation found an error (the other notebooks use them as
# printed).

# %%
long_series = rb[rb["reports"] >= 5]
print(f"{len(long_series)} of {len(rb)} bodies have five or more reports:")
for place_name, names in long_series.groupby("place_name", sort=False)["short"]:
    print(f"  {place_name} ({len(names)}): {', '.join(names)}")
print()
by_place = (reports.assign(place=[reports_bodies.loc[j, "place_name"]
                                  for j in reports["jurisdiction_id"]])
            .pivot_table(index="place", columns="regime", values="report_id",
                         aggfunc="count", fill_value=0))
print("reports per place and regime:")
print(by_place.to_string())
n_error = int((reports["status"] == "error").sum())
print(f"\n{n_error} of {len(reports)} reports have a validation error and are used as "
      "printed.")
missing = [r for r in regimes() if r not in set(reports["regime"])]
if missing:
    print("regimes with no report here (no comparison across them is possible):",
          ", ".join(missing))
