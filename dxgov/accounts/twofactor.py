"""Who must sign in with a second factor, and the TOTP device helpers."""

from __future__ import annotations

import base64
import io
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from dxgov.core.roles import Role

SECOND_FACTOR_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.LEADER})


def requires_second_factor(user: Any) -> bool:
    return bool(
        settings.DXGOV_REQUIRE_2FA
        and getattr(user, "is_authenticated", False)
        and Role(user.role) in SECOND_FACTOR_ROLES
    )


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def base32_key(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed in."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def qr_svg(device: TOTPDevice) -> str:
    """The provisioning URI as an SVG QR code, drawn here: no outside service, no script."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()
