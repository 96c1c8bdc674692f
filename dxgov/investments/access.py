"""Who may see and change investment projects.

A project belongs to its investor (chủ đầu tư): it is visible to whoever has the investor in
scope (its own staff and those above it, so a province sees the projects of its departments;
central roles see all), else 404. Inside the scope:
- the investor's officers and leaders (and administrators) record its figures: decisions,
  plans, disbursement, progress, milestones, schedules, evidence, the stalled flag;
- viewers and coordinators read. Nobody else changes a figure — not a coordinator, not a
  minister: the investor records what happened, and every change is an audit event.

The weekly national table and the national portfolio are national aggregates (the Ministry of
Finance publishes them): every signed-in user reads them. A unit's portfolio lists its
projects: in scope only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from dxgov.core.roles import CENTRAL_ROLES, Role, role_of
from dxgov.investments.models import Evidence, InvestmentProject
from dxgov.orgunits.access import in_scope, scoped
from dxgov.orgunits.models import Agency

ENTRY_ROLES = frozenset({Role.ADMIN, Role.LEADER, Role.OFFICER})


def projects_for(user: Any) -> QuerySet[InvestmentProject]:
    qs = InvestmentProject.objects.select_related("investor", "managing_agency", "province")
    return scoped(qs, user, agency_field="investor")


def access_project(user: Any, pk: int) -> InvestmentProject:
    project = projects_for(user).filter(pk=pk).first()
    if project is None:
        raise Http404(_("No such investment project in your scope."))
    return project


def access_project_code(user: Any, code: str) -> InvestmentProject:
    project = projects_for(user).filter(code=code).first()
    if project is None:
        raise Http404(_("No investment project with code %(code)s in your scope.") % {"code": code})
    return project


def access_evidence(user: Any, pk: int) -> Evidence:
    evidence = (
        Evidence.objects.select_related("project")
        .filter(pk=pk, project__in=projects_for(user))
        .first()
    )
    if evidence is None:
        raise Http404(_("No such file in your scope."))
    return evidence


def may_enter(user: Any, project: InvestmentProject) -> bool:
    return role_of(user) in ENTRY_ROLES and in_scope(user, project.investor)


def may_create_for(user: Any, investor: Agency) -> bool:
    return role_of(user) in ENTRY_ROLES and in_scope(user, investor)


def may_configure(user: Any) -> bool:
    """The weekly cycle's thresholds: central roles (the Ministry of Finance's coordinators)."""
    return role_of(user) in CENTRAL_ROLES


def require_entry(user: Any, project: InvestmentProject) -> None:
    if not may_enter(user, project):
        raise PermissionDenied(
            _("Only the investor's officers and leaders record this project's figures.")
        )


def require_entry_all(user: Any, projects: Iterable[InvestmentProject]) -> None:
    """require_entry for many projects, each investor judged once (a bulk of thousands)."""
    seen: set[int] = set()
    for project in projects:
        if project.investor_id not in seen:
            require_entry(user, project)
            seen.add(project.investor_id)


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)
