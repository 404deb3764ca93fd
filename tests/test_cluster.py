"""``govstats build --engine dask``: the same parse tasks on a Dask cluster (a local one of
two worker processes here) write the same store, byte for byte, as the local engine; a parse
over its time limit on a worker is a transient failure, never cached.  Skipped where the
``dask`` extra is absent (CI installs it)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from govstats.errors import GovstatsError
from govstats.panel import build_panel
from govstats.panel import cluster as cluster_mod

from .own_reports import write_own_reports

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "data" / "examples"


def _files(folder: Path) -> dict[str, bytes]:
    """Every file of a build (the dataset's files and manifest too), not its cache."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and ".cache" not in p.relative_to(folder).parts}


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    own = write_own_reports(tmp_path_factory.mktemp("own"))
    return [own, EXAMPLES]


@pytest.fixture(scope="module")
def local_store(sources: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("local")
    build_panel(sources, out, jobs=2, progress=False)
    return out


def test_a_local_two_worker_cluster_writes_the_same_store(
    sources: list[Path], local_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cluster_mod, "_IN_FLIGHT", 1)  # two tasks in flight: the queue refills
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cl:
        summary = build_panel(sources, tmp_path / "dask", engine="dask",
                              scheduler=cl.scheduler_address, progress=False)
        assert len(cl.scheduler_info["workers"]) == 2
    assert summary.parsed == summary.reports > 0
    got, want = _files(tmp_path / "dask"), _files(local_store)
    assert set(got) == set(want) and "resolved.csv" in got
    assert "panel/_manifest.json" in got and sum(n.endswith(".parquet") for n in got) >= 3
    for name in want:
        assert got[name] == want[name], name


def test_the_cli_starts_its_own_cluster_when_given_no_scheduler(
    sources: list[Path], local_store: Path, tmp_path: Path
) -> None:
    out = tmp_path / "cli"
    proc = subprocess.run(
        [sys.executable, "-m", "govstats.cli", "build", *map(str, sources), "--out", str(out),
         "--engine", "dask", "--jobs", "2"],
        capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "parsed 6, from cache 0" in proc.stderr
    assert _files(out) == _files(local_store)


def test_a_parse_over_its_limit_on_a_worker_is_a_transient_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The forked child is killed at the limit; the record says so and is marked transient
    (stored beside the cache, so the next build parses the file again)."""

    def slow(path: str, timeout: float | None = None, limits: object = None,
             data: bytes | None = None) -> dict:
        time.sleep(30)
        return {}

    cluster_mod.warm_up()  # in this process, as a worker does before its first task
    monkeypatch.setattr(cluster_mod, "parse_to_record", slow)
    start = time.monotonic()
    rec = cluster_mod.parse_task(b"x", "slow.txt", 0.5)
    assert time.monotonic() - start < 10
    assert rec["transient"] is True and rec["error"].startswith("ParseTimeout")
    monkeypatch.undo()
    seed = (EXAMPLES / "linyi-2017-table.txt").read_bytes()
    ok = cluster_mod.parse_task(seed, "linyi-2017-table.txt", 60)
    direct = cluster_mod.parse_to_record(str(EXAMPLES / "linyi-2017-table.txt"))
    assert ok == direct and ok["error"] is None and len(ok["values"]) > 70


def test_an_unreachable_scheduler_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.txt").write_bytes((EXAMPLES / "linyi-2017-table.txt").read_bytes())
    with pytest.raises(GovstatsError, match="cannot reach the Dask scheduler"):
        build_panel(tmp_path / "src", tmp_path / "out", engine="dask",
                    scheduler="tcp://127.0.0.1:9", progress=False)
    with pytest.raises(GovstatsError, match="unknown engine"):
        build_panel(tmp_path / "src", tmp_path / "out", engine="spark", progress=False)
