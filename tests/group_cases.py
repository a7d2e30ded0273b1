"""Hand-checked membership cases for the group membership rules (the data is tests/data/group_cases.csv; no tests here).

Each case names a rule IRI from data/eu-rohs/element-groups.ttl, data/eu-rohs/structure-rules.ttl,
data/echa/pops-membership-rules.ttl, data/echa/annex-xvii-membership-rules.ttl, data/echa/svhc-membership-rules.ttl
or data/jp-cscl/membership-rules.ttl, a substance by CAS number, name and
SMILES, whether the rule makes it a member, and why by the legal text. Positive cases are substances the legal
text reaches that the list export does not name by CAS (decaBDE, a single compound, is the one exception).
Negative cases are near the boundary and are members of no rule on the same target. SMILES are those of the
`chemicals` identity database where it knows the CAS number, else written by hand; stereoisomers (HCH, HBCDD,
chlordane) are given without stereo descriptors because the rules ignore chirality. See
docs/membership-rules.md.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

RULES = "https://w3id.org/complygraph/id/rule/"


@dataclass(frozen=True)
class GroupCase:
    rule: str  # the rule IRI
    cas: str
    name: str
    smiles: str
    member: bool
    citation: str


def _read() -> list[GroupCase]:
    with (Path(__file__).parent / "data" / "group_cases.csv").open(newline="", encoding="utf-8") as f:
        return [GroupCase(RULES + r["rule"], r["cas"], r["name"], r["smiles"], r["member"] == "yes", r["citation"])
                for r in csv.DictReader(f)]


CASES: list[GroupCase] = _read()
