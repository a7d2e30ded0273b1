"""Bad company data is a clear error naming the file, the line and the field, and the store keeps exactly
what it held (issue 12, item 4): numbers out of range, deep JSON Lines, oversized CSV values, encodings,
JSON values of the wrong type, conflicting re-imports and BOM cycles.

Each test starts from a store holding a good data set, so that "nothing was stored" is a comparison of
everything the store holds, named graphs included, before and after.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from complygraph.graph import open_store
from complygraph.graph.shacl import validate
from complygraph.loaders.catalog import load_list
from complygraph.loaders.compositions import import_compositions
from complygraph.loaders.declarations import import_declarations
from complygraph.loaders.errors import InputError
from complygraph.loaders.survey import import_survey
from complygraph.vocab import entity_iri

from .test_compositions import GOOD, write_dataset

D = Path(__file__).parent / "declarations"
MANIFEST = {"record": "manifest", "format": "complygraph-compositions", "version": "1.0"}


def everything(store) -> set[str]:
    """Every triple of the store, with its graph, except the revision kept in the meta graph."""
    return {f"{r.get('g', '')} {r['s']} {r['p']} {r['o']}" for r in store.select(
        "SELECT * WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } FILTER(?g != <urn:complygraph:meta>) } }")}


@pytest.fixture
def stored(tmp_path):
    """A store holding the good data set (without its BOM, so that tests can add BOM lines)."""
    store = open_store(None)
    import_compositions(store, write_dataset(tmp_path / "good", **{"bom.csv": None}))
    return store


def refused(store, source: Path) -> InputError:
    """Import `source`, expect it refused, check that the store is unchanged, and return the error."""
    before = everything(store)
    with pytest.raises(InputError) as info:
        import_compositions(store, source)
    assert "nothing was stored" in str(info.value)
    assert everything(store) == before
    return info.value


def one_problem(error: InputError, file: str, line: int, field: str | None, *words: str):
    """The error's problem on `file`:`line` for `field`, whose reason holds every one of `words`."""
    found = [p for p in error.problems if p.file.endswith(file) and p.line == line and p.field == field]
    assert found, f"no problem at {file}:{line} {field}: {[str(p) for p in error.problems]}"
    for word in words:
        assert word in found[0].reason, str(found[0])
    return found[0]


def jsonl(path: Path, *records: dict | str) -> Path:
    lines = [json.dumps(MANIFEST)] + [r if isinstance(r, str) else json.dumps(r) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------ numbers out of range
# Before: 9e999999 g overflowed Python's decimals (decimal.Overflow, a traceback); 1e30 mg, 2,000 t and a
# mass with 20 decimals were stored, as literals Oxigraph cannot compare.
@pytest.mark.parametrize("mass, unit, words", [
    ("9e999999", "g", ("out of range", "9e999999")),
    ("1e30", "mg", ("out of range",)),
    ("2000000", "kg", ("more than 1,000 t",)),
    ("2.00000000000000000001", "g", ("more than 12 digits after the decimal point",)),
], ids=["decimal-overflow", "1e30", "2000t", "20-decimals"])
def test_a_part_mass_out_of_range_is_refused_naming_its_field(stored, tmp_path, mass, unit, words):
    parts = GOOD["parts.csv"].replace("P1,Brass pin,S1,2,g", f"P1,Brass pin,S1,{mass},{unit}")
    error = refused(stored, write_dataset(tmp_path / "bad", **{"parts.csv": parts}))
    one_problem(error, "parts.csv", 2, "mass", *words)


def test_an_amount_out_of_range_is_refused(stored, tmp_path):
    """Before: 9e999999 kg of lead in 2 g of brass overflowed while converting to mg."""
    subs = GOOD["substances.csv"].replace("M1,7439-92-1,Lead,60,mg", "M1,7439-92-1,Lead,9e999999,kg")
    error = refused(stored, write_dataset(tmp_path / "bad", **{"substances.csv": subs}))
    one_problem(error, "substances.csv", 2, "amount", "out of range")


def test_a_bom_quantity_out_of_range_is_refused(stored, tmp_path):
    """Before: a quantity of 1e13 was stored (a mass times it leaves the range of xsd:decimal in Oxigraph)."""
    error = refused(stored, write_dataset(tmp_path / "bad", **{"bom.csv": "parent_id,child_id,quantity\nP3,P1,1e13\n"}))
    one_problem(error, "bom.csv", 2, "quantity", "out of range")
    error = refused(stored, write_dataset(tmp_path / "bad2", **{"bom.csv": "parent_id,child_id,quantity\nP3,P1,2e6\n"}))
    one_problem(error, "bom.csv", 2, "quantity", "the most a quantity may be")


def test_a_jsonl_integer_longer_than_python_converts_is_out_of_range(stored, tmp_path):
    """Before: json.loads raised ValueError ("Exceeds the limit (4300 digits) for integer string
    conversion"), a traceback."""
    source = jsonl(tmp_path / "big.jsonl", {"record": "supplier", "supplier_id": "S9", "name": "Acme"},
                   '{"record": "part", "part_id": "P9", "name": "Pin", "supplier_id": "S9", "mass": 1'
                   + "0" * 5000 + ', "mass_unit": "g"}')
    error = refused(stored, source)
    one_problem(error, "big.jsonl", 3, "mass", "out of range", "5001 characters")


def test_negative_masses_are_refused_in_every_format(stored, tmp_path):
    """A guard, not a new check: negative masses were already refused in CSV, JSON Lines and XML."""
    source = jsonl(tmp_path / "neg.jsonl", {"record": "supplier", "supplier_id": "S9", "name": "Acme"},
                   {"record": "part", "part_id": "P9", "name": "Pin", "supplier_id": "S9", "mass": -2,
                    "mass_unit": "g"})
    one_problem(refused(stored, source), "neg.jsonl", 3, "mass", "must be positive, got -2")
    xml = tmp_path / "neg.xml"
    xml.write_text((D / "ipc-class-d.xml").read_text().replace('<Amount value="1.2" UOM="g"/>',
                                                               '<Amount value="-1.2" UOM="g"/>'))
    before = everything(stored)
    with pytest.raises(InputError) as info:
        import_declarations(stored, [xml])
    assert any("-1.2" in p.reason and p.line and p.field.endswith("Amount@value") for p in info.value.problems)
    assert everything(stored) == before


def test_a_declared_mass_out_of_range_is_refused_when_the_file_is_read(stored, tmp_path):
    """Before: 9e999999 g in an IPC-1752A Amount overflowed (decimal.Overflow) while the masses were compared."""
    xml = tmp_path / "huge.xml"
    xml.write_text((D / "ipc-class-d.xml").read_text().replace('<Amount value="1.2" UOM="g"/>',
                                                               '<Amount value="9e999999" UOM="g"/>'))
    before = everything(stored)
    with pytest.raises(InputError) as info:
        import_declarations(stored, [D / "ipc-class-c.xml", xml])
    [problem] = info.value.problems
    assert problem.file.endswith("huge.xml") and problem.line and problem.field.endswith("Amount@value")
    assert "out of range" in problem.reason
    assert everything(stored) == before, "the good file of the batch is not stored either"


# ------------------------------------------------------------------------------------ nesting, size, types
def test_deeply_nested_jsonl_is_refused_naming_the_key(stored, tmp_path):
    """Before: json.loads raised RecursionError, a traceback."""
    source = jsonl(tmp_path / "deep.jsonl", '{"record": "supplier", "supplier_id": "S9", "name": '
                   + "[" * 100_000 + "]" * 100_000 + "}")
    one_problem(refused(stored, source), "deep.jsonl", 2, "name", "nested too deeply")


def test_an_oversized_csv_value_is_refused_naming_its_line_and_column(stored, tmp_path):
    """Before: the csv module raised _csv.Error ("field larger than field limit (131072)"), a traceback."""
    parts = GOOD["parts.csv"].replace("P2,Cable,", "P2," + "x" * 200_000 + ",")
    error = refused(stored, write_dataset(tmp_path / "bad", **{"parts.csv": parts}))
    one_problem(error, "parts.csv", 3, "name", "longer than 131,072 characters")


def test_a_nul_byte_in_a_csv_file_is_refused_naming_its_line_and_column(stored, tmp_path):
    """Before: the supplier was stored with a NUL in its name (Python's csv module passes NUL since 3.11)."""
    folder = write_dataset(tmp_path / "bad")
    (folder / "suppliers.csv").write_text(GOOD["suppliers.csv"].replace("Polymer Works", "Polymer\x00Works"))
    one_problem(refused(stored, folder), "suppliers.csv", 3, "name", "a NUL character")


@pytest.mark.parametrize("value, kind", [({"first": "Brass"}, "an object"), (["Brass", "pin"], "an array")])
def test_a_jsonl_object_or_array_value_is_refused_naming_its_field(stored, tmp_path, value, kind):
    """Before: the value was stored as Python's text of it ("{'first': 'Brass'}")."""
    source = jsonl(tmp_path / "typed.jsonl", {"record": "supplier", "supplier_id": "S9", "name": "Acme"},
                   {"record": "part", "part_id": "P9", "name": value, "supplier_id": "S9", "mass": 2,
                    "mass_unit": "g"})
    one_problem(refused(stored, source), "typed.jsonl", 3, "name", f"got {kind}")


def test_a_jsonl_record_kind_that_is_not_a_string_is_refused(stored, tmp_path):
    """Before: an array as the record kind raised TypeError (unhashable type: 'list'), a traceback."""
    source = jsonl(tmp_path / "kind.jsonl", {"record": ["part"], "part_id": "P9"})
    one_problem(refused(stored, source), "kind.jsonl", 2, "record", "unknown record kind")


# ------------------------------------------------------------------------------------------------ encodings
def test_a_file_that_is_not_utf8_is_refused_naming_the_file_line_column_and_encoding(stored, tmp_path):
    """Before: UnicodeDecodeError ("'utf-8' codec can't decode byte 0xfc"), naming no file."""
    folder = write_dataset(tmp_path / "bad")
    text = "supplier_id,name,country\nS1,Acme Metals,JP\nS2,Müller Präzision GmbH,DE\n"
    (folder / "suppliers.csv").write_bytes(text.encode("cp1252"))
    problem = one_problem(refused(stored, folder), "suppliers.csv", 3, "name", "not UTF-8", "byte 0xfc",
                          "the encoding detected is")
    assert "Save the file as UTF-8" in problem.reason


def test_a_shift_jis_file_is_read_when_its_encoding_is_certain(tmp_path):
    """Before: UnicodeDecodeError. A CSV saved by Japanese Excel (code page 932) is read as such."""
    store = open_store(None)
    folder = write_dataset(tmp_path / "sjis")
    parts = GOOD["parts.csv"].replace("Brass pin", "真鍮ピン").replace("Board assembly", "基板アセンブリ①")
    (folder / "parts.csv").write_bytes(parts.encode("cp932"))
    import_compositions(store, folder)
    rows = store.select("SELECT ?n WHERE { ?p rdfs:label ?n }", {"p": entity_iri("part", "P1")})
    assert [r["n"].value for r in rows] == ["真鍮ピン"]
    rows = store.select("SELECT ?n WHERE { ?p rdfs:label ?n }", {"p": entity_iri("part", "P3")})
    assert [r["n"].value for r in rows] == ["基板アセンブリ①"]


def test_bytes_that_only_decode_as_cp932_by_chance_are_refused_naming_the_guess(stored, tmp_path):
    """Latin-1 "ÄÖÜ" decodes as CP932 half-width katakana, and the detector even guesses CP932: without a
    full-width Japanese character that is no certainty. Before: UnicodeDecodeError."""
    folder = write_dataset(tmp_path / "bad")
    (folder / "suppliers.csv").write_bytes("supplier_id,name\nS2,ÄÖÜ GmbH\nS1,Acme\n".encode("latin-1"))
    one_problem(refused(stored, folder), "suppliers.csv", 2, "name", "not UTF-8", "the encoding detected is cp932",
                "no full-width Japanese character", "not certain")


# -------------------------------------------------------------------------------------------------- re-imports
def test_a_conflicting_reimport_is_refused_naming_both_values(stored, tmp_path):
    """Before: the part kept both names and both masses (two rdfs:label, two cg:massMg)."""
    parts = GOOD["parts.csv"].replace("P1,Brass pin,S1,2,g", "P1,Steel pin,S1,3,g")
    subs = GOOD["substances.csv"].replace("M1,7439-92-1,Lead,60,mg", "M1,7439-92-1,Lead,70,mg")
    error = refused(stored, write_dataset(tmp_path / "again", **{"parts.csv": parts, "substances.csv": subs,
                                                                  "bom.csv": None}))
    one_problem(error, "parts.csv", 2, "name", "stored with name 'Brass pin'", "gives 'Steel pin'")
    one_problem(error, "parts.csv", 2, "mass", "stored with mass '2000 mg'", "gives '3000 mg'")
    one_problem(error, "substances.csv", 2, "amount", "stored with amount '60'", "gives '70'")
    assert len(error.problems) == 3
    rows = stored.select("SELECT ?n ?m WHERE { ?p rdfs:label ?n ; cg:massMg ?m }", {"p": entity_iri("part", "P1")})
    assert [(r["n"].value, r["m"].value) for r in rows] == [("Brass pin", "2000")]


def test_a_material_moved_to_another_part_or_a_changed_quantity_is_refused(tmp_path):
    """Before: the material belonged to two parts and the BOM line had two quantities."""
    store = open_store(None)
    import_compositions(store, write_dataset(tmp_path / "good"))
    materials = GOOD["materials.csv"].replace("M1,P1,Brass", "M1,P2,Brass")
    bom = GOOD["bom.csv"].replace("P3,P1,4", "P3,P1,5")
    error = refused(store, write_dataset(tmp_path / "again", **{"materials.csv": materials, "bom.csv": bom,
                                                                 "substances.csv": None}))
    one_problem(error, "materials.csv", 2, "part_id", "stored with part_id 'P1'", "gives 'P2'")
    one_problem(error, "bom.csv", 3, "quantity", "stored with quantity '4'", "gives '5'")


def test_the_same_data_set_again_changes_no_fact(stored, tmp_path):
    """A guard: re-importing identical values is accepted and adds nothing but the new import's provenance."""
    import_compositions(stored, write_dataset(tmp_path / "same", **{"bom.csv": None}))
    rows = stored.select("SELECT ?n ?m WHERE { ?p rdfs:label ?n ; cg:massMg ?m }", {"p": entity_iri("part", "P1")})
    assert [(r["n"].value, r["m"].value) for r in rows] == [("Brass pin", "2000")]


# ------------------------------------------------------------------------------------------------- BOM cycles
def test_a_two_part_bom_cycle_is_refused_naming_it(stored, tmp_path):
    """A contains B contains A. Before: stored."""
    bom = "parent_id,child_id,quantity\nP3,P1,4\nP1,P3,1\n"
    error = refused(stored, write_dataset(tmp_path / "cycle", **{"bom.csv": bom}))
    one_problem(error, "bom.csv", 3, "child_id", "BOM cycle P1 -> P3 -> P1")


def test_a_three_part_bom_cycle_is_refused_naming_the_parts_in_order(stored, tmp_path):
    """A -> B -> C -> A. Before: stored."""
    bom = "parent_id,child_id,quantity\nPRD1,P3,1\nP3,P1,1\nP1,P2,1\nP2,P3,1\n"
    error = refused(stored, write_dataset(tmp_path / "cycle", **{"bom.csv": bom}))
    [problem] = error.problems
    assert (problem.line, problem.field) == (5, "child_id")
    assert "BOM cycle P2 -> P3 -> P1 -> P2" in problem.reason


def test_a_bom_line_that_closes_a_cycle_with_stored_lines_is_refused(tmp_path):
    """The stored BOM has P3 -> P1; a later data set adds P1 -> P3. Before: stored."""
    store = open_store(None)
    import_compositions(store, write_dataset(tmp_path / "good"))
    error = refused(store, write_dataset(tmp_path / "later", **{"bom.csv": "parent_id,child_id,quantity\nP1,P3,1\n"}))
    [problem] = error.problems
    assert problem.file.endswith("bom.csv") and (problem.line, problem.field) == (2, "child_id")
    assert "BOM cycle P1 -> P3 -> P1" in problem.reason


def test_a_declared_sub_product_that_closes_a_cycle_is_refused(tmp_path):
    """A compositions import stored KC-100/KC-100-LATCH as an assembly containing KC-100; the declaration of
    KC-100 declares that latch as its sub-product. Before: both BOM lines were stored."""
    store = open_store(None)
    folder = write_dataset(tmp_path / "comp", **{
        "suppliers.csv": "supplier_id,name\nKC,Kobe Connectors Ltd.\n", "products.csv": None,
        "parts.csv": "part_id,name,supplier_id,mass,mass_unit,item_number\nKC-100,Connector,KC,2.5,g,KC-100\n"
                     "KC-100/KC-100-LATCH,Latch,KC,100,mg,\n",
        "materials.csv": None, "substances.csv": None,
        "bom.csv": "parent_id,child_id,quantity\nKC-100/KC-100-LATCH,KC-100,1\n"})
    import_compositions(store, folder)
    before = everything(store)
    with pytest.raises(InputError) as info:
        import_declarations(store, [D / "ipc-class-d.xml"])
    [problem] = info.value.problems
    assert problem.file.endswith("ipc-class-d.xml") and problem.line and problem.field == "ProductID"
    assert "BOM cycle KC-100 -> KC-100/KC-100-LATCH -> KC-100" in problem.reason
    assert everything(store) == before


def test_the_data_quality_pack_finds_a_bom_cycle_from_any_source(stored):
    """Lines written straight to the store (another tool), A -> B -> C -> A: each part of the loop is a
    result naming the loop's parts. Before: no shape looked for cycles."""
    lines = [("P1", "P2"), ("P2", "P3"), ("P3", "P1")]
    stored.update("INSERT DATA { " + " ".join(
        f"<urn:x:bom:{a}{b}> a cg:BomUsage ; cg:parent {entity_iri('part', a)} ; cg:child {entity_iri('part', b)} ; "
        "cg:quantity 1.0 ." for a, b in lines) + " }")
    report = validate(stored, ["data-quality"], dt.date(2026, 6, 1))
    found = {str(r.focus).strip("<>"): str(r.message) for r in report.results if "BomCycle" in str(r.shape)}
    assert set(found) == {entity_iri("part", p).value for p in ("P1", "P2", "P3")}
    assert all(set(m.rsplit("parts ", 1)[1].split(", ")) == {"P1", "P2", "P3"} for m in found.values())


# ----------------------------------------------------------------------------- control characters in any text file
# NUL and the C0 controls but tab, LF and CR cannot be written to XML (exports, RDF/XML, the SHACL report).
# Before: stored from surveys and list files, and from compositions every control character but NUL.
def test_a_control_character_in_a_quoted_multi_line_value_names_the_line_it_is_on(stored, tmp_path):
    parts = GOOD["parts.csv"].replace("P2,Cable,", 'P2,"Cable\nfor the \x07 bell",')
    error = refused(stored, write_dataset(tmp_path / "bad", **{"parts.csv": parts}))
    one_problem(error, "parts.csv", 4, "name", "the control character U+0007", "XML and RDF exports cannot carry it")
    assert len(error.problems) == 1
    store = open_store(None)  # the guard: tab, CR and LF are characters like any other
    import_compositions(store, write_dataset(tmp_path / "ok", **{"parts.csv": parts.replace("\x07", "\tred\r")}))
    rows = store.select("SELECT ?n WHERE { ?p rdfs:label ?n }", {"p": entity_iri("part", "P2")})
    assert [r["n"].value for r in rows] == ["Cable\nfor the \tred\r bell"]


def test_every_value_holding_one_is_named_and_a_header_by_its_column_number(stored, tmp_path):
    folder = write_dataset(tmp_path / "bad")
    text = GOOD["suppliers.csv"].replace("country", "coun\x1btry").replace("Acme", "Ac\x0bme").replace(",DE", ",D\x1fE")
    (folder / "suppliers.csv").write_text(text, encoding="utf-8")
    error = refused(stored, folder)
    one_problem(error, "suppliers.csv", 1, "column 3", "U+001B")
    one_problem(error, "suppliers.csv", 2, "name", "U+000B")
    one_problem(error, "suppliers.csv", 3, "country", "U+001F")  # the header's name without the character
    assert len(error.problems) == 3


def test_a_utf16_file_without_a_byte_order_mark_is_refused_as_nul_characters(stored, tmp_path):
    folder = write_dataset(tmp_path / "bad")
    (folder / "suppliers.csv").write_bytes(GOOD["suppliers.csv"].encode("utf-16-le"))
    one_problem(refused(stored, folder), "suppliers.csv", 1, "column 1", "a NUL character", "UTF-16 without a byte")


def test_a_nul_in_jsonl_raw_or_escaped_is_refused_naming_its_key(stored, tmp_path):
    for name, record, reason in (("raw", '{"record": "supplier", "supplier_id": "S9", "name": "Ac\x00me"}', "NUL"),
                                 ("escaped", {"record": "supplier", "supplier_id": "S9", "name": "Ac\x00me"}, "NUL"),
                                 ("bell", {"record": "supplier", "supplier_id": "S9", "name": "Ac\x07me"}, "U+0007")):
        source = jsonl(tmp_path / f"{name}.jsonl", record)
        assert ("\\u0000" in source.read_text()) == (name == "escaped")
        one_problem(refused(stored, source), f"{name}.jsonl", 2, "name", reason)


def test_a_nul_in_a_survey_csv_is_refused_naming_line_and_column(tmp_path):
    store = open_store(None)
    import_compositions(store, write_dataset(tmp_path / "good"))
    survey, before = tmp_path / "survey.csv", everything(store)
    survey.write_text("part_id,date,item,present,ppm,where_used\nP1,2026-04-01,A01,no,,\n"
                      "P1,2026-04-01,A02,yes,200,solder\x00joint\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        import_survey(store, [survey])
    one_problem(info.value, "survey.csv", 3, "where_used", "a NUL character")
    assert everything(store) == before


@pytest.mark.parametrize("list_id, shipped, before, after, reason", [
    ("eu-rohs-annex-ii", "eu-rohs/annex-ii.csv", "Mercury (Hg)", "Mercury\x1b[31m (Hg)", "control character U+001B"),
    # ECHA's reader looks for the header row first: the refusal must not read as "not ECHA's ... export"
    ("eu-reach-svhc", "echa/candidate-list-of-svhc-for-authorisation-export.csv", '"Disodium octaborate"',
     '"Disodium\x00octaborate"', "a NUL character"),
], ids=["rohs-escape", "echa-nul"])
def test_a_control_character_in_a_list_file_is_refused_naming_line_and_column(tmp_path, list_id, shipped, before,
                                                                               after, reason):
    text = (Path(__file__).parents[1] / "data" / shipped).read_text(encoding="utf-8").replace(before, after, 1)
    changed = tmp_path / Path(shipped).name
    changed.write_text(text, encoding="utf-8")
    store = open_store(None)
    with pytest.raises(InputError) as info:
        load_list(store, list_id, [changed])
    line = text[:text.index(after)].count("\n") + 1
    one_problem(info.value, changed.name, line, "name", reason)
    assert len(info.value.problems) == 1 and store.count() == 0


# ------------------------------------------------------------------------ re-imports: the comparison in SPARQL
def test_a_part_stored_as_packaging_or_not_is_compared_in_both_directions(tmp_path):
    yes = GOOD["parts.csv"].replace("2025-05-01,no", "2025-05-01,yes")
    blank = GOOD["parts.csv"].replace("2025-05-01,no", "2025-05-01,")
    for first, again, was, now in ((GOOD["parts.csv"], yes, "'no'", "'yes'"),
                                   (yes, GOOD["parts.csv"], "'yes'", "'no'")):
        store = open_store(None)
        import_compositions(store, write_dataset(tmp_path / f"first{was}", **{"parts.csv": first, "bom.csv": None}))
        error = refused(store, write_dataset(tmp_path / f"again{was}", **{"parts.csv": again, "bom.csv": None}))
        one_problem(error, "parts.csv", 2, "packaging", f"stored with packaging {was}", f"gives {now}")
        assert len(error.problems) == 1
        import_compositions(store, write_dataset(tmp_path / f"blank{was}", **{"parts.csv": blank, "bom.csv": None}))


def test_the_same_number_written_otherwise_and_a_value_the_store_lacks_are_no_conflict(stored, tmp_path):
    """2 g is 2000 mg and 2000.000 mg; an item number given the second time is added."""
    parts = (GOOD["parts.csv"].replace("declaration_date,packaging", "declaration_date,packaging,item_number")
             .replace("P1,Brass pin,S1,2,g,2025-05-01,no", "P1,Brass pin,S1,2000.000,mg,2025-05-01,no,IT-1")
             .replace("2025-06-01,no\n", "2025-06-01,no,\n").replace("500,mg,,\n", "500,mg,,,\n"))
    import_compositions(stored, write_dataset(tmp_path / "same", **{"parts.csv": parts, "bom.csv": None}))
    rows = stored.select("SELECT ?m ?i WHERE { ?p cg:massMg ?m ; cg:itemNumber ?i }", {"p": entity_iri("part", "P1")})
    assert [(float(r["m"].value), r["i"].value) for r in rows] == [(2000.0, "IT-1")]

