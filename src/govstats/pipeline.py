"""``parse_report``: the one straight path for one report, through the stages in order.

bytes → :mod:`govstats.read` (decode, find tables and cells: a ``Document``) →
:mod:`govstats.parse` (regime, labels → indicators, derived values, metadata, narrative) →
:mod:`govstats.check` (validation findings) → :class:`~govstats.report.Report`.  The panel
(:mod:`govstats.panel`) and the analysis (:mod:`govstats.analysis`) take reports from here.
A pure function of the input bytes (the file name only helps pick the reader).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .catalogue.findings import finding
from .check import validate_report
from .errors import UnrecognisedInput
from .limits import Limits, check, use_limits
from .model import Finding, NarrativeFigure
from .parse.derive import derive_values, resolve_blanks
from .parse.mapper import map_document
from .parse.mapper.unmatched import unmatched_headers, unmatched_rows
from .parse.meta import extract_meta
from .parse.narrative import extract_narrative
from .parse.ocr_evidence import confirm_ocr
from .parse.regimes import detect_regime
from .read import read_document
from .report import Report


def _load(path_or_bytes: str | Path | bytes, filename: str | None) -> tuple[bytes, str | None]:
    if isinstance(path_or_bytes, bytes | bytearray | memoryview):
        return bytes(path_or_bytes), filename
    p = Path(path_or_bytes)
    check("input_bytes", p.stat().st_size, "the input's size in bytes")  # before reading it
    return p.read_bytes(), filename or str(p)


def _prose_figures(figures: list[NarrativeFigure]) -> dict[str, frozenset[int]]:
    """Integer figures the text states per indicator (hints for run-together digits)."""
    out: dict[str, set[int]] = {}
    for f in figures:
        if isinstance(f.value, int) and f.unit is None:
            out.setdefault(f.indicator, set()).add(f.value)
    return {k: frozenset(v) for k, v in out.items()}


def parse_report(
    path_or_bytes: str | Path | bytes, filename: str | None = None, *, limits: Limits | None = None
) -> Report:
    """Parse one report (a path, or bytes with an optional ``filename`` hint).

    Raises :class:`~govstats.errors.UnreadableInput` when the bytes cannot be read as text
    (:class:`~govstats.limits.LimitExceeded`, a subclass, when the input breaches one of
    ``limits``: by default those in force, see :mod:`govstats.limits`) and
    :class:`~govstats.errors.UnrecognisedInput` when the text is not a disclosure report.
    """
    with use_limits(limits):
        return _parse_report(path_or_bytes, filename)


def _parse_report(path_or_bytes: str | Path | bytes, filename: str | None) -> Report:
    data, name = _load(path_or_bytes, filename)
    source = {"path": name, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    doc = read_document(data, name)
    source.update({"kind": doc.kind, "encoding": doc.encoding})
    if doc.reader:
        source["reader"] = doc.reader
    meta = extract_meta(doc)
    decision = detect_regime(doc, year=meta.get("year"))
    figures = extract_narrative(doc)  # once: hints for the digits, then the report's narrative
    issues: list[Finding] = list(doc.notes)
    values = []
    unread = []
    candidates = []
    if decision.layout is None:
        if "政府信息公开" not in doc.text and not doc.grids:
            raise UnrecognisedInput(
                "no statistics table of a known regime and no disclosure-report wording found"
            )
        issues.append(finding("structure.no_table"))
    else:
        mapped = map_document(
            doc, decision.layout, hints=_prose_figures(figures), year=meta.get("year")
        )
        values = mapped.values
        unread = mapped.unread
        candidates = mapped.candidates
        issues.extend(mapped.findings)
        if doc.reader == "ocr":  # OCR readings are evidence: identities confirm doubtful ones
            values, doubtful, notes = confirm_ocr(values, decision.layout, unread)
            unread = unread + doubtful
            issues.extend(notes)
        issues.extend(unmatched_rows(doc, decision.layout, values))
        issues.extend(unmatched_headers(doc, decision.layout))
        values = values + resolve_blanks(values, unread, decision.layout)
        values = values + derive_values(values, decision.regime)
        if not mapped.values:
            issues.append(finding("structure.no_values", regime=decision.regime))
    meta.update(
        {
            "regime": decision.regime,
            "regime_evidence": list(decision.evidence),
            "regime_scores": decision.scores,
            "layout": decision.layout.source if decision.layout else None,
            "reader": doc.reader,  # "ocr" when the text was read by OCR
        }
    )
    table_lines = {
        int(v.location["line"])
        for v in values
        if "line" in v.location and doc.kind == "text" and "split" not in v.location
    }
    # figures of the prose only: not those read off lines that hold table cells
    narrative = [f for f in figures if f.location.get("line") not in table_lines]
    report = Report(
        source=source,
        meta=meta,
        value_list=values,
        narrative_list=narrative,
        issues=issues,
        unread_list=unread,
        candidates_list=candidates,
    )
    report.issues.extend(validate_report(report))
    return report
