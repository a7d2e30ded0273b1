"""Memory that the C allocator keeps after a query has freed it.

Oxigraph evaluates a query in Rust on the C allocator (glibc's malloc on Linux). Each thread that allocates
beside another gets an arena of its own (up to eight per core), and what a query's joins and groups free
stays in that arena, fragmented, instead of going back to the system: the validation of 100,000 parts, its
queries two at a time (graph/shacl/query_pool.py), peaked at 1.42 GB resident with glibc's default arenas,
of which the Python objects alive at the end were 0.18 GB (tracemalloc); with two arenas it peaked at
0.93 GB, the same results. Validation therefore limits the arenas and gives the free pages back after each
answer it has read. Elsewhere (musl, macOS, Windows) both calls do nothing. A `MALLOC_ARENA_MAX` set in the
environment is the user's choice and is left alone.
"""

from __future__ import annotations

import ctypes
import os
import sys

M_ARENA_MAX = -8  # glibc's mallopt parameter (malloc.h)
ARENAS = 2  # one per core of the 2-core machines the benchmarks run on; more arenas only hold more free memory

_libc: ctypes.CDLL | None = None
_looked = False


def _glibc() -> ctypes.CDLL | None:
    global _libc, _looked
    if not _looked:
        _looked = True
        if sys.platform.startswith("linux"):
            try:
                lib = ctypes.CDLL(None)
                lib.mallopt.argtypes, lib.malloc_trim.argtypes = [ctypes.c_int, ctypes.c_int], [ctypes.c_size_t]
                _libc = lib
            except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
                _libc = None
    return _libc


def limit_arenas(arenas: int = ARENAS) -> bool:
    """At most `arenas` malloc arenas from now on (arenas that exist stay); whether it was set."""
    lib = _glibc()
    if lib is None or "MALLOC_ARENA_MAX" in os.environ:
        return False
    return lib.mallopt(M_ARENA_MAX, arenas) == 1


def trim() -> None:
    """Give the allocator's free pages back to the system (every arena's, not only the top of the heap)."""
    lib = _glibc()
    if lib is not None:
        lib.malloc_trim(0)
