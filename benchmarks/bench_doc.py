"""Read time per legacy Word (.doc) file, for the ways of reading one that were measured.

Run: .venv/bin/python benchmarks/bench_doc.py [FILE.doc ...] [--repeat N]
Without FILE it reads the fixtures in tests/fixtures/doc (made by tools/make_doc_fixtures.py).

Options (each skipped, with the reason, when it is not installed):

* ``govstats``: :func:`govstats.read.doc.read_doc` (olefile + our piece-table reader): text
  and cells.
* ``legacy-doc`` (PyPI, MIT, pure Python): text only; its cell marks become spaces.
* ``unword`` (PyPI, MIT, Rust extension): Markdown text; cells run together.
* ``msdoc2docx`` (PyPI, MIT, pure Python): converts to DOCX (temporary file), then
  :func:`govstats.read.docx.read_docx`: text and cells.
* ``antiword`` (Debian, GPL-2, subprocess): text; tables drawn with ``|``, no spans.
* ``catdoc`` (Debian, GPL-2, subprocess): text; cells separated by tabs, no rows/spans.
* ``wvHtml`` (Debian ``wv``, GPL-2, subprocess): HTML, then
  :func:`govstats.read.html.read_html`: text and cells.

Per option and file: the best of N timings in milliseconds (subprocess options include the
process start), whether the title's Chinese came out right, and, for options that give
cells, whether they equal the cells of the source DOCX (``<name>.expected.json`` beside a
fixture).  Figures only: nothing is asserted.  The extra PyPI options need not be in the
project's environment: put their site-packages on PYTHONPATH to measure them.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "doc"
CJK_PROBE = "政府信息公开"


@dataclass
class Result:
    text: str
    cells: list | None  # per grid: [text, row, col, rowspan, colspan] of each cell


def _cells(doc) -> list:
    return [[[c.text, c.row, c.col, c.rowspan, c.colspan] for r in g.rows for c in r]
            for g in doc.grids]


def _govstats(path: Path, data: bytes) -> Result:
    from govstats.read.doc import read_doc

    doc = read_doc(data)
    return Result(doc.text, _cells(doc))


def _legacy_doc(path: Path, data: bytes) -> Result:
    from legacy_doc import extract_text

    return Result(extract_text(data).text, None)


def _unword(path: Path, data: bytes) -> Result:
    import unword

    return Result(unword.parse_doc(data).body_text, None)


def _msdoc2docx(path: Path, data: bytes) -> Result:
    from doc2docx import convert

    from govstats.read.docx import read_docx

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.doc"
        src.write_bytes(data)
        out = Path(tmp) / "out.docx"
        convert(src, out)
        doc = read_docx(out.read_bytes())
    return Result(doc.text, _cells(doc))


def _run(cmd: list[str]) -> str:
    return subprocess.run(cmd, check=True, capture_output=True, timeout=120).stdout.decode(
        "utf-8", "replace"
    )


def _antiword(path: Path, data: bytes) -> Result:
    return Result(_run(["antiword", "-m", "UTF-8.txt", str(path)]), None)


def _catdoc(path: Path, data: bytes) -> Result:
    return Result(_run(["catdoc", "-d", "utf-8", str(path)]), None)


def _wvhtml(path: Path, data: bytes) -> Result:
    from govstats.read.html import read_html

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["wvHtml", "--charset=utf-8", str(path), "out.html"], cwd=tmp,
                       check=True, capture_output=True, timeout=120)  # fmt: skip
        doc = read_html((Path(tmp) / "out.html").read_bytes())
    return Result(doc.text, _cells(doc))


def _has_module(name: str) -> str | None:
    import importlib.util

    return None if importlib.util.find_spec(name) else f"python module {name} not installed"


def _has_exe(name: str) -> str | None:
    return None if shutil.which(name) else f"{name} not on PATH"


OPTIONS: dict[str, tuple[Callable[[], str | None], Callable[[Path, bytes], Result]]] = {
    "govstats (olefile)": (lambda: _has_module("olefile"), _govstats),
    "legacy-doc": (lambda: _has_module("legacy_doc"), _legacy_doc),
    "unword": (lambda: _has_module("unword"), _unword),
    "msdoc2docx+read_docx": (lambda: _has_module("doc2docx"), _msdoc2docx),
    "antiword": (lambda: _has_exe("antiword"), _antiword),
    "catdoc": (lambda: _has_exe("catdoc"), _catdoc),
    "wvHtml+read_html": (lambda: _has_exe("wvHtml"), _wvhtml),
}


def _expected(path: Path) -> list | None:
    side = path.with_name(path.stem + ".expected.json")
    if not side.is_file():
        return None
    want = json.loads(side.read_text(encoding="utf-8"))
    return [g["cells"] for g in want["grids"]]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    files = args.files or sorted(p for p in FIXTURES.glob("*.doc") if p.stem != "encrypted")
    if not files:
        print("no .doc files: run tools/make_doc_fixtures.py", file=sys.stderr)
        return 1
    print(f"{'option':<22} {'file':<16} {'ms':>8}  {'CJK':<4} cells")
    for name, (missing, run) in OPTIONS.items():
        why = missing()
        if why:
            print(f"{name:<22} skipped: {why}")
            continue
        all_ms: list[float] = []
        for path in files:
            data = path.read_bytes()
            best, result, error = float("inf"), None, None
            for _ in range(max(1, args.repeat)):
                t0 = time.perf_counter()
                try:
                    result = run(path, data)
                except Exception as exc:  # a benchmark reports failures, it does not stop
                    error = f"{type(exc).__name__}: {str(exc)[:60]}"
                    break
                best = min(best, time.perf_counter() - t0)
            if error or result is None:
                print(f"{name:<22} {path.name:<16} {'-':>8}  failed: {error}")
                continue
            all_ms.append(best * 1000)
            cjk = "yes" if CJK_PROBE in result.text else "no"
            want = _expected(path)
            if result.cells is None:
                cells = "none (text only)"
            elif want is None:
                cells = f"{len(result.cells)} grids"
            else:
                cells = "same as DOCX" if result.cells == want else "differ from DOCX"
            print(f"{name:<22} {path.name:<16} {best * 1000:8.1f}  {cjk:<4} {cells}")
        if all_ms:
            print(f"{name:<22} {'median':<16} {statistics.median(all_ms):8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
