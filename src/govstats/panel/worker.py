"""Parsing the reports of a build: one compact record per file, written to the cache by a
worker process of its own, each parse bounded in time and memory; a worker that dies fails
only its file, and workers die with the build."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import GovstatsError
from ..limits import Limits, cap_address_space, current_limits
from .cache import transient_path
from .discover import ReportSource

__all__ = [
    "Launcher",
    "ParseTimeout",
    "Task",
    "clean_location",
    "failure_record",
    "parse_to_record",
    "run",
    "run_tasks",
    "time_limit",
    "work",
    "write_record",
]

# location keys kept in data/ (labels are dropped: in run-together text they carry prose)
_LOCATION_KEYS = ("table", "table_id", "page", "line", "path", "run", "split", "rule")


class ParseTimeout(GovstatsError, TimeoutError):
    """A report took longer than the build's per-report limit (recorded, never cached).  A
    :class:`TimeoutError`, so readers that turn the errors of their libraries into their own
    let it through."""


def clean_location(loc: dict[str, Any]) -> str:
    """A value's location as the compact JSON kept in data/ (codes and positions only)."""
    kept = {k: loc[k] for k in _LOCATION_KEYS if k in loc and loc[k] not in (None, "")}
    return json.dumps(kept, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def parse_to_record(
    path: str, timeout: float | None = None, limits: Limits | None = None,
    data: bytes | None = None,
) -> dict[str, Any]:
    """Parse one file into the compact record the panel needs (runs in a worker).

    ``timeout`` (seconds) bounds one parse where the platform has ``SIGALRM`` and this runs
    in a process's main thread (the build's workers do): a hostile file that would hang the
    PDF library is recorded as a failure instead of stalling the build.  A record marked
    ``transient`` (the time ran out, memory ran out) says nothing about the file itself: the
    build never caches it.  ``limits`` are the input limits (:mod:`govstats.limits`).
    ``data``: the file's bytes, when they were sent here (a cluster's worker); ``path`` then
    only names the file.
    """
    from .. import pipeline

    clock = _Clock()
    try:
        with time_limit(timeout, clock):
            rep = (pipeline.parse_report(data, path, limits=limits) if data is not None
                   else pipeline.parse_report(path, limits=limits))
    except Exception as exc:  # a bad input is recorded, never a crash of the whole build
        if clock.expired and not isinstance(exc, ParseTimeout):
            # a reader turned the timeout into its own error: it is still the timeout
            exc = ParseTimeout(f"parsing took longer than {timeout:g} s")
        return failure_record(f"{type(exc).__name__}: {exc}",
                              transient=isinstance(exc, ParseTimeout | MemoryError))
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
        # readings the table's identities leave open (the resolved layer settles some)
        "candidates": [c.to_dict() for c in rep.candidates_list],
    }


def failure_record(error: str, *, transient: bool = False) -> dict[str, Any]:
    """The record of a file that gave no report: ``error`` on one line; a ``transient``
    failure (time, memory, a dead worker) is never cached."""
    rec: dict[str, Any] = {"error": " ".join(error.split("\n")), "values": [], "meta": {},
                           "issues": {}, "findings": []}  # fmt: skip
    if transient:
        rec["transient"] = True
    return rec


class _Clock:
    """Whether the time limit of a parse ran out (even where a reader caught the error)."""

    expired = False


@contextlib.contextmanager
def time_limit(seconds: float | None, clock: _Clock | None = None) -> Iterator[None]:
    """Raise :class:`ParseTimeout` in the block after ``seconds`` (where ``SIGALRM`` exists and
    this is the main thread; otherwise no limit); ``clock.expired`` is set when it fires."""
    usable = (
        seconds
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def _expired(signum: int, frame: Any) -> None:
        if clock is not None:
            clock.expired = True
        raise ParseTimeout(f"parsing took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, _expired)
    signal.setitimer(signal.ITIMER_REAL, float(seconds))  # type: ignore[arg-type]
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def work(
    path: str, cache_file: str, timeout: float | None = None, limits: Limits | None = None
) -> str:
    """Parse ``path`` and write its record to ``cache_file`` (atomically); a transient
    failure (a timeout, memory) goes to a side file, so the next build tries again (and
    output never depends on how fast the machine was)."""
    rec = parse_to_record(path, timeout, limits)
    return write_record(Path(cache_file), rec)


def write_record(cache_file: Path, rec: dict[str, Any]) -> str:
    """Write a record: to ``cache_file``, or to its transient side file for a transient one
    (a stale side file is removed once the file has a real record)."""
    target = transient_path(cache_file) if rec.get("transient") else cache_file
    tmp = f"{target}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(rec, f, ensure_ascii=False, sort_keys=True)
    os.replace(tmp, target)
    if target == cache_file:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(transient_path(cache_file))
    return str(target)


# ------------------------------------------------------------------------ worker processes

#: seconds a worker is given past the parse's own time limit before it is killed (the
#: limit is a signal, which code stuck inside a C library does not see)
GRACE_SECONDS = 10.0
_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """End this worker when the build process ends: ``PR_SET_PDEATHSIG`` on Linux, and on
    every platform a thread that polls the parent's pid."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="govstats-parent-watch", daemon=True).start()


def _bound_resources(memory_bytes: int, cpu_seconds: float | None) -> None:
    """Cap this worker's address space and CPU time (where the platform has them)."""
    cap_address_space(memory_bytes)
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return
    if cpu_seconds:
        with contextlib.suppress(ValueError, OSError):
            used = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
            _, hard = resource.getrlimit(resource.RLIMIT_CPU)
            soft = int(used + cpu_seconds) + 1
            if hard != resource.RLIM_INFINITY:
                soft = min(soft, hard)
            resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


# A table in the 2021 form's layout (labels and zeros only), parsed once in the process that
# forks the workers, so that the catalogues, layouts, rules and readers are loaded there and
# every forked worker starts with them (else each worker would load them again: most of the
# time of a short report)
WARM_UP = """某市人民政府2021年政府信息公开工作年度报告
四、政府信息公开行政复议、行政诉讼情况
行政复议 行政诉讼
结果维持 结果纠正 其他结果 尚未审结 总计 未经复议直接起诉 复议后起诉
0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
"""
_warmed = False


def warm_up() -> None:
    """Load what a parse needs into this process, once: the parser, its readers' libraries,
    and the catalogues a first parse reads (by parsing :data:`WARM_UP`)."""
    global _warmed
    if _warmed:
        return
    _warmed = True
    import importlib

    for name in ("govstats.pipeline", "govstats.read.pdf", "govstats.read.docx",
                 "govstats.read.doc", "govstats.read.html", "govstats.read.text",
                 "govstats.read.markdown", "govstats.read.decode", "pdfplumber", "pypdfium2",
                 "docx", "charset_normalizer"):  # fmt: skip
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    parse_to_record("warm-up.txt", None, data=WARM_UP.encode("utf-8"))


def _child(parent: int, path: str, cache_file: str, timeout: float | None,
           limits: Limits) -> None:  # fmt: skip
    """The worker process of one file."""
    _die_with_parent(parent)
    _bound_resources(limits.memory_bytes, timeout + GRACE_SECONDS if timeout else None)
    work(path, cache_file, timeout, limits)


def _death(exitcode: int | None, limits: Limits) -> str:
    """Why a worker ended without writing its record, on one line."""
    if exitcode is not None and exitcode < 0:
        sig = -exitcode
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = f"signal {sig}"
        if sig == getattr(signal, "SIGXCPU", None):
            return f"WorkerDied: the worker ran out of CPU time ({name})"
        hint = " (killed from outside: out of memory?)" if name == "SIGKILL" else ""
        return f"WorkerDied: the worker parsing this file was ended by {name}{hint}"
    return (f"WorkerDied: the worker parsing this file exited with status {exitcode} "
            f"(memory limit memory_bytes={limits.memory_bytes:,}?)")  # fmt: skip


@dataclass
class _Running:
    proc: Any  # multiprocessing.Process
    cache_file: Path
    started: float


#: one file to parse: (report id, the file's path, its cache file)
Task = tuple[str, str, str]


def run(
    todo: list[ReportSource],
    cache_files: Mapping[str, Path],
    jobs: int | None,
    progress: bool,
    timeout: float | None = None,
    limits: Limits | None = None,
) -> None:
    """Parse ``todo`` into their cache files, each in a worker process of its own, ``jobs``
    at a time (default: the CPUs); see :func:`run_tasks`."""
    if _can_fork() and todo:
        warm_up()
    tasks = ((s.report_id, s.file, str(cache_files[s.report_id])) for s in todo)
    run_tasks(tasks, len(todo), jobs, progress, timeout, limits)


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def run_tasks(
    tasks: Iterator[Task],
    total: int,
    jobs: int | None,
    progress: bool,
    timeout: float | None = None,
    limits: Limits | None = None,
) -> None:
    """Parse ``tasks`` (``total`` of them, taken from the iterator only as workers free up)
    into their cache files, each in a worker process of its own, ``jobs`` at a time.

    A worker is bounded in memory (``limits.memory_bytes``, its address space) and time
    (``timeout`` as a signal inside it, then ``GRACE_SECONDS`` more before it is killed; its
    CPU time likewise).  A worker that dies or is killed fails only its file: a transient
    record says why, so the file is listed as failed and parsed again by the next build.
    Workers end with the build: they watch their parent and die with it.
    """
    import multiprocessing
    from multiprocessing.connection import wait

    from tqdm import tqdm

    limits = limits or current_limits()
    jobs = max(1, jobs or os.cpu_count() or 1)
    ctx = multiprocessing.get_context("fork" if _can_fork() else "spawn")
    parent = os.getpid()
    pending = iter(tasks)
    more = True
    running: dict[int, _Running] = {}  # sentinel → worker
    bar = tqdm(total=total, desc="parsing", unit="report", file=sys.stderr,
               disable=not progress or not total)  # fmt: skip
    try:
        while more or running:
            while more and len(running) < jobs:
                task = next(pending, None)
                if task is None:
                    more = False
                    break
                name, path, cache_file = task
                proc = ctx.Process(
                    target=_child, name=f"govstats-parse-{name}",
                    args=(parent, path, cache_file, timeout, limits), daemon=True,
                )  # fmt: skip
                proc.start()
                running[proc.sentinel] = _Running(proc, Path(cache_file), time.monotonic())
            if not running:
                continue
            for sentinel in wait(list(running), timeout=0.5):
                w = running.pop(sentinel)  # type: ignore[call-overload]
                w.proc.join()
                if w.proc.exitcode != 0 or not (
                    w.cache_file.is_file() or transient_path(w.cache_file).is_file()
                ):
                    write_record(w.cache_file, failure_record(
                        _death(w.proc.exitcode, limits), transient=True))  # fmt: skip
                bar.update()
            if timeout:
                now = time.monotonic()
                for sentinel, w in list(running.items()):
                    if now - w.started > timeout + GRACE_SECONDS:
                        w.proc.kill()
                        w.proc.join()
                        del running[sentinel]
                        write_record(w.cache_file, failure_record(
                            f"ParseTimeout: parsing took longer than {timeout:g} s "
                            "(the worker was killed)", transient=True))  # fmt: skip
                        bar.update()
    finally:
        for w in running.values():  # interrupted: leave no worker behind
            w.proc.kill()
            w.proc.join()
        bar.close()


# ------------------------------------------------------------------------------ launcher


class Launcher:
    """The process that forks a build's workers, itself forked when the build starts, before
    it looks for files.

    A forked worker starts with a copy of its parent's memory.  The building process holds
    a few hundred bytes per report (the list of files, their hashes), so workers forked from
    it would grow with the size of the build; forked from the launcher, which holds only what
    the build held before it began, they start equally small for 100 reports or a million.
    The build sends the files to parse through a pipe, one at a time as the launcher asks
    for them (a full pipe makes the build wait), then waits for the launcher to finish.
    Everything inherited by fork (the limits in force, the environment) reaches the workers
    as before.  :meth:`close` ends the launcher and its workers if they are still running.
    """

    def __init__(self, jobs: int | None, progress: bool, timeout: float | None,
                 limits: Limits) -> None:  # fmt: skip
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        receive, self._send = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(
            target=_launch, name="govstats-launcher",
            args=(os.getpid(), receive, jobs, progress, timeout, limits),
        )  # fmt: skip
        self._proc.start()
        receive.close()

    @staticmethod
    def usable() -> bool:
        """Whether workers can be forked here (not on Windows)."""
        return _can_fork()

    def run(self, tasks: Iterable[Task], total: int) -> None:
        """Have ``tasks`` (``total`` of them) parsed; returns when every one has its record."""
        try:
            self._send.send(total)
            for task in tasks:
                self._send.send(task)
            self._send.send(None)
        except OSError:  # the launcher is gone: its exit status says why, below
            pass
        self._send.close()
        self._proc.join()
        if self._proc.exitcode != 0:
            raise GovstatsError(
                f"the process that starts the parse workers ended with status "
                f"{self._proc.exitcode}: run the build again (the files parsed are cached)"
            )

    def close(self) -> None:
        """End the launcher (and so its workers) if it is still running."""
        self._send.close()
        if self._proc.is_alive():
            self._proc.kill()
        self._proc.join()


def _launch(parent: int, receive: Any, jobs: int | None, progress: bool,
            timeout: float | None, limits: Limits) -> None:  # fmt: skip
    """The launcher's body: take the number of files, then the files, and parse them."""
    _die_with_parent(parent)
    try:
        total = receive.recv()
    except EOFError:  # the build ended before it had files to parse
        return
    if not total:
        return

    def tasks() -> Iterator[Task]:
        while (task := receive.recv()) is not None:
            yield task

    warm_up()
    run_tasks(tasks(), total, jobs, progress, timeout, limits)
