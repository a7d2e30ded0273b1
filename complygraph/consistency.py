"""The reasoner check of the ontology together with what the store holds: the shipped regulatory lists
(their entries, groups and dated versions are individuals of the ontology's classes) and any extra data.

It sits above `loaders` and `graph` because it builds a store of the shipped lists; the ontology package
itself only reads N-Triples files and runs Pellet.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from complygraph.graph.factory import open_store
from complygraph.graph.turtle import dump_ntriples
from complygraph.loaders.catalog import load_reference
from complygraph.ontology import check_consistency as reasoner_check


def check_consistency(with_reference_lists: bool = True, extra_ntriples: list[Path] | None = None) -> str:
    """Pellet over the ontology, the shipped lists (unless `with_reference_lists` is false) and any extra
    N-Triples files; raises when the whole is inconsistent."""
    extra: list[Path] = list(extra_ntriples or [])
    with tempfile.TemporaryDirectory() as tmp:
        if with_reference_lists:
            store = open_store(None)
            load_reference(store)
            path = Path(tmp) / "reference.nt"
            dump_ntriples(store, path)
            extra.append(path)
        return reasoner_check(extra)
