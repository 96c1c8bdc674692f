"""What the report files show, read from the database: the Excel form and the official document.

excel.py and document.py are pure (plain values in, bytes out); this module fills their inputs.
The caller has already checked access (access_report, access_agency).
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from dxgov.indicators.models import Indicator, Target, TargetState, ValueType
from dxgov.orgunits.models import Agency, AgencyKind
from dxgov.reporting import document, excel, periods
from dxgov.reporting.models import DataValue, Report, ReportDefinition
from dxgov.reporting.schedule import due_date_of

# Decree 30 Appendix III: the abbreviation of a report (BC) and of the issuing agency.
REPORT_SYMBOL = "BC"
_PLACE_PREFIXES = ("Thành phố ", "Tỉnh ", "Phường ", "Xã ", "Đặc khu ", "Thị trấn ")


def form_sheet(
    definition: ReportDefinition, agency: Agency, period: periods.Period
) -> excel.FormSheet:
    fields = list(definition.fields.select_related("indicator").order_by("position", "id"))
    stored = {
        value.indicator.code: value
        for value in DataValue.objects.select_related("indicator").filter(
            agency=agency, period=period.code, category=""
        )
    }
    report = Report.objects.filter(definition=definition, agency=agency, period=period.code).first()
    rows = []
    for form_field in fields:
        indicator = form_field.indicator
        value = stored.get(indicator.code)
        rows.append(
            excel.FormRow(
                code=indicator.code,
                name=indicator.name,
                unit=indicator.unit,
                value_type=indicator.value_type,
                decimals=indicator.decimals,
                value=value.value if value else None,
                numerator=value.numerator if value else None,
                denominator=value.denominator if value else None,
                comment=value.comment if value else "",
                version=value.version if value else None,
                min_value=indicator.min_value,
                max_value=indicator.max_value,
                section=form_field.section,
            )
        )
    return excel.FormSheet(
        definition_id=definition.pk,
        definition_code=definition.code,
        definition_name=definition.name,
        agency_code=agency.code,
        agency_name=agency.name,
        period_code=period.code,
        period_label=period.label_vi,
        cutoff_start=period.cutoff_start,
        cutoff_end=period.cutoff_end,
        due_date=report.due_date if report else due_date_of(definition, period),
        status_label=str(report.get_status_display()) if report else "",
        rows=rows,
    )


# --- the official document ------------------------------------------------------------------


def place_of(agency: Agency) -> str:
    """Where the agency sits, as the date line names it: "Phú Thọ"; central bodies: Hà Nội."""
    unit = agency.orgunit
    if unit is None:
        return "Hà Nội"
    name = unit.short_name or unit.name
    for prefix in _PLACE_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def agency_symbol(agency: Agency) -> str:
    """The issuing agency's abbreviation after "BC-": UBND, SKHCN, or the agency's code."""
    if agency.kind == AgencyKind.PEOPLE_COMMITTEE:
        return "UBND"
    if agency.kind == AgencyKind.DEPARTMENT:
        parts = agency.code.split("-")
        return "S" + parts[-1] if len(parts) >= 3 else agency.code
    return agency.code


def signer_titles(agency: Agency) -> list[str]:
    """The signing authority (thẩm quyền ký) for the agency's head."""
    if agency.kind == AgencyKind.PEOPLE_COMMITTEE:
        return ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    if agency.kind == AgencyKind.DEPARTMENT:
        return ["GIÁM ĐỐC"]
    if agency.kind == AgencyKind.MINISTRY:
        return ["BỘ TRƯỞNG"]
    return ["THỦ TRƯỞNG CƠ QUAN"]


def _shown(indicator: Indicator, value: DataValue | None) -> str:
    if value is None:
        return ""
    if indicator.value_type == ValueType.BOOLEAN:
        return "Có" if value.value else "Không" if value.value is not None else ""
    if indicator.value_type == ValueType.RATIO:
        ratio = document.format_number(value.value, indicator.decimals)
        if value.numerator is None or value.denominator is None:
            return ratio
        numerator = document.format_number(value.numerator, indicator.decimals)
        denominator = document.format_number(value.denominator, indicator.decimals)
        return f"{ratio} ({numerator}/{denominator})"
    return document.format_number(value.value, indicator.decimals)


def _target_for(indicator: Indicator, agency: Agency, year: int) -> Target | None:
    """The approved target of the year that applies to the agency by its scope (none when the
    targets are for other agencies: a provincial target is not a ward's)."""
    targets = Target.objects.filter(indicator=indicator, year=year, state=TargetState.APPROVED)
    return targets.applying_to(agency).get(indicator.pk)


def _same_period_last_year(period: periods.Period) -> periods.Period:
    return periods.Period(period.frequency, period.year - 1, period.index)


def document_of(report: Report, *, today: date | None = None) -> document.ReportDocument:
    agency = report.agency
    definition = report.definition
    period = periods.parse_period(report.period)
    last_year = _same_period_last_year(period)
    values = {
        (v.indicator_id, v.period): v
        for v in DataValue.objects.filter(
            agency=agency, period__in=[period.code, last_year.code], category=""
        )
    }
    rows = []
    for form_field in definition.fields.select_related("indicator").order_by("position", "id"):
        indicator = form_field.indicator
        current = values.get((indicator.pk, period.code))
        target = _target_for(indicator, agency, period.year)
        baseline = current_target = ""
        if target is not None:
            number = target.baseline_value if target.baseline_value is not None else target.value
            baseline = document.format_number(number, indicator.decimals)
            if target.revised:
                current_target = document.format_number(target.value, indicator.decimals)
        rows.append(
            document.DocumentRow(
                name=indicator.name,
                unit=indicator.unit,
                value=_shown(indicator, current),
                target_baseline=baseline,
                target_current=current_target,
                last_year=_shown(indicator, values.get((indicator.pk, last_year.code))),
                comment=current.comment if current else "",
            )
        )
    superior = agency.parent
    signed = report.approved_at or report.submitted_at
    day = timezone.localdate(signed) if signed else (today or timezone.localdate())
    approver = report.approved_by
    return document.ReportDocument(
        agency_name=agency.name,
        superior_name=superior.name
        if superior is not None and superior.kind != AgencyKind.GOVERNMENT
        else "",
        report_name=definition.name,
        period_label=period.label_vi,
        cutoff_start=period.cutoff_start,
        cutoff_end=period.cutoff_end,
        day=day,
        place=place_of(agency),
        number=report.document_number,
        symbol=f"{REPORT_SYMBOL}-{agency_symbol(agency)}",
        rows=rows,
        recipients=[definition.receiving_agency.name],
        signer_titles=signer_titles(agency),
        signer_name=(approver.full_name or approver.get_username()) if approver else "",
    )


def document_filename(report: Report) -> str:
    return f"BC-{report.definition.code}-{report.agency.code}-{report.period}.docx"
