"""Hostile XML is refused by one hardened parser configuration, whatever the encoding (issue 12, item 5).

A DOCTYPE (internal entities, external entities, an external DTD, an expansion bomb) is refused in UTF-8,
UTF-16 and UTF-32, little and big endian, with and without a byte order mark, and in declared encodings,
naming the file, the line and `DOCTYPE`; no entity reaches the store, which holds exactly what it held.
Before, a byte scan looked for `<!DOCTYPE` and re-decoded only what looked like UTF-16 (as little endian):
UTF-32 files and big-endian UTF-16 files without a byte order mark passed it, and their internal entities
were parsed into the declaration. The xlsx survey form, whose worksheets openpyxl parses with the standard
library, expanded a worksheet's entity into a stored answer.
"""

from __future__ import annotations

import codecs
import datetime as dt
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from complygraph.graph import open_store
from complygraph.loaders.declarations import import_declarations
from complygraph.loaders.errors import InputError
from complygraph.loaders.survey import import_survey
from complygraph.loaders.xmlsafe import read_xml

from .shacl_cases import build, material, part, sub

D = Path(__file__).parent / "declarations"
SECRET = "Evil Corp EXPANDED"
ENTITY = f'<!DOCTYPE MainDeclaration [<!ENTITY co "{SECRET}">]>'


def everything(store) -> set[str]:
    return {f"{r.get('g', '')} {r['s']} {r['p']} {r['o']}" for r in store.select(
        "SELECT * WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } FILTER(?g != <urn:complygraph:meta>) } }")}


@pytest.fixture
def store():
    """A store holding one good declaration, so that "unchanged" compares something."""
    store = open_store(None)
    import_declarations(store, [D / "iec62474.xml"])
    return store


def hostile(tmp_path: Path, codec: str, declared: str, bom: bytes = b"", doctype: str = ENTITY,
            company: str = "&co;", name: str = "hostile") -> Path:
    """The IPC-1752A Class D example with `doctype` on line 2 and `company` as the supplier's name, encoded in
    `codec` (after `bom`), its XML declaration naming `declared` (none if empty)."""
    text = (D / "ipc-class-d.xml").read_text(encoding="utf-8")
    first, rest = text.split("\n", 1)
    head = f'<?xml version="1.0" encoding="{declared}"?>' if declared else '<?xml version="1.0"?>'
    body = rest.replace('name="Kobe Connectors Ltd."', f'name="{company}"')
    assert 'name="Kobe Connectors Ltd."' in rest and first.startswith("<?xml")
    path = tmp_path / f"{name}-{codec}-{len(bom)}.xml"
    path.write_bytes(bom + f"{head}\n{doctype}\n{body}".encode(codec))
    return path


def refused(store, path: Path, seconds: float = 2.0) -> None:
    before = everything(store)
    started = time.monotonic()
    with pytest.raises(InputError) as info:
        import_declarations(store, [path])
    assert time.monotonic() - started < seconds
    [problem] = info.value.problems
    assert problem.file == str(path) and problem.line == 2 and problem.field == "DOCTYPE", str(problem)
    assert "DTDs" in problem.reason and SECRET not in str(info.value) and "root:" not in str(info.value)
    assert everything(store) == before
    assert not any(SECRET in t for t in everything(store))


# The UTF-32 and BOM-less big-endian UTF-16 cases are the ones that passed the old byte scan; the others were
# refused before too and stay as guards.
ENCODINGS = [
    ("utf-8", "UTF-8", b""),
    ("utf-8", "UTF-8", codecs.BOM_UTF8),
    ("utf-16-le", "UTF-16", codecs.BOM_UTF16_LE),
    ("utf-16-be", "UTF-16", codecs.BOM_UTF16_BE),
    ("utf-16-le", "UTF-16", b""),
    ("utf-16-be", "UTF-16", b""),
    ("utf-32-le", "UTF-32", codecs.BOM_UTF32_LE),
    ("utf-32-be", "UTF-32", codecs.BOM_UTF32_BE),
    ("utf-32-le", "UTF-32", b""),
    ("utf-32-be", "UTF-32", b""),
    ("utf-32-le", "", codecs.BOM_UTF32_LE),
    ("iso-8859-1", "ISO-8859-1", b""),
    ("shift_jis", "Shift_JIS", b""),
]


@pytest.mark.parametrize("codec, declared, bom", ENCODINGS,
                         ids=[f"{c}{'-bom' if b else ''}{'-undeclared' if not d else ''}" for c, d, b in ENCODINGS])
def test_an_internal_entity_is_refused_in_every_encoding(store, tmp_path, codec, declared, bom):
    refused(store, hostile(tmp_path, codec, declared, bom))


def test_the_utf32_file_of_the_issue_no_longer_stores_its_entity(tmp_path):
    """Issue 12: "A DOCTYPE in a UTF-32 file passes the check and its internal entity is expanded into stored
    data". Read alone, into an empty store."""
    store = open_store(None)
    with pytest.raises(InputError, match="DTDs"):
        import_declarations(store, [hostile(tmp_path, "utf-32", "UTF-32")])
    assert store.count() == 0


@pytest.mark.parametrize("codec, bom", [("utf-32-be", b""), ("utf-16-be", b""), ("utf-32-le", codecs.BOM_UTF32_LE)])
def test_external_entities_and_an_external_dtd_are_refused_without_reading_anything(store, tmp_path, codec, bom):
    files = hostile(tmp_path, codec, "", bom, company="&secret;&remote;", doctype=(
        '<!DOCTYPE MainDeclaration [ <!ENTITY secret SYSTEM "file:///etc/passwd"> '
        '<!ENTITY remote SYSTEM "http://127.0.0.1:9/x"> ]>'))
    refused(store, files)
    refused(store, hostile(tmp_path, codec, "", bom, company="Kobe Connectors Ltd.", name="external-dtd",
                           doctype='<!DOCTYPE MainDeclaration SYSTEM "http://127.0.0.1:9/ipc.dtd">'))


@pytest.mark.parametrize("codec, bom", [("utf-32-le", b""), ("utf-16-be", b"")])
def test_an_expansion_bomb_is_refused_at_once(store, tmp_path, codec, bom):
    lines = (D / "bomb.xml").read_text().split("\n")
    doctype = " ".join(lines[1:lines.index("]>") + 1])
    refused(store, hostile(tmp_path, codec, "", bom, doctype=doctype, company="&lol9;"), seconds=2.0)


def test_parameter_entities_are_refused(store, tmp_path):
    doctype = '<!DOCTYPE MainDeclaration [ <!ENTITY % p "<!ENTITY co \'x\'>"> %p; ]>'
    refused(store, hostile(tmp_path, "utf-32-be", "UTF-32", doctype=doctype))


def test_the_size_limit_and_the_depth_limit_are_kept(tmp_path):
    """Guards: the 50 MB limit (here lowered) and libxml2's depth limit (huge_tree off) still hold."""
    with pytest.raises(InputError, match="over the limit"):
        read_xml(D / "ipc-class-d.xml", max_bytes=1000)
    deep = tmp_path / "deep.xml"
    deep.write_text('<?xml version="1.0"?>\n<a>' + "<b>" * 300 + "</b>" * 300 + "</a>")
    with pytest.raises(InputError) as info:
        read_xml(deep)
    assert "not well-formed" in str(info.value) and info.value.problems[0].line == 2


@pytest.fixture
def survey_store(tmp_path):
    return build(tmp_path / "data", [part("p1", 1000, material("m1", 1000, sub("7440-02-0", 10)))])


def test_an_entity_in_a_survey_workbook_is_refused_before_openpyxl_reads_it(survey_store, tmp_path):
    """Before: openpyxl's worksheet reader (the standard library's parser) expanded the entity, and the
    survey answer's "where used" was stored as its text."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["part_id", "date", "item", "present", "ppm", "where_used"])
    ws.append(["p1", "2026-04-01", "B06", "yes", None, "WHERE-PLACEHOLDER"])
    plain = tmp_path / "plain.xlsx"
    wb.save(plain)
    path = tmp_path / "survey.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode("utf-8")
                assert "WHERE-PLACEHOLDER" in text
                data = (f'<!DOCTYPE worksheet [<!ENTITY co "{SECRET}">]>'
                        + text.replace("WHERE-PLACEHOLDER", "&co;")).encode("utf-8")
            out.writestr(item, data)
    before = everything(survey_store)
    with pytest.raises(InputError) as info:
        import_survey(survey_store, [path], date=dt.date(2026, 4, 1))
    [problem] = info.value.problems
    assert problem.file == str(path) and problem.line == 1
    assert problem.field == "xl/worksheets/sheet1.xml: DOCTYPE" and "DTDs" in problem.reason
    assert everything(survey_store) == before
