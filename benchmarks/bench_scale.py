"""Scale figures: parse time per input shape against its floor, startup, cross-report
validation at N reports, load_panel with and without a selection.

Run: .venv/bin/python benchmarks/bench_scale.py [--corpus DIR] [--repeat N]
     [--validate-n 156,1560,7800] [--panel-copies 40] [--skip SECTION ...]

Sections (``--skip shapes startup validate load`` leaves one out):

* ``shapes``: every report file of the corpus (``../shared/corpus`` by default) parsed with
  :func:`govstats.parse_report` from its path, CPU time (each file's best of N rounds, a
  round parsing every file once in turn, so a file's repeat is not served by the memos its
  own previous parse filled; a first parse of all warms the catalogues), against the floor
  measured in the same run on the same files, reading the file included: decoding and one
  regex pass (numbers) for text, ``lxml.html`` parsing for HTML, pypdfium2's text with every
  character's box for PDF.  For PDF also the reader alone (:func:`govstats.read.pdf.read_pdf`).
  Printed: per shape the files, the summed milliseconds and the ratio to the floor.
* ``startup``: wall and CPU time of ``govstats parse FILE --json`` in a new process (best of N), for
  one text and one PDF report, and the heavy modules a text parse imported.
* ``validate``: CPU time of :func:`govstats.validate_reports` over N reports: copies of the
  corpus made unique (body names and file hashes marked with the copy number, every figure
  multiplied by copy number + 1, so the tables of two copies differ and their identities
  hold).
* ``load``: :func:`govstats.load_panel` on the bundled ``data/`` and on a panel of
  ``--panel-copies`` copies of it (its rows repeated, one Parquet file in a temporary folder):
  whole and validated, whole without the check, and a selection of 4 columns and 2 filters.

Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SUFFIXES = (".pdf", ".html", ".htm", ".txt")
NUMBERS = re.compile(r"\d[\d,.]*")


def _best(fn: Callable[[], object], repeat: int) -> float:
    """The smallest CPU time of ``repeat`` calls, in seconds."""
    best = float("inf")
    for _ in range(max(1, repeat)):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


def _files(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.rglob("report.*") if p.suffix.lower() in SUFFIXES)


# ------------------------------------------------------------------------------ floors


def _floor_text(path: Path) -> None:
    from govstats.read.decode import decode_bytes

    text, _ = decode_bytes(path.read_bytes())
    NUMBERS.findall(text)


def _floor_html(path: Path) -> None:
    import lxml.html

    lxml.html.document_fromstring(path.read_bytes())


def _floor_pdf(path: Path) -> None:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(path.read_bytes())
    try:
        for i in range(len(doc)):
            page = doc[i]
            textpage = page.get_textpage()
            for k in range(textpage.count_chars()):
                textpage.get_charbox(k, loose=True)
            textpage.get_text_range()
            textpage.close()
            page.close()
    finally:
        doc.close()


FLOORS = {"text": _floor_text, "html": _floor_html, "pdf": _floor_pdf}


def shapes(corpus: Path, repeat: int) -> None:
    from govstats import parse_report
    from govstats.read import sniff_kind
    from govstats.read.pdf import read_pdf

    files = _files(corpus)
    datas = [(p, p.read_bytes()) for p in files]
    for p, data in datas:  # warm the catalogues (and every other once-per-process cost)
        parse_report(data, filename=p.name)
    # each file's best time over ``repeat`` rounds, a round timing every file once in turn:
    # between two parses of one file every other file is parsed, so the parser's small memos
    # (recent lines, digit runs) do not serve a file its own repeat
    jobs: list[tuple[str, str, Path]] = []
    for p, data in datas:
        shape = sniff_kind(data, p.name)
        if shape in FLOORS:
            jobs += [(shape, "parse", p), (shape, "floor", p)]
            if shape == "pdf":
                jobs.append((shape, "reader", p))
    calls: dict[str, Callable[[Path], object]] = {
        "parse": parse_report,
        "reader": lambda p: read_pdf(p.read_bytes()),
    }
    best = [float("inf")] * len(jobs)
    for _ in range(max(1, repeat)):
        for k, (shape, what, p) in enumerate(jobs):
            fn = FLOORS[shape] if what == "floor" else calls[what]
            best[k] = min(best[k], _best(lambda p=p, fn=fn: fn(p), 1))
    by_shape: dict[str, dict[str, float]] = {}
    for (shape, what, _p), t in zip(jobs, best, strict=True):
        row = by_shape.setdefault(shape, {"n": 0, "parse": 0.0, "floor": 0.0, "reader": 0.0})
        row["n"] += what == "parse"
        row[what] += t
    print(f"## parse time by shape ({len(files)} files of {corpus}; CPU, best of {repeat})")
    print(f"{'shape':6} {'files':>5} {'parse ms':>9} {'floor ms':>9} {'ratio':>6}  floor")
    names = {
        "text": "decode + one regex pass",
        "html": "lxml.html parse",
        "pdf": "pypdfium2 text + character boxes",
    }
    for shape, row in sorted(by_shape.items()):
        ratio = row["parse"] / row["floor"] if row["floor"] else float("nan")
        print(
            f"{shape:6} {int(row['n']):5d} {1000 * row['parse']:9.1f} "
            f"{1000 * row['floor']:9.1f} {ratio:6.1f}x  {names[shape]}"
        )
        if shape == "pdf":
            r = row["reader"] / row["floor"] if row["floor"] else float("nan")
            print(f"{'':6} {'':5} {1000 * row['reader']:9.1f} {'':9} {r:6.1f}x  (read_pdf alone)")
    print()


def startup(corpus: Path, repeat: int) -> None:
    exe = Path(sys.executable).with_name("govstats")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "govstats.cli"]
    files = _files(corpus)
    picks = [p for p in files if p.suffix == ".txt"][:1] + [p for p in files if p.suffix == ".pdf"][
        :1
    ]
    print(
        f"## startup: `govstats parse FILE --json` in a new process (best of {repeat}; wall, and"
        " the CPU time of the process, which a busy machine does not inflate)"
    )
    for p in picks:
        best = best_cpu = float("inf")
        for _ in range(max(1, repeat)):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            subprocess.run([*cmd, "parse", str(p), "--json"], capture_output=True, check=False)
            best = min(best, time.perf_counter() - t0)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            best_cpu = min(best_cpu, cpu)
        print(f"{p.suffix[1:]:6} wall {best:6.3f} s  CPU {best_cpu:6.3f} s  {p}")
    if picks and picks[0].suffix == ".txt":
        probe = (
            "import sys, io, contextlib, govstats.cli\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    govstats.cli.main(['parse', {str(picks[0])!r}, '--json'])\n"
            "print(' '.join(m for m in ('pandas', 'pyarrow', 'cn2an', 'matplotlib')"
            " if m in sys.modules) or 'none')"
        )
        out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
        print(f"heavy modules imported by the text parse: {out.stdout.strip()}")
    print()


def _copies(reports: list, n: int) -> list:  # type: ignore[type-arg]
    out = []
    k = 0
    while len(out) < n:
        for r in reports:
            if len(out) >= n:
                break
            meta = dict(r.meta)
            for key in ("jurisdiction", "jurisdiction_normalized"):
                if meta.get(key):
                    meta[key] = f"{meta[key]}#{k}"
            source = dict(r.source)
            source["sha256"] = f"{source.get('sha256')}-{k}"
            source["path"] = f"{source.get('path')}#{k}"
            values = [dataclasses.replace(v, value=v.value * (k + 1)) for v in r.value_list]
            out.append(dataclasses.replace(r, meta=meta, source=source, value_list=values))
        k += 1
    return out


def validate(corpus: Path, sizes: list[int]) -> None:
    from govstats import parse_report, validate_reports

    reports = []
    for p in _files(corpus):
        try:
            reports.append(parse_report(p))
        except Exception:  # a benchmark counts what parses
            continue
    print(f"## cross-report validation ({len(reports)} corpus reports copied; CPU)")
    for n in sizes:
        reps = _copies(reports, n)
        t0 = time.process_time()
        found = validate_reports(reps)
        cpu = time.process_time() - t0
        print(f"N={n:6d}  {cpu:7.2f} s  {len(found)} findings")
    print()


def _copy_store(data: Path, copies: int, dest: Path) -> None:
    """``copies`` copies of the rows of ``data``'s panel dataset, as a dataset in ``dest``."""
    from govstats.panel.store import DatasetWriter, partition_key, read_table

    table = read_table(data / "panel", None, None, verify=False)
    writer = DatasetWriter(dest / "panel")
    for _ in range(copies):
        for batch in table.to_batches(max_chunksize=5_000):
            keys = zip(batch.column("year").to_pylist(), batch.column("code").to_pylist(),
                       strict=True)
            writer.write(batch, [(partition_key(y, c), k, 1) for k, (y, c) in enumerate(keys)])
    writer.close()


def load(copies: int, repeat: int) -> None:
    from govstats import load_panel
    from govstats.panel.store import read_manifest

    data = REPO / "data"
    if not (data / "panel" / "_manifest.json").is_file():
        print("## load_panel: no data/panel/ dataset\n")
        return
    select = {
        "columns": ["jurisdiction_id", "year", "indicator", "value"],
        "filters": [("year", ">=", 2020), ("indicator", "in", ["requests.new", "review.total"])],
    }
    partition = {"filters": [("year", "==", 2023), ("province_code", "==", 35)]}
    tmp = Path(tempfile.mkdtemp(prefix="govstats-bench-"))
    try:
        big = tmp / "copies"
        _copy_store(data, copies, big)
        print(f"## load_panel (wall, best of {repeat})")
        for label, path in (("data/", data), (f"data/ ×{copies}", big)):
            manifest = read_manifest(path / "panel")
            rows, files = manifest["rows"], len(manifest["files"])
            for name, kwargs in (
                ("whole, validated", {}),
                ("whole, validate=False", {"validate": False}),
                ("4 columns, 2 filters", {**select, "validate": False}),
                ("4 columns, 2 filters, validated", select),
                ("one partition (year, province)", {**partition, "validate": False}),
            ):
                best = float("inf")
                got = 0
                for _ in range(max(1, repeat)):
                    t0 = time.perf_counter()
                    got = len(load_panel(path, **kwargs))
                    best = min(best, time.perf_counter() - t0)
                print(f"{label:12} {rows:9d} rows {files:3d} files  {name:32} {best:7.3f} s  "
                      f"({got} rows)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--validate-n", default="156,1560,7800")
    ap.add_argument("--panel-copies", type=int, default=40)
    ap.add_argument("--skip", nargs="*", default=[])
    args = ap.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus} (--corpus DIR)", file=sys.stderr)
        return 1
    t0 = time.perf_counter()
    if "shapes" not in args.skip:
        shapes(args.corpus, args.repeat)
    if "startup" not in args.skip:
        startup(args.corpus, max(args.repeat, 5))
    if "validate" not in args.skip:
        validate(args.corpus, [int(x) for x in args.validate_n.split(",") if x])
    if "load" not in args.skip:
        load(args.panel_copies, args.repeat)
    print(f"({time.perf_counter() - t0:.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
