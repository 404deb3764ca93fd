"""DOCX reader: bytes → :class:`~govstats.model.Document` (body text plus cell grids).

python-docx opens the package; the body is then read from its WordprocessingML directly,
because python-docx's table API returns a merged cell once per grid column (and row) it
covers.  Each ``<w:tc>`` is read once: ``<w:gridSpan>`` gives the colspan, a
``<w:vMerge w:val="restart">`` cell grows by one row for every ``<w:vMerge/>`` (continue)
cell below it in the same grid column, legacy ``<w:hMerge>`` continues the cell to its left,
and ``<w:gridBefore>`` shifts a row's first cell.  Content controls (``<w:sdt>``) and custom
XML wrappers are read through.

* Every table with at least one non-empty cell becomes a :class:`~govstats.model.Grid`,
  numbered 1, 2, … in document order (an outer table before the tables nested in its cells);
  nested tables are grids of their own and their text is not repeated in the outer cell.
  ``Grid.rows[i]`` holds the cells whose top-left slot is in row ``i``; cell paths read
  ``table[1]/tr[3]/tc[2]`` (the 2nd ``<w:tc>`` of the 3rd ``<w:tr>``).
* Cell text: the cell's paragraphs joined by a space, whitespace collapsed as in the HTML
  reader (:func:`govstats.read.html.clean_text`).  Hidden runs (``<w:vanish/>``), deleted
  text and the fallback copy of text boxes are left out.
* ``Document.text``: paragraphs and tables in body order, one line per paragraph (a manual
  line break starts a new line; tabs are kept as one tab), one line per table row with its
  cells separated by tabs; a nested table's rows follow the row that holds it.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

import lxml.etree as etree

from ..errors import UnreadableInput
from ..limits import LimitExceeded, check, current_limits, inflated_size
from ..model import Document
from .html import MAX_SPAN, TITLE_CHARS, clean_text
from .wordbody import Slot, WordBody, text_lines

__all__ = ["read_docx"]

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_P, _TBL, _TR, _TC = (f"{{{_W}}}{t}" for t in ("p", "tbl", "tr", "tc"))
_R, _T, _TAB, _PTAB, _BR, _CR = (f"{{{_W}}}{t}" for t in ("r", "t", "tab", "ptab", "br", "cr"))
_NB_HYPHEN = f"{{{_W}}}noBreakHyphen"
_VAL = f"{{{_W}}}val"
_WRAPPERS = frozenset({f"{{{_W}}}sdt", f"{{{_W}}}sdtContent", f"{{{_W}}}customXml",
                       f"{{{_W}}}smartTag"})
_FALLBACK = f"{{{_MC}}}Fallback"


def read_docx(data: bytes) -> Document:
    """Read a DOCX file.  Raises :class:`~govstats.errors.UnreadableInput` for bytes that
    are not a readable DOCX package (empty, corrupt, legacy ``.doc``, HTML or RTF)."""
    body = _open_body(data)
    reader = _BodyReader()
    reader.read_blocks(body)
    return Document(kind="docx", text="\n".join(reader.lines), grids=reader.grids)


def _open_body(data: bytes) -> etree._Element:
    if not data:
        raise UnreadableInput("the DOCX input is empty")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableInput(
            "this is a legacy Word 97-2003 (.doc) file, not DOCX: convert it to .docx first"
        )
    head = data[:512].lstrip().lower()
    if head.startswith(b"{\\rtf"):
        raise UnreadableInput("this is an RTF file, not DOCX: convert it to .docx first")
    if head.startswith((b"<", b"\xef\xbb\xbf<")):
        raise UnreadableInput("this is HTML or XML text, not DOCX: read it as HTML")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise UnreadableInput(f"not a DOCX file (not a readable zip package): {exc}") from exc
    _check_inflated(data, infos)
    try:
        import docx
    except ImportError as exc:  # pragma: no cover - optional dependency
        raise ImportError("reading DOCX needs python-docx: pip install 'govstats[docx]'") from exc
    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
    except (TimeoutError, MemoryError):
        raise  # the build's time or memory bound, not a property of the file
    except Exception as exc:  # python-docx raises many kinds for corrupt packages
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UnreadableInput(f"cannot open the DOCX package: {reason}") from exc
    if body is None:
        raise UnreadableInput("the DOCX package has no document body")
    return body


def _check_inflated(data: bytes, infos: list[zipfile.ZipInfo]) -> None:
    """Inflate every entry in chunks, counting the bytes (the sizes the zip headers state
    are not trusted): refuse a package past ``unzipped_bytes`` in all or ``xml_bytes`` in
    its XML parts (:class:`~govstats.limits.LimitExceeded`)."""
    limits = current_limits()
    total = xml = 0
    for info in infos:
        start = info.header_offset
        head = data[start : start + 30]
        if len(head) < 30 or not head.startswith(b"PK\x03\x04"):
            continue  # zipfile reports the broken entry when python-docx opens it
        skip = 30 + int.from_bytes(head[26:28], "little") + int.from_bytes(head[28:30], "little")
        raw = data[start + skip : start + skip + info.compress_size]
        size = inflated_size(raw, info.compress_type, limits.unzipped_bytes - total)
        total += size
        if total > limits.unzipped_bytes:
            raise LimitExceeded("unzipped_bytes", limits.unzipped_bytes, None,
                                "the inflated size of the DOCX package's entries")
        if info.filename.lower().endswith((".xml", ".rels")):
            xml += size
            check("xml_bytes", xml, "the inflated size of the DOCX package's XML parts")


# --------------------------------------------------------------------------- text


def _blocks(container: etree._Element) -> list[etree._Element]:
    """The ``w:p`` and ``w:tbl`` children of a body or cell, through content controls."""
    out: list[etree._Element] = []
    stack = list(reversed(container))
    while stack:
        el = stack.pop()
        if el.tag in (_P, _TBL):
            out.append(el)
        elif el.tag in _WRAPPERS:
            stack.extend(reversed(el))
    return out


def _children(el: etree._Element, tag: str) -> list[etree._Element]:
    """Children of ``el`` with ``tag``, through content-control and custom-XML wrappers."""
    out: list[etree._Element] = []
    stack = list(reversed(el))
    while stack:
        child = stack.pop()
        if child.tag == tag:
            out.append(child)
        elif child.tag in _WRAPPERS:
            stack.extend(reversed(child))
    return out


def _is_on(el: etree._Element | None) -> bool:
    return el is not None and el.get(_VAL, "true").lower() not in ("false", "0", "off")


def _paragraph_raw(p: etree._Element) -> str:
    """A paragraph's text with tabs as ``\\t`` and manual line breaks as ``\\n``."""
    parts: list[str] = []
    walk = etree.iterwalk(p, events=("start",))
    for _, el in walk:
        tag = el.tag
        hidden = tag == _R and _is_on(el.find(f"{{{_W}}}rPr/{{{_W}}}vanish"))
        if hidden or tag in (_FALLBACK, _TBL):
            walk.skip_subtree()
        elif tag == _T:
            parts.append(el.text or "")
        elif tag in (_TAB, _PTAB):
            parts.append("\t")
        elif tag in (_BR, _CR):
            parts.append("\n")
        elif tag == _NB_HYPHEN:
            parts.append("-")
    return "".join(parts)


def _cell_text(tc: etree._Element) -> str:
    return clean_text(" ".join(_paragraph_raw(p) for p in _blocks(tc) if p.tag == _P))


# --------------------------------------------------------------------------- tables


@dataclass
class _Table:
    rows: list[list[Slot]] = field(default_factory=list)
    # per row: the w:tc elements of the row, for the nested tables they hold
    tcs: list[list[etree._Element]] = field(default_factory=list)


def _int_val(el: etree._Element | None, default: int) -> int:
    if el is None:
        return default
    m = re.match(r"\s*\+?(\d{1,6})", el.get(_VAL) or "")
    return int(m.group(1)) if m else default


def _layout(tbl: etree._Element) -> _Table:
    table = _Table()
    above: dict[int, Slot] = {}  # grid column → the cell covering it in the row above
    trs = _children(tbl, _TR)
    width = 0
    for r, tr in enumerate(trs):
        tr_pr = tr.find(f"{{{_W}}}trPr")
        c = 0
        if tr_pr is not None:
            c = min(_int_val(tr_pr.find(f"{{{_W}}}gridBefore"), 0), MAX_SPAN)
        out: list[Slot] = []
        tcs = _children(tr, _TC)
        here: dict[int, Slot] = {}
        for k, tc in enumerate(tcs, start=1):
            tc_pr = tc.find(f"{{{_W}}}tcPr")
            colspan, v_merge, h_merge = 1, None, None
            if tc_pr is not None:
                colspan = max(1, min(_int_val(tc_pr.find(f"{{{_W}}}gridSpan"), 1), MAX_SPAN))
                vm = tc_pr.find(f"{{{_W}}}vMerge")
                if vm is not None:
                    v_merge = (vm.get(_VAL) or "continue").lower()
                hm = tc_pr.find(f"{{{_W}}}hMerge")
                if hm is not None:
                    h_merge = (hm.get(_VAL) or "continue").lower()
            owner = above.get(c)
            if (v_merge == "continue" and owner is not None and owner.col == c
                    and owner.colspan == colspan and owner.row + owner.rowspan == r):
                owner.rowspan += 1
                for j in range(colspan):
                    here[c + j] = owner
                c += colspan
                continue
            if h_merge == "continue" and out and out[-1].col + out[-1].colspan == c:
                out[-1].colspan += colspan
                for j in range(colspan):
                    here[c + j] = out[-1]
                c += colspan
                continue
            slot = Slot(row=r, col=c, colspan=colspan, tc_index=k, text=_cell_text(tc))
            out.append(slot)
            for j in range(colspan):
                here[c + j] = slot
            c += colspan
        above = here
        width = max(width, c)
        # a span bomb is refused as soon as its table is too large, before it is laid out
        check("grid_cells", len(trs) * width, "the number of table cells after gridSpan "
              "expansion (one table)")
        table.rows.append(out)
        table.tcs.append(tcs)
    return table


class _BodyReader(WordBody):
    def read_blocks(self, container: etree._Element) -> None:
        for block in _blocks(container):
            if block.tag == _P:
                for line in text_lines(_paragraph_raw(block)):
                    self.paragraph(line)
            else:
                self._table(block, title=None)

    def _table(self, tbl: etree._Element, title: str | None) -> None:
        table = _layout(tbl)

        def nested(r: int) -> None:
            for tc in table.tcs[r]:
                inner_tables = [b for b in _blocks(tc) if b.tag == _TBL]
                if inner_tables:
                    text = _cell_text(tc)
                    for inner in inner_tables:
                        self._table(inner, title=text[:TITLE_CHARS] or None)

        self.table(table.rows, title, after_row=nested)
