"""A part's tree as `part(id)` shows it (api/dataloaders.py `part_trees`: the part, its supplier, its materials
and their substance occurrences), read from the composition read model (graph/read_model.py) instead of the store.

Why: at 10^6 parts a random part's rows lie in RocksDB table blocks that pyoxigraph's own block cache (32 MB,
not configurable) does not hold, so each lookup reads and decompresses a block: the queries of one tree took
3.07 ms of a request's 5.7 ms of server time (benchmarks/RESULTS.md). The same facts in the model's SQLite
B-tree pages, which the page cache holds as they are, take about 0.15 ms.

Each function answers what the SPARQL of api/dataloaders.py answers, row for row, for the keys it can answer
exactly; the others come back in `ask`, for the caller to ask the store: a node outside the company's
namespaces (the model keeps names only for those), a blank node, several values where the SPARQL answer would
be one row picked by the order rows come in (two identifiers, labels, masses or suppliers), identifiers that are
not plain strings or repeat (ORDER BY ?id would order them otherwise, or not at all). The order of a material's
occurrences is not defined by the SPARQL either: both paths give them in `occurrence_order`. The exemption a use
claims is kept as a node; its identifier (list data) is asked of the store by `exemption_ids`.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable
from itertools import product

from complygraph.graph.model_codes import COMPOSITION, ENTITIES, NAMED, PART_TYPE, SUPPLIER_TYPE
from complygraph.graph.read_model import iri, short
from complygraph.vocab import cg, dct, rdfs

_ID, _LABEL = NAMED[dct.identifier], NAMED[rdfs.label]
_MASS, _SUPPLIER, _MATERIAL = COMPOSITION[cg.massMg], COMPOSITION[cg.suppliedBy], COMPOSITION[cg.hasMaterial]
_CONTAINS, _SUBSTANCE, _PPM = COMPOSITION[cg.contains], COMPOSITION[cg.substance], COMPOSITION[cg.concentrationPpm]
_INTENT, _CLAIM = COMPOSITION[cg.intentionallyAdded], COMPOSITION[cg.claimedExemption]
_NODE = ("", "_")  # the kinds of an IRI and a blank node (read_model.encode)

Facts = dict[tuple[str, int], list[tuple[str, str]]]


def _facts(con: sqlite3.Connection, codes: Iterable[int], subjects: Iterable[str]) -> Facts:
    """(subject, code) -> [(object, kind)] for the subjects as the model writes them (read_model.short)."""
    out: Facts = defaultdict(list)
    wanted = list(dict.fromkeys(subjects))
    if not wanted:
        return out
    # CROSS JOIN keeps the order: each wanted subject, then one index search per code
    sql = (f"SELECT f.s, f.p, f.o, f.t FROM json_each(?) w CROSS JOIN facts f "
           f"ON f.p IN ({','.join(map(str, codes))}) AND f.s = w.value")
    for s, p, o, t in con.execute(sql, (json.dumps(wanted),)):
        out[s, p].append((o, t))
    return out


def _value(o: str, t: str) -> str:
    """What SPARQL gives as a term's value: an IRI whole, a blank node's id, a literal's lexical form."""
    return iri(o) if t == "" else o


def _named(key: str) -> bool:
    return key.startswith(ENTITIES)


def parts(con: sqlite3.Connection, keys: list[str]) -> tuple[dict[str, dict | None], list[str]]:
    """Each part as api/dataloaders.PARTS gives it (None: not a part with an identifier), and the keys to ask
    the store."""
    return _typed(con, keys, PART_TYPE, "part", (("name", _LABEL), ("mass", _MASS), ("supplier", _SUPPLIER)))


def suppliers(con: sqlite3.Connection, keys: list[str]) -> tuple[dict[str, dict | None], list[str]]:
    """Each supplier as api/dataloaders.SUPPLIERS gives it, and the keys to ask the store."""
    return _typed(con, keys, SUPPLIER_TYPE, "supplier", (("name", _LABEL),))


def _typed(con: sqlite3.Connection, keys: list[str], kind: int, var: str,
           fields: tuple[tuple[str, int], ...]) -> tuple[dict[str, dict | None], list[str]]:
    """`?var a <kind> ; dct:identifier ?id` and an OPTIONAL per field, one row per key."""
    codes = (_ID, *(code for _, code in fields))
    facts = _facts(con, (kind, *codes), (short(k) for k in keys))
    found: dict[str, dict | None] = {}
    ask: list[str] = []
    for key in keys:
        s = short(key)
        if not _named(key) or any(len(facts.get((s, c), ())) > 1 for c in codes):
            ask.append(key)
            continue
        if (s, kind) not in facts or (s, _ID) not in facts:
            found[key] = None
            continue
        row = {var: key, "id": _value(*facts[s, _ID][0])}
        for name, code in fields:
            if (s, code) in facts:
                row[name] = _value(*facts[s, code][0])
        found[key] = row
    return found, ask


def materials(con: sqlite3.Connection, keys: list[str]) -> tuple[dict[str, list[dict]], list[str]]:
    """Each part's materials as api/dataloaders.MATERIALS gives them (ordered by identifier), and the parts to
    ask the store."""
    held = _facts(con, (_MATERIAL,), (short(k) for k in keys))
    below = [o for k in keys for o, t in held.get((short(k), _MATERIAL), ()) if t == ""]
    facts = _facts(con, (_ID, _LABEL, _MASS), below)
    found: dict[str, list[dict]] = {}
    ask: list[str] = []
    for key in keys:
        rows, exact = [], True
        for o, t in held.get((short(key), _MATERIAL), ()):
            if t not in _NODE:
                continue  # a literal has no identifier: no row
            material = _value(o, t)
            if t == "_" or not _named(material):
                exact = False
                break
            ids = facts.get((o, _ID), [])
            if not ids:
                continue  # no identifier: no row
            if len(ids) > 1 or ids[0][1] != "xsd:string" or any(len(facts.get((o, c), ())) > 1
                                                                 for c in (_LABEL, _MASS)):
                exact = False
                break
            row = {"part": key, "material": material, "id": ids[0][0]}
            for name, code in (("name", _LABEL), ("mass", _MASS)):
                if (o, code) in facts:
                    row[name] = _value(*facts[o, code][0])
            rows.append(row)
        if exact and len({r["id"] for r in rows}) < len(rows):
            exact = False  # equal identifiers: SPARQL leaves their order open
        if exact:
            found[key] = sorted(rows, key=lambda r: r["id"])
        else:
            ask.append(key)
    return found, ask


def occurrences(con: sqlite3.Connection, keys: list[str],
                exemption_ids: Callable[[list[str]], dict[str, list[str]]]) -> tuple[dict[str, list[dict]], list[str]]:
    """Each material's substance occurrences as api/dataloaders.OCCURRENCES gives them (one row per combination
    of their values, as OPTIONALs join), and the materials to ask the store. `exemption_ids` maps exemption IRIs
    to their identifiers (cg:exemptionId) as the store has them."""
    ask = [k for k in keys if ":" not in k]  # a blank node's id (IRIs are absolute): as the store path does
    keys = [k for k in keys if ":" in k]
    held = _facts(con, (_CONTAINS,), (short(k) for k in keys))
    below = [o for k in keys for o, t in held.get((short(k), _CONTAINS), ()) if t in _NODE]
    facts = _facts(con, (_SUBSTANCE, _PPM, _MASS, _INTENT, _CLAIM), below)
    claimed = sorted({iri(o) for (_, p), values in facts.items() if p == _CLAIM for o, t in values if t == ""})
    ids = exemption_ids(claimed) if claimed else {}
    found: dict[str, list[dict]] = {}
    for key in keys:
        contained = [(o, t) for o, t in held.get((short(key), _CONTAINS), ()) if t in _NODE]
        if any(t != "" for o, t in _facts_of(facts, contained, _CLAIM)):
            ask.append(key)  # a blank node or literal claimed: its identifier is asked by the path in SPARQL
            continue
        rows = []
        for o, t in contained:
            substances = facts.get((o, _SUBSTANCE), [])
            exemptions = [i for e, _ in facts.get((o, _CLAIM), ()) for i in ids.get(iri(e), ())]
            for sub, ppm, mg, intent, exemption in product(
                    substances, _or_none(facts, o, _PPM), _or_none(facts, o, _MASS), _or_none(facts, o, _INTENT),
                    exemptions or [None]):
                row = {"material": key, "occ": _value(o, t), "substance": _value(*sub)}
                for name, value in (("ppm", ppm), ("mg", mg), ("intentional", intent)):
                    if value is not None:
                        row[name] = _value(*value)
                if exemption is not None:
                    row["exemption"] = exemption
                rows.append(row)
        found[key] = sorted(rows, key=occurrence_order)
    return found, ask


_ROW = ("occ", "substance", "ppm", "mg", "intentional", "exemption")


def occurrence_order(row: dict) -> tuple[str, ...]:
    """A material's occurrence rows by occurrence, then by their values: one order on both paths."""
    return tuple(row.get(k, "") for k in _ROW)


def _facts_of(facts: Facts, subjects: Iterable[tuple[str, str]], code: int) -> Iterable[tuple[str, str]]:
    for o, _ in subjects:
        yield from facts.get((o, code), ())


def _or_none(facts: Facts, subject: str, code: int) -> list:
    return facts.get((subject, code)) or [None]
