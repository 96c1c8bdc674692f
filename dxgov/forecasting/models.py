"""Forecasts: where each target's indicator is heading for each agency it applies to.

The rows are replaced as a whole by dxgov.forecasting.actions.recompute_forecasts (nightly);
the figures come from the pure module forecast.py.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dxgov.forecasting import forecast as fc


class ForecastMethod(models.TextChoices):
    # The same codes as forecast.Method.
    LINEAR = fc.Method.LINEAR.value, _("Linear trend")
    DAMPED_HOLT = fc.Method.DAMPED_HOLT.value, _("Damped trend (exponential smoothing)")
    NATIONAL = fc.Method.NATIONAL.value, _("National pattern")
    OBSERVED = fc.Method.OBSERVED.value, _("Reported value")
    NONE = fc.Method.NONE.value, _("None")


class ForecastStatus(models.TextChoices):
    # The same codes as forecast.Status.
    ON_TRACK = fc.Status.ON_TRACK.value, _("On track")
    AT_RISK = fc.Status.AT_RISK.value, _("At risk")
    OFF_TRACK = fc.Status.OFF_TRACK.value, _("Off track")
    TOO_LITTLE_DATA = fc.Status.TOO_LITTLE_DATA.value, _("Too little data")


class Forecast(models.Model):
    """One target's projection for one agency (floats: a forecast is an estimate, not a figure
    anyone reported)."""

    indicator = models.ForeignKey(
        "indicators.Indicator", on_delete=models.CASCADE, related_name="forecasts"
    )
    agency = models.ForeignKey(
        "orgunits.Agency", on_delete=models.CASCADE, related_name="forecasts"
    )
    target = models.ForeignKey(
        "indicators.Target", on_delete=models.CASCADE, related_name="forecasts"
    )
    computed_at = models.DateTimeField(default=timezone.now)
    method = models.CharField(max_length=16, choices=ForecastMethod.choices)
    status = models.CharField(max_length=16, choices=ForecastStatus.choices)
    projected = models.FloatField(null=True, blank=True)
    low = models.FloatField(null=True, blank=True)  # the 80% interval
    high = models.FloatField(null=True, blank=True)
    probability = models.FloatField(null=True, blank=True)  # of meeting the target
    mape = models.FloatField(null=True, blank=True)  # backtest error, percent
    points = models.PositiveIntegerField(default=0)
    horizon = models.IntegerField(null=True, blank=True)  # periods from the last value
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["indicator__code", "agency__path"]
        constraints = [
            models.UniqueConstraint(fields=["target", "agency"], name="one_forecast_per_target")
        ]
        indexes = [models.Index(fields=["agency", "status"])]

    def __str__(self) -> str:
        return f"{self.indicator_id}:{self.agency_id} {self.status}"
