"""A deterministic generator of realistic composition data in the complygraph import format.

It streams: each part, its materials and substances are written as they are drawn, and BOM lines are
derived from index arithmetic (child k of level L belongs to parent k mod |L-1|, plus random shared
uses), so a million parts need no more memory than ten.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from complygraph.loaders.catalog import data_dir
from complygraph.loaders.composition_reading import FILES, FORMAT, OPTIONAL, REQUIRED, VERSION

COUNTRIES = ["JP", "CN", "TW", "KR", "DE", "MY", "VN", "TH", "US", "MX", "CZ", "PL", "IN"]
SUPPLIER_WORDS = ["Precision", "Electro", "Metal", "Polymer", "Cable", "Circuit", "Seiko", "Denshi", "Kogyo",
                  "Components", "Materials", "Industries", "Technology", "Works"]
# product kinds with their EEE scope (RoHS Annex I category: 3 IT, 4 consumer, 8 medical, 9 monitoring and
# control, 11 other EEE; 8-ivd and 9-industrial the subcategories with later dates, shapes/data/eee-scopes.ttl)
PRODUCT_WORDS = [("Industrial controller", "9-industrial"), ("Power supply", 3), ("Motor drive", 11),
                 ("Sensor gateway", 3), ("Display unit", 4), ("Inverter", 11), ("Router", 3), ("Charging station", 11),
                 ("Audio amplifier", 4), ("Medical monitor", 8), ("Blood analyser", "8-ivd")]


@dataclass
class Plan:
    products: int
    parts: int
    suppliers: int
    assemblies: int
    subassemblies: int

    @property
    def components(self) -> int:
        return self.parts - self.assemblies - self.subassemblies

    @classmethod
    def for_size(cls, products: int, parts: int) -> Plan:
        if parts < 3:
            raise ValueError("need at least 3 parts for a BOM of depth 3")
        if products < 1:
            raise ValueError("need at least 1 product")
        assemblies = max(1, parts // 50)
        subassemblies = max(1, parts // 10)
        return cls(products, parts, max(3, parts // 200), assemblies, subassemblies)


def _profiles() -> dict:
    return tomllib.loads((data_dir() / "generator.toml").read_text(encoding="utf-8"))


def generate(out: Path, products: int, parts: int, seed: int = 0,
             progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Write a data set to `out` (a folder of CSV files); returns the number of records of each kind."""
    plan = Plan.for_size(products, parts)
    prof = _profiles()
    kinds = {lvl: sorted(k for k, v in prof["parts"].items() if v["level"] == lvl)
             for lvl in ("component", "subassembly", "assembly")}
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    (out / "manifest.json").write_text(json.dumps({"format": FORMAT, "version": VERSION,
                                                   "generator": "complygraph generate", "seed": seed,
                                                   "products": products, "parts": parts}, indent=2) + "\n")
    handles = {k: open(out / FILES[k], "w", newline="", encoding="utf-8") for k in FILES}
    writers = {k: csv.writer(h) for k, h in handles.items()}
    for k, w in writers.items():
        w.writerow(REQUIRED[k] + OPTIONAL[k])
    counts = {k: 0 for k in FILES}

    def row(kind: str, **values: object) -> None:
        writers[kind].writerow(["" if values.get(c) is None else values[c] for c in REQUIRED[kind] + OPTIONAL[kind]])
        counts[kind] += 1

    try:
        for s in range(plan.suppliers):
            r = random.Random(f"{seed}-supplier-{s}")
            name = f"{r.choice(SUPPLIER_WORDS)} {r.choice(SUPPLIER_WORDS)} {s + 1}"
            row("supplier", supplier_id=f"S{s:05d}", name=name, country=r.choice(COUNTRIES),
                email=f"compliance@supplier{s + 1}.example")
        for p in range(plan.products):
            kind, category = rng.choice(PRODUCT_WORDS)
            row("product", product_id=f"PRD{p:05d}", name=f"{kind} {100 + p}", eee_category=category)
        for i in range(plan.parts):
            level = ("assembly" if i < plan.assemblies else
                     "subassembly" if i < plan.assemblies + plan.subassemblies else "component")
            _part(i, level, kinds[level], prof, plan, seed, row)
            if progress and i % 1000 == 999:
                progress(1000)
        _bom(plan, rng, row)
        if progress:
            progress(plan.parts % 1000)
    finally:
        for h in handles.values():
            h.close()
    return counts


def _part(i: int, level: str, kinds: list[str], prof: dict, plan: Plan, seed: int, row) -> None:
    # Each part draws from its own generator so that part i is the same whatever the data set's size.
    r = random.Random(f"{seed}-part-{i}")
    kind = r.choice(kinds)
    spec = prof["parts"][kind]
    pid = f"P{i:07d}"
    supplier = f"S{r.randrange(plan.suppliers):05d}"
    materials = []
    for m_index, mat_key in enumerate(spec["materials"]):
        mat = prof["materials"][mat_key]
        lo, hi = mat["mass_mg"]
        mass = round(r.uniform(lo, hi), 3)
        materials.append((f"{pid}-M{m_index + 1}", mat, mass))
    part_mass = round(sum(m[2] for m in materials), 3)
    declared = dt.date(2023, 1, 1) + dt.timedelta(days=r.randrange(1400))
    in_grams = r.random() < 0.5
    row("part", part_id=pid, name=f"{kind.replace('_', ' ')} {i}", supplier_id=supplier,
        mass=f"{part_mass / 1000:.6f}" if in_grams else f"{part_mass:.3f}", mass_unit="g" if in_grams else "mg",
        item_number=f"{kind[:3].upper()}-{r.randrange(10**6):06d}", declaration_date=declared.isoformat(),
        packaging="yes" if spec.get("packaging") else "no")
    for mid, mat, mass in materials:
        row("material", material_id=mid, part_id=pid, name=mat["name"], mass=f"{mass:.3f}", mass_unit="mg",
            category=mat["category"])
        _substances(r, mid, mat, mass, row)


def _substances(r: random.Random, mid: str, mat: dict, mass: float, row) -> None:
    # A base item is [cas, name, wt%, exemption, intentional, probability]; when the draw fails, the
    # material's alternative substance takes its share, or the matrix (first item) does.
    items: list[list] = []
    matrix_extra = 0.0
    for base in mat["base"]:
        cas, name, pct = base[0], base[1], float(base[2])
        exemption = base[3] if len(base) > 3 and base[3] else None
        intentional = base[4] if len(base) > 4 and base[4] else None
        p = float(base[5]) if len(base) > 5 else 1.0
        if r.random() >= p:
            alt = mat.get("alternative", {}).get(cas)
            if alt:
                cas, name, exemption, intentional = alt[0], alt[1], None, None
            else:
                matrix_extra += pct
                continue
        items.append([cas, name, pct * 10_000, exemption, intentional or ("yes" if exemption else None)])
    trace_ppm = 0.0
    for tr in mat.get("traces", []):
        if r.random() < tr["p"] and tr["cas"] not in {it[0] for it in items}:
            ppm = round(r.uniform(*tr["ppm_range"]), 1)
            trace_ppm += ppm
            items.append([tr["cas"], tr["name"], ppm, None, "yes" if tr.get("intentional") else "no"])
    # traces displace the matrix, so the declared substances add up to the material's mass
    items[0][2] = items[0][2] + matrix_extra * 10_000 - trace_ppm
    as_percent = r.random() < 0.3
    for cas, name, ppm, exemption, intentional in items:
        if ppm < 10_000:
            amount, unit = f"{ppm:.1f}", "ppm"
        elif as_percent:
            amount, unit = f"{ppm / 10_000:.4f}", "wt%"
        else:
            amount, unit = f"{mass * ppm / 1_000_000:.6f}", "mg"
        row("substance", material_id=mid, cas=cas, substance_name=name, amount=amount, unit=unit,
            intentional=intentional, exemption=exemption)


def _bom(plan: Plan, rng: random.Random, row) -> None:
    a0, s0, c0 = 0, plan.assemblies, plan.assemblies + plan.subassemblies
    # products -> assemblies: every assembly used at least once, some shared between products
    for p in range(plan.products):
        children = {a0 + a for a in range(plan.assemblies) if a % plan.products == p}
        children |= {a0 + rng.randrange(plan.assemblies) for _ in range(rng.randint(1, 3))}
        for c in sorted(children):
            row("bom", parent_id=f"PRD{p:05d}", child_id=f"P{c:07d}", quantity=rng.choice([1, 1, 1, 2]))
    _level(plan.assemblies, a0, plan.subassemblies, s0, rng, row, extra=(1, 3), quantities=[1, 1, 2])
    _level(plan.subassemblies, s0, plan.components, c0, rng, row, extra=(1, 4), quantities=[1, 2, 4, 8, 12])


def _level(n_parents: int, p0: int, n_children: int, c0: int, rng: random.Random, row,
           extra: tuple[int, int], quantities: list[int]) -> None:
    """Child k belongs to parent k mod n_parents (so every child is used), and each parent also uses a few
    random children, which makes parts shared between assemblies and products."""
    for p in range(n_parents):
        children = set(range(p, n_children, n_parents))
        children |= {rng.randrange(n_children) for _ in range(rng.randint(*extra))}
        for c in sorted(children):
            row("bom", parent_id=f"P{p0 + p:07d}", child_id=f"P{c0 + c:07d}", quantity=rng.choice(quantities))
