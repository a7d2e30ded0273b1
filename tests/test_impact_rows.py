"""The where-used rows (graph/impact_rows.py): kept per part by every write, equal to rows derived from the
model's facts after each write (the check every write of the suite makes, COMPLYGRAPH_CHECK_READ_MODEL, is
also asked here directly), and impact from them equal to the store's own answer.

Each test changes one thing a row depends on through the store's write path, with the whole-table derive
forbidden, so only the per-part refresh can have made the rows right."""

from __future__ import annotations

import pytest
from pyoxigraph import Literal, NamedNode, Triple

from complygraph.graph import composition_reads as reads
from complygraph.graph import impact_rows
from complygraph.graph import read_model as rm
from complygraph.graph.impact import impact
from complygraph.vocab import ID, RDF_TYPE, cg, dct, rdfs

from .shacl_cases import build, material, part, product, sub
from .test_read_model import DBDPE, _rows, without_model

SUBSTANCE = NamedNode(f"{ID}substance/cas/{DBDPE}")
LINE = NamedNode("urn:test:line")
SECOND = NamedNode(f"{ID}product/second")


def _node(kind: str, local: str) -> NamedNode:
    return NamedNode(f"{ID}{kind}/{local}")


@pytest.fixture
def store(tmp_path, monkeypatch):
    s = build(tmp_path, [part("housing", 100_000, material("abs", 100_000, sub(DBDPE, 110))),
                         part("bezel", 50_000, material("pc", 50_000, sub(DBDPE, 30)))], ["eu-reach-svhc"],
              products=[product("tv", "4", "housing")])
    with s.composition_model() as model:  # derives the rows if the import left them behind
        assert model is not None and reads.rows_fresh(model)
    monkeypatch.setattr(impact_rows, "derive_all", lambda *a: pytest.fail("every row made again"))
    monkeypatch.setattr(impact_rows, "FULL_AFTER", 10 ** 9)
    monkeypatch.setattr(impact_rows, "WHOLE_AFTER", 10 ** 9)
    return s


def _impact(store) -> list[tuple]:
    return _rows(impact(store, "eu-reach-svhc", "2025-06-25", "2026-02-04"))


def _checked(store) -> list[tuple]:
    """Impact from the kept rows, after checking they are fresh and equal to rows derived from the facts, and
    equal to the store's own answer."""
    with store.composition_model() as model:
        assert model is not None and reads.rows_fresh(model)
    assert store.model.row_differences() == {}
    kept = _impact(store)
    with without_model(store):
        assert _impact(store) == kept
    return kept


def _products_of(rows, part_id: str) -> list[str]:
    return sorted({p[0] for r in rows if r[2] == part_id for p in r[9]})


def _add_second_product_above_bezel(store) -> None:
    store.write([Triple(SECOND, RDF_TYPE, cg.Product), Triple(SECOND, dct.identifier, Literal("second")),
                 Triple(LINE, cg.parent, SECOND), Triple(LINE, cg.child, _node("part", "bezel")),
                 Triple(LINE, cg.quantity, Literal("2"))])


def test_a_new_bom_line_gives_the_part_below_it_the_product_above_it(store):
    assert _products_of(_checked(store), "bezel") == []
    _add_second_product_above_bezel(store)
    assert _products_of(_checked(store), "bezel") == ["second"]


def test_a_removed_bom_line_takes_the_product_away_from_the_part_below_it(store):
    _add_second_product_above_bezel(store)
    store.write([], replace=f"DELETE WHERE {{ <{LINE.value}> ?p ?o }}",
                touches=f"SELECT ?s WHERE {{ VALUES ?s {{ <{LINE.value}> }} }}")
    assert _products_of(_checked(store), "bezel") == []


def test_a_node_that_is_no_longer_a_product_leaves_the_parts_below_it(store):
    _add_second_product_above_bezel(store)
    store.write([], replace=f"DELETE DATA {{ <{SECOND.value}> a cg:Product }}",
                touches=f"SELECT ?s WHERE {{ VALUES ?s {{ <{SECOND.value}> }} }}")
    assert _products_of(_checked(store), "bezel") == []


def test_a_sub_assembly_put_under_a_product_brings_that_product_to_the_parts_below_it(store):
    assembly = _node("part", "assembly")
    store.write([Triple(assembly, dct.identifier, Literal("assembly")),
                 Triple(NamedNode("urn:test:a1"), cg.parent, assembly),
                 Triple(NamedNode("urn:test:a1"), cg.child, _node("part", "bezel"))])
    assert _products_of(_checked(store), "bezel") == []
    _add_second_product_above_bezel(store)  # the line's child is the bezel: move it to the assembly
    store.write([Triple(LINE, cg.child, assembly)], replace=f"DELETE WHERE {{ <{LINE.value}> cg:child ?c }}",
                touches=f"SELECT ?s WHERE {{ VALUES ?s {{ <{LINE.value}> }} }}")
    assert _products_of(_checked(store), "bezel") == ["second"]  # through the assembly now


def test_a_renamed_material_is_named_anew_in_the_rows(store):
    abs_ = _node("material", "abs")
    store.write([Triple(abs_, dct.identifier, Literal("abs-2")), Triple(abs_, rdfs.label, Literal("ABS V0"))],
                replace=f"DELETE WHERE {{ <{abs_.value}> dct:identifier ?i ; rdfs:label ?l }}",
                touches=f"SELECT ?s WHERE {{ VALUES ?s {{ <{abs_.value}> }} }}")
    rows = _checked(store)
    assert {r[3] for r in rows if r[2] == "housing"} == {"abs-2"}


def test_a_changed_mass_of_an_occurrence_changes_the_share_of_its_article(store):
    before = {r[2]: r[6] for r in _checked(store)}
    store.write([Triple(NamedNode("urn:test:occ"), cg.substance, SUBSTANCE),
                 Triple(NamedNode("urn:test:occ"), cg.concentrationPpm, Literal("1000")),
                 Triple(NamedNode("urn:test:occ"), cg.massMg, Literal("50")),
                 Triple(_node("material", "pc"), cg.contains, NamedNode("urn:test:occ"))])
    after = {r[2]: r[6] for r in _checked(store)}
    assert after["bezel"] == pytest.approx(before["bezel"] + 0.1) and after["housing"] == before["housing"]


def test_a_deleted_part_leaves_no_rows(store):
    bezel = _node("part", "bezel")
    store.write([], replace=f"DELETE WHERE {{ <{bezel.value}> ?p ?o }}",
                touches=f"SELECT ?s WHERE {{ VALUES ?s {{ <{bezel.value}> }} }}")
    assert {r[2] for r in _checked(store)} == {"housing"}


def test_a_model_kept_before_the_rows_existed_derives_them_at_its_next_read(tmp_path, monkeypatch):
    s = build(tmp_path, [part("housing", 100_000, material("abs", 100_000, sub(DBDPE, 110)))], ["eu-reach-svhc"])
    with s.composition_model():
        pass
    s.model._writer.execute("DELETE FROM meta WHERE key = 'derived'")  # as a model of the release before
    for table in impact_rows.TABLES:
        s.model._writer.execute(f"DELETE FROM {table}")
    assert s.model.rows_behind(s.revision())
    monkeypatch.setattr(rm.ReadModel, "rebuild", lambda *a, **k: pytest.fail("facts rebuilt"))
    assert _checked(s) and not s.model.rows_behind(s.revision())


def test_rows_made_by_another_layout_are_made_again_when_the_store_opens_again(tmp_path):
    from complygraph.graph import open_store
    from complygraph.loaders.compositions import import_compositions

    path = tmp_path / "store"
    s = open_store(str(path))
    build(tmp_path / "d", [part("housing", 100_000, material("abs", 100_000, sub(DBDPE, 110)))], [])
    import_compositions(s, tmp_path / "d" / "data")
    with s.composition_model():
        pass
    s.model._writer.execute("UPDATE meta SET value = 'older' WHERE key = 'rows_format'")
    s.model._writer.execute("ALTER TABLE part_rows DROP COLUMN products")  # the layout before the column
    s.close()
    s = open_store(str(path))
    assert s.model.rows_behind(s.revision())
    with s.composition_model() as model:
        assert reads.rows_fresh(model)
        assert model.execute("SELECT products FROM part_rows").fetchall() == [("",)]
    s.close()


def test_a_row_without_a_share_of_its_article_comes_after_every_share():
    """Review finding: a part without a mass has a share that is not a number, which compared false both ways
    and left "largest share first" to the order rows were found in ([50, NaN, 80] stayed so)."""
    from complygraph.graph.impact import ImpactRow, _order

    def row(percent: float, part_id: str) -> ImpactRow:
        return ImpactRow("added", "e", "E", part_id, part_id, "m", "m", DBDPE, "x", 10.0, percent, None, "s", "S")

    rows = [row(50.0, "a"), row(float("nan"), "b"), row(80.0, "c")]
    assert [r.part_id for r in sorted(rows, key=_order)] == ["c", "a", "b"]
    assert [r.part_id for r in sorted(reversed(rows), key=_order)] == ["c", "a", "b"]


def test_impact_from_the_kept_rows_sums_a_part_s_materials_and_comes_in_order(tmp_path):
    """The kept rows are made into impact rows in one pass (graph/impact.py `_rows_of_kept`), which sums a
    substance's share in decimals only where a part holds it more than once and sorts by `_order`'s key made
    inline: the same rows, values and order as the store's own answer. 6 + 5 mg in 10 g is 0.11 % (over the
    Candidate List's 0.1 %); 10 mg in 10 g is exactly 0.1 % (not over); two parts at the same share tie and
    are ordered by part id."""
    s = build(tmp_path, [
        part("b-two", 10_000, material("b1", 5_000, sub(DBDPE, 6)), material("b2", 5_000, sub(DBDPE, 5))),
        part("c-at", 10_000, material("c1", 10_000, sub(DBDPE, 10))),
        part("a-at", 10_000, material("a1", 10_000, sub(DBDPE, 10))),
        part("d-under", 10_000, material("d1", 10_000, sub(DBDPE, "9.99")))], ["eu-reach-svhc"],
        products=[product("tv", "4", "b-two", "c-at")])
    with s.composition_model() as model:
        assert model is not None and reads.rows_fresh(model)
    kept = impact(s, "eu-reach-svhc", "2025-06-25", "2026-02-04")
    with without_model(s):
        asked = impact(s, "eu-reach-svhc", "2025-06-25", "2026-02-04")
    assert kept == asked
    assert [(r.part_id, r.material_id, r.article_percent, r.over_threshold) for r in kept] == [
        ("b-two", "b1", 0.11, True), ("b-two", "b2", 0.11, True), ("a-at", "a1", 0.1, False),
        ("c-at", "c1", 0.1, False), ("d-under", "d1", 0.0999, False)]
    assert [p for p, _ in kept[0].products] == ["tv"] and kept[2].products == []
