"""Parsing a build's reports on a Dask cluster (``govstats build --engine dask``).

The same parse task as the local engine (:func:`govstats.panel.worker.parse_to_record`) runs
on the cluster's workers; the file's bytes travel with the task, so workers need no access to
the build's folders, and the records come back to this process, which writes them to the
build's cache exactly as the local engine does — the outputs are byte-identical.  At most a
few tasks per worker are in flight at a time, so the memory of this process does not grow
with the number of reports.  Each parse is bounded by ``timeout`` in a forked child of the
worker (Dask runs tasks in threads, where no alarm can interrupt them); a worker the cluster
loses fails only the reports it held, recorded as failures that the next build retries.

Needs the ``dask`` extra (``pip install 'govstats[dask]'``: Dask distributed).
"""

from __future__ import annotations

import itertools
import json
import os
import select
import signal
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..errors import GovstatsError
from ..limits import Limits
from .discover import ReportSource
from .worker import parse_to_record, warm_up, write_record

__all__ = ["ENGINES", "parse_task", "run_dask"]

#: the engines of ``govstats build``
ENGINES = ("local", "dask")

# tasks in flight per worker: enough to keep each busy, few enough to bound memory
_IN_FLIGHT = 4


def _failure(error: str) -> dict[str, Any]:
    return {"error": error, "transient": True, "values": [], "meta": {}, "issues": {},
            "findings": []}


def parse_task(data: bytes, filename: str, timeout: float | None,
               limits: Limits | None = None) -> dict[str, Any]:
    """One report's record from its bytes (runs on a Dask worker), under the build's input
    ``limits``.  With ``timeout`` and ``os.fork`` the parse runs in a child process that is
    killed after ``timeout`` seconds (a transient failure: never cached)."""
    if not timeout or not hasattr(os, "fork"):
        return parse_to_record(filename, None, limits, data=data)
    warm_up()
    return _in_child(lambda: parse_to_record(filename, None, limits, data=data), timeout)


def _in_child(job: Callable[[], dict[str, Any]], timeout: float) -> dict[str, Any]:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run, send the record as JSON, leave without cleanup
        os.close(read_end)
        code = 0
        try:
            payload = json.dumps(job(), ensure_ascii=False).encode("utf-8")
        except BaseException as exc:  # any failure is reported to the parent as the record
            payload = json.dumps(_failure(f"{type(exc).__name__}: {exc}")).encode("utf-8")
            code = 1
        try:
            with os.fdopen(write_end, "wb") as f:
                f.write(payload)
        finally:
            os._exit(code)
    os.close(write_end)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    timed_out = False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([read_end], [], [], left)[0]:
                timed_out = True
                break
            chunk = os.read(read_end, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_end)
        if timed_out:
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    if timed_out:
        return _failure(f"ParseTimeout: parsing took longer than {timeout:g} s")
    if not chunks:
        return _failure(f"WorkerError: the parse ended without a result (status {status})")
    return json.loads(b"".join(chunks).decode("utf-8"))


def run_dask(
    todo: list[ReportSource],
    cache_files: Mapping[str, Any],
    *,
    scheduler: str | None,
    jobs: int | None,
    progress: bool,
    timeout: float | None,
    limits: Limits | None = None,
) -> None:
    """Parse ``todo`` on a Dask cluster into their cache files, under the input ``limits``.
    ``scheduler``: the address of a running scheduler (``tcp://host:8786``); None starts a
    local cluster of ``jobs`` worker processes (default 2) for this build."""
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError as exc:
        raise GovstatsError(
            "the dask engine needs Dask distributed: pip install 'govstats[dask]'"
        ) from exc
    from tqdm import tqdm

    if not todo:
        return
    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout="30s")
        else:
            cluster = LocalCluster(n_workers=jobs or 2, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            client = Client(cluster)
    except (OSError, TimeoutError) as exc:
        if cluster is not None:
            cluster.close()
        raise GovstatsError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from exc
    bar = tqdm(total=len(todo), desc="parsing (dask)", unit="report", file=sys.stderr,
               disable=not progress)
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        queue = iter(todo)
        owner: dict[str, ReportSource] = {}

        def submit(s: ReportSource) -> Any:
            fut = client.submit(parse_task, s.path.read_bytes(), str(s.path), timeout, limits,
                                pure=False, retries=0)
            owner[fut.key] = s
            return fut

        first = list(itertools.islice(queue, workers * _IN_FLIGHT))
        running = as_completed([submit(s) for s in first])
        for fut in running:
            s = owner.pop(fut.key)
            try:
                rec = fut.result()
            except Exception as exc:  # a lost worker, a task the cluster could not run
                rec = _failure(f"{type(exc).__name__}: {exc}")
            fut.release()
            write_record(Path(cache_files[s.report_id]), rec)
            bar.update()
            nxt = next(queue, None)
            if nxt is not None:
                running.add(submit(nxt))
    finally:
        bar.close()
        client.close()
        if cluster is not None:
            cluster.close()
