"""Report files: the Excel form (download pre-filled, upload back) and the official .docx.

The upload goes through imports.import_workbook, hence actions.save_values: the same checks
and the same all-or-nothing save as the web form. Scope as everywhere: an agency or report
outside the user's scope is a 404; inside it, a role that does not enter figures is a 403.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from dxgov.core.limits import could_be_id
from dxgov.orgunits.access import access_agency
from dxgov.orgunits.models import Agency
from dxgov.reporting import access, actions, document, excel, exports, imports, periods
from dxgov.reporting.models import ReportDefinition


class FormUpload(forms.Form):
    file = forms.FileField(label=gettext_lazy("The filled-in form (.xlsx)"))
    dry_run = forms.BooleanField(
        required=False, initial=True, label=gettext_lazy("Check only (save nothing)")
    )


def _form_of(
    request: HttpRequest, definition_id: int, agency_code: str, period_code: str
) -> tuple[ReportDefinition, Agency, periods.Period]:
    if not could_be_id(definition_id):
        raise Http404(_("No such report definition."))
    definition = access.access_definition(request.user, definition_id)
    agency = access_agency(request.user, agency_code)
    if not definition.reporting_agencies.filter(pk=agency.pk).exists():
        raise Http404(_("This agency does not send this report."))
    try:
        period = actions.parse_period_for(definition, period_code)
    except actions.WrongPeriod as exc:
        raise Http404(" ".join(exc.messages)) from exc
    return definition, agency, period


def _attachment(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def form_xlsx(
    request: HttpRequest, definition_id: int, agency_code: str, period: str
) -> HttpResponse:
    """GET: the form pre-filled as .xlsx. POST: a filled-in form, checked and (unless a dry
    run) saved; the page lists each refused cell, or what was (or would be) saved."""
    definition, agency, parsed_period = _form_of(request, definition_id, agency_code, period)
    if request.method == "GET":
        sheet = exports.form_sheet(definition, agency, parsed_period)
        return _attachment(
            excel.form_workbook(sheet), excel.XLSX_CONTENT_TYPE, excel.filename(sheet)
        )
    access.require(
        access.may_enter(request.user, agency),
        _("Only the agency's officers and leaders enter its figures."),
    )
    upload = FormUpload(request.POST, request.FILES)
    result = None
    if upload.is_valid():
        file = upload.cleaned_data["file"]
        result = imports.import_workbook(
            acting_user=request.user,
            definition=definition,
            agency=agency,
            period_code=parsed_period.code,
            name=file.name or "",
            data=file.read(),
            dry_run=upload.cleaned_data["dry_run"],
        )
    return render(
        request,
        "reporting/form_upload.html",
        {
            "definition": definition,
            "agency": agency,
            "period": parsed_period,
            "form": upload,
            "result": result,
        },
        status=200,
    )


@login_required
@require_http_methods(["GET"])
def report_document(request: HttpRequest, report_id: int) -> HttpResponse:
    """The report as an official document (.docx, Decree 30/2020 format)."""
    if not could_be_id(report_id):
        raise Http404(_("No such report in your scope."))
    report = access.access_report(request.user, report_id)
    data = document.render(exports.document_of(report))
    return _attachment(data, document.DOCX_CONTENT_TYPE, exports.document_filename(report))
