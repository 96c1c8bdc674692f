"""Who may see and do what in a committee.

A committee is seen by central roles; by the staff of the agency it belongs to and of its
standing office (and of the agencies above them); by its members — a member's own account,
or the staff of an agency holding a seat — and by whoever holds a delegation from a member.
Everyone else gets a 404 for it, its sessions, reports and ballots.

Inside that:
- managing (sessions, agenda, invitations, attendance, the report, the conclusion's draft,
  ballots): central roles, and the leaders and officers of the committee's agency or of its
  standing office;
- issuing the conclusion and assigning its tasks: through directives.actions, whose own rule
  applies (a central coordinator or an administrator creates directives and tasks);
- answering a ballot: the member (a seat held by an account: that account; a seat held by
  an agency: its leaders), or a stand-in holding the member's delegation for the day.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from dxgov.committees.models import (
    AgendaDocument,
    Answer,
    Ballot,
    Committee,
    Delegation,
    Membership,
    Session,
)
from dxgov.core.roles import AGENCY_STAFF_ROLES, CENTRAL_ROLES, Role, role_of
from dxgov.orgunits.access import in_scope, sees_everything


def _visible(user: Any) -> Q:
    """The committees a signed-in user sees (see the module's docstring)."""
    mine = Q(memberships__user=user) | Q(memberships__delegations__delegate=user)
    if getattr(user, "agency_id", None) is None:
        return mine
    path = user.agency.path
    return (
        mine
        | Q(agency__path__startswith=path)
        | Q(standing_office__path__startswith=path)
        | Q(memberships__agency__path__startswith=path)
    )


def committees_for(user: Any) -> QuerySet[Committee]:
    base = Committee.objects.select_related("agency", "standing_office")
    if role_of(user) is None:
        return base.none()
    if sees_everything(user):
        return base.all()
    ids = Committee.objects.filter(_visible(user)).values("pk")
    return base.filter(pk__in=ids)


def access_committee(user: Any, pk: int) -> Committee:
    committee = committees_for(user).filter(pk=pk).first()
    if committee is None:
        raise Http404(_("No such committee in your scope."))
    return committee


def sessions_for(user: Any) -> QuerySet[Session]:
    return Session.objects.select_related("committee", "committee__agency").filter(
        committee__in=committees_for(user).values("pk")
    )


def access_session(user: Any, pk: int) -> Session:
    session = sessions_for(user).filter(pk=pk).first()
    if session is None:
        raise Http404(_("No such session in your scope."))
    return session


def ballots_for(user: Any) -> QuerySet[Ballot]:
    return Ballot.objects.select_related("committee").filter(
        committee__in=committees_for(user).values("pk")
    )


def access_ballot(user: Any, pk: int) -> Ballot:
    ballot = ballots_for(user).filter(pk=pk).first()
    if ballot is None:
        raise Http404(_("No such ballot in your scope."))
    return ballot


def access_document(user: Any, pk: int) -> AgendaDocument:
    document = (
        AgendaDocument.objects.select_related("item__session")
        .filter(pk=pk, item__session__committee__in=committees_for(user).values("pk"))
        .first()
    )
    if document is None:
        raise Http404(_("No such document in your scope."))
    return document


def access_answer(user: Any, pk: int) -> Answer:
    answer = (
        Answer.objects.select_related("ballot", "membership", "key")
        .filter(pk=pk, ballot__committee__in=committees_for(user).values("pk"))
        .first()
    )
    if answer is None:
        raise Http404(_("No such answer in your scope."))
    return answer


# --- rights ----------------------------------------------------------------------------------


def may_manage(user: Any, committee: Committee) -> bool:
    role = role_of(user)
    if role in CENTRAL_ROLES:
        return True
    if role not in AGENCY_STAFF_ROLES:
        return False
    offices = [committee.agency, committee.standing_office]
    return any(office is not None and in_scope(user, office) for office in offices)


def require_manage(user: Any, committee: Committee) -> None:
    if not may_manage(user, committee):
        raise PermissionDenied(
            _(
                "Only the committee's standing office (its leaders and officers) or a central "
                "coordinator can do this."
            )
        )


def is_central(user: Any) -> bool:
    return role_of(user) in CENTRAL_ROLES


def holds_seat(user: Any, seat: Membership) -> bool:
    """The member themselves: the seat's account, or a leader of the seat's agency."""
    if role_of(user) is None:
        return False
    if seat.user_id is not None:
        return bool(seat.user_id == user.pk)
    return (
        role_of(user) == Role.LEADER
        and seat.agency_id is not None
        and user.agency_id == seat.agency_id
    )


def seats_of(user: Any, seats: list[Membership]) -> list[Membership]:
    return [seat for seat in seats if holds_seat(user, seat)]


def delegation_for(user: Any, seat: Membership, day: date) -> Delegation | None:
    """The user's delegation from this member covering `day`, if any."""
    if role_of(user) is None:
        return None
    for delegation in seat.delegations.filter(delegate=user, revoked_at__isnull=True):
        if delegation.covers(day):
            return delegation
    return None
