"""Group membership as rules written as data, evaluated on each substance's identity.

A list entry that names a group ("lead and its compounds", "PFOS, its salts and PFOSF", "polychlorinated
biphenyls") gets rules in the list's data (`data/*/…-rules.ttl`, see docs/membership-rules.md):

    rule:x cg:ruleFor <group or list entry> ;
        cg:memberByElement "Cl" ; cg:minMassFraction 0.48 ;   # holds the element (above a mass fraction)
        cg:oxidationState 6 ;                                 # ... in this oxidation state (from the structure)
        cg:formulaPattern "C1[0-3]H[0-9]+Cl[0-9]+" ;         # the whole molecular formula matches
        cg:memberBySmarts "..." ; cg:excludedBySmarts "..." .  # structure: every pattern matches, none excluded
        cg:memberByConnectivity "SMILES" .                    # the skeleton of one of these structures, any stereo
    rule:y cg:ruleFor <group or list entry> ; cg:memberCas "25637-99-4" , "3194-55-6" .  # the CAS numbers a text names

A `cg:memberCas` rule stands alone: the substances of exactly those CAS numbers are members whether or not their
identity is known (the identifier database does not know every number a legal text names: 25637-99-4, HBCDD
without positions, or alpha-HBCDD), and their membership is written when the rules are loaded.

A SMARTS may write `{Rf<n>}` inside a bracket atom for "bonded to a perfluoroalkyl group of n carbons, straight
or branched" (loaders/perfluoroalkyl.py), as texts that name a moiety by formula (C8F17SO2X) mean it.

Every criterion a rule gives must hold. Membership is computed when substances are identified (an import)
and when rules are loaded (a list load), in the same store write, and materialised: `?group cg:hasMember
?substance`, `?entry cg:concerns ?substance` for each list entry that is, or concerns, the rule's target, and a
`cg:GroupMembership` naming the rule, so "why is this substance in this group" has an answer in the graph and
validation stays set-at-a-time. A rule that needs a structure says nothing about a substance without one;
the data-quality pack reports such substances.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, parse

from complygraph.graph.store import Store
from complygraph.loaders import perfluoroalkyl, rdf
from complygraph.loaders.errors import Problems
from complygraph.loaders.identity import CAS_PREFIX, Identity, database_names, identify, identity_triples_of
from complygraph.vocab import RDF_TYPE, cg, prov, substance_iri


@dataclass(frozen=True)
class Rule:
    rule: NamedNode
    target: NamedNode
    element: str | None = None
    min_fraction: Decimal | None = None
    oxidation_state: int | None = None
    formula_pattern: str | None = None
    smarts: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    connectivity: tuple[str, ...] = ()  # SMILES: the substance has the skeleton of one of them, any stereo
    cas: tuple[str, ...] = ()  # CAS numbers named as members: the rule's only criterion

    @property
    def needs_structure(self) -> bool:
        return bool(self.smarts or self.excluded or self.connectivity or self.oxidation_state is not None)


@dataclass(frozen=True)
class Subject:
    """What a rule looks at: a substance's formula, structure and element mass fractions."""
    iri: NamedNode
    formula: str | None
    smiles: str | None
    fractions: tuple[tuple[str, Decimal], ...]

    @classmethod
    def of(cls, ident: Identity) -> Subject:
        return cls(substance_iri(cas=ident.cas), ident.formula, ident.smiles, ident.fractions)


_PARAMS = {cg.memberByElement.value: "element", cg.minMassFraction.value: "min_fraction",
           cg.oxidationState.value: "oxidation_state", cg.formulaPattern.value: "formula_pattern",
           cg.memberBySmarts.value: "smarts", cg.excludedBySmarts.value: "excluded",
           cg.memberByConnectivity.value: "connectivity", cg.memberCas.value: "cas"}
_MANY = ("smarts", "excluded", "connectivity", "cas")


def _rules(rows: Iterable[tuple[NamedNode, NamedNode | None, str, object]]) -> list[Rule]:
    """Rules from (rule, target, parameter IRI, value) rows."""
    targets: dict[str, NamedNode] = {}
    nodes: dict[str, NamedNode] = {}
    params: dict[str, dict[str, list]] = {}
    for rule, target, pred, value in rows:
        nodes[rule.value] = rule
        if target is not None:
            targets[rule.value] = target
        if pred in _PARAMS and isinstance(value, Literal):
            params.setdefault(rule.value, {}).setdefault(_PARAMS[pred], []).append(value.value)
    out = []
    for key, node in nodes.items():
        if key not in targets:
            continue
        p = params.get(key, {})
        one = {k: v[0] for k, v in p.items() if k not in _MANY}
        out.append(Rule(node, targets[key], element=one.get("element"),
                        min_fraction=Decimal(one["min_fraction"]) if "min_fraction" in one else None,
                        oxidation_state=int(one["oxidation_state"]) if "oxidation_state" in one else None,
                        formula_pattern=one.get("formula_pattern"),
                        smarts=tuple(sorted(p.get("smarts", []))), excluded=tuple(sorted(p.get("excluded", []))),
                        connectivity=tuple(sorted(p.get("connectivity", []))), cas=tuple(sorted(p.get("cas", [])))))
    return sorted(out, key=lambda r: r.rule.value)


def rules_in(triples: Iterable[Triple]) -> list[Rule]:
    """The membership rules among `triples` (a list load's own)."""
    triples = list(triples)
    ruled = {t.subject.value for t in triples if t.predicate == cg.ruleFor}
    rows = []
    for t in triples:
        if t.subject.value in ruled and isinstance(t.subject, NamedNode):
            target = t.object if t.predicate == cg.ruleFor and isinstance(t.object, NamedNode) else None
            rows.append((t.subject, target, t.predicate.value, t.object))
    return _rules(rows)


def stored_rules(store: Store | None) -> list[Rule]:
    if store is None:
        return []
    rows = store.select("SELECT ?r ?t ?p ?o WHERE { ?r cg:ruleFor ?t . ?r ?p ?o }",
                        {"p": [NamedNode(p) for p in _PARAMS] + [cg.ruleFor]})
    return _rules((r["r"], r["t"], r["p"].value, r["o"]) for r in rows)


def check_rules(rules: Iterable[Rule], file: str, problems: Problems) -> None:
    """Every pattern of every rule must compile: a rule that silently matches nothing is a false pass."""
    for r in rules:
        where = r.rule.value.rsplit("/", 1)[-1]
        if r.formula_pattern is not None:
            try:
                re.compile(r.formula_pattern)
            except re.error as exc:
                problems.add(file, None, f"{where} cg:formulaPattern", f"not a regular expression: {exc}")
        for pattern in r.smarts + r.excluded:
            if _smarts(pattern) is None:
                problems.add(file, None, f"{where} SMARTS", f"RDKit cannot read the SMARTS {pattern!r}")
        if r.cas and (r.element or r.min_fraction is not None or r.oxidation_state is not None
                      or r.formula_pattern is not None or r.smarts or r.excluded or r.connectivity):
            problems.add(file, None, f"{where} cg:memberCas", "a rule naming CAS numbers has no other criterion "
                         "(write the other criteria in a rule of their own: rules on one target are alternatives)")
        for number in r.cas:
            if not _CAS.fullmatch(number) or not _cas_checksum(number):
                problems.add(file, None, f"{where} cg:memberCas", f"not a CAS number: {number!r}")
        for smiles in r.connectivity:
            if _skeleton(smiles) is None:
                problems.add(file, None, f"{where} cg:memberByConnectivity",
                             f"RDKit cannot read the SMILES {smiles!r} or make its InChIKey")
        if (r.min_fraction is not None or r.oxidation_state is not None) and not r.element:
            problems.add(file, None, where, "cg:minMassFraction and cg:oxidationState need cg:memberByElement")
        if not (r.element or r.formula_pattern or r.smarts or r.connectivity or r.cas):
            problems.add(file, None, where, "a rule needs cg:memberByElement, cg:formulaPattern, cg:memberBySmarts, "
                                            "cg:memberByConnectivity or cg:memberCas")


def rules_file(path: Path, import_iri: NamedNode, source: NamedNode, problems: Problems) -> list[Triple]:
    """A list's rules file (Turtle: membership rules, element bases), traced to the list's load so that a
    reload replaces it."""
    try:
        triples = [q.triple for q in parse(path=str(path), format=RdfFormat.TURTLE)]
    except SyntaxError as exc:
        problems.add(str(path), None, None, f"not valid Turtle: {exc}")
        return []
    rules = rules_in(triples)
    check_rules(rules, str(path), problems)
    for r in sorted({t.subject for t in triples if t.predicate == cg.ruleFor}, key=lambda n: n.value):
        triples += [rdf.t(r, prov.wasGeneratedBy, import_iri), rdf.t(r, prov.wasDerivedFrom, source)]
    # stated, so that the data-quality pack can find substances such a rule cannot place (no structure)
    triples += [rdf.t(r.rule, cg.needsStructure, rdf.boolean(True)) for r in rules if r.needs_structure]
    return triples


# ------------------------------------------------------------------------------------------------------
# Evaluation

@functools.lru_cache(maxsize=4096)
def _smarts(pattern: str):
    from rdkit import Chem, RDLogger

    RDLogger.DisableLog("rdApp.*")
    try:
        return Chem.MolFromSmarts(perfluoroalkyl.expand(pattern))
    except ValueError:  # a {Rf<n>} out of range: reported by check_rules as an unreadable SMARTS
        return None


@functools.lru_cache(maxsize=65536)
def _mol(smiles: str):
    from rdkit import Chem, RDLogger
    from rdkit.Chem import rdMolDescriptors

    RDLogger.DisableLog("rdApp.*")
    mol = Chem.MolFromSmiles(smiles)
    if mol is not None:
        rdMolDescriptors.CalcOxidationNumbers(mol)
    return mol


def matches(rule: Rule, sub: Subject) -> bool | None:
    """Whether `sub` is a member under `rule`; None when the rule needs a structure the substance lacks, or any
    identity at all (a substance known by its CAS number only is placed by `cg:memberCas` rules alone)."""
    if rule.cas:
        return sub.iri.value.startswith(CAS_PREFIX) and sub.iri.value[len(CAS_PREFIX):] in rule.cas
    if sub.formula is None:
        return None
    return _matches(rule, sub.formula, sub.smiles, sub.fractions)


_CAS = re.compile(r"[1-9][0-9]{1,6}-[0-9]{2}-[0-9]")


def _cas_checksum(number: str) -> bool:
    digits = number.replace("-", "")
    return sum(int(d) * i for i, d in enumerate(reversed(digits[:-1]), start=1)) % 10 == int(digits[-1])


@functools.lru_cache(maxsize=1 << 17)
def _matches(rule: Rule, formula: str | None, smiles: str | None,
             element_fractions: tuple[tuple[str, Decimal], ...]) -> bool | None:
    # per rule and identity, whatever the substance's IRI: every list load evaluates each rule on every stored
    # substance, and a process loads the lists more than once (tests, a reload)
    fractions = dict(element_fractions)
    if rule.element is not None:
        if rule.element not in fractions:
            return False
        if rule.min_fraction is not None and not fractions[rule.element] > rule.min_fraction:
            return False
    if rule.formula_pattern is not None and not (formula and re.fullmatch(rule.formula_pattern, formula)):
        return False
    if not rule.needs_structure:
        return True
    mol = _mol(smiles) if smiles else None
    if mol is None:
        return None
    if rule.oxidation_state is not None and not any(
            a.GetSymbol() == rule.element and a.HasProp("OxidationNumber")
            and a.GetIntProp("OxidationNumber") == rule.oxidation_state for a in mol.GetAtoms()):
        return False
    if rule.connectivity and _skeleton(smiles) not in {_skeleton(s) for s in rule.connectivity}:
        return False
    fluorines = _fluorines(smiles)
    if not all(_found(mol, fluorines, p) for p in rule.smarts):
        return False
    return not any(_found(mol, fluorines, p) for p in rule.excluded)


def _found(mol, fluorines: int, pattern: str) -> bool:
    # a pattern with {Rf<n>} needs 2n + 1 fluorine atoms: counting them first spares the recursive SMARTS of
    # every isomer to the substances that cannot match (most of them)
    return fluorines >= perfluoroalkyl.fluorines_needed(pattern) and mol.HasSubstructMatch(_smarts(pattern))


@functools.lru_cache(maxsize=65536)
def _skeleton(smiles: str) -> str | None:
    """The first block of the InChIKey: the connectivity without stereochemistry (cis/trans, E/Z, R/S, anti/syn),
    so stereoisomers share it and positional isomers do not."""
    from rdkit import Chem

    mol = _mol(smiles)
    key = Chem.MolToInchiKey(mol) if mol is not None else ""
    return key.split("-")[0] or None


@functools.lru_cache(maxsize=65536)
def _fluorines(smiles: str) -> int:
    return sum(1 for a in _mol(smiles).GetAtoms() if a.GetAtomicNum() == 9)


# ------------------------------------------------------------------------------------------------------
# Materialisation

@dataclass
class Targets:
    """What a rule's target is: a group (members by cg:hasMember) and the list entries that are it or concern
    it (each gets `cg:concerns` the new member, as the list loader writes for listed members)."""
    groups: set[str]
    entries: dict[str, set[NamedNode]]


def targets_in(triples: Iterable[Triple], rules: list[Rule]) -> Targets:
    wanted = {r.target.value for r in rules}
    groups: set[str] = set()
    entries: dict[str, set[NamedNode]] = {}
    listed = set()
    triples = list(triples)
    for t in triples:
        if t.predicate == RDF_TYPE and t.subject.value in wanted:
            if t.object == cg.SubstanceGroup:
                groups.add(t.subject.value)
            elif t.object == cg.ListEntry:
                entries.setdefault(t.subject.value, set()).add(t.subject)
        if t.predicate == RDF_TYPE and t.object == cg.ListEntry:
            listed.add(t.subject.value)
    for t in triples:
        if t.predicate == cg.concerns and t.object.value in wanted and t.subject.value in listed:
            entries.setdefault(t.object.value, set()).add(t.subject)
    return Targets(groups, entries)


def stored_targets(store: Store, rules: list[Rule]) -> Targets:
    if not rules:
        return Targets(set(), {})
    ts = [r.target for r in {r.target.value: r for r in rules}.values()]
    groups = {r["t"].value for r in store.select("SELECT ?t WHERE { ?t a cg:SubstanceGroup }", {"t": ts})}
    entries: dict[str, set[NamedNode]] = {}
    for r in store.select("SELECT ?t WHERE { ?t a cg:ListEntry }", {"t": ts}):
        entries.setdefault(r["t"].value, set()).add(r["t"])
    for r in store.select("SELECT ?t ?e WHERE { ?e cg:concerns ?t . ?e a cg:ListEntry }", {"t": ts}):
        entries.setdefault(r["t"].value, set()).add(r["e"])
    return Targets(groups, entries)


def unreached_rules(store: Store) -> list[str]:
    """A warning for each rule whose target the store does not hold: a newer export that renames an entry
    leaves its rule reaching nothing, which must be said rather than passed (one set query)."""
    # a target that is only a removed entry (kept for the versions it was part of) reaches nothing now
    rows = store.select("SELECT ?r ?t WHERE { ?r cg:ruleFor ?t . "
                        "FILTER NOT EXISTS { ?t a ?type FILTER NOT EXISTS { ?t cg:dateOfRemoval ?removed } } }")
    return [f"membership rule {r['r'].value} names {r['t'].value}, which the store does not hold (was the list "
            "export reworded?): the substances of that group are not reached; update the rule file"
            for r in rows]


def membership_node(target: NamedNode, substance: NamedNode) -> NamedNode:
    return NamedNode(f"{target.value}/member/{substance.value.rsplit('/', 1)[-1]}")


def membership_triples(rules: list[Rule], subjects: Iterable[Subject], targets: Targets) -> Iterator[Triple]:
    seen: set[tuple[str, str]] = set()
    for sub in subjects:
        for r in rules:
            if not matches(r, sub):
                continue
            m = membership_node(r.target, sub.iri)
            yield rdf.t(m, cg.byRule, r.rule)
            if (r.target.value, sub.iri.value) in seen:
                continue
            seen.add((r.target.value, sub.iri.value))
            yield rdf.t(m, RDF_TYPE, cg.GroupMembership)
            yield rdf.t(m, cg.group, r.target)
            yield rdf.t(m, cg.member, sub.iri)
            if r.target.value in targets.groups:
                yield rdf.t(r.target, cg.hasMember, sub.iri)
            for e in sorted(targets.entries.get(r.target.value, ()), key=lambda n: n.value):
                yield rdf.t(e, cg.concerns, sub.iri)


def stored_subjects(store: Store | None) -> list[Subject]:
    """Every substance the store holds a formula for, with its structure and element fractions."""
    if store is None:
        return []
    fractions: dict[str, list[tuple[str, Decimal]]] = {}
    for r in store.select("SELECT ?s ?e ?x WHERE { ?s cg:elementFraction ?n . ?n cg:element ?e ; cg:massFraction ?x }"):
        fractions.setdefault(r["s"].value, []).append((r["e"].value, Decimal(r["x"].value)))
    rows = store.select("SELECT ?s ?f ?smiles WHERE { ?s cg:molecularFormula ?f OPTIONAL { ?s cg:smiles ?smiles } }")
    return [Subject(r["s"], r["f"].value, r["smiles"].value if "smiles" in r else None,
                    tuple(sorted(fractions.get(r["s"].value, [])))) for r in rows]


def enrichment(cas_numbers: Iterable[str], store: Store | None, new_rules: list[Rule] | None = None,
               load_triples: list[Triple] | None = None, records: Iterable[Identity] = ()) -> Iterator[Triple]:
    """Identity triples for the CAS numbers the store has not identified (the company's `records` first,
    else the database), and group membership in both directions: the newly identified substances against the
    stored rules and `new_rules`, and `new_rules` (a list load's, whose targets are in `load_triples`) against
    the stored substances. Meant to be written in the same store write as the import that brought them."""
    cas_numbers = set(cas_numbers)
    found = identify(cas_numbers, store, records)
    yield from identity_triples_of(found)
    yield from database_names(cas_numbers - {i.cas for i in found}, store)
    new_rules = new_rules or []
    new_subjects = [Subject.of(i) for i in found]
    if found and store is not None:
        old = stored_rules(store)
        yield from membership_triples(old, new_subjects, stored_targets(store, old))
    if new_rules:
        targets = targets_in(load_triples or [], new_rules)
        subjects = new_subjects + stored_subjects(store)
        known = {s.iri.value for s in subjects}
        # the CAS numbers the rules name, known or not to the identifier database, imported or not
        named = sorted({c for r in new_rules for c in r.cas if substance_iri(cas=c).value not in known})
        subjects += [Subject(substance_iri(cas=c), None, None, ()) for c in named]
        yield from membership_triples(new_rules, subjects, targets)
