"""What the bulk-write tests share (tests/test_bulk_write.py, tests/test_bulk_write_races.py; their fixture
`small_bulk` is in conftest.py)."""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad, Triple
from pyoxigraph import Store as OxStore

from complygraph.graph import open_store, rollback

EX = "http://example.org/"


def t(i: int, p: str = "p") -> Triple:
    return Triple(NamedNode(f"{EX}s{i}"), NamedNode(f"{EX}{p}"), Literal(str(i)))


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name in (rollback.CHECKPOINT, rollback.READY))


def crashed(folder: Path) -> None:
    """What a bulk write killed half-way leaves: a ready checkpoint and part of its data in the store."""
    raw = OxStore(str(folder))
    rollback.begin(raw, folder)
    raw.bulk_extend(Quad(x.subject, x.predicate, x.object, DefaultGraph()) for x in (t(i, "half") for i in range(50)))
    raw.flush()
    del raw


def crashed_store(folder: Path, triples: int = 1) -> None:
    """A closed store of `triples` triples that a bulk write crashed on."""
    store = open_store(folder)
    store.write([t(i) for i in range(triples)])
    store.close()
    del store
    crashed(folder)
