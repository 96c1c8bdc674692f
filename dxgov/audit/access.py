"""Who may read the audit ledger."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from dxgov.core.roles import is_central


def may_read_audit(user: Any) -> bool:
    """Administrators and coordinators (the central roles)."""
    return is_central(user)


def access_audit(user: Any) -> None:
    """The audit ledger's events and proofs: administrators and coordinators only (else 403)."""
    if not may_read_audit(user):
        raise PermissionDenied(_("Only administrators and coordinators can read the audit ledger."))
