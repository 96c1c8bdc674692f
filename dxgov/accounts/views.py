from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dxgov.accounts import actions


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
