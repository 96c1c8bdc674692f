"""Hooks the investments app calls inside the transaction of a change (receivers connect in
their AppConfig.ready(); the dashboard's change feed is one)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dxgov.core.hooks import Hook

if TYPE_CHECKING:
    from dxgov.orgunits.models import Agency

# A unit's figures changed (a plan, a disbursed value, a stalled flag, the thresholds): the
# managing agency (a ministry or a provincial People's Committee), or None for many at once.
figures_changed: Hook[Agency | None] = Hook()
