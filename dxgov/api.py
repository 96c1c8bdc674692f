"""The REST API at /api/v1/: one NinjaAPI, one router per app, JSON errors a person can act on."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.urls import URLPattern, URLResolver, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from dxgov.accounts import ratelimit
from dxgov.accounts.actions import authenticate_token
from dxgov.directives.rules import TransitionNotAllowed


class RateLimited(Exception):
    """A token made more requests this minute than it may."""


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = authenticate_token(token)
        if found is None:
            return None
        if not ratelimit.allow(f"token:{found.pk}", settings.DXGOV_TOKEN_RATE_PER_MINUTE):
            raise RateLimited
        # Endpoints read request.user whichever way the caller signed in.
        request.user = found.user
        return found.user


class ActiveSession(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


View = Callable[..., HttpResponseBase]


class DxgovAPI(NinjaAPI):
    """NinjaAPI whose every answer under /api/v1/ is JSON, even those Ninja and Django make.

    Ninja answers a method an endpoint lacks with a plain-text 405, and Django answers a path
    no endpoint matches (/tasks/abc against an int id) with the HTML 404 page; here both
    become JSON with a "message", as every other API error. A NUL character in the path or
    query (which PostgreSQL refuses in any query) is a 400 before the endpoint runs.
    """

    def _get_urls(self) -> list[URLPattern | URLResolver]:
        patterns = super()._get_urls()
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = _json_answers(pattern.callback)
        patterns.append(re_path(r"^.*$", _no_such_endpoint, name="no-such-endpoint"))
        return patterns


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


def _has_nul(request: HttpRequest) -> bool:
    """Whether the path, the query or a JSON body has a NUL character.

    PostgreSQL refuses NUL in any query, so such text would fail at the database.
    """
    if "\x00" in request.path:
        return True
    if any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in request.GET.lists()
    ):
        return True
    body = request.body
    # JSON escapes with a lower-case u only (no copy of the body lowered).
    if b"\\u0000" not in body:
        return False
    try:
        return _holds_nul(json.loads(body))
    except ValueError:
        return False  # not JSON: the endpoint refuses it as such


def _json_answers(view: View) -> View:
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            if _has_nul(request):
                return _error(request, _("Text in a request may not contain NUL characters."), 400)
        except RequestDataTooBig:
            return _too_big(request)
        response = view(request, *args, **kwargs)
        if response.status_code != 405 or response.get("Content-Type", "").startswith(
            "application/json"
        ):
            return response
        allowed = response.get("Allow", "")
        message = _("Method %(method)s is not allowed here; allowed: %(allowed)s.") % {
            "method": request.method,
            "allowed": allowed,
        }
        answer = _error(request, message, 405)
        answer["Allow"] = allowed
        return answer

    return wrapped


def _too_big(request: HttpRequest) -> HttpResponse:
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE: say the limit and what to do, in JSON."""
    megabytes = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
    message = _(
        "The request body is larger than %(mb)s MB. Send it gzip-compressed "
        "(Content-Encoding: gzip) or split it into smaller batches."
    ) % {"mb": megabytes}
    return _error(request, message, 413)


@csrf_exempt
def _no_such_endpoint(request: HttpRequest) -> HttpResponse:
    return _error(request, _("No API endpoint at this address."), 404)


api = DxgovAPI(
    title="dxgov API",
    version="1",
    description="Command and monitoring platform for national digital transformation.",
    auth=[BearerToken(), ActiveSession()],
    urls_namespace="api",
    docs_url="/docs",
)


def _error(request: HttpRequest, message: str, status: int, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"message": message, **extra}, status=status)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    message = str(exc) if exc.args else _("Not found.")
    return _error(request, message, 404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, str(exc) or _("You may not do this."), 403)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = _("Sign in, or send a valid token as 'Authorization: Bearer <token>'.")
    return _error(request, message, 401)


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"field": ".".join(str(p) for p in error.get("loc", [])), "message": error.get("msg", "")}
        for error in exc.errors
    ]
    first = errors[0] if errors else {"field": "", "message": ""}
    message = _("Invalid input in %(field)s: %(message)s") % first
    return _error(request, message, 422, errors=errors)


@api.exception_handler(DjangoValidationError)
def refused(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    messages = exc.messages
    return _error(request, " ".join(messages), 400, errors=messages)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # Ninja's own refusals, such as a request body that is not JSON at all.
    if exc.status_code == 400:
        message = _("The request body cannot be read; send JSON.")
    else:
        message = str(exc.message) or _("The request cannot be served.")
    return _error(request, message, exc.status_code)


@api.exception_handler(RateLimited)
def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    message = _("Too many requests with this token; wait %(seconds)s seconds.") % {
        "seconds": ratelimit.seconds_left_in_window()
    }
    response = _error(request, message, 429)
    response["Retry-After"] = str(ratelimit.seconds_left_in_window())
    return response


@api.exception_handler(TransitionNotAllowed)
def conflict(request: HttpRequest, exc: TransitionNotAllowed) -> HttpResponse:
    # A status change the task's current status does not allow: 409, saying why.
    return _error(request, exc.message, 409, current=exc.current, action=exc.action)


class BadRequest(Exception):
    """Input that parses but cannot be served (a date out of range, say)."""


@api.exception_handler(BadRequest)
def bad_request(request: HttpRequest, exc: BadRequest) -> HttpResponse:
    return _error(request, str(exc), 400)


api.add_router("/", "dxgov.accounts.api.router")
api.add_router("/", "dxgov.orgunits.api.router")
api.add_router("/", "dxgov.directives.api.router")
api.add_router("/", "dxgov.audit.api.router")
api.add_router("/", "dxgov.notifications.api.router")
api.add_router("/", "dxgov.reporting.api.router")
api.add_router("/", "dxgov.dossiers.api.router")
api.add_router("/", "dxgov.scoring.api.router")
