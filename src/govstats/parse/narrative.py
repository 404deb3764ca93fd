"""Figures stated in the prose (e.g. 信函申请828件), with the indicator they speak of.

Patterns live in ``catalogue/narrative.yaml``.  Only text outside the statistics tables is
searched; a number written with 万 is kept as printed and read as a rounded figure.
"""

from __future__ import annotations

import bisect
import re
from decimal import Decimal
from functools import lru_cache
from importlib import resources

from ..model import Document, NarrativeFigure
from ..normalize import delete_chars, nfkc
from ..yamlio import load_yaml

# quotation marks around a term (“同意公开”88件) are not part of what the patterns read
# (deleted with str.replace: much faster than str.translate on every line of a report)
_QUOTES = "“”‘’\"'「」『』"


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[str, re.Pattern[str], int | None], ...]:
    """(indicator, pattern, fixed value): a pattern is a string with a group ``n``, or a
    mapping ``{pattern: ..., value: 0}`` for a statement of a fixed figure (未收到…申请)."""
    text = resources.files("govstats").joinpath("catalogue/narrative.yaml").read_text("utf-8")
    data = load_yaml(text)
    out: list[tuple[str, re.Pattern[str], int | None]] = []
    for code, pats in data.items():
        for p in pats:
            if isinstance(p, dict):
                out.append((code, re.compile(p["pattern"]), int(p["value"])))
            else:
                out.append((code, re.compile(p), None))
    return tuple(out)


def _value(s: str) -> tuple[float | int, bool]:
    """(value, rounded) of ``s`` such as ``1,108`` or ``29.7万``."""
    rounded = s.endswith("万")
    s = s.rstrip("万").replace(",", "")
    exact = Decimal(s) * (10000 if rounded else 1)  # 19.24万 is 192400, not 192399.99…
    if exact == exact.to_integral_value():
        return int(exact), rounded
    return float(exact), rounded


# A line break is kept where a sentence or a heading ends, and where the next line starts a
# heading (一、 （二） 3. 第四…); any other break is taken for one inside a sentence (an export
# that puts every inline element on a line of its own, or a PDF's text wrapped at its margin).
_SENTENCE_END = tuple("。！？；!?;")
_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[、.．](?!\d)"
    r"|第[一二三四五六七八九十]+[部章节条项])"
)


def prose_lines(text: str) -> list[tuple[str, list[tuple[int, int]]]]:
    """The text as lines of prose, whitespace removed (NFKC): physical lines joined where
    the break falls inside a sentence.  Each comes with (offset, physical line number) pairs
    saying where every physical line starts in it."""
    out: list[tuple[str, list[tuple[int, int]]]] = []
    parts: list[str] = []
    starts: list[tuple[int, int]] = []
    size = 0
    for ln, line in enumerate(text.splitlines(), start=1):
        # whitespace out: str.split cuts at the characters \s matches (str.isspace)
        flat = delete_chars("".join(nfkc(line).split()), _QUOTES)
        if not flat:
            continue
        if parts and _HEADING.match(flat):
            out.append(("".join(parts), starts))
            parts, starts, size = [], [], 0
        parts.append(flat)
        starts.append((size, ln))
        size += len(flat)
        if flat.endswith(_SENTENCE_END):
            out.append(("".join(parts), starts))
            parts, starts, size = [], [], 0
    if parts:
        out.append(("".join(parts), starts))
    return out


def _line_at(starts: list[tuple[int, int]], offset: int) -> tuple[int, int]:
    """(physical line, offset in it) of ``offset`` in a prose line."""
    k = max(0, bisect.bisect_right([a for a, _ in starts], offset) - 1)
    return starts[k][1], offset - starts[k][0]


def extract_narrative(doc: Document, table_lines: set[int] | None = None) -> list[NarrativeFigure]:
    """Narrative figures of ``doc`` (figures on lines in ``table_lines`` are skipped)."""
    out: list[NarrativeFigure] = []
    for flat, starts in prose_lines(doc.text):
        has_digit = any(ch.isdigit() for ch in flat)
        used: list[tuple[int, int]] = []
        stated: set[tuple[str, int]] = set()
        for code, pat, fixed in _patterns():
            if fixed is None and not has_digit:
                continue
            for m in pat.finditer(flat):
                if fixed is not None:
                    # a statement such as 未收到…行政复议、…行政诉讼的申请 speaks of several
                    # indicators at once: spans are not exclusive, one figure per indicator
                    if (code, m.start()) in stated:
                        continue
                    stated.add((code, m.start()))
                    value: float | int = fixed
                    rounded = False
                    s, e = m.span()
                else:
                    s, e = m.span("n")
                    if any(not (e <= a or s >= b) for a, b in used):
                        continue
                    try:
                        value, rounded = _value(m["n"])
                    except ValueError:
                        continue
                    used.append((s, e))
                ln, char = _line_at(starts, s)
                if table_lines and ln in table_lines:
                    continue
                a, b = max(0, m.start() - 12), min(len(flat), m.end() + 4)
                out.append(
                    NarrativeFigure(
                        indicator=code,
                        value=value,
                        unit=None if not rounded else "rounded:万",
                        raw=m.group(0),
                        context=flat[a:b],
                        location={"line": ln, "char": char},
                    )
                )
    return out
