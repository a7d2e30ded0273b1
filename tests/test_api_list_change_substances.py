"""`ListChange.added` / `removed { entry name dateOfInclusion substances { cas name } }` (graph/changes.py,
api/changes.py): what each entry a list gained or lost concerns, read for all of them in one query and kept
with the change's answer.

On the shipped Candidate List (data/echa/candidate-list-of-svhc-for-authorisation-export.csv), checked by hand:
DBDPE, CAS 84852-53-9, included 05-nov-2025; Bisphenol AF, CAS 1478-61-1, in the group entry
"4,4'-[2,2,2-trifluoro-1-(trifluoromethyl)ethylidene]diphenol and its salts", and n-hexane, CAS 110-54-3,
both included 04-feb-2026. On three exports of a small list loaded in turn (tests/test_list_history.py): a
removed entry keeps its CAS number, and an entry whose substances a later export widened is shown with the
substances it had on the date asked for.
"""

from __future__ import annotations

import datetime as dt

import pytest

from complygraph.graph import open_store
from complygraph.graph.changes import entry_facts, list_change_answer
from complygraph.loaders.catalog import load_list, load_reference

from .test_api import gql, serve
from .test_list_history import BBP, EXPORTS, HEXANE, SALT, SVHC, _export

DBDPE, BPAF = "84852-53-9", "1478-61-1"
CHANGE = """query($from: String!, $to: String!) { listChange(list: "eu-reach-svhc", from: $from, to: $to) {
    added { entry name dateOfInclusion substances { cas ec name } }
    removed { entry name dateOfInclusion substances { cas name } }
    changed { name changes { field added removed } } } }"""


@pytest.fixture(scope="module")
def shipped():
    store = open_store(None)
    load_reference(store, [SVHC])
    gen = serve(store)
    yield store, next(gen)
    next(gen, None)


def _change(url: str, since: str, until: str) -> dict:
    data = gql(url, CHANGE, {"from": since, "to": until})
    assert "errors" not in data, data
    return data["data"]["listChange"]


def test_entries_added_to_the_candidate_list_with_their_cas_numbers_and_dates(shipped):
    _, url = shipped
    change = _change(url, "2025-06-25", "2026-02-04")
    assert change["removed"] == []
    added = {a["entry"].rsplit("/", 1)[-1]: a for a in change["added"]}
    assert set(added) == {"cas-84852-53-9", "cas-110-54-3",
                          "4-4-2-2-2-trifluoro-1-trifluoromethyl-ethylidene-76bb4300b8"}
    dbdpe = added["cas-84852-53-9"]
    assert dbdpe["dateOfInclusion"] == "2025-11-05"
    assert [s["cas"] for s in dbdpe["substances"]] == [DBDPE]
    assert "pentabromobenzene" in dbdpe["substances"][0]["name"]
    hexane = added["cas-110-54-3"]
    assert hexane["dateOfInclusion"] == "2026-02-04"
    assert hexane["substances"] == [{"cas": HEXANE, "ec": "203-777-6", "name": "n-hexane"}]
    group = added["4-4-2-2-2-trifluoro-1-trifluoromethyl-ethylidene-76bb4300b8"]
    cas = [s["cas"] for s in group["substances"]]
    assert BPAF in cas and "75768-65-9" in cas and group["dateOfInclusion"] == "2026-02-04"
    # by CAS number first, then the members the list names by EC number or by name only
    numbered = [c for c in cas if c is not None]
    assert cas[:len(numbered)] == sorted(numbered) and len(numbered) < len(cas)
    assert any(s["cas"] is None and s["ec"] == "425-060-9" for s in group["substances"])
    assert all(s["name"] for s in group["substances"])


@pytest.mark.parametrize(("since", "until", "entries", "cas"), [
    ("2025-11-04", "2025-11-05", 1, {DBDPE}),          # the day before and the day of DBDPE's inclusion
    ("2025-11-05", "2025-11-06", 0, set()),            # the day of and the day after: nothing new
    ("2025-11-05", "2026-02-03", 0, set()),            # up to the day before the next version
    ("2026-02-03", "2026-02-04", 2, {BPAF, HEXANE}),   # the day before and the day of the next
])
def test_entries_added_exactly_at_a_version_date(shipped, since, until, entries, cas):
    _, url = shipped
    change = _change(url, since, until)
    assert len(change["added"]) == entries and change["removed"] == []
    assert cas <= {s["cas"] for a in change["added"] for s in a["substances"]}
    assert all(a["substances"] for a in change["added"])
    assert {a["dateOfInclusion"] for a in change["added"]} == ({until} if entries else set())


def test_one_query_reads_the_facts_of_every_entry(shipped):
    store, _ = shipped

    class Counting:
        def __init__(self) -> None:
            self.queries = 0

        def select(self, query, bindings=None):
            self.queries += 1
            return store.select(query, bindings)

    counting = Counting()
    answer = list_change_answer(store, SVHC, dt.date(2025, 6, 25), dt.date(2026, 2, 4))
    facts = entry_facts(counting, {e: "2026-02-04" for e in answer.change.added})
    assert counting.queries == 1 and len(facts) == 3
    assert facts == answer.entries
    assert entry_facts(counting, {}) == {} and counting.queries == 1  # nothing asked, nothing read


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """Three exports of a small Candidate List loaded one after the other (see tests/test_list_history.py):
    B removed and D added on 2026-02-04, C widened by a CAS number the same day, E added on 2026-06-25."""
    folder = tmp_path_factory.mktemp("exports")
    store = open_store(None)
    for name, rows in EXPORTS.items():
        load_list(store, SVHC, [_export(folder / f"candidate-list-{name}.xlsx", rows)])
    gen = serve(store)
    yield next(gen)
    next(gen, None)


def test_a_removed_entry_keeps_its_cas_number_and_changed_keeps_working(history):
    change = _change(history, "2026-02-03", "2026-02-04")
    [removed] = change["removed"]
    assert removed["name"] == "Substance B" and removed["dateOfInclusion"] == "2008-10-28"
    assert [s["cas"] for s in removed["substances"]] == [BBP]
    [added] = change["added"]
    assert added["name"] == "Substance D" and [s["cas"] for s in added["substances"]] == [HEXANE]
    [changed] = change["changed"]
    assert changed["name"] == "Substance C and its salts"
    assert {c["field"]: c["added"] for c in changed["changes"]}["substances"] == [SALT]


def test_an_added_entry_has_the_substances_it_had_on_the_date_asked_for(history):
    # C was added on 2025-06-25 with one CAS number; the export of 2026-02-04 added its salt
    then = _change(history, "2025-06-24", "2025-06-25")
    [c] = then["added"]
    assert c["name"] == "Substance C" and [s["cas"] for s in c["substances"]] == [BPAF]
    later = _change(history, "2025-06-24", "2026-02-04")
    c_later = next(a for a in later["added"] if a["entry"] == c["entry"])
    assert [s["cas"] for s in c_later["substances"]] == [BPAF, SALT]
    # the day before the widening, still one
    before = _change(history, "2025-06-24", "2026-02-03")
    assert [s["cas"] for s in next(a for a in before["added"] if a["entry"] == c["entry"])["substances"]] == [BPAF]
