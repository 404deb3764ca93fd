"""Finding the reports of a source folder.

A source folder holds a folder per report with ``report.pdf`` > ``report.html`` (.htm,
.mhtml, .mht) > ``report.docx`` > ``report.md`` > ``report.txt`` (the first present is
parsed) and an optional ``meta.json`` saying where the original came from (``source_url``;
``source_repo`` / ``source_path`` / ``source_commit``; ``html_source_*`` for an HTML
original) and, as a fallback when the printed name or year cannot be read, ``jurisdiction``
and ``year``.  Other report files lying loose are one report each.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import GovstatsError

__all__ = ["LOOSE_SUFFIXES", "REPORT_FILES", "ReportSource", "discover"]

REPORT_FILES = (
    "report.pdf", "report.html", "report.htm", "report.mhtml", "report.mht", "report.docx",
    "report.md", "report.txt",
)  # fmt: skip
LOOSE_SUFFIXES = (".pdf", ".html", ".htm", ".mhtml", ".mht", ".docx", ".txt", ".md")
_SKIP_LOOSE = ("readme", "license", "licence", "changelog")


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
