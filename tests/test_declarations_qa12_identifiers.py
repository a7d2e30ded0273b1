"""QA12 B01: substance identifiers the declaration readers skipped without a word (a false pass).

chemSHERPA-AI writes an IEC 62474 substance's CAS number as `Substance/UniqueID@authority,identity` (the public
chemSHERPA viewer, `satoshiTajima005/SREC_Viewer` `src/xsl/IEC62474_TREE.xsl`, reads exactly that, also under
`SubstanceGroup`), and IPC-1752A authoring tools spell the CAS authority `CASRN`, `CAS No.`, ... The readers knew
only `SubstanceID` under `CAS`/`EC`/`EINECS`/`ELINCS`: DEHP (117-81-7) at 20 % and lead stearate in a PVC sheath
were stored by their trade names ("Plasticizer", "Heat stabilizer"), `validate` said compliant and SCIP had no row.
Now every spelling of the CAS and EC authorities is read, and an identity under an authority the reader does not
know is refused naming its line (docs/declarations.md, "Checked whole": what the reader cannot place is refused,
never left out).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from complygraph.graph import open_store
from complygraph.loaders.declarations import import_declarations
from complygraph.loaders.errors import InputError

DEHP, LEAD_STEARATE, PVC, LEAD = "117-81-7", "1072-35-1", "9002-86-2", "7439-92-1"


def _chemsherpa(folder: Path, identifiers: str) -> Path:
    """An IEC 62474 declaration as chemSHERPA-AI writes it: a 4 g PVC sheath of a 10 g cable whose substances are
    identified by `identifiers` (formatted with each substance's CAS number as `cas`)."""
    subs = "".join(f'<Substance name="{name}">{identifiers.format(cas=cas)}<Mass mass="{mg}" unitOfMeasure="mg"/>'
                   "</Substance>\n" for name, cas, mg in (("PVC resin", PVC, 3000), ("Plasticizer", DEHP, 800),
                                                          ("Heat stabilizer", LEAD_STEARATE, 200)))
    path = folder / "nh-500.xml"
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<Main xmlns="http://std.iec.ch/iec62474"><BusinessInfo>'
        '<Response responseDate="2026-05-01"><SupplyCompany name="Nagoya Harness Co."/></Response></BusinessInfo>\n'
        '<Product><ProductID name="Cable assy" identifier="NH-500"><Mass mass="4" unitOfMeasure="g"/></ProductID>\n'
        '<Composition><Material name="PVC sheath"><Mass mass="4" unitOfMeasure="g"/>\n'
        f"{subs}</Material></Composition></Product></Main>", encoding="utf-8")
    return path


def _ipc(folder: Path, authorities: tuple[str, str]) -> Path:
    """An IPC-1752A Class D of a 1 g PVC grommet: lead 20 mg and DEHP 100 mg under the given CAS authorities."""
    path = folder / "auth-1.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<MainDeclaration xmlns="http://webstds.ipc.org/175x/2.0" '
        'version="2.0"><BusinessInfo><Response date="2026-06-01"><SupplyCompany name="Auth Co"/></Response>'
        '</BusinessInfo><Product><ProductID itemNumber="AUTH-1"><Amount value="1" UOM="g"/></ProductID>'
        '<MaterialInfo><HomogeneousMaterialList><HomogeneousMaterial name="PVC"><Amount value="1" UOM="g"/>\n'
        f'<Substance name="Stabiliser"><SubstanceID identity="{LEAD}" authority="{authorities[0]}"/>'
        '<Amount value="20" UOM="mg"/></Substance>\n'
        f'<Substance name="Plasticiser"><SubstanceID identity="{DEHP}" authority="{authorities[1]}"/>'
        '<Amount value="100" UOM="mg"/></Substance>\n'
        "</HomogeneousMaterial></HomogeneousMaterialList></MaterialInfo></Product></MainDeclaration>",
        encoding="utf-8")
    return path


def _stored(store) -> dict[str, str]:
    """Each stored occurrence's substance: its declared name -> CAS number ("" when stored by name only)."""
    rows = store.select("""SELECT ?mg ?cas WHERE { ?o a cg:SubstanceOccurrence ; cg:massMg ?mg ; cg:substance ?s .
                           OPTIONAL { ?s cg:casNumber ?cas } }""")
    return {str(float(r["mg"].value)): r["cas"].value if "cas" in r else "" for r in rows}


def test_chemsherpa_unique_ids_and_cas_authority_spellings_identify_the_substances(tmp_path):
    """B01: `UniqueID authority="CAS"` (IEC 62474 / chemSHERPA-AI) and `SubstanceID authority="CASRN"` / `"CAS No."`
    (IPC-1752A) give the substances their CAS numbers, so DEHP and lead are judged as DEHP and lead; an identity
    under an unknown authority (`JAMP`) or none is refused naming the file, line and attribute, nothing stored."""
    store = open_store(None)
    import_declarations(store, [_chemsherpa(tmp_path, '<UniqueID authority="CAS" identity="{cas}"/>')])
    assert _stored(store) == {"3000.0": PVC, "800.0": DEHP, "200.0": LEAD_STEARATE}

    # a SubstanceGroup that lists no Substance is the substance declared (its UniqueID and Mass), never left out
    path = _chemsherpa(tmp_path, '<UniqueID authority="CAS" identity="{cas}"/>')
    path.write_text(path.read_text(encoding="utf-8").replace(
        'Substance name="Heat stabilizer"', 'SubstanceGroup name="Heat stabilizer"').replace(
        '<Mass mass="200" unitOfMeasure="mg"/></Substance>', '<Mass mass="200" unitOfMeasure="mg"/></SubstanceGroup>'),
        encoding="utf-8")
    assert path.read_text(encoding="utf-8").count("SubstanceGroup") == 2
    grouped = open_store(None)
    import_declarations(grouped, [path])
    assert _stored(grouped) == {"3000.0": PVC, "800.0": DEHP, "200.0": LEAD_STEARATE}

    other = open_store(None)
    import_declarations(other, [_ipc(tmp_path, ("CASRN", "CAS No."))])
    assert _stored(other) == {"20.0": LEAD, "100.0": DEHP}

    for authority, says in (("JAMP", "authority 'JAMP'"), ("", "has no authority")):
        empty = open_store(None)
        with pytest.raises(InputError) as exc:
            import_declarations(empty, [_ipc(tmp_path, ("CAS-RN", authority))])
        [problem] = exc.value.problems
        assert (Path(problem.file).name, problem.line) == ("auth-1.xml", 4)
        assert problem.field.endswith("Substance/SubstanceID@authority") and says in problem.reason
        assert not empty.select("SELECT ?p WHERE { ?p a cg:Part }")
