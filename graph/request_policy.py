"""The request policy (shapes/data/request-policy.ttl): why a part's declaration can be outstanding, how
many days after each reason's start date it is due, which lists' new versions make a declaration stale,
which evidence a pack requires and how old it may be, how long a supplier has to answer a request, and what
answers a request item of each reason (its `cg:answeredBy` criterion: a SPARQL condition, graph/requests.py).

Read from the Turtle file, not from the store, so that `requests` answers the same on a store that never
ran a validation (which is what loads the shared pack data). The evidence class and maximum age are the
evidence pack's own parameters (its `PartCertificate` shape), never a copy of them.

A reason may name several criteria (any one met answers), and each says which kind of node answers
(`cg:answerKind`): a declaration of the part (`cg:Declaration`, the default) or evidence supporting it
(`cg:Evidence`), so that fresh evidence alone can close a missing-evidence item without a new declaration.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pyoxigraph import Store as MemoryStore
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from complygraph.graph.shacl.packs import available, shapes_dir
from complygraph.vocab import CG, PREFIXES

_CG = {name: URIRef(CG + name) for name in (
    "RequestPolicy", "hasRequestReason", "dueAfterDays", "responseWithinDays", "requestedClass", "watchesList",
    "requiresEvidenceOf", "forPack", "evidenceClass", "maxAgeDays", "answeredBy", "answerCondition", "answerKind",
    "Declaration", "Evidence")}

# what kinds of node can answer a request item, and the property that ties such a node to the part asked for
# (the kind says which nodes the answers query reads; what makes one of them an answer is the condition)
ANSWER_KINDS = {str(_CG["Declaration"]): CG + "declares", str(_CG["Evidence"]): CG + "supports"}


class PolicyError(ValueError):
    """The policy file says something the requests cannot use; the message names the file and the term."""


@dataclass(frozen=True)
class Criterion:
    """What a node of its kind (a declaration of the requested part, or evidence supporting it) dated from
    the day the request was sent must meet to answer an item: a SPARQL FILTER expression
    (`cg:answerCondition`), so that the rule lives in the policy file."""

    iri: str
    id: str
    label: str
    condition: str
    kind: str = str(_CG["Declaration"])  # a key of ANSWER_KINDS (`cg:answerKind`)

    @property
    def link(self) -> str:
        """The property from an answer of this kind to the part it answers for."""
        return ANSWER_KINDS[self.kind]

    @property
    def answers_with_evidence(self) -> bool:
        return self.kind == str(_CG["Evidence"])


@dataclass(frozen=True)
class Reason:
    iri: str
    id: str
    label: str
    due_after_days: int
    lists: tuple[str, ...] = ()  # list IRIs whose new versions make older declarations outstanding
    pack: str | None = None  # the reason applies when this shape pack is chosen (None: always)
    evidence_class: str | None = None
    max_age_days: int | None = None
    answered_by: tuple[Criterion, ...] = ()  # any one met answers; load_policy sets at least one


@dataclass(frozen=True)
class Policy:
    iri: str
    response_days: int
    requested_class: str
    reasons: tuple[Reason, ...]
    answered_by: tuple[Criterion, ...] = ()  # for items of a reason the policy no longer has (none: never answered)

    def reason(self, reason_id: str) -> Reason:
        for r in self.reasons:
            if r.id == reason_id:
                return r
        raise PolicyError(f"the request policy has no reason {reason_id!r}; it has: "
                          f"{', '.join(r.id for r in self.reasons)}")

    def by_iri(self, iri: str) -> Reason | None:
        return next((r for r in self.reasons if r.iri == iri), None)

    def applying(self, packs: list[str]) -> list[Reason]:
        """The reasons that apply when `packs` are chosen: those of no pack, and those of a chosen one."""
        return [r for r in self.reasons if r.pack is None or r.pack in packs]


def policy_path() -> Path:
    return shapes_dir() / "data" / "request-policy.ttl"


@cache
def load_policy(path: Path | None = None) -> Policy:
    """The policy of `path` (default: the shipped one). Raises PolicyError naming the file and what is wrong."""
    path = Path(path or policy_path())
    g = Graph()
    try:
        g.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises several parser error types
        raise PolicyError(f"{path}: not valid Turtle: {exc}") from exc
    policies = list(g.subjects(RDF.type, _CG["RequestPolicy"]))
    if len(policies) != 1:
        raise PolicyError(f"{path}: expected one cg:RequestPolicy, found {len(policies)}")
    p = policies[0]
    reasons = tuple(sorted((_reason(g, path, r) for r in g.objects(p, _CG["hasRequestReason"])),
                           key=lambda r: _ORDER.get(r.id, 99)))
    default = _criteria(g, path, p)
    if any(c.answers_with_evidence for c in default):  # an item of a former reason has no evidence class
        raise PolicyError(f"{path}: the policy's own cg:answeredBy (for reasons it no longer has) cannot be "
                          "answered by evidence: which evidence, how old, is a reason's")
    return Policy(str(p), _int(g, path, p, "responseWithinDays"), str(g.value(p, _CG["requestedClass"]) or "D"),
                  reasons, default)


_ORDER = {"no-declaration": 0, "list-change": 1, "unresolved-identity": 2, "missing-evidence": 3}


def _int(g: Graph, path: Path, node, name: str) -> int:
    value = g.value(node, _CG[name])
    if not isinstance(value, Literal) or not str(value).lstrip("-").isdigit() or int(str(value)) < 0:
        raise PolicyError(f"{path}: {node} needs cg:{name} as a whole number of days >= 0, got {value!r}")
    return int(str(value))


def _reason(g: Graph, path: Path, node) -> Reason:
    rid = g.value(node, DCTERMS.identifier)
    if rid is None:
        raise PolicyError(f"{path}: request reason {node} has no dct:identifier")
    label = next((str(v) for v in g.objects(node, RDFS.label) if getattr(v, "language", None) == "en"), str(rid))
    shape = g.value(node, _CG["requiresEvidenceOf"])
    evidence_class, max_age = (None, None) if shape is None else _evidence(path, shape)
    pack = g.value(node, _CG["forPack"])
    answered = _criteria(g, path, node)
    if not answered:
        raise PolicyError(f"{path}: request reason {node} needs at least one cg:answeredBy (what answers its "
                          "request items)")
    if evidence_class is None and any(c.answers_with_evidence for c in answered):
        raise PolicyError(f"{path}: request reason {node} is answered by evidence but names no "
                          "cg:requiresEvidenceOf (which evidence, how old)")
    return Reason(str(node), str(rid), label, _int(g, path, node, "dueAfterDays"),
                  tuple(sorted(str(x) for x in g.objects(node, _CG["watchesList"]))),
                  str(pack) if pack is not None else None, evidence_class, max_age, answered)


def _criteria(g: Graph, path: Path, node) -> tuple[Criterion, ...]:
    """The criteria `node` (a reason or the policy) is answered by, in IRI order (a stable query text)."""
    return tuple(_criterion(g, path, c) for c in sorted(g.objects(node, _CG["answeredBy"]), key=str))


def _criterion(g: Graph, path: Path, node) -> Criterion:
    """The answer criterion `node`; its condition is parsed here (against an empty store, with the variables
    graph/requests.py binds) so that a typo names the file and the criterion, not a failed query later."""
    condition = g.value(node, _CG["answerCondition"])
    if not isinstance(condition, Literal) or not str(condition).strip():
        raise PolicyError(f"{path}: answer criterion {node} needs a cg:answerCondition (a SPARQL expression)")
    try:
        MemoryStore().query(f"ASK {{ {_CONDITION_VARIABLES} FILTER({condition}) }}", prefixes=PREFIXES)
    except SyntaxError as exc:
        raise PolicyError(f"{path}: cg:answerCondition of {node} is not a SPARQL expression: {exc}") from exc
    kind = str(g.value(node, _CG["answerKind"]) or _CG["Declaration"])
    if kind not in ANSWER_KINDS:
        raise PolicyError(f"{path}: cg:answerKind of {node} is {kind}; an answer is one of: "
                          f"{', '.join(sorted(ANSWER_KINDS))}")
    label = next((str(v) for v in g.objects(node, RDFS.label) if getattr(v, "language", None) == "en"), str(node))
    return Criterion(str(node), str(g.value(node, DCTERMS.identifier) or node), label, str(condition), kind)


# what an answer condition may use, bound as graph/requests.py binds them (for the syntax check only)
_CONDITION_VARIABLES = ("VALUES (?item ?part ?reason ?answer ?adate ?sent ?at ?evidenceClass ?maxAgeDays) "
                        "{ (UNDEF UNDEF UNDEF UNDEF UNDEF UNDEF UNDEF UNDEF UNDEF) }")


def _evidence(path: Path, shape: URIRef) -> tuple[str, int]:
    """The evidence class and maximum age in days a pack's shape requires (its FreshPartEvidence parameters)."""
    g = Graph()
    for folder in available().values():
        for f in sorted(folder.glob("*.ttl")):
            g.parse(f, format="turtle")
        if (shape, None, None) in g:
            break
    cls, age = g.value(shape, _CG["evidenceClass"]), g.value(shape, _CG["maxAgeDays"])
    if cls is None or age is None:
        raise PolicyError(f"{path}: cg:requiresEvidenceOf {shape}: no shape of a pack states its "
                          "cg:evidenceClass and cg:maxAgeDays")
    return str(cls), int(str(age))
