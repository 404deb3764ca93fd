"""Hostile inputs: whatever the bytes, ``parse_report`` returns a Report or raises a
GovstatsError — never another exception, never a value without a location."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import govstats
from govstats.errors import GovstatsError

LABELS = [
    "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "（一）予以公开",
    "（七）总计", "四、结转下年度继续办理", "行政复议", "结果维持", "总计", "收到申请数",
    "主动公开政府信息数", "历年累计", "本年度", "|", "\t", "\n", " ", "<table>", "<tr><td>",
    "</td>", "件", "条", "-", "/", "2019年", "政府信息公开工作年度报告",
]
pieces = st.one_of(
    st.sampled_from(LABELS),
    st.integers(min_value=0, max_value=10**9).map(str),
    st.text(max_size=8),
)


def _check(data: bytes, name: str) -> None:
    try:
        report = govstats.parse_report(data, filename=name)
    except GovstatsError:
        return
    for v in report.value_list:
        assert v.location, v
        assert v.value == v.value  # not NaN
    report.to_json()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(pieces, max_size=60), st.sampled_from(["r.txt", "r.md", "r.html"]))
def test_table_like_text_never_crashes(parts: list[str], name: str) -> None:
    _check("".join(parts).encode("utf-8"), name)


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=400), st.sampled_from(["r.txt", "r.pdf", "r.docx", "r.html"]))
def test_random_bytes_never_crash(data: bytes, name: str) -> None:
    _check(data, name)


@settings(max_examples=20, deadline=None)
@given(st.binary(max_size=200))
def test_truncated_signatures_never_crash(tail: bytes) -> None:
    for head in (b"%PDF-1.4\n", b"PK\x03\x04word/document.xml", b"\xef\xbb\xbf<html><table>"):
        _check(head + tail, "r")
