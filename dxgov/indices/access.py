"""Who may see and change what in the composite indices.

Editions, their definitions, results, rankings, sensitivity and published results are national
figures: every signed-in user reads them (as Decision 766 scores). A unit's self-assessment
(its scores, comments and evidence files) is the unit's record: visible to whoever has the
unit's agency in scope, to the edition's appraisal council and to central roles; anyone else
gets a 404. Inside that:

- enter self-assessed scores, attach evidence and submit: the unit's officers and leaders
  (and administrators); for a ranked body that is not an agency of the platform, a central
  coordinator on its behalf;
- appraise a score, approve or return a submitted self-assessment: members of the edition's
  appraisal council only — a coordinator outside the council is refused;
- lock an appraised assessment: the council's chair, or a central coordinator;
- reopen an appraised or locked assessment (with a reason), edit a definition, name the
  council, compute results, import published results: central coordinators and
  administrators.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from dxgov.core.roles import CENTRAL_ROLES, Role, role_of
from dxgov.indices.models import (
    Assessment,
    CouncilMember,
    CouncilRole,
    Edition,
    Evidence,
    IndexUnit,
)
from dxgov.orgunits.access import in_scope

ENTRY_ROLES = frozenset({Role.ADMIN, Role.LEADER, Role.OFFICER})


def access_edition(user: Any, code: str) -> Edition:
    if role_of(user) is None:
        raise Http404(_("No such index edition."))
    edition = Edition.objects.filter(code=code).first()
    if edition is None:
        raise Http404(_("No index edition %(code)s.") % {"code": code})
    return edition


def access_unit(edition: Edition, code: str, view: str | None = None) -> IndexUnit:
    """A unit of the edition (national figures: no scope)."""
    units = IndexUnit.objects.filter(edition=edition, code=code).select_related("agency")
    if view is not None:
        units = units.filter(view=view)
    unit = units.order_by("view").first()
    if unit is None:
        raise Http404(
            _("No unit %(code)s in %(edition)s.") % {"code": code, "edition": edition.code}
        )
    return unit


def council_role(user: Any, edition: Edition) -> str | None:
    if role_of(user) is None:
        return None
    member = CouncilMember.objects.filter(edition=edition, user_id=user.pk).first()
    return member.role if member is not None else None


def sees_assessment(user: Any, unit: IndexUnit) -> bool:
    role = role_of(user)
    if role is None:
        return False
    if role in CENTRAL_ROLES:
        return True
    if unit.agency is not None and in_scope(user, unit.agency):
        return True
    return council_role(user, unit.edition) is not None


def access_assessment_unit(user: Any, edition: Edition, code: str) -> IndexUnit:
    """A measured unit whose self-assessment the user may see, else 404."""
    unit = (
        IndexUnit.objects.filter(edition=edition, code=code, view="as_was")
        .select_related("agency", "edition")
        .first()
    )
    if unit is None or not sees_assessment(user, unit):
        raise Http404(_("No such self-assessment in your scope."))
    return unit


def access_evidence(user: Any, pk: int) -> Evidence:
    evidence = (
        Evidence.objects.select_related("assessment__unit__agency", "assessment__unit__edition")
        .filter(pk=pk)
        .first()
    )
    if evidence is None or not sees_assessment(user, evidence.assessment.unit):
        raise Http404(_("No such file in your scope."))
    return evidence


def may_enter(user: Any, unit: IndexUnit) -> bool:
    """The unit's officers and leaders; for a ranked body that is not an agency of the
    platform (a research academy), a central coordinator enters its scores on its behalf."""
    role = role_of(user)
    if unit.agency is None:
        return role in CENTRAL_ROLES
    return role in ENTRY_ROLES and in_scope(user, unit.agency)


def may_appraise(user: Any, edition: Edition) -> bool:
    return council_role(user, edition) is not None


def may_lock(user: Any, edition: Edition) -> bool:
    return role_of(user) in CENTRAL_ROLES or council_role(user, edition) == CouncilRole.CHAIR


def is_central(user: Any) -> bool:
    return role_of(user) in CENTRAL_ROLES


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def assessments_visible(user: Any, edition: Edition) -> Any:
    """The edition's assessments the user may see (scoped, unless central or in the council)."""
    found = Assessment.objects.filter(edition=edition).select_related("unit", "unit__agency")
    if is_central(user) or council_role(user, edition) is not None:
        return found
    if role_of(user) is None or getattr(user, "agency_id", None) is None:
        return found.none()
    return found.filter(unit__agency__path__startswith=user.agency.path)
