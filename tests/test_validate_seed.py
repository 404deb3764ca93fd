"""The seed report (临沂市 2017, read whole): every problem it contains is found with its
numbers.  Problems listed from reading the report:

 1. channels 43+3+234+790+0 = 1070 ≠ 收到申请数 1108                  (parts vs total)
 2. text 信函申请828件 vs table 790                                     (text vs table)
 3. 不同意公开 reasons 14+1+4+0+65+282 = 366 ≠ 317                      (parts vs total)
 4. answers 188+304+38+317+141+88+49+28 = 1153 > 1108 requests          (answers > requests)
 5. litigation 44+6+9 = 59 ≠ 60                                          (parts vs total)
 6. text 维持…45起 vs table 44                                           (text vs table)
 7. 纸质 30798 + 电子 15462 = 46260 ≠ 报送 46805                          (parts vs total)
 8. 专职 447 + 兼职 891 = 1338 ≠ 人员数 1332                               (parts vs total)
 9. text 工作人员1035名 / 专职395名 / 兼职640名 vs table 1332 / 447 / 891  (text vs table)
10. signed 2017年1月22日, before the statistics period (2017) ends        (impossible date)
11. 申请办结数 blank although 按时 975 + 延期 98 are printed              (blank total)
12. 申请答复数 blank although its eight kinds are printed                  (blank total)
Consistent and not flagged: 复议 182+81+246 = 509, 投诉 121+32+68 = 221, websites 45+15+0 = 60,
查阅点 4+35+477 = 516, visitors 269800+510627+36408 = 816835, proactive channels ≥ total.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from govstats import parse_report
from govstats.model import Finding


@pytest.fixture(scope="module")
def issues(seed_report: Path) -> list[Finding]:
    return parse_report(seed_report).issues


def _one(issues: list[Finding], rule: str, found: str) -> Finding:
    got = [f for f in issues if f.rule == rule and f.found == found]
    assert len(got) == 1, [(f.rule, f.found) for f in issues]
    return got[0]


@pytest.mark.parametrize(
    ("rule", "severity", "found"),
    [
        ("r1.requests.channels", "error", "43+3+234+790+0 = 1070 ≠ 1108"),
        ("text.table_mismatch", "warning", "text 828 ≠ table 790"),
        ("r1.outcome.denied_reasons", "error", "14+1+4+0+65+282 = 366 ≠ 317"),
        ("r1.outcome.exceed_requests", "warning", "188+304+38+317+141+88+49+28 = 1153 > 1108"),
        ("r1.litigation", "error", "44+6+9 = 59 ≠ 60"),
        ("text.table_mismatch", "warning", "text 45 ≠ table 44"),
        ("r1.archive", "error", "30798+15462 = 46260 ≠ 46805"),
        ("r1.staff", "error", "447+891 = 1338 ≠ 1332"),
        ("text.table_mismatch", "warning", "text 1035 ≠ table 1332"),
        ("text.table_mismatch", "warning", "text 395 ≠ table 447"),
        ("text.table_mismatch", "warning", "text 640 ≠ table 891"),
        ("date.before_period_end", "error", "sign_off 2017年1月22日 = 2017-01-22 < 2017-12-31"),
    ],
)
def test_seed_problem_found_with_its_numbers(
    issues: list[Finding], rule: str, severity: str, found: str
) -> None:
    f = _one(issues, rule, found)
    assert f.severity == severity
    assert f.message and f.message_zh and f.expected
    assert all("line" in c for c in f.cells)  # every cell says where it is printed


def test_seed_blank_totals_say_what_their_parts_add_up_to(issues: list[Finding]) -> None:
    blank = {f.indicators[0]: f.expected for f in issues if f.rule == "structure.blank_total"}
    assert blank == {
        "requests.closed": "requests.closed printed (975+98 = 1073)",
        "outcome.answered": "outcome.answered printed (188+304+38+317+141+88+49+28 = 1153)",
    }


def test_seed_channels_finding_names_the_cells(issues: list[Finding]) -> None:
    f = _one(issues, "r1.requests.channels", "43+3+234+790+0 = 1070 ≠ 1108")
    assert [(c["indicator"], c["value"]) for c in f.cells] == [
        ("requests.channel.in_person", 43), ("requests.channel.fax", 3),
        ("requests.channel.online", 234), ("requests.channel.letter", 790),
        ("requests.channel.other", 0), ("requests.new", 1108)]


def test_seed_has_at_least_ten_distinct_problems_and_no_false_alarm(
    issues: list[Finding],
) -> None:
    validation = [f for f in issues if not f.rule.startswith("cell.")]
    assert len({(f.rule, f.found) for f in validation}) >= 10
    consistent = {"r1.review", "r1.complaints", "r1.websites", "r1.reading_rooms",
                  "r1.visitors", "r1.proactive.channels_cover", "r1.part_le_parent",
                  "r1.reading_rooms.repeat"}
    assert not [f for f in issues if f.rule in consistent]
    assert len(validation) == 14
