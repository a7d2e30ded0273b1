"""The allocator settings validation uses (graph/memory.py): two malloc arenas and a trim after each answer
took the peak of a 100k-part validation from 1.42 to 0.65 GB (benchmarks/RESULTS.md); these tests guard the
calls themselves, the figures are the benchmark's."""

from __future__ import annotations

import platform
import subprocess
import sys

from complygraph.graph import memory

GLIBC = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
CODE = "from complygraph.graph import memory; memory.trim(); print(memory.limit_arenas())"


def test_the_arenas_are_limited_on_glibc_only_and_never_against_the_users_choice():
    mine = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True)
    assert mine.stdout.strip() == str(GLIBC)
    users = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True,
                           env={"MALLOC_ARENA_MAX": "8", "PATH": "/usr/bin:/bin"})
    assert users.stdout.strip() == "False", "a MALLOC_ARENA_MAX in the environment is the user's"


class _Libc:
    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def mallopt(self, param: int, value: int) -> int:
        self.calls.append(("mallopt", param, value))
        return 1

    def malloc_trim(self, pad: int) -> int:
        self.calls.append(("malloc_trim", pad))
        return 1


def test_the_calls_are_glibcs_mallopt_m_arena_max_and_malloc_trim(monkeypatch):
    libc = _Libc()
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    monkeypatch.setattr(memory, "_looked", True)
    monkeypatch.setattr(memory, "_libc", libc)
    assert memory.limit_arenas() is True
    memory.trim()
    assert libc.calls == [("mallopt", -8, 2), ("malloc_trim", 0)]  # M_ARENA_MAX is -8 in glibc's malloc.h


def test_without_glibc_both_calls_do_nothing(monkeypatch):
    monkeypatch.setattr(memory, "_looked", True)
    monkeypatch.setattr(memory, "_libc", None)
    assert memory.limit_arenas() is False
    assert memory.trim() is None
