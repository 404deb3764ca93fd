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

from ..errors import ConfigError
from ..parse.jurisdiction import LEVELS, resolve_jurisdiction
from .fields import field

__all__ = ["ID_PATTERN", "JurisdictionRecord", "NameSpan", "children", "lineage", "record",
           "records", "resolve"]  # fmt: skip

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


@lru_cache(maxsize=1)
def records() -> dict[str, JurisdictionRecord]:
    """Every registry record by id, checked on load (raises :class:`ConfigError`)."""
    from ..parse.jurisdiction import divisions  # the GB/T 2260 table the resolver reads

    codes = divisions()
    spans: dict[str, list[NameSpan]] = {}
    for i, row in enumerate(_read(_NAMES), start=2):
        where = f"{_NAMES} line {i}"
        if row["kind"] not in NAME_KINDS:
            raise ConfigError(f"{where}: kind {row['kind']!r} not one of {NAME_KINDS}")
        spans.setdefault(row["id"], []).append(
            NameSpan(
                _key(row["name"]),
                _year(row["valid_from"], where),
                _year(row["valid_to"], where),
                row["kind"],
            )
        )
    out: dict[str, JurisdictionRecord] = {}
    for i, row in enumerate(_read(_REGISTRY), start=2):
        where = f"{_REGISTRY} line {i}"
        rid = row["id"]
        if not re.fullmatch(ID_PATTERN, rid):
            raise ConfigError(f"{where}: id {rid!r} does not match {ID_PATTERN}")
        if rid in out:
            raise ConfigError(f"{where}: duplicate id {rid!r}")
        if row["kind"] not in KINDS:
            raise ConfigError(f"{where}: kind {row['kind']!r} not one of {KINDS}")
        if row["level"] not in LEVELS:
            raise ConfigError(f"{where}: level {row['level']!r} not one of {LEVELS}")
        if row["admin_code"] not in codes:
            raise ConfigError(f"{where}: {row['admin_code']!r} is not a GB/T 2260 code")
        vf, vt = _year(row["valid_from"], where), _year(row["valid_to"], where)
        name = _key(row["name"])
        official = NameSpan(name, vf, vt, "official")
        out[rid] = JurisdictionRecord(
            id=rid,
            name=name,
            kind=row["kind"],
            level=row["level"],
            parent_id=row["parent_id"] or None,
            admin_code=row["admin_code"],
            province=row["province"],
            valid_from=vf,
            valid_to=vt,
            predecessor_id=row["predecessor_id"] or None,
            successor_id=row["successor_id"] or None,
            names=(official, *spans.pop(rid, [])),
            note=row["note"],
        )
    if spans:
        raise ConfigError(f"{_NAMES}: names for unknown id(s) {sorted(spans)}")
    for rec in out.values():
        where = f"{_REGISTRY} {rec.id}"
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


def record(rid: str) -> JurisdictionRecord:
    """The record of id ``rid`` (KeyError names the id when unknown)."""
    try:
        return records()[rid]
    except KeyError:
        raise KeyError(f"no jurisdiction {rid!r} in {_REGISTRY}") from None


def children(rid: str) -> list[JurisdictionRecord]:
    """Bodies whose parent is ``rid`` (departments of a government), sorted by id."""
    return sorted((r for r in records().values() if r.parent_id == rid), key=lambda r: r.id)


def lineage(rid: str) -> list[JurisdictionRecord]:
    """The chain of predecessors and successors through ``rid``, earliest first.

    >>> [r.id for r in lineage("cn-350128-ptsyq-zrj")]
    ['cn-350128-ptsyq-hgj', 'cn-350128-ptsyq-zrj']
    """
    first = record(rid)
    while first.predecessor_id:
        first = record(first.predecessor_id)
    chain = [first]
    while chain[-1].successor_id:
        chain.append(record(chain[-1].successor_id))
    return chain


@lru_cache(maxsize=1)
def _name_index() -> dict[str, tuple[tuple[str, NameSpan], ...]]:
    idx: dict[str, list[tuple[str, NameSpan]]] = {}
    for rec in records().values():
        for span in rec.names:
            idx.setdefault(span.name, []).append((rec.id, span))
    return {k: tuple(v) for k, v in idx.items()}


def _by_name(name: str, year: int | None) -> set[str]:
    return {rid for rid, span in _name_index().get(name, ()) if span.valid_in(year)}


def _hint_id(parent_hint: str | None, year: int | None) -> str | None:
    if not parent_hint:
        return None
    if parent_hint in records():
        return parent_hint
    rec = resolve(parent_hint, year)
    return rec.id if rec else None


def _short_names(rec: JurisdictionRecord, parent: JurisdictionRecord) -> set[str]:
    """A department's names without its parent's name in front (财政金融局)."""
    out = set()
    for span in rec.names:
        for pspan in parent.names:
            if span.name.startswith(pspan.name) and len(span.name) > len(pspan.name):
                out.add(span.name[len(pspan.name) :])
    return out


def _by_division(name: str, year: int | None) -> set[str]:
    """Candidates from the GB/T 2260 resolver (a government printed another way)."""
    jur = resolve_jurisdiction(name)
    if jur.is_department or jur.code is None or jur.level not in ("province", "prefecture",
                                                                    "county"):  # fmt: skip
        return set()
    return {
        r.id
        for r in records().values()
        if r.kind in ("government", "zone")
        and r.admin_code == jur.code
        and r.level == jur.level
        and r.valid_in(year)
    }


def _by_department(name: str, year: int | None, parent_id: str | None) -> set[str]:
    """Candidates among departments: ``<a name of the parent><short name>``, or the bare
    short name when the parent is given."""
    out = set()
    for rec in records().values():
        if rec.kind != "department" or not rec.parent_id or not rec.valid_in(year):
            continue
        if parent_id and rec.parent_id != parent_id:
            continue
        parent = records()[rec.parent_id]
        for short in _short_names(rec, parent):
            if not name.endswith(short):
                continue
            prefix = name[: -len(short)]
            if (not prefix and parent_id) or (prefix and _resolve(prefix, year, None) == parent.id):
                out.add(rec.id)
    return out


def _resolve(name: str, year: int | None, parent_id: str | None) -> str | None:
    for candidates in (
        lambda n: _by_name(n, year),
        lambda n: _by_division(n, year),
        lambda n: _by_department(n, year, parent_id),
    ):
        for variant in dict.fromkeys((name, _BRACKETS.sub("", name))):
            if not variant:
                continue
            found = candidates(variant)
            if parent_id and len(found) > 1:
                found = {c for c in found if records()[c].parent_id == parent_id}
            if len(found) == 1:
                return found.pop()
            if len(found) > 1:
                return None  # ambiguous: several bodies carry this name
    return None


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
    if not name or not name.strip():
        return None
    key = _key(name)
    rid = _resolve(key, year, _hint_id(parent_hint, year))
    return records()[rid] if rid else None
