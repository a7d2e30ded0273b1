"""Regressions from the QA7 black-box test of the GraphQL API (2026-12-06): deciding-part paging, findings about
an unresolved substance, unknown ids in list filters, cursors of another connection, imports of no file, errors
without a code, a listing per reason, an empty pack list, descriptions and language codes."""

from __future__ import annotations

import base64
import datetime as dt

import httpx
import pytest

from complygraph.api.common import cursor_of
from complygraph.api.schema import MAX_TOKENS
from complygraph.graph.shacl import validate
from complygraph.graph.status import status_index
from complygraph.vocab import ID

from .shacl_cases import build, material, part, product, sub
from .test_api import serve

PP, PBT, DEHP, SILICA, PCB = "9003-07-0", "26062-94-2", "117-81-7", "7631-86-9", "1336-36-3"
LISTS = ["eu-rohs-annex-ii", "eu-rohs-annex-iii", "eu-rohs-annex-iv", "eu-reach-svhc", "jp-cscl-class1"]
AT = "2026-11-23"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return build(tmp_path_factory.mktemp("qa7"), [
        part("PP", 1000, material("m-pp", 1000, sub(PP, 1000))),  # unresolved identity: unknown
        # 50 mg DEHP in a 10 g article, 0.5 %: an Art. 33 duty (obligations), nothing unknown
        part("DUTY", 10_000, material("m-duty", 1000, sub(DEHP, 50), sub(SILICA, 950)),
             material("m-filler", 9000, sub(SILICA, 9000))),
        # two unresolved substances, each in its own material
        part("UNK2", 2000, material("m-a", 1000, sub(PP, 1000)), material("m-b", 1000, sub(PBT, 1000))),
    ], LISTS, products=[product("BOTH", "3", "PP", "DUTY"), product("TWO", "3", "UNK2")])


@pytest.fixture(scope="module")
def server(store):
    yield from serve(store)


def post(server: str, query: str, variables: dict | None = None, token: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    r = httpx.post(f"{server}/graphql", json={"query": query, "variables": variables or {}}, headers=headers,
                   timeout=120)
    assert r.status_code == 200, r.text
    return r.json()


def code(answer: dict) -> str:
    return answer["errors"][0]["extensions"]["code"]


DECIDING = """query($after: ID, $first: Int) { product(id: "BOTH") {
    compliance(packs: ["eu-reach-svhc"], at: "2026-11-23") { pack status decidingCount
      deciding(first: $first, after: $after) { part findings { status } } } } }"""


def _deciding(server: str, first: int, after: str | None) -> dict[str, dict]:
    answer = post(server, DECIDING, {"first": first, "after": after})
    assert "errors" not in answer, answer
    return {c["pack"]: c for c in answer["data"]["product"]["compliance"]}


def test_every_deciding_part_is_a_valid_after_in_every_pack(server):
    """B01: under unknown, eu-reach-svhc lists DUTY for its obligations; data-quality does not list it. DUTY as
    `after` was refused on the data-quality entry of the same field, so paging stopped at the first page."""
    whole = _deciding(server, 100, None)
    svhc = whole["eu-reach-svhc"]
    assert svhc["status"] == "UNKNOWN"
    assert [d["part"] for d in svhc["deciding"]] == ["DUTY", "PP"]
    assert [d["findings"][0]["status"] for d in svhc["deciding"]] == ["OBLIGATIONS", "UNKNOWN"]
    assert [d["part"] for d in whole["data-quality"]["deciding"]] == ["PP"]
    for pack, entry in whole.items():
        for size in (1, 2, 3):
            seen, after = [], None
            while True:
                page = _deciding(server, size, after)[pack]["deciding"]
                seen += [d["part"] for d in page]
                if len(page) < size:
                    break
                after = page[-1]["part"]
            assert seen == [d["part"] for d in entry["deciding"]] and len(seen) == entry["decidingCount"], (pack, size)


def test_a_deciding_after_that_no_pack_lists_is_a_bad_cursor(server):
    for after in ("UNK2", "nope"):  # a part of another product, no part
        answer = post(server, DECIDING, {"first": 5, "after": after})
        assert code(answer) == "BAD_CURSOR" and after in answer["errors"][0]["message"]


FINDINGS = """{ part(id: "UNK2") { compliance(packs: ["eu-rohs"], at: "2026-11-23") { pack status
    findings { shape part material substance message } } }
  product(id: "TWO") { compliance(packs: ["eu-rohs"], at: "2026-11-23") { pack status
    deciding { part findings { part material substance message } } } } }"""


def test_findings_about_an_unresolved_substance_name_the_substance_part_and_material(server):
    """B04: each finding had part, material and substance null and the same message, once per substance."""
    answer = post(server, FINDINGS)
    assert "errors" not in answer, answer
    expected = {(f"{ID}substance/cas/{PP}", "m-a"), (f"{ID}substance/cas/{PBT}", "m-b")}
    for c in answer["data"]["part"]["compliance"]:
        assert c["status"] == "UNKNOWN", c  # never compliant
        identity = [f for f in c["findings"] if f["shape"].endswith("#SubstanceIdentity")]
        assert {(f["substance"], f["material"]) for f in identity} == expected, c
        assert {f["part"] for f in identity} == {"UNK2"}
        assert len({f["message"] for f in identity}) == 2
        assert any(PP in f["message"] for f in identity) and any(PBT in f["message"] for f in identity)
    for c in answer["data"]["product"]["compliance"]:
        assert c["status"] == "UNKNOWN"
        [deciding] = c["deciding"]
        assert {(f["part"], f["substance"], f["material"]) for f in deciding["findings"]} == \
            {("UNK2", s, m) for s, m in expected}


def test_cli_status_rows_name_each_unresolved_substance(store):
    """B04: `complygraph status` printed the same row once per unresolved substance."""
    from complygraph.cli_status import _rows

    index = status_index(store, validate(store, ["data-quality", "eu-rohs"], dt.date(2026, 11, 23)))
    rows = [r for r in _rows(index, f"{ID}product/TWO", True) if r["pack"] == "eu-rohs"]
    assert {r["status"] for r in rows} == {"unknown"}
    assert len(rows) == len({r["finding"] for r in rows}) == 2
    assert sorted(PP in r["finding"] for r in rows) == [False, True]


def test_a_list_filter_naming_an_unknown_supplier_is_not_found(server):
    """B02: parts(supplier:) of an unknown id answered an empty page, like a supplier without parts."""
    answer = post(server, '{ parts(first: 5, supplier: "NOPE") { edges { node { id } } } }')
    assert code(answer) == "NOT_FOUND" and answer["errors"][0]["message"].startswith("supplier:")
    known = post(server, '{ parts(first: 100, supplier: "S1") { edges { node { id } } } }')
    assert len(known["data"]["parts"]["edges"]) == 3
    single = post(server, '{ p: part(id: "NOPE") { id } r: product(id: "NOPE") { id } s: supplier(id: "NOPE") { id } }')
    assert single == {"data": {"p": None, "r": None, "s": None}}
    fields = post(server, '{ __type(name: "Query") { fields { name description } } }')["data"]["__type"]["fields"]
    described = {f["name"]: f["description"] for f in fields}
    assert all("null when no" in described[name] for name in ("part", "product", "supplier"))


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


def test_a_cursor_of_another_connection_is_a_bad_cursor(server):
    """B03: a substances cursor given to parts gave an empty page, a parts cursor given to substances the first."""
    subs = post(server, "{ substances(first: 2) { pageInfo { endCursor } } }")["data"]["substances"]
    parts = post(server, "{ parts(first: 1) { edges { node { id } } pageInfo { endCursor } } }")["data"]["parts"]
    asks = [("parts", subs["pageInfo"]["endCursor"]), ("substances", parts["pageInfo"]["endCursor"])]
    for field, cursor in asks:
        answer = post(server, f"query($c: String) {{ {field}(first: 2, after: $c) {{ edges {{ cursor }} }} }}",
                      {"c": cursor})
        assert code(answer) == "BAD_CURSOR" and f"not a cursor of {field}" in answer["errors"][0]["message"]
    bom = post(server, 'query($c: String) { product(id: "BOTH") { bom(after: $c) { nodes { depth } } } }',
               {"c": parts["pageInfo"]["endCursor"]})
    assert code(bom) == "BAD_CURSOR"
    impacted = post(server, """query($c: String) { listChange(list: "eu-reach-svhc", from: "2025-06-25",
        to: "2026-02-04") { impacted(first: 1, after: $c) { ppm } } }""", {"c": parts["pageInfo"]["endCursor"]})
    assert code(impacted) == "BAD_CURSOR"


def test_an_old_cursor_is_accepted_by_its_own_connection_only(server):
    """B03: cursors given before they named their connection (the key alone) are still taken where they are valid."""
    first = post(server, "{ parts(first: 1) { edges { node { id } } } }")["data"]["parts"]["edges"][0]["node"]["id"]
    old = _b64(f"{ID}part/{first}")
    after = post(server, "query($c: String) { parts(first: 100, after: $c) { edges { node { id } } } }", {"c": old})
    assert first not in [e["node"]["id"] for e in after["data"]["parts"]["edges"]]
    assert len(after["data"]["parts"]["edges"]) == 2
    assert code(post(server, "query($c: String) { substances(after: $c) { edges { cursor } } }", {"c": old})) == \
        "BAD_CURSOR"
    old_substance = _b64(f"{ID}substance/cas/{PP}")
    assert "errors" not in post(server, "query($c: String) { substances(after: $c) { edges { cursor } } }",
                                {"c": old_substance})
    assert code(post(server, "query($c: String) { parts(after: $c) { edges { cursor } } }", {"c": old_substance})) == \
        "BAD_CURSOR"
    assert cursor_of("x", "parts") != cursor_of("x", "substances")


def test_an_import_of_no_file_is_refused_and_writes_nothing(server, store, monkeypatch):
    """B08: importListVersion(files: []) reloaded the shipped list and gave the store a new revision."""
    monkeypatch.setenv("COMPLYGRAPH_WRITE_TOKEN", "s3cret")
    before = store.revision()
    for mutation in ('importListVersion(list: "eu-reach-svhc", files: []) { triples }',
                     "importDeclarations(files: []) { file }", "importSurvey(files: []) { triples }"):
        answer = post(server, f"mutation {{ {mutation} }}", token="s3cret")
        assert code(answer) == "BAD_USER_INPUT" and "files: at least one file" in answer["errors"][0]["message"]
    assert store.revision() == before
    anonymous = post(server, "mutation { importDeclarations(files: []) { file } }")
    assert code(anonymous) == "UNAUTHENTICATED"


def test_syntax_errors_and_refused_requests_carry_a_code(server):
    """B09: syntax errors (the token limit too) had no extensions.code; malformed JSON, a batch and a body without
    a query were answered in plain text."""
    assert code(post(server, '{ part(id: "PP") { id ')) == "GRAPHQL_PARSE_FAILED"
    long = post(server, '{ part(id: "PP") { ' + "id " * (MAX_TOKENS + 100) + "} }")
    assert code(long) == "TOO_MANY_TOKENS" and "tokens" in long["errors"][0]["message"]
    for body in (b'{"query": ', b'[{"query": "{ lists { id } }"}]', b"{}"):
        r = httpx.post(f"{server}/graphql", content=body, headers={"Content-Type": "application/json"}, timeout=30)
        assert r.status_code == 400 and r.headers["content-type"].startswith("application/json"), r.text
        answer = r.json()
        assert answer["data"] is None and code(answer) == "BAD_REQUEST" and answer["errors"][0]["message"]


def test_a_list_entry_with_two_reasons_is_one_listing(server):
    """B10: PCB was listed twice on jp-cscl-class1, once per reason of its one entry."""
    listings = post(server, '{ substance(cas: "1336-36-3") { listings { list entry reason } } }')
    assert [x["list"] for x in listings["data"]["substance"]["listings"]].count("jp-cscl-class1") == 1, listings
    listings = post(server, '{ substance(cas: "1336-36-3") { listings { list entry reason reasons } } }')
    cscl = [x for x in listings["data"]["substance"]["listings"] if x["list"] == "jp-cscl-class1"]
    assert len(cscl) == 1 and len(cscl[0]["reasons"]) == 2, cscl
    assert cscl[0]["reason"].count("class1-cas-partial.csv") == 1 and "EU POPs" in cscl[0]["reason"]


def test_an_empty_pack_list_is_refused(server):
    """B15: validate(packs: []) ran the default packs."""
    for query in ('{ validate(packs: [], at: "2026-11-23") { compliant } }',
                  '{ part(id: "PP") { compliance(packs: []) { status } } }'):
        answer = post(server, query)
        assert code(answer) == "BAD_USER_INPUT" and "packs:" in answer["errors"][0]["message"], answer
        assert "eu-rohs" in answer["errors"][0]["message"]  # names the available packs


def test_every_root_field_and_argument_has_a_description(server):
    """B13: none of the Query fields and 27 of their arguments had one."""
    fields = post(server, '{ __type(name: "Query") { fields { name description args { name description } } } }')
    missing = [(f["name"], a["name"]) for f in fields["data"]["__type"]["fields"]
               for a in [{"name": "", "description": f["description"]}, *f["args"]] if not a["description"]]
    assert missing == []


def test_an_unsupported_language_code_is_refused_naming_the_supported_ones(server):
    """B11: name(lang: "!!") and substances(lang: "zz") answered as if the code were valid."""
    for query in ('{ substance(cas: "1336-36-3") { name(lang: "!!") } }',
                  '{ substances(search: "lead", lang: "zz") { edges { cursor } } }'):
        answer = post(server, query)
        assert code(answer) == "BAD_USER_INPUT" and "en, ja" in answer["errors"][0]["message"], answer
    # hexachlorobenzene has a Japanese name (CSCL Class I); PCB's only came back through the silent fallback to
    # English that B11 removed (`name(lang: "ja")` is null without a Japanese name: test_api_qa7b.py)
    ok = post(server, '{ substance(cas: "118-74-1") { name(lang: "ja") } }')
    assert ok["data"]["substance"]["name"] == "ヘキサクロロベンゼン"
