"""The composition read model: the store's composition facts in SQLite beside it, kept by every write.

Where-used questions ("which parts, materials, suppliers and products hold these substances?") join five
triple patterns per occurrence. On a 1M-part Oxigraph store every term of an answer is a string lookup (~6 us
warm, a disk read cold): a list change reaching 58k occurrences took 33 s warm and minutes cold (issue 14,
item 3), and the status roll-up spent 7.7 s of 13.7 s on the parts of unresolved substances at 100k (issue 13).
SQLite answers the same joins from its B-trees in milliseconds.

What it holds (`keep`): every default-graph triple whose predicate is a composition predicate (a substance's
occurrence, its concentration, mass, intent and claimed exemption, a material's occurrences, a part's materials
and supplier, BOM lines and their quantities, masses), whatever the subject; identifiers and labels of the
company's own resources (parts, products, materials, suppliers: what an impact table names); and which nodes are
products and parts. A part's tree as `part(id)` shows it is read from here too (graph/part_tree_reads.py). Reach never
depends on a namespace, only the names shown do (a part of another namespace is reached, and named by a query).

Never stale: the model is stamped with the store revision it reflects and is used only when the stamp equals
`store.revision()` (graph/store.py); otherwise it is rebuilt from the store first. Each write keeps it:
- a write that only adds (every import of compositions) adds the triples it writes, as they stream by, in one
  SQLite transaction committed with the new revision right after the store's own commit;
- a write with a `replace` update names `touches`, a SELECT of `?s`: every subject whose kept facts the update
  may delete or add, asked before the write; their facts are read again after it;
- a write that deletes and names nothing, and every raw `Store.update` with a new revision, leave the stamp
  behind: the next reader rebuilds (or, while a write holds the store, asks the store instead of waiting).
The model's format is stamped too (`FORMAT`): a release that keeps other facts rebuilds it.
A crash between the store's commit and the model's leaves an old stamp, so a rebuild, never a stale answer.
With COMPLYGRAPH_CHECK_READ_MODEL=N (the test suite sets it) every write to a model of up to N facts compares the
kept model with a rebuild and raises on any difference: every write the tests make is a differential test.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import sqlite3
import tempfile
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, Triple
from pyoxigraph import Store as OxStore

import complygraph.graph.impact_rows as impact_rows
from complygraph.graph.model_codes import COMPOSITION, ENTITIES, NAMED, TYPES
from complygraph.vocab import ID, RDF_TYPE, XSD

FORMAT = "2"  # what `keep` selects and how `encode` writes it: a change makes every kept model rebuild
FILE = "complygraph-read-model.sqlite"  # in the store folder: "complygraph-" files are never rolled back
ENV_CHECK = "COMPLYGRAPH_CHECK_READ_MODEL"

_BATCH = 20_000
_CODES = sorted({*COMPOSITION.values(), *NAMED.values(), *TYPES.values()})

SCHEMA = """
CREATE TABLE IF NOT EXISTS facts (p INTEGER NOT NULL, s TEXT NOT NULL, o TEXT NOT NULL, t TEXT NOT NULL,
                                  PRIMARY KEY (p, s, o, t)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS facts_by_object ON facts (p, o, s);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def encode(term) -> tuple[str, str]:
    """A term as (text, kind): an IRI ("" kind; the company namespace shortened to "~"), a blank node ("_"),
    a literal (its lexical form; kind "@lang" or the datatype, xsd shortened to "xsd:")."""
    if isinstance(term, NamedNode):
        v = term.value
        return ("~" + v[len(ID):] if v.startswith(ID) else v), ""
    if isinstance(term, BlankNode):
        return term.value, "_"
    if term.language:
        return term.value, "@" + term.language
    dtype = term.datatype.value
    if dtype == _STRING:
        return term.value, "xsd:string"
    if dtype in (_DECIMAL, _INTEGER):
        return canonical(term.value, dtype), ("xsd:" + dtype[len(XSD):])
    value, dtype = _by_oxigraph(term.value, dtype)  # the value and the type Oxigraph keeps ("2"^^xsd:int: integer)
    return value, ("xsd:" + dtype[len(XSD):] if dtype.startswith(XSD) else dtype)


_STRING, _DECIMAL, _INTEGER = XSD + "string", XSD + "decimal", XSD + "integer"
_DECIMAL_LEX = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_INTEGER_LEX = re.compile(r"[+-]?[0-9]+")
_I128, _I64 = 2 ** 127, 2 ** 63


def canonical(lexical: str, datatype: str) -> str:
    """The lexical form Oxigraph stores a typed literal under (it keeps values of the types it knows, and
    prints them canonically: "1100.0"^^xsd:decimal comes back as "1100"), so that a tapped triple and the same
    triple read from the store are one row. Decimals (Oxigraph: 128-bit, 18 fraction digits) and integers
    (64-bit) here; other types, rare in composition facts, by Oxigraph itself."""
    if datatype == _DECIMAL:
        if not _DECIMAL_LEX.fullmatch(lexical):
            return lexical
        d = Decimal(lexical)
        exponent = d.normalize().as_tuple().exponent
        if (isinstance(exponent, int) and exponent < -18) or abs(d) * 10 ** 18 >= _I128:
            return lexical  # out of Oxigraph's range: kept as written
        if d == 0:
            return "0"
        return format(d.normalize(), "f")
    if datatype == _INTEGER:
        if not _INTEGER_LEX.fullmatch(lexical) or not -_I64 <= int(lexical) < _I64:
            return lexical
        return str(int(lexical))
    return _by_oxigraph(lexical, datatype)[0]


@functools.lru_cache(maxsize=65_536)
def _by_oxigraph(lexical: str, datatype: str) -> tuple[str, str]:
    """The lexical form and datatype a literal comes back with from Oxigraph."""
    store = OxStore()
    store.add(Quad(_NODE, _NODE, Literal(lexical, datatype=NamedNode(datatype))))
    stored = next(iter(store)).object
    return stored.value, stored.datatype.value


_NODE = NamedNode("urn:complygraph:canonical")


def iri(text: str) -> str:
    """The IRI of an encoded subject or IRI object."""
    return ID + text[1:] if text.startswith("~") else text


def short(value: str) -> str:
    """An IRI as the model stores it."""
    return "~" + value[len(ID):] if value.startswith(ID) else value


def decode(text: str, kind: str):
    if kind == "":
        return NamedNode(iri(text))
    if kind == "_":
        return BlankNode(text)
    if kind.startswith("@"):
        return Literal(text, language=kind[1:])
    return Literal(text, datatype=NamedNode(XSD + kind[4:] if kind.startswith("xsd:") else kind))


def keep(t: Triple) -> tuple[int, str, str, str] | None:
    """The row a triple is in the model as, or None when the model does not hold it."""
    p = t.predicate
    code = COMPOSITION.get(p)
    if code is None:
        code = NAMED.get(p)
        if code is None:
            code = TYPES.get(t.object) if p == RDF_TYPE else None
            if code is None:
                return None
        elif not (isinstance(t.subject, NamedNode) and t.subject.value.startswith(ENTITIES)):
            return None
    s = t.subject
    o, kind = encode(t.object)
    return code, (s.value if isinstance(s, BlankNode) else short(s.value)), o, kind


def rows_of(triples: Iterable[Triple]) -> Iterator[tuple[int, str, str, str]]:
    for t in triples:
        row = keep(t)
        if row is not None:
            yield row


class ReadModel:
    """The SQLite file (in the store folder, or a temporary one for an in-memory store) and its connections:
    one for the writer (used under the store's write lock), one per reading thread."""

    def __init__(self, folder: Path | None) -> None:
        self._temp = None if folder else tempfile.mkdtemp(prefix="complygraph-read-model-")
        # an in-memory store is often dropped without close(): its model's folder goes with it
        self._cleanup = weakref.finalize(self, shutil.rmtree, self._temp, True) if self._temp else None
        self.path = (folder or Path(self._temp)) / FILE
        self._local = threading.local()
        self._lock = threading.Lock()
        self._writer = self._connect()
        self._writer.execute("PRAGMA cache_size = -131072")  # 128 MiB: merges touch pages all over the B-trees
        self._writer.executescript(SCHEMA)
        row = self._writer.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        if row is None or row[0] != FORMAT:  # made by another release: its facts are not this one's
            self._writer.execute("DELETE FROM meta")
            self._writer.execute("INSERT INTO meta VALUES ('format', ?)", (FORMAT,))
        impact_rows.create(self._writer)

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=60)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")  # a lost commit only leaves an old stamp: a rebuild
        return con

    def stamp(self, con: sqlite3.Connection | None = None) -> str | None:
        row = (con or self._writer).execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()
        return row[0] if row else None

    @contextmanager
    def snapshot(self, revision: str) -> Iterator[sqlite3.Connection | None]:
        """A read transaction on the model if it reflects `revision`, else None (the caller rebuilds or asks
        the store): every query inside sees the same committed state."""
        con = getattr(self._local, "con", None)
        if con is None:
            con = self._local.con = self._connect()
        con.execute("BEGIN")
        try:
            yield con if self.stamp(con) == revision else None
        finally:
            con.execute("ROLLBACK")

    def rebuild(self, triples: Iterable[Triple], revision: str,
                progress: Callable[[int], None] | None = None) -> int:
        """Replace the whole model by `triples` (the store's default graph, or only the kept predicates' quads)
        stamped `revision`; the caller holds the store's write lock."""
        con = self._writer
        con.execute("BEGIN IMMEDIATE")
        try:
            con.execute("DELETE FROM facts")
            _stage_start(con)
            n = _stage(con, rows_of(triples), progress)
            _merge(con, n)
            impact_rows.derive_all(con, revision)
            con.execute("INSERT OR REPLACE INTO meta VALUES ('revision', ?)", (revision,))
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return n

    def rows_behind(self, revision: str) -> bool:
        """Whether the model is at `revision` but its where-used rows (graph/impact_rows.py) are not."""
        with self.snapshot(revision) as con:
            return con is not None and not impact_rows.fresh(con)

    def derive_rows(self) -> None:
        """Derive the where-used rows at the model's revision; the caller holds the store's write lock."""
        con = self._writer
        con.execute("BEGIN IMMEDIATE")
        try:
            revision = self.stamp()
            if revision is not None and impact_rows.stamp(con) != revision:
                impact_rows.derive_all(con, revision)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def change(self, before: str, subjects: list | None) -> Change | None:
        """A change kept beside one write made at store revision `before`: None when the model is stale already
        or the write deletes without naming what (`subjects` None and deletes): it stays stale."""
        if self.stamp() != before:
            return None
        return Change(self, subjects)

    def size(self) -> int:
        return self._writer.execute("SELECT COUNT(*) FROM facts").fetchone()[0]

    def row_differences(self) -> dict:
        """The where-used rows against rows derived from the facts now, if they claim to be fresh."""
        with self._lock:
            if not impact_rows.fresh(self._writer):
                return {}
            return impact_rows.differences(self._writer)

    def all_rows(self) -> set[tuple]:
        return set(self._writer.execute("SELECT p, s, o, t FROM facts"))

    def close(self) -> None:
        self._writer.close()
        if self._cleanup is not None:
            self._cleanup()


def _stage_start(con: sqlite3.Connection) -> None:
    con.execute("CREATE TEMP TABLE IF NOT EXISTS staged (p INTEGER, s TEXT, o TEXT, t TEXT)")
    con.execute("DELETE FROM temp.staged")


def _stage(con: sqlite3.Connection, rows: Iterable[tuple], progress=None) -> int:
    """Append rows to the unindexed staging table (rows arrive in import order, random for the B-trees)."""
    n, batch = 0, []
    for row in rows:
        batch.append(row)
        if len(batch) == _BATCH:
            con.executemany("INSERT INTO temp.staged VALUES (?, ?, ?, ?)", batch)
            n += len(batch)
            batch.clear()
            if progress:
                progress(n)
    con.executemany("INSERT INTO temp.staged VALUES (?, ?, ?, ?)", batch)
    return n + len(batch)


_REINDEX_AFTER = 1_000_000  # staged rows: above, the object index is dropped and made again by one sort


def _merge(con: sqlite3.Connection, staged: int) -> None:
    """Move the staged rows into `facts` in key order (3.35M rows of a 100k-part import: 22 s this way, 75 s
    inserted as they came)."""
    big = staged > _REINDEX_AFTER
    if big:
        con.execute("DROP INDEX IF EXISTS facts_by_object")
    con.execute("INSERT OR IGNORE INTO facts SELECT p, s, o, t FROM temp.staged ORDER BY p, s, o, t")
    con.execute("DELETE FROM temp.staged")
    if big:
        con.execute("CREATE INDEX IF NOT EXISTS facts_by_object ON facts (p, o, s)")


class Change:
    """The model's side of one write: the rows of the triples it adds, written as they stream by inside one
    SQLite transaction; at `commit`, the facts of the touched subjects read again and the new stamp."""

    def __init__(self, model: ReadModel, subjects: list | None) -> None:
        self.model, self.subjects = model, subjects or []
        self.con = model._writer
        self.con.execute("BEGIN IMMEDIATE")
        try:
            _stage_start(self.con)
            self.con.execute("DELETE FROM temp.changed")
        except BaseException:
            self.abort()  # never leave the writer connection inside a transaction
            raise
        self._batch: list[tuple] = []
        self.staged = 0
        self.broken = False  # SQLite failed (a full disk): the write goes on, the model is left behind

    def tap(self, triples: Iterable[Triple]) -> Iterator[Triple]:
        batch, con = self._batch, self.con
        for t in triples:
            row = keep(t)
            if row is not None and not self.broken:
                batch.append(row)
                if len(batch) == _BATCH:
                    try:
                        con.executemany("INSERT INTO temp.staged VALUES (?, ?, ?, ?)", batch)
                    except sqlite3.Error:
                        self.abort()
                        self.broken = True
                    self.staged += len(batch)
                    batch.clear()
            yield t

    def commit(self, revision: str, reread: Callable[[list], Iterable[Triple]]) -> None:
        """The store committed the write at `revision`: the touched subjects' facts as the store has them now
        replace what the model had of them."""
        con = self.con
        if self.broken:
            return
        try:
            self.staged += _stage(con, self._batch)
            whole = impact_rows.most_of_the_store(con, self.staged)  # all rows made again: no changed set kept
            if not whole:
                con.execute("INSERT OR IGNORE INTO temp.changed SELECT s FROM temp.staged")
            if self.subjects:
                keys = [(s.value if isinstance(s, BlankNode) else short(s.value),) for s in self.subjects]
                con.execute("CREATE TEMP TABLE IF NOT EXISTS touched (s TEXT PRIMARY KEY)")
                con.execute("DELETE FROM temp.touched")
                con.executemany("INSERT OR IGNORE INTO temp.touched VALUES (?)", keys)
                if not whole:  # what the where-used rows make again: the touched and their BOM children before
                    con.execute("INSERT OR IGNORE INTO temp.changed SELECT s FROM temp.touched")
                    con.execute(f"INSERT OR IGNORE INTO temp.changed SELECT o FROM facts "
                                f"WHERE p = {impact_rows.BOM_CHILD} AND s IN (SELECT s FROM temp.touched)")
                # by key (p, s) for every kept predicate: `s IN (...)` alone would scan the table
                con.execute(f"DELETE FROM facts WHERE p IN ({','.join(map(str, _CODES))}) "
                            "AND s IN (SELECT s FROM temp.touched)")
                self.staged += _stage(con, rows_of(reread(self.subjects)))
            _merge(con, self.staged)
            impact_rows.refresh(con, revision, whole)
            con.execute("INSERT OR REPLACE INTO meta VALUES ('revision', ?)", (revision,))
            con.execute("COMMIT")
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        if self.con.in_transaction:
            self.con.execute("ROLLBACK")


def kept_quads(store) -> Iterator[Triple]:
    """Every quad of a pyoxigraph store's default graph that the model may keep, read per predicate (no
    join): what a rebuild reads."""
    for p in (*COMPOSITION, *NAMED):
        for q in store.quads_for_pattern(None, p, None, DefaultGraph()):
            yield Triple(q.subject, q.predicate, q.object)
    for kind in TYPES:
        for q in store.quads_for_pattern(None, RDF_TYPE, kind, DefaultGraph()):
            yield Triple(q.subject, q.predicate, q.object)


def checking() -> int:
    """The model size up to which every write compares the model with a rebuild (0: never)."""
    try:
        return max(0, int(os.environ.get(ENV_CHECK, "0")))
    except ValueError:
        return 0
