"""Header and value cells whose spans disagree (Word-exported HTML of table 三)."""

from __future__ import annotations

import govstats

# 自然人 spans columns 3–4 and 商业企业 columns 4–5, while the value cells under them start at
# 3 and 4: each value is read for the one column whose header path stands over it.
HTML = """<html><head><meta charset="utf-8"></head><body>
<p>某区2021年政府信息公开工作年度报告</p>
<p>三、收到和处理政府信息公开申请情况</p>
<table>
<tr><td colspan="3" rowspan="3">（本列数据的勾稽关系为：第一项加第二项之和，
等于第三项加第四项之和）</td><td colspan="8">申请人情况</td></tr>
<tr><td colspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>
<tr><td></td><td colspan="2">商业企业</td><td>科研机构</td><td>社会公益组织</td>
<td>法律服务机构</td><td>其他</td></tr>
<tr><td colspan="3">一、本年新收政府信息公开申请数量</td><td>64</td><td colspan="2">5</td><td>0</td>
<td>2</td><td>0</td><td>4</td><td>75</td></tr>
<tr><td colspan="3">二、上年结转政府信息公开申请数量</td><td>1</td><td colspan="2">0</td><td>0</td>
<td>0</td><td>0</td><td>0</td><td>1</td></tr>
</table>
<p>四、政府信息公开行政复议、行政诉讼情况</p>
</body></html>"""


def test_value_cell_wider_than_its_column_is_read_once() -> None:
    report = govstats.parse_report(HTML.encode("utf-8"), filename="r.html")
    got = {(v.indicator, v.applicant): v.value for v in report.value_list if not v.derived}
    assert [got[("requests.new", a)] for a in (
        "natural_person", "commercial", "research", "social_welfare", "legal_service",
        "other_org", "total",
    )] == [64, 5, 0, 2, 0, 4, 75]
    assert got[("requests.carried_in", "commercial")] == 0
    loc = next(v.location for v in report.value_list
               if (v.indicator, v.applicant) == ("requests.new", "commercial"))
    assert loc["column_label"].endswith("商业企业")
    assert loc["path"].endswith("td[3]")
