"""The plain-text reader: tab cells (Word export) and streams (crawler text)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from govstats.catalogue.layouts import layout_for
from govstats.parse.mapper import map_document
from govstats.read.text import _tokens, read_text

HEADER = "\t统计指标\n\t单位\n\t统计数\n\n"


def _doc(rows: str):
    return read_text(HEADER + rows)


def test_continuation_line_joins_the_label() -> None:
    doc = _doc(
        "\t（一）主动公开政府信息数（不同渠道\n　　和方式公开相同信息计1条）\n\t条\n\t12\n\n"
        "\t其中：主动公开规范性文件数\n\t条\n\t3\n\n" * 1 + "\t制发规范性文件总数\n\t件\n\t3\n\n"
    )
    grid = doc.grids[0]
    assert grid.rows[1][0].text.endswith("计1条）")
    assert [c.text for c in grid.rows[1][1:]] == ["条", "12"]
    values = map_document(doc, layout_for("R1")[0]).values
    assert {v.indicator: v.value for v in values}["proactive.total"] == 12


def test_full_width_spaces_pad_labels_and_numbers() -> None:
    doc = _doc(
        "\t　　　　　1.当面申请数\n\t件\n\t　43\n\n\t　　（一）收到申请数\n\t件\n\t　1,108\n\n"
    )
    res = map_document(doc, layout_for("R1")[0])
    got = {v.indicator: (v.value, v.raw) for v in res.values}
    assert got["requests.channel.in_person"] == (43, "43")
    assert got["requests.new"] == (1108, "1,108")


def test_blank_cell_is_a_finding_not_zero() -> None:
    doc = _doc("\t　　（二）申请办结数\n\t件\n\t　\n\n\t　　　　　1.按时办结数\n\t件\n\t　975\n\n")
    res = map_document(doc, layout_for("R1")[0])
    assert [v.indicator for v in res.values] == ["requests.closed.on_time"]
    blank = [f for f in res.findings if f.rule == "cell.blank"]
    assert len(blank) == 1 and blank[0].indicators == ("requests.closed",)


def test_row_broken_by_blank_lines_is_rejoined() -> None:
    doc = _doc("\t七、向图书馆、档案馆等查阅场所报送信息数\n\n\n\t条\n\t46805\n\n")
    res = map_document(doc, layout_for("R1")[0])
    assert {v.indicator: v.value for v in res.values} == {"archive.submitted": 46805}


def test_same_label_resolved_by_section() -> None:
    rows = (
        "\t四、行政复议数量\n\t件\n\t5\n\n\t（一）维持具体行政行为数\n\t件\n\t2\n\n"
        "\t六、被举报投诉数量\n\t件\n\t7\n\n\t（一）维持具体行政行为数\n\t件\n\t4\n\n"
    )
    res = map_document(_doc(rows), layout_for("R1")[0])
    got = {v.indicator: v.value for v in res.values}
    assert got == {
        "review.total": 5,
        "review.upheld": 2,
        "complaints.total": 7,
        "complaints.upheld": 4,
    }


def test_rows_shuffled_still_map_by_label() -> None:
    rows = (
        "\t2.传真申请数\n\t件\n\t3\n\n\t（一）收到申请数\n\t件\n\t10\n\n"
        "\t1.当面申请数\n\t件\n\t7\n\n"
    )
    res = map_document(_doc(rows), layout_for("R1")[0])
    assert {v.indicator: v.value for v in res.values} == {
        "requests.channel.fax": 3,
        "requests.new": 10,
        "requests.channel.in_person": 7,
    }


def test_stream_tokens_hand_ordinals_to_the_next_label() -> None:
    toks = _tokens("（三）不予公开1.属于国家秘密00000002.其他法律行政法规禁止公开0000000")
    assert [(lab, [r for r, _ in runs]) for lab, runs, _ in toks] == [
        ("（三）不予公开1.属于国家秘密", ["0000000"]),
        ("2.其他法律行政法规禁止公开", ["0000000"]),
    ]


def test_stream_tokens_keep_spaces_and_decimals() -> None:
    toks = _tokens("主动公开信息数 条 425 1516 其中：1.网站公开 条 418 1509 2.政府公报公开 条 7 7")
    assert [[r for r, _ in runs] for _, runs, _ in toks] == [["425 1516"], ["418 1509"], ["7 7"]]
    toks = _tokens("政府信息公开专项经费178.8万元")
    assert [[r for r, _ in runs] for _, runs, _ in toks] == [["178.8"]]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=8))
def test_tab_round_trip(numbers: list[int]) -> None:
    labels = [
        "当面申请数",
        "传真申请数",
        "网络申请数",
        "信函申请数",
        "其他形式",
        "收到申请数",
        "按时办结数",
        "延期办结数",
    ]
    rows = "".join(
        f"\t　　{lab}\n\t件\n\t　{n}\n\n" for lab, n in zip(labels, numbers, strict=False)
    )
    res = map_document(_doc(rows), layout_for("R1")[0])
    assert [v.value for v in res.values] == numbers
