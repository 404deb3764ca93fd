"""The harmonized multi-year, multi-jurisdiction panel.

:func:`build_panel` parses a folder of reports into ``data/`` (Parquet + CSV + the hand-written
``datapackage.json``); :func:`load_panel` reads it back as one tidy long DataFrame; :func:`wide`
gives a unit-year view by indicator or by harmonized concept; :func:`series` one body's series
of a concept with the comparability flag of every year.

A source folder holds a folder per report with ``report.pdf`` > ``report.html`` (.htm,
.mhtml, .mht) > ``report.docx`` > ``report.md`` > ``report.txt`` (the first present is
parsed) and an optional ``meta.json`` saying where the original came from (``source_url``;
``source_repo`` / ``source_path`` / ``source_commit``; ``html_source_*`` for an HTML
original) and, as a fallback when the printed name or year cannot be read, ``jurisdiction``
and ``year``.  Other report files lying loose are
one report each.

Everything written is a figure or a code: values, indicator codes, body names from the
registry, locations (table, line, page, cell path, digit run).  No report prose: row labels
of run-together text can carry the sentence before the table, so they are not kept.

>>> import govstats
>>> panel = govstats.load_panel()                                  # doctest: +SKIP
>>> govstats.wide(panel, by="indicator")[["regime", "requests.new"]]  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import hashlib
import io
import json
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import GovstatsError
from .crosswalk import link
from .registry import JurisdictionRecord, resolve

__all__ = [
    "PANEL_COLUMNS",
    "REPORT_COLUMNS",
    "SOURCE_COLUMNS",
    "BuildSummary",
    "ReportSource",
    "build_panel",
    "data_dir",
    "discover",
    "load_panel",
    "series",
    "wide",
]

REPORT_FILES = (
    "report.pdf", "report.html", "report.htm", "report.mhtml", "report.mht", "report.docx",
    "report.md", "report.txt",
)  # fmt: skip
LOOSE_SUFFIXES = (".pdf", ".html", ".htm", ".mhtml", ".mht", ".docx", ".txt", ".md")
_SKIP_LOOSE = ("readme", "license", "licence", "changelog")

PANEL_COLUMNS = [
    "report_id", "jurisdiction_id", "jurisdiction", "level", "province", "code", "year",
    "regime", "indicator", "applicant", "value", "unit", "derived", "concept", "comparability",
    "caveat", "source", "sha256", "location", "status",
]  # fmt: skip
PANEL_CSV = "panel.csv.gz"  # the CSV copy of panel.parquet, gzipped (same rows, 2 % of the size)
REPORT_COLUMNS = [
    "report_id", "jurisdiction_id", "jurisdiction", "jurisdiction_printed", "jurisdiction_from",
    "level", "province", "code", "year", "year_from", "regime", "has_table", "n_values",
    "status", "n_error", "n_warning", "n_info", "parse_error",
]  # fmt: skip
FINDING_COLUMNS = ["report_id", "n", "rule", "severity", "indicators", "expected", "found", "where"]
_RECORD_VERSION = 2  # bump when _parse_to_record's output changes (invalidates the cache)
SOURCE_COLUMNS = [
    "report_id", "source", "source_url", "source_repo", "source_path", "source_commit",
    "local_path", "sha256", "bytes", "kind",
]  # fmt: skip
CATEGORICAL = ["level", "province", "regime", "applicant", "unit", "comparability", "status"]
# location keys kept in data/ (labels are dropped: in run-together text they carry prose)
_LOCATION_KEYS = ("table", "table_id", "page", "line", "path", "run", "split", "rule")
# files of the package that do not change what a parse gives (the panel and analysis stages,
# the command line, the crosswalk and registry applied after the cache)
_PANEL_STAGE = (
    "panel/", "analysis/", "cli.py", "__init__.py",
    "catalogue/crosswalk.csv", "catalogue/metrics.yaml", "reference/registry.csv",
    "reference/registry_names.csv",
)  # fmt: skip
_FLUSH_ROWS = 20_000


# --------------------------------------------------------------------------- discovery


@dataclass(frozen=True)
class ReportSource:
    """One report found in a source folder."""

    report_id: str  # folder (or file stem) relative to its source folder, POSIX separators
    path: Path  # the file parsed
    local_path: str  # "<source folder name>/<path inside it>": portable
    meta_path: Path | None  # the report's meta.json, if any


def _rel_id(rel: Path) -> str:
    return rel.as_posix()


def discover(source_dirs: Sequence[str | Path]) -> list[ReportSource]:
    """Every report under ``source_dirs``, sorted by report id.

    Raises :class:`GovstatsError` when a folder is missing or two reports get the same id.
    """
    found: dict[str, ReportSource] = {}
    for src in source_dirs:
        root = Path(src).resolve()
        if not root.is_dir():
            raise GovstatsError(f"source folder {src} does not exist or is not a folder")
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            here = Path(dirpath)
            names = set(filenames)
            chosen = next((n for n in REPORT_FILES if n in names), None)
            items: list[tuple[str, Path, Path | None]] = []
            if chosen:
                rel = here.relative_to(root)
                rid = _rel_id(rel) if rel.parts else root.name
                meta = here / "meta.json"
                items.append((rid, here / chosen, meta if meta.is_file() else None))
                dirnames[:] = []  # a report folder holds one report
            else:
                for n in sorted(filenames):
                    p = here / n
                    if (
                        p.suffix.lower() in LOOSE_SUFFIXES
                        and not n.startswith(".")
                        and not n.lower().startswith(_SKIP_LOOSE)
                    ):
                        items.append((_rel_id(p.relative_to(root).with_suffix("")), p, None))
            for rid, path, meta in items:
                if rid in found:
                    raise GovstatsError(
                        f"two reports would get the id {rid!r}: {found[rid].path} and {path}; "
                        "rename one folder"
                    )
                local = f"{root.name}/{path.relative_to(root).as_posix()}"
                found[rid] = ReportSource(rid, path, local, meta)
    return [found[k] for k in sorted(found)]


# --------------------------------------------------------------------------- parsing + cache


def parser_fingerprint() -> str:
    """A hash of the parser's code and data files: a cached parse is reused only while it is
    unchanged (panel-stage files such as the crosswalk and registry are applied after the
    cache and do not count)."""
    from .. import __version__

    root = Path(__file__).resolve().parents[1]  # the govstats package
    h = hashlib.sha256(f"{__version__}/record-{_RECORD_VERSION}".encode())
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if (
            p.is_file()
            and p.suffix in (".py", ".yaml", ".csv", ".json")
            and "__pycache__" not in rel
            and not rel.startswith(_PANEL_STAGE)
        ):
            h.update(rel.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:16]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _clean_location(loc: dict[str, Any]) -> str:
    kept = {k: loc[k] for k in _LOCATION_KEYS if k in loc and loc[k] not in (None, "")}
    return json.dumps(kept, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class ParseTimeout(GovstatsError):
    """A report took longer than the build's per-report limit (recorded, never cached)."""


def _parse_to_record(path: str, timeout: float | None = None) -> dict[str, Any]:
    """Parse one file into the compact record the panel needs (runs in a worker).

    ``timeout`` (seconds) bounds one parse where the platform has ``SIGALRM`` and this runs
    in a process's main thread (the build's workers do): a hostile file that would hang the
    PDF library is recorded as a failure instead of stalling the build.
    """
    from ..pipeline import parse_report

    try:
        with _time_limit(timeout):
            rep = parse_report(path)
    except ParseTimeout as exc:
        return {"error": f"ParseTimeout: {exc}", "transient": True, "values": [], "meta": {},
                "issues": {}, "findings": []}  # fmt: skip
    except Exception as exc:  # a bad input is recorded, never a crash of the whole build
        return {"error": f"{type(exc).__name__}: {exc}", "values": [], "meta": {}, "issues": {},
                "findings": []}  # fmt: skip
    sev: dict[str, int] = {}
    for f in rep.issues:
        sev[f.severity] = sev.get(f.severity, 0) + 1
    m = rep.meta
    return {
        "error": None,
        "kind": rep.source.get("kind"),
        "meta": {
            k: m.get(k)
            for k in ("jurisdiction", "year", "regime", "level", "province", "admin_code")
        },
        "issues": sev,
        "findings": [
            {
                "rule": f.rule,
                "severity": f.severity,
                "indicators": " ".join(f.indicators),
                # figures and form labels only: messages (which may quote prose) stay out
                "expected": (f.expected or "")[:200],
                "found": (f.found or "")[:200],
                "where": "; ".join(
                    _clean_location(c) for c in f.cells[:8] if isinstance(c, dict)
                ),
            }
            for f in rep.issues
        ],
        "values": [
            {
                "indicator": v.indicator,
                "applicant": v.applicant,
                "value": v.value,
                "unit": v.unit,
                "derived": v.derived,
                "location": _clean_location(v.location),
            }
            for v in rep.value_list
        ],
    }


@contextlib.contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    usable = (
        seconds
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def _expired(signum: int, frame: Any) -> None:
        raise ParseTimeout(f"parsing took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, _expired)
    signal.setitimer(signal.ITIMER_REAL, float(seconds))  # type: ignore[arg-type]
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _transient(cache_file: Path) -> Path:
    """Where a record that must not be cached (a timeout) is kept for this build only."""
    return cache_file.with_name(cache_file.name + ".transient")


def _work(path: str, cache_file: str, timeout: float | None = None) -> str:
    """Worker: parse ``path`` and write its record to ``cache_file`` (atomically); a timed-out
    parse goes to a side file, so the next build tries again (and output never depends on
    how fast the machine was)."""
    rec = _parse_to_record(path, timeout)
    if rec.get("transient"):
        cache_file = str(_transient(Path(cache_file)))
    tmp = f"{cache_file}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(rec, f, ensure_ascii=False, sort_keys=True)
    os.replace(tmp, cache_file)
    return cache_file


# --------------------------------------------------------------------------- build


@dataclass
class BuildSummary:
    """What :func:`build_panel` did."""

    out_dir: Path
    reports: int = 0
    with_table: int = 0
    values: int = 0
    parsed: int = 0  # parsed now
    cached: int = 0  # taken from the cache
    failed: list[tuple[str, str]] = field(default_factory=list)  # (report id, error)
    unresolved: list[tuple[str, str]] = field(default_factory=list)  # (report id, names tried)
    # (report id, printed name) where the printed name did not resolve but meta.json's did
    fallbacks: list[tuple[str, str]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        lines = [
            f"{self.reports} reports ({self.with_table} with a statistics table), "
            f"{self.values} values → {self.out_dir}",
            f"parsed {self.parsed}, from cache {self.cached}",
        ]
        lines += [f"failed: {rid}: {err}" for rid, err in self.failed]
        lines += [f"unresolved jurisdiction: {rid}: {names}" for rid, names in self.unresolved]
        lines += [
            f"printed name not resolved, meta.json used: {rid}: {name}"
            for rid, name in self.fallbacks
        ]
        return "\n".join(lines)


def _source_of(meta: dict[str, Any], kind: str, local: str) -> dict[str, Any]:
    """Original location from meta.json: for an HTML original its ``html_source_*`` fields."""
    pre = "html_" if kind == ".html" and meta.get("html_source_path") else ""
    repo, path, commit = (meta.get(f"{pre}source_{k}") for k in ("repo", "path", "commit"))
    url = meta.get("source_url")
    if repo and path:
        shown = f"https://github.com/{repo}/blob/{commit or 'HEAD'}/{path}"
    elif url:
        shown = url
    else:
        shown = local
    return {
        "source": shown,
        "source_url": url,
        "source_repo": repo,
        "source_path": path,
        "source_commit": commit,
    }


def _jurisdiction(
    printed: str | None, sidecar: str | None, year: int | None, normalized: str | None = None
) -> tuple[JurisdictionRecord | None, str]:
    # the parser's normalized name completes a body printed without its government
    # (公安局 → 平潭县公安局, from the report's own text)
    for how, name in (("printed", printed), ("printed", normalized), ("meta.json", sidecar)):
        rec = resolve(name, year) if name else None
        if rec is not None:
            return rec, how
    return None, "unresolved"


def _status(issues: dict[str, int], error: str | None) -> str:
    if error or issues.get("error"):
        return "error"
    return "warning" if issues.get("warning") else "ok"


def _fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v)


class _Writers:
    """Streams panel rows to CSV and Parquet in row groups (constant memory)."""

    def __init__(self, csv_path: Path, parquet_path: Path) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self._pa = pa
        self.schema = pa.schema(
            [
                (
                    c,
                    pa.float64()
                    if c == "value"
                    else pa.int32()
                    if c == "year"
                    else pa.bool_()
                    if c == "derived"
                    else pa.string(),
                )
                for c in PANEL_COLUMNS
            ]
        )
        # gzip without a name or time in its header: the same rows give the same bytes
        self._raw = csv_path.open("wb")
        self._gz = gzip.GzipFile(filename="", mode="wb", fileobj=self._raw, mtime=0)
        self._csv_file = io.TextIOWrapper(self._gz, encoding="utf-8", newline="")
        self._csv = csv.writer(self._csv_file, lineterminator="\n")
        self._csv.writerow(PANEL_COLUMNS)
        self._pq = pq.ParquetWriter(
            str(parquet_path),
            self.schema,
            compression="zstd",
            use_dictionary=True,
            write_statistics=True,
        )
        self._buf: list[dict[str, Any]] = []

    def add(self, rows: Iterable[dict[str, Any]]) -> None:
        for r in rows:
            self._csv.writerow([_fmt(r[c]) for c in PANEL_COLUMNS])
            self._buf.append(r)
        if len(self._buf) >= _FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self._buf:
            return
        cols = {c: [r[c] for r in self._buf] for c in PANEL_COLUMNS}
        self._pq.write_table(self._pa.table(cols, schema=self.schema))
        self._buf = []

    def close(self) -> None:
        self.flush()
        self._pq.close()
        self._csv_file.close()
        self._raw.close()


def _write_csv(path: Path, columns: list[str], rows: Iterable[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow([_fmt(r.get(c)) for c in columns])


def _panel_rows(
    rid: str, rec: dict[str, Any], report: dict[str, Any], source: str, sha: str
) -> Iterator[dict[str, Any]]:
    values = sorted(
        rec["values"],
        key=lambda v: (v["indicator"], v["applicant"], v["derived"], v["location"]),
    )
    for v in values:
        cw = link(report["regime"], v["indicator"])
        value = v["value"]
        yield {
            "report_id": rid,
            "jurisdiction_id": report["jurisdiction_id"],
            "jurisdiction": report["jurisdiction"],
            "level": report["level"],
            "province": report["province"],
            "code": report["code"],
            "year": report["year"],
            "regime": report["regime"],
            "indicator": v["indicator"],
            "applicant": v["applicant"],
            "value": float(value),
            "unit": v["unit"],
            "derived": bool(v["derived"]),
            "concept": cw.concept if cw else None,
            "comparability": cw.comparability if cw else None,
            "caveat": (cw.caveat_en or None) if cw else None,
            "source": source,
            "sha256": sha,
            "location": v["location"],
            "status": report["status"],
        }


def build_panel(
    source_dir: str | Path | Sequence[str | Path],
    out_dir: str | Path = "data",
    jobs: int | None = None,
    *,
    use_cache: bool = True,
    progress: bool = True,
    timeout: float | None = 300,
) -> BuildSummary:
    """Parse every report under ``source_dir`` (one folder or several) and write the panel.

    Writes ``panel.parquet``, ``panel.csv.gz``, ``reports.csv`` and ``sources.csv`` into
    ``out_dir`` — sorted, fixed column order, no timestamps, so the same inputs give
    byte-identical files — and checks (or, when absent, copies) the hand-written
    ``datapackage.json``.  Reports are parsed in parallel (``jobs`` processes; 1 = in this
    process) and each parse is cached under ``out_dir/.cache/`` by file sha256 and parser
    fingerprint, so an interrupted build resumes and a rebuild re-parses only what changed.
    ``timeout`` bounds each parse (seconds; None for no limit): a report that exceeds it is
    listed as failed and tried again by the next build.
    """
    sources = (
        [source_dir] if isinstance(source_dir, str | Path) else list(source_dir)
    )  # fmt: skip
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    found = discover(sources)
    summary = BuildSummary(out_dir=out, reports=len(found))
    tmp_cache: tempfile.TemporaryDirectory[str] | None = None
    if use_cache:
        cache = out / ".cache" / f"parse-{parser_fingerprint()}"
    else:
        tmp_cache = tempfile.TemporaryDirectory(prefix="govstats-build-")
        cache = Path(tmp_cache.name)
    cache.mkdir(parents=True, exist_ok=True)
    try:
        shas = {s.report_id: _sha256(s.path) for s in found}
        cache_files = {
            s.report_id: cache / f"{shas[s.report_id]}{s.path.suffix.lower()}.json" for s in found
        }
        todo = [s for s in found if not cache_files[s.report_id].is_file()]
        summary.cached = len(found) - len(todo)
        summary.parsed = len(todo)
        _run(todo, cache_files, jobs, progress, timeout)
        _write_outputs(found, shas, cache_files, out, summary)
    finally:
        if tmp_cache is not None:
            tmp_cache.cleanup()
    return summary


def _run(
    todo: list[ReportSource],
    cache_files: dict[str, Path],
    jobs: int | None,
    progress: bool,
    timeout: float | None = None,
) -> None:
    from tqdm import tqdm

    bar = tqdm(total=len(todo), desc="parsing", unit="report", file=sys.stderr,
               disable=not progress or not todo)  # fmt: skip
    try:
        if jobs == 1 or len(todo) <= 1:
            for s in todo:
                _work(str(s.path), str(cache_files[s.report_id]), timeout)
                bar.update()
            return
        with ProcessPoolExecutor(max_workers=jobs) as ex:
            futures = [
                ex.submit(_work, str(s.path), str(cache_files[s.report_id]), timeout)
                for s in todo
            ]
            for fut in as_completed(futures):
                fut.result()
                bar.update()
    finally:
        bar.close()


def _write_outputs(
    found: list[ReportSource],
    shas: dict[str, str],
    cache_files: dict[str, Path],
    out: Path,
    summary: BuildSummary,
) -> None:
    tmp = {name: out / f".{name}.tmp" for name in (PANEL_CSV, "panel.parquet")}
    writers = _Writers(tmp[PANEL_CSV], tmp["panel.parquet"])
    reports: list[dict[str, Any]] = []
    sources: list[dict[str, Any]] = []
    findings: list[dict[str, Any]] = []
    try:
        for s in found:
            done = cache_files[s.report_id]
            if not done.is_file():
                done = _transient(done)
            rec = json.loads(done.read_text("utf-8"))
            sidecar = json.loads(s.meta_path.read_text("utf-8")) if s.meta_path else {}
            m = rec["meta"]
            year = m.get("year") or sidecar.get("year")
            year_from = "printed" if m.get("year") else ("meta.json" if year else "unknown")
            jrec, how = _jurisdiction(
                m.get("jurisdiction"),
                sidecar.get("jurisdiction"),
                year,
                m.get("jurisdiction_normalized"),
            )
            if jrec is None:
                tried = " / ".join(
                    str(n) for n in (m.get("jurisdiction"), sidecar.get("jurisdiction")) if n
                )
                summary.unresolved.append((s.report_id, tried or "(no name found)"))
            elif how == "meta.json":
                summary.fallbacks.append((s.report_id, str(m.get("jurisdiction"))))
            if rec["error"]:
                summary.failed.append((s.report_id, rec["error"]))
            issues = rec["issues"]
            src = _source_of(sidecar, s.path.suffix.lower(), s.local_path)
            report = {
                "report_id": s.report_id,
                "jurisdiction_id": jrec.id if jrec else None,
                "jurisdiction": jrec.name_in(year) if jrec else None,
                # only a name that resolved is kept: an unresolved one may be a title fragment
                "jurisdiction_printed": m.get("jurisdiction") if how == "printed" else None,
                "jurisdiction_from": how,
                "level": jrec.level if jrec else m.get("level"),
                "province": jrec.province if jrec else m.get("province"),
                "code": jrec.admin_code if jrec else m.get("admin_code"),
                "year": year,
                "year_from": year_from,
                "regime": m.get("regime"),
                "has_table": bool(rec["values"]),
                "n_values": len(rec["values"]),
                "status": _status(issues, rec["error"]),
                "n_error": issues.get("error", 0),
                "n_warning": issues.get("warning", 0),
                "n_info": issues.get("info", 0),
                "parse_error": rec["error"],
            }
            reports.append(report)
            sources.append(
                {
                    "report_id": s.report_id,
                    **src,
                    "local_path": s.local_path,
                    "sha256": shas[s.report_id],
                    "bytes": s.path.stat().st_size,
                    "kind": s.path.suffix.lower().lstrip("."),
                }
            )
            findings.extend(
                {"report_id": s.report_id, "n": k, **f}
                for k, f in enumerate(rec.get("findings", []), start=1)
            )
            summary.with_table += int(bool(rec["values"]))
            summary.values += len(rec["values"])
            writers.add(_panel_rows(s.report_id, rec, report, src["source"], shas[s.report_id]))
    finally:
        writers.close()
    for name, path in tmp.items():
        os.replace(path, out / name)
    _write_csv(out / "reports.csv", REPORT_COLUMNS, reports)
    _write_csv(out / "sources.csv", SOURCE_COLUMNS, sources)
    _write_csv(out / "findings.csv", FINDING_COLUMNS, findings)
    _ensure_datapackage(out)
    summary.files = sorted(
        [
            "panel.parquet",
            PANEL_CSV,
            "reports.csv",
            "sources.csv",
            "findings.csv",
            "datapackage.json",
        ]
    )


# --------------------------------------------------------------------------- datapackage


def _bundled_datapackage() -> Path | None:
    try:
        p = data_dir() / "datapackage.json"
    except GovstatsError:
        return None
    return p if p.is_file() else None


def check_datapackage(path: str | Path) -> None:
    """Check that the hand-written ``datapackage.json`` describes the columns the build
    writes, in order (raises :class:`GovstatsError` naming the resource and fields)."""
    pkg = json.loads(Path(path).read_text("utf-8"))
    want = {"panel": PANEL_COLUMNS, "reports": REPORT_COLUMNS, "sources": SOURCE_COLUMNS}
    got = {r["name"]: r for r in pkg.get("resources", [])}
    for name, columns in want.items():
        if name not in got:
            raise GovstatsError(f"{path}: no resource {name!r}")
        fields = [f["name"] for f in got[name]["schema"]["fields"]]
        if fields != columns:
            raise GovstatsError(
                f"{path}: resource {name!r} describes fields {fields}, the build writes {columns}"
            )


def _ensure_datapackage(out: Path) -> None:
    target = out / "datapackage.json"
    if not target.is_file():
        bundled = _bundled_datapackage()
        if bundled is None:
            raise GovstatsError(
                f"no datapackage.json in {out} and no bundled data/datapackage.json to copy"
            )
        target.write_bytes(bundled.read_bytes())
    check_datapackage(target)


# --------------------------------------------------------------------------- loading


def data_dir(path: str | Path | None = None) -> Path:
    """The folder of the bundled panel: ``path`` > ``$GOVSTATS_DATA`` > the repository's
    ``data/`` next to ``src/``.  Raises :class:`GovstatsError` when none holds a panel."""
    candidates: list[Path] = []
    if path is not None:
        candidates.append(Path(path))
    elif os.environ.get("GOVSTATS_DATA"):
        candidates.append(Path(os.environ["GOVSTATS_DATA"]))
    else:
        candidates.append(Path(__file__).resolve().parents[3] / "data")  # src/govstats/panel/
    for c in candidates:
        if c.is_file():
            return c.parent
        if c.is_dir() and (
            (c / "panel.parquet").is_file()
            or (c / PANEL_CSV).is_file()
            or (c / "datapackage.json").is_file()
        ):
            return c
    raise GovstatsError(
        f"no panel found at {candidates[0]} (pass a path, set GOVSTATS_DATA, or run "
        "`govstats build SOURCE_DIR --out data`)"
    )


def _read_panel(folder: Path, file: Path | None) -> pd.DataFrame:
    target = file
    if target is None:
        pq_path = folder / "panel.parquet"
        target = pq_path if pq_path.is_file() else folder / PANEL_CSV
    if target.suffix == ".parquet":
        return pd.read_parquet(target)
    return pd.read_csv(
        target,
        dtype={c: "string" for c in PANEL_COLUMNS if c not in ("year", "value", "derived")},
        keep_default_na=False,
        na_values={c: [""] for c in PANEL_COLUMNS},
    )


def tidy(df: pd.DataFrame) -> pd.DataFrame:
    """Apply the panel's column order and dtypes (strings, categories, Int64, float64)."""
    df = df[PANEL_COLUMNS].copy()
    for c in PANEL_COLUMNS:
        if c in CATEGORICAL:
            df[c] = df[c].astype("string").astype("category")
        elif c == "year":
            df[c] = df[c].astype("Int64")
        elif c == "value":
            df[c] = df[c].astype("float64")
        elif c == "derived":
            if df[c].dtype != bool:
                df[c] = df[c].map({True: True, False: False, "true": True, "false": False})
            df[c] = df[c].astype(bool)
        else:
            df[c] = df[c].astype("string")
    return df.reset_index(drop=True)


def load_panel(path: str | Path | None = None, validate: bool = True) -> pd.DataFrame:
    """The bundled panel as a tidy long DataFrame (one row per value).

    ``path`` may be a data folder or a ``panel.parquet`` / ``panel.csv.gz`` file; by default
    ``$GOVSTATS_DATA``, else the repository's ``data/``.  With ``validate`` the frame is
    checked against :data:`govstats.schema.PANEL_SCHEMA`.
    """
    folder = data_dir(path)
    file = Path(path) if path is not None and Path(path).is_file() else None
    df = tidy(_read_panel(folder, file))
    if validate:
        from .schema import PANEL_SCHEMA

        df = PANEL_SCHEMA.validate(df)
    return df


# --------------------------------------------------------------------------- views


def _one_value_per_cell(df: pd.DataFrame, key: str) -> pd.DataFrame:
    """Printed before derived, then one report per (jurisdiction, year): the report with the
    most values (ties: the smaller report id)."""
    size = df.groupby("report_id", observed=True)["value"].transform("size")
    df = df.assign(_n=-size).sort_values(
        ["jurisdiction_id", "year", "_n", "report_id", key, "derived"], kind="stable"
    )
    first_report = df.groupby(["jurisdiction_id", "year"], observed=True)["report_id"].transform(
        "first"
    )
    df = df[df["report_id"] == first_report]
    return df.drop_duplicates(["jurisdiction_id", "year", key], keep="first").drop(columns="_n")


def wide(
    panel: pd.DataFrame,
    concepts: Sequence[str] | None = None,
    applicant: str = "total",
    by: str = "concept",
) -> pd.DataFrame:
    """A unit-year view: index (jurisdiction_id, year), one column per indicator
    (``by="indicator"``) or harmonized concept (``by="concept"``), plus ``regime`` and
    ``report_id``.

    ``concepts`` limits the columns (concept or indicator codes, as ``by``).  The concept view
    leaves out ``not-comparable`` links (e.g. R0 历年累计 cumulative twins); look at the
    ``comparability`` of each value with :func:`series` or the long panel.  Rows without a
    resolved jurisdiction are left out; when a body has several reports for one year the one
    with the most values is used.
    """
    if by not in ("concept", "indicator"):
        raise ValueError(f"by must be 'concept' or 'indicator', got {by!r}")
    df = panel[(panel["applicant"] == applicant) & panel["jurisdiction_id"].notna()]
    df = df[df["year"].notna()]
    if by == "concept":
        df = df[df["concept"].notna() & (df["comparability"] != "not-comparable")]
    if concepts is not None:
        df = df[df[by].isin(list(concepts))]
    df = _one_value_per_cell(df, by)
    index = ["jurisdiction_id", "year"]
    values = df.pivot(index=index, columns=by, values="value")
    values.columns = pd.Index([str(c) for c in values.columns], name=None)
    meta = df.drop_duplicates(index).set_index(index)[["regime", "report_id"]]
    out = meta.join(values, how="left")
    out = out[["regime", "report_id", *sorted(values.columns)]]
    return out.sort_index()


def series(
    panel: pd.DataFrame, jurisdiction_id: str, concept: str, applicant: str = "total"
) -> pd.DataFrame:
    """One body's yearly series of ``concept`` with each year's regime, the indicator printed,
    its value and comparability flag (not-comparable twins included, flagged).

    >>> s = series(load_panel(), "cn-350128-ptsyq", "requests.new")     # doctest: +SKIP
    """
    df = panel[
        (panel["jurisdiction_id"] == jurisdiction_id)
        & (panel["concept"] == concept)
        & (panel["applicant"] == applicant)
    ]
    cols = ["year", "regime", "indicator", "value", "derived", "comparability", "caveat",
            "report_id", "location"]  # fmt: skip
    return df.sort_values(["year", "comparability", "indicator", "report_id"], kind="stable")[
        cols
    ].reset_index(drop=True)
