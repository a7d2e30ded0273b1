"""Where-used reads answered by the composition read model (graph/read_model.py) instead of SPARQL.

Each function takes a read transaction on the model (`Store.composition_model()`) and answers what the
SPARQL of its caller answers (graph/impact.py, graph/status.py), row for row: the same triple patterns, as
joins on the `facts` table. A join variable may be an IRI or a blank node (kind '' or '_'), as in SPARQL.
Where a node has several values of what is shown once (two masses, two names), the callers pick by one rule
on both paths (graph/impact_names.py `pick`), never by the order rows come in. Names (identifiers, labels) are
kept only for the company's own resources; a node of another namespace comes back without them and its
caller asks the store for those few.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator

import complygraph.graph.impact_rows as impact_rows
from complygraph.graph.model_codes import P
from complygraph.graph.read_model import iri
from complygraph.vocab import ID

_ID = "'" + ID.replace("'", "''") + "'"


_iri = impact_rows._iri  # SQL for read_model.iri(column): a 10^5-row answer's IRIs are made in SQLite, not in Python


# read_model.short of a wanted IRI (json_each's value), in SQL
_WANTED = (f"(CASE WHEN substr(w.value, 1, {len(ID)}) = {_ID} THEN '~' || substr(w.value, {len(ID) + 1}) "
           "ELSE w.value END)")

_OCCURRENCES = f"""
    SELECT w.value, {_iri('s.s')}, ppm.o, mg.o, {_iri('c.s')}, {_iri('h.s')} FROM json_each(?) w
      CROSS JOIN facts s ON s.p = {P['substance']} AND s.o = {_WANTED} AND s.t IN ('', '_')
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
        yield json.dumps(values[i:i + _BATCH])


def occurrences(con: sqlite3.Connection, substances: Iterable[str]) -> list[tuple[str, str, str, str, str, str]]:
    """(substance, occurrence, ppm, mg, material, part) for every occurrence of the substances (IRIs): the
    pattern `?occ cg:substance ?substance ; cg:concentrationPpm ?ppm ; cg:massMg ?mg . ?material cg:contains
    ?occ . ?part cg:hasMaterial ?material`; ppm and mg as their lexical forms."""
    out = []
    for chunk in _chunks(list(dict.fromkeys(substances))):
        out += con.execute(_OCCURRENCES, (chunk,)).fetchall()
    return out


def parts_containing(con: sqlite3.Connection, substances: Iterable[str]) -> dict[str, set[str]]:
    """Substance -> the parts with a material that contains it (no concentration needed)."""
    found: dict[str, set[str]] = {}
    sql = f"""SELECT DISTINCT w.value, {_iri('h.s')} FROM json_each(?) w
                CROSS JOIN facts s ON s.p = {P['substance']} AND s.o = {_WANTED} AND s.t IN ('', '_')
                CROSS JOIN facts c ON c.p = {P['contains']} AND c.o = s.s AND c.t IN ('', '_')
                CROSS JOIN facts h ON h.p = {P['hasMaterial']} AND h.o = c.s AND h.t IN ('', '_')"""
    for chunk in _chunks(list(dict.fromkeys(substances))):
        for s, p in con.execute(sql, (chunk,)):
            found.setdefault(s, set()).add(p)
    return found


def parts_supplied_by(con: sqlite3.Connection, suppliers: Iterable[str]) -> dict[str, set[str]]:
    """Supplier -> its parts (`?part cg:suppliedBy ?supplier`)."""
    found: dict[str, set[str]] = {}
    sql = f"""SELECT w.value, {_iri('f.s')} FROM json_each(?) w CROSS JOIN facts f ON f.p = {P['suppliedBy']}
              AND f.o = {_WANTED} AND f.t IN ('', '_')"""
    for chunk in _chunks(list(dict.fromkeys(suppliers))):
        for s, p in con.execute(sql, (chunk,)):
            found.setdefault(s, set()).add(p)
    return found


def _values(con: sqlite3.Connection, nodes: list[str], *predicates: int) -> dict[int, dict[str, list[str]]]:
    """predicate -> node -> the lexical values (or IRIs) of the kept predicates, sorted: one pass over the nodes
    (each (predicate, node) a key search), the nodes' IRIs found again by their stored form, not decoded."""
    out: dict[int, dict[str, list[str]]] = {p: {} for p in predicates}
    sql = (f"SELECT f.p, w.value, CASE WHEN f.t = '' THEN {_iri('f.o')} ELSE f.o END FROM json_each(?) w "
           f"CROSS JOIN facts f ON f.p IN ({','.join(map(str, predicates))}) AND f.s = {_WANTED}")
    for chunk in _chunks(nodes):
        for p, s, o in con.execute(sql, (chunk,)):
            out[p].setdefault(s, []).append(o)
    for by_node in out.values():
        for v in by_node.values():
            v.sort()
    return out


def labels(con: sqlite3.Connection, nodes: list[str]) -> dict[str, tuple[str, str]]:
    """node -> (identifier, label or ""), for the nodes that have an identifier kept (the first in order)."""
    found = _values(con, nodes, P["identifier"], P["label"])
    ids, names = found[P["identifier"]], found[P["label"]]
    return {n: (ids[n][0], names.get(n, [""])[0]) for n in nodes if n in ids}


def _node_values(predicate: str, column: str = "o") -> str:
    """SQL: the values of one predicate of the node w.k as a JSON array (exact whatever the text holds)."""
    return f"(SELECT json_group_array({column}) FROM facts f WHERE f.p = {P[predicate]} AND f.s = w.k)"


def part_facts(con: sqlite3.Connection, parts: list[str]) -> dict[str, dict[str, list[str]]]:
    """part -> its "ids", "names", "masses" (lexical) and "suppliers" (nodes): the parts with an identifier kept.
    One row per part (Python made dicts of the 234k facts of the 58,529 parts a change reaches at 10^6 parts,
    1.5 s): the smallest id and name come from SQLite (its text order is Python's: UTF-8 bytes in code point
    order), the masses and suppliers all, for `impact_names.pick` to choose by its rule."""
    out: dict[str, dict[str, list[str]]] = {}
    sql = f"""SELECT w.value,
                     (SELECT MIN(o) FROM facts f WHERE f.p = {P['identifier']} AND f.s = w.k),
                     (SELECT MIN(o) FROM facts f WHERE f.p = {P['label']} AND f.s = w.k),
                     {_node_values('massMg')},
                     {_node_values('suppliedBy', "CASE WHEN f.t = '' THEN " + _iri('f.o') + " ELSE f.o END")}
              FROM (SELECT value, {_WANTED} AS k FROM json_each(?) w) w"""
    for chunk in _chunks(parts):
        for part, ident, name, masses, suppliers in con.execute(sql, (chunk,)):
            if ident is not None:
                out[part] = {"ids": [ident], "names": [] if name is None else [name],
                             "masses": _array(masses), "suppliers": _array(suppliers)}
    return out


def _array(text: str) -> list[str]:
    """A json_group_array of strings: most hold one plain value, read without the JSON decoder (0.5 s for the
    117k arrays of 58,529 parts)."""
    if text == "[]":
        return []
    if "\\" not in text and '","' not in text:
        return [text[2:-2]]
    return json.loads(text)


def products(con: sqlite3.Connection) -> list[str]:
    """Every node typed cg:Product."""
    return [iri(s) for (s,) in con.execute(f"SELECT s FROM facts WHERE p = {P['product']}")]


def products_above(con: sqlite3.Connection, nodes: list[str]) -> list[tuple[str, str]]:
    """(node, product) for every product above each node through any number of BOM lines (`?u cg:child ?child ;
    cg:parent ?parent`, followed upward; a product inside another product reaches both), a node never above
    itself: one recursive query instead of a round trip and Python walk per BOM level (58,529 parts at 10^6
    parts). UNION keeps each (node, reached) once, so a BOM cycle ends."""
    out = []
    sql = f"""WITH RECURSIVE up(start, k, node) AS (
                SELECT w.value, {_WANTED}, {_WANTED} FROM json_each(?) w
                UNION
                SELECT up.start, up.k, p.o FROM up
                  CROSS JOIN facts c ON c.p = {P['child']} AND c.o = up.node AND c.t IN ('', '_')
                  CROSS JOIN facts p ON p.p = {P['parent']} AND p.s = c.s AND p.t IN ('', '_'))
              SELECT up.start, {_iri('up.node')} FROM up
                CROSS JOIN facts t ON t.p = {P['product']} AND t.s = up.node
              WHERE up.node != up.k"""
    for chunk in _chunks(nodes):
        out += con.execute(sql, (chunk,)).fetchall()
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


def rows_fresh(con: sqlite3.Connection) -> bool:
    """Whether the where-used rows (graph/impact_rows.py) answer at this read's revision."""
    return impact_rows.fresh(con)


_OCC_ROWS = f"""
    SELECT w.value, o.occ, o.ppm, o.mg, o.material, o.part, o.mid, o.mname
    FROM json_each(?) w CROSS JOIN occ_rows o ON o.substance = {_WANTED}"""
_PART_ROWS = """
    SELECT r.part, r.ident, r.name, r.masses, r.suppliers, r.products
    FROM json_each(?) w CROSS JOIN part_rows r ON r.part = w.value"""


def occurrence_rows(con: sqlite3.Connection, substances: Iterable[str]) -> tuple[list[tuple], dict[str, tuple]]:
    """What `occurrences` answers, from the where-used rows, each with its material's identifier and label where
    the model keeps them (else None): (substance, occurrence, ppm, mg, material, part, material id, material
    name), the occurrence, material and part in their stored form (`read_model.iri` makes the IRI); and the row
    of each of those parts by its stored form: (stored form, identifier, label, masses, suppliers, products).
    The part's identifier and label are the smallest (None where the model keeps none), its masses (lexical)
    and suppliers (stored IRIs, `read_model.iri`) JSON arrays (read with `array`), the products above IRIs
    joined by `impact_rows.SEPARATOR`. Every part an occurrence row names has a part row (both are made for the
    nodes with a material). The parts are asked in key order: with the file not in the page cache, reading the
    58,518 part rows a change reaches at 10^6 parts in key order took 0.38 s, in the occurrences' order (one join)
    0.52-0.57 s."""
    rows: list[tuple] = []
    for chunk in _chunks(list(dict.fromkeys(substances))):
        rows += con.execute(_OCC_ROWS, (chunk,)).fetchall()
    parts: dict[str, tuple] = {}
    for chunk in _chunks(sorted({r[5] for r in rows})):
        parts.update((r[0], r) for r in con.execute(_PART_ROWS, (chunk,)))
    return rows, parts


array = _array
