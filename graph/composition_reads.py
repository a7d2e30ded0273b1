"""Where-used reads answered by the composition read model (graph/read_model.py) instead of SPARQL.

Each function takes a read transaction on the model (`Store.composition_model()`) and answers what the
SPARQL of its caller answers (graph/impact.py, graph/status.py), row for row: the same triple patterns, as
joins on the `facts` table. A join variable may be an IRI or a blank node (kind '' or '_'), as in SPARQL.
Where a node has several values of what is shown once (two masses, two names), the callers pick by one rule
on both paths (graph/impact.py `_pick`), never by the order rows come in. Names (identifiers, labels) are
kept only for the company's own resources; a node of another namespace comes back without them and its
caller asks the store for those few.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator

from complygraph.graph.read_model import P, iri, short

_OCCURRENCES = f"""
    SELECT s.o, s.s, ppm.o, mg.o, c.s, h.s FROM json_each(?) w
      CROSS JOIN facts s ON s.p = {P['substance']} AND s.o = w.value AND s.t IN ('', '_')
      CROSS JOIN facts ppm ON ppm.p = {P['concentrationPpm']} AND ppm.s = s.s
      CROSS JOIN facts mg ON mg.p = {P['massMg']} AND mg.s = s.s
      CROSS JOIN facts c ON c.p = {P['contains']} AND c.o = s.s AND c.t IN ('', '_')
      CROSS JOIN facts h ON h.p = {P['hasMaterial']} AND h.o = c.s AND h.t IN ('', '_')"""
_BATCH = 50_000
# Every join is a CROSS JOIN, which SQLite never reorders: the wanted values (json_each) come first and each
# step is an index search; left to its planner, without statistics, SQLite scanned a whole predicate per value
# (a 100k-part store's impact did not finish in 10 minutes).


def _chunks(values: list[str]) -> Iterator[str]:
    for i in range(0, len(values), _BATCH):
        yield json.dumps([short(v) for v in values[i:i + _BATCH]])


def occurrences(con: sqlite3.Connection, substances: Iterable[str]) -> list[tuple[str, str, str, str, str, str]]:
    """(substance, occurrence, ppm, mg, material, part) for every occurrence of the substances (IRIs): the
    pattern `?occ cg:substance ?substance ; cg:concentrationPpm ?ppm ; cg:massMg ?mg . ?material cg:contains
    ?occ . ?part cg:hasMaterial ?material`; ppm and mg as their lexical forms."""
    out = []
    for chunk in _chunks(list(dict.fromkeys(substances))):
        rows = con.execute(_OCCURRENCES, (chunk,))
        out += [(iri(s), iri(o), ppm, mg, iri(m), iri(p)) for s, o, ppm, mg, m, p in rows]
    return out


def parts_containing(con: sqlite3.Connection, substances: Iterable[str]) -> dict[str, set[str]]:
    """Substance -> the parts with a material that contains it (no concentration needed)."""
    found: dict[str, set[str]] = {}
    sql = f"""SELECT DISTINCT s.o, h.s FROM json_each(?) w
                CROSS JOIN facts s ON s.p = {P['substance']} AND s.o = w.value AND s.t IN ('', '_')
                CROSS JOIN facts c ON c.p = {P['contains']} AND c.o = s.s AND c.t IN ('', '_')
                CROSS JOIN facts h ON h.p = {P['hasMaterial']} AND h.o = c.s AND h.t IN ('', '_')"""
    for chunk in _chunks(list(dict.fromkeys(substances))):
        for s, p in con.execute(sql, (chunk,)):
            found.setdefault(iri(s), set()).add(iri(p))
    return found


def parts_supplied_by(con: sqlite3.Connection, suppliers: Iterable[str]) -> dict[str, set[str]]:
    """Supplier -> its parts (`?part cg:suppliedBy ?supplier`)."""
    found: dict[str, set[str]] = {}
    sql = f"""SELECT f.o, f.s FROM json_each(?) w CROSS JOIN facts f ON f.p = {P['suppliedBy']} AND f.o = w.value
              AND f.t IN ('', '_')"""
    for chunk in _chunks(list(dict.fromkeys(suppliers))):
        for s, p in con.execute(sql, (chunk,)):
            found.setdefault(iri(s), set()).add(iri(p))
    return found


def _values(con: sqlite3.Connection, nodes: list[str], *predicates: int) -> dict[int, dict[str, list[str]]]:
    """predicate -> node -> the lexical values (or IRIs) of the kept predicates, sorted: one pass over the nodes
    (each (predicate, node) a key search), the nodes' IRIs found again by their stored form, not decoded."""
    out: dict[int, dict[str, list[str]]] = {p: {} for p in predicates}
    known = {short(n): n for n in nodes}
    sql = (f"SELECT f.p, f.s, f.o, f.t FROM json_each(?) w CROSS JOIN facts f "
           f"ON f.p IN ({','.join(map(str, predicates))}) AND f.s = w.value")
    for chunk in _chunks(nodes):
        for p, s, o, t in con.execute(sql, (chunk,)):
            out[p].setdefault(known[s], []).append(iri(o) if t == "" else o)
    for by_node in out.values():
        for v in by_node.values():
            v.sort()
    return out


def labels(con: sqlite3.Connection, nodes: list[str]) -> dict[str, tuple[str, str]]:
    """node -> (identifier, label or ""), for the nodes that have an identifier kept (the first in order)."""
    found = _values(con, nodes, P["identifier"], P["label"])
    ids, names = found[P["identifier"]], found[P["label"]]
    return {n: (ids[n][0], names.get(n, [""])[0]) for n in nodes if n in ids}


def part_facts(con: sqlite3.Connection, parts: list[str]) -> dict[str, dict[str, list[str]]]:
    """part -> its "ids", "names", "masses" (lexical) and "suppliers" (nodes): the parts with an identifier kept."""
    found = _values(con, parts, P["identifier"], P["label"], P["massMg"], P["suppliedBy"])
    ids, names, masses, suppliers = (found[P[k]] for k in ("identifier", "label", "massMg", "suppliedBy"))
    return {p: {"ids": ids[p], "names": names.get(p, []), "masses": masses.get(p, []),
                "suppliers": suppliers.get(p, [])} for p in parts if p in ids}


def products(con: sqlite3.Connection) -> list[str]:
    """Every node typed cg:Product."""
    return [iri(s) for (s,) in con.execute(f"SELECT s FROM facts WHERE p = {P['product']}")]


def parents(con: sqlite3.Connection, children: list[str]) -> list[tuple[str, str]]:
    """(child, parent) of every BOM line below one of the parents (`?u cg:child ?child ; cg:parent ?parent`)."""
    out = []
    sql = f"""SELECT c.o, p.o FROM json_each(?) w
                CROSS JOIN facts c ON c.p = {P['child']} AND c.o = w.value AND c.t IN ('', '_')
                CROSS JOIN facts p ON p.p = {P['parent']} AND p.s = c.s AND p.t IN ('', '_')"""
    for chunk in _chunks(children):
        out += [(iri(c), iri(p)) for c, p in con.execute(sql, (chunk,))]
    return out


def revision(con: sqlite3.Connection) -> str | None:
    """The store revision the model reflects (in this read transaction)."""
    row = con.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()
    return row[0] if row else None


def bom_lines(con: sqlite3.Connection) -> list[tuple[str, str, str | None]]:
    """(parent, child, quantity or None) of every BOM line: `?u cg:parent ?parent ; cg:child ?child .
    OPTIONAL { ?u cg:quantity ?q }`."""
    sql = f"""SELECT p.o, c.o, q.o FROM facts c
                CROSS JOIN facts p ON p.p = {P['parent']} AND p.s = c.s AND p.t IN ('', '_')
                LEFT JOIN facts q ON q.p = {P['quantity']} AND q.s = c.s
              WHERE c.p = {P['child']} AND c.t IN ('', '_')"""
    return [(iri(p), iri(c), q) for p, c, q in con.execute(sql)]


def product_names(con: sqlite3.Connection) -> dict[str, tuple[str, str] | None]:
    """Every product with (identifier, label or ""); None for a product whose names the model does not keep (not
    a company IRI) or that has no identifier kept."""
    nodes = products(con)
    named = labels(con, nodes)
    return {n: named.get(n) for n in nodes}
