"""Report metadata of saved web pages: the page's own title and heading name the body and year,
never the site's menus, login widgets, breadcrumbs or footers; a saved page and the crawler
text of the same report give the same metadata (``govstats.read.html`` + ``govstats.parse.meta``).

The pages are synthetic: a site template (top bar with a login widget, menus, breadcrumbs,
footer) around a short report of 三明市 or its 审计局.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import govstats
from govstats.model import Document
from govstats.parse.meta import declared_title, extract_meta, find_title
from govstats.read import read_document

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"

TITLE = "三明市2010年政府信息公开工作年度报告"
DEPT_TITLE = "三明市审计局2016年政府信息公开工作年度报告"

# Site chrome before the article: a top bar with an unrendered login widget, the main menu
# (with year entries and a 政府工作报告 item), the column menu and breadcrumbs that end with
# the report's own title.
CHROME_TOP = """
<div class="top-bar">
  <a href="#">国务院</a><a href="#">省政府</a>
  <a href="#">注册</a> | <a href="#">登录</a>
  <span>你好，{{{{loginInfo.showname}}}}</span> <a href="#">注销</a>
</div>
<div class="header"><div class="logo">三明市人民政府门户网站</div></div>
<nav><ul>
  <li>首页</li><li>政务公开</li><li>政府信息公开</li><li>政府工作报告</li><li>办事服务</li>
  <li>互动交流</li>
</ul></nav>
<div class="left-menu"><ul>
  <li>政府信息公开指南</li><li>政府信息公开制度</li><li>政府信息公开年报</li>
  <li>2010年</li><li>2009年以前</li>
</ul></div>
<div class="breadcrumb"><ul><li>首页</li><li>政务公开</li><li>政府信息公开年报</li>
  <li>{title}</li></ul></div>
"""
CHROME_BOTTOM = """
<div class="share-bar">分享到：微信 微博</div>
<div id="footer"><p>主办：三明市人民政府办公室</p><p>网站标识码：0000000000</p></div>
"""
ARTICLE = """
<div class="article">
  <h1 class="article-title">{title}</h1>
  <div class="info"><span>{header}</span></div>
  <div class="content">
    <p>根据条例要求编制本报告。本报告所列数据的统计期限自{start}年1月1日起至2010年12月31日止。</p>
    <p>一、概述</p>
    <p>本年度主动公开政府信息120条，收到政府信息公开申请5件。</p>
    <table border="1">
      <tr><td>指标名称</td><td>单位</td><td>本年度</td></tr>
      <tr><td>主动公开政府信息数</td><td>条</td><td>120</td></tr>
      <tr><td>受理政府信息公开申请总数</td><td>件</td><td>5</td></tr>
    </table>
  </div>
</div>
"""


def page(
    *,
    title: str = TITLE,
    article_meta: bool = True,
    head_title: str | None = "{title}_政府信息公开年报_三明市人民政府门户网站",
    header: str = "发布时间：2011-01-20 09:30 | 来源：三明市政府办公室 点击数：",
    chrome: bool = True,
    start_year: int = 2010,
    charset: str = "utf-8",
) -> bytes:
    """A saved report page (``bytes`` in ``charset``)."""
    head = [f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">']
    head.append('<meta name="SiteName" content="三明市人民政府门户网站">')
    head.append('<meta name="ColumnName" content="政府信息公开年报">')
    if article_meta:
        head.append(f'<meta name="ArticleTitle" content="{title}">')
        head.append('<meta name="PubDate" content="2011-01-20 09:30">')
    if head_title is not None:
        head.append(f"<title>{head_title.format(title=title)}</title>")
    body = ARTICLE.format(title=title, header=header, start=start_year)
    if chrome:
        body = CHROME_TOP.format(title=title) + body + CHROME_BOTTOM
    html = f"<!DOCTYPE html><html><head>{''.join(head)}</head><body>{body}</body></html>"
    return html.encode(charset)


def crawler_text(title: str = TITLE, start_year: int = 2010) -> bytes:
    """The same report as a crawler's text export (header fields, then the body)."""
    return (
        f"标题: {title}\n发布时间: 2011-01-20 09:30\n发布机构: 三明市政府办公室\n正文:\n"
        f"根据条例要求编制本报告。本报告所列数据的统计期限自{start_year}年1月1日起至2010年12月31日止。\n"
        "一、概述\n本年度主动公开政府信息120条，收到政府信息公开申请5件。\n"
        "指标名称\t单位\t本年度\n主动公开政府信息数\t条\t120\n受理政府信息公开申请总数\t件\t5\n"
    ).encode()


def meta_of(data: bytes, name: str = "report.html") -> dict:
    return extract_meta(read_document(data, name))


FIELDS = (
    "title", "jurisdiction", "year", "admin_code", "level", "published", "published_date",
    "statistics_period",
)


# --------------------------------------------------------------------------- the reader


def test_the_page_declares_its_article_title() -> None:
    doc = read_document(page(), "report.html")
    assert doc.title == TITLE  # ArticleTitle wins over the <title> with its site suffixes


def test_without_article_title_meta_the_title_element_is_kept_as_printed() -> None:
    doc = read_document(page(article_meta=False), "report.html")
    assert doc.title == f"{TITLE}_政府信息公开年报_三明市人民政府门户网站"


def test_a_page_without_any_declared_title_has_none() -> None:
    doc = read_document(page(article_meta=False, head_title=None), "report.html")
    assert doc.title is None


@pytest.mark.parametrize("article_meta", [True, False])
def test_text_starts_at_the_article_heading(article_meta: bool) -> None:
    doc = read_document(page(article_meta=article_meta), "report.html")
    lines = doc.text.splitlines()
    # the breadcrumb line that repeats the title is chrome: the heading is the <h1>
    assert lines[0] == TITLE
    assert lines[1].startswith("发布时间：2011-01-20 09:30")
    assert "{{loginInfo.showname}}" not in doc.text and "政府工作报告" not in doc.text
    assert lines[-1] == "网站标识码：0000000000"  # only the chrome before the article goes


def test_chrome_never_changes_the_grids() -> None:
    bare = read_document(page(chrome=False), "report.html")
    dressed = read_document(page(), "report.html")
    assert [[c.text for c in r] for g in dressed.grids for r in g.rows] == [
        [c.text for c in r] for g in bare.grids for r in g.rows
    ]
    assert [g.title for g in dressed.grids] == [g.title for g in bare.grids]


def test_a_links_table_in_the_menu_is_not_the_main_table() -> None:
    # an old table-layout site: the menu is a table with more cells than the statistics
    # table; the heading still counts as coming before the main (numeric) table
    links = "".join(f"<tr><td>{name}</td><td>栏目</td></tr>" for name in "甲乙丙丁戊己庚辛壬癸")
    data = page().replace(b"<nav>", f"<table>{links}</table><nav>".encode())
    doc = read_document(data, "report.html")
    assert doc.text.splitlines()[0] == TITLE
    assert len(doc.grids) == 2 and doc.grids[0].rows[0][0].text == "甲"


def test_without_a_heading_line_the_whole_text_is_kept() -> None:
    # the <title> names only the site, which the page never prints: no line of the page is
    # the article's heading
    data = page(article_meta=False, head_title="三明政府网")
    doc = read_document(data, "report.html")
    first = doc.text.splitlines()[0]
    assert first.startswith("国务院") and "{{loginInfo.showname}}" in first


def test_a_title_segment_printed_only_after_the_table_does_not_cut_the_article() -> None:
    # the site name is the longest <title> segment and is printed again as a sign-off line
    # after the table: it is not the article's heading, so nothing is cut
    data = page(article_meta=False, head_title="年报_三明市人民政府办公室", chrome=False)
    data = data.replace(b"</table>", "</table><p>三明市人民政府办公室</p>".encode())
    doc = read_document(data, "report.html")
    assert doc.text.splitlines()[0] == TITLE


# --------------------------------------------------------------------------- metadata


@pytest.mark.parametrize("article_meta", [True, False])
def test_menus_and_login_widget_are_never_the_body(article_meta: bool) -> None:
    meta = meta_of(page(article_meta=article_meta))
    assert meta["title"] == TITLE
    assert meta["jurisdiction"] == "三明市"
    assert (meta["level"], meta["admin_code"]) == ("prefecture", "350400")
    assert meta["year"] == 2010
    assert meta["published"] == "2011-01-20 09:30"
    assert meta["published_date"] == "2011-01-20"


def test_year_comes_from_the_title_not_from_an_earlier_statistics_period() -> None:
    meta = meta_of(page(start_year=2005))
    assert meta["year"] == 2010
    assert meta["statistics_period"]["start"] == "2005-01-01"
    # the same without any declared title: the heading printed in the page still gives it
    meta = meta_of(page(start_year=2005, article_meta=False, head_title=None))
    assert (meta["title"], meta["year"]) == (TITLE, 2010)
    assert meta["jurisdiction"] == "三明市"


def test_heading_is_found_behind_long_menus_without_a_declared_title() -> None:
    # a site whose <title> is only its name, with a long menu and a list of other years'
    # reports before the article: the heading is the report-naming line that leads into
    # the body, not the first one on the page
    menu = "".join(f"<li>栏目{k}：政务公开信息查询</li>" for k in range(200))  # > 2,000 chars
    others = "<ul class='list'><li>三明市2009年政府信息公开工作年度报告</li></ul>"
    data = page(article_meta=False, head_title="三明政府网", start_year=2005)
    data = data.replace(b"<nav>", f"<nav><ul>{menu}</ul></nav>{others}<nav>".encode())
    doc = read_document(data, "report.html")
    assert doc.text.splitlines()[0].startswith("国务院")  # nothing to cut at
    meta = extract_meta(doc)
    assert (meta["title"], meta["year"], meta["jurisdiction"]) == (TITLE, 2010, "三明市")
    assert meta["published"] == "2011-01-20 09:30"


@pytest.mark.parametrize(
    ("above", "title"),
    [
        ("三明市", "三明市2010年政府信息公开工作年度报告"),  # the body on the line above
        ("文件下载", "2010年政府信息公开工作年度报告"),  # a toolbar link: not part of it
    ],
)
def test_heading_printed_over_two_lines(above: str, title: str) -> None:
    body = "根据条例要求编制本报告，本报告所列数据的统计期限自2010年1月1日起至2010年12月31日止。"
    text = f"首页\n政务公开\n{above}\n2010年政府信息公开工作年度报告\n{body}"
    assert find_title(Document(kind="html", text=text)) == title


def test_gbk_page_reads_like_the_utf8_page() -> None:
    gbk = meta_of(page(charset="gbk"))
    utf8 = meta_of(page())
    assert {k: gbk[k] for k in FIELDS} == {k: utf8[k] for k in FIELDS}
    assert gbk["jurisdiction"] == "三明市" and gbk["year"] == 2010


def test_department_page_with_source_field_before_the_date() -> None:
    # a header line that prints the source first (来源：…时间：…), as some site templates do
    data = page(title=DEPT_TITLE, header="来源：三明市审计局时间：2017-01-13 10:14")
    meta = meta_of(data)
    assert meta["jurisdiction"] == "三明市审计局"
    assert (meta["level"], meta["admin_code"]) == ("department", "350400")
    assert meta["year"] == 2016
    assert meta["published"] == "2017-01-13 10:14"


@pytest.mark.parametrize("start_year", [2010, 2005])
def test_saved_page_and_crawler_text_give_the_same_metadata(start_year: int) -> None:
    html = meta_of(page(start_year=start_year))
    txt = meta_of(crawler_text(start_year=start_year), "report.txt")
    assert {k: html[k] for k in FIELDS} == {k: txt[k] for k in FIELDS}


def test_mhtml_page_uses_its_declared_title() -> None:
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText

    msg = MIMEMultipart("related")
    msg.attach(MIMEText(page().decode("utf-8"), "html", "utf-8"))
    report = govstats.parse_report(msg.as_bytes(), filename="report.mhtml")
    assert report.source["kind"] == "mhtml"
    assert (report.meta["jurisdiction"], report.meta["year"]) == ("三明市", 2010)


# --------------------------------------------------------------------------- pieces


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        (TITLE, TITLE),
        (f"{TITLE}_政府信息公开年报_三明市人民政府", TITLE),
        (f"三明市人民政府 | {TITLE}", TITLE),
        (f"{TITLE} - 三明市人民政府", TITLE),
        (f"{TITLE}——三明市人民政府", TITLE),
        (f"{TITLE}::三明市人民政府", TITLE),
        ("三明市2019-2020年政府信息公开工作年度报告", "三明市2019-2020年政府信息公开工作年度报告"),
        ("三明市人民政府门户网站", None),
        ("政府信息公开年报_三明市人民政府", None),  # a column name: no year, not a title
        (None, None),
    ],
)
def test_declared_title_drops_column_and_site_names(
    declared: str | None, expected: str | None
) -> None:
    assert declared_title(declared) == expected


def test_declared_title_is_preferred_on_web_pages_only() -> None:
    text = "三明市2011年政府信息公开工作年度报告\n正文……"
    web = Document(kind="html", text=text, title=TITLE)
    assert find_title(web) == TITLE
    # a DOCX/PDF title property is often a stale template title: the printed heading wins
    docx = Document(kind="docx", text=text, title=TITLE)
    assert find_title(docx) == "三明市2011年政府信息公开工作年度报告"
    # ... and is used when the document prints none
    assert find_title(Document(kind="docx", text="正文……", title=TITLE)) == TITLE


@pytest.mark.parametrize(
    ("header", "printed"),
    [
        ("发布时间：2009-01-16 13:58 | 来源：2126611", "2009-01-16 13:58"),
        ("发布时间：2017-01-13 10:14 | 来源：三明市审计局点击数：", "2017-01-13 10:14"),
        ("发布日期：2017年1月13日 浏览次数：12", "2017年1月13日"),
        ("来源：三明市审计局 时间：2017-01-13", "2017-01-13"),
        ("发布日期：二〇一七年一月十三日", "二〇一七年一月十三日"),
    ],
)
def test_page_header_date_is_only_the_date_and_time(header: str, printed: str) -> None:
    doc = Document(kind="html", text=f"{TITLE}\n{header}\n正文……", title=TITLE)
    meta = extract_meta(doc)
    assert meta["published"] == printed
    assert meta["dates"][0]["kind"] == "page_header"


def test_a_period_is_not_a_page_header_date() -> None:
    text = f"{TITLE}\n本报告统计时间：2010年1月1日至2010年12月31日\n正文……"
    meta = extract_meta(Document(kind="html", text=text, title=TITLE))
    assert not any(d["kind"] == "page_header" for d in meta["dates"])


# --------------------------------------------------------------------------- real pages


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the real-report corpus is not at {CORPUS}")
def test_corpus_saved_pages_agree_with_their_crawler_text() -> None:
    pairs = [
        d for d in sorted(CORPUS.iterdir())
        if (d / "report.html").is_file() and (d / "report.txt").is_file()
    ]
    assert pairs
    for d in pairs:
        html = govstats.parse_report(d / "report.html").meta
        txt = govstats.parse_report(d / "report.txt").meta
        fields = [f for f in FIELDS if f not in ("title", "statistics_period")]
        assert {k: html[k] for k in fields} == {k: txt[k] for k in fields}, d.name
        # the period as printed may differ in spacing (the crawler text spaces out numbers)
        span = [(m["statistics_period"] or {}) for m in (html, txt)]
        assert [(p.get("start"), p.get("end")) for p in span] == [
            (span[1].get("start"), span[1].get("end"))
        ] * 2, d.name
        year = json.loads((d / "meta.json").read_text("utf-8"))["year"]
        assert html["year"] == year, d.name
        assert "{{" not in (html["jurisdiction"] or ""), d.name


@pytest.mark.parametrize("sep", ["", " ", "\u3000"])
def test_title_of_a_page_exported_on_one_line(sep: str) -> None:
    """A crawler that writes the whole page on one line: the title runs on into the text."""
    text = (f"湖州市人民政府2022年政府信息公开工作年度报告{sep}2022年，全市各级行政机关共新收"
            "政府信息公开申请12件。一、总体情况（一）主动公开本年共主动公开信息300条。")
    doc = read_document(text.encode("utf-8"), "report.txt")
    assert find_title(doc) == "湖州市人民政府2022年政府信息公开工作年度报告"
    meta = extract_meta(doc)
    assert (meta["year"], meta["jurisdiction"], meta["scope"]) == (
        2022, "湖州市人民政府", "jurisdiction")
