"""Where-used rows made for one read: each occurrence with its part and material, each part with its names,
masses, suppliers and the products above it, kept in the read model's SQLite file beside its `facts`.

An impact at 10^6 parts reaches ~58k occurrences; from `facts` (one row per triple, text keys, 33M rows) that
is about a million index searches: 7-8 s warm, the products through the BOM alone 2.4-3 s (issue 14, item 3).
Here the same answer is three range reads: `occ_rows` clustered by substance, `part_rows` and `part_products`
by part.

The rows are derived from `facts` only, never from the store, by the same joins the composition reads use
(graph/composition_reads.py), so they can be checked against `facts` (`differences`). They are kept per
part: a write's changed subjects (`changed`: every subject whose kept facts it added or deleted, and the BOM
children those had before) make dirty the parts they reach: a changed part, the parts of a changed material,
occurrence or supplier, and everything below a changed BOM line or product in the BOM (the products above
them changed). Only those parts' rows are made again, inside the model's own transaction of the write, so
they are as fresh as `facts`. The rows reflect the revision stamped under `derived` in `meta`; a reader uses
them only when that stamp is the model's revision (otherwise the reads of graph/composition_reads.py answer,
and the store's next reader that finds the write lock free derives them all again, `derive_all`: at 10^6
parts that read holds the lock for 2-3 minutes, once, after an upgrade of their layout).
"""

from __future__ import annotations

import sqlite3

from complygraph.graph.model_codes import P
from complygraph.vocab import ID

SCHEMA = """
CREATE TABLE IF NOT EXISTS occ_rows (substance TEXT NOT NULL, part TEXT NOT NULL, material TEXT NOT NULL,
    occ TEXT NOT NULL, ppm TEXT NOT NULL, mg TEXT NOT NULL, mid TEXT, mname TEXT,
    PRIMARY KEY (substance, part, material, occ, ppm, mg)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS occ_rows_by_part ON occ_rows (part);
CREATE TABLE IF NOT EXISTS part_rows (part TEXT PRIMARY KEY, ident TEXT, name TEXT, masses TEXT NOT NULL,
    suppliers TEXT NOT NULL, products TEXT NOT NULL DEFAULT '') WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS part_products (part TEXT NOT NULL, product TEXT NOT NULL,
    PRIMARY KEY (part, product)) WITHOUT ROWID;
"""
TABLES = ("occ_rows", "part_rows", "part_products")
_IRI_OR_BLANK = "IN ('', '_')"


SEPARATOR = "\x1f"  # between the product IRIs of a row (no IRI holds a control character)
_ID = "'" + ID.replace("'", "''") + "'"


def _iri(column: str) -> str:
    """SQL for read_model.iri(column)."""
    return f"(CASE WHEN substr({column}, 1, 1) = '~' THEN {_ID} || substr({column}, 2) ELSE {column} END)"


def _min(predicate: str, node: str) -> str:
    return f"(SELECT MIN(o) FROM facts f WHERE f.p = {P[predicate]} AND f.s = {node})"


def _all(predicate: str, node: str) -> str:
    """The values of one predicate of a node as a JSON array in text order (exact whatever the text holds)."""
    return (f"(SELECT json_group_array(o) FROM (SELECT o FROM facts f WHERE f.p = {P[predicate]} AND f.s = {node} "
            "ORDER BY o))")


# the rows of the parts in temp.dirty, as composition_reads' joins find them
_OCC = f"""
INSERT OR IGNORE INTO occ_rows
SELECT s.o, h.s, h.o, c.o, ppm.o, mg.o, {_min('identifier', 'h.o')}, {_min('label', 'h.o')}
FROM temp.dirty d
  CROSS JOIN facts h ON h.p = {P['hasMaterial']} AND h.s = d.n AND h.t {_IRI_OR_BLANK}
  CROSS JOIN facts c ON c.p = {P['contains']} AND c.s = h.o AND c.t {_IRI_OR_BLANK}
  CROSS JOIN facts s ON s.p = {P['substance']} AND s.s = c.o AND s.t {_IRI_OR_BLANK}
  CROSS JOIN facts ppm ON ppm.p = {P['concentrationPpm']} AND ppm.s = c.o
  CROSS JOIN facts mg ON mg.p = {P['massMg']} AND mg.s = c.o
ORDER BY 1, 2, 3, 4, 5, 6"""
_PART = f"""
INSERT OR REPLACE INTO part_rows (part, ident, name, masses, suppliers)
SELECT d.n, {_min('identifier', 'd.n')}, {_min('label', 'd.n')}, {_all('massMg', 'd.n')},
       {_all('suppliedBy', 'd.n')}
FROM temp.dirty d WHERE EXISTS (SELECT 1 FROM facts h WHERE h.p = {P['hasMaterial']} AND h.s = d.n)"""
_PRODUCTS = f"""
INSERT OR IGNORE INTO part_products
WITH RECURSIVE up(start, node) AS (
    SELECT d.n, d.n FROM temp.dirty d
      WHERE EXISTS (SELECT 1 FROM facts h WHERE h.p = {P['hasMaterial']} AND h.s = d.n)
    UNION
    SELECT up.start, p.o FROM up
      CROSS JOIN facts c ON c.p = {P['child']} AND c.o = up.node AND c.t {_IRI_OR_BLANK}
      CROSS JOIN facts p ON p.p = {P['parent']} AND p.s = c.s AND p.t {_IRI_OR_BLANK})
SELECT up.start, up.node FROM up CROSS JOIN facts t ON t.p = {P['product']} AND t.s = up.node
WHERE up.node != up.start ORDER BY 1, 2"""
# each part's products as one JSON array in its row: the parts of an impact share a few hundred distinct sets
_PRODUCT_SETS = f"""
UPDATE part_rows SET products = coalesce((SELECT group_concat(product, char(31)) FROM (
    SELECT {_iri('product')} AS product FROM part_products pp WHERE pp.part = part_rows.part ORDER BY 1)), '')
WHERE part IN (SELECT n FROM temp.dirty)"""
# what a change makes dirty: the changed nodes and everything below them in the BOM (a changed BOM line's child
# and what it had as child before are changed nodes too), the parts of changed materials, occurrences, suppliers
_BELOW = f"""
INSERT OR IGNORE INTO temp.dirty
WITH RECURSIVE down(n) AS (
    SELECT n FROM temp.changed
    UNION SELECT c.o FROM temp.changed x CROSS JOIN facts c ON c.p = {P['child']} AND c.s = x.n
    UNION
    SELECT c.o FROM down
      CROSS JOIN facts p ON p.p = {P['parent']} AND p.o = down.n
      CROSS JOIN facts c ON c.p = {P['child']} AND c.s = p.s)
SELECT n FROM down"""
_REACHED = (
    f"""INSERT OR IGNORE INTO temp.dirty SELECT h.s FROM temp.changed x
          CROSS JOIN facts h ON h.p = {P['hasMaterial']} AND h.o = x.n""",
    f"""INSERT OR IGNORE INTO temp.dirty SELECT h.s FROM temp.changed x
          CROSS JOIN facts c ON c.p = {P['contains']} AND c.o = x.n
          CROSS JOIN facts h ON h.p = {P['hasMaterial']} AND h.o = c.s""",
    f"""INSERT OR IGNORE INTO temp.dirty SELECT f.s FROM temp.changed x
          CROSS JOIN facts f ON f.p = {P['suppliedBy']} AND f.o = x.n""",
)
FULL_AFTER = 4  # changed subjects per part kept above which every row is made again (a first import: ~8)
WHOLE_AFTER = 30  # rows a write adds per part kept above which every row is made again (the 1M store: ~33)
BOM_CHILD = P["child"]  # the predicate whose old objects a write records before it deletes a subject's facts


FORMAT = "3"  # the tables' layout: a model whose rows were made by another layout makes them again


def create(con: sqlite3.Connection) -> None:
    row = con.execute("SELECT value FROM meta WHERE key = 'rows_format'").fetchone()
    if row is None or row[0] != FORMAT:
        for table in TABLES:
            con.execute(f"DROP TABLE IF EXISTS {table}")
        con.execute("DELETE FROM meta WHERE key = 'derived'")
        con.execute("INSERT OR REPLACE INTO meta VALUES ('rows_format', ?)", (FORMAT,))
    con.executescript(SCHEMA)
    _temp(con)


def _temp(con: sqlite3.Connection) -> None:
    con.execute("CREATE TEMP TABLE IF NOT EXISTS changed (n TEXT PRIMARY KEY) WITHOUT ROWID")
    con.execute("CREATE TEMP TABLE IF NOT EXISTS dirty (n TEXT PRIMARY KEY) WITHOUT ROWID")


def stamp(con: sqlite3.Connection) -> str | None:
    row = con.execute("SELECT value FROM meta WHERE key = 'derived'").fetchone()
    return row[0] if row else None


def fresh(con: sqlite3.Connection) -> bool:
    """Whether the rows reflect the model's revision (in the caller's transaction)."""
    row = con.execute("SELECT (SELECT value FROM meta WHERE key = 'derived') = "
                      "(SELECT value FROM meta WHERE key = 'revision')").fetchone()
    return bool(row and row[0])


def derive_all(con: sqlite3.Connection, revision: str) -> None:
    """Every part's rows from `facts`, stamped `revision`; inside the caller's write transaction."""
    _everything(con)
    con.execute("INSERT OR REPLACE INTO meta VALUES ('derived', ?)", (revision,))


def _everything(con: sqlite3.Connection) -> None:
    _temp(con)
    for table in TABLES:
        con.execute(f"DELETE FROM {table}")
    con.execute("DELETE FROM temp.dirty")
    con.execute(f"INSERT INTO temp.dirty SELECT DISTINCT s FROM facts WHERE p = {P['hasMaterial']}")
    _make(con)


def most_of_the_store(con: sqlite3.Connection, added: int) -> bool:
    """Whether a write of `added` model rows is better followed by making every row again (a first import of
    10^6 parts adds 33M rows: a set of its ~10M changed subjects would cost more than it saves)."""
    return added > WHOLE_AFTER * con.execute("SELECT COUNT(*) FROM part_rows").fetchone()[0]


def refresh(con: sqlite3.Connection, revision: str, whole: bool = False) -> None:
    """The rows of the parts the nodes in temp.changed reach made again from `facts` (already merged), or with
    `whole` every part's rows, stamped `revision`; inside the write's transaction. Nothing is done (and the
    rows stay behind) if they were not fresh before the write."""
    if not fresh(con):
        return
    changed = con.execute("SELECT COUNT(*) FROM temp.changed").fetchone()[0]
    if whole or changed > FULL_AFTER * con.execute("SELECT COUNT(*) FROM part_rows").fetchone()[0]:
        # most of the store changed (a first import: ~8 changed subjects per part): all at once is cheaper
        derive_all(con, revision)
        con.execute("DELETE FROM temp.changed")
        return
    con.execute("DELETE FROM temp.dirty")
    con.execute(_BELOW)
    for sql in _REACHED:
        con.execute(sql)
    for table in TABLES:
        con.execute(f"DELETE FROM {table} WHERE part IN (SELECT n FROM temp.dirty)")
    _make(con)
    con.execute("DELETE FROM temp.changed")
    con.execute("INSERT OR REPLACE INTO meta VALUES ('derived', ?)", (revision,))


def _make(con: sqlite3.Connection) -> None:
    for sql in (_OCC, _PART, _PRODUCTS, _PRODUCT_SETS):
        con.execute(sql)
    con.execute("DELETE FROM temp.dirty")


def differences(con: sqlite3.Connection) -> dict[str, tuple[list, list]]:
    """table -> (rows missing, rows extra) of the kept rows against rows derived from `facts` now (empty when
    they agree): every write of the test suite is checked this way (COMPLYGRAPH_CHECK_READ_MODEL)."""
    kept = {t: set(con.execute(f"SELECT * FROM {t}")) for t in TABLES}
    con.execute("SAVEPOINT check_rows")
    try:
        _everything(con)
        truth = {t: set(con.execute(f"SELECT * FROM {t}")) for t in TABLES}
    finally:
        con.execute("ROLLBACK TO check_rows")
        con.execute("RELEASE check_rows")
    return {t: (sorted(truth[t] - kept[t])[:10], sorted(kept[t] - truth[t])[:10])
            for t in TABLES if kept[t] != truth[t]}
