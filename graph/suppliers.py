"""Supplier scores and ranks, computed from the stored answers and the evaluation scheme's data.

The scheme (items and their points, rank bands, the items that grant a rank outright, the window for a
planned certification, the required rank and the improvement period) is data loaded from the
supplier-governance pack; nothing here knows a number of points. Two set queries serve every supplier:
one sums the points of each supplier's latest evaluation, one reads the scheme's bands.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode

from complygraph.graph.store import Store
from complygraph.vocab import XSD

_DATE = NamedNode(XSD + "date")


@dataclass
class Evaluation:
    supplier_id: str
    supplier_iri: str
    scheme: str
    date: dt.date
    points: int
    granted_by: list[str]  # items whose yes grants the rank outright (e.g. certification acquired)
    rank: str
    required_rank: str | None
    below_required: bool
    improvement_due: dt.date | None
    answers: dict[str, bool] = field(default_factory=dict)


def evaluations(store: Store, at: dt.date | None = None,
                suppliers: list[NamedNode] | None = None) -> dict[str, Evaluation]:
    """The latest evaluation (on or before `at`, default today) of every supplier, or of `suppliers`."""
    at = at or dt.date.today()
    bindings: dict = {"at": Literal(at.isoformat(), datatype=_DATE)}
    if suppliers is not None:
        bindings["supplier"] = suppliers
    rows = store.select("""
        SELECT ?supplier ?sid ?eval ?scheme ?sch ?date ?item ?yes ?points ?grants ?within ?itemDate ?body WHERE {
          ?eval cg:aboutSupplier ?supplier ; a cg:Evaluation ; dct:date ?date ; cg:scheme ?sch .
          FILTER(?date <= ?at)
          FILTER NOT EXISTS { ?later cg:aboutSupplier ?supplier ; a cg:Evaluation ; cg:scheme ?sch ;
                                     dct:date ?d2 FILTER(?d2 > ?date && ?d2 <= ?at) }
          ?supplier dct:identifier ?sid .
          ?sch dct:identifier ?scheme .
          ?eval cg:hasAnswer ?a . ?a cg:answer ?yes ; cg:item ?i . ?i dct:identifier ?item ; cg:points ?points .
          OPTIONAL { ?i cg:grantsRank ?grants }
          OPTIONAL { ?i cg:planWithinDays ?within }
          OPTIONAL { ?a cg:itemDate ?itemDate }
          OPTIONAL { ?a cg:certificationBody ?body }
        }""", bindings)
    bands = _bands(store)
    found: dict[str, dict] = {}
    for r in rows:
        e = found.setdefault(r["eval"].value, {
            "sid": r["sid"].value, "iri": r["supplier"].value, "scheme": r["scheme"].value, "sch": r["sch"].value,
            "date": dt.date.fromisoformat(r["date"].value), "points": 0, "granted": [], "answers": {}})
        yes = r["yes"].value == "true"
        e["answers"][r["item"].value] = yes
        if not yes:
            continue
        e["points"] += int(r["points"].value)
        if "grants" in r and _counts(r, e["date"]):
            e["granted"].append((r["item"].value, r["grants"].value))
    out: dict[str, Evaluation] = {}
    for e in found.values():
        scheme = bands.get(e["sch"], {"bands": [], "required": None, "days": None})
        ranked = sorted(scheme["bands"], key=lambda b: -b[1])
        rank = next((name for name, least in ranked if e["points"] >= least), ranked[-1][0] if ranked else "")
        minimum = {name: least for name, least in ranked}
        for _, granted in e["granted"]:
            if minimum.get(granted, -1) > minimum.get(rank, -1):
                rank = granted
        required = scheme["required"]
        below = required is not None and minimum.get(rank, -1) < minimum.get(required, -1)
        due = e["date"] + dt.timedelta(days=scheme["days"]) if below and scheme["days"] is not None else None
        previous = out.get(e["sid"])
        if previous is None or e["date"] > previous.date:
            out[e["sid"]] = Evaluation(e["sid"], e["iri"], e["scheme"], e["date"], e["points"],
                                       [i for i, _ in e["granted"]], rank, required, below, due, e["answers"])
    return out


def _counts(row: dict, answered: dt.date) -> bool:
    """A rank-granting yes counts; a planned one only within the scheme's window and with its body named."""
    if "within" not in row:
        return True
    if "itemDate" not in row or "body" not in row or not row["body"].value.strip():
        return False
    planned = dt.date.fromisoformat(row["itemDate"].value)
    return answered <= planned <= answered + dt.timedelta(days=int(row["within"].value))


def _bands(store: Store) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for r in store.select("""
        SELECT ?sch ?rank ?least ?required ?days WHERE {
          ?sch a cg:EvaluationScheme ; cg:hasBand ?b . ?b cg:rank ?rank ; cg:minPoints ?least .
          OPTIONAL { ?sch cg:requiredRank ?required }
          OPTIONAL { ?sch cg:improvementDays ?days }
        }"""):
        s = out.setdefault(r["sch"].value, {"bands": [], "required": r["required"].value if "required" in r else None,
                                            "days": int(r["days"].value) if "days" in r else None})
        s["bands"].append((r["rank"].value, int(r["least"].value)))
    return out
