"""Every report gets a body: a researcher's own folder of bodies no bundled registry knows
(``tests/own_reports.py``), the user's registry file, ``meta.json``, the scope column, and a
build that writes where it is told and lists what it passes over."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

import govstats
from govstats.cli import main
from govstats.errors import GovstatsError
from govstats.panel import build_panel, load_panel, wide
from govstats.panel.bodies import identify
from govstats.panel.registry import registry
from govstats.parse.jurisdiction import department_like

from .own_reports import BODIES, form_report, write_own_reports
from .renderers import form_html

REPO = Path(__file__).resolve().parents[1]
ID = re.compile(r"cn-[0-9]{6}(-[a-z0-9]+)*")


def _reports(folder: Path) -> dict[str, dict[str, str]]:
    with (folder / "reports.csv").open(encoding="utf-8", newline="") as f:
        return {r["report_id"]: r for r in csv.DictReader(f)}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, govstats.panel.BuildSummary]:
    root = tmp_path_factory.mktemp("own")
    src = write_own_reports(root / "myreports")
    summary = build_panel(src, root / "mypanel", jobs=1, progress=False)
    return root / "mypanel", summary


def test_every_report_of_unknown_bodies_has_an_id_a_level_and_a_scope(built) -> None:
    out, summary = built
    reports = _reports(out)
    assert set(reports) == set(BODIES)
    for rid, (name, level, scope) in BODIES.items():
        r = reports[rid]
        assert ID.fullmatch(r["jurisdiction_id"]), r
        assert (r["jurisdiction"], r["level"], r["scope"]) == (name, level, scope), rid
    how = {rid: r["jurisdiction_from"] for rid, r in reports.items()}
    assert how == {"anji-wjw-2022": "derived", "huzhou-2022": "derived",
                   "huzhou-hbj-2017": "derived", "deqing-zone-2023": "meta.json",
                   "mystery-2021": "unresolved"}
    # a government by its division, a department below its government's id
    assert reports["huzhou-2022"]["jurisdiction_id"] == "cn-330500"
    assert reports["huzhou-hbj-2017"]["jurisdiction_id"].startswith("cn-330500-")
    assert reports["huzhou-hbj-2017"]["parent_id"] == "cn-330500"
    assert reports["anji-wjw-2022"]["parent_id"] == "cn-330523"  # 安吉县
    assert reports["mystery-2021"]["jurisdiction_id"].startswith("cn-000000-")
    assert [rid for rid, _ in summary.unresolved] == ["mystery-2021"]


def test_wide_and_rates_have_a_row_per_report(built) -> None:
    out, _ = built
    panel = load_panel(out)
    w = wide(panel, by="indicator")
    assert len(w) == len(BODIES)
    assert sorted(w["report_id"]) == sorted(BODIES)
    assert w[["jurisdiction", "level", "scope"]].notna().all(axis=None)
    from govstats.analysis.metrics import compute

    g1 = compute(panel, "disclosure.G1")
    assert len(g1) == len(BODIES)
    assert g1["rate"].notna().sum() >= 4  # the four R3 reports; the R1 one has its own D


def test_a_department_keeps_its_id_from_year_to_year(tmp_path: Path) -> None:
    for year, seed in ((2021, 5), (2022, 6)):
        html = form_html(form_report("R3", year, seed)).decode("utf-8")
        (tmp_path / "src").mkdir(exist_ok=True)
        (tmp_path / "src" / f"anji-{year}.html").write_text(
            html.replace("某某区人民政府", "安吉县卫生健康局"), encoding="utf-8")
    build_panel(tmp_path / "src", tmp_path / "out", jobs=1, progress=False)
    ids = {r["jurisdiction_id"] for r in _reports(tmp_path / "out").values()}
    assert len(ids) == 1 and next(iter(ids)).startswith("cn-330523-")


def test_meta_json_id_wins_and_a_user_registry_names_bodies(tmp_path: Path) -> None:
    src = write_own_reports(tmp_path / "src")
    (src / "anji-wjw-2022" / "meta.json").write_text(
        json.dumps({"jurisdiction_id": "cn-330523-wjw"}), encoding="utf-8")
    # the bundled registry does not know the id: meta.json names an id of the user's registry
    reg = tmp_path / "my_bodies.csv"
    reg.write_text(
        "id,name,kind,level,parent_id,admin_code,province,valid_from,valid_to,predecessor_id,"
        "successor_id,note,names\n"
        "cn-330523-wjw,安吉县卫生健康局,department,department,cn-330523,330523,浙江省,2019,,,,,"
        "安吉县卫健局\n"
        "cn-330522-wjw,长兴县卫生健康局,department,department,cn-330522,330522,浙江省,,,,,,"
        "某某县卫生健康局\n",
        encoding="utf-8")
    build_panel(src, tmp_path / "out", jobs=1, progress=False, registries=[reg])
    reports = _reports(tmp_path / "out")
    assert (reports["anji-wjw-2022"]["jurisdiction_id"],
            reports["anji-wjw-2022"]["jurisdiction_from"]) == ("cn-330523-wjw", "meta.json")
    # the unresolved body of the default build: the user's registry knows its printed name
    assert (reports["mystery-2021"]["jurisdiction_id"], reports["mystery-2021"]["jurisdiction"],
            reports["mystery-2021"]["jurisdiction_from"]) == (
        "cn-330522-wjw", "长兴县卫生健康局", "registry")


def test_meta_json_scope_overrides_the_wording(tmp_path: Path) -> None:
    src = write_own_reports(tmp_path / "src")
    shutil.rmtree(src / "anji-wjw-2022")
    (src / "huzhou-2022.txt").rename(src / "h.txt")
    (src / "huzhou-2022").mkdir()
    (src / "h.txt").rename(src / "huzhou-2022" / "report.txt")
    (src / "huzhou-2022" / "meta.json").write_text(json.dumps({"scope": "own"}),
                                                    encoding="utf-8")
    build_panel(src, tmp_path / "out", jobs=1, progress=False)
    assert _reports(tmp_path / "out")["huzhou-2022"]["scope"] == "own"


def test_identify_without_a_division_reads_the_name_structure() -> None:
    reg = registry()
    meta = {"jurisdiction": "某某县卫生健康局", "level": "other"}
    body = identify(meta, {}, 2021, reg, "r1")
    assert body.how == "unresolved"
    assert (body.record.level, body.record.kind) == ("department", "department")
    assert body.record.id == identify(meta, {}, 2022, reg, "r2").record.id  # stable
    gov = identify({"jurisdiction": "某某县人民政府", "level": "other"}, {}, 2021, reg, "r3")
    assert gov.record.level == "other"
    assert department_like("莆田市审计局") and not department_like("湖州市人民政府")


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_build_without_out_leaves_the_bundled_data_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _digest(REPO / "data")
    src = write_own_reports(tmp_path / "somedir")
    monkeypatch.chdir(tmp_path)
    assert main(["build", "somedir", "--jobs", "1"]) == 0
    assert (tmp_path / "govstats-panel" / "panel" / "_manifest.json").is_file()
    assert len(_reports(tmp_path / "govstats-panel")) == len(BODIES)
    # asked to write into the bundled data without --bundled: refused, nothing written
    assert main(["build", str(src), "--out", str(REPO / "data")]) == 1
    assert "--bundled" in capsys.readouterr().err
    with pytest.raises(GovstatsError, match="bundled panel"):
        build_panel(src, REPO / "data", jobs=1, progress=False)
    assert _digest(REPO / "data") == before


def test_every_file_passed_over_is_listed_with_its_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write_own_reports(tmp_path / "src")
    (src / "notes.xlsx").write_bytes(b"PK\x03\x04")
    (src / "huzhou-2022.pdf").write_bytes(b"%PDF-1.4\n")  # the same report twice
    (src / "anji-wjw-2022" / "old.txt").write_text("x", encoding="utf-8")
    assert main(["build", str(src), "--out", str(tmp_path / "out"), "--jobs", "1"]) == 1
    err = capsys.readouterr().err
    lines = {line.split(": ", 1)[1] for line in err.splitlines() if line.startswith("skipped:")}
    assert lines == {
        f"{src / 'notes.xlsx'}: .xlsx is not a report format govstats reads "
        "(.pdf, .html, .htm, .mhtml, .mht, .docx, .doc, .wps, .md, .txt, .png, .jpg, .jpeg)",
        f"{src / 'huzhou-2022.txt'}: another copy of the report: huzhou-2022.pdf is read",
        f"{src / 'anji-wjw-2022' / 'old.txt'}: not a report file of the folder",
    }
    # the broken PDF read instead is a failed report, named, and the build says so (exit 1)
    assert "failed: huzhou-2022:" in err


def test_wide_warns_about_a_report_without_a_year() -> None:
    panel = pd.DataFrame({
        "report_id": ["a", "b"], "jurisdiction_id": ["cn-330500", "cn-330500"],
        "year": pd.array([2022, None], dtype="Int64"), "applicant": ["total", "total"],
        "indicator": ["requests.new", "requests.new"], "value": [3.0, 4.0],
        "derived": [False, False], "regime": ["R3", "R3"],
    })
    with pytest.warns(UserWarning, match="1 report\\(s\\) with no year left out: b"):
        w = wide(panel, by="indicator")
    assert w["report_id"].tolist() == ["a"]


@pytest.mark.parametrize(("text", "level", "scope"), [
    ("2022年，全市各级行政机关共新收政府信息公开申请212件。", "prefecture", "jurisdiction"),
    ("全区未收到有关政府信息公开申请。", "prefecture", "jurisdiction"),
    ("全县各级行政机关均未收到政府信息公开申请。", "county", "jurisdiction"),
    ("市本级受理申请30件，各县（区）受理申请12件。", "prefecture", "jurisdiction"),
    ("本机关全年共受理政府信息公开申请5件。", "prefecture", "unknown"),
    ("全市各级行政机关共新收政府信息公开申请212件。", "department", "own"),
    ("全区重大建设项目的动态信息全年共发布信息291条。", "prefecture", "unknown"),
])
def test_scope_from_the_wording(text: str, level: str, scope: str) -> None:
    from govstats.parse.meta import report_scope

    assert report_scope(text, level)[0] == scope
