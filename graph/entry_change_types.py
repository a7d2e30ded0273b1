"""What a changed list entry is, apart from how it is found (graph/entry_changes.py for list entries,
graph/exemption_changes.py for exemptions): both modules make them and neither needs the other's queries."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FieldChange:
    """One field of an entry that differs between two dates, with its values at each (several for the
    substances, reasons or limits of an entry; none where the field was not stated)."""

    field: str
    before: list[str]
    after: list[str]

    @property
    def added(self) -> list[str]:
        return [v for v in self.after if v not in self.before]

    @property
    def removed(self) -> list[str]:
        return [v for v in self.before if v not in self.after]


@dataclass
class EntryChange:
    """An entry on the list at both dates whose stated facts differ, and the substances (IRIs) it concerns
    from the second date on and not at the first (`widened`), or the reverse (`narrowed`)."""

    entry: str
    name: str
    changes: list[FieldChange]
    widened: list[str] = field(default_factory=list)
    narrowed: list[str] = field(default_factory=list)
