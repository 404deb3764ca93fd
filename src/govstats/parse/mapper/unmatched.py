"""Rows the form expects but the mapper could not match: a label printed before a number,
close to (but not) a label of a layout row that gave no value, in a table the report was
read from.  A one-character typo in a row label (``属于四类过程性信息`` losing a character)
would otherwise drop the row's values without a word; the finding names the printed label
and the closest label of the form (:mod:`difflib`)."""

from __future__ import annotations

import re
from difflib import SequenceMatcher, get_close_matches
from functools import lru_cache

from ...catalogue.findings import finding
from ...catalogue.layouts import Layout
from ...catalogue.rules import derivations
from ...model import Document, Finding, Value
from ...normalize import normalize_label

__all__ = ["CUTOFF", "unmatched_headers", "unmatched_rows"]

#: how close (difflib ratio) a printed label must be to a label of the form
CUTOFF = 0.8
_PIECE = re.compile(r"[^\d\t|\n]+")
_BEFORE_NUMBER = re.compile(r"[\s|:：]*\d")
_LEAD = re.compile(r"^[\s.．、)）]+")
# prose, not a row label: sentence punctuation, a unit or a date word right after a number
_PROSE = re.compile(r"[，,。；;%％！？]")
_AFTER_NUMBER = re.compile(r"^[年月日]|^[件条个次项人家元万][、，]")
_SENTENCE_END = re.compile(r"[。；;]$")
# two numbers that fill cells of a table row (each followed by a tab, a bar or a line end)
_CELL_NUMBERS = re.compile(r"(?:[ \t|:：]*\d+(?:\.\d+)?[ ]*[\t|\n]){2}")
_UNIT_COMMA = re.compile(r"^[件条个次项人家元万][、，]")
_MAX_FINDINGS = 10


def unmatched_rows(doc: Document, layout: Layout, values: list[Value]) -> list[Finding]:
    """A ``map.unmatched_row`` finding for each layout row that gave no value while a label
    printed before a number in ``doc.text`` is close to one of its labels (and to no label
    of a row that was read); only in tables of the layout the report was read from."""
    read_codes = {v.indicator for v in values}
    read_tables: set[str] = set()
    row_read: dict[tuple[str, str], bool] = {}
    # rows that head others (（三）不予公开 over its reasons) print no value of their own:
    # the form's sums derive theirs
    derived = {
        d["target"] for d in derivations()
        if not d.get("regimes") or layout.regime in d["regimes"]
    }  # fmt: skip
    for spec, row in layout.all_rows:
        if row.header or row.code.startswith("_") or row.code in derived:
            continue
        codes = {spec.indicator(row, col)[0] for col in spec.value_columns}
        got = bool(codes & read_codes)
        row_read[(spec.id, row.code)] = got
        if got:
            read_tables.add(spec.id)
    # every label of the form → the rows it names (read or not)
    by_label: dict[str, list[tuple[str, str, bool]]] = {}
    for spec, row in layout.all_rows:
        key = (spec.id, row.code)
        if key not in row_read:
            continue
        for lab in row.labels.plain:
            by_label.setdefault(lab, []).append((spec.id, row.code, row_read[key]))
    labels = tuple(by_label)
    known = set(labels)
    seen: set[str] = set()
    out: list[Finding] = []
    for m in _PIECE.finditer(doc.text):
        if not _BEFORE_NUMBER.match(doc.text, m.end()):
            continue  # not a label printed before a number
        printed = _LEAD.sub("", m.group()).strip()
        plain = normalize_label(printed)  # without notes in brackets, quotes, ordinals
        after_digit = m.start() > 0 and doc.text[m.start() - 1].isdigit()
        if (_PROSE.search(plain) or _SENTENCE_END.search(printed)
                or (after_digit and _AFTER_NUMBER.search(printed))):
            continue
        if not 1 <= len(plain) <= 40 or plain in known or plain in seen:
            continue
        if len(plain) < 3 and not _CELL_NUMBERS.match(doc.text, m.end()):
            continue  # a short label only where a table row's numbers follow it
        seen.add(plain)
        close = _closest(plain, labels)
        if not close:
            continue
        rows = by_label[close[0]]
        if any(got for _, _, got in rows):
            continue  # the closest label's row was read: a variant, not a lost row
        lost = [(t, c) for t, c, _ in rows if t in read_tables]
        if not lost:
            continue  # a table the report was not read from (a narrative figure, …)
        table_id, code = lost[0]
        out.append(finding(
            "map.unmatched_row", label=printed, closest=close[0], code=code, table_id=table_id,
            layout=layout.source, indicators=(code,),
            cells=({"indicator": code, "applicant": "total", "label": printed,
                    "table_id": table_id},),
        ))  # fmt: skip
        row_read[(table_id, code)] = True
        for lab, entries in by_label.items():  # report each lost row once
            by_label[lab] = [(t, c, got or (t, c) == (table_id, code)) for t, c, got in entries]
        if len(out) >= _MAX_FINDINGS:
            break
    return out


@lru_cache(maxsize=65536)
def _closest(plain: str, labels: tuple[str, ...]) -> tuple[str, ...]:
    """The label of the form closest to ``plain`` (difflib ratio ≥ :data:`CUTOFF`); a label
    of one or two characters only from a label it is one character short of (``计`` for
    ``总计``, ``他`` for ``其他``).  Memoized: the same printed labels recur in every report
    of a form."""
    if len(plain) >= 3:
        return tuple(get_close_matches(plain, labels, n=1, cutoff=CUTOFF))
    return tuple(lab for lab in labels if len(lab) == len(plain) + 1
                 and _one_short(plain, lab))[:1]


def _one_short(short: str, full: str) -> bool:
    """Whether ``short`` is ``full`` without one of its characters."""
    return any(full[:k] + full[k + 1 :] == short for k in range(len(full)))


def _plain(syn: object) -> tuple[str, ...]:
    return tuple(getattr(syn, "plain", ()) or ())


def unmatched_headers(doc: Document, layout: Layout) -> list[Finding]:
    """A ``map.unmatched_header`` finding for each table cell whose text is close to, but
    not, a column heading of the layout (``尚审结`` for ``尚未审结``): the table's columns
    may then be read under the wrong heading or not at all."""
    columns: dict[str, str] = {}  # a column or group heading → the table it belongs to
    known: set[str] = set()
    for spec in layout.tables:
        for col in spec.columns:
            for lab in (*_plain(col.labels), *_plain(col.group)):
                columns.setdefault(lab, spec.id)
        for syn in (spec.label_columns, spec.unit_columns):
            known.update(_plain(syn))
        for row in spec.rows:
            known.update(_plain(row.labels))
            known.update(getattr(row.labels, "exact", ()))
    known.update(columns)
    headings = list(columns)
    rows = list(known - set(columns))
    seen: set[str] = set()
    out: list[Finding] = []
    for grid_index, path, text in _heading_candidates(doc):
        plain = normalize_label(text)
        if (not 3 <= len(plain) <= 40 or plain in known or plain in seen
                or any(ch.isdigit() for ch in plain) or _PROSE.search(text)
                or _UNIT_COMMA.search(plain)):
            continue
        seen.add(plain)
        close = get_close_matches(plain, headings, n=1, cutoff=CUTOFF)
        if not close:
            continue
        ratio = SequenceMatcher(None, plain, close[0]).ratio()
        if any(SequenceMatcher(None, plain, r).ratio() >= ratio
               for r in get_close_matches(plain, rows, n=3, cutoff=ratio)):
            continue  # as close to a row label: a row, which unmatched_rows checks
        out.append(finding(
            "map.unmatched_header", label=text, closest=close[0],
            table=grid_index if grid_index is not None else "text",
            table_id=columns[close[0]], layout=layout.source,
            cells=({"table": grid_index, "path": path, "label": text},),
        ))  # fmt: skip
        if len(out) >= _MAX_FINDINGS:
            return out
    return out


def _heading_candidates(doc: Document) -> list[tuple[int | None, str | None, str]]:
    """(table, cell path, text) of every table cell; for a document without grids, every
    tab-, bar- or line-separated piece of its text without a digit."""
    if doc.grids:
        return [(g.index, c.path, c.text) for g in doc.grids for row in g.rows for c in row]
    return [(None, None, p.strip()) for p in re.split(r"[\t|\n]+", doc.text)
            if p.strip() and not any(ch.isdigit() for ch in p)]  # fmt: skip
