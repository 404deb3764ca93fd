"""Validation on the development corpus (../shared): every truth.json inconsistency that
involves a table figure is found, and reports whose truth lists none get no error.

Which rule must find which entry, and why the others are excluded (typos, wording, sums
inside the prose, and parse gaps named as such), is data:
tests/fixtures/validate/truth_targets.yaml (read by tools/validate_eval.py too).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.corpus


def _eval_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("validate_eval", REPO / "tools" /
                                                  "validate_eval.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["validate_eval"] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def corpus(shared: Path):  # type: ignore[no-untyped-def]
    ev = _eval_module()
    reports = ev.load_corpus()
    from govstats import validate_reports

    return ev, reports, validate_reports(reports.values())


def test_every_truth_inconsistency_is_classified_and_every_target_found(corpus) -> None:  # type: ignore[no-untyped-def]
    ev, reports, cross = corpus
    found, missed, unclassified = ev.evaluate(reports, cross)
    assert unclassified == []
    assert [(n, t) for n, t, _ in missed] == []
    assert len(found) >= 76  # ratchet at the measured value (of 94 with the parse gaps)
    assert len(found) + len(ev.parse_gaps(reports)) == 94


def test_exclusions_give_their_reason(corpus) -> None:  # type: ignore[no-untyped-def]
    ev, _, _ = corpus
    for name, entries in ev.load_targets().items():
        for e in entries:
            assert "rules" in e or len(e.get("exclude", "")) > 20, (name, e)


def test_no_error_on_reports_without_numeric_inconsistency(corpus) -> None:  # type: ignore[no-untyped-def]
    ev, reports, cross = corpus
    targets = ev.load_targets()
    clean = [n for n in reports if n != "seed"
             and not any("rules" in e for e in targets.get(n, []))]
    assert len(clean) > 100
    by_report = ev.findings_by_report(reports, cross)
    errors = [(n, f.rule, f.found) for n in clean for f in by_report[n] if f.severity == "error"]
    assert errors == []


def test_cross_report_findings_name_their_reports(corpus) -> None:  # type: ignore[no-untyped-def]
    _, reports, cross = corpus
    assert cross
    paths = {str(r.source["path"]) for r in reports.values()}
    for f in cross:
        named = {c["report"] for c in f.cells if c.get("report")}
        assert named and named <= paths, f
