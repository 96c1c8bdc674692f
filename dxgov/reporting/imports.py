"""Values from files and the API, saved through the one path the web form uses.

An uploaded Excel form (excel.parse_form) or a set of values sent to the API (JSON, or CSV
rows grouped by definition × agency × period) becomes ValueInputs for actions.save_values,
which validates with the same rules as the form and saves all-or-nothing per form. This module
never writes itself: it translates input and findings (to cells, or to an import summary).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from dxgov.core.uploads import UploadRefused, check_upload
from dxgov.indicators import validation
from dxgov.indicators.models import Indicator, ValueType
from dxgov.indicators.validation import Finding
from dxgov.orgunits.access import access_agency
from dxgov.orgunits.models import Agency
from dxgov.reporting import access, actions, entry, excel
from dxgov.reporting.models import ReportDefinition

# --- Excel ------------------------------------------------------------------------------------


@dataclass
class WorkbookResult:
    """What came of an upload: file and cell errors (nothing saved), or the save's outcome."""

    errors: list[excel.CellError] = field(default_factory=list)
    outcome: actions.SaveOutcome | None = None
    dry_run: bool = False
    # Warnings of values that were saved anyway (a soft rule with a comment), by cell.
    warnings: list[excel.CellError] = field(default_factory=list)


def figure_text(figure: excel.Figure | None, decimals: int) -> str | None:
    """A figure as the form's text: a number cell written as the form would show it.

    Written with at least the places the number has, so a figure with too many decimals is
    refused by the same rule as on the form instead of being rounded here.
    """
    if figure is None:
        return None
    if isinstance(figure, str):
        return figure
    if not figure.is_finite():
        return str(figure)
    exponent = figure.normalize().as_tuple().exponent
    places = max(decimals, -exponent if isinstance(exponent, int) and exponent < 0 else 0)
    return validation.format_number(figure, places)


def _form_indicators(definition: ReportDefinition) -> dict[str, Indicator]:
    return {
        f.indicator.code: f.indicator for f in definition.fields.select_related("indicator").all()
    }


def workbook_inputs(
    parsed: excel.ParsedUpload, indicators: dict[str, Indicator]
) -> list[entry.ValueInput]:
    """The rows of an uploaded form as the form's inputs.

    Every figure cell is passed on, so one of the wrong shape (a value typed into a ratio's
    grey value cell) is refused at its cell by the one shape rule, not ignored. A row whose
    figure cells are all empty clears the stored value only when the file showed one (the row
    carries its version): the same as emptying a field of the web form.
    """
    inputs = []
    for row in parsed.rows:
        indicator = indicators.get(row.code)
        decimals = indicator.decimals if indicator is not None else 0
        texts = [figure_text(f, decimals) for f in (row.value, row.numerator, row.denominator)]
        inputs.append(
            entry.ValueInput(
                indicator_code=row.code,
                value=texts[0],
                numerator=texts[1],
                denominator=texts[2],
                comment=row.comment,
                version=row.version,
                check_version=True,
                clear=row.version is not None and not any((t or "").strip() for t in texts),
            )
        )
    return inputs


def _cells(
    findings: dict[str, list[Finding]],
    rows: dict[str, excel.UploadRow],
    indicators: dict[str, Indicator],
    *,
    blocking_only: bool,
) -> list[excel.CellError]:
    cells = []
    for code, items in findings.items():
        row = rows.get(code)
        if row is None:
            continue
        indicator = indicators.get(code)
        is_ratio = indicator is not None and indicator.value_type == ValueType.RATIO
        for finding in items:
            is_blocking = validation.blocking([finding])
            if blocking_only != is_blocking:
                continue
            where = excel.finding_cell(row, finding.field, finding.rule, is_ratio)
            cells.append(excel.CellError(where.row, where.column, finding.message))
    return sorted(cells, key=lambda c: (c.row, c.column))


def import_workbook(
    *,
    acting_user: Any,
    definition: ReportDefinition,
    agency: Agency,
    period_code: str,
    name: str,
    data: bytes,
    dry_run: bool,
) -> WorkbookResult:
    """Check an uploaded form and save its values (all or nothing); a dry run saves nothing."""
    result = WorkbookResult(dry_run=dry_run)
    try:
        check_upload(name, data, allowed={"xlsx"}, max_bytes=settings.DXGOV_UPLOAD_MAX_BYTES)
    except UploadRefused as exc:
        result.errors.append(excel.CellError(0, 0, str(exc)))
        return result
    parsed = excel.parse_form(data)
    if parsed.errors:
        result.errors = parsed.errors
        return result
    expected = (definition.code, agency.code, period_code)
    if (parsed.definition_code, parsed.agency_code, parsed.period_code) != expected:
        result.errors.append(
            excel.CellError(
                0,
                0,
                _(
                    "This file is the form of %(file)s, not of %(page)s: upload it on its own "
                    "report's page, or download this form."
                )
                % {
                    "file": " / ".join(
                        (parsed.definition_code, parsed.agency_code, parsed.period_code)
                    ),
                    "page": " / ".join(expected),
                },
            )
        )
        return result
    indicators = _form_indicators(definition)
    rows = {row.code: row for row in parsed.rows}
    try:
        outcome = actions.save_values(
            acting_user=acting_user,
            definition=definition,
            agency=agency,
            period_code=period_code,
            inputs=workbook_inputs(parsed, indicators),
            dry_run=dry_run,
            source="excel",
        )
    except actions.ValuesRefused as exc:
        result.errors = _cells(exc.findings, rows, indicators, blocking_only=True)
        return result
    except (actions.ReportLocked, actions.WrongPeriod) as exc:
        result.errors.append(excel.CellError(0, 0, " ".join(exc.messages)))
        return result
    result.outcome = outcome
    result.warnings = _cells(outcome.findings, rows, indicators, blocking_only=False)
    return result


# --- the API: sets of values ------------------------------------------------------------------

CSV_COLUMNS = (
    "definition",
    "agency",
    "period",
    "indicator",
    "value",
    "numerator",
    "denominator",
    "comment",
    "version",
    "clear",
)
# How the CSV's optional "clear" column says yes or no.
CLEAR_WORDS = {"": False, "false": False, "0": False, "true": True, "1": True}
MAX_VALUES = 10_000


class ImportRefused(ValidationError):
    """The request cannot be read as values (a CSV without its columns, say); nothing saved."""


@dataclass(frozen=True)
class ValueItem:
    indicator: str
    value: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    comment: str = ""
    version: int | None = None
    line: int = 0  # the CSV line it came from (0: JSON)
    clear: bool = False  # remove the stored value (sent without any figure)


@dataclass
class ValueGroup:
    definition: str
    agency: str
    period: str
    items: list[ValueItem] = field(default_factory=list)


@dataclass
class ValueResult:
    indicator: str
    status: str  # created | updated | unchanged | deleted | refused | ignored
    findings: list[Finding] = field(default_factory=list)
    line: int = 0


@dataclass
class GroupResult:
    definition: str
    agency: str
    period: str
    status: str  # saved | checked (dry run) | refused | conflict | locked
    message: str = ""
    report: int | None = None
    values: list[ValueResult] = field(default_factory=list)


@dataclass
class ImportSummary:
    dry_run: bool
    groups: list[GroupResult] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, int]:
        counts = dict.fromkeys(
            ("created", "updated", "unchanged", "deleted", "refused", "ignored"), 0
        )
        for group in self.groups:
            for value in group.values:
                counts[value.status] += 1
        return counts

    @property
    def status(self) -> str:
        """success, conflict (some form changed since it was read) or refused."""
        statuses = {group.status for group in self.groups}
        if "conflict" in statuses or "locked" in statuses:
            return "conflict"
        if "refused" in statuses:
            return "refused"
        return "success"


def csv_groups(text: str) -> list[ValueGroup]:
    """CSV rows (with a header line naming CSV_COLUMNS) grouped by definition, agency, period."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = [name.strip().lower() for name in next(reader, [])]
    except csv.Error as exc:
        raise ImportRefused(_("The CSV cannot be read: %(error)s") % {"error": exc}) from exc
    missing = [c for c in ("definition", "agency", "period", "indicator") if c not in header]
    unknown = [c for c in header if c not in CSV_COLUMNS]
    if missing or unknown:
        raise ImportRefused(
            _(
                "The CSV's first line names the columns: %(columns)s "
                "(missing: %(missing)s; unknown: %(unknown)s)."
            )
            % {
                "columns": ",".join(CSV_COLUMNS),
                "missing": ", ".join(missing) or "—",
                "unknown": ", ".join(unknown) or "—",
            }
        )
    groups: dict[tuple[str, str, str], ValueGroup] = {}
    count = 0
    try:
        for line, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise ImportRefused(
                    _("Line %(line)d has %(found)d columns; the header has %(expected)d.")
                    % {"line": line, "found": len(row), "expected": len(header)}
                )
            count += 1
            if count > MAX_VALUES:
                raise ImportRefused(
                    _("At most %(max)d values in one request.") % {"max": MAX_VALUES}
                )
            cells = dict(zip(header, (cell.strip() for cell in row), strict=True))
            version_text = cells.get("version", "")
            if version_text and not (version_text.isdigit() and 0 < int(version_text) < 2**31):
                raise ImportRefused(
                    _("Line %(line)d: the version is a whole number from 1.") % {"line": line}
                )
            clear = CLEAR_WORDS.get(cells.get("clear", "").lower())
            if clear is None:
                raise ImportRefused(
                    _("Line %(line)d: the clear column is true or false (or empty).")
                    % {"line": line}
                )
            key = (cells["definition"], cells["agency"], cells["period"])
            if not all(key) or not cells["indicator"]:
                raise ImportRefused(
                    _("Line %(line)d: definition, agency, period and indicator are required.")
                    % {"line": line}
                )
            group = groups.setdefault(key, ValueGroup(*key))
            group.items.append(
                ValueItem(
                    indicator=cells["indicator"],
                    value=cells.get("value") or None,
                    numerator=cells.get("numerator") or None,
                    denominator=cells.get("denominator") or None,
                    comment=cells.get("comment", ""),
                    version=int(version_text) if version_text else None,
                    line=line,
                    clear=clear,
                )
            )
    except csv.Error as exc:
        raise ImportRefused(_("The CSV cannot be read: %(error)s") % {"error": exc}) from exc
    if not groups:
        raise ImportRefused(_("The CSV holds no values."))
    return list(groups.values())


@dataclass
class _Resolved:
    group: ValueGroup
    definition: ReportDefinition
    agency: Agency


def _resolve(user: Any, groups: Sequence[ValueGroup]) -> list[_Resolved]:
    """Every group's definition and agency, or the first refusal (nothing is saved then).

    An agency outside the caller's scope is a 404, a role that does not enter values a 403,
    before anything is saved.
    """
    resolved = []
    definitions = {
        d.code: d for d in ReportDefinition.objects.filter(code__in=[g.definition for g in groups])
    }
    for group in groups:
        definition = definitions.get(group.definition)
        agency = access_agency(user, group.agency)
        if not access.may_enter(user, agency):
            raise PermissionDenied(_("Only the agency's officers and leaders enter its figures."))
        if definition is None:
            raise ImportRefused(
                {
                    "definition": _("No report definition with code %(code)s.")
                    % {"code": group.definition}
                }
            )
        resolved.append(_Resolved(group, definition, agency))
    return resolved


def _inputs(items: Iterable[ValueItem]) -> list[entry.ValueInput]:
    return [
        entry.ValueInput(
            indicator_code=item.indicator,
            value=item.value,
            numerator=item.numerator,
            denominator=item.denominator,
            comment=item.comment,
            version=item.version,
            # Without a version the sender means to overwrite (DHIS2's import); with one,
            # a value changed since they read it is a conflict.
            check_version=item.version is not None,
            clear=item.clear,
            # Each item names its indicator to change it: one carrying nothing is refused.
            named=True,
        )
        for item in items
    ]


def _status_of(code: str, outcome: actions.SaveOutcome) -> str:
    for status, codes in (
        ("created", outcome.created),
        ("updated", outcome.updated),
        ("deleted", outcome.deleted),
    ):
        if code in codes:
            return status
    return "unchanged"


def import_values(
    *, acting_user: Any, groups: Sequence[ValueGroup], dry_run: bool
) -> ImportSummary:
    """Save each group of values all-or-nothing (a dry run saves none); summarise every value."""
    summary = ImportSummary(dry_run=dry_run)
    for item in _resolve(acting_user, groups):
        group = item.group
        result = GroupResult(group.definition, group.agency, group.period, status="saved")
        try:
            outcome = actions.save_values(
                acting_user=acting_user,
                definition=item.definition,
                agency=item.agency,
                period_code=group.period,
                inputs=_inputs(group.items),
                dry_run=dry_run,
                source="api",
            )
        except actions.ValuesRefused as exc:
            conflict = any(f.rule == "conflict" for items in exc.findings.values() for f in items)
            result.status = "conflict" if conflict else "refused"
            result.message = " ".join(exc.messages)
            for value in group.items:
                findings = exc.findings.get(value.indicator, [])
                refused = validation.blocking(findings)
                result.values.append(
                    ValueResult(
                        value.indicator, "refused" if refused else "ignored", findings, value.line
                    )
                )
        except actions.ReportLocked as exc:
            result.status = "locked"
            result.message = " ".join(exc.messages)
            result.values = [ValueResult(v.indicator, "ignored", [], v.line) for v in group.items]
        except ValidationError as exc:  # a wrong period, an agency that does not send it
            result.status = "refused"
            result.message = " ".join(exc.messages)
            result.values = [ValueResult(v.indicator, "ignored", [], v.line) for v in group.items]
        else:
            result.status = "checked" if dry_run else "saved"
            result.report = outcome.report.pk if outcome.report is not None else None
            result.values = [
                ValueResult(
                    v.indicator,
                    _status_of(v.indicator, outcome),
                    outcome.findings.get(v.indicator, []),
                    v.line,
                )
                for v in group.items
            ]
        summary.groups.append(result)
    return summary
