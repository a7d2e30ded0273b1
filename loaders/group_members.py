"""Group members from a shipped export when the user's export of a list names none: ECHA's Candidate List xlsx
has one row per entry, so a group entry ("Perfluorohexane-1-sulphonic acid and its salts") comes without the
38 substances ECHA's CSV export lists under it. Loading next month's xlsx alone, the documented workflow, then
dropped every member the CSV named, and a substance the identifier database does not know (potassium PFHxS)
left the Candidate List without a word. The catalog names the file that supplies the members
(`options.members_from` in data/lists.toml); its members are added to the entries of the same name that the
user's files give without members. No entry is added from it: the user's export decides what the list holds.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from complygraph.identifiers import name_key
from complygraph.loaders.errors import Problems
from complygraph.loaders.listmodel import ListBuilder, SourceFile

Reader = Callable[[ListBuilder, Path, Problems], None]


def add_shipped_members(builder: ListBuilder, shipped: SourceFile, given: list[Path], read: Reader,
                        problems: Problems) -> str | None:
    """Add the members `shipped` gives to `builder`'s entries that have none, unless the user gave a file of
    the same kind (suffix) as `shipped`; a note saying what was added, None when nothing was."""
    if any(p.suffix.lower() == shipped.path.suffix.lower() for p in given):
        return None
    reference = ListBuilder(builder.spec, [shipped], [])
    read(reference, shipped.path, problems)
    by_name = {name_key(e.name): e for e in reference.entries.values() if e.members}
    identified = {name_key(e.name): e for e in reference.entries.values() if _identified(e.subjects)}
    filled = named = 0
    for entry in builder.entries.values():
        source = by_name.get(name_key(entry.name))
        if source is not None and not entry.members:
            entry.members = list(source.members)
            entry.group_name = entry.group_name or source.group_name
            entry.sources.add(shipped.iri.value)
            filled += 1
        source = identified.get(name_key(entry.name))
        if source is not None and not _identified(entry.subjects):
            # ECHA's xlsx gives some single-substance entries without CAS or EC number ("-": tris(2-methoxyethoxy)
            # vinylsilane, 6,6'-di-tert-butyl-2,2'-methylenedi-p-cresol); read alone it left them without their
            # substance, and the parts holding 0.5 % of them passed (QA10 B01). A group entry takes the list number
            # the CSV gives it, which its IRI is made of when both exports are loaded: without it, an xlsx reload
            # removed the entry and added it again under another IRI (QA10 B01, 255 entries in force)
            known = {s.iri.value for s in entry.subjects}
            entry.subjects += [s for s in source.subjects if (s.cas or s.ec) and s.iri.value not in known]
            entry.sources.add(shipped.iri.value)
            named += 1
    if not filled and not named:
        return None
    builder.sources.append(shipped)
    said = []
    if filled:
        said.append(f"the export given lists no members of its group entries: the members of {filled} of them were "
                    f"taken from the shipped {shipped.path.name}")
    if named:
        said.append(f"{named} entries of the export given have no CAS or EC number: theirs were taken from the "
                    f"shipped {shipped.path.name} by the entry's name")
    return "; ".join(said) + " (give a newer copy of that file with the xlsx to update them)"


def _identified(subjects: list) -> bool:
    return any(s.cas or s.ec for s in subjects)
