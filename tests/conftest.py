"""Shared fixtures.  Tests that need the real reports read ``../shared`` next to the repo and
skip with a reason when it is absent (a fresh clone elsewhere)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
EXAMPLES = REPO / "data" / "examples"


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "corpus").is_dir():
        pytest.skip(f"the real report corpus is not at {SHARED} (only on development machines)")
    return SHARED


@pytest.fixture(scope="session")
def seed_report(shared: Path) -> Path:
    p = shared / "seed" / "linyi-2017" / "report.txt"
    if not p.is_file():
        pytest.skip(f"seed report missing at {p}")
    return p


@pytest.fixture(scope="session")
def cjk_font_for(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """A factory: text → a TrueType font file holding every character of the text.

    The font is WenQuanYi Micro Hei from ``paperang-p2-fonts-cjk`` (govstats[analysis]), subset to
    the characters a test prints (so that each generated PDF does not embed and re-parse the
    5 MB collection).  Skips when the font package or fontTools is not installed.
    """
    pkg = pytest.importorskip(
        "paperang_p2_fonts_cjk",
        reason="the CJK font package paperang-p2-fonts-cjk (govstats[analysis]) is not installed",
    )
    subset = pytest.importorskip("fontTools.subset", reason="fontTools is not installed")
    from importlib import resources

    from fontTools.ttLib import TTFont

    made: dict[frozenset[str], Path] = {}
    folder = tmp_path_factory.mktemp("fonts")

    def make(text: str) -> Path:
        chars = frozenset(text + " ")
        if chars not in made:
            src = resources.files(pkg.__name__) / "fonts" / "wqy-microhei.ttc"
            with resources.as_file(src) as path:
                font = TTFont(str(path), fontNumber=0)
            options = subset.Options()
            options.name_IDs = ["*"]
            options.notdef_outline = True
            subsetter = subset.Subsetter(options)
            subsetter.populate(text="".join(sorted(chars)))
            subsetter.subset(font)
            out = folder / f"cjk-subset-{len(made)}.ttf"
            font.save(str(out))
            made[chars] = out
        return made[chars]

    return make
