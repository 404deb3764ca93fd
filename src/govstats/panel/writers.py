"""Writing the files of the build: the panel streamed to Parquet and gzipped CSV in row
groups, the small tables to CSV.  Columns, their order and Parquet types come from the field
catalogue (:mod:`govstats.panel.fields`); no timestamps, so the same rows give the same bytes."""

from __future__ import annotations

import csv
import gzip
import io
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .fields import PANEL_COLUMNS, arrow_schema

__all__ = [
    "PUBLISHING", "CsvStream", "PanelWriter", "check_published", "format_value", "publish",
    "remove_stale", "write_csv",
]

#: the marker file that stands in a panel folder while a build renames its files into place
PUBLISHING = ".publishing"

_FLUSH_ROWS = 20_000


def format_value(v: Any) -> str:
    """A value as written to CSV: empty for None, true/false, whole floats without ``.0``."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v)


class PanelWriter:
    """Streams panel rows to CSV and Parquet in row groups (constant memory)."""

    def __init__(self, csv_path: Path, parquet_path: Path) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self._pa = pa
        self.schema = arrow_schema("panel")
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
        # the rows of the next row group, column by column (no dict kept per row)
        self._cols: dict[str, list[Any]] = {c: [] for c in PANEL_COLUMNS}
        self._n = 0

    def add(self, rows: Iterable[dict[str, Any]]) -> None:
        cols = self._cols
        for r in rows:
            values = [r[c] for c in PANEL_COLUMNS]
            self._csv.writerow([format_value(v) for v in values])
            for c, v in zip(PANEL_COLUMNS, values, strict=True):
                cols[c].append(v)
            self._n += 1
        if self._n >= _FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self._n:
            return
        self._pq.write_table(self._pa.table(self._cols, schema=self.schema))
        self._cols = {c: [] for c in PANEL_COLUMNS}
        self._n = 0

    def close(self) -> None:
        self.flush()
        self._pq.close()
        self._csv_file.close()
        self._raw.close()


def write_csv(path: Path, columns: list[str], rows: Iterable[dict[str, Any]]) -> None:
    """Write ``rows`` (dicts; a missing key is empty) as CSV with ``columns`` in order,
    atomically: a temporary file beside it, renamed over it when complete."""
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow([format_value(r.get(c)) for c in columns])
    os.replace(tmp, path)


class CsvStream:
    """Rows written to a CSV file as they come (constant memory), ``columns`` in order; the
    file is written under ``path`` (a temporary name the caller renames when complete)."""

    def __init__(self, path: Path, columns: list[str]) -> None:
        self.path, self.columns = path, columns
        self._f = path.open("w", encoding="utf-8", newline="")
        self._w = csv.writer(self._f, lineterminator="\n")
        self._w.writerow(columns)
        self.rows = 0

    def add(self, row: dict[str, Any]) -> None:
        self._w.writerow([format_value(row.get(c)) for c in self.columns])
        self.rows += 1

    def close(self) -> None:
        self._f.close()


def publish(out: Path, staged: dict[str, Path]) -> None:
    """Rename the staged files (final name → temporary file in ``out``) into place together:
    the marker :data:`PUBLISHING` stands while they are renamed, so a build killed among
    the renames leaves a folder :func:`check_published` refuses (the next build completes
    it), never a mix of two builds that loads."""
    marker = out / PUBLISHING
    tmp = out / f"{PUBLISHING}.{os.getpid()}.tmp"
    tmp.write_text("\n".join(sorted(staged)) + "\n", encoding="utf-8")
    os.replace(tmp, marker)
    for name in sorted(staged):
        os.replace(staged[name], out / name)
    marker.unlink()


def check_published(folder: Path) -> Path:
    """``folder``, unless a build was interrupted while it renamed its files into place
    there (raises :class:`~govstats.errors.GovstatsError`)."""
    if (folder / PUBLISHING).exists():
        from ..errors import GovstatsError

        raise GovstatsError(
            f"the panel in {folder} is incomplete: a build was stopped while writing its "
            "files; run the build again"
        )
    return folder


def remove_stale(out: Path) -> None:
    """Remove the temporary files a killed build left in ``out``."""
    for p in out.glob(".*.tmp"):
        p.unlink(missing_ok=True)
