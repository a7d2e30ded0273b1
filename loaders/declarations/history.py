"""A newer declaration of an item supersedes the stored one: what the old one declared (the parts' masses,
names and versions, their materials and substance occurrences, its category statements, and the BOM lines the
newer declaration replaces, `_lines`) moves to a history graph `urn:complygraph:history:<declaration>`, and the old
declaration is marked invalidated and superseded. A part first declared by a compositions import has its
composition moved the same way, to `urn:complygraph:history:<new declaration>-before`.

The update runs in the same transaction as the new declaration's triples, so a reader sees the old
composition or the new one, never both or neither.
"""

from __future__ import annotations

import datetime as dt

from pyoxigraph import Literal, NamedNode

from complygraph.graph.store import Row, Store

HISTORY = "urn:complygraph:history:"

# What a declaration's composition is made of, each as (the triples that move, where they are found);
# `?part` is each part the declaration declares, `{declarer}` the declaration.
_COMPOSITION = (
    ("?occ ?p ?o", "?part cg:hasMaterial ?m . ?m cg:contains ?occ . ?occ ?p ?o"),
    ("?part cg:hasMaterial ?m . ?m ?p ?o", "?part cg:hasMaterial ?m . ?m ?p ?o"),
    ("?part ?p ?o", "?part ?p ?o FILTER(?p IN (cg:massMg, rdfs:label, cg:itemVersion))"),
)
# The BOM lines below a part the declaration declares that the newer declaration replaces (`_lines`): those to the
# old declaration's own sub-products, and those to a part the new declaration declares as a sub-product of the
# same parent, by its item number (QA10 B05: a compositions import's line SUB1 -> C1 stayed beside the newer
# declaration's SUB1 -> SUB1/C1, and impact listed the connector twice). Every other line stays: a declaration
# speaks for what its supplier declares, and a line of the customer's own BOM to a part it does not declare (a
# consigned connector of another supplier mounted on the assembly) is not taken out of the product by it (QA12
# B06: the product lost a part with 0.5 % lead and went from non-compliant to unknown).
_LINE = "?u cg:parent ?part ; cg:child ?c"
_STATEMENTS = ("?st ?p ?o", "{declarer} cg:hasStatement ?st . ?st ?p ?o")

SubProducts = list[tuple[NamedNode, str]]  # (parent part, item number of a sub-product the new declaration gives it)


def in_force(store: Store, part: NamedNode) -> list[Row]:
    """The declarations of `part` not yet superseded: `d`, its `date`, its date-time `issued` when its file gave
    one and, for a declaration read from a file, the file's digest `sha` ("sha256:...") and name `title`."""
    return store.select("""
        SELECT ?d ?date ?issued ?sha ?title WHERE {
          ?d cg:declares ?part ; a cg:Declaration ; dct:date ?date .
          FILTER NOT EXISTS { ?d prov:invalidatedAtTime ?gone }
          OPTIONAL { ?d dct:issued ?issued }
          OPTIONAL { ?d prov:wasDerivedFrom ?src . ?src dct:identifier ?sha . OPTIONAL { ?src dct:title ?title } }
        }""", {"part": part})


def supersede(old: NamedNode, new: NamedNode, sub_products: SubProducts | None = None) -> str:
    """The update that moves what declaration `old` declared to its history graph and marks it as
    superseded by `new`, whose sub-products are `sub_products`."""
    graph = f"<{HISTORY}{_local(old)}>"
    ops = _moves(graph, f"{old} cg:declares ?part .", str(old), _COMPOSITION + _lines(old, sub_products))
    ops += _moves(graph, "", str(old), (_STATEMENTS,))
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    ops.append(f'INSERT DATA {{ {old} prov:invalidatedAtTime "{now}"^^xsd:dateTime ; cg:supersededBy {new} ; '
               f"cg:historyGraph {graph} }}")
    return " ;\n".join(ops)


def supersede_composition(part: NamedNode, new: NamedNode, sub_products: SubProducts | None = None) -> str:
    """The update that moves the composition `part` has from a compositions import to the history graph
    of declaration `new`, which replaces it (and whose sub-products are `sub_products`)."""
    return " ;\n".join(_moves(f"<{HISTORY}{_local(new)}-before>", f"BIND({part} AS ?part)", str(part),
                              _COMPOSITION + _lines(None, sub_products)))


def _lines(old: NamedNode | None, sub_products: SubProducts | None) -> tuple[tuple[str, str], ...]:
    """The (triples that move, where) of the BOM lines the new declaration replaces: to a part declaration `old`
    declares, or to a part with the item number (else the id) of one of the new declaration's `sub_products` of the
    same parent; none when neither can be."""
    ways = [f"{{ {_LINE} . {old} cg:declares ?c }}"] if old is not None else []
    if sub_products:
        rows = " ".join(f"({parent} {Literal(number)})" for parent, number in sub_products)
        # not a part of another supplier that has the same number (a reference designator such as "C1": a review
        # of 2026-12-07 saw another supplier's leaded connector leave the product)
        ways.append(f"{{ VALUES (?part ?n) {{ {rows} }} {_LINE} . ?c cg:itemNumber|dct:identifier ?n "
                    "FILTER NOT EXISTS { ?c cg:suppliedBy ?maker . ?part cg:suppliedBy ?declarer "
                    "FILTER(?maker != ?declarer) } }")
    # braces doubled: `_moves` formats each pattern with the declarer
    where = f"{{ {' UNION '.join(ways)} }} ?u ?p ?o".replace("{", "{{").replace("}", "}}")
    return (("?u ?p ?o", where),) if ways else ()


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
