"""Administrative units and agencies, both effective-dated.

Codes are unique only within a validity period (province code 15 was Yên Bái until
30 June 2025 and is Lào Cai from 1 July 2025), so every lookup by code takes a date.
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dxgov.core.text import fold
from dxgov.orgunits.agencies import short_agency_name


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")


def in_force_on(day: date) -> Q:
    """Rows valid on `day`: valid_from and valid_to are inclusive, null means open-ended."""
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


class OrgUnitQuerySet(models.QuerySet["OrgUnit"]):
    def on(self, day: date) -> OrgUnitQuerySet:
        return self.filter(in_force_on(day))

    def search(self, text: str) -> OrgUnitQuerySet:
        return self.filter(search_text__contains=fold(text))


class OrgUnit(models.Model):
    code = models.CharField(max_length=10)
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=200)
    level = models.CharField(max_length=16, choices=Level.choices)
    unit_type = models.CharField(max_length=32)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    area_km2 = models.FloatField(null=True, blank=True)
    # Accent-free lower-case name, so "phu tho" finds "Phú Thọ".
    search_text = models.CharField(max_length=400, db_index=True)

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        ordering = ["level", "code", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "code", "valid_from"], name="orgunit_code_period"
            )
        ]
        indexes = [models.Index(fields=["level", "code"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_current(self) -> bool:
        return self.valid_to is None


class Succession(models.Model):
    """A predecessor unit whose territory passed (wholly or partly) to a successor."""

    predecessor = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="successions")
    successor = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="formed_from")
    is_partial = models.BooleanField(default=False)
    # For a split unit, the successor the official conversion table names by default.
    is_default = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="succession_unique")
        ]

    def __str__(self) -> str:
        return f"{self.predecessor_id} → {self.successor_id}"


class AgencyKind(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    MINISTRY = "ministry", _("Ministry or ministerial-level agency")
    PEOPLE_COMMITTEE = "people_committee", _("People's Committee")
    DEPARTMENT = "department", _("Provincial department")


class AgencyQuerySet(models.QuerySet["Agency"]):
    def on(self, day: date) -> AgencyQuerySet:
        return self.filter(in_force_on(day))

    def current(self) -> AgencyQuerySet:
        return self.filter(valid_to__isnull=True)

    def under(self, agency: Agency) -> AgencyQuerySet:
        """The agency itself and every agency below it in the hierarchy."""
        return self.filter(path__startswith=agency.path)

    def search(self, text: str) -> AgencyQuerySet:
        return self.filter(search_text__contains=fold(text))


class Agency(models.Model):
    """A body that acts: assigns or receives tasks, reports data, approves."""

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255, blank=True)
    # As charts and tables write it ("TP Hồ Chí Minh", "Bộ KH&CN"); blank: by rule (`label`).
    short_name = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=32, choices=AgencyKind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    orgunit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="agencies"
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    successor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="predecessors"
    )
    # Materialised path of codes ("/CP/UBND-T25/SO-25-TC/"): scope checks are one prefix match.
    path = models.CharField(max_length=255, db_index=True)
    search_text = models.CharField(max_length=400, db_index=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=32, blank=True)
    address = models.CharField(max_length=255, blank=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name

    @property
    def is_current(self) -> bool:
        return self.valid_to is None

    @property
    def label(self) -> str:
        """The short name ("Phú Thọ", "Bộ KH&CN"): as given, else by rule from the name."""
        return self.short_name or short_agency_name(self.name, self.code)

    def contains(self, other: Agency) -> bool:
        return other.path.startswith(self.path)
