"""Parsing the reports of a build: one compact record per file, written to the cache by a
worker process, each parse bounded by a time limit."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from ..errors import GovstatsError
from .cache import transient_path
from .discover import ReportSource

__all__ = ["ParseTimeout", "clean_location", "parse_to_record", "run", "time_limit", "work"]

# location keys kept in data/ (labels are dropped: in run-together text they carry prose)
_LOCATION_KEYS = ("table", "table_id", "page", "line", "path", "run", "split", "rule")


class ParseTimeout(GovstatsError):
    """A report took longer than the build's per-report limit (recorded, never cached)."""


def clean_location(loc: dict[str, Any]) -> str:
    """A value's location as the compact JSON kept in data/ (codes and positions only)."""
    kept = {k: loc[k] for k in _LOCATION_KEYS if k in loc and loc[k] not in (None, "")}
    return json.dumps(kept, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def parse_to_record(path: str, timeout: float | None = None) -> dict[str, Any]:
    """Parse one file into the compact record the panel needs (runs in a worker).

    ``timeout`` (seconds) bounds one parse where the platform has ``SIGALRM`` and this runs
    in a process's main thread (the build's workers do): a hostile file that would hang the
    PDF library is recorded as a failure instead of stalling the build.
    """
    from ..pipeline import parse_report

    try:
        with time_limit(timeout):
            rep = parse_report(path)
    except ParseTimeout as exc:
        return {"error": f"ParseTimeout: {exc}", "transient": True, "values": [], "meta": {},
                "issues": {}, "findings": []}  # fmt: skip
    except Exception as exc:  # a bad input is recorded, never a crash of the whole build
        return {"error": f"{type(exc).__name__}: {exc}", "values": [], "meta": {}, "issues": {},
                "findings": []}  # fmt: skip
    from ..check.coverage import failed_checks, join_checks

    sev: dict[str, int] = {}
    for f in rep.issues:
        sev[f.severity] = sev.get(f.severity, 0) + 1
    failed = failed_checks(rep)
    m = rep.meta
    return {
        "error": None,
        "kind": rep.source.get("kind"),
        "meta": {
            k: m.get(k)
            for k in (
                "jurisdiction", "jurisdiction_normalized", "parent", "year", "regime", "level",
                "province", "admin_code", "scope", "reader",
            )
        },
        "issues": sev,
        "findings": [
            {
                "rule": f.rule,
                "severity": f.severity,
                "indicators": " ".join(f.indicators),
                # figures and form labels only: messages (which may quote prose) stay out
                "expected": (f.expected or "")[:200],
                "found": (f.found or "")[:200],
                "where": "; ".join(
                    clean_location(c) for c in f.cells[:8] if isinstance(c, dict)
                ),
            }
            for f in rep.issues
        ],
        "values": [
            {
                "indicator": v.indicator,
                "applicant": v.applicant,
                "value": v.value,
                "unit": v.unit,
                "derived": v.derived,
                "location": clean_location(v.location),
                "checks": join_checks(failed.get((v.indicator, v.applicant), ())),
            }
            for v in rep.value_list
        ],
    }


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`ParseTimeout` in the block after ``seconds`` (where ``SIGALRM`` exists and
    this is the main thread; otherwise no limit)."""
    usable = (
        seconds
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def _expired(signum: int, frame: Any) -> None:
        raise ParseTimeout(f"parsing took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, _expired)
    signal.setitimer(signal.ITIMER_REAL, float(seconds))  # type: ignore[arg-type]
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def work(path: str, cache_file: str, timeout: float | None = None) -> str:
    """Worker: parse ``path`` and write its record to ``cache_file`` (atomically); a timed-out
    parse goes to a side file, so the next build tries again (and output never depends on
    how fast the machine was)."""
    rec = parse_to_record(path, timeout)
    if rec.get("transient"):
        cache_file = str(transient_path(Path(cache_file)))
    tmp = f"{cache_file}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(rec, f, ensure_ascii=False, sort_keys=True)
    os.replace(tmp, cache_file)
    return cache_file


def run(
    todo: list[ReportSource],
    cache_files: dict[str, Path],
    jobs: int | None,
    progress: bool,
    timeout: float | None = None,
) -> None:
    """Parse ``todo`` into their cache files: in ``jobs`` processes (1 = in this process)."""
    from tqdm import tqdm

    bar = tqdm(total=len(todo), desc="parsing", unit="report", file=sys.stderr,
               disable=not progress or not todo)  # fmt: skip
    try:
        if jobs == 1 or len(todo) <= 1:
            for s in todo:
                work(str(s.path), str(cache_files[s.report_id]), timeout)
                bar.update()
            return
        with ProcessPoolExecutor(max_workers=jobs) as ex:
            futures = [
                ex.submit(work, str(s.path), str(cache_files[s.report_id]), timeout)
                for s in todo
            ]
            for fut in as_completed(futures):
                fut.result()
                bar.update()
    finally:
        bar.close()
