"""Batch loading that keeps going: `complygraph load --skip-invalid` and the `skipInvalid` argument of the
`importDeclarations` and `importSurvey` mutations (issue 15, item 3).

The good files are the hand-written declarations of tests/declarations (KC-100 by Kobe Connectors, dated
2026-03-10; OPC-C0603-225 by Osaka Passive Components); the bad ones are copies broken in one place each, so
the report's line numbers are known: line 3 of `broken.xml` ends inside a tag, line 18 of `badmass.xml` is
the PBT housing's `Amount` (value "15x0"), and `heavy.xml` is read fine but its PBT housing holds 2.2 g of
substances in a 1500 mg material, which the writer finds while the file's transaction is open.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import httpx
import pytest
from pyoxigraph import Literal
from typer.testing import CliRunner

from complygraph.cli import app
from complygraph.graph import open_store
from complygraph.loaders.batch import load_declarations, load_surveys
from complygraph.loaders.errors import InputError

from .test_api import serve

D = Path(__file__).parent / "declarations"
GOOD = ("ipc-class-d.xml", "iec62474.xml")
# the parts each good file declares (its product and its sub-product or product part) -> the file
DECLARED = {"KC-100": {"ipc-class-d.xml"}, "KC-100/KC-100-LATCH": {"ipc-class-d.xml"},
            "OPC-C0603-225": {"iec62474.xml"}, "OPC-C0603-225/1": {"iec62474.xml"}}
MASS_LINE = '<Amount value="1500" UOM="mg"/>'


def _bad(folder: Path, name: str) -> Path:
    """A broken copy of a good declaration (see the module docstring)."""
    text = (D / "ipc-class-d.xml").read_text(encoding="utf-8")
    broken = {
        "broken.xml": '<MainDeclaration xmlns="http://webstds.ipc.org/175x/2.0">\n<BusinessInfo>\n</Main',
        "badmass.xml": text.replace(MASS_LINE, '<Amount value="15x0" UOM="mg"/>'),
        "heavy.xml": text.replace('<Amount value="1.2" UOM="g"/>', '<Amount value="2.2" UOM="g"/>'),
    }[name]
    assert broken != text
    path = folder / name
    path.write_text(broken, encoding="utf-8")
    return path


def _good(folder: Path) -> list[Path]:
    out = []
    for name in GOOD:
        out.append(folder / name)
        shutil.copy(D / name, out[-1])
    return out


def _declared(store) -> dict[str, set[str]]:
    """Declared part id -> the titles of the source files its declarations came from."""
    rows = store.select("""SELECT ?id ?title WHERE { ?d a cg:Declaration ; cg:declares ?p ;
                             prov:wasDerivedFrom/dct:title ?title . ?p dct:identifier ?id }""")
    out: dict[str, set[str]] = {}
    for r in rows:
        out.setdefault(r["id"].value, set()).add(r["title"].value)
    return out


def _mentions(store, text: str) -> int:
    """Triples, in the default graph or any named graph (history, staging), whose subject or object
    contains `text`."""
    rows = store.select("""SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } }
                           FILTER(CONTAINS(STR(?s), ?t) || CONTAINS(STR(?o), ?t)) }""", {"t": Literal(text)})
    return int(rows[0]["n"].value)


def _report(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["file", "line", "field", "reason"]
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


# the command line

def test_two_good_one_bad_loads_the_good_ones_and_exits_3(tmp_path):
    good = _good(tmp_path)
    bad = _bad(tmp_path, "badmass.xml")
    store, report = str(tmp_path / "store"), tmp_path / "refused.csv"
    code, out, errs = _run("load", "--skip-invalid", "--rejections", str(report), str(good[0]), str(bad),
                           str(good[1]), "--store", store)
    assert code == 3, out + errs
    assert "2 files loaded, 1 refused" in out and str(report) in out
    assert "badmass.xml:18" in errs
    s = open_store(store)
    try:
        assert _declared(s) == DECLARED
        assert _mentions(s, "badmass.xml") == 0, "the refused file left a trace"
        assert _mentions(s, "15x0") == 0
    finally:
        s.close()
    [row] = _report(report)
    assert row["file"] == str(bad) and row["line"] == "18"
    assert row["field"].endswith("HomogeneousMaterial/Amount@value")
    assert "15x0" in row["reason"] and "not a number" in row["reason"]


def test_a_file_refused_while_it_is_written_leaves_nothing(tmp_path):
    """heavy.xml passes the reading and fails inside its own transaction; the other file stays loaded."""
    heavy = _bad(tmp_path, "heavy.xml")
    good = _good(tmp_path)[1]
    store, report = str(tmp_path / "store"), tmp_path / "r.csv"
    code, out, _ = _run("load", "--skip-invalid", "--rejections", str(report), str(heavy), str(good),
                        "--store", store)
    assert code == 3 and "1 file loaded, 1 refused" in out
    s = open_store(store)
    try:
        assert set(_declared(s)) == {"OPC-C0603-225", "OPC-C0603-225/1"}
        assert _mentions(s, "KC-100") == 0 and _mentions(s, "Kobe Connectors") == 0
    finally:
        s.close()
    [row] = _report(report)
    # the field is the material's own Amount element (it was "mass", the compositions format's name: QA12 B11)
    assert row["file"] == str(heavy) and row["line"] == "17"
    assert row["field"] == "HomogeneousMaterial 'PBT housing': Amount@value"
    assert "2462.5 mg" in row["reason"] and "1500 mg" in row["reason"]


def test_every_file_bad_exits_2_and_still_writes_the_report(tmp_path):
    # heavy.xml is refused after the others have been read (when it is written): reported in the order given
    bad = [_bad(tmp_path, "heavy.xml"), _bad(tmp_path, "broken.xml"), _bad(tmp_path, "badmass.xml")]
    store, report = str(tmp_path / "store"), tmp_path / "r.csv"
    code, out, errs = _run("load", "--skip-invalid", "--rejections", str(report), *map(str, bad), "--store", store)
    assert code == 2
    assert "0 files loaded, 3 refused" in out and "every file was refused" in errs
    rows = _report(report)
    assert [(r["file"], r["line"]) for r in rows] == [(str(bad[0]), "17"), (str(bad[1]), "3"), (str(bad[2]), "18")]
    assert rows[1]["field"] == "" and "not well-formed XML" in rows[1]["reason"]
    s = open_store(store)
    try:
        assert _declared(s) == {}
    finally:
        s.close()


def test_without_the_flag_a_bad_file_stops_everything_as_before(tmp_path):
    good = _good(tmp_path)
    bad = _bad(tmp_path, "broken.xml")
    store = str(tmp_path / "store")
    code, out, errs = _run("load", str(good[0]), str(bad), str(good[1]), "--store", store)
    assert code == 2 and "nothing was stored" in errs and "broken.xml:3" in errs
    assert not list(tmp_path.glob("rejections-*.csv"))
    s = open_store(store)
    try:
        assert _declared(s) == {}
    finally:
        s.close()
    code, _, errs = _run("load", "--rejections", str(tmp_path / "r.csv"), str(good[0]), "--store", store)
    assert code == 2 and "--rejections needs --skip-invalid" in errs
    assert not (tmp_path / "r.csv").exists()
    missing = tmp_path / "no-such-folder" / "r.csv"
    code, _, errs = _run("load", "--skip-invalid", "--rejections", str(missing), str(good[0]), str(bad),
                         "--store", store)
    assert code == 2 and "no-such-folder" in errs and "does not exist" in errs
    s = open_store(store)
    try:
        assert _declared(s) == {}, "a report that cannot be written is known before any file is loaded"
    finally:
        s.close()


def test_default_report_name_in_the_working_directory_and_json_output(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    good = _good(tmp_path)
    bad = _bad(tmp_path, "broken.xml")
    code, out, errs = _run("load", "--skip-invalid", "--output-format", "json", str(good[0]), str(bad),
                           "--store", str(tmp_path / "store"))
    assert code == 3
    [written] = list(tmp_path.glob("rejections-*.csv"))
    assert re.fullmatch(r"rejections-\d{8}-\d{6}\.csv", written.name)
    data = json.loads(out)  # stdout is the JSON alone; the summary and the path went to stderr
    assert data["files_loaded"] == 1 and data["files_refused"] == 1
    assert data["rejections"] == [{"file": str(bad), "line": 3, "field": None,
                                   "reason": "not well-formed XML: expected '>', line 3, column 7"}]
    assert Path(data["rejections_file"]) == written
    assert [r["part_id"] for r in data["declarations"]] == ["KC-100"]
    assert "1 file loaded, 1 refused" in errs and str(written) in errs
    assert _report(written)[0]["reason"] == data["rejections"][0]["reason"]


def test_all_good_with_the_flag_exits_0_and_writes_no_default_report(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    good = _good(tmp_path)
    code, out, _ = _run("load", "--skip-invalid", *map(str, good), "--store", str(tmp_path / "store"))
    assert code == 0 and "2 files loaded, 0 refused" in out
    assert not list(tmp_path.glob("rejections-*.csv"))
    # an explicit report is always written, header only when nothing was refused
    code, out, _ = _run("load", "--skip-invalid", "--rejections", "r.csv", str(good[0]), "--store",
                        str(tmp_path / "store"))
    assert code == 0 and "1 file loaded, 0 refused; rejections in r.csv" in out
    assert _report(tmp_path / "r.csv") == []
    assert "unchanged" in out, "the same file again is loaded (and changes nothing)"


def test_refusal_at_the_stored_declarations_date_the_day_before_and_after(tmp_path):
    """A declaration older than the stored one is refused at write time, its own file only; one of the same
    day or a day later replaces it. Written oldest first whatever the order given."""
    store = open_store(None)
    text = (D / "ipc-class-d.xml").read_text(encoding="utf-8")
    files = {}
    for name, day, mass in (("before.xml", "2026-03-09", "1501"), ("same.xml", "2026-03-10", "1502"),
                            ("after.xml", "2026-03-11", "1503")):
        files[name] = tmp_path / name
        files[name].write_text(text.replace("2026-03-10T09:00:00Z", day).replace(
            MASS_LINE, f'<Amount value="{mass}" UOM="mg"/>').replace('value="2.5" UOM="g"', 'value="2503" UOM="mg"'))
    load_declarations(store, [D / "ipc-class-d.xml"], skip_invalid=True)
    batch = load_declarations(store, [files["after.xml"], files["before.xml"], files["same.xml"]],
                              skip_invalid=True)
    assert batch.refused == [str(files["before.xml"])]
    assert [(Path(o.file).name, o.status) for o in batch.outcomes] == [("same.xml", "replaced"),
                                                                        ("after.xml", "replaced")]
    [problem] = batch.problems
    assert problem.field == "BusinessInfo/Response@date" and "2026-03-09" in problem.reason
    assert "2026-03-10" in problem.reason
    assert batch.summary() == "2 files loaded, 1 refused"
    # in force: the latest declaration, 2026-03-11, with its own housing mass
    mass = store.select("""SELECT ?mg WHERE { ?p dct:identifier "KC-100" ; cg:hasMaterial ?m .
                           ?m rdfs:label "PBT housing" ; cg:massMg ?mg }""")
    assert [float(r["mg"].value) for r in mass] == [1503.0]


SURVEY = "part_id,date,item,present,ppm\n"


def test_surveys_one_transaction_per_file(tmp_path):
    store = open_store(None)
    load_declarations(store, [D / "ipc-class-d.xml"])
    good = tmp_path / "good.csv"
    good.write_text(SURVEY + "KC-100,2026-04-01,A01,no,\nKC-100,2026-04-01,A02,yes,1200\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(SURVEY + "KC-100,2026-04-02,A01,no,\nKC-100,2026-04-02,A99,no,\n", encoding="utf-8")
    with pytest.raises(InputError):
        load_surveys(store, [good, bad])
    assert not store.ask("ASK { ?r cg:hasSurveyAnswer ?a }"), "without skip_invalid nothing is stored"
    batch = load_surveys(store, [bad, good], skip_invalid=True)
    assert batch.loaded == [str(good)] and batch.refused == [str(bad)]
    assert batch.counts["surveys"] == 1 and batch.counts["answers"] == 2 and batch.counts["triples"] > 0
    [problem] = batch.problems
    assert (problem.file, problem.line, problem.field) == (str(bad), 3, "item") and "A99" in problem.reason
    dates = {r["d"].value for r in store.select("SELECT ?d WHERE { ?r cg:hasSurveyAnswer ?a ; dct:date ?d }")}
    assert dates == {"2026-04-01"}, "nothing of the refused file (dated 2026-04-02) is stored"


def test_survey_cli_json_includes_the_rejections(tmp_path):
    store = str(tmp_path / "store")
    assert _run("load", str(D / "ipc-class-d.xml"), "--store", store)[0] == 0
    good = tmp_path / "good.csv"
    good.write_text(SURVEY + "KC-100,2026-04-01,A01,no,\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(SURVEY + "KC-100,2026-04-01,A02,perhaps,\n", encoding="utf-8")
    code, out, _ = _run("load", "--format", "survey", "--skip-invalid", "--rejections", str(tmp_path / "r.csv"),
                        "--json", str(good), str(bad), "--store", store)
    assert code == 3
    data = json.loads(out)
    assert (data["surveys"], data["answers"], data["files_loaded"], data["files_refused"]) == (1, 1, 1, 1)
    assert [(r["file"], r["line"], r["field"]) for r in data["rejections"]] == [(str(bad), 2, "present")]
    code, out, _ = _run("load", "--format", "survey", "--skip-invalid", "--rejections", str(tmp_path / "r.csv"),
                        str(bad), "--store", store)
    assert code == 2 and "0 survey responses, 0 answers" in out and "0 files loaded, 1 refused" in out


# the GraphQL mutations

@pytest.fixture
def server(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPLYGRAPH_WRITE_TOKEN", "s3cret")
    store = open_store(str(tmp_path / "api-store"))
    for base in serve(store):
        yield base, store
    store.close()


def _upload(server: str, query: str, files: list[tuple[str, bytes]], variables: dict | None = None) -> dict:
    operations = {"query": query, "variables": {**(variables or {}), "f": [None] * len(files)}}
    return httpx.post(f"{server}/graphql", timeout=60,
                      headers={"Apollo-Require-Preflight": "1", "Authorization": "Bearer s3cret"},
                      data={"operations": json.dumps(operations),
                            "map": json.dumps({str(i): [f"variables.f.{i}"] for i in range(len(files))})},
                      files={str(i): f for i, f in enumerate(files)}).json()


DECLARE = """mutation($f: [Upload!]!, $skip: Boolean!) { importDeclarations(files: $f, skipInvalid: $skip) {
  file part declarationClass status rejected { file line field reason } } }"""
SURVEY_Q = """mutation($f: [Upload!]!, $skip: Boolean!) { importSurvey(files: $f, skipInvalid: $skip) {
  counts { kind count } rejected { file line field reason } } }"""


def test_mutations_with_skip_invalid_false_and_true(server, tmp_path):
    base, store = server
    bad = _bad(tmp_path, "badmass.xml")
    files = [(n, (D / n).read_bytes()) for n in GOOD] + [("badmass.xml", bad.read_bytes())]
    refused = _upload(base, DECLARE, files, {"skip": False})
    assert refused["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    assert "badmass.xml:18" in refused["errors"][0]["message"]
    assert _declared(store) == {}
    done = _upload(base, DECLARE, files, {"skip": True})
    assert "errors" not in done, done
    outcomes = done["data"]["importDeclarations"]
    assert sorted((o["part"], o["status"]) for o in outcomes[:2]) == [("KC-100", "new"), ("OPC-C0603-225", "new")]
    assert all(o["rejected"] == [] for o in outcomes[:2])
    last = outcomes[2]
    assert (last["file"], last["part"], last["declarationClass"], last["status"]) == ("badmass.xml", None, None,
                                                                                      "refused")
    [problem] = last["rejected"]
    assert (problem["file"], problem["line"]) == ("badmass.xml", 18)
    assert problem["field"].endswith("Amount@value") and "15x0" in problem["reason"]
    assert "/" not in problem["file"] and "complygraph-upload" not in json.dumps(done)
    assert _declared(store) == DECLARED

    good = (SURVEY + "KC-100,2026-04-01,A01,no,\n").encode()
    bad_survey = (SURVEY + "KC-100,2026-04-02,A01,no,\nKC-100,2026-04-02,A01,yes,5\n").encode()
    uploads = [("good.csv", good), ("bad.csv", bad_survey)]
    failed = _upload(base, SURVEY_Q, uploads, {"skip": False})
    assert failed["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    assert not store.ask("ASK { ?r cg:hasSurveyAnswer ?a }")
    answered = _upload(base, SURVEY_Q, uploads, {"skip": True})["data"]["importSurvey"]
    assert {c["kind"]: c["count"] for c in answered["counts"]} == {"surveys": 1, "answers": 1}
    assert [(r["file"], r["line"], r["field"]) for r in answered["rejected"]] == [("bad.csv", 3, "item")]
    assert "answered twice" in answered["rejected"][0]["reason"]


def test_without_the_flag_a_file_refused_while_written_names_the_files_already_stored(tmp_path):
    """Regression: a batch stopped by a file refused inside its own transaction said "nothing was stored"
    although the files written before it (older declarations first) had been stored."""
    good = _good(tmp_path)[1]  # iec62474.xml, dated 2026-04-02
    heavy = _bad(tmp_path, "heavy.xml")
    heavy.write_text(heavy.read_text(encoding="utf-8").replace('date="2026-03-10T', 'date="2026-05-10T'),
                     encoding="utf-8")  # newer: written after iec62474.xml
    store = str(tmp_path / "store")
    code, out, errs = _run("load", str(good), str(heavy), "--store", store)
    assert code == 2
    assert "nothing was stored" not in out + errs
    assert "stored before it, each whole: " in out + errs and "iec62474.xml" in out + errs
    s = open_store(store)
    try:
        assert set(_declared(s)) == {"OPC-C0603-225", "OPC-C0603-225/1"}
        assert _mentions(s, "Kobe Connectors") == 0
    finally:
        s.close()


def test_a_rejection_report_that_cannot_be_written_is_known_before_loading(tmp_path):
    """Regression (review): `--rejections` naming a folder failed after the good files were stored, with
    "nothing was stored" and exit 2."""
    good = _good(tmp_path)[1]
    bad = _bad(tmp_path, "badmass.xml")
    folder = tmp_path / "a-folder"
    folder.mkdir()
    store = str(tmp_path / "store")
    code, out, errs = _run("load", "--skip-invalid", "--rejections", str(folder), str(good), str(bad),
                           "--store", store)
    assert code == 2 and "cannot be written" in out + errs and "nothing was stored" not in out + errs
    s = open_store(store)
    try:
        assert _declared(s) == {}  # refused before any file was loaded
    finally:
        s.close()


def test_a_store_failure_after_some_files_names_the_files_already_stored(tmp_path, monkeypatch):
    """Regression (review): a store failure while writing file k said "the store is as it was" although the
    files before it were committed, each in its own transaction."""
    import complygraph.loaders.batch as batch_module
    import complygraph.loaders.declarations as declarations_module
    from complygraph.graph.store import StoreError

    good = _good(tmp_path)
    for module in (declarations_module, batch_module):
        real, calls = module.write_declaration, []

        def failing(store, decl, real=real, calls=calls):
            calls.append(decl.file)
            if len(calls) == 2:
                raise StoreError("the endpoint stopped answering; the write was not committed")
            return real(store, decl)

        monkeypatch.setattr(module, "write_declaration", failing)
        store = open_store(None)
        with pytest.raises(StoreError, match="stored before it, each whole: ") as failed:
            load_declarations(store, good, skip_invalid=module is batch_module)
        assert calls[0] in str(failed.value) and calls[1] not in str(failed.value).split("each whole:")[1]
