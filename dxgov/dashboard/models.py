"""The change feed: one row per change that open dashboards should show (read by /events).

A row is appended in the same transaction as the change itself (a report's workflow step in
dxgov.reporting.actions, later a dossier batch scored), so a dashboard never hears of a change
that was rolled back. Rows are small and old ones are pruned (`feed.prune`, in the daily job).
The latest id of each kind also versions the dashboard's cached blocks (dashboard/cache.py).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class ChangeKind(models.TextChoices):
    REPORT = "report", "report"
    SCORES = "scores", "scores"
    TASKS = "tasks", "tasks"
    FORECASTS = "forecasts", "forecasts"
    INVESTMENTS = "investments", "investments"


class ChangeFeed(models.Model):
    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=16, choices=ChangeKind.choices)
    # The agency whose figures changed (its code and scope path), so pages can tell if it
    # concerns them; the event says nothing more than that.
    agency_code = models.CharField(max_length=32, blank=True)
    agency_path = models.CharField(max_length=255, blank=True)
    # The blocks to refresh, e.g. ["indicators", "reporting", "warnings", "map"].
    blocks = models.JSONField(default=list)

    class Meta:
        ordering = ["id"]
        # The latest change of each kind, in one index probe (dashboard.cache.feed_heads).
        indexes = [models.Index(fields=["kind", "id"], name="changefeed_kind_id")]

    def __str__(self) -> str:
        return f"{self.id} {self.kind} {self.agency_code}"
