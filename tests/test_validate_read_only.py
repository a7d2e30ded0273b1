"""`validate` on a store that refuses writes (a read-only SPARQL endpoint, `oxigraph serve-read-only`) says that
validation writes the facts it derives, not only the write's own message about staging graphs (QA6 B07)."""

from __future__ import annotations

import datetime as dt

import pytest

from complygraph.graph.shacl import validate
from complygraph.graph.store import StoreError

from .shacl_cases import build, material, part, sub


def test_validation_on_a_store_that_refuses_writes_says_what_it_writes(tmp_path, monkeypatch):
    store = build(tmp_path, [part("P1", 1000, material("M1", 1000, sub("7439-92-1", 5)))], ["eu-rohs-annex-ii"])

    def refuse(*args, **kwargs):
        raise StoreError("http://127.0.0.1:1/update answered 403: The server is read-only")

    monkeypatch.setattr(store, "write", refuse)
    monkeypatch.setattr(store, "update", refuse)
    monkeypatch.setattr(store, "derive", lambda steps: False)
    with pytest.raises(StoreError, match="validation writes into the store .* accepts updates.*answered 403"):
        validate(store, ["eu-rohs"], dt.date(2026, 12, 1))
