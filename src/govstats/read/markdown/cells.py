"""One line or cell of converter markdown: its plain text (escapes, inline markup, entities
and whitespace undone) and what it can be: a heading, a row label, a line of numbers, a label
followed by numbers, a pipe row or a GFM delimiter row."""

from __future__ import annotations

import html as _html
import re
import unicodedata

from ...lexicon import (
    DROP_ZERO_WIDTH,
    PERCENT_SIGNS,
    SPACE_RUN,
    TOKEN_PLACEHOLDERS,
    TOKEN_UNITS,
    alternation,
)

#: Longest line taken as a label, a heading or a title.
LABEL_CHARS = 40

NEWLINE = re.compile(r"\r\n|\r|\n")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_PROTECT_BASE = 0xF0000  # supplementary private use area: escaped ASCII punctuation
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_INLINE_TAG = re.compile(
    r"</?(?:b|strong|i|em|u|s|del|ins|mark|span|font|small|big|sup|sub|code|a)(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
_BLOCK_TAG = re.compile(r"</?(?:p|div)(?:\s[^<>]*)?/?>", re.IGNORECASE)
_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_NUM_TOKEN = re.compile(
    r"[-+−]?(?:\d{1,3}(?:[,，]\d{3})+|\d+)(?:\.\d+)?"
    rf"{alternation(PERCENT_SIGNS)}?{alternation(TOKEN_UNITS)}?"
)
FOOTER = re.compile(
    r"[—–\-－]+\s*\d{1,4}\s*[—–\-－]+|第\s*\d{1,4}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,4}\s*页)?"
)
IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
COMMENT = re.compile(r"<!--.*?-->")
PAGE_MARK = re.compile(r"\{\d+\}-{5,}")  # marker-pdf paginated output
_HEADING = re.compile(
    r"第[一二三四五六七八九十百零〇\d]+条.{0,20}"
    r"|表\s*[一二三四五六七八九十\d]+.*"
    r"|[一二三四五六七八九十]+、.{1,36}情况"
)
_LETTER = re.compile(r"[A-Za-z\u3400-\u9fff\uf900-\ufaff]")
_SENTENCE_END = tuple("；;：:!！?？")


def _collapse(s: str) -> str:
    return SPACE_RUN.sub(" ", s.translate(DROP_ZERO_WIDTH)).strip()


def clean_cell(raw: str) -> str:
    """Markdown cell text → plain text (see the package docstring)."""
    s = _ESCAPE.sub(lambda m: chr(_PROTECT_BASE + ord(m.group(1))), raw)
    s = _BR.sub(" ", s)
    if "<" in s:
        s = _INLINE_TAG.sub("", _BLOCK_TAG.sub(" ", s))
    prev = None
    while prev != s:  # nested emphasis: ****x**** or **__x__**
        prev = s
        s = _BOLD.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), s)
    if "&" in s:
        s = _html.unescape(s)
    s = "".join(
        chr(ord(ch) - _PROTECT_BASE) if _PROTECT_BASE <= ord(ch) < _PROTECT_BASE + 128 else ch
        for ch in s
    )
    return _collapse(s)


def clean_line(raw: str) -> str:
    """A non-table line as plain text: heading marks, emphasis and whitespace removed."""
    s = raw.strip()
    if s.startswith("#"):
        s = s.lstrip("#")
    return clean_cell(s)


def _num_kind(token: str) -> str | None:
    """``"digit"`` for a printed number, ``"placeholder"`` for a dash/slash cell, else None."""
    if _NUM_TOKEN.fullmatch(token):
        return "digit"
    if token in TOKEN_PLACEHOLDERS:
        return "placeholder"
    return None


def row_class(texts: list[str]) -> str:
    """``"num"`` (only numbers/placeholders, at least one number), ``"text"`` (no number),
    ``"mixed"`` (a label with numbers) or ``"empty"``."""
    kinds = [_num_kind(t) for t in texts if t]
    if not kinds:
        return "empty"
    n_digit = kinds.count("digit")
    if n_digit and all(kinds):
        return "num"
    return "text" if n_digit == 0 else "mixed"


def numeric_tokens(s: str) -> list[str] | None:
    """The whitespace-separated tokens of a plain line made only of numbers, else None."""
    tokens = s.split()
    return tokens if tokens and row_class(tokens) == "num" else None


def is_heading(raw: str, s: str) -> bool:
    if not s or len(s) > LABEL_CHARS + 10:
        return False
    if raw.lstrip().startswith("#"):
        return True
    return "。" not in s and _HEADING.fullmatch(s) is not None


def stream_split(s: str) -> tuple[str, list[str]] | None:
    """``"行政许可 0"`` → ``("行政许可", ["0"])``: a label followed by numbers, else None."""
    tokens = s.split()
    j = len(tokens)
    while j > 0 and _num_kind(tokens[j - 1]):
        j -= 1
    tail = tokens[j:]
    if j == 0 or not tail or row_class(tail) != "num":
        return None
    label = " ".join(tokens[:j])
    if len(label) > LABEL_CHARS or "。" in label or not _LETTER.search(label):
        return None
    if label.endswith(_SENTENCE_END) or _HEADING.fullmatch(label):
        return None
    return label, tail


def is_label(raw: str, s: str) -> bool:
    """A short line that can be a row label (or a header fragment), not prose or a heading."""
    if not s or len(s) > LABEL_CHARS or not _LETTER.search(s):
        return False
    if "。" in s or s.endswith(_SENTENCE_END) or s.startswith(("注：", "注:")):
        return False
    if is_heading(raw, s) or numeric_tokens(s) or stream_split(s):
        return False
    tokens = s.split()
    if len(tokens) >= 3 and all(len(t) <= 4 for t in tokens):
        return False  # a row of column headers: 结果 结果 其他 尚未
    # A line wholly in one pair of brackets is an annotation: （其中修订 16 件）.
    return not (s[0] in "（(" and s[-1] in "）)" and open_excess(s[1:-1]) == 0
                and not re.search(r"[（(）)]", s[1:-1]))


def open_excess(s: str) -> int:
    return s.count("（") + s.count("(") - s.count("）") - s.count(")")


def is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def join_wrapped(parts: list[str]) -> str:
    """Join the pieces of a wrapped label: no space between two wide (CJK) characters,
    unless both are digits (two printed numbers never merge into one)."""
    out = ""
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if out and not (is_wide(out[-1]) and is_wide(p[0])
                        and not (out[-1].isdigit() and p[0].isdigit())):
            out += " "
        out += p
    return out


def split_unescaped(s: str, sep: str = "|") -> list[str]:
    fields: list[str] = []
    buf: list[str] = []
    i = 0
    while i < len(s):
        ch = s[i]
        if ch == "\\" and i + 1 < len(s):
            buf.append(s[i : i + 2])
            i += 2
            continue
        if ch == sep:
            fields.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
        i += 1
    fields.append("".join(buf))
    return fields


def ends_with_pipe(s: str) -> bool:
    if not s.endswith("|"):
        return False
    n = len(s) - 1 - len(s[:-1].rstrip("\\"))  # backslashes right before the pipe
    return n % 2 == 0


def has_pipe(s: str) -> bool:
    return len(split_unescaped(s)) > 1


_SEP_FIELD = re.compile(r"\s*:?-+:?\s*")


def is_separator(fields: list[str], second: bool) -> bool:
    """A GFM delimiter row.  ``| - | - |`` (one dash a field, no colon) is one only as the
    second line of a block; elsewhere it is a row of dash placeholders."""
    if not fields or not all(_SEP_FIELD.fullmatch(f) for f in fields):
        return False
    return second or any("--" in f or ":" in f for f in fields)


def text_pieces(text: str, first: int) -> list[tuple[int, str]]:
    """The non-blank lines of ``text`` (starting on line ``first``) as (line, text)."""
    return [(first + k, line.strip()) for k, line in enumerate(NEWLINE.split(text))
            if line.strip()]
