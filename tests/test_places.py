"""govstats.analysis.places: places (a government and its departments), short names, the
focal places of the notebooks and the too-little-data rule."""

from __future__ import annotations

import doctest

import pandas as pd
import pytest

import govstats
from govstats.analysis import places
from govstats.errors import UnknownName


def _panel(rows: list[tuple[str, str, str, str | None, str, int]]) -> pd.DataFrame:
    """A minimal long panel: one value per report."""
    return pd.DataFrame([
        {"report_id": rid, "jurisdiction_id": jid, "jurisdiction": name, "parent_id": parent,
         "level": level, "scope": "own" if level == "department" else "jurisdiction",
         "year": year, "applicant": "total", "indicator": "requests.new", "value": 1.0,
         "derived": False, "regime": "R3"}
        for rid, jid, name, parent, level, year in rows
    ])


PANEL = _panel([
    ("a1", "cn-350300", "莆田市人民政府", "cn-350000", "prefecture", 2021),
    ("a2", "cn-350300", "莆田市人民政府", "cn-350000", "prefecture", 2022),
    ("a3", "cn-350300-sjj", "莆田市审计局", "cn-350300", "department", 2022),
    ("a4", "cn-350300-bgs", "莆田市人民政府办公室", "cn-350300", "department", 2022),
    ("b1", "cn-350128-ptsyq-gaj", "平潭综合实验区公安局", "cn-350128-ptsyq", "department", 2021),
    ("b2", "cn-350128-ptsyq-gaj", "平潭综合实验区公安局", "cn-350128-ptsyq", "department", 2022),
    ("b3", "cn-350128-ptsyq-gaj", "平潭综合实验区公安局", "cn-350128-ptsyq", "department", 2023),
    ("c1", "cn-000000-0eaf53e1", "某某县卫生健康局", None, "department", 2021),
    ("d1", "cn-320800", "淮安市人民政府", "cn-320000", "prefecture", 2024),
])


def test_bodies_have_their_place_and_a_short_name() -> None:
    b = places.bodies(PANEL)
    assert b.loc["cn-350300-sjj", ["place", "place_name", "short"]].tolist() == [
        "cn-350300", "莆田市人民政府", "审计局"]
    # a government's own office keeps its name; a government is its own place
    assert b.loc["cn-350300-bgs", "short"] == "莆田市人民政府办公室"
    assert b.loc["cn-350300", "place"] == "cn-350300"
    # a department whose government has no report here: the place is named from the registry
    assert b.loc["cn-350128-ptsyq-gaj", ["place_name", "short", "reports"]].tolist() == [
        "平潭综合实验区", "公安局", 3]
    assert b.loc["cn-350128-ptsyq-gaj", "years"] == [2021, 2022, 2023]
    # a body no division places is its own place
    assert b.loc["cn-000000-0eaf53e1", "place"] == "cn-000000-0eaf53e1"


def test_places_count_government_and_department_reports_apart() -> None:
    p = places.places(PANEL)
    assert p.loc["cn-350300", ["government_reports", "departments", "department_reports",
                               "reports"]].tolist() == [2, 2, 2, 4]
    assert p.loc["cn-350128-ptsyq", ["government_reports", "department_reports"]].tolist() == [
        0, 3]
    # an unresolved department is no government
    assert p.loc["cn-000000-0eaf53e1", "government_reports"] == 0


def test_default_focus_prefers_places_with_a_government_report(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(places.FOCUS_ENV, raising=False)
    # 莆田 (4 reports, 2 its own) and 淮安 (1, its own) before the zone's department (3)
    assert places.focus(PANEL) == ["cn-350300", "cn-320800"]
    assert places.focus(PANEL, n=3) == ["cn-350300", "cn-320800", "cn-350128-ptsyq"]


def test_focus_by_names_ids_or_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # a department stands for its place; names and ids mix; each place once
    assert places.focus(PANEL, "平潭综合实验区公安局; cn-350300，莆田市审计局") == [
        "cn-350128-ptsyq", "cn-350300"]
    monkeypatch.setenv(places.FOCUS_ENV, "淮安市人民政府")
    assert places.focus(PANEL) == ["cn-320800"]
    with pytest.raises(UnknownName, match="closest: 淮安市人民政府"):
        places.focus(PANEL, "淮安市政府")


def test_too_little_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert places.too_little("a funnel", 2, 3, "bodies")
    assert capsys.readouterr().out.strip() == (
        "too little data for a funnel: 2 bodies (needs at least 3); skipped")
    assert not places.too_little("a funnel", 3, 3)
    assert capsys.readouterr().out == ""


def test_year_ranges() -> None:
    assert places.year_ranges([2016, 2011, 2012, 2013, 2013]) == "2011–2013, 2016"
    assert places.year_ranges([]) == ""


def test_study_of_the_bundled_panel() -> None:
    study = places.study(focus_spec="平潭综合实验区")
    assert study.focus == ["cn-350128-ptsyq"]
    gov, depts = study.governments(), study.departments()
    assert set(gov.index.get_level_values("jurisdiction_id")) == {"cn-350128-ptsyq"}
    assert (depts["place"] == "cn-350128-ptsyq").all() and len(depts) > 50
    assert (study.wide.loc[study.wide["focal"].isna(), "place"] != "cn-350128-ptsyq").all()
    text = study.describe()
    assert "focal place 平潭综合实验区 (cn-350128-ptsyq)" in text
    assert f"{study.panel['report_id'].nunique()} reports" in text


def test_bodies_needs_the_panel_columns() -> None:
    with pytest.raises(govstats.GovstatsError, match="pass load_panel"):
        places.bodies(pd.DataFrame({"report_id": ["a"]}))


def test_doctests() -> None:
    from govstats.parse import jurisdiction

    assert doctest.testmod(jurisdiction).failed == 0
