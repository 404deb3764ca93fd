"""Parse time per report, by input shape.

Run: .venv/bin/python benchmarks/bench_parse.py [FOLDER ...] [--repeat N]
Without FOLDER it uses ../shared/corpus when present, else data/examples.  Every report file
(report.pdf / .html / .docx / .md / .txt, or any such file in FOLDER) is parsed N times (best
time kept, the first parse warms the caches of layouts and catalogues); prints per shape the
count, median, 90th percentile and max in milliseconds, and the throughput of one process.
Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from govstats import parse_report
from govstats.read import sniff_kind

REPO = Path(__file__).resolve().parents[1]
SUFFIXES = (".pdf", ".html", ".htm", ".docx", ".md", ".txt")


def _files(folders: list[Path]) -> list[Path]:
    out: list[Path] = []
    for folder in folders:
        if folder.is_file():
            out.append(folder)
            continue
        out.extend(p for p in sorted(folder.rglob("*")) if p.suffix.lower() in SUFFIXES)
    return [p for p in out if p.name not in ("README.md",)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    folders = args.folders or [
        p for p in (REPO.parent / "shared" / "corpus", REPO / "data" / "examples") if p.is_dir()
    ][:1]
    files = _files(folders)
    if not files:
        print("no report files found", file=sys.stderr)
        return 1
    times: dict[str, list[float]] = {}
    failed = 0
    for path in files:
        data = path.read_bytes()
        shape = sniff_kind(data, path.name)
        best = float("inf")
        for _ in range(max(1, args.repeat)):
            t0 = time.perf_counter()
            try:
                parse_report(data, filename=path.name)
            except Exception:  # a benchmark counts failures, it does not stop
                failed += 1
                break
            best = min(best, time.perf_counter() - t0)
        if best < float("inf"):
            times.setdefault(shape, []).append(best * 1000)
    print(f"{len(files)} files from {', '.join(str(f) for f in folders)}; best of {args.repeat}")
    print(f"{'shape':10} {'n':>5} {'median ms':>10} {'p90 ms':>8} {'max ms':>8}")
    total = 0.0
    for shape, ms in sorted(times.items()):
        ms.sort()
        p90 = ms[min(len(ms) - 1, int(0.9 * len(ms)))]
        print(f"{shape:10} {len(ms):5d} {statistics.median(ms):10.1f} {p90:8.1f} {ms[-1]:8.1f}")
        total += sum(ms)
    n = sum(len(v) for v in times.values())
    print(f"all        {n:5d}  mean {total / max(n, 1):.1f} ms; one process ≈ "
          f"{1000 * n / max(total, 1e-9):.0f} reports/s; failures {failed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
