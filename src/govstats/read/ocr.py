"""OCR reader (the ``ocr`` extra): scanned PDFs and table images → :class:`Document`.

A PDF page without a usable text layer (:func:`govstats.read.pdf.text_layer_problem`) is
rendered with pypdfium2 at :data:`DEFAULT_SCALE`; a PNG/JPEG file is read as it is.  The PP-OCR
models packaged for onnxruntime (``rapidocr_onnxruntime``, the models inside the wheel) find
the text lines and read them with a box per character; characters printed next to each other
become one word, and the words, in PDF points, go through the PDF reader's own geometry
(:func:`govstats.read.pdf._page_tables`): value rows, header columns and spans are found
exactly as for a text-layer PDF without ruling.

OCR output is evidence, not truth:

- a number token with characters the engine confuses with digits (``o`` for 0, ``l`` for 1;
  the map is data: ``ocr_confusables.yaml``) is read with the digit, and its cell keeps what the
  engine read (:attr:`Cell.ocr_read`);
- every cell keeps the engine's confidence (:attr:`Cell.confidence`, the lowest of its
  characters');
- every number word is read a second time (:func:`_reread`): the recogniser alone, on the
  word's image cropped with a margin and scaled by 3/4 — other pixels, another reading — unless
  ink beside the word says its box may have left a character out; the cell keeps it
  (:attr:`Cell.ocr_reread`);

and :func:`govstats.parse.ocr_evidence.confirm_ocr` keeps such a reading only where the table's
identities confirm it.  Results are cached by the file's SHA-256 (``~/.cache/govstats/ocr``,
``GOVSTATS_OCR_CACHE``; ``GOVSTATS_OCR_CACHE=off`` turns the cache off): the cache holds what
the engine returns for the same bytes, so parsing stays a pure function of the bytes.  The
engine runs on a GPU when onnxruntime offers CUDA, never requiring one.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import os
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache, partial
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..catalogue.findings import finding
from ..errors import UnreadableInput
from ..limits import allow_address_space, current_limits
from ..model import Cell, Document, Finding, Grid
from . import pdf as _pdf

__all__ = [
    "DEFAULT_SCALE",
    "LOW_CONFIDENCE",
    "OCR_EXTRA",
    "OcrWord",
    "available",
    "map_confusables",
    "ocr_image",
    "page_threads",
    "read_image",
    "read_scanned_pdf",
]

#: what to install for this reader
OCR_EXTRA = "pip install 'govstats[ocr]'"
#: pixels per PDF point when a page is rendered (measured: benchmarks/bench_ocr.py)
DEFAULT_SCALE = 3.0
#: a reading below this confidence keeps its value only where an identity confirms it
LOW_CONFIDENCE = 0.9
#: the engine drops text lines read with less confidence than this
_TEXT_SCORE = 0.3
#: the detector drops text boxes scored below this (the engine's default: 0.5)
_BOX_THRESH = 0.5
_CACHE_VERSION = 8
#: the second reading of a number word: margin around its box (times its height, up to the
#: next word or vertical rule) and the factor its crop is scaled by (measured on the corpus
#: PDFs: wider margins make the recogniser read a lone 0 as 。)
_REREAD_MARGIN = 0.15
_REREAD_SCALE = 0.75
#: how far beside a number word (times its height) ink means a character its box left out
_INK_REACH = 0.6
#: the least height of a number word, in pixels of the source, for a second reading: below
#: it the two readings share the blur that misleads them (measured: at 1 px per point, 12pt
#: print 12-15 px high, second readings agreed with 4 misreadings; at 2-3, 24-46 px, none)
_REREAD_MIN_HEIGHT = 24

_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


def is_image(data: bytes) -> bool:
    """PNG or JPEG bytes."""
    return data.startswith(_IMAGE_MAGIC)


def available() -> bool:
    """Whether the ``ocr`` extra is installed."""
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def _need_extra(what: str) -> UnreadableInput:
    return UnreadableInput(f"{what}: reading it needs OCR: {OCR_EXTRA}")


# --------------------------------------------------------------------------- confusables


@lru_cache(maxsize=1)
def confusables() -> dict[str, str]:
    """Character → digit (``ocr_confusables.yaml``)."""
    text = resources.files("govstats.read").joinpath("ocr_confusables.yaml").read_text("utf-8")
    data = yaml.safe_load(text)["confusables"]
    out = {str(k): str(v) for k, v in data.items()}
    for k, v in out.items():
        if len(k) != 1 or not (len(v) == 1 and v.isdigit()):
            raise ValueError(f"ocr_confusables.yaml: {k!r}: {v!r} is not one character → digit")
    return out


def map_confusables(token: str) -> str | None:
    """The number ``token`` stands for when it holds characters the engine confuses with
    digits (``"1o"`` → ``"10"``, ``"o"`` → ``"0"``), else None.  Only tokens made of digits,
    confusable characters and a decimal point or thousands commas; one without any digit
    only when it is one or two characters long (``"lO"``, not ``"Iso"``)."""
    table = confusables()
    if not any(ch in table for ch in token):
        return None
    if not all(ch.isdigit() or ch in table or ch in ".," for ch in token):
        return None
    if not any(ch.isdigit() for ch in token) and len(token) > 2:
        return None
    mapped = "".join(table.get(ch, ch) for ch in token)
    if not mapped[0].isdigit() or not mapped[-1].isdigit():
        return None
    return mapped


# --------------------------------------------------------------------------- the engine


@dataclass(frozen=True)
class OcrWord:
    """A word the engine read: characters printed next to each other, in pixels."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    confidence: float
    # the second reading of a number word (:func:`_reread`) and its confidence
    reread: str | None = None
    reread_confidence: float | None = None


def _upright_crops(img: Any, boxes: Sequence[Any]) -> list[Any]:
    """The image of each text box, upright.  The engine's own cropping turns a box at least
    1.5 times taller than wide by 90° (vertical text): a lone narrow digit (``1``) would be
    read on its side.  Report pages print horizontal text, so no crop is turned; a narrow
    one is padded to a width the recogniser reads well."""
    import cv2
    import numpy as np

    out = []
    for box in boxes:
        pts = np.array(box, dtype=np.float32)
        w = int(max(np.linalg.norm(pts[0] - pts[1]), np.linalg.norm(pts[2] - pts[3])))
        h = int(max(np.linalg.norm(pts[0] - pts[3]), np.linalg.norm(pts[1] - pts[2])))
        w, h = max(w, 1), max(h, 1)
        dst = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
        matrix = cv2.getPerspectiveTransform(pts, dst)
        crop = cv2.warpPerspective(
            img, matrix, (w, h), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC
        )
        if h > w:
            pad = (h - w + 1) // 2
            crop = cv2.copyMakeBorder(crop, 0, 0, pad, pad, cv2.BORDER_REPLICATE)
        out.append(crop)
    return out


@lru_cache(maxsize=1)
def _engine() -> Any:
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as exc:
        raise _need_extra("an image-only input") from exc
    import onnxruntime

    class _Upright(RapidOCR):  # type: ignore[misc, valid-type]
        def get_crop_img_list(self, img: Any, dt_boxes: Any) -> list[Any]:
            return _upright_crops(img, dt_boxes)

    gpu = "CUDAExecutionProvider" in onnxruntime.get_available_providers()
    # no angle classifier: it turns a lone 6 into a 9 (and 98 into 86) by reading it upside
    # down; report pages are upright
    kwargs: dict[str, Any] = {"text_score": _TEXT_SCORE, "max_side_len": 4000, "use_cls": False}
    if gpu:
        kwargs.update({"det_use_cuda": True, "rec_use_cuda": True})
    return _Upright(**kwargs)


def _engine_id() -> str:
    from importlib.metadata import version

    try:
        return f"rapidocr_onnxruntime-{version('rapidocr_onnxruntime')}"
    except Exception:  # pragma: no cover - metadata missing
        return "rapidocr_onnxruntime"


_Cut = tuple[float, float, float]  # a vertical rule: x, top, bottom (pixels)


def _words_of_line(item: Sequence[Any], cuts: Sequence[_Cut] = ()) -> list[OcrWord]:
    """The words of one text line: its character boxes, next to each other (gap under a third
    of the line's height), not across a space and not across a vertical rule (``cuts``: the
    engine may read the labels of two cells as one line), joined."""
    text = str(item[1])
    score = float(item[2])
    boxes = item[3] if len(item) > 3 else None
    chars = item[4] if len(item) > 4 else None
    confs = item[5] if len(item) > 5 else None
    quad = item[0]
    tall = (max(p[1] for p in quad) - min(p[1] for p in quad)) >= 1.5 * (
        max(p[0] for p in quad) - min(p[0] for p in quad)
    )
    # the engine places the characters of a tall box as if it were turned: the box is the word
    if tall or not boxes or not chars or len(boxes) != len(chars):
        xs = [p[0] for p in item[0]]
        ys = [p[1] for p in item[0]]
        return [OcrWord(t, min(xs), min(ys), max(xs), max(ys), score) for t in text.split() if t]
    confs = list(confs) if confs and len(confs) == len(chars) else [score] * len(chars)
    out: list[OcrWord] = []
    cur: list[tuple[str, float, float, float, float, float]] = []
    for box, ch, conf in zip(boxes, chars, confs, strict=True):
        xs = [p[0] for p in box]
        ys = [p[1] for p in box]
        piece = (str(ch), min(xs), min(ys), max(xs), max(ys), float(conf))
        if piece[0] in _RULE_CHARS and _on_rule(piece, cuts):
            # a table rule read as a character: a separator, never a 1 of a number
            if cur:
                out.append(_word(cur))
                cur = []
            continue
        if cur:
            h = max(piece[4] - piece[2], cur[-1][4] - cur[-1][2], 1.0)
            left = (cur[-1][1] + cur[-1][3]) / 2
            right = (piece[1] + piece[3]) / 2
            cy = (piece[2] + piece[4]) / 2
            ruled = any(left < x < right and top <= cy <= bottom for x, top, bottom in cuts)
            if piece[1] - cur[-1][3] > h / 3 or not piece[0].strip() or ruled:
                out.append(_word(cur))
                cur = []
        if piece[0].strip():
            cur.append(piece)
    if cur:
        out.append(_word(cur))
    return out


#: characters the engine reads where a vertical table rule runs through a line (never a
#: digit or a letter taken for one: a real 1 printed close to a rule must not go)
_RULE_CHARS = frozenset("|丨｜[]【】")


def _on_rule(piece: tuple[str, float, float, float, float, float], cuts: Sequence[_Cut]) -> bool:
    """Whether a character's box lies on a vertical rule (its centre within a third of the
    line's height of it): the rule itself, read as a character."""
    cx, cy = (piece[1] + piece[3]) / 2, (piece[2] + piece[4]) / 2
    reach = max(piece[3] - piece[1], (piece[4] - piece[2]) / 3)
    return any(abs(cx - x) <= reach and top <= cy <= bottom for x, top, bottom in cuts)


def _word(pieces: list[tuple[str, float, float, float, float, float]]) -> OcrWord:
    return OcrWord(
        "".join(p[0] for p in pieces).replace(" ", ""),
        min(p[1] for p in pieces),
        min(p[2] for p in pieces),
        max(p[3] for p in pieces),
        max(p[4] for p in pieces),
        min(p[5] for p in pieces),
    )


def _read_lines(image: Any) -> list[Any]:
    """The text lines the engine reads on an image (a numpy array, RGB or grey)."""
    result, _ = _engine()(
        image, return_word_box=True, text_score=_TEXT_SCORE, box_thresh=_BOX_THRESH
    )
    return list(result or [])


def ocr_image(image: Any) -> list[OcrWord]:
    """The words the engine reads on an image (a numpy array, RGB or grey), in pixels."""
    return [w for item in _read_lines(image) for w in _words_of_line(item)]


@dataclass(frozen=True)
class _Scan:
    """What one image holds: the words the engine read and the ruling lines (pixels)."""

    words: list[OcrWord]
    # (orientation "h"/"v", x0, top, x1, bottom) of each ruling line
    rules: list[tuple[str, float, float, float, float]]


def _ruling(image: Any, min_len: float) -> list[tuple[str, float, float, float, float]]:
    """Ruling lines of an image: runs of dark pixels at least ``min_len`` pixels long
    (morphological opening with a line-shaped kernel), thin in the other direction."""
    import cv2
    import numpy as np

    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    ink = (grey < 192).astype(np.uint8) * 255  # thin rules render grey
    n = max(int(min_len), 8)
    out: list[tuple[str, float, float, float, float]] = []
    for orient, size in (("h", (n, 1)), ("v", (1, n))):
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, size)
        lines = cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
        count, _, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
        for k in range(1, count):
            x, y, w, h = (int(v) for v in stats[k][:4])
            thick = h if orient == "h" else w
            if thick > max(n // 4, 6):  # a filled block, not a line
                continue
            if orient == "h":
                out.append(("h", x, y + h / 2, x + w, y + h / 2))
            else:
                out.append(("v", x + w / 2, y, x + w / 2, y + h))
    return out


def _scan(image: Any, per_point: float | None, sharp: float = 1.0) -> _Scan:
    """Words and ruling of an image whose pixels are ``per_point`` per PDF point (None: as
    :func:`_per_point` tells from its words): lines at least 20 points long that are not
    strokes of a word's characters; a word never runs across a vertical rule.  ``sharp``:
    the pixels of the source per pixel of the image (under 1 for a scan rendered above its
    own resolution)."""
    try:
        lines = _read_lines(image)
    except Exception as exc:  # the engine's own wrapper turns bad_alloc into a traceback text
        if isinstance(exc, MemoryError) or "bad_alloc" in str(exc):
            budget = current_limits().ocr_memory_bytes
            raise MemoryError(
                f"OCR ran out of memory reading a page (limit ocr_memory_bytes={budget:,}; "
                "raise it with --limit ocr_memory_bytes=N, or read fewer pages at once with "
                "GOVSTATS_OCR_THREADS=1)"
            ) from None
        raise
    words = [w for item in lines for w in _words_of_line(item)]
    per_point = per_point or _per_point(words)
    rules = _not_in_words(_ruling(image, 20 * per_point), words)
    cuts = [(r[1], r[2], r[4]) for r in rules if r[0] == "v"]
    words = [w for item in lines for w in _words_of_line(item, cuts)]
    return _Scan(_reread(image, words, cuts, sharp), rules)


def _is_number_word(text: str) -> bool:
    return any(ch.isdigit() for ch in text) or map_confusables(text) is not None


def _reread(
    image: Any, words: list[OcrWord], cuts: Sequence[_Cut], sharp: float = 1.0
) -> list[OcrWord]:
    """``words`` with a second reading of each number word: its box widened by
    :data:`_REREAD_MARGIN` of its height on each side, cropped, scaled by
    :data:`_REREAD_SCALE` and read by the recogniser alone (no detection).  Other pixels give
    an independent reading: where both agree, the print says what was read.  A word with ink
    beside its box (within :data:`_INK_REACH` of its height, up to the next word or vertical
    rule of its line: a digit the first box left out, 64 read as 4) gets no second reading,
    so nothing but an identity can confirm it.  Nor does a word printed in fewer than
    :data:`_REREAD_MIN_HEIGHT` pixels of the source (its height times ``sharp``): blurred
    pixels mislead the recogniser alike twice (at 72 dpi it read 12 as 13 both times)."""
    import cv2

    targets = [
        i
        for i, w in enumerate(words)
        if _is_number_word(w.text) and (w.bottom - w.top) * sharp >= _REREAD_MIN_HEIGHT
    ]
    if not targets:
        return words
    grey = image if image.ndim == 2 else cv2.cvtColor(image[:, :, :3], cv2.COLOR_RGB2GRAY)
    height, width = grey.shape[:2]
    kept: list[int] = []
    crops = []
    for i in targets:
        w = words[i]
        h = max(w.bottom - w.top, 1.0)
        cy = (w.top + w.bottom) / 2
        left, right = w.x0 - _INK_REACH * h, w.x1 + _INK_REACH * h
        for x, top, bottom in cuts:  # a rule is no ink beside the word: stop short of it
            if top <= cy <= bottom:
                if x <= w.x0:
                    left = max(left, x + 0.15 * h)
                elif x >= w.x1:
                    right = min(right, x - 0.15 * h)
        for o in words:
            if o is w or o.bottom < w.top + h / 2 or o.top > w.bottom - h / 2:
                continue
            if o.x1 <= w.x0:
                left = max(left, o.x1 + 0.15 * h)
            elif o.x0 >= w.x1:
                right = min(right, o.x0 - 0.15 * h)
        # the middle band of the line (a ruling line along a cell's edge may graze the
        # box), from a little off the box (strokes spill past it) to the reach
        y0, y1 = max(int(w.top + 0.2 * h), 0), min(int(w.bottom - 0.2 * h) + 1, height)
        beside = [
            grey[y0:y1, max(int(left), 0):max(int(w.x0 - 0.15 * h), 0)],
            grey[y0:y1, min(int(w.x1 + 0.15 * h) + 1, width):min(int(right) + 1, width)],
        ]
        if sum(int((strip < 128).sum()) for strip in beside if strip.size) > 0.03 * h * h:
            continue
        x0 = max(int(max(left, w.x0 - _REREAD_MARGIN * h)), 0)
        x1 = min(int(min(right, w.x1 + _REREAD_MARGIN * h)) + 1, width)
        y0 = max(int(w.top - 0.15 * h), 0)
        y1 = min(int(w.bottom + 0.15 * h) + 1, height)
        crop = image[y0:y1, x0:x1]
        if crop.size == 0:
            continue
        size = (
            max(int(crop.shape[1] * _REREAD_SCALE), 1),
            max(int(crop.shape[0] * _REREAD_SCALE), 1),
        )
        crop = cv2.resize(crop, size, interpolation=cv2.INTER_AREA)
        if crop.ndim == 2:
            crop = cv2.cvtColor(crop, cv2.COLOR_GRAY2RGB)
        elif crop.shape[2] == 4:
            crop = crop[:, :, :3]
        kept.append(i)
        crops.append(crop)
    if not crops:
        return words
    results, _ = _engine().text_rec(crops)
    out = list(words)
    for i, res in zip(kept, results, strict=True):
        text, score = str(res[0]).replace(" ", ""), float(res[1])
        out[i] = replace(words[i], reread=text, reread_confidence=round(score, 4))
    return out


def _not_in_words(
    rules: list[tuple[str, float, float, float, float]], words: Sequence[OcrWord]
) -> list[tuple[str, float, float, float, float]]:
    """The ruling lines that do not lie within a word's box (a long stroke of a large
    character is no ruling)."""

    def within(r: tuple[str, float, float, float, float], w: OcrWord) -> bool:
        pad = 2.0
        return (
            w.x0 - pad <= r[1]
            and r[3] <= w.x1 + pad
            and w.top - pad <= r[2]
            and r[4] <= w.bottom + pad
        )

    return [r for r in rules if not any(within(r, w) for w in words)]


def _edges(
    rules: Sequence[tuple[str, float, float, float, float]], per_point: float
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Ruling lines as the vertical and horizontal edges the PDF reader's table finder takes
    (points)."""
    v: list[dict[str, Any]] = []
    h: list[dict[str, Any]] = []
    for orient, x0, top, x1, bottom in rules:
        x0, top, x1, bottom = (c / per_point for c in (x0, top, x1, bottom))
        edge = {
            "x0": x0,
            "x1": x1,
            "top": top,
            "bottom": bottom,
            "width": x1 - x0,
            "height": bottom - top,
            "orientation": orient,
            "object_type": "line",
        }
        (h if orient == "h" else v).append(edge)
    return v, h


def _ruled_cells(
    rules: Sequence[tuple[str, float, float, float, float]], per_point: float
) -> list[list[tuple[float, float, float, float]]]:
    """Cell boxes of each ruled table, found as the PDF reader finds them (pdfplumber's
    table finder on explicit edges, the same tolerances; open ends closed)."""
    from pdfplumber import table as pt

    v, h = _edges(rules, per_point)
    if len(v) < 2 or len(h) < 2:
        return []
    h = h + _pdf._closing_edges(v, h)
    tol = _pdf._TABLE_SETTINGS
    edges = pt.merge_edges(
        v + h,
        tol["snap_tolerance"],
        tol["snap_tolerance"],
        tol["join_tolerance"],
        tol["join_tolerance"],
    )
    edges = [
        e
        for e in edges
        if (e["bottom"] - e["top"] if e["orientation"] == "v" else e["x1"] - e["x0"])
        >= tol["edge_min_length"]
    ]
    points = pt.edges_to_intersections(
        edges, tol["intersection_tolerance"], tol["intersection_tolerance"]
    )
    cells = pt.intersections_to_cells(points)
    return [[tuple(map(float, c)) for c in t] for t in pt.cells_to_tables(cells)]


# --------------------------------------------------------------------------- cache


def _cache_dir() -> Path | None:
    env = os.environ.get("GOVSTATS_OCR_CACHE")
    if env is not None and env.strip().lower() in ("", "0", "off", "no", "none"):
        return None
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "govstats" / "ocr"


def _cache_path(key: str) -> Path | None:
    folder = _cache_dir()
    return folder / f"{key}.json" if folder else None


def _cache_load(key: str) -> _Scan | None:
    path = _cache_path(key)
    if path is None or not path.exists():
        return None
    try:
        data = json.loads(path.read_text("utf-8"))
        return _Scan([OcrWord(*row) for row in data["words"]], [tuple(r) for r in data["rules"]])
    except (OSError, ValueError, TypeError, KeyError):
        return None


def _cache_store(key: str, scan: _Scan) -> None:
    path = _cache_path(key)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        data = {
            "words": [
                [w.text, w.x0, w.top, w.x1, w.bottom, w.confidence, w.reread,
                 w.reread_confidence]
                for w in scan.words
            ],
            "rules": [list(r) for r in scan.rules],
        }  # fmt: skip
        tmp.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
        os.replace(tmp, path)
    except OSError:
        pass


def _cached_scan(key: str, compute: Any) -> _Scan:
    scan = _cache_load(key)
    if scan is None:
        scan = compute()
        _cache_store(key, scan)
    return scan


def page_threads() -> int:
    """How many pages of a scan are read at once: ``$GOVSTATS_OCR_THREADS``, else the cores
    this process may use, at most 2 (onnxruntime keeps about one core busy per page, and each
    page read at once takes about 1 GB more memory: see ``Limits.ocr_memory_bytes``)."""
    env = os.environ.get("GOVSTATS_OCR_THREADS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 2))


def _scan_pages(pdf: Any, data: bytes, numbers: Sequence[int], scale: float) -> dict[int, _Scan]:
    """What each page holds: from the cache, else rendered (one page at a time, pdfium is not
    thread-safe) and read by the engine, :func:`page_threads` pages at once (onnxruntime runs
    sessions from several threads; a page read alone keeps about one core busy).  At most that
    many rendered pages are held at once."""
    from collections import deque
    from concurrent.futures import Future, ThreadPoolExecutor

    out: dict[int, _Scan] = {}
    todo = []
    for n in numbers:
        cached = _cache_load(_key(data, f"p{n}-s{scale:g}"))
        if cached is None:
            todo.append(n)
        else:
            out[n] = cached
    if not todo:
        return out
    allow_address_space(current_limits().ocr_memory_bytes)
    _engine()  # made once, before the threads share it
    threads = min(page_threads(), len(todo))
    pending: deque[tuple[int, Future[_Scan]]] = deque()

    def collect() -> None:
        n, future = pending.popleft()
        out[n] = future.result()
        _cache_store(_key(data, f"p{n}-s{scale:g}"), out[n])

    with ThreadPoolExecutor(threads) as pool:
        try:
            for n in todo:
                page = pdf[n - 1]
                image = page.render(scale=scale, grayscale=False).to_numpy()
                native = _native_per_point(page)
                page.close()
                sharp = min(1.0, native / scale) if native else 1.0
                # in the caller's context: the limits in force (a context variable)
                context = contextvars.copy_context()
                pending.append((n, pool.submit(context.run, _scan, image, scale, sharp)))
                while len(pending) >= threads:
                    collect()
            while pending:
                collect()
        finally:
            for _, future in pending:
                future.cancel()
    return out


def _key(data: bytes, what: str) -> str:
    digest = hashlib.sha256(data).hexdigest()
    return f"{digest}-{what}-{_engine_id()}-v{_CACHE_VERSION}"


# --------------------------------------------------------------------------- pages


@dataclass(frozen=True)
class _Evidence:
    """What the engine read for one word of a page (points), in reading order."""

    text: str  # the word as placed in the page (confusables mapped)
    read: str  # as the engine read it
    confidence: float
    cx: float
    cy: float
    reread: str | None = None  # the second reading (:func:`_reread`) and its confidence
    reread_confidence: float | None = None


def _page_of(
    number: int, scan: _Scan, per_point: float, width: float, height: float
) -> tuple[_pdf._Page, list[_Evidence]]:
    """A page for the PDF reader's geometry: words in points (confusables mapped), each word
    also one "character" for the text of a ruled cell, and the ruled tables' cells."""
    placed: list[_pdf._Word] = []
    read: dict[int, OcrWord] = {}
    for w in sorted(scan.words, key=lambda w: (w.top, w.x0)):
        text = map_confusables(w.text) or w.text
        word = _pdf._Word(
            text,
            w.x0 / per_point,
            w.x1 / per_point,
            w.top / per_point,
            w.bottom / per_point,
            (w.bottom - w.top) / per_point,
        )
        placed.append(word)
        read[id(word)] = w
    lines = _pdf._lines_of(placed)
    text = "\n".join(_pdf._line_text(line) for line in lines)
    chars = [
        {
            "text": w.text,
            "x0": w.x0,
            "x1": w.x1,
            "top": w.top,
            "bottom": w.bottom,
            "doctop": w.top,
            "width": w.x1 - w.x0,
            "height": w.bottom - w.top,
            "size": w.size,
            "upright": True,
            "object_type": "char",
            "fontname": "",
            "matrix": (1, 0, 0, 1, w.x0, w.bottom),
        }
        for w in placed
    ]
    tables = _ruled_cells(scan.rules, per_point) if placed else []
    page = _pdf._Page(number, width, height, text, chars, placed, tables)
    evidence = [
        _Evidence(w.text, o.text, o.confidence, w.cx, w.cy, o.reread, o.reread_confidence)
        for line in lines
        for w in line
        for o in (read[id(w)],)
    ]
    return page, evidence


def _row_bounds(page: _pdf._Page, table: _pdf._Table) -> list[float] | None:
    """The y of the row lines of a ruled table (as the PDF reader clusters them)."""
    for boxes in page.tables:
        xs = _pdf._cluster_values([b[0] for b in boxes] + [b[2] for b in boxes], 2.0)
        ys = _pdf._cluster_values([b[1] for b in boxes] + [b[3] for b in boxes], 2.0)
        if xs == table.col_bounds and ys and abs(ys[0] - table.bbox[1]) < 0.01:
            return ys
    return None


def _is_token(e: _Evidence) -> bool:
    return _is_number_word(e.text)


def _mark(cell: Cell, found: Sequence[_Evidence]) -> Cell:
    """The cell with the confidence of the number words found in it (0 when none is found:
    nothing vouches for what it prints), what the engine read where it differs, and the
    second reading of its words (when every word has one)."""
    if not found:
        return replace(cell, confidence=0.0)
    read = " ".join(e.read for e in found)
    printed = " ".join(e.text for e in found)
    reread = all(e.reread is not None and e.reread_confidence is not None for e in found)
    return replace(
        cell,
        confidence=round(min(e.confidence for e in found), 4),
        ocr_read=read if read != printed else None,
        ocr_reread=" ".join(str(e.reread) for e in found) if reread else None,
        ocr_reread_confidence=(
            round(min(float(e.reread_confidence or 0) for e in found), 4) if reread else None
        ),
    )


def _with_evidence(
    grid: Grid, table: _pdf._Table, page: _pdf._Page, evidence: list[_Evidence]
) -> Grid:
    """The grid's number cells with the engine's confidence and reading.  In a ruled table,
    the words inside the cell's box; elsewhere (rows placed by word positions) each token is
    the next number word inside the table, in reading order, printing the same text."""
    ys = _row_bounds(page, table) if table.col_bounds else None
    xs = table.col_bounds
    x0, top, x1, bottom = table.bbox
    inside = [e for e in evidence if x0 - 1 <= e.cx <= x1 + 1 and top - 1 <= e.cy <= bottom + 1]
    tokens = [e for e in inside if _is_token(e)]
    pos = 0
    rows: list[list[Cell]] = []
    for row in grid.rows:
        out: list[Cell] = []
        for cell in row:
            if not any(ch.isdigit() for ch in cell.text):
                out.append(cell)
                continue
            if ys is not None and cell.row + cell.rowspan < len(ys):
                box = (
                    xs[cell.col],
                    ys[cell.row],
                    xs[min(cell.col + cell.colspan, len(xs) - 1)],
                    ys[cell.row + cell.rowspan],
                )
                found = [e for e in tokens if _pdf._inside(e.cx, e.cy, box)]
                out.append(_mark(cell, found))
                continue
            found = []
            k = pos
            for tok in cell.text.split():
                j = next((i for i in range(k, len(tokens)) if tokens[i].text == tok), None)
                if j is None:
                    found = []
                    break
                found.append(tokens[j])
                k = j + 1
            if found:
                pos = k
            out.append(_mark(cell, found))
        rows.append(out)
    return replace(grid, rows=rows)


def _document(
    pages: Sequence[tuple[_pdf._Page, list[_Evidence] | None]], kind: str, notes: list[Finding]
) -> Document:
    """The PDF reader's page loop over OCR pages: tables, titles, tables continued."""
    texts: list[str] = []
    grids: list[Grid] = []
    tail_clear = False
    for loaded, evidence in pages:
        texts.append(loaded.text)
        # a page read by OCR (not from its text layer): its cells carry the evidence
        decorate = None if evidence is None else partial(_with_evidence, page=loaded,
                                                         evidence=evidence)
        tail_clear = _pdf.page_grids(loaded, grids, notes, tail_clear, decorate)
    return Document(kind=kind, text="\f".join(texts), grids=grids, notes=notes, reader="ocr")


def _ocr_note(kind: str, pages: Sequence[int], scale: float | None) -> Finding:
    where = ", ".join(str(p) for p in pages)
    return finding(
        "read.ocr",
        kind=kind,
        pages=where or "-",
        scale=f"{scale:g}" if scale is not None else "as is",
        engine=_engine_id(),
    )


def read_scanned_pdf(
    data: bytes,
    *,
    scale: float | None = None,
    pages: Sequence[int] | None = None,
    text_pages: bool = False,
) -> Document:
    """Read a PDF by OCR: each page (1-based ``pages``, default all) rendered at ``scale``
    pixels per point.  With ``text_pages``, the other pages are read from their text layer (a
    PDF with some pages printed as pictures), all of them laid out together (a table may run
    on from one kind of page to the other).  Raises :class:`UnreadableInput` naming the
    extra when it is absent."""
    if not available():
        raise _need_extra("a PDF without a usable text layer (a scan)")
    import pypdfium2

    scale = float(scale or DEFAULT_SCALE)
    try:
        pdf = pypdfium2.PdfDocument(data)
    except Exception as exc:
        raise UnreadableInput(f"corrupt PDF: {type(exc).__name__}: {exc}") from exc
    read: dict[int, tuple[_pdf._Page, list[_Evidence] | None]] = {}
    try:
        numbers = list(pages) if pages else list(range(1, len(pdf) + 1))
        scans = _scan_pages(pdf, data, numbers, scale)
        for number in numbers:
            width, height = pdf.get_page_size(number - 1)
            read[number] = _page_of(number, scans[number], scale, float(width), float(height))
    finally:
        pdf.close()
    if not any(page.words for page, _ in read.values()):
        raise UnreadableInput(f"OCR found no text on {len(read)} page(s)")
    out: list[tuple[_pdf._Page, list[_Evidence] | None]] = [read[n] for n in sorted(read)]
    if text_pages:
        out = _with_text_pages(data, read)
    return _document(out, "pdf", [_ocr_note("pdf", sorted(read), scale)])


def _native_per_point(page: Any) -> float | None:
    """Pixels per point of the largest image a PDF page draws (a scan's own resolution;
    None when it draws none)."""
    import pypdfium2

    best: tuple[float, float] | None = None
    for obj in page.get_objects(filter=(pypdfium2.raw.FPDF_PAGEOBJ_IMAGE,)):
        try:
            left, bottom, right, top = obj.get_bounds()
            width, height = obj.get_px_size()
        except Exception:  # pragma: no cover - an image pdfium cannot describe
            continue
        if right - left <= 0 or top - bottom <= 0 or width <= 0 or height <= 0:
            continue
        area = (right - left) * (top - bottom)
        per_point = min(width / (right - left), height / (top - bottom))
        if best is None or area > best[0]:
            best = (area, per_point)
    return best[1] if best else None


def _with_text_pages(
    data: bytes, read: dict[int, tuple[_pdf._Page, list[_Evidence] | None]]
) -> list[tuple[_pdf._Page, list[_Evidence] | None]]:
    """Every page in order: those of ``read`` as read by OCR, the others from their text
    layer as the PDF reader loads them."""
    import io

    import pdfplumber

    out: list[tuple[_pdf._Page, list[_Evidence] | None]] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                if page.page_number in read:
                    out.append(read[page.page_number])
                else:
                    out.append((_pdf._load_page(page), None))
                page.close()
    except Exception as exc:
        raise _pdf._unreadable(exc) from exc
    return out


def _per_point(words: Sequence[OcrWord]) -> float:
    """Pixels per point of an image: its words' median height is that of 12-point print."""
    heights = [w.bottom - w.top for w in words if w.bottom > w.top]
    return statistics.median(heights) / 12.0 if heights else 1.0


def read_image(data: bytes) -> Document:
    """Read a PNG or JPEG image by OCR (a table published as a picture).  Pixels become
    points so that the text's median height is that of 12-point print."""
    if not available():
        raise _need_extra("an image (PNG/JPEG)")
    import cv2
    import numpy as np

    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise UnreadableInput("an image that cannot be decoded (not a PNG or JPEG)")
    image = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)

    def compute() -> _Scan:
        allow_address_space(current_limits().ocr_memory_bytes)
        return _scan(image, None)

    scan = _cached_scan(_key(data, "image"), compute)
    if not scan.words:
        raise UnreadableInput("an image in which OCR found no text")
    per_point = _per_point(scan.words)
    h, w = image.shape[:2]
    page = _page_of(1, scan, per_point, w / per_point, h / per_point)
    return _document([page], "image", [_ocr_note("image", [1], None)])
