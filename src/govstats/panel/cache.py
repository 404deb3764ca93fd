"""The parse cache of the build: records are kept under ``OUT/.cache/parse-FINGERPRINT/``,
one per file sha256, and reused while the parser's code and data are unchanged."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..limits import Limits

__all__ = ["RECORD_VERSION", "file_sha256", "limits_key", "parser_fingerprint", "transient_path"]

RECORD_VERSION = 6  # bump when worker.parse_to_record's output changes (invalidates the cache)
# files of the package that do not change what a parse gives (the panel and analysis stages,
# the command line, the crosswalk and registry applied after the cache)
_PANEL_STAGE = (
    "panel/", "analysis/", "cli.py", "__init__.py",
    "catalogue/crosswalk.csv", "catalogue/metrics.yaml", "reference/registry.csv",
    "reference/registry_names.csv",
)  # fmt: skip


def parser_fingerprint() -> str:
    """A hash of the parser's code and data files: a cached parse is reused only while it is
    unchanged (panel-stage files such as the crosswalk and registry are applied after the
    cache and do not count)."""
    from .. import __version__

    root = Path(__file__).resolve().parents[1]  # the govstats package
    h = hashlib.sha256(f"{__version__}/record-{RECORD_VERSION}".encode())
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if (
            p.is_file()
            and p.suffix in (".py", ".yaml", ".csv", ".json")
            and "__pycache__" not in rel
            and not rel.startswith(_PANEL_STAGE)
        ):
            h.update(rel.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:16]


def limits_key(limits: Limits) -> str:
    """A short hash of the input limits: records parsed under other limits are not reused
    (a file refused under a lower limit is parsed again under a higher one)."""
    return hashlib.sha256(limits.key().encode()).hexdigest()[:8]


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def transient_path(cache_file: Path) -> Path:
    """Where a record that must not be cached (a timeout) is kept for this build only."""
    return cache_file.with_name(cache_file.name + ".transient")
