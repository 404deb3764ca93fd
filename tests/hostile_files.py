"""Hostile files, generated: each case of the hostile-input issue at a chosen size.

Every case is a function ``size → (file name, bytes)``; :data:`CASES` gives, per case, the
builder, the size the issue measured (``full``, used by ``benchmarks/bench_hostile.py``), a
small size for the test suite (``small``) and what govstats must make of it: the name of the
limit whose typed error it ends in (:class:`govstats.limits.LimitExceeded`), ``"error"`` for
another one-line :class:`~govstats.errors.GovstatsError`, ``"result"`` for a report with
values, or ``"any"`` for a report or an error other than a limit's (a file just under a
limit, at the small size).
Nothing here is real report text: labels are the national form's, numbers are made up.
"""

from __future__ import annotations

import base64
import io
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from .own_reports import form_report
from .renderers import form_html, form_markdown

__all__ = ["CASES", "Case", "build"]

_TITLE = "某某区人民政府2021年政府信息公开工作年度报告"


def _html(body: str) -> bytes:
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{_TITLE}</title></head>'
        f"<body><p>{_TITLE}</p>{body}</body></html>"
    ).encode()


def span_bomb(rows: int) -> tuple[str, bytes]:
    """``rows`` rows of one ``<td rowspan="200" colspan="200">`` cell each."""
    tr = '<tr><td rowspan="200" colspan="200">1</td></tr>'
    return "span-bomb.html", _html("<table>" + tr * rows + "</table>")


def wide_colspan(rows: int) -> tuple[str, bytes]:
    """A row of 1,000 ``colspan="200"`` cells over ``rows`` plain rows."""
    head = "<tr>" + '<td colspan="200">总计</td>' * 1000 + "</tr>"
    body = "<tr><td>收到申请数</td><td>1</td></tr>" * rows
    return "wide-colspan.html", _html("<table>" + head + body + "</table>")


def big_grid(n: int) -> tuple[str, bytes]:
    """A report page whose second table is ``n`` × ``n`` cells of numbers (under the grid
    limit when ``n`` × ``n`` is)."""
    page = form_html(form_report("R3", 2021, 5))
    rng = random.Random(n)
    rows = "".join(
        "<tr>" + "".join(f"<td>{rng.randint(0, 99)}</td>" for _ in range(n)) + "</tr>"
        for _ in range(n)
    )
    return "big-grid.html", page.replace(b"</body>", f"<table>{rows}</table></body>".encode())


def big_text(mb: int) -> tuple[str, bytes]:
    """A report in plain text padded to ``mb`` megabytes with prose lines."""
    rep = form_markdown(form_report("R3", 2021, 1))
    line = "本机关认真贯彻落实政府信息公开条例，持续推进政务公开工作。\n"
    pad = line * (mb * 1_000_000 // len(line.encode()) + 1)
    return "big.txt", (_TITLE + "\n" + pad + rep).encode()


def _docx_with(document_xml: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    """A DOCX package (written with python-docx) whose ``word/document.xml`` is replaced."""
    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = document_xml if info.filename == "word/document.xml" else src.read(info)
            dst.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            dst.writestr(name, data)
    return out.getvalue()


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_big_xml(mb: int) -> tuple[str, bytes]:
    """A DOCX whose ``document.xml`` unzips to ``mb`` megabytes (repeated paragraphs)."""
    p = "<w:p><w:r><w:t>本机关认真贯彻落实政府信息公开条例。</w:t></w:r></w:p>"
    n = mb * 1_000_000 // len(p.encode()) + 1
    xml = f'<?xml version="1.0"?><w:document {_W}><w:body>{p * n}</w:body></w:document>'
    return "big-xml.docx", _docx_with(xml.encode())


def docx_span_bomb(rows: int) -> tuple[str, bytes]:
    """A DOCX table of ``rows`` rows of 50 cells with ``gridSpan`` 200 each."""
    tc = '<w:tc><w:tcPr><w:gridSpan w:val="200"/></w:tcPr><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc>'
    tr = "<w:tr>" + tc * 50 + "</w:tr>"
    xml = (f'<?xml version="1.0"?><w:document {_W}><w:body><w:tbl>{tr * rows}</w:tbl>'
           "</w:body></w:document>")  # fmt: skip
    return "span-bomb.docx", _docx_with(xml.encode())


def zip_lying_sizes(mb: int) -> tuple[str, bytes]:
    """A DOCX whose extra entries say in their headers they are 10 bytes but inflate to
    ``mb`` megabytes in all (zeros deflate ~1000:1)."""
    _, data = docx_big_xml(0)
    buf = io.BytesIO(data)
    with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED) as zf:
        for k in range(4):
            zf.writestr(f"word/media/blob{k}.bin", b"\0" * (mb * 1_000_000 // 4))
    raw = bytearray(buf.getvalue())
    # rewrite the uncompressed size of every blob entry, local header and central directory
    for sig, name_at, size_at in ((b"PK\x03\x04", 26, 22), (b"PK\x01\x02", 28, 24)):
        pos = raw.find(sig)
        while pos >= 0:
            name_len = int.from_bytes(raw[pos + name_at : pos + name_at + 2], "little")
            head = 30 if sig == b"PK\x03\x04" else 46
            name = bytes(raw[pos + head : pos + head + name_len])
            if b"blob" in name:
                raw[pos + size_at : pos + size_at + 4] = (10).to_bytes(4, "little")
            pos = raw.find(sig, pos + 4)
    return "lying-sizes.docx", bytes(raw)


def digit_row(n: int) -> tuple[str, bytes]:
    """A text report whose table 四 row is one run of ``n`` digits."""
    rep = form_markdown(form_report("R3", 2021, 2))
    rng = random.Random(n)
    digits = "".join(rng.choice("123456789") for _ in range(n))
    return "digits.txt", (_TITLE + "\n" + rep + "\n行政复议\t" + digits + "\n").encode()


def pdf_pages(pages: int) -> tuple[str, bytes]:
    """A text-layer PDF of ``pages`` near-empty pages (built by hand: one shared content
    stream)."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{4 + k} 0 R" for k in range(pages))
    objs.append(f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode())
    stream = b"BT /F1 12 Tf 72 720 Td (page) Tj ET"
    objs.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    font = 4 + pages
    for _ in range(pages):
        objs.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R "
            f"/Resources << /Font << /F1 {font} 0 R >> >> >>".encode()
        )
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for k, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % k + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return "pages.pdf", bytes(out)


def damaged_pdf(pages: int) -> tuple[str, bytes]:
    """A PDF whose font dictionary is broken (pdfminer logs a warning per page)."""
    _, data = pdf_pages(pages)
    return "damaged.pdf", data.replace(b"<< /Type /Font", b"<< /Type /Font /Widths [1 2 <<")


def deep_nesting(depth: int) -> tuple[str, bytes]:
    """A page of ``depth`` unclosed ``<div>`` elements around a report's tables."""
    page = form_html(form_report("R3", 2021, 6))
    return "deep.html", page.replace(b"<body>", b"<body>" + b"<div>" * depth)


def mhtml_big(mb: int) -> tuple[str, bytes]:
    """A saved page (MHTML) whose base64 HTML part decodes to ``mb`` megabytes."""
    page = form_html(form_report("R3", 2021, 3))
    pad = b"<p>" + "政务公开".encode() * 20 + b"</p>\n"
    html = page.replace(b"</body>", pad * (mb * 1_000_000 // len(pad) + 1) + b"</body>")
    b64 = base64.encodebytes(html)
    head = (b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"B\"\r\n\r\n"
            b"--B\r\nContent-Type: text/html; charset=utf-8\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\n")  # fmt: skip
    return "big.mhtml", head + b64 + b"\r\n--B--\r\n"


def empty_text(_: int) -> tuple[str, bytes]:
    return "empty.txt", b""


def random_bytes(n: int) -> tuple[str, bytes]:
    return "random.pdf", random.Random(n).randbytes(n)


def billion_laughs(_: int) -> tuple[str, bytes]:
    """A DOCX whose document.xml declares nested entities (entities are not expanded)."""
    ents = '<!ENTITY a0 "ha">' + "".join(
        f'<!ENTITY a{k} "{("&a" + str(k - 1) + ";") * 10}">' for k in range(1, 10)
    )
    xml = (f'<?xml version="1.0"?><!DOCTYPE w:document [{ents}]><w:document {_W}><w:body>'
           "<w:p><w:r><w:t>&a9;</w:t></w:r></w:p></w:body></w:document>")  # fmt: skip
    return "laughs.docx", _docx_with(xml.encode())


def clean_html(_: int) -> tuple[str, bytes]:
    """A clean generated report: must still parse to values under the default limits."""
    return "clean.html", form_html(form_report("R3", 2021, 4))


@dataclass(frozen=True)
class Case:
    build: Callable[[int], tuple[str, bytes]]
    full: int  # the size the issue measured
    small: int  # the size the test suite uses
    outcome: str  # a limit's name, "error", "result" or "any"
    # limits the test suite lowers so that the small size breaches them (name → value)
    small_limits: tuple[tuple[str, int], ...] = ()


CASES: dict[str, Case] = {
    "html_span_bomb": Case(span_bomb, 2000, 40, "grid_cells", (("grid_cells", 10_000),)),
    # 1,000 cells of colspan 200 breach the default limit whatever the rows below them
    "html_wide_colspan": Case(wide_colspan, 5000, 20, "grid_cells"),
    "docx_span_bomb": Case(docx_span_bomb, 2000, 20, "grid_cells", (("grid_cells", 10_000),)),
    "grid_at_limit": Case(big_grid, 550, 30, "result"),
    "text_50mb": Case(big_text, 50, 1, "text_chars", (("text_chars", 100_000),)),
    "text_at_limit": Case(big_text, 2, 1, "result"),
    "docx_40mb_xml": Case(docx_big_xml, 40, 1, "xml_bytes", (("xml_bytes", 500_000),)),
    "zip_lying_sizes": Case(
        zip_lying_sizes, 2000, 4, "unzipped_bytes", (("unzipped_bytes", 1_000_000),)
    ),
    "docx_xml_at_limit": Case(docx_big_xml, 15, 1, "any"),
    "digit_row_1m": Case(digit_row, 1_000_000, 800, "run_digits", (("run_digits", 500),)),
    "pdf_pages": Case(pdf_pages, 5000, 30, "pages", (("pages", 10),)),
    "mhtml_big": Case(mhtml_big, 40, 1, "html_bytes", (("html_bytes", 500_000),)),
    "input_bytes": Case(
        random_bytes, 80_000_000, 20_000, "input_bytes", (("input_bytes", 10_000),)
    ),
    "empty_txt": Case(empty_text, 0, 0, "error"),
    "damaged_pdf": Case(damaged_pdf, 40, 3, "error"),
    "deep_nesting": Case(deep_nesting, 100_000, 3000, "any"),
    "billion_laughs": Case(billion_laughs, 0, 0, "error"),
    "clean_html": Case(clean_html, 0, 0, "result"),
}


def build(name: str, size: int | None = None) -> tuple[str, bytes]:
    """The file of case ``name`` at ``size`` (default: the small size)."""
    case = CASES[name]
    return case.build(case.small if size is None else size)
