"""The jurisdiction registry (reference/registry*.csv) and the resolution of printed names."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from govstats.panel.registry import ID_PATTERN, children, lineage, record, records, resolve

ZONE = "cn-350128-ptsyq"


def test_ids_are_stable_ascii_and_departments_share_their_parents_code() -> None:
    recs = records()
    assert len(recs) == 45  # 33 + 莆田市人民政府 and 11 of its departments
    for rec in recs.values():
        assert re.fullmatch(ID_PATTERN, rec.id), rec.id
        assert rec.id.isascii()
        if rec.kind == "department":
            parent = record(rec.parent_id)  # type: ignore[arg-type]
            assert rec.admin_code == parent.admin_code
            assert rec.level == "department"


@pytest.mark.parametrize(
    ("old", "new", "old_name", "new_name"),
    [
        ("hgj", "zrj", "平潭综合实验区环境与国土资源局", "平潭综合实验区自然资源与生态环境局"),
        ("ncj", "nyj", "平潭综合实验区农村发展局", "平潭综合实验区农业农村局"),
        ("zfj", "zyj", "平潭综合实验区综合执法局", "平潭综合实验区综合执法与应急管理局"),
    ],
)
def test_renamed_bodies_are_linked_not_merged(
    old: str, new: str, old_name: str, new_name: str
) -> None:
    before = resolve(old_name, 2018)
    after = resolve(new_name, 2019)
    assert before is not None and after is not None
    assert before.id == f"{ZONE}-{old}" and after.id == f"{ZONE}-{new}"
    assert before.successor_id == after.id and after.predecessor_id == before.id
    assert [r.id for r in lineage(after.id)] == [before.id, after.id]
    assert [r.id for r in lineage(before.id)] == [before.id, after.id]
    # the old name is not valid after the successor took over: not silently re-pointed
    assert resolve(old_name, 2020) is None
    assert resolve(new_name, 2017) is None


def test_pingtan_county_is_not_the_comprehensive_pilot_zone() -> None:
    county = resolve("平潭县人民政府", 2011)
    zone = resolve("平潭综合实验区（管委会）", 2011)
    assert county is not None and zone is not None
    assert county.id == "cn-350128" and zone.id == ZONE
    assert (county.level, county.kind) == ("county", "government")
    assert (zone.level, zone.kind) == ("prefecture", "zone")
    assert county.admin_code == zone.admin_code == "350128"  # same territory, two bodies
    assert resolve("福州市平潭县") == county
    for printed in ("平潭综合实验区", "平潭综合实验区管委会", "平潭综合实验区管理委员会"):
        assert resolve(printed, 2020) == zone


def test_a_department_belongs_to_its_government() -> None:
    czj = resolve("平潭综合实验区财政金融局", 2021)
    assert czj is not None and czj.parent_id == ZONE
    county_czj = resolve("平潭县财政局", 2010)
    assert county_czj is not None and county_czj.parent_id == "cn-350128"
    assert county_czj.id != czj.id
    office = resolve("上海市人民政府办公厅", 2019)
    assert office is not None and office.parent_id == "cn-310000"
    assert (office.admin_code, office.province) == ("310000", "上海市")
    assert record(office.parent_id).name == "上海市人民政府"  # type: ignore[arg-type]
    assert f"{ZONE}-czj" in {r.id for r in children(ZONE)}
    assert len(children(ZONE)) == 16


def test_a_bare_department_name_needs_its_parent() -> None:
    assert resolve("公安局", 2015) is None  # several bodies could be meant
    assert resolve("公安局", 2015, parent_hint=ZONE).id == f"{ZONE}-gaj"  # type: ignore[union-attr]
    hinted = resolve("公安局", 2009, parent_hint="平潭县人民政府")
    assert hinted is not None and hinted.id == "cn-350128-gaj"


def test_governments_resolve_through_the_gbt2260_resolver() -> None:
    for printed in ("洪泽区人民政府", "淮安市洪泽区人民政府", "洪泽区人民政府（淮安市洪泽区）"):
        assert resolve(printed, 2023).id == "cn-320813"  # type: ignore[union-attr]
    assert resolve("临沂市政府").id == "cn-371300"  # type: ignore[union-attr]
    hz = resolve("洪泽县人民政府", 2014)  # its name before it became a district (2016)
    assert hz is not None and hz.id == "cn-320813" and hz.name_in(2014) == "洪泽县人民政府"
    assert hz.name_in(2023) == "洪泽区人民政府"
    assert resolve("洪泽县人民政府", 2020) is None


@pytest.mark.parametrize("printed", ["走进平潭", "政府信息工作公开", "", "   ", "北京市某某局"])
def test_unknown_names_are_not_guessed(printed: str) -> None:
    assert resolve(printed, 2016) is None


def test_every_corpus_body_resolves_to_its_level(shared: Path) -> None:
    seen = set()
    folders = [
        *sorted((shared / "corpus").iterdir()),
        *sorted((shared / "extra").iterdir()),
        shared / "seed" / "linyi-2017",
    ]
    for folder in folders:
        if not (folder / "meta.json").is_file():
            continue
        meta = json.loads((folder / "meta.json").read_text("utf-8"))
        rec = resolve(meta["jurisdiction"], meta["year"])
        assert rec is not None, folder.name
        assert rec.level == meta["level"], folder.name
        assert rec.province == meta["province"], folder.name
        seen.add(rec.id)
    # every registry body is in the corpus or the extra reports except the governments
    # above them
    assert set(records()) - seen == {
        "cn-310000", "cn-320000", "cn-350000", "cn-350100", "cn-370000"
    }  # fmt: skip
