"""The 临沂市 2017 statistics table (R1) as printed: every row in order with its label, unit
and the indicator code of its printed figure.

Labels and units are transcribed from the seed report's table (统计指标 | 单位 | 统计数); the
figures are in :mod:`tests.seed_values`.  Facts only (labels and numbers), no prose.  Used to
render the same table as HTML, DOCX, markdown, PDF and text (``tests/test_seed_shapes.py``).

>>> len(SEED_ROWS), sum(1 for r in SEED_ROWS if r.code)
(86, 76)
>>> seed_figure(SEED_ROWS[1])
'297360'
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .renderers import ListRow, ListTable
from .seed_values import SEED_R1_VALUES

SEED_TITLE = "2017年度政府信息公开工作情况统计表"
SEED_HEADER = ("统计指标", "单位", "统计数")


class SeedRow(NamedTuple):
    """One printed row.  ``code`` is None when the 统计数 cell is empty: a section heading
    (no unit either, e.g. 一、主动公开情况) or a row printed with a unit and a blank figure
    (（二）申请办结数)."""

    label: str
    unit: str
    code: str | None

    @property
    def heading(self) -> bool:
        """A section heading: only the label is printed (no unit, no figure)."""
        return self.code is None and not self.unit


SEED_ROWS: tuple[SeedRow, ...] = (
    SeedRow("一、主动公开情况", "", None),
    SeedRow("（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）", "条", "proactive.total"),
    SeedRow("其中：主动公开规范性文件数", "条", "proactive.normative_docs"),
    SeedRow("制发规范性文件总数", "件", "proactive.normative_docs_issued"),
    SeedRow("（二）通过不同渠道和方式公开政府信息的情况", "", None),
    SeedRow("1.政府公报公开政府信息数", "条", "proactive.channel.gazette"),
    SeedRow("2.政府网站公开政府信息数", "条", "proactive.channel.website"),
    SeedRow("3.政务微博公开政府信息数", "条", "proactive.channel.weibo"),
    SeedRow("4.政务微信公开政府信息数", "条", "proactive.channel.wechat"),
    SeedRow("5.其他方式公开政府信息数", "条", "proactive.channel.other"),
    SeedRow("二、回应解读情况（不同方式回应同一热点或舆情计1次）", "", None),
    SeedRow(
        "（一）回应公众关注热点或重大舆情数（不同方式回应同一热点或舆情计1次）",
        "次",
        "response.hotspots",
    ),
    SeedRow("（二）通过不同渠道和方式回应解读的情况", "", None),
    SeedRow("1.参加或举办新闻发布会总次数", "次", "response.press_conferences"),
    SeedRow("其中：主要负责同志参加新闻发布会次数", "次", "response.press_conferences.head"),
    SeedRow("2.政府网站在线访谈次数", "次", "response.online_interviews"),
    SeedRow("其中：主要负责同志参加政府网站在线访谈次数", "次", "response.online_interviews.head"),
    SeedRow("3.政策解读稿件发布数", "篇", "response.interpretations"),
    SeedRow("4.微博微信回应事件数", "次", "response.weibo_wechat"),
    SeedRow("5.其他方式回应事件数", "次", "response.other"),
    SeedRow("三、依申请公开情况", "", None),
    SeedRow("（一）收到申请数", "件", "requests.new"),
    SeedRow("1.当面申请数", "件", "requests.channel.in_person"),
    SeedRow("2.传真申请数", "件", "requests.channel.fax"),
    SeedRow("3.网络申请数", "件", "requests.channel.online"),
    SeedRow("4.信函申请数", "件", "requests.channel.letter"),
    SeedRow("5.其他形式", "件", "requests.channel.other"),
    SeedRow("（二）申请办结数", "件", None),
    SeedRow("1.按时办结数", "件", "requests.closed.on_time"),
    SeedRow("2.延期办结数", "件", "requests.closed.extended"),
    SeedRow("（三）申请答复数", "件", None),
    SeedRow("1.属于已主动公开范围数", "件", "outcome.already_public"),
    SeedRow("2.同意公开答复数", "件", "outcome.granted"),
    SeedRow("3.同意部分公开答复数", "件", "outcome.partial"),
    SeedRow("4.不同意公开答复数", "件", "outcome.denied"),
    SeedRow("其中：涉及国家秘密", "件", "outcome.denied.state_secret"),
    SeedRow("涉及商业秘密", "件", "outcome.denied.commercial_secret"),
    SeedRow("涉及个人隐私", "件", "outcome.denied.privacy"),
    SeedRow(
        "危及国家安全、公共安全、经济安全和社会稳定",
        "件",
        "outcome.denied.security_stability",
    ),
    SeedRow("不是《条例》所指政府信息", "件", "outcome.denied.not_gov_info"),
    SeedRow("法律法规规定的其他情形", "件", "outcome.denied.other_law"),
    SeedRow("5.不属于本行政机关公开数", "件", "outcome.not_this_agency"),
    SeedRow("6.申请信息不存在数", "件", "outcome.not_exist"),
    SeedRow("7.告知作出更改补充数", "件", "outcome.amend_notice"),
    SeedRow("8.告知通过其他途径办理数", "件", "outcome.other_channel"),
    SeedRow("四、行政复议数量", "件", "review.total"),
    SeedRow("（一）维持具体行政行为数", "件", "review.upheld"),
    SeedRow("（二）被依法纠错数", "件", "review.corrected"),
    SeedRow("（三）其他情形数", "件", "review.other"),
    SeedRow("五、行政诉讼数量", "件", "litigation.total"),
    SeedRow("（一）维持具体行政行为或者驳回原告诉讼请求数", "件", "litigation.upheld"),
    SeedRow("（二）被依法纠错数", "件", "litigation.corrected"),
    SeedRow("（三）其他情形数", "件", "litigation.other"),
    SeedRow("六、被举报投诉数量", "件", "complaints.total"),
    SeedRow("（一）维持具体行政行为数", "件", "complaints.upheld"),
    SeedRow("（二）被纠错数", "件", "complaints.corrected"),
    SeedRow("（三）其他情形数", "件", "complaints.other"),
    SeedRow("七、向图书馆、档案馆等查阅场所报送信息数", "条", "archive.submitted"),
    SeedRow("（一）纸质文件数", "条", "archive.paper"),
    SeedRow("（二）电子文件数", "条", "archive.electronic"),
    SeedRow("八、开通政府信息公开网站（或设立门户网站信息公开专栏）数", "个", "websites.total"),
    SeedRow("（一）市政府及其部门门户网站", "个", "websites.own_level"),
    SeedRow("（二）县（市、区）政府门户网站", "个", "websites.county_level"),
    SeedRow("（三）乡镇政府（街道办事处）门户网站", "个", "websites.township_level"),
    SeedRow("九、市政府公报发行量", "", None),
    SeedRow("（一）公报发行期数", "期", "gazette.issues"),
    SeedRow("（二）公报发行总份数", "份", "gazette.copies"),
    SeedRow("十、设置政府信息查阅点数", "个", "reading_rooms.total"),
    SeedRow("（一）市政府及其部门", "个", "reading_rooms.own_level"),
    SeedRow("（二）县（市、区）政府及其部门", "个", "reading_rooms.county_level"),
    SeedRow("（三）乡镇政府（街道办事处）", "个", "reading_rooms.township_level"),
    SeedRow("十一、查阅点接待人数", "次", "reading_rooms.visitors"),
    SeedRow("（一）市政府及其部门", "次", "reading_rooms.visitors.own_level"),
    SeedRow("（二）县（市、区）政府及其部门", "次", "reading_rooms.visitors.county_level"),
    SeedRow("（三）乡镇政府（街道办事处）", "次", "reading_rooms.visitors.township_level"),
    SeedRow("十二、机构建设和保障经费情况", "", None),
    SeedRow("（一）政府信息公开工作专门机构数", "个", "capacity.offices"),
    SeedRow("（二）设置政府信息公开查阅点数", "个", "capacity.reading_rooms"),
    SeedRow("（三）从事政府信息公开工作人员数", "人", "capacity.staff"),
    SeedRow("1.专职人员数（不包括政府公报及政府网站工作人员数）", "人", "capacity.staff.full_time"),
    SeedRow("2.兼职人员数", "人", "capacity.staff.part_time"),
    SeedRow(
        "（四）政府信息公开专项经费（不包括用于政府公报编辑管理及政府网站建设维护等方面的经费）",
        "万元",
        "capacity.budget",
    ),
    SeedRow("十三、政府信息公开会议和培训情况", "", None),
    SeedRow("（一）召开政府信息公开工作会议或专题会议数", "次", "training.meetings"),
    SeedRow("（二）举办各类培训班数", "次", "training.courses"),
    SeedRow("（三）接受培训人员数", "人次", "training.trainees"),
)


def seed_figure(row: SeedRow) -> str:
    """The 统计数 cell of ``row`` as printed ("" when blank)."""
    return "" if row.code is None else str(SEED_R1_VALUES[row.code])



_TOP_LEVEL = re.compile(r"^[一二三四五六七八九十]+、")


def seed_list_table() -> ListTable:
    """The seed table as a :class:`~tests.renderers.ListTable` (label, unit, figure), with
    the indentation the report prints (（一） rows two ideographic spaces in, others four)."""
    rows = []
    for r in SEED_ROWS:
        indent = 0 if _TOP_LEVEL.match(r.label) else (2 if r.label.startswith("（") else 4)
        if r.heading:
            rows.append(ListRow(r.label, heading=True, indent=indent))
        else:
            rows.append(ListRow(r.label, (r.unit, seed_figure(r)), indent=indent))
    return ListTable(SEED_TITLE, SEED_HEADER, tuple(rows))
