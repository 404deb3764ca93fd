"""Exception hierarchy.  Every error says what to fix: the input, and what was expected."""

from __future__ import annotations


class GovstatsError(Exception):
    """Base class of every error govstats raises on purpose."""


class UnreadableInput(GovstatsError):
    """The bytes cannot be turned into text: unknown encoding, a PDF whose text layer is
    ``(cid:…)`` glyph codes or empty, a corrupt DOCX/PDF container."""


class UnrecognisedInput(GovstatsError):
    """The text was read but holds no statistics table or report of a known regime."""


class ConfigError(GovstatsError):
    """A bundled data file (layout, catalogue, rule) is malformed; names the file and entry."""
