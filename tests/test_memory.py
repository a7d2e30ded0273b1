"""The allocator settings validation uses (graph/memory.py): two malloc arenas and a trim after each answer
took the peak of a 100k-part validation from 1.42 to 0.65 GB (benchmarks/RESULTS.md); these tests guard the
calls themselves, the figures are the benchmark's."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

from complygraph.graph import memory

GLIBC = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"


@pytest.mark.skipif(not GLIBC, reason="mallopt and malloc_trim are glibc's")
def test_the_arenas_are_limited_on_glibc_unless_the_user_chose_their_number():
    code = "from complygraph.graph import memory; memory.trim(); print(memory.limit_arenas())"
    mine = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert mine.stdout.strip() == "True"
    users = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={"MALLOC_ARENA_MAX": "8", "PATH": "/usr/bin:/bin"})
    assert users.stdout.strip() == "False", "a MALLOC_ARENA_MAX in the environment is the user's"


def test_without_glibc_both_calls_do_nothing(monkeypatch):
    monkeypatch.setattr(memory, "_looked", True)
    monkeypatch.setattr(memory, "_libc", None)
    assert memory.limit_arenas() is False
    memory.trim()
