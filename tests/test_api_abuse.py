"""The API against hostile and careless requests, through real HTTP: limits that cannot be gamed, what is
refused before a request's body is read, CSRF, no CDN assets, and no server path in any answer."""

from __future__ import annotations

import json
import logging
import socket
import tempfile
import time

import httpx
import pytest
from graphql import GraphQLError, located_error

from complygraph.graph import open_store

from .shacl_cases import build, material, part, sub
from .test_api import JSONL, gql, serve

TOKEN = "s3cret"
IMPORT = "mutation($f: Upload!) { importCompositions(file: $f) { triples } }"
MAX_UPLOAD = 100_000


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    store = build(tmp_path_factory.mktemp("abuse"), [
        part("housing", 100_000, material("abs", 100_000, sub("7439-97-6", 200))),
        part("seal", 1_000, material("fkm", 1_000, sub("7439-92-1", "0.5")))], ["eu-rohs-annex-ii"])
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COMPLYGRAPH_API_MAX_UPLOAD", str(MAX_UPLOAD))
        yield from serve(store)


def code(answer: dict) -> str:
    return answer["errors"][0]["extensions"]["code"]


def multipart(server: str, content: bytes, headers: dict[str, str], name: str = "data.jsonl") -> httpx.Response:
    return httpx.post(f"{server}/graphql", headers=headers, timeout=60,
                      data={"operations": json.dumps({"query": IMPORT, "variables": {"f": None}}),
                            "map": json.dumps({"0": ["variables.f"]})},
                      files={"0": (name, content)})


# limits that cannot be gamed

def test_negative_or_zero_page_sizes_are_refused_before_anything_runs(server):
    # a negative `first` once made the price negative, and a refused costly query ran
    gamed = gql(server, "{ x: parts(first: -100000000) { edges { cursor } } "
                        + " ".join(f'v{i}: validate(at: "2026-0{i + 1}-01") {{ conforms }}' for i in range(6)) + " }")
    assert gamed["data"] is None and {e["extensions"]["code"] for e in gamed["errors"]} >= {"PAGE_SIZE"}, gamed
    zero = gql(server, "{ parts(first: 0) { edges { cursor } } }")
    assert zero["data"] is None and code(zero) == "PAGE_SIZE"
    for n in (-1, 0, 101):
        by_variable = gql(server, "query($n: Int) { substances(first: $n) { edges { cursor } } }", {"n": n})
        assert code(by_variable) == "PAGE_SIZE", by_variable


def test_heavy_fields_are_priced_by_the_work_they_do(server):
    # 20 aliased validations were priced ~10,000 and took a minute on 10k parts
    flood = gql(server, "{ " + " ".join(f"a{i}: validate {{ conforms }}" for i in range(20)) + " }")
    assert flood["data"] is None and code(flood) == "QUERY_TOO_COSTLY", flood
    # a page of one part that runs a whole validation was priced ~3
    pages = gql(server, "{ " + " ".join(f'p{i}: parts(first: 1, nonCompliantWith: "eu-rohs") {{ edges {{ cursor }} }}'
                                        for i in range(6)) + " }")
    assert code(pages) == "QUERY_TOO_COSTLY" and pages["errors"][0]["extensions"]["cost"] > 60_000, pages
    assert "errors" not in gql(server, '{ parts(first: 1, nonCompliantWith: "eu-rohs") { edges { cursor } } }')


def test_an_alias_flood_is_refused_with_a_code(server):
    flood = gql(server, "{ " + " ".join(f"a{i}: lists {{ id }}" for i in range(30)) + " }")
    assert flood["data"] is None and code(flood) == "TOO_MANY_ALIASES", flood
    via_fragments = gql(server, "{ ...A ...A } fragment A on Query { "
                        + " ".join(f"a{i}: lists {{ id }}" for i in range(12)) + " }")
    assert code(via_fragments) == "TOO_MANY_ALIASES", via_fragments


def test_a_deep_query_is_refused_with_a_code(server):
    deep = gql(server, "{ " + "lists { " * 12 + "id" + " }" * 12 + " }")
    assert deep["data"] is None and code(deep) == "QUERY_TOO_DEEP", deep
    assert deep["errors"][0]["extensions"]["depth"] == 13


def test_a_fragment_bomb_is_refused_at_once(server):
    fragments = "fragment F0 on Query { lists { id } } " + " ".join(
        f"fragment F{i} on Query {{ {' '.join([f'...F{i - 1}'] * 25)} }}" for i in range(1, 5))
    t0 = time.perf_counter()
    bomb = gql(server, "{ ...F4 } " + fragments)
    assert code(bomb) == "QUERY_TOO_COSTLY" and time.perf_counter() - t0 < 1.0, bomb


def test_an_oversized_body_is_refused_before_it_is_read(server):
    query = "{ lists { id } }" + " " * 1_100_000
    r = httpx.post(f"{server}/graphql", json={"query": query}, timeout=60)
    assert r.status_code == 413 and code(r.json()) == "REQUEST_TOO_LARGE", r.text

    def chunks():  # no Content-Length: read up to the limit, then refused
        for _ in range(40):
            yield b" " * 50_000
    r = httpx.post(f"{server}/graphql", content=chunks(), headers={"Content-Type": "application/json"}, timeout=60)
    assert r.status_code == 413 and code(r.json()) == "REQUEST_TOO_LARGE", r.text
    # within the limit, a body without Content-Length is read and answered
    body = json.dumps({"query": "{ lists { id } }"}).encode()
    r = httpx.post(f"{server}/graphql", content=iter([body[:10], body[10:]]),
                   headers={"Content-Type": "application/json"}, timeout=60)
    assert r.status_code == 200 and r.json()["data"]["lists"], r.text


def test_a_body_that_is_not_utf8_is_a_400_naming_the_byte(server):
    """Regression (QA B5): a Latin-1 body got HTTP 500 and a traceback in the server log (strawberry let the
    UnicodeDecodeError through); malformed JSON was already a 400."""
    body = '{"query": "{ lists { id } }", "variables": {"note": "caf\u00e9"}}'.encode("latin-1")
    r = httpx.post(f"{server}/graphql", content=body, headers={"Content-Type": "application/json"}, timeout=60)
    assert r.status_code == 400, r.text
    assert "not UTF-8" in r.text and "0xe9" in r.text
    r = httpx.post(f"{server}/graphql", content=body.decode("latin-1").encode("utf-8"),
                   headers={"Content-Type": "application/json"}, timeout=60)
    assert r.status_code == 200, r.text  # the same body in UTF-8 is answered


def test_where_used_keeps_a_part_exactly_at_min_ppm(server):
    """The seal's lead is 500 ppm of its mass."""
    edge = gql(server, '{ whereUsed(cas: ["7439-92-1"], minPpm: 500) { ppm } }')["data"]["whereUsed"]
    assert [r["ppm"] for r in edge] == [500]  # exactly at minPpm is kept
    assert gql(server, '{ whereUsed(cas: ["7439-92-1"], minPpm: 500.001) { ppm } }')["data"]["whereUsed"] == []


@pytest.mark.parametrize("bad", ["-1", "1000000.5", "1e400"])
def test_where_used_refuses_a_min_ppm_outside_0_to_a_million(server, bad):
    """Regression (QA B12): minPpm -1 answered every row and 1e400 none, without a word."""
    answer = gql(server, '{ whereUsed(cas: ["7439-92-1"], minPpm: ' + bad + ') { ppm } }')
    assert answer["data"] is None and "minPpm: between 0 and 1000000" in answer["errors"][0]["message"]
    assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


# uploads: the token and the size are checked before the body is read

@pytest.fixture
def spool(monkeypatch, tmp_path):
    """Every temporary file Starlette's multipart parser would create, recorded, in a folder of the test's."""
    import starlette.formparsers as formparsers

    folder = tmp_path / "spool"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    created: list[int] = []

    class Recording(formparsers.SpooledTemporaryFile):
        def __init__(self, *args, **kwargs) -> None:
            created.append(1)
            super().__init__(*args, **kwargs)
    monkeypatch.setattr(formparsers, "SpooledTemporaryFile", Recording)
    return folder, created


def test_an_upload_without_the_token_is_refused_before_anything_is_stored(server, monkeypatch, spool):
    monkeypatch.setenv("COMPLYGRAPH_WRITE_TOKEN", TOKEN)
    folder, created = spool
    for headers in ({"x-complygraph-csrf": "1"}, {"x-complygraph-csrf": "1", "Authorization": "Bearer wrong"}):
        r = multipart(server, b"x" * 90_000, headers)
        assert r.status_code == 200 and code(r.json()) == "UNAUTHENTICATED", r.text
    monkeypatch.delenv("COMPLYGRAPH_WRITE_TOKEN")
    r = multipart(server, b"x" * 90_000, {"x-complygraph-csrf": "1", "Authorization": f"Bearer {TOKEN}"})
    assert code(r.json()) == "FORBIDDEN"
    assert created == [] and list(folder.iterdir()) == []


def test_an_upload_over_the_size_limit_is_refused_before_anything_is_stored(server, monkeypatch, spool):
    monkeypatch.setenv("COMPLYGRAPH_WRITE_TOKEN", TOKEN)
    folder, created = spool
    r = multipart(server, b"x" * (MAX_UPLOAD + 1), {"x-complygraph-csrf": "1", "Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 413 and code(r.json()) == "UPLOAD_TOO_LARGE", r.text
    assert created == [] and list(folder.iterdir()) == []
    ok = multipart(server, JSONL.replace("UP1", "AB1").encode(),
                   {"x-complygraph-csrf": "1", "Authorization": f"Bearer {TOKEN}"})
    assert ok.json()["data"]["importCompositions"]["triples"] > 0, ok.text


# CSRF

def test_browser_form_posts_are_refused(server):
    body = json.dumps({"query": "{ lists { id } }"})
    for kind in ("text/plain", "application/x-www-form-urlencoded"):
        r = httpx.post(f"{server}/graphql", content=body, headers={"Content-Type": kind}, timeout=30)
        assert r.status_code == 415 and code(r.json()) == "CSRF", (kind, r.text)
    assert "errors" not in gql(server, "{ lists { id } }")  # JSON needs no header


def test_a_multipart_request_needs_the_csrf_header_even_with_the_token(server, monkeypatch, spool):
    monkeypatch.setenv("COMPLYGRAPH_WRITE_TOKEN", TOKEN)
    folder, created = spool
    r = multipart(server, JSONL.replace("UP1", "CS1").encode(), {"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 400 and code(r.json()) == "CSRF", r.text
    assert created == [] and gql(server, '{ part(id: "CS1") { id } }')["data"]["part"] is None


def test_get_carries_queries_only_and_not_from_another_site(server):
    mutation = httpx.get(f"{server}/graphql", params={"query": "mutation { importSurvey(files: []) { triples } }"})
    assert mutation.status_code == 405 and code(mutation.json()) == "METHOD_NOT_ALLOWED", mutation.text
    query = {"query": "{ lists { id } }"}
    assert httpx.get(f"{server}/graphql", params=query).json()["data"]["lists"]
    assert httpx.get(f"{server}/graphql", params=query, headers={"Sec-Fetch-Site": "same-origin"}).status_code == 200
    cross = httpx.get(f"{server}/graphql", params=query, headers={"Sec-Fetch-Site": "cross-site"})
    assert cross.status_code == 403 and code(cross.json()) == "CSRF", cross.text
    allowed = httpx.get(f"{server}/graphql", params=query,
                        headers={"Sec-Fetch-Site": "cross-site", "x-complygraph-csrf": "1"})
    assert allowed.json()["data"]["lists"]


# nothing from public CDNs, no server paths

def test_docs_load_nothing_from_public_cdns(server):
    for page in ("/docs", "/redoc", "/docs/oauth2-redirect"):
        r = httpx.get(f"{server}{page}")
        assert "cdn." not in r.text and "https://" not in r.text, (page, r.status_code, r.text[:200])
    assert "/healthz" in httpx.get(f"{server}/openapi.json").json()["paths"]


def test_healthz_says_healthy_and_details_only_to_the_token(tmp_path, monkeypatch):
    secret = tmp_path / "secret-store-folder"
    store = open_store(str(secret))
    monkeypatch.setenv("COMPLYGRAPH_WRITE_TOKEN", TOKEN)
    gen = serve(store)
    url = next(gen)
    try:
        anonymous = httpx.get(f"{url}/healthz")
        wrong = httpx.get(f"{url}/healthz", headers={"Authorization": "Bearer nope"})
        details = httpx.get(f"{url}/healthz", headers={"Authorization": f"Bearer {TOKEN}"}).json()
    finally:
        next(gen, None)
        store.close()
    assert anonymous.status_code == 200 and anonymous.json() == {"status": "ok"}
    assert wrong.json() == {"status": "ok"} and "secret-store-folder" not in anonymous.text + wrong.text
    assert details["status"] == "ok" and details["store"] == str(secret) and "heavy_limit" in details["work"]


def test_error_messages_name_no_server_path(server, monkeypatch):
    monkeypatch.setenv("COMPLYGRAPH_WRITE_TOKEN", TOKEN)
    bad = JSONL.replace('"mass": 5', '"mass": -5').replace("UP1", "UP9")
    r = multipart(server, bad.encode(), {"x-complygraph-csrf": "1", "Authorization": f"Bearer {TOKEN}"}, "bad.jsonl")
    message = r.json()["errors"][0]["message"]
    assert code(r.json()) == "INVALID_INPUT" and "bad.jsonl:3: mass: must be positive" in message, message
    assert tempfile.gettempdir() not in message and "/" not in message.split("bad.jsonl")[0], message


def test_an_unexpected_failure_is_coded_and_names_no_path(server, monkeypatch):
    from complygraph.api import parts
    from complygraph.graph.store import StoreError

    def broken(store, product_id):
        raise StoreError("cannot open the store at /srv/secret/store: Permission denied")
    monkeypatch.setattr(parts, "find_product", broken)
    answer = gql(server, '{ product(id: "x") { id } }')
    assert code(answer) == "INTERNAL_SERVER_ERROR" and answer["errors"][0]["message"] == "Unexpected error."
    assert "/srv/secret" not in json.dumps(answer) and "Traceback" not in json.dumps(answer)


def test_scrub_keeps_base_names_and_iris():
    from complygraph.api.errors import scrub

    message = ("/tmp/tmpab12/upload/parts.csv:3: mass: must be positive; see https://w3id.org/complygraph/id/x "
               "and 5 mg/kg; store /srv/data/store")
    assert scrub(message, ("/srv/data/store",)) == (
        "parts.csv:3: mass: must be positive; see https://w3id.org/complygraph/id/x and 5 mg/kg; store the store")


def test_a_request_with_a_lying_content_length_is_not_trusted(server):
    """A client that announces a small body and keeps sending is cut at the announced length by HTTP
    framing; one that announces a huge body is refused before sending it."""
    host, port = server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 5000000000\r\n\r\n")
        answer = ""
        while "}" not in answer and (chunk := s.recv(65536)):
            answer += chunk.decode("latin-1")
    assert answer.startswith("HTTP/1.1 413") and "REQUEST_TOO_LARGE" in answer, answer


def test_expected_errors_are_logged_in_one_line_and_unexpected_ones_with_their_traceback(caplog):
    """Regression (QA B16): every user error (unknown list, bad date) filled the server log with a traceback."""
    from complygraph.api.errors import user_error
    from complygraph.api.schema import schema

    def raised(exc: Exception) -> GraphQLError:
        try:
            raise exc
        except Exception as caught:
            return located_error(caught, None, ["listChange"])

    caplog.set_level(logging.INFO)
    schema.process_errors([raised(user_error("list: unknown list 'eu-foo'", "UNKNOWN_LIST"))])
    assert "UNKNOWN_LIST: list: unknown list 'eu-foo'" in caplog.text and "Traceback" not in caplog.text
    schema.process_errors([raised(ZeroDivisionError("division by zero"))])
    assert "Traceback" in caplog.text and "ZeroDivisionError" in caplog.text


def test_list_change_refuses_a_range_that_ends_before_it_starts(server):
    """Regression (QA4 B8): listChange(from: later, to: earlier) listed the additions as removals."""
    answer = gql(server, '{ listChange(list: "eu-rohs-annex-ii", from: "2026-02-04", to: "2025-06-25") '
                         "{ added { entry } } }")
    assert answer["data"] is None and "is after to" in answer["errors"][0]["message"]
    assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
