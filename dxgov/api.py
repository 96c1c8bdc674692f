"""The REST API at /api/v1/: one NinjaAPI, one router per app, JSON errors a person can act on."""

from __future__ import annotations

import copy
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
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema
from ninja.operation import Operation
from ninja.parser import Parser
from ninja.security import HttpBearer, SessionAuth
from pydantic import ConfigDict, Field

from dxgov.accounts import ratelimit
from dxgov.accounts.actions import authenticate_token
from dxgov.core.errors import BadRequest, TransitionNotAllowed
from dxgov.core.limits import MAX_JSON_DEPTH, nests_deeper_than
from dxgov.core.text import NFCParser, nfc_deep


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


class NestedTooDeep(ValueError):
    """A JSON body with arrays or objects nested deeper than MAX_JSON_DEPTH."""


class NotAnObject(ValueError):
    """A JSON body that is not an object: a list, a string, a number, true, false or null."""


class BodyParser(NFCParser):
    """The API's parser: a JSON body nested too deeply is refused before anything walks it
    (by recursion), then every string in NFC (core.text.NFCParser)."""

    def parse_body(self, request: HttpRequest) -> Any:
        value = Parser.parse_body(self, request)
        if nests_deeper_than(value):
            raise NestedTooDeep
        if not isinstance(value, dict):
            # Every body the API declares is an object; Ninja's schemas would read a list, a
            # string or a number as an object without fields (all defaults) and go on.
            raise NotAnObject
        return nfc_deep(value)


class ApiFieldErrorOut(Schema):
    field: str = Field(..., description="Where the problem is: body.payload.title, query.page")
    message: str


class ApiErrorOut(Schema):
    """Every error answer of the API: a message a person can act on, sometimes details."""

    # Some answers add their own keys (409: "current" and "action").
    model_config = ConfigDict(extra="allow")

    message: str = Field(..., min_length=1)
    errors: list[ApiFieldErrorOut] | list[str] | dict[str, list[str]] | None = Field(
        None, description="422: each field and its problem; 400: each refusal"
    )


# The answers any operation may give besides its own (the handlers below make them), declared
# on every operation so that a client generated from the schema knows them.
ERROR_ANSWERS = {
    400: "The request cannot be read or is refused (the message says why)",
    401: "Not signed in, or the token is not valid",
    403: "Not allowed for this account",
    404: "No such object, or not in the account's scope",
    422: "A parameter or a field of the body is not valid (errors: which and why)",
    429: "Too many requests with this token (Retry-After says when to try again)",
}
WRITE_ERROR_ANSWERS = {
    409: "The object's current state does not allow this (the message says why)",
    413: "The request body is too large",
}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class DxgovOpenAPISchema(OpenAPISchema):
    """Ninja's OpenAPI schema, with every operation's error answers declared (ApiErrorOut), and
    the components that two schema classes of the same name would overwrite listed in
    `conflicts` (test_bodies checks it stays empty: such a component describes the wrong body)."""

    def __init__(self, api: NinjaAPI, path_prefix: str) -> None:
        self.conflicts: set[str] = set()
        super().__init__(api, path_prefix)

    def operation_details(self, operation: Operation) -> dict[str, Any]:
        details: dict[str, Any] = super().operation_details(operation)
        body = details.get("requestBody")
        if body is not None:
            # A body declared by hand (openapi_extra, for endpoints that read it themselves)
            # may carry pydantic's "$defs", which "#/$defs/…" names relative to the document
            # root in OpenAPI: broken. Its definitions become components like any other.
            details["requestBody"] = body = copy.deepcopy(body)
            for media in body.get("content", {}).values():
                schema = media.get("schema")
                if isinstance(schema, dict) and "$defs" in schema:
                    media["schema"] = self._hoisted(schema)
        return details

    def _hoisted(self, schema: dict[str, Any]) -> dict[str, Any]:
        text = json.dumps(schema).replace('"#/$defs/', '"' + REF_TEMPLATE.format(model=""))
        hoisted: dict[str, Any] = json.loads(text)
        self.add_schema_definitions(hoisted.pop("$defs"))
        return hoisted

    def add_schema_definitions(self, definitions: dict[str, Any]) -> None:
        for name, definition in definitions.items():
            known = self.schemas.get(name)
            if known is not None and known != definition:
                self.conflicts.add(name)
        super().add_schema_definitions(definitions)

    def responses(self, operation: Operation) -> dict[int, dict[str, Any]]:
        answers = super().responses(operation)
        declared = dict(ERROR_ANSWERS)
        if WRITE_METHODS & set(operation.methods):
            declared.update(WRITE_ERROR_ANSWERS)
        reference = {"$ref": REF_TEMPLATE.format(model="ApiErrorOut")}
        content = {self.api.renderer.media_type: {"schema": reference}}
        for status, description in declared.items():
            answers.setdefault(status, {"description": description, "content": content})
        if "ApiErrorOut" not in self.schemas:
            schema = ApiErrorOut.model_json_schema(ref_template=REF_TEMPLATE)
            self.add_schema_definitions({**schema.pop("$defs", {}), "ApiErrorOut": schema})
        return answers


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

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> DxgovOpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return DxgovOpenAPISchema(self, path_prefix)


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
    except (ValueError, RecursionError):
        return False  # not JSON, or nested too deeply: the endpoint refuses it as such


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
    # Every string of a JSON body, a query and a form in NFC (core.text); too deep refused.
    parser=BodyParser(),
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
    if any(error.get("type") == "json_invalid" for error in exc.errors):
        # A body the endpoint decoded itself (pydantic's JSON reader) and could not read at
        # all: malformed, like any other body that is not JSON (400), not a field's value.
        return _error(request, _("The request body cannot be read; send JSON."), 400)
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
        message = _unreadable_body(exc.__cause__)
    else:
        message = str(exc.message) or _("The request cannot be served.")
    return _error(request, message, exc.status_code)


def _unreadable_body(cause: BaseException | None) -> str:
    """Why a body cannot be read, as precisely as the parser's exception tells."""
    if isinstance(cause, UnicodeDecodeError):
        return _("The request body is not UTF-8 text; send JSON encoded in UTF-8.")
    if isinstance(cause, (NestedTooDeep, RecursionError)):
        return _("The request body nests arrays or objects more than %(depth)s levels deep.") % {
            "depth": MAX_JSON_DEPTH
        }
    if isinstance(cause, NotAnObject):
        return _("The request body must be a JSON object: {…}.")
    return _("The request body cannot be read; send JSON.")


# Endpoints that decode their body themselves (datavalues, dossier batches) meet the same
# bodies: whatever they miss is a 400 saying why, never a 500.
@api.exception_handler(UnicodeDecodeError)
def not_utf8(request: HttpRequest, exc: UnicodeDecodeError) -> HttpResponse:
    return _error(request, _unreadable_body(exc), 400)


@api.exception_handler(RecursionError)
def too_deep(request: HttpRequest, exc: RecursionError) -> HttpResponse:
    return _error(request, _unreadable_body(exc), 400)


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
api.add_router("/", "dxgov.forecasting.api.router")
api.add_router("/", "dxgov.dashboard.api.router")
api.add_router("/", "dxgov.investments.api.router")
api.add_router("/", "dxgov.indices.api.router")
api.add_router("/", "dxgov.programmes.api.router")
api.add_router("/", "dxgov.committees.api.router")
