"""The one store interface the engines use; `graph.factory` picks an implementation for a location.

Everything above this module talks SPARQL 1.1 and pyoxigraph terms, so the same code runs on the
embedded Oxigraph store and on a remote endpoint (Oxigraph server, Fuseki, Virtuoso, GraphDB, Neptune).
"""

from __future__ import annotations

import calendar
import hashlib
import os
import socket
import sqlite3
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, QueryBoolean, Triple

from complygraph.vocab import CG

Term = NamedNode | BlankNode | Literal
Row = dict[str, Term]

META_GRAPH = "urn:complygraph:meta"
_STORE_NODE = "urn:complygraph:store"
_REVISION = CG + "revision"


def new_revision(after: str = "") -> str:
    """A revision that sorts after `after`: "r", nanoseconds since the epoch (zero-padded), a random tail.

    Sortable so that a write that can only add (pyoxigraph's bulk `extend`, one transaction) can carry its own
    revision beside the older one: the store's revision is the greatest it holds. "r" sorts after the hex
    UUIDs earlier versions wrote, so a store from before this scheme moves on at its first write.
    """
    now = time.time_ns()
    if after.startswith("r"):
        try:
            now = max(now, int(after[1:].split("-", 1)[0]) + 1)  # a clock set back never reuses an order
        except ValueError:
            pass
    return f"r{now:020d}-{uuid.uuid4().hex[:12]}"


def revision_quad(revision: str) -> Quad:
    """The revision as a quad of the meta graph, to add in the same transaction as the data it versions."""
    return Quad(NamedNode(_STORE_NODE), NamedNode(_REVISION), Literal(revision), NamedNode(META_GRAPH))


def revision_update(revision: str | None = None) -> str:
    """The update that gives the store a new revision; every write through complygraph ends with it, in the
    same transaction (the same update request) as the data it versions.

    The revision lives in its own named graph, out of the default graph that queries and shapes read, and
    lets a reader (the API's answer cache) tell cheaply whether anything changed since it last looked.
    """
    revision = revision or new_revision()
    return (f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ <{_STORE_NODE}> <{_REVISION}> ?r }} }} ;\n"
            f"INSERT DATA {{ GRAPH <{META_GRAPH}> {{ <{_STORE_NODE}> <{_REVISION}> \"{revision}\" }} }}")


STAGING = "urn:complygraph:staging:"
RECORD = "urn:complygraph:record:"


def record_graph(activity: str) -> str:
    """The named graph that keeps a copy of what the last write recorded under `activity` wrote (see `Store.write`)."""
    return RECORD + activity


@dataclass(frozen=True)
class Record:
    """Where a write keeps a copy of what it wrote (`record_graph`), and `keep`: a group pattern on ?s ?p ?o naming
    the statements of the previous write that other writes may hold too (identical triples cannot be told apart),
    which the next write therefore leaves in place."""

    graph: str
    keep: str = ""


def staged_commit(staging: str, replace: str | None, record: Record | None, revision: str) -> str:
    """The one update that makes a staged write visible: `replace` first, then, with a `record`, the triples the
    previous write under it wrote and this one does not are deleted (but for those `record.keep` names), the staged
    triples are added and become the record, and the revision moves on."""
    ops = [replace] if replace else []
    if record:
        keep = f" FILTER NOT EXISTS {{ {record.keep} }}" if record.keep else ""
        ops.append(f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH <{record.graph}> {{ ?s ?p ?o }} "
                   f"MINUS {{ GRAPH {staging} {{ ?s ?p ?o }} }}{keep} }}")
    ops.append(f"ADD SILENT {staging} TO DEFAULT")
    if record:
        ops += [f"DROP SILENT GRAPH <{record.graph}>", f"ADD SILENT {staging} TO <{record.graph}>"]
    ops += [f"DROP SILENT GRAPH {staging}", revision_update(revision)]
    return " ;\n".join(ops)


def staging_graph() -> NamedNode:
    """A private graph for one write, named with its UTC start time and its writer (`writer`), so that leftovers
    of a crashed writer can be told from the staging graph of a write still running in another process."""
    return NamedNode(f"{STAGING}{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}:{writer()}:{uuid.uuid4()}")


def writer() -> str:
    """This process as a staging graph names it: host, this boot of this machine and its PID namespace, and the
    process id, as `w.<host>.<machine>.<pid>`. The host name alone is not enough (cloned machines and CI runners
    share one), nor the PID namespace's inode (the initial namespace has the same inode on every Linux host):
    the kernel's random boot id tells machines, and boots, apart."""
    parts = []
    for source in ("/proc/sys/kernel/random/boot_id", "/etc/machine-id"):
        try:
            parts.append(Path(source).read_text(encoding="ascii").strip())
            break
        except (OSError, UnicodeDecodeError):
            continue
    try:
        parts.append(str(os.stat("/proc/self/ns/pid").st_ino))
    except OSError:
        pass
    machine = hashlib.sha256("/".join(parts).encode()).hexdigest()[:16] if parts else "0"
    return f"w.{quote(socket.gethostname(), safe='-')}.{machine}.{os.getpid()}"


def staging_started(graph: str) -> float | None:
    """When the write that owns a staging graph started (seconds since the epoch), None if not ours."""
    if not graph.startswith(STAGING):
        return None
    try:
        return calendar.timegm(time.strptime(graph[len(STAGING):].split(":", 1)[0], "%Y%m%dT%H%M%SZ"))
    except ValueError:
        return 0.0  # a staging graph of an earlier version (no start time): as old as can be


def staging_writer_gone(graph: str) -> bool:
    """Whether the process that wrote a staging graph has ended: it ran on this host, in this PID namespace, and
    no process has its id any more. A writer elsewhere, or a graph of an earlier version, is not known gone."""
    fields = graph[len(STAGING):].split(":")
    if not graph.startswith(STAGING) or len(fields) < 3 or not fields[1].startswith("w."):
        return False
    host_ns, _, pid = fields[1].rpartition(".")
    if host_ns != writer().rpartition(".")[0] or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:  # alive, of another user
        return False
    return False


class StoreError(RuntimeError):
    """The store refused or failed an operation; the message says which and why."""


class Store(Protocol):
    """What every engine may ask of a store."""

    location: str

    def select(self, query: str, bindings: Mapping[str, Term | list[Term]] | None = None) -> list[Row]:
        """Run a SELECT; `bindings` are bound as values, never pasted into the query text."""
        ...

    def ask(self, query: str, bindings: Mapping[str, Term | list[Term]] | None = None) -> bool: ...

    def update(self, update: str, new_revision: bool = True) -> None:
        """Run a SPARQL 1.1 Update as one transaction. `new_revision=False` is for facts derived from what
        the store already says (graph/derived.py): they change no answer, so they keep the revision, and
        they must not change the composition facts the read model keeps. An update with a new revision
        leaves the read model to be rebuilt by its next reader."""
        ...

    def write(self, triples: Iterable[Triple], replace: str | None = None, touches: str | None = None,
              record: Record | None = None) -> int:
        """Add triples to the default graph atomically: if the iterable raises, nothing is stored.

        `replace` is a SPARQL Update (typically DELETE ... WHERE) run in the same transaction before the
        triples become visible, so reloading a list swaps the old load for the new one at once. `record` (a
        `Record`) replaces, in the same transaction, exactly the triples the previous write
        with that record wrote: a load of files whose subjects other writes also describe (a substance both a
        pack's data and an import speak of) then takes back only its own statements. `touches` is
        a SELECT of `?s`, asked before the write: every subject whose kept composition facts `replace` may
        delete or add (graph/read_model.py keeps the model by reading those subjects again); without it a
        write that deletes leaves the model to be rebuilt by its next reader.
        """
        ...

    def composition_model(self) -> AbstractContextManager[sqlite3.Connection | None]:
        """A read transaction on the composition read model at the store's revision (graph/read_model.py), or
        None where the store keeps none: the caller then asks the store."""
        ...

    def current_model(self) -> AbstractContextManager[sqlite3.Connection | None]:
        """The same read transaction only if the model is at the store's revision already, else None: never
        rebuilt for the caller, who asks the store instead (a part's tree, graph/part_tree_reads.py)."""
        ...

    def count(self) -> int:
        """Number of triples in the default graph."""
        ...

    def revision(self) -> str:
        """Changes with every write made through complygraph ("" before the first); writes made by other
        tools straight to a remote endpoint do not change it."""
        ...

    def staging_graphs(self) -> list[str]:
        """The staging graphs the store holds: writes in progress, or left by a writer that crashed."""
        ...

    def drop_staging(self, older_than: float | None = None) -> list[str]:
        """Drop the staging graphs a crashed writer left; the engine decides what "left" means (see each)."""
        ...

    def compact(self, force: bool = True) -> bool:
        """Compact the engine's files when it keeps them (the embedded store: graph/compaction.py); True when a
        compaction ran. Answers and revision are unchanged."""
        ...

    def close(self) -> None: ...


class QueryMixin:
    """select, ask and count on top of a backend's `_run(query, bindings)`, which returns pyoxigraph results."""

    @contextmanager
    def composition_model(self) -> Iterator[sqlite3.Connection | None]:
        yield None  # an engine without a read model: every reader asks the store

    @contextmanager
    def current_model(self) -> Iterator[sqlite3.Connection | None]:
        yield None

    def _run(self, query: str, bindings: Mapping[str, Term | list[Term]] | None): ...

    def select(self, query: str, bindings: Mapping[str, Term | list[Term]] | None = None) -> list[Row]:
        solutions = self._run(query, bindings)
        if isinstance(solutions, QueryBoolean):
            raise StoreError("not a SELECT query")
        names = [v.value for v in solutions.variables]
        # a solution iterated gives its values in the order of `variables`: one call per row instead of two per
        # variable (300,000 rows of four variables: 1.0-1.5 s against 2.9-3.7 s, under the GIL)
        return [{n: v for n, v in zip(names, s, strict=True) if v is not None} for s in solutions]

    def ask(self, query: str, bindings: Mapping[str, Term | list[Term]] | None = None) -> bool:
        result = self._run(query, bindings)
        if not isinstance(result, QueryBoolean):
            raise StoreError("not an ASK query")
        return bool(result)

    def count(self) -> int:
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(rows[0]["n"].value)

    def revision(self) -> str:
        rows = self.select(f"SELECT (MAX(STR(?r)) AS ?rev) WHERE {{ GRAPH <{META_GRAPH}> {{ <{_STORE_NODE}> "
                           f"<{_REVISION}> ?r }} }}")
        return rows[0]["rev"].value if rows and "rev" in rows[0] else ""

    def staging_graphs(self) -> list[str]:
        """The staging graphs the store holds (writes in progress, or left by a writer that crashed)."""
        rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } FILTER(STRSTARTS(STR(?g), ?prefix)) }",
                           {"prefix": Literal(STAGING)})
        return sorted(r["g"].value for r in rows)
