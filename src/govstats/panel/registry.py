"""The jurisdiction registry: every reporting body with a stable id, names over time, level,
parent, GB/T 2260 code and predecessor/successor links (``reference/registry.csv`` and
``reference/registry_names.csv``).

Ids are ASCII and never change when a body is renamed:

* a government whose own GB/T 2260 division it is: ``cn-<code>`` (``cn-371300`` 临沂市人民政府,
  ``cn-350128`` 平潭县人民政府);
* a special zone without a code of its own: ``cn-<host code>-<slug>`` (``cn-350128-ptsyq``
  平潭综合实验区 — a body distinct from 平潭县人民政府 on the same territory);
* a department: ``<parent id>-<slug>`` (``cn-350128-ptsyq-czj`` 平潭综合实验区财政金融局,
  ``cn-310000-bgt`` 上海市人民政府办公厅).  Departments and zones carry their parent's (host's)
  GB/T 2260 code.

A body that is succeeded by another (环境与国土资源局 → 自然资源与生态环境局) keeps its own id;
the two are linked by ``predecessor_id`` / ``successor_id``, never merged silently.

:func:`resolve` turns a printed name into a record.  It tries the registry's names (official,
printed variants, former names, each with valid years), then the name with bracketed notes
removed, then the GB/T 2260 resolver of :mod:`govstats.jurisdiction` (so ``淮安市洪泽区人民政府``
and ``洪泽区人民政府`` both find ``cn-320813``).  A name it cannot place on exactly one body
gives ``None``: nothing is guessed.

>>> from govstats.panel.registry import resolve
>>> resolve("平潭综合实验区农业农村局", 2020).id
'cn-350128-ptsyq-nyj'
>>> resolve("平潭县人民政府").id == resolve("平潭综合实验区").id
False
>>> resolve("走进平潭") is None
True
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..errors import ConfigError
from ..parse.jurisdiction import LEVELS, resolve_jurisdiction
from .fields import field

__all__ = ["ID_PATTERN", "REGISTRY_COLUMNS", "JurisdictionRecord", "NameSpan", "Registry",
           "children", "division_government", "lineage", "record", "records", "registry",
           "resolve"]  # fmt: skip

ID_PATTERN = field("jurisdiction_id").regex or ""  # declared in panel/fields.yaml
KINDS = ("government", "zone", "department")
NAME_KINDS = ("official", "short", "printed", "former")
_REGISTRY = "reference/registry.csv"
_NAMES = "reference/registry_names.csv"
_BRACKETS = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")


@dataclass(frozen=True)
class NameSpan:
    """A name a body was known or printed by, with the years it applies to (None = open)."""

    name: str
    valid_from: int | None
    valid_to: int | None
    kind: str

    def valid_in(self, year: int | None) -> bool:
        if year is None:
            return True
        return (self.valid_from is None or self.valid_from <= year) and (
            self.valid_to is None or year <= self.valid_to
        )


@dataclass(frozen=True)
class JurisdictionRecord:
    """One reporting body of the registry."""

    id: str
    name: str  # the current (or last) official name
    kind: str  # government | zone | department
    level: str  # province | prefecture | county | department | other
    parent_id: str | None
    admin_code: str  # GB/T 2260 (parent's or host's for departments and zones)
    province: str
    valid_from: int | None
    valid_to: int | None
    predecessor_id: str | None
    successor_id: str | None
    names: tuple[NameSpan, ...]
    note: str = ""

    def valid_in(self, year: int | None) -> bool:
        """Whether the body existed (published as itself) in ``year``; open bounds allowed."""
        return NameSpan(self.name, self.valid_from, self.valid_to, "official").valid_in(year)

    def name_in(self, year: int | None) -> str:
        """The official name in ``year`` (a former name when one is recorded for that year)."""
        for span in self.names:
            if span.kind == "former" and year is not None and span.valid_in(year):
                return span.name
        return self.name


def _key(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))


def _year(text: str, where: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not re.fullmatch(r"(19|20)\d{2}", text):
        raise ConfigError(f"{where}: year {text!r} is not a four-digit year")
    return int(text)


def _read(name: str) -> list[dict[str, str]]:
    text = resources.files("govstats").joinpath(name).read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _read_file(path: Path) -> list[dict[str, str]]:
    try:
        text = path.read_text("utf-8-sig")
    except OSError as exc:
        raise ConfigError(f"registry file {path}: {exc.strerror or exc}") from exc
    return list(csv.DictReader(io.StringIO(text)))


#: Columns of a registry file (the bundled ``reference/registry.csv`` and a user's own).
REGISTRY_COLUMNS = (
    "id", "name", "kind", "level", "parent_id", "admin_code", "province", "valid_from",
    "valid_to", "predecessor_id", "successor_id", "note",
)  # fmt: skip


def _load(rows: list[tuple[str, dict[str, str]]], names: list[tuple[str, dict[str, str]]]
          ) -> dict[str, JurisdictionRecord]:
    """Records from registry rows and name rows (each with where it was read), checked."""
    from ..parse.jurisdiction import divisions  # the GB/T 2260 table the resolver reads

    codes = divisions()
    spans: dict[str, list[NameSpan]] = {}
    for where, row in names:
        if row.get("kind") not in NAME_KINDS:
            raise ConfigError(f"{where}: kind {row.get('kind')!r} not one of {NAME_KINDS}")
        spans.setdefault(row["id"], []).append(
            NameSpan(
                _key(row["name"]),
                _year(row.get("valid_from") or "", where),
                _year(row.get("valid_to") or "", where),
                row["kind"],
            )
        )
    out: dict[str, JurisdictionRecord] = {}
    for where, row in rows:
        missing = [c for c in ("id", "name", "kind", "level", "admin_code") if not row.get(c)]
        if missing:
            raise ConfigError(f"{where}: no value for {', '.join(missing)}")
        rid = row["id"]
        if not re.fullmatch(ID_PATTERN, rid):
            raise ConfigError(f"{where}: id {rid!r} does not match {ID_PATTERN}")
        if row["kind"] not in KINDS:
            raise ConfigError(f"{where}: kind {row['kind']!r} not one of {KINDS}")
        if row["level"] not in LEVELS:
            raise ConfigError(f"{where}: level {row['level']!r} not one of {LEVELS}")
        if row["admin_code"] not in codes:
            raise ConfigError(f"{where}: {row['admin_code']!r} is not a GB/T 2260 code")
        vf = _year(row.get("valid_from") or "", where)
        vt = _year(row.get("valid_to") or "", where)
        name = _key(row["name"])
        aliases = [
            NameSpan(_key(a), None, None, "printed")
            for a in (row.get("names") or "").split(";")
            if a.strip()
        ]
        out[rid] = JurisdictionRecord(
            id=rid,
            name=name,
            kind=row["kind"],
            level=row["level"],
            parent_id=row.get("parent_id") or None,
            admin_code=row["admin_code"],
            province=row.get("province") or codes[row["admin_code"]].province,
            valid_from=vf,
            valid_to=vt,
            predecessor_id=row.get("predecessor_id") or None,
            successor_id=row.get("successor_id") or None,
            names=(NameSpan(name, vf, vt, "official"), *aliases, *spans.pop(rid, [])),
            note=row.get("note") or "",
        )
    if spans:
        raise ConfigError(f"{_NAMES}: names for unknown id(s) {sorted(spans)}")
    # a parent named by its division (cn-330523) needs no row: its government is made from
    # the GB/T 2260 table, as for a body no registry knows (and so on up)
    missing = [r.parent_id for r in out.values() if r.parent_id and r.parent_id not in out]
    while missing:
        pid = missing.pop()
        m = re.fullmatch(r"cn-([0-9]{6})", pid)
        gov = division_government(m.group(1)) if m and pid not in out else None
        if gov is not None:
            out[pid] = gov
            if gov.parent_id and gov.parent_id not in out:
                missing.append(gov.parent_id)
    for rec in out.values():
        where = f"registry {rec.id}"
        if rec.parent_id and rec.parent_id not in out:
            raise ConfigError(f"{where}: unknown parent_id {rec.parent_id!r}")
        if rec.kind == "department":
            parent = out.get(rec.parent_id or "")
            if parent is None or parent.admin_code != rec.admin_code:
                raise ConfigError(f"{where}: a department needs a parent with the same admin_code")
            if not rec.id.startswith(parent.id + "-"):
                raise ConfigError(f"{where}: a department's id starts with its parent's id")
        for attr, back in (("predecessor_id", "successor_id"), ("successor_id", "predecessor_id")):
            other_id = getattr(rec, attr)
            if other_id is None:
                continue
            other = out.get(other_id)
            if other is None or getattr(other, back) != rec.id:
                raise ConfigError(
                    f"{where}: {attr} {other_id!r} must exist and link back via {back}"
                )
    return out


def division_government(code: str) -> JurisdictionRecord | None:
    """A record for the government of GB/T 2260 division ``code`` (``cn-<code>``, named
    <division>人民政府, its parent the division above), or None for an unknown code or a
    special zone (which is no division)."""
    from ..parse.jurisdiction import divisions

    div = divisions().get(code)
    if div is None or div.is_zone:
        return None
    name = f"{div.name}人民政府"
    parent = f"cn-{div.parent_code}" if div.parent_code and div.parent_code != code else None
    return JurisdictionRecord(
        id=f"cn-{code}", name=name, kind="government", level=div.level, parent_id=parent,
        admin_code=code, province=div.province, valid_from=None, valid_to=None,
        predecessor_id=None, successor_id=None,
        names=(NameSpan(name, None, None, "official"),),
        note="made from the GB/T 2260 division: not in the registry",
    )  # fmt: skip


class Registry:
    """The bodies a build knows: the bundled registry, plus a user's own registry files,
    whose rows add bodies or replace bundled ones of the same id.

    A user's registry file is a CSV with the columns of ``reference/registry.csv``
    (:data:`REGISTRY_COLUMNS`) and an optional ``names`` column: other names the body is
    printed by, separated by ``;``.
    """

    def __init__(self, files: tuple[Path, ...] = ()) -> None:
        rows = {
            row["id"]: (f"{_REGISTRY} line {i}", row)
            for i, row in enumerate(_read(_REGISTRY), start=2)
        }
        for path in files:
            for i, row in enumerate(_read_file(path), start=2):
                if "id" not in row:
                    raise ConfigError(f"registry file {path}: no id column ({REGISTRY_COLUMNS})")
                rows[row["id"]] = (f"{path} line {i}", row)
        names = [(f"{_NAMES} line {i}", row) for i, row in enumerate(_read(_NAMES), start=2)]
        self.files = files
        self.records = _load(list(rows.values()), names)
        index: dict[str, list[tuple[str, NameSpan]]] = {}
        for rec in self.records.values():
            for span in rec.names:
                index.setdefault(span.name, []).append((rec.id, span))
        self._index = {k: tuple(v) for k, v in index.items()}

    def record(self, rid: str) -> JurisdictionRecord:
        """The record of id ``rid`` (KeyError names the id when unknown)."""
        try:
            return self.records[rid]
        except KeyError:
            raise KeyError(f"no jurisdiction {rid!r} in the registry") from None

    def children(self, rid: str) -> list[JurisdictionRecord]:
        return sorted((r for r in self.records.values() if r.parent_id == rid), key=lambda r: r.id)

    def lineage(self, rid: str) -> list[JurisdictionRecord]:
        first = self.record(rid)
        while first.predecessor_id:
            first = self.record(first.predecessor_id)
        chain = [first]
        while chain[-1].successor_id:
            chain.append(self.record(chain[-1].successor_id))
        return chain

    # ------------------------------------------------------------------ by name

    def by_name(self, name: str, year: int | None) -> set[str]:
        return {rid for rid, span in self._index.get(name, ()) if span.valid_in(year)}

    def by_code(self, code: str | None, level: str | None, year: int | None) -> set[str]:
        """Governments and zones whose division is ``code`` at ``level``."""
        return {
            r.id
            for r in self.records.values()
            if code and r.kind in ("government", "zone") and r.admin_code == code
            and r.level == level and r.valid_in(year)
        }

    def by_department(self, name: str, year: int | None, parent_id: str | None) -> set[str]:
        """Candidates among departments: ``<a name of the parent><short name>``, or the bare
        short name when the parent is given."""
        out = set()
        for rec in self.records.values():
            if rec.kind != "department" or not rec.parent_id or not rec.valid_in(year):
                continue
            if parent_id and rec.parent_id != parent_id:
                continue
            parent = self.records[rec.parent_id]
            for short in _short_names(rec, parent):
                if not name.endswith(short):
                    continue
                prefix = name[: -len(short)]
                if (not prefix and parent_id) or (
                    prefix and self._resolve(prefix, year, None) == parent.id
                ):
                    out.add(rec.id)
        return out

    def _by_division(self, name: str, year: int | None) -> set[str]:
        """Candidates from the GB/T 2260 resolver (a government printed another way)."""
        jur = resolve_jurisdiction(name)
        if jur.is_department or jur.level not in ("province", "prefecture", "county"):
            return set()
        return self.by_code(jur.code, jur.level, year)

    def _resolve(self, name: str, year: int | None, parent_id: str | None) -> str | None:
        for candidates in (
            lambda n: self.by_name(n, year),
            lambda n: self._by_division(n, year),
            lambda n: self.by_department(n, year, parent_id),
        ):
            for variant in dict.fromkeys((name, _BRACKETS.sub("", name))):
                if not variant:
                    continue
                found = candidates(variant)
                if parent_id and len(found) > 1:
                    found = {c for c in found if self.records[c].parent_id == parent_id}
                if len(found) == 1:
                    return found.pop()
                if len(found) > 1:
                    return None  # ambiguous: several bodies carry this name
        return None

    def _hint_id(self, parent_hint: str | None, year: int | None) -> str | None:
        if not parent_hint:
            return None
        if parent_hint in self.records:
            return parent_hint
        rec = self.resolve(parent_hint, year)
        return rec.id if rec else None

    def resolve(
        self, name: str | None, year: int | None = None, parent_hint: str | None = None
    ) -> JurisdictionRecord | None:
        """The record of the body printed as ``name`` (see :func:`resolve`)."""
        if not name or not name.strip():
            return None
        rid = self._resolve(_key(name), year, self._hint_id(parent_hint, year))
        return self.records[rid] if rid else None


@lru_cache(maxsize=8)
def registry(files: tuple[str, ...] = ()) -> Registry:
    """The bundled registry, with the user's registry files ``files`` added (cached)."""
    return Registry(tuple(Path(f) for f in files))


def records() -> dict[str, JurisdictionRecord]:
    """Every record of the bundled registry by id, checked on load."""
    return registry().records


def record(rid: str) -> JurisdictionRecord:
    """The record of id ``rid`` (KeyError names the id when unknown)."""
    return registry().record(rid)


def children(rid: str) -> list[JurisdictionRecord]:
    """Bodies whose parent is ``rid`` (departments of a government), sorted by id."""
    return registry().children(rid)


def lineage(rid: str) -> list[JurisdictionRecord]:
    """The chain of predecessors and successors through ``rid``, earliest first.

    >>> [r.id for r in lineage("cn-350128-ptsyq-zrj")]
    ['cn-350128-ptsyq-hgj', 'cn-350128-ptsyq-zrj']
    """
    return registry().lineage(rid)


def _short_names(rec: JurisdictionRecord, parent: JurisdictionRecord) -> set[str]:
    """A department's names without its parent's name in front (财政金融局)."""
    out = set()
    for span in rec.names:
        for pspan in parent.names:
            if span.name.startswith(pspan.name) and len(span.name) > len(pspan.name):
                out.add(span.name[len(pspan.name) :])
    return out


def resolve(
    name: str | None, year: int | None = None, parent_hint: str | None = None
) -> JurisdictionRecord | None:
    """The registry record of the body printed as ``name`` (in ``year``), or None.

    ``parent_hint`` (a registry id or a printed name of the parent government) narrows a bare
    department name such as ``公安局``.  None is returned when the name matches no body or
    several (the caller reports it; nothing is guessed).

    >>> resolve("洪泽区人民政府（淮安市洪泽区）", 2023).id
    'cn-320813'
    >>> resolve("公安局", 2015, parent_hint="cn-350128-ptsyq").name
    '平潭综合实验区公安局'
    """
    return registry().resolve(name, year, parent_hint)
