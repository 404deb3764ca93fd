"""Markdown reader: text from PDF/HTML converters (marker-pdf, MinerU, pandoc, OCR) →
:class:`~govstats.model.Document`.

What becomes a :class:`~govstats.model.Grid` (numbered 1, 2, … in the order of their first
line; ``row``/``col`` are 0-based positions, ``line`` the 1-based line of the input):

* **Pipe tables** — consecutive lines holding an unescaped ``|``, with or without leading and
  trailing pipes, with or without ``---|---`` delimiter lines (dropped).  Empty fields are
  kept as empty cells.  Whether the outer pipes are borders (GFM, ``| a | b |`` → 2 cells) or
  mark empty edge cells (``a | b |`` → 3 cells, as hand and converter renderings that keep
  blank cells do) is decided per block: borders when most of its lines start *and* end with a
  pipe.  A blank line or any other line ends the block.  In cells ``\\|`` is a pipe,
  ``<br>`` a space, ``**bold**``/``__bold__`` and inline tags are stripped, HTML entities
  and backslash escapes are decoded and whitespace collapses to one space.
* **Tab-separated lines** (two or more non-empty fields) — the same, split on tabs.
* **Pandoc grid tables** (``+---+---+`` borders) — cells are found as rectangles, so
  ``rowspan``/``colspan`` are kept; East-Asian wide characters count two columns, as pandoc
  aligns them.  Malformed ones fall back to one row per band of ``|`` lines.
* **HTML ``<table>`` elements** embedded in the markdown — delegated to
  :func:`govstats.read.html.read_html` (one fragment at a time; spans kept), then given the
  line numbers of their ``<tr>`` rows and the cell paths ``table[<grid index>]/…``.
* **Torn labels** — a converter that emitted a table's label column as a block of K plain
  lines before a block of number-only rows (plain lines of numbers, or the leading
  number-only rows of a pipe/tab table).  When the counts match the labels are paired with the
  rows *by order* (an info :class:`~govstats.model.Finding` ``read.markdown.paired_labels``
  says so); when they differ nothing is paired: both are kept as separate grids and a warning
  ``read.markdown.label_count_mismatch`` is added.  A label wrapped over lines with an
  unclosed bracket (``（二）部分公开（区分处理的，只计这一情`` / ``形，不计其他情形）``) is
  joined first.  A table whose header rows precede its number rows may be paired either
  number rows only (header rows get an empty first cell) or header and number rows together,
  whichever count matches.
* **Label + numbers lines** outside tables (``行政许可 0``, ``2.重复申请 5 4``): grids of kind
  ``"stream"``, one row per line: the label then one cell per whitespace-separated number.

A grid's ``title`` is the line just above it (blank lines, page footers ``— 5 —`` and image
lines skipped) when that line is a heading (``## …``, ``第二十条第（五）项``, ``表三…``,
``三、…情况``) — also across at most two short header-fragment lines — or a single short line
standing between two tables.  Numbers are never made up: every cell text is printed text.

``Document.text`` is the input with table markup reduced to tab-separated cells: one line per
pipe/tab row, delimiter lines emptied, grid/HTML tables one line per row, padded with empty
lines so that later lines keep their input line numbers where the table spanned enough lines.
"""

from __future__ import annotations

import bisect
import html as _html
import re
import unicodedata
from dataclasses import dataclass, field, replace

from ..catalogue.findings import finding
from ..lexicon import (
    DROP_ZERO_WIDTH,
    PERCENT_SIGNS,
    SPACE_RUN,
    TOKEN_PLACEHOLDERS,
    TOKEN_UNITS,
    alternation,
)
from ..model import Cell, Document, Finding, Grid
from .text import BLANK_MARK, flow_stream_grid

__all__ = ["RULE_LABEL_MISMATCH", "RULE_PAIRED_LABELS", "read_markdown"]

RULE_PAIRED_LABELS = "read.markdown.paired_labels"
RULE_LABEL_MISMATCH = "read.markdown.label_count_mismatch"

#: Longest line taken as a label, a heading or a title.
LABEL_CHARS = 40
#: Most label lines paired with one block of number rows.
MAX_PAIRED = 80

_NEWLINE = re.compile(r"\r\n|\r|\n")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_PROTECT_BASE = 0xF0000  # supplementary private use area: escaped ASCII punctuation
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_INLINE_TAG = re.compile(
    r"</?(?:b|strong|i|em|u|s|del|ins|mark|span|font|small|big|sup|sub|code|a)(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
_BLOCK_TAG = re.compile(r"</?(?:p|div)(?:\s[^<>]*)?/?>", re.IGNORECASE)
_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")

_NUM_TOKEN = re.compile(
    r"[-+−]?(?:\d{1,3}(?:[,，]\d{3})+|\d+)(?:\.\d+)?"
    rf"{alternation(PERCENT_SIGNS)}?{alternation(TOKEN_UNITS)}?"
)

_FOOTER = re.compile(
    r"[—–\-－]+\s*\d{1,4}\s*[—–\-－]+|第\s*\d{1,4}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,4}\s*页)?"
)
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_COMMENT = re.compile(r"<!--.*?-->")
_PAGE_MARK = re.compile(r"\{\d+\}-{5,}")  # marker-pdf paginated output
_HEADING = re.compile(
    r"第[一二三四五六七八九十百零〇\d]+条.{0,20}"
    r"|表\s*[一二三四五六七八九十\d]+.*"
    r"|[一二三四五六七八九十]+、.{1,36}情况"
)
_GRID_BORDER = re.compile(r"\s*\+(?:[-=:]+\+)+\s*")
_TABLE_TAG = re.compile(r"<(/?)table\b[^>]*>", re.IGNORECASE)
_TR_TAG = re.compile(r"<tr\b", re.IGNORECASE)
_PATH_TABLE = re.compile(r"^table\[\d+\]")
_LETTER = re.compile(r"[A-Za-z\u3400-\u9fff\uf900-\ufaff]")
_SENTENCE_END = tuple("；;：:!！?？")

_TABLE_KINDS = frozenset({"pipe", "tab", "gridtable", "html"})


# --------------------------------------------------------------------------- cells and lines


def _collapse(s: str) -> str:
    return SPACE_RUN.sub(" ", s.translate(DROP_ZERO_WIDTH)).strip()


def _clean_cell(raw: str) -> str:
    """Markdown cell text → plain text (see the module docstring)."""
    s = _ESCAPE.sub(lambda m: chr(_PROTECT_BASE + ord(m.group(1))), raw)
    s = _BR.sub(" ", s)
    if "<" in s:
        s = _INLINE_TAG.sub("", _BLOCK_TAG.sub(" ", s))
    prev = None
    while prev != s:  # nested emphasis: ****x**** or **__x__**
        prev = s
        s = _BOLD.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), s)
    if "&" in s:
        s = _html.unescape(s)
    s = "".join(
        chr(ord(ch) - _PROTECT_BASE) if _PROTECT_BASE <= ord(ch) < _PROTECT_BASE + 128 else ch
        for ch in s
    )
    return _collapse(s)


def _clean_line(raw: str) -> str:
    """A non-table line as plain text: heading marks, emphasis and whitespace removed."""
    s = raw.strip()
    if s.startswith("#"):
        s = s.lstrip("#")
    return _clean_cell(s)


def _num_kind(token: str) -> str | None:
    """``"digit"`` for a printed number, ``"placeholder"`` for a dash/slash cell, else None."""
    if _NUM_TOKEN.fullmatch(token):
        return "digit"
    if token in TOKEN_PLACEHOLDERS:
        return "placeholder"
    return None


def _row_class(texts: list[str]) -> str:
    """``"num"`` (only numbers/placeholders, at least one number), ``"text"`` (no number),
    ``"mixed"`` (a label with numbers) or ``"empty"``."""
    kinds = [_num_kind(t) for t in texts if t]
    if not kinds:
        return "empty"
    n_digit = kinds.count("digit")
    if n_digit and all(kinds):
        return "num"
    return "text" if n_digit == 0 else "mixed"


def _numeric_tokens(s: str) -> list[str] | None:
    """The whitespace-separated tokens of a plain line made only of numbers, else None."""
    tokens = s.split()
    return tokens if tokens and _row_class(tokens) == "num" else None


def _is_heading(raw: str, s: str) -> bool:
    if not s or len(s) > LABEL_CHARS + 10:
        return False
    if raw.lstrip().startswith("#"):
        return True
    return "。" not in s and _HEADING.fullmatch(s) is not None


def _stream_split(s: str) -> tuple[str, list[str]] | None:
    """``"行政许可 0"`` → ``("行政许可", ["0"])``: a label followed by numbers, else None."""
    tokens = s.split()
    j = len(tokens)
    while j > 0 and _num_kind(tokens[j - 1]):
        j -= 1
    tail = tokens[j:]
    if j == 0 or not tail or _row_class(tail) != "num":
        return None
    label = " ".join(tokens[:j])
    if len(label) > LABEL_CHARS or "。" in label or not _LETTER.search(label):
        return None
    if label.endswith(_SENTENCE_END) or _HEADING.fullmatch(label):
        return None
    return label, tail


def _is_label(raw: str, s: str) -> bool:
    """A short line that can be a row label (or a header fragment), not prose or a heading."""
    if not s or len(s) > LABEL_CHARS or not _LETTER.search(s):
        return False
    if "。" in s or s.endswith(_SENTENCE_END) or s.startswith(("注：", "注:")):
        return False
    if _is_heading(raw, s) or _numeric_tokens(s) or _stream_split(s):
        return False
    tokens = s.split()
    if len(tokens) >= 3 and all(len(t) <= 4 for t in tokens):
        return False  # a row of column headers: 结果 结果 其他 尚未
    # A line wholly in one pair of brackets is an annotation: （其中修订 16 件）.
    return not (s[0] in "（(" and s[-1] in "）)" and _open_excess(s[1:-1]) == 0
                and not re.search(r"[（(）)]", s[1:-1]))


def _open_excess(s: str) -> int:
    return s.count("（") + s.count("(") - s.count("）") - s.count(")")


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _join_wrapped(parts: list[str]) -> str:
    """Join the pieces of a wrapped label: no space between two wide (CJK) characters,
    unless both are digits (two printed numbers never merge into one)."""
    out = ""
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if out and not (_is_wide(out[-1]) and _is_wide(p[0])
                        and not (out[-1].isdigit() and p[0].isdigit())):
            out += " "
        out += p
    return out


def _split_unescaped(s: str, sep: str = "|") -> list[str]:
    fields: list[str] = []
    buf: list[str] = []
    i = 0
    while i < len(s):
        ch = s[i]
        if ch == "\\" and i + 1 < len(s):
            buf.append(s[i : i + 2])
            i += 2
            continue
        if ch == sep:
            fields.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
        i += 1
    fields.append("".join(buf))
    return fields


def _ends_with_pipe(s: str) -> bool:
    if not s.endswith("|"):
        return False
    n = len(s) - 1 - len(s[:-1].rstrip("\\"))  # backslashes right before the pipe
    return n % 2 == 0


def _has_pipe(s: str) -> bool:
    return len(_split_unescaped(s)) > 1


_SEP_FIELD = re.compile(r"\s*:?-+:?\s*")


def _is_separator(fields: list[str], second: bool) -> bool:
    """A GFM delimiter row.  ``| - | - |`` (one dash a field, no colon) is one only as the
    second line of a block; elsewhere it is a row of dash placeholders."""
    if not fields or not all(_SEP_FIELD.fullmatch(f) for f in fields):
        return False
    return second or any("--" in f or ":" in f for f in fields)


# --------------------------------------------------------------------------- blocks


@dataclass
class _Block:
    """A grid in the making: its source lines (0-based, inclusive) and rows."""

    kind: str  # "pipe" | "tab" | "gridtable" | "html" | "stream" | "labels" | "numbers"
    first: int
    last: int
    rows: list[list[Cell]]
    grid_kind: str = "table"
    title: str | None = None
    title_from: int | None = None  # line above which the title is searched
    notes: list[Finding] = field(default_factory=list)
    grid: Grid | None = None


@dataclass
class _Pairing:
    block: _Block
    labels: list[tuple[int, str]]  # (0-based line, label text)
    number_lines: list[int]
    n_rows: int
    other: _Block | None = None  # for a mismatch: the block of number rows
    matched: bool = True


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = _NEWLINE.split(text)
        n = len(self.lines)
        self.kinds = ["text"] * n
        self.out: list[str | None] = list(self.lines)
        self.clean = [_clean_line(line) for line in self.lines]
        self.consumed = [False] * n
        self.blocks: list[_Block] = []
        self.block_at_end: dict[int, _Block] = {}
        self.pairings: list[_Pairing] = []
        self.notes: list[Finding] = []

    # ------------------------------------------------------------------ driver

    def read(self) -> Document:
        self._html_tables()
        self._grid_tables()
        self._classify()
        self._pipe_and_tab_blocks()
        self._torn_labels()
        self._stream_rows()
        self._titles()
        grids = self._number()
        flow = self._flow(len(grids) + 1)
        if flow.rows:
            grids.append(flow)
        text = "\n".join(s for s in self.out if s is not None)
        return Document(kind="markdown", text=text, grids=grids, notes=self.notes)

    def _flow(self, index: int) -> Grid:
        """The whole text as one stream (pipes and separator rows dropped).

        A fallback for converter output whose tables are torn into pieces the pipe tables
        cannot hold together (headers scattered, labels on the line above their numbers):
        the mapper uses a stream table only where no real grid gave the same table.
        """
        lines: list[tuple[int, str]] = []
        for i, raw in enumerate(self.lines):
            if _has_pipe(raw):
                fields = [_clean_cell(f) for f in _split_unescaped(raw.strip().strip("|"))]
                if _is_separator(fields, False):
                    continue
                # a blank cell must not vanish between two numbers: "821 | 35 |  | 2" would
                # read as the run "821 35 2"; a mark keeps the row visibly interrupted
                marked: list[str] = []
                for f in fields:
                    f = f or BLANK_MARK
                    if not (f == BLANK_MARK and marked and marked[-1] == BLANK_MARK):
                        marked.append(f)
                text = "  ".join(marked)
            else:
                text = self.clean[i]
            text = _FOOTER.sub(" ", _PAGE_MARK.sub(" ", text)).strip()
            if text:
                lines.append((i + 1, text))
        return flow_stream_grid(lines, index)

    def _add(self, block: _Block) -> None:
        self.blocks.append(block)
        self.block_at_end[block.last] = block

    # ------------------------------------------------------------------ HTML tables

    def _html_tables(self) -> None:
        if "<" not in self.text:
            return
        spans: list[tuple[int, int]] = []
        depth = 0
        start = 0
        for m in _TABLE_TAG.finditer(self.text):
            if not m.group(1):
                if depth == 0:
                    start = m.start()
                depth += 1
            elif depth > 0:
                depth -= 1
                if depth == 0:
                    spans.append((start, m.end()))
        if not spans:
            return
        starts = [0] + [m.end() for m in _NEWLINE.finditer(self.text)]

        def line_of(offset: int) -> int:
            return bisect.bisect_right(starts, offset) - 1

        # Tables sharing a line are one segment of output text.
        segments: list[list[tuple[int, int]]] = []
        for s, e in spans:
            if segments and line_of(s) <= line_of(segments[-1][-1][1] - 1):
                segments[-1].append((s, e))
            else:
                segments.append([(s, e)])
        for segment in segments:
            a = line_of(segment[0][0])
            b = line_of(segment[-1][1] - 1)
            seg_end = starts[b + 1] if b + 1 < len(starts) else len(self.text)
            # (line, text) pieces: the text around the tables and one line per table row.
            pieces: list[tuple[int, str]] = []
            pos = starts[a]
            for s, e in segment:
                pieces += _text_pieces(self.text[pos:s], line_of(pos))
                pieces += self._html_table(self.text[s:e], line_of(s), b)
                pos = e
            pieces += _text_pieces(self.text[pos:seg_end], line_of(pos))
            out_lines: list[str] = []
            for line, piece in sorted(pieces, key=lambda p: p[0]):
                out_lines += [""] * (line - a - len(out_lines))  # stay on the source line
                out_lines.append(piece)
            out_lines += [""] * (b - a + 1 - len(out_lines))
            self.out[a] = "\n".join(out_lines)
            for i in range(a, b + 1):
                self.kinds[i] = "html"
                if i > a:
                    self.out[i] = None

    def _html_table(self, fragment: str, first: int, last: int) -> list[tuple[int, str]]:
        """Grids of one ``<table>`` fragment via the HTML reader; returns its text as
        ``(0-based line, text)`` pieces, each row on the line of its ``<tr>``."""
        from ..errors import UnreadableInput
        from .html import read_html

        try:
            doc = read_html(fragment.encode("utf-8"))
        except UnreadableInput:
            return []
        tr_lines = [first + len(_NEWLINE.findall(fragment, 0, m.start()))
                    for m in _TR_TAG.finditer(fragment)]
        nested = len(_TABLE_TAG.findall(fragment)) > 2
        if nested:  # layout tables around tables: rows cannot be matched to <tr> lines
            tr_lines = []
            pieces = [(first, line) for line in doc.text.split("\n") if line]
        else:
            pieces = [(first, g.title) for g in doc.grids if g.title and "<caption" in fragment]
        for grid in doc.grids:
            rows = []
            for r, row in enumerate(grid.rows):
                at = tr_lines[r] if r < len(tr_lines) else first
                rows.append([replace(c, line=at + 1) for c in row])
                if not nested and any(c.text for c in row):
                    pieces.append((at, "\t".join(c.text for c in row)))
            lines = [c.line - 1 for row in rows for c in row if c.line]
            self._add(_Block(
                kind="html", first=min(lines, default=first), last=max(lines, default=last),
                rows=rows, title=grid.title, title_from=first, notes=list(doc.notes),
            ))
        return pieces

    # ------------------------------------------------------------------ pandoc grid tables

    def _grid_tables(self) -> None:
        i = 0
        n = len(self.lines)
        while i < n:
            if self.kinds[i] != "text" or not _GRID_BORDER.fullmatch(self.lines[i]):
                i += 1
                continue
            j = i + 1
            last_border = i
            while j < n and self.kinds[j] == "text" and self.lines[j].lstrip()[:1] in ("|", "+"):
                if _GRID_BORDER.fullmatch(self.lines[j]):
                    last_border = j
                j += 1
            if last_border - i < 2:
                i += 1
                continue
            self._grid_table(i, last_border)
            i = last_border + 1

    def _grid_table(self, first: int, last: int) -> None:
        raw = self.lines[first : last + 1]
        indent = min(len(s) - len(s.lstrip()) for s in raw)
        raw = [s[indent:].rstrip() for s in raw]
        rows = _grid_rects(raw, wide=True) or _grid_rects(raw, wide=False)
        if rows is None:
            rows = _grid_bands(raw)
        rows = [[replace(c, line=first + (c.line or 0) + 1) for c in row] for row in rows]
        self._add(_Block(kind="gridtable", first=first, last=last, rows=rows))
        texts = ["\t".join(c.text for c in row) for row in rows if row]
        texts += [""] * (last - first + 1 - len(texts))
        for k in range(first, last + 1):
            self.kinds[k] = "gridtable"
            self.out[k] = texts[k - first]

    # ------------------------------------------------------------------ line classes

    def _classify(self) -> None:
        for i, line in enumerate(self.lines):
            if self.kinds[i] != "text":
                continue
            s = line.strip()
            if not s:
                self.kinds[i] = "blank"
            elif (_FOOTER.fullmatch(s) or _IMAGE.fullmatch(s) or _COMMENT.fullmatch(s)
                  or _PAGE_MARK.fullmatch(s)):
                self.kinds[i] = "skip"
            elif _has_pipe(s):
                self.kinds[i] = "pipe"
            elif "\t" in line and sum(1 for f in line.split("\t") if f.strip()) >= 2:
                self.kinds[i] = "tab"

    def _transparent(self, i: int) -> bool:
        return self.kinds[i] in ("blank", "skip")

    # ------------------------------------------------------------------ pipe and tab tables

    def _pipe_and_tab_blocks(self) -> None:
        i = 0
        n = len(self.lines)
        while i < n:
            kind = self.kinds[i]
            if kind not in ("pipe", "tab"):
                i += 1
                continue
            j = i
            while j + 1 < n and self.kinds[j + 1] == kind:
                j += 1
            rows = self._pipe_rows(i, j) if kind == "pipe" else self._tab_rows(i, j)
            if rows:
                self._add(_Block(kind=kind, first=i, last=j, rows=rows))
            i = j + 1

    def _pipe_rows(self, first: int, last: int) -> list[list[Cell]]:
        parsed: list[tuple[int, list[str], bool, bool]] = []
        for n, i in enumerate(range(first, last + 1)):
            s = self.lines[i].strip()
            fields = _split_unescaped(s)
            lead, trail = s.startswith("|"), _ends_with_pipe(s)
            inner = fields[1 if lead else 0 : len(fields) - 1 if trail else len(fields)]
            if _is_separator(inner, second=n == 1):
                self.out[i] = ""
                continue
            parsed.append((i, fields, lead, trail))
        bordered = 2 * sum(1 for _, _, lead, trail in parsed if lead and trail) > len(parsed)
        rows: list[list[Cell]] = []
        for i, fields, lead, trail in parsed:
            if bordered:
                fields = fields[1 if lead else 0 : len(fields) - 1 if trail else len(fields)]
            texts = [_clean_cell(f) for f in fields]
            self.out[i] = "\t".join(texts)
            if not texts:
                continue
            r = len(rows)
            rows.append([Cell(t, r, c, line=i + 1) for c, t in enumerate(texts)])
        return rows

    def _tab_rows(self, first: int, last: int) -> list[list[Cell]]:
        rows: list[list[Cell]] = []
        for i in range(first, last + 1):
            texts = [_clean_cell(f) for f in self.lines[i].strip("\r\n").split("\t")]
            r = len(rows)
            rows.append([Cell(t, r, c, line=i + 1) for c, t in enumerate(texts)])
        return rows

    # ------------------------------------------------------------------ torn labels

    def _torn_labels(self) -> None:
        candidates: list[tuple[int, _Block | None, list[int]]] = []
        for block in self.blocks:
            if block.kind in ("pipe", "tab"):
                candidates.append((block.first, block, []))
        i = 0
        n = len(self.lines)
        while i < n:  # runs of plain number lines (blank/footer lines may stand between)
            if self.kinds[i] != "text" or _numeric_tokens(self.clean[i]) is None:
                i += 1
                continue
            run = [i]
            j = i + 1
            while j < n and (self._transparent(j) or (
                    self.kinds[j] == "text" and _numeric_tokens(self.clean[j]) is not None)):
                if not self._transparent(j):
                    run.append(j)
                j += 1
            candidates.append((i, None, run))
            i = j
        previous: _Pairing | None = None
        for _, block, run in sorted(candidates, key=lambda c: c[0]):
            previous = self._pair(block, run, previous)

    def _labels_above(self, first: int) -> tuple[list[tuple[int, str]], _Block | None]:
        """Label lines just above line ``first`` (in order), or a one-column label table."""
        found: list[int] = []
        j = first - 1
        while j >= 0 and len(found) < MAX_PAIRED:
            if self._transparent(j):
                j -= 1
                continue
            if (self.kinds[j] == "text" and not self.consumed[j]
                    and _is_label(self.lines[j], self.clean[j])):
                found.append(j)
                j -= 1
                continue
            break
        if found:
            items = [(k, self.clean[k]) for k in reversed(found)]
            return _join_bracketed(items), None
        block = self.block_at_end.get(j)
        if block is not None and block.kind in ("pipe", "tab") and not self.consumed[j]:
            labels = []
            for row in block.rows:
                texts = [c for c in row if c.text]
                if len(texts) != 1 or not _is_label("", texts[0].text):
                    return [], None
                labels.append(((texts[0].line or 1) - 1, texts[0].text))
            return labels, block
        return [], None

    def _pair(self, block: _Block | None, run: list[int],
              previous: _Pairing | None) -> _Pairing | None:
        first = block.first if block is not None else run[0]
        if block is not None:
            classes = [_row_class([c.text for c in row]) for row in block.rows]
            h = 0
            while h < len(classes) and classes[h] == "text":
                h += 1
            m = 0
            while h + m < len(classes) and classes[h + m] == "num":
                m += 1
        else:
            h, m = 0, len(run)
        if m == 0:
            return previous
        labels, label_block = self._labels_above(first)
        if not labels:
            return previous
        k = len(labels)
        if k != m and not (h and k == h + m):
            return self._mismatch(labels, label_block, block, run, h, m)
        for line, _ in labels:
            self.consumed[line] = True
        if label_block is not None:
            self.blocks.remove(label_block)
            for line in range(label_block.first, label_block.last + 1):
                self.consumed[line] = True
        if block is None:
            return self._pair_lines(labels, run, previous)
        first_paired = 0 if k == h + m else h
        number_lines = [(row[0].line or 1) - 1 for row in block.rows[first_paired:][:k] if row]
        new_rows: list[list[Cell]] = []
        for r, row in enumerate(block.rows):
            shifted = [replace(c, col=c.col + 1) for c in row]
            if first_paired <= r < first_paired + k:
                line, label = labels[r - first_paired]
                new_rows.append([Cell(label, r, 0, line=line + 1), *shifted])
            elif r < h:
                new_rows.append([Cell("", r, 0, line=row[0].line if row else None), *shifted])
            else:
                new_rows.append(row)
        block.rows = new_rows
        block.title_from = min(labels[0][0], block.first)
        pairing = _Pairing(block, labels, number_lines, k)
        self.pairings.append(pairing)
        return pairing

    def _pair_lines(self, labels: list[tuple[int, str]], run: list[int],
                    previous: _Pairing | None) -> _Pairing:
        for i in run:
            self.consumed[i] = True
        # Alternating label / numbers lines continue the grid of the pair just above.
        if (previous is not None and previous.block.kind == "numbers" and previous.matched
                and self._only_transparent(previous.number_lines[-1], labels[0][0])):
            pairing = previous
            block = previous.block
        else:
            block = _Block(kind="numbers", first=labels[0][0], last=run[-1], rows=[],
                           grid_kind="stream", title_from=labels[0][0])
            self._add(block)
            pairing = _Pairing(block, [], [], 0)
            self.pairings.append(pairing)
        labels = self._continued_label(labels, run[-1])
        for (line, label), i in zip(labels, run, strict=True):
            r = len(block.rows)
            cells = [Cell(label, r, 0, line=line + 1)]
            cells += [Cell(t, r, c, line=i + 1)
                      for c, t in enumerate(_numeric_tokens(self.clean[i]) or [], start=1)]
            block.rows.append(cells)
        block.last = run[-1]
        pairing.labels += labels
        pairing.number_lines += run
        pairing.n_rows += len(labels)
        return pairing

    def _continued_label(self, labels: list[tuple[int, str]],
                         last: int) -> list[tuple[int, str]]:
        """A last label left with an open bracket may end on the line right after its
        numbers (PDF text puts a wrapped label's middle line beside the numbers)."""
        line, label = labels[-1]
        nxt = last + 1
        if (_open_excess(label) <= 0 or nxt >= len(self.lines) or self.kinds[nxt] != "text"
                or self.consumed[nxt] or not _is_label(self.lines[nxt], self.clean[nxt])):
            return labels
        joined = _join_wrapped([label, self.clean[nxt]])
        if _open_excess(joined) != 0:
            return labels
        self.consumed[nxt] = True
        return [*labels[:-1], (line, joined)]

    def _only_transparent(self, a: int, b: int) -> bool:
        return all(self._transparent(i) for i in range(a + 1, b))

    def _mismatch(self, labels: list[tuple[int, str]], label_block: _Block | None,
                  block: _Block | None, run: list[int], h: int, m: int) -> None:
        if label_block is None:
            for line, _ in labels:
                self.consumed[line] = True
            label_block = _Block(
                kind="labels", first=labels[0][0], last=labels[-1][0], grid_kind="stream",
                rows=[[Cell(t, r, 0, line=line + 1)] for r, (line, t) in enumerate(labels)],
            )
            self._add(label_block)
        if block is None:
            for i in run:
                self.consumed[i] = True
            block = _Block(
                kind="numbers", first=run[0], last=run[-1], grid_kind="stream",
                rows=[[Cell(t, r, c, line=i + 1)
                       for c, t in enumerate(_numeric_tokens(self.clean[i]) or [])]
                      for r, i in enumerate(run)],
            )
            self._add(block)
            number_lines = run
        else:
            number_lines = [(row[0].line or 1) - 1 for row in block.rows[h : h + m] if row]
        self.pairings.append(_Pairing(label_block, labels, number_lines, m, other=block,
                                      matched=False))
        return None

    # ------------------------------------------------------------------ label + numbers lines

    def _stream_rows(self) -> None:
        current: _Block | None = None
        for i in range(len(self.lines)):
            split = None
            if self.kinds[i] == "text" and not self.consumed[i]:
                split = _stream_split(self.clean[i])
            if split is None:
                current = None
                continue
            label, numbers = split
            self.consumed[i] = True
            if current is None:
                current = _Block(kind="stream", first=i, last=i, rows=[], grid_kind="stream")
                self._add(current)
            r = len(current.rows)
            current.rows.append([Cell(label, r, 0, line=i + 1)]
                                + [Cell(t, r, c, line=i + 1)
                                   for c, t in enumerate(numbers, start=1)])
            current.last = i

    # ------------------------------------------------------------------ titles

    def _is_table_line(self, i: int) -> bool:
        return self.kinds[i] in _TABLE_KINDS or (self.kinds[i] == "text" and self.consumed[i])

    def _above(self, i: int) -> int:
        i -= 1
        while i >= 0 and self._transparent(i):
            i -= 1
        return i

    def _title_for(self, first: int) -> str | None:
        j = self._above(first)
        if j < 0 or self.kinds[j] != "text" or self.consumed[j]:
            return None
        raw, s = self.lines[j], self.clean[j]
        if _is_heading(raw, s):
            return s
        if not _is_label(raw, s):
            return None
        above = self._above(j)
        if above >= 0 and self._is_table_line(above):
            return s  # a single short line standing between two tables
        k = j
        for _ in range(2):  # header fragments under a heading: 信息内容本年处理决定数量
            k = self._above(k)
            if k < 0 or self.kinds[k] != "text" or self.consumed[k]:
                return None
            if _is_heading(self.lines[k], self.clean[k]):
                return self.clean[k]
            if not _is_label(self.lines[k], self.clean[k]):
                return None
        return None

    def _titles(self) -> None:
        for block in self.blocks:
            if block.title is None:
                block.title = self._title_for(
                    block.title_from if block.title_from is not None else block.first
                )

    # ------------------------------------------------------------------ grids and notes

    def _number(self) -> list[Grid]:
        def start(b: _Block) -> int:
            lines = [c.line for row in b.rows for c in row if c.line is not None]
            return min(lines, default=b.first + 1)

        grids: list[Grid] = []
        for block in sorted(self.blocks, key=start):
            index = len(grids) + 1
            rows = block.rows
            if block.kind == "html":
                rows = [[replace(c, path=_PATH_TABLE.sub(f"table[{index}]", c.path))
                         if c.path else c for c in row] for row in rows]
            block.grid = Grid(
                index=index,
                rows=rows,
                kind=block.grid_kind,
                title=block.title,
                spans_known=block.kind == "html",  # pipe/tab/grid tables carry no spans
            )
            grids.append(block.grid)
            self.notes.extend(block.notes)
        for p in sorted(self.pairings, key=lambda p: p.labels[0][0]):
            self.notes.append(_pairing_note(p))
        return grids


def _text_pieces(text: str, first: int) -> list[tuple[int, str]]:
    """The non-blank lines of ``text`` (starting on line ``first``) as (line, text)."""
    return [(first + k, line.strip()) for k, line in enumerate(_NEWLINE.split(text))
            if line.strip()]


def _join_bracketed(items: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Join label lines that continue a bracket left open (at most 3 lines a label)."""
    out: list[tuple[int, str]] = []
    i = 0
    while i < len(items):
        line, text = items[i]
        parts = [text]
        j = i
        while _open_excess("".join(parts)) > 0 and j + 1 < len(items) and j - i < 2:
            j += 1
            parts.append(items[j][1])
        out.append((line, _join_wrapped(parts)))
        i = j + 1
    return out


def _span(lines: list[int]) -> str:
    """``line 5``, ``lines 5–7`` (contiguous) or ``lines 5, 7, 9`` (1-based)."""
    ones = sorted({i + 1 for i in lines})
    if len(ones) == 1:
        return f"line {ones[0]}"
    if ones[-1] - ones[0] == len(ones) - 1:
        return f"lines {ones[0]}–{ones[-1]}"
    shown = ", ".join(map(str, ones[:8]))
    return f"lines {shown}" + (", …" if len(ones) > 8 else "")


def _pairing_note(p: _Pairing) -> Finding:
    assert p.block.grid is not None
    k = len(p.labels)
    label_lines = _span([line for line, _ in p.labels])
    number_lines = _span(p.number_lines) if p.number_lines else "no line"
    if p.matched:
        return finding(
            RULE_PAIRED_LABELS,
            grid=p.block.grid.index,
            k=k,
            label_lines=label_lines,
            number_lines=number_lines,
            n_rows=p.n_rows,
            cells=tuple(
                {"grid": p.block.grid.index, "row": r, "col": 0, "line": line + 1, "text": text}
                for r, (line, text) in _label_rows(p)
            ),
        )
    assert p.other is not None and p.other.grid is not None
    return finding(
        RULE_LABEL_MISMATCH,
        k=k,
        label_lines=label_lines,
        grid=p.block.grid.index,
        n_rows=p.n_rows,
        number_lines=number_lines,
        other_grid=p.other.grid.index,
        cells=({"grid": p.block.grid.index}, {"grid": p.other.grid.index}),
        expected=f"{k} number-only rows",
        found=f"{p.n_rows} number-only rows",
    )


def _label_rows(p: _Pairing) -> list[tuple[int, tuple[int, str]]]:
    """(row, label) of each paired row of a matched pairing's grid."""
    by_text = {(c.line, c.text): c.row for row in p.block.rows for c in row if c.col == 0}
    return [(by_text.get((line + 1, text), -1), (line, text)) for line, text in p.labels]


# --------------------------------------------------------------------------- grid tables


def _expand(line: str, wide: bool) -> list[str]:
    """A line as display columns: a wide character takes its slot and an empty filler."""
    out: list[str] = []
    for ch in line:
        out.append(ch)
        if wide and _is_wide(ch):
            out.append("")
    return out


def _grid_rects(raw: list[str], wide: bool) -> list[list[Cell]] | None:
    """Cells of a pandoc grid table found as rectangles (docutils' method), or None."""
    g = [_expand(s, wide) for s in raw]
    width = max(len(r) for r in g)
    g = [r + [" "] * (width - len(r)) for r in g]
    height = len(g)

    def at(r: int, c: int) -> str:
        return g[r][c]

    def scan_cell(top: int, left: int) -> tuple[int, int] | None:
        for c in range(left + 1, width):
            ch = at(top, c)
            if ch == "+":
                bottom = scan_down(top, left, c)
                if bottom is not None:
                    return bottom, c
            elif ch not in "-=:":
                return None
        return None

    def scan_down(top: int, left: int, right: int) -> int | None:
        for r in range(top + 1, height):
            ch = at(r, right)
            if ch == "+":
                if scan_left(top, left, r, right):
                    return r
            elif ch != "|":
                return None
        return None

    def scan_left(top: int, left: int, bottom: int, right: int) -> bool:
        if at(bottom, left) != "+":
            return False
        if any(at(bottom, c) not in "-=:+" for c in range(left + 1, right)):
            return False
        return all(at(r, left) in "|+" for r in range(top + 1, bottom))

    if at(0, 0) != "+":
        return None
    rects: list[tuple[int, int, int, int]] = []
    todo = [(0, 0)]
    seen: set[tuple[int, int]] = set()
    while todo:
        todo.sort()
        top, left = todo.pop(0)
        if (top, left) in seen:
            continue
        seen.add((top, left))
        if top >= height - 1 or left >= width - 1:
            continue
        found = scan_cell(top, left)
        if found is None:
            continue
        bottom, right = found
        rects.append((top, left, bottom, right))
        todo += [(top, right), (bottom, left)]
    right_edge = max((r[3] for r in rects), default=0)
    area = sum((b - t) * (r - left) for t, left, b, r in rects)
    if not rects or area != (height - 1) * right_edge:
        return None
    row_edges = sorted({r[0] for r in rects} | {r[2] for r in rects})
    col_edges = sorted({r[1] for r in rects} | {r[3] for r in rects})
    cells: list[Cell] = []
    for top, left, bottom, right in rects:
        parts = ["".join(g[r][left + 1 : right]) for r in range(top + 1, bottom)]
        lines = [top + 1 + k for k, p in enumerate(parts) if p.strip()] or [top + 1]
        row, col = row_edges.index(top), col_edges.index(left)
        cells.append(Cell(
            _clean_cell(_join_wrapped(parts)), row, col,
            rowspan=row_edges.index(bottom) - row, colspan=col_edges.index(right) - col,
            line=lines[0],
        ))
    rows: list[list[Cell]] = [[] for _ in range(len(row_edges) - 1)]
    for cell in sorted(cells, key=lambda c: (c.row, c.col)):
        rows[cell.row].append(cell)
    return rows


def _grid_bands(raw: list[str]) -> list[list[Cell]]:
    """Fallback for a grid table whose borders do not line up: one row per band of ``|``
    lines between border lines, fields joined line by line when every line has as many."""
    rows: list[list[Cell]] = []
    band: list[tuple[int, list[str]]] = []

    def flush() -> None:
        if not band:
            return
        widths = {len(f) for _, f in band}
        groups = [band] if len(widths) == 1 else [[x] for x in band]
        for group in groups:
            r = len(rows)
            fields = list(zip(*(f for _, f in group), strict=True))
            rows.append([Cell(_clean_cell(_join_wrapped(list(parts))), r, c, line=group[0][0])
                         for c, parts in enumerate(fields)])
        band.clear()

    for k, s in enumerate(raw):
        if _GRID_BORDER.fullmatch(s):
            flush()
            continue
        s = s.strip()
        fields = _split_unescaped(s)
        fields = fields[1 if s.startswith("|") else 0 : -1 if _ends_with_pipe(s) else None]
        band.append((k, fields))
    flush()
    return rows


# --------------------------------------------------------------------------- entry point


def read_markdown(text: str) -> Document:
    """Read markdown or converter text into a :class:`~govstats.model.Document`
    (``kind="markdown"``).  Pure: the same text always gives the same document."""
    return _Reader(text).read()
