from __future__ import annotations

from datetime import date

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.params.functions import Query as QueryParam
from pydantic import Field

from dxgov.core.errors import BadRequest
from dxgov.core.limits import MAX_PAGE
from dxgov.orgunits import actions
from dxgov.orgunits.access import access_agency, access_agency_for_change, in_scope
from dxgov.orgunits.dates import BadDate, parse_on
from dxgov.orgunits.lookup import predecessors, successors, unit_on
from dxgov.orgunits.models import Agency, AgencyKind, Level, OrgUnit

router = Router(tags=["orgunits"])


class UnitOut(Schema):
    code: str
    name: str
    short_name: str
    level: str
    unit_type: str
    parent_code: str | None
    valid_from: date | None
    valid_to: date | None
    latitude: float | None
    longitude: float | None


class LinkOut(Schema):
    code: str
    name: str
    level: str
    valid_from: date | None
    valid_to: date | None
    is_partial: bool


class UnitDetailOut(UnitOut):
    formed_from: list[LinkOut]
    succeeded_by: list[LinkOut]


class UnitPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[UnitOut]


class UnitFilter(Schema):
    level: Level | None = None
    on: str | None = Field(None, max_length=10, description="Date YYYY-MM-DD; today if absent")
    q: str | None = Field(None, max_length=100, description="Name, with or without accents")
    parent: str | None = Field(None, max_length=5, description="Parent unit code")
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(100, ge=1, le=1000)


def _on(text: str | None) -> date:
    try:
        return parse_on(text, timezone.localdate())
    except BadDate as exc:
        raise BadRequest(str(exc)) from None


def _unit_out(unit: OrgUnit) -> UnitOut:
    return UnitOut(
        code=unit.code,
        name=unit.name,
        short_name=unit.short_name,
        level=unit.level,
        unit_type=unit.unit_type,
        parent_code=unit.parent.code if unit.parent else None,
        valid_from=unit.valid_from,
        valid_to=unit.valid_to,
        latitude=unit.latitude,
        longitude=unit.longitude,
    )


def _link(unit: OrgUnit, partial: bool) -> LinkOut:
    return LinkOut(
        code=unit.code,
        name=unit.name,
        level=unit.level,
        valid_from=unit.valid_from,
        valid_to=unit.valid_to,
        is_partial=partial,
    )


@router.get("/orgunits", response=UnitPage, summary="Administrative units in force on a date")
def list_orgunits(request: HttpRequest, filters: Query[UnitFilter]) -> UnitPage:
    day = _on(filters.on)
    units = OrgUnit.objects.on(day).select_related("parent").order_by("level", "code")
    if filters.level:
        units = units.filter(level=filters.level)
    if filters.q:
        units = units.search(filters.q)
    if filters.parent:
        units = units.filter(parent__in=OrgUnit.objects.on(day).filter(code=filters.parent))
    start = (filters.page - 1) * filters.page_size
    items = [_unit_out(u) for u in units[start : start + filters.page_size]]
    return UnitPage(
        count=units.count(), page=filters.page, page_size=filters.page_size, items=items
    )


@router.get("/orgunits/{code}", response=UnitDetailOut, summary="One unit on a date, with history")
def get_orgunit(
    request: HttpRequest, code: str, on: str | None = QueryParam(None, max_length=10)
) -> UnitDetailOut:
    unit = unit_on(code, _on(on))
    return UnitDetailOut(
        **_unit_out(unit).dict(),
        formed_from=[_link(u, partial) for u, partial in predecessors(unit)],
        succeeded_by=[_link(u, partial) for u, partial in successors(unit)],
    )


class AgencyOut(Schema):
    code: str
    name: str
    name_en: str
    kind: str
    parent_code: str | None
    orgunit_code: str | None
    valid_from: date | None
    valid_to: date | None
    successor_code: str | None


class AgencyDetailOut(AgencyOut):
    email: str | None
    phone: str | None
    address: str | None


class AgencyFilter(Schema):
    kind: AgencyKind | None = None
    on: str | None = Field(None, max_length=10, description="Date YYYY-MM-DD; today if absent")
    q: str | None = Field(None, max_length=100)
    parent: str | None = Field(None, max_length=32)
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(100, ge=1, le=1000)


class AgencyPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[AgencyOut]


class ContactIn(Schema):
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=32)
    address: str = Field("", max_length=255)


class StaffOut(Schema):
    username: str
    full_name: str
    role: str
    email: str


def _agency_out(agency: Agency) -> AgencyOut:
    return AgencyOut(
        code=agency.code,
        name=agency.name,
        name_en=agency.name_en,
        kind=agency.kind,
        parent_code=agency.parent.code if agency.parent else None,
        orgunit_code=agency.orgunit.code if agency.orgunit else None,
        valid_from=agency.valid_from,
        valid_to=agency.valid_to,
        successor_code=agency.successor.code if agency.successor else None,
    )


@router.get("/agencies", response=AgencyPage, summary="The directory of agencies on a date")
def list_agencies(request: HttpRequest, filters: Query[AgencyFilter]) -> AgencyPage:
    agencies = Agency.objects.on(_on(filters.on)).select_related("parent", "orgunit", "successor")
    if filters.kind:
        agencies = agencies.filter(kind=filters.kind)
    if filters.q:
        agencies = agencies.search(filters.q)
    if filters.parent:
        agencies = agencies.filter(parent__code=filters.parent)
    start = (filters.page - 1) * filters.page_size
    items = [_agency_out(a) for a in agencies[start : start + filters.page_size]]
    return AgencyPage(
        count=agencies.count(), page=filters.page, page_size=filters.page_size, items=items
    )


@router.get("/agencies/{code}", response=AgencyDetailOut, summary="One agency")
def get_agency(request: HttpRequest, code: str) -> AgencyDetailOut:
    agency = (
        Agency.objects.select_related("parent", "orgunit", "successor").filter(code=code).first()
    )
    if agency is None:
        raise Http404(_("No agency with code %(code)s.") % {"code": code})
    # Contact details are for the agency's own scope; the directory entry is for everyone.
    visible = in_scope(request.user, agency)
    return AgencyDetailOut(
        **_agency_out(agency).dict(),
        email=agency.email if visible else None,
        phone=agency.phone if visible else None,
        address=agency.address if visible else None,
    )


@router.get("/agencies/{code}/staff", response=list[StaffOut], summary="Users of an agency")
def agency_staff(request: HttpRequest, code: str) -> list[StaffOut]:
    agency = access_agency(request.user, code)
    return [
        StaffOut(username=u.username, full_name=u.full_name, role=u.role, email=u.email)
        for u in agency.users.filter(is_active=True).order_by("username")
    ]


@router.patch("/agencies/{code}", response=AgencyDetailOut, summary="Change contact details")
def update_agency(request: HttpRequest, code: str, payload: ContactIn) -> AgencyDetailOut:
    agency = access_agency_for_change(request.user, code)
    actions.update_agency_contact(
        acting_user=request.user,
        agency=agency,
        email=payload.email,
        phone=payload.phone,
        address=payload.address,
    )
    return get_agency(request, code)
