"""User accounts in scope. The agency scope itself is `dxgov.orgunits.access`."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from dxgov.accounts.models import User
from dxgov.orgunits.access import scoped


def access_user(user: Any, username: str) -> User:
    """A user account whose agency is in scope, or 404."""
    found = scoped(User.objects.select_related("agency"), user).filter(username=username).first()
    if found is None:
        raise Http404(_("No user %(username)s in your scope.") % {"username": username})
    return found
