"""Build cost against the number of reports: CPU per report and peak memory.

Run: .venv/bin/python benchmarks/bench_build.py [--sizes 156 1560 7800] [--jobs 2] [--keep DIR]

Makes N unique copies of the development corpus's text reports (../shared/corpus/*/report.txt;
each copy gets a line of its own at the end, so its sha256 and cache entry are its own), then
for each N, in a fresh process:
  * a full build (``govstats build --jobs J``): CPU seconds per report of the building process
    and of its workers, wall time, and the peak resident memory of the building process and of
    the largest child process (the launcher that forks the workers, or a worker);
  * a cached rebuild (nothing changed) and a rebuild with 1 % of the files changed.
Prints one line per run and, at the end, the ratios the scale targets speak of: CPU per report
at the largest N over the middle one, peak memory of the building process at the largest N
over the smallest; then ``load_panel`` on the store of the largest build (the Parquet dataset
partitioned by year and province): whole, and with filters on the partition keys (files read
against files in the manifest).  Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"

_CHILD = r"""
import json, resource, sys, time
from govstats.panel import build_panel
src, out, jobs = sys.argv[1], sys.argv[2], int(sys.argv[3])
t0 = time.perf_counter()
s = build_panel(src, out, jobs=jobs, progress=False)
wall = time.perf_counter() - t0
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"reports": s.reports, "parsed": s.parsed, "wall": wall,
                  "cpu_main": me.ru_utime + me.ru_stime,
                  "cpu_workers": kids.ru_utime + kids.ru_stime,
                  "rss_main_mb": me.ru_maxrss / 1024, "rss_worker_mb": kids.ru_maxrss / 1024}))
"""


def _texts() -> list[tuple[str, bytes]]:
    files = sorted(CORPUS.glob("*/report.txt"))
    if not files:
        sys.exit(f"no report.txt under {CORPUS}: the benchmark needs the development corpus")
    return [(p.parent.name, p.read_bytes()) for p in files]


def _copy_line(k: int) -> bytes:
    return f"\n（副本 {k}）\n".encode()


def make_copies(n: int, folder: Path) -> None:
    texts = _texts()
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(n):
        name, data = texts[k % len(texts)]
        (folder / f"{name}-copy{k:06d}.txt").write_bytes(data + _copy_line(k))


def _build(src: Path, out: Path, jobs: int) -> dict[str, float]:
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(src), str(out), str(jobs)],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _line(label: str, n: int, r: dict[str, float]) -> str:
    cpu = r["cpu_main"] + r["cpu_workers"]
    return (f"{label:<22} N={n:>6}  parsed {int(r['parsed']):>6}  wall {r['wall']:7.1f} s  "
            f"CPU/report {1000 * cpu / n:6.1f} ms (main {1000 * r['cpu_main'] / n:5.1f}, "
            f"workers {1000 * r['cpu_workers'] / n:5.1f})  peak RSS main "
            f"{r['rss_main_mb']:6.0f} MB, largest child {r['rss_worker_mb']:6.0f} MB")


_LOAD = r"""
import json, sys, time
import pyarrow.dataset as pds
from govstats import load_panel
from govstats.panel.load import _expression
from govstats.panel.store import open_dataset, read_manifest
out = sys.argv[1]
m = read_manifest(__import__("pathlib").Path(out) / "panel")
rows = []
for name, kw in (("whole, validated", {}), ("whole, validate=False", {"validate": False}),
                 ("year == 2020", {"filters": [("year", "==", 2020)], "validate": False}),
                 ("year == 2020, province_code == 35",
                  {"filters": [("year", "==", 2020), ("province_code", "==", 35)],
                   "validate": False}),
                 ("2 columns, year >= 2021", {"columns": ["report_id", "value"],
                  "filters": [("year", ">=", 2021)], "validate": False})):
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        n = len(load_panel(out, **kw))
        best = min(best, time.perf_counter() - t0)
    flt = _expression(kw.get("filters"))
    files = len(open_dataset(__import__("pathlib").Path(out) / "panel", flt, verify=False)[1])
    rows.append([name, best, n, files, len(m["files"])])
print(json.dumps(rows))
"""


def _load(out: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", _LOAD, str(out)], capture_output=True,
                          text=True, check=True)
    print(f"load_panel on the store of {out.name} (wall, best of 3):")
    for name, best, n, files, total in json.loads(proc.stdout.strip().splitlines()[-1]):
        print(f"  {name:36} {best:7.3f} s  {n:9d} rows  files read {files}/{total}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[156, 1560, 7800])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep", type=Path, default=None, help="work folder to keep (default: temp)")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="govstats-bench-build-"))
    full: dict[int, dict[str, float]] = {}
    try:
        for n in args.sizes:
            src, out = work / f"src-{n}", work / f"out-{n}"
            shutil.rmtree(src, ignore_errors=True)
            shutil.rmtree(out, ignore_errors=True)
            make_copies(n, src)
            full[n] = r = _build(src, out, args.jobs)
            print(_line("full build", n, r), flush=True)
            print(_line("cached rebuild", n, _build(src, out, args.jobs)), flush=True)
            changed = max(1, n // 100)
            for k in range(changed):  # 1 % of the files get one more line
                p = sorted(src.iterdir())[k * (n // changed)]
                p.write_bytes(p.read_bytes() + b"\n")
            print(_line("1 % changed", n, _build(src, out, args.jobs)), flush=True)
        _load(work / f"out-{max(args.sizes)}")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    sizes = sorted(full)
    if len(sizes) >= 2:
        def cpu(n: int) -> float:
            return (full[n]["cpu_main"] + full[n]["cpu_workers"]) / n

        big, mid, small = sizes[-1], sizes[-2], sizes[0]
        print(f"CPU per report at {big} / at {mid}: {cpu(big) / cpu(mid):.2f}")
        print(f"peak memory of the building process at {big} / at {small}: "
              f"{full[big]['rss_main_mb'] / full[small]['rss_main_mb']:.2f}")
        print(f"peak memory of the largest child (launcher or worker) at {big} / at {small}: "
              f"{full[big]['rss_worker_mb'] / full[small]['rss_worker_mb']:.2f}")


if __name__ == "__main__":
    main()
