"""CLI manners: folders for ``parse``, ``--version``, findings in one language per call with
the same detail in ``parse`` and ``validate``, one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from govstats import __version__
from govstats.cli import main

TABLE = (
    "某县人民政府2017年政府信息公开工作年度报告\n\n统计指标\t单位\t统计数\n"
    "行政复议数量\t件\t10\n维持具体行政行为数\t件\t4\n被依法纠错数\t件\t3\n"
    "其他情形数\t件\t2\n行政诉讼数量\t件\t0\n收到申请数\t件\t5\n"
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "report.txt").write_text(TABLE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(TABLE.replace("10\n", "9\n", 1), encoding="utf-8")
    (tmp_path / "notes.csv").write_text("x,y\n", encoding="utf-8")
    return tmp_path


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"govstats {__version__}"


def test_parse_accepts_a_folder(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(folder)]) == 0
    out = capsys.readouterr().out
    # both reports, nothing else (the csv is not a report)
    assert out.count("# ") == 2
    assert str(folder / "a" / "report.txt") in out and str(folder / "b.txt") in out
    assert "notes.csv" not in out


def test_parse_of_an_empty_folder_says_so(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(tmp_path)]) == 1
    assert capsys.readouterr().err.strip() == "govstats: no report files found"


def _finding_lines(out: str, rule: str) -> list[str]:
    lines = out.splitlines()
    i = next(i for i, line in enumerate(lines) if rule in line)
    return [lines[i].strip(), lines[i + 1].strip(), lines[i + 2].strip()]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_findings_in_one_language_with_the_same_detail(
    folder: Path, lang: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(folder / "a" / "report.txt")
    assert main(["parse", path, "--lang", lang]) == 0
    parsed = _finding_lines(capsys.readouterr().out, "r1.review")
    assert main(["validate", path, "--lang", lang]) == 0
    validated = _finding_lines(capsys.readouterr().out, "r1.review")
    # rule + figures, message, cells: the same three lines from both commands
    assert parsed == validated
    assert "4+3+2 = 9 ≠ 10" in parsed[0]
    assert parsed[2].startswith("at ")
    has_han = any("\u4e00" <= ch <= "\u9fff" for ch in parsed[1])
    assert has_han == (lang == "zh")


def test_errors_are_one_line_each(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    odd = tmp_path / "two\nlines.txt"
    odd.write_bytes(b"\x00\x01\x02" * 50)
    assert main(["parse", str(odd), str(tmp_path / "missing.txt")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(line.startswith("govstats: ") for line in err)
