"""Agency scope: what a user may see and change.

Every view and endpoint reads through these helpers. Outside the user's scope an object does
not exist for them (404); inside it, a missing right is a 403. The scope is a subtree of the
agency tree (the user's agency and everything below it; everything for central roles), so it
lives with the agencies; users are read through their attributes only (`role`, `agency`).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from dxgov.core.roles import CHANGE_ROLES, role_of
from dxgov.orgunits.models import Agency, AgencyQuerySet

M = TypeVar("M", bound=Model)


def sees_everything(user: Any) -> bool:
    role = role_of(user)
    return role is not None and role.sees_everything


def scope_key(user: Any) -> str:
    """A name for everything that decides what the user may see: users with the same key see
    the same rows (what caches of rendered pages are keyed by)."""
    if role_of(user) is None:
        return "none"
    if sees_everything(user):
        return "all"
    if user.agency_id is None:
        return "none"
    return f"under:{user.agency.path}"


def agencies_in_scope(user: Any) -> AgencyQuerySet:
    """The user's agency and everything under it; all agencies for central roles."""
    if role_of(user) is None:
        return Agency.objects.none()
    if sees_everything(user):
        return Agency.objects.all()
    if user.agency_id is None:
        return Agency.objects.none()
    return Agency.objects.under(user.agency)


def in_scope(user: Any, agency: Agency) -> bool:
    if role_of(user) is None:
        return False
    if sees_everything(user):
        return True
    return user.agency_id is not None and user.agency.contains(agency)


def scoped(queryset: QuerySet[M], user: Any, agency_field: str = "agency") -> QuerySet[M]:
    """Filter any queryset whose rows belong to an agency down to the user's scope."""
    if role_of(user) is None:
        return queryset.none()
    if sees_everything(user):
        return queryset
    if user.agency_id is None:
        return queryset.none()
    return queryset.filter(**{f"{agency_field}__path__startswith": user.agency.path})


def access_agency(user: Any, code: str) -> Agency:
    """An agency in the user's scope, or 404."""
    agency = agencies_in_scope(user).filter(code=code).first()
    if agency is None:
        raise Http404(_("No agency with code %(code)s in your scope.") % {"code": code})
    return agency


def access_agency_for_change(user: Any, code: str) -> Agency:
    """An agency in scope that the user may change (administrator, coordinator or leader)."""
    agency = access_agency(user, code)
    if role_of(user) not in CHANGE_ROLES:
        raise PermissionDenied(_("Only the agency's leader or an administrator can change it."))
    return agency
