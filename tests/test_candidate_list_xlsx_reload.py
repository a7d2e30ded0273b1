"""Reloading the Candidate List from ECHA's xlsx export alone, the documented monthly step, keeps every substance
(QA10 B01). The xlsx gives some single-substance entries without CAS or EC number ("-": tris(2-methoxyethoxy)
vinylsilane 1067-53-4 and 6,6'-di-tert-butyl-2,2'-methylenedi-p-cresol 119-47-1, both listed on 17 January 2022):
read alone, they lost their substance, and articles holding 0.5 % of either, with REACH Art. 7(2) and 33 duties,
passed. Their identifiers now come from the shipped CSV export by the entry's name, as group members already did."""

from __future__ import annotations

from typer.testing import CliRunner

from complygraph.cli import app
from complygraph.loaders.catalog import data_dir

from .shacl_cases import build, material, part, product, sub

runner = CliRunner()
SILANE, CRESOL = "1067-53-4", "119-47-1"


def _flagged(store: str) -> set[str]:
    import json

    result = runner.invoke(app, ["validate", "--store", store, "--pack", "eu-reach-svhc", "--at", "2026-12-07",
                                 "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    return {r["part_id"] for r in json.loads(result.stdout)["results"] if r["shape"].endswith("#ArticleThreshold")}


def test_entries_the_xlsx_gives_without_numbers_keep_their_substance_after_a_reload(tmp_path):
    build(tmp_path, [part("SEALANT", 10000, material("m-sealant", 10000, sub(SILANE, 50))),
                     part("FOOT", 10000, material("m-foot", 10000, sub(CRESOL, 50))),
                     part("UNDER", 10000, material("m-under", 10000, sub(CRESOL, 10)))],  # exactly 0.1 %: not above
          ["eu-reach-svhc"], products=[product("keyboard", "3", "SEALANT", "FOOT", "UNDER")])
    store = str(tmp_path / "store")
    assert runner.invoke(app, ["load-lists", "--store", store, "--list", "eu-reach-svhc"]).exit_code == 0
    assert runner.invoke(app, ["import", str(tmp_path / "data"), "--store", store]).exit_code == 0
    assert _flagged(store) == {"SEALANT", "FOOT"}
    xlsx = data_dir() / "echa" / "candidate_list_full.xlsx"
    reload = runner.invoke(app, ["load-list", "eu-reach-svhc", str(xlsx), "--store", store])
    assert reload.exit_code == 0, reload.output
    assert "no CAS or EC number" in reload.output
    assert _flagged(store) == {"SEALANT", "FOOT"}


def test_a_new_group_entry_without_a_membership_rule_is_warned_of(tmp_path):
    """QA10 B03: a new Candidate List entry "... and its salts" reaches only the substances the export names; with
    no membership rule for it, validation says so instead of presenting the answer as complete."""
    from complygraph.graph import open_store
    from complygraph.loaders.catalog import list_warnings, load_reference

    store = open_store(None)
    load_reference(store, ["eu-reach-svhc"])
    store.update("""INSERT DATA {
        <urn:x:entry> cg:inList <https://w3id.org/complygraph/id/list/eu-reach-svhc> ;
                      rdfs:label "Perfluoropentanoic acid (PFPeA) and its salts" ;
                      cg:concerns <https://w3id.org/complygraph/id/substance/cas/2706-90-3> }""")
    warned = [w for w in list_warnings(store, ["eu-reach-svhc"]) if "no membership rule is known" in w]
    assert len(warned) == 1 and "Perfluoropentanoic acid (PFPeA) and its salts" in warned[0]
    # a group the shipped rules reach is not named: PFHxS and its salts
    assert "Perfluorohexane-1-sulphonic acid and its salts" not in warned[0]


def test_the_csv_exports_adjacent_quoted_reasons_are_separate_reasons(tmp_path):
    """QA10 B06: ECHA's CSV export gives 1,4-dioxane's three reasons as one cell of adjacent quoted strings
    ("A""B""C"); loaded from the CSV alone they were one garbled reason."""
    from pyoxigraph import NamedNode

    from complygraph.graph import open_store

    store = str(tmp_path / "store")
    csv = data_dir() / "echa" / "candidate-list-of-svhc-for-authorisation-export.csv"
    loaded = runner.invoke(app, ["load-list", "eu-reach-svhc", str(csv), "--store", store])
    assert loaded.exit_code == 0, loaded.output
    s = open_store(store, create=False)
    try:
        reasons = {r["reason"].value for r in s.select(
            "SELECT ?reason WHERE { ?e cg:inList ?l ; cg:reason ?reason ; cg:concerns ?s }",
            {"s": NamedNode("https://w3id.org/complygraph/id/substance/cas/123-91-1")})}
    finally:
        s.close()
    assert reasons == {"Carcinogenic (Article 57a)",
                       "Equivalent level of concern having probable serious effects to human health (Article 57(f) - "
                       "human health)",
                       "Equivalent level of concern having probable serious effects to the environment (Article 57(f) "
                       "- environment)"}, reasons


def test_list_diff_from_before_the_first_version_says_every_entry_counts_as_added(tmp_path):
    """QA10 B08: `list-diff --from 1990-01-01` listed every entry as added and said nothing."""
    store = str(tmp_path / "store")
    assert runner.invoke(app, ["load-lists", "--store", store, "--list", "eu-reach-svhc"]).exit_code == 0
    early = runner.invoke(app, ["list-diff", "--list", "eu-reach-svhc", "--from", "1990-01-01", "--to", "2008-10-28",
                                "--store", store])
    assert early.exit_code == 0 and "has no version before 2008-10-28" in early.output, early.output
    later = runner.invoke(app, ["list-diff", "--list", "eu-reach-svhc", "--from", "2008-10-28", "--to", "2009-01-13",
                                "--store", store])
    assert later.exit_code == 0 and "has no version before" not in later.output, later.output
