"""The demo store: every shipped list and a generated data set, as `make demo` builds it."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from rich.progress import Progress

from complygraph.generate import generate
from complygraph.graph.store import Store
from complygraph.loaders.catalog import catalog, load_list
from complygraph.loaders.compositions import import_compositions


def build_demo_store(store: Store, parts: int, products: int, seed: int, progress: Progress) -> dict[str, int]:
    """Load the shipped lists, generate `parts` parts in a scratch folder and import them; returns the
    import's counts."""
    ids = list(catalog()[1])
    work = Path(tempfile.mkdtemp(prefix="complygraph-demo-"))
    try:
        t_lists = progress.add_task("loading regulatory lists", total=len(ids))
        for list_id in ids:
            load_list(store, list_id)
            progress.advance(t_lists)
        t_gen = progress.add_task(f"generating {parts} parts", total=parts)
        generate(work, products, parts, seed, progress=lambda n: progress.advance(t_gen, n))
        t_imp = progress.add_task("importing compositions", total=1)
        counts = import_compositions(store, work)
        progress.advance(t_imp)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return counts
