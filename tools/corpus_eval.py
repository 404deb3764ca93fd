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


CORE = ("requests.new", "requests.carried_in", "proactive.total", "review.", "litigation.")


def shape_of(path: Path) -> str:
    """The input shape: the original's kind, or for report.txt how its text was made."""
    if path.suffix != ".txt":
        return path.suffix.lstrip(".")
    if (path.parent / "report.pdf").exists():
        return "txt: pdftotext -layout"
    from govstats.read import read_document
    from govstats.read.text import line_roles

    data = path.read_bytes()
    if read_document(data, path.name).kind == "markdown":
        return "txt: markdown converter"
    lines = data.decode("utf-8", "replace").splitlines()
    roles = [r for r in line_roles(lines) if r != "blank"]
    if roles.count("cell") >= 8:  # numbers on lines of their own: a table printed so
        return "txt: one cell per line"
    return "txt: crawler, cells run together or spaced"


def is_core(tag: str) -> bool:
    code = tag.split(" → ")[1].split("[")[0]
    return "[total]" in tag and code.startswith(CORE) and not code.endswith(".cumulative") and (
        code.count(".") <= 2
    )


def inputs(folder: Path) -> list[Path]:
    """The original (pdf, else html) and the raw text, in that order."""
    out = [p for p in (folder / "report.pdf", folder / "report.html") if p.exists()][:1]
    return [*out, folder / "report.txt"]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("folders", nargs="*")
    ap.add_argument("--shape", choices=["pdf", "html", "txt"])
    ap.add_argument("--verbose", "-v", action="store_true")
    ap.add_argument(
        "--ratchet",
        action="store_true",
        help="write the table cells each input reads to tests/fixtures/corpus_ratchet.json",
    )
    args = ap.parse_args()
    folders = [CORPUS / f for f in args.folders] or sorted(
        p for p in CORPUS.iterdir() if p.is_dir()
    )
    totals: dict[str, Counter[str]] = {}
    ratchet: dict[str, list[str]] = {}
    times: dict[str, list[float]] = {}
    for folder in folders:
        truth = json.loads((folder / "truth.json").read_text("utf-8"))
        meta = json.loads((folder / "meta.json").read_text("utf-8"))
        for path in inputs(folder):
            if args.shape and path.suffix.lstrip(".") != args.shape:
                continue
            shape = shape_of(path)
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
            c["ok"] += sum(not t.endswith("(narrative)") for t in ok)
            c["prose"] += sum(t.endswith("(narrative)") for t in ok)
            c["missing"] += len(missing)
            c["wrong"] += len(wrong)
            c["core ok"] += sum(is_core(t) for t in ok if not t.endswith("(narrative)"))
            c["core missing"] += sum(map(is_core, missing))
            c["core wrong"] += sum(map(is_core, wrong))
            ratchet[f"{folder.name}/{path.name}"] = sorted(
                t.split(" = ")[0] for t in ok if not t.endswith("(narrative)")
            )
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
    if args.ratchet:
        out = REPO / "tests" / "fixtures" / "corpus_ratchet.json"
        out.write_text(json.dumps(ratchet, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
        print(f"wrote {out.relative_to(REPO)} ({sum(map(len, ratchet.values()))} cells)")
    print()
    print("table cells right / missing / differing from truth.json; prose: figures of reports "
          "whose tables are cut off, found in their text (not table cells); core: the cells "
          "of ../shared/tools/core_cells.py")
    print("| input shape | reports | cells right | missing | differ | prose | core right "
          "| core missing | core differ | year right | median ms |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for shape, c in sorted(totals.items()):
        ts = sorted(times.get(shape, [0]))
        print(
            f"| {shape} | {c['reports']} | {c['ok']} | {c['missing']} | {c['wrong']} "
            f"| {c['prose']} "
            f"| {c['core ok']} | {c['core missing']} | {c['core wrong']} "
            f"| {c['year_ok']}/{c['reports']} | {ts[len(ts) // 2] * 1000:.0f} |"
            + (f" errors: {c['errors']}" if c["errors"] else "")
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
