"""Missing or wrong inputs stop with exit 2 and say what is missing and how to get it; before, each of
these answered as if nothing were wrong (issue: no false pass)."""

from __future__ import annotations

from typer.testing import CliRunner

from complygraph.cli import app
from complygraph.loaders.catalog import data_dir

from .shacl_cases import build, material, part, sub

runner = CliRunner()


def test_read_only_commands_refuse_a_path_that_holds_no_store_and_create_nothing(tmp_path):
    typo = tmp_path / "no-such-store"
    for args in (["validate"], ["lists"], ["query", "SELECT * WHERE { ?s ?p ?o }"],
                 ["impact", "--list", "eu-reach-svhc", "--from", "2025-06-25", "--to", "2026-02-04"],
                 ["list-diff", "--list", "eu-reach-svhc", "--from", "2025-06-25", "--to", "2026-02-04"]):
        result = runner.invoke(app, [*args, "--store", str(typo)])
        assert result.exit_code == 2, (args, result.output)
        assert "no store at" in result.output and "load-lists" in result.output, args
        assert not typo.exists(), args


def test_a_store_path_that_is_a_file_is_an_error_not_a_traceback(tmp_path):
    file = tmp_path / "store.txt"
    file.write_text("not a store")
    for args in (["lists"], ["load-lists", "--list", "eu-pops"]):
        result = runner.invoke(app, [*args, "--store", str(file)])
        assert result.exit_code == 2 and "is a file, not a store directory" in result.output, result.output


def test_impact_and_list_diff_refuse_an_unknown_list_naming_the_known_ones(tmp_path):
    store = str(tmp_path / "s")
    assert runner.invoke(app, ["load-lists", "--store", store, "--list", "eu-pops"]).exit_code == 0
    for command in ("impact", "list-diff"):
        result = runner.invoke(app, [command, "--list", "eu-reach-svch", "--from", "2025-06-25", "--to",
                                     "2026-02-04", "--store", store])
        assert result.exit_code == 2, result.output
        assert "unknown list 'eu-reach-svch'" in result.output and "eu-pops" in result.output


def test_load_list_refuses_another_lists_export_naming_what_it_looks_like(tmp_path):
    store = str(tmp_path / "s")
    pops = data_dir() / "echa" / "pops_list_full.xlsx"
    result = runner.invoke(app, ["load-list", "eu-reach-svhc", str(pops), "--store", store])
    assert result.exit_code == 2, result.output
    assert "not ECHA's Candidate List export" in result.output and "looks like ECHA's POPs list" in result.output
    candidates = data_dir() / "echa" / "candidate_list_full.xlsx"
    result = runner.invoke(app, ["load-list", "eu-pops", str(candidates), "--store", store])
    assert result.exit_code == 2 and "looks like ECHA's Candidate List" in result.output, result.output
    listed = runner.invoke(app, ["lists", "--store", store])
    assert "eu-reach-svhc" not in listed.output and "eu-pops" not in listed.output


def test_validate_refuses_a_store_without_parts(tmp_path):
    store = str(tmp_path / "s")
    assert runner.invoke(app, ["load-lists", "--store", store, "--list", "eu-rohs-annex-ii"]).exit_code == 0
    result = runner.invoke(app, ["validate", "--store", store, "--pack", "eu-rohs", "--at", "2026-11-23"])
    assert result.exit_code == 2 and "holds nothing the selected packs validate" in result.output, result.output
    assert "HomogeneousMaterial" in result.output


def test_validate_of_every_default_pack_refuses_a_store_that_holds_only_the_lists(tmp_path):
    """QA9 B06: the data-quality pack targets substances too, and the lists bring their own, so a store whose import
    was refused (only the lists in it) validated "compliant: True", exit 0, with every default pack. The README:
    a store with nothing the packs validate stops with exit 2."""
    store = str(tmp_path / "s")
    assert runner.invoke(app, ["load-lists", "--store", store]).exit_code == 0
    result = runner.invoke(app, ["validate", "--store", store, "--at", "2026-11-23"])
    assert result.exit_code == 2 and "holds nothing the selected packs validate" in result.output, result.output
    named = result.output.split("(no ", 1)[1].split(")", 1)[0].split(", ")
    assert "Substance" not in named and "Part" in named, named


def _store_with_a_leaded_part(tmp_path) -> str:
    build(tmp_path / "d", [part("x", 1000, material("mx", 1000, sub("7439-92-1", 2)))], [])
    store = str(tmp_path / "s")
    assert runner.invoke(app, ["import", str(tmp_path / "d" / "data"), "--store", store]).exit_code == 0
    return store


def test_validate_refuses_when_a_packs_list_is_not_loaded(tmp_path):
    """The part holds 2,000 ppm lead: without RoHS Annex II loaded, eu-rohs found nothing and said conforms."""
    store = _store_with_a_leaded_part(tmp_path)
    result = runner.invoke(app, ["validate", "--store", store, "--pack", "eu-rohs", "--at", "2026-11-23"])
    assert result.exit_code == 2, result.output
    assert "needs list eu-rohs-annex-ii" in result.output and "load-lists --list eu-rohs-annex-ii" in result.output


def test_validate_refuses_a_date_before_the_first_version_of_a_packs_list(tmp_path):
    store = _store_with_a_leaded_part(tmp_path)
    assert runner.invoke(app, ["load-lists", "--store", store, "--list", "eu-rohs-annex-ii"]).exit_code == 0
    early = runner.invoke(app, ["validate", "--store", store, "--pack", "eu-rohs", "--at", "1990-01-01"])
    assert early.exit_code == 2 and "no version in force on 1990-01-01" in early.output, early.output
    ok = runner.invoke(app, ["validate", "--store", store, "--pack", "eu-rohs", "--at", "2026-11-23"])
    assert ok.exit_code == 1 and "eu-rohs: 1 Violation" in ok.output, ok.output


def test_graphql_validate_on_a_store_with_nothing_to_validate_is_a_coded_error_not_a_pass():
    import asyncio

    from complygraph.api.dataloaders import Loaders
    from complygraph.api.schema import schema
    from complygraph.graph import open_store
    from complygraph.loaders.catalog import load_list

    store = open_store(None)
    load_list(store, "eu-rohs-annex-ii")
    context = {"store": store, "loaders": Loaders(store), "request": None, "cache": None}
    result = asyncio.run(schema.execute('{ validate(packs: ["eu-rohs"]) { compliant } }', context_value=context))
    error = result.errors[0]
    assert error.extensions["code"] == "MISSING_INPUT" and "holds nothing the selected packs validate" in error.message
    parts = asyncio.run(schema.execute('{ parts(nonCompliantWith: "eu-rohs") { edges { cursor } } }',
                                       context_value=context))
    assert parts.errors[0].extensions["code"] == "MISSING_INPUT"


def test_a_list_loaded_from_an_older_shipped_copy_is_named_in_a_warning(tmp_path):
    """The SVHC list complygraph ships was retrieved on 2026-03-11 (data/lists.toml); a store loaded from an
    older copy gets a warning to reload it, the day before counts, the same day does not."""
    from complygraph.graph import open_store
    from complygraph.loaders.catalog import load_list, stale_lists

    store = open_store(None)
    load_list(store, "eu-reach-svhc")
    assert stale_lists(store, ["eu-reach-svhc"]) == []
    store.update("""DELETE { ?src dct:created ?d } INSERT { ?src dct:created "2026-03-10"^^xsd:date }
                    WHERE { ?src dct:created ?d }""")
    warnings = stale_lists(store, ["eu-reach-svhc"])
    assert len(warnings) == 1 and "retrieved on 2026-03-10" in warnings[0] and "2026-03-11" in warnings[0]
    assert "load-lists --list eu-reach-svhc" in warnings[0]


def test_a_misnamed_file_in_an_import_folder_is_refused_not_dropped(tmp_path):
    """`certification.csv` for `certifications.csv` was skipped, its records dropped, exit 0 (a QA run,
    2026-12-06). A misnamed `substance.csv` would drop every composition and let the parts pass."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "suppliers.csv").write_text("supplier_id,name\nS1,Acme\n")
    (folder / "substance.csv").write_text("material_id,cas,amount,unit\nM1,7439-92-1,5000,ppm\n")
    (folder / "README.md").write_text("notes are not data")
    store = tmp_path / "store"
    result = runner.invoke(app, ["import", str(folder), "--store", str(store)])
    assert result.exit_code == 2, result.output
    assert "substance.csv" in result.output and "did you mean substances.csv?" in result.output, result.output
    (folder / "substance.csv").rename(folder / "rejections-20261206-070000.csv")  # an earlier batch's report
    assert runner.invoke(app, ["import", str(folder), "--store", str(store)]).exit_code == 0


def test_a_csv_with_bare_cr_line_ends_and_no_utf8_is_an_error_not_a_traceback(tmp_path):
    """An old Mac "CSV" (Latin-1, lines ended by CR alone): locating the bad byte parsed the line with the csv
    module, which raised on the CR, and the import ended in a traceback with exit 1 (a QA run, 2026-12-06)."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "suppliers.csv").write_bytes("supplier_id,name\rS1,Soci\xe9t\xe9 G\xe9n\xe9rale\r".encode("latin-1"))
    result = runner.invoke(app, ["import", str(folder), "--store", str(tmp_path / "store")])
    assert result.exit_code == 2, result.output
    assert "suppliers.csv" in result.output and "not UTF-8" in result.output, result.output


def test_query_refuses_a_construct_or_ask_naming_the_form_not_a_traceback(tmp_path):
    """`query` prints a SELECT's rows; a CONSTRUCT or DESCRIBE ended in a traceback with exit 1 (a QA run)."""
    store = tmp_path / "store"
    assert runner.invoke(app, ["load-lists", "--list", "eu-rohs-annex-ii", "--store", str(store)]).exit_code == 0
    for text, form in (("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "a CONSTRUCT"), ("ASK { ?s ?p ?o }", "an ASK"),
                       ("PREFIX s: <urn:select:> DESCRIBE s:x", "a DESCRIBE")):
        result = runner.invoke(app, ["query", text, "--store", str(store)])
        assert result.exit_code == 2 and f"this is {form} query" in result.output, result.output
    assert runner.invoke(app, ["query", "SELECT (1 AS ?x) WHERE {}", "--store", str(store)]).exit_code == 0


def test_validate_says_beside_compliant_true_that_a_status_is_unknown(tmp_path):
    """A tetraBDE congener the identifier database does not know (BDE-47, 5436-43-1) cannot be placed in the PBDE
    group: no Violation, a data-quality warning, so the summary's "compliant: True" read as a pass (a QA run,
    2026-12-06). The summary now counts the results that leave a status unknown."""
    build(tmp_path / "d", [part("x", 1000, material("mx", 1000, sub("5436-43-1", 2)))], [])
    store = str(tmp_path / "s")
    assert runner.invoke(app, ["load-lists", "--store", store, "--list", "eu-rohs-annex-ii"]).exit_code == 0
    assert runner.invoke(app, ["import", str(tmp_path / "d" / "data"), "--store", store]).exit_code == 0
    result = runner.invoke(app, ["validate", "--store", store, "--pack", "eu-rohs", "--pack", "data-quality",
                                 "--at", "2026-11-23"])
    assert "compliant: True" in result.output and "status unknown: 1 result leaves" in result.output, result.output
    assert "SubstanceIdentity" in result.output


def test_a_list_loaded_with_an_older_rules_file_is_named_in_a_warning():
    """Membership is written at list load: a store loaded before the HBCDD rules of 2026-12-06 kept passing
    HBCDD 25637-99-4 after an upgrade, with no warning (the export's retrieval date had not changed)."""
    from complygraph.graph import open_store
    from complygraph.loaders.catalog import load_list, stale_companions
    from complygraph.loaders.listmodel import SourceFile

    store = open_store(None)
    load_list(store, "eu-pops")
    assert stale_companions(store, ["eu-pops"]) == []
    rules = SourceFile(data_dir() / "echa" / "pops-membership-rules.ttl", None, None).iri
    store.update(f"DELETE WHERE {{ ?list prov:wasDerivedFrom <{rules.value}> }}")
    [warning] = stale_companions(store, ["eu-pops"])
    assert "pops-membership-rules.ttl" in warning and "load-lists --list eu-pops" in warning


def test_an_exemption_of_an_unknown_list_is_refused_naming_the_known_ones(tmp_path):
    """`eu-foo:99(z)` in the exemption column was stored as a claim of nothing and exit 0 (a QA run)."""
    import pytest

    from complygraph.loaders.errors import InputError

    with pytest.raises(InputError) as refused:
        build(tmp_path / "d", [part("x", 1000, material("mx", 1000, sub("7439-92-1", 2, exemption="eu-foo:99(z)")))],
              [])
    text = str(refused.value)
    assert "substances.csv:2" in text and "unknown exemption list 'eu-foo'" in text, text
    assert "eu-rohs-annex-iii, eu-rohs-annex-iv" in text


def test_an_unknown_list_id_is_named_as_the_list_id_not_as_a_line_of_lists_toml(tmp_path):
    """Regression (QA B15): "lists.toml: list: unknown list 'eu-foo'" named the catalogue file as if it were wrong."""
    for args in (["load-lists", "--list", "eu-foo"], ["load-list", "eu-foo", str(tmp_path / "x.csv")]):
        result = runner.invoke(app, [*args, "--store", str(tmp_path / "s")])
        assert result.exit_code == 2, result.output
        assert "list id: eu-foo: not a list of the catalogue" in result.output and "eu-rohs-annex-iv" in result.output
        assert "lists.toml:" not in result.output


def test_a_reversed_date_range_and_an_output_the_format_cannot_fill_are_refused(tmp_path):
    """Regression (QA4 B6-B8): `impact --from` after `--to` listed the additions as removals; `impact --format
    text --out F` exited 0 and wrote nothing; `scip --out x.xlsx --format csv` wrote CSV into x.xlsx."""
    store = str(tmp_path / "s")
    assert runner.invoke(app, ["load-lists", "--store", store, "--list", "eu-reach-svhc"]).exit_code == 0
    for command in ("impact", "list-diff"):
        result = runner.invoke(app, [command, "--list", "eu-reach-svhc", "--from", "2026-02-04", "--to",
                                     "2025-06-25", "--store", store])
        assert result.exit_code == 2 and "--from 2026-02-04 is after --to 2025-06-25" in result.output, command
    same_day = runner.invoke(app, ["list-diff", "--list", "eu-reach-svhc", "--from", "2026-02-04", "--to",
                                   "2026-02-04", "--store", store])
    assert same_day.exit_code == 0, same_day.output  # an empty range at one day is a range
    text_out = runner.invoke(app, ["impact", "--list", "eu-reach-svhc", "--from", "2025-06-25", "--to", "2026-02-04",
                                   "--out", str(tmp_path / "i.txt"), "--store", store])
    assert text_out.exit_code == 2 and "--out writes csv, json or xlsx" in text_out.output
    scip = runner.invoke(app, ["scip", "--out", str(tmp_path / "x.xlsx"), "--format", "csv", "--store", store])
    assert scip.exit_code == 2 and "--format is csv" in " ".join(scip.output.split())
    assert not (tmp_path / "x.xlsx").exists()
