"""Loading next month's ECHA Candidate List xlsx on its own (README: `load-list ID FILE`) keeps the members of
its group entries. The xlsx has one row per entry; the CSV export lists under "Perfluorohexane-1-sulphonic acid
and its salts" the 38 substances ECHA names. Before 2026-12-06 the xlsx alone dropped them all, with 20
warnings that the membership rules named groups the store did not hold: potassium PFHxS (3871-99-6, which the
identifier database does not know) at 0.2 % of an article was no longer reported under REACH Art. 33."""

from __future__ import annotations

import datetime as dt

from typer.testing import CliRunner

from complygraph.cli import app
from complygraph.graph.shacl import validate
from complygraph.loaders.catalog import data_dir, load_list
from complygraph.loaders.membership import unreached_rules

from .shacl_cases import build, hits, material, part, sub

XLSX = data_dir() / "echa" / "candidate_list_full.xlsx"
CSV = data_dir() / "echa" / "candidate-list-of-svhc-for-authorisation-export.csv"
AT = dt.date(2026, 11, 23)
K_PFHXS = "3871-99-6"


def _store(tmp_path):
    # 2 mg in a 1 g article: 0.2 % w/w, above the 0.1 % of REACH Art. 7(2) and 33
    return build(tmp_path, [part("p1", 1000, material("m1", 1000, sub(K_PFHXS, 2)))], ["eu-reach-svhc"])


def test_the_xlsx_alone_keeps_the_group_members_the_csv_names(tmp_path):
    store = _store(tmp_path)
    assert "p1" in hits(validate(store, ["eu-reach-svhc"], AT), "ArticleThreshold")
    notes: list[str] = []
    load_list(store, "eu-reach-svhc", [XLSX], notes)
    found = hits(validate(store, ["eu-reach-svhc"], AT), "ArticleThreshold")
    assert "p1" in found and K_PFHXS in str(found["p1"].message)
    assert unreached_rules(store) == []
    assert "candidate-list-of-svhc-for-authorisation-export.csv" in notes[0]


def test_the_xlsx_with_a_csv_takes_no_members_from_the_shipped_copy(tmp_path):
    store = _store(tmp_path)
    notes: list[str] = []
    load_list(store, "eu-reach-svhc", [XLSX, CSV], notes)
    assert notes == []
    assert "p1" in hits(validate(store, ["eu-reach-svhc"], AT), "ArticleThreshold")


def test_load_list_says_where_the_members_came_from(tmp_path):
    result = CliRunner().invoke(app, ["load-list", "eu-reach-svhc", str(XLSX), "--store", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert "note: the export given lists no members of its group entries" in " ".join(result.output.split())
    assert "does not hold" not in result.output


def test_the_api_upload_of_the_xlsx_alone_keeps_the_members_and_says_so(tmp_path, monkeypatch):
    import json

    import httpx

    from .test_api import serve

    monkeypatch.setenv("COMPLYGRAPH_WRITE_TOKEN", "s3cret")
    store = _store(tmp_path)
    running = serve(store)
    server = next(running)
    try:
        query = ('mutation($f: [Upload!]!) { importListVersion(list: "eu-reach-svhc", files: $f) '
                 "{ triples notes } }")
        r = httpx.post(f"{server}/graphql", headers={"Authorization": "Bearer s3cret", "Apollo-Require-Preflight": "1"},
                       data={"operations": json.dumps({"query": query, "variables": {"f": [None]}}),
                             "map": json.dumps({"0": ["variables.f.0"]})},
                       files={"0": (XLSX.name, XLSX.read_bytes())}, timeout=120)
        answer = r.json()["data"]["importListVersion"]
        assert answer["triples"] > 0 and "shipped candidate-list" in answer["notes"][0], r.text
    finally:
        next(running, None)  # stops the server
    assert "p1" in hits(validate(store, ["eu-reach-svhc"], AT), "ArticleThreshold")
