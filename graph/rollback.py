"""All or nothing for writes too big for one transaction in the embedded store (issue 14, item 1).

`pyoxigraph.Store.extend` is one transaction that RocksDB builds in memory: a 100k-part import peaked at 5.3 GB
and a million parts (~60M triples) cannot be imported on a 24 GiB machine. The bulk loader writes sorted files
straight into the database in bounded memory, but it is not atomic: what it loaded before a crash, or before the
import found a bad record, stays. So before a bulk write the store takes a checkpoint (RocksDB's `backup`:
hard links to its immutable table files, a copy of the few small ones, so it costs neither time nor space) and
marks it ready; a write that fails puts the folder back as the checkpoint holds it, and so does the next open
after a crash. While the write runs, reads are answered from the checkpoint, so readers (the API, and the
import's own checks of what is already stored) see the store as it was until the write is committed.

The folder layout: `<store>/complygraph-rollback/` (the checkpoint) and `<store>/complygraph-rollback.ready`
(written once the checkpoint is whole; a bulk write may have changed the store). RocksDB leaves files it does
not name alone. Every step can be repeated after a crash at any point:
- checkpoint without the ready mark: taken only partly, or cleaned up only partly: removed;
- ready mark: the write did not commit: the folder's own files are replaced by the checkpoint's, then the mark
  and the checkpoint are removed (table files are linked back, never changed, so a second run finds them whole).
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHECKPOINT = "complygraph-rollback"
READY = "complygraph-rollback.ready"
LOCK = "complygraph-rollback.lock"
OURS = "complygraph-"  # our own files in the store folder (this module's, the serve note): never rolled back


def pending(folder: Path) -> bool:
    """Whether a bulk write began on this store and did not commit (its checkpoint is whole)."""
    return (folder / READY).exists()


def begin(store, folder: Path) -> Path:
    """Take the checkpoint of `store` (an open pyoxigraph Store at `folder`) and mark it ready."""
    checkpoint = folder / CHECKPOINT
    shutil.rmtree(checkpoint, ignore_errors=True)  # a leftover of a checkpoint or clean-up cut short
    store.flush()
    store.backup(str(checkpoint))
    _fsync_tree(checkpoint)
    ready = folder / READY
    with open(ready, "w", encoding="ascii") as fh:
        fh.write("a bulk write began; if this file is here, the write did not commit\n")
        fh.flush()
        os.fsync(fh.fileno())
    _fsync_dir(folder)
    return checkpoint


def commit(folder: Path) -> None:
    """The write is durable in the store: forget the checkpoint (the mark first, so a crash now keeps the write)."""
    (folder / READY).unlink(missing_ok=True)
    _fsync_dir(folder)
    shutil.rmtree(folder / CHECKPOINT, ignore_errors=True)


def tidy(folder: Path) -> None:
    """Remove a checkpoint that no write depends on (no ready mark); run before the store is opened."""
    if not pending(folder) and (folder / CHECKPOINT).exists():
        shutil.rmtree(folder / CHECKPOINT, ignore_errors=True)


def roll_back(folder: Path) -> None:
    """Put the store folder back as the checkpoint holds it; `commit` then forgets the checkpoint. The store must
    be closed (no process holds it); reading the checkpoint meanwhile is fine (its files are only read)."""
    checkpoint = folder / CHECKPOINT
    if not (checkpoint / "CURRENT").is_file():  # never delete the store's files for a checkpoint that is not whole
        raise OSError(f"cannot roll back the store at {folder}: its checkpoint {checkpoint} is missing or "
                      f"incomplete (no CURRENT file); the store is left as it is: remove {folder / READY} to "
                      "keep the store as it is now, or restore it from a backup")
    for entry in folder.iterdir():
        if entry.name.startswith(OURS):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    for source in checkpoint.iterdir():
        target = folder / source.name
        if source.suffix == ".sst":  # immutable once written: share it
            os.link(source, target)
        else:  # MANIFEST, CURRENT, OPTIONS, logs: RocksDB may append to these, so each side gets its own
            shutil.copy2(source, target)
    _fsync_tree(folder, skip=OURS)


def held_elsewhere(folder: Path) -> bool:
    """Whether a process holds the store's RocksDB lock (RocksDB takes a POSIX lock on the file `LOCK`)."""
    try:
        fd = os.open(folder / "LOCK", os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


@contextmanager
def exclusive(folder: Path) -> Iterator[None]:
    """Only one process checks and rolls back a store at a time."""
    with open(folder / LOCK, "a", encoding="ascii") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(folder: Path, skip: str | None = None) -> None:
    """Make the files of `folder` (not its sub-folders) and the folder itself durable."""
    for entry in folder.iterdir():
        if entry.is_file() and not (skip and entry.name.startswith(skip)):
            fd = os.open(entry, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    _fsync_dir(folder)
