"""The field catalogue (``panel/fields.yaml``) and everything generated from it.

Every column of every file the build writes is declared once, in ``fields.yaml``: its type,
whether it may be empty, its pattern or closed set of values, its description.  From it come
the column order of each file (:data:`PANEL_COLUMNS`, :data:`REPORT_COLUMNS`,
:data:`SOURCE_COLUMNS`, :data:`FINDING_COLUMNS`), the Parquet schema of the writer
(:func:`arrow_schema`), the dtypes and categoricals of :func:`govstats.panel.load_panel`
(:func:`pandas_dtype`, :data:`CATEGORICAL`), the pandera schema (:func:`pandera_schema`) and
``data/datapackage.json`` (:func:`datapackage_json`, :func:`write_datapackage`).

Closed sets of values may be named (``values: regimes``); a name is resolved here from the one
place the set is declared (the layouts, the indicator catalogue, the crosswalk…).

>>> PANEL_COLUMNS[:3]
['report_id', 'jurisdiction_id', 'jurisdiction']
>>> field("regime").allowed()
('R0', 'R1', 'R2', 'R3')
"""

from __future__ import annotations

import importlib.resources
import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError, GovstatsError
from ..yamlio import load_yaml

if TYPE_CHECKING:
    import pandera.pandas as pa
    import pyarrow

__all__ = [
    "CATEGORICAL",
    "DATAPACKAGE",
    "FINDING_COLUMNS",
    "PANEL_COLUMNS",
    "PANEL_CSV",
    "PANEL_DATASET",
    "PANEL_PARQUET",
    "REPORT_COLUMNS",
    "RESOLVED_COLUMNS",
    "SOURCE_COLUMNS",
    "TYPES",
    "Catalogue",
    "Field",
    "Resource",
    "arrow_schema",
    "check_datapackage",
    "datapackage",
    "datapackage_json",
    "field",
    "fields",
    "named_sets",
    "pandas_dtype",
    "pandera_schema",
    "parse_catalogue",
    "resource",
    "resources",
    "write_datapackage",
]

_FILE = "panel/fields.yaml"
DATAPACKAGE = "datapackage.json"
#: the field types of the catalogue (Frictionless names)
TYPES = ("string", "integer", "number", "boolean")
_FIELD_KEYS = {"type", "categorical", "nullable", "pattern", "values", "minimum", "maximum",
               "label", "description"}  # fmt: skip
_RESOURCE_KEYS = {"name", "path", "dataset", "description", "fields", "primary_key",
                  "foreign_keys"}
_COLUMN_KEYS = {"nullable"}


def _regimes() -> tuple[str, ...]:
    from ..catalogue.layouts import regimes

    return regimes()


def _applicants() -> tuple[str, ...]:
    from ..catalogue.indicators import APPLICANTS

    return APPLICANTS


def _levels() -> tuple[str, ...]:
    from ..parse.jurisdiction import LEVELS

    return LEVELS


def _comparability() -> tuple[str, ...]:
    from .crosswalk import COMPARABILITY

    return COMPARABILITY


def _statuses() -> tuple[str, ...]:
    from .build import STATUSES

    return STATUSES


def _severities() -> tuple[str, ...]:
    from ..model import SEVERITIES

    return SEVERITIES


def _scopes() -> tuple[str, ...]:
    from ..parse.meta import SCOPES

    return SCOPES


def _kinds() -> tuple[str, ...]:
    from .discover import LOOSE_SUFFIXES

    return tuple(s.lstrip(".") for s in LOOSE_SUFFIXES)


#: the named closed sets a field's ``values`` may refer to, each read from its one source
named_sets: Mapping[str, Callable[[], tuple[str, ...]]] = {
    "regimes": _regimes,
    "applicants": _applicants,
    "levels": _levels,
    "comparability": _comparability,
    "statuses": _statuses,
    "severities": _severities,
    "kinds": _kinds,
    "scopes": _scopes,
}


@dataclass(frozen=True)
class Field:
    """One column as ``fields.yaml`` declares it."""

    name: str
    type: str  # one of TYPES
    description: str
    nullable: bool = True
    categorical: bool = False
    pattern: str | None = None  # matches the whole value
    values: tuple[str, ...] | str | None = None  # a closed set, or the name of one
    minimum: int | None = None
    maximum: int | None = None
    label_zh: str | None = None
    label_en: str | None = None

    @property
    def regex(self) -> str | None:
        """:attr:`pattern` anchored at both ends (for ``re.match`` and pandera)."""
        return None if self.pattern is None else f"^(?:{self.pattern})$"

    def allowed(self) -> tuple[str, ...] | None:
        """The closed set of values (a named set resolved), or None."""
        if isinstance(self.values, str):
            return tuple(named_sets[self.values]())
        return self.values

    def text(self) -> str:
        """The description with ``{regime_years}`` filled in from the layouts."""
        if "{regime_years}" not in self.description:
            return self.description
        from ..catalogue.layouts import regime_years

        years = ", ".join(
            f"{reg} {lo}–{hi}" if hi < 9999 else f"{reg} {lo}+"
            for reg, (lo, hi) in regime_years().items()
        )
        return self.description.replace("{regime_years}", years)


@dataclass(frozen=True)
class Resource:
    """One file the build writes: its columns in order (each a :class:`Field`, with the
    file's own nullability), keys and description."""

    name: str
    path: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[tuple[str, str, str], ...] = ()  # (column, resource, its column)
    dataset: str | None = None  # a folder: the same rows as a partitioned Parquet dataset

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]


def _text(value: Any) -> str:
    return " ".join(str(value).split())


def _check_keys(d: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = set(d) - allowed
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(allowed)}")


def _field(name: str, spec: Mapping[str, Any]) -> Field:
    where = f"{_FILE} field {name!r}"
    if not isinstance(spec, Mapping):
        raise ConfigError(f"{where}: expected a mapping")
    _check_keys(spec, _FIELD_KEYS, where)
    if spec.get("type") not in TYPES:
        raise ConfigError(f"{where}: type must be one of {TYPES}, got {spec.get('type')!r}")
    if not spec.get("description"):
        raise ConfigError(f"{where}: no description")
    values = spec.get("values")
    if isinstance(values, str):
        if values not in named_sets:
            raise ConfigError(f"{where}: unknown set {values!r}; named sets: {sorted(named_sets)}")
    elif values is not None:
        values = tuple(str(v) for v in values)
    pattern = spec.get("pattern")
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"{where}: bad pattern {pattern!r}: {exc}") from None
    label = spec.get("label") or {}
    return Field(
        name=name,
        type=spec["type"],
        description=_text(spec["description"]),
        nullable=bool(spec.get("nullable", True)),
        categorical=bool(spec.get("categorical", False)),
        pattern=pattern,
        values=values,
        minimum=spec.get("minimum"),
        maximum=spec.get("maximum"),
        label_zh=label.get("zh"),
        label_en=label.get("en"),
    )


def _resource(spec: Mapping[str, Any], table: Mapping[str, Field]) -> Resource:
    where = f"{_FILE} resource {spec.get('name')!r}"
    _check_keys(spec, _RESOURCE_KEYS, where)
    cols: list[Field] = []
    for item in spec.get("fields") or []:
        name, override = (item, {}) if isinstance(item, str) else next(iter(item.items()))
        if name not in table:
            raise ConfigError(f"{where}: column {name!r} is not a field of {_FILE}")
        _check_keys(override, _COLUMN_KEYS, f"{where} column {name!r}")
        cols.append(replace(table[name], **override))
    names = [c.name for c in cols]
    if len(set(names)) != len(names):
        raise ConfigError(f"{where}: a column is listed twice")
    keys = tuple(spec.get("primary_key") or ())
    foreign = []
    for col, target in (spec.get("foreign_keys") or {}).items():
        other, _, other_col = str(target).partition(".")
        foreign.append((col, other, other_col))
    for col in (*keys, *(f[0] for f in foreign)):
        if col not in names:
            raise ConfigError(f"{where}: key column {col!r} is not one of its columns")
    return Resource(
        name=spec["name"],
        path=spec["path"],
        description=_text(spec["description"]),
        fields=tuple(cols),
        primary_key=keys,
        foreign_keys=tuple(foreign),
        dataset=spec.get("dataset"),
    )


@dataclass(frozen=True)
class Catalogue:
    """A parsed field catalogue: the package's metadata, the fields, the resources."""

    package: Mapping[str, Any]
    fields: Mapping[str, Field]
    resources: Mapping[str, Resource]


def parse_catalogue(text: str) -> Catalogue:
    """Parse and check the text of a field catalogue (raises :class:`ConfigError` naming the
    field or resource at fault: an unknown key, type or named set, a bad pattern, a column that
    is not a field, a field in no file, a key that is not a column)."""
    data = load_yaml(text) or {}
    table = {name: _field(name, spec) for name, spec in (data.get("fields") or {}).items()}
    res: dict[str, Resource] = {}
    for spec in data.get("resources") or []:
        r = _resource(spec, table)
        if r.name in res:
            raise ConfigError(f"{_FILE}: resource {r.name!r} declared twice")
        res[r.name] = r
    for r in res.values():
        for col, other, other_col in r.foreign_keys:
            if other not in res or other_col not in res[other].columns:
                raise ConfigError(f"{_FILE} resource {r.name!r}: foreign key {col!r} refers to "
                                  f"{other}.{other_col}, which is not declared")  # fmt: skip
    used = {c for r in res.values() for c in r.columns}
    unused = sorted(set(table) - used)
    if unused:
        raise ConfigError(f"{_FILE}: fields {unused} are in no resource")
    return Catalogue(dict(data.get("package") or {}), table, res)


@lru_cache(maxsize=1)
def _catalogue() -> Catalogue:
    return parse_catalogue(importlib.resources.files("govstats").joinpath(_FILE).read_text("utf-8"))


def fields() -> dict[str, Field]:
    """Every field of the catalogue, by name (as declared, before a file's own nullability)."""
    return dict(_catalogue().fields)


def field(name: str) -> Field:
    """One field of the catalogue (raises :class:`KeyError` for an unknown name)."""
    return _catalogue().fields[name]


def resources() -> dict[str, Resource]:
    """Every file of the build, by resource name, in the order of ``datapackage.json``."""
    return dict(_catalogue().resources)


def resource(name: str) -> Resource:
    """One file of the build, by resource name (``panel``, ``reports``, ``sources``,
    ``findings``)."""
    return _catalogue().resources[name]


PANEL_COLUMNS = resource("panel").columns
REPORT_COLUMNS = resource("reports").columns
SOURCE_COLUMNS = resource("sources").columns
FINDING_COLUMNS = resource("findings").columns
RESOLVED_COLUMNS = resource("resolved").columns
#: the panel as gzipped CSV (the same rows as the dataset)
PANEL_CSV = resource("panel").path
#: the folder of the panel as a Parquet dataset partitioned by year and province, with its
#: manifest (:mod:`govstats.panel.store`; typed; what load_panel() reads first)
PANEL_DATASET = resource("panel").dataset or "panel"
#: the single Parquet file of the panel written by builds before the dataset (still loaded;
#: a build removes it)
PANEL_PARQUET = "panel.parquet"
#: the columns of the panel that :func:`govstats.panel.load_panel` gives as categories
CATEGORICAL = [f.name for f in resource("panel").fields if f.categorical]


# --------------------------------------------------------------------------- generated schemas


def pandas_dtype(f: Field) -> Any:
    """The dtype of ``f`` in :func:`govstats.panel.load_panel`."""
    if f.categorical:
        return "category"
    return {"string": "string", "integer": "Int64", "number": "float64", "boolean": bool}[f.type]


def arrow_schema(name: str = "panel") -> pyarrow.Schema:
    """The pyarrow schema of resource ``name`` as the Parquet writer writes it (categorical
    columns are dictionary-encoded strings)."""
    import pyarrow as pa

    types = {"string": pa.string(), "integer": pa.int32(), "number": pa.float64(),
             "boolean": pa.bool_()}  # fmt: skip
    return pa.schema([(f.name, types[f.type]) for f in resource(name).fields])


def pandera_schema(name: str = "panel") -> pa.DataFrameSchema:
    """The pandera schema of resource ``name`` as :func:`govstats.panel.load_panel` gives it:
    the columns in order and nothing else, each with its dtype, nullability, pattern, closed
    set and bounds."""
    import pandera.pandas as pa

    columns = {}
    for f in resource(name).fields:
        checks = []
        if f.regex:
            checks.append(pa.Check.str_matches(f.regex))
        allowed = f.allowed()
        if allowed is not None:
            checks.append(pa.Check.isin(list(allowed)))
        if f.minimum is not None and f.maximum is not None:
            checks.append(pa.Check.in_range(f.minimum, f.maximum))
        elif f.minimum is not None:
            checks.append(pa.Check.ge(f.minimum))
        elif f.maximum is not None:
            checks.append(pa.Check.le(f.maximum))
        columns[f.name] = pa.Column(pandas_dtype(f), checks=checks, nullable=f.nullable)
    return pa.DataFrameSchema(columns, strict=True, ordered=True, name=f"govstats {name}")


# --------------------------------------------------------------------------- datapackage.json


def _frictionless_field(f: Field, unique: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"name": f.name, "type": f.type, "description": f.text()}
    constraints: dict[str, Any] = {}
    if not f.nullable:
        constraints["required"] = True
    if unique:
        constraints["unique"] = True
    if f.pattern is not None:
        constraints["pattern"] = f.pattern
    allowed = f.allowed()
    if allowed is not None:
        constraints["enum"] = list(allowed)
    if f.minimum is not None:
        constraints["minimum"] = f.minimum
    if f.maximum is not None:
        constraints["maximum"] = f.maximum
    if constraints:
        out["constraints"] = constraints
    return out


def datapackage() -> dict[str, Any]:
    """The Frictionless data package describing the files of the build, as a dict."""
    package, res = _catalogue().package, _catalogue().resources
    out: dict[str, Any] = {
        "name": package["name"],
        "title": package["title"],
        "description": _text(package["description"]),
        "licenses": [dict(lic) for lic in package.get("licenses", [])],
        "resources": [],
    }
    for r in res.values():
        unique = r.primary_key[0] if len(r.primary_key) == 1 else None
        schema: dict[str, Any] = {
            "fields": [_frictionless_field(f, f.name == unique) for f in r.fields],
            "missingValues": [""],
        }
        if r.primary_key:
            schema["primaryKey"] = list(r.primary_key)
        if r.foreign_keys:
            schema["foreignKeys"] = [
                {"fields": col, "reference": {"resource": other, "fields": other_col}}
                for col, other, other_col in r.foreign_keys
            ]
        entry: dict[str, Any] = {"name": r.name, "path": r.path}
        if r.path.endswith(".gz"):
            entry["compression"] = "gz"
        entry |= {"format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                  "description": r.description, "schema": schema}  # fmt: skip
        out["resources"].append(entry)
    return out


def _dump(value: Any, depth: int = 0, key: str | None = None) -> str:
    """JSON with one line per field, key and licence (readable diffs), nesting indented."""

    def inline(v: Any) -> str:
        return json.dumps(v, ensure_ascii=False)

    pad = "  " * depth
    if isinstance(value, dict):
        items = [f"{pad}  {inline(k)}: {_dump(v, depth + 1, k)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list):
        if key == "licenses" or not any(isinstance(v, dict | list) for v in value):
            return inline(value)
        if key in ("fields", "foreignKeys"):
            return "[\n" + ",\n".join(f"{pad}  {inline(v)}" for v in value) + f"\n{pad}]"
        return "[\n" + ",\n".join(f"{pad}  {_dump(v, depth + 1)}" for v in value) + f"\n{pad}]"
    return inline(value)


def datapackage_json() -> str:
    """The text of ``datapackage.json`` (deterministic: the same catalogue gives the same
    bytes)."""
    return _dump(datapackage()) + "\n"


def write_datapackage(folder: str | Path) -> Path:
    """Write ``folder/datapackage.json`` from the catalogue (creating ``folder``); returns its
    path."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    path = Path(folder) / DATAPACKAGE
    tmp = path.with_name(f".{DATAPACKAGE}.tmp")
    tmp.write_text(datapackage_json(), encoding="utf-8", newline="\n")
    os.replace(tmp, path)  # atomic: a reader sees the old file or the new one
    return path


def check_datapackage(path: str | Path) -> None:
    """Check that a ``datapackage.json`` describes the columns the build writes, in order
    (raises :class:`GovstatsError` naming the resource and fields)."""
    pkg = json.loads(Path(path).read_text("utf-8"))
    got = {r["name"]: r for r in pkg.get("resources", [])}
    for name, r in _catalogue().resources.items():
        if name not in got:
            raise GovstatsError(f"{path}: no resource {name!r}")
        described = [f["name"] for f in got[name]["schema"]["fields"]]
        if described != r.columns:
            raise GovstatsError(
                f"{path}: resource {name!r} describes fields {described}, the build writes "
                f"{r.columns}"
            )
