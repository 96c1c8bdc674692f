"""Validation of the `on` date that every unit lookup takes (pure)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from dxgov.core import formats
from dxgov.orgunits.registry import LEGACY_VALID_FROM

LAST_DATE = date(2100, 12, 31)


class BadDate(ValueError):
    """A date that is malformed or outside what the registry covers."""


def parse_on(text: str | None, today: date, *, typed: bool = False) -> date:
    """The day a lookup is for: YYYY-MM-DD (the API); ``typed``, a day a person typed on a
    page, dd/mm/yyyy as well (core.formats.parse_date)."""
    if not text:
        return today
    try:
        day = formats.parse_date(text) if typed else date.fromisoformat(text)
    except ValueError:
        if typed:
            raise BadDate(
                _(
                    "'%(text)s' is not a date; write it as dd/mm/yyyy (e.g. 01/07/2025) "
                    "or YYYY-MM-DD."
                )
                % {"text": text}
            ) from None
        raise BadDate(
            _("'%(text)s' is not a date; write it as YYYY-MM-DD, e.g. 2025-07-01.") % {"text": text}
        ) from None
    if not LEGACY_VALID_FROM <= day <= LAST_DATE:
        raise BadDate(
            _("%(day)s is outside the registry, which covers %(start)s to %(end)s.")
            % {
                "day": day.isoformat(),
                "start": LEGACY_VALID_FROM.isoformat(),
                "end": LAST_DATE.isoformat(),
            }
        )
    return day


def level_of_code(code: str) -> str | None:
    """Official codes have 2 digits for provinces, 3 for districts and 5 for communes."""
    if not code.isdigit():
        return None
    return {2: "province", 3: "district", 5: "commune"}.get(len(code))
