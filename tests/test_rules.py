"""The rule files (rules/identities.yaml, checks.yaml, derived.yaml): one model, one loader,
every entry validated on load with an error that names the file and the entry."""

from __future__ import annotations

import pytest

from govstats.catalogue.layouts import regimes
from govstats.catalogue.rules import (
    KINDS,
    checks,
    derivations,
    identities,
    load_derivations,
    load_rules,
    parse_rule,
)
from govstats.errors import ConfigError

ENTRY = {"id": "x", "zh": "x", "en": "x", "left": ["requests.new"], "right": ["requests.new"]}


def test_every_rule_file_loads() -> None:
    assert identities() and derivations()
    # validation checks every identity but those marked validate: false (r0.of_which is
    # checked with its own wording as r0.part_le_parent), then checks.yaml
    checked = [r for r in identities() if r.validate] + list(load_rules("checks.yaml"))
    assert list(checks()) == checked
    ids = [r.id for r in checks()]
    assert "r0.of_which" not in ids and "r0.part_le_parent" in ids
    assert {r.id for r in identities() if r.split} >= {"t3.balance", "t3.applicants"}
    for r in checks():
        assert r.regimes is None or set(r.regimes) <= set(regimes())


def test_errors_name_the_file_and_the_entry() -> None:
    with pytest.raises(ConfigError, match=r"rules/checks.yaml entry 2 \('b'\): unknown kind"):
        load_rules("checks.yaml", text="""
- {id: a, kind: date_impossible, zh: x, en: x}
- {id: b, kind: nope, zh: x, en: x}
""")
    with pytest.raises(ConfigError, match=r"rules/derived.yaml entry 1 \('d'\).*catalogue"):
        load_derivations("- {id: d, regimes: [R3], target: outcome.denied, parts: [no.code]}")
    with pytest.raises(ConfigError, match="must be a list"):
        load_rules("checks.yaml", text="id: a")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"regimes": ["R9"]}, "unknown regime 'R9'"),
        ({"regimes": []}, "regimes must be a non-empty list"),
        ({"severity": "fatal"}, "severity must be one of"),
        ({"op": "<"}, "op must be one of"),
        ({"kind": "sums"}, "unknown kind"),
        ({"applicants": "some"}, "applicants must be one of"),
        ({"right": ["no.such.code"]}, "'no.such.code' is not in the catalogue"),
        ({"left": ["no.such.*"]}, "not in the catalogue"),
        ({"tolerance": -1}, "tolerance must be a number"),
        ({"partial": "yes"}, "partial must be true or false"),
        ({"suffixes": ["cumulative"]}, "suffixes must be"),
        ({"parents": ["proactive.total"]}, "unknown key"),  # not a key of kind sum
        ({"split": True}, "unknown key"),  # only identities.yaml
        ({"zh": ""}, "zh must be a non-empty string"),
        ({"left": [{"code": "requests.new", "year": -1}]}, "for kind xr_linear only"),
    ],
)
def test_a_bad_check_is_rejected(change: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_rule({**ENTRY, **change}, "t")


def test_missing_keys_are_named() -> None:
    with pytest.raises(ConfigError, match=r"missing key\(s\) \['left'\]"):
        parse_rule({k: v for k, v in ENTRY.items() if k != "left"}, "t")
    with pytest.raises(ConfigError, match=r"missing key\(s\) \['regimes'\]"):
        parse_rule(ENTRY, "t", identity=True)


def test_identities_hold_only_the_kinds_the_splitter_knows() -> None:
    entry = {"id": "x", "zh": "x", "en": "x", "regimes": ["R3"], "kind": "text_table"}
    with pytest.raises(ConfigError, match="unknown kind 'text_table'"):
        parse_rule(entry, "t", identity=True)
    rule = parse_rule({**ENTRY, "regimes": ["R3"], "split": True}, "t", identity=True)
    assert rule.split and rule.validate and rule.applies("R3") and not rule.applies("R2")


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"id": "d", "regimes": ["R3"], "target": "outcome.denied"}, r"missing key\(s\)"),
        ({"id": "d", "regimes": ["R3"], "target": "no.code", "parts": ["outcome.denied"]},
         "not in the catalogue"),
        ({"id": "d", "regimes": ["R7"], "target": "outcome.denied", "parts": ["outcome.denied"]},
         "unknown regime"),
        ({"id": "d", "regimes": ["R3"], "target": "outcome.denied", "parts": ["outcome.denied"],
          "applicant": "each"}, "unknown key"),
    ],
)
def test_a_bad_derivation_is_rejected(entry: dict[str, object], message: str) -> None:
    import yaml

    with pytest.raises(ConfigError, match=message):
        load_derivations(yaml.safe_dump([entry]))


XR = {"id": "x", "zh": "x", "en": "x", "kind": "xr_linear",
      "left": [{"code": "requests.carried_in", "year": 0}],
      "right": [{"code": "requests.carried_out", "year": -1}],
      "expected": "carried_in ({year}) = carried_out ({prev_year})"}


def test_a_cross_report_equation_is_one_linear_rule() -> None:
    rule = parse_rule({**XR, "each": ["items.regulations"], "left": [
        {"code": "{x}.in_force", "year": -1}, "{x}.issued", {"code": "{x}.repealed", "coef": -1}],
        "right": ["{x}.in_force"]}, "t")
    assert [(t.code, t.year, t.coef) for t in rule.left] == [
        ("{x}.in_force", -1, 1), ("{x}.issued", 0, 1), ("{x}.repealed", 0, -1)]
    stock = next(r for r in checks() if r.id == "xr.stock_flow")
    assert (stock.kind, stock.left, stock.right) == ("xr_linear", rule.left, rule.right)
    cum = next(r for r in checks() if r.id == "xr.cumulative")
    assert cum.params["each"] == {"printed": "{x}.cumulative"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"left": [{"code": "requests.new", "year": 1}]}, "year must be one of 0, -1"),
        ({"left": [{"code": "requests.new", "coef": 0}]}, "coef must be a non-zero number"),
        ({"left": [{"code": "requests.new", "col": 0}]}, "unknown key"),
        ({"left": ["{x}.issued"]}, "has {x} but the rule has no each"),
        ({"left": ["{x}.issued"], "each": ["items.nothing"]}, "not in the catalogue"),
        ({"left": ["{x}.issued"], "each": {"printed": ".cumulative"}}, "one {x}"),
        ({"left": ["{x}"], "each": {"printed": "{x}.nothing"}}, "no catalogue code matches"),
        ({"left": ["requests.new.*"]}, "not in the catalogue"),
        ({"expected": "{x} ({y})"}, "expected must be a text"),
        ({"partial": True}, "unknown key"),
    ],
)
def test_a_bad_cross_report_equation_is_rejected(change: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_rule({**XR, **change}, "t")
    with pytest.raises(ConfigError, match=r"missing key\(s\) \['expected'\]"):
        parse_rule({k: v for k, v in XR.items() if k != "expected"}, "t")


def test_the_years_of_a_form_are_those_of_its_layout() -> None:
    # declared once, in layouts/*.yaml; checks.yaml keeps only the lenient years
    entry = {"id": "x", "zh": "x", "en": "x", "kind": "structure_outdated"}
    with pytest.raises(ConfigError, match="unknown key"):
        parse_rule({**entry, "years": {"R1": [2014, 2018]}}, "t")
    with pytest.raises(ConfigError, match="lenient R0 must be"):
        parse_rule({**entry, "lenient": {"R0": [2018, 2014]}}, "t")
    with pytest.raises(ConfigError, match="unknown regime"):
        parse_rule({**entry, "lenient": {"R5": [2014, 2018]}}, "t")


def test_every_kind_is_known_to_the_loader() -> None:
    assert {r.kind for r in checks()} <= set(KINDS)
