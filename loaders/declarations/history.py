"""A newer declaration of an item supersedes the stored one: what the old one declared (the parts' masses,
names and versions, their materials and substance occurrences, the BOM lines between its parts, its
category statements) moves to a history graph `urn:complygraph:history:<declaration>`, and the old
declaration is marked invalidated and superseded. A part first declared by a compositions import has its
composition moved the same way, to `urn:complygraph:history:<new declaration>-before`.

The update runs in the same transaction as the new declaration's triples, so a reader sees the old
composition or the new one, never both or neither.
"""

from __future__ import annotations

import datetime as dt

from pyoxigraph import NamedNode

from complygraph.graph.store import Row, Store

HISTORY = "urn:complygraph:history:"

# What a declaration's composition is made of, each as (the triples that move, where they are found);
# `?part` is each part the declaration declares, `{declarer}` the declaration.
_COMPOSITION = (
    ("?occ ?p ?o", "?part cg:hasMaterial ?m . ?m cg:contains ?occ . ?occ ?p ?o"),
    ("?part cg:hasMaterial ?m . ?m ?p ?o", "?part cg:hasMaterial ?m . ?m ?p ?o"),
    ("?part ?p ?o", "?part ?p ?o FILTER(?p IN (cg:massMg, rdfs:label, cg:itemVersion))"),
    # every BOM line below a part the declaration declares: the newer declaration gives its whole structure (QA10
    # B05: a compositions import's line SUB1 -> C1 stayed beside the newer declaration's SUB1 -> SUB1/C1, and
    # impact listed the connector twice)
    ("?u ?p ?o", "?u cg:parent ?part ; cg:child ?c ; ?p ?o"),
)
_STATEMENTS = ("?st ?p ?o", "{declarer} cg:hasStatement ?st . ?st ?p ?o")


def in_force(store: Store, part: NamedNode) -> list[Row]:
    """The declarations of `part` not yet superseded: `d`, its `date` and, for a declaration read from a
    file, the file's digest `sha` ("sha256:...")."""
    return store.select("""
        SELECT ?d ?date ?sha WHERE {
          ?d cg:declares ?part ; a cg:Declaration ; dct:date ?date .
          FILTER NOT EXISTS { ?d prov:invalidatedAtTime ?gone }
          OPTIONAL { ?d prov:wasDerivedFrom/dct:identifier ?sha }
        }""", {"part": part})


def supersede(old: NamedNode, new: NamedNode) -> str:
    """The update that moves what declaration `old` declared to its history graph and marks it as
    superseded by `new`."""
    graph = f"<{HISTORY}{_local(old)}>"
    ops = _moves(graph, f"{old} cg:declares ?part .", str(old), _COMPOSITION)
    ops += _moves(graph, "", str(old), (_STATEMENTS,))
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    ops.append(f'INSERT DATA {{ {old} prov:invalidatedAtTime "{now}"^^xsd:dateTime ; cg:supersededBy {new} ; '
               f"cg:historyGraph {graph} }}")
    return " ;\n".join(ops)


def supersede_composition(part: NamedNode, new: NamedNode) -> str:
    """The update that moves the composition `part` has from a compositions import to the history graph
    of declaration `new`, which replaces it."""
    return " ;\n".join(_moves(f"<{HISTORY}{_local(new)}-before>", f"BIND({part} AS ?part)", str(part),
                              _COMPOSITION))


def touched(declaration: NamedNode | None, part: NamedNode | None = None) -> str:
    """The subjects whose facts `supersede(declaration, ...)` or `supersede_composition(part, ...)` moves away
    (the read model, graph/read_model.py, reads them again after the write): the parts, their materials and
    occurrences, the BOM lines below them, the declaration's statements."""
    # each branch binds ?part itself: a group is evaluated before it is joined with what is outside it
    p = f"{declaration} cg:declares ?part ." if declaration is not None else f"VALUES ?part {{ {part} }}"
    statements = f" UNION {{ {declaration} cg:hasStatement ?s }}" if declaration is not None else ""
    return (f"SELECT DISTINCT ?s WHERE {{ {{ {p} BIND(?part AS ?s) }} UNION {{ {p} ?part cg:hasMaterial ?s }} "
            f"UNION {{ {p} ?part cg:hasMaterial/cg:contains ?s }} UNION {{ {p} ?s cg:parent ?part }}{statements} }}")


def _moves(graph: str, parts: str, declarer: str, moves: tuple[tuple[str, str], ...]) -> list[str]:
    """For each (triples, pattern): copy the matching triples into `graph`, then delete them."""
    ops = []
    for what, where in moves:
        pattern = f"{parts} {where.format(declarer=declarer)}".strip()
        ops.append(f"INSERT {{ GRAPH {graph} {{ {what} }} }} WHERE {{ {pattern} }}")
        ops.append(f"DELETE {{ {what} }} WHERE {{ {pattern} }}")
    return ops


def _local(declaration: NamedNode) -> str:
    return declaration.value.rsplit("/", 1)[-1]
