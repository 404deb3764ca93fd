"""The panel's Parquet dataset (govstats.panel.store): partitioned by year and province, every
file listed in the manifest with its partition, rows and sha256; a changed, missing or
unlisted file is caught on load; filters on the partition keys open only their partitions;
the writer keeps its memory bounded (few rows pending, few files open) and gives the same
bytes for the same rows."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from govstats.errors import GovstatsError
from govstats.panel import PANEL_COLUMNS, build_panel, load_panel
from govstats.panel import store as store_mod
from govstats.panel.fields import arrow_schema
from govstats.panel.store import (
    MANIFEST,
    NULL_VALUE,
    DatasetWriter,
    StoreError,
    dataset_schema,
    file_schema,
    open_dataset,
    read_manifest,
)

from .own_reports import write_own_reports

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "data" / "examples"


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return [write_own_reports(tmp_path_factory.mktemp("own")), EXAMPLES]


@pytest.fixture(scope="module")
def built(sources: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("store") / "out"
    summary = build_panel(sources, out, jobs=2, progress=False)
    assert not summary.failed, summary
    return out


def _copy(src: Path, dst: Path) -> Path:
    import shutil

    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(".cache"))
    return dst


def test_the_layout_and_the_manifest(built: Path) -> None:
    folder = built / "panel"
    manifest = read_manifest(folder)
    on_disk = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.parquet"))
    listed = [e["path"] for e in manifest["files"]]
    assert listed == on_disk and len(listed) >= 3
    assert not (built / "panel.parquet").exists()
    csv = pd.read_csv(built / "panel.csv.gz", dtype=str, keep_default_na=False)
    assert manifest["rows"] == len(csv) == sum(e["rows"] for e in manifest["files"])
    assert [f["name"] for f in manifest["schema"]] == dataset_schema().names
    for e in manifest["files"]:
        path = folder / e["path"]
        year, prov = e["partition"]["year"], e["partition"]["province_code"]
        assert e["path"].startswith(
            f"year={NULL_VALUE if year is None else year}/"
            f"province_code={NULL_VALUE if prov is None else prov}/part-")
        assert e["bytes"] == path.stat().st_size
        assert e["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        table = pq.read_table(path)
        assert table.schema.equals(file_schema()) and "year" not in table.schema.names
        assert table.num_rows == e["rows"]
        ids = table.column("report_id").to_pylist()
        assert ids == sorted(ids) and (ids[0], ids[-1]) == (
            e["report_id"]["min"], e["report_id"]["max"])
        # every row is in its report's partition: year from the folder, province from code
        rows = csv[csv["report_id"].isin(set(ids))]
        assert len(rows) == e["rows"]
        assert set(rows["year"]) == {"" if year is None else str(year)}
        assert {int(c[:2]) if c else None for c in rows["code"]} == {prov}
    # a body no division places (mystery-2021) has no code: its province is Hive's null
    assert any(e["partition"]["province_code"] is None for e in manifest["files"])


def test_the_dataset_the_csv_and_a_filtered_load_agree(built: Path) -> None:
    whole = load_panel(built)
    assert list(whole.columns) == PANEL_COLUMNS
    pd.testing.assert_frame_equal(whole, load_panel(built / "panel.csv.gz"))
    pd.testing.assert_frame_equal(whole, load_panel(built / "panel"))
    filters = [("year", ">=", 2021), ("province_code", "==", 33)]
    mask = (whole["year"] >= 2021).fillna(False) & (whole["code"].str[:2] == "33").fillna(False)
    assert 0 < mask.sum() < len(whole)
    for source in (built, built / "panel.csv.gz"):
        got = load_panel(source, columns=["report_id", "indicator", "value"], filters=filters)
        want = whole.loc[mask, ["report_id", "indicator", "value"]].reset_index(drop=True)
        pd.testing.assert_frame_equal(got.astype(object), want.astype(object))
    import pyarrow.compute as pc

    unknown = load_panel(built, filters=pc.field("province_code").is_null(), validate=False)
    assert set(unknown["report_id"]) == {"mystery-2021"}


def test_filters_on_the_partition_keys_open_only_their_partitions(
    built: Path, tmp_path: Path
) -> None:
    import pyarrow.compute as pc

    out = _copy(built, tmp_path / "copy")
    folder = out / "panel"
    manifest = read_manifest(folder)
    _, chosen = open_dataset(folder, pc.field("year") == 2022)
    assert chosen == [e["path"] for e in manifest["files"] if e["partition"]["year"] == 2022]
    assert 0 < len(chosen) < len(manifest["files"])
    # a changed file outside the partitions asked for is not even opened …
    other = next(e for e in manifest["files"] if e["partition"]["year"] != 2022)
    path = folder / other["path"]
    path.write_bytes(path.read_bytes()[:-8] + b"\0" * 8)
    got = load_panel(out, filters=[("year", "==", 2022)])
    assert len(got) == sum(e["rows"] for e in manifest["files"]
                           if e["partition"]["year"] == 2022)
    # … but a load that needs it is refused
    with pytest.raises(StoreError, match="sha256 is not the one"):
        load_panel(out)


def test_a_changed_missing_or_shortened_file_is_a_clear_error(
    built: Path, tmp_path: Path
) -> None:
    out = _copy(built, tmp_path / "copy")
    folder = out / "panel"
    first = folder / read_manifest(folder)["files"][0]["path"]
    data = first.read_bytes()
    first.write_bytes(data[:100] + bytes([data[100] ^ 0xFF]) + data[101:])
    with pytest.raises(StoreError, match=r"part-0\.parquet: its sha256 is not the one"):
        load_panel(out)
    first.write_bytes(data[:-1])  # a size check needs no hashing: validate=False too
    with pytest.raises(StoreError, match="its size is not the one"):
        load_panel(out, validate=False)
    first.unlink()
    with pytest.raises(StoreError, match=r"listed in .*_manifest\.json but missing"):
        load_panel(out, validate=False)
    first.write_bytes(data)
    assert len(load_panel(out)) == read_manifest(folder)["rows"]
    (folder / MANIFEST).unlink()
    with pytest.raises(GovstatsError, match=r"has no _manifest\.json"):
        load_panel(out)
    (folder / MANIFEST).write_text('{"format": "something else"}', encoding="utf-8")
    with pytest.raises(StoreError, match="not a manifest of format"):
        load_panel(out)


def test_a_file_the_manifest_does_not_list_is_not_read(built: Path, tmp_path: Path) -> None:
    out = _copy(built, tmp_path / "copy")
    folder = out / "panel"
    first = read_manifest(folder)["files"][0]["path"]
    stray = folder / first.replace("part-0", "part-9")
    stray.write_bytes((folder / first).read_bytes())
    pd.testing.assert_frame_equal(load_panel(out), load_panel(built))


def test_a_folder_with_the_single_file_of_older_builds_still_loads(
    sources: list[Path], built: Path, tmp_path: Path
) -> None:
    whole = load_panel(built)
    old = tmp_path / "old"
    old.mkdir()
    table = pa.Table.from_pandas(whole.astype(object).where(whole.notna(), None),
                                 schema=arrow_schema("panel"), preserve_index=False)
    pq.write_table(table, old / "panel.parquet")
    pd.testing.assert_frame_equal(load_panel(old), whole)
    pd.testing.assert_frame_equal(load_panel(old / "panel.parquet"), whole)
    got = load_panel(old, filters=[("province_code", "==", 33)], columns=["code"])
    assert set(got["code"].str[:2]) == {"33"}
    # a build over that folder replaces the file by the dataset
    build_panel(sources, old, jobs=1, progress=False)
    assert not (old / "panel.parquet").exists() and (old / "panel" / MANIFEST).is_file()
    pd.testing.assert_frame_equal(load_panel(old), whole)


def _batch(rows: list[tuple[str, int | None, str | None]]) -> tuple[pa.RecordBatch, list]:
    """A panel batch of ``rows`` (report id, year, code), one row per report, and its runs."""
    schema = arrow_schema("panel")
    cols = {c: [None] * len(rows) for c in PANEL_COLUMNS}
    cols["report_id"] = [r[0] for r in rows]
    cols["year"] = [r[1] for r in rows]
    cols["code"] = [r[2] for r in rows]
    cols["value"] = [float(k) for k in range(len(rows))]
    cols["derived"] = [False] * len(rows)
    batch = pa.record_batch([pa.array(cols[c], type=schema.field(c).type)
                             for c in PANEL_COLUMNS], schema=schema)
    runs = [(store_mod.partition_key(y, c), k, 1) for k, (_, y, c) in enumerate(rows)]
    return batch, runs


ROWS = [(f"r{k:03d}", [2019, 2020, None][k % 3], ["350100", "310000", None, "3"][k % 4])
        for k in range(60)]


def _write(folder: Path, **bounds: int) -> dict:
    w = DatasetWriter(folder, **bounds)
    for k in range(0, len(ROWS), 7):
        w.write(*_batch(ROWS[k:k + 7]))
    return w.close()


def test_the_writer_bounds_what_waits_and_what_is_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three rows a row group, at most four rows waiting, one file open: the partitions are
    written in many small pieces, still every row once, in its partition, in order."""
    seen = {"pending": 0, "open": 0}
    real = DatasetWriter._emit

    def watch(self, key, table):  # type: ignore[no-untyped-def]
        seen["pending"] = max(seen["pending"], self._pending_total)
        seen["open"] = max(seen["open"], len(self._open))
        return real(self, key, table)

    monkeypatch.setattr(DatasetWriter, "_emit", watch)
    manifest = _write(tmp_path / "small", row_group_rows=3, pending_rows=4, max_open=1,
                      max_row_groups=2)
    assert seen["pending"] <= 4 + 7 and seen["open"] <= 1  # + the batch being added
    parts = [e["path"] for e in manifest["files"]]
    assert any(p.endswith("part-1.parquet") for p in parts)  # a closed partition went on
    for e in manifest["files"]:
        f = pq.ParquetFile(tmp_path / "small" / e["path"])
        assert all(f.metadata.row_group(i).num_rows <= 3 for i in range(f.num_row_groups))
        assert f.num_row_groups <= 2
    got = store_mod.read_table(tmp_path / "small", None, None).to_pydict()
    assert got["report_id"] == [r[0] for r in ROWS]  # the build's order, whatever the files
    assert got["year"] == [r[1] for r in ROWS]
    dataset, _ = open_dataset(tmp_path / "small")
    table = dataset.to_table(columns=["report_id", "province_code"]).to_pydict()
    assert dict(zip(table["report_id"], table["province_code"], strict=True)) == {
        r: int(c[:2]) if c and len(c) >= 2 else None for r, _, c in ROWS}
    one = _write(tmp_path / "one")  # default bounds: one file per partition
    assert all(e["path"].endswith("/part-0.parquet") for e in one["files"])
    keys = {(e["partition"]["year"], e["partition"]["province_code"]) for e in one["files"]}
    assert keys == {(y, int(c[:2]) if c and len(c) >= 2 else None) for _, y, c in ROWS}
    assert (tmp_path / "one" / f"year={NULL_VALUE}" / f"province_code={NULL_VALUE}").is_dir()
    assert read_manifest(tmp_path / "one")["rows"] == len(ROWS)


def test_the_same_rows_give_the_same_bytes(tmp_path: Path) -> None:
    a, b = _write(tmp_path / "a"), _write(tmp_path / "b")
    assert a == b
    for e in a["files"]:
        one, two = tmp_path / "a" / e["path"], tmp_path / "b" / e["path"]
        assert one.read_bytes() == two.read_bytes()
    assert (tmp_path / "a" / MANIFEST).read_bytes() == (tmp_path / "b" / MANIFEST).read_bytes()
    assert json.loads((tmp_path / "a" / MANIFEST).read_text("utf-8")) == a


def test_the_build_writes_with_arrow_on_the_c_allocator_and_restores_the_pool(
    sources: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from govstats.panel import writers

    before = pa.default_memory_pool().backend_name
    seen: list[str] = []
    real = writers.PanelWriter.flush

    def flush(self):  # type: ignore[no-untyped-def]
        seen.append(pa.default_memory_pool().backend_name)
        return real(self)

    monkeypatch.setattr(writers.PanelWriter, "flush", flush)
    build_panel(sources, tmp_path / "out", jobs=1, progress=False)
    assert seen and set(seen) == {"system"}
    assert pa.default_memory_pool().backend_name == before
    with pytest.raises(KeyboardInterrupt), writers.arrow_on_the_c_allocator():
        raise KeyboardInterrupt
    assert pa.default_memory_pool().backend_name == before
