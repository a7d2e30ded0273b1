"""Facts the RoHS shapes need in one triple, derived from the store before any shape runs.

RoHS decides per product category whether an exemption holds and from when a restriction applies (phthalates
for medical devices from 22 July 2021), and per kind of material whether an exemption's material condition
is met ("copper alloy containing up to 4 % lead": is this "brass"?). A material belongs to a part, which may
sit in several sub-assemblies of several products, and its declared category is free text matched by the
patterns of the material classes (pack data). Evaluated inside the shapes' FILTER EXISTS blocks, the BOM path
and the regular expressions ran once per candidate row (1.5 s of 2.7 s on 10,000 parts); derived here once,
set-at-a-time, they are single triples:

- `?material cg:inProductScope ?s`: the EEE scope (RoHS Annex I category, with 8 and 9 split where the
  Directive gives other dates: shapes/data/eee-scopes.ttl) of each product the material's part goes into,
  `?material cg:inUncategorizedProduct true` when one of those products declares no category, and
  `?material cg:withoutProductCategory true` when none of them declares one (a selective start for the
  shape that warns of it). Per material, not per part: reached from a material through its part
  (`?p cg:hasMaterial $this ; cg:partInProductScope ?s`) inside the shapes' nested FILTER EXISTS, Oxigraph
  started from the category and one query took over 120 s instead of 5 s at 100k parts;
- `?material cg:inMaterialClass "copper alloy"`: each material class whose pattern its category matches;
- `?material cg:inUse "toy"`: each use (REACH Annex XVII conditions) of its part or of a product it goes into;
- `?material cg:foldedCategory "pvcケーブル"`: a declared category as an import folds it today (Unicode NFKC,
  lower case: loaders/composition_rules.py), for a material an earlier import stored unfolded ("ＰＶＣケーブル"),
  so that the material classes match it without a re-import (a review of 2026-12-07);
- `?part cg:partInProductScope ?s`: the same scopes per part, for what a declaration states of a part
  (IPC-1752A Class C: an exemption valid for some categories only);
- `?part cg:inBomCycle "A, B, C"`: each part of a BOM cycle, with the ids of the parts in it (strongly connected
  components of the BOM lines, computed in Python from one edge query: a SPARQL path per part is quadratic);
- `?statement cg:aboutList ?list ; cg:declaredListVersion ?date`: the list and version a declared list
  identity names ("EUREACH-0624"), by the patterns of `shapes/data/declared-list-identities.ttl`.

The validator refreshes them before it runs the shapes whenever the store's revision differs from the one
they were derived at (recorded in the store's meta graph), so they are never stale; the refresh itself keeps
the revision, since it adds nothing the store did not already say.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import unquote

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from complygraph.graph.bom_index import BomIndex, bom_index
from complygraph.graph.components import strongly_connected
from complygraph.graph.store import META_GRAPH, Store
from complygraph.identifiers import fold_category
from complygraph.vocab import CG

# What is derived, in order: each step's template is filled from each row of its WHERE (a later step may read an
# earlier one's facts: withoutProductCategory reads inProductScope). Step by step, each step writes only
# the facts that changed (`LiveWriter.replace`); the single update deletes every derived predicate first.
DERIVED = ("inProductScope", "inUncategorizedProduct", "partInProductScope", "withoutProductCategory",
           "inUse", "onlyInUse", "aboutList", "declaredListVersion", "inMaterialClass")
LAYOUT = "8"  # how the facts are derived and marked: a mark of another layout is not fresh, whatever its revision
# The EEE scope of each product: as the import writes it, or for a product that gives only its category (written
# by an import before scopes existed) the cell for that category, as a product's bare category is taken.
PRODUCT_SCOPES = """
    { ?product cg:eeeScope ?scope }
    UNION
    { ?product a cg:Product ; cg:eeeCategory ?category . FILTER NOT EXISTS { ?product cg:eeeScope ?given }
      ?scope cg:scopeForCategory true ; cg:eeeCategory ?category }"""
STEPS: tuple[tuple[str, str], ...] = (
    # on a store on disk this first step is walked in memory (`_parts_in_categories`), with the same facts; the
    # scopes are a subquery: as a group of a UNION joined with the path, Virtuoso 7.2 found 0 rows (QA6 B01: no
    # part of any product had a scope, so ended exemptions held and Annex XVII applied to RoHS EEE)
    ("?part cg:partInProductScope ?scope", f"""
  SELECT DISTINCT ?part ?scope WHERE {{
    {{ SELECT ?product ?scope WHERE {{ {PRODUCT_SCOPES} }} }} ?product (^cg:parent/cg:child)+ ?part }}"""),
    # two groups of their own, which Oxigraph evaluates once each and hash-joins: 0.6 s at 100k parts where the
    # plain join looked each part's materials up one by one (4.7 s)
    ("?material cg:inProductScope ?scope", """
  { SELECT ?part ?scope WHERE { ?part cg:partInProductScope ?scope } }
  { SELECT ?part ?material WHERE { ?part cg:hasMaterial ?material } }"""),
    ("?material cg:inUncategorizedProduct true", """
  SELECT DISTINCT ?material WHERE {
    { SELECT ?product WHERE { ?product a cg:Product . FILTER NOT EXISTS { ?product cg:eeeCategory ?declared } } }
    ?product (^cg:parent/cg:child)+ ?part .
    ?part cg:hasMaterial ?material .
  }"""),
    # MINUS: Oxigraph reads the categorised materials once and subtracts them (FILTER NOT EXISTS looked each up)
    ("?material cg:withoutProductCategory true", """
  ?material a cg:HomogeneousMaterial .
  MINUS { ?material cg:inProductScope ?scope }"""),
    ("?material cg:inUse ?use", """
  SELECT DISTINCT ?material ?use WHERE {
    { SELECT DISTINCT ?part ?use WHERE {
        { ?part cg:use ?use } UNION { ?product cg:use ?use . ?product (^cg:parent/cg:child)+ ?part } } }
    ?part cg:hasMaterial ?material .
  }"""),
    # a use that every product holding the material has (or its part itself), for the restrictions that exclude it
    # (REACH Annex XVII entry 63(8)(k): toys, food-contact articles): a material also in another product is not
    # excluded (QA11 B05; B01 for the RoHS-EEE exclusion); only materials in such a use are looked at. A packaging
    # component's material is "packaging" (63(8)(k)(i), Directive 94/62/EC): a pattern on the packaging parts in the
    # shapes' inner group took 137 s instead of 1.7 s at 100k parts
    ("?material cg:onlyInUse ?use", """
  SELECT DISTINCT ?material ?use WHERE {
    { SELECT DISTINCT ?use WHERE { ?restriction cg:excludesUse ?use } }
    { ?material cg:inUse ?use .
      ?part cg:hasMaterial ?material .
      # the part's own use counts only where no product holds it (inUse has it then): a part declared "toy" in a
      # keyring too is held to 63(7) (a review of 2026-12-07)
      FILTER NOT EXISTS {
        ?product a cg:Product ; (^cg:parent/cg:child)+ ?part . FILTER NOT EXISTS { ?product cg:use ?use } } }
    UNION
    { ?part a cg:PackagingComponent ; cg:hasMaterial ?material . BIND("packaging" AS ?use) }
  }"""),
    ("?statement cg:aboutList ?list ; cg:declaredListVersion ?version", """
  ?statement cg:categoryList ?identity .
  ?known cg:identityPattern ?pattern ; cg:identifiesList ?list ; cg:versionDateTemplate ?template .
  FILTER(REGEX(STR(?identity), ?pattern, "i"))
  BIND(xsd:date(REPLACE(STR(?identity), ?pattern, ?template, "i")) AS ?version)"""),
    ("?material cg:inMaterialClass ?name", """
  { SELECT DISTINCT ?declared ?name WHERE {
      { SELECT DISTINCT ?declared WHERE { ?m cg:materialCategory|cg:foldedCategory ?declared } }
      ?class cg:className ?name ; cg:categoryPattern ?pattern .
      # what a class's exception names is taken out of the category before its pattern is tried: "HDPE" is no
      # plastic of entry 23(1), "LDPE/HDPE" and "HDPE + PP" are (a review of 2026-12-07)
      OPTIONAL { ?class cg:exceptPattern ?except }
      FILTER(REGEX(IF(BOUND(?except), REPLACE(?declared, ?except, " ", "i"), ?declared), ?pattern, "i"))
  } }
  ?material cg:materialCategory|cg:foldedCategory ?declared ."""),
)
REFRESH = " ;\n".join([f"DELETE WHERE {{ ?s cg:{p} ?o }}" for p in DERIVED]
                      + [f"INSERT {{ {template} }} WHERE {{{where}\n}}" for template, where in STEPS])


_MARK = "<urn:complygraph:derived>"


def bom_cycles(store: Store) -> list[list[str]]:
    """The parts of each BOM cycle (A contains B contains A), from every BOM line whatever wrote it: strongly
    connected components of the parent -> child graph (graph/components.py), from the BOM read once per
    revision (graph/bom_index.py). A SPARQL
    `$this (^cg:parent/cg:child)+ $this` per part walks the whole BOM below every part: 64 s on 1,000 parts."""
    edges = bom_index(store).graph()
    return [sorted(c) for c in strongly_connected(edges)
            if len(c) > 1 or next(iter(c)) in edges.get(next(iter(c)), ())]


def refresh(store: Store) -> bool:
    """Replace the derived product categories and material classes of every material with current ones,
    unless they were derived at the store's current revision; True when they were refreshed.

    A store on disk that can run steps beside its readers (the embedded one: `derive`) gets them step by step
    in bounded memory, all or nothing by its checkpoint; any other store gets one update. The mark is removed
    first and written last in either case."""
    revision = store.revision()
    rows = store.select(f"SELECT ?r WHERE {{ GRAPH <{META_GRAPH}> {{ {_MARK} cg:derivedAt ?r }} }}")
    if rows and rows[0]["r"].value == f"{revision} {LAYOUT}":
        return False
    unmark = f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ {_MARK} cg:derivedAt ?r }} }}"
    mark = f"INSERT DATA {{ GRAPH <{META_GRAPH}> {{ {_MARK} cg:derivedAt {Literal(f'{revision} {LAYOUT}')} }} }}"
    cycles = "".join(f"<{part}> cg:inBomCycle {Literal(', '.join(_id(p) for p in cycle))} .\n"
                     for cycle in bom_cycles(store) for part in cycle)
    cycles_update = "DELETE WHERE { ?part cg:inBomCycle ?cycle }"
    if cycles:
        cycles_update += f" ;\nINSERT DATA {{ {cycles} }}"
    folded = _folded_categories(store)
    derive = getattr(store, "derive", None)
    index = bom_index(store)  # the one bom_cycles read, kept for this revision

    def steps(live) -> None:  # graph.live_writer.LiveWriter: the store itself while other readers see a checkpoint
        live.update(unmark)
        live.update(folded)
        # each step replaces its predicates' facts by writing only what changed (a later step reads them)
        live.replace(_predicates(STEPS[0][0]), _parts_in_categories(store, index))
        for template, where in STEPS[1:]:
            live.replace(_predicates(template), f"CONSTRUCT {{ {template} }} WHERE {{{where}\n}}")
        live.update(f"{cycles_update} ;\n{mark}")

    if derive is None or not derive(steps):
        store.update(f"{unmark} ;\n{folded} ;\n{REFRESH} ;\n{cycles_update} ;\n{mark}", new_revision=False)
    store.compact(force=False)  # rewriting every material's facts overlaps the files: graph/compaction.py
    return True


def _folded_categories(store: Store) -> str:
    """The update that writes `cg:foldedCategory` for each material whose declared category differs from its folded
    form (the import folds since 2026-12-07; a store imported before keeps the category as declared)."""
    rows = store.select("SELECT DISTINCT ?c WHERE { ?m cg:materialCategory ?c }")
    pairs = [(row["c"], folded) for row in rows if (folded := fold_category(row["c"].value)) != row["c"].value]
    inserts = [f"INSERT {{ ?m cg:foldedCategory {Literal(folded)} }} WHERE {{ ?m cg:materialCategory {term} }}"
               for term, folded in pairs]
    return " ;\n".join(["DELETE WHERE { ?m cg:foldedCategory ?f }", *inserts])


def _parts_in_categories(store: Store, index: BomIndex) -> Iterator[Triple]:
    """The first of STEPS walked in memory: each part below a product that declares an EEE scope, at any depth
    (`?product (^cg:parent/cg:child)+ ?part`, the node itself only through a cycle), with that scope. The
    BOM index is read for the cycles anyway; the SPARQL path, once per product, took 9 s of 39 at 100k parts."""
    declared: dict[str, list] = {}
    for row in store.select(f"SELECT ?product ?scope WHERE {{ {PRODUCT_SCOPES} }}"):
        declared.setdefault(row["product"].value, []).append(row["scope"])
    for product, categories in declared.items():
        seen: set[str] = set()
        todo = [product]
        while todo:
            for child, _ in index.children.get(todo.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
        for part in seen:
            node = _node(part)
            for category in categories:
                yield Triple(node, _PART_IN_CATEGORY, category)


_PART_IN_CATEGORY = NamedNode(CG + "partInProductScope")


def _node(value: str) -> NamedNode | BlankNode:
    """A BOM index key as a term: an absolute IRI has a scheme and a colon, a blank node's label has none (the
    read model may keep it with its `_:`). A blank-node part below a product crashed the walk."""
    if value.startswith("_:"):
        return BlankNode(value[2:])
    return NamedNode(value) if ":" in value else BlankNode(value)


def _predicates(template: str) -> list[NamedNode]:
    """The derived predicates a step's template writes (`cg:name` in it)."""
    return [NamedNode(CG + name) for name in DERIVED if f"cg:{name} " in template]


def _id(iri: str) -> str:
    return unquote(iri.rsplit("/", 1)[-1])
