from __future__ import annotations

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready when the database answers and every migration is applied."""
    try:
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        return JsonResponse({"status": "unavailable", "database": str(exc)}, status=503)
    if pending:
        names = [f"{m.app_label}.{m.name}" for m, _backwards in pending]
        return JsonResponse({"status": "migrations_pending", "pending": names}, status=503)
    return JsonResponse({"status": "ready"})


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"message": _("Not found.")}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"message": _("Internal error; it has been logged.")}, status=500)
    try:
        return render(request, "500.html", status=500)
    except Exception:  # the error page must not fail in its turn
        # E.g. static files never collected: the page's stylesheet link cannot be resolved.
        # Still the page in words, not Django's bare "Internal Server Error".
        title, text = (
            _("System error"),
            _(
                "Something went wrong on our side. The error has been logged; nothing you entered "
                "was saved twice. Please try again in a moment."
            ),
        )
        return HttpResponse(
            f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{escape(title)}'
            f"</title></head><body><h1>{escape(title)}</h1><p>{escape(text)}</p></body></html>",
            status=500,
        )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", {"message": str(exception or "")}, status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception or "") or _("The request could not be understood.")
    if request.path.startswith("/api/"):
        return JsonResponse({"message": message}, status=400)
    return render(request, "400.html", {"message": message}, status=400)
