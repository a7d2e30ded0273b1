"""REACH Annex XVII restrictions limited to a kind of material: a material of another class is decided only when
that class rules the kind out (a review of 2026-12-07).

Entry 63(15), as data/echa/annex-xvii-conditions.csv gives it (English reconstructed from a secondary source, not
verbatim): lead "shall not be placed on the market or used in articles produced from polymers or copolymers of
vinyl chloride ('PVC') if the concentration of lead is equal to or greater than 0,1 % by weight of the PVC
material". Whether a material is PVC is read from its declared category through the material classes
(shapes/data/material-classes.ttl). Until this review any class at all decided it: "wire coating" (paint), "lamp
cord" (lamp), "resin" and "plastic sheath" (plastic of an unnamed polymer) with 0,2 % lead were taken as no PVC,
and passed. They may be PVC: each is now "unknown" (MaterialKindUnknown), while a class that rules PVC out (a
metal, a glass, a rubber, a polymer other than PVC: "XLPE cable", "PTFE wire", "non-PVC cable") still decides.
The same holds for entry 23(1) (cadmium, 0,01 % of the plastic material), 23(2) (0,1 % of the paint) and 23(8)
(0,01 % of the brazing filler). A second review the same day found class patterns that ruled a kind out wrongly
("copper wire coating" was metal, "fiberglass sleeving" glass, "solder mask" solder, "urethane rubber" no plastic,
"epoxy primer" no paint, imitation leather ruled PVC out): those names are here too.
"""
from __future__ import annotations

import datetime as dt

import pytest

from complygraph.graph.shacl import validate

from .shacl_cases import build, compare_with_pyshacl, hits, material, part, product, sub

AT = dt.date(2026, 12, 6)
PB, CD = "7439-92-1", "7440-43-9"
PACK = ["eu-reach-annex-xvii"]
LISTS = ["eu-rohs-annex-ii", "eu-reach-annex-xvii"]
# may be PVC: 63(15) cannot be decided
PVC_OPEN = ["wire coating", "lamp cord", "resin", "plastic sheath", "shrink tubing", "insulation", "contact wire",
            # the second review: a metal, glass, solder, leather or other-plastic word that names no such material
            "copper wire coating", "heavy metal free cable", "vinyl coated fiberglass sleeving", "solder sleeve",
            "synthetic leather", "PC cable", "enamelled copper wire"]
# known not to be PVC
PVC_OUT = ["steel", "copper wire", "XLPE cable", "PE insulated wire", "silicone rubber cable", "PTFE wire",
           "glass", "non-PVC cable", "PVC-free cable", "ethylene vinyl acetate cable", "solder", "ポリエチレン絶縁電線"]
# entry 23, cadmium at 0,02 %: 23(1) plastic material, 23(2) paint and 23(8) brazing filler ruled out by a class
CD_DECIDED = ["PA66", "ABS housing", "silicone rubber", "glass", "steel", "aluminium", "nickel plating", "亜鉛めっき"]
# of no kind 23(1) or 23(2) names, but possibly a brazing filler metal (23(8)): a "silver alloy" with cadmium may be one
CD_BRAZING_OPEN = ["silver alloy", "brass", "copper alloy"]
# cadmium at 0,2 %, over 23(2)'s 0,1 % of the paint: of the paint kind (decided), may be paint (unknown), neither
PAINT = ["epoxy primer", "polyurethane varnish", "アクリル塗膜", "wire coating"]
PAINT_OPEN = ["epoxy", "PA66", "acrylic"]
PAINT_OUT = ["steel", "glass", "silicone rubber", "nickel plating"]
# 23(1) plastic material, cadmium at 0,02 %: decided as plastic, or unknown (no longer ruled out)
PLASTIC = ["urethane rubber", "TPE-U", "ウレタンゴム"]
PLASTIC_OPEN = ["solder mask", "fiberglass", "glass polyester", "synthetic leather", "wire coating"]
# contact metals with about 10 % cadmium (RoHS Annex III 8(b)): of no kind entry 23 names, never "unknown" for it
CONTACTS = ["AgCdO contact", "silver cadmium oxide contact", "contact rivet", "銀酸化カドミウム接点"]
# 23(8): named brazing fillers are of the kind (decided as violations), not ruled out by "solder"
BRAZING = ["silver solder", "hard solder", "銀ろう"]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    parts = [part(f"open{i}{edge}", 1000, material(f"open{i}{edge}-m", 1000, sub(PB, ppm), category=c))
             for i, c in enumerate(PVC_OPEN) for edge, ppm in (("", "2"), ("-under", "0.99"))]
    parts += [part(f"out{i}", 1000, material(f"out{i}-m", 1000, sub(PB, "2"), category=c))
              for i, c in enumerate(PVC_OUT)]
    parts += [part(f"cd{i}", 1000, material(f"cd{i}-m", 1000, sub(CD, "0.2"), category=c))
              for i, c in enumerate(CD_DECIDED)]
    parts += [part(f"braz{i}", 1000, material(f"braz{i}-m", 1000, sub(CD, "0.2"), category=c))
              for i, c in enumerate(CD_BRAZING_OPEN)]
    for key, names, amount in (("paint", PAINT, "2"), ("paintopen", PAINT_OPEN, "2"), ("paintout", PAINT_OUT, "2"),
                               ("plastic", PLASTIC, "0.2"), ("plasticopen", PLASTIC_OPEN, "0.2"),
                               ("brazing", BRAZING, "0.2"), ("contact", CONTACTS, "100")):
        parts += [part(f"{key}{i}", 1000, material(f"{key}{i}-m", 1000, sub(CD, amount), category=c))
                  for i, c in enumerate(names)]
    # exactly 0,1 % of lead: "equal to or greater than"
    parts.append(part("at-limit", 1000, material("at-limit-m", 1000, sub(PB, "1"), category="wire coating")))
    # no EEE category: 63(15) does not apply to EEE within Directive 2011/65/EU
    return build(tmp_path_factory.mktemp("xvii-kinds"), parts, LISTS,
                 products=[product("article", "", *[p["id"] for p in parts])])


def _entry(report, entry: str, shape: str) -> set[str]:
    return {m for m, r in hits(report, shape).items() if f"entry {entry} " in str(r.message)}


@pytest.fixture(scope="module")
def report(store):
    return validate(store, PACK, AT)


@pytest.mark.parametrize(("index", "category"), list(enumerate(PVC_OPEN)))
def test_a_material_that_may_be_pvc_is_unknown_for_entry_63_15(report, index, category):
    unknown = _entry(report, "63", "#MaterialKindUnknown")
    assert f"open{index}-m" in unknown, category
    assert f"open{index}-under-m" not in unknown, category  # 0,099 %: under the limit
    assert f"open{index}-m" not in _entry(report, "63", "#ArticleRestrictions"), category
    assert "pvc material" in str(hits(report, "#MaterialKindUnknown")[f"open{index}-m"].message)


@pytest.mark.parametrize(("index", "category"), list(enumerate(PVC_OUT)))
def test_a_material_of_a_class_that_rules_pvc_out_is_decided(report, index, category):
    assert f"out{index}-m" not in _entry(report, "63", "#MaterialKindUnknown"), category
    assert f"out{index}-m" not in _entry(report, "63", "#ArticleRestrictions"), category


def _kinds(report, focus: str) -> set[str]:
    """The kinds of material an entry-23 MaterialKindUnknown result of the material names."""
    return {str(r.message).split("applies only to ", 1)[1].split(" material;", 1)[0]
            for r in report.results if str(r.shape).endswith("#MaterialKindUnknown")
            and str(r.focus).endswith(f"/{focus}") and "entry 23 " in str(r.message)}


@pytest.mark.parametrize(("index", "category"), list(enumerate(CD_DECIDED)))
def test_cadmium_in_a_material_ruled_out_of_plastic_paint_and_brazing_filler_is_decided(report, index, category):
    assert not _kinds(report, f"cd{index}-m"), category
    assert f"cd{index}-m" not in _entry(report, "23", "#ArticleRestrictions"), category


@pytest.mark.parametrize(("index", "category"), list(enumerate(CD_BRAZING_OPEN)))
def test_cadmium_in_a_metal_may_be_a_brazing_filler_of_entry_23_8(report, index, category):
    """Entry 23(8): "shall not be used in brazing fillers in concentration equal to or greater than 0,01 % by
    weight"; a metal or an alloy may be one, a plastic, a paint or a steel is not."""
    assert _kinds(report, f"braz{index}-m") == {"brazing filler"}, category


def test_lead_at_exactly_0_1_percent_of_a_material_that_may_be_pvc_is_unknown(report):
    assert "at-limit-m" in _entry(report, "63", "#MaterialKindUnknown")


def _decided(report, focus: str) -> set[str]:
    """The kinds of material of the entry-23 violations of the material (ArticleRestrictions: of the kind)."""
    return {r for m, r in hits(report, "#ArticleRestrictions").items() if m == focus and "entry 23 " in str(r.message)}


@pytest.mark.parametrize(("key", "names", "kind", "decided"), [
    ("paint", PAINT, "paint", True), ("paintopen", PAINT_OPEN, "paint", False),
    ("plastic", PLASTIC, "plastic", True), ("plasticopen", PLASTIC_OPEN, "plastic", False),
    ("brazing", BRAZING, "brazing filler", True)])
def test_entry_23_kinds_named_or_open(report, key, names, kind, decided):
    """Entry 23(1) plastic material (PUR is listed: "urethane rubber" and "TPE-U" are), 23(2) paint (cadmium "equal
    to or greater than 0,1 % by weight" of the paint: a primer, a varnish, a 塗膜 are paints; an "epoxy" or an
    "acrylic" may be one's binder), 23(8) brazing fillers ("silver solder" and "hard solder" are brazing alloys)."""
    for i, category in enumerate(names):
        focus = f"{key}{i}-m"
        if decided:
            assert _decided(report, focus), category
            assert kind not in _kinds(report, focus), category
        else:
            assert kind in _kinds(report, focus), category


@pytest.mark.parametrize(("index", "category"), list(enumerate(CONTACTS)))
def test_a_contact_metal_with_cadmium_is_of_no_kind_entry_23_names(report, index, category):
    """A silver-cadmium oxide contact (RoHS Annex III 8(b)) is no plastic material, paint or brazing filler: as
    "electrical contact" alone it was unknown for 23(1) (a review of 2026-12-07)."""
    assert not _kinds(report, f"contact{index}-m"), category
    assert not _decided(report, f"contact{index}-m"), category


@pytest.mark.parametrize(("index", "category"), list(enumerate(PAINT_OUT)))
def test_cadmium_in_a_material_ruled_out_of_paint_is_decided(report, index, category):
    assert "paint" not in _kinds(report, f"paintout{index}-m"), category


def test_the_lists_of_what_rules_a_kind_out():
    """A paint does not rule plastic material (23(1)) out (a PVC coating), a plastic does not rule paint out (its
    binder); every kind an Annex XVII term names has a list, of class names that exist."""
    from rdflib import Graph, Literal, Namespace

    from complygraph.graph.shacl.packs import shapes_dir

    cg = Namespace("https://w3id.org/complygraph/ontology#")
    g = Graph().parse(shapes_dir() / "data" / "material-classes.ttl")

    def ruled_out(kind: str) -> set[str]:
        (node,) = list(g.subjects(cg.className, Literal(kind)))
        return {str(o) for o in g.objects(node, cg.ruledOutByClass)}

    assert "paint" not in ruled_out("plastic")  # a PVC "wire coating" is plastic material
    assert "plastic" not in ruled_out("pvc") and "paint" not in ruled_out("pvc")  # a plastic or a coating may be PVC
    assert "leather" not in ruled_out("pvc") | ruled_out("plastic")  # imitation leather is of the leather class
    assert not {"plastic", "other plastic", "non-pvc polymer", "pvc"} & ruled_out("paint")  # a paint's binder
    names = {str(o) for o in g.objects(None, cg.className)}
    for kind in _annex_xvii_kinds():
        assert ruled_out(kind), kind  # without its list, every material not of the kind would be unknown
        assert ruled_out(kind) <= names, kind  # every name is a class
        assert kind not in ruled_out(kind)


def _annex_xvii_kinds() -> set[str]:
    """The kinds of material the Annex XVII terms give a row (a basis "by weight of the X" or a condition)."""
    import csv

    from complygraph.loaders.annex_xvii import TERMS
    from complygraph.loaders.catalog import data_dir

    with open(data_dir() / "echa" / TERMS, encoding="utf-8") as f:
        kinds = {row["value"] for row in csv.DictReader(f) if row["means"] in ("share", "material") and row["value"]}
    assert {"pvc", "plastic", "paint", "leather", "brazing filler"} <= kinds
    return kinds


def test_pyshacl_agrees(tmp_path):
    names = [*PVC_OPEN[:3], *PVC_OUT[:4]]
    parts = [part(f"p{i}", 1000, material(f"p{i}-m", 1000, sub(PB, "2"), category=c)) for i, c in enumerate(names)]
    small = build(tmp_path, parts, LISTS, products=[product("article", "", *[p["id"] for p in parts])])
    ours, reference = compare_with_pyshacl(small, PACK, AT)
    assert ours == reference
    assert {key for key in ours if "MaterialKindUnknown" in str(key)}
