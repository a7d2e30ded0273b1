"""Small constructors for triples and typed literals, so loaders read like the data they write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import NamedTuple

from pyoxigraph import BlankNode, Literal, NamedNode

from complygraph.vocab import XSD

_STRING = NamedNode(XSD + "string")
_DATE = NamedNode(XSD + "date")
_DATETIME = NamedNode(XSD + "dateTime")
_DECIMAL = NamedNode(XSD + "decimal")
_INTEGER = NamedNode(XSD + "integer")
_BOOLEAN = NamedNode(XSD + "boolean")


class Fact(NamedTuple):
    """A triple as the loaders make it, read by the stores like pyoxigraph's `Triple` (`subject`, `predicate`,
    `object`). Building a `Triple` costs about 4 us (pyoxigraph tries each term type on its arguments), a tuple
    a tenth of that; an import makes tens of millions, and the store turns each into a quad or a line once."""

    subject: NamedNode | BlankNode
    predicate: NamedNode
    object: NamedNode | BlankNode | Literal

    def __str__(self) -> str:  # as Triple's: N-Triples without the final dot
        return f"{self.subject} {self.predicate} {self.object}"


def t(s: NamedNode | BlankNode, p: NamedNode, o: NamedNode | BlankNode | Literal) -> Fact:
    return Fact(s, p, o)


def text(value: str, lang: str | None = None) -> Literal:
    return Literal(value, language=lang) if lang else Literal(value)


def date(value: dt.date) -> Literal:
    return Literal(value.isoformat(), datatype=_DATE)


def datetime(value: dt.datetime) -> Literal:
    return Literal(value.isoformat(), datatype=_DATETIME)


def decimal(value: Decimal | float | int | str) -> Literal:
    d = Decimal(str(value))
    # xsd:decimal has no exponent form: format plainly, trimming trailing zeros but keeping one digit.
    s = format(d.normalize(), "f") if d != 0 else "0"
    if "." not in s:
        s += ".0"
    return Literal(s, datatype=_DECIMAL)


def integer(value: int) -> Literal:
    return Literal(str(int(value)), datatype=_INTEGER)


def boolean(value: bool) -> Literal:
    return Literal("true" if value else "false", datatype=_BOOLEAN)


def texts(node: NamedNode, fields: Mapping[str, str], properties: Mapping[str, NamedNode]) -> Iterator[Fact]:
    """A plain-literal triple for each optional field that has a value."""
    for name, prop in properties.items():
        if fields.get(name):
            yield Fact(node, prop, Literal(fields[name]))
