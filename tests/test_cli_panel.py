"""`govstats panel`: the main job's first step loads and summarises the bundled panel."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from govstats.cli import main

from .conftest import REPO


def test_panel_summary_and_findings_per_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "per_rule.csv"
    assert main(["panel", "--csv", str(out)]) == 0
    text = capsys.readouterr().out
    reports = pd.read_csv(REPO / "data" / "reports.csv", dtype=str, keep_default_na=False)
    assert f"{len(reports)} reports in all" in text
    assert "findings per rule" in text
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    findings = pd.read_csv(REPO / "data" / "findings.csv", dtype=str, keep_default_na=False)
    assert sum(int(r["findings"]) for r in rows) == len(findings)
    by_rule = {(r["rule"], r["severity"]): int(r["findings"]) for r in rows}
    # every report without a statistics table has its structure.no_table finding
    assert by_rule[("structure.no_table", "info")] == int((reports["has_table"] == "false").sum())


def test_panel_on_a_missing_folder_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["panel", "--data", str(tmp_path / "nowhere")]) == 1
    assert "govstats panel:" in capsys.readouterr().err
