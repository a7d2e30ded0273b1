"""What a supplier declaration says, whichever XML format it came in.

Both formats say the same things: who declares (the supplying company), when, for which item (number,
name, version, mass), and either the full composition (IPC Class D: homogeneous materials and their
substances with mass or concentration, optionally nested sub-products) or, per regulatory substance
category, whether the item is over the threshold and under which exemption (IPC Class C; the IEC 62474
"Compliance" part). Values are kept as the file gives them (numbers and units as text, already checked);
converting them is the writer's work, by the same rules as the compositions import.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class Quantity:
    """A declared mass or concentration: a decimal of zero or more and its unit, as text ("" if not given)."""

    value: str = ""
    unit: str = ""


@dataclass
class DeclaredSubstance:
    """A substance in a declared material: CAS and/or EC number or a name, with a mass or concentration."""

    line: int
    name: str
    cas: str = ""
    ec: str = ""
    amount: Quantity = field(default_factory=Quantity)
    exemption: str = ""


@dataclass
class DeclaredMaterial:
    """A homogeneous material of a declared item, with its mass (or concentration in the item)."""

    line: int
    name: str
    category: str = ""
    amount: Quantity = field(default_factory=Quantity)
    substances: list[DeclaredSubstance] = field(default_factory=list)


@dataclass
class CategoryStatement:
    """Class C: over or under the threshold of one substance category of a declared list."""

    line: int
    list_id: str
    category: str
    over: bool | None
    threshold: str = ""
    exemptions: list[str] = field(default_factory=list)


@dataclass
class DeclaredItem:
    """The declared product or one of its sub-products, with what it is made of or what it states."""

    line: int
    number: str
    name: str
    version: str = ""
    mass: Quantity = field(default_factory=Quantity)
    instances: str = "1"
    materials: list[DeclaredMaterial] = field(default_factory=list)
    statements: list[CategoryStatement] = field(default_factory=list)
    children: list[DeclaredItem] = field(default_factory=list)

    def has_composition(self) -> bool:
        return bool(self.materials) or any(c.has_composition() for c in self.children)


@dataclass
class Declaration:
    format: str
    file: str
    sha256: str
    company: str
    company_id: str
    date: dt.date | None
    item: DeclaredItem
    declaration_class: str  # "D" with a composition, "C" with category statements only


@dataclass
class Outcome:
    """What importing one file did to the store."""

    file: str
    part: str
    status: str  # "new", "replaced" or "unchanged"
    declaration_class: str
