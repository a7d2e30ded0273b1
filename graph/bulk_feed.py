"""Feeding a bulk load from Python at the speed of the bulk loader (issue 14, item 1).

`Store.bulk_extend` takes pyoxigraph quads: building one costs more than the loader spends storing it, and it
runs on the thread that makes the triples. Instead the triples are written as N-Triples lines into a pipe that
`Store.bulk_load` reads on its own thread (it does not hold the interpreter lock while it parses and sorts), so
making the triples and loading them overlap on two cores. Blank nodes are the exception: the N-Triples parser
gives each load its own labels, so a triple with a blank node is kept aside and added as a quad afterwards,
keeping the node it names (rare in imports).

The pipe works only while Oxigraph reads a file given by path from start to end: from 4 usable CPUs on it splits
the file among parallel parsers by its size (`BulkLoader::parallel_load_from_file`, oxigraph 0.5), a pipe's size
is 0, and it loaded nothing and said nothing (a write of 200,000 triples returned 8,191 and stored none). There the
lines go as strings of about `_CHUNK_CHARS` to `Store.bulk_load(input=...)`, which splits a string correctly
and also loads without the interpreter lock, on a thread of its own while the next string is made.
"""

from __future__ import annotations

import errno
import hashlib
import os
import queue
import shutil
import tempfile
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from pyoxigraph import BlankNode, DefaultGraph, Quad, RdfFormat, Triple
from pyoxigraph import Store as OxStore

from complygraph.graph.store import StoreError, writer

_LINES = 8192  # lines per write to the pipe: fewer system calls, a few MB in flight at most
_SPLITS_FROM = 4  # usable CPUs from which Oxigraph splits a file among parsers (target_num_threads() / 2 >= 2)
_CHUNK_CHARS = 16 * 1024 * 1024  # characters of N-Triples per bulk_load(input=...) where the pipe cannot be used
# (three strings at most: one building, one queued, one loading; 4 bytes a character if one is outside Latin-1)
_PREFIX = "complygraph-feed-"  # then this boot and PID namespace, "-", the pid, "-", tempfile's random part


def _namespace() -> str:
    """This machine's boot and PID namespace, short (from `writer()`): a pid means a process only there, so a
    folder made in another container sharing the temp folder is never judged by a pid of ours."""
    return hashlib.sha256(writer().rpartition(".")[0].encode()).hexdigest()[:12]


def _folder_prefix() -> str:
    return f"{_PREFIX}{_namespace()}-{os.getpid()}-"


def _process_gone(pid: int) -> bool:
    """Whether no process has this pid (one of another user's answers PermissionError: it exists)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (OSError, OverflowError, ValueError):  # alive elsewhere, or no pid this system can have: kept
        return False
    return False


def sweep_stale_feeds(folder: str | None = None) -> list[str]:
    """Remove the feed folders (and their pipes) that a process killed mid-import left in `folder` (the temp
    folder by default): a kill -9 runs no clean-up, and every such import left one behind for ever. Only a
    folder of this user, made in this boot and PID namespace, whose pid is gone: a live process's feed is its
    own, and a folder of another container or without a pid is left, as nothing here says it is stale. The
    names removed; best effort, so a sweep that cannot read or remove something never stops an import."""
    folder = folder or tempfile.gettempdir()
    removed: list[str] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    ours = _namespace()
    for entry in entries:
        if not entry.name.startswith(_PREFIX):
            continue
        fields = entry.name[len(_PREFIX):].split("-", 2)  # tempfile's random part never holds a "-"
        if len(fields) != 3 or fields[0] != ours or not fields[1].isdigit() or int(fields[1]) <= 0:
            continue
        try:
            if not entry.is_dir(follow_symlinks=False) or entry.stat(follow_symlinks=False).st_uid != os.getuid():
                continue
        except OSError:
            continue
        if _process_gone(int(fields[1])):
            shutil.rmtree(entry.path, ignore_errors=True)  # another feed may sweep it at the same moment
            removed.append(entry.name)
    return removed


def _anchor(fifo: Path) -> tuple[int | None, str]:
    """The path both ends open the pipe by: on Linux through an O_PATH descriptor (`/proc/self/fd/N`, which
    reopens the pipe itself, and is neither reader nor writer), so that the folder vanishing (somebody emptying
    /tmp) between making the pipe and opening its ends cannot leave the loader waiting for ever on a pipe the
    writer can no longer reach; elsewhere the path itself."""
    o_path = getattr(os, "O_PATH", None)
    if o_path is None or not os.path.isdir("/proc/self/fd"):
        return None, str(fifo)
    fd = os.open(fifo, o_path)
    return fd, f"/proc/self/fd/{fd}"


def _open_writer(pipe: Path, loader: threading.Thread):
    """The pipe's writing end once the loader reads it; None if the loader stopped first (it failed). A
    blocking open would wait for ever for a reader that is gone."""
    while True:
        try:
            fd = os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)
            break
        except OSError as exc:
            if exc.errno != errno.ENXIO:  # ENXIO: nobody reads yet
                raise
            if not loader.is_alive():
                return None
            time.sleep(0.001)
    os.set_blocking(fd, True)
    return open(fd, "w", encoding="utf-8", newline="\n")


def _write(out: TextIO, triples: Iterable) -> tuple[int, list[Quad], bool]:
    """Write the triples as lines; those with a blank node are returned aside, as quads; and whether the loader
    stopped reading first. A loader that stops reading (it failed) ends the writing: the caller raises the
    loader's error, or says that it stopped without one."""
    count = 0
    aside: list[Quad] = []
    lines: list[str] = []
    try:
        for t in triples:
            s, o = t.subject, t.object
            if type(s) is BlankNode or type(o) is BlankNode or type(o) is Triple:  # (RDF 1.2 triple terms)
                aside.append(Quad(s, t.predicate, o, DefaultGraph()))
            else:
                lines.append(f"{s} {t.predicate} {o} .\n")
                if len(lines) == _LINES:
                    out.write("".join(lines))
                    lines.clear()
            count += 1
        out.write("".join(lines))
        out.flush()
    except BrokenPipeError:
        return count, aside, True
    return count, aside, False


def _usable_cpus() -> int:
    """The CPUs this process may run on, as Rust's `available_parallelism` counts them at most (it also lowers
    the count to a cgroup's quota, which only makes the pipe safe where this says it is not)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # no sched_getaffinity (macOS): Rust counts the online CPUs
        return os.cpu_count() or 1


def pipe_read_in_order() -> bool:
    """Whether `Store.bulk_load(path=<pipe>)` reads the whole pipe: below 4 usable CPUs Oxigraph reads a file in
    order; from 4 on it splits it by its size, which a pipe does not have (see the module's docstring)."""
    return _usable_cpus() < _SPLITS_FROM


class _Chunks:
    """What `_write` writes to where the pipe cannot be used: lines gathered into strings of about
    `_CHUNK_CHARS`, each handed to `put`. A loader that failed makes the next write a broken pipe."""

    def __init__(self, put, failed: list[BaseException]) -> None:
        self._put, self._failed = put, failed
        self._parts: list[str] = []
        self._size = 0

    def write(self, text: str) -> None:
        if self._failed:
            raise BrokenPipeError("the bulk loader failed")
        self._parts.append(text)
        self._size += len(text)
        if self._size >= _CHUNK_CHARS:
            self.flush()

    def flush(self) -> None:
        if self._failed:
            raise BrokenPipeError("the bulk loader failed")
        if self._size:
            chunk = "".join(self._parts)
            self._parts.clear()
            self._size = 0
            self._put(chunk)


def _feed_strings(store: OxStore, triples: Iterable) -> tuple[int, list[Quad]]:
    """`bulk_feed` without the pipe: each string of lines is one `bulk_load(input=...)` (one commit each; the
    caller's checkpoint makes the whole write all or nothing), on a loader thread while the next one is made."""
    held = [store]  # emptied at the end: a failed write closes the store, and nothing here may hold it
    failed: list[BaseException] = []
    chunks: queue.Queue = queue.Queue(maxsize=1)  # one string waiting beside the one loading

    def load() -> None:
        while (chunk := chunks.get()) is not None:
            if not failed:  # after a failure the rest is only taken off the queue, so the writer never blocks
                try:
                    held[0].bulk_load(input=chunk, format=RdfFormat.N_TRIPLES)
                except BaseException as exc:
                    failed.append(exc)

    loader = threading.Thread(target=load, name="complygraph-bulk-load", daemon=True)
    loader.start()
    try:
        count, aside, _ = _write(_Chunks(chunks.put, failed), triples)
    finally:
        chunks.put(None)
        _join(loader)
        held.clear()
    if failed:
        raise failed[0]
    return count, aside


def _join(loader: threading.Thread) -> None:
    """Wait for the loader even through Ctrl-C (its input is closed, so it ends soon): the store must not be
    rolled back while it still writes; the interrupt is raised afterwards."""
    interrupted: BaseException | None = None
    while loader.is_alive():
        try:
            loader.join()
        except KeyboardInterrupt as exc:
            interrupted = exc
    if interrupted is not None:
        raise interrupted


def bulk_feed(store: OxStore, triples: Iterable) -> int:
    """Bulk-load `triples` (anything with subject, predicate and object terms) into the default graph of
    `store`; the count loaded. Not atomic: the caller takes care of that (graph/rollback.py). An exception of
    the iterable is raised after the loader has stopped, and so is one of the loader."""
    sweep_stale_feeds()  # leftovers of pipes that killed imports left, whichever way this one goes
    if not pipe_read_in_order():
        count, aside = _feed_strings(store, triples)
        if aside:
            store.bulk_extend(aside)
        return count
    count, aside, stopped = 0, [], False
    failed: list[BaseException] = []
    with tempfile.TemporaryDirectory(prefix=_folder_prefix()) as tmp:  # namespace and pid tell a sweep its owner
        os.mkfifo(Path(tmp) / "triples.nt")
        anchor = _anchor(Path(tmp) / "triples.nt")
        pipe = Path(anchor[1])

        held = [store]  # emptied at the end: a failed write closes the store, and nothing here may hold it

        def load() -> None:
            try:
                held[0].bulk_load(path=str(pipe), format=RdfFormat.N_TRIPLES)
            except BaseException as exc:  # raised on the writer's thread; the writer sees a broken pipe
                failed.append(exc)

        loader = threading.Thread(target=load, name="complygraph-bulk-load", daemon=True)
        loader.start()
        try:
            out = _open_writer(pipe, loader)
            if out is not None:
                try:
                    count, aside, stopped = _write(out, triples)
                finally:
                    try:
                        out.close()
                    except BrokenPipeError:  # the loader failed with lines still buffered
                        pass
        finally:
            _join(loader)
            held.clear()
            if anchor[0] is not None:
                os.close(anchor[0])
        if failed:
            raise failed[0]
        if stopped:  # the loader closed the pipe before its end and said nothing: what it stored is not all
            raise StoreError("the bulk loader stopped reading its input before the end without an error")
    if aside:
        store.bulk_extend(aside)
    return count
