"""The GraphQL API through real HTTP against a started server."""

from __future__ import annotations

import httpx
import pytest

from complygraph.vocab import substance_iri

from .api_server import serve
from .shacl_cases import build, material, part, sub

DBDPE, BPAF, PB, HG = "84852-53-9", "1478-61-1", "7439-92-1", "7439-97-6"  # mercury is not an SVHC


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    store = build(tmp_path_factory.mktemp("api"), [
        part("housing", 100_000, material("abs", 100_000, sub(DBDPE, 110), sub(HG, 200))),
        part("seal", 1_000, material("fkm", 1_000, sub(BPAF, 20), sub(PB, "0.5"))),
        part("switch", 10, material("amalgam", 10, sub(HG, "0.05"))),
    ] + [part(f"x{i:03d}", 100, material(f"xm{i:03d}", 100, sub("7440-31-5", 100))) for i in range(120)],
        ["eu-reach-svhc", "eu-rohs-annex-ii"])
    yield from serve(store)


def gql(server: str, query: str, variables: dict | None = None) -> dict:
    r = httpx.post(f"{server}/graphql", json={"query": query, "variables": variables or {}}, timeout=60)
    assert r.status_code == 200, r.text
    return r.json()


def test_health_and_openapi(server):
    assert httpx.get(f"{server}/healthz").json()["status"] == "ok"
    assert "/healthz" in httpx.get(f"{server}/openapi.json").json()["paths"]


def test_graphiql_is_served_to_browsers(server):
    r = httpx.get(f"{server}/graphql", headers={"Accept": "text/html"})
    assert r.status_code == 200 and "graphiql" in r.text.lower()


def test_substance_with_names_groups_and_listings(server):
    data = gql(server, """{ substance(cas: "1478-61-1") { cas name(lang: "en") listings { list dateOfInclusion } } }""")
    s = data["data"]["substance"]
    assert s["cas"] == BPAF and s["listings"] and s["listings"][0]["list"] == "eu-reach-svhc"
    assert s["listings"][0]["dateOfInclusion"] == "2026-02-04"
    lead = gql(server, '{ substance(cas: "7439-92-1") { groups } }')["data"]["substance"]
    assert "lead and its compounds" in lead["groups"]


def test_part_with_supplier_materials_and_substances(server):
    data = gql(server, """{ part(id: "seal") { id name mass supplier { id name }
        materials { id name mass substances { substance { cas name } ppm massMg intentional exemption } }
        usedIn { quantity } } }""")["data"]["part"]
    assert data["id"] == "seal" and data["mass"] == 1000 and data["supplier"]["id"] == "S1"
    subs = {s["substance"]["cas"]: s for s in data["materials"][0]["substances"]}
    assert subs[BPAF]["ppm"] == 20000 and subs[PB]["massMg"] == 0.5
    assert gql(server, '{ part(id: "nope") { id } }')["data"]["part"] is None


def test_list_change_answers_the_demo_question(server):
    data = gql(server, """{ listChange(list: "eu-reach-svhc", from: "2025-06-25", to: "2026-02-04") {
        added { name } removed { name }
        impacted { part { id } material { id } substance { cas } ppm articlePercent overThreshold
                   supplier { id } products { id } } } }""")["data"]["listChange"]
    assert {a["name"] for a in data["added"]} >= {"n-hexane"} and data["removed"] == []
    by_part = {i["part"]["id"]: i for i in data["impacted"]}
    assert set(by_part) == {"housing", "seal"}
    assert by_part["housing"]["articlePercent"] == pytest.approx(0.11) and by_part["housing"]["overThreshold"]


def test_where_used_for_any_substance(server):
    rows = gql(server, '{ whereUsed(cas: ["7439-92-1"], minPpm: 100) { part { id } ppm } }')["data"]["whereUsed"]
    assert [r["part"]["id"] for r in rows] == ["seal"] and rows[0]["ppm"] == 500


def test_what_if_a_proposed_substance_were_listed(server):
    q = '{ whatIf(cas: ["7439-92-1"], limitPercent: 0.04, basis: "%s") { part { id } articlePercent overThreshold } }'
    article = gql(server, q % "article")["data"]["whatIf"]
    assert article[0]["part"]["id"] == "seal" and article[0]["articlePercent"] == pytest.approx(0.05)
    assert article[0]["overThreshold"] is True
    material = gql(server, q.replace("0.04", "0.1") % "material")["data"]["whatIf"]
    assert material[0]["overThreshold"] is False  # 500 ppm = 0.05 % of the material
    assert gql(server, q % "battery")["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_lists_with_versions(server):
    lists = gql(server, "{ lists { id versions { date entryCount } } }")["data"]["lists"]
    svhc = next(x for x in lists if x["id"] == "eu-reach-svhc")
    assert {"date": "2026-02-04", "entryCount": 253} in svhc["versions"]


def test_cursor_pagination_with_a_maximum_page_size(server):
    first = gql(server, "{ parts(first: 100) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }")
    page = first["data"]["parts"]
    assert len(page["edges"]) == 100 and page["pageInfo"]["hasNextPage"]
    rest = gql(server, "query($a: String) { parts(first: 100, after: $a) { edges { node { id } } "
                       "pageInfo { hasNextPage } } }", {"a": page["pageInfo"]["endCursor"]})["data"]["parts"]
    ids = [e["node"]["id"] for e in page["edges"]] + [e["node"]["id"] for e in rest["edges"]]
    assert len(ids) == len(set(ids)) == 123 and not rest["pageInfo"]["hasNextPage"]
    assert gql(server, "{ parts(first: 1000) { edges { cursor } } }")["errors"][0]["extensions"]["code"] == "PAGE_SIZE"


def test_parts_filtered_by_non_compliance_are_one_page_of_the_violating_parts(server):
    # Hg at 2,000 ppm (housing), 5,000 ppm (switch): over RoHS Annex II's 0.1 %; Pb at 500 ppm (seal) is under
    data = gql(server, '{ parts(nonCompliantWith: "eu-rohs", first: 1) { edges { node { id } } '
                       'pageInfo { hasNextPage endCursor } } }')["data"]["parts"]
    assert [e["node"]["id"] for e in data["edges"]] == ["housing"] and data["pageInfo"]["hasNextPage"]
    rest = gql(server, 'query($a: String) { parts(nonCompliantWith: "eu-rohs", after: $a) '
                       '{ edges { node { id } } pageInfo { hasNextPage } } }',
               {"a": data["pageInfo"]["endCursor"]})["data"]["parts"]
    assert [e["node"]["id"] for e in rest["edges"]] == ["switch"] and not rest["pageInfo"]["hasNextPage"]


def test_an_svhc_above_0_1_percent_is_a_duty_not_non_compliance(server):
    """REACH Art. 33(1) and 7(2) oblige to inform and notify; they do not ban the article."""
    parts = gql(server, '{ parts(nonCompliantWith: "eu-reach-svhc") { edges { cursor } } }')["data"]["parts"]
    assert parts == {"edges": []}
    summary = gql(server, '{ validate(packs: ["eu-reach-svhc"], at: "2026-11-23") { compliant '
                          'counts { severity count } } }')["data"]["validate"]
    assert summary["compliant"] is True and {c["severity"] for c in summary["counts"]} == {"Warning"}
    unknown = gql(server, '{ parts(nonCompliantWith: "nope") { edges { cursor } } }')
    assert unknown["errors"][0]["extensions"]["code"] == "UNKNOWN_PACK"


def test_validate_summary(server):
    data = gql(server, '{ validate(packs: ["eu-reach-svhc"], at: "2026-11-23") { conforms counts { pack count } } }')
    summary = data["data"]["validate"]
    assert summary["conforms"] is False and summary["counts"][0]["count"] == 2


def test_validate_summary_separates_compliant_from_shacl_conforms(server):
    data = gql(server, '{ validate(packs: ["eu-reach-svhc"], at: "2026-11-23") { conforms compliant '
                       'counts { severity count } } }')["data"]["validate"]
    violations = sum(c["count"] for c in data["counts"] if c["severity"] == "Violation")
    assert data["compliant"] is (violations == 0) and data["conforms"] is (not data["counts"])


def test_unknown_list_and_pack_names_are_refused_with_the_known_ones(server):
    change = gql(server, '{ listChange(list: "eu-reach-svch", from: "2025-06-25", to: "2026-02-04") '
                         '{ added { name } } }')
    error = change["errors"][0]
    assert error["extensions"]["code"] == "UNKNOWN_LIST" and "eu-reach-svhc" in error["message"], error
    pack = gql(server, '{ validate(packs: ["eu-roh"]) { compliant } }')["errors"][0]
    assert pack["extensions"]["code"] == "UNKNOWN_PACK" and "eu-rohs" in pack["message"], pack


def test_depth_and_alias_limits(server):
    deep = gql(server, '{ part(id: "seal") { materials { substances { substance { listings { list } } } } } }')
    assert "errors" not in deep
    aliases = " ".join(f"a{i}: lists {{ id }}" for i in range(30))
    assert "errors" in gql(server, "{ " + aliases + " }")


def test_a_query_that_could_fetch_too_much_is_refused_before_it_runs(server):
    page = "parts(first: %s) { edges { node { id materials { substances { substance { cas listings { list } } } } } } }"
    refused = gql(server, "{ " + page % 100 + " }")["errors"][0]
    assert refused["extensions"]["code"] == "QUERY_TOO_COSTLY" and refused["extensions"]["cost"] > 50_000
    # the same through a fragment and a variable page size (priced at the page maximum)
    via_fragment = gql(server, "query($n: Int) { ...F } fragment F on Query { " + page % "$n" + " }", {"n": 3})
    assert via_fragment["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    allowed = gql(server, "{ " + page % 5 + " }")
    assert "errors" not in allowed and len(allowed["data"]["parts"]["edges"]) == 5


def test_graphiqls_introspection_query_passes_every_limit(server):
    from graphql import get_introspection_query

    data = gql(server, get_introspection_query(descriptions=True, input_value_deprecation=True))
    assert "errors" not in data and len(data["data"]["__schema"]["types"]) > 20


def test_errors_have_codes_and_no_stack_traces(server):
    bad = gql(server, '{ substance(cas: "1478-61-2") { cas } }')
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "check digit" in bad["errors"][0]["message"] and "Traceback" not in str(bad)
    date = gql(server, '{ listChange(list: "eu-reach-svhc", from: "yesterday", to: "2026-02-04") { added { name } } }')
    assert date["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize("attack", ['" } ; DROP ALL ; #', "x') || true #", '\\" . ?s ?p ?o } #',
                                    "S1> } INSERT DATA { <urn:x> <urn:y> <urn:z> } #"])
def test_injection_through_every_string_argument_changes_nothing(server, attack):
    before = httpx.get(f"{server}/healthz").json()
    for query, variables in [
        ("query($v: String!) { substance(cas: $v) { cas } }", {"v": attack}),
        ("query($v: String!) { substances(search: $v) { edges { cursor } } }", {"v": attack}),
        ("query($v: String!) { substances(lang: $v) { edges { cursor } } }", {"v": attack}),
        ("query($v: ID!) { part(id: $v) { id } }", {"v": attack}),
        ("query($v: ID!) { parts(supplier: $v) { edges { cursor } } }", {"v": attack}),
        ("query($v: ID!) { supplier(id: $v) { id } }", {"v": attack}),
        ("query($v: ID!) { product(id: $v) { id } }", {"v": attack}),
        ('query($v: String!) { listChange(list: $v, from: "2025-01-01", to: "2026-01-01") { added { name } } }',
         {"v": attack}),
        ("query($v: String!) { whereUsed(cas: [$v]) { ppm } }", {"v": attack}),
        ("query($v: String!) { validate(packs: [$v]) { conforms } }", {"v": attack}),
    ]:
        r = gql(server, query, variables)
        assert "Traceback" not in str(r)
    assert httpx.get(f"{server}/healthz").json() == before
    count = gql(server, "{ parts(first: 100) { edges { cursor } } }")["data"]["parts"]["edges"]
    assert len(count) == 100


IMPORT = "mutation($f: Upload!) { importCompositions(file: $f) { triples counts { severity count } } }"
JSONL = "\n".join([
    '{"record": "manifest", "format": "complygraph-compositions", "version": "1.0"}',
    '{"record": "supplier", "supplier_id": "SUP-U", "name": "Uploaded Supplier"}',
    '{"record": "part", "part_id": "UP1", "name": "uploaded part", "supplier_id": "SUP-U", "mass": 5, '
    '"mass_unit": "g"}',
]) + "\n"


def upload(server: str, query: str, files: dict[str, tuple[str, bytes]], token: str | None,
           variables: dict | None = None) -> dict:
    import json as _json

    variables = dict(variables or {})
    mapping = {}
    for i, key in enumerate(files):
        mapping[str(i)] = [f"variables.{key}"]
        variables[key] = None
    headers = {"Apollo-Require-Preflight": "true"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    r = httpx.post(f"{server}/graphql", headers=headers, timeout=60,
                   data={"operations": _json.dumps({"query": query, "variables": variables}),
                         "map": _json.dumps(mapping)},
                   files={str(i): (name, content) for i, (name, content) in enumerate(files.values())})
    assert r.status_code == 200, r.text
    return r.json()


def test_mutations_need_the_write_token_and_write_nothing_without_it(server, monkeypatch):
    monkeypatch.setenv("COMPLYGRAPH_WRITE_TOKEN", "s3cret")
    files = {"f": ("data.jsonl", JSONL.encode())}
    for token, code in ((None, "UNAUTHENTICATED"), ("wrong", "UNAUTHENTICATED")):
        denied = upload(server, IMPORT, files, token)
        assert denied["errors"][0]["extensions"]["code"] == code
        assert gql(server, '{ part(id: "UP1") { id } }')["data"]["part"] is None
    ok = upload(server, IMPORT, files, "s3cret")
    assert ok["data"]["importCompositions"]["triples"] > 0, ok
    assert gql(server, '{ part(id: "UP1") { supplier { name } } }')["data"]["part"]["supplier"]["name"] == \
        "Uploaded Supplier"


def test_import_counts_name_their_record_kind_in_kind_and_in_the_deprecated_severity(server, monkeypatch):
    """Import counts once reused the validation count type (kind in `severity`, an empty `pack`); they have
    their own type now, and `severity` stays, deprecated, for clients that select it."""
    monkeypatch.setenv("COMPLYGRAPH_WRITE_TOKEN", "s3cret")
    jsonl = JSONL.replace("UP1", "UP3").replace("SUP-U", "SUP-K")
    query = "mutation($f: Upload!) { importCompositions(file: $f) { counts { kind severity count } } }"
    counts = upload(server, query, {"f": ("kinds.jsonl", jsonl.encode())}, "s3cret")["data"]["importCompositions"]
    by_kind = {c["kind"]: c["count"] for c in counts["counts"]}
    assert by_kind["parts"] == 1 and by_kind["suppliers"] == 1
    assert all(c["severity"] == c["kind"] for c in counts["counts"])
    fields = gql(server, '{ __type(name: "ImportCount") { fields(includeDeprecated: true) '
                         '{ name isDeprecated } } }')["data"]["__type"]["fields"]
    assert {f["name"]: f["isDeprecated"] for f in fields} == {"kind": False, "severity": True, "count": False}


def test_writes_are_disabled_without_a_configured_token(server, monkeypatch):
    monkeypatch.delenv("COMPLYGRAPH_WRITE_TOKEN", raising=False)
    denied = upload(server, IMPORT, {"f": ("data.jsonl", JSONL.encode())}, "anything")
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_a_bad_upload_is_refused_whole_with_the_reason(server, monkeypatch):
    monkeypatch.setenv("COMPLYGRAPH_WRITE_TOKEN", "s3cret")
    bad = JSONL.replace('"mass": 5', '"mass": -5').replace("UP1", "UP2")
    r = upload(server, IMPORT, {"f": ("bad.jsonl", bad.encode())}, "s3cret")
    assert r["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    assert "bad.jsonl:3: mass: must be positive" in r["errors"][0]["message"]
    assert gql(server, '{ part(id: "UP2") { id } }')["data"]["part"] is None


def test_import_list_version_by_upload(server, monkeypatch):
    from complygraph.loaders.catalog import data_dir

    monkeypatch.setenv("COMPLYGRAPH_WRITE_TOKEN", "s3cret")
    query = "mutation($f: [Upload!]!) { importListVersion(list: \"eu-pops\", files: $f) { triples } }"
    content = (data_dir() / "echa" / "pops_list_full.xlsx").read_bytes()
    import json as _json

    r = httpx.post(f"{server}/graphql", headers={"Authorization": "Bearer s3cret", "Apollo-Require-Preflight": "1"},
                   data={"operations": _json.dumps({"query": query, "variables": {"f": [None]}}),
                         "map": _json.dumps({"0": ["variables.f.0"]})},
                   files={"0": ("pops_list_full.xlsx", content)}, timeout=60)
    assert r.json()["data"]["importListVersion"]["triples"] > 0, r.text
    lists = gql(server, "{ lists { id versions { date entryCount } } }")["data"]["lists"]
    assert {"date": "2025-09-25", "entryCount": 32} in next(x for x in lists if x["id"] == "eu-pops")["versions"]


def test_demo_question_same_answer_from_cli_graphql_and_sparql(tmp_path):
    import json as _json

    from typer.testing import CliRunner

    from complygraph.cli import app
    from complygraph.generate import generate
    from complygraph.graph import open_store

    path = str(tmp_path / "store")
    runner = CliRunner()
    generate(tmp_path / "data", products=3, parts=300, seed=4)
    assert runner.invoke(app, ["load-lists", "--store", path, "--list", "eu-reach-svhc"]).exit_code == 0
    assert runner.invoke(app, ["import", str(tmp_path / "data"), "--store", path]).exit_code == 0
    cli = _json.loads(runner.invoke(app, ["impact", "--list", "eu-reach-svhc", "--from", "2025-06-25", "--to",
                                          "2026-02-04", "--format", "json", "--store", path]).output)
    from_cli = {(r["part_id"], r["material_id"], r["cas"]) for r in cli}
    store = open_store(path)
    sparql = {(r["p"].value, r["m"].value, r["cas"].value) for r in store.select("""
        SELECT ?p ?m ?cas WHERE {
          ?entry cg:inList <https://w3id.org/complygraph/id/list/eu-reach-svhc> ; cg:dateOfInclusion ?d ;
                 cg:concerns ?s .
          FILTER(?d > "2025-06-25"^^xsd:date && ?d <= "2026-02-04"^^xsd:date)
          ?occ cg:substance ?s . ?s cg:casNumber ?cas .
          ?mat cg:contains ?occ ; dct:identifier ?m . ?part cg:hasMaterial ?mat ; dct:identifier ?p .
        }""")}
    gen = serve(store)
    url = next(gen)
    try:
        data = gql(url, """{ listChange(list: "eu-reach-svhc", from: "2025-06-25", to: "2026-02-04") {
            impacted { part { id } material { id } substance { cas } } } }""")["data"]["listChange"]["impacted"]
    finally:
        next(gen, None)
    from_graphql = {(i["part"]["id"], i["material"]["id"], i["substance"]["cas"]) for i in data}
    assert from_cli == from_graphql == sparql and len(sparql) > 10


def test_a_kept_list_change_answer_is_recomputed_after_a_write(tmp_path):
    store = build(tmp_path, [part("housing", 100_000, material("abs", 100_000, sub(DBDPE, 110))),
                             part("seal", 1_000, material("fkm", 1_000, sub(BPAF, 20)))], ["eu-reach-svhc"])
    ask = """{ listChange(list: "eu-reach-svhc", from: "2025-06-25", to: "2026-02-04") {
               impacted { part { id } } } }"""
    gen = serve(store)
    url = next(gen)
    try:
        first = gql(url, ask)["data"]["listChange"]["impacted"]
        assert gql(url, ask)["data"]["listChange"]["impacted"] == first
        assert sorted(i["part"]["id"] for i in first) == ["housing", "seal"]
        store.update(f"""DELETE WHERE {{ ?occ cg:substance {substance_iri(cas=BPAF)} ; ?p ?o }}""")
        after = gql(url, ask)["data"]["listChange"]["impacted"]
    finally:
        next(gen, None)
    assert [i["part"]["id"] for i in after] == ["housing"]


def _multipart(server: str, query: str, files: list[tuple[str, bytes]], variables: dict, token: str | None):
    import json as _json

    headers = {"Apollo-Require-Preflight": "1", **({"Authorization": f"Bearer {token}"} if token else {})}
    operations = {"query": query, "variables": {**variables, "f": [None] * len(files)}}
    return httpx.post(f"{server}/graphql", headers=headers, timeout=60,
                      data={"operations": _json.dumps(operations),
                            "map": _json.dumps({str(i): [f"variables.f.{i}"] for i in range(len(files))})},
                      files={str(i): f for i, f in enumerate(files)}).json()


def test_declarations_and_survey_uploads_need_the_token_and_store_nothing_when_bad(server, monkeypatch):
    from pathlib import Path

    monkeypatch.setenv("COMPLYGRAPH_WRITE_TOKEN", "s3cret")
    folder = Path(__file__).parent / "declarations"
    query = "mutation($f: [Upload!]!) { importDeclarations(files: $f) { part declarationClass status } }"
    files = [("ipc-class-c.xml", (folder / "ipc-class-c.xml").read_bytes())]
    denied = _multipart(server, query, files, {}, None)
    assert denied["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert gql(server, '{ part(id: "KC-200") { id } }')["data"]["part"] is None
    bomb = _multipart(server, query, [("bomb.xml", (folder / "bomb.xml").read_bytes())], {}, "s3cret")
    assert bomb["errors"][0]["extensions"]["code"] == "INVALID_INPUT" and "DTD" in bomb["errors"][0]["message"]
    ok = _multipart(server, query, files, {}, "s3cret")
    assert ok["data"]["importDeclarations"] == [{"part": "KC-200", "declarationClass": "C", "status": "new"}]
    survey = ("part_id,date,item,present\n" + "".join(f"seal,2026-04-01,{i},no\n" for i in
              [f"A{n:02d}" for n in range(1, 25)] + [f"B{n:02d}" for n in range(1, 10)])).encode()
    q2 = "mutation($f: [Upload!]!) { importSurvey(files: $f) { triples counts { severity count } } }"
    done = _multipart(server, q2, [("form.csv", survey)], {}, "s3cret")
    assert {c["severity"]: c["count"] for c in done["data"]["importSurvey"]["counts"]} == {"surveys": 1, "answers": 33}
