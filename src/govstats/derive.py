"""Derived values: computed from printed parts, marked ``derived=True``, never replacing a
printed value.  Which sums to derive is data (``rules/derived.yaml``)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from .model import Value


@lru_cache(maxsize=1)
def derivations() -> tuple[dict[str, Any], ...]:
    text = resources.files("govstats").joinpath("rules/derived.yaml").read_text("utf-8")
    return tuple(yaml.safe_load(text) or [])


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
