"""Shared fixtures.  Tests that need the real reports read ``../shared`` next to the repo and
skip with a reason when it is absent (a fresh clone elsewhere).

Two lanes: ``make test`` (CI) runs everything; ``make test-fast`` runs the everyday lane —
without the tests marked ``slow`` (executing the notebooks, parsing under other hash seeds,
rebuilding the whole panel) and with property tests drawing a tenth of their examples
(``GOVSTATS_FAST_TESTS=1``, see :func:`examples`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
EXAMPLES = REPO / "data" / "examples"
FAST = os.environ.get("GOVSTATS_FAST_TESTS") == "1"

# the slow lane: whole files, or single tests by node id
SLOW = (
    "tests/test_notebooks.py",
    "tests/test_determinism.py",
    "tests/test_jupyterlab.py",
    "tests/test_walkthrough.py::test_the_walkthrough_runs_as_written",
    "tests/test_panel_corpus.py::test_rebuilding_from_shared_reproduces_the_bundled_files",
)


def examples(n: int) -> int:
    """How many examples a property test draws: ``n``, or a tenth of it in the fast lane."""
    return max(3, n // 10) if FAST else n


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: left out of the fast lane (make test-fast); CI runs it"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.nodeid.startswith(SLOW):
            item.add_marker(pytest.mark.slow)


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
    pytest.importorskip(
        "paperang_p2_fonts_cjk",
        reason="the CJK font package paperang-p2-fonts-cjk (govstats[analysis]) is not installed",
    )
    pytest.importorskip("fontTools.subset", reason="fontTools is not installed")
    from .ocr_helpers import subset_cjk_font

    made: dict[frozenset[str], Path] = {}
    folder = tmp_path_factory.mktemp("fonts")

    def make(text: str) -> Path:
        chars = frozenset(text + " ")
        if chars not in made:
            made[chars] = subset_cjk_font(text, folder, f"cjk-subset-{len(made)}.ttf")
        return made[chars]

    return make
