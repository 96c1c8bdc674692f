"""Why a unit has no Decision 766 score for a period (pure: plain values in and out).

A ranking that silently leaves out three provinces misleads; the ranking pages, their exports
and the command centre list the units without a score and say why, from what is known of
their dossier source systems and of the dossiers received:

* no source system sends the unit's dossiers;
* its source has sent nothing since the period began (it stopped reporting);
* its source reports, but no dossier was received in the period;
* dossiers were received, but the scores have not been computed yet.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from django.utils.translation import gettext as _

from dxgov.core.calendar import TZ


class Gap(StrEnum):
    NO_SOURCE = "no_source"
    SOURCE_SILENT = "source_silent"
    NO_DOSSIERS = "no_dossiers"
    NOT_SCORED = "not_scored"


def gap(
    *, has_source: bool, last_contact: datetime | None, period_begins: datetime, dossiers: int
) -> Gap:
    """Why the unit is unscored. `last_contact`: the latest batch any of its sources sent;
    `period_begins`: the period's first moment; `dossiers`: those received in the period."""
    if dossiers > 0:
        return Gap.NOT_SCORED
    if not has_source:
        return Gap.NO_SOURCE
    if last_contact is None or last_contact < period_begins:
        return Gap.SOURCE_SILENT
    return Gap.NO_DOSSIERS


def explain(reason: Gap, last_contact: datetime | None) -> str:
    """The reason in words, for the pages and the exports."""
    if reason == Gap.NO_SOURCE:
        return _("no dossier source system is connected for it")
    if reason == Gap.SOURCE_SILENT:
        if last_contact is None:
            return _("its dossier source system has never sent data")
        return _("its dossier source system has sent nothing since %(day)s") % {
            "day": last_contact.astimezone(TZ).strftime("%d/%m/%Y")
        }
    if reason == Gap.NO_DOSSIERS:
        return _("no dossiers received in the period")
    return _("dossiers received, scores not computed yet")
