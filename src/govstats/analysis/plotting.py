"""Paper-ready figures: a CJK-capable style and the plots papers on these reports use.

Call :func:`use_paper_style` (or ``with paper_style():``) before plotting.  It registers the
CJK font shipped in the PyPI package ``paperang-p2-fonts-cjk`` (WenQuanYi Micro Hei, Apache
License 2.0 per the font's own name table; the package is MIT) with
``matplotlib.font_manager.fontManager.addfont`` — nothing happens at import time and no system
font or font cache is needed — and sets TrueType (Type 42) embedding for PDF and PostScript,
the colour-blind-safe Okabe–Ito palette and a marker and line style per series so grayscale
prints stay readable.  Latin text uses DejaVu Sans (bundled with matplotlib); Chinese falls
back to the CJK font glyph by glyph.

Every plot function returns a :class:`matplotlib.figure.Figure` (made without pyplot, so no
figure is left open in a global registry), or the ``ax`` it was given to draw on;
:func:`save_figure` writes a figure as PDF and PNG.  Rates are shown in percent; the marks
of the time axis (:func:`mark_regimes`) and of inconsistent tables (:data:`FLAG_STYLE`) are
explained in the legends (:func:`regime_handles`, :func:`flag_handle`);
:func:`add_source` writes the source line (:func:`source_text`) under a figure.

>>> import govstats.analysis.plotting as gp
>>> family = gp.use_paper_style()                      # doctest: +SKIP
>>> fig = gp.plot_funnel([3, 10, 40], [20, 61, 300], labels=["甲", "乙", "丙"])  # doctest: +SKIP
>>> gp.save_figure(fig, "funnel_review_c2")            # doctest: +SKIP
[PosixPath('figures/funnel_review_c2.pdf'), PosixPath('figures/funnel_review_c2.png')]
"""

from __future__ import annotations

import contextlib
import re
import warnings
from collections.abc import Iterator, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import GovstatsError
from .timeline import MIXED_YEAR, RULE_CHANGE, regime_breaks

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .stats import BetaBinomialFit

__all__ = [
    "FLAG_STYLE",
    "HATCHES",
    "LINESTYLES",
    "MARKERS",
    "OKABE_ITO",
    "PALETTE",
    "REGIME_BREAKS",
    "SCOPE_MARKERS",
    "PlottingError",
    "add_source",
    "cjk_font_path",
    "flag_handle",
    "label",
    "legend_below",
    "mark_regimes",
    "paper_style",
    "plot_compare",
    "plot_funnel",
    "plot_outcome_shares",
    "plot_rates",
    "plot_shrinkage",
    "plot_trends",
    "regime_handles",
    "save_figure",
    "source_text",
    "use_paper_style",
    "visible_breaks",
]

#: Okabe & Ito (2008), "Color Universal Design": distinguishable with all common colour-vision
#: deficiencies.
OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7",
}
#: Series colours in order (yellow last: weak on white paper).
PALETTE = [OKABE_ITO[k] for k in ("blue", "vermillion", "bluish_green", "orange", "sky_blue",
                                  "reddish_purple", "black", "yellow")]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
LINESTYLES = ["-", "--", ":", "-.", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 3)),
              (0, (8, 2, 2, 2))]
#: Hatches for filled areas (stacked shares), one per palette colour.
HATCHES = ["", "////", "....", "xxxx", "\\\\\\\\", "oo", "++", "----"]
#: First report year of each new table regime (R1, R2, R3), from the layouts.  MIXED_YEAR, the
#: year the revised Regulations took effect (analysis.timeline.RULE_CHANGE), is shaded.
REGIME_BREAKS = regime_breaks()
_FONT_PACKAGE = "paperang_p2_fonts_cjk"
_FONT_FILE = "fonts/wqy-microhei.ttc"
_LATIN_FAMILY = "DejaVu Sans"

OUTCOME_CODES = ("outcome.granted", "outcome.partial", "outcome.denied", "outcome.unable",
                 "outcome.not_processed", "outcome.other")
LANGS = ("zh", "en", "both")


class PlottingError(GovstatsError):
    """Missing font package, bad input frame or option."""


# --------------------------------------------------------------------------------------------
# Style
# --------------------------------------------------------------------------------------------


def cjk_font_path() -> Path:
    """The TrueType collection of WenQuanYi Micro Hei shipped in ``paperang-p2-fonts-cjk``."""
    try:
        root = resources.files(_FONT_PACKAGE)
    except ModuleNotFoundError:
        raise PlottingError(
            "the CJK font package is missing: pip install 'govstats[analysis]' "
            "(it installs paperang-p2-fonts-cjk)") from None
    path = Path(str(root.joinpath(_FONT_FILE)))
    if not path.is_file():
        raise PlottingError(f"font file {_FONT_FILE} not found in {_FONT_PACKAGE} at {path}")
    return path


def _register_font(path: Path) -> str:
    from matplotlib import font_manager

    fm = font_manager.fontManager
    if not any(Path(f.fname) == path for f in fm.ttflist):
        fm.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def _style_rc(cjk_family: str) -> dict[str, Any]:
    from cycler import cycler

    n = len(PALETTE)
    return {
        "font.family": [_LATIN_FAMILY, cjk_family],
        "font.size": 8.5,
        "axes.titlesize": 9,
        "axes.labelsize": 8.5,
        "xtick.labelsize": 7.5,
        "ytick.labelsize": 7.5,
        "legend.fontsize": 7.5,
        "legend.frameon": False,
        "axes.unicode_minus": True,
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "axes.prop_cycle": (cycler(color=PALETTE) + cycler(marker=MARKERS[:n])
                            + cycler(linestyle=LINESTYLES[:n])),
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": False,
        "lines.linewidth": 1.2,
        "lines.markersize": 4,
        "image.cmap": "cividis",
        "figure.dpi": 100,
        "savefig.dpi": 300,
        "savefig.bbox": "tight",
        "hatch.linewidth": 0.6,
    }


def use_paper_style(font_path: str | Path | None = None) -> str:
    """Register the CJK font and set the paper style globally; returns the CJK family name.

    ``font_path`` overrides the bundled font (any TrueType/OpenType file with CJK glyphs).
    Safe to call repeatedly.  Use :func:`paper_style` for a temporary style.
    """
    import matplotlib as mpl

    family = _register_font(Path(font_path) if font_path else cjk_font_path())
    mpl.rcParams.update(_style_rc(family))
    return family


@contextlib.contextmanager
def paper_style(font_path: str | Path | None = None) -> Iterator[str]:
    """``with paper_style(): ...`` — the paper style for the block only."""
    import matplotlib as mpl

    family = _register_font(Path(font_path) if font_path else cjk_font_path())
    with mpl.rc_context(_style_rc(family)):
        yield family


def _label_pair(key: str) -> tuple[str, str] | None:
    """(zh, en) of ``key`` from where the thing is defined, or None."""
    from ..catalogue.indicators import catalogue
    from ..panel.fields import fields
    from . import timeline
    from .metrics import labels, metrics

    if key in (mets := metrics()):
        return mets[key].zh, mets[key].en
    if key in (cat := catalogue()):
        return cat[key].short("zh"), cat[key].short("en")
    for table in (labels(), timeline.labels()):
        if key in table:
            return table[key]
    f = fields().get(key)
    if f is not None and f.label_zh and f.label_en:
        return f.label_zh, f.label_en
    return None


def label(key: str, lang: str = "zh") -> str:
    """Label of a key in "zh", "en" or "both", from where the thing is defined: an indicator
    code (``catalogue/indicators.csv``), a metric name or another quantity of the analysis
    (``catalogue/metrics.yaml``), a mark of the time axis (:mod:`govstats.analysis.timeline`)
    or a panel field (``panel/fields.yaml``); any other key is its own label.

    >>> label("outcome.granted", "both")
    '予以公开 / Granted'
    >>> label("review.correction.C2", "en")
    'Reconsideration correction rate, corrected / concluded cases (C2)'
    >>> label("year", "both")
    '年份 / Year'
    """
    if lang not in LANGS:
        raise PlottingError(f"lang must be one of {LANGS}")
    zh, en = _label_pair(key) or (key, key)
    return {"zh": zh, "en": en, "both": f"{zh} / {en}"}[lang]


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _figure(**kwargs: Any) -> Figure:
    from matplotlib.figure import Figure

    return Figure(layout="constrained", **kwargs)


def _long(frame: pd.DataFrame) -> pd.DataFrame:
    """Index levels as columns (the panel's (jurisdiction_id, year) MultiIndex)."""
    names = [n for n in frame.index.names if n is not None and n not in frame.columns]
    return frame.reset_index(level=names) if names else frame.copy()


def _need(frame: pd.DataFrame, cols: Sequence[str | None]) -> None:
    missing = [c for c in cols if c is not None and c not in frame.columns]
    if missing:
        raise PlottingError(f"columns {missing} are not in the frame (or its index)")


def mark_regimes(ax: Axes, breaks: Sequence[int] = REGIME_BREAKS) -> None:
    """Mark the regime breaks on a year axis: each first year of a new table form as a dashed
    line, the year of the rule change (:data:`MIXED_YEAR`) shaded."""
    for year in breaks:
        if year == MIXED_YEAR:
            ax.axvspan(year - 0.5, year + 0.5, color="0.88", lw=0, zorder=0)
        else:
            ax.axvline(year - 0.5, color="0.45", lw=0.7, ls=(0, (4, 2)), zorder=0)


def _regime_note(breaks: Sequence[int], lang: str) -> str:
    lines = [b for b in breaks if b != MIXED_YEAR]
    zh = ["虚线：统计表格式变化（" + "、".join(f"{b} 年起" for b in lines) + "）"] if lines else []
    en = ["dashed: table format changes (from " + ", ".join(map(str, lines)) + ")"] if lines \
        else []
    if MIXED_YEAR in breaks:
        day = RULE_CHANGE
        zh.append(f"灰色：{day.year} 年新旧条例过渡（新条例 {day.month} 月 {day.day} 日施行）")
        en.append(f"grey: {day.year}, revised Regulations in force from {day.day} {day:%B}")
    return {"zh": "；".join(zh), "en": "; ".join(en),
            "both": "；".join(zh) + "\n" + "; ".join(en)}[lang]


def _legend(fig: Figure, ax: Axes, own: bool, ncols: int) -> None:
    """Legend under the plot when the figure is ours, inside the axes otherwise."""
    if own:
        fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncols=ncols)
    else:
        ax.legend(ncols=ncols)


def regime_handles(lang: str = "zh", breaks: Sequence[int] = REGIME_BREAKS) -> list[Any]:
    """Legend entries that explain the marks of :func:`mark_regimes`: a dashed line for a
    change of the table's form, a grey band for the year of the rule change."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    out: list[Any] = []
    if any(b != MIXED_YEAR for b in breaks):
        out.append(Line2D([], [], color="0.45", lw=0.7, ls=(0, (4, 2)),
                          label=label("regime_break", lang)))
    if MIXED_YEAR in breaks:
        out.append(Patch(facecolor="0.88", edgecolor="none", label=label("mixed_year", lang)))
    return out


def visible_breaks(breaks: Sequence[int], first: float, last: float) -> list[int]:
    """The breaks :func:`mark_regimes` draws inside the years ``first``–``last`` (a break is
    drawn before its first year; the mixed year is a band over itself)."""
    return [b for b in breaks
            if (first <= b <= last if b == MIXED_YEAR else first < b <= last)]


def flag_handle(lang: str = "zh") -> Any:
    """The legend entry of a rate from a table whose own checks fail (:data:`FLAG_STYLE`)."""
    from matplotlib.lines import Line2D

    return Line2D([], [], ls="", label=label("inconsistent", lang), **FLAG_STYLE)


#: how a rate from an inconsistent table is marked: a dark ring around its point
FLAG_GID = "govstats-inconsistent"
FLAG_STYLE: dict[str, Any] = {"marker": "o", "ms": 8.5, "mfc": "none", "mec": "black",
                              "mew": 0.9, "gid": FLAG_GID}


def _flags(frame: pd.DataFrame, flag: str | None) -> pd.Series:
    """Rows to mark as from an inconsistent table: ``flag`` names a boolean column true for
    a consistent row (``consistent`` of :func:`govstats.analysis.metrics.compute`, used when
    present); unknown (NA) is not marked."""
    col = flag if flag is not None else ("consistent" if "consistent" in frame.columns else None)
    if col is None or col not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame[col].astype("boolean").eq(False).fillna(False).astype(bool)


def _legend_cols(fig: Figure, handles: Sequence[Any], most: int = 4) -> int:
    """Columns of a legend under the figure: no wider than the figure (a legend wider than
    its figure pushes the layout apart), estimated from the labels' length."""
    longest = max((len(str(h.get_label())) for h in handles), default=1)
    per_col = 0.45 + 0.075 * longest  # inches: the handle and ~7.5 pt per character
    fits = max(1, int(fig.get_figwidth() // per_col))
    return max(1, min(most, len(handles), fits))


def legend_below(fig: Figure, axes: Sequence[Axes] | None = None, lang: str = "zh",
                 ncols: int = 4, marks: bool = True, **kwargs: Any) -> Any:
    """One legend under the figure for several axes: each entry once, then the flag of an
    inconsistent table when a ringed point is drawn, and the regime marks of the years the
    axes show (``marks``)."""
    axes = list(axes if axes is not None else fig.axes)
    handles: list[Any] = []
    texts: list[str] = []
    flagged = False
    for ax in axes:
        for h, t in zip(*ax.get_legend_handles_labels(), strict=True):
            if t not in texts and t != label("inconsistent", lang):
                handles.append(h)
                texts.append(t)
        flagged |= any(line.get_gid() == FLAG_GID for line in ax.get_lines())
    if flagged:
        handles.append(flag_handle(lang))
    if marks and axes:
        lo = min(ax.get_xlim()[0] for ax in axes)
        hi = max(ax.get_xlim()[1] for ax in axes)
        handles += regime_handles(lang, visible_breaks(REGIME_BREAKS, lo + 0.5, hi - 0.5))
    if not handles:
        return None
    return fig.legend(handles=handles, loc="outside lower center",
                      ncols=_legend_cols(fig, handles, ncols), **{"fontsize": 6.5, **kwargs})


def source_text(panel: pd.DataFrame, data: str | Path | None = None, lang: str = "both"
                ) -> str:
    """The source line of a figure: govstats' version, the panel's reports, bodies and years,
    the layer of its values (printed, or with the cells settled across years) and where each
    report's origin is listed (``sources.csv``)."""
    from .. import __version__

    reports = panel["report_id"].nunique()
    bodies = panel["jurisdiction_id"].nunique()
    years = panel["year"].dropna()
    span = f"{int(years.min())}–{int(years.max())}" if len(years) else "–"
    where = f"{Path(data).name}/" if data is not None else ""
    from .places import layer_text

    zh = (f"{label('data_source', 'zh')}：govstats {__version__}，{reports} 份报告，"
          f"{bodies} 个机构，{span} 年，{layer_text(panel, 'zh')}；出处见 {where}sources.csv")
    en = (f"{label('data_source', 'en')}: govstats {__version__}, {reports} reports of {bodies} "
          f"bodies, {span}, values {layer_text(panel, 'en')}; origins in {where}sources.csv")
    return {"zh": zh, "en": en, "both": f"{zh}\n{en}"}[lang]


SOURCE_GID = "govstats-source"
_SOURCE_PT = 5.5


def add_source(fig: Figure, text: str) -> None:
    """Write ``text`` (e.g. :func:`source_text`) at the foot of the figure, small and grey, as
    the title of the legend under the axes (a legend of its own when there is none): the
    figure's layout places it, so nothing overlaps it at any resolution."""
    bottom = [leg for leg in fig.legends if "lower" in str(getattr(leg, "_loc_spec", "lower"))]
    leg = bottom[-1] if bottom else (fig.legends[-1] if fig.legends else None)
    if leg is None:
        leg = fig.legend(handles=[], loc="outside lower left", frameon=False)
    leg.set_title(text, prop={"size": _SOURCE_PT})
    leg.get_title().set_color("0.35")
    leg.get_title().set_gid(SOURCE_GID)
    leg.set_alignment("left")


# --------------------------------------------------------------------------------------------
# Plots
# --------------------------------------------------------------------------------------------


def plot_trends(frame: pd.DataFrame, value: str, *, lower: str | None = None,
                upper: str | None = None, unit: str = "jurisdiction_id", year: str = "year",
                title: str | None = "jurisdiction", ncols: int = 4,
                breaks: Sequence[int] = REGIME_BREAKS, sharey: bool = True,
                ylabel: str | None = None, lang: str = "zh", note: bool = True,
                panel_size: tuple[float, float] = (1.9, 1.5), percent: bool | None = None,
                flag: str | None = None) -> Figure:
    """Small multiples (seaborn's faceted plots): one panel per unit, ``value`` by year, with
    the regime breaks marked: ``breaks`` (default :data:`REGIME_BREAKS`, the first year of
    each new regime, from the layouts) as dashed lines, the year of the rule change
    (:data:`MIXED_YEAR`) shaded; with ``note`` the legend under the panels explains them.

    ``frame``: long or panel-shaped (MultiIndex ``(jurisdiction_id, year)``), e.g. the wide
    panel or the output of :func:`govstats.metrics.compute` joined with the panel's
    ``jurisdiction`` column.  ``lower`` / ``upper`` draw the interval, as a band over
    consecutive years and a bar on every year (an isolated year keeps its interval);
    ``title`` names the column of panel titles (falls back to ``unit``).  Missing years
    leave gaps: they are not interpolated.  ``percent`` (default: for a ``rate`` column)
    shows 0–100 %.  Rows from an inconsistent table (``flag``, default the ``consistent``
    column when present) are ringed.
    """
    import seaborn.objects as so
    from matplotlib.ticker import MaxNLocator

    data = _long(frame)
    _need(data, [value, unit, year, lower, upper])
    if title is None or title not in data.columns:
        title = unit
    data = data[data[value].notna()].copy()
    units = list(dict.fromkeys(data[unit]))
    if not units:
        raise PlottingError("nothing to plot: the frame is empty")
    if percent is None:
        percent = value == "rate"
    data["_unit"] = data[unit].astype(str)
    data = data.sort_values(["_unit", year], kind="stable")
    data[year] = data[year].astype(float)
    # a run of consecutive years is one line: a missing year breaks it
    data["_run"] = (data.groupby("_unit")[year].diff() != 1).cumsum().astype(str)
    data["_flag"] = _flags(data, flag)
    names = {str(u): str(data.loc[data[unit] == u, title].iloc[0]) for u in units}
    ncols = max(1, min(ncols, len(units)))
    nrows = int(np.ceil(len(units) / ncols))
    fig = _figure(figsize=(panel_size[0] * ncols, panel_size[1] * nrows + 0.6))
    color = PALETTE[0]
    ymin = lower if lower and upper else None
    ymax = upper if lower and upper else None
    plot = so.Plot(data, x=year, y=value, ymin=ymin, ymax=ymax).facet(
        col="_unit", wrap=ncols, order=[str(u) for u in units]).share(y=sharey)
    if lower and upper:
        plot = plot.add(so.Band(color=color, alpha=0.18), group="_run")
        plot = plot.add(so.Range(color=color, linewidth=0.8))
    plot = plot.add(so.Line(color=color, marker=MARKERS[0], pointsize=4), group="_run")
    import matplotlib as mpl

    with warnings.catch_warnings():
        # seaborn 0.13 passes pandas' deprecated copy= to concat (a FutureWarning of pandas 3)
        warnings.filterwarnings("ignore", message=".*copy keyword is deprecated.*")
        plot.label(x="", y="", title=lambda u: names.get(u, u)).theme(
            dict(mpl.rcParams)).on(fig).plot()
    axes = fig.axes
    xs = data[year]
    for ax in axes:
        for line in ax.get_lines():  # the data's markers stay whole at 0 %; not the marks
            line.set_clip_on(False)
        mark_regimes(ax, breaks)
        ax.set_xlim(xs.min() - 0.7, xs.max() + 0.7)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
        text = ax.get_title()
        ax.set_title("")
        ax.set_title(text, loc="left", fontsize=7)
        if percent:
            ax.yaxis.set_major_formatter(_percent())
        else:
            finite = data[value].astype(float).to_numpy()
            if len(finite) and np.all(np.mod(finite, 1) == 0):
                ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True, min_n_ticks=2))
    if percent:
        axes[0].set_ylim(min(-0.03, float(data[value].min()) - 0.03),
                         max(1.03, float(data[value].max()) + 0.03))
    flagged = data[data["_flag"]]
    if len(flagged):
        by_title = {ax.get_title(loc="left"): ax for ax in axes}
        for u, g in flagged.groupby("_unit"):
            ax = by_title.get(names.get(str(u), str(u)))
            if ax is not None:
                ax.plot(g[year], g[value], ls="", clip_on=False, zorder=5, **FLAG_STYLE)
    ylab = ylabel if ylabel is not None else label(value, lang)
    # the year under the lowest panel of each column (a figure-wide x label would collide
    # with the legend under the panels)
    for c in range(ncols):
        column = [k for k in range(len(axes)) if k % ncols == c]
        if column:
            axes[column[-1]].set_xlabel(label("year", lang), fontsize=7.5)
    fig.supylabel(ylab, fontsize=8.5)
    handles: list[Any] = []
    if lower and upper:
        from matplotlib.patches import Patch

        handles.append(Patch(facecolor=color, alpha=0.3, label=label("interval", lang)))
    if len(flagged):
        handles.append(flag_handle(lang))
    if note and breaks:
        handles += regime_handles(lang, visible_breaks(breaks, xs.min(), xs.max()))
    if handles:
        fig.legend(handles=handles, loc="outside lower center", ncols=_legend_cols(fig, handles),
                   fontsize=6.5)
    return fig


#: marker faces of :func:`plot_compare` by a report's scope (filled: the whole jurisdiction,
#: open: the body's own office, a cross: not stated)
SCOPE_MARKERS = {"jurisdiction": "full", "own": "none", "unknown": "x"}


def plot_compare(frame: pd.DataFrame, value: str, group: str, *, lower: str | None = None,
                 upper: str | None = None, year: str = "year", scope: str | None = None,
                 breaks: Sequence[int] = REGIME_BREAKS, ylabel: str | None = None,
                 lang: str = "zh", title: str | None = None, percent: bool = False,
                 flag: str | None = None, ax: Axes | None = None) -> Any:
    """One axes, one line per ``group`` (e.g. two places): ``value`` by year with an
    interval (``lower``/``upper``, drawn as error bars, the groups dodged), the regime
    breaks marked as in :func:`plot_trends` and explained in the legend.  With ``scope`` (a
    column holding jurisdiction / own / unknown) each point's marker says what the report
    covers: filled (the whole jurisdiction), open (the body's own office), a cross (not
    stated), so a comparison of unlike scopes shows.  Rows from an inconsistent table
    (``flag``, default the ``consistent`` column when present) are ringed.  Missing years
    leave gaps; markers at 0 % stay whole.

    Returns the figure, or ``ax`` when one is given (the legend is then left to the
    caller: :func:`regime_handles`, :func:`flag_handle`)."""
    data = _long(frame)
    _need(data, [value, group, year, lower, upper, scope])
    data = data[data[value].notna()].copy()
    data["_flag"] = _flags(data, flag)
    groups = list(dict.fromkeys(data[group]))
    if not groups:
        raise PlottingError("nothing to plot: no value in the frame")
    own = ax is None
    if ax is None:
        fig = _figure(figsize=(5.2, 3.0))
        ax = fig.add_subplot()
    else:
        fig = ax.get_figure()
    width = 0.5 / max(1, len(groups))
    for k, g in enumerate(groups):
        sub = data[data[group] == g].sort_values(year)
        x = sub[year].to_numpy(dtype=float)
        full = np.arange(x.min(), x.max() + 1)
        shift = (k - (len(groups) - 1) / 2) * width if lower and upper else 0.0
        yv = sub.set_index(year)[value].astype(float).reindex(full)
        color, ls = PALETTE[k % len(PALETTE)], LINESTYLES[k % len(LINESTYLES)]
        ax.plot(full + shift, yv.to_numpy(), color=color, ls=ls, marker="", lw=1.0,
                label=str(g))
        if lower and upper:
            lo, hi = sub[lower].astype(float), sub[upper].astype(float)
            bars = ax.errorbar(x + shift, sub[value].astype(float), ls="", marker="",
                               color=color, lw=0.8, capsize=1.5,
                               yerr=[np.clip(sub[value] - lo, 0, None),
                                     np.clip(hi - sub[value], 0, None)])
            for artist in bars.lines[1] + bars.lines[2]:
                artist.set_clip_on(False)
        kinds = sub[scope].astype(str) if scope else pd.Series("jurisdiction", index=sub.index)
        for kind in dict.fromkeys(kinds):
            pts = sub[kinds == kind]
            face = SCOPE_MARKERS.get(kind, "x")
            px = pts[year].to_numpy(dtype=float) + shift
            if face == "x":
                ax.plot(px, pts[value], ls="", marker="x", color=color, ms=4.5, mew=1.0,
                        clip_on=False, zorder=4)
            else:
                ax.plot(px, pts[value], ls="", marker=MARKERS[k % len(MARKERS)], ms=4.2,
                        color=color, mfc=color if face == "full" else "white", mec=color,
                        clip_on=False, zorder=4)
        bad = sub[sub["_flag"]]
        if len(bad):
            ax.plot(bad[year].to_numpy(dtype=float) + shift, bad[value], ls="",
                    clip_on=False, zorder=5, **FLAG_STYLE)
    mark_regimes(ax, breaks)
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if percent:
        ax.set_ylim(-0.03, 1.03)
        ax.yaxis.set_major_formatter(_percent())
    else:
        finite = data[value].astype(float).to_numpy()
        if len(finite) and np.all(np.mod(finite, 1) == 0):
            ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True, min_n_ticks=2))
    ax.set_xlabel(label("year", lang))
    ax.set_ylabel(ylabel if ylabel is not None else label(value, lang))
    xs = data[year].astype(float)
    ax.set_xlim(xs.min() - 0.7, xs.max() + 0.7)
    if title:
        ax.set_title(title, loc="left")
    if scope:
        from matplotlib.lines import Line2D

        shown = [k for k in SCOPE_MARKERS if (data[scope].astype(str) == k).any()]
        for k in shown:
            face = SCOPE_MARKERS[k]
            ax.add_line(Line2D([], [], ls="", color="0.3", label=label(f"scope.{k}", lang),
                               marker="x" if face == "x" else "o",
                               mfc="0.3" if face == "full" else "white", mec="0.3"))
    if not own:
        return ax
    handles = ax.get_legend_handles_labels()[0]
    if data["_flag"].any():
        handles.append(flag_handle(lang))
    handles += regime_handles(lang, visible_breaks(breaks, xs.min(), xs.max()))
    fig.legend(handles=handles, loc="outside lower center", ncols=_legend_cols(fig, handles),
               fontsize=6.5)
    return fig


def plot_funnel(y: Sequence[float] | np.ndarray, n: Sequence[float] | np.ndarray, *,
                target: float | None = None, phi: float | str | None = None,
                levels: Sequence[float] = (0.95, 0.998), labels: Sequence[object] | None = None,
                annotate: bool = True, log_x: bool = False, ylabel: str | None = None,
                lang: str = "zh", ax: Axes | None = None,
                groups: Sequence[object] | None = None,
                flags: Sequence[bool] | None = None) -> Any:
    """Funnel plot: unit rates y/n against n with exact binomial control limits around the
    pooled (or given) ``target``; ``phi`` widens them for overdispersion ("estimate" or a
    number, see :func:`govstats.stats.funnel_data`).  Units outside the outermost limits are
    drawn as diamonds with a dark edge and, with ``annotate``, labelled.  ``groups`` (one per
    unit, e.g. each body's place) colours the points by group, with a legend; a group named
    ``None`` is drawn in grey.  Without groups, points inside are blue and outside vermillion.
    ``flags`` (one per unit, true for a unit with an inconsistent table) rings those points.
    Rates are shown in percent.  Returns the figure, or ``ax`` when one is given.
    """
    from .stats import funnel_data, funnel_limits

    units, p0, ph = funnel_data(y, n, target=target, levels=levels, phi=phi, labels=labels)
    own = ax is None
    if ax is None:
        fig = _figure(figsize=(4.2, 3.2))
        ax = fig.add_subplot()
    else:
        fig = ax.get_figure()
    nmax = float(units["n"].max())
    grid = np.unique(np.round(np.geomspace(1, max(nmax * 1.08, 2), 300)))
    lim = funnel_limits(p0, grid, levels, phi=ph)
    styles = [(0, (4, 2)), (0, (1, 1.5))]
    for k, level in enumerate(levels):
        name = f"{level * 100:g}"
        key = f"limit_{name}"
        text = label(key, lang) if _label_pair(key) else f"{name}%"
        ls = styles[k % len(styles)]
        ax.plot(grid, lim[f"upper_{name}"], color="0.3", lw=0.9, ls=ls, marker="", label=text)
        ax.plot(grid, lim[f"lower_{name}"], color="0.3", lw=0.9, ls=ls, marker="")
    ax.axhline(p0, color="0.1", lw=0.9, ls="-", label=label("target", lang))
    outer = f"flag_{max(levels) * 100:g}"
    out = (units[outer] != "").to_numpy()
    if groups is None:
        ax.scatter(units.loc[~out, "n"], units.loc[~out, "rate"], s=16, marker="o",
                   facecolor=PALETTE[0], edgecolor="white", linewidth=0.4, zorder=3)
        ax.scatter(units.loc[out, "n"], units.loc[out, "rate"], s=22, marker="D",
                   facecolor=OKABE_ITO["vermillion"], edgecolor="black", linewidth=0.4,
                   zorder=4)
    else:
        group = np.asarray([None if g is None or (isinstance(g, float) and np.isnan(g))
                            else str(g) for g in groups], dtype=object)
        if len(group) != len(units):
            raise PlottingError(f"groups has {len(group)} entries for {len(units)} units")
        named = [g for g in dict.fromkeys(group) if g is not None]
        for k, g in enumerate([*named, None]):
            sel = np.array([x == g for x in group]) if g is not None else \
                np.array([x is None for x in group])
            if not sel.any():
                continue
            color = PALETTE[k % len(PALETTE)] if g is not None else "0.6"
            text = g if g is not None else label("other_bodies", lang)
            ax.scatter(units.loc[sel & ~out, "n"], units.loc[sel & ~out, "rate"], s=16,
                       marker=MARKERS[k % len(MARKERS)] if g is not None else "o",
                       facecolor=color, edgecolor="white", linewidth=0.4, zorder=3,
                       label=text)
            ax.scatter(units.loc[sel & out, "n"], units.loc[sel & out, "rate"], s=24,
                       marker="D", facecolor=color, edgecolor="black", linewidth=0.6,
                       zorder=4)
    if annotate and labels is not None:
        for name, row in units.loc[out].iterrows():
            ax.annotate(str(name), (row["n"], row["rate"]), xytext=(3, 3),
                        textcoords="offset points", fontsize=6.5)
    if flags is not None:
        flagged = np.asarray(list(flags), dtype=bool)
        if len(flagged) != len(units):
            raise PlottingError(f"flags has {len(flagged)} entries for {len(units)} units")
        if flagged.any():
            ax.plot(units.loc[flagged, "n"], units.loc[flagged, "rate"], ls="", zorder=5,
                    clip_on=False, label=label("inconsistent", lang), **FLAG_STYLE)
    for coll in ax.collections:
        coll.set_clip_on(False)
    if log_x:
        ax.set_xscale("log")
    ax.set_ylim(-0.03, 1.03)
    ax.yaxis.set_major_formatter(_percent())
    ax.set_xlabel(label("n", lang))
    ax.set_ylabel(ylabel if ylabel is not None else label("rate", lang))
    note = f"φ = {ph:.2f}" if ph != 1 else ""
    if note:
        ax.text(0.99, 0.99, note, transform=ax.transAxes, ha="right", va="top", fontsize=7)
    # one legend for the figure, below the panels: inside an axes the limits' legend would
    # cover the small units' points (funnels drawn side by side share it)
    if not fig.legends:
        handles, texts = ax.get_legend_handles_labels()
        wide = max((len(t) for t in texts), default=0) > 24
        fig.legend(handles, texts, loc="outside lower center",
                   ncols=min(2 if wide else 4, len(texts)))
    return ax if not own else fig


def plot_outcome_shares(frame: pd.DataFrame, codes: Sequence[str] = OUTCOME_CODES, *,
                        row_label: str | None = None, lang: str = "zh",
                        title: str | None = None, ax: Axes | None = None) -> Any:
    """100 %-stacked horizontal bars of outcome shares, one bar per row of ``frame``.

    ``codes`` default to the R2/R3 outcome sections (（一）…（六）); for R1 rows pass the R1
    answer rows.  Each bar's shares are count / sum of ``codes`` in that row; rows with a
    missing part or a zero sum are left out (a blank is not 0).  Bars are labelled by
    ``row_label`` (a column) or the index, each with its n (the sum of ``codes``) at its end.
    Colours and hatches both encode the category.  Returns the figure, or ``ax`` when one is
    given.
    """
    _need(frame, list(codes))
    counts = frame[list(codes)].apply(pd.to_numeric, errors="coerce").astype(float)
    if row_label is not None:
        _need(frame, [row_label])
        names = frame[row_label].astype(str)
    else:
        names = pd.Series([" ".join(map(str, i)) if isinstance(i, tuple) else str(i)
                           for i in frame.index], index=frame.index)
    total = counts.sum(axis=1, skipna=False)
    keep = counts.notna().all(axis=1) & (total > 0)
    counts, total, names = counts.loc[keep], total.loc[keep], names.loc[keep]
    if counts.empty:
        raise PlottingError("no row has all outcome parts and a positive total")
    shares = counts.div(total, axis=0)
    own = ax is None
    if ax is None:
        fig = _figure(figsize=(5.2, 0.28 * len(shares) + 1.3))
        ax = fig.add_subplot()
    else:
        fig = ax.get_figure()
    ypos = np.arange(len(shares))[::-1]
    left = np.zeros(len(shares))
    for k, code in enumerate(codes):
        ax.barh(ypos, shares[code].to_numpy(), left=left, height=0.72,
                color=PALETTE[k % len(PALETTE)], hatch=HATCHES[k % len(HATCHES)],
                edgecolor="white", linewidth=0.4, label=label(code, lang))
        left += shares[code].to_numpy()
    ax.set_yticks(ypos, names.tolist())
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(_percent())
    ax.set_xlabel(label("share", lang))
    for yk, n in zip(ypos, total.to_numpy(), strict=True):  # n of each bar, at its end
        ax.text(1.01, yk, f"n={int(n)}" if float(n).is_integer() else f"n={n:g}",
                va="center", ha="left", fontsize=6, color="0.3", clip_on=False)
    if title:
        ax.set_title(title, loc="left")
    _legend(fig, ax, own, ncols=min(3, len(codes)))
    return fig if own else ax


def plot_shrinkage(fit: BetaBinomialFit, *, lang: str = "zh", max_units: int = 40,
                   xlabel: str | None = None, ax: Axes | None = None) -> Any:
    """Raw versus shrunk rates (:func:`govstats.stats.eb_shrink`): one row per unit sorted by
    size (largest on top), the raw rate as an open circle, an arrow to the posterior mean
    (filled) with its interval, and the prior mean as a vertical line.  Small units move
    most.  At most ``max_units`` largest units are drawn.  Returns the figure, or ``ax`` when
    one is given."""
    u = fit.units.loc[fit.units["n"] > 0].sort_values("n", ascending=False).head(max_units)
    own = ax is None
    if ax is None:
        fig = _figure(figsize=(4.4, 0.24 * len(u) + 1.2))
        ax = fig.add_subplot()
    else:
        fig = ax.get_figure()
    ypos = np.arange(len(u))[::-1]
    ax.axvline(fit.prior_mean, color="0.45", lw=0.8, ls=(0, (4, 2)),
               label=label("prior_mean", lang))
    ax.hlines(ypos, u["post_low"], u["post_high"], color=PALETTE[0], lw=1.0,
              label=label("interval", lang))
    for yk, (_, row) in zip(ypos, u.iterrows(), strict=True):
        ax.annotate("", xy=(row["post_mean"], yk), xytext=(row["raw"], yk),
                    arrowprops={"arrowstyle": "->", "color": "0.5", "lw": 0.6,
                                "shrinkA": 2, "shrinkB": 2})
    ax.scatter(u["raw"], ypos, s=18, marker="o", facecolor="white",
               edgecolor=OKABE_ITO["vermillion"], linewidth=0.9, zorder=3,
               label=label("raw", lang))
    ax.scatter(u["post_mean"], ypos, s=16, marker="s", color=PALETTE[0], zorder=4,
               label=label("shrunk", lang))
    ax.set_yticks(ypos, [f"{i} (n={int(n)})" for i, n in zip(u.index, u["n"], strict=True)])
    ax.set_xlim(-0.03, 1.03)
    ax.xaxis.set_major_formatter(_percent())
    ax.set_xlabel(xlabel if xlabel is not None else label("rate", lang))
    for coll in ax.collections:
        coll.set_clip_on(False)
    _legend(fig, ax, own, ncols=2)
    return fig if own else ax


def plot_rates(result: pd.DataFrame, *, labels: Mapping[object, str] | pd.Series | None = None,
               lang: str = "zh", xlabel: str | None = None, ax: Axes | None = None,
               flag: str | None = None) -> Any:
    """Dot-and-whisker plot of one metric (:func:`govstats.metrics.compute` output) sorted by
    denominator, not by rate (largest on top), each row with its n.  Rows without a rate are
    left out; their count is noted under the axis.  ``labels`` maps the result's index to row
    names.  Rows from an inconsistent table (``flag``, default the ``consistent`` column) are
    ringed, with a legend entry.  Returns the figure, or ``ax`` when one is given."""
    _need(result, ["rate", "ci_low", "ci_high", "denominator"])
    ok = result.loc[result["rate"].notna()].sort_values("denominator", ascending=False)
    if ok.empty:
        raise PlottingError("no row has a rate to plot")
    own = ax is None
    if ax is None:
        fig = _figure(figsize=(4.2, 0.22 * len(ok) + 1.1))
        ax = fig.add_subplot()
    else:
        fig = ax.get_figure()
    ypos = np.arange(len(ok))[::-1]
    ax.hlines(ypos, ok["ci_low"], ok["ci_high"], color=PALETTE[0], lw=1.0)
    ax.scatter(ok["rate"], ypos, s=16, marker="o", color=PALETTE[0], zorder=3, clip_on=False)
    bad = _flags(ok, flag).to_numpy()
    if bad.any():
        ax.plot(ok["rate"].to_numpy()[bad], ypos[bad], ls="", zorder=4, clip_on=False,
                label=label("inconsistent", lang), **FLAG_STYLE)
    names = [labels[i] if labels is not None and i in labels else
             (" ".join(map(str, i)) if isinstance(i, tuple) else str(i)) for i in ok.index]
    ax.set_yticks(ypos, [f"{nm} (n={int(d)})" for nm, d in zip(names, ok["denominator"],
                                                                strict=True)])
    metric = str(result["metric"].iloc[0]) if "metric" in result.columns else "rate"
    ax.set_xlabel(xlabel if xlabel is not None else label(metric, lang))
    if metric == "rate" or _metric_kind(metric) == "proportion":
        ax.set_xlim(-0.03, 1.03)
        ax.xaxis.set_major_formatter(_percent())
    dropped = len(result) - len(ok)
    if dropped:
        ax.text(1.0, -0.12, f"{dropped} × NaN", transform=ax.transAxes, ha="right",
                va="top", fontsize=6.5, color="0.4")
    if bad.any() and own:
        fig.legend(handles=[flag_handle(lang)], loc="outside lower center", fontsize=6.5)
    return fig if own else ax


def _metric_kind(name: str) -> str:
    from .metrics import MetricError, get_metric

    try:
        return get_metric(name).kind
    except MetricError:
        return "proportion"


def _percent() -> Any:
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(xmax=1.0, decimals=0)


# --------------------------------------------------------------------------------------------
# Saving
# --------------------------------------------------------------------------------------------


#: Metadata of :func:`save_figure` per format: drop the creation date (PDF, SVG) and the
#: software version (PNG, PDF producer stays) so regenerated files are byte-identical.
_STABLE_METADATA: dict[str, dict[str, Any]] = {
    "pdf": {"CreationDate": None},
    "png": {"Software": None},
    "svg": {"Date": None},
}


def save_figure(fig: Figure, name: str, out_dir: str | Path = "figures",
                formats: Sequence[str] = ("pdf", "png"), dpi: int = 300,
                source: str | None = None) -> list[Path]:
    """Write ``fig`` as ``out_dir/name.pdf`` and ``out_dir/name.png`` (creating ``out_dir``);
    returns the paths.  ``source``: a source line written under the figure first
    (:func:`add_source`; e.g. :func:`source_text`).  Files carry no creation date or
    software version, so saving the same figure again gives the same bytes.  ``name`` is a
    plain file stem (letters, digits, ``_ . -``)."""
    if not re.fullmatch(r"[\w.-]+", name) or name.startswith("."):
        raise PlottingError(f"figure name {name!r}: use a plain file stem like 'funnel_c2'")
    import matplotlib as mpl

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if source and not any(leg.get_title().get_text() == source for leg in fig.legends):
        add_source(fig, source)
    paths = []
    for fmt in formats:
        path = out / f"{name}.{fmt}"
        # no timestamps or version strings: the same figure gives the same bytes
        with mpl.rc_context({"svg.hashsalt": "govstats"}):
            fig.savefig(path, format=fmt, dpi=dpi, metadata=_STABLE_METADATA.get(fmt))
        paths.append(path)
    return paths
