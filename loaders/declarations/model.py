"""What a supplier declaration says, whichever XML format it came in.

Both formats say the same things: who declares (the supplying company), when, for which item (number,
name, version, mass), and either the full composition (IPC Class D: homogeneous materials and their
substances with mass or concentration, optionally nested sub-products) or, per regulatory substance
category, whether the item is over the threshold and under which exemption (IPC Class C; the IEC 62474
"Compliance" part). Values are kept as the file gives them (numbers and units as text, already checked);
converting them is the writer's work, by the same rules as the compositions import.

One rule is the model's own because both formats need it and the SVHC article share depends on it: the
mass basis. Both standards declare an item's mass as the whole item, its sub-products (IPC SubProduct)
or product parts (IEC ProductPart) included, while the graph stores each part's own mass, what its own
materials weigh, as the compositions format does (`cg:Part` is "an article ... with its own mass and
materials"; REACH Art. 33 is computed per article, CJEU C-106/14). `DeclaredItem.own_mg` is that mass;
`item_problems` refuses an item whose declared mass is smaller than what it is made of. Sources and
details: docs/declarations.md, "Mass basis".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from complygraph.loaders.composition_rules import MASS_TOLERANCE
from complygraph.loaders.errors import Problem
from complygraph.loaders.records import CONCENTRATION_UNITS, MASS_UNITS, MAX_MASS_MG


@dataclass
class Quantity:
    """A declared mass or concentration: a decimal of zero or more and its unit, as text ("" if not given)."""

    value: str = ""
    unit: str = ""

    def mg(self) -> Decimal | None:
        """The quantity as a mass in mg; None if it is not given or is a concentration."""
        unit = self.unit.lower()
        return Decimal(self.value) * MASS_UNITS[unit] if self.value and unit in MASS_UNITS else None


@dataclass
class DeclaredSubstance:
    """A substance in a declared material: CAS and/or EC number or a name, with a mass or concentration."""

    line: int
    name: str
    cas: str = ""
    ec: str = ""
    amount: Quantity = field(default_factory=Quantity)
    exemption: str = ""
    # the element/attribute path of the amount, where a format's differs from IPC-1752A's (IEC 62474: Mass@mass or
    # MassPercent@massPercent): problems name the file's own element (QA12 B11)
    amount_field: str = ""


@dataclass
class DeclaredMaterial:
    """A homogeneous material of a declared item, with its mass (or concentration in the item)."""

    line: int
    name: str
    category: str = ""
    amount: Quantity = field(default_factory=Quantity)
    substances: list[DeclaredSubstance] = field(default_factory=list)
    amount_field: str = ""  # as DeclaredSubstance's
    # the whole item, for substances declared without a homogeneous-material breakdown (IEC 62474 allows them
    # at product part or product level): no amount of its own, it weighs `DeclaredItem.undivided_mg`
    undivided: bool = False


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
    mass_line: int | None = None  # where the declared mass is, for problems
    mass_field: str = ""

    def has_composition(self) -> bool:
        return bool(self.materials) or any(c.has_composition() for c in self.children)

    def quantity(self) -> Decimal:
        """How many of this item go into its parent (checked by the reader)."""
        return Decimal(self.instances or "1")

    def total_mg(self) -> Decimal | None:
        """The whole item's mass in mg, sub-products included: as declared, else what its materials and
        sub-products weigh, else unknown (Class C)."""
        declared = self.mass.mg()
        if declared is not None:
            return declared
        parts = [c.total_mg() for c in self.children]
        known = [m for m in (mat.amount.mg() for mat in self.materials) if m is not None]
        if not known and all(p is None for p in parts):
            return None
        return sum(known, Decimal(0)) + sum((p * c.quantity() for p, c in zip(parts, self.children, strict=True)
                                             if p is not None), Decimal(0))

    def materials_mg(self) -> Decimal:
        """What the item's own materials weigh in mg; a material given as a concentration is a share of the
        declared mass of the whole item ("ppm or massPercent of the product")."""
        declared, total = self.mass.mg(), Decimal(0)
        for mat in self.materials:
            unit = mat.amount.unit.lower()
            if mat.amount.mg() is not None:
                total += mat.amount.mg()
            elif unit in CONCENTRATION_UNITS and declared is not None and mat.amount.value:
                total += Decimal(mat.amount.value) * CONCENTRATION_UNITS[unit] * declared / 1_000_000
        return total

    def parts_mg(self) -> Decimal | None:
        """What the item's sub-products weigh in mg, each times its quantity; None if one's mass is unknown."""
        parts = [c.total_mg() for c in self.children]
        if any(p is None for p in parts):
            return None
        return sum((p * c.quantity() for p, c in zip(parts, self.children, strict=True)), Decimal(0))

    def undivided_mg(self) -> Decimal | None:
        """What the item's undivided material weighs: the item's own mass, else (an assembly all of whose mass
        is in its parts) its whole mass, else what the substances given by mass in it weigh; None if none
        says."""
        for mass in (self.own_mg(), self.total_mg()):
            if mass:
                return mass
        known = [s.amount.mg() for m in self.materials if m.undivided for s in m.substances]
        return sum((m for m in known if m is not None), Decimal(0)) or None

    def own_mg(self) -> Decimal | None:
        """The item's own mass in mg, the `cg:massMg` of its part. Without sub-products, the declared mass
        (materials outweighing it are refused by the composition rules). With sub-products, the declared
        mass less theirs, but never less than its own materials (a difference within `MASS_TOLERANCE`,
        rounding, since `item_problems` refuses more); what its own materials weigh when no mass is declared
        or a sub-product's mass is unknown. None when nothing says (Class C without a mass). One exception: an
        item with sub-products that declares substances outside any material (`DeclaredMaterial.undivided`) and
        weighs nothing of its own is the whole item, its `total_mg`: those substances are declared for the item
        as a whole, and their share of the article is computed on that mass (docs/declarations.md)."""
        declared, parts = self.mass.mg(), self.parts_mg()
        if not self.children:
            weighed = any(m.amount.mg() is not None for m in self.materials)
            return declared if declared is not None or not weighed else self.materials_mg()
        if declared is not None and parts is not None:
            own = max(declared - parts, self.materials_mg())
        else:
            own = self.materials_mg() if self.materials or (declared is None and self.has_composition()) else None
        if not own and any(m.undivided for m in self.materials):
            # substances declared for the item as a whole (IEC 62474 Product or ProductPart level) of an item all of
            # whose mass is in its parts: they are the whole item's, the article they count against is the whole
            # item (never a 0 mg article, whose share of them is no number: QA9 B03)
            return self.total_mg() or own
        return own


def item_problems(item: DeclaredItem, file: str) -> list[Problem]:
    """What stops an item from becoming parts, at every level: a declared mass smaller (beyond
    `MASS_TOLERANCE`) than its own materials and its sub-products together (the whole cannot hold its parts,
    so its own mass, and every article share computed from it, would be wrong), the same item number
    twice among one item's sub-products (they would be one part), and a mass over `MAX_MASS_MG` (found here,
    when the file is read, so that no file of a batch is written)."""
    out, seen = [], set()
    for child in item.children:
        if child.number and child.number in seen:
            out.append(Problem(file, child.line, "ProductID", f"sub-product {child.number!r} appears twice in "
                               f"{item.number or item.name!r}; declare it once, with its quantity"))
        seen.add(child.number)
    heavy = [(item.mass_line or item.line, item.mass_field or "mass", item.mass)]
    heavy += [(m.line, f"HomogeneousMaterial {m.name!r}: mass", m.amount) for m in item.materials]
    heavy += [(s.line, "Substance mass", s.amount) for m in item.materials for s in m.substances]
    for line, where, amount in heavy:  # any mass over the bound is refused before a file of the batch is written
        if (amount.mg() or 0) > MAX_MASS_MG:
            out.append(Problem(file, line, where, f"{amount.value} {amount.unit} is more than 1,000 t, the most "
                                                  "a mass may be"))
    declared, parts = item.mass.mg(), item.parts_mg()
    if item.children and declared is not None and parts is not None:
        inside = item.materials_mg() + parts
        if inside > declared * (1 + MASS_TOLERANCE):
            out.append(Problem(file, item.mass_line or item.line, item.mass_field or "mass", (
                f"item {item.number or item.name!r} is declared as {_fmt(declared)} mg, less than its parts: "
                f"{_fmt(item.materials_mg())} mg of its own materials and {_fmt(parts)} mg of "
                f"{len(item.children)} sub-product(s) times their quantities (tolerance {MASS_TOLERANCE:%}); "
                f"the declared mass of an item includes its sub-products")))
    for child in item.children:
        out += item_problems(child, file)
    return out


def _fmt(d: Decimal) -> str:
    return f"{float(d):.6g}"


@dataclass
class Declaration:
    """One file: who declares, when (`date`; `issued`, the date-time, when the file gives a time), and the item."""

    format: str
    file: str
    sha256: str
    company: str
    company_id: str
    date: dt.date | None
    item: DeclaredItem
    declaration_class: str  # "D" with a composition, "C" with category statements only
    date_line: int | None = None  # the line of the element that gives `date`, for problems
    issued: dt.datetime | None = None  # the response date-time (QA12 B03), aware when the file gives a zone
    # the same declaration for the other item numbers of the product (IPC-1752A repeats ProductID for a series of
    # items sharing one composition, QA12 B05): each the same composition, with its own number, name and mass
    others: list[DeclaredItem] = field(default_factory=list)

    @property
    def items(self) -> list[DeclaredItem]:
        """Every item the declaration is about, the first ProductID's first."""
        return [self.item, *self.others]


@dataclass
class Outcome:
    """What importing one file did to the store, for its first item; `others`, for its other items (QA12 B05)."""

    file: str
    part: str
    status: str  # "new", "replaced" or "unchanged"
    declaration_class: str
    others: list[Outcome] = field(default_factory=list)

    def every(self) -> list[Outcome]:
        """This outcome and those of the file's other items."""
        return [self, *self.others]
