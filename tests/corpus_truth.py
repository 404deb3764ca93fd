"""Compare a parsed report with a corpus folder's hand-read ``truth.json``.

The mapping from truth keys to indicator codes follows ``../shared/corpus/README.md``.
``expected(truth, meta)`` yields (what, indicator, applicant, value) for every number the
truth records; ``compare(report, truth, complete)`` returns (matched, missing, wrong) lists.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from govstats.catalogue.layouts import layout_for
from govstats.normalize import normalize_label

T4 = [
    f"{block}.{part}"
    for block in ("review", "litigation.direct", "litigation.after_review")
    for part in ("upheld", "corrected", "other", "pending", "total")
]

T3_KEYS = {
    "granted": "outcome.granted",
    "partial": "outcome.partial",
    "processed_total": "outcome.total",
    "carried_to_next_year": "requests.carried_out",
    "no_such_info": "outcome.unable.not_held",
    "not_held": "outcome.unable.not_held",
    "repeat": "outcome.not_processed.repeat",
    "repeat_request": "outcome.not_processed.repeat",
    "other_processing": "outcome.other",
    "other_handling": "outcome.other",
    "other_processing_other": "outcome.other.other",
    "other": "outcome.other.other",
    "enforcement_file": "outcome.denied.enforcement_file",
    "withheld_law_enforcement_file": "outcome.denied.enforcement_file",
    "need_new_creation": "outcome.unable.need_creation",
    "no_ready_made": "outcome.unable.need_creation",
    "overdue_no_correction": "outcome.other.no_amend",
    "other_no_supplement": "outcome.other.no_amend",
    "overdue_fee": "outcome.other.no_fee",
    "other_unpaid_fee": "outcome.other.no_fee",
    "process_info": "outcome.denied.process_info",
    "refused_process_info": "outcome.denied.process_info",
    "unclear_after_correction": "outcome.unable.unclear",
    "internal_affairs": "outcome.denied.internal_affairs",
    "refused_internal_affairs": "outcome.denied.internal_affairs",
    "petition_type": "outcome.not_processed.petition",
    "not_processed_complaint": "outcome.not_processed.petition",
    "admin_query": "outcome.denied.admin_query",
    "refused_admin_query": "outcome.denied.admin_query",
    "state_secret": "outcome.denied.state_secret",
    "refused_state_secret": "outcome.denied.state_secret",
    "third_party": "outcome.denied.third_party",
    "withheld_third_party": "outcome.denied.third_party",
    "not_disclosed": "outcome.denied",
    "unable_to_provide": "outcome.unable",
    "not_processed": "outcome.not_processed",
    "publication": "outcome.not_processed.publication",
    "abusive": "outcome.not_processed.massive",
    "confirm_reissue": "outcome.not_processed.confirm",
    # the key names of the 莆田 truth files
    "new": "requests.new",
    "carried_in": "requests.carried_in",
    "denied_state_secret": "outcome.denied.state_secret",
    "denied_other_law": "outcome.denied.other_law",
    "denied_three_safety": "outcome.denied.security_stability",
    "denied_third_party": "outcome.denied.third_party",
    "denied_internal_affairs": "outcome.denied.internal_affairs",
    "denied_process_info": "outcome.denied.process_info",
    "denied_enforcement_file": "outcome.denied.enforcement_file",
    "denied_administrative_query": "outcome.denied.admin_query",
    "unable_not_held": "outcome.unable.not_held",
    "unable_need_new_creation": "outcome.unable.need_creation",
    "unable_unclear_after_correction": "outcome.unable.unclear",
    "not_processed_petition": "outcome.not_processed.petition",
    "not_processed_repeat": "outcome.not_processed.repeat",
    "not_processed_publication": "outcome.not_processed.publication",
    "not_processed_mass_repeat": "outcome.not_processed.massive",
    "not_processed_confirm": "outcome.not_processed.confirm",
    "other_overdue_correction": "outcome.other.no_amend",
    "other_overdue_fee": "outcome.other.no_fee",
    "other_other": "outcome.other.other",
}
# R2 prints （六）其他处理 as one row: its "other" is the row itself, not R3's sub-row 3.其他
T3_KEYS_R2 = {"other": "outcome.other"}
APPLICANT_KEYS = {
    "自然人": "natural_person",
    "商业企业": "commercial",
    "科研机构": "research",
    "社会公益组织": "social_welfare",
    "法律服务机构": "legal_service",
    "其他": "other_org",
    "总计": "total",
}
T2_ROWS = {
    "规章": "items.regulations",
    "行政规范性文件": "items.normative_docs",
    "规范性文件": "items.normative_docs",
    "行政许可": "items.licensing",
    "其他对外管理服务事项": "items.other_services",
    "行政处罚": "items.penalties",
    "行政强制": "items.enforcement",
    "行政事业性收费": "items.fees",
    "行政事业性收费_万元": "items.fees",
    "政府集中采购": "items.procurement",
}
T2_COLS = {
    "R2": {
        "items.regulations": ["new_made", "new_published", "public_total"],
        "items.normative_docs": ["new_made", "new_published", "public_total"],
        "items.fees": ["prev_items", "change"],
        "items.procurement": ["projects", "amount"],
    },
    "R3": {
        "items.regulations": ["issued", "repealed", "in_force"],
        "items.normative_docs": ["issued", "repealed", "in_force"],
        "items.fees": ["amount"],
    },
}
R2_ITEMS = ["prev_items", "change", "decisions"]


def _r0_code(label: str) -> str | None:
    label = label.split("(")[0].split("[")[0].replace("_元", "")
    plain = normalize_label(label)
    exact = normalize_label(label, keep_parens=True)
    for lay in layout_for("R0"):
        for _, row in lay.all_rows:
            if row.labels.equals(plain, exact):
                return row.code
    return None


def expected(
    truth: dict[str, Any], regime: str | None
) -> Iterator[tuple[str, str, str, int | float]]:
    """(truth key, indicator, applicant, value) for each number the truth records."""
    simple = {
        "requests_received": "requests.new",
        "requests_carried_over": "requests.carried_in",
        "proactive_total": "proactive.total",
        "proactive_total_cumulative": "proactive.total.cumulative",
    }
    for part in ("total", "upheld", "corrected", "other", "pending"):
        simple[f"review_{part}"] = f"review.{part}"
        simple[f"litigation_{part}"] = f"litigation.{part}"
    for key, code in simple.items():
        v = truth.get(key)
        if isinstance(v, int | float) and not isinstance(v, bool):
            yield key, code, "total", v
    raw4 = truth.get("table4_raw")
    if isinstance(raw4, list) and len(raw4) == 15:
        for code, v in zip(T4, raw4, strict=True):
            if isinstance(v, int | float):
                yield "table4_raw", code, "total", v
    t3_keys = {**T3_KEYS, **T3_KEYS_R2} if regime == "R2" else T3_KEYS
    for key, v in (truth.get("table3_totals") or {}).items():
        if key in t3_keys and isinstance(v, int | float) and not isinstance(v, bool):
            yield f"table3_totals.{key}", t3_keys[key], "total", v
    for key, v in (truth.get("table3_applicant_columns_new") or {}).items():
        if key in APPLICANT_KEYS and isinstance(v, int | float):
            yield f"table3_applicant_columns_new.{key}", "requests.new", APPLICANT_KEYS[key], v
    for label, vals in (truth.get("old_table_rows") or {}).items():
        code = _r0_code(label)
        if code is None or not isinstance(vals, list):
            continue
        for suffix, v in zip(("", ".cumulative"), vals, strict=False):
            if isinstance(v, int | float) and not isinstance(v, bool):
                yield f"old_table_rows.{label}", code + suffix, "total", v
    for label, vals in (truth.get("table2") or {}).items():
        row = T2_ROWS.get(label)
        if row is None or not isinstance(vals, list) or regime not in T2_COLS:
            continue
        cols = T2_COLS[regime].get(row, R2_ITEMS if regime == "R2" else ["decisions"])
        for col, v in zip(cols, vals, strict=False):
            if isinstance(v, int | float) and not isinstance(v, bool):
                yield f"table2.{label}", f"{row}.{col}", "total", v


def compare(
    report: Any, truth: dict[str, Any], complete: bool = True
) -> tuple[list[str], list[str], list[str]]:
    """(ok, missing, wrong) tags of the truth figures against the report's values.

    For a report whose tables are cut off (``complete`` False in its meta.json) a figure the
    table does not print may come from the prose: it is ok when ``report.narrative`` states it.
    """
    have: dict[tuple[str, str], list[Any]] = {}
    for v in report.value_list:
        have.setdefault((v.indicator, v.applicant), []).append(v)
    stated: dict[tuple[str, str], list[float]] = {}
    if not complete:
        for f in report.narrative_list:
            stated.setdefault((f.indicator, "total"), []).append(float(f.value))
    ok, missing, wrong = [], [], []
    seen: set[tuple[str, str, Any]] = set()
    for key, code, applicant, value in expected(truth, report.meta.get("regime")):
        if (code, applicant, value) in seen:
            continue
        seen.add((code, applicant, value))
        got = have.get((code, applicant))
        tag = f"{key} → {code}[{applicant}] = {value}"
        if not got:
            if any(abs(x - float(value)) < 1e-9 for x in stated.get((code, applicant), [])):
                ok.append(f"{tag} (narrative)")
            else:
                missing.append(tag)
        elif any(abs(float(g.value) - float(value)) < 1e-9 for g in got):
            ok.append(tag)
        else:
            wrong.append(f"{tag}, got {[g.value for g in got]}")
    return ok, missing, wrong
