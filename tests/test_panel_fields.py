"""The field catalogue (panel/fields.yaml): every column of every file of the build is declared
there once, and the column orders, the Parquet schema, the pandera schema, the categoricals of
load_panel() and data/datapackage.json all come from it."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from govstats.catalogue.indicators import APPLICANTS
from govstats.catalogue.layouts import regime_years, regimes
from govstats.errors import ConfigError
from govstats.model import SEVERITIES
from govstats.panel import (
    CATEGORICAL,
    FINDING_COLUMNS,
    PANEL_COLUMNS,
    REPORT_COLUMNS,
    RESOLVED_COLUMNS,
    SOURCE_COLUMNS,
    STATUSES,
    load_panel,
)
from govstats.panel.crosswalk import COMPARABILITY
from govstats.panel.discover import LOOSE_SUFFIXES
from govstats.panel.fields import (
    TYPES,
    arrow_schema,
    datapackage,
    field,
    fields,
    named_sets,
    pandas_dtype,
    parse_catalogue,
    resource,
    resources,
)
from govstats.panel.registry import ID_PATTERN
from govstats.panel.schema import PANEL_SCHEMA
from govstats.parse.jurisdiction import LEVELS
from govstats.parse.meta import SCOPES

DATA = Path(__file__).resolve().parents[1] / "data"


def _header(path: Path) -> list[str]:
    data = path.read_bytes()
    text = (gzip.decompress(data) if path.suffix == ".gz" else data).decode("utf-8")
    return next(csv.reader(io.StringIO(text)))


def test_every_file_of_the_build_has_the_columns_of_its_resource() -> None:
    assert list(resources()) == ["panel", "reports", "sources", "findings", "resolved"]
    want = {"panel": PANEL_COLUMNS, "reports": REPORT_COLUMNS, "sources": SOURCE_COLUMNS,
            "findings": FINDING_COLUMNS, "resolved": RESOLVED_COLUMNS}  # fmt: skip
    for name, r in resources().items():
        assert r.columns == want[name]
        assert _header(DATA / r.path) == r.columns, r.path
    from govstats.panel.store import dataset_schema, file_schema

    files = sorted((DATA / "panel").rglob("*.parquet"))
    assert files and all(pq.read_schema(p).equals(file_schema()) for p in files)
    # the dataset's columns: the panel's typed as the catalogue says, and the partition key
    schema = dataset_schema()
    assert all(schema.field(f.name).equals(f) for f in arrow_schema("panel"))
    assert schema.names == [*file_schema().names, "year", "province_code"]


def test_every_field_is_typed_described_and_in_some_file() -> None:
    used = {c for r in resources().values() for c in r.columns}
    assert set(fields()) == used
    for f in fields().values():
        assert f.type in TYPES and f.description, f.name
    # a column in several files is one field: same type, pattern and closed set everywhere
    assert resource("panel").fields[0] == resource("reports").fields[0] == field("report_id")


def test_named_sets_are_read_from_their_one_source() -> None:
    assert field("regime").allowed() == regimes() == tuple(regime_years())
    assert field("applicant").allowed() == APPLICANTS
    assert field("level").allowed() == LEVELS
    assert field("comparability").allowed() == COMPARABILITY
    assert field("status").allowed() == STATUSES
    assert field("severity").allowed() == SEVERITIES
    assert field("kind").allowed() == tuple(s.lstrip(".") for s in LOOSE_SUFFIXES)
    assert field("scope").allowed() == SCOPES
    assert set(named_sets) == {"regimes", "applicants", "levels", "comparability", "statuses",
                               "severities", "kinds", "scopes"}  # fmt: skip
    assert field("jurisdiction_id").regex == ID_PATTERN  # the registry's ids: one pattern


def test_the_regime_description_takes_its_years_from_the_layouts() -> None:
    pkg = datapackage()
    regime = next(f for f in pkg["resources"][0]["schema"]["fields"] if f["name"] == "regime")
    for reg, (lo, _) in regime_years().items():
        assert f"{reg} {lo}" in regime["description"]
    assert "{" not in regime["description"]


def test_a_one_column_primary_key_is_unique_and_nullability_is_per_file() -> None:
    by_file = {r["name"]: {f["name"]: f for f in r["schema"]["fields"]}
               for r in datapackage()["resources"]}  # fmt: skip
    assert by_file["reports"]["report_id"]["constraints"]["unique"] is True
    assert by_file["sources"]["report_id"]["constraints"]["unique"] is True
    assert "unique" not in by_file["findings"]["report_id"]["constraints"]  # key (report_id, n)
    assert by_file["panel"]["regime"]["constraints"]["required"] is True  # every value has one
    assert "required" not in by_file["reports"]["regime"].get("constraints", {})


def test_load_panel_dtypes_and_the_pandera_schema_come_from_the_fields() -> None:
    panel = load_panel(validate=False)
    assert list(panel.columns) == PANEL_COLUMNS == list(PANEL_SCHEMA.columns)
    assert CATEGORICAL == ["level", "scope", "province", "regime", "applicant", "unit",
                           "comparability",
                           "status"]  # fmt: skip
    for f in resource("panel").fields:
        dtype = pandas_dtype(f)
        if dtype == "category":
            assert isinstance(panel[f.name].dtype, pd.CategoricalDtype), f.name
        else:
            assert panel[f.name].dtype == pd.Series([], dtype=dtype).dtype, f.name
        assert PANEL_SCHEMA.columns[f.name].nullable == f.nullable, f.name
    PANEL_SCHEMA.validate(panel)


@pytest.mark.parametrize(
    ("column", "bad"),
    [("regime", "R9"), ("indicator", "Requests.New"), ("sha256", "xyz"), ("year", 1999)],
)
def test_the_pandera_schema_rejects_what_the_catalogue_forbids(column: str, bad: object) -> None:
    import pandera.errors

    panel = load_panel(validate=False).head(3).copy()
    if isinstance(panel[column].dtype, pd.CategoricalDtype):
        panel[column] = panel[column].cat.add_categories([bad])
    panel.loc[panel.index[0], column] = bad
    with pytest.raises(pandera.errors.SchemaError):
        PANEL_SCHEMA.validate(panel)


_GOOD = """
package: {name: p, title: t, description: d}
fields:
  a: {type: string, nullable: false, description: A.}
  b: {type: integer, minimum: 0, description: B.}
resources:
  - {name: one, path: one.csv, description: One., fields: [a, b], primary_key: [a]}
"""


def test_a_small_catalogue_parses() -> None:
    cat = parse_catalogue(_GOOD)
    assert cat.resources["one"].columns == ["a", "b"]
    assert cat.fields["b"].nullable and not cat.fields["a"].nullable


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("type: integer", "type: int", "type must be one of"),
        ("minimum: 0", "minimum: 0, colour: red", "unknown key"),
        ("minimum: 0", "values: colours", "unknown set 'colours'"),
        ("fields: [a, b]", "fields: [a]", r"fields \['b'\] are in no resource"),
        ("fields: [a, b]", "fields: [a, b, c]", "'c' is not a field"),
        ("primary_key: [a]", "primary_key: [z]", "key column 'z'"),
        ("nullable: false, description: A.", "nullable: false", "no description"),
    ],
)
def test_a_mistake_in_the_catalogue_names_the_field(old: str, new: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_catalogue(_GOOD.replace(old, new))
