"""When the embedded store compacts its files, and the record that says when it last did.

A bulk write (an import of more than `store_folder.BULK_AFTER` triples) hands Oxigraph sorted table files that
RocksDB ingests beside the ones already there, at the first level they do not overlap. Term ids are hashes,
so each import's files overlap every earlier one's, and after a few imports every lookup merges many files:
on the store of 10^6 generated parts a lookup by subject cost 15 us, 6.9 s for the 448,912 SVHC occurrences'
masses, and 3.1 s once the store was compacted (`Store.optimize`: 76 s, 94 MiB, 178 -> 99 files); the shapes of
a whole validation went from 682 s to 461 s (benchmarks/RESULTS.md). A compaction rewrites every file, so it
is not worth doing after every write: it runs after a bulk write, a list load or a refresh of the derived facts
that leaves the table files half as big again as they were after the last compaction (or when none is recorded),
or that leaves table files written since it as big as half of what it left, which bounds the files rewritten to
a constant factor of the data written. The second test catches writes that replace facts without growing the
store: the RoHS lists reloaded and a million derived facts rewritten left the 10^6-part store 1.27 times as big
and its validation 6 min 47 s, 4 min 52 s once compacted (75 s). `complygraph doctor --compact` runs it on demand.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

RECORD = "complygraph-compacted.json"  # beside the store's files: {"bytes": table bytes after, "at": epoch s}
GROWTH = 1.5  # compact when the table files have grown by this factor since the last compaction
# ... or when files written since it reach GROWTH - 1 of what it left, and at least this: on a small store a
# write of a few facts leaves a new file as big as the rest, and a compaction there would gain nothing
MIN_WRITTEN = 64 << 20


def table_bytes(folder: Path, since: float | None = None) -> int:
    """The size of RocksDB's table files (`*.sst`), which is what lookups read; with `since`, of those written
    after that time only."""
    total = 0
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.endswith(".sst"):
                try:
                    stat = entry.stat()
                except FileNotFoundError:  # removed by a compaction running now
                    continue
                if since is None or stat.st_mtime > since:
                    total += stat.st_size
    return total


def _record(folder: Path) -> dict | None:
    try:
        value = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def last(folder: Path) -> int | None:
    """The table bytes the last compaction left, None when none is recorded (or the record is unreadable)."""
    value = (_record(folder) or {}).get("bytes")
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def due(folder: Path) -> bool:
    """Whether a compaction is worth its cost now: no compaction is recorded for this folder, or since the last
    one the table files grew by GROWTH, or files as big as GROWTH - 1 times what it left (and MIN_WRITTEN)
    were written."""
    before = last(folder)
    if before is None or table_bytes(folder) > GROWTH * max(before, 1):
        return True
    at = (_record(folder) or {}).get("at")
    if not isinstance(at, int | float) or isinstance(at, bool):
        return False
    return table_bytes(folder, since=at) > max((GROWTH - 1) * before, MIN_WRITTEN)


def record(folder: Path) -> None:
    """Write down what the compaction that just ran left (atomically: a reader sees the old or the new)."""
    tmp = folder / (RECORD + ".tmp")
    tmp.write_text(json.dumps({"bytes": table_bytes(folder), "at": round(time.time())}), encoding="utf-8")
    os.replace(tmp, folder / RECORD)
