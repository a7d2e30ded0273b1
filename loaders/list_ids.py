"""The list ids of the shipped catalogue (data/lists.toml) that record checks need, read without the catalogue
module: that one imports the list loaders, and the import rules that ask would make a cycle."""

from __future__ import annotations

import functools
import tomllib
from importlib import resources


@functools.cache
def exemption_lists() -> tuple[str, ...]:
    """The ids of the exemption lists (format "rohs-exemptions"): what an import's `exemption` column may name
    before the colon."""
    raw = tomllib.loads(resources.files("complygraph.data").joinpath("lists.toml").read_text(encoding="utf-8"))
    return tuple(sorted(i for i, d in raw["lists"].items() if d.get("format") == "rohs-exemptions"))
