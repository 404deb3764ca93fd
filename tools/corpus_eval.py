"""Score the parser on the development corpus (../shared/corpus): per report and per input
shape, cells right / missing / wrong against truth.json, and parse time.

    .venv/bin/python tools/corpus_eval.py [--shape pdf|html|txt] [--verbose] [FOLDER...]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.corpus_truth import compare  # noqa: E402

from govstats import parse_report  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus"


def inputs(folder: Path) -> list[Path]:
    """The original (pdf, else html) and the raw text, in that order."""
    out = [p for p in (folder / "report.pdf", folder / "report.html") if p.exists()][:1]
    return [*out, folder / "report.txt"]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("folders", nargs="*")
    ap.add_argument("--shape", choices=["pdf", "html", "txt"])
    ap.add_argument("--verbose", "-v", action="store_true")
    args = ap.parse_args()
    folders = [CORPUS / f for f in args.folders] or sorted(
        p for p in CORPUS.iterdir() if p.is_dir()
    )
    totals: dict[str, Counter[str]] = {}
    times: dict[str, list[float]] = {}
    for folder in folders:
        truth = json.loads((folder / "truth.json").read_text("utf-8"))
        meta = json.loads((folder / "meta.json").read_text("utf-8"))
        for path in inputs(folder):
            shape = path.suffix.lstrip(".")
            if args.shape and shape != args.shape:
                continue
            t0 = time.perf_counter()
            try:
                rep = parse_report(path)
            except Exception as exc:  # report and go on
                print(f"{folder.name}/{path.name}: ERROR {type(exc).__name__}: {exc}")
                totals.setdefault(shape, Counter())["errors"] += 1
                continue
            dt = time.perf_counter() - t0
            times.setdefault(shape, []).append(dt)
            ok, missing, wrong = compare(rep, truth, bool(meta.get("complete", True)))
            c = totals.setdefault(shape, Counter())
            c["reports"] += 1
            c["ok"] += len(ok)
            c["missing"] += len(missing)
            c["wrong"] += len(wrong)
            year_ok = rep.meta.get("year") == meta.get("year")
            c["year_ok"] += int(year_ok)
            flag = "" if not (missing or wrong or not year_ok) else "  <--"
            print(
                f"{folder.name}/{path.name}: regime={rep.meta.get('regime')} "
                f"year={rep.meta.get('year')}{'' if year_ok else '!=' + str(meta.get('year'))} "
                f"ok={len(ok)} missing={len(missing)} wrong={len(wrong)} {dt * 1000:.0f}ms{flag}"
            )
            if args.verbose:
                for w in wrong:
                    print("    WRONG", w)
                for m in missing:
                    print("    missing", m)
    print()
    for shape, c in totals.items():
        ts = sorted(times.get(shape, [0]))
        print(
            f"{shape}: reports={c['reports']} errors={c['errors']} cells ok={c['ok']} "
            f"missing={c['missing']} wrong={c['wrong']} year ok={c['year_ok']}/{c['reports']} "
            f"median {ts[len(ts) // 2] * 1000:.0f} ms, max {ts[-1] * 1000:.0f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
