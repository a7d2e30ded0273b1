"""Which `complygraph serve` holds an embedded store, so that a command that cannot open it can say so.

An embedded Oxigraph store is held by one process (RocksDB's lock). While `complygraph serve` runs on it, every
other command that needs the store fails to open it; the user should learn that the server holds it and where
it answers, not only that "a lock" is held (issue 15, item 5). The server writes a small note into the store's
folder when it starts and removes it when it stops; a note whose process has ended (a killed server) is
ignored, and the next server overwrites it. RocksDB leaves files it does not name alone.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

NOTE = "complygraph-serve.json"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


@contextmanager
def serving(store_dir: str | Path | None, host: str, port: int) -> Iterator[None]:
    """Note that this process serves the store at `store_dir` on http://host:port while the block runs."""
    note = Path(store_dir) / NOTE if store_dir else None
    if note is not None:
        note.write_text(json.dumps({"pid": os.getpid(), "url": f"http://{host}:{port}"}), encoding="utf-8")
    try:
        yield
    finally:
        if note is not None:
            note.unlink(missing_ok=True)


def served_by(store_dir: str | Path) -> str | None:
    """'`complygraph serve` at URL (pid N)' when a live server noted that it holds the store, else None."""
    try:
        note = json.loads((Path(store_dir) / NOTE).read_text(encoding="utf-8"))
        pid, url = int(note["pid"]), str(note["url"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return f"`complygraph serve` at {url} (pid {pid})" if _alive(pid) else None
