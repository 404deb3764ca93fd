"""The findings catalogue of the read and parse stages (``catalogue/findings.yaml``): every
rule id the readers, the mapper and the pipeline emit is declared there, every entry is
emitted, the file is validated when it is loaded, and messages render as before."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import pytest

from govstats.catalogue.findings import catalogue, finding, parse_catalogue
from govstats.errors import ConfigError

SRC = Path(__file__).resolve().parents[1] / "src" / "govstats"
EMITTERS = sorted(
    [
        *(SRC / "read").rglob("*.py"),
        *(SRC / "parse" / "mapper").glob("*.py"),
        SRC / "parse" / "ocr_evidence.py",
        SRC / "pipeline.py",
    ]
)
RESERVED = {"case", "indicators", "cells", "expected", "found"}


def _module_constants(tree: ast.Module) -> dict[str, ast.expr]:
    out: dict[str, ast.expr] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                out[target.id] = node.value
    return out


def _strings(node: ast.expr, consts: dict[str, ast.expr], where: str) -> list[str]:
    """Every string ``node`` can be: a literal, a module constant, either branch of a
    conditional, any value of a dict literal subscripted."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Name) and node.id in consts:
        return _strings(consts[node.id], consts, where)
    if isinstance(node, ast.IfExp):
        return _strings(node.body, consts, where) + _strings(node.orelse, consts, where)
    if isinstance(node, ast.Subscript):
        table = node.value
        if isinstance(table, ast.Name) and table.id in consts:
            table = consts[table.id]
        if isinstance(table, ast.Dict):
            return [s for v in table.values for s in _strings(v, consts, where)]
    raise AssertionError(f"{where}: a rule id or case must be written out, not computed")


def _calls() -> list[tuple[str, list[str], list[str], set[str] | None]]:
    """(where, rule ids, cases, parameter names or None when splatted) of every
    ``finding(...)`` call of the emitting modules."""
    out = []
    for path in EMITTERS:
        tree = ast.parse(path.read_text("utf-8"))
        consts = _module_constants(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            where = f"{path.relative_to(SRC)}:{node.lineno}"
            assert node.func.id != "Finding", f"{where}: build findings with finding(rule, ...)"
            if node.func.id != "finding":
                continue
            rules = _strings(node.args[0], consts, where)
            case_kw = [k.value for k in node.keywords if k.arg == "case"]
            cases = _strings(case_kw[0], consts, where) if case_kw else [""]
            splat = any(k.arg is None for k in node.keywords)
            names = None if splat else {k.arg for k in node.keywords if k.arg not in RESERVED}
            out.append((where, rules, cases, names))
    return out


def test_every_emitted_rule_is_declared_with_its_cases_and_parameters():
    cat = catalogue()
    calls = _calls()
    assert len(calls) >= 25
    for where, rules, cases, names in calls:
        for rule, case in itertools.product(rules, cases):
            assert rule in cat, f"{where}: {rule!r} is not in catalogue/findings.yaml"
            assert case in cat[rule].en, f"{where}: {rule!r} has no case {case!r}"
            if names is not None:
                assert names == set(cat[rule].fields(case)), (where, rule, case)


def test_every_entry_and_case_is_emitted():
    emitted = {
        (rule, case)
        for _, rules, cases, _ in _calls()
        for rule, case in itertools.product(rules, cases)
    }
    declared = {(rule, case) for rule, spec in catalogue().items() for case in spec.cases}
    assert declared - emitted == set()


def test_no_stage_module_writes_a_finding_inline():
    for path in EMITTERS:
        assert "Finding(" not in path.read_text("utf-8"), path


def test_messages_render_as_the_code_wrote_them():
    f = finding("cell.placeholder", code="requests.new", applicant="total", printed="—",
                indicators=("requests.new",))
    assert (f.rule, f.severity) == ("cell.placeholder", "info")
    assert f.message == "requests.new [total] is printed '—' (kept apart from 0)"
    assert f.message_zh == "单元格印作“—”"
    assert f.indicators == ("requests.new",)
    f = finding("digits.unconfirmed", case="breaks_identity", table_id="t3", n_numbers=2,
                run="40 5", n_cells=3, identity="t3.balance")
    assert f.message == (
        "table t3: 2 numbers printed apart ('40 5') for 3 cells: a blank cell was dropped or "
        "two cells were glued, and its reading breaks t3.balance; not read"
    )
    assert finding("structure.no_values", regime="R2").message == (
        "labels of R2 were found but no table value was read"
    )


def test_finding_refuses_unknown_rules_cases_and_parameters():
    with pytest.raises(KeyError, match=r"cell\.nonsense"):
        finding("cell.nonsense")
    with pytest.raises(KeyError, match="no case"):
        finding("map.unaligned_row", case="other", table=1, table_id="t", printed="x",
                n_cells=1, n_values=1)
    with pytest.raises(TypeError, match="applicant"):
        finding("cell.blank", code="x")
    with pytest.raises(TypeError, match="extra"):
        finding("structure.no_table", extra=1)


GOOD = """
cell.blank:
  severity: info
  about: a blank cell
  en: "{code} is blank"
  zh: 单元格为空白
"""


def test_the_bundled_catalogue_parses_and_a_good_entry_too():
    assert "cell.blank" in catalogue()
    spec = parse_catalogue(GOOD)["cell.blank"]
    assert spec.severity == "info" and spec.cases == ("",) and spec.fields("") == {"code"}


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (GOOD.replace("severity: info", "severity: fatal"), r"cell\.blank: severity"),
        (GOOD + "  note: x\n", r"cell\.blank: unknown key\(s\) \['note'\]"),
        (GOOD.replace("  about: a blank cell\n", ""), r"cell\.blank: missing key\(s\) \['about'\]"),
        (GOOD.replace("{code}", "{code:>5}"), r"cell\.blank: field \{code\}"),
        (GOOD.replace("{code}", "{cells}"), r"cell\.blank: field \{cells\}"),
        (GOOD.replace("{code}", "{code.x}"), r"cell\.blank: field"),
        (GOOD.replace("{code} is blank", "{code is blank"), r"cell\.blank: bad template"),
        (GOOD.replace("cell.blank:", "Cell:"), r"Cell: a rule id"),
        (GOOD.replace("zh: 单元格为空白", "zh: {a: x}"), r"cell\.blank: the cases of zh"),
        (GOOD.replace("en: ", "en: 3 #"), r"cell\.blank: en must be"),
        ("- a\n- b\n", r"a mapping rule id"),
        ("a: [", r"not valid YAML"),
    ],
)
def test_a_malformed_entry_is_a_config_error_naming_it(text, match):
    with pytest.raises(ConfigError, match=match):
        parse_catalogue(text)
