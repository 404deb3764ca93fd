"""Render statistics tables into the shapes reports arrive in, for round-trip tests.

Two table models:

* :class:`ListTable` — a list table of label rows (R0 Fujian template, R1 national table):
  ``label | unit | value [| cumulative]`` with heading rows that print only a label.
* :class:`FormReport` — the national report format of 2019 (R2) and 2021 (R3): a block of
  table 二 (第二十条第（一）项), table 三 (7 applicant columns) and table 四 (15 cells).

Each model renders into text shapes (tab cells as Word saves them, tab or space separated
lines, crawler run-together text, markdown pipe tables) and binary ones (Word-style HTML in
GBK, DOCX, text-layer PDF).  Labels are those the printed forms use; the numbers are the
model's.  Every renderer returns what a file of that kind would hold (``str`` or ``bytes``).

>>> t = ListTable("统计表", ("指标名称", "计量单位", "本年度"),
...               (ListRow("主动公开信息数", ("条", "12")),))
>>> run_together_text(t).split("。")[-1].strip()
'统计表指标名称计量单位本年度主动公开信息数条12'
>>> list_markdown(t).splitlines()[-1]
'| 主动公开信息数 | 条 | 12 |'
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

REPORT_TITLE = "某某区人民政府{year}年政府信息公开工作年度报告"
INTRO = "本报告依据《中华人民共和国政府信息公开条例》编制，附表列出本年度统计数据。"


# ============================================================================ list tables


@dataclass(frozen=True)
class ListRow:
    """A printed row: the label, then the unit and value cells as printed ("" = blank).
    A ``heading`` row prints only its label (it spans the table in HTML / DOCX / PDF)."""

    label: str
    cells: tuple[str, ...] = ()
    heading: bool = False
    indent: int = 0  # ideographic spaces printed before the label (Word indentation)


@dataclass(frozen=True)
class ListTable:
    title: str
    header: tuple[str, ...]
    rows: tuple[ListRow, ...]

    @property
    def width(self) -> int:
        return len(self.header)

    def full_rows(self) -> Iterator[tuple[str, ...]]:
        """Every row as ``width`` printed texts (a heading row's other cells empty)."""
        for row in self.rows:
            cells = ("",) * (self.width - 1) if row.heading else row.cells
            yield (row.label, *cells)


def _indented(row: ListRow, pad: str = "\u3000") -> str:
    return pad * row.indent + row.label


def _document(year: int, *blocks: str, sep: str = "\n") -> str:
    return sep.join([REPORT_TITLE.format(year=year), INTRO, *blocks]) + "\n"


def seed_style_text(table: ListTable, year: int = 2017) -> str:
    """Word's "save as text" of a table: every cell on a line of its own that starts with a
    tab, a blank line after each row (the shape of the seed report)."""
    lines = [table.title, ""]
    for cells in [table.header, *table.full_rows()]:
        lines.extend("\t" + c for c in cells)
        lines.append("")
    return _document(year, "附件", "", *lines)


def tab_lines_text(table: ListTable, year: int = 2012) -> str:
    """One line per row, its cells separated by tabs (the line starts with a tab, as Word
    writes a row), rows separated by blank lines."""
    lines = [table.title, ""]
    for cells in [table.header, *table.full_rows()]:
        lines.append("\t" + "\t".join(cells))
        lines.append("")
    return _document(year, *lines)


def space_text(table: ListTable, year: int = 2012, *, one_line: bool = False) -> str:
    """Cells separated by one space; one line per row, or the whole table on one line (a
    crawler's export of older pages: ``指标名称 计量单位 本年度 历年累计 主动公开信息数 条 425
    1516``).  Blank cells vanish, as they do in such exports."""
    rows = [" ".join(c for c in cells if c) for cells in [table.header, *table.full_rows()]]
    if one_line:
        return _document(year, table.title + " " + " ".join(rows))
    return _document(year, table.title, *rows)


def run_together_text(table: ListTable, year: int = 2012) -> str:
    """Crawler text: the report on one line, every cell glued to the next
    (``主动公开信息数条212210037``)."""
    body = "".join("".join(cells) for cells in [table.header, *table.full_rows()])
    return _document(year, table.title + body, sep="")


def list_markdown(table: ListTable) -> str:
    """A GFM pipe table (blank cells stay empty cells), under its title."""
    rows = [table.header, *table.full_rows()]
    out = [table.title, "", _pipe(rows[0]), _pipe(("---",) * table.width)]
    out.extend(_pipe(r) for r in rows[1:])
    return "\n".join(out) + "\n"


def _pipe(cells: Sequence[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


# ---------------------------------------------------------------------------- Word HTML

_WORD_HEAD = (
    '<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:'
    'office" xmlns:w="urn:schemas-microsoft-com:office:word">\n<head>\n<meta charset=gb2312>\n'
    '<meta name=Generator content="Microsoft Word 15">\n<title>{title}</title>\n'
    "<style>p.MsoNormal{{margin:0cm;font-size:10.5pt;font-family:宋体}}</style>\n</head>\n"
    "<body lang=ZH-CN style='text-justify-trim:punctuation'>\n<div class=WordSection1>\n"
)
_WORD_TAIL = "</div>\n</body>\n</html>\n"
_TD = "<td width={w} valign=top style='border:solid windowtext 1.0pt;padding:0cm 5.4pt'{span}>"


def _word_p(text: str, *, align: str = "left", split_numbers: bool = False) -> str:
    """A Word paragraph; ``&nbsp;`` for an empty one.  Long numbers may be split over two
    ``<span>`` runs, as Word does after an edit."""
    if not text:
        return "<p class=MsoNormal><span lang=EN-US>&nbsp;<o:p></o:p></span></p>"
    if split_numbers and text.isdigit() and len(text) >= 4:
        h = len(text) // 2
        inner = f"<span lang=EN-US>{text[:h]}</span><span lang=EN-US>{text[h:]}</span>"
    else:
        lead = len(text) - len(text.lstrip("\u3000"))
        body = html.escape(text.lstrip("\u3000"), quote=False)
        inner = "&nbsp;&nbsp;" * lead + f"<span style='font-family:宋体'>{body}</span>"
    return f"<p class=MsoNormal align={align}>{inner}<span lang=EN-US><o:p></o:p></span></p>"


def _word_td(text: str, width: int, *, colspan: int = 1, rowspan: int = 1, **kw: bool) -> str:
    span = (f" colspan={colspan}" if colspan > 1 else "") + (
        f" rowspan={rowspan}" if rowspan > 1 else ""
    )
    return _TD.format(w=width, span=span) + "\n  " + _word_p(text, **kw) + "\n  </td>"


def list_html(table: ListTable, year: int = 2017, encoding: str = "gbk") -> bytes:
    """A Word "save as web page" document: the table with a header row, heading rows as one
    cell spanning the row, ``&nbsp;`` indentation and padding, declared ``gb2312``."""
    widths = [380] + [90] * (table.width - 1)
    parts = [_WORD_HEAD.format(title=REPORT_TITLE.format(year=year))]
    parts.append(f"<p class=MsoNormal align=center>{REPORT_TITLE.format(year=year)}</p>\n")
    parts.append(f"<p class=MsoNormal>{INTRO}</p>\n")
    parts.append(f"<p class=MsoNormal align=center><b>{table.title}</b></p>\n")
    parts.append(
        "<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0 "
        "style='border-collapse:collapse;border:none'>\n"
    )
    parts.append(
        "<tr>"
        + "".join(_word_td(h, w, align="center") for h, w in zip(table.header, widths, strict=True))
        + "</tr>\n"
    )
    for row in table.rows:
        if row.heading:
            parts.append("<tr>" + _word_td(_indented(row), sum(widths), colspan=table.width))
        else:
            tds = [_word_td(_indented(row), widths[0])]
            tds += [
                _word_td(c, w, align="center", split_numbers=True)
                for c, w in zip(row.cells, widths[1:], strict=True)
            ]
            parts.append("<tr>" + "".join(tds))
        parts.append("</tr>\n")
    parts.append("</table>\n<p class=MsoNormal>&nbsp;</p>\n")
    parts.append(_WORD_TAIL)
    return "".join(parts).encode(encoding)


# --------------------------------------------------------------------------------- DOCX


def _docx_document(year: int):  # -> docx.document.Document
    import docx

    d = docx.Document()
    d.add_paragraph(REPORT_TITLE.format(year=year))
    d.add_paragraph(INTRO)
    return d


def _docx_bytes(d) -> bytes:
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def list_docx(table: ListTable, year: int = 2017) -> bytes:
    """A DOCX whose table has a header row and heading rows merged across the row."""
    d = _docx_document(year)
    d.add_paragraph(table.title)
    cells = [Span(0, c, 1, 1, h) for c, h in enumerate(table.header)]
    for r, row in enumerate(table.rows, start=1):
        if row.heading:
            cells.append(Span(r, 0, 1, table.width, _indented(row)))
        else:
            cells.append(Span(r, 0, 1, 1, _indented(row)))
            cells += [Span(r, c, 1, 1, t) for c, t in enumerate(row.cells, start=1)]
    docx_spanned_table(d, cells)
    return _docx_bytes(d)


# ---------------------------------------------------------------------------------- PDF


def list_pdf(
    table: ListTable,
    font: Path,
    year: int = 2017,
    *,
    rows_per_page: int = 34,
    row_height: float = 20.0,
    widths: Sequence[float] = (380.0, 60.0, 75.0),
) -> bytes:
    """A text-layer PDF (fpdf2, the given TrueType CJK font): the table ruled cell by cell,
    ``rows_per_page`` body rows per A4 page with the header row repeated on every page (as
    Word repeats a table's heading rows), heading rows one cell across the row."""
    import fpdf

    pdf = fpdf.FPDF(unit="pt", format="A4")
    pdf.set_compression(True)
    pdf.set_auto_page_break(False)
    pdf.add_font("cjk", "", str(font))
    pdf.set_line_width(0.6)
    x0 = 50.0
    xs = [x0]
    for w in widths:
        xs.append(xs[-1] + w)
    size = 8.5

    def draw(y: float, cells: Sequence[str], spans: Sequence[int], indent: int = 0) -> None:
        c = 0
        for text, span in zip(cells, spans, strict=True):
            left, right = xs[c], xs[c + span]
            pdf.rect(left, y, right - left, row_height)
            if text:
                pdf.set_font("cjk", size=size)
                pad = 3 + (indent * size if c == 0 else 0)
                lines = _wrap(text, right - left - pad - 3, pdf.get_string_width)
                top = y + (row_height - size * 1.1 * len(lines)) / 2
                for k, line in enumerate(lines):
                    w = pdf.get_string_width(line)
                    tx = left + pad if c == 0 else (left + right - w) / 2
                    pdf.text(tx, top + size * (1.1 * k + 0.9), line)
            c += span

    body = list(table.rows)
    for page_no, start in enumerate(range(0, len(body), rows_per_page)):
        pdf.add_page()
        y = 60.0
        if page_no == 0:
            pdf.set_font("cjk", size=12)
            pdf.text(x0, y, REPORT_TITLE.format(year=year))
            pdf.set_font("cjk", size=9)
            pdf.text(x0, y + 20, INTRO)
            pdf.text(x0, y + 40, table.title)
            y += 55
        draw(y, table.header, [1] * table.width)
        y += row_height
        for row in body[start : start + rows_per_page]:
            if row.heading:
                draw(y, [row.label], [table.width], row.indent)
            else:
                draw(y, [row.label, *row.cells], [1] * table.width, row.indent)
            y += row_height
    return bytes(pdf.output())


def _wrap(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """``text`` broken into lines no wider than ``width`` (character by character, as Word
    wraps CJK text)."""
    lines = [""]
    for ch in text:
        if lines[-1] and measure(lines[-1] + ch) > width:
            lines.append("")
        lines[-1] += ch
    return lines


def pdf_text(table: ListTable) -> str:
    """Every character :func:`list_pdf` prints for ``table`` (to subset the font)."""
    chars = [REPORT_TITLE, INTRO, table.title, "0123456789.", *table.header]
    for row in table.rows:
        chars.append(row.label)
        chars.extend(row.cells)
    return "".join(chars)


# ============================================================================ forms R2/R3

APPLICANT_LABELS = (
    "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计",
)  # fmt: skip
APPLICANTS = (
    "natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org",
    "total",
)  # fmt: skip
CORP_GROUP = "法人或其他组织"
T3_TITLE = "三、收到和处理政府信息公开申请情况"
T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T4_TITLE = "四、政府信息公开行政复议、行政诉讼情况"
T2_TITLE = "二、主动公开政府信息情况"
T2_BLOCK = "第二十条第（一）项"
RESULTS = "三、本年度办理结果"


@dataclass(frozen=True)
class T3Row:
    """A printed row of table 三: its label, the code, and the row groups it is printed in
    (``三、本年度办理结果`` and e.g. ``（三）不予公开``), whose cells span the group's rows."""

    label: str
    code: str
    group: str | None = None
    subgroup: str | None = None


def _sub(subgroup: str, rows: Sequence[tuple[str, str]]) -> list[T3Row]:
    return [T3Row(label, code, RESULTS, subgroup) for label, code in rows]


def t3_rows(regime: str) -> tuple[T3Row, ...]:
    """The rows of table 三 in printed order for ``regime`` ("R2" or "R3")."""
    rows = [
        T3Row("一、本年新收政府信息公开申请数量", "requests.new"),
        T3Row("二、上年结转政府信息公开申请数量", "requests.carried_in"),
        T3Row("（一）予以公开", "outcome.granted", RESULTS),
        T3Row(
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "outcome.partial", RESULTS
        ),
    ]
    rows += _sub("（三）不予公开", [
        ("1.属于国家秘密", "outcome.denied.state_secret"),
        ("2.其他法律行政法规禁止公开", "outcome.denied.other_law"),
        ("3.危及“三安全一稳定”", "outcome.denied.security_stability"),
        ("4.保护第三方合法权益", "outcome.denied.third_party"),
        ("5.属于三类内部事务信息", "outcome.denied.internal_affairs"),
        ("6.属于四类过程性信息", "outcome.denied.process_info"),
        ("7.属于行政执法案卷", "outcome.denied.enforcement_file"),
        ("8.属于行政查询事项", "outcome.denied.admin_query"),
    ])  # fmt: skip
    rows += _sub("（四）无法提供", [
        ("1.本机关不掌握相关政府信息", "outcome.unable.not_held"),
        ("2.没有现成信息需要另行制作", "outcome.unable.need_creation"),
        ("3.补正后申请内容仍不明确", "outcome.unable.unclear"),
    ])  # fmt: skip
    rows += _sub("（五）不予处理", [
        ("1.信访举报投诉类申请", "outcome.not_processed.petition"),
        ("2.重复申请", "outcome.not_processed.repeat"),
        ("3.要求提供公开出版物", "outcome.not_processed.publication"),
        ("4.无正当理由大量反复申请", "outcome.not_processed.massive"),
        ("5.要求行政机关确认或重新出具已获取信息", "outcome.not_processed.confirm"),
    ])  # fmt: skip
    if regime == "R2":
        rows.append(T3Row("（六）其他处理", "outcome.other", RESULTS))
    elif regime == "R3":
        rows += _sub("（六）其他处理", [
            ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
             "outcome.other.no_amend"),
            ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
             "outcome.other.no_fee"),
            ("3.其他", "outcome.other.other"),
        ])  # fmt: skip
    else:
        raise ValueError(f"regime must be R2 or R3, got {regime!r}")
    rows.append(T3Row("（七）总计", "outcome.total", RESULTS))
    rows.append(T3Row("四、结转下年度继续办理", "requests.carried_out"))
    return tuple(rows)


def t3_result_codes(regime: str) -> tuple[str, ...]:
    """The leaf result rows that add up to （七）总计."""
    return tuple(r.code for r in t3_rows(regime) if r.group and r.code != "outcome.total")


T4_LEAVES = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
T4_CODES = tuple(
    f"{block}.{leaf}"
    for block in ("review", "litigation.direct", "litigation.after_review")
    for leaf in ("upheld", "corrected", "other", "pending", "total")
)

T2_COLUMNS = {
    "R2": (("本年新制作数量", "new_made"), ("本年新公开数量", "new_published"),
           ("对外公开总数量", "public_total")),
    "R3": (("本年制发件数", "issued"), ("本年废止件数", "repealed"), ("现行有效件数", "in_force")),
}  # fmt: skip
T2_ROWS = {
    "R2": (("规章", "items.regulations"), ("规范性文件", "items.normative_docs")),
    "R3": (("规章", "items.regulations"), ("行政规范性文件", "items.normative_docs")),
}

# derived sums the parser adds (rules/derived.yaml): target → parts
DERIVED_SUMS = {
    "outcome.denied": "outcome.denied.",
    "outcome.unable": "outcome.unable.",
    "outcome.not_processed": "outcome.not_processed.",
    "outcome.other": "outcome.other.",
}


@dataclass(frozen=True)
class FormReport:
    """Tables 二 (block 第二十条第（一）项), 三 and 四 of a 2019+ report.

    ``t2``: row code → the block's three columns; ``t3``: row code → 7 values in
    :data:`APPLICANTS` order (total last); ``t4``: the 15 cells in printed order.
    """

    regime: str
    t2: dict[str, tuple[int, int, int]]
    t3: dict[str, tuple[int, ...]]
    t4: tuple[int, ...]
    year: int = 2021
    t4_small: bool = False  # table 四 as three small tables under their own headings

    def printed(self) -> dict[tuple[str, str], int]:
        """Every printed cell: (indicator, applicant) → value."""
        out: dict[tuple[str, str], int] = {}
        for label_code in T2_ROWS[self.regime]:
            code = label_code[1]
            for (_, key), v in zip(T2_COLUMNS[self.regime], self.t2[code], strict=True):
                out[(f"{code}.{key}", "total")] = v
        for row in t3_rows(self.regime):
            for app, v in zip(APPLICANTS, self.t3[row.code], strict=True):
                out[(row.code, app)] = v
        for code, v in zip(T4_CODES, self.t4, strict=True):
            out[(code, "total")] = v
        return out

    def with_sums(self) -> dict[tuple[str, str], int]:
        """:meth:`printed` plus the sums the parser may derive (outcome.denied, …, pooled
        litigation = direct + after review)."""
        out = self.printed()
        for target, prefix in DERIVED_SUMS.items():
            parts = [r.code for r in t3_rows(self.regime) if r.code.startswith(prefix)]
            if not parts:
                continue
            for k, app in enumerate(APPLICANTS):
                out[(target, app)] = sum(self.t3[p][k] for p in parts)
        for leaf in ("upheld", "corrected", "other", "pending", "total"):
            out[(f"litigation.{leaf}", "total")] = (
                out[(f"litigation.direct.{leaf}", "total")]
                + out[(f"litigation.after_review.{leaf}", "total")]
            )
        return out

    # ----------------------------------------------------------------- printed texts

    def t3_texts(self, code: str, blank_zeros: bool = False) -> list[str]:
        return [_num(v, blank_zeros) for v in self.t3[code]]

    def t4_texts(self, blank_zeros: bool = False) -> list[str]:
        return [_num(v, blank_zeros) for v in self.t4]


def _num(v: int, blank_zero: bool = False) -> str:
    return "" if blank_zero and v == 0 else str(v)


def _t3_spans(regime: str) -> tuple[dict[int, int], dict[int, int]]:
    """First row index of each group / subgroup → the number of rows it spans."""
    rows = t3_rows(regime)
    group: dict[int, int] = {}
    sub: dict[int, int] = {}
    for i, r in enumerate(rows):
        if r.group and (i == 0 or rows[i - 1].group != r.group):
            group[i] = sum(1 for x in rows if x.group == r.group)
        if r.subgroup and (i == 0 or rows[i - 1].subgroup != r.subgroup):
            sub[i] = sum(1 for x in rows if x.subgroup == r.subgroup)
    return group, sub


# ------------------------------------------------------------------- form: HTML / DOCX


@dataclass(frozen=True)
class Span:
    """A cell of a spanned table: its top-left slot, spans and text."""

    row: int
    col: int
    rowspan: int
    colspan: int
    text: str


T4_SMALL = ("行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）")


def form_cells(rep: FormReport, blank_zeros: bool = False) -> list[tuple[str, list[Span]]]:
    """The three tables as (title, cells with the national form's row/col spans); with
    ``rep.t4_small`` table 四 is three small tables under their own headings
    (:data:`T4_SMALL`), as some bodies print it."""
    t2: list[Span] = [Span(0, 0, 1, 4, T2_BLOCK), Span(1, 0, 1, 1, "信息内容")]
    t2 += [Span(1, c + 1, 1, 1, lab) for c, (lab, _) in enumerate(T2_COLUMNS[rep.regime])]
    for r, (label, code) in enumerate(T2_ROWS[rep.regime], start=2):
        t2.append(Span(r, 0, 1, 1, label))
        t2 += [Span(r, c + 1, 1, 1, _num(v, blank_zeros)) for c, v in enumerate(rep.t2[code])]

    # table 三: 3 label columns + 7 applicant columns, header rows 0-2
    t3: list[Span] = [
        Span(0, 0, 3, 3, T3_NOTE),
        Span(0, 3, 1, 7, "申请人情况"),
        Span(1, 3, 2, 1, "自然人"),
        Span(1, 4, 1, 5, CORP_GROUP),
        Span(1, 9, 2, 1, "总计"),
    ]
    t3 += [Span(2, 4 + k, 1, 1, lab) for k, lab in enumerate(APPLICANT_LABELS[1:6])]
    group, sub = _t3_spans(rep.regime)
    for i, row in enumerate(t3_rows(rep.regime)):
        r = 3 + i
        if row.group is None:
            t3.append(Span(r, 0, 1, 3, row.label))
        else:
            if i in group:
                t3.append(Span(r, 0, group[i], 1, row.group))
            if row.subgroup is None:
                t3.append(Span(r, 1, 1, 2, row.label))
            else:
                if i in sub:
                    t3.append(Span(r, 1, sub[i], 1, row.subgroup))
                t3.append(Span(r, 2, 1, 1, row.label))
        t3 += [Span(r, 3 + k, 1, 1, v) for k, v in enumerate(rep.t3_texts(row.code, blank_zeros))]

    t4: list[Span] = [Span(0, 0, 1, 5, "行政复议"), Span(0, 5, 1, 10, "行政诉讼")]
    t4 += [Span(1, c, 2, 1, T4_LEAVES[c]) for c in range(5)]
    t4 += [Span(1, 5, 1, 5, "未经复议直接起诉"), Span(1, 10, 1, 5, "复议后起诉")]
    t4 += [Span(2, 5 + c, 1, 1, T4_LEAVES[c % 5]) for c in range(10)]
    t4 += [Span(3, c, 1, 1, v) for c, v in enumerate(rep.t4_texts(blank_zeros))]
    if rep.t4_small:
        values = rep.t4_texts(blank_zeros)
        small = [
            (f"{T4_TITLE} {heading}" if k == 0 else heading,
             [Span(0, c, 1, 1, T4_LEAVES[c]) for c in range(5)]
             + [Span(1, c, 1, 1, values[5 * k + c]) for c in range(5)])
            for k, heading in enumerate(T4_SMALL)
        ]  # fmt: skip
        return [(T2_TITLE, t2), (T3_TITLE, t3), *small]
    return [(T2_TITLE, t2), (T3_TITLE, t3), (T4_TITLE, t4)]


def form_html(rep: FormReport, encoding: str = "utf-8") -> bytes:
    """The report page: each table with the national form's rowspan / colspan header and
    row groups, as a site's content management system publishes it."""
    title = REPORT_TITLE.format(year=rep.year)
    parts = [
        f'<!DOCTYPE html>\n<html>\n<head>\n<meta charset="{encoding}">\n<title>{title}</title>'
        f"\n</head>\n<body>\n<div class=\"content\">\n<p>{title}</p>\n<p>{INTRO}</p>\n"
    ]
    for caption, cells in form_cells(rep):
        parts.append(f"<p>{caption}</p>\n<table border=\"1\" cellspacing=\"0\"><tbody>\n")
        by_row: dict[int, list[Span]] = {}
        for s in cells:
            by_row.setdefault(s.row, []).append(s)
        for r in sorted(by_row):
            tds = []
            for s in sorted(by_row[r], key=lambda s: s.col):
                attrs = (f' colspan="{s.colspan}"' if s.colspan > 1 else "") + (
                    f' rowspan="{s.rowspan}"' if s.rowspan > 1 else ""
                )
                text = html.escape(s.text, quote=False) if s.text else "&nbsp;"
                tds.append(f"<td{attrs}><p>{text}</p></td>")
            parts.append("<tr>" + "".join(tds) + "</tr>\n")
        parts.append("</tbody></table>\n")
    parts.append("<p>五、存在的主要问题及改进情况</p>\n</div>\n</body>\n</html>\n")
    return "".join(parts).encode(encoding)


def form_docx(rep: FormReport) -> bytes:
    """A DOCX with the three tables, merged cells as in the national form."""
    d = _docx_document(rep.year)
    for caption, cells in form_cells(rep):
        d.add_paragraph(caption)
        docx_spanned_table(d, cells)
    d.add_paragraph("五、存在的主要问题及改进情况")
    return _docx_bytes(d)


def docx_spanned_table(
    container, cells: Sequence[Span], widths: Sequence[int] | None = None, borders: bool = True
):  # container: a docx Document or a table cell; returns the docx table
    """Add a table with merged cells written as Word writes them: a ``<w:gridSpan>`` cell
    for a column span, a ``vMerge="restart"`` cell over ``<w:vMerge/>`` continuation cells
    for a row span (python-docx's ``merge`` does the same but is quadratic in the table).
    ``container`` is a document or a cell (a nested table); ``widths`` in twips per column;
    ``borders`` gives the "Table Grid" style; a newline in a cell's text starts a paragraph."""
    from docx.shared import Twips
    from docx.table import _Cell

    n_rows = max(s.row + s.rowspan for s in cells)
    n_cols = max(s.col + s.colspan for s in cells)
    t = container.add_table(rows=n_rows, cols=n_cols)
    if borders:
        t.style = "Table Grid"
    if widths:
        for col, w in zip(t.columns, widths, strict=True):
            col.width = Twips(w)
    starts: dict[tuple[int, int], tuple[Span, bool]] = {}
    for s in cells:
        for r in range(s.row, s.row + s.rowspan):
            starts[(r, s.col)] = (s, r == s.row)
    for r, tr in enumerate(t._tbl.tr_lst):
        tcs = list(tr.tc_lst)
        c = 0
        while c < n_cols:
            tc = tcs[c]
            span, top = starts.get((r, c), (None, True))
            width = span.colspan if span else 1
            for extra in tcs[c + 1 : c + width]:
                tr.remove(extra)
            if width > 1:
                tc.grid_span = width
            if span and span.rowspan > 1:
                tc.get_or_add_tcPr().vMerge_val = "restart" if top else "continue"
            if span and top:
                cell = _Cell(tc, t)
                first, *more = span.text.split("\n")
                cell.text = first
                for paragraph in more:
                    cell.add_paragraph(paragraph)
            c += width
    return t


# ------------------------------------------------------------------ form: flat shapes


def _flat_rows(rep: FormReport, blank_zeros: bool = False) -> list[tuple[str, list[list[str]]]]:
    """Each table as rows of cells with spans dropped: a spanned cell is printed once, in the
    row it starts in (what converters and crawlers make of the national form)."""
    out = []
    for caption, cells in form_cells(rep, blank_zeros):
        rows: dict[int, list[Span]] = {}
        for s in cells:
            rows.setdefault(s.row, []).append(s)
        texts = [[s.text for s in sorted(rows[r], key=lambda s: s.col)] for r in sorted(rows)]
        out.append((caption, texts))
    return out


def form_markdown(rep: FormReport, blank_zeros: bool = False) -> str:
    """Pipe tables without spans (two-level headers flattened, a row group's label only in
    the first row of its group), each with a delimiter line after its first row."""
    lines = [REPORT_TITLE.format(year=rep.year), "", INTRO, ""]
    for caption, rows in _flat_rows(rep, blank_zeros):
        lines += [caption, ""]
        lines.append(_pipe(rows[0]))
        lines.append(_pipe(["---"] * len(rows[0])))
        lines += [_pipe(r) for r in rows[1:]]
        lines.append("")
    lines.append("五、存在的主要问题及改进情况")
    return "\n".join(lines) + "\n"


def form_run_together(rep: FormReport) -> str:
    """Crawler text: the page on one line, every cell glued to the next
    (``一、本年新收政府信息公开申请数量640020470``; table 四 one run of 15 numbers)."""
    body = "".join(
        caption + "".join("".join(r) for r in rows) for caption, rows in _flat_rows(rep)
    )
    return (
        REPORT_TITLE.format(year=rep.year) + " " + INTRO + body + "五、存在的主要问题及改进情况\n"
    )


# ============================================================================ R0 (Fujian)


@dataclass(frozen=True)
class R0Row:
    """A row of the Fujian template: its name (without the printed ordinal), unit, code and
    the row it is an "of which" part of."""

    name: str
    unit: str
    code: str
    parent: str | None = None


R0_ROWS: tuple[R0Row, ...] = (
    R0Row("主动公开信息数", "条", "proactive.total"),
    R0Row("网站公开", "条", "proactive.channel.website", "proactive.total"),
    R0Row("政府公报公开", "条", "proactive.channel.gazette", "proactive.total"),
    R0Row("受理依申请公开信息总数", "条", "requests.new"),
    R0Row("当面申请数", "条", "requests.channel.in_person", "requests.new"),
    R0Row("传真申请数", "条", "requests.channel.fax", "requests.new"),
    R0Row("电子邮件申请数", "条", "requests.channel.email", "requests.new"),
    R0Row("网上申请数", "条", "requests.channel.online", "requests.new"),
    R0Row("信函申请数", "条", "requests.channel.letter", "requests.new"),
    R0Row("其它形式申请数", "条", "requests.channel.other", "requests.new"),
    R0Row("对申请的答复总数", "条", "outcome.answered"),
    R0Row("同意公开答复数", "条", "outcome.granted", "outcome.answered"),
    R0Row("同意部分公开答复数", "条", "outcome.partial", "outcome.answered"),
    R0Row("否决公开答复数", "条", "outcome.denied", "outcome.answered"),
    R0Row("行政复议数", "件", "review.total"),
    R0Row("行政诉讼数", "件", "litigation.total"),
    R0Row("行政申诉数", "件", "complaints.total"),
)
R0_TITLE = "政府信息公开情况统计表"


def r0_table(
    values: dict[str, tuple[int, int]], year_header: str = "本年度", cumulative: bool = True
) -> ListTable:
    """The Fujian table of the rows in ``values`` (code → (本年度, 历年累计)), in template
    order; "of which" rows are numbered within their parent, the first marked 其中：."""
    rows = []
    k = 0
    for r in R0_ROWS:
        if r.code not in values:
            continue
        if r.parent is None:
            k = 0
            label = r.name
        else:
            k += 1
            label = ("其中：" if k == 1 else "") + f"{k}.{r.name}"
        this_year, total = values[r.code]
        cells = (r.unit, str(this_year), str(total)) if cumulative else (r.unit, str(this_year))
        rows.append(ListRow(label, cells))
    header = ("指标名称", "计量单位", year_header) + (("历年累计",) if cumulative else ())
    return ListTable(R0_TITLE, header, tuple(rows))


# ======================================================================= one cell per line


@dataclass(frozen=True)
class Linearization:
    """How a site's crawler writes a page out as text, one element per line.

    Every table cell is a line of its own (blank cells print nothing); with ``label_breaks``
    a label's ordinal stands on a line of its own (``1.`` / ``属于国家秘密``, or ``2`` /
    ``、政府公报公开数``) and long labels are broken in two; numbers of the numbers in reading
    order whose index is in ``split_numbers`` are printed over two lines (``1`` / ``62``, an
    inline element of the page); ``collapse`` merges consecutive identical lines (``46`` /
    ``0`` / ``46`` for 46, 0, 0, 0, 0, 0, 46); ``newline`` is the line ending and
    ``stray_cr`` puts one CR LF into an LF text, as real exports hold.
    """

    collapse: bool = False
    split_numbers: frozenset[int] = frozenset()
    label_breaks: bool = False
    newline: str = "\n"
    stray_cr: bool = False

    def describe(self) -> str:
        parts = [k for k in ("collapse", "label_breaks", "stray_cr") if getattr(self, k)]
        if self.split_numbers:
            parts.append(f"split{sorted(self.split_numbers)}")
        if self.newline != "\n":
            parts.append("crlf")
        return "+".join(parts) or "plain"


_ORDINAL_HEAD = re.compile(r"^(其中[：:])?(\d{1,2})([.、])(.+)$")


def _label_lines(text: str, lin: Linearization) -> list[str]:
    if not lin.label_breaks:
        return [text]
    m = _ORDINAL_HEAD.match(text)
    if m:
        head, number, mark, rest = m.groups()
        lines = [head] if head else []
        # an ordinal with its mark on its own line, or the number alone before "、…"
        if mark == "、":
            return [*lines, number, mark + rest]
        return [*lines, number + mark, *_label_lines(rest, lin)]
    if len(text) >= 8 and not any(ch.isdigit() for ch in text):
        h = len(text) // 2
        return [text[:h], text[h:]]
    return [text]


def one_per_line(blocks: Sequence[Sequence[str]], lin: Linearization) -> str:
    """``blocks`` of printed texts in reading order (prose lines, then table cells; "" for
    a blank cell) written one per line as ``lin`` says."""
    texts = [t for block in blocks for t in block if t]  # a blank cell prints nothing
    row_of = [b for b, block in enumerate(blocks) for t in block if t]  # a block is a row
    numbers = [i for i, t in enumerate(texts) if re.fullmatch(r"\d+(?:\.\d+)?", t)]
    split = {
        i for k, i in enumerate(numbers)
        if k in lin.split_numbers and len(texts[i]) > 1 and texts[i].isdigit()
    }  # fmt: skip
    while True:
        lines: list[tuple[str, int | None, int]] = []  # (line, number it splits, row)
        for i, text in enumerate(texts):
            if i in split:
                lines += [(text[:1], i, row_of[i]), (text[1:], i, row_of[i])]
            elif i in numbers:
                lines.append((text, None, row_of[i]))
            else:
                lines.extend((x, None, row_of[i]) for x in _label_lines(text, lin))
        # No reader can tell two printings apart when a row's merged lines and its split
        # number cancel out: a split part merged with the line next to it ("2" "22668" as
        # 2 / 2 / 2668 → 2 / 2668), or equal cells merged in the row of a split number
        # (0 | 0 | 12 as 0 / 0 / 1 / 2 → 0 / 1 / 2): the lines print another table plainly.
        # Such splits are not made.
        merges = [(a, b) for a, b in pairwise(lines) if lin.collapse and a[0] == b[0]]
        merged = {owner for a, b in merges for owner in (a[1], b[1]) if owner is not None}
        rows = {a[2] for a, _ in merges}
        merged |= {i for i in split if row_of[i] in rows}
        if not merged:
            break
        split -= merged
    printed = [x for x, _, _ in lines]
    if lin.collapse:
        printed = [x for i, x in enumerate(printed) if i == 0 or x != printed[i - 1]]
    ends = [lin.newline] * len(printed)
    if lin.stray_cr and len(printed) > 3:
        ends[2] = "\r\n"
    return "".join(x + e for x, e in zip(printed, ends, strict=True))


def prose_with_figures(year: int, new: int, review: int) -> list[str]:
    """The report's opening prose with two figures, each number an element of its own."""
    return [
        REPORT_TITLE.format(year=year),
        INTRO,
        f"{year}",
        "年，本机关共收到政府信息公开申请",
        str(new),
        "件，行政复议",
        str(review),
        "件。",
    ]


def list_blocks(table: ListTable) -> list[list[str]]:
    """A list table in reading order: title, header cells, then each row's cells."""
    return [[table.title, *table.header], *[list(r) for r in table.full_rows()]]


def form_blocks(rep: FormReport) -> list[list[str]]:
    """Tables 二, 三 and 四 in reading order, spans dropped (each spanned cell once, in the
    row it starts in), as a crawler walks the page."""
    out: list[list[str]] = []
    for caption, rows in _flat_rows(rep):
        out.append([caption])
        out.extend(list(r) for r in rows)
    return out
