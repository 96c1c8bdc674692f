"""Hooks the forecasting app calls inside the transaction of a change (receivers connect in
their AppConfig.ready(); the dashboard's change feed is one)."""

from __future__ import annotations

from dxgov.core.hooks import Hook

# Every forecast was recomputed (the key indicators' bands and the warnings changed).
forecasts_recomputed: Hook[None] = Hook()
