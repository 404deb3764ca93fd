"""Which body published a report: one resolution, from what the parse found.

The parse resolves the printed name against the administrative divisions (GB/T 2260) and the
name's structure (:func:`govstats.parse.jurisdiction.resolve_jurisdiction`): level, the
division's code, the parent government of a department, the province.  :func:`identify`
turns that into a body of the panel:

1. the folder's ``meta.json`` may name the body's registry id (``jurisdiction_id``): it wins;
2. the registry (bundled, plus the user's own registry files) knows the body by one of its
   names, or — for a government — by its division's code and level: its record, with the
   renames, successors and special zones the registry adds;
3. otherwise a body never seen before gets a record made from the parse's resolution: a
   government ``cn-<code>``; a department ``<parent id>-<8 hex>``, the hex digits a hash of
   its own name below the parent's, so the id is stable from report to report;
4. otherwise the name the folder's ``meta.json`` gives (``jurisdiction``) goes through the
   same steps;
5. a body nothing resolves keeps its printed name and gets ``cn-000000-<8 hex>`` (a hash of
   the printed name, or of the report id when nothing is printed), level ``department``
   when the name has a department's structure (else ``other``): the report stays in the
   panel, its body marked unresolved, never dropped from a view or a rate.

>>> from govstats.panel.registry import registry
>>> name = "莆田市卫生健康委员会"
>>> meta = {"jurisdiction": name, "jurisdiction_normalized": name, "level": "department",
...         "admin_code": "350300", "parent": "莆田市", "province": "福建省"}
>>> body = identify(meta, {}, 2021, registry(), "r")
>>> (body.record.id.startswith("cn-350300-"), body.record.parent_id, body.how)
(True, 'cn-350300', 'derived')
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..parse.jurisdiction import department_like, divisions, resolve_jurisdiction
from .registry import JurisdictionRecord, NameSpan, Registry, division_government

__all__ = ["UNRESOLVED_CODE", "Body", "identify"]

#: The division part of the id of a body that nothing resolves.
UNRESOLVED_CODE = "000000"
_GOVERNMENT_LEVELS = ("province", "prefecture", "county")
_BRACKETS = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")


@dataclass(frozen=True)
class Body:
    """The body of a report: its record and how it was found (``registry``, ``derived``
    from the parse's resolution, ``meta.json`` or ``unresolved``)."""

    record: JurisdictionRecord
    how: str


def _key(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))


def _hash8(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def _unique(found: set[str]) -> str | None:
    return next(iter(found)) if len(found) == 1 else None


def _in_registry(reg: Registry, meta: Mapping[str, Any], year: int | None) -> str | None:
    """The registry id of the body the parse resolved, by name or, for a government, by
    its division; None when the registry does not know it (or knows several)."""
    names = [n for n in (meta.get("jurisdiction"), meta.get("jurisdiction_normalized")) if n]
    for name in names:
        for variant in dict.fromkeys((_key(name), _BRACKETS.sub("", _key(name)))):
            if variant and (rid := _unique(reg.by_name(variant, year))):
                return rid
    level, code = meta.get("level"), meta.get("admin_code")
    if level in _GOVERNMENT_LEVELS:
        return _unique(reg.by_code(code, level, year))
    if level == "department" and code:
        parent = _parent_id(reg, meta, year)
        for name in names:
            if rid := _unique(reg.by_department(_key(name), year, parent)):
                return rid
    return None


def _parent_id(reg: Registry, meta: Mapping[str, Any], year: int | None) -> str | None:
    """The registry id of a department's parent (government or zone), if it knows it."""
    parent = meta.get("parent")
    if parent and (rid := _unique(reg.by_name(_key(parent), year))):
        return rid
    code = meta.get("admin_code")
    div = divisions().get(code or "")
    if div is None:
        return None
    return _unique(reg.by_code(code, div.level, year))


def _government(code: str, reg: Registry) -> JurisdictionRecord | None:
    """A record for the government of division ``code``: the registry's, else one made from
    the division table."""
    return reg.records.get(f"cn-{code}") or division_government(code)


def _derived(reg: Registry, meta: Mapping[str, Any], year: int | None) -> JurisdictionRecord | None:
    """A record for a body the registry does not know, from the parse's resolution."""
    level, code = meta.get("level"), meta.get("admin_code")
    if not code:
        return None
    if level in _GOVERNMENT_LEVELS:
        return _government(code, reg)
    if level != "department":
        return None
    name = _key(meta.get("jurisdiction_normalized") or meta.get("jurisdiction") or "")
    parent_id = _parent_id(reg, meta, year)
    parent = reg.records.get(parent_id or "") or _government(code, reg)
    if not name or parent is None:
        return None
    own = name
    for span in parent.names:  # the department's own name, below its parent's
        pname = _BRACKETS.sub("", span.name.removesuffix("人民政府"))
        if pname and own.startswith(pname) and len(own) > len(pname):
            own = own[len(pname) :]
            break
    return JurisdictionRecord(
        id=f"{parent.id}-{_hash8(own)}", name=name, kind="department", level="department",
        parent_id=parent.id, admin_code=parent.admin_code,
        province=parent.province or meta.get("province") or "", valid_from=None, valid_to=None,
        predecessor_id=None, successor_id=None,
        names=(NameSpan(name, None, None, "official"),),
        note="made from the printed name and its parent: not in the registry",
    )  # fmt: skip


def identify(
    meta: Mapping[str, Any],
    sidecar: Mapping[str, Any],
    year: int | None,
    reg: Registry,
    report_id: str,
) -> Body:
    """The body of a report from its parsed metadata ``meta`` (the parse's resolution of the
    printed name), the folder's ``meta.json`` (``sidecar``) and the registry ``reg``."""
    rid = sidecar.get("jurisdiction_id")
    if rid and rid in reg.records:
        return Body(reg.records[rid], "meta.json")
    if rid := _in_registry(reg, meta, year):
        return Body(reg.records[rid], "registry")
    if rec := _derived(reg, meta, year):
        return Body(rec, "derived")
    if name := sidecar.get("jurisdiction"):
        jur = resolve_jurisdiction(str(name))  # a name the parse did not read: resolve it here
        named = {
            "jurisdiction": name, "jurisdiction_normalized": jur.normalized,
            "level": jur.level, "admin_code": jur.code, "parent": jur.parent,
            "province": jur.province,
        }  # fmt: skip
        if rid := _in_registry(reg, named, year):
            return Body(reg.records[rid], "meta.json")
        if rec := _derived(reg, named, year):
            return Body(rec, "meta.json")
    printed = _key(str(meta.get("jurisdiction") or sidecar.get("jurisdiction") or ""))
    # the name's structure still tells a department (某某县卫生健康局) from other bodies
    dept = meta.get("level") == "department" or department_like(printed)
    return Body(
        JurisdictionRecord(
            id=f"cn-{UNRESOLVED_CODE}-{_hash8(printed or report_id)}", name=printed,
            kind="department" if dept else "government",
            level="department" if dept else "other", parent_id=None, admin_code="",
            province=meta.get("province") or "",
            valid_from=None, valid_to=None, predecessor_id=None, successor_id=None,
            names=(NameSpan(printed, None, None, "printed"),),
            note="not resolved: the printed name places the body on no division",
        ),
        "unresolved",
    )
