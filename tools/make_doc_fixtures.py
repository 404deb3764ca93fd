"""Generate the legacy Word (.doc / .wps) fixtures of ``tests/test_read_doc.py``.

How they are made (fixture-generation time only; nothing here runs in the tests or at run
time):

1. Each fixture is first built as a DOCX with python-docx (``build_docx(name)``): short
   Chinese sentences written for these fixtures (no report prose is copied) plus the
   statistics tables of the national forms, whose row and column labels are facts of the
   forms; the numbers are made up.  Merged cells are written as Word writes them
   (``<w:gridSpan>`` for a column span, ``<w:vMerge w:val="restart">`` over ``<w:vMerge/>``
   continuation cells for a row span).
2. LibreOffice converts the DOCX to Word 97-2003: ``soffice --headless --convert-to doc``
   (Debian: ``apt-get install -y libreoffice-writer-nogui``; made with LibreOffice 7.4).
3. ``<name>.expected.json`` records what :func:`govstats.read.docx.read_docx` gives for the
   source DOCX (text, grids with their cells) and the DOCX's core title: the tests check
   that :func:`govstats.read.doc.read_doc` gives the same for the ``.doc``.
4. ``r1_list.wps`` is a byte copy of ``r1_list.doc``: WPS Office's ``.wps`` (文字 97-2003)
   is the same Word binary in the same OLE container, only the name differs.
5. ``encrypted.doc``: a small DOCX saved by LibreOffice through UNO as "MS Word 97" with
   the password ``govstats`` (RC4 CryptoAPI encryption, ``fEncrypted`` set in the FIB).
   Needs the ``python3-uno`` Debian package (the system ``python3`` imports ``uno``); it is
   skipped, with a message, when that is missing.

The ``.doc`` bytes are not reproducible byte for byte (LibreOffice stamps dates and ids into
the file); the text and the cells are.

Usage::

    .venv/bin/python tools/make_doc_fixtures.py              # (re)write tests/fixtures/doc
    .venv/bin/python tools/make_doc_fixtures.py --check      # rebuild the DOCX sources and
                                                             # compare with the .expected.json
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "tests" / "fixtures" / "doc"
sys.path.insert(0, str(REPO))
from tests.renderers import Span, docx_spanned_table  # noqa: E402  (the tests' Word tables)

PASSWORD = "govstats"


# ------------------------------------------------------------------------------ DOCX


def _new_document(title: str | None):  # -> docx.document.Document
    import docx

    d = docx.Document()
    cp = d.core_properties
    cp.title = title or ""
    cp.author = "govstats fixtures"
    cp.comments = ""
    cp.revision = 1
    return d


def _docx_bytes(d) -> bytes:
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _spanned_table(container, cells: Sequence[Span], widths: Sequence[int] | None = None,
                   borders: bool = True):
    """The test renderers' Word table with merged cells (``borders`` give it the "Table
    Grid" style, which makes Word's row properties big enough to be stored apart, in the Data
    stream)."""
    return docx_spanned_table(container, cells, widths, borders)


# --- R1: the list table of 2014-2018 (统计指标 | 单位 | 统计数) ------------------------------

R1_ROWS: tuple[tuple[str, str | None, str | None], ...] = (
    # label, unit, value; a row without unit is a heading printed across the table
    ("一、主动公开情况", None, None),
    ("（一）主动公开政府信息数", "条", "352"),
    ("其中：主动公开规范性文件数", "条", "7"),
    ("制发规范性文件总数", "件", "7"),
    ("（二）通过不同渠道和方式公开政府信息的情况", None, None),
    ("1.政府公报公开政府信息数", "条", "0"),
    ("2.政府网站公开政府信息数", "条", "298"),
    ("3.政务微博公开政府信息数", "条", "41"),
    ("4.政务微信公开政府信息数", "条", "13"),
    ("5.其他方式公开政府信息数", "条", "0"),
    ("二、依申请公开情况", None, None),
    ("（一）收到申请数", "件", "18"),
    ("1.当面申请数", "件", "5"),
    ("2.传真申请数", "件", "0"),
    ("3.网络申请数", "件", "9"),
    ("4.信函申请数", "件", "4"),
    ("（二）申请办结数", "件", "18"),
    ("1.按时办结数", "件", "18"),
    ("2.延期办结数", "件", "0"),
    ("三、政府信息公开行政复议、诉讼情况", None, None),
    ("（一）维持具体行政行为数", "件", "1"),
    ("（二）被依法纠错数", "件", "0"),
)


def build_r1_list() -> bytes:
    title = "某某县卫生健康局2017年政府信息公开工作年度报告"
    d = _new_document(title)
    d.add_paragraph(title)
    d.add_paragraph("本报告由县卫生健康局编制，统计期限为2017年1月1日至12月31日。")
    d.add_paragraph("全年主动公开各类信息352条，办理依申请公开18件，均在法定期限内答复。")
    d.add_paragraph("政府信息公开情况统计表")
    cells = [Span(0, 0, 1, 1, "统计指标"), Span(0, 1, 1, 1, "单位"), Span(0, 2, 1, 1, "统计数")]
    for r, (label, unit, value) in enumerate(R1_ROWS, start=1):
        if unit is None:
            cells.append(Span(r, 0, 1, 3, label))
        else:
            cells += [Span(r, 0, 1, 1, label), Span(r, 1, 1, 1, unit),
                      Span(r, 2, 1, 1, value or "")]
    _spanned_table(d, cells, widths=(5200, 1400, 1900))
    d.add_paragraph("特此报告。")
    return _docx_bytes(d)


# --- R3: the national form of 2021 (tables 二, 三 and 四) ------------------------------------

APPLICANT_LABELS = (
    "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计",
)  # fmt: skip
RESULTS = "三、本年度办理结果"
T3_ROWS: tuple[tuple[str, str | None, str | None], ...] = (
    # label, group, subgroup
    ("一、本年新收政府信息公开申请数量", None, None),
    ("二、上年结转政府信息公开申请数量", None, None),
    ("（一）予以公开", RESULTS, None),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", RESULTS, None),
    ("1.属于国家秘密", RESULTS, "（三）不予公开"),
    ("2.其他法律行政法规禁止公开", RESULTS, "（三）不予公开"),
    ("3.危及“三安全一稳定”", RESULTS, "（三）不予公开"),
    ("4.保护第三方合法权益", RESULTS, "（三）不予公开"),
    ("5.属于三类内部事务信息", RESULTS, "（三）不予公开"),
    ("6.属于四类过程性信息", RESULTS, "（三）不予公开"),
    ("7.属于行政执法案卷", RESULTS, "（三）不予公开"),
    ("8.属于行政查询事项", RESULTS, "（三）不予公开"),
    ("1.本机关不掌握相关政府信息", RESULTS, "（四）无法提供"),
    ("2.没有现成信息需要另行制作", RESULTS, "（四）无法提供"),
    ("3.补正后申请内容仍不明确", RESULTS, "（四）无法提供"),
    ("1.信访举报投诉类申请", RESULTS, "（五）不予处理"),
    ("2.重复申请", RESULTS, "（五）不予处理"),
    ("3.要求提供公开出版物", RESULTS, "（五）不予处理"),
    ("4.无正当理由大量反复申请", RESULTS, "（五）不予处理"),
    ("5.要求行政机关确认或重新出具已获取信息", RESULTS, "（五）不予处理"),
    ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", RESULTS,
     "（六）其他处理"),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", RESULTS,
     "（六）其他处理"),
    ("3.其他", RESULTS, "（六）其他处理"),
    ("（七）总计", RESULTS, None),
    ("四、结转下年度继续办理", None, None),
)
# 7 applicant columns per row: 自然人, 5 kinds of 法人或其他组织, 总计 (rows add up)
T3_VALUES: tuple[tuple[int, ...], ...] = (
    (12, 2, 0, 0, 1, 0, 15), (1, 0, 0, 0, 0, 0, 1),
    (6, 1, 0, 0, 0, 0, 7), (2, 0, 0, 0, 1, 0, 3),
    (0,) * 7, (0,) * 7, (0,) * 7, (1, 0, 0, 0, 0, 0, 1), (0,) * 7, (0,) * 7, (0,) * 7,
    (0,) * 7,
    (2, 1, 0, 0, 0, 0, 3), (0,) * 7, (0,) * 7,
    (1, 0, 0, 0, 0, 0, 1), (0,) * 7, (0,) * 7, (0,) * 7, (0,) * 7,
    (0,) * 7, (0,) * 7, (0,) * 7,
    (12, 2, 0, 0, 1, 0, 15),
    (1, 0, 0, 0, 0, 0, 1),
)  # fmt: skip
T4_LEAVES = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
T4_VALUES = (1, 0, 0, 1, 2, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0)


def _t3_cells() -> list[Span]:
    cells = [
        Span(0, 0, 3, 3, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"),
        Span(0, 3, 1, 7, "申请人情况"),
        Span(1, 3, 2, 1, "自然人"),
        Span(1, 4, 1, 5, "法人或其他组织"),
        Span(1, 9, 2, 1, "总计"),
    ]
    cells += [Span(2, 4 + k, 1, 1, lab) for k, lab in enumerate(APPLICANT_LABELS[1:6])]
    for i, (label, group, sub) in enumerate(T3_ROWS):
        r = 3 + i
        first_of_group = group and (i == 0 or T3_ROWS[i - 1][1] != group)
        first_of_sub = sub and (i == 0 or T3_ROWS[i - 1][2] != sub)
        if group is None:
            cells.append(Span(r, 0, 1, 3, label))
        else:
            if first_of_group:
                n = sum(1 for row in T3_ROWS if row[1] == group)
                cells.append(Span(r, 0, n, 1, group))
            if sub is None:
                cells.append(Span(r, 1, 1, 2, label))
            else:
                if first_of_sub:
                    n = sum(1 for row in T3_ROWS if row[2] == sub)
                    cells.append(Span(r, 1, n, 1, sub))
                cells.append(Span(r, 2, 1, 1, label))
        cells += [Span(r, 3 + k, 1, 1, str(v)) for k, v in enumerate(T3_VALUES[i])]
    return cells


def _t4_cells() -> list[Span]:
    cells = [Span(0, 0, 1, 5, "行政复议"), Span(0, 5, 1, 10, "行政诉讼")]
    cells += [Span(1, c, 2, 1, T4_LEAVES[c]) for c in range(5)]
    cells += [Span(1, 5, 1, 5, "未经复议直接起诉"), Span(1, 10, 1, 5, "复议后起诉")]
    cells += [Span(2, 5 + c, 1, 1, T4_LEAVES[c % 5]) for c in range(10)]
    cells += [Span(3, c, 1, 1, str(v)) for c, v in enumerate(T4_VALUES)]
    return cells


def build_r3_form() -> bytes:
    title = "某某县卫生健康局2021年政府信息公开工作年度报告"
    d = _new_document(title)
    d.add_paragraph(title)
    d.add_paragraph("一、总体情况")
    d.add_paragraph("2021年，县卫生健康局按照条例要求，及时公开医疗服务和公共卫生方面的信息。")
    d.add_paragraph("全年新收政府信息公开申请15件，上年结转1件，结转下年度继续办理1件。")
    d.add_paragraph("二、主动公开政府信息情况")
    t2 = [Span(0, 0, 1, 4, "第二十条第（一）项"), Span(1, 0, 1, 1, "信息内容"),
          Span(1, 1, 1, 1, "本年制发件数"), Span(1, 2, 1, 1, "本年废止件数"),
          Span(1, 3, 1, 1, "现行有效件数"),
          Span(2, 0, 1, 1, "规章"), Span(2, 1, 1, 1, "0"), Span(2, 2, 1, 1, "0"),
          Span(2, 3, 1, 1, "0"),
          Span(3, 0, 1, 1, "行政规范性文件"), Span(3, 1, 1, 1, "2"), Span(3, 2, 1, 1, "1"),
          Span(3, 3, 1, 1, "9")]  # fmt: skip
    _spanned_table(d, t2)
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    _spanned_table(d, _t3_cells(), widths=(500, 700, 2300) + (640,) * 7)
    d.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    _spanned_table(d, _t4_cells(), widths=(560,) * 15)
    d.add_paragraph("五、存在的主要问题及改进情况")
    d.add_paragraph("部分栏目更新不够及时，下一步将加强审核，提高公开质量。")
    return _docx_bytes(d)


# --- features: what a reader has to get right beyond plain cells ---------------------------


def _hyperlink(paragraph, text: str, url: str) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    r_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def build_features() -> bytes:
    d = _new_document(None)
    d.add_paragraph("某某镇人民政府2019年政府信息公开工作年度报告")
    p = d.add_paragraph("本年度共收到申请")
    p.add_run("（此处为隐藏文字）").font.hidden = True
    p.add_run("6件，全部按时答复。")
    p = d.add_paragraph("联系电话：\t0000-1234567")
    p = d.add_paragraph("第一行")
    p.add_run().add_break()
    p.add_run("第二行 English text, 12 requests.")
    p = d.add_paragraph("详见本镇网站：")
    _hyperlink(p, "政府信息公开专栏", "https://example.org/gk")
    d.add_paragraph("（单位：件）")
    cells = [
        Span(0, 0, 1, 1, "项目"), Span(0, 1, 1, 1, "数量"), Span(0, 2, 1, 1, "备注"),
        Span(1, 0, 1, 1, "收到申请"), Span(1, 1, 1, 1, "6"), Span(1, 2, 1, 1, "第一段\n第二段"),
        Span(2, 0, 1, 1, "办结"), Span(2, 1, 1, 1, "6"), Span(2, 2, 1, 1, ""),
        Span(3, 0, 1, 1, ""), Span(3, 1, 1, 1, ""), Span(3, 2, 1, 1, ""),
        Span(4, 0, 1, 1, "附表"), Span(4, 1, 1, 2, ""),
    ]  # fmt: skip
    outer = _spanned_table(d, cells)
    inner_cell = outer.cell(4, 1)
    _spanned_table(inner_cell, [Span(0, 0, 1, 1, "行政复议"), Span(0, 1, 1, 1, "行政诉讼"),
                                Span(1, 0, 1, 1, "1"), Span(1, 1, 1, 1, "0")])
    d.add_paragraph("以上数据截至2019年12月31日。")
    return _docx_bytes(d)


BUILDERS: dict[str, Callable[[], bytes]] = {
    "r1_list": build_r1_list,
    "r3_form": build_r3_form,
    "features": build_features,
}


def build_docx(name: str) -> bytes:
    """The source DOCX of fixture ``name`` (deterministic in text and cells)."""
    return BUILDERS[name]()


# ---------------------------------------------------------------------------- expected


def expected(docx_bytes: bytes) -> dict:
    """What the DOCX reader gives for ``docx_bytes``, plus the DOCX's core title, as JSON."""
    import docx

    from govstats.read.docx import read_docx

    doc = read_docx(docx_bytes)
    title = docx.Document(io.BytesIO(docx_bytes)).core_properties.title or None
    return {
        "title": title,
        "text": doc.text,
        "grids": [
            {
                "index": g.index,
                "title": g.title,
                "cells": [[c.text, c.row, c.col, c.rowspan, c.colspan] for r in g.rows for c in r],
            }
            for g in doc.grids
        ],
    }


# ------------------------------------------------------------------------- LibreOffice


def _soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        sys.exit("soffice not found: apt-get install -y libreoffice-writer-nogui")
    return exe


def convert_to_doc(docx_path: Path, outdir: Path, profile: Path) -> Path:
    subprocess.run(
        [_soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless",
         "--convert-to", "doc", "--outdir", str(outdir), str(docx_path)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    out = outdir / (docx_path.stem + ".doc")
    if not out.is_file():
        sys.exit(f"LibreOffice made no {out.name}")
    return out


_UNO_SAVE = textwrap.dedent(
    """
    import sys, time, uno
    from com.sun.star.beans import PropertyValue

    def prop(name, value):
        p = PropertyValue()
        p.Name, p.Value = name, value
        return p

    src, dst, password, pipe = sys.argv[1:5]
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(100):
        try:
            ctx = resolver.resolve(
                f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except Exception:
            time.sleep(0.3)
    else:
        sys.exit("cannot reach soffice")
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0,
                                       (prop("Hidden", True),))
    doc.storeToURL(uno.systemPathToFileUrl(dst),
                   (prop("FilterName", "MS Word 97"), prop("Password", password)))
    doc.close(True)
    try:
        desktop.terminate()
    except Exception:
        pass
    """
)


def encrypted_doc(docx_path: Path, dst: Path, profile: Path) -> bool:
    """Save ``docx_path`` as a password-protected Word 97 file through UNO (system python3
    with python3-uno).  False when UNO is not available."""
    py = shutil.which("python3", path="/usr/bin:/bin")
    if not py or subprocess.run([py, "-c", "import uno"], capture_output=True).returncode:
        print("python3-uno missing: encrypted.doc not made (apt-get install python3-uno)")
        return False
    pipe = f"govstats_doc_{os.getpid()}"
    office = subprocess.Popen(
        [_soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible",
         "--norestore", f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        script = docx_path.parent / "uno_save.py"
        script.write_text(_UNO_SAVE, encoding="utf-8")
        subprocess.run([py, str(script), str(docx_path), str(dst), PASSWORD, pipe],
                       check=True, timeout=300)  # fmt: skip
    finally:
        for _ in range(50):
            if office.poll() is not None:
                break
            time.sleep(0.2)
        else:
            office.terminate()
            office.wait(timeout=30)
    return dst.is_file()


def build_encrypted_source() -> bytes:
    d = _new_document("加密文件")
    d.add_paragraph("此文件设有打开密码。")
    return _docx_bytes(d)


# -------------------------------------------------------------------------------- main


def _write_json(path: Path, obj: dict) -> None:
    """``obj`` as JSON with one cell a line (small, and readable in a diff)."""
    dump = lambda v: json.dumps(v, ensure_ascii=False)  # noqa: E731
    grids = []
    for g in obj["grids"]:
        cells = ",\n".join(f"    {dump(c)}" for c in g["cells"])
        grids.append(f'  {{"index": {g["index"]}, "title": {dump(g["title"])}, "cells": [\n'
                     f"{cells}\n  ]}}")
    body = ",\n".join(grids)
    path.write_text(
        f'{{"title": {dump(obj["title"])},\n "text": {dump(obj["text"])},\n'
        f' "grids": [\n{body}\n ]}}\n',
        encoding="utf-8",
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--check", action="store_true",
                    help="rebuild the DOCX sources and compare with the .expected.json files")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(REPO / "src"))
    if args.check:
        bad = 0
        for name in BUILDERS:
            want = json.loads((args.out / f"{name}.expected.json").read_text(encoding="utf-8"))
            if expected(build_docx(name)) != want:
                print(f"{name}: the DOCX source no longer gives {name}.expected.json")
                bad += 1
        print("ok" if not bad else f"{bad} differ")
        return 1 if bad else 0
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="govstats-doc-") as tmp:
        work = Path(tmp)
        profile = work / "profile"
        for name in BUILDERS:
            data = build_docx(name)
            src = work / f"{name}.docx"
            src.write_bytes(data)
            doc = convert_to_doc(src, work, profile)
            shutil.copyfile(doc, args.out / f"{name}.doc")
            _write_json(args.out / f"{name}.expected.json", expected(data))
            print(f"{name}.doc: {doc.stat().st_size} bytes (from a {len(data)}-byte DOCX)")
        shutil.copyfile(args.out / "r1_list.doc", args.out / "r1_list.wps")
        print("r1_list.wps: a copy of r1_list.doc")
        src = work / "encrypted.docx"
        src.write_bytes(build_encrypted_source())
        if encrypted_doc(src, work / "encrypted.doc", profile):
            shutil.copyfile(work / "encrypted.doc", args.out / "encrypted.doc")
            print(f"encrypted.doc: password {PASSWORD!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
