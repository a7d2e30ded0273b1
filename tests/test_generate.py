"""The generator: deterministic, realistic, streaming, and accepted by the importer."""

from __future__ import annotations

import csv
import filecmp
import tracemalloc
from collections import Counter

from complygraph.generate import generate
from complygraph.graph import open_store
from complygraph.identifiers import normalise_cas
from complygraph.loaders.compositions import import_compositions


def _rows(folder, name):
    with open(folder / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_same_seed_same_files_other_seed_other_files(tmp_path):
    generate(tmp_path / "a", 3, 200, seed=5)
    generate(tmp_path / "b", 3, 200, seed=5)
    generate(tmp_path / "c", 3, 200, seed=6)
    names = ["parts.csv", "materials.csv", "substances.csv", "bom.csv", "suppliers.csv", "products.csv"]
    match, mismatch, _ = filecmp.cmpfiles(tmp_path / "a", tmp_path / "b", names, shallow=False)
    assert sorted(match) == sorted(names) and not mismatch
    assert not filecmp.cmp(tmp_path / "a" / "substances.csv", tmp_path / "c" / "substances.csv", shallow=False)


def test_generated_data_imports_and_has_bom_depth_three_and_shared_parts(small_dataset):
    store = open_store(None)
    counts = import_compositions(store, small_dataset)
    assert counts["parts"] == 300 and counts["products"] == 5
    deep = store.select("""
        SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {
          ?u1 cg:parent ?product ; cg:child ?a . ?product a cg:Product .
          ?u2 cg:parent ?a ; cg:child ?b . ?u3 cg:parent ?b ; cg:child ?c }""")
    assert int(deep[0]["n"].value) > 100  # components three levels below a product
    shared = store.select("""
        SELECT ?part WHERE { ?u1 cg:child ?part ; cg:parent ?p1 . ?u2 cg:child ?part ; cg:parent ?p2
                             FILTER(?p1 != ?p2) } LIMIT 1""")
    assert shared, "some parts are used by more than one parent"
    orphans = store.select("""
        SELECT ?part WHERE { ?part a cg:Part FILTER NOT EXISTS { ?u cg:child ?part } }""")
    top = store.select("SELECT ?a WHERE { ?u cg:parent/a cg:Product ; cg:child ?a }")
    assert {r["part"] for r in orphans} <= {r["a"] for r in top}


def test_generated_cas_numbers_are_valid_and_restricted_substances_occur_where_they_do_in_practice(small_dataset):
    substances = _rows(small_dataset, "substances.csv")
    materials = {m["material_id"]: m for m in _rows(small_dataset, "materials.csv")}
    for s in substances:
        assert normalise_cas(s["cas"]) == s["cas"]
    by_category = Counter((materials[s["material_id"]]["category"], s["cas"]) for s in substances)
    assert by_category[("brass", "7439-92-1")] > 0  # lead in brass
    assert by_category[("solder", "7439-92-1")] > 0  # lead in solder (high-melt or traces)
    assert by_category[("pvc-cable-insulation", "117-81-7")] > 0  # DEHP in PVC cable
    assert by_category[("housing", "84852-53-9")] > 0  # DBDPE in housings
    assert by_category[("rubber", "1478-61-1")] > 0  # Bisphenol AF in fluoroelastomer seals
    assert sum(n for (cat, cas), n in by_category.items() if cas == "7440-43-9") > 0  # cadmium traces
    assert len({s["unit"] for s in substances}) >= 3  # mg, ppm and wt% all exercised
    # not every housing contains DBDPE: the rate is realistic, not 100 %
    housings = {m for m, v in materials.items() if v["category"] == "housing"}
    with_dbdpe = {s["material_id"] for s in substances if s["cas"] == "84852-53-9"}
    assert 0 < len(with_dbdpe & housings) < len(housings)


def test_generator_streams_memory_does_not_grow_with_size(tmp_path):
    def peak(parts: int) -> int:
        tracemalloc.start()
        generate(tmp_path / f"g{parts}", 10, parts, seed=1)
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top

    small, large = peak(2_000), peak(40_000)
    assert large < small * 2, (small, large)  # 20x the parts, not 20x the memory
    with open(tmp_path / "g40000" / "parts.csv") as fh:
        assert sum(1 for _ in fh) == 40_001
