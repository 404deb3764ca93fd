"""The OCR reader (the ``ocr`` extra): scans and table images.

Without the extra, image-only inputs get a one-line error naming it; with it, small generated
table images are read cell by cell (``make setup`` installs the extra, so CI runs them),
readings of characters that resemble digits and low-confidence readings are kept only where
the table's identities confirm them, and the seed's table and the corpus PDFs made image-only
give the numbers of their text versions.  Tests that run the engine take seconds each: they
are in the slow lane (``make test``), not in ``make test-fast``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from govstats.catalogue.layouts import layout_for
from govstats.errors import UnreadableInput
from govstats.model import Document, Grid, Value
from govstats.parse.ocr_evidence import confirm_ocr, doubtful
from govstats.read import ocr as ocr_mod
from govstats.read import read_document, sniff_kind
from govstats.read.ocr import confusables, map_confusables

from .ocr_helpers import compare, image_only_pdf, page_images, png_bytes

HAS_OCR = ocr_mod.available()
needs_ocr = pytest.mark.skipif(
    not HAS_OCR, reason="the ocr extra (rapidocr_onnxruntime) is not installed"
)

# --------------------------------------------------------------------------- no OCR needed


def test_confusable_tokens_map_to_digits() -> None:
    assert map_confusables("o") == "0"
    assert map_confusables("O") == "0"
    assert map_confusables("1o") == "10"
    assert map_confusables("lO") == "10"
    assert map_confusables("S") == "5"
    assert map_confusables("1,O00") == "1,000"
    assert map_confusables("12") is None  # nothing to map
    assert map_confusables("Iso") is None  # a word, not a number
    assert map_confusables("PDF") is None
    assert map_confusables("件") is None
    assert map_confusables(".o") is None  # not a number after mapping


def test_confusables_are_one_character_to_one_digit() -> None:
    table = confusables()
    assert table["o"] == "0" and table["l"] == "1" and table["B"] == "8"
    assert all(len(k) == 1 and len(v) == 1 and v.isdigit() for k, v in table.items())


def _t4(
    values: dict[str, int],
    read: dict[str, tuple[str, float]],
    again: dict[str, tuple[str, float]] | None = None,
) -> list[Value]:
    """Table-4 values as the mapper gives them for an OCR reading: ``read`` holds, per
    indicator, what the engine read and its confidence (else a sure reading); ``again`` the
    second reading of the cells that have one, and its confidence."""
    out = []
    for code, value in values.items():
        raw, conf = read.get(code, (str(value), 0.99))
        loc: dict[str, object] = {"table": 1, "table_id": "t4", "ocr_confidence": conf}
        if raw != str(value):
            loc["ocr_read"] = raw
        if again and code in again:
            loc["ocr_reread"], loc["ocr_reread_confidence"] = again[code]
        out.append(Value(code, "total", value, None, False, str(value), loc))
    return out


def _own(notes: list) -> list:
    """The findings about the cells given (a test's table 四 holds only its review block:
    the litigation columns not read get ``ocr.column_not_read``)."""
    return [n for n in notes if n.rule != "ocr.column_not_read"]


REVIEW = {"review.upheld": 3, "review.corrected": 1, "review.other": 0, "review.pending": 0,
          "review.total": 4}  # fmt: skip


def test_identities_confirm_doubtful_readings() -> None:
    (layout,) = layout_for("R3")
    # a low-confidence 1, the only doubtful cell of the row: the row sum confirms it
    values = _t4(REVIEW, {"review.corrected": ("1", 0.6)})
    assert [doubtful(v) for v in values] == [False, True, False, False, False]
    kept, unread, notes = confirm_ocr(values, layout)
    assert {v.indicator: v.value for v in kept} == REVIEW
    confirmed = {v.indicator: v.location.get("confirmed_by") for v in kept}
    assert confirmed["review.corrected"] and confirmed["review.upheld"] is None
    assert unread == [] and _own(notes) == []
    # "o" for 0 twice: the row leaves 0 for both, and counts are never negative
    zeros = dict(REVIEW, **{"review.upheld": 4, "review.corrected": 0})
    values = _t4(zeros, {"review.corrected": ("o", 0.99), "review.other": ("O", 0.7)})
    kept, unread, notes = confirm_ocr(values, layout)
    assert {v.indicator: v.value for v in kept} == zeros
    assert unread == [] and _own(notes) == []


def test_an_unconfirmed_doubtful_reading_has_no_value_and_a_finding() -> None:
    (layout,) = layout_for("R3")
    # two doubtful cells whose sum (1) the row leaves: either could hold it
    values = _t4(REVIEW, {"review.corrected": ("l", 0.95), "review.other": ("o", 0.95)})
    kept, unread, notes = confirm_ocr(values, layout)
    assert {v.indicator for v in kept} == {"review.upheld", "review.pending", "review.total"}
    assert sorted((u.indicator, u.status, u.raw) for u in unread) == [
        ("review.corrected", "unreadable", "l"),
        ("review.other", "unreadable", "o"),
    ]
    assert [n.rule for n in _own(notes)] == ["ocr.unconfirmed", "ocr.unconfirmed"]
    assert "no identity" in _own(notes)[0].message


def test_an_equality_the_readings_break_leaves_none_of_its_cells_sure() -> None:
    (layout,) = layout_for("R3")
    # a confident 8 where 1 was printed (3 + 8 + 0 + 0 != 4): any cell of the row may be the
    # misread one, so none keeps its value
    broken = dict(REVIEW, **{"review.corrected": 8})
    kept, unread, notes = confirm_ocr(_t4(broken, {}), layout)
    assert kept == []
    assert sorted(u.indicator for u in unread) == sorted(REVIEW)
    assert {n.rule for n in _own(notes)} == {"ocr.unconfirmed"}


def test_a_printed_inconsistency_read_twice_alike_is_kept_as_printed() -> None:
    (layout,) = layout_for("R3")
    # the report prints 10 + 1 + 0 + 0 with 总计 0 (洪泽区 2023's table 四): every cell read
    # a second time, alike and sure, is kept as printed, like a text layer gives it
    printed = {"review.upheld": 10, "review.corrected": 1, "review.other": 0,
               "review.pending": 0, "review.total": 0}  # fmt: skip
    again = {code: (str(v), 0.97) for code, v in printed.items()}
    kept, unread, notes = confirm_ocr(_t4(printed, {}, again), layout)
    assert {v.indicator: v.value for v in kept} == printed
    assert {v.location["confirmed_by"] for v in kept} == {"ocr.reread"}
    assert unread == [] and _own(notes) == []
    # the second reading of one cell differs (a misread 8 for 1, or the other way): the cells
    # read alike stay, that one is settled by the row only if the row gives what was read
    broken = dict(REVIEW, **{"review.corrected": 8})
    again = {code: (str(v), 0.97) for code, v in REVIEW.items()}
    kept, unread, notes = confirm_ocr(_t4(broken, {}, again), layout)
    assert {v.indicator for v in kept} == set(REVIEW) - {"review.corrected"}
    assert [(u.indicator, u.raw) for u in unread] == [("review.corrected", "8")]
    assert [n.rule for n in _own(notes)] == ["ocr.unconfirmed"]


def test_a_second_reading_confirms_only_plain_sure_digits() -> None:
    from govstats.parse.ocr_evidence import reread_agrees

    up = "review.upheld"
    (v,) = _t4({up: 10}, {up: ("10", 0.6)}, {up: ("10", 0.95)})
    assert reread_agrees(v)
    (low,) = _t4({"review.upheld": 10}, {}, {"review.upheld": ("10", 0.8)})
    assert not reread_agrees(low)  # the second reading is itself unsure
    (other,) = _t4({"review.upheld": 10}, {}, {"review.upheld": ("16", 0.99)})
    assert not reread_agrees(other)
    (mark,) = _t4({"review.upheld": 0}, {}, {"review.upheld": ("。", 0.99)})
    assert not reread_agrees(mark)
    # a character taken for a digit (o for 0) is settled by identities only, read twice or not
    (conf,) = _t4({up: 0}, {up: ("o", 0.99)}, {up: ("0", 0.99)})
    assert not reread_agrees(conf)
    (none,) = _t4({"review.upheld": 10}, {"review.upheld": ("10", 0.6)})
    assert not reread_agrees(none)  # no second reading (ink beside the word)
    # a low-confidence 3, read again alike and sure, in a row that cannot check it (two
    # doubtful cells whose sum the row leaves)
    values = _t4(
        REVIEW,
        {"review.upheld": ("3", 0.6), "review.corrected": ("1", 0.6)},
        {"review.upheld": ("3", 0.93)},
    )
    kept, unread, notes = confirm_ocr(values, layout_for("R3")[0])
    by = {v.indicator: v.location.get("confirmed_by") for v in kept}
    assert by["review.upheld"] == "ocr.reread" and by["review.corrected"]  # then the row: 1
    assert unread == [] and _own(notes) == []


def test_an_equality_with_a_cell_without_value_cannot_vouch_for_its_readings() -> None:
    from govstats.model import UnreadCell

    (layout,) = layout_for("R3")
    # 64 read as 4 where the total was not seen: 72 + 4 + 8 + 37 = ? cannot be checked
    seen = {"review.upheld": 72, "review.corrected": 4, "review.other": 8, "review.pending": 37}
    blank = UnreadCell("review.total", "total", "blank", "", {"table": 1, "table_id": "t4"})
    kept, unread, notes = confirm_ocr(_t4(seen, {}), layout, [blank])
    assert kept == [] and sorted(u.indicator for u in unread) == sorted(seen)
    assert len(_own(notes)) == 4


def test_a_cell_of_a_read_row_that_was_not_seen_leaves_the_row_unchecked() -> None:
    (layout,) = layout_for("R3")
    # table 四 has one row: its total was not seen at all (no cell for it in the grid)
    seen = {"review.upheld": 72, "review.corrected": 4, "review.other": 8, "review.pending": 37}
    kept, unread, _ = confirm_ocr(_t4(seen, {}), layout)
    assert kept == [] and sorted(u.indicator for u in unread) == sorted(seen)


def test_a_cell_not_seen_is_pinned_only_by_two_equalities_that_agree() -> None:
    from govstats.parse.ocr_evidence import _pinned

    a, b, c = ("x", "natural_person"), ("y", "natural_person"), ("z", "natural_person")
    t, s = ("row", "total"), ("col", "total")
    row = ([(a, 1), (b, 1), (t, -1)], 0)  # a + b = t
    col = ([(a, 1), (c, 1), (s, -1)], 0)  # a + c = s
    read = {b: 2, t: 5, c: 1, s: 4}
    assert _pinned([row, col], {a}, read) == {a: 3}  # 5 - 2 = 4 - 1
    assert _pinned([row, col], {a}, {**read, t: 6}) == {}  # 4 ≠ 3: a misread somewhere
    assert _pinned([row], {a}, read) == {}  # one equality checks nothing


def test_a_rule_read_as_a_character_is_dropped() -> None:
    from govstats.read.ocr import _words_of_line

    text = "商业企业|"
    boxes = [[[10 + 30 * i, 0], [38 + 30 * i, 0], [38 + 30 * i, 30], [10 + 30 * i, 30]]
             for i in range(len(text))]  # fmt: skip
    item = ([[10, 0], [158, 0], [158, 30], [10, 30]], text, 0.95, boxes, list(text), None)
    rule_x = 10 + 30 * 4 + 14  # the rule runs through the last "character"
    (word,) = _words_of_line(item, [(rule_x, -50.0, 80.0)])
    assert word.text == "商业企业"
    # no rule there: the engine's reading stands
    assert [w.text for w in _words_of_line(item)] == ["商业企业|"]


def test_a_column_of_the_form_not_read_has_a_finding() -> None:
    from govstats.parse.ocr_evidence import _columns_not_read, _seen_cells

    (layout,) = layout_for("R3")
    t3 = next(t for t in layout.tables if t.id == "t3")
    row = next(r for r in t3.rows if not r.header)
    values = [
        Value(row.code, c.applicant or "total", 1, None, False, "1",
              {"table_id": "t3", "ocr_confidence": 0.99})
        for c in t3.value_columns
        if c.applicant != "commercial"
    ]  # fmt: skip
    (note,) = _columns_not_read(layout, _seen_cells(values, []))
    assert note.rule == "ocr.column_not_read" and row.code in note.indicators
    assert {c["applicant"] for c in note.cells} == {"commercial"}
    assert _columns_not_read(layout, _seen_cells(values[:0], [])) == []  # a table not read: none


def test_sure_readings_pass_untouched() -> None:
    (layout,) = layout_for("R3")
    values = _t4(REVIEW, {})
    kept, unread, notes = confirm_ocr(values, layout)
    assert (kept, unread, _own(notes)) == (values, [], [])
    assert {n.rule for n in notes} == {"ocr.column_not_read"}  # the litigation block


def test_images_are_an_input_kind() -> None:
    assert sniff_kind(b"\x89PNG\r\n\x1a\n" + b"\0" * 20, "t.png") == "image"
    assert sniff_kind(b"\xff\xd8\xff\xe0" + b"\0" * 20, "t.jpg") == "image"
    with pytest.raises(UnreadableInput, match="not a PNG or JPEG"):
        sniff_kind(b"hello", "table.png")


def test_without_the_extra_image_inputs_name_it(
    monkeypatch: pytest.MonkeyPatch, cjk_font_for: Callable[[str], Path]
) -> None:
    pytest.importorskip("fpdf", reason="fpdf2 (govstats[dev]) is not installed")
    monkeypatch.setattr(ocr_mod, "available", lambda: False)
    data = _t4_pdf(cjk_font_for)
    scan = image_only_pdf(data, dpi=72)
    for payload, name in ((scan, "scan.pdf"), (png_bytes(page_images(data, 72)[0]), "t.png")):
        with pytest.raises(UnreadableInput) as err:
            read_document(payload, name)
        message = str(err.value)
        assert "pip install 'govstats[ocr]'" in message and "\n" not in message


# --------------------------------------------------------------------------- with OCR

HEADING = "四、政府信息公开行政复议、行政诉讼情况"
LEAVES = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
# review | direct suit | suit after review: upheld, corrected, other, pending, total
T4 = [3, 1, 0, 0, 4, 2, 0, 1, 0, 3, 12, 0, 0, 1, 13]


def _t4_pdf(cjk_font_for: Callable[[str], Path]) -> bytes:
    """A small page (470 × 190 pt): the heading and a ruled table 四 with its numbers."""
    import fpdf

    text = HEADING + "".join(LEAVES) + "行政复议行政诉讼未经复议直接起诉复议后起诉0123456789"
    pdf = fpdf.FPDF(unit="pt", format=(470, 190))
    pdf.set_auto_page_break(False)
    pdf.add_font("cjk", "", str(cjk_font_for(text)))
    pdf.set_line_width(0.6)
    pdf.add_page()
    pdf.set_font("cjk", size=11)
    pdf.text(20, 30, HEADING)
    x0, y0, w = 20.0, 45.0, 28.0
    rows = [(y0, 20.0), (y0 + 20, 20.0), (y0 + 40, 34.0), (y0 + 74, 22.0)]
    pdf.set_font("cjk", size=8)

    def cell(col: int, span: int, row: int, rspan: int, label: str) -> None:
        top = rows[row][0]
        height = sum(h for _, h in rows[row : row + rspan])
        left = x0 + col * w
        pdf.rect(left, top, span * w, height)
        lines = [label[i : i + 2] for i in range(0, len(label), 2)] if span == 1 else [label]
        for k, line in enumerate(lines):
            tw = pdf.get_string_width(line)
            base = top + (height - 10 * len(lines)) / 2 + 8 + 10 * k
            pdf.text(left + (span * w - tw) / 2, base, line)

    cell(0, 5, 0, 1, "行政复议")
    cell(5, 10, 0, 1, "行政诉讼")
    cell(5, 5, 1, 1, "未经复议直接起诉")
    cell(10, 5, 1, 1, "复议后起诉")
    for c in range(5):
        cell(c, 1, 1, 2, LEAVES[c])
    for c in range(10):
        cell(5 + c, 1, 2, 1, LEAVES[c % 5])
    for c, v in enumerate(T4):
        cell(c, 1, 3, 1, str(v))
    return bytes(pdf.output())


def _value_row(doc: Document) -> list[str]:
    for grid in doc.grids:
        for row in grid.rows:
            texts = [c.text for c in sorted(row, key=lambda c: c.col)]
            if len(texts) == 15 and all(t.isdigit() for t in texts):
                return texts
    return []


@pytest.mark.slow
@needs_ocr
def test_a_table_image_is_read_cell_by_cell(
    cjk_font_for: Callable[[str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("fpdf", reason="fpdf2 (govstats[dev]) is not installed")
    monkeypatch.setenv("GOVSTATS_OCR_CACHE", str(tmp_path))  # not the user's cache
    data = png_bytes(page_images(_t4_pdf(cjk_font_for), dpi=144)[0])
    doc = read_document(data, "table.png")
    assert doc.kind == "image" and doc.reader == "ocr"
    assert _value_row(doc) == [str(v) for v in T4]
    cells = [c for g in doc.grids for r in g.rows for c in r if c.text.isdigit()]
    assert cells and all(c.confidence is not None and 0 < c.confidence <= 1 for c in cells)
    assert any(n.rule == "read.ocr" for n in doc.notes)


@pytest.mark.slow
@needs_ocr
def test_an_image_only_pdf_is_read_through_the_pdf_geometry(
    cjk_font_for: Callable[[str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("fpdf", reason="fpdf2 (govstats[dev]) is not installed")
    monkeypatch.setenv("GOVSTATS_OCR_CACHE", str(tmp_path))
    scan = image_only_pdf(_t4_pdf(cjk_font_for), dpi=200)
    doc = read_document(scan, "scan.pdf")
    assert doc.kind == "pdf" and doc.reader == "ocr"
    assert _value_row(doc) == [str(v) for v in T4]
    (grid,) = [g for g in doc.grids if _value_row_of(g)]
    assert grid.title == HEADING and grid.page == 1
    # cached by the file's hash: the second reading gives the same document from the cache
    assert list(tmp_path.glob("*.json"))
    assert read_document(scan, "scan.pdf") == doc


@pytest.mark.slow
@needs_ocr
def test_pages_read_at_once_give_what_pages_read_one_by_one(
    cjk_font_for: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("fpdf", reason="fpdf2 (govstats[dev]) is not installed")
    monkeypatch.setenv("GOVSTATS_OCR_CACHE", "off")
    image = page_images(_t4_pdf(cjk_font_for), dpi=200)[0]
    pages = [image, image.copy(), image.copy()]
    import io

    buf = io.BytesIO()
    pages[0].save(buf, "PDF", save_all=True, append_images=pages[1:], resolution=200)
    docs = {}
    for threads in ("1", "3"):
        monkeypatch.setenv("GOVSTATS_OCR_THREADS", threads)
        assert ocr_mod.page_threads() == int(threads)
        docs[threads] = ocr_mod.read_scanned_pdf(buf.getvalue())
    assert docs["1"] == docs["3"]
    assert [g.page for g in docs["3"].grids if _value_row_of(g)] == [1, 2, 3]


@pytest.mark.slow
@needs_ocr
def test_a_scan_is_read_in_a_build_worker_under_its_memory_cap(
    cjk_font_for: Callable[[str], Path], tmp_path: Path
) -> None:
    """A build's worker caps its address space (``memory_bytes``, 1 GiB over what it
    starts with); the engine needs more for a page, so the OCR reader raises the cap to
    ``ocr_memory_bytes`` when it starts reading pages.  Run as ``govstats build`` in a
    process of its own: a process that has run the engine already forks workers that
    inherit its memory."""
    pytest.importorskip("fpdf", reason="fpdf2 (govstats[dev]) is not installed")
    import csv
    import io
    import os
    import subprocess
    import sys

    from PIL import Image

    folder = tmp_path / "src" / "scan"
    folder.mkdir(parents=True)
    page = Image.new("RGB", (1654, 2339), "white")  # an A4 page scanned at 200 dpi
    page.paste(page_images(_t4_pdf(cjk_font_for), dpi=200)[0], (100, 150))
    buf = io.BytesIO()
    page.save(buf, "PDF", resolution=200)
    (folder / "report.pdf").write_bytes(buf.getvalue())

    def build(out: str, *limit: str) -> dict[str, str]:
        proc = subprocess.run(
            [sys.executable, "-m", "govstats.cli", "build", str(tmp_path / "src"), "--out",
             str(tmp_path / out), "--jobs", "1", *limit],
            capture_output=True, text=True, timeout=900, check=False,
            env={**os.environ, "GOVSTATS_OCR_CACHE": "off"},
        )  # fmt: skip
        assert (tmp_path / out / "reports.csv").is_file(), proc.stderr
        with (tmp_path / out / "reports.csv").open(encoding="utf-8") as f:
            (row,) = list(csv.DictReader(f))
        return row

    # without the OCR budget the engine runs out of memory under the worker's cap: one line
    tight = build("tight", "--limit", "ocr_memory_bytes=1")
    assert tight["parse_error"].startswith("MemoryError: OCR ran out of memory")
    assert "ocr_memory_bytes=1;" in tight["parse_error"] and "\n" not in tight["parse_error"]
    row = build("out")
    assert row["reader"] == "ocr" and row["parse_error"] == ""
    assert row["has_table"] == "true" and int(row["n_values"]) >= 10


def _value_row_of(grid: Grid) -> bool:
    return any(len(r) == 15 and all(c.text.isdigit() for c in r) for r in grid.rows)


# --------------------------------------------------------------------------- whole reports
# Image-only versions of text PDFs (pages rendered at 200 dpi, put back into a PDF without a
# text layer): every value of the text version is read the same, or it is missing with a
# finding naming its cell; none is wrong.  Slow (OCR of whole pages): not in the fast lane.


def _same_or_flagged(data: bytes, name: str, tmp_path: Path) -> None:
    from govstats.pipeline import parse_report

    text = parse_report(data, filename=name)
    scan = parse_report(image_only_pdf(data, dpi=200), filename=name)
    assert scan.source["reader"] == "ocr" and scan.meta["reader"] == "ocr"
    c = compare(text, scan)
    assert c.wrong == [], c.line()
    assert c.unflagged == [], c.line()
    assert c.extra == [], c.line()
    assert c.same >= c.cells // 2, c.line()  # most of the table is read, not merely flagged
    assert c.core_missing == [], c.line()  # every core cell as in the text version


@pytest.mark.slow
@needs_ocr
def test_a_number_is_read_twice_unless_its_box_left_ink_out() -> None:
    import cv2
    import numpy as np

    img = np.full((120, 400, 3), 255, np.uint8)
    cv2.putText(img, "64", (100, 80), cv2.FONT_HERSHEY_SIMPLEX, 1.6, (0, 0, 0), 3)
    cv2.putText(img, "17", (260, 80), cv2.FONT_HERSHEY_SIMPLEX, 1.6, (0, 0, 0), 3)
    words = ocr_mod.ocr_image(img)
    assert sorted(w.text for w in words) == ["17", "64"]
    again = ocr_mod._reread(img, words, [])
    assert {w.text: (w.reread, w.reread_confidence is not None) for w in again} == {
        "64": ("64", True),
        "17": ("17", True),
    }
    # a box that left the 6 out (the engine reading 4): the ink beside it withholds the
    # second reading, so only an identity can vouch for the 4
    w64 = next(w for w in words if w.text == "64")
    cut = ocr_mod.OcrWord("4", (w64.x0 + w64.x1) / 2, w64.top, w64.x1, w64.bottom, 0.99)
    (alone,) = ocr_mod._reread(img, [cut], [])
    assert alone.reread is None
    # print of too few source pixels (a scan rendered above its resolution): blur misleads
    # both readings alike, so there is no second reading
    assert all(w.reread is None for w in ocr_mod._reread(img, words, [], sharp=0.3))


@pytest.mark.slow
@needs_ocr
def test_the_seed_table_made_image_only(
    cjk_font_for: Callable[[str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("fpdf", reason="fpdf2 (govstats[dev]) is not installed")
    from .renderers import list_pdf, pdf_text
    from .seed_table import seed_list_table

    monkeypatch.setenv("GOVSTATS_OCR_CACHE", str(tmp_path))
    table = seed_list_table()
    _same_or_flagged(list_pdf(table, cjk_font_for(pdf_text(table))), "seed.pdf", tmp_path)


@pytest.mark.slow
@pytest.mark.corpus
@needs_ocr
@pytest.mark.parametrize("name", ["hongze-district-2023", "huaian-city-2024"])
def test_corpus_pdfs_made_image_only(
    shared: Path, name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = shared / "corpus" / name / "report.pdf"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    monkeypatch.setenv("GOVSTATS_OCR_CACHE", str(tmp_path))
    _same_or_flagged(path.read_bytes(), "report.pdf", tmp_path)


def _mixed_pdf(cjk_font_for: Callable[[str], Path]) -> bytes:
    """Page 1 text; page 2 the picture of a table 四 (a table pasted as an image)."""
    import io

    import fpdf

    intro = "某某区人民政府2023年政府信息公开工作年度报告"
    pdf = fpdf.FPDF(unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("cjk", "", str(cjk_font_for(intro)))
    pdf.set_font("cjk", size=12)
    pdf.add_page()
    pdf.text(60, 80, intro)
    pdf.add_page()
    picture = page_images(_t4_pdf(cjk_font_for), dpi=200)[0]
    pdf.image(io.BytesIO(png_bytes(picture)), x=40, y=60, w=470)
    return bytes(pdf.output())


def test_a_picture_page_among_text_pages_without_the_extra(
    cjk_font_for: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("fpdf", reason="fpdf2 (govstats[dev]) is not installed")
    monkeypatch.setattr(ocr_mod, "available", lambda: False)
    doc = read_document(_mixed_pdf(cjk_font_for), "mixed.pdf")
    assert doc.reader is None and "年度报告" in doc.text
    (note,) = [n for n in doc.notes if n.rule == "pdf.image_pages"]
    assert "page(s) 2 " in note.message and "pip install 'govstats[ocr]'" in note.message


@pytest.mark.slow
@needs_ocr
def test_a_picture_page_among_text_pages_is_read_by_ocr(
    cjk_font_for: Callable[[str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("fpdf", reason="fpdf2 (govstats[dev]) is not installed")
    monkeypatch.setenv("GOVSTATS_OCR_CACHE", str(tmp_path))
    doc = read_document(_mixed_pdf(cjk_font_for), "mixed.pdf")
    assert doc.reader == "ocr" and "年度报告" in doc.text.split("\f")[0]
    assert _value_row(doc) == [str(v) for v in T4]
    (note,) = [n for n in doc.notes if n.rule == "read.ocr"]
    assert "page(s) 2 " in note.message
