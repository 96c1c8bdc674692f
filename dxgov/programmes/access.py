"""Who may see, write and review programmes.

A programme is visible to whoever has its owner in scope (its staff and those above it;
central roles see all) and to its reviewer's staff; anyone else gets a 404. Inside:

- the owner's officers and leaders (and administrators) write the draft: breakthroughs,
  goals, tasks, budget; the owner's leaders (and administrators) submit it and open a new
  version of an approved one;
- the reviewer — central coordinators and administrators (the Ministry of Science and
  Technology's coordinators among them) for every programme, and the province's Department
  of Science and Technology's leaders and officers for a department's plan — comments,
  fills the checklist and returns it; approving, which assigns the tasks in the national
  task register and sets the targets in the catalogue, is for central roles;
- overlap clusters and their labels are the Ministry of Science and Technology's work:
  central roles.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from dxgov.core.roles import AGENCY_STAFF_ROLES, CENTRAL_ROLES, Role, role_of
from dxgov.orgunits.access import agencies_in_scope, in_scope, sees_everything
from dxgov.orgunits.models import Agency
from dxgov.programmes.models import OverlapPair, Programme

ENTRY_ROLES = frozenset({Role.ADMIN, Role.LEADER, Role.OFFICER})
SUBMIT_ROLES = frozenset({Role.ADMIN, Role.LEADER})


def programmes_for(user: Any) -> QuerySet[Programme]:
    qs = Programme.objects.select_related("owner", "reviewer")
    if role_of(user) is None:
        return qs.none()
    if sees_everything(user):
        return qs
    if user.agency_id is None:
        return qs.none()
    path = user.agency.path
    return qs.filter(Q(owner__path__startswith=path) | Q(reviewer__path__startswith=path))


def access_programme(user: Any, pk: int) -> Programme:
    programme = programmes_for(user).filter(pk=pk).first()
    if programme is None:
        raise Http404(_("No such programme in your scope."))
    return programme


def may_write(user: Any, programme: Programme) -> bool:
    return role_of(user) in ENTRY_ROLES and in_scope(user, programme.owner)


def may_create_for(user: Any, owner: Agency) -> bool:
    return role_of(user) in ENTRY_ROLES and in_scope(user, owner)


def may_submit(user: Any, programme: Programme) -> bool:
    return role_of(user) in SUBMIT_ROLES and in_scope(user, programme.owner)


def may_review(user: Any, programme: Programme) -> bool:
    role = role_of(user)
    if role in CENTRAL_ROLES:
        return True
    reviewer = programme.reviewer
    return (
        role in AGENCY_STAFF_ROLES
        and reviewer is not None
        and reviewer.kind == "department"
        and user.agency_id == reviewer.pk
    )


def may_approve(user: Any) -> bool:
    return role_of(user) in CENTRAL_ROLES


def may_see_overlaps(user: Any) -> bool:
    return role_of(user) in CENTRAL_ROLES


def owners_for(user: Any) -> QuerySet[Agency]:
    """The agencies the user may start a programme for."""
    if role_of(user) not in ENTRY_ROLES:
        return Agency.objects.none()
    return agencies_in_scope(user).current().exclude(kind="government").order_by("code")


def access_pair(user: Any, pk: int) -> OverlapPair:
    if not may_see_overlaps(user):
        # The role is checked first: the pairs name tasks of every agency.
        raise PermissionDenied(_("Overlap clusters are for central coordinators."))
    pair = OverlapPair.objects.select_related("a", "b").filter(pk=pk).first()
    if pair is None:
        raise Http404(_("No such pair."))
    return pair


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)
