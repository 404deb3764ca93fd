"""What a parse loads and repeats: lazy imports, memoized normalizers, the YAML loader."""

from __future__ import annotations

import subprocess
import sys

import pytest

from govstats.normalize import _normalize_label, normalize_label
from govstats.parse.dates import _cn_small, parse_date
from govstats.yamlio import load_yaml

HEAVY = ("pandas", "pyarrow", "cn2an", "matplotlib")


def _loaded_after(code: str) -> list[str]:
    probe = f"import sys\n{code}\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    return out.split()


def test_import_govstats_loads_no_heavy_module() -> None:
    assert _loaded_after("import govstats") == []


def test_a_text_parse_through_the_cli_loads_no_heavy_module(tmp_path) -> None:
    report = tmp_path / "report.txt"
    report.write_text(
        "2023年政府信息公开工作年度报告\n二〇二四年一月十五日\n"
        "四、政府信息公开行政复议、行政诉讼情况\n",
        encoding="utf-8",
    )
    code = (
        "import contextlib, io, govstats.cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    govstats.cli.main(['parse', {str(report)!r}, '--json'])"
    )
    assert _loaded_after(code) == []


def test_panel_names_are_still_there() -> None:
    import govstats
    import govstats.panel as panel

    assert callable(govstats.load_panel) and callable(panel.build_panel)
    assert "load_panel" in dir(govstats) and "discover" in dir(panel)
    with pytest.raises(AttributeError):
        _ = panel.no_such_name  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "label",
    ["　　（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）", "3.危及“三安全一稳定”",
     "其中：1.当面申请数", "（二）部分公开（区分处理的，只计这一情形）", "结果维持"],
)
def test_memoized_normalize_label_is_the_function(label: str) -> None:
    for keep in (False, True):
        assert normalize_label(label, keep_parens=keep) == _normalize_label(label, keep)
        assert normalize_label(label, keep_parens=keep) == _normalize_label(label, keep)
    long = label * 50  # long texts are not memoized, and read alike
    assert normalize_label(long) == _normalize_label(long, False)


def test_chinese_months_and_days_read_as_cn2an_reads_them() -> None:
    cn2an = pytest.importorskip("cn2an")
    digits = "一二三四五六七八九"
    forms = {a + t + b for a in ("", *digits) for t in ("", "十") for b in ("", *digits)} - {""}
    for s in sorted(forms):
        try:
            expected: object = int(cn2an.cn2an(s, "smart"))
        except Exception:
            expected = "error"
        try:
            got: object = _cn_small(s)
        except Exception:
            got = "error"
        assert got == expected, s
    assert str(parse_date("二〇二三年十二月三十一日")) == "2023-12-31"
    assert str(parse_date("二○一四年一月十日")) == "2014-01-10"


def test_yaml_loader_reads_what_safe_load_reads() -> None:
    import yaml

    text = "a: [1, 2.5, yes, null]\nb: {c: '二、', d: !!str 3}\n"
    assert load_yaml(text) == yaml.safe_load(text)
    with pytest.raises(yaml.YAMLError):
        load_yaml("a: [")
    with pytest.raises(yaml.YAMLError):  # the safe subset only
        load_yaml("!!python/object/apply:os.system ['true']")
