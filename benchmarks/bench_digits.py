"""Time govstats.parse.digits.split_cells on typical run-together table rows.

Run: .venv/bin/python benchmarks/bench_digits.py
Prints milliseconds per solve (best and mean of several repeats) for fixed cases, then the
mean / median / max over batches of random but realistic rows.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence

from govstats.parse.digits import Relation, Segment, balance_relation, split_cells, sum_relation

ROW_SUM = [sum_relation(range(6), 6, "row")]
TABLE4 = [sum_relation(range(b, b + 4), b + 4, f"block{b // 5}") for b in (0, 5, 10)]


def _joint_case(
    a: list[int], b: list[int], d: list[int], one_run: bool = False
) -> tuple[list[Segment], list[Relation]]:
    """新收 (a) + 上年结转 (b) = 处理结果 (c) + 结转下年 (d), column by column."""
    c = [x + y - z for x, y, z in zip(a, b, d, strict=True)]
    rows = [a, b, c, d]
    if one_run:
        segs = [Segment("".join(str(v) for row in rows for v in row), 0, 28)]
    else:
        segs = [Segment("".join(map(str, row)), 7 * r, 7) for r, row in enumerate(rows)]
    rels: list[Relation] = [sum_relation(range(7 * r, 7 * r + 6), 7 * r + 6) for r in range(4)]
    rels += [balance_relation([j, 7 + j], [14 + j, 21 + j], f"col{j}") for j in range(7)]
    return segs, rels


def _random_table4(rng: random.Random, lo: int, hi: int) -> str:
    while True:
        cells: list[int] = []
        for _ in range(3):
            parts = [
                rng.choice([0, 0, 0, rng.randint(1, 9), rng.randint(10, 999)]) for _ in range(4)
            ]
            cells += [*parts, sum(parts)]
        text = "".join(map(str, cells))
        if lo <= len(text) <= hi:
            return text


def _random_row(rng: random.Random, length: int) -> str:
    while True:
        parts = [rng.choice([0, rng.randint(1, 9), rng.randint(10, 9999)]) for _ in range(6)]
        text = "".join(map(str, [*parts, sum(parts)]))
        if len(text) == length:
            return text


def _random_joint(rng: random.Random) -> tuple[list[Segment], list[Relation]]:
    def row(top: int) -> list[int]:
        parts = [rng.choice([0, 0, rng.randint(1, 9), rng.randint(10, top)]) for _ in range(6)]
        return [*parts, sum(parts)]

    while True:
        a, b, d = row(999), row(99), row(99)
        if all(x + y >= z for x, y, z in zip(a, b, d, strict=True)):
            return _joint_case(a, b, d)


def _time(fn: Callable[[], object], repeat: int = 5, number: int = 20) -> tuple[float, float]:
    results = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        results.append((time.perf_counter() - t0) / number * 1000)
    return min(results), sum(results) / len(results)


def _case(label: str, segs: Sequence[Segment], rels: Sequence[Relation]) -> None:
    result = split_cells(segs, rels)
    best, mean = _time(lambda: split_cells(segs, rels))
    print(f"{label:<52} {best:8.3f} {mean:8.3f}  {result.status}")


def _batch(label: str, problems: list[tuple[list[Segment], list[Relation]]]) -> None:
    times = []
    statuses: dict[str, int] = {}
    for segs, rels in problems:
        t0 = time.perf_counter()
        result = split_cells(segs, rels)
        times.append((time.perf_counter() - t0) * 1000)
        statuses[result.status] = statuses.get(result.status, 0) + 1
    times.sort()
    print(
        f"{label:<52} mean {sum(times) / len(times):.3f} ms, median "
        f"{times[len(times) // 2]:.3f} ms, max {times[-1]:.3f} ms over {len(times)} "
        f"{dict(sorted(statuses.items()))}"
    )


def main() -> None:
    rng = random.Random(20240601)
    print(f"{'case':<52} {'best ms':>8} {'mean ms':>8}  status")
    _case("7 cells, 9 digits (640020470)", [Segment("640020470", 0, 7)], ROW_SUM)
    _case(
        "7 cells, 20 digits (30211570612812004998)",
        [Segment("30211570612812004998", 0, 7)],
        ROW_SUM,
    )
    _case("7 cells, 20 ones (no zeros to anchor)", [Segment("1" * 20, 0, 7)], ROW_SUM)
    _case("7 cells, 8 chars with a space (500000 5)", [Segment("500000 5", 0, 7)], ROW_SUM)
    _case("15 cells, 17 digits (10203120001200000)", [Segment("10203120001200000", 0, 15)], TABLE4)
    for length in (17, 21, 25):
        text = _random_table4(rng, length, length)
        _case(f"15 cells, {length} digits ({text})", [Segment(text, 0, 15)], TABLE4)
    _case("15 cells, 25 ones (no zeros to anchor)", [Segment("1" * 25, 0, 15)], TABLE4)
    a, b, d = [64, 0, 0, 2, 0, 4, 70], [5, 0, 0, 0, 0, 1, 6], [3, 0, 0, 0, 0, 0, 3]
    segs, rels = _joint_case(a, b, d)
    _case("joint 4 rows x 7 cells, 11 relations", segs, rels)
    segs, rels = _joint_case(a, b, d, one_run=True)
    _case("joint 4 rows x 7 cells printed as one run", segs, rels)
    a2, b2, d2 = [312, 5, 0, 47, 0, 18, 382], [21, 0, 0, 3, 0, 1, 25], [17, 0, 0, 2, 0, 0, 19]
    segs, rels = _joint_case(a2, b2, d2)
    _case("joint 4 rows x 7 cells, longer numbers", segs, rels)
    _case("7 cells, 20 digits, no relations", [Segment("30211570612812004998", 0, 7)], [])

    _batch(
        "random 7-cell rows of 20 digits",
        [([Segment(_random_row(rng, 20), 0, 7)], ROW_SUM) for _ in range(200)],
    )
    _batch(
        "random 15-cell runs of 17-25 digits",
        [([Segment(_random_table4(rng, 17, 25), 0, 15)], TABLE4) for _ in range(200)],
    )
    _batch("random joint 4 rows x 7 cells", [_random_joint(rng) for _ in range(100)])


if __name__ == "__main__":
    main()
