"""Who may see and change reports and values.

A report belongs to the agency that sends it: it is visible to whoever has that agency in
scope (its own staff and those above it; central coordinators see all), else 404. Inside scope:
- enter values and submit: the agency's officers and leaders (and administrators);
- approve, or return a submitted report: the agency's leaders (and administrators);
- accept or return an approved report: the receiving agency's leaders, coordinators,
  administrators;
- reopen an approved or accepted report: coordinators and administrators, with a reason.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from dxgov.core.roles import CENTRAL_ROLES, Role, role_of
from dxgov.orgunits.access import in_scope, scoped
from dxgov.orgunits.models import Agency
from dxgov.reporting.models import Report, ReportDefinition, ReportQuerySet

ENTRY_ROLES = frozenset({Role.ADMIN, Role.LEADER, Role.OFFICER})
APPROVE_ROLES = frozenset({Role.ADMIN, Role.LEADER})


def reports_for(user: Any) -> ReportQuerySet:
    qs = Report.objects.select_related("definition", "agency")
    return scoped(qs, user)  # type: ignore[return-value]


def access_report(user: Any, pk: int) -> Report:
    report = reports_for(user).filter(pk=pk).first()
    if report is None:
        raise Http404(_("No such report in your scope."))
    return report


def access_definition(user: Any, pk: int) -> ReportDefinition:
    """Report definitions are the regime itself: every signed-in user may read them."""
    if role_of(user) is None:
        raise Http404(_("No such report definition."))
    definition = ReportDefinition.objects.select_related("receiving_agency").filter(pk=pk).first()
    if definition is None:
        raise Http404(_("No such report definition."))
    return definition


def may_enter(user: Any, agency: Agency) -> bool:
    return role_of(user) in ENTRY_ROLES and in_scope(user, agency)


def may_approve(user: Any, agency: Agency) -> bool:
    return role_of(user) in APPROVE_ROLES and in_scope(user, agency)


def may_receive(user: Any, definition: ReportDefinition) -> bool:
    role = role_of(user)
    if role in CENTRAL_ROLES:
        return True
    return role == Role.LEADER and in_scope(user, definition.receiving_agency)


def may_reopen(user: Any) -> bool:
    return role_of(user) in CENTRAL_ROLES


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)
