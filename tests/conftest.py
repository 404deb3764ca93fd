"""Shared fixtures.  Tests that need the real reports read ``../shared`` next to the repo and
skip with a reason when it is absent (a fresh clone elsewhere)."""

from __future__ import annotations

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
