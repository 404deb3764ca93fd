"""Web pages saved as one file (MHTML), and damaged legacy Office and RTF files."""

from __future__ import annotations

from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

import pytest

import govstats
from govstats.errors import UnreadableInput
from govstats.read import read_document, sniff_kind

PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>某县人民政府2017年政府信息公开工作年度报告</title></head><body>
<p>某县人民政府2017年政府信息公开工作年度报告</p>
<table border="1">
<tr><td>统计指标</td><td>单位</td><td>统计数</td></tr>
<tr><td colspan="3">三、依申请公开情况</td></tr>
<tr><td>（一）收到申请数</td><td>件</td><td>1108</td></tr>
<tr><td>四、行政复议数量</td><td>件</td><td>61</td></tr>
<tr><td>（一）维持具体行政行为数</td><td>件</td><td>36</td></tr>
<tr><td>（二）被依法纠错数</td><td>件</td><td>10</td></tr>
<tr><td>（三）其他情形数</td><td>件</td><td>15</td></tr>
</table></body></html>"""


def _mhtml(transfer: str) -> bytes:
    msg = MIMEMultipart("related")
    part = MIMEText(PAGE, "html", "gb2312")
    if transfer == "quoted-printable":
        from email import charset

        cs = charset.Charset("gb2312")
        cs.body_encoding = charset.QP
        part = MIMEText(PAGE, "html", cs)
    msg.attach(part)
    return msg.as_bytes()


@pytest.mark.parametrize("transfer", ["base64", "quoted-printable"])
def test_saved_web_page_parses_like_the_page(transfer: str) -> None:
    data = _mhtml(transfer)
    assert sniff_kind(data, "report.mhtml") == "mhtml"
    report = govstats.parse_report(data, filename="report.mhtml")
    assert report.source["kind"] == "mhtml"
    assert report.meta["regime"] == "R1" and report.meta["year"] == 2017
    got = {v.indicator: v.value for v in report.value_list if not v.derived}
    assert got["requests.new"] == 1108
    assert (got["review.total"], got["review.upheld"], got["review.corrected"]) == (61, 36, 10)
    assert all("path" in v.location for v in report.value_list if not v.derived)


def test_damaged_legacy_office_file_is_reported_not_guessed() -> None:
    pytest.importorskip("olefile", reason="olefile (govstats[doc]) is not installed")
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)  # an OLE signature, then nothing
    with pytest.raises(UnreadableInput, match=r"damaged \.doc"):
        read_document(data, "report.doc")
    with pytest.raises(UnreadableInput):
        govstats.parse_report(data, filename="report.doc")


def test_rtf_is_named_not_read_as_text() -> None:
    with pytest.raises(UnreadableInput, match="RTF"):
        read_document(b"{\\rtf1\\ansi report}", "report.doc")
