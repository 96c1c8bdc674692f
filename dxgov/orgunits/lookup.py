"""Date-aware reads of the unit registry, shared by pages and the API."""

from __future__ import annotations

from datetime import date

from django.http import Http404
from django.utils.translation import gettext as _

from dxgov.orgunits.dates import level_of_code
from dxgov.orgunits.models import OrgUnit


def unit_on(code: str, day: date) -> OrgUnit:
    """The unit with this code on this day, or a 404 that says when the code was in use."""
    level = level_of_code(code)
    if level is None:
        raise Http404(
            _(
                "'%(code)s' is not a unit code: use 2 digits for a province, 3 for a district, "
                "5 for a commune."
            )
            % {"code": code}
        )
    units = OrgUnit.objects.filter(level=level, code=code).select_related("parent")
    found = units.on(day).first()
    if found is not None:
        return found
    other = units.order_by("-valid_from").first()
    if other is None:
        raise Http404(_("No administrative unit has code %(code)s.") % {"code": code})
    raise Http404(
        _("Code %(code)s was not in use on %(day)s; it denotes %(name)s from %(start)s to %(end)s.")
        % {
            "code": code,
            "day": day.isoformat(),
            "name": other.name,
            "start": other.valid_from.isoformat() if other.valid_from else "…",
            "end": other.valid_to.isoformat() if other.valid_to else "…",
        }
    )


def predecessors(unit: OrgUnit) -> list[tuple[OrgUnit, bool]]:
    return [
        (link.predecessor, link.is_partial)
        for link in unit.formed_from.select_related("predecessor").order_by("predecessor__code")
    ]


def successors(unit: OrgUnit) -> list[tuple[OrgUnit, bool]]:
    return [
        (link.successor, link.is_partial)
        for link in unit.successions.select_related("successor").order_by("successor__code")
    ]
