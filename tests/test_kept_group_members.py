"""A substance an earlier Candidate List export named under a group entry stays a member when a later export no
longer names it (loaders/catalog.py `_kept_members`), and the change is recorded once. QA (2026-12-06): after an
export without the BPAF salt 75768-65-9, `validate`, `status` and `scip --at` a date before it lost that member,
and a part's SCIP share fell from 1.04 % to 1 % (another range) for dates when ECHA still named it."""

from __future__ import annotations

import datetime as dt

from complygraph.graph import queries as q
from complygraph.graph.entry_changes import changed_entries
from complygraph.graph.shacl import validate
from complygraph.loaders.catalog import data_dir, load_list

from .shacl_cases import build, hits, material, part, sub

SVHC = "eu-reach-svhc"
CSV = data_dir() / "echa" / "candidate-list-of-svhc-for-authorisation-export.csv"
XLSX = data_dir() / "echa" / "candidate_list_full.xlsx"  # loaded with the CSV, as the shipped list is
SALT = "75768-65-9"  # benzyltriphenylphosphonium BPAF salt: a member row of the BPAF group entry, no identity record


def test_a_member_a_later_export_drops_stays_a_member_and_the_change_is_recorded_once(tmp_path):
    store = build(tmp_path, [part("p1", 1000, material("m1", 1000, sub(SALT, 2)))], [SVHC])  # 0.2 % w/w
    at = dt.date(2026, 11, 23)
    assert "p1" in hits(validate(store, [SVHC], at), "ArticleThreshold")
    lines = CSV.read_text(encoding="utf-8").splitlines(keepends=True)
    dropped = tmp_path / "candidate-list-without-the-salt.csv"
    dropped.write_text("".join(line for line in lines if f'"{SALT}"' not in line), encoding="utf-8")
    for _ in range(2):  # the second load of the same export changes nothing more
        load_list(store, SVHC, [XLSX, dropped])
        found = hits(validate(store, [SVHC], at), "ArticleThreshold")
        assert "p1" in found and SALT in str(found["p1"].message)
        changes = changed_entries(store, SVHC, dt.date(2026, 2, 5), dt.date(2099, 1, 1))
        assert len(changes) == 1 and len(changes[0].changes) == 1, changes  # the one member, once
    assert not q.list_change(store, SVHC, "2026-02-05", "2099-01-01").removed


def test_an_entry_that_names_no_group_is_left_as_the_export_says(tmp_path):
    """n-hexane (110-54-3, one substance): an export that names it by another number concerns that one only."""
    store = build(tmp_path, [], [SVHC])
    changed = tmp_path / "candidate-list-renumbered.csv"
    changed.write_text(CSV.read_text(encoding="utf-8").replace('"110-54-3"', '"64-17-5"'), encoding="utf-8")
    load_list(store, SVHC, [XLSX, changed])
    assert not store.ask("ASK WHERE { ?e cg:keptMember ?s }")


def test_a_substance_declared_by_the_entry_s_name_is_not_kept_when_the_new_load_does_not_name_it():
    """Members by declared name are made again by each load (loaders/name_membership.py); kept as `cg:keptMember`,
    one stayed in a group entry whose label a newer export changed, for good (a review of 2026-12-07). A member
    the earlier export named by CAS is still kept."""
    from collections import defaultdict

    from pyoxigraph import NamedNode, Triple

    from complygraph.loaders.list_history import _kept_members
    from complygraph.loaders.name_membership import DECLARED
    from complygraph.vocab import cg

    entry, group = NamedNode("urn:x:entry"), NamedNode("urn:x:group")
    declared, listed = NamedNode(DECLARED + "old-label"), NamedNode("urn:x:substance/cas/1-00-0")
    old = [Triple(entry, cg.concerns, group), Triple(entry, cg.concerns, declared), Triple(entry, cg.concerns, listed)]
    by_subject = defaultdict(list, {entry.value: old})
    kept = _kept_members(by_subject, {group.value}, [entry.value], [Triple(entry, cg.concerns, group)])
    facts = {(t.subject, t.predicate, t.object) for t in kept}
    assert (entry, cg.keptMember, listed) in facts
    assert not [f for f in facts if f[2] == declared]
