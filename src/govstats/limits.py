"""Limits on what one input may cost: bytes in, bytes inflated, text, grid cells, digits in a
run, pages, and (in a build's workers) memory.  Each breach raises :class:`LimitExceeded`,
a one-line typed error naming the limit and its value.

The defaults leave a wide margin over real reports (the largest known is a 0.4 MB PDF of
a few pages, with tables of well under a thousand cells) and keep every hostile file the
tests generate under about a gigabyte and a minute.  Change them per call with
``parse_report(..., limits=Limits(pages=2000))``, on the command line with
``--limit pages=2000`` (``parse``, ``validate``, ``build``), or for a block of code with
:func:`use_limits`.  The limits are part of a build's cache key: a file refused under one
set of limits is parsed again under another.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .errors import ConfigError, UnreadableInput

__all__ = [
    "DEFAULT_LIMITS",
    "LimitExceeded",
    "Limits",
    "address_space",
    "allow_address_space",
    "cap_address_space",
    "check",
    "current_limits",
    "inflated_size",
    "use_limits",
]

_MIB = 1 << 20
_MAX_RUN_DIGITS = 4000


@dataclass(frozen=True)
class Limits:
    """What one input may cost (see the README's *Limits* section)."""

    #: size of the input file
    input_bytes: int = 64 * _MIB
    #: a DOCX package: bytes of all its entries, counted while inflating them (the sizes
    #: the zip headers state are not trusted)
    unzipped_bytes: int = 256 * _MIB
    #: a DOCX package: inflated bytes of its XML parts (the document, styles, …)
    xml_bytes: int = 16 * _MIB
    #: an HTML page before parsing (also the page inside a saved MHTML file, decoded)
    html_bytes: int = 24 * _MIB
    #: characters of text: the decoded text of a text or markdown input and the text every
    #: reader gives
    text_chars: int = 1_000_000
    #: slots of a document's tables after rowspan/colspan expansion (rows × columns per
    #: table, summed over its tables)
    grid_cells: int = 500_000
    #: digits in one run (a number printed without a separator)
    run_digits: int = 1_000
    #: pages of a PDF
    pages: int = 500
    #: memory a build worker may take on top of what it starts with, while it parses one
    #: file (its address space, ``RLIMIT_AS``, where the platform has it): a file that needs
    #: more fails (never cached) and the rest of the build goes on
    memory_bytes: int = 1024 * _MIB
    #: memory the OCR reader may take on top of what the worker holds when it starts
    #: reading pages (the engine needs about 1.5 GB of memory, 2.7 GB of address space, for
    #: one page at 3×; two pages read at once, 3.5 GB): in a build worker it replaces
    #: ``memory_bytes`` from there on
    ocr_memory_bytes: int = 4096 * _MIB

    def __post_init__(self) -> None:
        for name in self.names():
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"limit {name} must be a whole number >= 1, got {value!r}")
        if self.run_digits > _MAX_RUN_DIGITS:
            raise ConfigError(
                f"limit run_digits must be at most {_MAX_RUN_DIGITS} (Python reads no longer "
                f"integers), got {self.run_digits}"
            )

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(cls))

    def replace(self, **changes: int) -> Limits:
        return dataclasses.replace(self, **changes)

    def with_options(self, options: Iterable[str]) -> Limits:
        """These limits changed by ``NAME=VALUE`` strings (the ``--limit`` option); a value
        may end in ``k``, ``M`` or ``G`` (powers of 1024 for bytes, of 1000 otherwise)."""
        changes: dict[str, int] = {}
        for opt in options:
            name, sep, raw = opt.partition("=")
            name = name.strip().replace("-", "_")
            if not sep or name not in self.names():
                raise ConfigError(
                    f"--limit {opt!r}: expected NAME=VALUE with NAME one of "
                    + ", ".join(self.names())
                )
            changes[name] = _parse_amount(name, raw.strip())
        return self.replace(**changes)

    def key(self) -> str:
        """A short stable text of the limits that change what a parse gives (the cache
        key; ``memory_bytes`` and ``ocr_memory_bytes`` are left out: a worker over them is
        never cached)."""
        return ",".join(
            f"{n}={getattr(self, n)}" for n in self.names() if not n.endswith("memory_bytes")
        )


DEFAULT_LIMITS = Limits()


def _parse_amount(name: str, raw: str) -> int:
    base = 1024 if name.endswith("_bytes") else 1000
    mult = {"k": base, "m": base**2, "g": base**3}.get(raw[-1:].lower(), 1)
    digits = raw[:-1] if mult > 1 else raw
    try:
        value = int(float(digits) * mult)
    except ValueError:
        raise ConfigError(f"--limit {name}={raw}: not a number") from None
    if value < 1:
        raise ConfigError(f"--limit {name}={raw}: must be at least 1")
    return value


class LimitExceeded(UnreadableInput):
    """An input breaches one of the :class:`Limits`; ``limit`` names it, ``value`` is its
    setting and ``found`` what the input needed (at least)."""

    def __init__(self, limit: str, value: int, found: int | None, what: str) -> None:
        amount = f"is {found:,}," if found is not None else "is"
        super().__init__(
            f"refused: {what} {amount} over the limit {limit}={value:,} "
            f"(raise it with --limit {limit}=N if the file is a real report)"
        )
        self.limit, self.value, self.found = limit, value, found


_CURRENT: contextvars.ContextVar[Limits] = contextvars.ContextVar(
    "govstats_limits", default=DEFAULT_LIMITS
)


def current_limits() -> Limits:
    """The limits in force (:data:`DEFAULT_LIMITS` unless :func:`use_limits` set others)."""
    return _CURRENT.get()


@contextlib.contextmanager
def use_limits(limits: Limits | None) -> Iterator[Limits]:
    """Parse under ``limits`` inside the block (None keeps the limits in force)."""
    if limits is None:
        yield current_limits()
        return
    token = _CURRENT.set(limits)
    try:
        yield limits
    finally:
        _CURRENT.reset(token)


def address_space() -> int:
    """This process's address space in bytes now (0 where /proc is missing)."""
    import os

    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def cap_address_space(extra: int) -> None:
    """Cap this process's address space (``RLIMIT_AS``, where the platform has it) at
    ``extra`` bytes more than it holds now, within the hard cap (a build worker's bound)."""
    _set_address_space(extra, only_raise=False)


def allow_address_space(extra: int) -> None:
    """Where this process's address space is capped (a build worker, ``RLIMIT_AS``), let it
    grow to ``extra`` bytes more than it holds now, within the hard cap; never lowers the
    cap, and does nothing where there is none."""
    _set_address_space(extra, only_raise=True)


def _set_address_space(extra: int, *, only_raise: bool) -> None:
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return
    with contextlib.suppress(ValueError, OSError):
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if only_raise and soft == resource.RLIM_INFINITY:
            return
        want = address_space() + extra
        if hard != resource.RLIM_INFINITY:
            want = min(want, hard)
        if not only_raise or want > soft:
            resource.setrlimit(resource.RLIMIT_AS, (want, hard))


def check(limit: str, found: int, what: str) -> None:
    """Raise :class:`LimitExceeded` when ``found`` exceeds the limit named ``limit``."""
    value = getattr(current_limits(), limit)
    if found > value:
        raise LimitExceeded(limit, value, found, what)


def inflated_size(raw: bytes, method: int, budget: int) -> int:
    """Bytes a zip entry's ``raw`` (compressed) data inflate to, counted while inflating in
    chunks and given up past ``budget`` (returns ``budget + 1`` then): the size the zip
    header states is never trusted.  ``method``: 0 stored, 8 deflated."""
    if method == 0:
        return min(len(raw), budget + 1)
    if method != 8:
        return 0  # a method zipfile cannot read either: it fails on it with its own error
    inflater = zlib.decompressobj(-15)
    total = 0
    data = raw
    step = 1 << 20
    try:
        while True:
            out = inflater.decompress(data, step)
            total += len(out)
            if total > budget:
                return budget + 1
            data = inflater.unconsumed_tail
            if not data and (inflater.eof or not out):
                break
    except zlib.error:
        return total  # corrupt data: zipfile reports it when the package is opened
    return total
