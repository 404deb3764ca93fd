"""JupyterLab after the README's setup: it starts, lists the notebooks as notebooks (the
percent files, through jupytext) and opens one with its cells; in the venv `make setup`
made, a double click opens a notebook as a notebook (the default viewer of Python files)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
pytest.importorskip("jupyterlab", reason="JupyterLab comes with the notebooks extra")
TOKEN = "govstats-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    runtime = tmp_path_factory.mktemp("jupyter-runtime")
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
           "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={TOKEN}",
           f"--ServerApp.root_dir={REPO}"]
    if hasattr(os, "getuid") and os.getuid() == 0:
        cmd.append("--allow-root")  # as `make lab` does
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(runtime)}
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            if proc.poll() is not None:
                pytest.fail(f"jupyter lab exited: {proc.stderr.read()[-2000:]}")
            try:
                urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("jupyter lab did not answer within 60 s")
        yield base
    finally:
        proc.terminate()
        try:
            proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def _get(base: str, path: str) -> object:
    sep = "&" if "?" in path else "?"
    with urllib.request.urlopen(f"{base}{path}{sep}token={TOKEN}", timeout=30) as r:
        return json.load(r)


def test_lab_lists_the_notebooks_as_notebooks(lab: str) -> None:
    listing = _get(lab, "/api/contents/notebooks")
    kinds = {c["name"]: c["type"] for c in listing["content"]}  # type: ignore[index]
    stems = sorted(p.name for p in (REPO / "notebooks").glob("[0-9][0-9]_*.py"))
    assert len(stems) == 4
    assert {s: kinds.get(s) for s in stems} == dict.fromkeys(stems, "notebook")
    with urllib.request.urlopen(f"{lab}/lab?token={TOKEN}", timeout=30) as r:
        assert r.status == 200


def test_a_notebook_opens_with_its_cells(lab: str) -> None:
    nb = _get(lab, f"/api/contents/notebooks/{'01_load_validate_coverage.py'}"
                   "?type=notebook&content=1")
    cells = nb["content"]["cells"]  # type: ignore[index]
    assert cells[0]["cell_type"] == "markdown" and "01 · Load" in cells[0]["source"]
    assert any("parameters" in c.get("metadata", {}).get("tags", []) for c in cells)


def test_python_files_open_as_notebooks_in_the_setup_venv(lab: str) -> None:
    if not (Path(sys.prefix) / ".installed-stamp").is_file():
        pytest.skip("not the venv of `make setup` (which sets JupyterLab's default viewer)")
    plugin = _get(lab, "/lab/api/settings/@jupyterlab/docmanager-extension:plugin")
    default = plugin["schema"]["properties"]["defaultViewers"]["default"]  # type: ignore[index]
    assert default.get("python") == "Jupytext Notebook"
