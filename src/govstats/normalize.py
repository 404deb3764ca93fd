"""Normalising printed labels and reading printed numbers.

Labels are compared after :func:`normalize_label`: NFKC (full-width → ASCII), no whitespace,
no leading ordinal (一、 （一） 1. 1、 ① (1)), no 其中： prefix, no parenthesised notes.
Numbers are read by :func:`read_number`, which keeps blanks and placeholders (/ — 无) apart
from zero and never guesses.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .lexicon import (
    CELL_PLACEHOLDERS,
    CELL_UNIT_CHARS,
    PERCENT_SIGNS,
    SPACE_OR_ZERO_WIDTH_RUN,
    WIDE_PUNCTUATION,
    ZERO_WIDTH_SPACES,
    alternation,
    char_class,
)

_ORDINAL = re.compile(
    r"^(?:"
    r"[一二三四五六七八九十百]+[、.,，:：]"  # 一、
    r"|\([一二三四五六七八九十]+\)[、.,]?"  # (一)
    r"|[0-9]{1,2}(?:[、.,，:：)](?![0-9])|\s)"  # 1. 1、 1) — not a decimal
    r"|\([0-9]{1,2}\)"  # (1)
    r"|[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮]"
    r")"
)
_PREFIXES = ("其中:", "其中", "含:", "包括:")
_PAREN = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|〔[^〔〕]*〕")
# quotes and title marks a label loses; deleted with str.replace, which is several times
# faster than str.translate on a whole document's text
_QUOTES = "“”\"'‘’《》<>「」"


# Separators of "article title _ column _ site name" in a title a web page declares; a hyphen
# only between non-digits (2019-2020 belongs to the title).
TITLE_SEPARATORS = re.compile(r"\s*(?:_+|\|+|｜|::|—+|–+|－|(?<!\d)-(?!\d)|\s-\s)\s*")
# A template placeholder left unrendered in a saved page ({{loginInfo.showname}}, ${user}).
TEMPLATE_PLACEHOLDER = re.compile(r"\{\{[^{}]*\}\}|\$\{[^{}]*\}")


def nfkc(text: str) -> str:
    if len(text) <= _NFKC_MEMO_MAX_LEN:
        return _nfkc_memo(text)
    return _nfkc(text)


def _nfkc(text: str) -> str:
    if len(text) > 64:
        # A longer text (a paragraph, a whole report): its full-width punctuation is replaced
        # first by the character NFKC decomposes it to, which leaves the NFKC form unchanged;
        # what remains is then usually normalised already, which unicodedata checks far
        # faster than it normalises.
        for wide, narrow in _WIDE_PUNCTUATION:
            if wide in text:
                text = text.replace(wide, narrow)
    return unicodedata.normalize("NFKC", text)


# the full-width punctuation of Chinese text and the ideographic space, with their NFKC
# decompositions (each one character of combining class 0: the text decomposes as before)
_WIDE_PUNCTUATION = tuple((c, unicodedata.normalize("NFKD", c)) for c in WIDE_PUNCTUATION)


# The lines of a report are normalised by several stages (reading, metadata, narrative): a
# small memo normalises each once.  Longer texts are normalised without being kept.
_NFKC_MEMO_MAX_LEN = 2000
_nfkc_memo = functools.lru_cache(maxsize=2048)(_nfkc)


def collapse_ws(text: str) -> str:
    """Whitespace runs (incl. U+3000 and NBSP) → one space, stripped."""
    return SPACE_OR_ZERO_WIDTH_RUN.sub(" ", text).strip()


def strip_ordinals(text: str) -> str:
    """Remove leading ordinals and 其中 prefixes, repeatedly (``三、（一）1.`` → ``""``)."""
    prev = None
    while prev != text:
        prev = text
        text = text.lstrip(" :：、.,，")
        text = _ORDINAL.sub("", text, count=1)
        for p in _PREFIXES:
            if text.startswith(p):
                text = text[len(p) :]
    return text


# Labels shorter than this are memoized (a report repeats its labels, a corpus its forms'
# labels); longer texts (a whole document's text, searched for labels) are not kept.
_MEMO_MAX_LEN = 200


def normalize_label(text: str, *, keep_parens: bool = False) -> str:
    """The comparable form of a printed label.

    >>> normalize_label("　　（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）")
    '主动公开政府信息数'
    >>> normalize_label("3.危及“三安全一稳定”")
    '危及三安全一稳定'

    A pure function of its arguments: short labels are memoized.
    """
    if len(text) <= _MEMO_MAX_LEN:
        return _normalize_label_memo(text, keep_parens)
    return _normalize_label(text, keep_parens)


def delete_chars(text: str, chars: str) -> str:
    """``text`` without any of ``chars`` (one ``str.replace`` per character present: several
    times faster than ``str.translate`` or a regular expression on a whole document)."""
    for ch in chars:
        if ch in text:
            text = text.replace(ch, "")
    return text


def _without_spaces(text: str) -> str:
    """``SPACE_OR_ZERO_WIDTH_RUN.sub("", text)``, faster on a long text: ``str.split`` cuts at
    the very characters ``\\s`` matches (those ``str.isspace`` accepts)."""
    return delete_chars("".join(text.split()), ZERO_WIDTH_SPACES)


def _normalize_label(text: str, keep_parens: bool) -> str:
    t = nfkc(text)
    t = _without_spaces(t)
    t = strip_ordinals(t)
    if not keep_parens:
        prev = None
        while prev != t:
            prev = t
            t = _PAREN.sub("", t)
        t = t.replace("(", "").replace(")", "")
    return delete_chars(t, _QUOTES).rstrip(":：、,，.。;；")


_normalize_label_memo = functools.lru_cache(maxsize=1 << 16)(_normalize_label)


# --------------------------------------------------------------------------- numbers

# a cell printed as one of these is "not applicable", never 0 (see govstats.lexicon)
PLACEHOLDERS = CELL_PLACEHOLDERS
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")


@dataclass(frozen=True)
class Reading:
    """The reading of one printed cell.

    ``status``: ``number`` (``value`` set), ``blank`` (nothing printed), ``placeholder``
    (``/``, ``—``, ``无`` …: printed as "not applicable", not zero), ``text`` (words),
    ``run`` (several numbers run together or separated by spaces: cells unknown).
    """

    status: str
    value: int | float | None
    raw: str
    unit: str | None = None


_UNIT_SUFFIX = re.compile(
    rf"^(?P<num>[+-]?[\d,]+(?:\.\d+)?)\s*"
    rf"(?P<unit>{alternation(PERCENT_SIGNS)}|{char_class(CELL_UNIT_CHARS)}+)$"
)


def to_number(s: str) -> int | float:
    """``"1,108"`` → 1108; ``"178.8"`` → 178.8 (a float only when a point is printed)."""
    s = s.replace(",", "")
    if "." in s:
        try:
            return float(Decimal(s))
        except InvalidOperation as exc:  # pragma: no cover - guarded by the regex
            raise ValueError(s) from exc
    return int(s)


def read_number(raw: str) -> Reading:
    """Read one printed cell.  Never turns a blank or a placeholder into 0.

    A pure function of ``raw``: short cells are memoized (the mapper, the checks and the
    findings read the same cells, and reports print the same small figures again and again).
    """
    if len(raw) <= _MEMO_MAX_LEN:
        return _read_number_memo(raw)
    return _read_number(raw)


def _read_number(raw: str) -> Reading:
    t = nfkc(raw)
    t = SPACE_OR_ZERO_WIDTH_RUN.sub(" ", t).strip()
    if not t:
        return Reading("blank", None, raw)
    if t in PLACEHOLDERS:
        return Reading("placeholder", None, raw)
    compact = t.replace(" ", "")
    if _NUMBER.match(t):
        return Reading("number", to_number(t), raw)
    m = _UNIT_SUFFIX.match(compact)
    if m and " " not in t.strip():
        return Reading("number", to_number(m.group("num")), raw, m.group("unit"))
    if re.fullmatch(r"[\d.]+(?: [\d.]+)+", t) or (re.fullmatch(r"\d+", compact) and " " in t):
        return Reading("run", None, raw)
    return Reading("text", None, raw)


_read_number_memo = functools.lru_cache(maxsize=8192)(_read_number)


def has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)
