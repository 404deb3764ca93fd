"""Plain text → Document.

Two table shapes are recognised in plain text:

* **Tab cells** (Word's "save as text"): each cell is a line that starts with a tab, rows are
  separated by blank lines, a long label wraps onto continuation lines without the tab, and
  a row whose cells were broken by stray blank lines is joined again when its parts add up
  to the header's width.  These become ``kind="table"`` grids.
* **Streams**: everything else — space-separated cells (``主动公开信息数 条 425 1516``) and
  crawler text whose cells run together (``…申请数量640020470二、…``).  The text is cut into
  tokens: a label (text) followed by numeric runs.  Each label with its runs becomes one row
  of a ``kind="stream"`` grid; the mapper decides which rows belong to a table and splits
  runs into cells.

Nothing here knows indicator names.
"""

from __future__ import annotations

import bisect
import re

from ..lexicon import (
    APPROXIMATE_AFTER,
    APPROXIMATE_BEFORE,
    DASH_MARKS,
    LINE_SPACES,
    LONE_CELL_UNITS,
    LONE_LINE_PLACEHOLDERS,
    MINUS_SIGNS,
    NOTE_UNIT_CHARS,
    PROSE_AFTER_CHARS,
    alternation,
    char_class,
)
from ..model import Cell, Document, Grid
from ..normalize import has_digit, nfkc

_TAB_LINE = re.compile(r"^\t")


def read_text(text: str) -> Document:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    grids: list[Grid] = []
    tab_regions = _tab_regions(lines)
    covered: set[int] = set()
    for start, end in tab_regions:
        grid = _tab_grid(lines, start, end, index=len(grids) + 1)
        if grid.rows:
            grids.append(grid)
            covered.update(range(start, end))
    stream = _stream_grid(lines, covered, index=len(grids) + 1)
    if stream.rows:
        grids.append(stream)
    return Document(kind="text", text=text, grids=grids)


# ----------------------------------------------------------------------------- tab cells


def _tab_regions(lines: list[str]) -> list[tuple[int, int]]:
    """Line ranges [start, end) holding tab-cell tables (at least 6 tab lines)."""
    regions: list[tuple[int, int]] = []
    i, n = 0, len(lines)
    while i < n:
        if not _TAB_LINE.match(lines[i]):
            i += 1
            continue
        start = i
        last_tab = i
        j = i
        while j < n:
            line = lines[j]
            if _TAB_LINE.match(line):
                last_tab = j
            elif (line.strip() and j - last_tab > 3) or (not line.strip() and j - last_tab > 4):
                break
            j += 1
        end = last_tab + 1
        tab_count = sum(1 for k in range(start, end) if _TAB_LINE.match(lines[k]))
        if tab_count >= 6:
            regions.append((start, end))
        i = end
    return regions


def _tab_grid(lines: list[str], start: int, end: int, index: int) -> Grid:
    raw_rows: list[list[tuple[str, int]]] = []  # (cell text, 1-based line)
    current: list[tuple[str, int]] = []
    for k in range(start, end):
        line = lines[k]
        if _TAB_LINE.match(line):
            cell_text = line[1:]
            # A tab line may itself hold several tab-separated cells.
            for part in cell_text.split("\t"):
                current.append((part, k + 1))
        elif line.strip():
            if current:  # continuation of a wrapped label
                text, ln = current[-1]
                current[-1] = (text + line.strip(), ln)
            else:
                current.append((line, k + 1))
        else:
            if current:
                raw_rows.append(current)
                current = []
    if current:
        raw_rows.append(current)
    if not raw_rows:
        return Grid(index=index, rows=[])
    width = max(len(r) for r in raw_rows[:3])
    merged: list[list[tuple[str, int]]] = []
    for row in raw_rows:
        if (
            merged
            and len(merged[-1]) < width
            and len(merged[-1]) + len(row) == width
            and not _looks_like_label(row[0][0])
        ):
            merged[-1] = merged[-1] + row
        else:
            merged.append(row)
    rows = [
        [Cell(text=t, row=r, col=c, line=ln) for c, (t, ln) in enumerate(row)]
        for r, row in enumerate(merged)
    ]
    return Grid(index=index, rows=rows, kind="table")


def _looks_like_label(text: str) -> bool:
    t = nfkc(text).strip()
    return bool(t) and not has_digit(t) and len(t) > 2


# ----------------------------------------------------------------------------- streams

# A numeric run: digits with optional decimal points, thousands commas and inner spaces.
_NUM = r"\d+(?:[.,]\d+)*"
_LINE_SPACE = char_class(LINE_SPACES)
# a dash or slash standing alone between spaced numbers is a cell printed as a placeholder
_PLACEHOLDER = rf"{char_class(DASH_MARKS)}(?={_LINE_SPACE}|$)"
# inside a spaced run a number may carry a sign (本年增/减: 120 -5 4500)
_RUN = re.compile(
    rf"{_NUM}(?:{_LINE_SPACE}+(?:{char_class(MINUS_SIGNS)}?{_NUM}|{_PLACEHOLDER}))*"
)
# a unit and a closing bracket right after a number: the number belongs to a note in the label
_IN_NOTE = re.compile(rf"\s*{char_class(NOTE_UNIT_CHARS)}?\s*[）)]")
# what makes the number before it an approximation
_APPROX_AFTER = re.compile(rf"\s*{alternation(APPROXIMATE_AFTER)}")
# A trailing ordinal glued to the next label: "…0000000" + "2.其他…" → run "000000", "2.其他".
_ORDINAL_AFTER = re.compile(r"^[.、．]\s*\D")


def _stream_grid(lines: list[str], covered: set[int], index: int) -> Grid:
    rows: list[list[Cell]] = []
    # text lines without numbers since the last row: the label of a line that prints only
    # numbers (a header laid out above its values, as pdftotext -layout writes table 四; or
    # an export that puts every table cell on a line of its own)
    pending: list[str] = []
    roles = line_roles(lines)
    chained: int | None = None  # the row whose last cell is a number alone on its line
    for ln, line in enumerate(lines, start=1):
        if ln - 1 in covered or not line.strip():
            continue
        role = roles[ln - 1]
        if role == "text":
            pending = [*pending[-(_PENDING_LINES - 1) :], line.strip()]
            chained = None
            continue
        if role == "cell":
            # one cell on a line of its own: the next cell of the row above when that row's
            # last cell also stood alone, else the first cell of a row labelled by the text
            # lines above it
            cell_text = line.strip()
            if chained is not None:
                row = rows[chained]
                row.append(
                    Cell(text=cell_text, row=chained, col=len(row), line=ln,
                         path=f"char[{line.index(cell_text)}]", own_line=True)
                )
                continue
            label = _label_of(pending)
            if _open_brackets(label) > 0:
                label += _bracket_tail(lines, ln)
            r = len(rows)
            rows.append([
                Cell(text=label, row=r, col=0, line=ln, path="char[0]"),
                Cell(text=cell_text, row=r, col=1, line=ln,
                     path=f"char[{line.index(cell_text)}]", own_line=True),
            ])
            chained = r
            pending = []
            continue
        chained = None
        tokens = _tokens(line)
        if not tokens:
            pending = [*pending[-(_PENDING_LINES - 1) :], line.strip()]
            continue
        for t, (label, runs, col_offset) in enumerate(tokens):
            if t == 0 and label.strip() and pending:
                # short text lines just above (a header row on a line of its own: 指标名称
                # 计量单位 本年度 历年累计) stay visible to the mapper as the head of this label;
                # labels are matched by their end, so the row itself is unchanged
                head = [p for p in pending[-3:] if len(p) <= 60]
                if head:
                    label = " ".join(head) + " " + label
            if t == 0 and not label.strip() and pending:
                label = _label_of(pending)
                if _open_brackets(label) > 0:
                    # the label's bracket closes on the line after the numbers
                    # ("（二）部分公开（区分处理的，只计这一情" / numbers / "形，不计其他情形）")
                    label += _bracket_tail(lines, ln)
            r = len(rows)
            row = [Cell(text=label, row=r, col=0, line=ln, path=f"char[{col_offset}]")]
            for k, (run, off) in enumerate(runs, start=1):
                row.append(Cell(text=run, row=r, col=k, line=ln, path=f"char[{off}]"))
            rows.append(row)
        # text after the line's last number (… 计量单位 2012年度 历年累计: "年度 历年累计")
        # heads the next line's label, as a line without numbers would
        tail = _tail_text(line)
        pending = [tail] if tail else []
    return Grid(index=index, rows=rows, kind="stream")


# How many text lines above a number may make up its label, and how many characters of them:
# enough for table 四's header printed one word per line (about 35 short lines), never a
# whole page of prose.
_PENDING_LINES = 60
_LABEL_CHARS = 320


def _label_of(pending: list[str]) -> str:
    """The label of a number printed below text lines: the last lines, within a bound."""
    picked: list[str] = []
    size = 0
    for text in reversed(pending):
        if picked and size + len(text) > _LABEL_CHARS:
            break
        picked.append(text)
        size += len(text)
    return " ".join(reversed(picked))


# A number alone on its line: digits with an optional decimal part or thousands separators.
_LONE_NUMBER = re.compile(r"^\d+(?:[.,]\d+)*$")
# A cell printed with a sign (本年增/减 +1) or its unit (33800元), alone on its line.
_LONE_SIGNED_OR_UNIT = re.compile(
    rf"^(?:{char_class('+' + MINUS_SIGNS)}\d+(?:\.\d+)?"
    rf"|\d+(?:[.,]\d+)*\s*{alternation(LONE_CELL_UNITS)})$"
)
# A figure printed as an approximation ("1500多", "约30"): a cell's text, never an exact
# number (the mapper reports it as unreadable).
_APPROXIMATE = re.compile(
    rf"^{alternation(APPROXIMATE_BEFORE)}?\d+(?:[.,]\d+)*{alternation(APPROXIMATE_AFTER)}?$"
)
# A placeholder printed for a cell ("—", "/", "无"), alone on its line.
_LONE_PLACEHOLDER = LONE_LINE_PLACEHOLDERS
# An ordinal on a line of its own ("1." "2、"): the start of the next row's label.
_LONE_ORDINAL = re.compile(r"^\d{1,2}\s*[.、．]$")
# A line that starts with what follows an ordinal ("、政府网站公开数" after a line "1").
_AFTER_ORDINAL = re.compile(r"^[、.．]")
# What follows a number of the prose when an export puts the number on a line of its own
# ("共受理申请" / "553" / "件", "2016" / "年度"): a unit or a date word.  In a table the
# unit is printed before the figures, so a figure is followed by a figure or a label.
_PROSE_AFTER = re.compile(rf"^{char_class(PROSE_AFTER_CHARS)}")


def line_roles(lines: list[str]) -> list[str]:
    """The role of every line in a text whose cells may stand on lines of their own.

    ``cell``: a number or a placeholder alone on its line, followed by something that is
    not its unit (a table cell printed one per line).  ``text``: a line without numbers, an
    ordinal on its own (``1.``, or ``2`` before a line ``、政府公报公开数``) and a number the
    next line binds as its unit or date word (``2016`` / ``年度…``): they belong to the label or
    the prose around them.  ``mixed``: anything else (numbers inside text, several numbers),
    cut into tokens by :func:`_tokens`.  Blank lines are ``blank``.
    """
    norm = [nfkc(x).strip() for x in lines]
    nxt: list[str] = [""] * len(norm)
    following = ""
    for i in range(len(norm) - 1, -1, -1):
        nxt[i] = following
        if norm[i]:
            following = norm[i]
    roles: list[str] = []
    for i, text in enumerate(norm):
        if not text:
            roles.append("blank")
        elif _LONE_ORDINAL.match(text):
            roles.append("text")
        elif _LONE_NUMBER.match(text):
            after = nxt[i]
            bound = _AFTER_ORDINAL.match(after) or _PROSE_AFTER.match(after)
            roles.append("text" if bound else "cell")
        elif (
            text in _LONE_PLACEHOLDER
            or _APPROXIMATE.match(text)
            or _LONE_SIGNED_OR_UNIT.match(text)
        ):
            roles.append("cell")
        elif not has_digit(text):
            roles.append("text")
        else:
            roles.append("mixed")
    return roles


def _tail_text(line: str) -> str:
    """The text after the last numeric run of ``line`` ('' when there is none)."""
    ends = [m.end() for m in _RUN.finditer(line)]
    if not ends:
        return ""
    tail = line[ends[-1] :].strip()
    return tail if tail and tail[0] not in ".、．" else ""


def _open_brackets(text: str) -> int:
    return text.count("（") + text.count("(") - text.count("）") - text.count(")")


def _bracket_tail(lines: list[str], ln: int) -> str:
    """The next non-blank line (after 1-based line ``ln``) when it holds no number and closes
    a bracket; else ''."""
    for nxt in lines[ln : ln + 3]:
        if not nxt.strip():
            continue
        if not _RUN.search(nxt) and _open_brackets(nxt) < 0:
            return nxt.strip()
        return ""
    return ""


BLANK_MARK = "□"  # stands for a blank table cell in flowed text (never part of a number)


def flow_stream_grid(lines: list[tuple[int, str]], index: int) -> Grid:
    """One stream grid from text read as a single flow: ``lines`` are (line number, text).

    For converter output whose tables are torn apart (a label on one line, its numbers on
    the next, header cells scattered), the lines are joined with a space and cut into
    label + number-run tokens as crawler text is; every cell keeps the line it came from.
    Spaces between numbers stay certain cell boundaries.
    """
    starts: list[int] = []
    numbers: list[int] = []
    parts: list[str] = []
    pos = 0
    for ln, text in lines:
        starts.append(pos)
        numbers.append(ln)
        parts.append(text)
        pos += len(text) + 1
    flow = " ".join(parts)

    def where(offset: int) -> tuple[int, int]:
        k = max(0, bisect.bisect_right(starts, offset) - 1)
        return numbers[k], offset - starts[k]

    rows: list[list[Cell]] = []
    for label, runs, col_offset in _tokens(flow):
        if runs:
            run, off = runs[-1]
            if flow[off + len(run) :].lstrip(LINE_SPACES).startswith(BLANK_MARK):
                # a blank cell follows the numbers: the run holds fewer cells than its row, so
                # it carries the mark and can never be split as if it were whole
                runs = [*runs[:-1], (f"{run} {BLANK_MARK}", off)]
        r = len(rows)
        ln, ch = where(col_offset)
        row = [Cell(text=label, row=r, col=0, line=ln, path=f"char[{ch}]")]
        for k, (run, off) in enumerate(runs, start=1):
            ln, ch = where(off)
            row.append(Cell(text=run, row=r, col=k, line=ln, path=f"char[{ch}]"))
        rows.append(row)
    return Grid(index=index, rows=rows, kind="stream", title="flow")


def _tokens(line: str) -> list[tuple[str, list[tuple[str, int]], int]]:
    """Cut one line into (label, [(run, offset)...], label_offset) tokens.

    Runs directly followed by ``.``/``、`` and a non-digit end with the next label's ordinal
    (``…00000002.其他`` or ``不予公开1.属于…``): that last digit is handed to the next label.
    """
    out: list[tuple[str, list[tuple[str, int]], int]] = []
    pos = 0
    label_start = 0
    label_parts: list[str] = []
    runs: list[tuple[str, int]] = []
    carry = ""
    for m in _RUN.finditer(line):
        s, e = m.span()
        run = m.group(0)
        if _IN_NOTE.match(line, e) and _open_brackets(line[label_start:s]) > 0:
            continue  # a number inside a label's note: （…相同信息计1条）, not a cell
        if _APPROX_AFTER.match(line, e):
            continue  # "1500多": an approximation, never a table figure
        gap = line[pos:s]
        if gap.strip(LINE_SPACES):
            # text between runs: a new label starts here
            if (runs or label_parts) and runs:
                out.append(("".join(label_parts), runs, label_start))
                label_parts, runs = [], []
                label_start = pos
            label_parts.append(carry + gap)
            carry = ""
        after = line[e : e + 3]
        if _ORDINAL_AFTER.match(after):
            # the last digit is the next row's ordinal (sub-rows of these forms run 1–8)
            digits = run.rstrip()
            head, tail = digits[:-1], digits[-1:]
            head = head.rstrip()
            if head:
                runs.append((head, s))
            if runs:
                out.append(("".join(label_parts), runs, label_start))
                label_parts, runs = [], []
            else:
                # an ordinal right after a label ("不予公开1.属于…"): part of the label path
                pass
            label_start = s + len(head)
            carry = tail
            if not head and label_parts:
                label_parts.append("")
            pos = e
            continue
        runs.append((run, s))
        pos = e
    tail_text = line[pos:]
    if runs:
        out.append(("".join(label_parts), runs, label_start))
        label_parts = []
    # trailing label without runs is dropped: it holds no numbers
    _ = tail_text
    return [t for t in out if t[0].strip() or t[1]]
