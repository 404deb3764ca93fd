"""Figures stated in the prose (e.g. 信函申请828件), with the indicator they speak of.

Patterns live in ``catalogue/narrative.yaml``.  Only text outside the statistics tables is
searched; a number written with 万 is kept as printed and read as a rounded figure.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml

from .model import Document, NarrativeFigure
from .normalize import nfkc

_WS = re.compile(r"[\s\u3000\xa0]+")


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[str, re.Pattern[str], int | None], ...]:
    """(indicator, pattern, fixed value): a pattern is a string with a group ``n``, or a
    mapping ``{pattern: ..., value: 0}`` for a statement of a fixed figure (未收到…申请)."""
    text = resources.files("govstats").joinpath("catalogue/narrative.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
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
    v = float(s) if "." in s else int(s)
    if rounded:
        v = v * 10000
        v = int(v) if float(v).is_integer() else v
    return v, rounded


def extract_narrative(doc: Document, table_lines: set[int] | None = None) -> list[NarrativeFigure]:
    """Narrative figures of ``doc`` (lines in ``table_lines`` are skipped)."""
    out: list[NarrativeFigure] = []
    for ln, line in enumerate(doc.text.splitlines(), start=1):
        if table_lines and ln in table_lines:
            continue
        flat = _WS.sub("", nfkc(line))
        if not flat:
            continue
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
                a, b = max(0, m.start() - 12), min(len(flat), m.end() + 4)
                out.append(
                    NarrativeFigure(
                        indicator=code,
                        value=value,
                        unit=None if not rounded else "rounded:万",
                        raw=m.group(0),
                        context=flat[a:b],
                        location={"line": ln, "char": s},
                    )
                )
    return out
