"""Bulk updates from the API (JSON or CSV) and the Excel template: every row resolved,
judged and saved by the same actions as the form, all or nothing, with a summary per row.

A row names its project by code, among the projects the user may see; every other check is
`rules.py`'s, through `actions.save_disbursements` (and, for the Excel template's projects and
plans, `create_project`, `record_decision` and `record_allocation`). A refused row's findings
are kept by field, so the API answers them per row and the Excel import per cell.
"""

from __future__ import annotations

import csv
import gc
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from dxgov.audit.models import EventType
from dxgov.audit.record import record
from dxgov.investments import access, actions, excel, rules
from dxgov.investments.models import InvestmentProject
from dxgov.orgunits.access import agencies_in_scope
from dxgov.orgunits.models import Agency, OrgUnit

MAX_ROWS = 10_000
CSV_COLUMNS = ("project", "plan_year", "source", "as_of", "kind", "value", "note")


class ImportRefused(ValueError):
    """The request or file as a whole cannot be read (its message says why)."""


class UnknownProjects(LookupError):
    """Rows name projects the user cannot see (or that do not exist): the API's 404."""

    def __init__(self, codes: Sequence[str]) -> None:
        super().__init__(
            _("No investment project with code %(codes)s in your scope.")
            % {"codes": ", ".join(codes[:5])}
        )
        self.codes = list(codes)


@contextmanager
def collection_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused for one bulk update: the tens of thousands of
    small objects a 5,000-row update makes would set off full collections over the whole
    process's heap (a quarter of the update's CPU time, docs/benchmarks.md), while what they
    hold is freed by reference counting when the request ends. Collection resumes after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass(frozen=True)
class RawRow:
    """A disbursement row as sent: text (or numbers and dates from JSON and Excel cells)."""

    project: str
    plan_year: Any
    source: str
    as_of: Any
    kind: str
    value: Any
    note: str = ""


@dataclass
class RowResult:
    project: str
    plan_year: int | None
    source: str
    as_of: date | None
    kind: str
    status: str = ""  # created | updated | unchanged | refused
    findings: rules.Findings = field(default_factory=dict)


@dataclass
class ImportResult:
    rows: list[RowResult]
    dry_run: bool = False

    @property
    def status(self) -> str:
        return "refused" if any(r.status == "refused" for r in self.rows) else "success"

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)


def csv_rows(text: str) -> list[RawRow]:
    """CSV with a header line naming CSV_COLUMNS (note optional)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = [name.strip().lower() for name in next(reader, [])]
        missing = [c for c in CSV_COLUMNS[:-1] if c not in header]
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
        rows: list[RawRow] = []
        for line, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                raise ImportRefused(
                    _("Line %(line)d has %(found)d columns; the header has %(expected)d.")
                    % {"line": line, "found": len(cells), "expected": len(header)}
                )
            if len(rows) >= MAX_ROWS:
                raise ImportRefused(_("At most %(max)d rows in one request.") % {"max": MAX_ROWS})
            values = dict(zip(header, (cell.strip() for cell in cells), strict=True))
            rows.append(
                RawRow(
                    project=values["project"],
                    plan_year=values["plan_year"],
                    source=values["source"],
                    as_of=values["as_of"],
                    kind=values["kind"],
                    value=values["value"],
                    note=values.get("note", ""),
                )
            )
    except csv.Error as exc:
        raise ImportRefused(_("The CSV cannot be read: %(error)s") % {"error": exc}) from exc
    return rows


def _projects(user: Any, codes: set[str]) -> dict[str, InvestmentProject]:
    """The projects of `codes` in the user's scope, with their investor and managing agency:
    thousands of projects share a few hundred agencies, read once each (one Agency object per
    agency, not one per project)."""
    found = {
        p.code: p
        for p in access.projects_for(user)
        .select_related(None)
        # Only what a bulk update reads of its projects (the other fields of 5,000 instances
        # cost a tenth of a second to build).
        .only("id", "code", "investor", "managing_agency")
        .filter(code__any_of=sorted(codes))
    }
    wanted = {p.investor_id for p in found.values()} | {
        p.managing_agency_id for p in found.values()
    }
    agencies = Agency.objects.in_bulk(wanted)
    for project in found.values():
        project._state.fields_cache["investor"] = agencies[project.investor_id]
        project._state.fields_cache["managing_agency"] = agencies[project.managing_agency_id]
    return found


def _resolve(
    user: Any, rows: Sequence[RawRow]
) -> tuple[list[RowResult], list[actions.DisbursementUpdate | None], list[str]]:
    codes = {r.project.strip() for r in rows}
    projects = _projects(user, codes)
    results: list[RowResult] = []
    updates: list[actions.DisbursementUpdate | None] = []
    unknown: list[str] = []
    for row in rows:
        code = row.project.strip()
        result = RowResult(
            code, None, excel.word("source", row.source), None, excel.word("kind", row.kind)
        )
        project = projects.get(code)
        if project is None:
            unknown.append(code)
            result.findings["project"] = [
                _("No investment project with code %(code)s in your scope.") % {"code": code}
            ]
        result.plan_year = excel.cell_year(row.plan_year)
        if result.plan_year is None or not 2000 <= result.plan_year <= 2100:
            result.findings.setdefault("plan_year", []).append(_("Give the plan year, e.g. 2026."))
        try:
            result.as_of = excel.cell_date(row.as_of)
        except ValueError:
            result.findings.setdefault("as_of", []).append(
                _("“%(text)s” is not a date: write dd/mm/yyyy.") % {"text": str(row.as_of)[:20]}
            )
        note = str(row.note or "").strip()
        if project is None or result.findings:
            updates.append(None)
        else:
            assert result.plan_year is not None
            updates.append(
                actions.DisbursementUpdate(
                    project=project,
                    plan_year=result.plan_year,
                    source=result.source,
                    as_of=result.as_of,
                    kind=result.kind,
                    value=row.value,
                    note=note,
                )
            )
        results.append(result)
    return results, updates, unknown


def save_rows(
    *,
    acting_user: Any,
    rows: Sequence[RawRow],
    dry_run: bool = False,
    channel: str = "api",
    strict: bool = True,
) -> ImportResult:
    """Resolve, judge and save disbursement rows, all or nothing. With `strict`, a row naming
    a project outside the user's scope (or none) makes the whole request a 404
    (`UnknownProjects`); otherwise it is that row's finding."""
    if len(rows) > MAX_ROWS:
        raise ImportRefused(_("At most %(max)d rows in one request.") % {"max": MAX_ROWS})
    results, updates, unknown = _resolve(acting_user, rows)
    if strict and unknown:
        raise UnknownProjects(sorted(set(unknown)))
    ready = [(i, u) for i, u in enumerate(updates) if u is not None]
    access.require_entry_all(acting_user, (update.project for _i, update in ready))
    outcome = ImportResult(results, dry_run)
    if len(ready) < len(results):
        # Some rows cannot even be read: judge the others too, so every finding is listed,
        # and save nothing.
        verdicts = actions.check_disbursements([u for _i, u in ready])
        for (index, _update), verdict in zip(ready, verdicts, strict=True):
            results[index].findings.update(verdict.findings)
        for result in results:
            result.status = "refused" if result.findings else ""
        return outcome
    try:
        saved = actions.save_disbursements(
            acting_user=acting_user,
            rows=[u for _i, u in ready],
            dry_run=dry_run,
            channel=channel,
        )
    except actions.RowsRefused as refused:
        for index, findings in refused.rows.items():
            results[index].findings = findings
            results[index].status = "refused"
        return outcome
    for result, status in zip(results, saved.statuses, strict=True):
        result.status = status
    return outcome


# --- the Excel template -----------------------------------------------------------------------

SOURCE_FIELDS = {f"source-{s}": s for s in rules.SOURCES}


@dataclass
class WorkbookResult:
    findings: list[tuple[str, str]] = field(default_factory=list)  # (cell, message)
    projects: int = 0
    allocations: int = 0
    disbursements: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.findings


def _cells(line: excel.Line, findings: rules.Findings, result: WorkbookResult) -> None:
    for name, messages in findings.items():
        column = SOURCE_FIELDS.get(name, name)
        for message in messages:
            result.findings.append((line.cell(column), message))


def import_workbook(*, acting_user: Any, data: bytes, dry_run: bool = False) -> WorkbookResult:
    """The filled template, all or nothing: projects (with their investment decision), then
    capital plans, then disbursement; any finding, or a dry run, saves nothing."""
    parsed = excel.parse(data)
    result = WorkbookResult(findings=list(parsed.problems), dry_run=dry_run)
    if parsed.problems and not parsed.lines:
        return result
    with transaction.atomic():
        for line in parsed.lines.get(excel.PROJECTS, []):
            _import_project(acting_user, line, result)
        for line in parsed.lines.get(excel.PLANS, []):
            _import_plan(acting_user, line, result)
        _import_disbursement(acting_user, parsed.lines.get(excel.DISBURSEMENT, []), result)
        if result.findings or dry_run:
            transaction.set_rollback(True)
            return result
        record(
            event_type=EventType.INVESTMENTS_IMPORTED,
            acting_user=acting_user,
            target_type="investments.workbook",
            target_id="",
            agency_id=getattr(acting_user, "agency_id", None),
            data={
                "projects": result.projects,
                "allocations": result.allocations,
                "disbursements": result.disbursements,
            },
        )
    return result


def _text(line: excel.Line, name: str) -> str:
    value = line.values.get(name)
    return "" if value is None else str(value).strip()


def _date(line: excel.Line, name: str, result: WorkbookResult) -> date | None:
    try:
        return excel.cell_date(line.values.get(name))
    except ValueError:
        result.findings.append(
            (
                line.cell(name),
                _("“%(text)s” is not a date: write dd/mm/yyyy.") % {"text": _text(line, name)[:20]},
            )
        )
        return None


def _import_project(user: Any, line: excel.Line, result: WorkbookResult) -> None:
    before = len(result.findings)
    investor = agencies_in_scope(user).filter(code=_text(line, "investor")).first()
    if investor is None:
        result.findings.append(
            (
                line.cell("investor"),
                _("No agency with code %(code)s in your scope.")
                % {"code": _text(line, "investor")},
            )
        )
    province = None
    if _text(line, "province"):
        province = OrgUnit.objects.filter(
            level="province", code=_text(line, "province"), valid_to__isnull=True
        ).first()
        if province is None:
            result.findings.append(
                (
                    line.cell("province"),
                    _("No province with code %(code)s.") % {"code": _text(line, "province")},
                )
            )
    dates = {name: _date(line, name, result) for name in ("signed_on", "start", "end")}
    if len(result.findings) > before or investor is None:
        return
    group = excel.word("group", line.values.get("group")).lower()
    try:
        with transaction.atomic():
            project = actions.create_project(
                acting_user=user,
                data=actions.NewProject(
                    code=_text(line, "code"),
                    name=_text(line, "name"),
                    investor=investor,
                    group=group,
                    category=excel.word("category", line.values.get("category")),
                    province=province,
                ),
            )
            if _text(line, "number"):
                actions.record_decision(
                    acting_user=user,
                    project=project,
                    data=rules.DecisionInput(
                        kind=rules.INVESTMENT,
                        number=_text(line, "number"),
                        signed_on=dates["signed_on"],
                        total=line.values.get("total"),
                        sources={s: line.values.get(s) for s in rules.SOURCES},
                        start=dates["start"],
                        end=dates["end"],
                    ),
                )
    except actions.UpdateRefused as refused:
        _cells(line, refused.findings, result)
        return
    except PermissionDenied as denied:
        result.findings.append((line.cell("investor"), str(denied)))
        return
    result.projects += 1


def _import_plan(user: Any, line: excel.Line, result: WorkbookResult) -> None:
    project = access.projects_for(user).filter(code=_text(line, "project")).first()
    if project is None:
        result.findings.append(
            (
                line.cell("project"),
                _("No investment project with code %(code)s in your scope.")
                % {"code": _text(line, "project")},
            )
        )
        return
    decided_on = _date(line, "decided_on", result)
    year = excel.cell_year(line.values.get("plan_year"))
    if year is None:
        result.findings.append((line.cell("plan_year"), _("Give the plan year, e.g. 2026.")))
        return
    try:
        with transaction.atomic():
            actions.record_allocation(
                acting_user=user,
                project=project,
                data=rules.AllocationInput(
                    plan_year=year,
                    source=excel.word("source", line.values.get("source")),
                    kind=excel.word("kind", line.values.get("kind")),
                    amount=line.values.get("amount"),
                    assigned=line.values.get("assigned"),
                    number=_text(line, "number"),
                    decided_on=decided_on,
                    reason=_text(line, "reason"),
                ),
            )
    except actions.UpdateRefused as refused:
        _cells(line, refused.findings, result)
        return
    except PermissionDenied as denied:
        result.findings.append((line.cell("project"), str(denied)))
        return
    result.allocations += 1


def _import_disbursement(user: Any, lines: list[excel.Line], result: WorkbookResult) -> None:
    if not lines:
        return
    rows = [
        RawRow(
            project=_text(line, "project"),
            plan_year=line.values.get("plan_year"),
            source=_text(line, "source"),
            as_of=line.values.get("as_of"),
            kind=_text(line, "kind"),
            value=line.values.get("value"),
            note=_text(line, "note"),
        )
        for line in lines
    ]
    try:
        saved = save_rows(acting_user=user, rows=rows, channel="excel", strict=False)
    except PermissionDenied as denied:
        result.findings.append((lines[0].cell("project"), str(denied)))
        return
    for line, row in zip(lines, saved.rows, strict=True):
        if row.findings:
            _cells(line, row.findings, result)
        else:
            result.disbursements[row.status] = result.disbursements.get(row.status, 0) + 1
