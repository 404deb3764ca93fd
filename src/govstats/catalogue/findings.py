"""The findings of the read and parse stages as data (``catalogue/findings.yaml``): every
rule id a reader, the mapper or the pipeline emits, with its severity and its English and
Chinese message templates.  :func:`finding` builds a :class:`~govstats.model.Finding` from
a rule id and the parameters its templates name; no stage writes a message of its own.
Validation rules keep theirs in ``rules/checks.yaml``."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from ..errors import ConfigError
from ..model import SEVERITIES, Finding
from ..yamlio import load_yaml

SOURCE = "catalogue/findings.yaml"
_KEYS = frozenset({"severity", "about", "en", "zh"})
_RULE_ID = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+")
_FIELD = re.compile(r"[a-z_][a-z0-9_]*")
# the Finding's own fields, never template parameters
_RESERVED = frozenset({"rule", "case", "indicators", "cells", "expected", "found"})


@dataclass(frozen=True)
class FindingSpec:
    """One entry of the catalogue.  ``en``/``zh`` map a case to its template; a finding
    worded the same in every case has the one case ``""``."""

    rule: str
    severity: str
    about: str
    en: Mapping[str, str]
    zh: Mapping[str, str]

    @property
    def cases(self) -> tuple[str, ...]:
        return tuple(self.en)

    def fields(self, case: str) -> frozenset[str]:
        """The parameter names the templates of ``case`` use."""
        return _fields(self.en[case]) | _fields(self.zh[case])


def _fields(template: str) -> frozenset[str]:
    return frozenset(
        name for _, name, _, _ in string.Formatter().parse(template) if name is not None
    )


def _templates(value: Any, where: str, key: str) -> dict[str, str]:
    if isinstance(value, str):
        return {"": value}
    if isinstance(value, dict) and value and all(
        isinstance(k, str) and _FIELD.fullmatch(k) and isinstance(v, str)
        for k, v in value.items()
    ):
        return dict(value)
    raise ConfigError(
        f"{where}: {key} must be a template string or a mapping case → template string"
    )


def _check_template(template: str, where: str) -> None:
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ConfigError(f"{where}: bad template {template!r}: {exc}") from None
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if not _FIELD.fullmatch(name) or name in _RESERVED:
            raise ConfigError(
                f"{where}: field {{{name}}} must be a plain lower-case name other than "
                f"{sorted(_RESERVED)}"
            )
        if spec or conversion not in (None, "r", "s"):
            raise ConfigError(f"{where}: field {{{name}}}: only !r or !s may follow a name")


def _spec_from(rule: Any, d: Any) -> FindingSpec:
    where = f"{SOURCE}: {rule}"
    if not isinstance(rule, str) or not _RULE_ID.fullmatch(rule):
        raise ConfigError(f"{where}: a rule id is dotted lower-case words (cell.blank)")
    if not isinstance(d, dict):
        raise ConfigError(f"{where}: an entry is a mapping of {sorted(_KEYS)}")
    unknown = set(d) - _KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(_KEYS)}")
    missing = _KEYS - set(d)
    if missing:
        raise ConfigError(f"{where}: missing key(s) {sorted(missing)}")
    if d["severity"] not in SEVERITIES:
        raise ConfigError(f"{where}: severity must be one of {SEVERITIES}, got {d['severity']!r}")
    if not isinstance(d["about"], str) or not d["about"].strip():
        raise ConfigError(f"{where}: about must say when the finding is emitted")
    en = _templates(d["en"], where, "en")
    zh = _templates(d["zh"], where, "zh")
    if list(zh) == [""]:
        zh = dict.fromkeys(en, zh[""])
    elif list(en) == [""] or set(zh) != set(en):
        raise ConfigError(f"{where}: the cases of zh {sorted(zh)} differ from those of en")
    for case, template in (*en.items(), *zh.items()):
        _check_template(template, f"{where} ({case})" if case else where)
    return FindingSpec(rule, d["severity"], d["about"], en, zh)


def parse_catalogue(text: str) -> dict[str, FindingSpec]:
    """The entries of a findings catalogue (YAML text); :class:`ConfigError` names the
    entry that is malformed."""
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{SOURCE}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{SOURCE}: a mapping rule id → entry is expected")
    return {rule: _spec_from(rule, d) for rule, d in data.items()}


@lru_cache(maxsize=1)
def catalogue() -> dict[str, FindingSpec]:
    """Rule id → :class:`FindingSpec`, read once from ``catalogue/findings.yaml``."""
    return parse_catalogue(resources.files("govstats").joinpath(SOURCE).read_text("utf-8"))


def finding(
    rule: str,
    *,
    case: str = "",
    indicators: tuple[str, ...] = (),
    cells: tuple[dict[str, Any], ...] = (),
    expected: str | None = None,
    found: str | None = None,
    **params: Any,
) -> Finding:
    """The finding ``rule`` with its messages filled from ``params`` (every name its
    templates use, and no other); ``case`` picks the wording of a rule worded by case."""
    spec = catalogue().get(rule)
    if spec is None:
        raise KeyError(f"finding {rule!r} is not in {SOURCE}")
    if case not in spec.en:
        raise KeyError(f"finding {rule!r} has no case {case!r}; cases: {list(spec.cases)}")
    wanted = spec.fields(case)
    if set(params) != wanted:
        raise TypeError(
            f"finding {rule!r} takes the parameters {sorted(wanted)}, got {sorted(params)}"
        )
    return Finding(
        rule=rule,
        severity=spec.severity,
        message=spec.en[case].format(**params),
        message_zh=spec.zh[case].format(**params),
        indicators=indicators,
        cells=cells,
        expected=expected,
        found=found,
    )
