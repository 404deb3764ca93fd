"""Command line: ``govstats parse PATH|DIR... [--json] [--lang en|zh]`` and
``govstats validate PATH|DIR... [--csv OUT.csv] [--severity error|warning|info] [--lang]`` and
``govstats build SOURCE_DIR... [--out DIR] [--jobs N] [--no-cache] [--registry FILE]`` and
``govstats panel [--data DIR]``, ``govstats datapackage``,
``govstats notebooks [--figures DIR] [--out DIR] [--data DIR] [--focus BODIES] [NAME...]``;
``govstats --version``."""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import ConfigError, GovstatsError


def _limits(args: argparse.Namespace):  # type: ignore[no-untyped-def]  # -> Limits
    from .limits import DEFAULT_LIMITS

    return DEFAULT_LIMITS.with_options(args.limit)


def _cmd_parse(args: argparse.Namespace) -> int:
    from .pipeline import parse_report

    status = 0
    limits = _limits(args)
    files = _inputs(args.paths)
    if not files:
        print("govstats: no report files found", file=sys.stderr)
        return 1
    for path in files:
        try:
            report = parse_report(path, limits=limits)
        except (GovstatsError, OSError) as exc:
            print(f"govstats: {_one_line(path)}: {_one_line(exc)}", file=sys.stderr)
            status = 1
            continue
        except Exception as exc:  # never a traceback for a bad input
            print(
                f"govstats: {_one_line(path)}: internal error while parsing "
                f"({type(exc).__name__}: {_one_line(exc)})",
                file=sys.stderr,
            )
            status = 2
            continue
        if args.json:
            print(report.to_json())
        else:
            _print_readable(report, args.lang)
    return status


def _one_line(obj: object) -> str:
    """A path or message on one line (a newline in a file name would split the error)."""
    return " ".join(str(obj).split("\n"))


def _print_finding(f, lang: str, indent: str = "  ") -> None:  # type: ignore[no-untyped-def]
    """One finding in ``lang``: rule, severity, the figures found, the message, where."""
    print(f"{indent}[{f.severity:7}] {f.rule:28} {f.found or ''}")
    message = f.message_zh if lang == "zh" and f.message_zh else f.message
    print(f"{indent}           {message}")
    where = "; ".join(_where(c) for c in f.cells[:8])
    if where:
        print(f"{indent}           at {where}")


def _print_readable(report, lang: str = "en") -> None:  # type: ignore[no-untyped-def]
    m = report.meta
    print(f"# {report.source['path']}")
    print(
        f"  body: {m.get('jurisdiction')} ({m.get('level')}, {m.get('province')}, "
        f"code {m.get('admin_code')})  year: {m.get('year')}  regime: {m.get('regime')}  "
        f"published: {m.get('published')}"
    )
    df = report.values
    if len(df):
        show = df[["indicator", "applicant", "value", "unit", "derived", "raw"]].copy()
        show["where"] = [
            f"t{loc.get('table', '')} "
            + (
                f"L{loc['line']}"
                if "line" in loc
                else f"p{loc['page']}"
                if "page" in loc
                else loc.get("path", "")
            )
            if isinstance(loc, dict)
            else ""
            for loc in df["location"]
        ]
        with __import__("pandas").option_context("display.max_rows", None, "display.width", 160):
            print(show.to_string(index=False))
    else:
        print("  (no table values)")
    if report.issues:
        print(f"  {len(report.issues)} finding(s):")
        for f in report.issues:
            _print_finding(f, lang, indent="   ")
    print()


CSV_COLUMNS = ["report", "sha256", "rule", "severity", "indicators", "expected", "found",
               "message", "message_zh", "locations"]


def _inputs(paths: list[str]) -> list[Path]:
    """Files named, and the reports found under directories named (as ``build`` finds them:
    one file per report folder, one per stem of loose files), sorted."""
    from .panel.discover import discover

    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(s.path for s in discover([p]))
        else:
            out.append(p)
    return out


def _where(cell: dict) -> str:  # type: ignore[type-arg]
    parts = []
    if cell.get("report") and "indicator" not in cell:
        parts.append(f"{cell['report']}")
    if cell.get("indicator"):
        app = cell.get("applicant")
        parts.append(cell["indicator"] + (f"[{app}]" if app and app != "total" else ""))
    for key, tag in (("line", "L"), ("page", "p")):
        if cell.get(key) is not None:
            parts.append(f"{tag}{cell[key]}")
    if cell.get("path"):
        parts.append(str(cell["path"]))
    if cell.get("printed"):
        parts.append(str(cell["printed"]))
    if cell.get("report") and "indicator" in cell:
        parts.append(f"({Path(str(cell['report'])).parent.name or cell['report']})")
    return " ".join(parts)


def _cmd_validate(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from .check import finding_reports, validate_reports
    from .model import SEVERITIES
    from .pipeline import parse_report

    keep = set(SEVERITIES[: SEVERITIES.index(args.severity) + 1])
    status = 0
    limits = _limits(args)
    reports = []
    files = _inputs(args.paths)
    for path in tqdm(files, desc="validate", unit="report", file=sys.stderr,
                     disable=len(files) < 10 or None):
        try:
            reports.append(parse_report(path, limits=limits))
        except (GovstatsError, OSError) as exc:
            print(f"govstats: {_one_line(path)}: {_one_line(exc)}", file=sys.stderr)
            status = 1
        except Exception as exc:  # never a traceback for a bad input
            print(f"govstats: {_one_line(path)}: internal error while parsing "
                  f"({type(exc).__name__}: {_one_line(exc)})", file=sys.stderr)
            status = 2
    if not files:
        print("govstats: no report files found", file=sys.stderr)
        return 1
    cross = validate_reports(reports)
    rows: list[tuple[object, object]] = []  # (report, finding)
    for r in reports:
        rows.extend((r, f) for f in r.issues)
    by_path = {str(r.source["path"]): r for r in reports}
    for f in cross:
        for p in finding_reports(f):
            rows.append((by_path.get(p), f))
    rows = [(r, f) for r, f in rows if f.severity in keep]  # type: ignore[attr-defined]
    for r in reports:
        mine = [f for rr, f in rows if rr is r]
        print(f"# {r.source['path']}  ({r.meta.get('jurisdiction')} {r.meta.get('year')}, "
              f"{r.meta.get('regime')}): {len(mine)} finding(s)")
        for f in sorted(mine, key=lambda f: SEVERITIES.index(f.severity)):
            _print_finding(f, args.lang)
    n = len(rows)
    print(f"\n{len(reports)} report(s), {n} finding(s) "
          f"({', '.join(f'{s} {sum(1 for _, f in rows if f.severity == s)}' for s in SEVERITIES)})")
    if args.csv:
        with open(args.csv, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(CSV_COLUMNS)
            for r, f in rows:
                w.writerow([
                    r.source["path"] if r else "", r.source["sha256"] if r else "",
                    f.rule, f.severity, " ".join(f.indicators), f.expected or "", f.found or "",
                    f.message, f.message_zh, " | ".join(_where(c) for c in f.cells),
                ])
    return status

def _cmd_build(args: argparse.Namespace) -> int:
    from .panel import build_panel

    try:
        summary = build_panel(
            args.sources,
            args.out,
            jobs=args.jobs,
            use_cache=not args.no_cache,
            timeout=args.timeout or None,
            registries=args.registry,
            bundled=args.bundled,
            limits=_limits(args),
            engine=args.engine,
            scheduler=args.scheduler,
        )
    except (GovstatsError, OSError) as exc:
        print(f"govstats build: {exc}", file=sys.stderr)
        return 1
    print(summary, file=sys.stderr)
    return 1 if summary.failed else 0


def _cmd_datapackage(args: argparse.Namespace) -> int:
    """Write OUT/datapackage.json from the field catalogue, or check that it is the one the
    catalogue gives."""
    from pathlib import Path

    from .panel.fields import DATAPACKAGE, datapackage_json, write_datapackage

    target = Path(args.out) / DATAPACKAGE
    if args.check:
        current = target.read_text("utf-8") if target.is_file() else None
        if current != datapackage_json():
            print(f"govstats datapackage: {target} is not the one panel/fields.yaml gives; "
                  f"run `govstats datapackage --out {args.out}`", file=sys.stderr)
            return 1
        print(f"{target} is up to date", file=sys.stderr)
        return 0
    try:
        print(write_datapackage(args.out))
    except OSError as exc:
        print(f"govstats datapackage: {exc}", file=sys.stderr)
        return 1
    return 0


def _cmd_notebooks(args: argparse.Namespace) -> int:
    from .analysis.notebooks import run_notebooks

    try:
        written = run_notebooks(args.names or None, figures_dir=args.figures,
                                timeout=args.timeout, out_dir=args.out, data=args.data,
                                focus=args.focus)
    except (GovstatsError, OSError) as exc:
        print(f"govstats notebooks: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    print(f"{len(written)} figure file(s) written", file=sys.stderr)
    return 0


def _cmd_panel(args: argparse.Namespace) -> int:
    """Load the panel (schema-checked), print what it covers and how it validates."""
    import pandas as pd

    from .panel import data_dir, load_panel

    try:
        folder = data_dir(args.data)
        panel = load_panel(folder)
    except (GovstatsError, OSError, ValueError) as exc:
        print(f"govstats panel: {exc}", file=sys.stderr)
        return 1
    reports = pd.read_csv(folder / "reports.csv", dtype=str, keep_default_na=False)
    print(f"panel: {folder}")
    print(
        f"  {len(panel):,} values ({int(panel['derived'].sum()):,} derived) from "
        f"{panel['report_id'].nunique()} reports with a table; {len(reports)} reports in all; "
        f"{panel['jurisdiction_id'].nunique()} bodies; years "
        f"{int(panel['year'].min())}–{int(panel['year'].max())}"
    )
    resolved_path = folder / "resolved.csv"
    if resolved_path.is_file():
        res = pd.read_csv(resolved_path, dtype=str, keep_default_na=False)
        rules = ", ".join(f"{r} {n}" for r, n in
                          res["rules"].str.split().explode().value_counts().items())
        print(f"  resolved layer: {len(res)} run-together cells of {res['report_id'].nunique()} "
              f"reports settled across years ({rules or 'none'}); "
              "load_panel(layer='resolved') adds them")
    by = reports.groupby(["regime", "status"]).size().unstack(fill_value=0)
    print("  reports by regime and validation status:")
    print("    " + by.to_string().replace("\n", "\n    "))
    findings_path = folder / "findings.csv"
    if findings_path.is_file():
        findings = pd.read_csv(findings_path, dtype=str, keep_default_na=False)
        per_rule = (
            findings.groupby(["rule", "severity"]).agg(findings=("report_id", "size"),
                                                      reports=("report_id", "nunique"))
            .reset_index()
            .sort_values(["severity", "findings"], ascending=[True, False])
        )
        print(f"  findings per rule ({len(findings)} in all; cross-report rules: "
              "`govstats validate DIR`):")
        print("    " + per_rule.to_string(index=False).replace("\n", "\n    "))
        if args.csv:
            per_rule.to_csv(args.csv, index=False)
            print(f"  wrote {args.csv}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    p = argparse.ArgumentParser(prog="govstats", description=__doc__)
    p.add_argument("--version", action="version", version=f"govstats {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    lang = {"choices": ["en", "zh"], "default": "en",
            "help": "language of the findings' messages (default: en)"}
    limit = {"action": "append", "default": [], "metavar": "NAME=VALUE",
             "help": "change one of the limits on an input (input_bytes, unzipped_bytes, "
             "xml_bytes, html_bytes, text_chars, grid_cells, run_digits, pages, memory_bytes, "
             "ocr_memory_bytes; "
             "a value may end in k, M, G); repeatable; see README, Limits"}
    pp = sub.add_parser("parse", help="parse reports (files or folders) and print their values")
    pp.add_argument("paths", nargs="+", metavar="PATH|DIR")
    pp.add_argument("--json", action="store_true", help="one JSON object per input, per line")
    pp.add_argument("--lang", **lang)  # type: ignore[arg-type]
    pp.add_argument("--limit", **limit)  # type: ignore[arg-type]
    pp.set_defaults(func=_cmd_parse)
    pn = sub.add_parser(
        "panel", help="load the bundled (or another) panel, check its schema and summarise it"
    )
    pn.add_argument("--data", default=None, help="panel folder (default: the bundled data/)")
    pn.add_argument("--csv", metavar="OUT.csv", help="write the findings per rule")
    pn.set_defaults(func=_cmd_panel)
    pv = sub.add_parser(
        "validate",
        help="check reports (files or directories) and print or write their findings",
    )
    pv.add_argument("paths", nargs="+", metavar="PATH|DIR")
    pv.add_argument("--csv", metavar="OUT.csv", help="write one row per finding")
    pv.add_argument(
        "--severity", choices=["error", "warning", "info"], default="info",
        help="show findings of this severity or worse (default: all)",
    )
    pv.add_argument("--lang", **lang)  # type: ignore[arg-type]
    pv.add_argument("--limit", **limit)  # type: ignore[arg-type]
    pv.set_defaults(func=_cmd_validate)
    pb = sub.add_parser(
        "build",
        help="parse folders of reports into the panel (panel/: a Parquet dataset by year and "
        "province with its manifest; panel.csv.gz, reports.csv, sources.csv, findings.csv, "
        "resolved.csv, datapackage.json)",
    )
    pb.add_argument("sources", nargs="+", metavar="SOURCE_DIR")
    pb.add_argument(
        "--out", default="govstats-panel",
        help="output folder (default: ./govstats-panel); the bundled data/ only with --bundled",
    )
    pb.add_argument(
        "--bundled", action="store_true",
        help="allow writing the bundled panel of the package (make data)",
    )
    pb.add_argument(
        "--registry", action="append", default=[], metavar="FILE.csv",
        help="your own registry of bodies (the columns of reference/registry.csv, plus an "
        "optional names column: other names separated by ;); repeatable",
    )
    pb.add_argument("--jobs", type=int, default=None, help="parallel processes (default: CPUs)")
    pb.add_argument(
        "--engine", choices=["local", "dask"], default="local",
        help="where reports are parsed: local processes (default) or a Dask cluster (the dask "
        "extra); the outputs are the same",
    )
    pb.add_argument(
        "--scheduler", default=None, metavar="ADDRESS",
        help="with --engine dask: the scheduler's address (tcp://host:8786); default: a local "
        "cluster of --jobs workers",
    )
    pb.add_argument(
        "--no-cache", action="store_true", help="parse everything again (ignore OUT/.cache)"
    )
    pb.add_argument(
        "--timeout", type=float, default=300,
        help="seconds one report may take (0: no limit; default 300); a report over it is "
        "listed as failed and tried again by the next build",
    )
    pb.add_argument("--limit", **limit)  # type: ignore[arg-type]
    pb.set_defaults(func=_cmd_build)
    pd_ = sub.add_parser(
        "datapackage",
        help="write datapackage.json (Frictionless) from the field catalogue, panel/fields.yaml",
    )
    pd_.add_argument("--out", default="data", help="folder (default: data)")
    pd_.add_argument("--check", action="store_true",
                     help="only check that OUT/datapackage.json is up to date (exit 1 if not)")
    pd_.set_defaults(func=_cmd_datapackage)
    pn = sub.add_parser(
        "notebooks",
        help="execute the research notebooks (notebooks/NN_*.py) and write their figures",
    )
    pn.add_argument("names", nargs="*", metavar="NAME",
                    help="notebooks to run: name, unique prefix (02) or path (default: all)")
    pn.add_argument("--figures", metavar="DIR", default=None,
                    help="figure folder (default: $GOVSTATS_FIGURES or the repository's "
                    "figures/)")
    pn.add_argument("--out", metavar="DIR", default=None,
                    help="also write the executed notebooks as DIR/NAME.ipynb")
    pn.add_argument("--timeout", type=int, default=600, help="seconds per cell (default 600)")
    pn.add_argument("--data", metavar="DIR", default=None,
                    help="the panel to analyse, a folder written by `govstats build` "
                    "(default: $GOVSTATS_DATA or the bundled panel)")
    pn.add_argument("--focus", metavar="BODIES", default=None,
                    help="the places to compare: ids or names separated by ';' (default: "
                    "$GOVSTATS_FOCUS or the two places with the most reports)")
    pn.set_defaults(func=_cmd_notebooks)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ConfigError as exc:  # a bad --limit
        print(f"govstats: {_one_line(exc)}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `govstats parse … | head`: the reader left, not an error of ours
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
