"""Command line: ``govstats parse PATH... [--json]`` and
``govstats build SOURCE_DIR... [--out data] [--jobs N] [--no-cache]``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .errors import GovstatsError


def _cmd_parse(args: argparse.Namespace) -> int:
    from .parse import parse_report

    status = 0
    for path in args.paths:
        try:
            report = parse_report(path)
        except (GovstatsError, OSError) as exc:
            print(f"govstats: {path}: {exc}", file=sys.stderr)
            status = 1
            continue
        except Exception as exc:  # never a traceback for a bad input
            print(
                f"govstats: {path}: internal error while parsing ({type(exc).__name__}: {exc})",
                file=sys.stderr,
            )
            status = 2
            continue
        if args.json:
            print(report.to_json())
        else:
            _print_readable(report)
    return status


def _print_readable(report) -> None:  # type: ignore[no-untyped-def]
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
            print(f"   [{f.severity}] {f.rule}: {f.message}")
    print()


def _cmd_build(args: argparse.Namespace) -> int:
    from .panel import build_panel

    try:
        summary = build_panel(
            args.sources, args.out, jobs=args.jobs, use_cache=not args.no_cache
        )
    except (GovstatsError, OSError) as exc:
        print(f"govstats build: {exc}", file=sys.stderr)
        return 1
    print(summary, file=sys.stderr)
    return 1 if summary.failed else 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="govstats", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    pp = sub.add_parser("parse", help="parse reports and print their values")
    pp.add_argument("paths", nargs="+", metavar="PATH")
    pp.add_argument("--json", action="store_true", help="one JSON object per input, per line")
    pp.set_defaults(func=_cmd_parse)
    pb = sub.add_parser(
        "build",
        help="parse folders of reports into the panel (panel.parquet/.csv, reports.csv, "
        "sources.csv)",
    )
    pb.add_argument("sources", nargs="+", metavar="SOURCE_DIR")
    pb.add_argument("--out", default="data", help="output folder (default: data)")
    pb.add_argument("--jobs", type=int, default=None, help="parallel processes (default: CPUs)")
    pb.add_argument(
        "--no-cache", action="store_true", help="parse everything again (ignore OUT/.cache)"
    )
    pb.set_defaults(func=_cmd_build)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
