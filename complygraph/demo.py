"""The demo store: every shipped list and a generated data set, as `make demo` builds it."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from rich.progress import Progress

from complygraph.generate import generate
from complygraph.graph.status import compute
from complygraph.graph.store import Store
from complygraph.loaders.catalog import catalog, data_dir, load_list
from complygraph.loaders.compositions import import_compositions
from complygraph.vocab import entity_iri

REFERENCE = data_dir() / "demo"
REFERENCE_PRODUCTS = ("REF-NONCOMPLIANT", "REF-OBLIGATIONS", "REF-UNKNOWN", "REF-EXEMPTED", "REF-COMPLIANT")


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
        t_imp = progress.add_task("importing compositions", total=2)
        counts = import_compositions(store, work)
        progress.advance(t_imp)
        import_compositions(store, REFERENCE)  # one small product per compliance status (data/demo/README.md)
        progress.advance(t_imp)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return counts


def reference_statuses(store: Store, at) -> list[dict]:
    """The status of each reference product for RoHS and the Candidate List, with the first deciding part and
    finding: what `complygraph status --product` answers, in one line each."""
    index = compute(store, ["eu-rohs", "eu-reach-svhc"], at)
    out = []
    for product in REFERENCE_PRODUCTS:
        for pack in ("eu-rohs", "eu-reach-svhc"):
            ps = index.product(entity_iri("product", product).value, pack)
            first = ps.deciding[0] if ps.deciding else None
            why = str(first.findings[0].result.message) if first and first.findings else ""
            out.append({"product": product, "pack": pack, "status": ps.status,
                        "part": first.part.rsplit("/", 1)[-1] if first else "", "why": why})
    return out
