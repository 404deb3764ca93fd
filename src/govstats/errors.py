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


class UnknownName(GovstatsError, KeyError):
    """A code or name that is not in its catalogue (an indicator, a concept, a metric, a body).
    The message lists the closest valid ones."""

    def __init__(self, kind: str, name: object, valid: object, hint: str = "") -> None:
        from difflib import get_close_matches

        choices = sorted({str(v) for v in valid})  # type: ignore[attr-defined]
        close = get_close_matches(str(name), choices, n=5, cutoff=0.5)
        text = f"unknown {kind} {name!r}"
        if close:
            text += "; closest: " + ", ".join(close)
        elif choices:
            text += f"; {len(choices)} known, e.g. " + ", ".join(choices[:5])
        if hint:
            text += f" ({hint})"
        super().__init__(text)
        self.kind, self.name, self.closest = kind, name, close

    def __str__(self) -> str:  # KeyError would print the repr of the message
        return str(self.args[0])
