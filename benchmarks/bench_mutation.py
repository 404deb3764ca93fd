"""Silent changes under mutation: one-character mutations of generated real-looking reports
(``tests/mutation.py``), counted by whether a changed value comes with a finding.

Prints, per report shape and in all: mutations that changed a value, those without any new
finding (silent), changed values covered by the checks and silent, uncovered changed values
and silent, silent row drops; ``--show N`` lists N silent mutations.

    .venv/bin/python benchmarks/bench_mutation.py [--reports 4] [--mutations 30] [--seed 0]
    .venv/bin/python benchmarks/bench_mutation.py --before f906cfd   # that commit, then now

``--before COMMIT`` first measures the parser of that commit (its ``src/`` taken with ``git
archive`` into a temporary folder, the same mutations), then the working tree's.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.mutation import run  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=4, help="reports per shape")
    ap.add_argument("--mutations", type=int, default=30, help="value-changing mutations each")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--show", type=int, default=0, help="list this many silent mutations")
    ap.add_argument("--before", metavar="COMMIT", help="measure this commit's parser first")
    args = ap.parse_args()
    if args.before:
        with tempfile.TemporaryDirectory(prefix="govstats-before-") as tmp:
            archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.before, "src"],
                                     check=True, capture_output=True).stdout  # fmt: skip
            subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
            rest = [a for a in sys.argv[1:] if a not in ("--before", args.before)]
            print(f"== before: {args.before}", flush=True)
            env = {**os.environ, "PYTHONPATH": str(Path(tmp) / "src")}
            subprocess.run([sys.executable, __file__, *rest], env=env, check=True)
        print("== after: the working tree", flush=True)
    stats: dict[str, Counter[str]] = {}
    shown = 0
    for o in run(args.reports, args.mutations, args.seed):
        for group in (o.report, "all"):
            c = stats.setdefault(group, Counter())
            if not o.changed:
                c["errors"] += 1
                continue
            c["mutations"] += 1
            c["silent"] += o.silent
            for key in o.changed:
                cov = "covered" if key in o.covered else "uncovered"
                c[f"{cov} values"] += 1
                c[f"{cov} silent"] += o.silent
            c["row drops"] += o.row_dropped
            c["row drops silent"] += o.row_dropped and o.silent
        if o.silent and shown < args.show:
            shown += 1
            cov = sorted(o.covered)
            print(f"silent: {o.report}: {o.mutation}: {dict(o.changed)} covered={cov}")
    print(f"{'shape':<12} {'mut':>5} {'silent':>7} {'rate':>6}  {'cov.val':>7} {'cov.sil':>7}  "
          f"{'unc.val':>7} {'unc.sil':>7} {'unc.rate':>8}  {'rowdrop':>7} {'rd.sil':>6}")
    for group, c in stats.items():
        rate = c["silent"] / c["mutations"] if c["mutations"] else 0.0
        unc = c["uncovered silent"] / c["uncovered values"] if c["uncovered values"] else 0.0
        print(f"{group:<12} {c['mutations']:>5} {c['silent']:>7} {rate:>6.1%}  "
              f"{c['covered values']:>7} {c['covered silent']:>7}  {c['uncovered values']:>7} "
              f"{c['uncovered silent']:>7} {unc:>8.1%}  {c['row drops']:>7} "
              f"{c['row drops silent']:>6}")


if __name__ == "__main__":
    main()
