"""Who sees which source system and batch.

A source system belongs to its owner agency: users whose scope covers the owner see it (a
province's officials see their province's sources; coordinators and administrators all). A
source's own technical user sees its own batches, which is how it reads its summaries.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from dxgov.core.limits import could_be_id
from dxgov.core.roles import Role, role_of
from dxgov.dossiers.models import Batch, SourceSystem
from dxgov.orgunits.access import scoped


def own_source(user: Any) -> SourceSystem | None:
    """The source system whose technical user `user` is, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return SourceSystem.objects.filter(user_id=user.pk).select_related("owner").first()


def sources_for(user: Any) -> QuerySet[SourceSystem]:
    return scoped(SourceSystem.objects.select_related("owner"), user, "owner")


def access_source(user: Any, source_id: int) -> SourceSystem:
    found = sources_for(user).filter(pk=source_id).first() if could_be_id(source_id) else None
    if found is None:
        raise Http404(_("No source system %(id)s in your scope.") % {"id": source_id})
    return found


def access_batch(user: Any, batch_id: int) -> Batch:
    """A batch of a source in the user's scope, or of the user's own source; else 404."""
    if not could_be_id(batch_id):
        raise Http404(_("No batch %(id)s.") % {"id": batch_id})
    batch = Batch.objects.select_related("source").filter(pk=batch_id).first()
    if batch is not None:
        own = own_source(user)
        if own is not None and own.pk == batch.source_id:
            return batch
        if sources_for(user).filter(pk=batch.source_id).exists():
            return batch
    raise Http404(_("No batch %(id)s in your scope.") % {"id": batch_id})


def may_manage_sources(user: Any) -> bool:
    return role_of(user) == Role.ADMIN


def check_manage_sources(user: Any) -> None:
    if not may_manage_sources(user):
        raise PermissionDenied(_("Only administrators register source systems and their tokens."))
