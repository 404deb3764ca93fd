"""Building the panel: parse every report of the source folders (cached, in parallel), resolve
its body in the registry, link its values to the crosswalk and write ``data/``."""

from __future__ import annotations

import itertools
import json
import os
import sys
import tempfile
from array import array
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import GovstatsError
from ..limits import Limits, current_limits
from ..parse.meta import SCOPES
from .bodies import identify
from .cache import file_sha256, limits_key, parser_fingerprint, transient_path
from .cluster import ENGINES, run_dask
from .crosswalk import link
from .discover import ReportSource, Skipped, discover
from .fields import (
    DATAPACKAGE,
    PANEL_CSV,
    PANEL_DATASET,
    PANEL_PARQUET,
    datapackage_json,
    resource,
    resources,
)
from .registry import Registry, registry
from .resolve import Resolver
from .worker import Launcher, run
from .writers import CsvStream, PanelWriter, arrow_on_the_c_allocator, publish, remove_stale

__all__ = ["STATUSES", "BuildSummary", "build_panel", "report_status"]

#: a report's validation status: the highest severity of its findings above info, or ok
STATUSES = ("ok", "warning", "error")


@dataclass
class BuildSummary:
    """What :func:`build_panel` did."""

    out_dir: Path
    reports: int = 0
    with_table: int = 0
    values: int = 0
    resolved: int = 0  # cells settled by the cross-year identities (resolved.csv)
    parsed: int = 0  # parsed now
    cached: int = 0  # taken from the cache
    failed: list[tuple[str, str]] = field(default_factory=list)  # (report id, error)
    skipped: list[Skipped] = field(default_factory=list)  # files passed over, with the reason
    unresolved: list[tuple[str, str]] = field(default_factory=list)  # (report id, names tried)
    # (report id, printed name) where the printed name did not resolve but meta.json's did
    fallbacks: list[tuple[str, str]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        lines = [
            f"{self.reports} reports ({self.with_table} with a statistics table), "
            f"{self.values} values → {self.out_dir}",
            f"{self.resolved} more settled by the identities between years (resolved.csv)",
            f"parsed {self.parsed}, from cache {self.cached}",
        ]
        lines += [f"failed: {_line(rid)}: {_line(err)}" for rid, err in self.failed]
        lines += [f"skipped: {_line(s.path)}: {_line(s.reason)}" for s in self.skipped]
        lines += [f"unresolved jurisdiction: {rid}: {names}" for rid, names in self.unresolved]
        lines += [
            f"printed name not resolved, meta.json used: {rid}: {name}"
            for rid, name in self.fallbacks
        ]
        return "\n".join(lines)


def _line(obj: object) -> str:
    """A name or message on one line (a file name may hold a newline)."""
    return " ".join(str(obj).split("\n"))


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


def report_status(issues: dict[str, int], error: str | None) -> str:
    """The report's status (one of :data:`STATUSES`) from its finding counts by severity and
    its parse error."""
    if error or issues.get("error"):
        return "error"
    return "warning" if issues.get("warning") else "ok"


#: the panel's columns that hold the same value on every row of a report (from its record)
_REPORT_COLUMNS = ("report_id", "jurisdiction_id", "jurisdiction", "parent_id", "level", "scope",
                   "province", "code", "year", "regime", "status")


def _panel_columns(
    rid: str, rec: dict[str, Any], report: dict[str, Any], source: str, sha: str
) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """A report's panel rows as the values every row shares and the columns that vary."""
    values = sorted(
        rec["values"],
        key=lambda v: (v["indicator"], v["applicant"], v["derived"], v["location"]),
    )
    same = {c: report[c] for c in _REPORT_COLUMNS} | {"source": source, "sha256": sha}
    same["report_id"] = rid
    links = [link(report["regime"], v["indicator"]) for v in values]
    varying: dict[str, list[Any]] = {
        "indicator": [v["indicator"] for v in values],
        "applicant": [v["applicant"] for v in values],
        "value": [float(v["value"]) for v in values],
        "unit": [v["unit"] for v in values],
        "derived": [bool(v["derived"]) for v in values],
        "concept": [cw.concept if cw else None for cw in links],
        "comparability": [cw.comparability if cw else None for cw in links],
        "caveat": [(cw.caveat_en or None) if cw else None for cw in links],
        "location": [v["location"] for v in values],
        "checks": [v.get("checks") or None for v in values],
    }
    return same, varying


def build_panel(
    source_dir: str | Path | Sequence[str | Path],
    out_dir: str | Path,
    jobs: int | None = None,
    *,
    use_cache: bool = True,
    progress: bool = True,
    timeout: float | None = 300,
    registries: Sequence[str | Path] = (),
    bundled: bool = False,
    limits: Limits | None = None,
    engine: str = "local",
    scheduler: str | None = None,
) -> BuildSummary:
    """Parse every report under ``source_dir`` (one folder or several) and write the panel.

    ``out_dir`` is where the files go; the bundled panel of the package (``data/``) is
    written only with ``bundled=True`` (``make data``), never by accident.  ``registries``
    are the user's own registry files (CSV, see :class:`govstats.panel.registry.Registry`),
    added to the bundled registry: they name bodies, renames and successors the bundled one
    does not know.  Every report gets a body (:func:`govstats.panel.bodies.identify`).

    Writes the panel as a Parquet dataset partitioned by year and province with its manifest
    (the folder ``panel/``, :mod:`govstats.panel.store`) and as ``panel.csv.gz``, and
    ``reports.csv``, ``sources.csv``, ``findings.csv`` and ``resolved.csv`` into ``out_dir`` —
    sorted, fixed column order, no timestamps, so the same inputs give byte-identical files —
    and ``datapackage.json``, generated from the field catalogue (``panel/fields.yaml``).
    A ``panel.parquet`` an older build left there is removed.  Reports are parsed in parallel
    (``jobs`` processes; 1 = in this process) and each parse is cached under
    ``out_dir/.cache/`` by file sha256 and parser fingerprint, so an interrupted build resumes
    and a rebuild re-parses only what changed.  ``timeout`` bounds each parse (seconds; None
    for no limit): a report that exceeds it is listed as failed and tried again by the next
    build.  ``limits`` bound
    each input and each worker's memory (:class:`govstats.limits.Limits`; default: those in
    force); a worker that dies fails only its report, which the next build tries again.

    ``engine="dask"`` parses on a Dask cluster instead of local processes
    (:mod:`govstats.panel.cluster`; the ``dask`` extra): the scheduler at ``scheduler``
    (``tcp://host:8786``), or a local cluster of ``jobs`` workers when None.  The outputs are
    byte-identical to the local engine's.

    The files are written beside their final names and renamed into place together at the
    end, a marker file (``.publishing``) standing while they are renamed: :func:`load_panel`
    refuses a folder whose publishing was interrupted, so no half-written set loads.
    """
    if engine not in ENGINES:
        raise GovstatsError(f"unknown engine {engine!r}: use one of {', '.join(ENGINES)}")
    sources = (
        [source_dir] if isinstance(source_dir, str | Path) else list(source_dir)
    )  # fmt: skip
    out = Path(out_dir)
    if _is_bundled(out) and not bundled:
        raise GovstatsError(
            f"{out} is the bundled panel of govstats: write your panel somewhere else "
            "(--out DIR), or pass --bundled (make data) to rebuild the bundled one"
        )
    out.mkdir(parents=True, exist_ok=True)
    remove_stale(out)
    limits = limits or current_limits()
    # the workers' parent is forked now, while this process is as small as before the build
    # (worker.Launcher): the file list and hashes made below are never copied into a worker
    launcher = (Launcher(jobs, progress, timeout, limits)
                if engine == "local" and Launcher.usable() else None)  # fmt: skip
    tmp_cache: tempfile.TemporaryDirectory[str] | None = None
    try:
        skipped: list[Skipped] = []
        found = discover(sources, skipped)
        summary = BuildSummary(out_dir=out, reports=len(found), skipped=skipped)
        if use_cache:
            cache = out / ".cache" / f"parse-{parser_fingerprint()}-{limits_key(limits)}"
        else:
            tmp_cache = tempfile.TemporaryDirectory(prefix="govstats-build-")
            cache = Path(tmp_cache.name)
        cache.mkdir(parents=True, exist_ok=True)
        # held per report for the whole build: the digest as bytes, the suffix interned
        # (paths as strings in the loops over every report: a Path per report interns its
        # every component, and the table of interned strings keeps the size it grew to)
        shas = {s.report_id: bytes.fromhex(file_sha256(s.file)) for s in found}
        cache_files = _CacheFiles(cache, shas, {s.report_id: sys.intern(_suffix(s.file))
                                                for s in found})
        todo = [s for s in found if not os.path.isfile(cache_files.name(s.report_id))]
        summary.cached = len(found) - len(todo)
        summary.parsed = len(todo)
        if engine == "dask":
            run_dask(todo, cache_files, scheduler=scheduler, jobs=jobs, progress=progress,
                     timeout=timeout, limits=limits)
        elif launcher is not None:
            launcher.run(((s.report_id, s.file, cache_files.name(s.report_id)) for s in todo),
                         len(todo))
        else:
            run(todo, cache_files, jobs, progress, timeout, limits)
        reg = registry(tuple(str(r) for r in registries))
        with arrow_on_the_c_allocator():  # the build's peak memory (writers.py)
            _write_outputs(found, shas, cache_files, out, summary, reg)
    finally:
        if launcher is not None:
            launcher.close()
        if tmp_cache is not None:
            tmp_cache.cleanup()
    return summary


class _CacheFiles(Mapping[str, Path]):
    """The cache file of each report id, made when asked for (a build of a million reports
    would otherwise keep a million paths)."""

    def __init__(self, folder: Path, shas: dict[str, bytes], suffixes: dict[str, str]) -> None:
        self.folder, self.shas, self.suffixes = folder, shas, suffixes

    def __getitem__(self, report_id: str) -> Path:
        return Path(self.name(report_id))

    def name(self, report_id: str) -> str:
        """The cache file as a string."""
        name = f"{self.shas[report_id].hex()}{self.suffixes[report_id]}.json"
        return os.path.join(self.folder, name)

    def __iter__(self) -> Iterator[str]:
        return iter(self.shas)

    def __len__(self) -> int:
        return len(self.shas)


def _read_record(cache_file: str) -> dict[str, Any]:
    """A report's parse record from the cache (or the side file of a transient failure)."""
    if not os.path.isfile(cache_file):
        cache_file = str(transient_path(Path(cache_file)))
    with open(cache_file, encoding="utf-8") as f:
        return json.load(f)


def _suffix(file: str) -> str:
    """A file's suffix, lower case (``.pdf``), as :attr:`pathlib.Path.suffix` gives it."""
    return Path(os.path.basename(file)).suffix.lower()


def _sidecar(s: ReportSource) -> dict[str, Any]:
    """The report's meta.json, or nothing."""
    if s.meta_file is None:
        return {}
    with open(s.meta_file, encoding="utf-8") as f:
        return json.load(f)


class _Index:
    """What the resolved layer needs of every report, kept in flat arrays (a tuple and a year
    object per report would stay in memory for the whole build), in the order of the sorted
    file list: its body, its year (0 when unknown) and whether it has open readings."""

    def __init__(self) -> None:
        self.bodies: list[str] = []  # the registry's own id strings: a reference each
        self.years = array("i")
        self.open = bytearray()

    def add(self, body: str, year: int | None, open_cells: bool) -> None:
        self.bodies.append(body)
        self.years.append(year or 0)
        self.open.append(open_cells)


def _resolve(found: list[ReportSource], index: _Index, cache_files: Mapping[str, Path]
             ) -> list[dict[str, Any]]:
    """The rows of ``resolved.csv``: only the reports with open readings and the reports of
    the same body the year before and after are read again (from the cache), one body at a
    time (the identities link one body's years only), so what is held is one body's values."""
    wanted: set[tuple[str, int]] = set()
    for body, year, open_cells in zip(index.bodies, index.years, index.open, strict=True):
        if open_cells and year:
            wanted.update({(body, year - 1), (body, year), (body, year + 1)})
    pairs = zip(index.bodies, index.years, strict=True)
    chosen = sorted((body, k) for k, (body, year) in enumerate(pairs)
                    if year and (body, year) in wanted)
    settled: list[Any] = []
    rules = None
    for body, group in itertools.groupby(chosen, key=lambda t: t[0]):
        resolver = Resolver(rules)
        rules = resolver.rules  # the rules are read once
        bodies: dict[str, tuple[str, int]] = {}
        for _, k in group:
            rid, year = found[k].report_id, index.years[k]
            rec = _read_record(cache_files.name(rid))
            resolver.add(rid, body, year, rec["values"], rec.get("candidates", []))
            bodies[rid] = (body, year)
        settled.extend(resolver.settle(bodies))
    settled.sort(key=lambda x: (x.report_id, x.indicator, x.applicant))
    return [x.row() for x in settled]


def _is_bundled(out: Path) -> bool:
    """Whether ``out`` is the package's own ``data/`` (the bundled panel)."""
    bundled = Path(__file__).resolve().parents[3] / "data"  # src/govstats/panel/ → repo
    try:
        return out.resolve() == bundled.resolve()
    except OSError:
        return False


def _write_outputs(
    found: list[ReportSource],
    shas: dict[str, bytes],
    cache_files: Mapping[str, Path],
    out: Path,
    summary: BuildSummary,
    reg: Registry,
) -> None:
    staged: dict[str, Path] = {}  # final name → the temporary file beside it

    def stage(name: str) -> Path:
        staged[name] = out / f".{name}.{os.getpid()}.tmp"
        return staged[name]

    panel = PanelWriter(stage(PANEL_CSV), stage(PANEL_DATASET))
    # reports, sources and findings are streamed to their files as each report is read:
    # what stays in memory per report is its body, year and whether readings are open
    tables = {name: CsvStream(stage(resource(name).path), resource(name).columns)
              for name in ("reports", "sources", "findings", "resolved")}
    index = _Index()
    try:
        for s in found:
            rec = _read_record(cache_files.name(s.report_id))
            sha = shas[s.report_id].hex()
            suffix = cache_files.suffixes[s.report_id]
            sidecar = _sidecar(s)
            m = rec["meta"]
            year = m.get("year") or sidecar.get("year")
            year_from = "printed" if m.get("year") else ("meta.json" if year else "unknown")
            body = identify(m, sidecar, year, reg, s.report_id)
            jrec, how = body.record, body.how
            if how == "unresolved":
                tried = " / ".join(
                    str(n) for n in (m.get("jurisdiction"), sidecar.get("jurisdiction")) if n
                )
                summary.unresolved.append((s.report_id, tried or "(no name found)"))
            elif how == "meta.json" and not sidecar.get("jurisdiction_id"):
                summary.fallbacks.append((s.report_id, str(m.get("jurisdiction"))))
            scope = sidecar.get("scope") if sidecar.get("scope") in SCOPES else m.get("scope")
            if scope not in ("own", "jurisdiction") and jrec.level == "department":
                scope = "own"  # the parse did not know the body (meta.json named it)
            if rec["error"]:
                summary.failed.append((s.report_id, rec["error"]))
            issues = rec["issues"]
            src = _source_of(sidecar, suffix, s.local_path)
            report = {
                "report_id": s.report_id,
                "jurisdiction_id": jrec.id,
                "jurisdiction": jrec.name_in(year) or None,
                "jurisdiction_printed": m.get("jurisdiction"),
                "jurisdiction_from": how,
                "parent_id": jrec.parent_id,
                "level": jrec.level,
                "scope": scope if scope in SCOPES else "unknown",
                "province": jrec.province or m.get("province"),
                "code": jrec.admin_code or None,
                "year": year,
                "year_from": year_from,
                "regime": m.get("regime"),
                "reader": m.get("reader"),
                "has_table": bool(rec["values"]),
                "n_values": len(rec["values"]),
                "status": report_status(issues, rec["error"]),
                "n_error": issues.get("error", 0),
                "n_warning": issues.get("warning", 0),
                "n_info": issues.get("info", 0),
                "parse_error": rec["error"],
            }
            tables["reports"].add(report)
            tables["sources"].add(
                {
                    "report_id": s.report_id,
                    **src,
                    "local_path": s.local_path,
                    "sha256": sha,
                    "bytes": os.stat(s.file).st_size,
                    "kind": suffix.lstrip("."),
                }
            )
            for k, f in enumerate(rec.get("findings", []), start=1):
                tables["findings"].add({"report_id": s.report_id, "n": k, **f})
            summary.with_table += int(bool(rec["values"]))
            summary.values += len(rec["values"])
            panel.add_report(*_panel_columns(s.report_id, rec, report, src["source"],
                                             sha))
            index.add(jrec.id, year if isinstance(year, int) else None,
                      bool(rec.get("candidates")))
        for row in _resolve(found, index, cache_files):
            tables["resolved"].add(row)
        summary.resolved = tables["resolved"].rows
    except BaseException:
        panel.abort()
        raise
    else:
        panel.close()  # the dataset's manifest is written last, inside its staged folder
    finally:
        for t in tables.values():
            t.close()
    stage(DATAPACKAGE).write_text(datapackage_json(), encoding="utf-8", newline="\n")
    publish(out, staged, obsolete=(PANEL_PARQUET,))
    summary.files = sorted([f"{PANEL_DATASET}/", *(r.path for r in resources().values()),
                            DATAPACKAGE])

