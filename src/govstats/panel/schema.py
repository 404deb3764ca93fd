"""The pandera schema of the panel returned by :func:`govstats.load_panel`.

Generated from the field catalogue (``panel/fields.yaml``), like ``data/datapackage.json``
(which checks the CSV files): codes are strings matching fixed patterns, flags and regimes come
from closed sets, every value has a source hash and a location.

>>> from govstats.panel.schema import PANEL_SCHEMA
>>> PANEL_SCHEMA.validate(govstats.load_panel(validate=False))   # doctest: +SKIP
"""

from __future__ import annotations

from .build import STATUSES
from .fields import field, pandera_schema

__all__ = ["CODE_PATTERN", "PANEL_SCHEMA", "STATUSES"]

#: indicator and concept codes (anchored)
CODE_PATTERN = field("indicator").regex
PANEL_SCHEMA = pandera_schema("panel")
