"""The development corpus (../shared/corpus): every report parses, the year is right, and no
number differs from the hand-read truth except where listed below with the reason.

Skipped when ../shared is absent.  `tools/corpus_eval.py -v` prints the full comparison.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from govstats import parse_report

from .conftest import SHARED
from .corpus_truth import compare

CORPUS = SHARED / "corpus"
# without the corpus one placeholder case remains, which the `shared` fixture skips with
# the reason (an empty parameter set would only say "got empty parameter set")
FOLDERS = sorted(p.name for p in CORPUS.iterdir() if p.is_dir()) if CORPUS.is_dir() else []
FOLDERS = FOLDERS or ["(corpus absent)"]

# Truth keys whose hand-read value is not what the table prints.  We emit the printed cell
# (never a silent replacement); validation reports the contradiction.
AS_PRINTED = {
    # 总计 column printed 0 in every row; truth takes the 自然人 column
    "pingtan-nyj-2024": {
        "requests_received",
        "table3_totals.processed_total",
        "table3_totals.granted",
        "table3_totals.withheld_third_party",
    },
    "pingtan-nyj-2025": {
        "requests_received",
        "table3_totals.not_held",
        "table3_totals.processed_total",
    },
    # 新收 总计 printed 0 and 上年结转 总计 printed 7 (a cell slid a row); truth moves it back
    "pingtan-nyj-2023": {"requests_received", "requests_carried_over"},
    # table 四 '210033300620002' is 15 single digits: direct = 3,3,0,0,6 as printed;
    # truth's 3,0,0,6,2 drops a digit
    "pingtan-shs-2025": {
        "table4_raw",
        "litigation_total",
        "litigation_upheld",
        "litigation_corrected",
        "litigation_pending",
    },
}
# Known parser errors, to be fixed (each must disappear, not grow).
KNOWN_WRONG: dict[str, set[str]] = {}


def _inputs(folder: Path) -> list[Path]:
    originals = [p for p in (folder / "report.pdf", folder / "report.html") if p.exists()]
    return [*originals[:1], folder / "report.txt"]


# The table cells each input reads today (truth key → indicator, without the value): a
# ratchet at the measured value.  `tools/corpus_eval.py --ratchet` rewrites it after a change
# that reads more cells; a cell read today and lost later fails the test as a wrong one does.
RATCHET = Path(__file__).parent / "fixtures" / "corpus_ratchet.json"


def cell_tag(tag: str) -> str:
    """``key → code[applicant] = value`` without the value (what the ratchet records)."""
    return tag.split(" = ")[0]


def _ratchet() -> dict[str, list[str]]:
    return json.loads(RATCHET.read_text("utf-8")) if RATCHET.is_file() else {}


@pytest.mark.corpus
@pytest.mark.parametrize("name", FOLDERS)
def test_corpus_report(name: str, shared: Path) -> None:
    folder = shared / "corpus" / name
    truth = json.loads((folder / "truth.json").read_text("utf-8"))
    meta = json.loads((folder / "meta.json").read_text("utf-8"))
    allowed = AS_PRINTED.get(name, set()) | KNOWN_WRONG.get(name, set())
    ratchet = _ratchet()
    for path in _inputs(folder):
        report = parse_report(path)
        assert report.meta["year"] == meta["year"], path
        ok, _, wrong = compare(report, truth, bool(meta.get("complete", True)))
        unexpected = [w for w in wrong if w.split(" → ")[0] not in allowed]
        assert not unexpected, f"{path}: {unexpected}"
        # table cells only: prose figures of truncated reports are counted apart
        right = {cell_tag(t) for t in ok if not t.endswith("(narrative)")}
        lost = sorted(set(ratchet.get(f"{name}/{path.name}", [])) - right)
        assert not lost, f"{path}: cells read before and lost now: {lost}"


@pytest.mark.corpus
def test_corpus_coverage_floor(shared: Path) -> None:
    """Share of the truth's table cells the crawler/converter text reproduces, prose figures
    counted apart: a ratchet at the measured value (4 928 of 5 095, 96.7 %), which may only
    go up."""
    ok = total = 0
    for name in FOLDERS:
        folder = shared / "corpus" / name
        truth = json.loads((folder / "truth.json").read_text("utf-8"))
        meta = json.loads((folder / "meta.json").read_text("utf-8"))
        complete = bool(meta.get("complete", True))
        good, missing, wrong = compare(parse_report(folder / "report.txt"), truth, complete)
        table = [t for t in good if not t.endswith("(narrative)")]
        ok += len(table)
        total += len(table) + len(missing) + len(wrong)
    assert ok / total >= 4928 / 5095, f"{ok}/{total}"


META_FIELDS = ("jurisdiction", "year", "admin_code", "level", "published", "published_date")


@pytest.mark.corpus
@pytest.mark.parametrize(
    "name", [n for n in FOLDERS if (CORPUS / n / "report.html").is_file()] or ["(corpus absent)"]
)
def test_saved_page_and_crawler_text_agree(name: str, shared: Path) -> None:
    """The saved web page and the crawler text of one report give the same metadata and the
    same numbers wherever both read a cell (the text may leave merged cells unread)."""
    folder = shared / "corpus" / name
    page = parse_report(folder / "report.html")
    text = parse_report(folder / "report.txt")
    assert {k: page.meta[k] for k in META_FIELDS} == {k: text.meta[k] for k in META_FIELDS}
    assert page.meta["jurisdiction"] and "{{" not in page.meta["jurisdiction"]

    def printed(r: Any) -> dict[tuple[str, str], float]:
        return {(v.indicator, v.applicant): v.value for v in r.value_list if not v.derived}

    a, b = printed(page), printed(text)
    assert {k: (a[k], b[k]) for k in a.keys() & b.keys() if a[k] != b[k]} == {}
    # a cell the page reads and the text does not (run-together digits that several splits
    # fit, a 历年累计 merged with the cell before it or blank) is named by a finding
    named = {
        c for f in text.issues if f.rule.startswith(("digits.", "cell.")) for c in f.indicators
    }
    assert {k for k in a.keys() - b.keys() if k[0] not in named} == set()
