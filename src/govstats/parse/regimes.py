"""Which table regime a document prints, decided from the labels present (not the year)."""

from __future__ import annotations

from dataclasses import dataclass

from ..catalogue.layouts import Layout, layouts
from ..model import Document
from ..normalize import normalize_label


@dataclass(frozen=True)
class RegimeDecision:
    regime: str | None
    layout: Layout | None
    evidence: tuple[str, ...]  # labels of the chosen regime found in the document
    scores: dict[str, int]


def document_labels_text(doc: Document) -> str:
    """The document's text and cell texts, normalised for label search."""
    parts = [doc.text]
    for g in doc.grids:
        for row in g.rows:
            parts.extend(c.text for c in row)
    return normalize_label("".join(parts), keep_parens=True)


def detect_regime(
    doc: Document, min_evidence: int = 2, year: int | None = None
) -> RegimeDecision:
    """The regime whose evidence labels the document prints most.

    A tie (R2 and R3 share the labels of tables 三 and 四; they differ in table 二 and in
    （六）其他处理) is broken by the report's ``year`` when exactly one tied form was in force
    that year; the tie-break is named in the evidence.
    """
    text = document_labels_text(doc)
    plain = normalize_label(text)
    scores: dict[str, int] = {}
    found: dict[str, tuple[str, ...]] = {}
    for lay in layouts():
        hits = tuple(e for e in lay.evidence if e and (e in plain or e in text))
        scores[lay.regime] = len(hits)
        found[lay.regime] = hits
    best = max(scores, key=lambda r: (scores[r], r)) if scores else None
    if best is None or scores[best] < min_evidence:
        return RegimeDecision(None, None, (), scores)
    evidence = found[best]
    tied = [lay for lay in layouts() if scores[lay.regime] == scores[best]]
    if len(tied) > 1 and year is not None:
        in_force = [lay for lay in tied if lay.years[0] <= year <= lay.years[1]]
        if len(in_force) == 1:
            best = in_force[0].regime
            evidence = (*found[best], f"tie broken by year {year}")
    lay = next(x for x in layouts() if x.regime == best)
    return RegimeDecision(best, lay, evidence, scores)
