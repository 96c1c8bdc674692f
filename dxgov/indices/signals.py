"""Hooks the indices call inside the change's transaction, for the apps above (the dashboard's
change feed may listen): `assessment_changed(assessment)` after a workflow step,
`results_computed(result_sets)` after an edition's results were stored."""

from __future__ import annotations

from typing import Any

from dxgov.core.hooks import Hook

assessment_changed: Hook[Any] = Hook()
results_computed: Hook[Any] = Hook()
