"""Readers: input bytes → :class:`~govstats.model.Document` (text plus cell grids).

One reader per input kind; :func:`read_document` picks one from the file name and the
bytes' signature.  Readers know nothing of indicators: they only find tables and cells.
"""

from __future__ import annotations

import re

from ..errors import UnreadableInput
from ..limits import LimitExceeded, check, current_limits
from ..model import Document

KINDS = ("pdf", "docx", "doc", "html", "mhtml", "markdown", "text", "image")
_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE compound files: legacy .doc, .wps, .xls


def sniff_kind(data: bytes, filename: str | None = None) -> str:
    """The input kind from the bytes' signature, then the file name's extension."""
    head = data[:2048].lstrip()
    if data.startswith(_OLE):
        # a legacy Word file (.doc, WPS .wps); the .doc reader names other OLE files (.xls,
        # Works .wps, encrypted files) in its error
        return "doc"
    if data.startswith(b"{\\rtf"):
        raise UnreadableInput(
            "an RTF file (.rtf, or a .doc saved as RTF): save it as .docx or .pdf"
        )
    if _is_mhtml(head):
        return "mhtml"
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):
        return "image"  # a table published as a picture (PNG, JPEG): read by OCR
    if data.startswith(b"PK\x03\x04") and b"word/" in data[:65536]:
        return "docx"
    low = head.lower()
    if (
        low.startswith((b"<!doctype html", b"<html", b"<?xml"))
        or b"<table" in data[:200000].lower()
    ):
        return "html"
    name = (filename or "").lower()
    if name.endswith((".htm", ".html", ".shtml")):
        return "html"
    if name.endswith((".md", ".markdown")):
        return "markdown"
    if name.endswith(".pdf"):
        return "pdf"
    if name.endswith(".docx"):
        return "docx"
    if name.endswith((".doc", ".wps")):
        return "doc"  # not an OLE file: the .doc reader says what it is
    if name.endswith(_IMAGE_SUFFIXES):
        raise UnreadableInput(f"not a PNG or JPEG image, though named {name.rsplit('/', 1)[-1]}")
    return "text"


def read_document(data: bytes, filename: str | None = None, kind: str | None = None) -> Document:
    """Read ``data`` into a :class:`Document`.  ``kind`` overrides detection.

    The :class:`~govstats.limits.Limits` in force bound the input's bytes, the text read
    from it, the cells of its tables after span expansion and the digits of a run: a breach
    raises :class:`~govstats.limits.LimitExceeded`."""
    check("input_bytes", len(data), "the input's size in bytes")
    kind = kind or sniff_kind(data, filename)
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    doc = _read(data, kind)
    check_document(doc)
    return doc


_LONG_RUN: dict[int, re.Pattern[str]] = {}


def check_document(doc: Document) -> None:
    """Apply the limits on a read document: its text, its grids' slots after span
    expansion (rows × columns per grid, summed) and its longest run of digits."""
    limits = current_limits()
    check("text_chars", len(doc.text), "the length of the text read in characters")
    slots = 0
    for grid in doc.grids:
        cols = max((c.col + c.colspan for row in grid.rows for c in row), default=0)
        slots += len(grid.rows) * cols
    check("grid_cells", slots, "the number of table cells after rowspan/colspan expansion")
    n = limits.run_digits
    run = _LONG_RUN.get(n) or _LONG_RUN.setdefault(n, re.compile(rf"\d{{{n + 1}}}"))
    texts = [doc.text, *(c.text for grid in doc.grids for row in grid.rows for c in row)]
    for text in texts:
        if run.search(text):
            longest = max(len(m) for m in re.findall(rf"\d{{{n + 1},}}", text))
            raise LimitExceeded("run_digits", n, longest, "the longest run of digits")


def _read(data: bytes, kind: str) -> Document:
    if kind == "pdf":
        from .pdf import read_pdf

        return read_pdf(data)
    if kind == "image":
        from .ocr import read_image

        return read_image(data)
    if kind == "docx":
        from .docx import read_docx

        return read_docx(data)
    if kind == "doc":
        from .doc import read_doc

        return read_doc(data)
    if kind == "html":
        from .html import read_html

        return read_html(data)
    if kind == "mhtml":
        from .html import read_html

        doc = read_html(_mhtml_html(data))
        doc.kind = "mhtml"
        return doc
    from .decode import decode_bytes

    run = re.search(rb"[0-9]{%d,}" % (current_limits().run_digits + 1), data)
    if run:  # ASCII digits read the same in every encoding a text input may come in
        raise LimitExceeded("run_digits", current_limits().run_digits, len(run.group()),
                            "the longest run of digits")
    if len(data) > 4 * current_limits().text_chars:  # no encoding takes more than 4 bytes a char
        raise LimitExceeded("text_chars", current_limits().text_chars, len(data) // 4,
                            "the text's length in characters (at least)")
    if not data.strip():
        raise UnreadableInput("the input is empty" if not data else "the input is only spaces")
    text, encoding = decode_bytes(data)
    check("text_chars", len(text), "the text's length in characters")
    if kind == "markdown" or _looks_like_markdown_tables(text):
        from .markdown import read_markdown

        doc = read_markdown(text)
    else:
        from .text import read_text

        doc = read_text(text)
    doc.encoding = encoding
    return doc


def _is_mhtml(head: bytes) -> bool:
    """A web page saved by a browser as one file (MHTML: MIME with the page as a part)."""
    low = head[:1024].lower()
    return b"mime-version:" in low and b"multipart/related" in low


def _mhtml_html(data: bytes) -> bytes:
    """The first text/html part of an MHTML file, transfer-decoded (quoted-printable or
    base64), as bytes in its declared charset (the HTML reader decodes them)."""
    import email
    from email import policy

    msg = email.message_from_bytes(data, policy=policy.compat32)
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes) and payload:
                charset = part.get_content_charset()
                if charset and b"charset" not in payload[:4096].lower():
                    # keep the part's charset visible to the HTML reader's decoder
                    meta = f'<meta charset="{charset}">'.encode("ascii", "ignore")
                    payload = meta + payload
                return payload
    raise UnreadableInput("a saved web page (MHTML) without an HTML part")


def _looks_like_markdown_tables(text: str) -> bool:
    """Pipe-table text (converter output) rather than tab/space/run-together text."""
    pipe_lines = sum(1 for line in text.splitlines() if line.count("|") >= 2)
    return pipe_lines >= 5


__all__ = ["KINDS", "UnreadableInput", "read_document", "sniff_kind"]
