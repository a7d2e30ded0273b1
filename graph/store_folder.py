"""What a store folder on disk holds, how big a write may be before it is bulk-loaded, and what RocksDB's
refusal to open a folder means for the user."""

from __future__ import annotations

import os
from pathlib import Path

import complygraph.graph.rollback as rollback
from complygraph.graph.served import served_by

ENV_BULK = "COMPLYGRAPH_BULK_WRITE_AFTER"
BULK_AFTER = 500_000  # triples: a write that brings more is loaded in bounded memory (graph/rollback.py)


def bulk_after() -> int:
    """How many triples a write may bring before it is bulk-loaded instead of held in one transaction."""
    try:
        return max(1, int(os.environ.get(ENV_BULK, BULK_AFTER)))
    except ValueError:
        return BULK_AFTER


def is_oxigraph_store(path: Path) -> bool:
    """Whether the folder holds an Oxigraph database (RocksDB's CURRENT file and a MANIFEST beside it), or one
    that a bulk write cut short left to be rolled back."""
    return ((path / "CURRENT").is_file() and any(path.glob("MANIFEST-*"))) or rollback.pending(path)


def why_refused(exc: OSError, path: str) -> str:
    """What RocksDB's message about a store that did not open means for the user."""
    text = str(exc)
    if "lock" in text.lower():
        server = served_by(path)
        if server:
            return (f"it is held by {server}: stop the server to use the store from the command line, or ask "
                    f"the server (GraphQL at its /graphql)")
        return "another process has it open (an import or another command still running?)"
    if "Permission denied" in text:
        return "this user may not write to its files (Oxigraph writes its lock and log files even to read)"
    return text
