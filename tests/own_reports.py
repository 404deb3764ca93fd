"""A researcher's own folder of reports, generated: five bodies no bundled registry knows, in
the formats such a folder holds.  Used by the README walkthrough test.

* ``anji-wjw-2022/report.html``  安吉县卫生健康局, a county department (R3, national form);
* ``huzhou-2022.txt``            湖州市人民政府, a city-wide (全市) summary (R3, crawler text);
* ``huzhou-hbj-2017.txt``        湖州市环境保护局, a prefecture department (R1, Word text);
* ``deqing-zone-2023/report.md`` + ``meta.json``: a zone's committee named in meta.json
  (R3, markdown from a converter);
* ``mystery-2021.doc``           某某县卫生健康局, a body no division places (R3, legacy Word,
  the committed fixture ``tests/fixtures/doc/r3_form.doc``).

The tables' labels are the forms'; every figure is made up (a seeded generator keeps every
identity of the form).  :data:`BODIES` says what the panel must make of each.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

from .renderers import (
    APPLICANTS,
    INTRO,
    REPORT_TITLE,
    T2_ROWS,
    FormReport,
    form_html,
    form_markdown,
    form_run_together,
    seed_style_text,
    t3_result_codes,
    t3_rows,
)
from .seed_table import SEED_ROWS, seed_list_table

DOC_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "doc" / "r3_form.doc"
_PRINTED_TITLE = REPORT_TITLE.format(year="{year}")

#: report id → (printed or meta.json name, level, scope) the panel must give
BODIES = {
    "anji-wjw-2022": ("安吉县卫生健康局", "department", "own"),
    "huzhou-2022": ("湖州市人民政府", "prefecture", "jurisdiction"),
    "huzhou-hbj-2017": ("湖州市环境保护局", "department", "own"),
    "deqing-zone-2023": ("德清县莫干山国际旅游度假区管理委员会", "department", "own"),
    "mystery-2021": ("某某县卫生健康局", "department", "own"),
}


def form_report(regime: str, year: int, seed: int) -> FormReport:
    """A 2019+ form with made-up figures and every identity of the form holding."""
    rng = random.Random(seed)
    leaves = t3_result_codes(regime)
    columns = []
    for k, _ in enumerate(APPLICANTS[:-1]):
        busy = k in (0, 1) or rng.random() < 0.3
        col = {c: (rng.randint(0, 12) if busy else 0) for c in leaves}
        col["outcome.total"] = sum(col.values())
        col["requests.carried_out"] = rng.randint(0, 3) if busy else 0
        stock = col["outcome.total"] + col["requests.carried_out"]
        col["requests.carried_in"] = rng.randint(0, min(3, stock))
        col["requests.new"] = stock - col["requests.carried_in"]
        columns.append(col)
    t3 = {}
    for row in t3_rows(regime):
        vals = [c[row.code] for c in columns]
        t3[row.code] = (*vals, sum(vals))
    t4: list[int] = []
    for _ in range(3):
        parts = [rng.randint(0, 6) for _ in range(4)]
        t4 += [*parts, sum(parts)]
    t2: dict[str, tuple[int, int, int]] = {}
    for _, code in T2_ROWS[regime]:
        a, b = rng.randint(0, 20), rng.randint(0, 5)
        t2[code] = (a, b, max(0, a - b) + rng.randint(0, 40))
    return FormReport(regime, t2, t3, tuple(t4), year=year)


def _retitle(text: str, year: int, body: str, intro: str | None = None) -> str:
    out = text.replace(_PRINTED_TITLE.format(year=year), f"{body}{year}年政府信息公开工作年度报告")
    return out.replace(INTRO, intro) if intro is not None else out


def r1_text(body: str, year: int, seed: int) -> str:
    """The 2014–2018 national table as Word saves it as text, made-up figures."""
    rng = random.Random(seed)
    base = seed_list_table()
    rows = []
    for seed_row, row in zip(SEED_ROWS, base.rows, strict=True):
        if seed_row.code is None:
            rows.append(row)
            continue
        value = f"{rng.randint(0, 999) / 10:.1f}" if seed_row.code == "capacity.budget" \
            else str(rng.randint(0, 40))
        rows.append(type(row)(row.label, (seed_row.unit, value), indent=row.indent))
    table = type(base)(base.title.replace("2017", str(year)), base.header, tuple(rows))
    return _retitle(seed_style_text(table, year=year), year, body)


def write_own_reports(folder: Path) -> Path:
    """Write the five reports of :data:`BODIES` into ``folder`` (created); returns it."""
    folder.mkdir(parents=True, exist_ok=True)
    anji = form_report("R3", 2022, seed=1)
    (folder / "anji-wjw-2022").mkdir(exist_ok=True)
    html = form_html(anji).decode("utf-8")
    (folder / "anji-wjw-2022" / "report.html").write_text(
        _retitle(html, 2022, "安吉县卫生健康局"), encoding="utf-8")
    huzhou = form_report("R3", 2022, seed=2)
    new = huzhou.t3["requests.new"][-1]
    (folder / "huzhou-2022.txt").write_text(_retitle(
        form_run_together(huzhou), 2022, "湖州市人民政府",
        f"2022年，全市各级行政机关共新收政府信息公开申请{new}件。"), encoding="utf-8")
    (folder / "huzhou-hbj-2017.txt").write_text(
        r1_text("湖州市环境保护局", 2017, seed=3), encoding="utf-8")
    zone = form_report("R3", 2023, seed=4)
    (folder / "deqing-zone-2023").mkdir(exist_ok=True)
    (folder / "deqing-zone-2023" / "report.md").write_text(
        _retitle(form_markdown(zone), 2023, "度假区管委会"), encoding="utf-8")
    (folder / "deqing-zone-2023" / "meta.json").write_text(json.dumps(
        {"jurisdiction": BODIES["deqing-zone-2023"][0], "source_url": "https://example.org/r"},
        ensure_ascii=False), encoding="utf-8")
    shutil.copyfile(DOC_FIXTURE, folder / "mystery-2021.doc")
    return folder
