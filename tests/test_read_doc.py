"""Tests of the legacy Word reader (``govstats.read.doc``).

Two kinds of input:

* ``tests/fixtures/doc/*.doc``: DOCX documents converted to Word 97-2003 by LibreOffice
  (``tools/make_doc_fixtures.py``); ``<name>.expected.json`` holds what the DOCX reader gives
  for the source DOCX, and the ``.doc`` must give the same text, cells and title.
* Word binary files built here byte by byte (:func:`word_file`), for what LibreOffice does
  not write: 8-bit (cp1252) pieces, pieces stored out of order, a lone empty cell before a
  row end, legacy horizontal merges, ``sprmTVertMerge``, damaged and encrypted files.
"""

from __future__ import annotations

import importlib.util
import json
import struct
import sys
from array import array
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest.importorskip("olefile", reason="olefile (the .doc reader's dependency) is not installed")

from govstats.errors import UnreadableInput
from govstats.model import Document
from govstats.read.doc import read_doc
from tests.grid_helpers import covered, find

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "doc"
NAMES = ("r1_list", "r3_form", "features")


def cells_of(doc: Document) -> list[list[list]]:
    return [[[c.text, c.row, c.col, c.rowspan, c.colspan] for r in g.rows for c in r]
            for g in doc.grids]


def expected(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=NAMES)
def fixture(request) -> tuple[str, Document]:
    return request.param, read_doc((FIXTURES / f"{request.param}.doc").read_bytes())


# ---------------------------------------------------------------------- LibreOffice files


def test_text_equals_the_source_docx(fixture):
    name, doc = fixture
    assert doc.kind == "doc"
    assert doc.text == expected(name)["text"]


def test_cells_equal_the_source_docx(fixture):
    name, doc = fixture
    want = expected(name)["grids"]
    assert cells_of(doc) == [g["cells"] for g in want]
    assert [g.title for g in doc.grids] == [g["title"] for g in want]
    assert [g.index for g in doc.grids] == [g["index"] for g in want]
    for grid in doc.grids:
        assert grid.kind == "table" and grid.spans_known
        covered(grid)  # no slot covered twice


def test_title_is_the_summary_information_title(fixture):
    name, doc = fixture
    assert doc.title == expected(name)["title"]


def test_cjk_text_and_paths():
    doc = read_doc((FIXTURES / "r3_form.doc").read_bytes())
    assert doc.title == "某某县卫生健康局2021年政府信息公开工作年度报告"
    assert doc.text.splitlines()[0] == "某某县卫生健康局2021年政府信息公开工作年度报告"
    t3 = doc.grids[1]
    assert t3.title == "三、收到和处理政府信息公开申请情况"
    note = find(t3, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）")
    assert (note.row, note.col, note.rowspan, note.colspan) == (0, 0, 3, 3)
    corp = find(t3, "法人或其他组织")
    assert (corp.row, corp.col, corp.rowspan, corp.colspan) == (1, 4, 1, 5)
    results = find(t3, "三、本年度办理结果")
    assert (results.col, results.rowspan) == (0, 22)
    denied = find(t3, "（三）不予公开")
    assert (denied.col, denied.rowspan) == (1, 8)
    assert find(t3, "3.危及“三安全一稳定”").path.startswith("table[2]/tr[")
    t4 = doc.grids[2]
    assert [c.text for c in t4.rows[3]] == ["1", "0", "0", "1", "2", "0", "1", "0", "0", "1",
                                            "0", "0", "0", "0", "0"]
    assert [c.col for c in t4.rows[3]] == list(range(15))


def test_features_hidden_text_fields_and_nested_tables():
    doc = read_doc((FIXTURES / "features.doc").read_bytes())
    assert "隐藏" not in doc.text  # hidden run (sprmCFVanish) left out
    assert "HYPERLINK" not in doc.text  # field code left out, result kept
    assert "详见本镇网站：政府信息公开专栏" in doc.text.splitlines()
    assert "第一行" in doc.text.splitlines()  # manual line break starts a line
    outer, inner = doc.grids
    assert find(outer, "第一段 第二段").col == 2  # a cell's paragraphs joined by a space
    assert inner.title is None  # the outer cell holding it has no text of its own
    assert [[c.text for c in r] for r in inner.rows] == [["行政复议", "行政诉讼"], ["1", "0"]]


def test_wps_is_the_same_container():
    wps = (FIXTURES / "r1_list.wps").read_bytes()
    doc = read_doc(wps)
    assert cells_of(doc) == [g["cells"] for g in expected("r1_list")["grids"]]


def test_expected_json_is_still_what_the_docx_reader_gives():
    """The ``.expected.json`` files are the DOCX reader's output for the fixtures' sources:
    rebuild the sources and read them again (catches a drift of either side)."""
    pytest.importorskip("docx", reason="python-docx (govstats[docx]) is not installed")
    spec = importlib.util.spec_from_file_location(
        "make_doc_fixtures", REPO / "tools" / "make_doc_fixtures.py"
    )
    assert spec and spec.loader
    tool = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_doc_fixtures", tool)
    spec.loader.exec_module(tool)
    for name in NAMES:
        assert tool.expected(tool.build_docx(name)) == expected(name), name


def test_pipeline_reads_the_doc_as_it_reads_the_docx() -> None:
    """Through parse_report: the same values and metadata as the source DOCX."""
    pytest.importorskip("docx", reason="python-docx (govstats[docx]) is not installed")
    from govstats import parse_report

    spec = importlib.util.spec_from_file_location(
        "make_doc_fixtures", REPO / "tools" / "make_doc_fixtures.py"
    )
    tool = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_doc_fixtures", tool)
    spec.loader.exec_module(tool)
    docx_bytes = tool.build_docx("r3_form")
    doc_bytes = (FIXTURES / "r3_form.doc").read_bytes()
    from_docx = parse_report(docx_bytes, filename="r3_form.docx")
    from_doc = parse_report(doc_bytes, filename="r3_form.doc")
    assert from_doc.source["kind"] == "doc"
    wps = parse_report((FIXTURES / "r1_list.wps").read_bytes(), filename="报告.wps")
    assert wps.source["kind"] == "doc" and wps.meta["regime"] == "R1"

    def values(report):
        return sorted((v.indicator, v.applicant, v.value) for v in report.value_list)

    assert from_doc.meta["regime"] == "R3"
    assert len(values(from_doc)) > 200
    assert values(from_doc) == values(from_docx)
    assert from_doc.meta == from_docx.meta


# ------------------------------------------------------------- Word files built here


def _cfb(streams: dict[str, bytes]) -> bytes:
    """A compound file (version 3, 512-byte sectors) holding ``streams``; each is padded
    to 4096 bytes so that none goes to the mini stream."""
    free, end, fat_sect, nostream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    names = sorted(streams, key=lambda n: (len(n), n.upper()))
    datas = [streams[n].ljust(max(4096, -(-len(streams[n]) // 512) * 512), b"\0")
             for n in names]
    n_dir = -(-(len(names) + 1) // 4)
    fat = [fat_sect] + [end if k == n_dir - 1 else 2 + k for k in range(n_dir)]
    starts = []
    for d in datas:
        first, count = len(fat), len(d) // 512
        starts.append(first)
        fat += [first + k + 1 for k in range(count - 1)] + [end]
    assert len(fat) <= 128, "one FAT sector only"
    fat += [free] * (128 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = (name + "\0").encode("utf-16-le") if name else b""
        return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1)
                + struct.pack("<III", nostream, right, child) + b"\0" * 36
                + struct.pack("<IQ", start, size))  # fmt: skip

    dirs = [entry("Root Entry", 5, 1 if names else nostream, nostream, end, 0)]
    for k, name in enumerate(names):
        right = k + 2 if k + 1 < len(names) else nostream
        dirs.append(entry(name, 2, nostream, right, starts[k], len(datas[k])))
    while len(dirs) % 4:
        dirs.append(b"\0" * 64 + struct.pack("<HBB", 0, 0, 0)
                    + struct.pack("<III", nostream, nostream, nostream) + b"\0" * 48)
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<109I", 0, *([free] * 108)))  # fmt: skip
    return header + struct.pack("<128I", *fat) + b"".join(dirs) + b"".join(datas)


def _grpprl(*sprms: tuple[int, bytes]) -> bytes:
    return b"".join(struct.pack("<H", s) + op for s, op in sprms)


IN_TABLE = (0x2416, b"\x01")
TTP = (0x2417, b"\x01")


def tdef(edges: list[int], flags: list[int] | None = None) -> tuple[int, bytes]:
    """sprmTDefTable for cells between ``edges`` (twips) with TC80 flags."""
    n = len(edges) - 1
    flags = flags or [0] * n
    body = bytes([n]) + struct.pack(f"<{n + 1}h", *edges)
    body += b"".join(struct.pack("<HH", f, 0) + b"\0" * 16 for f in flags)
    return 0xD608, struct.pack("<H", len(body) + 1) + body


@dataclass
class Piece:
    text: str  # with paragraph marks \r and cell / row marks \x07
    compressed: bool = False  # 8-bit cp1252


def word_file(pieces: list[Piece], papx: dict[int, bytes] | None = None, *,
              reverse: bool = False, flags: int = 0, nfib: int = 0xC1,
              ident: int = 0xA5EC, clx_lcb: int | None = None) -> bytes:
    """A Word 97 binary file: ``pieces`` in character order (stored in reverse order in the
    WordDocument stream when ``reverse``), ``papx[k]`` the grpprl of the k-th paragraph."""
    papx = papx or {}
    base = 1024
    order = list(range(len(pieces)))[::-1] if reverse else list(range(len(pieces)))
    raws = [p.text.encode("cp1252") if p.compressed else p.text.encode("utf-16-le")
            for p in pieces]
    fcs: dict[int, int] = {}
    body = b""
    for k in order:
        fcs[k] = base + len(body)
        body += raws[k]
    # paragraph marks → (fc, width, grpprl); character positions count UTF-16 code units
    runs: list[tuple[int, int, bytes]] = []
    lengths: list[int] = []
    n_par = 0
    for k, p in enumerate(pieces):
        width = 1 if p.compressed else 2
        units = list(raws[k]) if p.compressed else list(array("H", raws[k]))
        lengths.append(len(units))
        for i, unit in enumerate(units):
            if unit in (13, 7):
                runs.append((fcs[k] + width * i, width, papx.get(n_par, b"")))
                n_par += 1
    runs.sort()
    # contiguous FKP runs from the first text byte to the last
    fkp_runs: list[tuple[int, int, bytes]] = []
    at = base
    for fc, width, grpprl in runs:
        if fc > at:
            fkp_runs.append((at, fc, b""))
        fkp_runs.append((fc, fc + width, grpprl))
        at = fc + width
    if at < base + len(body):
        fkp_runs.append((at, base + len(body), b""))
    wd = bytearray(b"\0" * base + body)
    wd += b"\0" * (-len(wd) % 512)
    pages: list[tuple[int, int]] = []  # (first fc, page number)
    for chunk_start in range(0, len(fkp_runs), 16):
        chunk = fkp_runs[chunk_start : chunk_start + 16]
        page = bytearray(512)
        crun = len(chunk)
        struct.pack_into(f"<{crun + 1}I", page, 0, *[r[0] for r in chunk], chunk[-1][1])
        top = 511
        for j, (_, _, grpprl) in enumerate(chunk):
            if not grpprl:
                continue
            content = b"\0\0" + grpprl  # istd 0
            head = bytes([(len(content) + 1) // 2]) if len(content) % 2 else bytes(
                [0, len(content) // 2])
            papx_bytes = head + content
            top = (top - len(papx_bytes)) & ~1
            page[top : top + len(papx_bytes)] = papx_bytes
            page[4 * (crun + 1) + 13 * j] = top // 2
        page[511] = crun
        pages.append((chunk[0][0], len(wd) // 512))
        wd += page
    # table stream: Clx, then PlcBtePapx
    cps = [0]
    for n in lengths:
        cps.append(cps[-1] + n)
    pcds = b"".join(
        struct.pack("<HIH", 0, (fcs[k] * 2) | 0x40000000 if p.compressed else fcs[k], 0)
        for k, p in enumerate(pieces)
    )
    plc = struct.pack(f"<{len(cps)}I", *cps) + pcds
    clx = b"\x02" + struct.pack("<I", len(plc)) + plc
    plc_papx = struct.pack(f"<{len(pages) + 1}I", *[p[0] for p in pages], base + len(body))
    plc_papx += struct.pack(f"<{len(pages)}I", *[p[1] for p in pages])
    table = clx + plc_papx
    # the FIB
    fib = bytearray(900)
    struct.pack_into("<HH", fib, 0, ident, nfib)
    struct.pack_into("<H", fib, 0x0A, flags | 0x0200)  # fWhichTblStm: 1Table
    struct.pack_into("<H", fib, 32, 14)
    struct.pack_into("<H", fib, 62, 22)
    struct.pack_into("<I", fib, 64 + 4 * 3, cps[-1])  # ccpText
    struct.pack_into("<H", fib, 152, 93)
    fclcb = 154
    struct.pack_into("<II", fib, fclcb + 8 * 13, len(clx), len(plc_papx))
    struct.pack_into("<II", fib, fclcb + 8 * 33, 0, clx_lcb if clx_lcb is not None else len(clx))
    wd[: len(fib)] = fib
    return _cfb({"WordDocument": bytes(wd), "1Table": table})


def test_built_file_reads():
    doc = read_doc(word_file([Piece("Annual report\r", compressed=True)]))
    assert doc.text == "Annual report" and doc.grids == [] and doc.title is None


def test_8bit_and_utf16_pieces_out_of_stream_order():
    pieces = [
        Piece("Annual report \u201c 2021 \u201d\r", compressed=True),  # bytes 0x93, 0x94
        Piece("某某县政府信息公开工作年度报告\r"),
        Piece("caf\xe9 \u2013 end\r", compressed=True),  # bytes 0xE9, 0x96
    ]
    for reverse in (False, True):
        doc = read_doc(word_file(pieces, reverse=reverse))
        assert doc.text.splitlines() == [
            "Annual report \u201c 2021 \u201d", "某某县政府信息公开工作年度报告", "café \u2013 end"
        ]


def test_empty_cell_before_the_row_end_is_a_cell():
    """``a\\x07\\x07b\\x07\\x07``: only the paragraph properties say which \\x07 ends the
    row; here the second mark is an empty cell, the last one the row end."""
    row = tdef([0, 1000, 2000, 3000])
    pieces = [Piece("表前\r甲\x07\x07乙\x07\x07丙\x07丁\x07戊\x07\x07表后\r")]
    cell = _grpprl(IN_TABLE)
    end = _grpprl(IN_TABLE, TTP, row)
    papx = {1: cell, 2: cell, 3: cell, 4: end, 5: cell, 6: cell, 7: cell, 8: end}
    doc = read_doc(word_file(pieces, papx))
    (grid,) = doc.grids
    assert [[(c.text, c.col) for c in r] for r in grid.rows] == [
        [("甲", 0), ("", 1), ("乙", 2)], [("丙", 0), ("丁", 1), ("戊", 2)]
    ]
    assert grid.title == "表前"
    assert doc.text.splitlines() == ["表前", "甲\t\t乙", "丙\t丁\t戊", "表后"]


def test_cell_widths_give_colspans_and_vertical_merge_flags_rowspans():
    head = tdef([0, 1000, 3000], [0x60, 0])  # 2 cells: the first starts a vertical merge
    body = tdef([0, 1000, 2000, 3000], [0x20, 0, 0])  # the first continues it
    pieces = [Piece("项目\x07申请人\x07\x07\x07自然人\x07法人\x07\x07")]
    cell = _grpprl(IN_TABLE)
    papx = {0: cell, 1: cell, 2: _grpprl(IN_TABLE, TTP, head),
            3: cell, 4: cell, 5: cell, 6: _grpprl(IN_TABLE, TTP, body)}  # fmt: skip
    (grid,) = read_doc(word_file(pieces, papx)).grids
    got = [(c.text, c.row, c.col, c.rowspan, c.colspan) for r in grid.rows for c in r]
    assert got == [("项目", 0, 0, 2, 1), ("申请人", 0, 1, 1, 2),
                   ("自然人", 1, 1, 1, 1), ("法人", 1, 2, 1, 1)]  # fmt: skip
    assert [c.path for c in grid.rows[1]] == ["table[1]/tr[2]/tc[2]", "table[1]/tr[2]/tc[3]"]


def test_sprm_vert_merge_and_legacy_horizontal_merge():
    edges = [0, 1000, 2000, 3000]
    row0 = tdef(edges, [0x01, 0x02, 0])  # fFirstMerged + fMerged: one cell over 2 columns
    row1 = tdef(edges)
    vert = (0xD62B, bytes([2, 2, 3]))  # sprmTVertMerge: cell 2 restarts a merge
    vert_cont = (0xD62B, bytes([2, 2, 1]))  # cell 2 continues it
    pieces = [Piece("合并\x07\x07总计\x07\x07a\x07b\x07\x07\x07")]
    c = _grpprl(IN_TABLE)
    papx = {0: c, 1: c, 2: c, 3: _grpprl(IN_TABLE, TTP, row0, vert),
            4: c, 5: c, 6: c, 7: _grpprl(IN_TABLE, TTP, row1, vert_cont)}  # fmt: skip
    (grid,) = read_doc(word_file(pieces, papx)).grids
    got = [(c.text, c.row, c.col, c.rowspan, c.colspan) for r in grid.rows for c in r]
    assert got == [("合并", 0, 0, 1, 2), ("总计", 0, 2, 2, 1), ("a", 1, 0, 1, 1),
                   ("b", 1, 1, 1, 1)]  # fmt: skip


def test_nearly_equal_edges_are_one_grid_line():
    """Writers round widths: an edge 1 twip off in one row is not a column of its own."""
    r0 = tdef([0, 1000, 2001])
    r1 = tdef([0, 1000, 2000])
    r2 = tdef([0, 2000])
    pieces = [Piece("a\x07b\x07\x07c\x07d\x07\x07e\x07\x07")]
    c = _grpprl(IN_TABLE)
    papx = {0: c, 1: c, 2: _grpprl(IN_TABLE, TTP, r0), 3: c, 4: c,
            5: _grpprl(IN_TABLE, TTP, r1), 6: c, 7: _grpprl(IN_TABLE, TTP, r2)}  # fmt: skip
    (grid,) = read_doc(word_file(pieces, papx)).grids
    assert grid.n_cols == 2
    assert find(grid, "e").colspan == 2


def test_fields_show_results_not_codes():
    pieces = [Piece('见\x13 HYPERLINK "http://x" \x14专栏\x15，页\x13 PAGE \x15码\r'
                    '\x13 IF \x13 = 1 \x14 1\x15 = 1 "是" \x14是\x15\r')]
    assert read_doc(word_file(pieces)).text.splitlines() == ["见专栏，页码", "是"]


def test_surrogate_pairs_keep_positions():
    """A character outside the BMP takes two character positions: the paragraph properties
    after it must still be found."""
    row = tdef([0, 1000])
    pieces = [Piece("\U00020000字\r𠀀\x07\x07")]
    papx = {1: _grpprl(IN_TABLE), 2: _grpprl(IN_TABLE, TTP, row)}
    doc = read_doc(word_file(pieces, papx))
    assert doc.text.splitlines() == ["\U00020000字", "𠀀"]
    assert doc.grids[0].rows[0][0].text == "𠀀"


# ------------------------------------------------------------------- unreadable input


def test_encrypted_doc_made_by_libreoffice():
    path = FIXTURES / "encrypted.doc"
    if not path.is_file():
        pytest.skip("encrypted.doc not generated (needs python3-uno)")
    with pytest.raises(UnreadableInput, match="password-protected"):
        read_doc(path.read_bytes())


@pytest.mark.parametrize("flags, how", [(0x0100, "encrypted"), (0x8100, "XOR-obfuscated")])
def test_encrypted_flag(flags, how):
    with pytest.raises(UnreadableInput, match=f"password-protected .doc \\({how}\\)"):
        read_doc(word_file([Piece("secret\r")], flags=flags))


def test_encrypted_ooxml_package():
    """A password-protected .docx is an OLE file with EncryptedPackage, often named .doc."""
    data = _cfb({"EncryptionInfo": b"\x04\x00\x04\x00", "EncryptedPackage": b"\x01" * 64})
    with pytest.raises(UnreadableInput, match="password-protected"):
        read_doc(data)


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty"),
        (b"{\\rtf1\\ansi hello}", "RTF"),
        (b"PK\x03\x04" + b"\0" * 100, "DOCX"),
        (b"<html><body>x</body></html>", "HTML"),
        (b"MIME-Version: 1.0\r\nContent-Type: multipart/related\r\n", "MHTML"),
        (b"just some text", "no OLE"),
    ],
)
def test_not_a_doc(data, reason):
    with pytest.raises(UnreadableInput, match=reason):
        read_doc(data)


def test_other_ole_files():
    with pytest.raises(UnreadableInput, match="Excel"):
        read_doc(_cfb({"Workbook": b"\x09\x08" * 100}))
    with pytest.raises(UnreadableInput, match="Works"):
        read_doc(_cfb({"CONTENTS": b"x" * 100}))


def test_word95_is_refused_with_a_reason():
    with pytest.raises(UnreadableInput, match=r"Word 6\.0/95"):
        read_doc(word_file([Piece("old\r", compressed=True)], nfib=0x68))


def test_damaged_files():
    good = (FIXTURES / "r3_form.doc").read_bytes()
    with pytest.raises(UnreadableInput, match=r"damaged|not a Word"):
        read_doc(good[: len(good) // 3])  # truncated: the OLE sector chains break
    with pytest.raises(UnreadableInput, match="damaged"):
        read_doc(good[:512] + b"\xff" * (len(good) - 512))
    with pytest.raises(UnreadableInput, match="not a Word 97-2003 document"):
        read_doc(word_file([Piece("x\r")], ident=0x1234))
    with pytest.raises(UnreadableInput, match="piece table"):
        read_doc(word_file([Piece("x\r")], clx_lcb=0))
    with pytest.raises(UnreadableInput, match="piece table"):
        read_doc(word_file([Piece("x\r")], clx_lcb=3))


def test_damage_anywhere_gives_unreadable_input_not_a_crash():
    """Overwrite stretches of a real file: the reader returns a Document or raises
    UnreadableInput, nothing else."""
    good = bytearray((FIXTURES / "features.doc").read_bytes())
    for start in range(0, len(good), 509):
        bad = bytearray(good)
        bad[start : start + 97] = bytes((start + k) % 251 for k in range(97))[: len(
            bad[start : start + 97])]
        try:
            doc = read_doc(bytes(bad))
        except UnreadableInput as exc:
            assert "\n" not in str(exc)
        else:
            assert isinstance(doc, Document)
