"""The command centre's pages: overview, agency, indicator, comparison, map, wall; the live
event stream; block exports (CSV, Excel). Server-rendered; a live update re-renders one block
(`?block=<name>`, swapped in by htmx).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
)
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from dxgov.core import sse
from dxgov.dashboard import blocks, cache, feed, mapsvg, sources, tables
from dxgov.dashboard.blocks import Block, Scope
from dxgov.indicators.models import Indicator
from dxgov.orgunits.access import agencies_in_scope

FORMATS = {
    "csv": ("text/csv; charset=utf-8", tables.to_csv),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        tables.to_xlsx,
    ),
}


def _render_blocks(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    builders: dict[str, Callable[[], Block]],
    export: Callable[[str, str], str],
) -> HttpResponse:
    """The page, or one block of it when `?block=` names one (a live refresh). Blocks come
    rendered from the cache while no change they show has been committed (cache.py)."""
    heads = cache.heads_for(request)

    def build(name: str) -> str:
        block = builders[name]()
        block.exports = [(fmt.upper(), export(name, fmt)) for fmt in FORMATS]
        block.refresh = _refresh_url(request, name)
        return render_to_string("dashboard/_block.html", {"block": block})

    def html(name: str) -> str:
        return mark_safe(cache.block_html(request, name, heads, lambda: build(name)))  # noqa: S308 (our template's output)

    only = request.GET.get("block", "")
    if only:
        if only not in builders:
            raise Http404(_("No such block."))
        return HttpResponse(html(only))
    return render(
        request,
        template,
        {
            **context,
            "blocks": {name: html(name) for name in builders},
            # The stream starts after the changes these blocks already show.
            "last_event": max(heads.values(), default=0),
        },
    )


def _refresh_url(request: HttpRequest, name: str) -> str:
    query = request.GET.copy()
    query["block"] = name
    return f"{request.path}?{query.urlencode()}"


def _with_query(request: HttpRequest, url: str) -> str:
    query = request.GET.copy()
    query.pop("block", None)
    return f"{url}?{query.urlencode()}" if query else url


# Exported files are named in Vietnamese (without diacritics): "tong-quan-nhiem-vu.xlsx".
FILE_SLUGS = {
    "tasks": "nhiem-vu",
    "indicators": "chi-tieu",
    "reporting": "bao-cao",
    "warnings": "canh-bao",
    "ranking": "chi-so-766",
    "investments": "giai-ngan-dau-tu-cong",
    "map": "ban-do",
    "children": "don-vi-truc-thuoc",
    "values": "gia-tri",
    "compare": "so-sanh",
}


def _export(block: Block, fmt: str, filename: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404(_("No such format."))
    content_type, writer = FORMATS[fmt]
    response = HttpResponse(writer(block.table), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


# --- overview -----------------------------------------------------------------------------------


def default_map(scope: Scope) -> str:
    """The first key indicator reported by provinces, else reporting compliance."""
    for choice in blocks.map_choices(scope.year):
        if choice.key.startswith("indicator:"):
            return choice.key
    return "compliance"


def _common_builders(
    request: HttpRequest, scope: Scope, extra: dict[str, Callable[[], Block]]
) -> dict[str, Callable[[], Block]]:
    """The blocks the overview and an agency page share, with `extra` placed after the key
    indicators (the map, or the agency's departments and communes)."""
    figs: list[sources.Figure] = []
    rows: list[list[sources.Compliance]] = []

    def figures() -> list[sources.Figure]:
        if not figs:
            figs.extend(blocks.figures(scope))
        return figs

    def compliance() -> list[sources.Compliance]:
        # The warnings and the reporting block read the same compliance: compute it once.
        if not rows:
            rows.append(sources.compliance(request.user, scope.agency))
        return rows[0]

    def warnings_() -> Block:
        found = sources.early_warnings(
            request.user, scope.agency, scope.year, figures(), compliance()
        )
        return blocks.warnings_block(scope, found)

    return {
        "warnings": warnings_,
        "indicators": lambda: blocks.indicators_block(scope, figures()),
        **extra,
        "tasks": lambda: blocks.tasks_block(scope),
        "reporting": lambda: blocks.reporting_block(scope, compliance()),
    }


def _overview_builders(request: HttpRequest, scope: Scope) -> dict[str, Callable[[], Block]]:
    def map_() -> Block:
        return blocks.map_block(scope, request.GET.get("show", "") or default_map(scope))

    builders = _common_builders(request, scope, {"map": map_})
    builders["ranking"] = lambda: blocks.ranking_block(scope)
    builders["investments"] = lambda: blocks.investments_block(scope)
    return builders


@login_required
@cache.cached_page
def overview(request: HttpRequest) -> HttpResponse:
    scope = blocks.scope_for(request.user, None)
    return _render_blocks(
        request,
        "dashboard/overview.html",
        {"scope": scope},
        _overview_builders(request, scope),
        lambda name, fmt: reverse("dashboard:overview_export", args=[name, fmt]),
    )


@login_required
def overview_export(request: HttpRequest, block: str, fmt: str) -> HttpResponse:
    scope = blocks.scope_for(request.user, None)
    builders = _overview_builders(request, scope)
    if block not in builders:
        raise Http404(_("No such block."))
    return _export(builders[block](), fmt, f"tong-quan-{FILE_SLUGS.get(block, block)}")


# --- an agency ----------------------------------------------------------------------------------


def _chosen_indicator(request: HttpRequest, keys: list[Indicator]) -> Indicator | None:
    """The indicator the children block shows: the one asked for, else the first key one."""
    text = request.GET.get("indicator", "")
    if text.isdigit() and len(text) < 10:
        wanted = int(text)
        return next((i for i in keys if i.pk == wanted), None) or sources.indicator(wanted)
    return keys[0] if keys else None


def _agency_builders(
    request: HttpRequest, scope: Scope, chosen: Indicator | None
) -> dict[str, Callable[[], Block]]:
    children = {"children": lambda: blocks.children_block(scope, chosen)}
    return _common_builders(request, scope, children)


@login_required
@cache.cached_page
def agency(request: HttpRequest, code: str) -> HttpResponse:
    if code == sources.ROOT:
        return redirect("dashboard:overview")
    scope = blocks.scope_for(request.user, code)
    assert scope.agency is not None
    keys = sources.key_indicators(scope.year)
    chosen = _chosen_indicator(request, keys)
    return _render_blocks(
        request,
        "dashboard/agency.html",
        {
            "scope": scope,
            "agency": scope.agency,
            "parent": scope.agency.parent if scope.agency.parent_id else None,
            "indicator": chosen,
            "indicators": keys,
        },
        _agency_builders(request, scope, chosen),
        lambda name, fmt: _with_query(
            request, reverse("dashboard:agency_export", args=[code, name, fmt])
        ),
    )


@login_required
def agency_export(request: HttpRequest, code: str, block: str, fmt: str) -> HttpResponse:
    scope = blocks.scope_for(request.user, code)
    builders = _agency_builders(
        request, scope, _chosen_indicator(request, sources.key_indicators(scope.year))
    )
    if block not in builders:
        raise Http404(_("No such block."))
    return _export(builders[block](), fmt, f"{code}-{FILE_SLUGS.get(block, block)}")


# --- an indicator for an agency -------------------------------------------------------------


def _indicator(indicator_id: int) -> Indicator:
    indicator = sources.indicator(indicator_id)
    if indicator is None:
        raise Http404(_("No such indicator."))
    return indicator


@login_required
def indicator(request: HttpRequest, code: str, indicator_id: int) -> HttpResponse:
    scope = blocks.scope_for(request.user, code)
    ind = _indicator(indicator_id)
    fig = sources.figure(ind, scope.agency, scope.year)

    def values() -> Block:
        return blocks.indicator_detail_block(scope, sources.figure(ind, scope.agency, scope.year))

    history = sources.value_history(ind, scope.agency) if scope.agency is not None else []
    behind = []
    latest = fig.latest
    if latest is not None:
        for value in sources.values_behind(latest):
            if scope.sees(value.agency):
                behind.append(
                    {
                        "agency": value.agency,
                        "value": sources.show(
                            ind, sources.figure_of(ind, sources.contribution(ind, value))
                        ),
                        "report": value.report_id,
                    }
                )
    return _render_blocks(
        request,
        "dashboard/indicator.html",
        {
            "scope": scope,
            "agency": scope.agency,
            "indicator": ind,
            "figure": fig,
            "history": history,
            "behind": behind,
            "latest": latest,
        },
        {"values": values},
        lambda name, fmt: reverse("dashboard:indicator_export", args=[code, ind.pk, fmt]),
    )


@login_required
def indicator_export(request: HttpRequest, code: str, indicator_id: int, fmt: str) -> HttpResponse:
    scope = blocks.scope_for(request.user, code)
    ind = _indicator(indicator_id)
    block = blocks.indicator_detail_block(scope, sources.figure(ind, scope.agency, scope.year))
    return _export(block, fmt, f"{code}-{ind.code}")


# --- comparison ---------------------------------------------------------------------------------


def _pair(request: HttpRequest) -> tuple[Scope, Scope] | None:
    a, b = request.GET.get("a", "").strip()[:32], request.GET.get("b", "").strip()[:32]
    if not a or not b:
        return None
    return blocks.scope_for(request.user, a), blocks.scope_for(request.user, b)


@login_required
def compare(request: HttpRequest) -> HttpResponse:
    pair = _pair(request)
    if pair is not None and (pair[0].agency is None or pair[1].agency is None):
        raise Http404(_("Compare two agencies."))

    options = (
        agencies_in_scope(request.user)
        .current()
        .filter(kind__in=["people_committee", "ministry", "department"])
        .order_by("path")[:400]
    )
    builders: dict[str, Callable[[], Block]] = {}
    if pair is not None:
        builders["compare"] = lambda: blocks.compare_block(*pair)
    return _render_blocks(
        request,
        "dashboard/compare.html",
        {
            "a": request.GET.get("a", ""),
            "b": request.GET.get("b", ""),
            "options": options,
            "query": request.GET.urlencode(),
        },
        builders,
        lambda name, fmt: _with_query(request, reverse("dashboard:compare_export", args=[fmt])),
    )


@login_required
def compare_export(request: HttpRequest, fmt: str) -> HttpResponse:
    pair = _pair(request)
    if pair is None or pair[0].agency is None or pair[1].agency is None:
        raise Http404(_("Compare two agencies."))
    return _export(blocks.compare_block(*pair), fmt, "so-sanh")


# --- the map --------------------------------------------------------------------------------------


@login_required
def map_page(request: HttpRequest) -> HttpResponse:
    scope = blocks.scope_for(request.user, None)
    show = request.GET.get("show", "")[:40] or default_map(scope)
    return _render_blocks(
        request,
        "dashboard/map.html",
        {"choices": blocks.map_choices(scope.year), "show": show},
        {"map": lambda: blocks.map_block(scope, show)},
        lambda name, fmt: _with_query(
            request, reverse("dashboard:overview_export", args=[name, fmt])
        ),
    )


@login_required
@cache_control(private=True, max_age=60 * 60 * 24 * 365, immutable=True)
def silhouette(request: HttpRequest) -> HttpResponse:
    """The country's faint silhouette: one path, the same for everyone, cached for a year."""
    return HttpResponse(
        mapsvg.silhouette_svg(sources.commune_points()), content_type="image/svg+xml"
    )


# --- the wall -----------------------------------------------------------------------------------


@login_required
@cache.cached_page
def wall(request: HttpRequest) -> HttpResponse:
    scope = blocks.scope_for(request.user, None)
    text = request.GET.get("rotate", "20")
    rotate = int(text) if text.isdigit() and len(text) < 5 else 20
    rotate = max(5, min(rotate, 600))
    # The data's freshness: the latest change the feed holds, else the moment the blocks were made.
    fresh_at = feed.latest_at() or timezone.now()
    return _render_blocks(
        request,
        "dashboard/wall.html",
        {
            "scope": scope,
            "rotate": rotate,
            "fresh_at": fresh_at,
            "now": timezone.now(),
            "time_zone": settings.TIME_ZONE,
        },
        _overview_builders(request, scope),
        lambda name, fmt: reverse("dashboard:overview_export", args=[name, fmt]),
    )


# --- live events ----------------------------------------------------------------------------------


def _changes(last: int) -> list[tuple[int, str, dict[str, Any]]]:
    return [
        (
            change.id,
            "change",
            {
                "kind": change.kind,
                "agency": change.agency_code,
                "path": change.agency_path,
                "blocks": change.blocks,
            },
        )
        for change in feed.since(last)
    ]


@login_required
@require_GET
def events(request: HttpRequest) -> HttpResponseBase:
    """Server-sent events: which agency's figures changed and which blocks to refresh (the
    one stream of core.sse: bounded in time, resumed with Last-Event-ID)."""
    return sse.response(_changes, sse.start_after(request, feed.latest_id))
