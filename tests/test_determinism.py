"""Parsing is a pure function of the input bytes: the same file gives the same JSON in every
process, whatever Python's string-hash seed (set and dict orders must never leak out)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .conftest import EXAMPLES
from .renderers import form_html, form_markdown
from .test_redteam import form, spans_html

SCRIPT = (
    "import sys, govstats\n"
    "for p in sys.argv[1:]:\n"
    "    print(govstats.parse_report(p).to_json())\n"
)


def _parse_in_process(paths: list[Path], seed: int) -> str:
    env = {**os.environ, "PYTHONHASHSEED": str(seed)}
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, *map(str, paths)],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    return out.stdout


def test_same_output_under_every_hash_seed(tmp_path: Path) -> None:
    rep = form("R3")
    files = {
        "expanded.html": spans_html(rep, expand=True),
        "form.html": form_html(form("R2")),
        "form.md": form_markdown(rep).encode("utf-8"),
    }
    paths = sorted(EXAMPLES.glob("*.txt"))
    for name, data in files.items():
        (tmp_path / name).write_bytes(data if isinstance(data, bytes) else data.encode())
        paths.append(tmp_path / name)
    outputs = {_parse_in_process(paths, seed) for seed in (1, 2, 3, 4)}
    assert len(outputs) == 1
    assert outputs.pop().count("\n") == len(paths)
