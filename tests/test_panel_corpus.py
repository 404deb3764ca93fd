"""The bundled panel against the development corpus (../shared): it holds every report of the
corpus and of ``extra/`` (the further reports without truth) that has a statistics table, and
the seed; its values equal the hand-read truth, every source hash is that of the file parsed,
and rebuilding from ../shared reproduces data/ byte for byte.  Skipped when ../shared is
absent."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from govstats.panel import build_panel, load_panel

from .corpus_truth import compare
from .seed_values import SEED_R1_VALUES
from .test_corpus import AS_PRINTED

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return load_panel()


def _rows(name: str) -> dict[str, dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return {r["report_id"]: r for r in csv.DictReader(f)}


def test_every_report_with_a_table_and_the_seed_is_in_the_panel(
    shared: Path, panel: pd.DataFrame
) -> None:
    folders = {p.name: p for p in (shared / "corpus").iterdir() if p.is_dir()}
    with_table = {
        name
        for name, p in folders.items()
        if json.loads((p / "meta.json").read_text("utf-8"))["format"] != "narrative"
    }
    assert len(folders) == 170 and len(with_table) == 152
    extra = {p.name for p in (shared / "extra").iterdir() if p.is_dir()}
    assert len(extra) == 40
    extra_with_table = extra - NO_TABLE
    assert set(panel["report_id"]) == with_table | extra_with_table | {"linyi-2017"}
    assert set(_rows("reports.csv")) == set(folders) | extra | {"linyi-2017"}


# the pages of 莆田市审计局 2008–2011 hold the report's text but not its 附表 (meta.json: "the
# statistics table itself is not present in page.txt"): no table to read
NO_TABLE = {f"putian-sjj-{y}" for y in range(2008, 2012)}


def test_the_second_city_has_bodies_levels_scopes_and_no_undeserved_error(
    shared: Path, panel: pd.DataFrame
) -> None:
    """Every report of extra/ has its body (莆田市人民政府 city-wide, 统计局, 审计局), level and
    scope; the one validation error among them is deserved: 统计局's 2012 report was
    published on 29 December 2012, before the period it reports on ended."""
    reports = _rows("reports.csv")
    extra = sorted(p.name for p in (shared / "extra").iterdir() if p.is_dir())
    expected = {"city": ("cn-350300", "prefecture", "jurisdiction"),
                "tjj": ("cn-350300-tjj", "department", "own"),
                "sjj": ("cn-350300-sjj", "department", "own")}
    for rid in extra:
        r = reports[rid]
        body = expected[rid.split("-")[1]]
        assert (r["jurisdiction_id"], r["level"], r["scope"]) == body, rid
        assert r["year"] == rid.rsplit("-", 1)[1], rid
        assert (r["has_table"] == "true") == (rid not in NO_TABLE), rid
    errors = {rid for rid in extra if reports[rid]["status"] == "error"}
    assert errors == {"putian-tjj-2012"}
    findings = [f for f in csv.DictReader((DATA / "findings.csv").open(encoding="utf-8"))
                if f["report_id"] == "putian-tjj-2012" and f["severity"] == "error"]
    assert [f["rule"] for f in findings] == ["date.before_period_end"]
    # the years of the two cities' series
    years = {j: sorted(int(y) for y in g["year"].dropna().unique())
             for j, g in panel.groupby("jurisdiction_id", observed=True)}
    assert years["cn-350300"] == [2008, 2009, 2010, 2011, 2012, 2013, 2014, 2015, 2016, 2019]
    assert years["cn-350300-tjj"] == [*range(2008, 2017), *range(2018, 2026)]
    assert years["cn-350300-sjj"] == list(range(2012, 2026))


def test_panel_values_equal_the_hand_read_truth(shared: Path, panel: pd.DataFrame) -> None:
    ok = total = 0
    unexpected: dict[str, list[str]] = {}
    for rid, rows in panel.groupby("report_id", observed=True):
        folder = shared / "corpus" / str(rid)
        if not folder.is_dir():
            continue
        truth = json.loads((folder / "truth.json").read_text("utf-8"))
        values = [SimpleNamespace(indicator=i, applicant=str(a), value=v)
                  for i, a, v in zip(rows["indicator"], rows["applicant"], rows["value"],
                                     strict=True)]  # fmt: skip
        report = SimpleNamespace(value_list=values, meta={"regime": str(rows["regime"].iloc[0])})
        good, missing, wrong = compare(report, truth)
        ok += len(good)
        total += len(good) + len(missing) + len(wrong)
        bad = [w for w in wrong if w.split(" → ")[0] not in AS_PRINTED.get(str(rid), set())]
        if bad:
            unexpected[str(rid)] = bad
    assert unexpected == {}
    assert ok / total >= 4958 / 5104, f"{ok}/{total}"  # a ratchet at the measured value


def test_the_seed_values_equal_the_transcribed_table(panel: pd.DataFrame) -> None:
    seed = panel[(panel["report_id"] == "linyi-2017") & ~panel["derived"]]
    got = dict(zip(seed["indicator"], seed["value"], strict=True))
    assert got == {k: float(v) for k, v in SEED_R1_VALUES.items()}
    assert set(seed["jurisdiction_id"]) == {"cn-371300"} and set(seed["year"]) == {2017}


def test_source_hashes_are_those_of_the_files_parsed(shared: Path) -> None:
    for rid, row in _rows("sources.csv").items():
        path = shared / row["local_path"]
        assert path.is_file(), rid
        assert hashlib.sha256(path.read_bytes()).hexdigest() == row["sha256"], rid


def test_rebuilding_from_shared_reproduces_the_bundled_files(
    shared: Path, tmp_path: Path
) -> None:
    summary = build_panel(
        [shared / "corpus", shared / "extra", shared / "seed"], tmp_path, use_cache=False,
        progress=False,
    )
    assert (summary.reports, summary.with_table, summary.failed) == (211, 189, [])
    assert summary.unresolved == []
    for name in ("panel/_manifest.json", "panel.csv.gz", "reports.csv", "sources.csv"):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name
    for p in sorted((DATA / "panel").rglob("*.parquet")):  # the dataset's files
        assert (tmp_path / p.relative_to(DATA)).read_bytes() == p.read_bytes(), p.name
