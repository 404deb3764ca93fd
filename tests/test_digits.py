"""Tests for govstats.parse.digits: recovering run-together table cells."""

from __future__ import annotations

import itertools
import re
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from govstats.parse.digits import (
    Relation,
    Segment,
    SplitResult,
    balance_relation,
    cells_to_numbers,
    le_relation,
    split_cells,
    sum_relation,
)

from .conftest import examples

ROW7 = [sum_relation(range(6), 6, "自然人+…+其他 = 总计")]
TABLE4 = [sum_relation(range(b, b + 4), b + 4, f"block {b // 5}") for b in (0, 5, 10)]


def one(text: str, n: int, relations: list[Relation] | tuple[Relation, ...] = ()) -> SplitResult:
    return split_cells([Segment(text, 0, n)], relations)


# --------------------------------------------------------------------------- brief examples


def test_row_of_seven_cells_is_unique() -> None:
    r = one("640020470", 7, ROW7)
    assert r.status == "unique"
    assert r.cells == ("64", "0", "0", "2", "0", "4", "70")
    assert r.candidates == (("64", "0", "0", "2", "0", "4", "70"),)
    assert "1 of 12" in r.reason


def test_fifteen_cell_table4_run_is_unique() -> None:
    r = one("10203120001200000", 15, TABLE4)
    assert r.status == "unique"
    assert r.cells == ("1", "0", "2", "0", "3", "12", "0", "0", "0", "12", "0", "0", "0", "0", "0")


def test_space_is_a_certain_boundary() -> None:
    r = one("500000 5", 7, ROW7)
    # "500000" must hold six cells, so the digits alone fix everything
    assert r.status in {"unique", "forced"}
    assert r.cells == ("5", "0", "0", "0", "0", "0", "5")
    # six chunks for seven cells: only "50" can hold two cells
    r2 = one("50 0 0 0 0 5", 7)
    assert r2.status == "forced"
    assert r2.cells == ("5", "0", "0", "0", "0", "0", "5")


def test_space_splits_a_run_that_would_otherwise_be_ambiguous() -> None:
    # "1212" as 2 cells: 1|212, 12|12, 121|2; with c0 <= c1 two remain (1|212, 12|12)
    assert one("1212", 2, [le_relation(0, 1)]).status == "ambiguous"
    r = one("12 12", 2, [le_relation(0, 1)])
    assert r.status == "forced"
    assert r.cells == ("12", "12")


def test_all_zeros_are_forced() -> None:
    r = one("0000000", 7)
    assert r.status == "forced"
    assert r.cells == ("0",) * 7
    assert r.candidates == ()


def test_forced_split_reports_failing_relation() -> None:
    r = one("1234", 4, [sum_relation([0, 1], 3, "a+b=d")])
    assert r.status == "forced"
    assert r.cells == ("1", "2", "3", "4")
    assert r.candidates == ()
    assert "a+b=d" in r.reason
    assert "fails" in r.reason
    assert "1 + 2 != 4" in r.reason


def test_forced_split_says_relations_hold() -> None:
    r = one("1 2 3", 3, [sum_relation([0, 1], 2)])
    assert r.status == "forced"
    assert r.cells == ("1", "2", "3")
    assert "holds" in r.reason


def test_693665_without_relations_is_ambiguous() -> None:
    r = one("693665", 3)
    assert r.status == "ambiguous"
    # by hand: two cut points among 5 gaps, C(5, 2) = 10, no zeros so all valid
    expected = {
        ("6", "9", "3665"),
        ("6", "93", "665"),
        ("6", "936", "65"),
        ("6", "9366", "5"),
        ("69", "3", "665"),
        ("69", "36", "65"),
        ("69", "366", "5"),
        ("693", "6", "65"),
        ("693", "66", "5"),
        ("6936", "6", "5"),
    }
    assert set(r.candidates) == expected
    assert ("69", "3", "665") in r.candidates
    assert r.cells == (None, None, None)


def test_1324015_four_parts_and_total_has_no_valid_split() -> None:
    # By hand: 7 digits in 5 cells.  Digit-valid splits (a cell may not start "0" unless it
    # is "0"): 132|4|0|1|5, 1|324|0|1|5, 1|3|240|1|5, 1|3|2|401|5, 13|24|0|1|5,
    # 13|2|40|1|5, 13|2|4|0|15, 1|32|40|1|5, 1|32|4|0|15, 1|3|24|0|15, 1|3|2|40|15
    # (11 splits; e.g. 1|3|2|4|015 and 13|2|4|01|5 are not digit-valid).  Their part sums
    # are 137, 326, 246, 406, 38, 56, 19, 74, 37, 28, 46 against totals 5/5/5/5/5/5/15/5/
    # 15/15/15, so none satisfies parts = total.
    r = one("1324015", 5, [sum_relation(range(4), 4)])
    assert r.status == "inconsistent"
    assert r.cells == (None,) * 5
    assert r.candidates == ()
    assert "11 digit-valid splits" in r.reason


def test_four_parts_and_total_ambiguous_keeps_only_common_cells() -> None:
    # By hand: "1101012" as 5 cells has 8 digit-valid splits; parts = total holds for
    # 11|0|1|0|12, 1|10|1|0|12 and 1|1|0|10|12.  Only the total "12" is common.
    r = one("1101012", 5, [sum_relation(range(4), 4)])
    assert r.status == "ambiguous"
    assert set(r.candidates) == {
        ("11", "0", "1", "0", "12"),
        ("1", "10", "1", "0", "12"),
        ("1", "1", "0", "10", "12"),
    }
    assert r.cells == (None, None, None, None, "12")
    assert "3 remain" in r.reason


def test_leading_zero_rule() -> None:
    r = one("0512", 3)
    assert r.status == "ambiguous"
    assert set(r.candidates) == {("0", "5", "12"), ("0", "51", "2")}
    assert all(not c[0].startswith("05") for c in r.candidates)
    assert r.cells == ("0", None, None)
    # as 2 cells only 0|512 is digit-valid (05|12 and 051|2 are not)
    r2 = one("0512", 2)
    assert r2.status == "forced"
    assert r2.cells == ("0", "512")
    # as 1 cell nothing is digit-valid
    assert one("0512", 1).status == "invalid"


def test_inconsistent_run() -> None:
    # "1234" as a+b=c: 1|2|34, 1|23|4, 12|3|4 -- none adds up
    r = one("1234", 3, [sum_relation([0, 1], 2, "a+b=c")])
    assert r.status == "inconsistent"
    assert r.cells == (None, None, None)
    assert r.candidates == ()
    assert "a+b=c" in r.reason


def test_inconsistent_names_failure_on_digit_forced_cells() -> None:
    # segment 0 is forced ("1 2 4" fails 1+2=4); segment 1 is linked and ambiguous
    segs = [Segment("1 2 4", 0, 3), Segment("111", 3, 2)]
    rels = [sum_relation([0, 1], 2, "row"), le_relation(3, 0, "cross")]
    r = split_cells(segs, rels)
    assert r.status == "inconsistent"
    assert r.cells == (None,) * 5
    assert "row" in r.reason and "1 + 2 != 4" in r.reason


# --------------------------------------------------------------------------- joint solving

ROW_A = Segment("11011", 0, 3)  # a+b=c: 1|10|11 or 11|0|11
ROW_B = Segment("11213", 3, 3)  # a+b=c: 1|12|13 or 11|2|13
ROW_RELS = [sum_relation([0, 1], 2, "row A"), sum_relation([3, 4], 5, "row B")]


def test_joint_rows_without_cross_relation_stay_ambiguous() -> None:
    r = split_cells([ROW_A, ROW_B], ROW_RELS)
    assert r.status == "ambiguous"
    assert r.cells == (None, None, "11", None, None, "13")
    assert set(r.candidates) == {
        ("1", "10", "11", "1", "12", "13"),
        ("1", "10", "11", "11", "2", "13"),
        ("11", "0", "11", "1", "12", "13"),
        ("11", "0", "11", "11", "2", "13"),
    }


def test_joint_cross_row_relation_resolves() -> None:
    # a third run holds the column total of the first column: A0 + B0 = 2
    segs = [ROW_A, ROW_B, Segment("2", 6, 1)]
    rels = [*ROW_RELS, sum_relation([0, 3], 6, "column 0")]
    r = split_cells(segs, rels)
    assert r.status == "unique"
    assert r.cells == ("1", "10", "11", "1", "12", "13", "2")


def test_joint_cross_row_relation_between_the_rows_only() -> None:
    # A1 in {10, 0}, B1 in {12, 2}; A1 - B1 = 8 only for 10 / 2
    rels = [*ROW_RELS, Relation(terms=((1, 1), (4, -1)), op="=", constant=8, name="A1-B1=8")]
    r = split_cells([ROW_A, ROW_B], rels)
    assert r.status == "unique"
    assert r.cells == ("1", "10", "11", "11", "2", "13")
    # A1 + 2 = B1 holds for 10 / 12 and for 0 / 2: still ambiguous, third cells common
    rels2 = [*ROW_RELS, Relation(terms=((1, 1), (4, -1)), op="=", constant=-2)]
    r2 = split_cells([ROW_A, ROW_B], rels2)
    assert r2.status == "ambiguous"
    assert set(r2.candidates) == {
        ("1", "10", "11", "1", "12", "13"),
        ("11", "0", "11", "11", "2", "13"),
    }
    assert r2.cells == (None, None, "11", None, None, "13")


def test_joint_four_rows_of_seven_cells() -> None:
    a = [64, 0, 0, 2, 0, 4, 70]  # 新收
    b = [5, 0, 0, 0, 0, 1, 6]  # 上年结转
    d = [3, 0, 0, 0, 0, 0, 3]  # 结转下年
    c = [x + y - z for x, y, z in zip(a, b, d, strict=True)]  # 处理结果
    rows = [a, b, c, d]
    segs = [Segment("".join(map(str, row)), 7 * i, 7) for i, row in enumerate(rows)]
    rels = [sum_relation(range(7 * i, 7 * i + 6), 7 * i + 6) for i in range(4)]
    rels += [balance_relation([j, 7 + j], [14 + j, 21 + j], f"column {j}") for j in range(7)]
    r = split_cells(segs, rels)
    assert r.status == "unique"
    assert r.cells == tuple(str(v) for row in rows for v in row)


def test_unlinked_segments_are_solved_independently() -> None:
    segs = [Segment("640020470", 0, 7), Segment("693665", 7, 3)]
    r = split_cells(segs, ROW7)
    assert r.status == "ambiguous"
    assert r.cells == ("64", "0", "0", "2", "0", "4", "70", None, None, None)
    assert len(r.candidates) == 10
    assert all(c[:7] == ("64", "0", "0", "2", "0", "4", "70") for c in r.candidates)


def test_gaps_between_segments() -> None:
    segs = [Segment("12", 0, 2), Segment("3 4", 5, 2)]
    r = split_cells(segs, [le_relation(0, 6)])
    assert r.status == "forced"
    assert r.cells == ("1", "2", None, None, None, "3", "4")
    r2 = split_cells([Segment("123", 0, 2), Segment("34", 4, 2)])
    assert r2.status == "ambiguous"
    assert r2.cells == (None, None, None, None, "3", "4")
    assert set(r2.candidates) == {("1", "23", "", "", "3", "4"), ("12", "3", "", "", "3", "4")}
    # c0 <= c5 = 4 rules out 12|3
    r3 = split_cells([Segment("123", 0, 2), Segment("34", 4, 2)], [le_relation(0, 5)])
    assert r3.status == "unique"
    assert r3.cells == ("1", "23", None, None, "3", "4")


# --------------------------------------------------------------------------- digit rules


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("64a0", 2),  # letter
        ("1,2", 2),  # comma
        ("1\t2", 2),  # tab is not a space
        ("-12", 2),  # sign
        ("", 1),  # nothing
        ("   ", 1),  # only spaces
        ("1 2 3", 2),  # more chunks than cells
        ("12", 3),  # fewer characters than cells
        (".5", 1),  # point first
        ("5.", 1),  # point last
        ("1.2.3", 1),  # two points in one cell
        ("1234567890", 1),  # longer than max_cell_len
        ("00", 1),  # leading zero
    ],
)
def test_invalid_inputs(text: str, n: int) -> None:
    r = one(text, n)
    assert r.status == "invalid"
    assert r.cells == (None,) * n
    assert r.candidates == ()
    assert r.reason


def test_invalid_structure() -> None:
    assert split_cells([]).status == "invalid"
    assert split_cells([Segment("12", 0, 0)]).status == "invalid"
    overlap = split_cells([Segment("12", 0, 2), Segment("3", 1, 1)])
    assert overlap.status == "invalid" and "overlap" in overlap.reason
    outside = split_cells([Segment("12", 0, 2)], [sum_relation([0], 5)])
    assert outside.status == "invalid" and "cell 5" in outside.reason
    bad_op = split_cells([Segment("12", 0, 2)], [Relation(((0, 1),), op="<", constant=3)])
    assert bad_op.status == "invalid"


def test_max_cell_len() -> None:
    assert one("123456789", 1).cells == ("123456789",)
    assert one("1234", 2, ()).status == "ambiguous"
    r = split_cells([Segment("1234", 0, 2)], max_cell_len=2)
    assert r.status == "forced"
    assert r.cells == ("12", "34")


def test_decimal_cells() -> None:
    # "102.512.5" as a+b=c: digit-valid 10|2.5|12.5, 10|2.51|2.5, 102.5|1|2.5
    r = one("102.512.5", 3, [sum_relation([0, 1], 2)])
    assert r.status == "unique"
    assert r.cells == ("10", "2.5", "12.5")
    assert cells_to_numbers(r.cells) == (10, Decimal("2.5"), Decimal("12.5"))
    # "0.5" is a cell, "00.5" is not
    assert one("0.50.5", 2).cells == ("0.5", "0.5")
    assert one("00.5", 1).status == "invalid"


def test_decimal_values_compare_numerically() -> None:
    # the digits force 1.50|2|3.5; 1.50 + 2 = 3.5 holds although the printed forms differ
    r = one("1.502 3.5", 3, [sum_relation([0, 1], 2)])
    assert r.status == "forced"
    assert r.cells == ("1.50", "2", "3.5")
    assert "holds" in r.reason
    assert "fails" in one("1.502 3.6", 3, [sum_relation([0, 1], 2)]).reason


# --------------------------------------------------------------------------- relations


def test_helpers_build_relations() -> None:
    assert sum_relation([0, 1, 2], 3, "s") == Relation(
        terms=((0, 1), (1, 1), (2, 1), (3, -1)), op="=", constant=0, name="s"
    )
    assert le_relation(4, 2) == Relation(terms=((4, 1), (2, -1)), op="<=", constant=0)
    assert balance_relation([0, 1], [2, 3]) == Relation(
        terms=((0, 1), (1, 1), (2, -1), (3, -1)), op="=", constant=0
    )


def test_cells_to_numbers() -> None:
    assert cells_to_numbers(("12", None, "0", "0.5")) == (12, None, 0, Decimal("0.5"))
    assert isinstance(cells_to_numbers(("7",))[0], int)


def test_le_relation_resolves() -> None:
    # "1210" as 2 cells: 1|210, 12|10, 121|0; only 1 <= 210
    r = one("1210", 2, [le_relation(0, 1)])
    assert r.status == "unique"
    assert r.cells == ("1", "210")


def test_ge_relation_and_constant() -> None:
    # c0 >= 100: 121|0 only (1|210 and 12|10 fail)
    r = one("1210", 2, [Relation(terms=((0, 1),), op=">=", constant=100)])
    assert r.status == "unique"
    assert r.cells == ("121", "0")


def test_repeated_terms_are_merged() -> None:
    # sum_relation([0, 0], 1) means 2*c0 = c1: "1224" -> 12|24
    r = one("1224", 2, [sum_relation([0, 0], 1)])
    assert r.status == "unique"
    assert r.cells == ("12", "24")


def test_relation_without_cells() -> None:
    false = Relation(terms=(), op="=", constant=1, name="never")
    r = one("693665", 3, [false])
    assert r.status == "inconsistent" and "never" in r.reason
    true = Relation(terms=((0, 1), (0, -1)), op="=", constant=0)
    assert one("693665", 3, [true]).status == "ambiguous"


# --------------------------------------------------------------------------- caps


def test_candidate_cap_keeps_common_cells_exact() -> None:
    # 25 ones in 15 cells: 1,961,031 digit-valid splits, none common
    r = one("1" * 25, 15)
    assert r.status == "ambiguous"
    assert len(r.candidates) == 50
    assert r.cells == (None,) * 15
    assert "1961031" in r.reason
    r0 = split_cells([Segment("1" * 25, 0, 15)], max_candidates=0)
    assert r0.candidates == () and r0.status == "ambiguous"


def test_candidate_cap_with_relations() -> None:
    # many splits of twenty ones into ten cells satisfy c0 <= c9
    r = split_cells([Segment("1" * 20, 0, 10)], [le_relation(0, 9)], max_candidates=3)
    assert r.status == "ambiguous"
    assert len(r.candidates) == 3
    for cand in r.candidates:
        assert int(cand[0]) <= int(cand[9])


def test_state_cap_sets_no_cell() -> None:
    r = split_cells([Segment("1" * 25, 0, 15)], [le_relation(0, 14)], max_states=10)
    assert r.status == "ambiguous"
    assert r.cells == (None,) * 15
    assert "stopped" in r.reason


def test_bad_parameters_raise() -> None:
    with pytest.raises(ValueError):
        split_cells([Segment("1", 0, 1)], max_candidates=-1)
    with pytest.raises(ValueError):
        split_cells([Segment("1", 0, 1)], max_cell_len=0)


# --------------------------------------------------------------------------- brute force oracle

_CELL = re.compile(r"(0|[1-9][0-9]*)(\.[0-9]+)?")


def _brute(
    segments: list[Segment], relations: list[Relation], max_cell_len: int = 9
) -> list[dict[int, str]]:
    """All digit-valid splits, by trying every set of cut positions (independent code)."""
    per_seg: list[list[dict[int, str]]] = []
    for seg in segments:
        chunks = [c for c in seg.text.split(" ") if c]
        s = "".join(chunks)
        spaces = set(itertools.accumulate(len(c) for c in chunks[:-1]))
        options = []
        for cuts in itertools.combinations(range(1, len(s)), seg.n_cells - 1):
            if not spaces <= set(cuts):
                continue
            edges = (0, *cuts, len(s))
            cells = [s[a:b] for a, b in itertools.pairwise(edges)]
            if all(len(c) <= max_cell_len and _CELL.fullmatch(c) for c in cells):
                options.append({seg.start + i: c for i, c in enumerate(cells)})
        per_seg.append(options)
    splits = []
    for combo in itertools.product(*per_seg):
        merged: dict[int, str] = {}
        for part in combo:
            merged.update(part)
        splits.append(merged)
    return splits


def _satisfies(split: dict[int, str], rel: Relation) -> bool:
    value = sum(coef * Fraction(split[cell]) for cell, coef in rel.terms)
    return {"=": value == rel.constant, "<=": value <= rel.constant, ">=": value >= rel.constant}[
        rel.op
    ]


@st.composite
def small_problems(draw: st.DrawFn) -> tuple[list[Segment], list[Relation]]:
    n_segs = draw(st.integers(1, 3))
    segments = []
    start = 0
    for _ in range(n_segs):
        n = draw(st.integers(1, 4))
        text = draw(st.text(alphabet="0011122339.  ", min_size=n, max_size=n + 3))
        assume(text.strip(" ") and set(text) <= set("0123456789. "))
        segments.append(Segment(text, start, n))
        start += n
    n_cells = start
    cell = st.integers(0, n_cells - 1)
    relations = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["sum", "le", "balance", "ge"]))
        if kind == "sum":
            parts = draw(st.lists(cell, min_size=1, max_size=3))
            relations.append(sum_relation(parts, draw(cell)))
        elif kind == "le":
            relations.append(le_relation(draw(cell), draw(cell)))
        elif kind == "balance":
            left = draw(st.lists(cell, min_size=1, max_size=2))
            relations.append(balance_relation(left, draw(st.lists(cell, min_size=1, max_size=2))))
        else:
            relations.append(Relation(terms=((draw(cell), 1),), op=">=", constant=draw(cell)))
    return segments, relations


@settings(
    max_examples=examples(400), deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much],
)
@given(small_problems())
def test_matches_brute_force(problem: tuple[list[Segment], list[Relation]]) -> None:
    segments, relations = problem
    result = split_cells(segments, relations, max_candidates=10_000)
    width = sum(s.n_cells for s in segments)
    digit_valid = _brute(segments, relations)
    if not digit_valid:
        assert result.status == "invalid"
        return
    assert result.status != "invalid"
    if len(digit_valid) == 1:
        assert result.status == "forced"
        assert result.cells == tuple(digit_valid[0][i] for i in range(width))
        return
    valid = [s for s in digit_valid if all(_satisfies(s, rel) for rel in relations)]
    as_tuples = {tuple(s[i] for i in range(width)) for s in valid}
    if not valid:
        assert result.status == "inconsistent"
        assert result.cells == (None,) * width
        return
    assert set(result.candidates) == as_tuples
    if len(valid) == 1:
        assert result.status == "unique"
        assert result.cells == next(iter(as_tuples))
        return
    assert result.status == "ambiguous"
    for i in range(width):
        texts = {s[i] for s in valid}
        assert result.cells[i] == (texts.pop() if len(texts) == 1 else None)


# --------------------------------------------------------------------------- truth property

_VALUES = st.one_of(
    st.just(0), st.just(0), st.integers(0, 9), st.integers(0, 99), st.integers(0, 9999)
)


@st.composite
def true_tables(draw: st.DrawFn) -> tuple[list[int], list[Segment], list[Relation]]:
    """Rows of parts + total (optionally a last row of column sums), printed as runs."""
    n_rows = draw(st.integers(1, 4))
    n_parts = draw(st.integers(1, 6))
    rows = []
    for _ in range(n_rows):
        parts = draw(st.lists(_VALUES, min_size=n_parts, max_size=n_parts))
        rows.append([*parts, sum(parts)])
    width = n_parts + 1
    column_total = n_rows >= 2 and draw(st.booleans())
    if column_total:
        rows.append([sum(col) for col in zip(*rows, strict=True)])
    values = [v for row in rows for v in row]
    relations = [
        sum_relation(range(r * width, r * width + n_parts), r * width + n_parts)
        for r in range(len(rows))
    ]
    if column_total:
        last = len(rows) - 1
        relations += [
            sum_relation([r * width + j for r in range(last)], last * width + j)
            for j in range(width)
        ]
    # group the cells into runs: each boundary may end a run; inside a run it may be a space
    segments = []
    start = 0
    pieces = [str(values[0])]
    for i in range(1, len(values) + 1):
        if i == len(values) or draw(st.integers(0, 3)) == 0:
            segments.append(Segment("".join(pieces), start, i - start))
            start = i
            pieces = []
        elif draw(st.integers(0, 4)) == 0:
            pieces.append(" ")
        if i < len(values):
            pieces.append(str(values[i]))
    return values, segments, relations


@settings(max_examples=examples(300), deadline=None)
@given(true_tables())
def test_certain_cells_are_never_wrong(
    table: tuple[list[int], list[Segment], list[Relation]],
) -> None:
    values, segments, relations = table
    result = split_cells(segments, relations)
    truth = tuple(str(v) for v in values)
    assert result.status in {"unique", "forced", "ambiguous"}, result.reason
    for got, want in zip(result.cells, truth, strict=True):
        assert got is None or got == want
    if result.status in {"unique", "forced"}:
        assert result.cells == truth
    if result.status == "ambiguous" and 0 < len(result.candidates) < 50:
        assert truth in result.candidates  # all valid splits were listed
    for cand in result.candidates:
        numbers = [Fraction(c) for c in cand]
        for rel in relations:
            total = sum(coef * numbers[i] for i, coef in rel.terms)
            assert total == rel.constant


# ------------------------------------------------------------ numbers one per line


def lines(text: str, n: int, relations: list[Relation] | tuple[Relation, ...] = ()) -> SplitResult:
    return split_cells([Segment(text, 0, n, lines=True)], relations)


def test_lines_as_many_as_cells_are_one_cell_each_never_cut() -> None:
    r = lines("27\n339", 2)
    assert (r.status, r.cells) == ("forced", ("27", "339"))
    assert lines("1\n2", 1).cells == ("12",)  # fewer cells: a number over two lines


def test_merged_equal_cells_are_expanded_by_the_row_sum() -> None:
    # 46 | 0 | 0 | 0 | 0 | 0 | 46 printed with identical lines merged: 46 / 0 / 46
    r = lines("46\n0\n46", 7, ROW7)
    assert (r.status, r.cells) == ("unique", ("46", "0", "0", "0", "0", "0", "46"))
    # one 0 for table 四's fifteen cells
    assert lines("0", 15, TABLE4).cells == ("0",) * 15


def test_merged_lines_that_break_the_sum_are_inconsistent_not_forced() -> None:
    # "5" for a row of seven: 5 in every cell breaks 自然人+…+其他 = 总计 (blank cells, not
    # merged ones): no cell is given, though the lines allow only that reading
    r = lines("5", 7, ROW7)
    assert r.status == "inconsistent" and r.cells == (None,) * 7
    # one line per cell whose reading breaks the sum: not certain either
    assert lines("1\n2\n0\n0\n0\n0\n9", 7, ROW7).status == "inconsistent"


def test_a_number_broken_over_lines_is_joined_as_few_times_as_needed() -> None:
    r = lines("16\n2\n7", 2)
    assert r.status == "ambiguous" and set(r.candidates) == {("16", "27"), ("162", "7")}
    # a join never makes a leading zero
    assert lines("0\n5\n3", 2).cells == ("0", "53")


def test_a_line_that_is_not_one_number_is_invalid() -> None:
    assert lines("12\n3 4", 3).status == "invalid"
    assert lines("12\n", 2).status == "invalid"


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(0, 60), min_size=1, max_size=6))
def test_merged_rows_come_back_whenever_the_sum_pins_them(parts: list[int]) -> None:
    cells = [*parts, *([0] * (6 - len(parts))), sum(parts)]
    shown = [str(c) for i, c in enumerate(cells) if i == 0 or c != cells[i - 1]]
    r = lines("\n".join(shown), 7, ROW7)
    truth = tuple(str(c) for c in cells)
    # never a wrong cell: every cell set is the true one, and the true row is a candidate
    assert r.status in ("unique", "forced", "ambiguous")
    assert all(c is None or c == t for c, t in zip(r.cells, truth, strict=True))
    assert r.status != "ambiguous" or truth in r.candidates or len(r.candidates) == 50
