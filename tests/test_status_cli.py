"""`complygraph status`, `report` and `doctor` on the demo's reference products (data/demo/README.md): the
statuses a compliance engineer expects, the deciding part and substance, and the exit codes of `validate`."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from complygraph.cli import app
from complygraph.demo import REFERENCE
from complygraph.graph import open_store
from complygraph.loaders.catalog import load_reference
from complygraph.loaders.compositions import import_compositions

AT = "2026-12-01"


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("status-cli") / "store"
    s = open_store(path)
    load_reference(s, ["eu-rohs-annex-ii", "eu-rohs-annex-iii", "eu-rohs-annex-iv", "eu-reach-svhc"])
    import_compositions(s, REFERENCE)
    s.close()
    return str(path)


def _status(store: str, product: str, *packs: str) -> tuple[int, dict]:
    args = ["status", "--store", store, "--product", product, "--at", AT, "--json"]
    for p in packs:
        args += ["--pack", p]
    result = CliRunner().invoke(app, args)
    return result.exit_code, json.loads(result.stdout)


def test_a_product_with_one_non_compliant_part_names_that_part_and_substance(store):
    code, answer = _status(store, "REF-NONCOMPLIANT", "eu-rohs")
    rohs = next(p for p in answer["packs"] if p["pack"] == "eu-rohs")
    assert code == 1 and answer["status"] == "non-compliant" and rohs["status"] == "non-compliant"
    [deciding] = rohs["deciding"]
    assert deciding["deciding_part"] == "REF-SOLDER-PB" and "7439-92-1" in deciding["finding"]
    assert deciding["path"] == "REF-NONCOMPLIANT > REF-SOLDER-PB" and deciding["quantity"] == 1


def test_a_product_whose_only_finding_is_an_svhc_has_obligations_and_exit_0(store):
    code, answer = _status(store, "REF-OBLIGATIONS", "eu-rohs", "eu-reach-svhc")
    statuses = {p["pack"]: p["status"] for p in answer["packs"]}
    assert code == 0 and statuses["eu-reach-svhc"] == "obligations" and statuses["eu-rohs"] == "compliant"
    assert answer["status"] == "obligations"


def test_a_product_with_an_undeclared_part_is_unknown(store):
    code, answer = _status(store, "REF-UNKNOWN", "eu-rohs")
    assert code == 0 and {p["status"] for p in answer["packs"]} == {"unknown"}


def test_an_exempted_use_is_compliant_with_exemptions(store):
    _, answer = _status(store, "REF-EXEMPTED", "eu-rohs")
    assert next(p for p in answer["packs"] if p["pack"] == "eu-rohs")["status"] == "compliant with exemptions"


def test_an_unknown_product_is_an_input_error(store):
    result = CliRunner().invoke(app, ["status", "--store", store, "--product", "NOPE"])
    assert result.exit_code == 2 and "NOPE" in result.output


def test_report_writes_one_self_contained_html_file(store, tmp_path):
    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["report", "--store", store, "--out", str(out), "--at", AT,
                                      "--pack", "eu-rohs", "--pack", "eu-reach-svhc"])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "REF-NONCOMPLIANT" in html and "http://" not in html.split("<body", 1)[1].replace("http://www.w3.org", "")


def test_doctor_reports_a_clean_store(store):
    result = CliRunner().invoke(app, ["doctor", "--store", store])
    assert result.exit_code == 0 and "staging graphs left: 0" in result.output


def test_export_writes_a_declaration_that_imports_back_and_scip_writes_the_articles(store, tmp_path):
    from complygraph.loaders.declarations import import_declarations

    out = tmp_path / "ref.xml"
    result = CliRunner().invoke(app, ["export", "--store", store, "--product", "REF-OBLIGATIONS", "--format",
                                      "iec62474", "--company", "Reference Maker", "--out", str(out), "--at", AT])
    assert result.exit_code == 0, result.output
    fresh = open_store(None)
    [outcome] = import_declarations(fresh, [out])
    assert outcome.part == "REF-OBLIGATIONS"
    scip = tmp_path / "scip.csv"
    result = CliRunner().invoke(app, ["scip", "--store", store, "--out", str(scip), "--at", AT])
    assert result.exit_code == 0, result.output
    text = scip.read_text(encoding="utf-8")
    assert "REF-SEAL-BPAF" in text and "1478-61-1" in text


REFERENCE_PRODUCTS = ["REF-NONCOMPLIANT", "REF-OBLIGATIONS", "REF-UNKNOWN", "REF-EXEMPTED", "REF-COMPLIANT"]


@pytest.fixture(scope="module")
def cli_answers(store):
    """Asked before the API server opens the store (an embedded store is held by one process at a time)."""
    return {p: _status(store, p, "eu-rohs", "eu-reach-svhc")[1] for p in REFERENCE_PRODUCTS}


@pytest.fixture(scope="module")
def api(store, cli_answers):
    from .test_api import serve

    s = open_store(store)
    yield from serve(s)
    s.close()


@pytest.mark.parametrize("product", REFERENCE_PRODUCTS)
def test_graphql_product_compliance_equals_the_cli(api, cli_answers, product):
    from .test_api import gql

    packs = ["eu-rohs", "eu-reach-svhc"]
    answer = gql(api, """query($id: ID!, $packs: [String!], $at: String) { product(id: $id) { id name
        compliance(packs: $packs, at: $at) { pack status deciding { part path quantity findings { message } } } } }""",
                 {"id": product, "packs": packs, "at": AT})
    assert "errors" not in answer, answer
    graphql = {c["pack"]: (c["status"].lower().replace("_", " ").replace("non compliant", "non-compliant"),
                           [d["part"] for d in c["deciding"]]) for c in answer["data"]["product"]["compliance"]}
    cli = cli_answers[product]
    assert graphql == {p["pack"]: (p["status"], [d["deciding_part"] for d in p["deciding"]]) for p in cli["packs"]}


def test_graphql_part_compliance_names_the_finding(api):
    from .test_api import gql

    answer = gql(api, """{ part(id: "REF-SOLDER-PB") { compliance(packs: ["eu-rohs"], at: "2026-12-01") {
        pack status findings { severity substance message } } } }""")
    assert "errors" not in answer, answer
    rohs = next(c for c in answer["data"]["part"]["compliance"] if c["pack"] == "eu-rohs")
    assert rohs["status"] == "NON_COMPLIANT"
    assert [f["substance"].rsplit("/", 1)[-1] for f in rohs["findings"]] == ["7439-92-1"]


def test_the_api_serves_the_html_report(api):
    import httpx

    r = httpx.get(f"{api}/report", params={"pack": ["eu-rohs", "eu-reach-svhc"], "at": AT}, timeout=120)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "REF-NONCOMPLIANT" in r.text
    assert httpx.get(f"{api}/report", params={"pack": "nope"}, timeout=30).status_code == 400


def test_validate_to_stdout_in_a_data_format_gives_the_reports_warnings_on_stderr(tmp_path):
    """CSV, Turtle and JSON-LD on stdout are data only: the report's warnings (here the CSCL list's entries
    without a verified date of inclusion) go to stderr instead of being lost; JSON carries them itself."""
    path = tmp_path / "store"
    s = open_store(path)
    load_reference(s, ["jp-cscl-class1"])
    import_compositions(s, REFERENCE)
    s.close()
    args = ["validate", "--store", str(path), "--pack", "jp-cscl-class1", "--at", AT]
    for fmt in ("csv", "turtle", "json-ld"):
        result = CliRunner().invoke(app, [*args, "--format", fmt])
        assert result.exit_code in (0, 1), result.output
        assert "warning: list jp-cscl-class1: " in result.stderr
        assert "warning:" not in result.stdout
    as_json = CliRunner().invoke(app, [*args, "--format", "json"])
    assert any("no verified date of inclusion" in w for w in json.loads(as_json.stdout)["warnings"])
    assert "warning:" not in as_json.stderr
