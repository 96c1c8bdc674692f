"""Roles: what kind of official a user is, defined once for every app (a user's `role` field
holds one of these). Scope and rights are decided from them in `orgunits.access` and each
app's access module; no app spells a set of roles of its own where one of these sets means
the same thing."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("System administrator")
    COORDINATOR = "coordinator", _("Central coordinator")
    LEADER = "leader", _("Agency leader")
    OFFICER = "officer", _("Agency officer")
    VIEWER = "viewer", _("Viewer")

    @property
    def sees_everything(self) -> bool:
        return self in CENTRAL_ROLES


# The Government Office and MOST coordinate the whole country: they see every agency, keep
# the catalogues, confirm tasks, reopen reports and read the audit ledger.
CENTRAL_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR})
# Who may change an agency's own records (contact details, approvals): central roles and the
# agency's leaders.
CHANGE_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.LEADER})
# The agency's own staff who carry out its tasks.
AGENCY_STAFF_ROLES = frozenset({Role.LEADER, Role.OFFICER})


def role_of(user: Any) -> Role | None:
    """The role of a signed-in, active user; None for anyone else (anonymous, disabled)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return Role(user.role)


def is_central(user: Any) -> bool:
    return role_of(user) in CENTRAL_ROLES
