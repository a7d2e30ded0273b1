"""IRIs of the vocabulary and of the resources complygraph mints.

Kept in one module so that loaders, queries and tests spell every IRI the same way.
"""

from __future__ import annotations

from urllib.parse import quote

from pyoxigraph import NamedNode

from complygraph.identifiers import name_key, slug

CG = "https://w3id.org/complygraph/ontology#"
CGSH = "https://w3id.org/complygraph/shapes#"  # terms of shape packs (cgsh:ShapePack, cgsh:byDefault)
ID = "https://w3id.org/complygraph/id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
UNIT = "http://qudt.org/vocab/unit/"
VCARD = "http://www.w3.org/2006/vcard/ns#"

PREFIXES = {
    "cg": CG,
    "cgid": ID,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "skos": SKOS,
    "prov": PROV,
    "dct": DCT,
    "unit": UNIT,
    "vcard": VCARD,
}

SPARQL_PREFIXES = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


class _NS:
    """Terms of a namespace, created once: loaders ask for the same predicates millions of times."""

    def __init__(self, base: str) -> None:
        self._base = base
        self._terms: dict[str, NamedNode] = {}

    def __getitem__(self, name: str) -> NamedNode:
        term = self._terms.get(name)
        if term is None:
            term = self._terms[name] = NamedNode(self._base + name)
        return term

    def __getattr__(self, name: str) -> NamedNode:
        # called only for a name not yet in the instance's __dict__: kept there, later uses skip this call
        if name.startswith("_"):
            raise AttributeError(name)
        term = self[name]
        setattr(self, name, term)
        return term


cg = _NS(CG)
rdf = _NS(RDF)
rdfs = _NS(RDFS)
xsd = _NS(XSD)
skos = _NS(SKOS)
prov = _NS(PROV)
dct = _NS(DCT)
unit = _NS(UNIT)
vcard = _NS(VCARD)

RDF_TYPE = rdf.type


def substance_iri(cas: str | None = None, ec: str | None = None, list_id: str | None = None,
                  name: str | None = None) -> NamedNode:
    """One IRI per substance: from its CAS number, else EC number, else the list entry's name."""
    if cas:
        return NamedNode(f"{ID}substance/cas/{cas}")
    if ec:
        return NamedNode(f"{ID}substance/ec/{ec}")
    if list_id and name:
        return NamedNode(f"{ID}substance/entry/{list_id}/{name_key(name)}")
    raise ValueError("a substance needs a CAS number, an EC number or a list entry name")


def list_iri(list_id: str) -> NamedNode:
    """A regulatory list, by the id `data/lists.toml` gives it (eu-reach-svhc)."""
    return NamedNode(f"{ID}list/{list_id}")


def version_iri(list_id: str, date: str) -> NamedNode:
    """A dated version of a list: the state of the list from `date` (an inclusion date) on."""
    return NamedNode(f"{ID}list/{list_id}/version/{date}")


def entry_iri(list_id: str, key: str) -> NamedNode:
    """An entry of a list, keyed by what the export identifies it with (entry number, CAS or name), so
    that reloading the next export of the list mints the same IRI for the same entry."""
    return NamedNode(f"{ID}list/{list_id}/entry/{slug(key)}")


def regulation_iri(reg_id: str) -> NamedNode:
    return NamedNode(f"{ID}regulation/{reg_id}")


def exemption_iri(list_id: str, exemption_id: str) -> NamedNode:
    """An exemption of a list (RoHS Annex III 6(c) -> .../eu-rohs-annex-iii/6-c): declarations cite it by
    its id as written in the annex, in any spelling that slugs the same."""
    return NamedNode(f"{ID}exemption/{list_id}/{slug(exemption_id)}")


def entity_iri(kind: str, local_id: str) -> NamedNode:
    """IRI of a company-data resource (product, part, supplier, material) from the user's own id."""
    return NamedNode(f"{ID}{kind}/{quote(local_id, safe='')}")
