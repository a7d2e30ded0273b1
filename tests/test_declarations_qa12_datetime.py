"""QA12 B03: `Response@date` is an xs:dateTime, and two declarations of one part on one day were ordered by their date
only: the 08:00 declaration loaded after the 16:00 re-issue replaced it (not refused as older), and in one batch the
file names decided which was written last. The DBDPE (Candidate List) of the re-issue left SCIP. Now the date-time is
kept (`dct:issued`, xsd:dateTime; `dct:date` stays the xsd:date every reader uses), declarations are ordered by it,
an older one is refused naming `BusinessInfo/Response@date`, and two whose order cannot be told (the same instant)
in one batch are refused rather than ordered by their file names (docs/declarations.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from complygraph.graph import open_store
from complygraph.loaders.declarations import import_declarations
from complygraph.loaders.errors import InputError

FIELD = "BusinessInfo/Response@date"


def _switch(folder: Path, name: str, at: str, resin_mg: str) -> Path:
    """A Class D of the 2 g switch SW-1, its housing resin weighing `resin_mg`, declared at `at`."""
    path = folder / name
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<MainDeclaration xmlns="http://webstds.ipc.org/175x/2.0" '
        f'version="2.0"><BusinessInfo>\n<Response date="{at}"><SupplyCompany name="Osaka Assemblies K.K."/>'
        '</Response></BusinessInfo><Product><ProductID itemNumber="SW-1"><Amount value="2" UOM="g"/></ProductID>'
        '<MaterialInfo><HomogeneousMaterialList><HomogeneousMaterial name="Housing"><Amount value="2" UOM="g"/>'
        f'<Substance name="PBT"><SubstanceID identity="26062-94-2" authority="CAS"/><Amount value="{resin_mg}" '
        'UOM="mg"/></Substance></HomogeneousMaterial></HomogeneousMaterialList></MaterialInfo></Product>'
        "</MainDeclaration>", encoding="utf-8")
    return path


def _in_force(store) -> list[tuple[str, str, str]]:
    """(dct:date, dct:issued, resin mg) of the declaration in force."""
    return [(r["date"].value, r["issued"].value, r["mg"].value) for r in store.select("""
        SELECT ?date ?issued ?mg WHERE { ?d a cg:Declaration ; dct:date ?date ; dct:issued ?issued ; cg:declares ?p .
          FILTER NOT EXISTS { ?d prov:invalidatedAtTime ?t } ?p cg:hasMaterial/cg:contains/cg:massMg ?mg }""")]


def test_declarations_of_one_day_are_ordered_by_their_time_and_equal_times_in_a_batch_are_refused(tmp_path):
    """B03: the 16:00 re-issue is in force, whichever order the files are loaded or named in; the 08:00 declaration
    after it is refused as older, naming the field and the stored file; one at the same instant loaded after it
    replaces it (the load order is the user's); two at one instant in one batch are refused, nothing written."""
    late, early = _switch(tmp_path, "a-1600.xml", "2026-06-01T16:00:00Z", "1900"), \
        _switch(tmp_path, "z-0800.xml", "2026-06-01T08:00:00Z", "1800")
    store = open_store(None)
    import_declarations(store, [late, early])  # written 08:00 first: the file names do not decide
    assert _in_force(store) == [("2026-06-01", "2026-06-01T16:00:00Z", "1900")]
    assert store.ask('ASK { ?d dct:date "2026-06-01"^^xsd:date ; dct:issued ?t FILTER(datatype(?t) = xsd:dateTime) }')

    one = open_store(None)
    import_declarations(one, [late])
    with pytest.raises(InputError) as exc:
        import_declarations(one, [early])
    [problem] = exc.value.problems
    assert (problem.field, problem.line) == (FIELD, 3) and "older than the stored" in problem.reason
    assert "2026-06-01T08:00:00+00:00" in problem.reason and "a-1600.xml" in problem.reason
    assert _in_force(one) == [("2026-06-01", "2026-06-01T16:00:00Z", "1900")]
    # the same instant, written in another zone, loaded after it: the user's correction, in force
    import_declarations(one, [_switch(tmp_path, "same.xml", "2026-06-02T01:00:00+09:00", "1700")])
    assert _in_force(one) == [("2026-06-02", "2026-06-02T01:00:00+09:00", "1700")]

    twin = _switch(tmp_path, "twin.xml", "2026-06-01T16:00:00Z", "1950")
    empty = open_store(None)
    with pytest.raises(InputError) as exc:
        import_declarations(empty, [late, twin])
    [problem] = exc.value.problems
    assert problem.field == FIELD and "cannot be told" in problem.reason and "a-1600.xml" in problem.reason
    assert not empty.select("SELECT ?d WHERE { ?d a cg:Declaration }")
