"""How long each validation query took the last time it ran on a store: the slowest start first next time.

Kept beside the store's own files (`complygraph-` files are never rolled back, graph/rollback.py) as one JSON
object, a digest of the query text to its seconds. Only an order of work comes from it, never a result: a
missing, unreadable or stale file orders the queries as asked, and a store without a folder (in memory, a SPARQL
server) keeps no file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
from pathlib import Path

FILE = "complygraph-query-seconds.json"
_KEPT = 2000  # digests kept at most: the queries of every pack and date a store is validated against


def _digest(query: str) -> str:
    return hashlib.sha256(query.encode("utf-8")).hexdigest()[:24]


def _file(folder: Path | None) -> Path | None:
    return folder / FILE if folder is not None else None


def known(folder: Path | None, queries: list[str]) -> dict[str, float]:
    """The seconds each of `queries` took last time, for those on record."""
    path = _file(folder)
    if path is None:
        return {}
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(kept, dict):
        return {}
    out = {}
    for q in queries:
        seconds = kept.get(_digest(q))
        if isinstance(seconds, int | float) and seconds >= 0:
            out[q] = float(seconds)
    return out


def record(folder: Path | None, seconds: dict[str, float]) -> None:
    """Add this run's times (replacing those of the same queries), written whole or not at all."""
    path = _file(folder)
    if path is None or not seconds:
        return
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
        kept = kept if isinstance(kept, dict) else {}
    except (OSError, ValueError):
        kept = {}
    for q, s in seconds.items():
        kept.pop(_digest(q), None)
        kept[_digest(q)] = round(s, 3)  # latest last: the oldest go first when there are too many
    kept = dict(list(kept.items())[-_KEPT:])
    # a `complygraph-` name (never part of a roll-back checkpoint), one per writer: two validations at once
    # each replace the file whole
    tmp = path.with_name(f"{FILE}.{os.getpid()}-{threading.get_ident()}.tmp")
    try:
        tmp.write_text(json.dumps(kept), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:  # a read-only folder: the next run orders the queries as asked
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
