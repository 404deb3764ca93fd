"""The small items of the hostile-input issue, on the command line: --limit, one-line errors
for file names with a newline, an empty text input, pdfminer's log kept off stderr, the
build summary on one line per report."""

from __future__ import annotations

from pathlib import Path

import pytest

import govstats
from govstats.cli import main
from govstats.errors import GovstatsError
from govstats.panel.build import BuildSummary

from .hostile_files import build


def test_limit_option_refuses_and_names_the_limit(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    name, data = build("clean_html")
    path = tmp_path / name
    path.write_bytes(data)
    assert main(["parse", str(path), "--json", "--limit", "text_chars=50"]) == 1
    err = capsys.readouterr().err
    assert "text_chars=50" in err and len(err.strip().splitlines()) == 1
    assert main(["parse", str(path), "--json", "--limit", "pages=2k"]) == 0
    assert main(["parse", str(path), "--limit", "nonsense=1"]) == 2
    assert "NAME=VALUE" in capsys.readouterr().err


def test_a_newline_in_a_file_name_keeps_the_error_on_one_line(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "a\nb.txt"
    path.write_bytes(b"")
    assert main(["parse", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "a b.txt" in err and "empty" in err


def test_an_empty_text_input_says_empty() -> None:
    with pytest.raises(GovstatsError, match="empty"):
        govstats.parse_report(b"", filename="r.txt")


def test_a_damaged_pdf_prints_no_library_log(capfd) -> None:  # type: ignore[no-untyped-def]
    name, data = build("damaged_pdf")
    with pytest.raises(GovstatsError):
        govstats.parse_report(data, filename=name)
    assert capfd.readouterr().err == ""


def test_the_build_summary_keeps_one_line_per_report(tmp_path: Path) -> None:
    summary = BuildSummary(out_dir=tmp_path, failed=[("a\nb", "Error: one\ntwo")])
    lines = str(summary).splitlines()
    assert lines[-1] == "failed: a b: Error: one two"
