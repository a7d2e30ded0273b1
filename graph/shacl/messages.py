"""Result messages: `sh:message` templates with `{?var}` / `{$param}` placeholders (SHACL 5.3.1, 6.2.2),
filled from a result row and the component's parameter values, in text an engineer reads."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from functools import lru_cache

from rdflib import Literal
from rdflib.term import Node

PLACEHOLDER = re.compile(r"\{[$?]([A-Za-z_][A-Za-z0-9_]*)\}")


def placeholders(template: str) -> Iterator[str]:
    """The variable names a template refers to."""
    return (m.group(1) for m in PLACEHOLDER.finditer(template))


def fill_message(template: str, names: Mapping[str, Node], named: Mapping[Node, str] | None = None) -> str:
    """The template with each placeholder replaced by its value; unknown placeholders stay as written. A value
    `named` gives a name to (an IRI of a list entry, restriction or group: term_names.py) is shown by that name."""
    def fill(m: re.Match) -> str:
        var = m.group(1)
        if var not in names:
            return m.group(0)
        term = names[var]
        if named:
            name = named.get(term)
            if name is not None:
                return name
        return show_term(term)

    return PLACEHOLDER.sub(fill, template)


@lru_cache(maxsize=1 << 16)  # limits, substances, entries recur in thousands of messages
def show_term(term: Node) -> str:
    """A term for a message: numbers to 6 significant digits, IRIs by their last segment (where the store gives
    no name: `fill_message(named=...)`)."""
    if isinstance(term, Literal) and isinstance(term.value, int | float | Decimal) and not isinstance(term.value, bool):
        return f"{float(term.value):,.6g}"
    text = str(term)
    return text.rsplit("/", 1)[-1] if text.startswith("http") else text
