"""Derived values: computed from printed parts, marked ``derived=True``, never replacing a
printed value.  Which sums to derive is data (``rules/derived.yaml``)."""

from __future__ import annotations

from typing import Any

from ..catalogue.layouts import Layout
from ..model import UnreadCell, Value


def derivations() -> tuple[dict[str, Any], ...]:
    """The entries of ``rules/derived.yaml``, validated on load like every rule file (keys,
    codes in the catalogue, regimes): :func:`govstats.catalogue.rules.derivations`."""
    from ..catalogue.rules import derivations as load  # rules imports digits; keep derive light

    return load()


def resolve_blanks(
    values: list[Value],
    unread: list[UnreadCell],
    layout: Layout | None,
) -> list[Value]:
    """Values of blank cells that the form's own identities determine exactly.

    Counts are never negative, so when an identity (a row's applicants add up to 总计, the
    result rows add up to （七）总计, new + carried in = decisions + carried out, a table-4
    block adds up to its 总计) has all its cells known but some blanks, and the blanks sit
    on one side: a single blank equals the difference, and several blanks whose sum must be
    0 are each 0.  Repeated until nothing changes.  Each value is derived (``derived=True``,
    ``raw`` = what was printed), so a blank is never silently read as 0; a blank that no
    identity determines stays without a value.
    """
    blanks: dict[tuple[str, str], UnreadCell] = {}
    for u in unread:
        if u.status in ("blank", "placeholder"):
            blanks.setdefault((u.indicator, u.applicant), u)
    if layout is None or not blanks:
        return []
    from ..catalogue.rules import split_relations  # rules imports digits; keep derive light

    known: dict[tuple[str, str], int | float] = {
        (v.indicator, v.applicant): v.value for v in values
    }
    table_of = {(v.indicator, v.applicant): v.location.get("table_id") for v in values}
    out: list[Value] = []
    for spec in layout.tables:
        keys = sorted(
            {k for k, t in table_of.items() if t == spec.id}
            | {k for k, u in blanks.items() if u.location.get("table_id") == spec.id}
        )
        if not any(k in blanks for k in keys):
            continue
        index = {k: i for i, k in enumerate(keys)}
        rels = [r for r in split_relations(layout.regime, spec, index) if r.op == "="]
        changed = True
        while changed:
            changed = False
            for rel in rels:
                unknown = [(keys[i], c) for i, c in rel.terms if keys[i] not in known]
                if not unknown:
                    continue
                signs = {c > 0 for _, c in unknown}
                if len(signs) != 1:
                    continue
                rest = sum(c * known[keys[i]] for i, c in rel.terms if keys[i] in known)
                # sum(unknown coefficients * x) = constant - rest, all unknown coefs same sign
                need = (rel.constant - rest) / unknown[0][1]
                if len(unknown) == 1:
                    if need < 0 or not float(need).is_integer():
                        continue
                    solved = {unknown[0][0]: int(need)}
                elif need == 0:
                    solved = {k: 0 for k, _ in unknown}
                else:
                    continue
                for key, val in solved.items():
                    known[key] = val
                    cell = blanks[key]
                    out.append(
                        Value(
                            key[0],
                            key[1],
                            val,
                            None,
                            True,
                            cell.raw.strip(),
                            {
                                **cell.location,
                                "printed": "blank",
                                "rule": rel.name,
                                "derived_from": "the form's identity "
                                + rel.name
                                + " with every other cell known",
                            },
                        )
                    )
                changed = True
    return out


def derive_values(values: list[Value], regime: str | None) -> list[Value]:
    """Derived rows for ``values`` (printed).  A derived row is added only when every part is
    printed and the target itself is not printed for that applicant."""
    have: dict[tuple[str, str], Value] = {(v.indicator, v.applicant): v for v in values}
    out: list[Value] = []
    for d in derivations():
        if regime not in d["regimes"]:
            continue
        applicants = sorted({a for (_, a) in have}) if d.get("applicants") == "each" else ["total"]
        for a in applicants:
            if (d["target"], a) in have:
                continue
            parts = [have.get((p, a)) for p in d["parts"]]
            if any(p is None for p in parts):
                continue
            total = sum(p.value for p in parts if p is not None)
            total = int(total) if float(total).is_integer() else total
            formula = " + ".join(d["parts"])
            v = Value(
                d["target"],
                a,
                total,
                parts[0].unit if parts[0] else None,
                True,
                formula,
                {"derived_from": [p.indicator for p in parts if p is not None], "rule": d["id"]},
            )
            out.append(v)
            have[(d["target"], a)] = v
    return out
