from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dxgov.core.roles import CHANGE_ROLES, role_of
from dxgov.orgunits import actions
from dxgov.orgunits.access import access_agency, access_agency_for_change, in_scope
from dxgov.orgunits.dates import BadDate, parse_on
from dxgov.orgunits.lookup import predecessors, successors, unit_on
from dxgov.orgunits.models import Agency, AgencyKind, Level, OrgUnit

SEARCH_LIMIT = 50


def _on(request: HttpRequest) -> date:
    try:
        return parse_on(request.GET.get("on"), timezone.localdate(), typed=True)
    except BadDate as exc:
        raise BadRequest(str(exc)) from None


@login_required
def unit_tree(request: HttpRequest) -> HttpResponse:
    day = _on(request)
    query = request.GET.get("q", "").strip()[:100]
    units = OrgUnit.objects.on(day).select_related("parent")
    context: dict[str, object] = {"day": day, "query": query}
    if query:
        matches = units.search(query).order_by("level", "name")
        context["results"] = matches[:SEARCH_LIMIT]
        context["result_count"] = matches.count()
    else:
        context["provinces"] = units.filter(level=Level.PROVINCE).order_by("code")
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "unit-results":
        return render(request, "orgunits/_unit_results.html", context)
    return render(request, "orgunits/tree.html", context)


@login_required
def unit_children(request: HttpRequest, code: str) -> HttpResponse:
    day = _on(request)
    unit = unit_on(code, day)
    children = unit.children.on(day).order_by("name")
    return render(request, "orgunits/_unit_children.html", {"children": children, "day": day})


@login_required
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    day = _on(request)
    unit = unit_on(code, day)
    context = {
        "unit": unit,
        "day": day,
        "formed_from": predecessors(unit),
        "succeeded_by": successors(unit),
        "child_count": unit.children.count(),
        "agencies": unit.agencies.select_related("parent").order_by("kind", "name"),
        "same_code": OrgUnit.objects.filter(level=unit.level, code=unit.code)
        .exclude(pk=unit.pk)
        .order_by("valid_from"),
    }
    return render(request, "orgunits/unit_detail.html", context)


@login_required
def agency_tree(request: HttpRequest) -> HttpResponse:
    day = _on(request)
    query = request.GET.get("q", "").strip()[:100]
    agencies = Agency.objects.on(day).select_related("parent")
    context: dict[str, object] = {"day": day, "query": query}
    if query:
        matches = agencies.search(query)
        context["results"] = matches[:SEARCH_LIMIT]
        context["result_count"] = matches.count()
    else:
        top = agencies.filter(parent__code="CP")
        context["ministries"] = top.filter(kind=AgencyKind.MINISTRY).order_by("name")
        context["provinces"] = top.filter(kind=AgencyKind.PEOPLE_COMMITTEE).order_by("name")
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "agency-results":
        return render(request, "orgunits/_agency_results.html", context)
    return render(request, "orgunits/agencies.html", context)


@login_required
def agency_children(request: HttpRequest, code: str) -> HttpResponse:
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        raise Http404(_("No agency with code %(code)s.") % {"code": code})
    day = _on(request)
    children = agency.children.on(day).order_by("kind", "name")
    return render(request, "orgunits/_agency_children.html", {"children": children, "day": day})


@login_required
def agency_detail(request: HttpRequest, code: str) -> HttpResponse:
    agency = (
        Agency.objects.select_related("parent", "orgunit", "successor").filter(code=code).first()
    )
    if agency is None:
        raise Http404(_("No agency with code %(code)s.") % {"code": code})
    visible = in_scope(request.user, agency)
    context = {
        "agency": agency,
        "in_scope": visible,
        "may_change": visible and role_of(request.user) in CHANGE_ROLES,
        "staff": agency.users.filter(is_active=True).order_by("username") if visible else [],
        "predecessors": agency.predecessors.order_by("name"),
        "child_count": agency.children.count(),
    }
    return render(request, "orgunits/agency_detail.html", context)


@login_required
def agency_staff(request: HttpRequest, code: str) -> HttpResponse:
    agency = access_agency(request.user, code)
    staff = agency.users.filter(is_active=True).order_by("username")
    return render(request, "orgunits/agency_staff.html", {"agency": agency, "staff": staff})


class ContactForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=32, required=False)
    address = forms.CharField(label=gettext_lazy("Address"), max_length=255, required=False)


@login_required
def agency_edit(request: HttpRequest, code: str) -> HttpResponse:
    agency = access_agency_for_change(request.user, code)
    initial = {"email": agency.email, "phone": agency.phone, "address": agency.address}
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        actions.update_agency_contact(acting_user=request.user, agency=agency, **form.cleaned_data)
        messages.success(request, _("Contact details saved."))
        return redirect("orgunits:agency_detail", code=agency.code)
    return render(request, "orgunits/agency_edit.html", {"agency": agency, "form": form})
