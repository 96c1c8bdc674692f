"""Pages for the indicator catalogue and targets, with each indicator's series as is / as was.
They show reported values, so they sit with reporting, above the catalogue they read
(dxgov.indicators: models, targets, their rules)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dxgov.core.roles import is_central
from dxgov.indicators import actions
from dxgov.indicators import targets as target_rules
from dxgov.indicators.models import Indicator, Target, TargetBasis, TargetScope, ValueType
from dxgov.orgunits.access import access_agency, sees_everything
from dxgov.orgunits.models import AgencyKind, Level
from dxgov.reporting import periods, series_query
from dxgov.reporting.progress import progress_of_series

# Before this day provinces were the 63 former ones: a series across it can be shown either way.
MERGER = date(2025, 7, 1)

PAGE_SIZE = 50


def _role_ok(user: Any) -> bool:
    return is_central(user)


@login_required
def indicator_list(request: HttpRequest) -> HttpResponse:
    """The catalogue is reference data: every signed-in user reads all of it."""
    indicators = Indicator.objects.select_related("owner")
    query = request.GET.get("q", "").strip()[:100]
    value_type = request.GET.get("type", "")
    if query:
        indicators = indicators.search(query)
    if value_type in ValueType.values:
        indicators = indicators.filter(value_type=value_type)
    page = Paginator(indicators, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "indicators/indicator_list.html",
        {"page": page, "query": query, "types": ValueType.choices, "type": value_type},
    )


class TargetForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    value = forms.DecimalField(label=gettext_lazy("Target value"), max_digits=24, decimal_places=6)
    agency = forms.CharField(
        label=gettext_lazy("Agency code (empty: national or by kind)"), required=False
    )
    agency_kind = forms.ChoiceField(
        label=gettext_lazy("Or every agency of a kind"),
        required=False,
        choices=[
            ("", "—"),
            ("people_committee", gettext_lazy("People's Committees")),
            ("ministry", gettext_lazy("Ministries")),
            ("department", gettext_lazy("Provincial departments")),
        ],
    )
    agency_level = forms.ChoiceField(
        label=gettext_lazy("Of the administrative level (empty: every level)"),
        required=False,
        choices=[("", "—"), *Level.choices],
    )
    aggregation = forms.ChoiceField(
        label=gettext_lazy("Compared on (empty: the indicator's usual basis)"),
        required=False,
        choices=[("", "—"), *TargetBasis.choices],
    )
    q1 = forms.DecimalField(label=gettext_lazy("Q1 milestone"), required=False)
    q2 = forms.DecimalField(label=gettext_lazy("Q2 milestone"), required=False)
    q3 = forms.DecimalField(label=gettext_lazy("Q3 milestone"), required=False)
    basis = forms.CharField(label=gettext_lazy("Basis (document)"), required=False, max_length=300)

    def milestones(self) -> dict[int, Decimal]:
        data = self.cleaned_data
        return {q: data[f"q{q}"] for q in (1, 2, 3) if data.get(f"q{q}") is not None}


class ReviseForm(forms.Form):
    value = forms.DecimalField(label=gettext_lazy("New value"), max_digits=24, decimal_places=6)
    reason = forms.CharField(label=gettext_lazy("Reason (required)"), widget=forms.Textarea)


def _indicator(pk: int) -> Indicator:
    indicator = Indicator.objects.select_related("owner").filter(pk=pk).first()
    if indicator is None:
        raise Http404(_("No such indicator."))
    return indicator


@login_required
def indicator_detail(request: HttpRequest, indicator_id: int) -> HttpResponse:
    indicator = _indicator(indicator_id)
    targets = (
        Target.objects.filter(indicator=indicator)
        .select_related("agency", "approved_by")
        .prefetch_related("milestones", "revisions__changed_by")
        .order_by("-year", "agency__path", "agency_kind")
    )
    series = _series(request, indicator)
    context = {
        "indicator": indicator,
        "series": series,
        # The year so far for the chosen agency against the target that applies to it (none
        # when the targets are for other agencies), like with like.
        "progress": progress_of_series(
            indicator, series["agency"], timezone.localdate().year, series["points"]
        ),
        "targets": [(target, scope_text(target)) for target in targets],
        "may_edit": _role_ok(request.user),
        "target_form": TargetForm(),
        "revise_form": ReviseForm(),
        "definitions": indicator.report_definitions.all(),
    }
    return render(request, "indicators/indicator_detail.html", context)


SERIES_PERIODS = 36


def _series(request: HttpRequest, indicator: Indicator) -> dict[str, Any]:
    """The indicator over the last periods for an agency's subtree (national by default),
    shown "as is" (on today's 34 provinces) or "as was" (on the 63 before 1 July 2025)."""
    user: Any = request.user
    default = "CP" if sees_everything(user) or user.agency is None else user.agency.code
    code = request.GET.get("agency", "").strip()[:32] or default
    view = request.GET.get("view", "as_is")
    if view not in series_query.VIEWS:
        view = "as_is"
    try:
        agency = access_agency(user, code)
    except Http404:
        agency = access_agency(user, default)
    frequency = periods.Frequency(indicator.periodicity)
    last = periods.period_containing(frequency, timezone.localdate())
    wanted = [last]
    while len(wanted) < SERIES_PERIODS and wanted[-1].year > 2000:
        wanted.append(wanted[-1].previous())
    wanted.reverse()
    points = series_query.series_for(indicator, agency, wanted, view=view)
    labels = {p.code: p.label_vi for p in wanted}
    rows = [
        {"period": labels[p.period], "code": p.period, "point": p}
        for p in points
        if p.value is not None
    ]
    merged = any(p.end < MERGER for p in wanted)
    return {
        "agency": agency,
        "view": view,
        "rows": rows,
        "points": points,
        "spans_merger": merged,
    }


def scope_text(target: Target) -> str:
    """Whom a target is for, in words: "Ủy ban nhân dân tỉnh Phú Thọ", "each People's
    Committee (Province)", "the nation as a whole"."""
    if target.scope == TargetScope.AGENCY and target.agency is not None:
        return target.agency.name
    if target.scope == TargetScope.EACH:
        kind = str(dict(AgencyKind.choices).get(target.agency_kind, target.agency_kind))
        if target.agency_level:
            level = str(dict(Level.choices).get(target.agency_level, target.agency_level))
            return _("each %(kind)s, %(level)s level") % {"kind": kind, "level": level}
        return _("each %(kind)s") % {"kind": kind}
    return str(TargetScope.NATIONAL.label)


@login_required
@require_POST
def target_set(request: HttpRequest, indicator_id: int) -> HttpResponse:
    indicator = _indicator(indicator_id)
    if not _role_ok(request.user):
        raise PermissionDenied(_("Only central coordinators set targets."))
    form = TargetForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for ms in form.errors.values() for m in ms))
        return redirect("indicators:indicator_detail", indicator_id=indicator.pk)
    data = form.cleaned_data
    try:
        agency = access_agency(request.user, data["agency"]) if data["agency"] else None
        actions.set_target(
            acting_user=request.user,
            indicator=indicator,
            year=data["year"],
            value=data["value"],
            agency=agency,
            agency_kind=data["agency_kind"],
            agency_level=data["agency_level"],
            milestones=form.milestones(),
            basis=data["basis"],
            aggregation=data["aggregation"]
            or target_rules.suggested_basis(
                value_type=indicator.value_type,
                cumulative=indicator.cumulative,
                periodicity=indicator.periodicity,
            ).value,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Target saved as a draft."))
    return redirect("indicators:indicator_detail", indicator_id=indicator.pk)


def _target(indicator: Indicator, target_id: int) -> Target:
    target = Target.objects.filter(pk=target_id, indicator=indicator).first()
    if target is None:
        raise Http404(_("No such target."))
    return target


@login_required
@require_POST
def target_approve(request: HttpRequest, indicator_id: int, target_id: int) -> HttpResponse:
    indicator = _indicator(indicator_id)
    target = _target(indicator, target_id)
    try:
        actions.approve_target(acting_user=request.user, target=target)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Target approved: it is now the baseline."))
    return redirect("indicators:indicator_detail", indicator_id=indicator.pk)


@login_required
@require_POST
def target_revise(request: HttpRequest, indicator_id: int, target_id: int) -> HttpResponse:
    indicator = _indicator(indicator_id)
    target = _target(indicator, target_id)
    form = ReviseForm(request.POST)
    if not form.is_valid():
        if not _role_ok(request.user):
            raise PermissionDenied(_("Only central coordinators revise targets."))
        messages.error(request, _("Give the new value and the reason for the change."))
        return redirect("indicators:indicator_detail", indicator_id=indicator.pk)
    try:
        actions.revise_target(
            acting_user=request.user,
            target=target,
            value=form.cleaned_data["value"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Target revised; the baseline stays on record."))
    return redirect("indicators:indicator_detail", indicator_id=indicator.pk)
