"""Which table regime a document prints, decided from the labels present (not the year)."""

from __future__ import annotations

from dataclasses import dataclass

from .layouts import Layout, layouts
from .model import Document
from .normalize import normalize_label


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


def detect_regime(doc: Document, min_evidence: int = 2) -> RegimeDecision:
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
    lay = next(x for x in layouts() if x.regime == best)
    return RegimeDecision(best, lay, found[best], scores)
