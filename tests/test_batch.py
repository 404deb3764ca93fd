"""A build survives its workers and its own death: a killed worker fails only its report
(recorded with the reason, not cached, parsed again by the next build), a worker over its
memory bound likewise, the workers die with the build, an interrupted publishing never
loads, and every rebuild gives the bytes of an uninterrupted build."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

import govstats.pipeline as pipeline_module
from govstats.errors import GovstatsError
from govstats.limits import Limits
from govstats.panel import build_panel, load_panel
from govstats.panel import writers as writers_module
from govstats.panel.worker import parse_to_record

from .own_reports import write_own_reports

REPO = Path(__file__).resolve().parents[1]
OUT_FILES = (
    "panel/_manifest.json", "panel.csv.gz", "reports.csv", "sources.csv", "findings.csv",
    "datapackage.json",
)  # fmt: skip
VICTIM = "huzhou-hbj-2017"


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_own_reports(tmp_path_factory.mktemp("batch") / "reports")


@pytest.fixture(scope="module")
def clean(source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An uninterrupted build: the bytes every other build must give."""
    out = tmp_path_factory.mktemp("clean") / "out"
    summary = build_panel(source, out, jobs=2, progress=False, use_cache=False)
    assert not summary.failed, summary
    return out


def _same_outputs(a: Path, b: Path) -> None:
    for name in OUT_FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    for p in sorted((a / "panel").rglob("*.parquet")):  # the dataset's files, as listed
        assert p.read_bytes() == (b / p.relative_to(a)).read_bytes(), p.relative_to(a)
    assert sorted(p.relative_to(b) for p in (b / "panel").rglob("*.parquet")) == sorted(
        p.relative_to(a) for p in (a / "panel").rglob("*.parquet"))


def _reports(out: Path) -> dict[str, dict[str, str]]:
    import csv

    with (out / "reports.csv").open(encoding="utf-8") as f:
        return {r["report_id"]: r for r in csv.DictReader(f)}


def _cache_records(out: Path) -> list[Path]:
    return sorted(out.glob(".cache/parse-*/*.json"))


def test_a_killed_worker_fails_only_its_report(
    source: Path, clean: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = pipeline_module.parse_report

    def killed(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if VICTIM in str(path):
            os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer would
        return real(path, *args, **kwargs)

    monkeypatch.setattr(pipeline_module, "parse_report", killed)
    out = tmp_path / "out"
    summary = build_panel(source, out, jobs=2, progress=False)
    assert [rid for rid, _ in summary.failed] == [VICTIM]
    assert "WorkerDied" in summary.failed[0][1] and "SIGKILL" in summary.failed[0][1]
    reports = _reports(out)
    assert reports[VICTIM]["status"] == "error"
    assert reports[VICTIM]["parse_error"].startswith("WorkerDied")
    assert all(r["parse_error"] == "" for k, r in reports.items() if k != VICTIM)
    assert len(_cache_records(out)) == 4  # the dead worker's report is not cached
    monkeypatch.setattr(pipeline_module, "parse_report", real)
    again = build_panel(source, out, jobs=2, progress=False)
    assert (again.parsed, again.cached, again.failed) == (1, 4, [])
    _same_outputs(out, clean)


def test_a_worker_over_its_memory_bound_fails_only_its_report(
    source: Path, clean: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = pipeline_module.parse_report

    def greedy(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if VICTIM in str(path):
            hog = bytearray(600 << 20)  # more than the bound below
            hog[-1] = 1
        return real(path, *args, **kwargs)

    monkeypatch.setattr(pipeline_module, "parse_report", greedy)
    out = tmp_path / "out"
    limits = Limits(memory_bytes=300 << 20)
    summary = build_panel(source, out, jobs=1, progress=False, limits=limits)
    assert [rid for rid, _ in summary.failed] == [VICTIM]
    assert summary.failed[0][1].startswith(("MemoryError", "WorkerDied"))
    monkeypatch.setattr(pipeline_module, "parse_report", real)
    again = build_panel(source, out, jobs=1, progress=False, limits=limits)
    assert (again.parsed, again.failed) == (1, [])
    _same_outputs(out, clean)


def test_a_timeout_a_reader_swallows_is_still_a_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """python-docx's errors are turned into UnreadableInput by a broad except: the timeout
    must not become "cannot open the DOCX package" (which would be cached)."""
    import docx

    from .hostile_files import build

    name, data = build("billion_laughs")
    path = tmp_path / name
    path.write_bytes(data)

    def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            time.sleep(5)
        except BaseException as exc:  # a library that wraps whatever it meets
            raise ValueError("broken package") from exc

    monkeypatch.setattr(docx, "Document", slow)
    rec = parse_to_record(str(path), timeout=0.3)
    assert rec["transient"] is True
    assert rec["error"].startswith("ParseTimeout")


def test_an_interrupted_publishing_never_loads(
    source: Path, clean: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    build_panel(source, out, jobs=2, progress=False)
    calls = {"n": 0}
    real_replace = os.replace

    def dies_midway(a, b):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if str(b).endswith("reports.csv") and calls["n"] > 1:
            raise KeyboardInterrupt  # the build is stopped among its renames
        return real_replace(a, b)

    monkeypatch.setattr(writers_module.os, "replace", dies_midway)
    with pytest.raises(KeyboardInterrupt):
        build_panel(source, out, jobs=2, progress=False)
    monkeypatch.setattr(writers_module.os, "replace", real_replace)
    with pytest.raises(GovstatsError, match="incomplete"):
        load_panel(out)
    build_panel(source, out, jobs=2, progress=False)
    assert len(load_panel(out)) == len(load_panel(clean))
    _same_outputs(out, clean)
    assert not list(out.glob(".*.tmp"))


_PARENT = textwrap.dedent("""
    import sys, time
    import govstats.pipeline as p
    from govstats.panel import build_panel
    real = p.parse_report
    def slow(path, *a, **k):
        time.sleep(60)  # every worker is busy when the build is killed
        return real(path, *a, **k)
    p.parse_report = slow
    build_panel(sys.argv[1], sys.argv[2], jobs=2, progress=False)
""")


def test_killing_the_build_ends_its_workers_and_a_rebuild_is_identical(
    source: Path, clean: Path, tmp_path: Path
) -> None:
    psutil = pytest.importorskip("psutil")
    out = tmp_path / "out"
    parent = subprocess.Popen([sys.executable, "-c", _PARENT, str(source), str(out)],
                              cwd=REPO)  # fmt: skip
    proc = psutil.Process(parent.pid)
    workers: list = []
    for _ in range(600):  # until both workers run (at most a minute)
        workers = proc.children(recursive=True)
        if len(workers) >= 2:
            break
        time.sleep(0.1)
    assert len(workers) >= 2, "the build started no workers"
    parent.kill()
    parent.wait()
    _, alive = psutil.wait_procs(workers, timeout=30)
    assert not alive, f"workers left behind: {[p.pid for p in alive]}"
    assert not (out / "reports.csv").exists()  # nothing was published
    summary = build_panel(source, out, jobs=2, progress=False)
    assert not summary.failed
    _same_outputs(out, clean)
    cached = _cache_records(out)
    assert cached and all(json.loads(p.read_text("utf-8"))["error"] is None for p in cached)


_VICTIM_SLOW = textwrap.dedent("""
    import json, sys, time
    import govstats.pipeline as p
    from govstats.panel import build_panel
    real = p.parse_report
    def slow(path, *a, **k):
        if sys.argv[3] in str(path):
            time.sleep(120)  # killed from outside long before
        return real(path, *a, **k)
    p.parse_report = slow
    s = build_panel(sys.argv[1], sys.argv[2], jobs=2, progress=False)
    print(json.dumps(s.failed))
""")


def _leaf(psutil: Any, process: Any) -> bool:
    """Whether ``process`` is alive and has no children."""
    try:
        return not process.children()
    except psutil.NoSuchProcess:
        return False


def test_a_worker_killed_from_outside_fails_only_its_report(
    source: Path, clean: Path, tmp_path: Path
) -> None:
    psutil = pytest.importorskip("psutil")
    out = tmp_path / "out"
    build = subprocess.Popen(
        [sys.executable, "-c", _VICTIM_SLOW, str(source), str(out), VICTIM], cwd=REPO,
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    proc = psutil.Process(build.pid)
    victim = None
    for _ in range(1200):  # until only the slow report's worker is left (at most two minutes)
        # the parse workers: the build's descendants with no children of their own (the
        # build forks a launcher, which forks them)
        kids = [k for k in proc.children(recursive=True) if _leaf(psutil, k)]
        if len(kids) == 1 and len(_cache_records(out)) == 4:
            victim = kids[0]
            break
        time.sleep(0.1)
    assert victim is not None, "the other reports were not parsed"
    victim.kill()  # as the OOM killer would
    stdout, _ = build.communicate(timeout=120)
    failed = json.loads(stdout.strip().splitlines()[-1])
    assert [rid for rid, _ in failed] == [VICTIM] and "SIGKILL" in failed[0][1]
    again = build_panel(source, out, jobs=2, progress=False)
    assert (again.parsed, again.failed) == (1, [])
    _same_outputs(out, clean)


_SEEN: dict[str, int] = {}  # what the build process made after it started (see below)


def test_workers_start_without_the_build_s_file_list(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A parse worker is forked from the launcher, which the build forks before it looks for
    files: so nothing the build holds per report (here a mark set when discovery ends) is in
    a worker's memory, and a worker's size does not grow with the build.  Workers forked by
    the building process itself (``run``, the path without a launcher) do see the mark: the
    test can tell the two apart."""
    import govstats.panel.build as build_module
    import govstats.panel.worker as worker_module

    seen = tmp_path / "seen"
    seen.mkdir()
    real_discover, real_record = build_module.discover, worker_module.parse_to_record

    def discover(*args, **kwargs):  # type: ignore[no-untyped-def]
        found = real_discover(*args, **kwargs)
        _SEEN["found"] = len(found)
        return found

    def record(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        (seen / f"{os.getpid()}").write_text(str(_SEEN.get("found")), encoding="utf-8")
        return real_record(path, *args, **kwargs)

    monkeypatch.setattr(build_module, "discover", discover)
    monkeypatch.setattr(worker_module, "parse_to_record", record)
    monkeypatch.setattr(worker_module, "_warmed", True)  # every call here is a real parse
    try:
        summary = build_panel(source, tmp_path / "out", jobs=2, progress=False,
                              use_cache=False)  # fmt: skip
        marks = [p.read_text(encoding="utf-8") for p in seen.iterdir()]
        assert not summary.failed and len(marks) == summary.reports == 5
        assert set(marks) == {"None"}  # no worker had the mark
        # the control: workers forked by the building process have it
        for p in seen.iterdir():
            p.unlink()
        found = real_discover([source])
        cache = tmp_path / "cache"
        cache.mkdir()
        worker_module.run(found, {s.report_id: cache / f"{s.report_id}.json" for s in found},
                          2, False)  # fmt: skip
        assert {p.read_text(encoding="utf-8") for p in seen.iterdir()} == {"5"}
    finally:
        _SEEN.clear()
