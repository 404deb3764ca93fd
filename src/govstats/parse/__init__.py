"""Stage 2 — parse: a :class:`~govstats.model.Document` into values with provenance.

``regimes`` picks the table form, ``mapper`` maps printed labels to indicators (``digits``
recovers cells printed run together or one per line), ``derive`` adds values computed from
printed parts, ``meta`` and ``narrative`` read the report's metadata and the figures its
prose states (``dates`` and ``jurisdiction`` help them).  Nothing here reads files or knows
file formats (that is :mod:`govstats.read`), and nothing here judges consistency (that is
:mod:`govstats.check`).
"""
