"""Recurring tasks: one task per month, quarter or year, each with its own deadline."""

from __future__ import annotations

import json
from datetime import date
from itertools import pairwise

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from dxgov.accounts.models import User
from dxgov.audit.models import AuditEvent, EventType
from dxgov.directives import actions
from dxgov.directives.models import Directive, DirectiveKind, Task
from dxgov.directives.rules import Recurrence, add_months, occurrences, recurrence_problem
from dxgov.orgunits.models import Agency
from dxgov.testing.clients import client_for


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 1, 15), 12, date(2027, 1, 15)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 12, 31), 1, date(2027, 1, 31)),
    ],
)
def test_add_months_clamps_to_the_month_end(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_monthly_keeps_the_day_after_a_short_month() -> None:
    # 31 Jan → 28 Feb → 31 Mar: each date is counted from the first, not from the previous.
    assert occurrences(date(2026, 1, 31), Recurrence.MONTHLY, date(2026, 4, 30)) == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
    ]


def test_quarterly_and_yearly_until_inclusive() -> None:
    assert occurrences(date(2026, 3, 20), Recurrence.QUARTERLY, date(2026, 12, 20)) == [
        date(2026, 3, 20),
        date(2026, 6, 20),
        date(2026, 9, 20),
        date(2026, 12, 20),
    ]
    assert occurrences(date(2026, 12, 15), Recurrence.YEARLY, date(2028, 12, 14)) == [
        date(2026, 12, 15),
        date(2027, 12, 15),
    ]
    assert occurrences(date(2026, 5, 1), Recurrence.NONE, date(2030, 1, 1)) == [date(2026, 5, 1)]


@given(
    st.dates(date(2024, 1, 1), date(2030, 12, 31)),
    st.sampled_from([Recurrence.MONTHLY, Recurrence.QUARTERLY, Recurrence.YEARLY]),
    st.integers(0, 2000),
)
def test_occurrences_are_increasing_within_bounds(
    first: date, recurrence: Recurrence, days: int
) -> None:
    until = date.fromordinal(first.toordinal() + days)
    dates = occurrences(first, recurrence, until)
    assert dates[0] == first
    assert all(a < b for a, b in pairwise(dates))
    assert all(d <= until for d in dates)


@pytest.mark.parametrize(
    ("first", "until", "fragment"),
    [
        (None, date(2026, 12, 31), "first occurrence"),
        (date(2026, 1, 31), None, "until when"),
        (date(2026, 6, 30), date(2026, 1, 1), "on or after"),
        (date(2026, 1, 1), date(2040, 1, 1), "At most"),
    ],
)
def test_recurrence_problems(first: date | None, until: date | None, fragment: str) -> None:
    from django.utils import translation

    with translation.override("en"):
        problem = recurrence_problem(first, Recurrence.MONTHLY, until)
    assert problem is not None and fragment in problem


@pytest.fixture
def directive(coordinator: User) -> Directive:
    return actions.create_directive(
        acting_user=coordinator,
        kind=DirectiveKind.QUYET_DINH,
        number="749/QĐ-TTg",
        issued_on=date(2026, 1, 5),
        issuing_agency=Agency.objects.get(code="CP"),
        title="Chương trình chuyển đổi số quốc gia",
    )


@pytest.mark.django_db
def test_a_monthly_report_task_becomes_twelve_tasks(
    coordinator: User, directive: Directive
) -> None:
    events = AuditEvent.objects.count()
    first = actions.create_task(
        acting_user=coordinator,
        directive=directive,
        lead_agency=Agency.objects.get(code="UBND-T25"),
        content="Báo cáo tình hình chuyển đổi số hằng tháng",
        deadline=date(2026, 1, 20),
        recurrence=Recurrence.MONTHLY,
        recurrence_until=date(2026, 12, 31),
        today=date(2026, 1, 6),
    )
    series = Task.objects.filter(directive=directive).order_by("deadline")
    assert series.count() == 12
    assert [t.deadline.month for t in series if t.deadline] == list(range(1, 13))
    assert all(t.series_id in (None, first.pk) for t in series)
    assert first.occurrences.count() == 11
    assert all(t.original_deadline == t.deadline and t.recurrence == "monthly" for t in series)
    assert AuditEvent.objects.count() == events + 12
    assert AuditEvent.objects.filter(event_type=EventType.TASK_CREATED).count() >= 12


@pytest.mark.django_db
def test_bad_recurrence_saves_nothing(coordinator: User, directive: Directive) -> None:
    with pytest.raises(ValidationError) as raised:
        actions.create_task(
            acting_user=coordinator,
            directive=directive,
            lead_agency=Agency.objects.get(code="UBND-T25"),
            content="Báo cáo quý",
            deadline=date(2026, 3, 31),
            recurrence=Recurrence.QUARTERLY,
            recurrence_until=None,
        )
    assert "recurrence" in raised.value.message_dict
    assert not Task.objects.filter(directive=directive).exists()


@pytest.mark.django_db
def test_api_creates_a_quarterly_series(coordinator: User, directive: Directive) -> None:
    response = client_for(coordinator).post(
        "/api/v1/tasks",
        json.dumps(
            {
                "directive": directive.pk,
                "content": "Báo cáo quý về chỉ số DTI",
                "lead_agency": "BKHCN",
                "deadline": "2026-03-25",
                "recurrence": "quarterly",
                "recurrence_until": "2026-12-31",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["recurrence"] == "quarterly" and body["series"] is None
    assert Task.objects.filter(series_id=body["id"]).count() == 3
