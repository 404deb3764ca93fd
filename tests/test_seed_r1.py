"""Issue 2: the national 2014–2018 table (R1) of the 临沂市 2017 report, end to end."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from govstats import parse_report
from govstats.catalogue.indicators import catalogue

from .conftest import EXAMPLES
from .seed_values import SEED_R1_VALUES

CORE_R1 = {
    "proactive.total": 297360,
    "requests.new": 1108,
    "requests.channel.in_person": 43,
    "requests.channel.fax": 3,
    "requests.channel.online": 234,
    "requests.channel.letter": 790,
    "requests.channel.other": 0,
    "outcome.granted": 304,
    "outcome.partial": 38,
    "outcome.denied": 317,
    "outcome.already_public": 188,
    "outcome.not_this_agency": 141,
    "outcome.not_exist": 88,
    "review.total": 509,
    "review.upheld": 182,
    "review.corrected": 81,
    "review.other": 246,
    "litigation.total": 60,
    "litigation.upheld": 44,
    "litigation.corrected": 6,
    "litigation.other": 9,
    "complaints.total": 221,
    "complaints.upheld": 121,
    "complaints.corrected": 32,
    "complaints.other": 68,
}


def _check(report) -> None:
    printed = {(v.indicator, v.applicant): v for v in report.value_list if not v.derived}
    assert len(printed) == 76 == len(SEED_R1_VALUES)
    got = {code: v.value for (code, app), v in printed.items()}
    assert got == SEED_R1_VALUES
    for code, value in CORE_R1.items():
        assert got[code] == value, code
    assert all(app == "total" for _, app in printed)
    assert report.meta["year"] == 2017
    assert report.meta["regime"] == "R1"
    assert report.meta["published"] == "2017年1月22日"
    assert report.meta["jurisdiction"] == "临沂市人民政府"
    assert report.meta["admin_code"] == "371300"
    # every value says where it was printed
    for v in printed.values():
        assert v.location["line"] > 0 and v.location["row_label"] and v.raw
    # blank cells are findings, never values
    blanks = {f.indicators[0] for f in report.issues if f.rule == "cell.blank"}
    assert blanks == {"requests.closed", "outcome.answered"}


def test_example_table_parses() -> None:
    _check(parse_report(EXAMPLES / "linyi-2017-table.txt"))


def test_seed_report_parses(seed_report: Path) -> None:
    report = parse_report(seed_report)
    _check(report)
    # the prose states 信函申请828件 and 行政复议509件: kept as narrative, not values
    narr = {(n.indicator, n.value) for n in report.narrative_list}
    assert ("requests.channel.letter", 828) in narr
    assert ("review.total", 509) in narr


def test_every_seed_code_is_in_the_catalogue() -> None:
    cat = catalogue()
    assert all(code in cat for code in SEED_R1_VALUES)


def test_decimal_and_units() -> None:
    r = parse_report(EXAMPLES / "linyi-2017-table.txt")
    budget = next(v for v in r.value_list if v.indicator == "capacity.budget")
    assert budget.value == 178.8 and isinstance(budget.value, float) and budget.unit == "万元"
    trainees = next(v for v in r.value_list if v.indicator == "training.trainees")
    assert trainees.value == 7446 and isinstance(trainees.value, int) and trainees.unit == "人次"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "govstats.cli", *args], capture_output=True, text=True, timeout=120
    )


def test_cli_json_contract() -> None:
    proc = _cli("parse", str(EXAMPLES / "linyi-2017-table.txt"), "--json")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1
    d = json.loads(lines[0])
    assert set(d) == {"source", "meta", "values", "narrative", "issues", "unread", "candidates"}
    assert d["candidates"] == []  # every cell of the seed is read: no reading left open
    assert set(d["source"]) >= {"path", "sha256"} and len(d["source"]["sha256"]) == 64
    assert d["meta"]["year"] == 2017 and d["meta"]["regime"] == "R1"
    assert all(
        set(v) == {"indicator", "applicant", "value", "unit", "derived", "raw", "location"}
        for v in d["values"]
    )
    # the seed's two blank cells, as data beside their findings
    assert {(u["indicator"], u["status"]) for u in d["unread"]} == {
        ("requests.closed", "blank"), ("outcome.answered", "blank")
    }
    values = {v["indicator"]: v["value"] for v in d["values"] if not v["derived"]}
    assert values == SEED_R1_VALUES


def test_cli_readable_and_errors(tmp_path: Path) -> None:
    proc = _cli("parse", str(EXAMPLES / "linyi-2017-table.txt"))
    assert proc.returncode == 0 and "review.corrected" in proc.stdout
    junk = tmp_path / "junk.txt"
    junk.write_bytes(b"hello world, nothing here")
    missing = tmp_path / "missing.txt"
    proc = _cli("parse", str(junk), str(missing), "--json")
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    errs = proc.stderr.strip().splitlines()
    assert len(errs) == 2 and all(line.startswith("govstats: ") for line in errs)


@pytest.mark.parametrize("blob", [b"", b"\x00\x01\x02" * 100, "统计表".encode("utf-16")])
def test_hostile_bytes_never_crash(blob: bytes) -> None:
    from govstats.errors import GovstatsError

    with contextlib.suppress(GovstatsError):
        parse_report(blob, filename="x.txt")


def test_an_unknown_indicator_code_raises_with_the_closest() -> None:
    from govstats.errors import UnknownName

    report = parse_report(EXAMPLES / "linyi-2017-table.txt")
    assert report.value("review.corrected") == 81
    with pytest.raises(UnknownName, match=r"closest: review\.corrected") as exc:
        report.value("review.correctd")
    assert isinstance(exc.value, KeyError)
    with pytest.raises(UnknownName, match="applicant"):
        report.value("review.corrected", applicant="people")
    # a known code the report does not print is None, not an error
    assert report.value("review.pending") is None
