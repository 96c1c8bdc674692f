"""Class 2, "Personal data stored": after the demo loader (run twice: the second run changes
nothing; the one run of the whole demo in the suite, so its public-investment portfolio is
checked here too), and after a small run of what the
ingestion benchmark sends, no text
value of any table holds an identity number (`personal.find`: citizen identity numbers, old
identity card numbers, passport numbers, phone numbers).

The demo's generated dossiers pass through the same ingestion as a source system's (validation,
quarantine, audit), so this also shows that the detector refuses none of the generator's
legitimate codes, amounts and dates: the demo's record counts are checked against quarantine.
"""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client

from dxgov.accounts.models import User
from dxgov.audit.models import AuditEvent
from dxgov.bench import scoring as scoring_bench
from dxgov.core.roles import Role
from dxgov.core.tests.hostile.identity import scan_database
from dxgov.demo.dossiers import SCHEMA
from dxgov.directives.models import Task
from dxgov.dossiers import actions
from dxgov.dossiers.models import Dossier, QuarantinedRecord, SourceSystem
from dxgov.investments.models import Decision, Disbursement, InvestmentProject


# Real commits, as `dxgov demo` makes them: inside one test transaction PostgreSQL keeps
# every version of the investment summaries the demo's actions update again and again
# (none can be pruned while the transaction is open), and the demo slows to a crawl. No
# serialized_rollback: the migrations load no rows the later tests need, and reloading the
# migrated content types after another committing test's flush collides with the ones the
# flush recreated.
@pytest.mark.django_db(transaction=True)
def test_the_demo_stores_no_identity_number_and_a_second_run_changes_nothing() -> None:
    out = io.StringIO()
    call_command("demo", stdout=out)
    first = out.getvalue()
    assert Dossier.objects.count() > 1000
    # Only the generator's deliberately broken records (no received_at) are quarantined: the
    # detector refuses none of its codes, amounts and dates.
    reasons = {error for q in QuarantinedRecord.objects.all() for error in q.errors}
    assert all(error.endswith(".received_at: is required") for error in reasons), reasons
    assert scan_database() == []
    _the_investment_portfolio_is_there()
    # The demo is idempotent (one run of the whole demo serves both checks: it is the suite's
    # slowest step). The first run (in a test database with the cast) adds the demo directives
    # and tasks; the committees' demo has issued one of them already (the national
    # committee's notice 02/TB-UBQGCĐS, through its concluding-notice action).
    assert "demo directives: +22 (1 already there)" in first
    counts = (User.objects.count(), AuditEvent.objects.count(), Task.objects.count())
    assert counts[2] > 3000
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert (User.objects.count(), AuditEvent.objects.count(), Task.objects.count()) == counts
    text = out.getvalue()
    assert "dxgov-demo-2025" in text and "[new]" not in text and "phutho.canbo" in text
    assert "demo directives: +0 (23 already there); tasks: +0 through actions, +0 imported" in text
    assert set(User.objects.values_list("role", flat=True)) == {r.value for r in Role}
    projects = InvestmentProject.objects.count()
    assert f"public investment: 0 projects ({projects} already there), 0 disbursed" in text


def _the_investment_portfolio_is_there() -> None:
    """The public-investment portfolio, loaded through the actions: projects across the
    ministries and provinces, weekly figures, some re-baselined with their reasons (the
    original decision kept beside the adjustment), some stalled, some investors late."""
    projects = InvestmentProject.objects.count()
    assert projects >= 100 and Disbursement.objects.count() > projects
    assert InvestmentProject.objects.filter(stalled=True).exists()
    adjusted = Decision.objects.filter(kind="adjustment").first()
    assert adjusted is not None and adjusted.reason
    assert Decision.objects.filter(project=adjusted.project).count() >= 2
    assert Disbursement.objects.filter(late=True).exists()
    assert Disbursement.objects.filter(late=False).exists()


@pytest.mark.django_db
def test_a_bench_ingest_run_stores_no_identity_number() -> None:
    """What `dxgov bench ingest` sends (its generated records, codes tagged "I<8 digits>-…",
    batch ids "I<8 digits>-<n>"), at a small count, over the API."""
    procedures, _plans, refs = scoring_bench._plan(2026)
    tag = "I96123456"  # as run_ingest tags a run: a passport number's shape, in a code
    by_source = scoring_bench._records(
        refs, procedures, count=3000, year=2026, months=[1], seed=2026, tag=tag
    )
    sent = 0
    for code, records in sorted(by_source.items()):
        source = SourceSystem.objects.get(code=code)
        _token, raw = actions.issue_token(acting_user=None, source=source)
        for number, start in enumerate(range(0, len(records), 1000)):
            body = {
                "schema": SCHEMA,
                "batch_id": f"{tag}-{number}",
                "records": records[start : start + 1000],
            }
            response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").post(
                "/api/v1/dossiers/batches", json.dumps(body), content_type="application/json"
            )
            assert response.status_code == 201, response.content
            assert response.json()["quarantined"] == 0, response.json()
            sent += len(body["records"])
    assert sent > 2500 and Dossier.objects.filter(code__startswith=tag).count() == sent
    assert scan_database() == []
