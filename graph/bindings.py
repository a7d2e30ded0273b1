"""Bound values for SPARQL text, identical on every backend.

Oxigraph's own substitutions only bind projected variables, and remote endpoints have no binding API at
all, so values go into an inline VALUES block at the start of the outermost WHERE clause, where it is also
the most selective pattern; a query whose selective part is a subquery marks the spot with a
`# BINDINGS` comment line instead. Each value is a pyoxigraph term printed in its escaped N-Triples form, which
is a valid SPARQL term: user input can never change the structure of a query.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pyoxigraph import BlankNode

from complygraph.graph.store import Row, Store, StoreError, Term

_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_MARK = re.compile(r"#\s*BINDINGS[^\n]*")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Values per VALUES block when a query is asked for many keys: large enough to be few requests, small
# enough for every endpoint's request size limit.
BATCH = 2000


def bind(query: str, bindings: Mapping[str, Term | list[Term]] | None) -> str:
    """Return `query` with `bindings` as VALUES; a list binds one variable to several values."""
    if not bindings:
        return query
    m = _MARK.search(query) or _WHERE.search(query)
    if not m:
        raise StoreError("a query with bound values needs a WHERE clause")
    blocks = []
    for name, value in bindings.items():
        if not _NAME.match(name):
            raise StoreError(f"not a variable name: {name!r}")
        values = value if isinstance(value, list) else [value]
        for v in values:
            if isinstance(v, BlankNode):
                raise StoreError("blank nodes cannot be bound")
        blocks.append(f"VALUES ?{name} {{ {' '.join(str(v) for v in values)} }}")
    return query[: m.end()] + "\n  " + "\n  ".join(blocks) + "\n" + query[m.end():]


def select_batched(store: Store, query: str, var: str, values: list[Term], size: int = BATCH) -> list[Row]:
    """Run `query` with `var` bound to `values`, `size` at a time, and return all rows."""
    rows: list[Row] = []
    for i in range(0, len(values), size):
        rows += store.select(query, {var: values[i:i + size]})
    return rows
