"""RDF files into and out of the store: Turtle loads traced to the activity that made them, and
N-Triples dumps of the default graph for tools that read files (the owlready2 reasoner, pySHACL)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, parse, serialize

from complygraph.graph.store import META_GRAPH, Record, Store, record_graph
from complygraph.ontology import ontology_path
from complygraph.vocab import CG, ID, RDF_TYPE, cg, prov, rdfs

ONTOLOGY_LOAD = NamedNode(f"{ID}import/ontology")


def load_turtle(store: Store, files: Iterable[Path], activity: NamedNode) -> int:
    """Write Turtle files into the store as one load: every subject points to `activity`, and the
    previous load by the same activity is replaced in the same transaction, statement by statement (what
    it wrote and this load does not): a subject the files share with other writes (a substance both a
    pack's data and an import describe) keeps what those wrote. Files already loaded by that activity with
    the same content are not written again (0 is returned), so that a validation, which loads the ontology
    and its packs' data each time, leaves the store's revision alone when nothing changed."""
    files = list(files)
    record = record_graph(activity.value)
    digest = hashlib.sha256(b"".join(f.read_bytes() + b"\0" for f in files)).hexdigest()
    mark = f"GRAPH <{META_GRAPH}> {{ <{activity.value}> <{CG}contentDigest> ?d }}"
    rows = store.select(f"SELECT ?d WHERE {{ {mark} }}")
    # skipped only if its triples are still all there: a raw update may have deleted some
    if rows and rows[0]["d"].value == f"{digest} {_loaded(store, record)}":
        return 0
    triples, subjects = [], set()
    for f in files:
        for q in parse(path=str(f), format=RdfFormat.TURTLE):
            triples.append(Triple(q.subject, q.predicate, q.object))
            subjects.add(q.subject)
    triples += [Triple(s, prov.wasGeneratedBy, activity) for s in subjects if isinstance(s, NamedNode)]
    touches = f"SELECT ?s WHERE {{ ?s <{prov.wasGeneratedBy.value}> <{activity.value}> }}"
    legacy = None if store.ask(f"ASK {{ GRAPH <{record}> {{ ?s ?p ?o }} }}") else _legacy_replace(activity)
    written = store.write(triples, replace=legacy, touches=touches, record=Record(record, _KEEP))
    # after the write: a crash in between only means the files are written again next time
    stamp = Literal(f"{digest} {_loaded(store, record)}")
    store.update(f"DELETE WHERE {{ {mark} }} ;\nINSERT DATA {{ {mark.replace('?d', str(stamp))} }}",
                 new_revision=False)
    return written


# what an import writes about a substance: a reload leaves it in place even where the previous load wrote the
# same statement (an identical triple cannot be told from the import's), as it leaves a load from before records
_IMPORT_OWNED = (RDF_TYPE, cg.casNumber, cg.molecularFormula, cg.molarMass, cg.smiles, cg.inchiKey,
                 cg.elementFraction, cg.casFromName, cg.databaseName, prov.wasDerivedFrom, rdfs.label)
_KEEP = f"?s a <{CG}Substance> FILTER(?p IN ({', '.join(f'<{p.value}>' for p in _IMPORT_OWNED)}))"


def _legacy_replace(activity: NamedNode) -> str:
    """The previous load of a store written before loads kept a record: every statement of its subjects,
    except, on a substance, the statements an import makes (imports do not mark their substances, so these
    cannot be told apart; they are true of the substance whoever wrote them)."""
    return (f"DELETE {{ ?s ?p ?o }} WHERE {{ ?s <{prov.wasGeneratedBy.value}> <{activity.value}> . ?s ?p ?o "
            f"FILTER NOT EXISTS {{ {_KEEP} }} }}")


def _loaded(store: Store, record: str) -> int:
    """How many of the triples the last load wrote the store still holds."""
    rows = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{record}> {{ ?s ?p ?o }} ?s ?p ?o }}")
    return int(rows[0]["n"].value)


def load_ontology(store: Store) -> int:
    """Write the vocabulary into the store (class hierarchy for targets, labels for users)."""
    return load_turtle(store, [ontology_path()], ONTOLOGY_LOAD)


def dump_ntriples(store: Store, path: Path) -> int:
    """Write the store's default graph to `path` as N-Triples, through the store interface (embedded or
    remote alike); returns the number of triples."""
    rows = store.select("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    path.write_bytes(serialize((Triple(r["s"], r["p"], r["o"]) for r in rows), format=RdfFormat.N_TRIPLES) or b"")
    return len(rows)
