"""The GraphQL schema. Field names are a contract with internal tools: keep them."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hmac
import os
import tempfile
import threading
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Annotated, TypeVar

import strawberry
from pyoxigraph import Literal, NamedNode
from strawberry.extensions import AddValidationRules, MaskErrors, MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.file_uploads import Upload
from strawberry.types import Info

from ..graph import queries as q
from ..graph.impact import Impact as ImpactRow
from ..graph.impact import impact, where_used
from ..graph.store import Store
from ..identifiers import InvalidIdentifier, normalise_cas
from ..loaders.catalog import load_list
from ..loaders.compositions import import_compositions
from ..loaders.declarations import FORMATS as DECLARATION_FORMATS
from ..loaders.declarations import import_declarations
from ..loaders.errors import InputError
from ..loaders.survey import import_survey
from ..vocab import entity_iri, list_iri, substance_iri
from .cache import RevisionCache
from .errors import should_mask, user_error
from .limits import CostLimit

MAX_PAGE = 100
T = TypeVar("T")
MAX_UPLOAD = 200_000_000  # bytes per uploaded file


def _ctx(info: Info):
    return info.context["store"], info.context["loaders"]


def _date(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise user_error(f"{field}: not a date (YYYY-MM-DD): {text!r}") from None


def _cas(text: str) -> str:
    try:
        return normalise_cas(text)
    except InvalidIdentifier as exc:
        raise user_error(f"cas: {exc}") from None


def _page(first: int | None) -> int:
    n = MAX_PAGE if first is None else first
    if n < 0 or n > MAX_PAGE:
        raise user_error(f"first: between 0 and {MAX_PAGE}", "PAGE_SIZE")
    return n


def _cursor(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode()


def _after(cursor: str | None) -> str | None:
    if cursor is None:
        return None
    try:
        return base64.urlsafe_b64decode(cursor.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        raise user_error("after: not a cursor of this API", "BAD_CURSOR") from None


# ------------------------------------------------------------------------------------------ types

@strawberry.type
class Listing:
    list: str
    version: str | None
    date_of_inclusion: str | None
    reason: str | None
    entry: str | None


@strawberry.type
class Substance:
    iri: strawberry.Private[str]
    cas: str | None
    ec: str | None
    names: strawberry.Private[list[tuple[str, str | None]]]

    @strawberry.field
    def name(self, lang: str | None = "en") -> str | None:
        exact = sorted((n for n, lg in self.names if lg == lang), key=len)
        other = sorted((n for n, _ in self.names), key=len)
        return (exact or other or [None])[0]

    @strawberry.field
    async def listings(self, info: Info) -> list[Listing]:
        _, loaders = _ctx(info)
        rows = await loaders.listings.load(self.iri)
        return [Listing(list=r["list"], version=r.get("included"), date_of_inclusion=r.get("included"),
                        reason=r.get("reason"), entry=r.get("name")) for r in rows]

    @strawberry.field
    async def groups(self, info: Info) -> list[str]:
        store, _ = _ctx(info)
        rows = store.select("SELECT DISTINCT ?label WHERE { ?g cg:hasMember ?s ; skos:prefLabel ?label }",
                            {"s": NamedNode(self.iri)})
        return sorted(r["label"].value for r in rows)


def _substance(d: dict | None) -> Substance | None:
    return None if d is None else Substance(iri=d["iri"], cas=d.get("cas"), ec=d.get("ec"), names=list(d["names"]))


@strawberry.type
class Certification:
    standard: str
    number: str | None
    body: str | None
    valid_from: str | None
    valid_until: str
    current: bool


@strawberry.type
class Approval:
    programme: str
    audit_date: str
    audit_score: float
    pass_score: float | None
    valid_until: str
    status: str
    reason: str | None


@strawberry.type
class EvaluationAnswer:
    item: str
    answer: bool


@strawberry.type
class SupplierEvaluation:
    scheme: str
    date: str
    points: int
    rank: str
    granted_by: list[str]
    required_rank: str | None
    below_required: bool
    improvement_due: str | None
    answers: list[EvaluationAnswer]


@strawberry.type
class Sustainability:
    date: str
    human_rights_policy: bool
    due_diligence: bool
    grievance_mechanism: bool


@strawberry.type
class SupplierRef:
    id: strawberry.ID
    name: str | None

    @strawberry.field
    async def certifications(self, info: Info, at: str | None = None) -> list[Certification]:
        """Environmental management certifications, newest first; `current` as of `at` (default today)."""
        day = (_date(at, "at") if at else dt.date.today()).isoformat()
        _, loaders = _ctx(info)
        return [Certification(standard=r["standard"], number=r.get("number"), body=r.get("body"),
                              valid_from=r.get("from"), valid_until=r["until"],
                              current=r.get("from", "") <= day <= r["until"])
                for r in await loaders.certifications.load(entity_iri("supplier", str(self.id)).value)]

    @strawberry.field
    async def approvals(self, info: Info) -> list[Approval]:
        """Approvals after audits (e.g. green-partner), newest first, with renewals and revocations."""
        _, loaders = _ctx(info)
        return [Approval(programme=r["programme"], audit_date=r["audit"], audit_score=float(r["score"]),
                         pass_score=_f(r.get("pass")), valid_until=r["until"], status=r["status"],
                         reason=r.get("reason"))
                for r in await loaders.approvals.load(entity_iri("supplier", str(self.id)).value)]

    @strawberry.field
    async def evaluation(self, info: Info, at: str | None = None) -> SupplierEvaluation | None:
        """The latest evaluation on or before `at` (default today), scored by its scheme's data."""
        _, loaders = _ctx(info)
        day = _date(at, "at") if at else None
        e = await loaders.evaluation.load((entity_iri("supplier", str(self.id)).value, day))
        if e is None:
            return None
        return SupplierEvaluation(
            scheme=e.scheme, date=e.date.isoformat(), points=e.points, rank=e.rank, granted_by=e.granted_by,
            required_rank=e.required_rank, below_required=e.below_required,
            improvement_due=e.improvement_due.isoformat() if e.improvement_due else None,
            answers=[EvaluationAnswer(item=k, answer=v) for k, v in sorted(e.answers.items())])

    @strawberry.field
    async def sustainability(self, info: Info) -> Sustainability | None:
        """The latest business and human rights status."""
        _, loaders = _ctx(info)
        rows = await loaders.sustainability.load(entity_iri("supplier", str(self.id)).value)
        if not rows:
            return None
        r = rows[0]
        return Sustainability(date=r["date"], human_rights_policy=r["policy"] == "true",
                              due_diligence=r["dd"] == "true", grievance_mechanism=r["grievance"] == "true")


@strawberry.type
class SubstanceInMaterial:
    substance_iri: strawberry.Private[str]
    ppm: float | None
    mass_mg: float | None
    intentional: bool | None
    exemption: str | None

    @strawberry.field
    async def substance(self, info: Info) -> Substance | None:
        _, loaders = _ctx(info)
        return _substance(await loaders.substance.load(self.substance_iri))


@strawberry.type
class Material:
    iri: strawberry.Private[str]
    id: strawberry.ID
    name: str | None
    mass: float | None

    @strawberry.field
    async def substances(self, info: Info) -> list[SubstanceInMaterial]:
        _, loaders = _ctx(info)
        rows = await loaders.occurrences.load(self.iri)
        return [SubstanceInMaterial(substance_iri=r["substance"], ppm=_f(r.get("ppm")), mass_mg=_f(r.get("mg")),
                                    intentional=None if "intentional" not in r else r["intentional"] == "true",
                                    exemption=r.get("exemption")) for r in rows]


@strawberry.type
class ProductRef:
    id: strawberry.ID


@strawberry.type
class Usage:
    product: ProductRef | None
    part: strawberry.ID | None
    quantity: float


@strawberry.type
class DeclarationInfo:
    date: str | None
    declaration_class: str | None
    format: str | None
    file: str | None
    current: bool


@strawberry.type
class EvidenceInfo:
    id: str
    kind: str
    date: str
    material: str | None
    signer: str | None
    issuer: str | None
    method: str | None
    cas: str | None
    measured_ppm: float | None
    document: str | None


@strawberry.type
class SurveyItemAnswer:
    item: str | None
    name: str | None
    rank: str | None
    present: bool
    ppm: float | None
    where_used: str | None
    purpose: str | None
    phase_out_date: str | None


@strawberry.type
class SurveyResponse:
    form: str | None
    date: str
    discontinued_date: str | None
    answers: list[SurveyItemAnswer]


@strawberry.type
class Part:
    iri: strawberry.Private[str]
    id: strawberry.ID
    name: str | None
    mass: float | None
    supplier_iri: strawberry.Private[str | None]

    @strawberry.field
    async def supplier(self, info: Info) -> SupplierRef | None:
        if not self.supplier_iri:
            return None
        _, loaders = _ctx(info)
        d = await loaders.supplier.load(self.supplier_iri)
        return None if d is None else SupplierRef(id=d["id"], name=d.get("name"))

    @strawberry.field
    async def materials(self, info: Info) -> list[Material]:
        _, loaders = _ctx(info)
        return [Material(iri=r["material"], id=r["id"], name=r.get("name"), mass=_f(r.get("mass")))
                for r in await loaders.materials.load(self.iri)]

    @strawberry.field
    async def declarations(self, info: Info) -> list[DeclarationInfo]:
        """The supplier declarations of the part, newest first: IPC-1752A / IEC 62474 (class D or C),
        survey answers; `current` is false for one superseded by a newer declaration."""
        _, loaders = _ctx(info)
        return [DeclarationInfo(date=r.get("date"), declaration_class=r.get("class"), file=r.get("file"),
                                format=r.get("format"), current="gone" not in r)
                for r in await loaders.declarations.load(self.iri)]

    @strawberry.field
    async def survey(self, info: Info) -> SurveyResponse | None:
        """The latest answers on the customer's survey form (Form 2-1), item by item."""
        _, loaders = _ctx(info)
        rows = await loaders.survey.load(self.iri)
        if not rows:
            return None
        latest = [r for r in rows if r["date"] == rows[0]["date"]]
        return SurveyResponse(form=latest[0].get("form"), date=latest[0]["date"],
                              discontinued_date=latest[0].get("stop"), answers=[
                                  SurveyItemAnswer(item=r.get("item"), name=r.get("name"), rank=r.get("rank"),
                                                   present=r["present"] == "true", ppm=_f(r.get("ppm")),
                                                   where_used=r.get("where"), purpose=r.get("purpose"),
                                                   phase_out_date=r.get("phase")) for r in latest])

    @strawberry.field
    async def evidence(self, info: Info) -> list[EvidenceInfo]:
        """Documents supporting the part or its materials, newest first."""
        _, loaders = _ctx(info)
        return [EvidenceInfo(id=r["id"], kind=r["kind"].rsplit("#", 1)[-1], date=r["date"],
                             material=r["material"].rsplit("/", 1)[-1] if "material" in r else None,
                             signer=r.get("signer"), issuer=r.get("issuer"), method=r.get("method"),
                             cas=r.get("cas"), measured_ppm=_f(r.get("measured")), document=r.get("document"))
                for r in await loaders.evidence.load(self.iri)]

    @strawberry.field
    async def used_in(self, info: Info) -> list[Usage]:
        _, loaders = _ctx(info)
        out = []
        for r in await loaders.used_in.load(self.iri):
            local = r["parent"].rsplit("/", 1)[-1]
            product = r["kind"].endswith("#Product")
            out.append(Usage(product=ProductRef(id=local) if product else None,
                             part=None if product else local, quantity=float(r["quantity"])))
        return out


def _part(d: dict | None, iri: str) -> Part | None:
    if d is None:
        return None
    return Part(iri=iri, id=d["id"], name=d.get("name"), mass=_f(d.get("mass")), supplier_iri=d.get("supplier"))


def _f(value: str | None) -> float | None:
    return None if value is None else float(value)


@strawberry.type
class PartEdge:
    cursor: str
    node: Part


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class PartConnection:
    edges: list[PartEdge]
    page_info: PageInfo


@strawberry.type
class SubstanceEdge:
    cursor: str
    node: Substance


@strawberry.type
class SubstanceConnection:
    edges: list[SubstanceEdge]
    page_info: PageInfo


@strawberry.type
class ListVersion:
    date: str
    entry_count: int


@strawberry.type
class RegulatoryList:
    id: strawberry.ID
    title: str
    regulation: str
    versions: list[ListVersion]
    sources: list[str]


@strawberry.type
class NamedRef:
    id: strawberry.ID
    name: str | None


@strawberry.type
class ImpactSubstance:
    cas: str | None
    name: str | None


@strawberry.type
class Impact:
    change: str
    entry: str
    part: NamedRef
    material: NamedRef
    substance: ImpactSubstance
    ppm: float
    article_percent: float | None
    over_threshold: bool | None
    supplier: NamedRef
    products: list[NamedRef]


def _impact(i: ImpactRow) -> Impact:
    return Impact(change=i.change, entry=i.entry_name, part=NamedRef(id=i.part_id, name=i.part_name),
                  material=NamedRef(id=i.material_id, name=i.material_name),
                  substance=ImpactSubstance(cas=i.cas or None, name=i.substance_name or None), ppm=i.ppm,
                  article_percent=None if i.article_percent != i.article_percent else i.article_percent,
                  over_threshold=i.over_threshold, supplier=NamedRef(id=i.supplier_id, name=i.supplier_name),
                  products=[NamedRef(id=p, name=n) for p, n in i.products])


@strawberry.type
class ChangedEntry:
    entry: str
    name: str


@strawberry.type
class ListChange:
    added: list[ChangedEntry]
    removed: list[ChangedEntry]
    impacted: list[Impact]


@strawberry.type
class ValidationCount:
    pack: str
    severity: str
    count: int


@strawberry.type
class ValidationSummary:
    conforms: bool
    at: str
    counts: list[ValidationCount]
    warnings: list[str]


def list_change_answer(store: Store, list_id: str, since: dt.date, until: dt.date) -> ListChange:
    change = q.list_change(store, list_id, since, until)
    rows = impact(store, list_id, since, until, change)
    return ListChange(added=[ChangedEntry(entry=k, name=v) for k, v in sorted(change.added.items())],
                      removed=[ChangedEntry(entry=k, name=v) for k, v in sorted(change.removed.items())],
                      impacted=[_impact(i) for i in rows])


def warm_latest_changes(store: Store, cache: RevisionCache, only: str | None = None) -> None:
    """Compute the impact of each list's newest change ahead of the first request: after a new Candidate
    List is loaded, that is the question everybody asks."""
    for info in q.lists(store):
        if (only is None or info.id == only) and len(info.versions) >= 2:
            since, until = (dt.date.fromisoformat(d) for d, _ in (info.versions[1], info.versions[0]))
            cache.get(("listChange", info.id, since, until),
                      lambda i=info.id, a=since, b=until: list_change_answer(store, i, a, b))


def _edges(edge_type, keys: list[str], nodes: list, more: bool) -> tuple[list, PageInfo]:
    """Relay edges for one page (keyset cursors) and its page info."""
    edges = [edge_type(cursor=_cursor(k), node=node) for k, node in zip(keys, nodes, strict=True) if node]
    return edges, PageInfo(has_next_page=more, end_cursor=edges[-1].cursor if edges else None)


# ------------------------------------------------------------------------------------------ query

@strawberry.type
class Query:
    @strawberry.field
    async def substance(self, info: Info, cas: str) -> Substance | None:
        _, loaders = _ctx(info)
        return _substance(await loaders.substance.load(substance_iri(cas=_cas(cas)).value))

    @strawberry.field
    async def substances(self, info: Info, search: str | None = None, lang: str | None = None,
                         first: int | None = 20, after: str | None = None) -> SubstanceConnection:
        store, loaders = _ctx(info)
        n, start = _page(first), _after(after)
        bindings: dict = {"start": Literal(start or "")}
        text = "FILTER(CONTAINS(LCASE(STR(?name)), LCASE(?search)))" if search else ""
        if search:
            bindings["search"] = Literal(search)
        lang_filter = "FILTER(lang(?name) = ?lang)" if lang else ""
        if lang:
            bindings["lang"] = Literal(lang)
        rows = store.select(f"""
            SELECT DISTINCT ?s WHERE {{
              ?s a cg:Substance ; rdfs:label ?name . {lang_filter} {text}
              FILTER(STR(?s) > ?start)
            }} ORDER BY ?s LIMIT {n + 1}""", bindings)
        keys = [r["s"].value for r in rows[:n]]
        nodes = [_substance(d) for d in await loaders.substance.load_many(keys)]
        edges, info_ = _edges(SubstanceEdge, keys, nodes, len(rows) > n)
        return SubstanceConnection(edges=edges, page_info=info_)

    @strawberry.field
    async def part(self, info: Info, id: strawberry.ID) -> Part | None:
        _, loaders = _ctx(info)
        iri = entity_iri("part", str(id)).value
        return _part(await loaders.part.load(iri), iri)

    @strawberry.field
    async def parts(self, info: Info, first: int | None = 20, after: str | None = None,
                    supplier: strawberry.ID | None = None, non_compliant_with: str | None = None) -> PartConnection:
        store, loaders = _ctx(info)
        n, start = _page(first), _after(after)
        bindings: dict = {"start": Literal(start or "")}
        supplier_filter = ""
        if supplier is not None:
            supplier_filter = "?p cg:suppliedBy ?supplier ."
            bindings["supplier"] = entity_iri("supplier", str(supplier))
        if non_compliant_with is not None:
            from ..graph.shacl import validate
            from ..graph.shacl.packs import available

            if non_compliant_with not in available():
                raise user_error(f"nonCompliantWith: unknown pack {non_compliant_with!r}", "UNKNOWN_PACK")
            report = validate(store, [non_compliant_with])
            bindings["p"] = sorted({NamedNode(str(r.detail("part"))) for r in report.results
                                    if r.detail("part") is not None and str(r.severity).endswith("Violation")},
                                   key=lambda node: node.value)
            if not bindings["p"]:
                return PartConnection(edges=[], page_info=PageInfo(has_next_page=False, end_cursor=None))
        # one page (and one more row to know whether another page follows), never the whole part list
        rows = store.select(f"""
            SELECT ?p WHERE {{ ?p a cg:Part . {supplier_filter} FILTER(STR(?p) > ?start) }}
            ORDER BY ?p LIMIT {n + 1}""", bindings)
        page = [r["p"].value for r in rows[:n]]
        parts = [_part(d, k) for d, k in zip(await loaders.part.load_many(page), page, strict=True)]
        edges, info_ = _edges(PartEdge, page, parts, len(rows) > n)
        return PartConnection(edges=edges, page_info=info_)

    @strawberry.field
    async def supplier(self, info: Info, id: strawberry.ID) -> SupplierRef | None:
        _, loaders = _ctx(info)
        d = await loaders.supplier.load(entity_iri("supplier", str(id)).value)
        return None if d is None else SupplierRef(id=d["id"], name=d.get("name"))

    @strawberry.field
    def product(self, info: Info, id: strawberry.ID) -> NamedRef | None:
        store, _ = _ctx(info)
        rows = store.select("SELECT ?name WHERE { ?p a cg:Product . OPTIONAL { ?p rdfs:label ?name } }",
                            {"p": entity_iri("product", str(id))})
        return None if not rows else NamedRef(id=id, name=rows[0]["name"].value if "name" in rows[0] else None)

    @strawberry.field
    def lists(self, info: Info) -> list[RegulatoryList]:
        store, _ = _ctx(info)
        return [RegulatoryList(id=i.id, title=i.title, regulation=i.regulation,
                               versions=[ListVersion(date=d, entry_count=c) for d, c in i.versions],
                               sources=i.sources) for i in q.lists(store)]

    @strawberry.field
    async def list_change(self, info: Info, list: str, from_: Annotated[str, strawberry.argument(name="from")],
                          to: str) -> ListChange:
        store, _ = _ctx(info)
        since, until = _date(from_, "from"), _date(to, "to")
        if not store.ask("ASK WHERE { ?l a cg:RegulatoryList }", {"l": list_iri(list)}):
            raise user_error(f"list: unknown list {list!r}", "UNKNOWN_LIST")
        # seconds of work on a large store: off the event loop, and kept until the store changes
        return await asyncio.to_thread(info.context["cache"].get, ("listChange", list, since, until),
                                       lambda: list_change_answer(store, list, since, until))

    @strawberry.field
    def where_used(self, info: Info, cas: list[str], min_ppm: float | None = None) -> list[Impact]:
        store, _ = _ctx(info)
        if len(cas) > MAX_PAGE:
            raise user_error(f"cas: at most {MAX_PAGE} numbers", "PAGE_SIZE")
        substances = {substance_iri(cas=_cas(n)).value: ("used", n) for n in cas}
        rows = where_used(store, substances, None, of_substances=True)
        return [_impact(i) for i in rows if min_ppm is None or i.ppm >= min_ppm]

    @strawberry.field
    def what_if(self, info: Info, cas: list[str], limit_percent: float = 0.1,
                basis: str = "article") -> list[Impact]:
        """Where proposed substances (eu-reach-svhc-proposed) would matter if listed with this limit, per
        article (the substance over the part's mass) or per homogeneous material."""
        store, _ = _ctx(info)
        if basis not in ("article", "material"):
            raise user_error("basis: article or material", "BAD_USER_INPUT")
        if len(cas) > MAX_PAGE:
            raise user_error(f"cas: at most {MAX_PAGE} numbers", "PAGE_SIZE")
        if not 0 <= limit_percent <= 100:
            raise user_error("limitPercent: between 0 and 100", "BAD_USER_INPUT")
        substances = {substance_iri(cas=_cas(n)).value: ("what-if", n) for n in cas}
        limit = Decimal(str(limit_percent))
        rows = where_used(store, substances, limit, of_substances=True)
        if basis == "material":
            for i in rows:
                i.over_threshold = Decimal(str(i.ppm)) / 10_000 > limit
        return [_impact(i) for i in rows]

    @strawberry.field
    def validate(self, info: Info, packs: list[str] | None = None, at: str | None = None) -> ValidationSummary:
        from ..graph.shacl import validate
        from ..graph.shacl.packs import available

        store, _ = _ctx(info)
        unknown = [p for p in packs or [] if p not in available()]
        if unknown:
            raise user_error(f"packs: unknown {unknown}", "UNKNOWN_PACK")
        report = validate(store, packs or None, _date(at, "at") if at else None)
        return ValidationSummary(conforms=report.conforms, at=report.at or "", warnings=report.warnings,
                                 counts=[ValidationCount(pack=str(p), severity=s, count=c)
                                         for (p, s), c in sorted(report.counts().items(), key=str)])


# ------------------------------------------------------------------------------------------ mutations

@strawberry.type
class ImportResult:
    triples: int
    counts: list[ValidationCount]


def _require_token(info: Info) -> None:
    """Writes need `Authorization: Bearer <token>` equal to $COMPLYGRAPH_WRITE_TOKEN; without that
    variable the API is read-only."""
    expected = os.environ.get("COMPLYGRAPH_WRITE_TOKEN", "")
    header = info.context["request"].headers.get("authorization", "")
    given = header[7:] if header.lower().startswith("bearer ") else ""
    if not expected:
        raise user_error("writes are disabled: the server has no COMPLYGRAPH_WRITE_TOKEN", "FORBIDDEN")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise user_error("a valid bearer token is required to write", "UNAUTHENTICATED")


async def _save(upload: Upload, folder: Path) -> Path:
    name = Path(upload.filename or "upload").name
    if not name or name.startswith("."):
        raise user_error("file: a file name is required", "BAD_USER_INPUT")
    target = folder / name
    data = await upload.read()
    if len(data) > MAX_UPLOAD:
        raise user_error(f"file: larger than {MAX_UPLOAD // 1_000_000} MB", "TOO_LARGE")
    target.write_bytes(data)
    return target


async def _load_uploads(files: list[Upload], load: Callable[[list[Path]], T]) -> T:
    """Save the uploads to a private folder, run `load` on them there, and turn bad input into a coded
    GraphQL error (the loaders store nothing then)."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = [await _save(f, Path(tmp)) for f in files]
        try:
            return load(paths)
        except InputError as exc:
            raise _input_error(exc) from None


def _input_error(exc: InputError) -> Exception:
    return user_error(str(exc), "INVALID_INPUT")


@strawberry.type
class DeclarationOutcome:
    file: str
    part: str
    declaration_class: str
    status: str


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def import_declarations(self, info: Info, files: list[Upload],
                                  format: str | None = None) -> list[DeclarationOutcome]:
        """Supplier declarations in IPC-1752A (Class C or D) or IEC 62474 XML; `format` ipc1752a or iec62474,
        else read from each file's namespace. Any bad file stores nothing."""
        _require_token(info)
        store, _ = _ctx(info)
        if format is not None and format not in DECLARATION_FORMATS:
            raise user_error(f"format: expected one of {', '.join(DECLARATION_FORMATS)}", "BAD_USER_INPUT")
        outcomes = await _load_uploads(files, lambda paths: import_declarations(store, paths, format))
        return [DeclarationOutcome(file=Path(o.file).name, part=o.part, declaration_class=o.declaration_class,
                                   status=o.status) for o in outcomes]

    @strawberry.mutation
    async def import_survey(self, info: Info, files: list[Upload], part: str | None = None,
                            date: str | None = None) -> ImportResult:
        """Answers on the customer's survey form (Form 2-1) as CSV or the returned XLSX form; `part` and
        `date` when the file has no such columns. Any problem stores nothing."""
        _require_token(info)
        store, _ = _ctx(info)
        day = _date(date, "date") if date else None
        counts = await _load_uploads(files, lambda paths: import_survey(store, paths, part, day))
        return ImportResult(triples=counts["triples"], counts=[
            ValidationCount(pack="", severity=k, count=counts[k]) for k in ("surveys", "answers")])

    @strawberry.mutation
    async def import_compositions(self, info: Info, file: Upload) -> ImportResult:
        """A data set in the compositions format: a .jsonl file, or a .zip of the CSV files."""
        _require_token(info)
        store, _ = _ctx(info)
        with tempfile.TemporaryDirectory() as tmp:
            path = await _save(file, Path(tmp))
            if path.suffix.lower() == ".zip":
                folder = Path(tmp) / "data"
                folder.mkdir()
                with zipfile.ZipFile(path) as z:
                    for member in z.infolist():
                        name = Path(member.filename).name
                        if name.endswith((".csv", ".json")) and member.file_size <= MAX_UPLOAD:
                            (folder / name).write_bytes(z.read(member))
                path = folder
            try:
                counts = import_compositions(store, path)
            except InputError as exc:
                raise _input_error(exc) from None
        triples = counts.pop("triples")
        return ImportResult(triples=triples, counts=[ValidationCount(pack="", severity=k, count=v)
                                                     for k, v in counts.items()])

    @strawberry.mutation
    async def import_list_version(self, info: Info, list: str, files: list[Upload]) -> ImportResult:
        """A newer export of a list (e.g. next month's ECHA xlsx); replaces the list's previous load."""
        _require_token(info)
        store, _ = _ctx(info)
        triples = await _load_uploads(files, lambda paths: load_list(store, list, paths))
        threading.Thread(target=warm_latest_changes, args=(store, info.context["cache"], list), daemon=True).start()
        return ImportResult(triples=triples, counts=[])


schema = strawberry.Schema(
    query=Query,
    mutation=Mutation,
    extensions=[lambda: QueryDepthLimiter(max_depth=8), lambda: MaxAliasesLimiter(max_alias_count=20),
                lambda: MaxTokensLimiter(max_token_count=1500), lambda: AddValidationRules([CostLimit]),
                lambda: MaskErrors(should_mask_error=should_mask)],
)
