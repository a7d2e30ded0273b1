"""QA12 B11: a problem in an IEC 62474 file named the IPC-1752A element ("Substance Amount/Concentration@value"),
which the file does not have: the substance and material records shared by both formats carried IPC-1752A labels.
docs/declarations.md: every problem names the file, the line and the element/attribute path; an IEC 62474 amount
is `Mass@mass` or `MassPercent@massPercent`."""

from __future__ import annotations

import pytest

from complygraph.graph import open_store
from complygraph.loaders.declarations import import_declarations
from complygraph.loaders.errors import InputError


def _file(folder, percent: str, material_mg: str = "1500", substances_mg: str = ""):
    path = folder / "kr-10.xml"
    lead = (f'<Mass mass="{substances_mg}" unitOfMeasure="mg"/>' if substances_mg
            else f'<MassPercent massPercent="{percent}"/>')
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<Main xmlns="http://std.iec.ch/iec62474"><BusinessInfo>'
        '<Response responseDate="2026-07-01"><SupplyCompany name="Kyoto Relay Co."/></Response></BusinessInfo>\n'
        '<Product><ProductID name="Terminal" identifier="KR-10-T"><Mass mass="1.5" unitOfMeasure="g"/></ProductID>\n'
        f'<Composition><Material name="Leaded brass"><Mass mass="{material_mg}" unitOfMeasure="mg"/>\n'
        '<Substance name="Copper"><SubstanceID authority="CAS" identity="7440-50-8"/>'
        '<MassPercent massPercent="96.5"/></Substance>\n'
        f'<Substance name="Lead"><SubstanceID authority="CAS" identity="7439-92-1"/>{lead}</Substance>\n'
        "</Material></Composition></Product></Main>", encoding="utf-8")
    return path


def test_a_mass_percent_over_100_names_the_iec_element(tmp_path):
    with pytest.raises(InputError) as refused:
        import_declarations(open_store(None), [_file(tmp_path, "150")])
    text = str(refused.value)
    assert "MassPercent@massPercent" in text and "Amount/Concentration" not in text, text



def test_substances_outweighing_their_material_name_its_iec_mass_element(tmp_path):
    with pytest.raises(InputError) as refused:
        import_declarations(open_store(None), [_file(tmp_path, "", material_mg="10", substances_mg="20")])
    text = str(refused.value)
    assert "Material[1]/Mass@mass" in text and "weigh" in text, text
