"""OCR reader: pages per second and accuracy at each rendering scale.

Run: .venv/bin/python benchmarks/bench_ocr.py [PDF ...] [--scales 1,1.5,2,3] [--dpi 300]
Needs the ocr extra (``pip install 'govstats[ocr]'``).  Without PDF it takes every
``report.pdf`` of ../shared/corpus (when present) and the seed's table rendered as a text PDF
(tests/seed_table.py, three pages; needs fpdf2 and the CJK font of the analysis extra).

Each text PDF is turned into an image-only PDF (every page rendered at ``--dpi``, the images
put back in a PDF of the same page size: a scan without a text layer, tests/ocr_helpers.py),
then parsed with the OCR reader rendering its pages at each scale (pixels per point) with an
empty cache, and compared with the parse of the text PDF.  Per scale: pages, seconds, pages/s,
and the values of the text version that come out the same, wrong, missing (and how many of
those lack a finding, and how many are core cells), over all inputs; per input the same
figures with ``--verbose``.
Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.ocr_helpers import compare, image_only_pdf, subset_cjk_font  # noqa: E402


def _inputs(paths: list[str]) -> list[tuple[str, bytes]]:
    if paths:
        return [(Path(p).parent.name or p, Path(p).read_bytes()) for p in paths]
    out: list[tuple[str, bytes]] = []
    corpus = REPO.parent / "shared" / "corpus"
    if corpus.is_dir():
        out += [(p.parent.name, p.read_bytes()) for p in sorted(corpus.glob("*/report.pdf"))]
    try:
        from tests.renderers import list_pdf, pdf_text
        from tests.seed_table import seed_list_table

        table = seed_list_table()
        with tempfile.TemporaryDirectory() as tmp:
            font = subset_cjk_font(pdf_text(table), Path(tmp))
            out.append(("seed-table", list_pdf(table, font)))
    except ImportError as exc:
        print(f"seed table skipped: {exc}")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pdf", nargs="*")
    ap.add_argument("--scales", default="1,1.5,2,3")
    ap.add_argument("--dpi", type=float, default=300)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()

    import pypdfium2

    from govstats.pipeline import parse_report
    from govstats.read import ocr

    if not ocr.available():
        print(f"the ocr extra is not installed: {ocr.OCR_EXTRA}")
        return 1
    inputs = _inputs(args.pdf)
    prepared = []
    for name, data in inputs:
        text = parse_report(data, filename=f"{name}.pdf")
        scan = image_only_pdf(data, dpi=args.dpi)
        pages = len(pypdfium2.PdfDocument(scan))
        prepared.append((name, text, scan, pages))
    n_pages = sum(p[3] for p in prepared)
    print(f"{len(prepared)} input(s), {n_pages} page(s), scanned at {args.dpi:g} dpi")
    print(
        "scale  pages  seconds  pages/s  same/cells  wrong  missing  (no finding)  (core)  extra"
    )
    for scale in (float(s) for s in args.scales.split(",")):
        ocr.DEFAULT_SCALE = scale
        same = cells = wrong = missing = unflagged = core = extra = 0
        seconds = 0.0
        rows = []
        for name, text, scan, _pages in prepared:
            with tempfile.TemporaryDirectory() as cache:
                os.environ["GOVSTATS_OCR_CACHE"] = cache
                t0 = time.perf_counter()
                report = parse_report(scan, filename=f"{name}.pdf")
                seconds += time.perf_counter() - t0
            c = compare(text, report)
            same, cells = same + c.same, cells + c.cells
            wrong, missing = wrong + len(c.wrong), missing + len(c.missing)
            unflagged, extra = unflagged + len(c.unflagged), extra + len(c.extra)
            core += len(c.core_missing)
            rows.append(f"    {name}: {c.line()}" + (f" WRONG {c.wrong}" if c.wrong else ""))
        print(
            f"{scale:5g}  {n_pages:5d}  {seconds:7.1f}  {n_pages / seconds:7.3f}  "
            f"{same:4d}/{cells:<5d}  {wrong:5d}  {missing:7d}  {unflagged:12d}  {core:6d}  "
            f"{extra:5d}"
        )
        if args.verbose:
            print("\n".join(rows))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
