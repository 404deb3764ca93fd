"""Run validation over the development corpus (../shared/corpus) and the seed report: findings
per rule, and which ``inconsistencies`` of each ``truth.json`` are found or missed.

    .venv/bin/python tools/validate_eval.py [--show] [--rule RULE] [FOLDER...]

Which truth entry is meant to be found by which rule (or is context, with the reason) is
data: ``tests/fixtures/validate/truth_targets.yaml``.  An entry is *found* when a finding of
one of its rules names that report (or, for a cross-report rule, names it among others) and,
when the target lists indicators, involves one of them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from govstats import parse_report, validate_reports  # noqa: E402
from govstats.check import finding_reports  # noqa: E402
from govstats.model import Finding  # noqa: E402
from govstats.report import Report  # noqa: E402

SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
SEED = SHARED / "seed" / "linyi-2017" / "report.txt"
TARGETS = REPO / "tests" / "fixtures" / "validate" / "truth_targets.yaml"
NUMERIC = "numeric"  # targets that involve a table figure


def report_input(folder: Path) -> Path:
    """The original PDF/HTML when present, else the text export."""
    for name in ("report.pdf", "report.html", "report.txt"):
        if (folder / name).exists():
            return folder / name
    raise FileNotFoundError(folder)


def load_corpus(folders: list[Path] | None = None) -> dict[str, Report]:
    """Parsed reports by folder name (``seed`` for the seed report)."""
    out: dict[str, Report] = {}
    for folder in folders or sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        out[folder.name] = parse_report(report_input(folder))
    if SEED.exists() and not folders:
        out["seed"] = parse_report(SEED)
    return out


def load_targets() -> dict[str, list[dict[str, Any]]]:
    data = yaml.safe_load(TARGETS.read_text("utf-8")) or {}
    return {k: v for k, v in data.items() if not k.startswith("_")}


def findings_by_report(
    reports: dict[str, Report], cross: list[Finding]
) -> dict[str, list[Finding]]:
    by_path = {str(r.source["path"]): name for name, r in reports.items()}
    out: dict[str, list[Finding]] = {name: list(r.issues) for name, r in reports.items()}
    for f in cross:
        for path in finding_reports(f):
            if path in by_path:
                out[by_path[path]].append(f)
    return out


def match(target: dict[str, Any], findings: list[Finding]) -> list[Finding]:
    rules = target["rules"] if isinstance(target["rules"], list) else [target["rules"]]
    want = set(target.get("indicators") or [])
    return [f for f in findings if f.rule in rules and (not want or want & set(f.indicators))]


def is_parse_gap(target: dict[str, Any]) -> bool:
    """An entry excluded because the cells it needs are not read (``PARSE GAP`` reasons): an
    inconsistency validation cannot find today, counted as missed in the honest score."""
    return str(target.get("exclude", "")).startswith("PARSE GAP")


def evaluate(
    reports: dict[str, Report], cross: list[Finding]
) -> tuple[
    list[tuple[str, str, dict[str, Any]]],
    list[tuple[str, str, dict[str, Any]]],
    list[tuple[str, str]],
]:
    """(found, missed, unclassified) truth entries of the corpus; entries excluded as parse
    gaps are returned by :func:`parse_gaps`."""
    targets = load_targets()
    by_report = findings_by_report(reports, cross)
    found, missed, unclassified = [], [], []
    for name in sorted(reports):
        if name == "seed":
            continue
        truth = json.loads((CORPUS / name / "truth.json").read_text("utf-8"))
        entries = targets.get(name, [])
        for text in truth.get("inconsistencies") or []:
            t = next((e for e in entries if e["match"] in text), None)
            if t is None:
                unclassified.append((name, text))
            elif "rules" in t:
                (found if match(t, by_report[name]) else missed).append((name, text, t))
    return found, missed, unclassified


def parse_gaps(reports: dict[str, Report]) -> list[tuple[str, str]]:
    """Truth inconsistencies left out of the targets because their cells have no value."""
    targets = load_targets()
    out = []
    for name in sorted(reports):
        if name == "seed":
            continue
        truth = json.loads((CORPUS / name / "truth.json").read_text("utf-8"))
        for text in truth.get("inconsistencies") or []:
            t = next((e for e in targets.get(name, []) if e["match"] in text), None)
            if t is not None and is_parse_gap(t):
                out.append((name, text))
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("folders", nargs="*")
    ap.add_argument("--show", action="store_true", help="print every finding per report")
    ap.add_argument("--rule", help="print only findings of this rule (with --show)")
    args = ap.parse_args()
    folders = [CORPUS / f for f in args.folders] or None
    reports = load_corpus(folders)
    cross = validate_reports(reports.values())
    by_report = findings_by_report(reports, cross)
    counts: dict[str, Counter[str]] = {"corpus": Counter(), "seed": Counter()}
    sev: Counter[str] = Counter()
    for name, fs in by_report.items():
        for f in fs:
            counts["seed" if name == "seed" else "corpus"][(f.rule, f.severity)] += 1
            if args.show and (not args.rule or f.rule == args.rule):
                print(f"{name}: [{f.severity}] {f.rule}: {f.found} | {f.message}")
    for f in cross:
        sev[f.severity] += 1
    print(f"\n{len(reports)} reports, {len(cross)} cross-report findings")
    print(f"{'rule':34} {'severity':8} {'corpus':>7} {'seed':>5}")
    keys = sorted(set(counts["corpus"]) | set(counts["seed"]))
    for rule, s in keys:
        print(f"{rule:34} {s:8} {counts['corpus'][(rule, s)]:7} {counts['seed'][(rule, s)]:5}")
    if folders is None:
        found, missed, unclassified = evaluate(reports, cross)
        gaps = parse_gaps(reports)
        honest = len(found) + len(missed) + len(gaps)
        print(
            f"\ntruth inconsistencies: {len(found)} found, {len(missed)} missed, "
            f"{len(unclassified)} unclassified; with the {len(gaps)} whose cells are not read "
            f"(parse gaps) counted as missed: {len(found)} of {honest}"
        )
        for name, text, t in missed:
            print(f"  MISSED {name}: {t['rules']}: {text[:110]}")
        for name, text in unclassified:
            print(f"  UNCLASSIFIED {name}: {text[:110]}")
        targets = load_targets()
        clean = [
            n for n in reports if n != "seed" and not any("rules" in e for e in targets.get(n, []))
        ]
        errs = [(n, f) for n in clean for f in by_report[n] if f.severity == "error"]
        print(
            f"error findings on {len(clean)} reports with no numeric truth "
            f"inconsistency: {len(errs)}"
        )
        for n, f in errs:
            print(f"  {n}: {f.rule}: {f.found}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
