"""Models the whole platform shares: the working-day calendar's configured days."""

from __future__ import annotations

from django.db import models


class Holiday(models.Model):
    """A day off added to (or, with `working`, taken out of) the statutory public holidays.

    Compensatory days (nghỉ bù) and the Government's yearly Tết arrangements change from
    year to year, so coordinators keep them here; `dxgov.core.calendar.vietnam_public_holidays`
    gives the fixed ones, and `dxgov.core.holidays.calendar_for` merges both into the one
    working-day calendar (reporting deadlines and Decision 766 alike).
    """

    day = models.DateField(unique=True)
    name = models.CharField(max_length=200)
    # True: a weekend day declared a working day (làm bù) or a statutory holiday cancelled.
    working = models.BooleanField(default=False)

    class Meta:
        db_table = "reporting_holiday"  # created by the reporting app, where it began
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.name}"
