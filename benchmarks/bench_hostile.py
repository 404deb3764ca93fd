"""Hostile inputs at the sizes of the issue: outcome, wall time and peak memory per case.

Each case of ``tests/hostile_files.py`` is generated at its full size (``--small`` for the
test suite's sizes) into a temporary folder and parsed in a fresh Python process under the
default limits.  Per case the script prints the outcome (the typed error's class and
message, or the number of values read), the wall seconds and the child's peak RSS (from
``os.wait4``'s resource usage).  A child is stopped after ``--timeout`` seconds and capped
at ``--cap-gb`` GB of address space so a case that runs away cannot take the machine down
(``KILLED``/``MemoryError`` then stands for an unbounded case).

    .venv/bin/python benchmarks/bench_hostile.py [--small] [--only CASE ...]
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.hostile_files import CASES  # noqa: E402

_CHILD = r"""
import sys
from govstats.errors import GovstatsError
from govstats.pipeline import parse_report
try:
    rep = parse_report(sys.argv[1])
except GovstatsError as exc:
    msg = str(exc)
    print(f"{type(exc).__name__}: {msg[:150]}" + (" [multi-line]" if "\n" in msg else ""))
else:
    print(f"result: {len(rep.value_list)} values, {len(rep.issues)} findings")
"""


def run_case(path: Path, timeout: float, cap_gb: float) -> tuple[str, float, float]:
    def limit() -> None:
        cap = int(cap_gb * (1 << 30))
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=limit, text=True,
    )  # fmt: skip
    killed = False
    deadline = t0 + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            os.kill(proc.pid, signal.SIGKILL)
            killed = True
        time.sleep(0.05)
    wall = time.perf_counter() - t0
    out = proc.stdout.read().strip() if proc.stdout else ""
    err = proc.stderr.read().strip() if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if killed:
        outcome = f"KILLED after {timeout:g} s"
    elif out:
        outcome = out
    else:
        last = err.splitlines()[-1] if err else f"exit {proc.returncode}"
        outcome = f"crash: {last[:150]}"
    rss_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    return outcome, wall, rss_mb


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", action="store_true", help="the test suite's sizes")
    ap.add_argument("--only", nargs="*", help="case names")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--cap-gb", type=float, default=3.0)
    args = ap.parse_args()
    names = args.only or list(CASES)
    print(f"{'case':<20} {'size':>9} {'bytes':>11} {'wall s':>7} {'peak MB':>8}  outcome")
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
        for name in names:
            case = CASES[name]
            size = case.small if args.small else case.full
            fname, data = case.build(size)
            path = Path(tmp) / fname
            path.write_bytes(data)
            del data
            outcome, wall, rss = run_case(path, args.timeout, args.cap_gb)
            print(f"{name:<20} {size:>9} {path.stat().st_size:>11} {wall:>7.2f} {rss:>8.0f}  "
                  f"{outcome}", flush=True)  # fmt: skip
            path.unlink()


if __name__ == "__main__":
    main()
