"""What answers a request item, per reason (shapes/data/request-policy.ttl `cg:answeredBy`): a newer
declaration closed every item whatever it had been asked for, so an item for missing evidence closed on a
declaration without the evidence, and one for an unresolved substance identity on a declaration that still
held the substance (a false "answered"). Now the missing or stale declaration is answered by any newer one,
missing evidence by one with fresh evidence, an unresolved identity by one without such a substance, each
tested with the condition that opens the item (graph/outstanding.py).

The declarations are IPC-1752A files loaded as a supplier's answers would be, so a newer one supersedes the
older: a superseded declaration states a composition no longer in force and answers no identity item. The
conditions are SPARQL text from the policy file, so the tests with a store run on every engine (embedded,
Oxigraph server, Virtuoso: tests/conftest.py `any_store`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from complygraph.graph import open_store
from complygraph.graph.outstanding import outstanding
from complygraph.graph.request_policy import PolicyError, load_policy, policy_path
from complygraph.graph.requests import RequestItem, plan, record, sent_requests
from complygraph.loaders.catalog import load_reference
from complygraph.loaders.compositions import import_compositions
from complygraph.loaders.declarations import import_declarations
from complygraph.vocab import ID

ODD = "1234-56-6"  # a well-formed CAS number that no identity source and no list knows: unresolved
SILICA = "7631-86-9"  # a substance of known formula
LISTS = ["eu-reach-svhc", "eu-rohs-annex-ii"]  # RoHS brings membership rules: without any, nothing is unresolved
DECLARED = dt.date(2026, 1, 10)  # the declaration before the request
SENT = dt.date(2026, 3, 1)
RP = "https://w3id.org/complygraph/shapes/request-policy#"
ITEM = "KC-1"
PART = f"{ID}part/{ITEM}"


def _ipc(folder: Path, date: dt.date, cas: str | None) -> Path:
    """An IPC-1752A Class D declaration of part KC-1 by Kobe Connectors dated `date`, one material holding `cas`
    (none: a declaration without any material)."""
    path = folder / f"{date}-{cas}.xml"
    path.write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<MainDeclaration xmlns="http://webstds.ipc.org/175x/2.0" version="2.0">
  <BusinessInfo>
    <Response date="{date}T09:00:00Z"><SupplyCompany name="Kobe Connectors Ltd."/></Response>
    <Declaration legalType="Standard" supplierAcceptance="true"/>
  </BusinessInfo>
  <Product unitType="Each">
    <ProductID itemNumber="{ITEM}" itemName="Connector"><Amount value="100" UOM="mg"/></ProductID>
{_materials(cas)}
  </Product>
</MainDeclaration>
""", encoding="utf-8")
    return path


def _materials(cas: str | None) -> str:
    return "" if cas is None else f"""    <MaterialInfo><HomogeneousMaterialList>
      <HomogeneousMaterial name="Housing"><Amount value="100" UOM="mg"/>
        <SubstanceCategoryList><SubstanceCategory name="Other">
          <Substance name="Filler"><SubstanceID identity="{cas}" authority="CAS"/>
            <Amount value="10" UOM="mg"/></Substance>
        </SubstanceCategory></SubstanceCategoryList>
      </HomogeneousMaterial>
    </HomogeneousMaterialList></MaterialInfo>"""


@pytest.fixture
def store(any_store):
    load_reference(any_store, LISTS)
    return any_store


def _declare(store, tmp_path: Path, date: dt.date, cas: str | None) -> str:
    """Load a declaration as the supplier's answer; returns its IRI (the writer's, from the file's digest)."""
    path = _ipc(tmp_path, date, cas)
    import_declarations(store, [path])
    iri = f"{ID}declaration/{hashlib.sha256(path.read_bytes()).hexdigest()[:32]}"
    assert store.ask(f"ASK {{ <{iri}> cg:declares <{PART}> }}"), iri
    return iri


def _send(store, reason: str, packs: list[str] | None = None) -> None:
    """Record the request for `reason` that `requests --out` would send on SENT."""
    rows = [o for o in outstanding(store, SENT, packs=packs) if o.reason.id == reason]
    assert rows, f"nothing outstanding for {reason} on {SENT}"
    record(store, plan(rows, SENT))


def _item(store, at: dt.date, reason: str, part: str = PART) -> RequestItem:
    [item] = [i for r in sent_requests(store, at) for i in r.items if i.reason == reason and i.part_iri == part]
    return item


def _certificate(store, name: str, date: dt.date, part: str = PART) -> None:
    store.update(f'INSERT DATA {{ <{ID}evidence/{name}> a cg:CertificateOfNonUse ; cg:supports <{part}> ; '
                 f'dct:date "{date}"^^xsd:date }}')


def test_missing_evidence_stays_open_after_a_declaration_without_evidence_and_closes_after_one_with_it(
        store, tmp_path):
    _declare(store, tmp_path, DECLARED, SILICA)
    _send(store, "missing-evidence", ["evidence"])
    _declare(store, tmp_path, dt.date(2026, 3, 5), SILICA)  # newer, no certificate
    assert not _item(store, dt.date(2026, 3, 5), "missing-evidence").closed
    _certificate(store, "old", dt.date(2025, 3, 4))  # 366 days before that declaration: too old for it
    assert not _item(store, dt.date(2026, 3, 8), "missing-evidence").closed
    _certificate(store, "new", dt.date(2026, 3, 9))
    answer = _declare(store, tmp_path, dt.date(2026, 3, 9), SILICA)
    assert not _item(store, dt.date(2026, 3, 8), "missing-evidence").closed  # the history: open the day before
    item = _item(store, dt.date(2026, 3, 9), "missing-evidence")
    assert item.closed and answer in [a.declaration for a in item.answers]
    # and the outstanding list agrees: the part has its evidence
    assert not [o for o in outstanding(store, dt.date(2026, 3, 9), packs=["evidence"])
                if o.reason.id == "missing-evidence"]


def test_unresolved_identity_stays_open_after_a_declaration_still_unresolved_and_closes_after_a_resolved_one(
        store, tmp_path):
    _declare(store, tmp_path, DECLARED, ODD)
    _send(store, "unresolved-identity")
    still = _declare(store, tmp_path, dt.date(2026, 3, 5), ODD)
    assert not _item(store, dt.date(2026, 3, 5), "unresolved-identity").closed
    resolved = _declare(store, tmp_path, dt.date(2026, 3, 9), SILICA)  # supersedes `still`
    # as of the day before: `still` is superseded, so the resolved composition in force is not its own
    assert not _item(store, dt.date(2026, 3, 8), "unresolved-identity").closed
    item = _item(store, dt.date(2026, 3, 9), "unresolved-identity")
    assert item.closed and [a.declaration for a in item.answers] == [resolved] and still != resolved
    assert not [o for o in outstanding(store, dt.date(2026, 3, 9)) if o.reason.id == "unresolved-identity"]


def test_no_declaration_closes_with_any_newer_declaration_while_the_same_parts_unresolved_identity_stays_open(
        tmp_path):
    """A part nobody declared, holding an unresolved substance: a survey answer (no composition) answers
    the missing declaration, not the unresolved identity."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "suppliers.csv").write_text("supplier_id,name\nS1,Supplier One\n")
    (folder / "parts.csv").write_text("part_id,name,supplier_id,mass,mass_unit\nP1,part one,S1,100,mg\n")
    (folder / "materials.csv").write_text("material_id,part_id,name,mass,mass_unit\nM1,P1,housing,100,mg\n")
    (folder / "substances.csv").write_text(f"material_id,cas,amount,unit\nM1,{ODD},10,mg\n")
    store = open_store(None)
    load_reference(store, LISTS)
    import_compositions(store, folder)
    part = f"{ID}part/P1"
    rows = [o for o in outstanding(store, SENT) if o.part.iri == part]
    assert {o.reason.id for o in rows} == {"no-declaration", "unresolved-identity"}
    record(store, plan(rows, SENT))
    store.update(f'INSERT DATA {{ <{ID}declaration/survey-1> cg:declares <{part}> ; '
                 f'dct:date "{SENT + dt.timedelta(days=3)}"^^xsd:date ; cg:declarationClass "survey" }}')
    at = SENT + dt.timedelta(days=3)
    assert _item(store, at, "no-declaration", part).closed
    assert not _item(store, at, "unresolved-identity", part).closed
    store.close()


@pytest.mark.parametrize("reason", ["no-declaration", "list-change", "unresolved-identity", "missing-evidence"])
def test_the_policy_says_what_answers_each_reason(reason):
    expected = {"no-declaration": "AnyNewerDeclaration", "list-change": "AnyNewerDeclaration",
                "unresolved-identity": "DeclarationWithResolvedIdentities",
                "missing-evidence": "DeclarationWithEvidence"}[reason]
    assert load_policy().reason(reason).answered_by.iri == RP + expected


@pytest.mark.parametrize("reason", ["unresolved-identity", "missing-evidence"])
def test_an_answer_dated_the_day_before_the_request_does_not_answer_one_dated_the_same_day_does(
        store, tmp_path, reason):
    """The day before: a declaration that meets the reason's criterion (resolved; with a certificate dated
    that day) loaded after the request was recorded. The same day: first one that does not meet it (still
    unresolved; no certificate yet), then one that does."""
    _declare(store, tmp_path, DECLARED, ODD)
    _send(store, reason, ["evidence"] if reason == "missing-evidence" else None)
    at = SENT + dt.timedelta(days=10)
    before = _declare(store, tmp_path, SENT - dt.timedelta(days=1), SILICA)
    if reason == "unresolved-identity":
        assert not _item(store, at, reason).closed, before
        _declare(store, tmp_path, SENT, ODD)
        assert not _item(store, at, reason).closed
        same_day = _declare(store, tmp_path, SENT, SILICA)  # supersedes the unresolved one of the same day
    else:
        same_day = _declare(store, tmp_path, SENT, ODD)
        assert not _item(store, at, reason).closed
        _certificate(store, "backdated", SENT - dt.timedelta(days=1))  # fresh for both declarations
    item = _item(store, at, reason)
    assert item.closed and [(a.declaration, a.date) for a in item.answers] == [(same_day, SENT)]


def test_a_declaration_the_day_before_the_request_does_not_answer_a_missing_one_the_same_day_does(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "suppliers.csv").write_text("supplier_id,name\nS1,Supplier One\n")
    (folder / "parts.csv").write_text("part_id,name,supplier_id,mass,mass_unit\nP1,part one,S1,100,mg\n")
    store = open_store(None)
    import_compositions(store, folder)
    part = f"{ID}part/P1"
    record(store, plan([o for o in outstanding(store, SENT) if o.part.iri == part], SENT))
    for day, name in ((SENT - dt.timedelta(days=1), "before"), (SENT, "same-day")):
        store.update(f'INSERT DATA {{ <{ID}declaration/{name}> cg:declares <{part}> ; '
                     f'dct:date "{day}"^^xsd:date ; cg:declarationClass "survey" }}')
    item = _item(store, SENT + dt.timedelta(days=10), "no-declaration", part)
    assert [a.declaration for a in item.answers] == [f"{ID}declaration/same-day"]
    assert load_policy().reason("no-declaration").answered_by.iri == RP + "AnyNewerDeclaration"
    store.close()


def test_a_reason_without_an_answer_criterion_or_a_condition_that_is_not_sparql_is_refused(tmp_path):
    text = policy_path().read_text(encoding="utf-8")
    bad = tmp_path / "bad.ttl"
    bad.write_text(text.replace("    cg:answeredBy rp:DeclarationWithEvidence .", "    ."))
    with pytest.raises(PolicyError, match=r"bad\.ttl: .*MissingEvidence needs one cg:answeredBy"):
        load_policy(bad)
    bad.write_text(text.replace('cg:answerCondition "true"', 'cg:answerCondition "EXISTS { ?answer }"'))
    with pytest.raises(PolicyError, match=r"bad\.ttl: cg:answerCondition of .*AnyNewerDeclaration is not a SPARQL"):
        load_policy(bad)


def test_a_declaration_without_any_material_does_not_answer_an_unresolved_identity_item(store, tmp_path):
    """Review of 2026-12-02: a Class C file with no MaterialInfo superseded the composition, and "holds no
    unresolved substance" was then true of nothing: the item showed answered."""
    _declare(store, tmp_path, DECLARED, ODD)
    _send(store, "unresolved-identity")
    _declare(store, tmp_path, SENT + dt.timedelta(days=4), None)
    assert not _item(store, SENT + dt.timedelta(days=5), "unresolved-identity").closed
