"""The nightly recompute as a django-tasks task (also `dxgov forecasts recompute`)."""

from __future__ import annotations

from django_tasks import task

from dxgov.forecasting.actions import recompute_forecasts


@task()
def recompute_forecasts_task() -> dict[str, int]:
    summary = recompute_forecasts(acting_user=None)
    return {"series": summary.series, **summary.by_status}
