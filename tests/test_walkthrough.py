"""The README runs as written.

* ``test_the_walkthrough_runs_as_written``: the commands and code of "Your own reports", in
  order, in a folder holding ``myreports/`` — five generated reports of bodies no registry
  knows (``tests/own_reports.py``: a county department, a 全市 summary, a prefecture
  department, a zone named in ``meta.json``, a ``.doc``).  Its first block (``make setup``)
  is what made the environment this test runs in.
* ``test_the_readme_python_examples_run``: every other Python block, in order, in one
  namespace, in a folder holding the ``report.txt`` the first one reads.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest

from .own_reports import BODIES, write_own_reports

matplotlib.use("Agg")

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
WALKTHROUGH = "## Your own reports"
FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)


def _sections() -> dict[str, str]:
    text = README.read_text(encoding="utf-8")
    parts = re.split(r"^(## .*)$", text, flags=re.M)
    return {title: body for title, body in zip(parts[1::2], parts[2::2], strict=True)}


def _blocks(body: str) -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in FENCE.finditer(body)]


def _env() -> dict[str, str]:
    """This interpreter's scripts first on PATH (what activating the venv does)."""
    bin_dir = str(Path(sys.executable).parent)
    return {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
            "MPLBACKEND": "Agg", "PYTHONPATH": str(REPO / "src")}


def _run(lang: str, code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    cmd = ["bash", "-e", "-o", "pipefail", "-c", code] if lang == "bash" else \
        [sys.executable, "-c", code]
    proc = subprocess.run(cmd, cwd=cwd, env=_env(), capture_output=True, text=True,
                          timeout=900)
    assert proc.returncode == 0, f"{lang} block failed:\n{code}\n{proc.stdout}\n{proc.stderr}"
    return proc


def test_the_walkthrough_runs_as_written(tmp_path: Path) -> None:
    blocks = _blocks(_sections()[WALKTHROUGH])
    assert [lang for lang, _ in blocks] == ["bash", "bash", "python", "bash"]
    assert "make setup" in blocks[0][1]  # how this environment was made
    write_own_reports(tmp_path / "myreports")
    outputs = [_run(lang, code, tmp_path) for lang, code in blocks[1:]]

    # the panel: every report, with a body id, a level and a scope
    with (tmp_path / "mypanel" / "reports.csv").open(encoding="utf-8", newline="") as f:
        reports = {r["report_id"]: r for r in csv.DictReader(f)}
    assert set(reports) == set(BODIES)
    for rid, (name, level, scope) in BODIES.items():
        r = reports[rid]
        assert r["jurisdiction_id"] and r["jurisdiction"] == name, r
        assert (r["level"], r["scope"]) == (level, scope), r
    assert "unresolved jurisdiction: mystery-2021" in outputs[0].stderr
    assert (tmp_path / "mypanel" / "findings-detail.csv").stat().st_size > 0
    # the Python block: the wide view has a row per report, a rate, a figure
    printed = outputs[1].stdout
    for name, _, _ in BODIES.values():
        assert name in printed
    assert {p.name for p in (tmp_path / "myfigures").glob("my_g1.*")} == {"my_g1.pdf",
                                                                         "my_g1.png"}
    # the notebooks ran on this panel, saying where the data is too little
    executed = sorted(p.name for p in (tmp_path / "mynotebooks").glob("*.ipynb"))
    assert len(executed) == 4
    said = []
    for name in executed:
        nb = json.loads((tmp_path / "mynotebooks" / name).read_text(encoding="utf-8"))
        outs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
        assert not [o for o in outs if o["output_type"] == "error"], name
        text = "".join("".join(o.get("text", "")) for o in outs if o["output_type"] == "stream")
        assert "panel " + str(tmp_path / "mypanel") in text, name
        said += re.findall(r"too little data for [^:]+", text)
    assert said  # five reports: some figures say so instead of failing
    assert (tmp_path / "myfigures" / "coverage_heatmap.pdf").is_file()


def test_the_readme_python_examples_run(tmp_path: Path) -> None:
    shutil.copyfile(REPO / "data" / "examples" / "linyi-2017-table.txt", tmp_path / "report.txt")
    code = [c for title, body in _sections().items() if title != WALKTHROUGH
            for lang, c in _blocks(body) if lang == "python"]
    assert len(code) >= 4
    script = "\n".join(code)
    proc = _run("python", script, tmp_path)
    assert proc.stderr.count("Traceback") == 0
    assert {p.name for p in (tmp_path / "figures-mine").iterdir()} == {
        "review_c2_rates.pdf", "review_c2_rates.png"}


@pytest.mark.parametrize("title", [WALKTHROUGH, "## Citing"])
def test_sections_exist(title: str) -> None:
    assert title in _sections()
