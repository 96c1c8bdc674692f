from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from dxgov.accounts import actions
from dxgov.accounts.twofactor import base32_key, confirmed_device, qr_svg, requires_second_factor
from dxgov.orgunits.access import agencies_in_scope


class _CheckOnlyPasswordChangeForm(PasswordChangeForm):
    """Django's form for checking input; the change itself goes through the action."""

    def save(self, commit: bool = True):  # type: ignore[no-untyped-def]
        raise NotImplementedError("use accounts.actions.change_password")


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = _CheckOnlyPasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.change_password(
            acting_user=request.user,
            user=request.user,  # type: ignore[arg-type]
            new_password=form.cleaned_data["new_password1"],
        )
        update_session_auth_hash(request, request.user)  # type: ignore[arg-type]
        messages.success(request, _("Your password has been changed."))
        return redirect("core:home")
    return render(request, "accounts/password_change.html", {"form": form})


class CodeForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    allowed = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    return target if allowed else "/"


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Give the code (or enrol an authenticator first); then continue where the user was going."""
    user: Any = request.user
    if not requires_second_factor(user) or user.is_verified():
        return redirect(_safe_next(request))
    device = confirmed_device(user)
    enrolling = device is None
    if enrolling:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if device is None:
            device = actions.start_totp_enrolment(acting_user=user)
    assert device is not None
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].strip()
        ok = (
            actions.confirm_totp(acting_user=user, device=device, token=token)
            if enrolling
            else device.verify_token(token)
        )
        if ok:
            otp_login(request, device)
            return redirect(_safe_next(request))
        form.add_error("token", _("The code is not right or has expired; try the current one."))
    context: dict[str, Any] = {"form": form, "enrolling": enrolling, "next": _safe_next(request)}
    if enrolling:
        context.update(secret=base32_key(device), qr=mark_safe(qr_svg(device)))  # noqa: S308
    return render(request, "accounts/two_factor.html", context)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The landing page after sign-in: where to go, and how many agencies the user sees."""
    scope_size = agencies_in_scope(request.user).current().count()
    return render(request, "core/home.html", {"scope_size": scope_size})
