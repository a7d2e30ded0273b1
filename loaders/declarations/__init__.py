"""Supplier material declarations in IPC-1752A and IEC 62474 XML (chemSHERPA-AI is an IEC 62474 profile).

An import reads every file first (`reading`: the format's reader, `ipc1752a` or `iec62474`, fills the
format-independent `model`), so that a problem in any file stores nothing, then writes the files one
transaction each, oldest declaration first (`writer`): a newer declaration of the same item supersedes
the stored composition, which moves to a history graph (`history`); the same file again changes nothing.

What is read, element by element, is listed in docs/declarations.md.
"""

from __future__ import annotations

from pathlib import Path

from complygraph.graph.store import Store, StoreError
from complygraph.loaders.declarations.model import Outcome
from complygraph.loaders.declarations.ordering import batch_problems, write_order
from complygraph.loaders.declarations.reading import FORMATS, read_declaration
from complygraph.loaders.declarations.writer import write_declaration
from complygraph.loaders.errors import InputError

__all__ = ["FORMATS", "Outcome", "import_declarations", "read_declaration"]


def import_declarations(store: Store, paths: list[Path], fmt: str | None = None) -> list[Outcome]:
    """Read every file first (a problem found while reading any file stores nothing), then write one
    transaction per file, oldest declaration first; a problem found while writing a file (it is older than
    the stored declaration, it closes a BOM cycle) stops the batch there and the error names the files
    already stored."""
    decls, problems = [], []
    for path in paths:
        try:
            decls.append(read_declaration(Path(path), fmt))
        except InputError as exc:
            problems += exc.problems
    # two declarations of one item whose order is not known (the same instant, or the same day without a time)
    # would be ordered by their file names: refused before anything is written (QA12 B03, ordering.py)
    problems += batch_problems(decls)
    if problems:
        raise InputError(problems)
    decls.sort(key=write_order)
    outcomes: list[Outcome] = []  # one per item: a file may declare several (QA12 B05)
    for decl in decls:
        stored = list(dict.fromkeys(o.file for o in outcomes))
        try:
            outcomes += write_declaration(store, decl).every()
        except InputError as exc:  # found while writing (older than the stored one, a BOM cycle, ...)
            if not outcomes:
                raise
            raise InputError(exc.problems, stored=stored) from exc
        except StoreError as exc:  # the store failed (an endpoint gone, a full disk): say what is stored anyway
            if not outcomes:
                raise
            raise StoreError(f"{exc} (that file only: stored before it, each whole: {', '.join(stored)})") from exc
    return outcomes
