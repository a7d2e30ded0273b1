"""Reading the elements and attributes of one declaration file, shared by the IPC-1752A and IEC 62474
readers: namespaced look-ups, checked numbers, units and substance identifiers, and problems that name
the file, the line and the element path."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from lxml import etree

from complygraph.loaders.declarations.identities import DeclarationSubstanceIds
from complygraph.loaders.declarations.model import DeclaredItem, DeclaredSubstance
from complygraph.loaders.errors import Problem
from complygraph.loaders.records import MASS_UNITS, MAX_QUANTITY, parse_number

# Units a declaration may give for an amount, as the loader names them (lower case).
MASS = tuple(MASS_UNITS)
CONCENTRATION = ("ppm", "masspercent")
ANY_UNIT = MASS + CONCENTRATION


class DeclarationXml:
    """One file in one format's namespace; `problems` collects what is wrong, in document order."""

    def __init__(self, path: Path, namespace: str) -> None:
        self.path = path
        self.ns = namespace
        self.problems: list[Problem] = []

    def problem(self, el: etree._Element | None, where: str, reason: str) -> None:
        self.problems.append(Problem(str(self.path), getattr(el, "sourceline", None), where, reason))

    def boolean(self, el: etree._Element, name: str, where: str) -> bool | None:
        """An xs:boolean attribute (true, false, 1, 0; XML Schema Part 2 3.2.2), None when missing or wrong,
        each of which is a problem naming the attribute."""
        value = el.get(name)
        flag = {"true": True, "1": True, "false": False, "0": False}.get((value or "").strip().lower())
        if flag is None:
            self.problem(el, where, f"the attribute {name} is required: true or false (or 1 or 0)" if value is None
                         else f"expected true or false (or 1 or 0), got {value!r}")
        return flag

    def q(self, name: str) -> str:
        return f"{{{self.ns}}}{name}"

    def find(self, el: etree._Element, path: str) -> etree._Element | None:
        return el.find("/".join(self.q(p) for p in path.split("/")))

    def findall(self, el: etree._Element, path: str) -> list[etree._Element]:
        return el.findall("/".join(self.q(p) for p in path.split("/")))

    def iter(self, el: etree._Element, name: str) -> list[etree._Element]:
        """`name` elements at any depth below `el` (and `el` itself, if it is one)."""
        return list(el.iter(self.q(name)))

    @staticmethod
    def attr(el: etree._Element, *names: str) -> str:
        """The first of the attributes that has a value, stripped; "" if none has."""
        return next((value for name in names if (value := el.get(name))), "").strip()

    def product_id(self, el: etree._Element, where: str, numbers: tuple[str, ...]) -> tuple[etree._Element | None, str]:
        """An item's ProductID element and its item number (the first of the `numbers` attributes given);
        a missing element or number is a problem."""
        pid = self.find(el, "ProductID")
        if pid is None:
            self.problem(el, f"{where}/ProductID", "required element is missing")
            return None, ""
        number = self.attr(pid, *numbers)
        if not number:
            self.problem(pid, f"{where}/ProductID@{numbers[0]}", "the item number is required")
        return pid, number

    def number(self, el: etree._Element, where: str, text: str | None) -> str:
        """A number of zero or more, in the range every record shares (`records.parse_number`), as text."""
        value, reason = parse_number(text, positive=False)
        if value is None:
            self.problem(el, where, reason if "out of range" in reason else f"not a number of zero or more: {text!r}")
            return ""
        return str(value)

    def quantity(self, el: etree._Element, where: str, *names: str) -> str:
        """How many of an item go into its parent: the first of the `names` attributes given, a number above
        zero (the BOM line's quantity); 1 when none is given."""
        name = next((n for n in names if el.get(n) is not None), None)
        if name is None:
            return "1"
        value = self.number(el, f"{where}@{name}", el.get(name))
        if value and Decimal(value) == 0:
            self.problem(el, f"{where}@{name}", "a quantity must be more than zero")
            return ""
        if value and Decimal(value) > MAX_QUANTITY:
            self.problem(el, f"{where}@{name}", f"{value} is more than {MAX_QUANTITY:,}, the most a quantity may be")
            return ""
        return value

    def unit(self, el: etree._Element, where: str, unit: str, allowed: tuple[str, ...]) -> str:
        if unit.lower() not in allowed:
            shown = ", ".join({"masspercent": "massPercent"}.get(a, a) for a in allowed)  # as the formats write it
            self.problem(el, where, f"unknown unit {unit!r}; expected one of {shown}")
            return ""
        return unit

    def exemption(self, el: etree._Element) -> str:
        """The exemptions a substance is declared under, by id or name, separated by "; " as the compositions
        format's `exemption` field takes several (IPC-1752A `Exemption` repeated; chemSHERPA's
        `Exemptions/Exemption`); "" if none. Only the first was read before (QA, 2026-12-06)."""
        found = self.findall(el, "Exemption") + self.findall(el, "Exemptions/Exemption")
        return "; ".join(dict.fromkeys(x for e in found if (x := self.attr(e, "identity", "name"))))

    def substance(self, el: etree._Element, where: str) -> DeclaredSubstance:
        """A substance element's name and CAS / EC numbers (checked here, so that a batch of files is
        refused before the first one is written); its amount is format-specific. The numbers are read from
        the element's own `SubstanceID` (IPC-1752A, IEC 62474) or `UniqueID` (chemSHERPA-AI, QA12 B01)
        children, under any spelling of the CAS or EC authority (identities.py); an identity under an
        authority the reader does not know is refused naming its line, never dropped (it would leave the
        substance to its free-text name, a false pass)."""
        sub = DeclarationSubstanceIds(self, el, where).read()
        if not (sub.cas or sub.ec or sub.name):
            self.problem(el, where, "a substance needs a SubstanceID (CAS or EC) or a name")
        sub.exemption = self.exemption(el)
        return sub


class DeclarationReader(NamedTuple):
    """A declaration format: its name, namespace, root element, and how its Product element is read."""

    name: str
    namespace: str
    root: str
    item: Callable[[DeclarationXml, etree._Element, str], DeclaredItem]
    # the Product read for another of its ProductIDs (ProductID element, the item read for the first)
    alias: Callable[[DeclarationXml, etree._Element, DeclaredItem], DeclaredItem]
