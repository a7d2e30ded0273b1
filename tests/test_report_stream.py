"""The validation report streamed to a file (graph/shacl/report_stream.py): the same graph as the in-memory
report, in the same bytes on every run, and in every RDF format it offers."""

from __future__ import annotations

import datetime as dt

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from complygraph.graph.shacl import validate
from complygraph.graph.shacl.report_stream import ordered, write_report

from .shacl_cases import build, material, part, sub


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    store = build(tmp_path_factory.mktemp("stream"), [
        part("P1", 1000, material("M1", 1000, sub("7439-92-1", 20), sub("7440-43-9", 1), sub("117-81-7", 5))),
        part("P2", 1000, material("M2", 1000, sub("117-81-7", 5))),
    ], ["eu-rohs-annex-ii", "eu-reach-svhc"])
    return validate(store, ["eu-rohs", "eu-reach-svhc", "data-quality"], dt.date(2026, 11, 23))


@pytest.mark.parametrize("fmt,parse_as", [("turtle", "turtle"), ("ntriples", "nt"), ("json-ld", "json-ld")])
def test_the_streamed_report_is_the_same_graph_as_the_report(report, tmp_path, fmt, parse_as):
    assert len(report.results) >= 4
    out = tmp_path / f"report.{fmt}"
    assert write_report(report, out, fmt) == len(report.results)
    assert isomorphic(Graph().parse(out, format=parse_as), report.graph())


def test_the_streamed_report_is_byte_for_byte_stable(report, tmp_path):
    a, b = tmp_path / "a.ttl", tmp_path / "b.ttl"
    write_report(report, a)
    report.results.reverse()  # found in another order
    write_report(report, b)
    assert a.read_bytes() == b.read_bytes()
    packs = [r.pack or "" for r in ordered(report.results)]
    assert packs == sorted(packs) and len(set(packs)) >= 2  # grouped by pack first


def test_an_unknown_format_is_refused(report, tmp_path):
    with pytest.raises(ValueError, match="turtle"):
        write_report(report, tmp_path / "x", "csv")
