"""When the embedded store compacts its files, and the record that says when it last did.

A bulk write (an import of more than `store_folder.BULK_AFTER` triples) hands Oxigraph sorted table files that
RocksDB ingests beside the ones already there, at the first level they do not overlap. Term ids are hashes,
so each import's files overlap every earlier one's, and after a few imports every lookup merges many files:
on the store of 10^6 generated parts a lookup by subject cost 15 us, 6.9 s for the 448,912 SVHC occurrences'
masses, and 3.1 s once the store was compacted (`Store.optimize`: 76 s, 94 MiB, 178 -> 99 files); the shapes of
a whole validation went from 682 s to 461 s (benchmarks/RESULTS.md). A compaction rewrites every file, so it
is not worth doing after every write: it runs after a bulk write that leaves the table files half as big
again as they were after the last compaction (or when none is recorded), which bounds the files rewritten to a
constant factor of the data written. `complygraph doctor --compact` runs it on demand.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

RECORD = "complygraph-compacted.json"  # beside the store's files: {"bytes": table bytes after, "at": epoch s}
GROWTH = 1.5  # compact when the table files have grown by this factor since the last compaction


def table_bytes(folder: Path) -> int:
    """The size of RocksDB's table files (`*.sst`), which is what lookups read."""
    total = 0
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.endswith(".sst"):
                try:
                    total += entry.stat().st_size
                except FileNotFoundError:  # removed by a compaction running now
                    pass
    return total


def last(folder: Path) -> int | None:
    """The table bytes the last compaction left, None when none is recorded (or the record is unreadable)."""
    try:
        value = json.loads((folder / RECORD).read_text(encoding="utf-8"))["bytes"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return value if isinstance(value, int) and value >= 0 else None


def due(folder: Path) -> bool:
    """Whether a compaction is worth its cost now: the table files grew by GROWTH since the last one, or no
    compaction is recorded for this folder."""
    before = last(folder)
    return before is None or table_bytes(folder) > GROWTH * max(before, 1)


def record(folder: Path) -> None:
    """Write down what the compaction that just ran left (atomically: a reader sees the old or the new)."""
    tmp = folder / (RECORD + ".tmp")
    tmp.write_text(json.dumps({"bytes": table_bytes(folder), "at": round(time.time())}), encoding="utf-8")
    os.replace(tmp, folder / RECORD)
