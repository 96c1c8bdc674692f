"""Writes to accounts: users, passwords and API tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from dxgov.accounts import tokens
from dxgov.accounts.models import ApiToken, User
from dxgov.audit.models import EventType
from dxgov.audit.record import changes, record
from dxgov.core.roles import Role
from dxgov.orgunits.models import Agency


@transaction.atomic
def create_user(
    *,
    acting_user: Any,
    username: str,
    password: str,
    agency: Agency,
    role: Role,
    full_name: str = "",
    email: str = "",
) -> User:
    user = User(username=username, agency=agency, role=role, full_name=full_name, email=email)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    record(
        event_type=EventType.USER_CREATED,
        acting_user=acting_user,
        target=user,
        agency_id=agency.pk,
        data={"new": {"username": username, "agency": agency.code, "role": str(role)}},
    )
    return user


@transaction.atomic
def update_user(
    *, acting_user: Any, user: User, agency: Agency, role: Role, full_name: str, email: str
) -> User:
    old = {
        "agency": user.agency.code if user.agency else None,
        "role": user.role,
        "full_name": user.full_name,
        "email": user.email,
    }
    user.agency, user.role, user.full_name, user.email = agency, role, full_name, email
    user.full_clean()
    user.save(update_fields=["agency", "role", "full_name", "email"])
    new = {"agency": agency.code, "role": str(role), "full_name": full_name, "email": email}
    changed = changes(old, new)
    if changed:
        record(
            event_type=EventType.USER_UPDATED,
            acting_user=acting_user,
            target=user,
            agency_id=agency.pk,
            data=changed,
        )
    return user


@transaction.atomic
def change_password(*, acting_user: Any, user: User, new_password: str) -> None:
    validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    # The password itself, or its hash, never enters the audit ledger.
    record(
        event_type=EventType.PASSWORD_CHANGED,
        acting_user=acting_user,
        target=user,
        agency_id=user.agency_id,
    )


@transaction.atomic
def create_token(
    *, acting_user: Any, user: User, name: str, days: int | None = None
) -> tuple[ApiToken, str]:
    """Create a token and return it with its clear text, which is never stored or shown again."""
    raw = tokens.new_token()
    lifetime = timedelta(days=days or settings.DXGOV_TOKEN_DAYS)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=tokens.display_prefix(raw),
        digest=tokens.digest(raw),
        expires_at=timezone.now() + lifetime,
    )
    record(
        event_type=EventType.TOKEN_CREATED,
        acting_user=acting_user,
        target=token,
        agency_id=user.agency_id,
        data={
            "new": {
                "user": user.username,
                "name": name,
                "prefix": token.prefix,
                "expires_at": token.expires_at,
            }
        },
    )
    return token, raw


@transaction.atomic
def revoke_token(*, acting_user: Any, token: ApiToken, reason: str = "") -> ApiToken:
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(
        event_type=EventType.TOKEN_REVOKED,
        acting_user=acting_user,
        target=token,
        agency_id=token.user.agency_id,
        data={"prefix": token.prefix},
        reason=reason,
    )
    return token


def authenticate_token(raw: str) -> ApiToken | None:
    """The usable token of an active user, or None. Marks it used (at most once a minute)."""
    token = (
        ApiToken.objects.usable().select_related("user").filter(digest=tokens.digest(raw)).first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


@transaction.atomic
def start_totp_enrolment(*, acting_user: User) -> TOTPDevice:
    """A fresh, unconfirmed authenticator key for the user (replacing any unconfirmed one)."""
    TOTPDevice.objects.filter(user=acting_user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=acting_user, name="authenticator", confirmed=False)


@transaction.atomic
def confirm_totp(*, acting_user: User, device: TOTPDevice, token: str) -> bool:
    """Confirm enrolment with a first valid code; False when the code is wrong."""
    if device.user_id != acting_user.pk or not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record(
        event_type=EventType.TWO_FACTOR_ENABLED,
        acting_user=acting_user,
        target=acting_user,
        agency_id=acting_user.agency_id,
    )
    return True


@transaction.atomic
def reset_two_factor(*, acting_user: User, user: User, reason: str) -> None:
    """Remove a user's authenticator (a lost phone); they enrol again at the next sign-in."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the second factor is being reset.")})
    TOTPDevice.objects.filter(user=user).delete()
    record(
        event_type=EventType.TWO_FACTOR_RESET,
        acting_user=acting_user,
        target=user,
        agency_id=user.agency_id,
        reason=reason,
    )


@transaction.atomic
def install_totp_key(*, acting_user: Any, user: User, key_hex: str, name: str) -> TOTPDevice:
    """Give a user an already-agreed authenticator key (used for the published demo accounts)."""
    device = TOTPDevice.objects.filter(user=user, name=name).first()
    if device is not None:
        return device
    device = TOTPDevice.objects.create(user=user, name=name, key=key_hex, confirmed=True)
    record(
        event_type=EventType.TWO_FACTOR_ENABLED,
        acting_user=acting_user,
        target=user,
        agency_id=user.agency_id,
        data={"device": name},
    )
    return device
