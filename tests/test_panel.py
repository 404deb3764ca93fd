"""The bundled panel (data/) and `govstats build`: Frictionless-valid, byte-identical on
rebuild, every value traceable, figures only.  Needs no ../shared: rebuilds use the fixtures
in tests/fixtures/panel and data/examples."""

from __future__ import annotations

import csv
import gzip
import json
import shutil
from pathlib import Path

import frictionless
import pandas as pd
import pytest

import govstats
from govstats.cli import main
from govstats.errors import GovstatsError
from govstats.panel import (
    PANEL_COLUMNS,
    build_panel,
    check_datapackage,
    datapackage_json,
    discover,
    load_panel,
    report_status,
    series,
    wide,
)

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
FIXTURES = REPO / "tests" / "fixtures" / "panel"
OUT_FILES = [
    "panel/_manifest.json", "panel.csv.gz", "reports.csv", "sources.csv", "findings.csv",
    "datapackage.json",
]  # fmt: skip
ZONE = "cn-350128-ptsyq"
LOCATION_KEYS = {"table", "table_id", "page", "line", "path", "run", "split", "rule"}


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return load_panel()


def _text(path: Path) -> str:
    data = path.read_bytes()
    return (gzip.decompress(data) if path.suffix == ".gz" else data).decode("utf-8")


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (the panel dataset), by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _frictionless_errors(descriptor: Path) -> list[list[object]]:
    report = frictionless.validate(str(descriptor))
    return [] if report.valid else report.flatten(["rowNumber", "fieldName", "type", "note"])


@pytest.fixture()
def source(tmp_path: Path) -> Path:
    """A small folder of reports: a report folder with meta.json and a loose table file."""
    src = tmp_path / "reports"
    shutil.copytree(FIXTURES / "zone-2022", src / "zone-2022")
    for example in sorted((DATA / "examples").glob("*.txt")):
        shutil.copy(example, src / example.name)
    (src / "README.md").write_text("not a report\n", encoding="utf-8")
    return src


# --------------------------------------------------------------------------- bundled data


def test_frictionless_validates_the_bundled_datapackage() -> None:
    assert _frictionless_errors(DATA / "datapackage.json") == []
    report = frictionless.validate(str(DATA / "datapackage.json"))
    assert [t.name for t in report.tasks] == ["panel", "reports", "sources", "findings", "resolved"]
    assert all(t.valid for t in report.tasks)


def test_the_bundled_datapackage_is_the_one_the_field_catalogue_gives() -> None:
    """data/datapackage.json is generated (panel/fields.yaml): byte for byte, and
    `govstats datapackage --check` agrees."""
    assert (DATA / "datapackage.json").read_text("utf-8") == datapackage_json()
    assert main(["datapackage", "--out", str(DATA), "--check"]) == 0


def test_the_bundled_panel_passes_the_schema(panel: pd.DataFrame) -> None:
    assert list(panel.columns) == PANEL_COLUMNS
    for col in ("report_id", "jurisdiction_id", "code", "indicator", "concept", "sha256"):
        assert pd.api.types.is_string_dtype(panel[col]), col
    for col in ("regime", "applicant", "comparability", "status", "level"):
        assert isinstance(panel[col].dtype, pd.CategoricalDtype), col
    assert str(panel["year"].dtype) == "Int64" and panel["value"].dtype == "float64"
    assert panel["jurisdiction_id"].notna().all() and panel["concept"].notna().all()
    assert set(panel["code"]) == {"310000", "320800", "320813", "350128", "350300", "371300"}
    reports = _read_csv(DATA / "reports.csv")
    assert len(reports) == 211
    assert sum(r["has_table"] == "true" for r in reports) == 189 == panel["report_id"].nunique()


def test_the_csv_and_parquet_hold_the_same_panel(panel: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(panel, load_panel(DATA / "panel.csv.gz"))


def test_pingtan_requests_across_the_2019_break_with_comparability_flags(
    panel: pd.DataFrame,
) -> None:
    s = series(panel, ZONE, "requests.new")
    shown = [
        (int(r.year), str(r.regime), r.indicator, int(r.value), str(r.comparability))
        for r in s.itertuples()
        if r.comparability != "not-comparable"
    ]
    caveat = "comparable-with-caveat"
    assert shown == [
        (2011, "R0", "requests.new", 0, caveat),
        (2012, "R0", "requests.new", 0, caveat),
        (2013, "R0", "requests.new", 0, caveat),
        (2014, "R0", "requests.new", 1, caveat),
        (2015, "R0", "requests.new", 0, caveat),
        (2016, "R0", "requests.new", 0, caveat),
        (2017, "R0", "requests.new", 0, caveat),
        (2018, "R0", "requests.new", 0, caveat),
        (2019, "R2", "requests.new", 23, "same"),
        (2020, "R2", "requests.new", 21, "same"),
        (2021, "R3", "requests.new", 70, "same"),
        (2022, "R3", "requests.new", 74, "same"),
        (2023, "R3", "requests.new", 81, "same"),
        (2024, "R3", "requests.new", 218, "same"),
        (2025, "R3", "requests.new", 154, "same"),
    ]
    assert not s["derived"].any()
    assert s["caveat"].iloc[0].startswith("R0 受理")
    # the R0 历年累计 twins are linked to the concept but flagged, never mixed in
    cumulative = s[s["comparability"] == "not-comparable"]
    assert set(cumulative["indicator"]) == {"requests.new.cumulative"}
    assert cumulative["year"].tolist() == list(range(2011, 2019))
    assert cumulative["value"].tolist() == [0, 0, 0, 1, 1, 0, 0, 0]
    by_concept = wide(panel, concepts=["requests.new"]).loc[ZONE]
    assert by_concept["requests.new"].tolist() == [r[3] for r in shown]
    assert by_concept["regime"].tolist() == ["R0"] * 8 + ["R2"] * 2 + ["R3"] * 5


def test_wide_by_indicator_gives_the_core_codes(panel: pd.DataFrame) -> None:
    w = govstats.wide(panel, by="indicator")
    assert w.index.names == ["jurisdiction_id", "year"]
    assert list(w.columns[:6]) == ["regime", "report_id", "jurisdiction", "level", "scope",
                                   "parent_id"]
    core = ["requests.new", "outcome.granted", "review.corrected", "review.total",
            "review.pending", "litigation.corrected", "litigation.total"]  # fmt: skip
    assert set(core) <= set(w.columns)
    # the seed (R1): no pending column
    seed = w.loc[("cn-371300", 2017)]
    assert (seed["regime"], seed["report_id"]) == ("R1", "linyi-2017")
    assert (seed["jurisdiction"], seed["level"], seed["parent_id"]) == (
        "临沂市人民政府", "prefecture", "cn-370000")
    assert [seed[c] for c in core if c != "review.pending"] == [1108, 304, 81, 509, 6, 60]
    assert pd.isna(seed["review.pending"])
    # 淮安市 2024 (R3): litigation pooled from direct + after review (derived)
    huaian = w.loc[("cn-320800", 2024)]
    assert [huaian[c] for c in core] == [3119, 1362, 64, 351, 37, 5, 46]
    assert len(w) == 189  # one row per body-year with a table


def test_every_value_is_traceable_to_its_source_and_location(panel: pd.DataFrame) -> None:
    sources = {r["report_id"]: r for r in _read_csv(DATA / "sources.csv")}
    per_report = panel.drop_duplicates("report_id")
    for r in per_report.itertuples():
        assert sources[r.report_id]["sha256"] == r.sha256
        assert sources[r.report_id]["source"] == r.source
    for loc, derived in zip(panel["location"], panel["derived"], strict=True):
        keys = set(json.loads(loc))
        assert keys <= LOCATION_KEYS
        assert ("rule" in keys) if derived else bool(keys & {"line", "page", "path"})
    zone_2019 = sources["pingtan-2019"]
    assert zone_2019["source"].startswith(
        "https://github.com/changwu/pingtan-gov-zwgk-archive/blob/12f00b4205da"
    )
    assert zone_2019["source_url"].startswith("https://www.pingtan.gov.cn/")
    assert zone_2019["local_path"] == "corpus/pingtan-2019/report.txt"
    assert sources["linyi-2017"]["local_path"] == "seed/linyi-2017/report.txt"
    assert sources["pingtan-2016"]["kind"] == "html"  # the HTML original wins over report.txt
    assert sources["pingtan-2016"]["source_path"].endswith("page.html")


def test_data_holds_figures_only_and_no_local_paths() -> None:
    for name in ("panel.csv.gz", "reports.csv", "sources.csv", "datapackage.json"):
        text = _text(DATA / name)
        for bad in ("/work/", "/home/", "/tmp/", "/root/", "C:\\"):
            assert bad not in text, (name, bad)
    for name in ("panel.csv.gz", "reports.csv"):
        text = _text(DATA / name)
        assert "。" not in text and "，" not in text, name  # no sentence of any report


# --------------------------------------------------------------------------- building


def test_rebuilding_gives_byte_identical_files(source: Path, tmp_path: Path) -> None:
    one = build_panel(source, tmp_path / "one", jobs=1, use_cache=False, progress=False)
    two = build_panel([source], tmp_path / "two", jobs=2, progress=False)
    assert (one.reports, one.with_table, one.parsed, two.parsed) == (2, 2, 2, 2)
    again = build_panel(source, tmp_path / "two", jobs=2, progress=False)
    assert (again.parsed, again.cached) == (0, 2)  # resumed from the cache
    assert not (tmp_path / "one" / ".cache").exists()
    for name in OUT_FILES:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    assert _tree(tmp_path / "one" / "panel") == _tree(tmp_path / "two" / "panel")
    assert _frictionless_errors(tmp_path / "one" / "datapackage.json") == []
    reports = {r["report_id"]: r for r in _read_csv(tmp_path / "one" / "reports.csv")}
    assert set(reports) == {"zone-2022", "linyi-2017-table"}
    assert reports["zone-2022"]["jurisdiction_id"] == ZONE
    assert reports["zone-2022"]["jurisdiction_from"] == "registry"
    assert reports["zone-2022"]["scope"] in ("own", "jurisdiction", "unknown")
    assert reports["linyi-2017-table"]["jurisdiction_id"] == "cn-371300"
    sources = {r["report_id"]: r for r in _read_csv(tmp_path / "one" / "sources.csv")}
    assert sources["zone-2022"]["local_path"] == "reports/zone-2022/report.txt"
    assert sources["zone-2022"]["source"].startswith("https://github.com/changwu/")
    assert sources["linyi-2017-table"]["source"] == "reports/linyi-2017-table.txt"


def test_load_panel_finds_the_data_by_argument_then_environment(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    build_panel(source, out, jobs=1, progress=False)
    explicit = load_panel(out)
    zone = explicit[(explicit["report_id"] == "zone-2022") & (explicit["applicant"] == "total")]
    got = dict(zip(zone["indicator"], zone["value"], strict=False))
    assert (got["requests.new"], got["outcome.total"], got["outcome.other"]) == (74, 75, 4)
    assert explicit.loc[explicit["indicator"] == "outcome.other", "derived"].all()
    monkeypatch.setenv("GOVSTATS_DATA", str(out))
    assert len(load_panel()) == len(explicit)
    pd.testing.assert_frame_equal(load_panel(out / "panel.csv.gz"), explicit)
    with pytest.raises(GovstatsError, match="govstats build"):
        load_panel(tmp_path / "nowhere")


def test_cli_build(source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli"
    assert main(["build", str(source), "--out", str(out), "--jobs", "1", "--no-cache"]) == 0
    assert all((out / name).is_file() for name in OUT_FILES)
    assert "2 reports (2 with a statistics table)" in capsys.readouterr().err
    assert main(["build", str(tmp_path / "missing"), "--out", str(out)]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_discover_picks_the_original_and_skips_clashing_ids(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for root in (a, b):
        (root / "x").mkdir(parents=True)
        (root / "x" / "report.txt").write_text("text", encoding="utf-8")
    (a / "x" / "report.html").write_text("<p>html</p>", encoding="utf-8")
    (a / "x" / "meta.json").write_text("{}", encoding="utf-8")
    found = discover([a])
    assert [(s.report_id, s.path.name, s.local_path) for s in found] == [
        ("x", "report.html", "a/x/report.html")
    ]
    assert found[0].meta_path == a / "x" / "meta.json"
    skipped: list = []
    both = discover([a, b], skipped)  # a clash of ids does not stop the build
    assert [s.path for s in both] == [a / "x" / "report.html"]
    assert [(s.path, "would get the id 'x'" in s.reason) for s in skipped[-1:]] == [
        (b / "x" / "report.txt", True)
    ]


def test_check_datapackage_names_the_resource_that_differs(tmp_path: Path) -> None:
    pkg = json.loads((DATA / "datapackage.json").read_text("utf-8"))
    pkg["resources"][0]["schema"]["fields"].pop()  # drop `status`
    bad = tmp_path / "datapackage.json"
    bad.write_text(json.dumps(pkg), encoding="utf-8")
    with pytest.raises(GovstatsError, match="'panel' describes fields"):
        check_datapackage(bad)
    check_datapackage(DATA / "datapackage.json")
    pkg = json.loads((DATA / "datapackage.json").read_text("utf-8"))
    pkg["resources"].pop()  # drop `resolved`
    bad.write_text(json.dumps(pkg), encoding="utf-8")
    with pytest.raises(GovstatsError, match="no resource 'resolved'"):
        check_datapackage(bad)


def test_cli_datapackage_writes_and_checks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "new"
    assert main(["datapackage", "--out", str(out), "--check"]) == 1
    assert "not the one panel/fields.yaml gives" in capsys.readouterr().err
    assert main(["datapackage", "--out", str(out)]) == 0
    assert (out / "datapackage.json").read_bytes() == (DATA / "datapackage.json").read_bytes()
    assert main(["datapackage", "--out", str(out), "--check"]) == 0


def test_status_is_the_highest_severity() -> None:
    assert report_status({}, None) == "ok"
    assert report_status({"info": 3}, None) == "ok"
    assert report_status({"info": 1, "warning": 2}, None) == "warning"
    assert report_status({"warning": 1, "error": 1}, None) == "error"
    assert report_status({}, "UnreadableInput: empty") == "error"


def test_a_report_over_the_time_limit_fails_and_is_retried(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    import govstats.pipeline as parse_module

    real = parse_module.parse_report

    def slow(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if "zone-2022" in str(path):
            time.sleep(5)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(parse_module, "parse_report", slow)
    out = tmp_path / "out"
    summary = build_panel(source, out, jobs=1, progress=False, timeout=0.3)
    assert [rid for rid, _ in summary.failed] == ["zone-2022"]
    assert "ParseTimeout" in summary.failed[0][1]
    reports = {r["report_id"]: r for r in _read_csv(out / "reports.csv")}
    assert reports["zone-2022"]["status"] == "error"
    assert reports["zone-2022"]["parse_error"].startswith("ParseTimeout")
    # a timeout is not cached: the next build parses the report again (and now succeeds)
    monkeypatch.setattr(parse_module, "parse_report", real)
    again = build_panel(source, out, jobs=1, progress=False, timeout=0.3)
    assert again.parsed == 1 and not again.failed


def test_names_and_codes_are_checked_with_the_closest_offered(panel: pd.DataFrame) -> None:
    from govstats.analysis.metrics import MetricError, compute

    # a body by its name, the same series as by its id
    by_name = series(panel, "平潭综合实验区", "requests.new")
    pd.testing.assert_frame_equal(by_name, series(panel, ZONE, "requests.new"))
    assert govstats.body_id(panel, "临沂市人民政府") == "cn-371300"
    with pytest.raises(govstats.UnknownName, match="closest: 平潭综合实验区"):
        series(panel, "平潭综合实验", "requests.new")
    with pytest.raises(KeyError, match=r"closest: requests\.new"):
        series(panel, ZONE, "requests.nw")
    with pytest.raises(KeyError, match=r"closest: review\.corrected"):
        wide(panel, concepts=["review.corectd"])
    with pytest.raises(MetricError, match=r"closest: review\.correction"):
        compute(panel, "review.corection")
    with pytest.raises(MetricError, match="no indicator column"):
        compute(panel[["year", "value"]], "review.correction")


def test_rates_on_the_long_panel_are_the_rates_on_wide(panel: pd.DataFrame) -> None:
    from govstats.analysis.metrics import compute

    long_rates = compute(panel, "review.correction.C2")
    wide_rates = compute(wide(panel, by="indicator"), "review.correction.C2")
    pd.testing.assert_frame_equal(long_rates, wide_rates)
    assert long_rates.index.names == ["jurisdiction_id", "year"]
    linyi = long_rates.loc[("cn-371300", 2017)]
    assert linyi["reason"] == "not defined for R1"
    assert long_rates["rate"].notna().sum() > 0
