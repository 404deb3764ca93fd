"""Legacy Word reader: Word 97-2003 binary ``.doc`` (and WPS Office ``.wps``, the same
format in the same OLE container) bytes → :class:`~govstats.model.Document`.

olefile (BSD) opens the OLE compound file; the Word binary format ([MS-DOC]) is read here:

* The FIB at the start of the ``WordDocument`` stream names the table stream (``0Table`` or
  ``1Table``), the piece table (``Clx``) and the paragraph and character property pages
  (``PlcBtePapx``, ``PlcBteChpx``).  The main document is character positions
  ``0 … ccpText``; each piece of it is 8-bit (cp1252, ``fCompressed``) or UTF-16LE text.
* Paragraphs end with ``\\r``; in a table, each cell ends with ``\\x07`` (the cell mark) and
  each row with one more ``\\x07`` paragraph whose properties say it is the row end (TTP,
  ``sprmPFTtp``) and hold the row's cell layout (``sprmTDefTable``: the cells' left and right
  edges and merge flags).  Nested tables (``sprmPItap`` > 1) end their cells and rows with
  ``\\r`` marked ``sprmPFInnerTableCell`` / ``sprmPFInnerTtp``.
* Cells are placed on a grid made of every cell edge of the table's rows, as Word does when
  it saves a ``.doc`` as ``.docx``: a cell's ``colspan`` is the number of grid columns its
  width covers.  A vertically merged cell (``fVertRestart``) grows by one row for every
  continuation cell (``fVertMerge``) below it with the same edges; legacy horizontal merges
  (``fFirstMerged`` + ``fMerged``) are joined.  Nothing else is merged: what Word stores is
  what the grid shows.

What comes out matches :func:`govstats.read.docx.read_docx` for the same document saved as
``.docx``: the same cell texts, positions and spans, the same ``Document.text`` (one line per
paragraph, one tab-separated line per table row, a nested table's rows after the row that
holds it), field results without field codes, hidden and deleted text left out.
``Document.title`` is the title of the file's SummaryInformation property set (None when
absent or empty).  Encrypted, damaged and non-Word inputs raise
:class:`~govstats.errors.UnreadableInput` with a one-line reason.  Word 6.0/95 files
(``nFib`` < 0xC1) are refused with a reason, not guessed at.
"""

from __future__ import annotations

import codecs
import io
import re
import struct
from array import array
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import pairwise

from ..errors import UnreadableInput
from ..model import Document
from .html import MAX_SPAN, TITLE_CHARS, clean_text
from .wordbody import Slot, WordBody, text_lines

__all__ = ["read_doc"]

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_UNIT_LINE = re.compile(r"^[（(]?\s*(?:计量)?单位\s*[:：]")
#: Largest main text read, in characters (a report is a few ten thousand).
MAX_CHARS = 20_000_000

# paragraph sprms
_P_IN_TABLE, _P_TTP, _P_ITAP, _P_DTAP = 0x2416, 0x2417, 0x6649, 0x664A
_P_INNER_CELL, _P_INNER_TTP, _P_HUGE_PAPX = 0x244B, 0x244C, 0x6646
# character sprms: hidden text, deleted revision text
_C_VANISH, _C_RMARK_DEL = 0x083C, 0x0800
# table sprms (in the row-end paragraph's properties)
_T_DEF_TABLE, _T_INSERT, _T_DELETE, _T_DXA_COL = 0xD608, 0x7621, 0x5622, 0x7623
_T_MERGE, _T_SPLIT, _T_VERT_MERGE = 0x5624, 0x5625, 0xD62B
_TABLE_SPRMS = frozenset({_T_DEF_TABLE, _T_INSERT, _T_DELETE, _T_DXA_COL, _T_MERGE, _T_SPLIT,
                          _T_VERT_MERGE})
# Prm0 (a one-sprm property modifier in a piece descriptor): isprm → sprm, those read here
_PRM0 = {0x18: _P_IN_TABLE, 0x19: _P_TTP, 0x5C: _C_VANISH}
_OPERAND_SIZE = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}

# 8-bit pieces are cp1252 ([MS-DOC] 2.4.1); bytes cp1252 leaves undefined read as Latin-1
_CP1252 = {b: ch for b in range(0x80, 0xA0)
           if (ch := bytes([b]).decode("cp1252", errors="replace")) != "\ufffd"}
_CP1252_TABLE = str.maketrans({chr(b): ch for b, ch in _CP1252.items()})
# characters of the text stream that are not printed text: pictures, drawn objects,
# footnote and annotation references, optional hyphen, … (field marks are handled apart)
_DROP = frozenset(chr(c) for c in range(0x20)) - {"\t", "\n", "\x0b", "\r", "\x07", "\x0c"}
_STRUCTURAL = frozenset("\r\x07\x0c")
_FIELD_BEGIN, _FIELD_SEP, _FIELD_END = "\x13", "\x14", "\x15"


def read_doc(data: bytes) -> Document:
    """Read a Word 97-2003 ``.doc`` (or WPS Office ``.wps``) file.  Raises
    :class:`~govstats.errors.UnreadableInput` for bytes that are not a readable Word binary
    document (empty, damaged, encrypted, another OLE file such as ``.xls``, or a ``.doc``
    that is really RTF, HTML or DOCX)."""
    ole = _open_ole(data)
    try:
        paragraphs = _WordFile(ole).paragraphs()
        title = _summary_title(ole)
        reader = _BodyReader()
        reader.read(paragraphs)
    except UnreadableInput:
        raise
    except Exception as exc:  # a damaged stream breaks the parse in many ways
        raise UnreadableInput(f"damaged .doc file: {_reason(exc)}") from exc
    finally:
        ole.close()
    return Document(kind="doc", text="\n".join(reader.lines), grids=reader.grids, title=title)


def _reason(exc: BaseException) -> str:
    name = type(exc).__name__
    if name == "error":  # struct.error, zlib.error, …
        name = f"{type(exc).__module__}.error"
    text = str(exc).strip().splitlines()
    return f"{name}: {text[0]}" if text else name


# ----------------------------------------------------------------------------- container


def _open_ole(data: bytes):  # -> olefile.OleFileIO
    if not data:
        raise UnreadableInput("the .doc input is empty")
    if not data.startswith(_OLE_MAGIC):
        head = data[:1024].lstrip().lower()
        if head.startswith(b"{\\rtf"):
            why = "it is RTF text (a .doc saved as rich text): read it as RTF"
        elif data.startswith(b"PK\x03\x04"):
            why = "it is a zip package (a .docx named .doc): read it as DOCX"
        elif b"mime-version:" in head:
            why = "it is a saved web page (MHTML): read it as MHTML"
        elif head.startswith((b"<", b"\xef\xbb\xbf<")) or b"<html" in head:
            why = "it is HTML or XML (a web page saved as .doc): read it as HTML"
        else:
            why = "no OLE compound-file signature"
        raise UnreadableInput(f"not a Word 97-2003 .doc file: {why}")
    try:
        import olefile
    except ImportError as exc:  # pragma: no cover - optional dependency
        raise ImportError("reading .doc needs olefile: pip install 'govstats[doc]'") from exc
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
        streams = {"/".join(e).lower() for e in ole.listdir(streams=True, storages=False)}
    except Exception as exc:  # olefile raises OSError, ValueError, struct.error, …
        raise UnreadableInput(f"damaged .doc file (OLE container): {_reason(exc)}") from exc
    if "encryptedpackage" in streams or "encryptioninfo" in streams:
        ole.close()
        raise UnreadableInput(
            "password-protected (encrypted) Office file: save it again without a password"
        )
    if "worddocument" not in streams:
        ole.close()
        if "workbook" in streams or "book" in streams:
            kind = "an Excel workbook (.xls/.et)"
        elif "powerpoint document" in streams:
            kind = "a PowerPoint presentation (.ppt/.dps)"
        elif "contents" in streams:
            kind = "a Microsoft Works document (.wps), not Word"
        else:
            kind = "an OLE file without a WordDocument stream (damaged, or not a document)"
        raise UnreadableInput(f"not a Word document: {kind}")
    return ole


def _summary_title(ole) -> str | None:
    """The title of the SummaryInformation property set (PIDSI_TITLE), decoded with the
    set's code page; None when absent or empty."""
    if not ole.exists("\x05SummaryInformation"):
        return None
    try:
        props = ole.getproperties("\x05SummaryInformation", convert_time=False)
    except Exception:  # a broken property set costs the title, not the document
        return None
    title = props.get(2)
    if isinstance(title, bytes):
        codepage = props.get(1)
        title = _decode_codepage(title, codepage if isinstance(codepage, int) else None)
    if not isinstance(title, str):
        return None
    title = clean_text(title.replace("\x00", ""))
    return title or None


def _decode_codepage(raw: bytes, codepage: int | None) -> str:
    raw = raw.split(b"\x00", 1)[0] if codepage != 1200 else raw
    names = {1200: "utf-16-le", 65001: "utf-8", 10000: "mac-roman"}
    candidates = [names.get(codepage or 0, f"cp{(codepage or 0) & 0xFFFF}"), "gb18030"]
    for name in candidates:
        try:
            codecs.lookup(name)
            return raw.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return raw.decode("latin-1")


# ------------------------------------------------------------------------------ the FIB


def _u16(b: bytes, o: int) -> int:
    return struct.unpack_from("<H", b, o)[0]


def _u32(b: bytes, o: int) -> int:
    return struct.unpack_from("<I", b, o)[0]


def _i16(b: bytes, o: int) -> int:
    return struct.unpack_from("<h", b, o)[0]


def _sprms(grpprl: bytes) -> list[tuple[int, bytes]]:
    """The (sprm, operand) pairs of a grpprl; a truncated tail is dropped."""
    out: list[tuple[int, bytes]] = []
    i, n = 0, len(grpprl)
    while i + 2 <= n:
        sprm = _u16(grpprl, i)
        i += 2
        spra = sprm >> 13
        if spra == 6:
            if sprm == _T_DEF_TABLE:
                if i + 2 > n:
                    break
                size = _u16(grpprl, i) + 1
            elif sprm == 0xC615 and i < n and grpprl[i] == 0xFF:  # sprmPChgTabs, long form
                dels = grpprl[i + 1] if i + 1 < n else 0
                adds_at = i + 2 + 4 * dels
                adds = grpprl[adds_at] if adds_at < n else 0
                size = 3 + 4 * dels + 3 * adds
            else:
                if i >= n:
                    break
                size = grpprl[i] + 1
        else:
            size = _OPERAND_SIZE[spra]
        if i + size > n:
            break
        out.append((sprm, grpprl[i : i + size]))
        i += size
    return out


@dataclass(frozen=True)
class _Piece:
    cp: int  # first character position
    cp_end: int
    fc: int  # byte offset in the WordDocument stream
    compressed: bool
    sprms: tuple[tuple[int, bytes], ...]  # from the piece's Prm


@dataclass(frozen=True)
class _ParaProps:
    """The paragraph properties read here: table depth (0 = body text), row-end and
    nested cell / row-end marks, and the table sprms of a row end."""

    depth: int = 0
    ttp: bool = False
    inner_cell: bool = False
    inner_ttp: bool = False
    table_sprms: tuple[tuple[int, bytes], ...] = ()


_BODY = _ParaProps()


@dataclass
class _Para:
    """A paragraph of the main text: its raw text (fields resolved, hidden text dropped),
    the mark that ends it and its properties."""

    text: str
    mark: str
    props: _ParaProps = _BODY

    @property
    def depth(self) -> int:
        return self.props.depth


class _WordFile:
    def __init__(self, ole) -> None:
        self.wd = ole.openstream("WordDocument").read()
        wd = self.wd
        if len(wd) < 0x44:
            raise UnreadableInput("damaged .doc file: the WordDocument stream is too short")
        ident, nfib = _u16(wd, 0), _u16(wd, 2)
        if ident != 0xA5EC:
            raise UnreadableInput(
                f"not a Word 97-2003 document: WordDocument stream starts with 0x{ident:04X}"
            )
        if nfib < 0xC1:
            raise UnreadableInput(
                f"a Word 6.0/95 document (nFib 0x{nfib:02X}): only Word 97-2003 and later "
                "binary files are read; save it as .docx"
            )
        flags = _u16(wd, 0x0A)
        if flags & 0x0100:  # fEncrypted
            how = "XOR-obfuscated" if flags & 0x8000 else "encrypted"
            raise UnreadableInput(
                f"password-protected .doc ({how}): save it again without a password"
            )
        table_name = "1Table" if flags & 0x0200 else "0Table"
        if not ole.exists(table_name):
            raise UnreadableInput(f"damaged .doc file: the {table_name} stream is missing")
        self.table = ole.openstream(table_name).read()
        self.data = ole.openstream("Data").read() if ole.exists("Data") else b""
        # FibBase (32 bytes), csw + FibRgW, cslw + FibRgLw, cbRgFcLcb + FibRgFcLcb
        csw = _u16(wd, 32)
        pos = 34 + 2 * csw
        cslw = _u16(wd, pos)
        rg_lw = pos + 2
        pos = rg_lw + 4 * cslw
        cb_fclcb = _u16(wd, pos)
        rg_fclcb = pos + 2
        if cslw < 4 or cb_fclcb < 34 or rg_fclcb + 8 * cb_fclcb > len(wd):
            raise UnreadableInput("damaged .doc file: the FIB is truncated")
        self.ccp_text = _u32(wd, rg_lw + 4 * 3)

        def fclcb(index: int) -> tuple[int, int]:
            return _u32(wd, rg_fclcb + 8 * index), _u32(wd, rg_fclcb + 8 * index + 4)

        self.pieces = self._read_pieces(*fclcb(33))
        self.papx = self._read_fkps(*fclcb(13), paragraph=True)
        self.chpx = self._read_fkps(*fclcb(12), paragraph=False)
        self._papx_starts = [r[0] for r in self.papx]
        self._chpx_starts = [r[0] for r in self.chpx]
        self._piece_starts = [p.cp for p in self.pieces]
        self._props_cache: dict[tuple[bytes, tuple], _ParaProps] = {}
        self._hidden_cache: dict[bytes, bool] = {}

    # ------------------------------------------------------------------ structures

    def _table_slice(self, fc: int, lcb: int, what: str) -> bytes:
        if lcb == 0 or fc + lcb > len(self.table):
            raise UnreadableInput(f"damaged .doc file: the {what} is missing or truncated")
        return self.table[fc : fc + lcb]

    def _read_pieces(self, fc: int, lcb: int) -> list[_Piece]:
        clx = self._table_slice(fc, lcb, "piece table (Clx)")
        prcs: list[bytes] = []
        i = 0
        plc = b""
        while i < len(clx):
            kind = clx[i]
            if i + (3 if kind == 0x01 else 5) > len(clx):
                raise UnreadableInput("damaged .doc file: the piece table (Clx) is truncated")
            if kind == 0x01:  # Prc: a grpprl that pieces' Prm may point to
                cb = _i16(clx, i + 1)
                if cb < 0:
                    raise UnreadableInput("damaged .doc file: bad Prc in the piece table")
                prcs.append(clx[i + 3 : i + 3 + cb])
                i += 3 + cb
            elif kind == 0x02:  # Pcdt
                size = _u32(clx, i + 1)
                plc = clx[i + 5 : i + 5 + size]
                break
            else:
                raise UnreadableInput("damaged .doc file: the piece table (Clx) is malformed")
        n = (len(plc) - 4) // 12
        if n < 1 or 4 * (n + 1) + 8 * n != len(plc):
            raise UnreadableInput("damaged .doc file: the piece table (Clx) is malformed")
        cps = struct.unpack_from(f"<{n + 1}I", plc, 0)
        pieces = []
        for k in range(n):
            pcd = plc[4 * (n + 1) + 8 * k : 4 * (n + 1) + 8 * k + 8]
            fc_raw, prm = _u32(pcd, 2), _u16(pcd, 6)
            compressed = bool(fc_raw & 0x40000000)
            fc_piece = (fc_raw & 0x3FFFFFFF) // 2 if compressed else fc_raw & 0x3FFFFFFF
            sprms: list[tuple[int, bytes]] = []
            if prm & 1:  # Prm1: an index into the Prc grpprls
                igrpprl = prm >> 1
                if igrpprl < len(prcs):
                    sprms = _sprms(prcs[igrpprl])
            elif prm:
                sprm = _PRM0.get((prm >> 1) & 0x7F)
                if sprm is not None:
                    sprms = [(sprm, bytes([prm >> 8]))]
            if cps[k + 1] < cps[k]:
                raise UnreadableInput("damaged .doc file: piece table out of order")
            pieces.append(_Piece(cps[k], cps[k + 1], fc_piece, compressed, tuple(sprms)))
        return pieces

    def _read_fkps(self, fc: int, lcb: int, *, paragraph: bool) -> list[tuple[int, int, bytes]]:
        """The runs of a PlcBtePapx / PlcBteChpx: (first fc, fc after the run, grpprl)."""
        if lcb < 12 or fc + lcb > len(self.table):
            return []
        n = (lcb - 4) // 8
        plc = self.table[fc : fc + lcb]
        pns = struct.unpack_from(f"<{n}I", plc, 4 * (n + 1))
        runs: list[tuple[int, int, bytes]] = []
        for pn in pns:
            page = self.wd[(pn & 0x3FFFFF) * 512 : (pn & 0x3FFFFF) * 512 + 512]
            if len(page) < 512:
                continue
            crun = page[511]
            if not crun or 4 * (crun + 1) + (13 if paragraph else 1) * crun > 511:
                continue
            fcs = struct.unpack_from(f"<{crun + 1}I", page, 0)
            for k in range(crun):
                b_offset = page[4 * (crun + 1) + (13 * k if paragraph else k)]
                grpprl = b""
                if b_offset:
                    o = 2 * b_offset
                    if paragraph:
                        cb = page[o]
                        if cb == 0:
                            grpprl = page[o + 2 : o + 2 + 2 * page[o + 1]]
                        else:
                            grpprl = page[o + 1 : o + 1 + 2 * cb - 1]
                        grpprl = grpprl[2:]  # istd
                    else:
                        grpprl = page[o + 1 : o + 1 + page[o]]
                runs.append((fcs[k], fcs[k + 1], grpprl))
        runs.sort(key=lambda r: r[0])
        return runs

    def _run_at(self, fc: int, paragraph: bool) -> bytes:
        runs, starts = (
            (self.papx, self._papx_starts) if paragraph else (self.chpx, self._chpx_starts)
        )
        k = bisect_right(starts, fc) - 1
        if k >= 0 and runs[k][0] <= fc < runs[k][1]:
            return runs[k][2]
        return b""

    # -------------------------------------------------------------------- the text

    def _piece_text(self, piece: _Piece, cp_end: int) -> str:
        n = min(piece.cp_end, cp_end) - piece.cp
        if n <= 0:
            return ""
        size = n if piece.compressed else 2 * n
        if piece.fc + size > len(self.wd):
            raise UnreadableInput(
                "damaged .doc file: a text piece lies outside the WordDocument stream"
            )
        raw = self.wd[piece.fc : piece.fc + size]
        if piece.compressed:
            return raw.decode("latin-1").translate(_CP1252_TABLE)
        text = raw.decode("utf-16-le", errors="surrogatepass")
        if len(text) != n:  # surrogate pairs: keep one character per code unit
            text = "".join(map(chr, array("H", raw)))
        return text

    def _hidden(self, piece: _Piece, cp_end: int) -> list[tuple[int, int]]:
        """CP ranges of the piece (up to ``cp_end``) that are hidden or deleted text."""
        if not self.chpx and not piece.sprms:
            return []
        width = 1 if piece.compressed else 2
        end = min(piece.cp_end, cp_end)
        fc_end = piece.fc + width * (end - piece.cp)
        piece_hidden = _char_hidden(piece.sprms)
        out: list[tuple[int, int]] = []
        k = max(0, bisect_right(self._chpx_starts, piece.fc) - 1)
        fc = piece.fc
        while fc < fc_end:
            run = self.chpx[k] if k < len(self.chpx) else None
            if run is None or run[0] > fc:
                stop = min(fc_end, run[0]) if run else fc_end
                hidden = piece_hidden
            elif run[1] <= fc:
                k += 1
                continue
            else:
                stop = min(fc_end, run[1])
                hidden = self._hidden_cache.get(run[2])
                if hidden is None:
                    hidden = self._hidden_cache[run[2]] = _char_hidden(_sprms(run[2]))
                hidden = hidden or piece_hidden
                k += 1
            if hidden:
                a = piece.cp + (fc - piece.fc) // width
                b = piece.cp + (stop - piece.fc + width - 1) // width
                out.append((a, b))
            fc = stop
        return out

    def _props(self, cp: int) -> _ParaProps:
        """The properties of the paragraph whose mark is at ``cp``."""
        piece = self._piece_of(cp)
        if piece is None:
            return _BODY
        fc = piece.fc + (cp - piece.cp) * (1 if piece.compressed else 2)
        grpprl = self._run_at(fc, paragraph=True)
        key = (grpprl, piece.sprms)
        props = self._props_cache.get(key)
        if props is None:
            sprms = _sprms(grpprl)
            for sprm, operand in sprms:
                if sprm == _P_HUGE_PAPX and len(operand) == 4:
                    at = _u32(operand, 0)
                    if at + 2 <= len(self.data):
                        size = _u16(self.data, at)
                        sprms = _sprms(self.data[at + 2 : at + 2 + size])
                    break
            props = self._props_cache[key] = _para_props(sprms + list(piece.sprms))
        return props

    def _piece_of(self, cp: int) -> _Piece | None:
        k = bisect_right(self._piece_starts, cp) - 1
        if k >= 0 and self.pieces[k].cp <= cp < self.pieces[k].cp_end:
            return self.pieces[k]
        return None

    def main_text(self) -> tuple[str, bytearray]:
        """The main document's characters and a mask of those left out (hidden, deleted)."""
        end = self.ccp_text
        if end > MAX_CHARS:
            raise UnreadableInput(f"the .doc claims {end} characters of text: refused")
        parts: list[str] = []
        hidden: list[tuple[int, int]] = []
        at = 0
        for piece in self.pieces:
            if piece.cp >= end:
                break
            if piece.cp != at:
                raise UnreadableInput("damaged .doc file: the piece table has gaps")
            at = piece.cp_end
            parts.append(self._piece_text(piece, end))
            hidden += self._hidden(piece, end)
        text = "".join(parts)
        if len(text) < end:
            raise UnreadableInput("damaged .doc file: the piece table does not cover the text")
        mask = bytearray(len(text))
        for a, b in hidden:
            mask[a:b] = b"\x01" * (min(b, len(text)) - a)
        return text, mask

    def paragraphs(self) -> list[_Para]:
        text, mask = self.main_text()
        out: list[_Para] = []
        buf: list[str] = []
        fields: list[bool] = []  # per open field: True once its result has begun
        for cp, ch in enumerate(text):
            if ch in _STRUCTURAL:
                out.append(_Para(text="".join(buf), mark=ch, props=self._props(cp)))
                buf = []
                continue
            if ch == _FIELD_BEGIN:
                fields.append(False)
            elif ch == _FIELD_SEP:
                if fields:
                    fields[-1] = True
            elif ch == _FIELD_END:
                if fields:
                    fields.pop()
            elif mask[cp] or (fields and not all(fields)) or ch in _DROP:
                continue
            elif ch == "\x0b":
                buf.append("\n")
            elif ch == "\x1e":  # non-breaking hyphen
                buf.append("-")
            else:
                buf.append(ch)
        if buf:
            out.append(_Para(text="".join(buf), mark=""))
        return out


def _char_hidden(sprms) -> bool:
    for sprm, operand in sprms:
        if sprm in (_C_VANISH, _C_RMARK_DEL) and operand and operand[0] in (1, 0x81):
            return True
    return False


def _para_props(sprms: list[tuple[int, bytes]]) -> _ParaProps:
    in_table, itap = False, None
    ttp = inner_cell = inner_ttp = False
    table: list[tuple[int, bytes]] = []
    for sprm, operand in sprms:
        if sprm == _P_IN_TABLE:
            in_table = bool(operand[0])
        elif sprm == _P_TTP:
            ttp = bool(operand[0])
        elif sprm == _P_ITAP and len(operand) == 4:
            itap = struct.unpack_from("<i", operand, 0)[0]
        elif sprm == _P_DTAP and len(operand) == 4:
            itap = (itap or (1 if in_table else 0)) + struct.unpack_from("<i", operand, 0)[0]
        elif sprm == _P_INNER_CELL:
            inner_cell = bool(operand[0])
        elif sprm == _P_INNER_TTP:
            inner_ttp = bool(operand[0])
        elif sprm in _TABLE_SPRMS:
            table.append((sprm, operand))
    if itap is None:
        itap = 1 if in_table else 0
    depth = max(0, min(itap, 64)) if (in_table or itap) else 0
    if not depth:
        return _BODY
    return _ParaProps(depth=depth, ttp=ttp, inner_cell=inner_cell, inner_ttp=inner_ttp,
                      table_sprms=tuple(table))


# ------------------------------------------------------------------------------ tables


@dataclass
class _RowDef:
    """A row's cell layout: each cell's left and right edge (twips) and merge flags."""

    edges: list[tuple[int, int]]
    flags: list[int]  # TC80.tcgrf bits; vertical merge as set by sprmTVertMerge too


def _row_def(sprms: tuple[tuple[int, bytes], ...]) -> _RowDef | None:
    centers: list[int] = []
    flags: list[int] = []
    seen = False
    for sprm, op in sprms:
        if sprm == _T_DEF_TABLE:
            seen = True
            body = op[2:]
            n = body[0] if body else 0
            centers = [_i16(body, 1 + 2 * k) for k in range(n + 1) if 3 + 2 * k <= len(body)]
            n = len(centers) - 1
            tcs = 1 + 2 * (n + 1)
            flags = [
                _u16(body, tcs + 20 * k) if tcs + 20 * k + 2 <= len(body) else 0
                for k in range(max(n, 0))
            ]
        elif not seen:
            continue
        elif sprm == _T_VERT_MERGE and len(op) >= 3:
            itc, how = op[1], op[2]
            if itc < len(flags):
                flags[itc] &= ~0x60
                flags[itc] |= {1: 0x20, 3: 0x60}.get(how, 0)
        elif sprm in (_T_MERGE, _T_SPLIT) and len(op) >= 2:
            first, lim = op[0], min(op[1], len(flags))
            for itc in range(first, lim):
                flags[itc] &= ~0x03
                if sprm == _T_MERGE:
                    flags[itc] |= 0x01 if itc == first else 0x02
        elif sprm == _T_INSERT and len(op) >= 4:
            at, count, width = op[0], op[1], _i16(op, 2)
            at = min(at, len(centers) - 1) if centers else 0
            if not centers:
                centers = [0]
            base = centers[at]
            new = [base + width * (k + 1) for k in range(count)]
            tail = [c + width * count for c in centers[at + 1 :]]
            centers = centers[: at + 1] + new + tail
            flags = flags[:at] + [0] * count + flags[at:]
        elif sprm == _T_DELETE and len(op) >= 2:
            first, lim = op[0], min(op[1], len(flags))
            if first < lim:
                shift = centers[lim] - centers[first]
                centers = centers[: first + 1] + [c - shift for c in centers[lim + 1 :]]
                del flags[first:lim]
        elif sprm == _T_DXA_COL and len(op) >= 4:
            first, lim, width = op[0], min(op[1], len(flags)), _i16(op, 2)
            for itc in range(first, lim):
                delta = centers[itc] + width - centers[itc + 1]
                centers = centers[: itc + 1] + [c + delta for c in centers[itc + 1 :]]
    if not seen or len(centers) < 2:
        return None
    return _RowDef(edges=list(pairwise(centers)), flags=flags)


@dataclass
class _Cell:
    paragraphs: list[str] = field(default_factory=list)
    nested: list[_Table] = field(default_factory=list)
    _text: str | None = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = clean_text(_pairs(" ".join(self.paragraphs)))
        return self._text


@dataclass
class _Row:
    cells: list[_Cell]
    layout: _RowDef | None


@dataclass
class _Table:
    rows: list[_Row] = field(default_factory=list)
    cells: list[_Cell] = field(default_factory=list)  # the row being read
    current: _Cell = field(default_factory=_Cell)  # the cell being read

    def end_cell(self) -> None:
        self.cells.append(self.current)
        self.current = _Cell()

    def end_row(self, layout: _RowDef | None) -> None:
        if self.current.paragraphs or self.current.nested:  # a row end without a cell mark
            self.end_cell()
        self.rows.append(_Row(self.cells, layout))
        self.cells = []

    def close(self) -> None:
        if self.current.paragraphs or self.current.nested:
            self.end_cell()
        if self.cells:
            self.rows.append(_Row(self.cells, None))
            self.cells = []


#: Cell edges closer than this (twips) are one grid line: writers round cell widths, so
#: the same column edge can differ by a twip or two between rows (23 twips is the smallest
#: cell LibreOffice lays out, its ``MINLAY``).
EDGE_TOLERANCE = 23


def _grid_lines(table: _Table) -> dict[int, int]:
    """Every cell edge of the table's rows → the grid line it stands on (0, 1, …): the
    columns of the table's grid, edges within :data:`EDGE_TOLERANCE` of a line's first
    edge falling on that line."""
    edges = sorted({x for row in table.rows if row.layout for e in row.layout.edges for x in e})
    out: dict[int, int] = {}
    line, first = -1, None
    for x in edges:
        if first is None or x - first >= EDGE_TOLERANCE:
            line, first = line + 1, x
        out[x] = line
    return out


def _layout(table: _Table) -> list[list[Slot]]:
    """Place the cells on the grid (as :func:`govstats.read.docx._layout` does for the XML)."""
    index = _grid_lines(table)
    out: list[list[Slot]] = []
    above: dict[int, Slot] = {}
    for r, row in enumerate(table.rows):
        here: dict[int, Slot] = {}
        slots: list[Slot] = []
        c = 0
        for k, cell in enumerate(row.cells):
            tcgrf = 0
            if row.layout and k < len(row.layout.edges):
                left, right = row.layout.edges[k]
                c = index[left]
                colspan = max(1, index[right] - c) if right > left else 1
                tcgrf = row.layout.flags[k] if k < len(row.layout.flags) else 0
            else:
                colspan = 1
            colspan = min(colspan, MAX_SPAN)
            owner = above.get(c)
            v_continue = tcgrf & 0x20 and not tcgrf & 0x40
            if (v_continue and owner is not None and owner.col == c
                    and owner.colspan == colspan and owner.row + owner.rowspan == r):
                owner.rowspan += 1
                for j in range(colspan):
                    here[c + j] = owner
                c += colspan
                continue
            if tcgrf & 0x02 and not tcgrf & 0x01 and slots and slots[-1].right == c:
                slots[-1].colspan += colspan
                slots[-1].right = c + colspan
                if cell.text:
                    slots[-1].text = clean_text(f"{slots[-1].text} {cell.text}")
                for j in range(colspan):
                    here[c + j] = slots[-1]
                c += colspan
                continue
            slot = Slot(row=r, col=c, colspan=colspan, tc_index=k + 1, text=cell.text,
                         right=c + colspan)
            slots.append(slot)
            for j in range(colspan):
                here[c + j] = slot
            c += colspan
        above = here
        out.append(slots)
    return out


# -------------------------------------------------------------------------------- body


def _pairs(text: str) -> str:
    """Join UTF-16 surrogate pairs kept apart while reading code units."""
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text


class _BodyReader(WordBody):
    """Paragraphs → lines and grids, as the DOCX reader gives them for the same document."""

    def read(self, paragraphs: list[_Para]) -> None:
        stack: list[_Table] = []
        for para in paragraphs:
            depth = para.depth
            while len(stack) > depth:
                self._close(stack)
            while len(stack) < depth:
                stack.append(_Table())
            if depth == 0:
                for line in text_lines(_pairs(para.text)):
                    self.paragraph(line)
                continue
            table = stack[-1]
            props = para.props
            row_end = props.ttp if depth == 1 else props.inner_ttp
            if row_end:
                table.end_row(_row_def(props.table_sprms))
                continue
            table.current.paragraphs.append(para.text)
            cell_end = para.mark == "\x07" if depth == 1 else props.inner_cell
            if cell_end:
                table.end_cell()
        while stack:
            self._close(stack)

    def _close(self, stack: list[_Table]) -> None:
        table = stack.pop()
        table.close()
        if stack:  # a nested table belongs to the cell being read in the table around it
            stack[-1].current.nested.append(table)
        else:
            self._emit(table, title=None)

    def _emit(self, table: _Table, title: str | None) -> None:
        slots = _layout(table)

        def nested(r: int) -> None:
            for cell in table.rows[r].cells:
                for inner in cell.nested:
                    self._emit(inner, title=cell.text[:TITLE_CHARS] or None)

        self.table(slots, title, after_row=nested)
