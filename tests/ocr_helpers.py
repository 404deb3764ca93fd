"""Image-only versions of text PDFs, for the OCR reader's tests and benchmark: every page
rendered to an image (pypdfium2) and the images put back into a PDF of the same page size
(Pillow), so the result has no text layer at all, as a scan."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from govstats.report import Report


def page_images(data: bytes, dpi: float = 200, pages: Sequence[int] | None = None) -> list:
    """PIL images of the 1-based ``pages`` (default all) of a PDF at ``dpi``."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(data)
    try:
        numbers = list(pages) if pages else list(range(1, len(pdf) + 1))
        out = []
        for n in numbers:
            page = pdf[n - 1]
            out.append(page.render(scale=dpi / 72).to_pil().convert("RGB"))
            page.close()
        return out
    finally:
        pdf.close()


def image_only_pdf(data: bytes, dpi: float = 200, pages: Sequence[int] | None = None) -> bytes:
    """The PDF rebuilt from images of its pages: same page size, no text layer."""
    images = page_images(data, dpi, pages)
    buf = io.BytesIO()
    images[0].save(buf, "PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return buf.getvalue()


def png_bytes(image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def subset_cjk_font(text: str, folder: Path, name: str = "cjk-subset.ttf") -> Path:
    """WenQuanYi Micro Hei (govstats[analysis]) subset to ``text``'s characters, saved as
    the TTF ``folder / name`` (for fpdf2)."""
    from importlib import resources

    import paperang_p2_fonts_cjk
    from fontTools import subset
    from fontTools.ttLib import TTFont

    src = resources.files(paperang_p2_fonts_cjk.__name__) / "fonts" / "wqy-microhei.ttc"
    with resources.as_file(src) as path:
        font = TTFont(str(path), fontNumber=0)
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(set(text + " "))))
    subsetter.subset(font)
    out = folder / name
    font.save(str(out))
    return out


#: the core cells the project is judged on (requests, proactive total, table 四 and the
#: reconsideration and litigation figures of every regime)
CORE = ("requests.new", "requests.carried_in", "proactive.total")
CORE_PREFIXES = ("review.", "litigation.")


def is_core(indicator: str) -> bool:
    return indicator in CORE or indicator.startswith(CORE_PREFIXES)


@dataclass
class Comparison:
    """Values of an OCR reading against the text version's (printed values, and derived
    ones where nothing was printed, by indicator and applicant)."""

    cells: int  # values of the text version
    same: int
    wrong: list[tuple[str, str, object, object]] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)
    unflagged: list[tuple[str, str]] = field(default_factory=list)  # missing, no finding
    extra: list[tuple[str, str]] = field(default_factory=list)

    @property
    def core_missing(self) -> list[tuple[str, str]]:
        """Core cells of the text version the OCR reading has no value for."""
        return [k for k in self.missing if is_core(k[0])]

    def line(self) -> str:
        return (
            f"{self.same}/{self.cells} same, {len(self.wrong)} wrong, {len(self.missing)} "
            f"missing ({len(self.unflagged)} without a finding, {len(self.core_missing)} "
            f"core), {len(self.extra)} extra"
        )


def _values(report: Report) -> dict[tuple[str, str], object]:
    out: dict[tuple[str, str], object] = {}
    for v in report.value_list:
        key = (v.indicator, v.applicant)
        if not v.derived or key not in out:
            out[key] = v.value
    return out


def compare(text: Report, ocr: Report) -> Comparison:
    """Every value of the text version: the same in the OCR version, wrong, or missing (with
    or without a finding naming its cell: a derived value counts as flagged when a part it
    is derived from is named)."""
    tv, ov = _values(text), _values(ocr)
    flagged = {i for f in ocr.issues for i in f.indicators}
    derived_from: dict[tuple[str, str], set[str]] = {}
    for v in text.value_list:
        parts = v.location.get("derived_from") if v.derived else None
        if isinstance(parts, list):
            derived_from[(v.indicator, v.applicant)] = set(parts)
    c = Comparison(len(tv), 0)
    for key, value in tv.items():
        if key not in ov:
            c.missing.append(key)
            named = key[0] in flagged or bool(derived_from.get(key, set()) & flagged)
            if not named:
                c.unflagged.append(key)
        elif ov[key] != value:
            c.wrong.append((*key, value, ov[key]))
        else:
            c.same += 1
    c.extra = [k for k in ov if k not in tv]
    return c
