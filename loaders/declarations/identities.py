"""A declared substance's identity: its CAS and EC numbers, read from every identifier element it carries.

Which elements: IPC-1752A writes `Substance/SubstanceID@authority,identity`; IEC 62474 files as chemSHERPA-AI
writes them carry `Substance/UniqueID@authority,identity` (and the same under `SubstanceGroup`), as the public
chemSHERPA viewer reads them (`satoshiTajima005/SREC_Viewer`, `src/xsl/IEC62474_TREE.xsl`); both are read in
both formats. Only the substance's own children are read: chemSHERPA's `Exemptions/UniqueID` names a law, not
the substance.

Which authorities: suppliers and their tools spell the CAS registry `CAS`, `CASRN`, `CAS No.`, `CAS-RN`,
`CAS Number`, `CAS Registry Number`, ...; the EC inventory `EC`, `EC No.`, `EINECS`, `ELINCS`, `NLP`. An
authority is compared without case, spaces and punctuation (`authority_key`). `IEC62474` names an entry of
the IEC 62474 declarable substance list (chemSHERPA writes it for substance groups, e.g. `00021` "Lead/lead
compounds"): no substance number, so the substance is kept by its name, as for a placeholder identity (the
data-quality pack reports a name it cannot resolve). Any other authority, or none, with a real identity is
refused naming the line and the authority (QA12 B01: `CASRN` and chemSHERPA's `UniqueID` were skipped without a
word, the substances were stored by their trade names, and 8 % DEHP in PVC passed RoHS and REACH).
"""

from __future__ import annotations

import re
from typing import Protocol

from lxml import etree

from complygraph.identifiers import InvalidIdentifier, normalise_cas, normalise_ec
from complygraph.loaders.declarations.model import DeclaredSubstance


class DeclarationXml(Protocol):
    """What is used of xmldoc.DeclarationXml (which uses this module): its namespace, attributes and problems."""

    ns: str

    def problem(self, el: etree._Element | None, where: str, reason: str) -> None: ...

    def attr(self, el: etree._Element, *names: str) -> str: ...

# What suppliers write as a substance's CAS (or EC) identity when it has none: a pseudo-substance or "system"
# line (the rest of a material, an undisclosed additive), as manufacturers' material declarations list them
# (KEMET/YAGEO and ZVEI tables: "system", "pseudo substance", "-", "n.a."), or an identity kept secret. It is
# no identifier, so the substance is kept by its name (it still weighs in its material); without a name it is
# refused as a substance with neither. Anything else that is not a valid number is refused, naming it.
NO_IDENTIFIER = frozenset({"", "-", "--", "n.a.", "n/a", "na", "none", "not available", "system",
                           "pseudo substance", "proprietary", "confidential", "trade secret"})
# The elements that identify a substance (its own children only).
IDENTIFIER_ELEMENTS = ("SubstanceID", "UniqueID")
# Authority spellings, as `authority_key` compares them.
CAS_AUTHORITIES = frozenset({"CAS", "CASRN", "CASNO", "CASNR", "CASNUMBER", "CASID", "CASREGISTRYNUMBER",
                             "CASREGISTRYNO", "CASREGNO", "CHEMICALABSTRACTSSERVICE"})
EC_AUTHORITIES = frozenset({"EC", "ECNO", "ECNR", "ECNUMBER", "ECID", "EINECS", "EINECSNO", "ELINCS", "ELINCSNO",
                            "NLP", "NLPNO", "ECLISTNUMBER"})
LIST_ENTRY_AUTHORITIES = frozenset({"IEC62474"})  # a declarable substance list entry, not a substance number


def authority_key(authority: str) -> str:
    """An authority as spellings are compared: upper case, letters and digits only ("CAS No." -> "CASNO")."""
    return re.sub(r"[^A-Z0-9]", "", authority.upper())


def no_identifier(identity: str | None) -> bool:
    """Whether a CAS/EC identity is one of the placeholders written for a substance without a number."""
    return " ".join((identity or "").split()).lower() in NO_IDENTIFIER


class DeclarationSubstanceIds:
    """Reads one substance element's name and numbers into a `DeclaredSubstance`, noting problems in `doc`."""

    def __init__(self, doc: DeclarationXml, el: etree._Element, where: str) -> None:
        self.doc, self.el = doc, el
        # callers name the identifier element in `where` (".../Substance/SubstanceID"): the base is the substance's
        self.base = where[: -len("/SubstanceID")] if where.endswith("/SubstanceID") else where

    def read(self) -> DeclaredSubstance:
        doc, el = self.doc, self.el
        sub = DeclaredSubstance(el.sourceline, doc.attr(el, "name"))
        for attr in ("casNumber", "CASNumber", "cas"):  # some exports carry the CAS number as an attribute
            if doc.attr(el, attr) and not sub.cas and not no_identifier(el.get(attr)):
                sub.cas = self._number(el, f"{self.base}@{attr}", el.get(attr).strip(), normalise_cas)
        for sid in (c for c in el if isinstance(c.tag, str) and etree.QName(c).localname in IDENTIFIER_ELEMENTS
                    and etree.QName(c).namespace == doc.ns):
            self._identifier(sub, sid)
        return sub

    def _identifier(self, sub: DeclaredSubstance, sid: etree._Element) -> None:
        """One SubstanceID or UniqueID; problems name the substance's line (as they always have) and the element."""
        doc = self.doc
        field = f"{self.base}/{etree.QName(sid).localname}"
        authority, identity = doc.attr(sid, "authority"), doc.attr(sid, "identity")
        if no_identifier(identity):  # "System", "-", "proprietary": the substance has no number
            return
        key = authority_key(authority)
        if key in CAS_AUTHORITIES:
            sub.cas = self._once(sid, field, "CAS", sub.cas, self._number(self.el, f"{field}@identity", identity,
                                                                          normalise_cas))
        elif key in EC_AUTHORITIES:
            sub.ec = self._once(sid, field, "EC", sub.ec, self._number(self.el, f"{field}@identity", identity,
                                                                       normalise_ec))
        elif key not in LIST_ENTRY_AUTHORITIES:
            reason = (f"identity {identity!r} has no authority" if not authority else
                      f"authority {authority!r} of identity {identity!r} is not one this reader knows")
            doc.problem(self.el, f"{field}@authority", f"{reason}: a substance number is read under CAS (also "
                        "written CASRN, CAS No., CAS-RN, CAS Number) or EC (EC No., EINECS, ELINCS, NLP), and "
                        "IEC62474 names a declarable substance list entry; the identity would be left out, so "
                        "the file is refused")

    def _number(self, el: etree._Element, field: str, text: str, normalise: object) -> str:
        try:
            return normalise(text)  # type: ignore[operator]
        except InvalidIdentifier as exc:
            self.doc.problem(el, field, str(exc))
            return ""

    def _once(self, sid: etree._Element, field: str, kind: str, stored: str, number: str) -> str:
        """One number of each kind per substance: a second, different one is refused (which is it?)."""
        if stored and number and stored != number:
            self.doc.problem(self.el, f"{field}@identity", f"the substance is given two {kind} numbers, {stored} and "
                             f"{number}; declare each substance with its own")
            return stored
        return number or stored
