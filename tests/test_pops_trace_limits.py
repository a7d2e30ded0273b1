"""EU POPs unintentional trace contaminant (UTC) limits: Regulation (EU) 2019/1021 Art. 4(1)(b) and Annex I
Part A column 4, as amended (data/echa/pops-annex-i-limits.csv). A listed substance not declared as
intentionally added is prohibited above the limit of its entry at the evaluation date; each limit is tested
exactly at the value, just over it, and the day before and on the day a lower limit takes over. Materials
weigh 1 kg, so a substance's mass in mg is its concentration in mg/kg."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from complygraph.graph import queries as q
from complygraph.graph.shacl import validate

from .shacl_cases import build, compare_with_pyshacl, hits, material, part, sub

PFOA, DECABDE, TETRABDE, SCCP, HCB = "335-67-1", "1163-19-5", "40088-47-9", "85535-84-8", "118-74-1"
OP_MXC = "30667-99-3"  # o,p'-methoxychlor: the entry lists it, the ECHA export names 72-43-5 only
DP = "13560-89-9"  # Dechlorane Plus: the EU POPs entry gives no CAS number (a group of its syn- and anti-isomers)
KG = 1_000_000  # mg
AT = dt.date(2026, 11, 23)


def _trace(store, day=AT) -> dict:
    return hits(validate(store, ["eu-pops"], day), "#TraceContaminantLimits")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    un = {"intentional": "no"}
    return build(tmp_path_factory.mktemp("utc"), [
        # PFOA and its salts: "equal to or below 0,025 mg/kg" (point 1, as inserted by (EU) 2020/784)
        part("pfoa-at", KG, material("pfoa-at", KG, sub(PFOA, "0.025", **un))),
        part("pfoa-over", KG, material("pfoa-over", KG, sub(PFOA, "0.026", **un))),
        part("pfoa-added", KG, material("pfoa-added", KG, sub(PFOA, "0.01", intentional="yes"))),
        # tetra-, penta-, hexa-, hepta- and decaBDE summed: 500 mg/kg until 2025-11-16, 10 mg/kg from
        # 2025-11-17 (point 2 as replaced by Delegated Regulation (EU) 2025/1482)
        part("pbde-10", KG, material("pbde-10", KG, sub(DECABDE, 6, **un), sub(TETRABDE, 4, **un))),
        part("pbde-11", KG, material("pbde-11", KG, sub(DECABDE, 6, **un), sub(TETRABDE, 5, **un))),
        part("pbde-501", KG, material("pbde-501", KG, sub(DECABDE, 501, **un))),
        # SCCPs in articles: only concentrations "lower than 0,15 % by weight" are derogated
        part("sccp-at", KG, material("sccp-at", KG, sub(SCCP, 1500, **un))),
        part("sccp-under", KG, material("sccp-under", KG, sub(SCCP, 1499, **un))),
        # HCB: Annex I without a stated trace limit; checked for intentional addition only
        part("hcb-trace", KG, material("hcb-trace", KG, sub(HCB, 1, **un))),
        # Dechlorane Plus: "equal to or below 1 000 mg/kg" in articles until 2028-04-14 (column 4 point 1(a))
        part("dp-at", KG, material("dp-at", KG, sub(DP, 1000, **un))),
        part("dp-over", KG, material("dp-over", KG, sub(DP, 1001, **un))),
        # methoxychlor, any isomer: "equal to or below 0,01 mg/kg" ((EU) 2024/2570)
        part("mxc-at", KG, material("mxc-at", KG, sub(OP_MXC, "0.01", **un))),
        part("mxc-over", KG, material("mxc-over", KG, sub(OP_MXC, "0.011", **un))),
    ], ["eu-pops"])


def test_pfoa_exactly_at_0_025_mg_per_kg_passes_and_just_over_it_fails(store):
    found = _trace(store)
    assert "pfoa-at" not in found and "pfoa-over" in found
    assert "0.025" in str(found["pfoa-over"].message) and "2020/784" in str(found["pfoa-over"].message)


def test_intentional_addition_is_reported_once_by_the_intentional_shape_not_by_the_trace_limit(store):
    report = validate(store, ["eu-pops"], AT)
    assert "pfoa-added" in hits(report, "#IntentionalPresence") and "pfoa-added" not in _trace(store)


def test_pbde_sum_is_limited_to_500_until_2025_11_16_and_10_from_2025_11_17(store):
    before = _trace(store, dt.date(2025, 11, 16))
    assert {"pbde-10", "pbde-11"}.isdisjoint(before) and "pbde-501" in before
    after = _trace(store, dt.date(2025, 11, 17))
    assert "pbde-10" not in after and {"pbde-11", "pbde-501"} <= set(after)
    assert float(after["pbde-11"].detail("measured")) == pytest.approx(11)  # tetraBDE and decaBDE added up
    assert len([r for r in validate(store, ["eu-pops"], AT).results if str(r.focus).endswith("/pbde-11")]) == 1


def test_sccp_at_exactly_0_15_percent_in_an_article_is_outside_the_lower_than_derogation(store):
    found = _trace(store)
    assert "sccp-at" in found and "sccp-under" not in found
    # the SCCP row was read in the OJ text as adopted on 2026-12-06 (QA5 B05): no longer marked unverified
    assert "lower than 1,500 mg/kg" in str(found["sccp-at"].message)
    message = str(found["sccp-at"].message)
    assert "derogation of its entry" in message and "(limit unverified" not in message


def test_no_trace_limit_before_the_entry_states_one(store):
    # PFOA's limit applies from 2020-07-04 (Delegated Regulation (EU) 2020/784)
    assert "pfoa-over" not in _trace(store, dt.date(2020, 7, 3)) and "pfoa-over" in _trace(store, dt.date(2020, 7, 4))


def test_an_entry_without_a_stated_trace_limit_is_checked_for_intentional_addition_only(store):
    assert "hcb-trace" not in _trace(store)


def test_annex_iii_substances_are_not_in_the_annex_i_list(reference_store):
    names = set(q.entries_as_of(reference_store, "eu-pops", "2026-01-01").values())
    assert not any("PAH" in n or "dibenzo-p-dioxins" in n for n in names) and len(names) == 32


@pytest.mark.parametrize("day", [dt.date(2025, 11, 16), dt.date(2025, 11, 17)])
def test_same_results_as_pyshacl(store, day):
    ours, reference = compare_with_pyshacl(store, ["eu-pops"], day)
    assert ours == reference and any("TraceContaminantLimits" in str(k) for k in ours)


def test_a_limit_row_that_does_not_say_how_it_was_verified_is_refused_naming_file_and_line(tmp_path):
    from complygraph.loaders.catalog import build_list, catalog, data_dir
    from complygraph.loaders.errors import InputError

    rows = list(csv.DictReader(open(data_dir() / "echa/pops-annex-i-limits.csv", encoding="utf-8")))
    rows[0]["verification"] = "checked somewhere"
    bad = tmp_path / "pops-annex-i-limits.csv"
    with open(bad, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(InputError) as caught:
        build_list(catalog()[1]["eu-pops"], [data_dir() / "echa/pops_list_full.xlsx", bad])
    assert "pops-annex-i-limits.csv" in str(caught.value) and "verification" in str(caught.value)


def test_dechlorane_plus_is_found_though_its_entry_names_no_cas_exactly_at_1000_mg_per_kg_it_passes(store):
    """Before the entry's membership rule (data/echa/pops-membership-rules.ttl), it concerned a placeholder
    only and Dechlorane Plus passed EU POPs at any concentration."""
    found = _trace(store)
    assert "dp-over" in found and "dp-at" not in found
    assert DP in found["dp-over"].message


def test_an_isomer_of_methoxychlor_the_export_does_not_name_is_found_over_0_01_mg_per_kg(store):
    """Annex I Part A "Methoxychlor" ((EU) 2024/2570): any possible isomer of dimethoxydiphenyltrichloroethane,
    0,01 mg/kg. Before its membership rule o,p'-methoxychlor passed at any concentration."""
    found = _trace(store)
    assert "mxc-over" in found and "mxc-at" not in found
    assert OP_MXC in found["mxc-over"].message
