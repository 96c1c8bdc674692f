"""Sessions of roles that need a second factor reach nothing until it is given."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from dxgov.accounts.twofactor import requires_second_factor

OPEN_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/static/", "/healthz", "/readyz", "/i18n/")


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            requires_second_factor(user)
            and not user.is_verified()  # type: ignore[union-attr]
            and not request.path.startswith(OPEN_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                message = _("Confirm your sign-in with the code from your authenticator app first.")
                return JsonResponse({"message": message}, status=403)
            return redirect(f"/accounts/2fa/?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
