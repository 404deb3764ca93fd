"""PDF font checks shared by the plotting and notebook tests: matplotlib's PDFs must embed
every font as TrueType (Type 42 / CIDFontType2 with a FontFile2 program), never Type 3 or
Type 1."""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["assert_truetype_only", "pdf_fonts"]


def pdf_fonts(data: bytes) -> dict[str, list[str]]:
    """Font facts of a PDF written by matplotlib (its font dictionaries are not compressed)."""
    return {
        "subtypes": [m.decode() for m in re.findall(rb"/Subtype\s*/(\w+)", data)],
        "base_fonts": [m.decode() for m in re.findall(rb"/BaseFont\s*/([^\s/<>\[\]]+)", data)],
        "font_files": [m.decode() for m in re.findall(rb"/(FontFile[23]?)\b", data)],
    }


def assert_truetype_only(path: Path) -> dict[str, list[str]]:
    facts = pdf_fonts(path.read_bytes())
    assert "Type3" not in facts["subtypes"], facts
    assert "Type1" not in facts["subtypes"], facts
    assert facts["font_files"] and set(facts["font_files"]) == {"FontFile2"}, facts
    assert "Type0" in facts["subtypes"] and "CIDFontType2" in facts["subtypes"], facts
    # one embedded TrueType program per font used
    assert len(facts["font_files"]) == len(set(facts["base_fonts"])), facts
    return facts
