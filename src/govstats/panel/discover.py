"""Finding the reports of a source folder.

A source folder holds a folder per report with ``report.pdf`` > ``report.html`` (.htm,
.mhtml, .mht) > ``report.docx`` > ``report.doc`` (.wps) > ``report.md`` > ``report.txt``
(the first present is parsed) and an optional ``meta.json`` saying where the original came
from (``source_url``; ``source_repo`` / ``source_path`` / ``source_commit``; ``html_source_*``
for an HTML original) and, as a fallback when the printed name or year cannot be read,
``jurisdiction`` and ``year``.  Other report files lying loose are one report each; files of
one stem in several formats (``a.pdf`` and ``a.html``) are one report, read from the format
first in that order.  Every file passed over is listed with the reason (:class:`Skipped`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import GovstatsError

__all__ = ["LOOSE_SUFFIXES", "REPORT_FILES", "ReportSource", "Skipped", "discover"]

REPORT_FILES = (
    "report.pdf", "report.html", "report.htm", "report.mhtml", "report.mht", "report.docx",
    "report.doc", "report.wps", "report.md", "report.txt",
    # a scan or a table published as a picture: read by OCR (the ocr extra), the last resort
    "report.png", "report.jpg", "report.jpeg",
)  # fmt: skip
LOOSE_SUFFIXES = tuple(Path(n).suffix for n in REPORT_FILES)
_SKIP_LOOSE = ("readme", "license", "licence", "changelog")
_SIDE_FILES = ("meta.json", "truth.json")


@dataclass(frozen=True, slots=True)
class ReportSource:
    """One report found in a source folder.

    A build holds one per report while it runs, so it is kept small: the file as a string
    (:attr:`path` gives it as a :class:`~pathlib.Path`) and whether a ``meta.json`` stands
    beside it (:attr:`meta_path`), with no per-instance dict.  A ``Path`` per report and a
    second one for its ``meta.json`` cost about 300 bytes more each.
    """

    report_id: str  # folder (or file stem) relative to its source folder, POSIX separators
    file: str  # the file parsed
    local_path: str  # "<source folder name>/<path inside it>": portable
    has_meta: bool = False  # a meta.json in the file's folder (a report folder's only)

    @property
    def path(self) -> Path:
        """The file parsed."""
        return Path(self.file)

    @property
    def meta_file(self) -> str | None:
        """The report's ``meta.json`` as a string, if it has one."""
        return os.path.join(os.path.dirname(self.file), "meta.json") if self.has_meta else None

    @property
    def meta_path(self) -> Path | None:
        """The report's ``meta.json``, if it has one."""
        return Path(self.meta_file) if self.meta_file else None


@dataclass(frozen=True)
class Skipped:
    """A file of a source folder that is not parsed, and why."""

    path: Path
    reason: str


def _rel_id(rel: Path) -> str:
    return rel.as_posix()


def _why_not(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if not suffix:
        return "no file extension: not a report format govstats reads"
    return f"{suffix} is not a report format govstats reads ({', '.join(LOOSE_SUFFIXES)})"


def discover(
    source_dirs: Sequence[str | Path], skipped: list[Skipped] | None = None
) -> list[ReportSource]:
    """Every report under ``source_dirs``, sorted by report id; the files passed over are
    appended to ``skipped`` with their reason.

    Raises :class:`GovstatsError` when a folder is missing.  Of two reports that would get
    the same id (a loose ``a.txt`` beside a folder ``a/``, or the same name in two source
    folders) the first found is read and the other listed in ``skipped``.
    """
    found: dict[str, ReportSource] = {}
    passed = skipped if skipped is not None else []
    for src in source_dirs:
        root = Path(src).resolve()
        if not root.is_dir():
            raise GovstatsError(f"source folder {src} does not exist or is not a folder")
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            here = Path(dirpath)
            names = set(filenames)
            chosen = next((n for n in REPORT_FILES if n in names), None)
            items: list[tuple[str, Path, bool]] = []
            if chosen:
                rel = here.relative_to(root)
                rid = _rel_id(rel) if rel.parts else root.name
                items.append((rid, here / chosen, (here / "meta.json").is_file()))
                for n in sorted(names - {chosen, *_SIDE_FILES}):
                    if not n.startswith("."):
                        why = (f"another copy of the report: {chosen} is read"
                               if n in REPORT_FILES else "not a report file of the folder")
                        passed.append(Skipped(here / n, why))
                for d in dirnames:
                    passed.append(Skipped(here / d, "a folder inside a report's folder"))
                dirnames[:] = []  # a report folder holds one report
            else:
                by_stem: dict[str, list[Path]] = {}
                for n in sorted(filenames):
                    p = here / n
                    if n.startswith(".") or n.lower().startswith(_SKIP_LOOSE):
                        continue
                    if p.suffix.lower() not in LOOSE_SUFFIXES:
                        if n not in _SIDE_FILES:
                            passed.append(Skipped(p, _why_not(n)))
                        continue
                    by_stem.setdefault(p.stem, []).append(p)
                for stem_paths in by_stem.values():
                    order = sorted(stem_paths, key=lambda q: LOOSE_SUFFIXES.index(
                        q.suffix.lower()))
                    best = order[0]
                    items.append((_rel_id(best.relative_to(root).with_suffix("")), best, False))
                    passed.extend(
                        Skipped(q, f"another copy of the report: {best.name} is read")
                        for q in order[1:]
                    )
            for rid, path, meta in items:
                if rid in found:  # passed over, not fatal: the rest of the batch is built
                    passed.append(Skipped(path, (
                        f"two reports would get the id {rid!r}: {found[rid].file} is read; "
                        "rename one file or folder to read both")))
                    continue
                local = f"{root.name}/{path.relative_to(root).as_posix()}"
                found[rid] = ReportSource(rid, str(path), local, meta)
    return [found[k] for k in sorted(found)]
