"""The list ids of the shipped catalogue (data/lists.toml) that record checks need, read without the catalogue
module: that one imports the list loaders, and the import rules that ask would make a cycle."""

from __future__ import annotations

import functools
import tomllib
from importlib import resources


@functools.cache
def exemption_annexes() -> dict[str, tuple[str, str]]:
    """The exemption lists (format "rohs-exemptions") by the annex they hold (III, IV): (list id, shipped file)."""
    raw = tomllib.loads(resources.files("complygraph.data").joinpath("lists.toml").read_text(encoding="utf-8"))
    return {d.get("options", {}).get("annex", "III").upper(): (list_id, d["files"][0])
            for list_id, d in raw["lists"].items() if d.get("format") == "rohs-exemptions"}


def exemption_lists() -> tuple[str, ...]:
    """The ids of the exemption lists: what an import's `exemption` column may name before the colon."""
    return tuple(sorted(list_id for list_id, _ in exemption_annexes().values()))
