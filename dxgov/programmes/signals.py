"""Hooks the programmes app calls inside the transaction of a change (receivers connect in
their AppConfig.ready(); the dashboard's change feed may be one)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dxgov.core.hooks import Hook

if TYPE_CHECKING:
    from dxgov.orgunits.models import Agency

# A programme moved in its workflow (submitted, returned, approved, reopened): its owner.
programme_changed: Hook[Agency | None] = Hook()
# The overlap clusters were recomputed (a full run or a newly submitted programme).
overlaps_changed: Hook[None] = Hook()
