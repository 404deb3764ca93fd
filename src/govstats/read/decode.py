"""Bytes → text.

Order: a byte-order mark; strict UTF-8; the charset the document declares (HTML ``<meta>``
or XML prolog), with gb2312/gbk read as gb18030 (decoding as gb2312 silently drops rows of
rare characters); else detection with charset-normalizer.  Never guesses silently: the
encoding used is returned so it can be recorded with the report.
"""

from __future__ import annotations

import codecs
import re

from ..errors import UnreadableInput

_DECLARED = re.compile(
    rb"""(?:<meta[^>]+charset\s*=\s*["']?\s*|<\?xml[^>]+encoding\s*=\s*["'])([A-Za-z0-9_\-]+)""",
    re.IGNORECASE,
)
# Encodings whose superset must be used to read real-world bytes.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "cp936": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "big5": "big5hkscs",
    "iso-8859-1": "cp1252",
}

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def declared_charset(data: bytes) -> str | None:
    """The charset the document declares in its first 4 KiB, if any (lower case)."""
    m = _DECLARED.search(data[:4096])
    return m.group(1).decode("ascii").lower() if m else None


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode ``data``; return ``(text, encoding_used)``.  Raises :class:`UnreadableInput`."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError:
                if enc != "utf-8-sig":
                    raise UnreadableInput(
                        f"the input starts with a {enc} byte-order mark but is not {enc}"
                    ) from None
                data = data[len(bom) :]  # a UTF-8 BOM over damaged bytes: decode the rest
                break
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = declared_charset(data)
    if declared:
        enc = _SUPERSETS.get(declared, declared)
        try:
            return data.decode(enc), enc
        except (LookupError, UnicodeDecodeError):
            pass
    # UTF-8 with a few stray bytes (a truncated or spliced page) stays UTF-8: detection
    # would otherwise pick a single-byte code page and garble every Chinese character.
    lossy = data.decode("utf-8", errors="replace")
    bad = lossy.count("\ufffd")
    if bad and bad <= max(3, len(data) // 2000) and _mostly_cjk(lossy):
        return lossy, f"utf-8 ({bad} undecodable byte(s) replaced)"
    try:  # mainland reports without a declaration are GBK-family far more often than not
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and best.encoding:
        enc = _SUPERSETS.get(best.encoding.lower(), best.encoding)
        try:
            return data.decode(enc), enc
        except (LookupError, UnicodeDecodeError):
            pass
    raise UnreadableInput("cannot determine the text encoding of the input")


def _mostly_cjk(text: str) -> bool:
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    letters = sum(1 for ch in text if ch.isalpha())
    return letters > 0 and cjk / letters > 0.3
