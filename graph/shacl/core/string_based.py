"""SHACL 4.4 String-based constraint components: sh:minLength, sh:maxLength, sh:pattern (with sh:flags),
sh:languageIn, sh:uniqueLang."""

from __future__ import annotations

from rdflib import Graph, Literal
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from complygraph.graph.shacl.core.component import CoreComponent, ValueTest
from complygraph.graph.shacl.terms import sparql_term


def _length(op: str) -> ValueTest:
    def test(g: Graph, shape: Node, n: Node, var: str) -> str:
        return f"isBlank({var}) || !COALESCE(STRLEN(STR({var})) {op} {int(n)}, false)"
    return test


def pattern(g: Graph, shape: Node, regex: Node, var: str) -> str:
    flags = g.value(shape, SH.flags)
    flag = f", {sparql_term(flags)}" if flags is not None else ""
    return f"isBlank({var}) || !REGEX(STR({var}), {sparql_term(regex)}{flag})"


def language_in(g: Graph, shape: Node, ranges: Node, var: str) -> str:
    """langMatches, as 4.4.5 says: "en" admits "en-GB"; an untagged literal has LANG "" and matches no range."""
    matches = " || ".join(f"langMatches(LANG({var}), {sparql_term(Literal(str(r)))})"
                          for r in Collection(g, ranges)) or "false"
    return f"!isLiteral({var}) || !({matches})"


def unique_lang(g: Graph, shape: Node, flag: Node, focus: str, path: str) -> str:
    """Tags compared in lower case, as pySHACL does (RDF 1.1 tags are case-insensitive; Oxigraph stores them
    lower-cased, an endpoint may not). ?message names the tag: two tags of one focus node are two results,
    which the validator would merge if their rows differed in nothing it shows."""
    if not (isinstance(flag, Literal) and str(flag) == "true"):  # 4.4.6: only true, as validator.fallback_graph
        return f"{focus}\nFILTER(false)"
    return (f"{{ SELECT ?this ?lang (COUNT(DISTINCT ?v) AS ?count) WHERE {{ {focus} ?this {path} ?v ."
            f" FILTER(isLiteral(?v) && LANG(?v) != \"\") BIND(LCASE(LANG(?v)) AS ?lang) }} GROUP BY ?this ?lang }}\n"
            f"FILTER(?count > 1)\n"
            f"BIND(CONCAT(\"More than one value has the language tag \", ?lang) AS ?message)")


STRING_BASED = (
    CoreComponent(SH.minLength, SH.MinLengthConstraintComponent, "4.4.1", None, has_value=True, test=_length(">=")),
    CoreComponent(SH.maxLength, SH.MaxLengthConstraintComponent, "4.4.2", None, has_value=True, test=_length("<=")),
    CoreComponent(SH.pattern, SH.PatternConstraintComponent, "4.4.3", None, has_value=True, test=pattern),
    CoreComponent(SH.languageIn, SH.LanguageInConstraintComponent, "4.4.5", None, has_value=True,
                  test=language_in),
    CoreComponent(SH.uniqueLang, SH.UniqueLangConstraintComponent, "4.4.6", unique_lang, has_value=False,
                  needs_path=True),
)
