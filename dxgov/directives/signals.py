"""Hooks the directives app calls inside the transaction of a change (receivers connect in
their AppConfig.ready(); the dashboard's change feed is one)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dxgov.core.hooks import Hook

if TYPE_CHECKING:
    from dxgov.orgunits.models import Agency

# A task was created, moved in its workflow or imported: its lead agency, or None for many at
# once (the daily overdue sweep, an import).
tasks_changed: Hook[Agency | None] = Hook()
