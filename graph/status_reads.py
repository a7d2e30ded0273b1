"""What the status roll-up reads besides the report (graph/status.py): the parts each result concerns, the names of
the substances results are about, and the EEE scopes of the products.

A finding that holds for one EEE scope only (`cg:eeeScope` in its details: RoHS exemption 8(b) claimed in a relay
that is in a category-3 switch and in a 9-industrial PLC does not hold for category 3, Directive 2011/65/EU Art. 5
and Annex III) counts for the products of that scope only: counted for every product above the part, the PLC took
the switch's violation and was reported non-compliant (QA12 B02)."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from urllib.parse import unquote

from pyoxigraph import NamedNode
from rdflib import Literal, URIRef

from complygraph.graph import composition_reads as reads
from complygraph.graph.bindings import select_batched
from complygraph.graph.derived import PRODUCT_SCOPES
from complygraph.graph.shacl.report import ValidationResult
from complygraph.graph.store import Store

Read = tuple[str, "str | tuple[str, ...]", "str | None", "str | None"]  # status, packs, part, EEE scope


def product_scopes(store: Store) -> dict[str, frozenset[str]]:
    """Product -> its EEE scopes, as the derived facts give materials theirs (graph/derived.py PRODUCT_SCOPES); a
    product without a category has none."""
    out: dict[str, set[str]] = defaultdict(set)
    for row in store.select(f"SELECT ?product ?scope WHERE {{ {PRODUCT_SCOPES} }}"):
        out[row["product"].value].add(row["scope"].value)
    return {product: frozenset(scopes) for product, scopes in out.items()}


def naming(result: ValidationResult, cas_name: tuple[str, str]) -> ValidationResult:
    """A result about a substance itself (an unresolved identity) as its parts show it: the message names the
    substance and the details hold it (`substance`). Every such result of a part said "no formula known for
    this substance", and two of them could not be told apart (QA7 B04)."""
    cas, name = cas_name
    focus = str(result.focus)
    label = (name or unquote(focus.rsplit("/", 1)[-1])) + (f" (CAS {cas})" if cas and cas not in name else "")
    message = result.message
    text = f"{label}: {message}" if message else label
    language = message.language if isinstance(message, Literal) else None
    details = result.details
    if result.detail("substance") is None:
        details = (*details, ("substance", URIRef(focus)))
    return dataclasses.replace(result, message=Literal(text, lang=language) if language else text, details=details)


def parts_of(store: Store, results: list[ValidationResult], read: list[Read]
             ) -> tuple[dict[str, tuple[str, ...]], set[str]]:
    """Focus node -> the parts (or the product) a result about it concerns: a part or product itself, a
    material's part (from the result's details, `read`), a substance's parts, a supplier's parts; and the
    focus nodes that are substances in a part's material."""
    out: dict[str, tuple[str, ...]] = {}
    others = []
    for r, (_, _, part, _) in zip(results, read, strict=True):
        focus = str(r.focus)
        if focus in out:
            continue
        if part is not None:
            out[focus] = (part,)
        elif "/part/" in focus or "/product/" in focus:
            out[focus] = (focus,)
        else:
            others.append(focus)
    if not others:
        return out, set()
    found: dict[str, set[str]] = defaultdict(set)
    with store.composition_model() as model:  # the read model where the store keeps one (graph/read_model.py)
        if model is not None:
            others = list(dict.fromkeys(others))
            containing = reads.parts_containing(model, others)
            for by in (containing, reads.parts_supplied_by(model, others)):
                for focus, parts in by.items():
                    found[focus] |= parts
            substances = set(containing)
        else:
            values = [NamedNode(f) for f in dict.fromkeys(others)]
            rows = select_batched(store, "SELECT DISTINCT ?focus ?part WHERE { ?occ cg:substance ?focus . "
                                         "?m cg:contains ?occ . ?part cg:hasMaterial ?m }", "focus", values)
            substances = {row["focus"].value for row in rows}
            rows += select_batched(store, "SELECT ?focus ?part WHERE { ?part cg:suppliedBy ?focus }", "focus", values)
            for row in rows:
                found[row["focus"].value].add(row["part"].value)
    out.update({f: tuple(sorted(ps)) for f, ps in found.items()})
    return out, substances
