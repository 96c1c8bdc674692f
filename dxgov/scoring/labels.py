"""Names of Decision 766 groups and metrics, as people read them (translatable)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

GROUP_LABELS: dict[str, Promise] = {
    "publicity": _("Publicity and transparency"),
    "progress": _("Processing progress"),
    "online": _("Online public services"),
    "payment": _("Online payment"),
    "digitisation": _("Digitisation"),
    "satisfaction": _("Satisfaction"),
}

METRIC_LABELS: dict[str, Promise] = {
    "1.1": _("Procedures published on time"),
    "1.2": _("Procedures posted on the national database on time"),
    "1.3": _("Procedures posted with all seven mandatory parts"),
    "1.4": _("Dossiers synced to the national portal"),
    "2.1": _("Dossiers finished on time or in progress within the deadline"),
    "2.2": _("Average processing time (seconds, shown only)"),
    "3.1": _("Procedures offered online"),
    "3.2": _("Online procedures that received an online dossier"),
    "3.3": _("Dossiers submitted online"),
    "3.5": _("Fee-bearing procedures integrated for online payment"),
    "3.5b": _("Fee-bearing procedures with an online payment"),
    "3.6": _("Dossiers paid online"),
    "4.1": _("Dossiers with an electronic result"),
    "4.2": _("Dossiers digitised with an electronic result"),
    "4.3": _("Dossiers reusing digitised data"),
    "4.4": _("Dossiers linked to the personal data store"),
    "4.5a": _("Procedures connected to population data"),
    "4.5b": _("Dossiers using population data"),
    "4.6": _("Communes offering electronic certified copies"),
    "5.2": _("Petitions handled on time"),
    "5.3": _("Petitions handled to satisfaction"),
    "5.4": _("Dossiers without delay or complaint"),
}

COUNT_LABELS: dict[str, Promise] = {
    "dossiers_received": _("dossiers received"),
    "dossiers_synced": _("dossiers synced"),
    "dossiers_on_time": _("dossiers on time"),
    "dossiers_late": _("dossiers late"),
    "dossiers_online": _("dossiers online"),
    "dossiers_with_fees": _("dossiers with fees"),
    "dossiers_paid_online": _("dossiers paid online"),
    "dossiers_paper_result": _("dossiers needing a paper result"),
    "dossiers_e_result": _("dossiers with an electronic result"),
    "dossiers_digitised": _("dossiers digitised"),
    "dossiers_reused": _("dossiers reusing data"),
    "dossiers_personal_store": _("dossiers from the personal store"),
    "dossiers_population_data": _("dossiers using population data"),
    "dossiers_complained": _("dossiers with a complaint or dislike"),
}

KIND_LABELS: dict[str, Promise] = {
    "month": _("Month"),
    "quarter": _("Quarter"),
    "year": _("Year"),
}
