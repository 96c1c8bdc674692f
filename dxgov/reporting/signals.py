"""Hooks the reporting app calls inside the transaction of a change (receivers connect in
their AppConfig.ready(); the dashboard's change feed is one)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dxgov.core.hooks import Hook

if TYPE_CHECKING:
    from dxgov.reporting.models import Report

# A report moved in its workflow (its figures, compliance and warnings may have changed).
report_changed: Hook[Report] = Hook()
