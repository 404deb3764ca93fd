"""The research notebooks execute top to bottom on the bundled panel and write their figures.

Each notebook runs in a fresh kernel with matplotlib's missing-glyph warning turned into an
error (``strict_warnings=True``), so a Chinese label drawn without the CJK font fails the
test; every PDF written must embed its fonts as TrueType.  No access to ../shared is needed.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import nbformat
import pytest
from matplotlib.figure import Figure

import govstats.analysis.plotting as gp
from govstats.analysis.notebooks import (
    FIGURES_ENV,
    NotebookError,
    default_figures_dir,
    find_notebooks,
    run_notebooks,
)
from govstats.cli import main

from .pdf_fonts import assert_truetype_only

REPO = Path(__file__).resolve().parents[1]
COUNT = re.compile(r"(?<![A-Za-z0-9.])\d+\s*(?:reports?|bodies|body-years|places|份|个机构)\b")

#: Figure stems each notebook writes (each as .pdf and .png).
EXPECTED = {
    "01_load_validate_coverage": ["coverage_heatmap"],
    "02_requests_disclosure_trends": [
        "requests_new_places", "requests_departments_places", "requests_new_trends",
        "requests_carryover_places", "disclosure_g1_places", "outcome_shares_places",
        "outcome_shares_departments", "requests_its_places"],
    "03_review_litigation_correction": [
        "cases_places", "review_c2_by_unit", "correction_rates_places"],
    "04_cross_jurisdiction": [
        "funnel_review_c2", "funnel_disclosure_g1", "shrinkage_disclosure_g1",
        "shrinkage_review_c2", "disclosure_g1_places_by_level", "disclosure_g1_trends_by_body"],
}


def test_the_four_notebooks_are_found_in_order() -> None:
    found = find_notebooks(folder=REPO / "notebooks")
    assert [p.stem for p in found] == list(EXPECTED)
    assert [p.stem for p in find_notebooks(["03", "01_load_validate_coverage.py"],
                                           folder=REPO / "notebooks")] == [
        "03_review_litigation_correction", "01_load_validate_coverage"]
    with pytest.raises(NotebookError, match="'9'"):
        find_notebooks(["9"], folder=REPO / "notebooks")


def test_notebooks_are_paired_percent_files_with_parameters() -> None:
    for path in find_notebooks(folder=REPO / "notebooks"):
        text = path.read_text(encoding="utf-8")
        assert "format_name: percent" in text and "name: python3" in text, path
        assert "formats: ipynb,py:percent" in text, path  # paired, as notebooks/jupytext.toml
        assert text.count("# %% [markdown]") >= 3, path
        assert "save_figure(" in text and "use_paper_style()" in text, path
        # one parameters cell (papermill's tag) naming the panel and the focal places
        params = text.split('# %% tags=["parameters"]', 1)[1].split("# %%", 1)[0]
        assert "DATA = None" in params and "FOCUS = None" in params, path
        assert 'LAYER = "resolved"' in params, path
        assert "places.study(DATA, FOCUS, layer=LAYER)" in text, path
    assert "formats = \"ipynb,py:percent\"" in (REPO / "notebooks" / "jupytext.toml").read_text()
    # the paired .ipynb files JupyterLab writes are not part of the repository
    assert "notebooks/*.ipynb" in (REPO / ".gitignore").read_text().splitlines()


def test_the_markdown_states_no_figure_of_the_data() -> None:
    """Facts about the data are printed by the code: a markdown cell holds definitions and
    methods, not counts of this panel's reports, bodies or years."""
    for path in find_notebooks(folder=REPO / "notebooks"):
        for cell in path.read_text(encoding="utf-8").split("# %%")[1:]:
            if not cell.startswith(" [markdown]"):
                continue
            prose = cell.replace("2014–2018", "").replace("2019–2020", "")
            # a count of reports, bodies, body-years or places is computed, never typed
            assert not COUNT.search(prose), (path.name, cell[:200])
            for name in ("平潭", "莆田", "临沂", "淮安", "洪泽", "上海"):
                assert name not in prose, (path.name, name)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_notebook_runs_and_writes_its_figures(name: str, tmp_path: Path) -> None:
    figures, out = tmp_path / "figures", tmp_path / "out"
    written = run_notebooks([name], figures_dir=figures, out_dir=out, strict_warnings=True,
                            folder=REPO / "notebooks")
    expected = sorted(figures / f"{stem}.{ext}" for stem in EXPECTED[name]
                      for ext in ("pdf", "png"))
    assert written == expected
    for path in written:
        assert path.stat().st_size > 1000, path
        if path.suffix == ".png":
            assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        else:
            facts = assert_truetype_only(path)
            assert any("WenQuanYiMicroHei" in f for f in facts["base_fonts"]), path
    nb = nbformat.read(out / f"{name}.ipynb", as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert "injected by govstats" not in nb.cells[0].source  # the strict cell is not kept
    printed = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    assert str(figures) in printed or name != "01_load_validate_coverage"


def _write_notebook(path: Path, body: str) -> Path:
    path.write_text(textwrap.dedent("""\
        # %% [markdown]
        # A test notebook.

        # %%
        import os
        import matplotlib as mpl
        from matplotlib.figure import Figure
        import govstats.analysis.plotting as gp

        # %%
        """) + textwrap.dedent(body), encoding="utf-8")
    return path


def test_missing_glyph_fails_the_notebook_only_in_strict_mode(tmp_path: Path) -> None:
    nb = _write_notebook(tmp_path / "glyphs.py", """\
        fig = Figure()
        fig.add_subplot().set_title("纠错率")
        with mpl.rc_context({"font.family": ["DejaVu Sans"]}):
            gp.save_figure(fig, "no_cjk", out_dir=os.environ["GOVSTATS_FIGURES"])
        """)
    with pytest.raises(NotebookError, match=r"glyphs\.py: cell 3 .*missing from font"):
        run_notebooks([str(nb)], figures_dir=tmp_path / "f1", strict_warnings=True)
    written = run_notebooks([str(nb)], figures_dir=tmp_path / "f2")
    assert [p.name for p in written] == ["no_cjk.pdf", "no_cjk.png"]


def test_failing_cell_is_named_and_the_notebook_still_written(tmp_path: Path) -> None:
    nb = _write_notebook(tmp_path / "broken.py", "x = 1\n\n# %%\nraise ValueError('boom')\n")
    with pytest.raises(NotebookError, match=r"broken\.py: cell 4 \(.raise ValueError.*"
                                            r"ValueError: boom"):
        run_notebooks([str(nb)], figures_dir=tmp_path / "f", out_dir=tmp_path / "out")
    cells = json.loads((tmp_path / "out" / "broken.ipynb").read_text())["cells"]
    assert cells[3]["outputs"][0]["ename"] == "ValueError"


def test_figures_dir_default_and_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(FIGURES_ENV, raising=False)
    monkeypatch.chdir(REPO / "notebooks")
    assert default_figures_dir() == REPO / "figures"
    monkeypatch.chdir(tmp_path)  # outside the repository: found from the package
    assert default_figures_dir() == REPO / "figures" or not (REPO / "src").is_dir()
    monkeypatch.setenv(FIGURES_ENV, str(tmp_path / "elsewhere"))
    assert default_figures_dir() == tmp_path / "elsewhere"


def test_saved_figures_are_byte_identical(tmp_path: Path) -> None:
    with gp.paper_style():
        fig = Figure()
        fig.add_subplot().set_title("行政复议纠错率 / correction rate")
        first = [p.read_bytes() for p in gp.save_figure(fig, "a", out_dir=tmp_path / "1")]
        second = [p.read_bytes() for p in gp.save_figure(fig, "a", out_dir=tmp_path / "2")]
    assert first == second
    assert b"CreationDate" not in first[0] and b"Software" not in first[1][:2000]


def test_cli_notebooks_reports_an_unknown_name(capsys: pytest.CaptureFixture[str],
                                               tmp_path: Path) -> None:
    assert main(["notebooks", "--figures", str(tmp_path), "no_such_notebook"]) == 1
    assert "no_such_notebook" in capsys.readouterr().err


def test_committed_figures_and_readme_list_match_the_notebooks() -> None:
    stems = {s for v in EXPECTED.values() for s in v}
    committed = {p.stem for p in (REPO / "figures").glob("*.p[dn][fg]")}
    assert committed == stems
    for stem in stems:
        assert (REPO / "figures" / f"{stem}.pdf").is_file()
        assert (REPO / "figures" / f"{stem}.png").is_file()
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    notebooks_section = readme.split("## Notebooks", 1)[1].split("\n## ", 1)[0]
    for stem in stems:
        assert f"`{stem}`" in notebooks_section, stem
