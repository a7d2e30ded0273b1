"""Where stored facts came from: the import activity and the files it read, written alike by every loader.

Every load is a `prov:Activity` (typed `cg:Import`) that used source entities named by the SHA-256 of
their content, so the same file read twice is one source and a stored fact can be traced to the bytes it
was read from. Lists, compositions, declarations and surveys all write these triples through here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterator
from pathlib import Path

from pyoxigraph import NamedNode, Triple

from complygraph.loaders import rdf
from complygraph.vocab import ID, RDF_TYPE, cg, dct, prov, rdfs

_CHUNK = 1 << 20  # files are hashed a megabyte at a time, so a large data set is never held whole


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, as `sha256sum` prints it."""
    h = hashlib.sha256()
    for chunk in _chunks(path):
        h.update(chunk)
    return h.hexdigest()


def dataset_sha256(path: Path) -> str:
    """The SHA-256 of a compositions data set, a folder of CSV files or one JSON Lines file: each file's
    name then its bytes, in name order, so that renaming a file of the set is a different source."""
    h = hashlib.sha256()
    for f in sorted(path.iterdir()) if path.is_dir() else [path]:
        if f.is_file():
            h.update(f.name.encode())
            for chunk in _chunks(f):
                h.update(chunk)
    return h.hexdigest()


def _chunks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            yield chunk


def new_activity() -> NamedNode:
    """A fresh import activity: each run of an importer is its own activity."""
    return NamedNode(f"{ID}import/{uuid.uuid4()}")


def source_iri(sha256: str) -> NamedNode:
    return NamedNode(f"{ID}source/{sha256[:20]}")


def activity_triples(activity: NamedNode, *, label: str | None = None, stamped: bool = True) -> Iterator[Triple]:
    """The activity's types, an optional English label, and when it started. A survey's activity carries
    its start time in its IRI and states no `prov:startedAtTime` (`stamped=False`)."""
    yield rdf.t(activity, RDF_TYPE, cg.Import)
    yield rdf.t(activity, RDF_TYPE, prov.Activity)
    if label:
        yield rdf.t(activity, rdfs.label, rdf.text(label, "en"))
    if stamped:
        yield rdf.t(activity, prov.startedAtTime, rdf.datetime(dt.datetime.now(dt.UTC).replace(microsecond=0)))


def source_triples(activity: NamedNode, name: str, sha256: str, *, fmt: str | None = None, url: str | None = None,
                   retrieved: dt.date | None = None, generated: bool = False,
                   issued: dt.date | None = None) -> Iterator[Triple]:
    """The source entity the activity used: its file name, digest and, where known, format, download URL and
    retrieval date. With `generated`, the source also counts as made by the activity, so that the next load
    of a list, which deletes everything the previous load generated, replaces its sources too."""
    node = source_iri(sha256)
    yield rdf.t(activity, prov.used, node)
    yield rdf.t(node, RDF_TYPE, prov.Entity)
    if generated:
        yield rdf.t(node, prov.wasGeneratedBy, activity)
    yield rdf.t(node, dct.title, rdf.text(name))
    yield rdf.t(node, dct.identifier, rdf.text(f"sha256:{sha256}"))
    if fmt:
        yield rdf.t(node, dct["format"], rdf.text(fmt))
    if url:
        yield rdf.t(node, dct.source, NamedNode(url))
    if retrieved:
        yield rdf.t(node, dct.created, rdf.date(retrieved))
    if issued:  # the date the file says it was exported (list_exports.export_date)
        yield rdf.t(node, dct.issued, rdf.date(issued))
