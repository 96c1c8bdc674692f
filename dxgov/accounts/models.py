from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dxgov.core.roles import CENTRAL_ROLES, Role


class User(AbstractUser):
    """An official. Everything they may see or change is bounded by their agency."""

    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    agency = models.ForeignKey(
        "orgunits.Agency", on_delete=models.PROTECT, related_name="users", null=True
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_central(self) -> bool:
        """An administrator or central coordinator (templates ask this; rules use core.roles)."""
        return self.role in CENTRAL_ROLES

    def display_name(self) -> str:
        return self.full_name or self.username


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A bearer token for a system acting as a user. Only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    # The first characters are kept in clear so an operator can tell tokens apart.
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
