"""The composition read model (graph/read_model.py): what it keeps, that no write leaves it serving an old
answer, and that where-used answers from it equal the store's own (impact, status)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import contextmanager

import pytest
from pyoxigraph import Literal, NamedNode, Triple

from complygraph.generate import generate
from complygraph.graph import open_store
from complygraph.graph import read_model as rm
from complygraph.graph.impact import impact, where_used
from complygraph.graph.shacl import validate
from complygraph.graph.status import status_index
from complygraph.loaders.catalog import load_reference
from complygraph.loaders.compositions import import_compositions
from complygraph.vocab import ID, RDF_TYPE, XSD, cg, dct, rdfs

from .shacl_cases import build, material, part, sub

DBDPE = "84852-53-9"
SUBSTANCE = NamedNode(f"{ID}substance/cas/{DBDPE}")


@contextmanager
def without_model(store):
    """The same store answered by SPARQL only (what a remote endpoint does)."""
    model, store.model = store.model, None
    try:
        yield store
    finally:
        store.model = model


def _rows(rows):
    return [(r.change, r.entry, r.part_id, r.material_id, r.cas, r.ppm, round(r.article_percent, 9), r.over_threshold,
             r.supplier_id, r.products) for r in rows]


def test_the_model_keeps_composition_facts_of_any_subject_and_names_of_the_company_resources_only():
    part_, other = NamedNode(f"{ID}part/P1"), NamedNode("urn:x:part")
    assert rm.keep(Triple(other, cg.hasMaterial, NamedNode("urn:x:m"))) == (5, "urn:x:part", "urn:x:m", "")
    assert rm.keep(Triple(part_, dct.identifier, Literal("P1"))) == (10, "~part/P1", "P1", "xsd:string")
    assert rm.keep(Triple(other, dct.identifier, Literal("X"))) is None  # named by a query when reached
    assert rm.keep(Triple(SUBSTANCE, rdfs.label, Literal("x", language="en"))) is None
    assert rm.keep(Triple(part_, RDF_TYPE, cg.Product)) == (12, "~part/P1", cg.Product.value, "")
    assert rm.keep(Triple(part_, RDF_TYPE, cg.Part)) == (13, "~part/P1", cg.Part.value, "")  # a part(id)'s tree
    assert rm.keep(Triple(other, RDF_TYPE, cg.Part)) == (13, "urn:x:part", cg.Part.value, "")
    assert rm.keep(Triple(part_, RDF_TYPE, cg.Supplier)) == (16, "~part/P1", cg.Supplier.value, "")
    assert rm.keep(Triple(part_, RDF_TYPE, cg.Substance)) is None
    occ = NamedNode(f"{ID}material/M1/o1")
    assert rm.keep(Triple(occ, cg.intentionallyAdded, Literal("1", datatype=NamedNode(XSD + "boolean")))) == (
        14, "~material/M1/o1", "true", "xsd:boolean")
    assert rm.keep(Triple(occ, cg.claimedExemption, NamedNode("urn:x:e"))) == (15, "~material/M1/o1", "urn:x:e", "")


@pytest.fixture
def store(tmp_path):
    return build(tmp_path, [part("housing", 100_000, material("abs", 100_000, sub(DBDPE, 110))),
                            part("bezel", 50_000, material("pc", 50_000, sub(DBDPE, 30)))], ["eu-reach-svhc"])


def _housing_share(store) -> list[tuple[str, float]]:
    return sorted((r.part_id, round(r.article_percent, 6))
                  for r in impact(store, "eu-reach-svhc", "2025-06-25", "2026-02-04"))


def test_the_model_follows_an_import_without_a_rebuild(store, monkeypatch):
    assert store.model.stamp() == store.revision()
    monkeypatch.setattr(rm.ReadModel, "rebuild", lambda *a, **k: pytest.fail("rebuilt"))
    assert _housing_share(store) == [("bezel", 0.06), ("housing", 0.11)]


def test_a_write_that_deletes_without_naming_what_it_touches_is_never_answered_from_the_old_model(store):
    _housing_share(store)
    store.update(f"DELETE {{ ?occ cg:massMg ?mg }} WHERE {{ ?occ cg:substance {SUBSTANCE} ; cg:massMg ?mg "
                 f"FILTER(CONTAINS(STR(?occ), '/abs/')) }}")
    assert store.model.stamp() != store.revision()  # left behind: the next reader rebuilds it
    assert _housing_share(store) == [("bezel", 0.06)]  # the housing's occurrence has no mass any more
    assert store.model.stamp() == store.revision()


def test_a_model_that_fails_to_commit_leaves_the_write_done_and_is_rebuilt(store, monkeypatch, tmp_path):
    def broken(self, revision, reread):
        self.abort()
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(rm.Change, "commit", broken)
    more = tmp_path / "more"
    build(more, [])  # only to get the file layout; the data set below adds a third part
    (more / "data" / "parts.csv").write_text("part_id,name,supplier_id,mass,mass_unit\nseal,seal,S1,1000,mg\n")
    (more / "data" / "materials.csv").write_text("material_id,part_id,name,mass,mass_unit\nfkm,seal,fkm,1000,mg\n")
    (more / "data" / "substances.csv").write_text(f"material_id,cas,amount,unit\nfkm,{DBDPE},20,mg\n")
    import_compositions(store, more / "data")
    assert store.model.stamp() != store.revision()
    monkeypatch.undo()
    assert _housing_share(store) == [("bezel", 0.06), ("housing", 0.11), ("seal", 2.0)]


def test_an_on_disk_model_is_used_again_after_the_store_is_reopened(tmp_path, monkeypatch):
    path = tmp_path / "store"
    s = open_store(str(path))
    load_reference(s, ["eu-reach-svhc"])
    build(tmp_path / "d", [part("housing", 100_000, material("abs", 100_000, sub(DBDPE, 110)))], [])
    import_compositions(s, tmp_path / "d" / "data")
    s.close()
    assert (path / rm.FILE).is_file()
    s = open_store(str(path))
    monkeypatch.setattr(rm.ReadModel, "rebuild", lambda *a, **k: pytest.fail("rebuilt"))
    assert _housing_share(s) == [("housing", 0.11)]
    s.close()


def test_two_entries_that_concern_one_substance_do_not_double_its_share_of_the_article(store):
    """A group entry and the substance's own entry both reach one occurrence: 0.11 %, not 0.22 %."""
    entries = [NamedNode(f"urn:test:entry{i}") for i in (1, 2)]
    store.write([Triple(e, cg.concerns, SUBSTANCE) for e in entries])
    expected = {(e.value, p, share) for e in entries for p, share in (("housing", 0.11), ("bezel", 0.06))}
    rows = where_used(store, {e.value: ("added", e.value) for e in entries}, None)
    assert {(r.entry, r.part_id, round(r.article_percent, 6)) for r in rows} == expected
    with without_model(store):
        rows = where_used(store, {e.value: ("added", e.value) for e in entries}, None)
        assert {(r.entry, r.part_id, round(r.article_percent, 6)) for r in rows} == expected


def test_a_part_outside_the_company_namespace_is_reached_and_named(store):
    x = "urn:x:"
    store.update(f"""INSERT DATA {{ <{x}part> dct:identifier "XP" ; cg:massMg 1000 ; cg:hasMaterial <{x}m> .
        <{x}m> dct:identifier "XM" ; cg:contains <{x}o> .
        <{x}o> cg:substance {SUBSTANCE} ; cg:concentrationPpm 10000 ; cg:massMg 10 . }}""")
    with_model = impact(store, "eu-reach-svhc", "2025-06-25", "2026-02-04")
    assert [(r.part_id, r.material_id) for r in with_model if r.part_id == "XP"] == [("XP", "XM")]
    with without_model(store):
        assert _rows(impact(store, "eu-reach-svhc", "2025-06-25", "2026-02-04")) == _rows(with_model)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("read-model") / "data"
    generate(out, products=4, parts=400, seed=11)
    s = open_store(None)
    load_reference(s)
    import_compositions(s, out)
    return s


def test_impact_from_the_model_equals_the_stores_answer(generated):
    with_model = impact(generated, "eu-reach-svhc", "2023-01-01", "2026-02-04")
    assert with_model, "the generated data should hold SVHCs added in the period"
    with without_model(generated):
        assert _rows(impact(generated, "eu-reach-svhc", "2023-01-01", "2026-02-04")) == _rows(with_model)


def test_status_from_the_model_equals_the_stores_answer(generated):
    report = validate(generated, None, dt.date(2026, 11, 23))
    assert any("/substance/" in str(r.focus) for r in report.results)  # parts reached through the substance
    with_model = status_index(generated, report)
    with without_model(generated):
        plain = status_index(generated, report)
    assert {k: (v.status, len(v.findings)) for k, v in with_model.parts.items()} == {
        k: (v.status, len(v.findings)) for k, v in plain.parts.items()}
    assert {k: v.status for k, v in with_model.products.items()} == {k: v.status for k, v in plain.products.items()}


def test_doctor_says_whether_the_read_model_is_at_the_stores_revision(tmp_path):
    from typer.testing import CliRunner

    from complygraph.cli import app

    path = tmp_path / "store"
    s = open_store(str(path))
    build(tmp_path / "d", [part("housing", 100_000, material("abs", 100_000, sub(DBDPE, 110)))], [])
    import_compositions(s, tmp_path / "d" / "data")
    s.update(f"DELETE WHERE {{ ?occ cg:substance {SUBSTANCE} }}")  # names nothing it touches: left behind
    s.close()
    out = CliRunner().invoke(app, ["doctor", "--store", str(path)])
    assert out.exit_code == 0 and "the next where-used rebuilds it" in out.output
    s = open_store(str(path))
    with s.composition_model() as model:  # the first reader rebuilds it
        assert model is not None
    s.close()
    out = CliRunner().invoke(app, ["doctor", "--store", str(path)])
    assert out.exit_code == 0 and "facts, at this revision" in out.output


def test_an_in_memory_store_dropped_without_close_leaves_no_model_folder_behind():
    """Before: every in-memory store's temporary model folder stayed in /tmp (2,100 after one test run)."""
    import gc
    from pathlib import Path

    s = open_store(None)
    folder = s.model.path.parent
    assert folder.exists()
    del s
    gc.collect()
    assert not Path(folder).exists()
