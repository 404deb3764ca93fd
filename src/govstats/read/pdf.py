"""PDF reader: bytes → :class:`~govstats.model.Document`.

Pages are read by pdfium (pypdfium2): characters with their boxes and the painted paths, both
described as pdfplumber describes pdfminer's (character boxes from the font's descent and size;
paths split into lines, rectangles and curves one subpath each), so pdfplumber's word grouping,
text and table finder work on them unchanged (a vertical font's characters get the em square
pdfminer gives them).  A page pdfium cannot describe that way (a glyph without a Unicode
mapping, rotated or skewed text, a glyph outside the box it would get, a rotated page or one
whose crop box is not its media box, drawing inside form XObjects) is read by pdfplumber
itself, and so is a document pdfium cannot open.

``Document.text`` is the text of every page (``page.extract_text()``), pages separated by
``"\\f"``.  Tables are found in two ways:

1. **Ruled tables.**  Visible ruling only (stroked lines and rectangles, hair-line filled
   rectangles; white cell backgrounds and paragraph shading are ignored) is handed to
   pdfplumber's table finder as explicit edges.  Open ends of a table that runs over a page
   break are closed first.  Each table cell becomes one :class:`Cell`; its ``row``/``col`` and
   ``rowspan``/``colspan`` come from the cell bounding box against the table's column and row
   boundaries.  A spanning cell that holds several numbers (its inner rulings are missing) is
   split by the x-positions of the cells above it.
2. **Word positions** where there is no ruling (or only part of it): lines whose words end in
   a run of numbers are value rows.  Value rows just below a ruled table are added to it, in
   the columns their numbers overlap.  Otherwise the lines above them are read as a header:
   header words become header cells, the lowest ones define the columns, the upper ones span
   the columns under them, and every word of a value row goes to the column its x-range
   overlaps most — so a value row printed far below its header still lands in the columns of
   its header, and a cell printed empty stays empty.

Every table is a :class:`Grid` (``kind="table"``, 1-based ``index`` in the document, ``page``
and ``title`` = nearest text line above it).  A table continued from the previous page keeps
the previous grid's title.  PDFs without a usable text layer, and pages printed as pictures
among pages of text, are read by OCR (:mod:`govstats.read.ocr`, the ``ocr`` extra), else raise
:class:`~govstats.errors.UnreadableInput` naming the extra (the pictures: a finding);
pdfminer errors never escape.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import io
import itertools
import logging
import re
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from ..catalogue.findings import finding
from ..errors import UnreadableInput
from ..lexicon import DASH_MARKS, SPACE_RUN, char_class
from ..limits import check, current_limits
from ..model import Cell, Document, Finding, Grid
from ..normalize import read_number

# pdfminer logs every damaged object it steps over (dozens of lines for one broken file);
# the reader says what is wrong in its one-line error.  A handler on its logger keeps the
# lines off stderr unless the application configures logging itself.
logging.getLogger("pdfminer").addHandler(logging.NullHandler())

__all__ = ["clean_cell_text", "read_pdf", "text_layer_problem"]

# --------------------------------------------------------------------------------------------
# Text helpers

_CJK_CHARS = (
    "\u2e80-\u2fff"  # radicals
    "\u3000-\u303f"  # CJK symbols and punctuation
    "\u3040-\u30ff"  # kana
    "\u3400-\u4dbf"  # extension A
    "\u4e00-\u9fff"  # unified ideographs
    "\uf900-\ufaff"  # compatibility ideographs
    "\ufe30-\ufe4f"  # compatibility forms
    "\uff00-\uffef"  # full-width forms
    "\u2018-\u201f\u2026\u2014\u00b7"  # quotes, ellipsis, dash, middle dot as used in Chinese
)
_CJK_RE = re.compile(f"[{_CJK_CHARS}]")
_CJK_GAP_RE = re.compile(f"(?<=[{_CJK_CHARS}])\\s+(?=[{_CJK_CHARS}])")
_CID_RE = re.compile(r"\(cid:\d+\)")
_PLACEHOLDER_RE = re.compile(rf"^{char_class(DASH_MARKS)}$")
_PAGE_NO_RE = re.compile(
    r"^[-—–－\s]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[/／]\s*(?:共\s*)?\d{1,4}\s*页?)?[-—–－\s]*$"
)
_SECTION_RE = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|第[一二三四五六七八九十百零〇\d]+\s*[章节条部])"
)


def _is_cjk(ch: str) -> bool:
    return bool(_CJK_RE.match(ch))


def _join_cjk(parts: Iterable[str]) -> str:
    """Join text pieces: no space where either side is CJK, one space otherwise."""
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if out and not (_is_cjk(out[-1]) or _is_cjk(part[0])):
            out += " "
        out += part
    return out


def clean_cell_text(text: str | None) -> str:
    """A cell's text: whitespace collapsed, lines joined without a space between CJK
    characters (``"结果\\n维持"`` → ``"结果维持"``, ``"总 计"`` → ``"总计"``)."""
    if not text:
        return ""
    joined = _join_cjk(SPACE_RUN.sub(" ", line) for line in text.splitlines())
    return _CJK_GAP_RE.sub("", joined)


def _is_number(token: str) -> bool:
    """A printed number (incl. thousands commas, decimals, %), read as the mapper reads it."""
    reading = read_number(token.replace("−", "-"))
    return reading.status == "number" and reading.unit in (None, "%")


def _is_value_token(token: str) -> bool:
    return _is_number(token) or bool(_PLACEHOLDER_RE.match(token))


def _is_page_number(text: str) -> bool:
    return bool(_PAGE_NO_RE.match(text))


def text_layer_problem(page_texts: Sequence[str]) -> str | None:
    """Why the text layer cannot be used, or ``None`` when it can.

    ``(cid:NNN)`` codes are what pdfminer prints for glyphs it cannot map to Unicode (a
    Type0 font without a ToUnicode map).  When they are most of the text, or when there is
    (almost) no text at all (a scan), the reader must not guess.
    """
    n_pages = max(len(page_texts), 1)
    cids = 0
    other = 0
    for text in page_texts:
        cids += len(_CID_RE.findall(text))
        other += len(SPACE_RUN.sub("", _CID_RE.sub("", text)))
    if cids and cids >= other:
        share = cids / (cids + other)
        return (
            "text layer is (cid:…) glyph codes without a ToUnicode map; OCR needed "
            f"({share:.0%} of {cids + other} glyphs)"
        )
    if cids + other < 10 * n_pages:
        return f"no text layer ({cids + other} characters on {len(page_texts)} pages; OCR needed)"
    return None


# --------------------------------------------------------------------------------------------
# Geometry helpers


@dataclass
class _Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def h(self) -> float:
        return max(self.bottom - self.top, 1.0)

    @property
    def w(self) -> float:
        return max(self.x1 - self.x0, 0.1)


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def _gap(a0: float, a1: float, b0: float, b1: float) -> float:
    """Distance between two intervals (0 when they overlap)."""
    return max(0.0, max(a0, b0) - min(a1, b1))


def _cluster_values(values: Iterable[float], tol: float) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


def _nearest_index(bounds: Sequence[float], v: float) -> int:
    """The index of the bound nearest ``v`` (the first of two as near).  ``bounds`` are
    ascending and more than a point apart (:func:`_cluster_values`), so the nearest is one of
    the two around ``v``: found by bisection instead of measuring every bound."""
    i = bisect.bisect_left(bounds, v)
    if i == 0:
        return 0
    if i == len(bounds) or abs(bounds[i - 1] - v) <= abs(bounds[i] - v):
        return i - 1
    return i


def _inside(x: float, y: float, bbox: tuple[float, float, float, float], pad: float = 0) -> bool:
    return bbox[0] - pad <= x <= bbox[2] + pad and bbox[1] - pad <= y <= bbox[3] + pad


def _lines_of(words: Sequence[_Word]) -> list[list[_Word]]:
    """Words clustered into lines by vertical centre, each sorted left to right."""
    lines: list[list[_Word]] = []
    cy = h = 0.0  # the last line's mean centre and tallest word, updated as it grows
    for w in sorted(words, key=lambda w: (w.cy, w.x0)):
        if lines:
            last = lines[-1]
            if abs(w.cy - cy) <= 0.45 * max(h, w.h):
                last.append(w)
                cy = statistics.fmean(x.cy for x in last)
                h = max(x.h for x in last)
                continue
        lines.append([w])
        cy, h = w.cy, w.h
    return [sorted(line, key=lambda w: w.x0) for line in lines]


def _line_text(line: Sequence[_Word]) -> str:
    return clean_cell_text(" ".join(w.text for w in line))


def _bbox_of(words: Iterable[_Word]) -> tuple[float, float, float, float]:
    ws = list(words)
    return (
        min(w.x0 for w in ws),
        min(w.top for w in ws),
        max(w.x1 for w in ws),
        max(w.bottom for w in ws),
    )


# --------------------------------------------------------------------------------------------
# Words and text of upright characters, grouped exactly as pdfplumber groups them
#
# pdfplumber's WordExtractor and TextMap serve every direction, layout and option; a page of
# upright text read with the few settings used here needs a small part of that.  The
# functions below do that part directly (a page's text and words and a cell's text cost a
# fraction of the general machinery) and give the same strings, boxes and order.  Characters
# that are not all upright still go to pdfplumber.


def _upright(chars: Iterable[dict[str, Any]]) -> bool:
    """Whether every character is upright: then pdfplumber reads them as one run of
    left-to-right lines, top to bottom, the only case the functions below reproduce."""
    return all(c["upright"] is True for c in chars)


def _cluster_ids(values: Iterable[float], tolerance: float) -> dict[float, int]:
    """pdfplumber's clusters of values (``make_cluster_dict``): the distinct values sorted,
    a new cluster where one is more than ``tolerance`` above the one before."""
    ids: dict[float, int] = {}
    last: float | None = None
    k = -1
    for v in sorted(set(values)):
        if last is None or not v <= last + tolerance:
            k += 1
        ids[v] = k
        last = v
    return ids


def _by_line(objs: Sequence[Any], top: Callable[[Any], float], tolerance: float) -> list[list[Any]]:
    """Objects clustered by their top as pdfplumber's ``cluster_objects`` does it: the
    clusters top to bottom, each in the objects' own order."""
    tops = list(map(top, objs))
    # tops spanning no more than ``tolerance`` (compared as the chain compares them) make
    # one cluster: the common case of a cell's single line, found without sorting
    if tops and max(tops) <= min(tops) + tolerance:
        return [list(objs)]
    ids = _cluster_ids(tops, tolerance)
    groups: list[list[Any]] = [[] for _ in range(max(ids.values(), default=-1) + 1)]
    for o, t in zip(objs, tops, strict=True):
        groups[ids[t]].append(o)
    return groups


_TOP = itemgetter("top")
_X0 = itemgetter("x0")
_TEXT = itemgetter("text")


def _word_chars(
    chars: Sequence[dict[str, Any]], x_tolerance: float, y_tolerance: float
) -> list[list[dict[str, Any]]]:
    """Upright characters grouped into words as pdfplumber's WordExtractor groups them: lines
    by top, each sorted by x0; a word ends at a blank character, where the next character
    starts left of the last one's start or more than ``x_tolerance`` right of its end, or
    where its top differs by more than ``y_tolerance``."""
    words: list[list[dict[str, Any]]] = []
    for line in _by_line(chars, _TOP, y_tolerance):
        line.sort(key=_X0)
        current: list[dict[str, Any]] = []
        # the last character of the current word, kept in locals: the loop runs per character
        px0 = px1 = ptop = 0.0
        for c in line:
            text = c["text"]
            if text.isspace():
                if current:
                    words.append(current)
                current = []
                continue
            if text == "":  # pdfplumber sets an empty text apart as a word of its own
                if current:
                    words.append(current)
                words.append([c])
                current = []
                continue
            x0, top = c["x0"], c["top"]
            if current and (
                x0 < px0 or x0 > px1 + x_tolerance or abs(top - ptop) > y_tolerance
            ):
                words.append(current)
                current = [c]
            else:
                current.append(c)
            px0, px1, ptop = x0, c["x1"], top
        if current:
            words.append(current)
    return words


# pdfplumber spells out these ligature characters in a word's text
_LIGATURE_RE = re.compile("[\ufb00-\ufb06]")


def _word_text(chars: Sequence[dict[str, Any]]) -> str:
    text = "".join(map(_TEXT, chars))
    if _LIGATURE_RE.search(text) is None:
        return text
    from pdfplumber.utils.text import LIGATURES

    return "".join(LIGATURES.get(c["text"], c["text"] or "") for c in chars)


def _word_box(chars: Sequence[dict[str, Any]]) -> tuple[float, float, float, float]:
    """A word's box as pdfplumber merges its characters' boxes (x0, top, x1, bottom)."""
    if len(chars) == 1:
        c = chars[0]
        return c["x0"], c["top"], c["x1"], c["bottom"]
    return (
        min(c["x0"] for c in chars),
        min(c["top"] for c in chars),
        max(c["x1"] for c in chars),
        max(c["bottom"] for c in chars),
    )


def _page_text(chars: Sequence[dict[str, Any]]) -> str:
    """pdfplumber's ``chars_to_textmap(...).as_string`` (no layout) of upright characters:
    words (default tolerances) in their order, a new line where the cluster of their tops
    changes, words one space apart."""
    words = _word_chars(chars, 3, 3)
    texts = [_word_text(w) for w in words]
    tops = [min(c["top"] for c in w) for w in words]
    ids = _cluster_ids(tops, 3)
    out: list[str] = []
    prev: int | None = None
    line_len = 0
    for text, top in zip(texts, tops, strict=True):
        k = ids[top]
        if prev is not None and k != prev:
            out.append("\n")
            line_len = 0
        prev = k
        if line_len:  # one space before every word but the line's first letters
            out.append(" ")
            line_len += 1
        out.append(text)
        line_len += len(text)
    return "".join(out)


def _page_words(chars: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """pdfplumber's ``extract_words(chars, x_tolerance=2, y_tolerance=3, extra_attrs=["size"])``
    of upright characters: words never run over a change of ``size``."""
    words: list[dict[str, Any]] = []
    for _size, group in itertools.groupby(chars, key=lambda c: c["size"]):
        for w in _word_chars(list(group), 2, 3):
            x0, top, x1, bottom = _word_box(w)
            words.append(
                {"text": _word_text(w), "x0": x0, "x1": x1, "top": top, "bottom": bottom,
                 "size": w[0]["size"]}
            )  # fmt: skip
    return words


def _plain_text(chars: Sequence[dict[str, Any]]) -> str:
    """pdfplumber's ``extract_text(chars, x_tolerance=2, y_tolerance=3)`` of upright
    characters: words clustered into lines by their tops, lines top to bottom."""
    words = [(min(c["top"] for c in w), _word_text(w)) for w in _word_chars(chars, 2, 3)]
    lines = _by_line(words, itemgetter(0), 3)
    return "\n".join(" ".join(w[1] for w in line) for line in lines)


# --------------------------------------------------------------------------------------------
# Loading pages (everything that touches pdfminer happens here)


@dataclass
class _Page:
    number: int
    width: float
    height: float
    text: str
    chars: list[dict[str, Any]]
    words: list[_Word]
    tables: list[list[tuple[float, float, float, float]]]  # cell bboxes of each ruled table
    images: int = 0  # pictures drawn on the page (a scan: pictures and no words)


_TABLE_SETTINGS = {
    "vertical_strategy": "explicit",
    "horizontal_strategy": "explicit",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
    "edge_min_length": 3,
}


def _is_white(color: Any) -> bool:
    if color is None:
        return False
    if isinstance(color, int | float):
        color = (color,)
    try:
        vals = [float(v) for v in color]
    except (TypeError, ValueError):
        return False
    if len(vals) == 4:  # CMYK: white is no ink
        return all(v < 0.05 for v in vals)
    return bool(vals) and all(v > 0.95 for v in vals)


def _ruling_edges(page: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Vertical and horizontal edges of the visible ruling on a pdfplumber page."""
    return _ruling_edges_of(page.lines, page.curves, page.rects)


def _ruling_edges_of(
    lines: Iterable[dict[str, Any]],
    curves: Iterable[dict[str, Any]],
    rects: Iterable[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Vertical and horizontal edges of the visible ruling on a page (its line, curve and
    rectangle objects as pdfplumber describes them)."""
    from pdfplumber.utils import obj_to_edges

    objs: list[dict[str, Any]] = []
    for obj in itertools.chain(lines, curves):
        if obj.get("stroke", True) and not _is_white(obj.get("stroking_color")):
            objs.append(obj)
    for r in rects:
        thin = min(r["x1"] - r["x0"], r["bottom"] - r["top"]) <= 2.0
        if (r.get("stroke") and not _is_white(r.get("stroking_color"))) or (
            r.get("fill") and thin and not _is_white(r.get("non_stroking_color"))
        ):
            objs.append(r)
    edges = [e for o in objs for e in obj_to_edges(o)]
    v = [e for e in edges if e["orientation"] == "v" and e["bottom"] - e["top"] >= 3]
    h = [e for e in edges if e["orientation"] == "h" and e["x1"] - e["x0"] >= 3]
    h += _closing_edges(v, h)
    return v, h


def _closing_edges(v: list[dict[str, Any]], h: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Horizontal edges that close vertical rulings ending together at an open table end
    (a table cut by a page break has no bottom or top line)."""
    out: list[dict[str, Any]] = []
    for key in ("top", "bottom"):
        for y in _cluster_values((e[key] for e in v), 2.0):
            group = [e for e in v if abs(e[key] - y) <= 2.0]
            if len(group) < 2:
                continue
            x0 = min(e["x0"] for e in group)
            x1 = max(e["x0"] for e in group)
            if x1 - x0 < 10:
                continue
            covered = sum(_overlap(x0, x1, e["x0"], e["x1"]) for e in h if abs(e["top"] - y) <= 3.0)
            if covered < 0.9 * (x1 - x0):
                out.append(
                    {
                        "x0": x0,
                        "x1": x1,
                        "top": y,
                        "bottom": y,
                        "width": x1 - x0,
                        "height": 0.0,
                        "orientation": "h",
                        "object_type": "line",
                    }
                )
    return out


def _explicit_tables(
    v: list[dict[str, Any]], h: list[dict[str, Any]]
) -> list[list[tuple[float, float, float, float]]]:
    """The cells of each table pdfplumber's table finder finds on explicit edges only (it
    never looks at the page), the cells of a table in its order.  The finder's own steps are
    used, except that cells are found by :func:`_intersections_to_cells`."""
    from pdfplumber.table import (
        TableFinder,
        TableSettings,
        cells_to_tables,
        edges_to_intersections,
    )

    settings = dict(_TABLE_SETTINGS, explicit_vertical_lines=v, explicit_horizontal_lines=h)
    # the finder's edges without running its constructor (which would find the cells its way)
    finder = TableFinder.__new__(TableFinder)
    finder.page = None  # type: ignore[assignment]
    finder.settings = TableSettings.resolve(settings)
    edges = finder.get_edges()
    points = edges_to_intersections(
        edges, finder.settings.intersection_x_tolerance, finder.settings.intersection_y_tolerance
    )
    return cells_to_tables(_intersections_to_cells(points))


def _intersections_to_cells(
    points: dict[tuple[float, float], dict[str, list[dict[str, Any]]]],
) -> list[tuple[float, float, float, float]]:
    """pdfplumber's ``intersections_to_cells``, the same cells in the same order.

    pdfplumber scans every later point for each point and rebuilds the sets of edge boxes
    at two points for every pair it tests, which grows with the square of a table's size.
    Here each point's edge boxes are built once and the points below and to the right of a
    point are looked up by their shared x or top.  As there, a point's cell is the first one
    (points below top to bottom, then points to the right left to right) whose corners are
    joined by common edges."""
    from pdfplumber.utils import obj_to_bbox

    # an edge meets several points: its box is made once
    boxes: dict[int, tuple[float, float, float, float]] = {}
    for d in points.values():
        for e in itertools.chain(d["v"], d["h"]):
            if id(e) not in boxes:
                boxes[id(e)] = obj_to_bbox(e)
    v_boxes = {p: {boxes[id(e)] for e in d["v"]} for p, d in points.items()}
    h_boxes = {p: {boxes[id(e)] for e in d["h"]} for p, d in points.items()}
    by_x: dict[float, list[tuple[float, float]]] = {}
    by_top: dict[float, list[tuple[float, float]]] = {}
    for p in sorted(points):  # sorted: each list ascends in the other coordinate
        by_x.setdefault(p[0], []).append(p)
        by_top.setdefault(p[1], []).append(p)

    cells: list[tuple[float, float, float, float]] = []
    for pt in sorted(points):
        column = by_x[pt[0]]
        row = by_top[pt[1]]
        pv, ph = v_boxes[pt], h_boxes[pt]
        right: list[tuple[float, float]] | None = None  # made when first needed
        cell: tuple[float, float, float, float] | None = None
        for b in column[column.index(pt) + 1 :]:
            if pv.isdisjoint(v_boxes[b]):
                continue
            if right is None:
                right = [r for r in row[row.index(pt) + 1 :] if not ph.isdisjoint(h_boxes[r])]
            if not right:
                break  # no point to the right: no cell, whichever point below
            for r in right:
                corner = (r[0], b[1])
                if (
                    corner in points
                    and not v_boxes[corner].isdisjoint(v_boxes[r])
                    and not h_boxes[corner].isdisjoint(h_boxes[b])
                ):
                    cell = (pt[0], pt[1], r[0], b[1])
                    break
            if cell is not None:
                break
        if cell is not None:
            cells.append(cell)
    return cells


def _build_page(
    number: int,
    width: float,
    height: float,
    chars: list[dict[str, Any]],
    lines: Sequence[dict[str, Any]],
    curves: Sequence[dict[str, Any]],
    rects: Sequence[dict[str, Any]],
    images: int = 0,
) -> _Page:
    """A page from its characters and path objects, described as pdfplumber describes them
    (the same text, words and ruled tables whichever library read the page).  A word never
    runs over a change of font size (``size``, rounded to 0.001 pt: pdfminer's sizes differ
    in their last bits from one font to another)."""
    from pdfplumber.utils import chars_to_textmap, extract_words

    if _upright(chars):
        text = _page_text(chars)
        found = _page_words(chars)
    else:
        bbox = (0.0, 0.0, width, height)
        text = (
            chars_to_textmap(
                chars, layout_bbox=bbox, layout_width=width, layout_height=height
            ).as_string
            if chars
            else ""
        )
        found = extract_words(
            chars,
            x_tolerance=2,
            y_tolerance=3,
            keep_blank_chars=False,
            extra_attrs=["size"],
        )
    words = [
        _Word(w["text"], w["x0"], w["x1"], w["top"], w["bottom"], float(w.get("size") or 0))
        for w in found
        if not _CID_RE.fullmatch(w["text"])
    ]
    tables: list[list[tuple[float, float, float, float]]] = []
    if words:
        v, h = _ruling_edges_of(lines, curves, rects)
        if len(v) >= 2 and len(h) >= 2:
            for cells in _explicit_tables(v, h):
                tables.append([tuple(map(float, c)) for c in cells])
    return _Page(number, width, height, text, chars, words, tables, images)


def _load_page(page: Any) -> _Page:
    """A page read by pdfplumber (pdfminer): the fallback for pages pdfium does not describe
    the way pdfminer would."""
    chars = [{**c, "size": round(float(c.get("size") or 0), 3)} for c in page.chars]
    return _build_page(
        page.page_number,
        float(page.width),
        float(page.height),
        chars,
        page.lines,
        page.curves,
        page.rects,
        len(page.images),
    )


# pdfium path segment types and page object types (fpdf_edit.h)
_SEG_LINETO, _SEG_BEZIERTO, _SEG_MOVETO = 0, 1, 2
_OBJ_PATH, _OBJ_IMAGE, _OBJ_FORM = 2, 3, 5


def _pdfium_color(
    getter: Any, obj: Any, rgba: tuple[Any, ...], refs: tuple[Any, ...]
) -> tuple[float, float, float] | None:
    """An object's stroke or fill colour through a bare getter, read into ``rgba`` (four
    ``c_uint``, reused for every object) by reference (``refs``)."""
    if not getter(obj, *refs):
        return None
    r, g, b, _ = rgba
    return (r.value / 255, g.value / 255, b.value / 255)


@functools.cache
def _pdfium_path_calls() -> tuple[Any, ...]:
    """pdfium's per-object and per-segment path functions as bare C function pointers
    (:func:`_bare`)."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    bare, c_int, handle = _bare, ctypes.c_int, _handle_type()
    return (
        bare(pdfium_c.FPDFPage_GetObject, handle),  # (page, index)
        bare(pdfium_c.FPDFPageObj_GetType, c_int),  # (object)
        bare(pdfium_c.FPDFPath_GetDrawMode, c_int),  # (object, int* fill, int* stroke)
        bare(pdfium_c.FPDFPageObj_GetMatrix, c_int),  # (object, FS_MATRIX*)
        bare(pdfium_c.FPDFPageObj_GetStrokeColor, c_int),  # (object, unsigned* x4)
        bare(pdfium_c.FPDFPageObj_GetFillColor, c_int),  # (object, unsigned* x4)
        bare(pdfium_c.FPDFPath_CountSegments, c_int),  # (object)
        bare(pdfium_c.FPDFPath_GetPathSegment, handle),  # (object, index)
        bare(pdfium_c.FPDFPathSegment_GetPoint, c_int),  # (segment, float* x, float* y)
        bare(pdfium_c.FPDFPathSegment_GetType, c_int),  # (segment)
        bare(pdfium_c.FPDFPathSegment_GetClose, c_int),  # (segment)
    )


def _bare(fn: Any, restype: Any) -> Any:
    """A pdfium function of pypdfium2 as a bare C function pointer.

    The reader makes several pdfium calls for every character and path of a page.
    pypdfium2's checked prototypes convert every argument and wrap every returned handle,
    which costs a few times the call itself.  A bare pointer is declared with its return
    type only; the caller passes exactly what the C signature takes (a handle as a
    ``c_void_p``, an index as a Python int, i.e. a C ``int``, a ``float`` as a ``c_float``,
    out-parameters by reference).  pypdfium2 loads pdfium with the C calling convention,
    which ``CFUNCTYPE`` also uses."""
    import ctypes

    return ctypes.CFUNCTYPE(restype)(ctypes.cast(fn, ctypes.c_void_p).value)


@functools.cache
def _handle_type() -> Any:
    """The return type of bare functions that return a handle: a ``c_void_p`` subclass, so
    ctypes hands back the handle itself (passed on to the next call as it is) instead of
    converting it to an int that would have to be wrapped again."""
    import ctypes

    return type("_PdfiumHandle", (ctypes.c_void_p,), {})


@functools.cache
def _pdfium_char_calls() -> tuple[Any, ...]:
    """pdfium's per-character text functions as bare C function pointers (:func:`_bare`)."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    bare, c_int = _bare, ctypes.c_int
    return (
        bare(pdfium_c.FPDFText_IsGenerated, c_int),  # (text page, index)
        bare(pdfium_c.FPDFText_GetUnicode, ctypes.c_uint),  # (text page, index)
        bare(pdfium_c.FPDFText_HasUnicodeMapError, c_int),  # (text page, index)
        bare(pdfium_c.FPDFText_GetMatrix, c_int),  # (text page, index, FS_MATRIX*)
        bare(pdfium_c.FPDFText_GetLooseCharBox, c_int),  # (text page, index, FS_RECTF*)
        bare(pdfium_c.FPDFText_GetFontSize, ctypes.c_double),  # (text page, index)
        bare(pdfium_c.FPDFText_GetCharBox, c_int),  # (text page, index, double* x4)
        bare(pdfium_c.FPDFText_GetCharOrigin, c_int),  # (text page, index, double* x2)
        bare(pdfium_c.FPDFText_GetTextObject, _handle_type()),  # (text page, index)
        bare(pdfium_c.FPDFTextObj_GetFont, _handle_type()),  # (text object)
        bare(pdfium_c.FPDFFont_GetDescent, c_int),  # (font, float size, float*)
    )


def _pdfium_chars(textpage: Any, height: float, doctop: float) -> list[dict[str, Any]] | None:
    """The characters of a pdfium text page as pdfplumber describes pdfminer's characters,
    or ``None`` when a character needs pdfminer (an unmapped glyph, which pdfminer prints
    as ``(cid:N)``; rotated or skewed text; a glyph outside the box it would get)."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    raw = ctypes.cast(textpage.raw, ctypes.c_void_p)
    n = pdfium_c.FPDFText_CountChars(textpage.raw)
    (
        is_generated,
        get_unicode,
        map_error,
        get_matrix,
        get_box,
        get_size,
        get_glyph,
        get_origin,
        get_object,
        get_font,
        get_descent,
    ) = _pdfium_char_calls()
    box = pdfium_c.FS_RECTF()
    m = pdfium_c.FS_MATRIX()
    gl, gr, gb, gt = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    o_refs = (ctypes.byref(ox), ctypes.byref(oy))
    d = ctypes.c_float()
    d_ref = ctypes.byref(d)
    box_ref, m_ref = ctypes.byref(box), ctypes.byref(m)
    g_refs = (ctypes.byref(gl), ctypes.byref(gr), ctypes.byref(gb), ctypes.byref(gt))
    # What a character takes from its text object (pdfium gives every character of a text
    # object the object's matrix and font size, and the font's descent follows from those),
    # fetched once per object: (m.a, m.d, font size, descent), None for skewed text.
    per_object: dict[int | None, tuple[float, float, float, float] | None] = {}
    descents: dict[tuple[int | None, float], float] = {}  # a font's descent at a size
    chars: list[dict[str, Any]] = []
    for i in range(n):
        u = get_unicode(raw, i)
        # pdfium's generated characters (the spaces and line breaks it inserts) are all
        # blanks or line breaks, so only such a code needs asking whether it is one
        if u <= 0x20 and is_generated(raw, i):
            continue
        if map_error(raw, i) or u == 0 or 0xD800 <= u <= 0xDFFF or u in (0xFFFE, 0xFFFF):
            return None
        obj = get_object(raw, i)
        key = obj.value
        known = per_object.get(key, False)
        if known is False:
            known = None
            if get_matrix(raw, i, m_ref) and not (m.b or m.c or m.a <= 0 or m.d <= 0):
                # pdfminer's box: from the baseline + the font's descent (its descriptor's
                # /Descent, not the font program's bounding box pdfium's loose box uses) up
                # one font size
                font_size = get_size(raw, i)
                font = get_font(obj) if key else None
                if font:
                    descent = descents.get((font.value, font_size))
                    if descent is None and get_descent(font, ctypes.c_float(font_size), d_ref):
                        descent = descents[(font.value, font_size)] = d.value
                    if descent is not None:
                        known = (m.a, m.d, font_size, descent)
            per_object[key] = known
        if known is None:
            return None
        if not get_box(raw, i, box_ref):
            return None
        if not get_glyph(raw, i, *g_refs):
            return None
        if not get_origin(raw, i, *o_refs):
            return None
        ma, md, font_size, descent = known
        size = font_size * md
        y0 = oy.value + descent * md
        y1 = y0 + size
        top = height - y1
        x0, x1 = box.left, box.right
        # the glyph pdfium draws must lie in the box pdfminer would give the character, and
        # the box be no wider than a few ems; not so in a vertical font (pdfium's loose box is
        # wrong there): pdfminer's box is then the em square over pdfium's origin, if the
        # glyph lies in that
        slack = 0.25 * size + 1.0
        if u != 0x20 and (
            x1 - x0 > 3 * size + 1.0
            or gl.value < x0 - slack
            or gr.value > x1 + slack
            or gb.value < y0 - slack
            or gt.value > y1 + slack
        ):
            x0, x1 = ox.value, ox.value + font_size * ma
            y0, y1 = oy.value, oy.value + size
            top = height - y1
            if (
                gl.value < x0 - slack
                or gr.value > x1 + slack
                or gb.value < y0 - slack
                or gt.value > y1 + slack
            ):
                return None
        chars.append(
            {
                "text": chr(u),
                "x0": x0,
                "x1": x1,
                "top": top,
                "bottom": height - y0,
                "doctop": doctop + top,
                "y0": y0,
                "y1": y1,
                "width": x1 - x0,
                "height": y1 - y0,
                "size": round(y1 - y0, 3),
                "upright": True,
            }
        )
    return chars


def _pdfium_paths(
    page: Any, height: float, doctop: float
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], int] | None:
    """The painted paths of a pdfium page split into lines, rectangles and curves the way
    pdfminer splits them (one object per subpath), and the number of image objects it draws
    (at its top level; counted in the same pass over the page's objects), or ``None`` when
    the page draws through form XObjects (whose nested coordinates pdfium gives relative to
    the form)."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    lines: list[dict[str, Any]] = []
    curves: list[dict[str, Any]] = []
    rects: list[dict[str, Any]] = []
    (
        get_object,
        get_type,
        draw_mode,
        get_matrix,
        stroke_color,
        fill_color,
        count_segments,
        get_segment,
        segment_point,
        segment_type,
        segment_close,
    ) = _pdfium_path_calls()
    m = pdfium_c.FS_MATRIX()
    m_ref = ctypes.byref(m)
    fx, fy = ctypes.c_float(), ctypes.c_float()
    f_refs = (ctypes.byref(fx), ctypes.byref(fy))
    fill_mode, stroke_flag = ctypes.c_int(), ctypes.c_int()
    mode_refs = (ctypes.byref(fill_mode), ctypes.byref(stroke_flag))
    rgba = (ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint())
    rgba_refs = tuple(ctypes.byref(v) for v in rgba)
    raw_page = ctypes.cast(page.raw, ctypes.c_void_p)
    images = 0
    for k in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        obj = get_object(raw_page, k)
        kind = get_type(obj)
        if kind == _OBJ_FORM:
            return None
        if kind == _OBJ_IMAGE:
            images += 1
        if kind != _OBJ_PATH:
            continue
        if not draw_mode(obj, *mode_refs):
            return None
        stroke, fill = bool(stroke_flag.value), fill_mode.value != 0
        if not (stroke or fill):
            continue
        if not get_matrix(obj, m_ref):
            return None
        a, b, c, d, e, f = m.a, m.b, m.c, m.d, m.e, m.f
        scolor = _pdfium_color(stroke_color, obj, rgba, rgba_refs)
        ncolor = _pdfium_color(fill_color, obj, rgba, rgba_refs)
        if not (stroke and not _is_white(scolor)) and not (fill and not _is_white(ncolor)):
            continue  # no visible ruling (a white cell background): see _ruling_edges_of
        # subpaths as pdfminer sees them: (operator, point) with "h" closing on the start
        subpaths: list[list[tuple[str, tuple[float, float]]]] = []
        n_seg = count_segments(obj)
        bezier = 0
        for s in range(n_seg):
            seg = get_segment(obj, s)
            if not segment_point(seg, *f_refs):
                return None
            x, y = fx.value, fy.value
            pt = (a * x + c * y + e, height - (b * x + d * y + f))
            t = segment_type(seg)
            if t == _SEG_MOVETO:
                subpaths.append([("m", pt)])
                bezier = 0
            elif not subpaths:
                return None
            elif t == _SEG_LINETO:
                subpaths[-1].append(("l", pt))
                bezier = 0
            elif t == _SEG_BEZIERTO:
                bezier += 1
                if bezier == 3:  # pdfminer keeps a curve's end point only
                    subpaths[-1].append(("c", pt))
                    bezier = 0
            else:
                return None
            if segment_close(seg):
                subpaths[-1].append(("h", subpaths[-1][0][1]))
        style = {
            "stroke": stroke,
            "fill": fill,
            "stroking_color": scolor,
            "non_stroking_color": ncolor,
        }
        for sub in subpaths:
            shape = "".join(op for op, _ in sub)
            pts = [pt for _, pt in sub]
            if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
                shape = shape[:-2] + "h"
                pts.pop(-2)
            if shape in {"mlh", "ml"}:
                lines.append(_path_obj("line", pts[:2], style, height, doctop))
            elif shape in {"mlllh", "mllll"}:
                (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
                square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (
                    y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0
                )
                if pts[0] == pts[4] and square:
                    rects.append(_path_obj("rect", [pts[0], pts[2]], style, height, doctop))
                else:
                    curves.append(_path_obj("curve", pts, style, height, doctop))
            elif len(pts) > 1:
                curves.append(_path_obj("curve", pts, style, height, doctop))
    return lines, curves, rects, images


def _path_obj(
    kind: str, pts: list[tuple[float, float]], style: dict[str, Any], height: float, doctop: float
) -> dict[str, Any]:
    """A line, rectangle or curve dict in pdfplumber's form (points as ``(x, top)``)."""
    xs = [p[0] for p in pts]
    tops = [p[1] for p in pts]
    x0, x1, top, bottom = min(xs), max(xs), min(tops), max(tops)
    return {
        "object_type": kind,
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "doctop": doctop + top,
        "y0": height - bottom,
        "y1": height - top,
        "width": x1 - x0,
        "height": bottom - top,
        "pts": pts,
        **style,
    }


def _pdfium_page(page: Any, number: int, doctop: float) -> _Page | None:
    """A page read by pdfium, or ``None`` when it needs pdfminer (see :func:`_pdfium_chars`
    and :func:`_pdfium_paths`; also rotated pages and pages whose box is not at the origin or
    whose crop box is not their media box)."""
    if page.get_rotation() % 360:
        return None
    # the page's box as pdfium resolves it (inherited from the page tree too); a media or
    # crop box the page sets itself must be that box (pdfplumber measures from the media box)
    bbox = tuple(page.get_bbox())
    if bbox[:2] != (0.0, 0.0):
        return None
    for own in (page.get_mediabox(fallback_ok=False), page.get_cropbox(fallback_ok=False)):
        if own is not None and tuple(own) != bbox:
            return None
    # pdfium's single-precision box back to the decimals written in the file
    width, height = round(float(bbox[2]), 4), round(float(bbox[3]), 4)
    textpage = page.get_textpage()
    try:
        chars = _pdfium_chars(textpage, height, doctop)
    finally:
        textpage.close()
    if chars is None:
        return None
    paths = _pdfium_paths(page, height, doctop)
    if paths is None:
        return None
    lines, curves, rects, images = paths
    return _build_page(number, width, height, chars, lines, curves, rects, images)


# --------------------------------------------------------------------------------------------
# Tables found on one page (before numbering)


@dataclass
class _Table:
    page: int
    bbox: tuple[float, float, float, float]
    cells: list[Cell]
    col_bounds: list[float] = field(default_factory=list)  # ruled tables: x of column lines
    n_rows: int = 0
    placed_rows: int = 0  # rows whose cells were placed by word x-positions


class _CharIndex:
    """A page's characters ordered by their vertical centre, to find those inside a box
    without scanning the page for every cell (in page order, as pdfplumber reads them)."""

    def __init__(self, chars: Sequence[dict[str, Any]]) -> None:
        centres = sorted(
            ((c["top"] + c["bottom"]) / 2, (c["x0"] + c["x1"]) / 2, i) for i, c in enumerate(chars)
        )
        self.chars = chars
        self.cy = [t[0] for t in centres]
        self.rest = [(t[1], t[2]) for t in centres]
        # the characters of a horizontal band (a row's cells share it) sorted by their
        # horizontal centre, made once per band: (centres, indices)
        self.bands: dict[tuple[int, int], tuple[list[float], list[int]]] = {}

    def inside(self, bbox: tuple[float, float, float, float]) -> list[dict[str, Any]]:
        lo = bisect.bisect_left(self.cy, bbox[1])
        hi = bisect.bisect_right(self.cy, bbox[3])
        band = self.bands.get((lo, hi))
        if band is None:
            by_x = sorted(self.rest[lo:hi])
            band = self.bands[(lo, hi)] = ([t[0] for t in by_x], [t[1] for t in by_x])
        xs, ids = band
        found = sorted(ids[bisect.bisect_left(xs, bbox[0]) : bisect.bisect_right(xs, bbox[2])])
        return [self.chars[i] for i in found]


def _cell_text(chars: _CharIndex, bbox: tuple[float, float, float, float]) -> str:
    inside = chars.inside(bbox)
    if not inside:
        return ""
    if _upright(inside):
        return clean_cell_text(_plain_text(inside))
    from pdfplumber.utils import extract_text

    return clean_cell_text(extract_text(inside, x_tolerance=2, y_tolerance=3))


def _ruled_table(
    page: _Page, cell_boxes: list[tuple[float, float, float, float]], index: _CharIndex
) -> _Table | None:
    """A ruled table from its cell boxes; ``index``: the page's characters indexed (once for
    all the page's tables)."""
    xs = _cluster_values([b[0] for b in cell_boxes] + [b[2] for b in cell_boxes], 2.0)
    ys = _cluster_values([b[1] for b in cell_boxes] + [b[3] for b in cell_boxes], 2.0)
    if len(xs) < 3 or len(ys) < 2:  # one column: a framed paragraph, not a table
        return None
    raw: list[tuple[int, int, int, int, tuple[float, float, float, float]]] = []
    for b in cell_boxes:
        c0, c1 = _nearest_index(xs, b[0]), _nearest_index(xs, b[2])
        r0, r1 = _nearest_index(ys, b[1]), _nearest_index(ys, b[3])
        if c1 <= c0 or r1 <= r0:
            continue
        raw.append((r0, c0, r1 - r0, c1 - c0, b))
    raw.sort(key=lambda t: (t[0], t[1]))
    cells: list[Cell] = []
    for r0, c0, rs, cs, b in raw:
        cells.append(Cell(_cell_text(index, b), r0, c0, rs, cs, page=page.number))
    if not any(c.text for c in cells):
        return None
    cells, split_rows = _split_numeric_spans(cells, raw, page.words)
    bbox = (xs[0], ys[0], xs[-1], ys[-1])
    return _Table(
        page.number, bbox, cells, col_bounds=xs, n_rows=len(ys) - 1, placed_rows=split_rows
    )


def _split_numeric_spans(
    cells: list[Cell],
    raw: list[tuple[int, int, int, int, tuple[float, float, float, float]]],
    words: Sequence[_Word],
) -> tuple[list[Cell], int]:
    """A spanning cell holding only numbers where the row above has several cells over the
    same columns: the ruling between its values is missing.  Place each number under the
    cell above that its x-range overlaps most; slots without a number stay empty.  Returns
    the cells and the number of rows split."""
    boxes = {(r, c): b for r, c, _rs, _cs, b in raw}
    out: list[Cell] = []
    split: set[int] = set()
    for cell in cells:
        tokens = cell.text.split()
        if cell.colspan < 2 or not tokens or not all(_is_value_token(t) for t in tokens):
            out.append(cell)
            continue
        above = _row_above(cells, cell)
        if len(above) < 2:
            out.append(cell)
            continue
        box = boxes[(cell.row, cell.col)]
        inner = [w for w in words if _inside(w.cx, w.cy, box)]
        ranges = [boxes[(a.row, a.col)] for a in above]
        placed: dict[int, list[_Word]] = {}
        for w in inner:
            k = max(
                range(len(ranges)), key=lambda i: _overlap(w.x0, w.x1, ranges[i][0], ranges[i][2])
            )
            placed.setdefault(k, []).append(w)
        for i, a in enumerate(above):
            text = " ".join(w.text for w in sorted(placed.get(i, []), key=lambda w: w.x0))
            out.append(Cell(text, cell.row, a.col, cell.rowspan, a.colspan, page=cell.page))
        split.add(cell.row)
    return out, len(split)


def _row_above(cells: Sequence[Cell], cell: Cell) -> list[Cell]:
    """The cells of the nearest row above ``cell`` that lie within its columns, if they tile
    its columns with more than one cell."""
    c0, c1 = cell.col, cell.col + cell.colspan
    for r in range(cell.row - 1, -1, -1):
        inside = sorted(
            (
                c
                for c in cells
                if c.row <= r < c.row + c.rowspan and c.col >= c0 and c.col + c.colspan <= c1
            ),
            key=lambda c: c.col,
        )
        if sum(c.colspan for c in inside) == cell.colspan and len(inside) > 1:
            return inside
        if inside:
            return []
    return []


# --------------------------------------------------------------------------------------------
# Tables from word positions


def _value_line(line: Sequence[_Word]) -> bool:
    """A table row printed as text: it ends with a run of numbers."""
    if len(line) < 2 or _is_page_number(_line_text(line)):
        return False
    size = statistics.median(w.h for w in line)
    kinds = [_is_value_token(w.text) for w in line]
    if not kinds[-1]:
        return False
    first = len(kinds)
    while first > 0 and kinds[first - 1]:
        first -= 1
    run = line[first:]
    numbers = sum(1 for w in run if _is_number(w.text))
    if len(run) >= 2 and numbers >= 2:
        return all(b.x0 - a.x1 >= 0.4 * size for a, b in itertools.pairwise(run))
    # "label     550": one number far right of a label
    return numbers == 1 and first > 0 and run[0].x0 - line[first - 1].x1 >= 2 * size


def _phrases(line: Sequence[_Word]) -> list[_Word]:
    """Merge text words that are letter-spaced parts of one label; numbers stay apart."""
    out: list[_Word] = []
    for w in line:
        prev = out[-1] if out else None
        if (
            prev is not None
            and not _is_value_token(w.text)
            and not _is_value_token(prev.text)
            and w.x0 - prev.x1 < 0.6 * max(w.h, prev.h)
        ):
            out[-1] = _Word(
                _join_cjk([prev.text, w.text]),
                prev.x0,
                w.x1,
                min(prev.top, w.top),
                max(prev.bottom, w.bottom),
                max(prev.size, w.size),
            )
        else:
            out.append(w)
    return out


def _prose_like(line: Sequence[_Word], text_left: float) -> bool:
    text = _line_text(line)
    if _SECTION_RE.match(text) or _is_page_number(text):
        return True
    for w in _phrases(line):
        t = w.text
        if (
            len(t) >= 16
            and re.search(r"[，。；：,;]", t)
            and not (t[0] in "（(" and t[-1] in "）)")
        ):
            return True
    # one phrase starting at the left text margin and reaching far right: running text
    return len(line) == 1 and abs(line[0].x0 - text_left) < 3 and line[0].w > 250


@dataclass
class _HCell:
    words: list[_Word]

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def h(self) -> float:
        return max(w.h for w in self.words)

    @property
    def text(self) -> str:
        ws = sorted(self.words, key=lambda w: (round(w.top), w.x0))
        return clean_cell_text("\n".join(w.text for w in ws))


def _header_cells(words: list[_Word]) -> list[_HCell]:
    """Header words grouped into cells: a word continues the word right above it when they
    overlap in x, are one line apart, and the upper word spans nothing else below."""
    words = sorted(words, key=lambda w: (w.top, w.x0))
    parent = list(range(len(words)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def ov(a: _Word, b: _Word) -> float:
        return _overlap(a.x0, a.x1, b.x0, b.x1) / min(a.w, b.w)

    def below(i: int) -> int | None:
        a = words[i]
        cands = [
            j
            for j, b in enumerate(words)
            if j != i and b.top >= a.bottom - 0.3 * a.h and ov(a, b) >= 0.5
        ]
        return min(cands, key=lambda j: words[j].top, default=None)

    def above(j: int) -> int | None:
        b = words[j]
        cands = [
            i
            for i, a in enumerate(words)
            if i != j and a.bottom <= b.top + 0.3 * b.h and ov(a, b) >= 0.5
        ]
        return max(cands, key=lambda i: words[i].bottom, default=None)

    for i, a in enumerate(words):
        j = below(i)
        if j is None or above(j) != i:
            continue
        b = words[j]
        gap, h = b.top - a.bottom, max(a.h, b.h)
        # wrapped text: the next line right below, or (wide line spacing) a line aligned
        # with it that is not longer than it
        aligned = abs(a.x0 - b.x0) <= 0.5 * h or abs(a.cx - b.cx) <= 0.5 * h
        if gap > 1.2 * h and not (gap <= 2.6 * h and aligned and a.w >= b.w - 1):
            continue
        # the upper word must not stretch over other words at the lower word's level
        level = [
            k
            for k, c in enumerate(words)
            if k not in (i, j)
            and abs(c.cy - b.cy) < 0.6 * b.h
            and _overlap(a.x0, a.x1, c.x0, c.x1) > 0
        ]
        if level:
            continue
        parent[find(j)] = find(i)
    groups: dict[int, list[_Word]] = {}
    for i, w in enumerate(words):
        groups.setdefault(find(i), []).append(w)
    return [_HCell(ws) for ws in groups.values()]


@dataclass
class _Column:
    x0: float
    x1: float
    leaves: list[_HCell] = field(default_factory=list)
    level: int = 0

    @property
    def top(self) -> float:
        """Top of the column's own header label (+inf for a column without one)."""
        return min((c.top for c in self.leaves), default=float("inf"))


def _assign(tokens: Sequence[_Word], cols: Sequence[_Column]) -> dict[int, list[_Word]]:
    """Each token to the column its x-range overlaps most; without overlap, to the nearer
    neighbour.  Tokens far outside every column are left out (key -1)."""
    out: dict[int, list[_Word]] = {}
    for t in tokens:
        best = max(range(len(cols)), key=lambda i: _overlap(t.x0, t.x1, cols[i].x0, cols[i].x1))
        if _overlap(t.x0, t.x1, cols[best].x0, cols[best].x1) <= 0:
            best = min(range(len(cols)), key=lambda i: _gap(t.x0, t.x1, cols[i].x0, cols[i].x1))
            d = _gap(t.x0, t.x1, cols[best].x0, cols[best].x1)
            edge = best in (0, len(cols) - 1) and (t.x1 < cols[0].x0 or t.x0 > cols[-1].x1)
            if edge and d > max(1.0 * t.h, 0.5 * (cols[best].x1 - cols[best].x0)):
                best = -1
        out.setdefault(best, []).append(t)
    return out


def _cell_join(tokens: Iterable[_Word]) -> str:
    ws = sorted(tokens, key=lambda w: (round(w.top), w.x0))
    return clean_cell_text(" ".join(w.text for w in ws))


def _partition(sibs: list[_HCell], run: list[int], cols: Sequence[_Column]) -> dict[int, list[int]]:
    """Split a run of columns among sibling header cells printed above it."""
    sibs = sorted(sibs, key=lambda s: s.cx)
    if len(sibs) == 1:
        return {id(sibs[0]): run}
    tol = 0.6 * statistics.median(s.h for s in sibs)
    starts: list[int] = []
    left_aligned = True
    for k, s in enumerate(sibs):
        match = [c for c in run if abs(cols[c].x0 - s.x0) <= tol]
        if not match:
            left_aligned = False
            break
        starts.append(match[0] if k else run[0])
    if not left_aligned:
        # centred labels: each one sits in the middle of its columns
        starts = [run[0]]
        left = cols[run[0]].x0
        for k, s in enumerate(sibs[:-1]):
            right = 2 * s.cx - left
            nxt = sibs[k + 1]
            options = [c for c in run if c > starts[-1] and cols[c].x0 <= nxt.x1]
            options = options[: max(len(options) - (len(sibs) - k - 2), 1)]
            if not options:
                options = [c for c in run if c > starts[-1]][:1] or [starts[-1]]
            b = min(options, key=lambda c: abs(cols[c].x0 - right))
            if not (s.cx < cols[b].x0 + tol and nxt.cx > cols[b].x0 - tol):
                mid = (s.x1 + nxt.x0) / 2
                b = min(options, key=lambda c: abs(cols[c].x0 - mid))
            starts.append(b)
            left = cols[b].x0
    out: dict[int, list[int]] = {}
    for k, s in enumerate(sibs):
        end = starts[k + 1] if k + 1 < len(starts) else run[-1] + 1
        out[id(s)] = [c for c in run if starts[k] <= c < end]
    return out


def _split_header(hcells: list[_HCell]) -> tuple[list[_HCell], list[_HCell]]:
    """Leaves (header cells with nothing printed below them) and upper header cells."""
    tol = 2.0
    leaves: list[_HCell] = []
    parents: list[_HCell] = []
    for c in hcells:
        under = any(
            d is not c and d.top >= c.bottom - tol and _overlap(c.x0, c.x1, d.x0, d.x1) > 0
            for d in hcells
        )
        (parents if under else leaves).append(c)
    # a "leaf" stretching over two lower leaves is an upper cell whose children sit beside
    # each other under it
    for c in list(leaves):
        spanned = [
            d
            for d in leaves
            if d is not c
            and d.top > c.top + tol
            and _overlap(c.x0, c.x1, d.x0, d.x1) > 0.3 * (d.x1 - d.x0)
        ]
        if len(spanned) >= 2:
            leaves.remove(c)
            parents.append(c)
    return leaves, parents


def _header_spans(
    parents: list[_HCell], cols: Sequence[_Column]
) -> tuple[dict[int, list[int]], dict[int, int]]:
    """Columns spanned by each upper header cell, and its header row, found top-down: a cell
    spans the columns below it within its own parent's span, shared with the cells beside
    it."""
    tol = 2.0
    spans: dict[int, list[int]] = {}
    depth: dict[int, int] = {}
    done: list[_HCell] = []
    for p in sorted(parents, key=lambda p: p.top):
        if id(p) in spans:
            continue
        up = [
            q
            for q in done
            if q.bottom <= p.top + tol
            and spans[id(q)]
            and cols[spans[id(q)][0]].x0 - tol <= p.cx <= cols[spans[id(q)][-1]].x1 + tol
        ]
        q = max(up, key=lambda q: q.top, default=None)
        avail = spans[id(q)] if q is not None else list(range(len(cols)))
        lvl = depth[id(q)] + 1 if q is not None else 0
        below = [i for i in avail if cols[i].top >= p.bottom - tol]
        sibs = [s for s in parents if id(s) not in spans and abs(s.top - p.top) < 0.8 * p.h]
        runs: list[list[int]] = []
        for i in below:
            if runs and runs[-1][-1] == i - 1:
                runs[-1].append(i)
            else:
                runs.append([i])
        for run in runs:
            lo, hi = cols[run[0]].x0, cols[run[-1]].x1
            group = [s for s in sibs if lo - 3 * tol <= s.cx <= hi + 3 * tol]
            if not group:
                continue
            spans.update(_partition(group, run, cols))
            for s in group:
                depth[id(s)] = lvl
            done.extend(group)
        if not spans.get(id(p)):  # nothing printed below it: it spans what it covers
            covered = [i for i in avail if _overlap(p.x0, p.x1, cols[i].x0, cols[i].x1) > 0]
            if not covered and avail:
                covered = [min(avail, key=lambda i: abs((cols[i].x0 + cols[i].x1) / 2 - p.cx))]
            spans[id(p)] = covered
            depth[id(p)] = lvl
            if p not in done:
                done.append(p)
    return spans, depth


def _word_table(
    page: _Page,
    header_words: list[_Word],
    rows: list[list[_Word]],
    label_lines: list[list[_Word]],
) -> _Table | None:
    """Build a grid from header words and value lines placed by their x-coordinates."""
    leaves, parents = _split_header(_header_cells(header_words))
    cols: list[_Column] = []
    for c in sorted(leaves, key=lambda c: c.x0):
        if cols and _overlap(c.x0, c.x1, cols[-1].x0, cols[-1].x1) > 0.3 * (c.x1 - c.x0):
            cols[-1].x0 = min(cols[-1].x0, c.x0)
            cols[-1].x1 = max(cols[-1].x1, c.x1)
            cols[-1].leaves.append(c)
        else:
            cols.append(_Column(c.x0, c.x1, [c]))
    # label lines join the label of the nearest value row
    row_tokens: list[list[_Word]] = [list(_phrases(row)) for row in rows]
    for line in label_lines:
        cy = statistics.fmean(w.cy for w in line)
        k = min(range(len(rows)), key=lambda i: abs(statistics.fmean(w.cy for w in rows[i]) - cy))
        row_tokens[k].extend(_phrases(line))
    # columns without a header label: tokens outside every header column, clustered by x
    body = [t for tokens in row_tokens for t in tokens]
    loose = _assign(body, cols).get(-1, []) if cols else body
    extra: list[_Column] = []
    for t in sorted(loose, key=lambda t: t.x0):
        if extra and _overlap(t.x0, t.x1, extra[-1].x0, extra[-1].x1) > 0:
            extra[-1].x1 = max(extra[-1].x1, t.x1)
        else:
            extra.append(_Column(t.x0, t.x1))
    cols = sorted(cols + extra, key=lambda c: c.x0)
    if len(cols) < 2:
        return None
    spans, depth = _header_spans(parents, cols)
    for i, col in enumerate(cols):
        over = [depth[id(p)] for p in parents if i in spans.get(id(p), [])]
        col.level = max(over) + 1 if over else 0
    n_head = max((c.level + 1 for c in cols if c.leaves), default=0)
    if parents:
        n_head = max(n_head, max(depth.values(), default=0) + 1)

    cells: list[Cell] = []
    taken: set[tuple[int, int]] = set()

    def put(text: str, r: int, c: int, rs: int = 1, cs: int = 1) -> None:
        slots = {(rr, cc) for rr in range(r, r + rs) for cc in range(c, c + cs)}
        if slots & taken:
            return
        taken.update(slots)
        cells.append(Cell(text, r, c, rs, cs, page=page.number))

    for p in sorted(parents, key=lambda p: (depth[id(p)], p.x0)):
        span = spans.get(id(p)) or []
        if span:
            put(p.text, depth[id(p)], span[0], 1, span[-1] - span[0] + 1)
    for i, col in enumerate(cols):
        if col.leaves:
            text = _join_cjk(c.text for c in sorted(col.leaves, key=lambda c: c.top))
            put(text, col.level, i, max(n_head - col.level, 1), 1)
    for r in range(n_head):
        for c in range(len(cols)):
            put("", r, c)
    for k, tokens in enumerate(row_tokens):
        placed = _assign(tokens, cols)
        for c in range(len(cols)):
            put(_cell_join(placed.get(c, [])), n_head + k, c)
    cells.sort(key=lambda c: (c.row, c.col))
    words = header_words + [w for row in rows + label_lines for w in row]
    n_rows = n_head + len(rows)
    return _Table(page.number, _bbox_of(words), cells, n_rows=n_rows, placed_rows=n_rows)


def _attach_rows(table: _Table, rows: list[list[_Word]], page: int) -> None:
    """Value rows printed below a ruled table, placed in its columns by x-overlap."""
    xs = table.col_bounds
    cols = [_Column(xs[i], xs[i + 1]) for i in range(len(xs) - 1)]
    for row in rows:
        placed = _assign(_phrases(row), cols)
        r = table.n_rows
        for c in range(len(cols)):
            table.cells.append(Cell(_cell_join(placed.get(c, [])), r, c, page=page))
        table.n_rows += 1
        table.placed_rows += 1
    bottom = max(w.bottom for row in rows for w in row)
    table.bbox = (table.bbox[0], table.bbox[1], table.bbox[2], max(table.bbox[3], bottom))


def _page_tables(page: _Page) -> tuple[list[_Table], list[list[_Word]]]:
    """The tables of one page, and the text lines outside them."""
    index = _CharIndex(page.chars) if page.tables else None
    tables = [
        t for t in (_ruled_table(page, boxes, index) for boxes in page.tables) if t is not None
    ]
    free = [w for w in page.words if not any(_inside(w.cx, w.cy, t.bbox, 1.0) for t in tables)]
    lines = _lines_of(free)
    if not lines:
        return tables, []
    text_left = min(line[0].x0 for line in lines)
    used: set[int] = set()
    i = 0
    while i < len(lines):
        if not _value_line(lines[i]):
            i += 1
            continue
        # a block of value rows, with wrapped row labels between them
        rows = [i]
        labels: list[int] = []
        h = statistics.median(w.h for w in lines[i])
        j = i + 1
        pending: list[int] = []
        while j < len(lines):
            prev_bottom = max(w.bottom for w in lines[(pending or rows)[-1]])
            if min(w.top for w in lines[j]) - prev_bottom > 3 * h:
                break
            if _value_line(lines[j]):
                rows.append(j)
                labels.extend(pending)
                pending = []
            else:
                num_x0 = min(w.x0 for r in rows for w in lines[r] if _is_value_token(w.text))
                if all(w.x1 <= num_x0 for w in lines[j]) and not _prose_like(lines[j], text_left):
                    pending.append(j)
                else:
                    break
            j += 1
        row_words = [lines[r] for r in rows]
        label_words = [lines[r] for r in labels]
        top = min(w.top for w in lines[i])
        # value rows right below a ruled table belong to it
        host = None
        for t in tables:
            if t.col_bounds and 0 <= top - t.bbox[3] <= 6 * h:
                between = [
                    k
                    for k in range(i)
                    if k not in used and min(w.top for w in lines[k]) > t.bbox[3]
                ]
                if not between and _overlap(t.bbox[0], t.bbox[2], *_bbox_of(lines[i])[::2]) > 0:
                    host = t
        if host is not None:
            _attach_rows(host, row_words + label_words, page.number)
            used.update(rows + labels)
            i = j
            continue
        # header: the lines above, up to a title, running text or a wide gap
        head: list[int] = []
        k = i - 1
        cur_top = top
        limit = 12 * h
        while k >= 0 and len(head) < 10:
            line = lines[k]
            if k in used or _value_line(line) or _prose_like(line, text_left):
                break
            if cur_top - max(w.bottom for w in line) > limit:
                break
            head.append(k)
            cur_top = min(w.top for w in line)
            limit = 4 * h
            k -= 1
        numbers = sum(1 for r in row_words for w in r if _is_number(w.text))
        if not head and (numbers < 2 or len(rows) < 2):
            i = j
            continue
        header_words = [w for k in head for w in _phrases(lines[k])]
        table = _word_table(page, header_words, row_words, label_words)
        if table is not None:
            tables.append(table)
            used.update(rows + labels + head)
        i = j
    text_lines = [line for n, line in enumerate(lines) if n not in used]
    tables.sort(key=lambda t: t.bbox[1])
    return tables, text_lines


# --------------------------------------------------------------------------------------------
# The reader


def _title_above(table: _Table, lines: Sequence[Sequence[_Word]]) -> str | None:
    best: tuple[float, str] | None = None
    for line in lines:
        bottom = max(w.bottom for w in line)
        text = _line_text(line)
        above = bottom <= table.bbox[1] + 1.0 and bool(text) and not _is_page_number(text)
        if above and (best is None or bottom > best[0]):
            best = (bottom, text)
    return best[1] if best else None


def _only_page_numbers(lines: Iterable[Sequence[_Word]]) -> bool:
    return all(_is_page_number(_line_text(line)) for line in lines)


def _unreadable(exc: BaseException, where: str = "") -> UnreadableInput:
    chain: list[BaseException] = []
    e: BaseException | None = exc
    while e is not None and len(chain) < 5:
        chain.append(e)
        e = e.__cause__ or e.__context__
    names = " ".join(type(x).__name__ for x in chain)
    detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    if "Password" in names or "Encrypt" in names or "password" in detail.lower():
        return UnreadableInput(f"encrypted PDF{where}: cannot be read without its password")
    kind = type(exc).__name__
    return UnreadableInput(
        f"corrupt PDF{where}: {kind}: {detail}" if detail else f"corrupt PDF{where}: {kind}"
    )


def _grid_of(table: _Table, index: int, title: str | None) -> Grid:
    rows: dict[int, list[Cell]] = {}
    for cell in table.cells:
        rows.setdefault(cell.row, []).append(cell)
    grid_rows = [sorted(rows[r], key=lambda c: c.col) for r in sorted(rows)]
    return Grid(index=index, rows=grid_rows, kind="table", page=table.page, title=title)


class _Pdfminer:
    """pdfplumber's view of a document, opened on first use (pages pdfium cannot describe
    the way pdfminer would)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pdf: Any = None

    def pages(self) -> list[Any]:
        if self.pdf is None:
            import pdfplumber

            try:
                self.pdf = pdfplumber.open(io.BytesIO(self.data))
                return list(self.pdf.pages)
            except (TimeoutError, MemoryError):
                raise  # the build's time or memory bound, not a property of the file
            except Exception as exc:
                raise _unreadable(exc) from exc
        return list(self.pdf.pages)

    def page(self, i: int) -> _Page:
        page = self.pages()[i]
        try:
            return _load_page(page)
        except (TimeoutError, MemoryError):
            raise
        except Exception as exc:
            raise _unreadable(exc, f" (page {page.page_number})") from exc
        finally:
            page.close()

    def close(self) -> None:
        if self.pdf is not None:
            with contextlib.suppress(Exception):
                self.pdf.close()


def _pages(data: bytes, miner: _Pdfminer) -> Iterable[_Page]:
    """The pages of a PDF: read by pdfium (characters with their boxes, painted paths), a page
    pdfium cannot describe the way pdfminer would by pdfplumber; the whole document by
    pdfplumber when pdfium cannot open it."""
    try:
        import pypdfium2 as pdfium
    except ImportError:  # pragma: no cover - packaging problem
        pdfium = None
    doc: Any = None
    if pdfium is not None:
        try:
            doc = pdfium.PdfDocument(data)
        except (TimeoutError, MemoryError):
            raise  # the build's time or memory bound, not a property of the file
        except Exception:
            doc = None
    if doc is None:
        n = len(miner.pages())
        if n > current_limits().pages:
            check("pages", n, "the PDF's number of pages")
        for i in range(n):
            yield miner.page(i)
        return
    try:
        if len(doc) > current_limits().pages:
            check("pages", len(doc), "the PDF's number of pages")
        doctop = 0.0
        for i in range(len(doc)):
            try:
                page = doc[i]
            except (TimeoutError, MemoryError):
                raise
            except Exception as exc:
                raise _unreadable(exc, f" (page {i + 1})") from exc
            try:
                loaded = _pdfium_page(page, i + 1, doctop)
            except (UnreadableInput, TimeoutError, MemoryError):
                raise
            except Exception as exc:
                raise _unreadable(exc, f" (page {i + 1})") from exc
            finally:
                page.close()
            if loaded is None:
                if len(miner.pages()) != len(doc):
                    raise UnreadableInput("corrupt PDF: pdfium and pdfminer disagree on its pages")
                loaded = miner.page(i)
            doctop += loaded.height
            yield loaded
    finally:
        doc.close()


def _page_list(pages: Sequence[int]) -> str:
    return ", ".join(str(p) for p in pages)


def page_grids(
    loaded: _Page,
    grids: list[Grid],
    notes: list[Finding],
    tail_clear: bool,
    decorate: Callable[[Grid, _Table], Grid] | None = None,
) -> bool:
    """Append the tables of one page to ``grids`` (numbered on; a table at the top of a page
    that continues the previous page's last table takes its title) and their notes to
    ``notes``; ``decorate`` may change each grid (the OCR reader adds its evidence).
    ``tail_clear``: only page numbers followed the last table of the page before.  Returns
    whether only page numbers follow this page's last table."""
    tables, lines = _page_tables(loaded)
    for n, table in enumerate(tables):
        above = [ln for ln in lines if max(w.bottom for w in ln) <= table.bbox[1] + 1]
        continued = (
            n == 0
            and bool(grids)
            and grids[-1].page == loaded.number - 1
            and tail_clear
            and _only_page_numbers(above)
        )
        title = grids[-1].title if continued else _title_above(table, lines)
        grid = _grid_of(table, len(grids) + 1, title)
        if decorate is not None:
            grid = decorate(grid, table)
        grids.append(grid)
        if table.placed_rows:
            notes.append(finding("pdf.cells_by_position", table=grid.index, page=grid.page,
                                 n=table.placed_rows))
    if not tables:
        return False
    below = [ln for ln in lines if min(w.top for w in ln) >= tables[-1].bbox[3] - 1]
    return _only_page_numbers(below)


def read_pdf(data: bytes) -> Document:
    """Read a PDF's text and tables.

    Characters (with their boxes) and ruling come from pdfium (pypdfium2); a page pdfium
    cannot describe the way pdfminer would (unmapped glyphs, rotated text or pages, form
    XObjects: see the module's docstring) is read by pdfplumber, and so is a document pdfium
    cannot open.  Both are
    described alike, so the table geometry below does not depend on which read a page.

    Raises :class:`UnreadableInput` for bytes that are not a readable PDF (corrupt,
    encrypted) and for PDFs whose text layer is missing (scans) or made of ``(cid:…)``
    glyph codes; no pdfium or pdfminer exception escapes.
    """
    try:
        import pdfplumber  # noqa: F401  (the table finder and word grouping)
    except ImportError as exc:  # pragma: no cover - packaging problem
        raise ImportError("reading PDFs needs pdfplumber: pip install 'govstats[pdf]'") from exc
    if b"%PDF" not in data[:1024]:
        raise UnreadableInput("not a PDF: no %PDF header")

    texts: list[str] = []
    grids: list[Grid] = []
    notes: list[Finding] = []
    tail_clear = False  # only page numbers follow the last grid on its page
    image_pages: list[int] = []
    miner = _Pdfminer(data)
    try:
        for loaded in _pages(data, miner):
            if not loaded.words and loaded.images:  # a page printed as a picture
                image_pages.append(loaded.number)
            texts.append(loaded.text)
            tail_clear = page_grids(loaded, grids, notes, tail_clear)
    finally:
        miner.close()
    problem = text_layer_problem(texts)
    if problem:  # a scan, or glyph codes: read by OCR (the ocr extra), else say what to install
        from .ocr import OCR_EXTRA, available, read_scanned_pdf

        if not available():
            raise UnreadableInput(f"{problem}: {OCR_EXTRA}")
        try:
            return read_scanned_pdf(data)
        except UnreadableInput as exc:
            raise UnreadableInput(f"{problem}; {exc}") from None
    if image_pages:  # pictures of pages among pages of text: OCR them (the ocr extra)
        from .ocr import OCR_EXTRA, available, read_scanned_pdf

        if available():
            return read_scanned_pdf(data, pages=image_pages, text_pages=True)
        notes.append(finding("pdf.image_pages", pages=_page_list(image_pages), hint=OCR_EXTRA))
    cids = sum(len(_CID_RE.findall(t)) for t in texts)
    if cids:
        notes.append(finding("pdf.cid_glyphs", n=cids))
    return Document(kind="pdf", text="\f".join(texts), grids=grids, notes=notes)
