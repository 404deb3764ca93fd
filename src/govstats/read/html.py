"""HTML reader: bytes → :class:`~govstats.model.Document` (page text plus cell grids).

Built for the pages government sites publish, most of them Word "save as web page" exports
inside a site template: broken markup, ``<o:p>``, conditional comments, ``&nbsp;`` padding,
numbers split across ``<span>`` elements.

* Text is decoded with :func:`govstats.decode.decode_bytes` and parsed with lxml's forgiving
  HTML parser.  Scripts, styles, comments, the ``<head>``, form controls and elements hidden
  by an inline ``display:none`` / ``visibility:hidden`` (unless they hold a table) are dropped.
* Every innermost ``<table>`` (one that holds no other table) with at least one non-empty
  cell becomes a :class:`~govstats.model.Grid`, numbered 1, 2, … in document order.  Tables
  that hold tables are page layout: their cells are read as blocks of text.
* Each ``<td>``/``<th>`` is one :class:`~govstats.model.Cell` at the top-left slot it takes
  after ``rowspan``/``colspan`` expansion (the HTML table model).  ``Grid.rows[i]`` holds the
  cells whose top-left slot is in row ``i``; a row wholly covered by spans from above is an
  empty list, so ``rows[i][j].row == i`` always holds.  Span values are read leniently
  (``"2.0"`` → 2, ``"0"``/``""``/``"abc"`` → 1), capped at :data:`MAX_SPAN` and, for rowspans,
  at the rows the table has.  Where a colspan would run into a slot already taken by a cell
  from a row above, it is shortened so that no slot is ever covered twice (a browser draws
  such cells on top of each other); both repairs are reported in ``Document.notes``.
* Whitespace (including ``&nbsp;``, U+3000, line breaks) collapses to one space; ``<br>``
  and block elements inside a cell count as a space.  A source line break between two CJK
  characters is dropped instead, as browsers do (CSS Text 3 segment-break transformation),
  so a label that Word wrapped inside a text node reads as one word.
* ``Document.text`` is the visible text in reading order: one line per block; an innermost
  table prints one line per row with its cells (each cell once, in source order) separated
  by tabs; empty lines are left out.
* ``Document.title`` is the title the page declares for itself (:func:`_declared_titles`): the
  ``ArticleTitle`` meta of the national government-website norms, else a ``title`` /
  ``dc.title`` / ``og:title`` meta, else the ``<title>`` element, as printed (whitespace
  collapsed; a ``<title>`` keeps its ``_ column _ site`` suffixes).  The reader does not judge
  whether it names a report: :func:`govstats.meta.find_title` does.
* A saved page starts with the site's chrome (menus, login widgets, breadcrumbs).  Where the
  page prints its declared title as a line of its own (the article heading), ``Document.text``
  starts at that line (:func:`_article_start`): the chrome before it is left out of the text,
  never out of the grids.  Without such a heading the whole page text is kept.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

import lxml.etree as etree
import lxml.html

from ..catalogue.findings import finding
from ..errors import UnreadableInput
from ..lexicon import DROP_ZERO_WIDTH, ZERO_WIDTH
from ..limits import check
from ..model import Cell, Document, Finding, Grid
from ..normalize import TEMPLATE_PLACEHOLDER, TITLE_SEPARATORS
from .decode import declared_charset, decode_bytes

__all__ = ["MAX_SPAN", "clean_text", "read_html"]

#: Largest rowspan / colspan taken from the markup.
MAX_SPAN = 200
#: Longest ``Grid.title``.
TITLE_CHARS = 80

# Elements whose content is never shown as page text.
_DROP_TAGS = frozenset({
    "head", "title", "meta", "link", "base", "script", "style", "noscript", "template",
    "select", "option", "optgroup", "datalist", "textarea", "button", "input", "object",
    "embed", "iframe", "frame", "applet", "svg", "math", "canvas", "audio", "video", "map",
})
# Elements that start and end a line of text (a space inside a table cell).
_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend",
    "li", "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "ul", "xmp", "listing", "plaintext",
})
_CELL_TAGS = ("td", "th")

_HIDDEN_STYLE = re.compile(r"(?:display\s*:\s*none|visibility\s*:\s*hidden)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd]")
# Literal Word conditional-comment debris that some CMSs escape into the visible text.
_CONDITIONAL_DEBRIS = re.compile(r"<!(?:--)?\[(?:if[^\]]*|endif)\](?:--)?>", re.IGNORECASE)
_CJK = (
    "\u2e80-\u2fff\u3001-\u303f\u3040-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff01-\uffee"
    "\U00020000-\U0003ffff"
)
_SEGMENT_BREAK = re.compile(rf"(?<=[{_CJK}])[ \t\r\n]*[\r\n][ \t\r\n]*(?=[{_CJK}])")
_BREAK = "\x01"  # a <br> or block boundary inside a cell; reads as a space
_SPACE = re.compile(rf"[\s{_BREAK}]+")
_UNIT_LINE = re.compile(r"^[（(]?\s*(?:计量)?单位\s*[:：]")
_SPAN = re.compile(r"\s*\+?(\d+)")


def clean_text(raw: str) -> str:
    """Collapse whitespace runs to one space (dropping source line breaks between CJK
    characters and zero-width characters) and strip the ends."""
    raw = raw.translate(DROP_ZERO_WIDTH)
    raw = _SEGMENT_BREAK.sub("", raw)
    return _SPACE.sub(" ", raw).strip()


def read_html(data: bytes) -> Document:
    """Read an HTML page.  Raises :class:`~govstats.errors.UnreadableInput` when the bytes
    are empty, cannot be decoded, are not text, or hold no visible text at all."""
    if not data or not data.strip():
        raise UnreadableInput("the HTML input is empty")
    check("html_bytes", len(data), "the HTML page's size in bytes")
    text, encoding, decode_note = _decode(data)
    sample = text[:200_000]
    n_bad = len(_BAD_CHARS.findall(sample))
    if n_bad > 16 and n_bad > 0.02 * len(sample):
        raise UnreadableInput(
            f"the input decoded as {encoding} is mostly control characters: not an HTML page"
        )
    text = _CONTROL.sub("", text)
    if not text.strip():
        raise UnreadableInput("the HTML input holds only whitespace")
    # huge_tree lifts libxml2's nesting limit from 256 to 2048 levels: pages with hundreds of
    # unclosed <font>/<div> tags exist, and the parser stops reading where the limit is hit.
    parser = lxml.html.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True,
        huge_tree=True,
    )
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8", "replace"), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UnreadableInput(f"cannot parse the input as HTML: {reason}") from exc
    if root is None:
        raise UnreadableInput("cannot parse the input as HTML: no document element")
    limits = [e.message for e in parser.error_log if e.type_name == "ERR_RESOURCE_LIMIT"]
    title, title_keys = _declared_titles(root)
    _drop_invisible(root)
    walker = _PageWalker()
    walker.walk(root)
    lines = walker.lines
    start = _article_start(lines, walker.line_chrome, title_keys, walker.main_grid_line)
    doc_text = "\n".join(lines[start:])
    if not doc_text and not walker.grids:
        if limits:
            raise UnreadableInput(f"the HTML page cannot be parsed: {limits[0]}")
        raise UnreadableInput(
            "the HTML page has no visible text (its content may be loaded by a script)"
        )
    notes = list(walker.notes)
    if decode_note is not None:
        notes.insert(0, decode_note)
    if limits:
        notes.insert(0, finding("read.html.truncated", limit=limits[0]))
    return Document(kind="html", text=doc_text, grids=walker.grids, encoding=encoding,
                    notes=notes, title=title)


_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_GB_FAMILY = frozenset({"gb2312", "gbk", "cp936", "x-gbk", "gb_2312-80", "gb18030"})


def _decode(data: bytes) -> tuple[str, str, Finding | None]:
    """:func:`decode_bytes`, except for a page in its declared charset (else UTF-8) that
    fails on only a few stray bytes.  CMS pages often hold one truncated multi-byte character
    in otherwise clean text; strict decoding then fails and charset detection may pick a
    single-byte code page that turns every Chinese character into mojibake.  Such a page is
    decoded in its own charset with the stray bytes replaced by U+FFFD, and the repair is
    reported in ``Document.notes``."""
    declared = declared_charset(data)
    own = "gb18030" if declared in _GB_FAMILY else declared
    if not data.startswith(_BOMS) and not _decodes(data, "utf-8") and not _decodes(data, own):
        for encoding in dict.fromkeys(c for c in (own, "utf-8") if c):
            try:
                text = data.decode(encoding, errors="replace")
            except LookupError:
                continue
            n_bad = text.count("\ufffd")
            if n_bad <= max(8, len(text) // 2000):
                return text, encoding, finding(
                    "read.html.undecodable_bytes", n=n_bad, encoding=encoding
                )
    text, encoding = decode_bytes(data)
    return text, encoding, None


def _decodes(data: bytes, encoding: str | None) -> bool:
    if not encoding:
        return False
    try:
        data.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        return False
    return True


# --------------------------------------------------------------------------- title

# <meta> names (or properties) that declare the article's title, most specific first: the
# national norms for government websites (政府网站发展指引) require ArticleTitle.
_TITLE_METAS = ("articletitle", "title", "dc.title", "dcterms.title", "og:title")
_KEY_DROP = re.compile(rf"[\s{_BREAK}{ZERO_WIDTH}]+")
#: Shortest declared title (in characters, spaces left out) looked for as a heading line.
MIN_HEADING_KEY = 4


def _key(text: str) -> str:
    """A line or title as compared with each other: NFKC, without whitespace."""
    return _KEY_DROP.sub("", unicodedata.normalize("NFKC", text))


def _declared_titles(root: etree._Element) -> tuple[str | None, frozenset[str]]:
    """The title the page declares for itself, and the keys of its heading line.

    The title is the first non-empty of the ``<meta>`` titles in :data:`_TITLE_METAS` order,
    else the ``<title>`` element, whitespace collapsed.  The keys (see :func:`_key`) are those
    of every declared meta title, of the whole ``<title>`` and of its segments (split at
    ``_ | :: — –`` and a hyphen) that are the longest or hold a digit: the article-title part
    of ``article _ column _ site``, not the column or site name, which a page may also print
    as a line of its own (a sign-off, a footer).
    """
    metas: dict[str, str] = {}
    for el in root.iter("meta"):
        name = (el.get("name") or el.get("property") or "").strip().lower()
        content = clean_text(el.get("content") or "")
        if name in _TITLE_METAS and content and name not in metas:
            metas[name] = content
    titles = [metas[n] for n in _TITLE_METAS if n in metas]
    keys = {_key(t) for t in titles}
    head_title = None
    for el in root.iter("title"):
        if any(_tag(a) == "svg" for a in el.iterancestors()):
            continue  # an SVG icon's tooltip, not the page's title
        head_title = clean_text(el.text_content()) or None
        if head_title:
            break
    if head_title:
        titles.append(head_title)
        keys.add(_key(head_title))
        parts = [p for p in TITLE_SEPARATORS.split(head_title) if p.strip()]
        if len(parts) > 1:
            longest = max(parts, key=lambda p: len(_key(p)))
            keys.update(_key(p) for p in parts if p is longest or any(ch.isdigit() for ch in p))
    keys = {k for k in keys if len(k) >= MIN_HEADING_KEY}
    return (titles[0] if titles else None), frozenset(keys)


def _article_start(
    lines: list[str], chrome: list[bool], keys: frozenset[str], main_grid_line: int | None
) -> int:
    """Index of the line where the article starts: its heading, the first line (or two or
    three consecutive lines, a title printed over several lines) that reads as a declared
    title.  Lines outside the site chrome are tried first, then any line.  A heading must
    come no later than the first line of the page's main table (the one with the most cells
    that hold a digit, then the most cells: the statistics table, not a links table) and
    within the first two thirds of the page text; else (or without a declared title) 0: the
    whole text is kept."""
    if not keys or not lines:
        return 0
    total = sum(len(line) for line in lines)
    last = len(lines) - 1 if main_grid_line is None else min(main_grid_line, len(lines) - 1)
    for allow_chrome in (False, True):
        before = 0
        for i in range(last + 1):
            if before > total * 2 / 3:
                break
            before += len(lines[i])
            joined = ""
            for j in range(i, min(i + 3, len(lines))):
                if chrome[j] and not allow_chrome:
                    break
                joined += _key(lines[j])
                if joined in keys:
                    return i
    return 0


# --------------------------------------------------------------------------- page chrome

# Elements that are site chrome by their tag or ARIA role, and class/id words that say so.
_CHROME_TAGS = frozenset({"nav", "footer", "aside", "menu"})
_CHROME_ROLES = frozenset({
    "navigation", "banner", "contentinfo", "search", "menu", "menubar", "toolbar",
})
# a part of a class name or id (split at - and _): main-nav, search_fixed, breadcrumb-wrap
_CHROME_PARTS = frozenset({
    "nav", "navbar", "navigation", "menu", "menus", "submenu", "breadcrumb", "breadcrumbs",
    "crumb", "crumbs", "login", "logon", "signin", "search", "share", "toolbar", "sidebar",
    "sidenav", "footer", "topbar", "dqwz", "mbx", "daohang",
})
# a whole class name or id only: "header" is the page header, "article-header" is not
_CHROME_WHOLE = frozenset({
    "header", "head", "foot", "top", "bottom", "banner", "logo", "position", "location",
})
_CLASS_PARTS = re.compile(r"[-_\s]+")

def _is_chrome(el: etree._Element) -> bool:
    """Navigation chrome by tag, ARIA role or class/id words (see the tables above).  A
    ``<header>`` is chrome unless it is inside an ``<article>`` or ``<main>`` (the heading of
    the article itself)."""
    tag = _tag(el)
    if tag in _CHROME_TAGS:
        return True
    if tag == "header":
        return not any(_tag(a) in ("article", "main") for a in el.iterancestors())
    if (el.get("role") or "").strip().lower() in _CHROME_ROLES:
        return True
    for attr in ("class", "id"):
        for name in (el.get(attr) or "").lower().split():
            if name in _CHROME_WHOLE or _CHROME_PARTS.intersection(_CLASS_PARTS.split(name)):
                return True
    return False


def _chrome_elements(root: etree._Element) -> set[etree._Element]:
    """Every element inside site chrome (a chrome element and its descendants)."""
    out: set[etree._Element] = set()
    walk = etree.iterwalk(root, events=("start",))
    for _, el in walk:
        if isinstance(el.tag, str) and el is not root and _is_chrome(el):
            out.update(e for e in el.iter() if isinstance(e.tag, str))
            walk.skip_subtree()
    return out


# --------------------------------------------------------------------------- page text


def _is_hidden(el: etree._Element) -> bool:
    if el.get("hidden") is not None:
        return True
    style = el.get("style")
    return bool(style) and _HIDDEN_STYLE.search(style) is not None


def _drop_invisible(root: etree._Element) -> None:
    """Remove elements that are never shown, keeping their tail text."""
    doomed: list[etree._Element] = []
    walk = etree.iterwalk(root, events=("start",))
    for _, el in walk:
        if not isinstance(el.tag, str):
            doomed.append(el)  # a comment or PI the parser kept
            walk.skip_subtree()
            continue
        if el is root:
            continue
        tag = el.tag.lower()
        if tag in _DROP_TAGS or (_is_hidden(el) and el.find(".//table") is None):
            doomed.append(el)
            walk.skip_subtree()
    for el in doomed:
        _drop_tree(el)


def _drop_tree(el: etree._Element) -> None:
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _tag(el: etree._Element) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


class _PageWalker:
    """Walks the page once, collecting text lines and the grids of innermost tables.

    ``line_chrome[i]`` says whether ``lines[i]`` is site chrome (it starts inside a chrome
    element, see :func:`_is_chrome`, or holds a template placeholder); ``main_grid_line`` is
    the index of the first line of the main grid: the one with the most cells that hold a
    digit, then the most cells (None without grids).
    """

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.line_chrome: list[bool] = []
        self.grids: list[Grid] = []
        self.notes: list[Finding] = []
        self.main_grid_line: int | None = None
        self._main_size = (0, 0)
        self._buf: list[str] = []
        self._buf_chrome = False
        self._chrome: set[etree._Element] = set()
        self._recent: list[str] = []  # lines since the last grid, for its title
        self._pre = 0

    def walk(self, root: etree._Element) -> None:
        innermost = {t for t in root.iter("table") if t.find(".//table") is None}
        self._chrome = _chrome_elements(root)
        walk = etree.iterwalk(root, events=("start", "end"))
        for event, el in walk:
            tag = _tag(el)
            if event == "start":
                if el in innermost:
                    self._flush()
                    self._table(el)
                    walk.skip_subtree()
                    continue
                if tag in _BLOCK_TAGS or tag == "br":
                    self._flush()
                if tag == "pre":
                    self._pre += 1
                self._add(el.text, el)
            else:
                if tag in _BLOCK_TAGS:
                    self._flush()
                if tag == "pre":
                    self._pre -= 1
                if el is not root:
                    self._add(el.tail, el.getparent())
        self._flush()

    def _add(self, text: str | None, owner: etree._Element | None) -> None:
        if not text:
            return
        if not self._buf:
            self._buf_chrome = owner in self._chrome
        if self._pre > 0 and "\n" in text:
            first, *rest = text.split("\n")
            self._buf.append(first)
            for part in rest:
                self._flush()
                self._buf.append(part)
            return
        self._buf.append(text)

    def _emit(self, line: str, chrome: bool) -> None:
        self.lines.append(line)
        self.line_chrome.append(chrome or TEMPLATE_PLACEHOLDER.search(line) is not None)

    def _flush(self) -> None:
        if not self._buf:
            return
        line = clean_text(_CONDITIONAL_DEBRIS.sub("", "".join(self._buf)))
        self._buf.clear()
        if line:
            self._emit(line, self._buf_chrome)
            self._recent.append(line)
            del self._recent[:-8]

    def _title(self, caption: str) -> str | None:
        if caption:
            return caption[:TITLE_CHARS]
        for line in reversed(self._recent):
            if not _UNIT_LINE.match(line):
                return line[:TITLE_CHARS]
        return self._recent[-1][:TITLE_CHARS] if self._recent else None

    def _table(self, table: etree._Element) -> None:
        raw_rows, caption = _table_rows(table)
        if not any(c.text for row in raw_rows for c in row):
            return  # pure-empty table: layout filler
        index = len(self.grids) + 1
        rows, notes = _layout(raw_rows, index)
        self.notes.extend(notes)
        grid = Grid(index=index, rows=rows, kind="table", title=self._title(caption))
        self.grids.append(grid)
        self._recent.clear()
        size = (
            sum(1 for row in rows for c in row if any(ch.isdigit() for ch in c.text)),
            sum(len(row) for row in rows),
        )
        if size > self._main_size:
            self._main_size, self.main_grid_line = size, len(self.lines)
        chrome = table in self._chrome
        if caption:
            self._emit(caption, chrome)
        for row in rows:
            if any(c.text for c in row):
                self._emit("\t".join(c.text for c in row), chrome)


# --------------------------------------------------------------------------- tables


@dataclass
class _RawCell:
    text: str
    rowspan: str | None
    colspan: str | None


def _table_rows(table: etree._Element) -> tuple[list[list[_RawCell]], str]:
    """The rows of an innermost table, in source order, and its caption text.

    Rows are ``<tr>`` elements at any depth (through ``thead``/``tbody``/``tfoot`` or stray
    wrappers such as ``<form>``); cells found outside any ``<tr>`` form implicit rows.
    """
    rows: list[list[_RawCell]] = []
    caption = ""
    current: list[_RawCell] | None = None
    implicit: list[_RawCell] | None = None
    walk = etree.iterwalk(table, events=("start", "end"))
    for event, el in walk:
        if el is table:
            continue
        tag = _tag(el)
        if event == "start":
            if tag == "tr":
                current = []
                implicit = None
                rows.append(current)
            elif tag in _CELL_TAGS:
                cell = _RawCell(_cell_text(el), el.get("rowspan"), el.get("colspan"))
                if current is None:
                    if implicit is None:
                        implicit = []
                        rows.append(implicit)
                    implicit.append(cell)
                else:
                    current.append(cell)
                walk.skip_subtree()
            elif tag == "caption":
                caption = caption or _cell_text(el)
                walk.skip_subtree()
        elif tag == "tr":
            current = None
    return rows, caption


def _cell_text(cell: etree._Element) -> str:
    parts: list[str] = []
    walk = etree.iterwalk(cell, events=("start", "end"))
    for event, el in walk:
        tag = _tag(el)
        if event == "start":
            if tag in _BLOCK_TAGS or tag == "br":
                parts.append(_BREAK)
            if el.text:
                parts.append(el.text)
        else:
            if tag in _BLOCK_TAGS:
                parts.append(_BREAK)
            if el is not cell and el.tail:
                parts.append(el.tail)
    return clean_text(_CONDITIONAL_DEBRIS.sub("", "".join(parts)))


def _span(value: str | None) -> tuple[int, bool]:
    """A span attribute read leniently: ``(span, was_repaired)``."""
    if value is None:
        return 1, False
    m = _SPAN.match(value)
    if m is None:
        return 1, bool(value.strip())
    n = int(m.group(1)) if len(m.group(1)) < 10 else MAX_SPAN + 1
    if n < 1:
        return 1, True
    if n > MAX_SPAN:
        return MAX_SPAN, True
    return n, False


def _layout(raw_rows: list[list[_RawCell]], index: int) -> tuple[list[list[Cell]], list[Finding]]:
    """Place cells on the expanded grid (HTML table model, without overlaps)."""
    n_rows = len(raw_rows)
    taken_until: dict[int, int] = {}  # column → last row covered by a rowspan from above
    rows: list[list[Cell]] = []
    width = 0
    repaired: list[str] = []
    shortened: list[str] = []
    for r, raw_row in enumerate(raw_rows):
        out: list[Cell] = []
        c = 0
        for k, raw in enumerate(raw_row, start=1):
            path = f"table[{index}]/tr[{r + 1}]/td[{k}]"
            rowspan, bad_r = _span(raw.rowspan)
            colspan, bad_c = _span(raw.colspan)
            if bad_r or bad_c:
                repaired.append(path)
            rowspan = min(rowspan, n_rows - r)
            while taken_until.get(c, -1) >= r:
                c += 1
            for j in range(1, colspan):
                if taken_until.get(c + j, -1) >= r:
                    colspan = j
                    shortened.append(path)
                    break
            out.append(Cell(text=raw.text, row=r, col=c, rowspan=rowspan, colspan=colspan,
                            path=path))
            if rowspan > 1:
                for j in range(colspan):
                    taken_until[c + j] = r + rowspan - 1
            c += colspan
        width = max(width, c, max(taken_until, default=-1) + 1)
        # a span bomb is refused as soon as its table is too large, before it is laid out
        check("grid_cells", n_rows * width, "the number of table cells after rowspan/colspan "
              "expansion (one table)")
        rows.append(out)
    notes: list[Finding] = []
    if repaired:
        notes.append(finding(
            "read.html.invalid_span", table=index, n=len(repaired), max_span=MAX_SPAN,
            cells=tuple({"path": p} for p in repaired[:10]),
        ))
    if shortened:
        notes.append(finding(
            "read.html.overlapping_cells", table=index, n=len(shortened),
            cells=tuple({"path": p} for p in shortened[:10]),
        ))
    return rows, notes
