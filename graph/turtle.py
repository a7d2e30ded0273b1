"""RDF files into and out of the store: Turtle loads traced to the activity that made them, and
N-Triples dumps of the default graph for tools that read files (the owlready2 reasoner, pySHACL)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, parse, serialize

from complygraph.graph.store import META_GRAPH, Store
from complygraph.ontology import ontology_path
from complygraph.vocab import CG, ID, prov

ONTOLOGY_LOAD = NamedNode(f"{ID}import/ontology")


def load_turtle(store: Store, files: Iterable[Path], activity: NamedNode) -> int:
    """Write Turtle files into the store as one load: every subject points to `activity`, and the
    previous load by the same activity is replaced in the same transaction. Files already loaded by that
    activity with the same content are not written again (0 is returned), so that a validation, which loads
    the ontology and its packs' data each time, leaves the store's revision alone when nothing changed."""
    files = list(files)
    digest = hashlib.sha256(b"".join(f.read_bytes() + b"\0" for f in files)).hexdigest()
    mark = f"GRAPH <{META_GRAPH}> {{ <{activity.value}> <{CG}contentDigest> ?d }}"
    rows = store.select(f"SELECT ?d WHERE {{ {mark} }}")
    # skipped only if the triples are still all there: another load may have deleted a shared subject's
    if rows and rows[0]["d"].value == f"{digest} {_loaded(store, activity)}":
        return 0
    triples, subjects = [], set()
    for f in files:
        for q in parse(path=str(f), format=RdfFormat.TURTLE):
            triples.append(Triple(q.subject, q.predicate, q.object))
            subjects.add(q.subject)
    triples += [Triple(s, prov.wasGeneratedBy, activity) for s in subjects if isinstance(s, NamedNode)]
    replace = f"DELETE {{ ?s ?p ?o }} WHERE {{ ?s <{prov.wasGeneratedBy.value}> <{activity.value}> . ?s ?p ?o }}"
    touches = f"SELECT ?s WHERE {{ ?s <{prov.wasGeneratedBy.value}> <{activity.value}> }}"
    written = store.write(triples, replace=replace, touches=touches)
    # after the write: a crash in between only means the files are written again next time
    stamp = Literal(f"{digest} {_loaded(store, activity)}")
    store.update(f"DELETE WHERE {{ {mark} }} ;\nINSERT DATA {{ {mark.replace('?d', str(stamp))} }}",
                 new_revision=False)
    return written


def _loaded(store: Store, activity: NamedNode) -> int:
    """How many triples the subjects of a load hold now."""
    rows = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{prov.wasGeneratedBy.value}> <{activity.value}> . "
                        f"?s ?p ?o }}")
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
