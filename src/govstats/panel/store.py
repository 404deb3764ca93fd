"""The panel as a Parquet dataset partitioned by year and province, with a manifest.

Layout (hive-style, readable by pyarrow, DuckDB, pandas, Spark)::

    panel/
      _manifest.json                               every file, its partition, rows, sha256
      year=2019/province_code=35/part-0.parquet
      year=2019/province_code=__HIVE_DEFAULT_PARTITION__/part-0.parquet
      year=__HIVE_DEFAULT_PARTITION__/province_code=35/part-0.parquet

``year`` is the report's year; ``province_code`` the first two digits of the body's GB/T 2260
``code`` as a number (``35`` Fujian, ``31`` Shanghai…; never a leading zero, so a reader that
infers the keys' types reads both as integers, as the manifest declares them).  Where either
is not known the folder holds Hive's null value :data:`NULL_VALUE` (read back as null).  The
partition keys are not stored in the files (the Hive convention): a reader takes them from the
folder names.  A report's rows are all in one file, together, in the build's order; a file's
rows are ordered by report id.

The writer (:class:`DatasetWriter`) keeps a bounded number of rows pending (at most
:data:`PENDING_ROWS`, whatever the number of partitions or their sizes) and a bounded number
of files open (:data:`MAX_OPEN`), each with at most :data:`MAX_ROW_GROUPS` row groups (a
partition whose file was closed continues in ``part-1.parquet``…): its memory does not grow
with the panel.  The same rows in the same
order give the same files, byte for byte.

The manifest (:data:`MANIFEST`, written last) is what a reader trusts: :func:`open_dataset`
reads only the files it lists, refuses a listed file that is missing or whose size differs,
and (``verify=True``) whose sha256 differs.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import GovstatsError
from .cache import file_sha256
from .fields import arrow_schema

if TYPE_CHECKING:
    import pyarrow
    import pyarrow.dataset

__all__ = [
    "MANIFEST", "MAX_OPEN", "MAX_ROW_GROUPS", "NULL_VALUE", "PARTITION_KEYS", "PENDING_ROWS",
    "ROW_GROUP_ROWS",
    "DatasetWriter", "StoreError", "dataset_schema", "file_schema", "open_dataset",
    "partition_key", "province_codes", "read_manifest",
]

#: the manifest of a dataset folder (a leading ``_``: dataset readers skip it)
MANIFEST = "_manifest.json"
#: the manifest's format (bumped when its meaning changes)
FORMAT = "govstats-panel-dataset/1"
#: the partition keys, in folder order
PARTITION_KEYS = ("year", "province_code")
#: the folder value of an unknown year or province (Hive's; read back as null)
NULL_VALUE = "__HIVE_DEFAULT_PARTITION__"
#: rows per Parquet row group (a partition's last row group holds the rest)
ROW_GROUP_ROWS = 10_000
#: at most this many rows (and one batch) wait in memory, whatever the number of partitions:
#: when more wait, the partitions with the most are written (a row group may hold fewer rows)
PENDING_ROWS = ROW_GROUP_ROWS
#: at most this many partition files are open at a time
MAX_OPEN = 64
#: a file is closed after this many row groups (its footer, kept in memory until the file is
#: closed, grows with them) and its partition continues in the next part
MAX_ROW_GROUPS = 64
#: the columns whose min and max each row group records (what a filter may prune on); the long
#: free texts (caveat, source, location, checks, sha256) have none
_STATISTICS = ("report_id", "jurisdiction_id", "jurisdiction", "parent_id", "level", "scope",
               "province", "code", "regime", "indicator", "applicant", "value", "unit",
               "derived", "concept", "comparability", "status")


class StoreError(GovstatsError):
    """A dataset folder that cannot be read as its manifest describes it."""


def partition_key(year: int | None, code: str | None) -> tuple[int | None, int | None]:
    """The partition of a report: its year and the first two digits of its GB/T 2260 code as
    a number (11–82; None where not known)."""
    prov = code[:2] if isinstance(code, str) else ""
    return (year if isinstance(year, int) else None,
            int(prov) if len(prov) == 2 and prov.isdigit() else None)


def province_codes(codes: Any) -> pyarrow.Array:
    """:func:`partition_key`'s province number for a column of codes (a pyarrow array): the
    first two digits as a number, null where they are not two digits."""
    import pyarrow as pa
    import pyarrow.compute as pc

    prov = pc.utf8_slice_codeunits(pc.cast(codes, pa.string()), 0, 2)
    two_digits = pc.fill_null(pc.match_substring_regex(prov, "^[0-9]{2}$"), False)
    return pc.cast(pc.if_else(two_digits, prov, pa.scalar(None, pa.string())), pa.int32())


def _folder(key: tuple[int | None, int | None]) -> str:
    year, prov = key
    return (f"year={NULL_VALUE if year is None else year}/"
            f"province_code={NULL_VALUE if prov is None else prov}")


def _order(key: tuple[int | None, int | None]) -> tuple[bool, int, bool, int]:
    return (key[0] is None, key[0] or 0, key[1] is None, key[1] or 0)


def file_schema() -> pyarrow.Schema:
    """The columns of each Parquet file: the panel's, without the partition keys."""
    schema = arrow_schema("panel")
    return schema.remove(schema.get_field_index("year"))


def dataset_schema() -> pyarrow.Schema:
    """The columns of the dataset as a reader sees them: the files' and the partition keys."""
    import pyarrow as pa

    return file_schema().append(pa.field("year", pa.int32())).append(
        pa.field("province_code", pa.int32()))


def _partitioning() -> pyarrow.dataset.Partitioning:
    import pyarrow as pa
    import pyarrow.dataset as ds

    return ds.HivePartitioning(
        pa.schema([("year", pa.int32()), ("province_code", pa.int32())]),
        null_fallback=NULL_VALUE,
    )


@dataclass
class _File:
    path: str  # relative to the dataset folder
    key: tuple[int | None, int | None]
    writer: Any  # pyarrow.parquet.ParquetWriter
    rows: int = 0
    groups: int = 0  # row groups written
    lo: str | None = None  # the smallest and largest report id written
    hi: str | None = None


@dataclass
class _Pending:
    batches: list[Any] = field(default_factory=list)  # pyarrow.RecordBatch
    rows: int = 0


class DatasetWriter:
    """Writes panel rows (record batches with every panel column) into the partitioned
    dataset under ``folder``; :meth:`close` writes the manifest last and returns it."""

    def __init__(self, folder: Path, *, row_group_rows: int = ROW_GROUP_ROWS,
                 pending_rows: int = PENDING_ROWS, max_open: int = MAX_OPEN,
                 max_row_groups: int = MAX_ROW_GROUPS) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.schema = file_schema()
        self.row_group_rows, self.pending_rows = row_group_rows, pending_rows
        self.max_open, self.max_row_groups = max(1, max_open), max(1, max_row_groups)
        self._pending: dict[tuple[int | None, int | None], _Pending] = {}
        self._pending_total = 0
        self._open: OrderedDict[tuple[int | None, int | None], _File] = OrderedDict()
        self._parts: dict[tuple[int | None, int | None], int] = {}  # files made per partition
        self._done: list[dict[str, Any]] = []  # manifest entries of closed files

    def write(self, batch: pyarrow.RecordBatch,
              runs: Iterable[tuple[tuple[int | None, int | None], int, int]]) -> None:
        """Add ``batch``, whose rows ``runs`` assigns to partitions: (key, first row, count),
        covering the batch in order."""
        import pyarrow as pa

        batch = batch.drop_columns(["year"])
        rows: dict[tuple[int | None, int | None], list[int]] = {}
        for key, start, count in runs:
            rows.setdefault(key, []).extend(range(start, start + count))
        for key in sorted(rows, key=_order):
            # a copy of the partition's rows (a slice would keep the whole batch in memory)
            taken = batch.take(pa.array(rows[key], type=pa.int64()))
            part = self._pending.setdefault(key, _Pending())
            part.batches.append(taken)
            part.rows += taken.num_rows
            self._pending_total += taken.num_rows
            if part.rows >= self.row_group_rows:  # whole row groups go out at once
                whole = part.rows - part.rows % self.row_group_rows
                table = pa.Table.from_batches(part.batches, schema=self.schema)
                self._emit(key, table.slice(0, whole))
                rest = table.take(pa.array(range(whole, part.rows), type=pa.int64()))
                part.batches = rest.to_batches() if rest.num_rows else []
                part.rows = rest.num_rows
                self._pending_total -= whole
        if self._pending_total > self.pending_rows:  # the largest waiting partitions go out
            order = sorted(self._pending, key=lambda k: (-self._pending[k].rows, _order(k)))
            for key in order:
                if self._pending_total <= self.pending_rows // 2:
                    break
                self._flush(key)

    def _flush(self, key: tuple[int | None, int | None]) -> None:
        import pyarrow as pa

        part = self._pending.pop(key, None)
        if part is None or not part.rows:
            return
        self._emit(key, pa.Table.from_batches(part.batches, schema=self.schema))
        self._pending_total -= part.rows

    def _emit(self, key: tuple[int | None, int | None], table: pyarrow.Table) -> None:
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        f = self._open.get(key)
        if f is None:
            if len(self._open) >= self.max_open:  # the least recently written is closed
                self._close(next(iter(self._open)))
            k = self._parts.get(key, 0)
            self._parts[key] = k + 1
            rel = f"{_folder(key)}/part-{k}.parquet"
            (self.folder / rel).parent.mkdir(parents=True, exist_ok=True)
            writer = pq.ParquetWriter(str(self.folder / rel), self.schema, compression="zstd",
                                      use_dictionary=True, write_statistics=list(_STATISTICS))
            f = self._open[key] = _File(rel, key, writer)
        self._open.move_to_end(key)
        f.writer.write_table(table, row_group_size=self.row_group_rows)
        f.rows += table.num_rows
        mm = pc.min_max(table.column("report_id"))
        lo, hi = mm["min"].as_py(), mm["max"].as_py()
        f.lo = lo if f.lo is None or (lo is not None and lo < f.lo) else f.lo
        f.hi = hi if f.hi is None or (hi is not None and hi > f.hi) else f.hi
        f.groups += -(-table.num_rows // self.row_group_rows)
        if f.groups >= self.max_row_groups:
            self._close(key)

    def _close(self, key: tuple[int | None, int | None]) -> None:
        f = self._open.pop(key)
        f.writer.close()
        path = self.folder / f.path
        self._done.append({
            "path": f.path,
            "partition": {"year": f.key[0], "province_code": f.key[1]},
            "rows": f.rows,
            "bytes": path.stat().st_size,
            "sha256": file_sha256(path),
            "report_id": {"min": f.lo, "max": f.hi},
        })

    def close(self) -> dict[str, Any]:
        """Write what waits, close every file, write the manifest; returns it."""
        for key in sorted(self._pending, key=_order):
            self._flush(key)
        for key in list(self._open):
            self._close(key)
        files = sorted(self._done, key=lambda e: e["path"])
        manifest = _manifest(files)
        tmp = self.folder / f".{MANIFEST}.tmp"
        tmp.write_text(_dump(manifest), encoding="utf-8", newline="\n")
        tmp.replace(self.folder / MANIFEST)
        return manifest

    def abort(self) -> None:
        """Close the open files without a manifest (the build failed)."""
        for f in self._open.values():
            f.writer.close()
        self._open.clear()
        self._pending.clear()


def _manifest(files: list[dict[str, Any]]) -> dict[str, Any]:
    from .. import __version__

    return {
        "format": FORMAT,
        "govstats": __version__,
        "partitioning": {
            "flavor": "hive",
            "keys": [{"name": "year", "type": "int32"},
                     {"name": "province_code", "type": "int32",
                      "from": "the first two digits of code (GB/T 2260)"}],
            "null_value": NULL_VALUE,
        },
        "schema": [{"name": f.name, "type": str(f.type)} for f in dataset_schema()],
        "order": "a report's rows together; within a file, by report_id",
        "rows": sum(e["rows"] for e in files),
        "files": files,
    }


def _dump(manifest: dict[str, Any]) -> str:
    """The manifest as JSON, a line per key, per column and per file (readable diffs)."""

    def one(v: Any) -> str:
        return json.dumps(v, ensure_ascii=False)

    lines = []
    for k, v in manifest.items():
        if isinstance(v, list) and v:
            items = ",\n".join(f"    {one(x)}" for x in v)
            lines.append(f"  {one(k)}: [\n{items}\n  ]")
        else:
            lines.append(f"  {one(k)}: {one(v)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of the dataset folder ``folder`` (raises :class:`StoreError`)."""
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise StoreError(f"{folder} has no {MANIFEST}: not a complete panel dataset "
                         "(run the build again)") from None
    except (OSError, ValueError) as exc:
        raise StoreError(f"{path} cannot be read: {exc}") from None
    found = manifest.get("format") if isinstance(manifest, dict) else None
    if found != FORMAT:
        raise StoreError(f"{path}: not a manifest of format {FORMAT!r} (found {found!r})")
    return manifest


def open_dataset(folder: Path, filter: Any = None, *, verify: bool = True
                 ) -> tuple[pyarrow.dataset.Dataset, list[str]]:
    """The dataset of ``folder`` as its manifest lists it, and the files ``filter`` (a
    ``pyarrow.compute.Expression`` or None) leaves to read: the partitions it rules out are
    not read at all.  Every listed file must exist; the files left must have the size (and
    with ``verify`` the sha256) the manifest gives (raises :class:`StoreError`)."""
    import pyarrow.dataset as ds

    manifest = read_manifest(folder)
    entries = {e["path"]: e for e in manifest["files"]}
    for rel in entries:
        if not (folder / rel).is_file():
            raise StoreError(f"{folder / rel} is listed in {folder / MANIFEST} but missing: "
                             "the dataset is incomplete (run the build again)")
    dataset = ds.dataset([str(folder / rel) for rel in entries], schema=dataset_schema(),
                         format="parquet", partitioning=_partitioning(),
                         partition_base_dir=str(folder))
    chosen = [Path(f.path).relative_to(folder).as_posix()
              for f in dataset.get_fragments(filter=filter)]
    for rel in chosen:
        _check_file(folder, entries[rel], verify)
    return dataset, chosen


def _check_file(folder: Path, entry: dict[str, Any], verify: bool) -> None:
    path = folder / entry["path"]
    size = path.stat().st_size
    if size != entry["bytes"] or (verify and file_sha256(path) != entry["sha256"]):
        what = "size" if size != entry["bytes"] else "sha256"
        raise StoreError(f"{path}: its {what} is not the one {folder / MANIFEST} records: "
                         "the file was changed after the build (run the build again)")


def read_table(folder: Path, columns: Sequence[str] | None, filter: Any, *,
               verify: bool = True) -> pyarrow.Table:
    """The rows of the dataset ``folder`` that pass ``filter``, ``columns`` (None: all, in
    the panel's order) plus ``report_id``, in the build's order (a stable sort by report id:
    a report's rows keep their order)."""
    from .fields import PANEL_COLUMNS

    dataset, _ = open_dataset(folder, filter, verify=verify)
    names = list(PANEL_COLUMNS) if columns is None else list(columns)
    read = names if "report_id" in names else [*names, "report_id"]
    # the partitions the filter rules out are not opened (pyarrow prunes by folder)
    table = dataset.to_table(columns=read, filter=filter)
    table = table.take(_stable_order(table))
    return table if read == names else table.select(names)


def _stable_order(table: pyarrow.Table) -> pyarrow.Array:
    import pyarrow.compute as pc

    # sort_indices is a stable sort: the rows of one report keep the order they were written
    return pc.sort_indices(table, sort_keys=[("report_id", "ascending")])
