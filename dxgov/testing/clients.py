"""A signed-in test client, for the test suite and the in-process benchmarks."""

from __future__ import annotations

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from dxgov.accounts.models import User
from dxgov.accounts.twofactor import requires_second_factor


def client_for(user: User, *, second_factor: bool = True) -> Client:
    """A signed-in client; roles that need a second factor have given it, unless told not to."""
    client = Client()
    client.force_login(user)
    if second_factor and requires_second_factor(user):
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="test", defaults={"confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client
