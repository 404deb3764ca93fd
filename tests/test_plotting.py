"""govstats.analysis.plotting: Chinese labels without missing glyphs, TrueType-embedded PDFs, plots.

Every test here runs with warnings as errors, so matplotlib's "Glyph … missing from font(s)"
UserWarning fails it.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

import govstats.analysis.metrics as M
import govstats.analysis.plotting as gp
import govstats.analysis.stats as S

from .pdf_fonts import assert_truetype_only

pytestmark = pytest.mark.filterwarnings("error")

NAMES = ["临沂市", "上海市", "洪泽区", "莆田市", "福建省"]


@pytest.fixture
def style():
    with gp.paper_style() as family, warnings.catch_warnings():
        warnings.simplefilter("error")
        yield family


@pytest.fixture
def panel() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    rows = []
    for j, name in enumerate(NAMES):
        for year in range(2009, 2025):
            regime = "R0" if year < 2014 else "R1" if year < 2019 else "R2" if year < 2021 \
                else "R3"
            rows.append({"jurisdiction_id": f"j{j}", "year": year, "jurisdiction": name,
                         "regime": regime, "requests.new": float(rng.integers(10, 500))})
    frame = pd.DataFrame(rows).set_index(["jurisdiction_id", "year"])
    frame.loc[("j1", 2016), "requests.new"] = np.nan
    return frame


def test_font_file_is_shipped_and_permissively_licensed() -> None:
    from fontTools.ttLib import TTCollection

    path = gp.cjk_font_path()
    assert path.is_file() and path.suffix == ".ttc"
    names = TTCollection(str(path)).fonts[0]["name"]
    assert names.getDebugName(1) == "WenQuanYi Micro Hei"
    assert "Apache License" in names.getDebugName(13)


def test_style_settings(style: str) -> None:
    assert style == "WenQuanYi Micro Hei"
    assert mpl.rcParams["pdf.fonttype"] == 42 and mpl.rcParams["ps.fonttype"] == 42
    assert mpl.rcParams["font.family"] == ["DejaVu Sans", "WenQuanYi Micro Hei"]
    cycle = mpl.rcParams["axes.prop_cycle"].by_key()
    assert cycle["color"][:2] == [gp.OKABE_ITO["blue"], gp.OKABE_ITO["vermillion"]]
    assert len(set(cycle["marker"])) == len(cycle["color"])
    assert len({str(ls) for ls in cycle["linestyle"]}) == len(cycle["color"])


def test_missing_glyph_is_an_error_without_the_cjk_font(tmp_path: Path) -> None:
    """The guard the other tests rely on: Chinese in DejaVu Sans alone must fail."""
    fig = Figure()
    fig.add_subplot().set_title("纠错率")
    with mpl.rc_context({"font.family": ["DejaVu Sans"]}), warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(UserWarning, match="missing from font"):
            fig.savefig(tmp_path / "x.png")


def test_trends_pdf_embeds_truetype_and_real_chinese_text(style: str, panel: pd.DataFrame,
                                                          tmp_path: Path) -> None:
    fig = gp.plot_trends(panel, "requests.new", ncols=3)
    assert isinstance(fig, Figure)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == len(NAMES)
    assert [ax.get_title(loc="left") for ax in visible] == NAMES
    # the 2019 mixed year is shaded and the 2014 / 2021 breaks are drawn on every panel
    ax0 = visible[0]
    verticals = {tuple(line.get_xdata()) for line in ax0.lines if len(line.get_xdata()) == 2}
    assert verticals == {(2013.5, 2013.5), (2020.5, 2020.5)}
    assert len(ax0.patches) == 1
    # a missing year is a gap, not a bridge: every line joins consecutive years only
    series = [line for line in visible[1].lines if len(line.get_xdata()) > 1
              and line.get_linestyle() not in ("None", "")]
    assert series
    for line in series:
        xs = np.asarray(line.get_xdata(), dtype=float)
        if len(set(xs)) > 1:
            assert set(np.diff(xs)) == {1.0}, xs
    # the legend explains the marks
    texts = {t.get_text() for t in fig.legends[0].get_texts()}
    assert {gp.label("regime_break"), gp.label("mixed_year")} <= texts
    pdf, png = gp.save_figure(fig, "trends", out_dir=tmp_path)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    facts = assert_truetype_only(pdf)
    assert any("WenQuanYiMicroHei" in f for f in facts["base_fonts"])
    assert any("DejaVuSans" in f for f in facts["base_fonts"])
    pdfplumber = pytest.importorskip("pdfplumber")
    with pdfplumber.open(pdf) as doc:
        text = doc.pages[0].extract_text()
        fonts = {c["fontname"] for c in doc.pages[0].chars}
    assert "临沂市" in text and "年份" in text
    assert any("WenQuanYiMicroHei" in f for f in fonts)


def test_trends_with_metric_intervals(style: str, tmp_path: Path) -> None:
    idx = pd.MultiIndex.from_product([["a", "b"], range(2017, 2023)],
                                     names=["jurisdiction_id", "year"])
    frame = pd.DataFrame({
        "regime": ["R1", "R1", "R2", "R2", "R3", "R3"] * 2,
        "review.corrected": [1, 2, 3, 1, 0, 2] * 2, "review.total": [10, 12, 9, 8, 5, 7] * 2,
        "review.pending": [np.nan, np.nan, 2, 1, 0, 1] * 2}, index=idx)
    res = M.compute(frame, "review.correction.C1")
    fig = gp.plot_trends(res, "rate", lower="ci_low", upper="ci_high", title=None,
                         lang="both")
    assert fig.axes[0].collections  # the interval: a band, and a bar on each year
    texts = {t.get_text() for t in fig.legends[0].get_texts()}
    assert {gp.label("interval", "both"), gp.label("regime_break", "both")} <= texts
    # a rate is shown in percent
    assert fig.axes[0].yaxis.get_major_formatter().__class__.__name__ == "PercentFormatter"
    assert_truetype_only(gp.save_figure(fig, "c1", out_dir=tmp_path)[0])


def test_funnel_plot(style: str, tmp_path: Path) -> None:
    y = [3, 10, 40, 60, 2, 9]
    n = [20, 61, 300, 100, 40, 45]
    labels = ["甲区", "乙区", "丙区", "丁区", "戊区", "己区"]
    fig = gp.plot_funnel(y, n, labels=labels)
    ax = fig.axes[0]
    units, target, _ = S.funnel_data(y, n, labels=labels)
    assert ax.get_lines()[-1].get_ydata()[0] == pytest.approx(target)  # target line
    annotated = {t.get_text() for t in ax.texts}
    assert annotated == set(units.index[units["flag_99.8"] != ""])
    assert "丁区" in annotated  # 60 of 100 against a pooled 22 %
    assert_truetype_only(gp.save_figure(fig, "funnel", out_dir=tmp_path)[0])
    fig2 = gp.plot_funnel(y, n, labels=labels, phi="estimate", lang="en", log_x=True)
    assert any(t.get_text().startswith("φ = ") for t in fig2.axes[0].texts)
    assert_truetype_only(gp.save_figure(fig2, "funnel_phi", out_dir=tmp_path)[0])


def test_funnel_groups_colour_the_points_by_place(style: str, tmp_path: Path) -> None:
    y = [3, 10, 40, 60, 2, 9]
    n = [20, 61, 300, 100, 40, 45]
    groups = ["甲市", "甲市", "乙区", None, "乙区", None]
    fig = gp.plot_funnel(y, n, labels=list("ABCDEF"), groups=groups, lang="both")
    ax = fig.axes[0]
    # every unit drawn once, in its group's colour (grey for no group)
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert {"甲市", "乙区", gp.label("other_bodies", "both")} <= set(texts)
    drawn: dict[str, int] = {}
    for coll in ax.collections:  # one colour per scatter call
        if len(coll.get_offsets()):
            key = mpl.colors.to_hex(coll.get_facecolors()[0])
            drawn[key] = drawn.get(key, 0) + len(coll.get_offsets())
    assert sum(drawn.values()) == 6
    assert drawn[mpl.colors.to_hex(gp.PALETTE[0])] == 2  # 甲市
    assert drawn[mpl.colors.to_hex(gp.PALETTE[1])] == 2  # 乙区
    assert drawn[mpl.colors.to_hex("0.6")] == 2  # the others
    with pytest.raises(gp.PlottingError, match="groups has 2 entries for 6 units"):
        gp.plot_funnel(y, n, groups=["甲市", "乙区"])
    assert_truetype_only(gp.save_figure(fig, "funnel_groups", out_dir=tmp_path)[0])


def test_compare_marks_each_reports_scope(style: str, tmp_path: Path) -> None:
    frame = pd.DataFrame({
        "place": ["甲市"] * 4 + ["乙区"] * 3,
        "year": [2018, 2019, 2020, 2022, 2019, 2020, 2021],
        "rate": [0.2, 0.3, 0.4, 0.5, 0.6, 0.5, 0.4],
        "lo": [0.1, 0.2, 0.3, 0.4, 0.5, 0.4, 0.3],
        "hi": [0.3, 0.4, 0.5, 0.6, 0.7, 0.6, 0.5],
        "scope": ["jurisdiction", "jurisdiction", "own", "unknown", "own", "own", "own"],
    })
    fig = gp.plot_compare(frame, "rate", "place", lower="lo", upper="hi", scope="scope",
                          percent=True, lang="both")
    ax = fig.axes[0]
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert texts[:2] == ["甲市", "乙区"]
    assert {gp.label(f"scope.{k}", "both") for k in ("jurisdiction", "own", "unknown")} <= set(
        texts)
    # the line of 甲市 leaves a gap at 2021 (no report), it does not bridge it
    line = next(ln for ln in ax.get_lines() if ln.get_label() == "甲市")
    ys = np.asarray(line.get_ydata(), dtype=float)
    assert len(ys) == 5 and np.isnan(ys[3])
    # open markers (own office) are white inside, filled ones (whole jurisdiction) not
    faces = {tuple(np.round(mpl.colors.to_rgb(ln.get_markerfacecolor()), 3))
             for ln in ax.get_lines() if ln.get_marker() not in ("", "None", "x")}
    assert (1.0, 1.0, 1.0) in faces and len(faces) >= 2
    assert [t.get_text() for t in ax.get_xticklabels()][:1] != ["2018.5"]
    with pytest.raises(gp.PlottingError, match="nothing to plot"):
        gp.plot_compare(frame.assign(rate=np.nan), "rate", "place")
    assert_truetype_only(gp.save_figure(fig, "compare", out_dir=tmp_path)[0])


def test_outcome_shares(style: str, tmp_path: Path) -> None:
    frame = pd.DataFrame({
        "outcome.granted": [40, 30, 5, np.nan], "outcome.partial": [10, 5, 1, 1],
        "outcome.denied": [15, 5, 0, 1], "outcome.unable": [20, 3, 2, 1],
        "outcome.not_processed": [5, 1, 0, 1], "outcome.other": [10, 2, 1, 1]},
        index=[2019, 2020, 2021, 2022])
    fig = gp.plot_outcome_shares(frame)
    ax = fig.axes[0]
    widths = np.array([p.get_width() for p in ax.patches]).reshape(6, -1)
    assert widths.shape == (6, 3)  # 2022 has a blank part: left out
    np.testing.assert_allclose(widths.sum(axis=0), 1.0)
    assert widths[0, 0] == pytest.approx(0.4)
    ticks = ax.get_yticklabels()  # first row on top
    assert [t.get_text() for t in ticks] == ["2019", "2020", "2021"]
    assert [t.get_position()[1] for t in ticks] == [2, 1, 0]
    legend = fig.legends[0]
    # legends name the indicators as the catalogue does
    texts = [t.get_text() for t in legend.get_texts()]
    assert texts[:2] == ["予以公开", "部分公开"]
    hatches = {p.get_hatch() for p in ax.patches}
    assert len(hatches) == 6  # grayscale-readable
    assert_truetype_only(gp.save_figure(fig, "shares", out_dir=tmp_path)[0])
    with pytest.raises(gp.PlottingError):
        gp.plot_outcome_shares(frame.iloc[3:])


def test_shrinkage_and_rates_plots(style: str, tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    n = rng.integers(3, 200, 12)
    y = rng.binomial(n, 0.3)
    labels = [f"单位{i}" for i in range(12)]
    fit = S.eb_shrink(y, n, labels=labels)
    fig = gp.plot_shrinkage(fit)
    ax = fig.axes[0]
    raw_pts, post_pts = (c.get_offsets() for c in ax.collections[1:3])
    order = fit.units.sort_values("n", ascending=False)
    np.testing.assert_allclose(np.asarray(raw_pts)[:, 0], order["raw"])
    np.testing.assert_allclose(np.asarray(post_pts)[:, 0], order["post_mean"])
    assert ax.get_yticklabels()[0].get_text().startswith(order.index[0])
    assert_truetype_only(gp.save_figure(fig, "shrink", out_dir=tmp_path)[0])

    frame = pd.DataFrame({"regime": "R2", "review.corrected": y, "review.total": n,
                          "review.pending": 0}, index=labels)
    frame.loc["单位0", "review.total"] = np.nan
    res = M.compute(frame, "review.correction.C2")
    fig = gp.plot_rates(res)
    ax = fig.axes[0]
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    dens = [int(re.search(r"n=(\d+)", t).group(1)) for t in ticks]
    assert dens == sorted(dens, reverse=True)  # by size, largest first (on top)
    assert len(ticks) == 11 and any("1 × NaN" in t.get_text() for t in ax.texts)
    assert ax.get_xlabel() == gp.label("review.correction.C2")
    assert_truetype_only(gp.save_figure(fig, "rates", out_dir=tmp_path)[0])


def test_labels_come_from_where_each_thing_is_defined() -> None:
    """Indicators from the indicator catalogue, metrics and the analysis' other quantities from
    catalogue/metrics.yaml, the time-axis marks from analysis.timeline, the year from the panel's
    field catalogue: plotting declares no label of its own."""
    from govstats.analysis import timeline
    from govstats.catalogue.indicators import catalogue
    from govstats.panel.fields import field

    assert not hasattr(gp, "LABELS")
    for code, ind in catalogue().items():  # the catalogue's short label where it has one
        assert (gp.label(code, "zh"), gp.label(code, "en")) == (ind.short("zh"), ind.short("en"))
    assert gp.label("outcome.granted") == "予以公开"  # not the R1 row title 同意公开答复数
    for name, m in M.metrics().items():
        assert gp.label(name, "both") == f"{m.zh} / {m.en}"
    for key, (zh, en) in {**M.labels(), **timeline.labels()}.items():
        assert gp.label(key, "both") == f"{zh} / {en}"
    year = field("year")
    assert f"{year.label_zh} / {year.label_en}" == gp.label("year", "both") == "年份 / Year"
    assert gp.label("mixed_year", "en") == "2019: mixed year (new rules from 15 May)"
    assert gp.label("limit_99.8") == "99.8% 控制限"


def test_regime_breaks_come_from_the_layouts() -> None:
    from govstats.catalogue.layouts import regime_years

    firsts = [lo for lo, _ in regime_years().values()]
    assert gp.REGIME_BREAKS == tuple(firsts[1:]) == (2014, 2019, 2021)
    assert S.RULE_CHANGE.year == gp.MIXED_YEAR
    assert gp.MIXED_YEAR in gp.REGIME_BREAKS
    assert gp._regime_note(gp.REGIME_BREAKS, "both") == (
        "虚线：统计表格式变化（2014 年起、2021 年起）；"
        "灰色：2019 年新旧条例过渡（新条例 5 月 15 日施行）\n"
        "dashed: table format changes (from 2014, 2021); grey: 2019, revised Regulations in "
        "force from 15 May"
    )


def test_doctests() -> None:
    import doctest

    from govstats.analysis import timeline

    for module in (gp, timeline):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module.__name__


def test_labels_and_save_errors(tmp_path: Path) -> None:
    assert gp.label("outcome.granted", "both") == "予以公开 / Granted"
    assert gp.label("requests.new", "en") == "Requests received (new this year)"
    assert gp.label("disclosure.G1", "zh").startswith("公开率")
    assert gp.label("no.such.key") == "no.such.key"
    with pytest.raises(gp.PlottingError):
        gp.label("year", "fr")
    fig = Figure()
    fig.add_subplot().plot([0, 1])
    for bad in ("../x", "a/b", ".hidden", ""):
        with pytest.raises(gp.PlottingError):
            gp.save_figure(fig, bad, out_dir=tmp_path)
    paths = gp.save_figure(fig, "plain", out_dir=tmp_path / "new" / "dir")
    assert [p.name for p in paths] == ["plain.pdf", "plain.png"]
    assert all(p.stat().st_size > 0 for p in paths)


def test_no_import_side_effects_and_no_font_cache(tmp_path: Path) -> None:
    """In a fresh process with an empty matplotlib config/cache dir: importing
    govstats.analysis.plotting changes nothing; use_paper_style() alone makes Chinese render."""
    script = textwrap.dedent(f"""
        import warnings
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib as mpl
        from matplotlib import font_manager
        before = dict(mpl.rcParams)
        import govstats.analysis.plotting as gp
        assert dict(mpl.rcParams) == before, "import changed rcParams"
        assert not any("WenQuanYi" in f.name for f in font_manager.fontManager.ttflist)
        gp.use_paper_style()
        gp.use_paper_style()  # idempotent: registered once
        n = sum("wqy" in f.fname for f in font_manager.fontManager.ttflist)
        assert n == 2, n  # the two faces of the collection
        from matplotlib.figure import Figure
        warnings.simplefilter("error")
        fig = Figure()
        fig.add_subplot().set_title("行政复议纠错率")
        gp.save_figure(fig, "t", out_dir={str(tmp_path)!r})
        print("ok")
    """)
    env = {"MPLCONFIGDIR": str(tmp_path / "mplconfig"), "PATH": "/usr/bin:/bin",
           "PYTHONPATH": str(Path(gp.__file__).resolve().parents[1])}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                         text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
    assert_truetype_only(tmp_path / "t.pdf")


def test_figures_for_a_paper(style: str, tmp_path: Path) -> None:
    """n on every share bar; rates from an inconsistent table ringed and explained; markers
    at 0 % not clipped; proportions in percent; a source line; an ax given is returned."""
    shares = pd.DataFrame({"row": ["甲 2021", "乙 2021"], "outcome.granted": [3, 0],
                           "outcome.partial": [1, 0], "outcome.denied": [0, 1],
                           "outcome.unable": [0, 0], "outcome.not_processed": [0, 0],
                           "outcome.other": [0, 1]})
    fig = gp.plot_outcome_shares(shares, row_label="row")
    assert {t.get_text() for t in fig.axes[0].texts} == {"n=4", "n=2"}
    rates = pd.DataFrame({"metric": "review.correction.C2", "rate": [0.0, 0.5],
                          "ci_low": [0.0, 0.1], "ci_high": [0.6, 0.9],
                          "denominator": [3, 4], "consistent": [True, False]},
                         index=["a", "b"])
    fig = gp.plot_rates(rates)
    ax = fig.axes[0]
    assert [t.get_text() for t in fig.legends[0].get_texts()] == [gp.label("inconsistent")]
    from matplotlib.collections import PathCollection

    dots = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert dots and all(not c.get_clip_on() for c in dots)
    assert ax.get_xlim()[0] < 0  # a rate of 0 % is drawn whole
    funnel = gp.plot_funnel([0, 3, 10, 8], [5, 20, 61, 30], flags=[False, True, False, False])
    fax = funnel.axes[0]
    assert fax.yaxis.get_major_formatter().__class__.__name__ == "PercentFormatter"
    assert gp.label("inconsistent") in [t.get_text() for t in funnel.legends[0].get_texts()]
    # drawing on a given ax returns it
    host = Figure()
    given = host.add_subplot()
    assert gp.plot_rates(rates, ax=given) is given
    assert gp.plot_funnel([1, 2, 3], [5, 6, 7], ax=host.add_subplot(2, 1, 2)) is not host
    # the source line: version, reports, bodies, years, sources.csv
    panel = pd.DataFrame({"report_id": ["r1", "r2"], "jurisdiction_id": ["j", "k"],
                          "year": [2020, 2022]})
    text = gp.source_text(panel, "mypanel", lang="en")
    assert "2 reports of 2 bodies, 2020–2022" in text and "mypanel/sources.csv" in text
    assert gp.source_text(panel, lang="both").count("\n") == 1  # Chinese over English
    gp.add_source(fig, text)  # the title of the legend under the figure: laid out with it
    assert fig.legends[-1].get_title().get_text() == text
    bare = Figure(layout="constrained")
    bare.add_subplot().plot([0, 1])
    gp.save_figure(bare, "bare", out_dir=tmp_path, source=text)
    assert [leg.get_title().get_text() for leg in bare.legends] == [text]
    assert_truetype_only(gp.save_figure(fig, "paper", out_dir=tmp_path)[0])
