"""A material refused for its own field is named once; its substances do not each add "unknown material" about a
material the file does declare (QA9, other observations: an IPC-1752A `Amount value="0"` on a homogeneous
material gave three problems, two of them misleading). The same holds for the compositions CSV format."""

from __future__ import annotations

from pathlib import Path

import pytest

from complygraph.graph import open_store
from complygraph.loaders.compositions import import_compositions
from complygraph.loaders.declarations import import_declarations
from complygraph.loaders.errors import InputError

D = Path(__file__).parent / "declarations"


def _problems(load) -> list[str]:
    with pytest.raises(InputError) as caught:
        load()
    return [str(p) for p in caught.value.problems]


def test_a_zero_mass_material_in_ipc_1752a_is_one_problem(tmp_path):
    xml = (D / "ipc-class-d.xml").read_text(encoding="utf-8")
    assert xml.count('<Amount value="0.0009" UOM="kg"/>') == 1
    (tmp_path / "zero.xml").write_text(xml.replace('<Amount value="0.0009" UOM="kg"/>', '<Amount value="0" UOM="kg"/>'),
                                       encoding="utf-8")
    store = open_store(None)
    said = _problems(lambda: import_declarations(store, [tmp_path / "zero.xml"]))
    assert len(said) == 1 and "Brass contact" in said[0] and "must be positive, got 0" in said[0]
    assert store.select("SELECT * WHERE { ?s ?p ?o } LIMIT 1") == []  # nothing stored


def test_a_zero_mass_material_in_the_csv_format_is_one_problem_and_a_typo_still_two(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "suppliers.csv").write_text("supplier_id,name\nS1,Supplier\n")
    (folder / "parts.csv").write_text("part_id,name,supplier_id,mass,mass_unit\nP1,Part,S1,1000,mg\n")
    (folder / "materials.csv").write_text("material_id,part_id,name,mass,mass_unit\nM1,P1,brass,0,mg\n"
                                          "M2,P1,steel,500,mg\n")
    (folder / "substances.csv").write_text("material_id,cas,amount,unit\nM1,7439-92-1,3,mg\nM1,7440-50-8,60,mg\n"
                                           "M3,7440-02-0,1,mg\n")
    said = _problems(lambda: import_compositions(open_store(None), folder))
    assert len(said) == 2, said
    assert "materials.csv:2" in said[0] and "mass" in said[0]
    assert "substances.csv:4" in said[1] and "unknown material 'M3'" in said[1]  # a material no row declares
