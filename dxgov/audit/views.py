from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dxgov.audit import ledger, live, state
from dxgov.audit.access import access_audit
from dxgov.audit.models import AuditEvent, ChainHead, Checkpoint, VerificationRun
from dxgov.audit.verify import Problem

LATEST = 50
_EVENT_PROBLEMS: dict[str, Promise] = {
    "altered": _("Event %(seq)s was altered"),
    "deleted": _("Event %(seq)s was deleted"),
    "inserted": _("Event %(seq)s was inserted"),
    "reordered": _("Event %(seq)s was moved out of order"),
}
_CHECKPOINT_PROBLEMS: dict[str, Promise] = {
    "checkpoint_signature": _("Checkpoint %(seq_from)s–%(seq_to)s: the signature does not verify"),
    "checkpoint_sequence": _(
        "Checkpoint %(seq_from)s–%(seq_to)s does not follow on from the previous one"
    ),
    "checkpoint_mismatch": _(
        "Checkpoint %(seq_from)s–%(seq_to)s: the events no longer match the signed root"
    ),
    "checkpoint_missing": _("Checkpoint %(seq_from)s–%(seq_to)s was deleted"),
    "rollback": _("Checkpoint %(seq_from)s–%(seq_to)s: the history was rolled back"),
}


_STATE_PROBLEMS: dict[str, Promise] = {
    "changed": _(
        "%(object)s %(id)s was changed outside the platform: it no longer matches the state "
        "event %(seq)s recorded"
    ),
    "inserted": _("%(object)s %(id)s exists, but no event records it"),
    "deleted": _("%(object)s %(id)s is gone, though event %(seq)s recorded it"),
    "unrecorded": _("%(object)s %(id)s has no recorded state yet: run “dxgov audit baseline” once"),
    "group_changed": _(
        "Dossier batches %(id)s no longer hold the rows the ledger recorded (rows inserted, "
        "deleted or rewritten)"
    ),
}


def describe_state(finding: dict[str, Any]) -> str:
    """A live-data finding (audit.live.Finding.as_dict()) as one line in the reader's language."""
    name = state.label_of(finding["target_type"])
    template = _STATE_PROBLEMS.get(finding["kind"])
    values = {"object": name, "id": finding["target_id"], "seq": finding["seq"]}
    return str(template) % values if template is not None else str(finding)


def describe(problem: Problem) -> str:
    """One line a person can read, in their language."""
    values = {"seq": problem.seq, "seq_from": problem.seq_from, "seq_to": problem.seq_to}
    if problem.kind in _EVENT_PROBLEMS:
        return str(_EVENT_PROBLEMS[problem.kind]) % values
    if problem.kind in _CHECKPOINT_PROBLEMS:
        return str(_CHECKPOINT_PROBLEMS[problem.kind]) % values
    return str(_("The chain head is missing"))


@dataclass
class StoredReport:
    """A kept verification run, shaped like ledger.Report for the page."""

    events: int
    checkpoints: int
    ok: bool
    last_checkpoint: Checkpoint | None


@dataclass
class LiveState:
    """The live rows against the ledger for the page: checked now, or the last run's."""

    rows: int
    ok: bool
    problems: list[str]
    count: int
    run: VerificationRun | None = None


def live_state(events: int) -> LiveState | None:
    """Checked on the view while the ledger and the audited rows are small enough; else the
    last `dxgov audit verify --state` (nightly); None if there has been none."""
    limit = settings.DXGOV_AUDIT_PAGE_VERIFY_LIMIT
    if events <= limit and live.rows_up_to(limit) <= limit:
        report = live.verify_state()
        lines = [describe_state(f.as_dict()) for f in report.findings]
        return LiveState(report.rows, report.ok, lines, report.problems)
    run = VerificationRun.objects.filter(rows__isnull=False).first()
    if run is None or run.rows is None:
        return None
    lines = [describe_state(f) for f in run.state_problems]
    return LiveState(run.rows, not run.state_problem_count, lines, run.state_problem_count, run)


@login_required
def ledger_status(request: HttpRequest) -> HttpResponse:
    access_audit(request.user)
    head = ChainHead.objects.first()
    events = head.seq if head is not None else 0
    run = None
    if events <= settings.DXGOV_AUDIT_PAGE_VERIFY_LIMIT:
        # Small enough to verify on every view: the page is always current.
        fresh = ledger.verify_ledger()
        report: ledger.Report | StoredReport = fresh
        problems = [describe(p) for p in fresh.problems]
    else:
        # Too large to verify per view: show the last full run (`dxgov audit verify`, nightly).
        run = VerificationRun.objects.first()
        report = StoredReport(
            events=run.events if run else 0,
            checkpoints=run.checkpoints if run else 0,
            ok=bool(run and run.ok),
            last_checkpoint=Checkpoint.objects.order_by("-seq_from").first(),
        )
        problems = [describe(Problem(**p)) for p in (run.problems if run else [])]
    context = {
        "report": report,
        "problems": problems,
        "latest": AuditEvent.objects.order_by("-seq")[:LATEST],
        "run": run,
        "stored": run is not None or events > settings.DXGOV_AUDIT_PAGE_VERIFY_LIMIT,
        "since": events - run.events if run else events,
        "live": live_state(events),
    }
    return render(request, "audit/ledger.html", context)
