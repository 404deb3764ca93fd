"""YAML of the package's catalogues, read with libyaml's C loader when PyYAML has it.

``yaml.CSafeLoader`` builds the same data as ``yaml.SafeLoader`` (the safe subset of YAML:
no arbitrary objects), several times faster; PyYAML built without libyaml falls back to the
pure-Python loader.  Every catalogue is read once per process (the loaders cache their
results), so this is what a one-file parse pays at startup.
"""

from __future__ import annotations

from typing import Any

import yaml

SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """The data of a YAML document (safe subset), as ``yaml.safe_load`` reads it."""
    return yaml.load(text, Loader=SafeLoader)
